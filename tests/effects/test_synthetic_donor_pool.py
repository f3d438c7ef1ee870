"""Synthetic control's donor pool (exclude, donors, nearest, comparable_donors), the
over-fitting flag and the donor table, on planted data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects import comparable_donors, synthetic_control
from fou_analysis.effects._synth_diagnostics import OVERFIT_REL
from fou_analysis.exceptions import SpecificationError

T, T0, J = 10, 5, 30
TRUE_WEIGHTS = {"d0": 0.5, "d1": 0.3, "d2": 0.2}


def _planted(seed: int = 1, noise: float = 0.3, *, centroid: bool = False) -> pd.DataFrame:
    """Two-factor panel with noise sd ``noise``. The treated unit is 0.5 d0 + 0.3 d1 + 0.2 d2
    (their factor parts) plus its own noise; with ``centroid=True`` it is instead the mean of
    all 30 observed donor paths plus N(0, 0.05²), which puts it deep inside their convex hull."""
    rng = np.random.default_rng(seed)
    F = rng.normal(size=(T, 2)).cumsum(0)
    L = rng.uniform(0, 1, (J, 2))
    signal = L @ F.T
    Yd = signal + rng.normal(0, noise, (J, T))
    w = np.zeros(J)
    w[:3] = list(TRUE_WEIGHTS.values())
    y1 = w @ signal + rng.normal(0, noise, T)
    if centroid:
        y1 = Yd.mean(axis=0) + rng.normal(0, 0.05, T)
    rows = [(f"d{j}", t, Yd[j, t]) for j in range(J) for t in range(T)]
    rows += [("tr", t, y1[t]) for t in range(T)]
    df = pd.DataFrame(rows, columns=["unit", "t", "y"])
    return df.assign(name=df["unit"].str.replace("d", "Donor ", regex=False))


KW = dict(outcome="y", unit="unit", time="t", treated_unit="tr", treatment_start=T0)


def _pre_fit(res):
    return next(d for d in res.diagnostics if d.name == "pre_fit")


@pytest.mark.simulation
@pytest.mark.parametrize("seed", range(5))
def test_many_donors_inside_the_hull_is_flagged_as_overfitting(seed):
    """30 donors for 5 pre-periods, the treated unit inside their hull: its path (which carries
    noise) is interpolated to machine precision, and the check says over-fitting instead of
    'ok'. Deterministic given the seed: exact interpolation needs only the hull condition."""
    res = synthetic_control(_planted(seed, centroid=True), **KW, placebo=False, leave_one_out=False)
    d = _pre_fit(res)
    assert res.pre_rmspe < 1e-6  # an exact interpolation: the noise is fitted too
    assert d.value < OVERFIT_REL
    assert d.verdict == "warn"
    assert "over-fitting" in d.detail and "overtilpasning" in d.detail_nb


@pytest.mark.simulation
@pytest.mark.parametrize("seed", range(5))
def test_a_restricted_pool_is_not_flagged(seed):
    """Only the 3 true donors (fewer than the 5 pre-periods): the fit error is the planted noise
    (sd 0.3 on the treated and the donors; over 100 seeds its RMSPE was never below 3 % of the
    outcome's sd), and the over-fitting flag does not fire."""
    res = synthetic_control(_planted(seed), **KW, donors=list(TRUE_WEIGHTS), placebo=False)
    d = _pre_fit(res)
    assert res.n_control == 3
    assert d.value > OVERFIT_REL
    assert "over-fitting" not in d.detail and "overtilpasning" not in d.detail_nb


def test_an_exact_fit_with_few_donors_is_not_overfitting():
    """A noise-free treated unit that is truly 0.5 d0 + 0.3 d1 + 0.2 d2: a perfect fit with 3
    donors for 5 pre-periods is structure, not interpolation, so it stays 'ok'."""
    df = _planted(2, noise=0.0)
    res = synthetic_control(df, **KW, donors=list(TRUE_WEIGHTS), placebo=False, leave_one_out=False)
    d = _pre_fit(res)
    assert d.value < OVERFIT_REL
    assert d.verdict == "ok"
    # the active-set solver (_simplex) solves the least squares exactly on its support, so only
    # rounding separates the weights from the planted ones (observed 1e-16)
    np.testing.assert_allclose(res.weights[list(TRUE_WEIGHTS)], list(TRUE_WEIGHTS.values()), atol=1e-12)


def test_exclude_and_donors_shape_the_pool():
    df = _planted()
    res = synthetic_control(df, **KW, exclude=["d0", "d5"], placebo=False, leave_one_out=False)
    assert res.n_control == J - 2
    assert not {"d0", "d5"} & set(res.weights.index)
    res = synthetic_control(df, **KW, donors=["d0", "d1", "d2", "d3"], exclude=("d3",), placebo=True)
    assert sorted(res.weights.index) == ["d0", "d1", "d2"]
    assert sorted(res.placebos["unit"]) == ["d0", "d1", "d2"]  # placebos only from the pool
    assert "excluding d3" in " ".join(res.notes)


def test_pool_errors_name_the_argument():
    df = _planted()
    with pytest.raises(SpecificationError, match="exclude.*Oslo"):
        synthetic_control(df, **KW, exclude=["Oslo"])
    with pytest.raises(SpecificationError, match="treated unit"):
        synthetic_control(df, **KW, donors=["tr", "d1", "d2"])
    with pytest.raises(SpecificationError, match="at least 2 donor"):
        synthetic_control(df, **KW, donors=["d1", "d2"], exclude=["d2"])
    with pytest.raises(SpecificationError, match="nearest"):
        synthetic_control(df, **KW, nearest=0)
    with pytest.raises(SpecificationError, match="give nearest"):
        synthetic_control(df, **KW, size="y")


def test_comparable_donors_keeps_the_units_closest_in_level_and_trend():
    """Units built as the treated path plus a shift (level) or a slope (trend): the nearest are
    the ones with the smallest shifts and slopes, whatever their order in the data."""
    t = np.arange(8)
    base = np.sin(t)
    offsets = {"far_level": (5.0, 0.0), "near": (0.1, 0.0), "far_trend": (0.0, 1.0), "mid": (0.5, 0.1)}
    rows = [("tr", s, base[s]) for s in t]
    for u, (lvl, slope) in offsets.items():
        rows += [(u, s, base[s] + lvl + slope * s) for s in t]
    df = pd.DataFrame(rows, columns=["u", "t", "y"])
    got = comparable_donors(df, "u", "t", "y", "tr", 6, k=2)
    assert set(got) == {"near", "mid"}
    assert set(comparable_donors(df, "u", "t", "y", "tr", 6, k=2, exclude=["near"])) == {"mid", "far_trend"}
    res = synthetic_control(
        df, outcome="y", unit="u", time="t", treated_unit="tr", treatment_start=6, nearest=2
    )
    assert set(res.weights.index) == {"near", "mid"}
    assert "closest in pre-period level and trend" in " ".join(res.notes)


def test_donor_table_lists_top_donors_with_names():
    res = synthetic_control(_planted(), **KW, donors=list(TRUE_WEIGHTS), names="name", placebo=False)
    tab = res.donor_table()
    assert list(tab.columns) == ["unit", "name", "weight"]
    assert (tab["weight"] >= 0.01).all() and len(tab) <= 10
    assert list(tab["weight"]) == sorted(tab["weight"], reverse=True)
    assert set(tab["name"]) <= {"Donor 0", "Donor 1", "Donor 2"}
    assert list(res.donor_table("nb").columns) == ["enhet", "navn", "vekt"]
    label = next(d for d in res.diagnostics if d.name == "weights").label("nb")
    weights_line = next(t for v, t in res.summary("nb").diagnostics if t.startswith(label))
    assert tab["name"].iloc[0] in weights_line
    # at most 10 donors, even when more carry weight
    many = synthetic_control(_planted(), **KW, placebo=False, leave_one_out=False)
    assert len(many.donor_table()) <= 10


def test_synthetic_did_takes_the_same_pool_arguments():
    from fou_analysis.effects import synthetic_did

    df = _planted().assign(d=lambda f: ((f["unit"] == "tr") & (f["t"] >= T0)).astype(int))
    kw = dict(outcome="y", unit="unit", time="t", treated="d", reps=20)
    full = synthetic_did(df, **kw)
    res = synthetic_did(df, **kw, exclude=["d0"], donors=[f"d{j}" for j in range(10)])
    assert (full.n_control, res.n_control) == (J, 9)
    assert "d0" not in res.unit_weights.index and "excluding d0" in res.notes[-1]
    with pytest.raises(SpecificationError, match="control units only"):
        synthetic_did(df, **kw, exclude=["tr"])


def test_size_keeps_a_unit_of_a_very_different_size_out():
    """'oslo' has the treated unit's exact path but 100 times its population: by level and trend
    alone it is the nearest donor, with size it is not among the 2 nearest."""
    t = np.arange(8)
    base = np.sin(t)
    units = {
        "oslo": (0.0, 0.0, 100_000),
        "a": (0.2, 0.0, 1_100),
        "b": (0.0, 0.05, 900),
        "c": (3.0, 0.5, 1_000),
    }
    rows = [("tr", s, base[s], 1_000) for s in t]
    for u, (lvl, slope, pop) in units.items():
        rows += [(u, s, base[s] + lvl + slope * s, pop) for s in t]
    df = pd.DataFrame(rows, columns=["u", "t", "y", "pop"])
    assert "oslo" in comparable_donors(df, "u", "t", "y", "tr", 6, k=2)
    assert set(comparable_donors(df, "u", "t", "y", "tr", 6, k=2, size="pop")) == {"a", "b"}
