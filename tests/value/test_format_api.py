"""Norwegian number formatting and the shape of the public API (data first, options keyword-only)."""

from __future__ import annotations

import inspect

import pytest

from fou_analysis import value
from fou_analysis.exceptions import SpecificationError

NB = "\u00a0"  # no-break space: the Norwegian thousands separator in rendered text


def test_norwegian_and_english_numbers():
    assert value.format_number(1234567.891, 1, "nb") == f"1{NB}234{NB}567,9"
    assert value.format_number(1234567.891, 1, "en") == "1,234,567.9"
    assert value.format_number(-2.5, 1, "nb") == "−2,5"
    assert value.format_nok(1_250_000, "nb") == f"1{NB}250{NB}000{NB}kr"
    assert value.format_nok(1_250_000, "en") == f"NOK{NB}1,250,000"
    assert value.format_nok(1_250_000, "nb", compact=True) == f"1,25{NB}mill.{NB}kr"
    assert value.format_nok(2.5e9, "nb", compact=True) == f"2,50{NB}mrd.{NB}kr"
    assert value.format_percent(0.035, 1, "nb") == f"3,5{NB}%"
    assert value.format_nok(float("nan")) == "–"
    with pytest.raises(SpecificationError):
        value.format_number(1, 0, "sv")


def test_everything_promised_is_exported():
    for name in (
        "sroi",
        "SroiResult",
        "r109_discount_factor",
        "cost_benefit",
        "CbaResult",
        "load_impact_map",
        "ImpactMap",
        "load_value_bank",
        "bank_value",
        "to_base_year",
        "simulate",
        "SimulationResult",
        "tornado",
        "plot_tornado",
        "break_even",
    ):
        assert hasattr(value, name) and name in value.__all__, name


@pytest.mark.parametrize(
    "fn",
    [
        value.sroi,
        value.simulate,
        value.tornado,
        value.break_even,
        value.cost_benefit,
        value.load_impact_map,
        value.r109_discount_factor,
        value.bank_value,
    ],
)
def test_data_first_then_keyword_only_and_documented(fn):
    params = list(inspect.signature(fn).parameters.values())
    n_positional = 2 if fn is value.cost_benefit else 1  # cost_benefit(benefits, costs, *, ...)
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params[:n_positional])
    assert all(p.kind is p.KEYWORD_ONLY for p in params[n_positional:])
    doc = inspect.getdoc(fn) or ""
    assert "Parameters" in doc and ("Examples" in doc or "Returns" in doc)
