"""`effects.event_study`: equals a dummy-variable fit, joint pre-trend test, binning, errors."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from fou_analysis.effects.event_study import EventStudyResult, event_study
from fou_analysis.exceptions import DataError, SpecificationError


def _staggered(seed=0, units=45, periods=10, pre_slope=0.0, effect=1.0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(units), periods),
            "year": np.tile(np.arange(2010, 2010 + periods), units),
        }
    )
    cohort = np.select([np.arange(units) < 10, np.arange(units) < 20], [2015, 2017], 0)
    df["first"] = cohort[df["unit"]]
    treated = df["first"] > 0
    rel = df["year"] - df["first"]
    df["y"] = (
        rng.normal(size=units)[df["unit"]]
        + 0.1 * (df["year"] - 2010)
        + effect * (treated & (rel >= 0))
        + pre_slope * treated * (df["year"] - 2010)
        + rng.normal(scale=0.5, size=len(df))
    )
    return df


def _dummy_fit(df, leads, lags, reference):
    d = df.copy()
    rel = np.where(d["first"] > 0, (d["year"] - d["first"]).clip(-leads, lags), np.nan)
    names = []
    for k in range(-leads, lags + 1):
        if k == reference:
            continue
        nm = f"e_{'m' if k < 0 else 'p'}{abs(k)}"
        d[nm] = (rel == k).astype(float)
        names.append((k, nm))
    fit = smf.ols(f"y ~ {' + '.join(n for _, n in names)} + C(unit) + C(year)", data=d).fit(
        cov_type="cluster", cov_kwds={"groups": d["unit"].to_numpy()}, use_t=True
    )
    return fit, names


def test_equals_statsmodels_dummy_fit_and_joint_test():
    df = _staggered()
    res = event_study(df, outcome="y", unit="unit", time="year", first_treated="first", leads=3, lags=3)
    assert isinstance(res, EventStudyResult)
    fit, names = _dummy_fit(df, 3, 3, -1)
    tab = res.event_table.set_index("event_time")
    for k, nm in names:
        assert tab.loc[k, "estimate"] == pytest.approx(fit.params[nm], rel=1e-9)
        assert tab.loc[k, "std_error"] == pytest.approx(fit.bse[nm], rel=1e-9)
    leads = [nm for k, nm in names if k < 0]
    ftest = fit.f_test(", ".join(f"{nm} = 0" for nm in leads))
    assert res.pretrend_test["p_value"] == pytest.approx(float(ftest.pvalue), rel=1e-7)
    # estimate = mean of the post coefficients (event times 0..3)
    post = [nm for k, nm in names if k >= 0]
    assert res.estimate == pytest.approx(np.mean([fit.params[nm] for nm in post]), rel=1e-9)
    assert tab.loc[-1, "reference"] and tab.loc[-1, "estimate"] == 0
    assert bool(tab.loc[-3, "binned"]) and bool(tab.loc[3, "binned"])


@pytest.mark.simulation
def test_pretrend_test_detects_a_planted_pre_trend():
    # treated units drift up 0.3 per year (noise sd 0.5, 20 treated units): joint test must fail;
    # without drift the planted effect 1.0 is recovered (se ≈ 0.1, tolerance 0.35 ≈ 3.5 se)
    bad = event_study(
        _staggered(seed=1, pre_slope=0.3), outcome="y", unit="unit", time="year", first_treated="first"
    )
    assert {d.name: d for d in bad.diagnostics}["pre_trend"].verdict == "fail"
    good = event_study(_staggered(seed=2), outcome="y", unit="unit", time="year", first_treated="first")
    assert good.estimate == pytest.approx(1.0, abs=0.35)
    assert {d.name for d in good.diagnostics} >= {"pre_trend", "clusters", "treated_clusters", "cohorts"}


def test_unbinned_drops_rows_outside_the_window():
    df = _staggered(seed=3)
    res = event_study(
        df, outcome="y", unit="unit", time="year", first_treated="first", leads=2, lags=2, binned=False
    )
    rel = df["year"] - df["first"]
    outside = ((df["first"] > 0) & ((rel < -2) | (rel > 2))).sum()
    assert res.n == len(df) - outside
    assert not res.event_table["binned"].any()


def test_missing_first_treated_means_never_and_plot():
    df = _staggered(seed=4)
    a = event_study(df, outcome="y", unit="unit", time="year", first_treated="first")
    b = event_study(
        df.assign(first=df["first"].replace(0, np.nan)),
        outcome="y",
        unit="unit",
        time="year",
        first_treated="first",
    )
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
    assert (a.n_treated, a.n_control) == (20, 25)
    assert a.plot() is not None


def test_errors():
    df = _staggered()
    with pytest.raises(SpecificationError):
        event_study(df, outcome="y", unit="unit", time="year", first_treated="first", se="wild")
    with pytest.raises(SpecificationError):
        event_study(df, outcome="y", unit="unit", time="year", first_treated="first", reference=0)
    only_treated = df[df["first"] > 0]
    with pytest.raises(SpecificationError, match="never-treated"):  # unbinned: not identified
        event_study(only_treated, outcome="y", unit="unit", time="year", first_treated="first", binned=False)
    res = event_study(only_treated, outcome="y", unit="unit", time="year", first_treated="first")
    assert {d.name: d for d in res.diagnostics}["never_treated"].verdict == "warn"
    bad = df.copy()
    bad.loc[0, "first"] = 2013  # unit 0 has two different start years
    with pytest.raises(DataError, match="first"):
        event_study(bad, outcome="y", unit="unit", time="year", first_treated="first")
