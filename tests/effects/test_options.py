"""The designs' option table (effects/_options.py) matches the designs' signatures."""

from __future__ import annotations

import inspect

import pytest

from fou_analysis import effects
from fou_analysis.config import DESIGNS
from fou_analysis.effects._options import COLUMN_ARGS, OPTIONS, check_option
from fou_analysis.exceptions import SpecificationError


@pytest.mark.parametrize("design", sorted(OPTIONS))
def test_every_option_is_a_parameter_whose_default_is_allowed(design: str) -> None:
    params = inspect.signature(getattr(effects, design)).parameters
    for name, allowed in OPTIONS[design].items():
        assert name in params, f"{design} has no parameter {name!r}"
        default = params[name].default
        assert default is inspect.Parameter.empty or default in allowed, (design, name, default)


def test_every_design_lists_its_column_arguments() -> None:
    assert set(COLUMN_ARGS) == set(DESIGNS)
    for design, names in COLUMN_ARGS.items():
        params = inspect.signature(getattr(effects, design)).parameters
        assert set(names) <= set(params), (design, set(names) - set(params))


def test_check_option_names_the_allowed_values() -> None:
    with pytest.raises(
        SpecificationError, match=r"se must be 'classical', 'hc1', 'cluster', 'wild' or 'ri', not 'hc3'"
    ):
        check_option("did", "se", "hc3")
