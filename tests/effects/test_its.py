"""`effects.its`: Sicily smoking ban (Lopez Bernal et al. 2017), exact recovery, coverage, errors."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects._result import TIDY_COLUMNS
from fou_analysis.effects.its import ItsResult, default_hac_lags, its
from fou_analysis.exceptions import DataError, SpecificationError

REF = Path(__file__).resolve().parents[1] / "fixtures" / "reference"


@pytest.fixture(scope="module")
def sicily() -> pd.DataFrame:
    return pd.read_csv(REF / "sicily.csv")


@pytest.mark.reference
def test_sicily_seasonal_quasi_poisson_rate_ratio(sicily):
    """Lopez Bernal, Cummins & Gasparrini (2017), Int J Epidemiol 46(1):348-355, step 5c
    (Rcode.R `model3`: quasipoisson, offset log(stdpop), smokban + time + harmonic(month, 2, 12)):
    smoking-ban rate ratio 0.885, 95 % CI 0.839-0.933.
    """
    r = its(
        sicily,
        outcome="aces",
        time="time",
        intervention_start=37,
        family="poisson",
        exposure="stdpop",
        seasonality=12,
        slope_change=False,
        cov="model",
    )
    rr = r.table.set_index("term").loc["level_change_rate_ratio"]
    assert round(rr["estimate"], 3) == 0.885
    assert round(rr["ci_low"], 3) == 0.839
    assert round(rr["ci_high"], 3) == 0.933
    assert r.estimate == pytest.approx(math.log(rr["estimate"]))
    assert r.n == 59 and r.n_control == 36 and r.n_treated == 23


def test_sicily_hac_and_slope_change_keep_the_point_estimate(sicily):
    # Invariances on the published data (no published number asserted: not a reference test).
    base = dict(
        outcome="aces",
        time="time",
        intervention_start=37,
        family="poisson",
        exposure="stdpop",
        seasonality=12,
        slope_change=False,
    )
    model = its(sicily, **base, cov="model")
    hac = its(sicily, **base, cov="hac")
    assert hac.estimate == pytest.approx(model.estimate, abs=1e-10)
    assert hac.se != pytest.approx(model.se)
    assert hac.hac_lags == default_hac_lags(59) == 3
    full = its(
        sicily, outcome="aces", time="time", intervention_start=37, family="poisson", exposure="stdpop"
    )
    assert "slope_change_rate_ratio" in set(full.table.term)
    avg = full.table.set_index("term").loc["average_post_effect"]
    assert avg["estimate"] < 0 and avg["std_error"] > 0


def test_noiseless_segments_are_recovered_exactly():
    t = np.arange(40)
    y = 5 + 0.2 * t - 3.0 * (t >= 25) + 0.5 * (t - 25) * (t >= 25)
    r = its(pd.DataFrame({"t": t, "y": y + 1e-9 * np.sin(t)}), outcome="y", time="t", intervention_start=25)
    tab = r.table.set_index("term")["estimate"]
    assert tab["level_change"] == pytest.approx(-3.0, abs=1e-6)
    assert tab["slope_change"] == pytest.approx(0.5, abs=1e-6)
    assert tab["trend"] == pytest.approx(0.2, abs=1e-6)
    # average post effect = b2 + b3 * mean(t - t0) over the 15 post periods = -3 + 0.5 * 7
    assert tab["average_post_effect"] == pytest.approx(0.5, abs=1e-6)
    np.testing.assert_allclose(r.fitted["fitted"], y, atol=1e-6)
    assert r.mde == pytest.approx(2.8 * r.se)
    assert list(r.table.columns[:7]) == list(TIDY_COLUMNS)


def test_month_seasonality_with_dates_and_plot(sicily):
    import matplotlib.pyplot as plt

    d = sicily.assign(
        date=pd.to_datetime(dict(year=sicily.year, month=sicily.month, day=1)),
        rate=sicily.aces / sicily.stdpop * 1e5,
    )
    r = its(
        d, outcome="rate", time="date", intervention_start=pd.Timestamp("2005-01-01"), seasonality="month"
    )
    assert isinstance(r, ItsResult)
    assert {f"month_{m}" for m in range(2, 13)} <= set(r.table.term)
    assert r.estimate < 0 and r.ci[1] < 0
    assert isinstance(r.plot(), plt.Axes)
    names = {x.name for x in r.diagnostics}
    assert {"residual_autocorrelation", "placebo_date", "series_length"} <= names


def test_placebo_date_flags_a_break_in_the_pre_period():
    rng = np.random.default_rng(4)
    t = np.arange(80)
    y = 10 + 0.05 * t + 4.0 * (t >= 20) + rng.normal(scale=0.5, size=80)  # real break at 20
    r = its(pd.DataFrame({"t": t, "y": y}), outcome="y", time="t", intervention_start=60, placebo_start=20)
    diag = {x.name: x for x in r.diagnostics}["placebo_date"]
    assert diag.verdict == "warn" and diag.value < 0.05


def test_errors(sicily):
    kw = dict(outcome="aces", time="time", intervention_start=37)
    with pytest.raises(SpecificationError, match="datetime"):
        its(sicily, **kw, seasonality="month")
    with pytest.raises(SpecificationError, match="family"):
        its(sicily, **kw, family="binomial")
    with pytest.raises(SpecificationError, match="pre"):
        its(sicily, outcome="aces", time="time", intervention_start=2)
    with pytest.raises(DataError, match="counts"):
        its(sicily.assign(aces=sicily.aces - 800.5), **kw, family="poisson")
    with pytest.raises(DataError, match="twice"):
        its(pd.concat([sicily, sicily.iloc[:1]]), **kw)
    with pytest.raises(SpecificationError, match="nope"):
        its(sicily, outcome="nope", time="time", intervention_start=37)


# --------------------------------------------------------------------------- simulation
def _coverage(T, phi, reps, seed, cov):
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    hits = 0
    for _ in range(reps):
        e = np.empty(T)
        e[0] = rng.normal() / math.sqrt(1 - phi**2)
        for i in range(1, T):
            e[i] = phi * e[i - 1] + rng.normal()
        y = 1 + 0.05 * t + 2.0 * (t >= T // 2) + e
        r = its(pd.DataFrame({"t": t, "y": y}), outcome="y", time="t", intervention_start=T // 2, cov=cov)
        hits += r.ci[0] <= 2.0 <= r.ci[1]
    return hits / reps


@pytest.mark.simulation
def test_hac_option_undercovers_as_documented():
    """AR(1) errors (rho 0.3), T = 120, break mid-series, planted level change 2.0, 120 reps.

    The default cov="ar1" has a powered coverage test (test_coverage_single.py, R = 500).
    cov="hac" (Newey-West, default lags 4; an option, not the default): known to under-cover
    here (0.89 in a 400-rep run; see the its module docstring); the test pins it between 0.80
    and 0.97 so that a regression to much worse coverage is caught.
    """
    hac = _coverage(120, 0.3, 120, 1, "hac")
    assert 0.80 <= hac <= 0.97
