"""Tests for effects.survival: the 6-MP leukaemia trial (Gehan data), PH check, simulation."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects.survival import SurvivalResult, survival
from fou_analysis.exceptions import DataError, SpecificationError

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def gehan():
    # Freireich et al. (1963) 6-MP vs placebo remission times (weeks), 21 + 21 children, as
    # printed in Gehan (1965) and Cox (1972); see tests/fixtures/reference/README_individual.md.
    from pathlib import Path

    path = Path(__file__).parents[1] / "fixtures" / "reference" / "gehan_6mp.csv"
    d = pd.read_csv(path)
    d["control"] = (d["group"] == "control").astype(int)
    return d


@pytest.mark.reference
def test_gehan_logrank_and_cox_efron(gehan):
    r = survival(gehan, duration="weeks", event="relapse", group="control")
    assert isinstance(r, SurvivalResult)
    assert (r.n, r.events) == (42, 30)  # 30 relapses, 541 weeks at risk (Rodríguez, WWS 509)
    assert gehan["weeks"].sum() == 541
    # Kleinbaum & Klein, Survival Analysis (3rd ed.), ch. 2: log-rank chi2 = 16.79, 1 df
    assert round(r.logrank["chi2"], 2) == 16.79
    # Venables & Ripley, MASS (4th ed.) §13.3, coxph(Surv(time, cens) ~ treat, gehan) (Efron):
    # coef 1.57, exp(coef) 4.82, se 0.412
    assert round(r.estimate, 2) == 1.57
    assert round(r.hazard_ratio, 2) == 4.82
    assert round(r.se, 3) == 0.412
    assert r.hazard_ratio_ci[0] < 4.82 < r.hazard_ratio_ci[1]
    # medians: 6-MP 23 weeks, placebo 8 weeks (Kleinbaum & Klein ch. 2; Freireich et al.)
    assert r.medians.loc[0, "median"] == 23 and r.medians.loc[1, "median"] == 8


@pytest.mark.reference
def test_gehan_cox_breslow(gehan):
    # Kleinbaum & Klein (3rd ed.), ch. 3, Stata output with Breslow ties:
    # Rx coef 1.509, se 0.410, HR 4.523, 95 % CI 2.027 to 10.094
    r = survival(gehan, duration="weeks", event="relapse", group="control", ties="breslow")
    assert round(r.estimate, 3) == 1.509
    assert round(r.se, 3) == 0.410
    assert round(r.hazard_ratio, 3) == 4.523
    assert (round(r.hazard_ratio_ci[0], 3), round(r.hazard_ratio_ci[1], 3)) == (2.027, 10.094)


@pytest.mark.crosscheck
def test_gehan_kaplan_meier_first_week(gehan):
    # G. Rodríguez, WWS 509 "The Gehan Survival Data", Stata `sts list, by(group)`: control group,
    # week 1: 21 at risk, 2 relapses, S = 0.9048, se 0.0641, 95 % CI from 0.6700 (log-log).
    r = survival(gehan, duration="weeks", event="relapse", group="control")
    k = r.km[(r.km["group"] == 1) & (r.km["time"] == 1)].iloc[0]
    assert (k["at_risk"], k["events"]) == (21, 2)
    assert round(k["survival"], 4) == 0.9048
    assert round(k["std_error"], 4) == 0.0641
    assert round(k["ci_low"], 4) == 0.6700
    assert k["ci_high"] == pytest.approx(0.975, abs=0.005)


def test_diagnostics_mde_plot_and_covariates(gehan):
    d = gehan.assign(pair=np.tile(np.arange(21), 2) % 3)  # an arbitrary covariate
    r = survival(d, duration="weeks", event="relapse", group="control", covariates=["pair"])
    assert list(r.table["term"]) == ["control[1]", "pair"]
    assert set(r.ph_test.index) == {"control[1]", "pair"}
    v = {x.name: x for x in r.diagnostics}
    assert v["censoring"].value == pytest.approx(12 / 42, abs=1e-4)
    assert v["proportional_hazards"].verdict == "ok"
    assert r.mde is not None and 0 < r.mde < r.estimate
    assert r.plot() is not None
    overall = survival(gehan, duration="weeks", event="relapse")
    assert np.isnan(overall.estimate) and len(overall.km) > 0


def test_errors(gehan):
    with pytest.raises(SpecificationError):
        survival(gehan, duration="weeks", event="relapse", group="nope")
    with pytest.raises(SpecificationError, match="two values"):
        survival(gehan.assign(g3=np.arange(42) % 3), duration="weeks", event="relapse", group="g3")
    bad = gehan.copy()
    bad.loc[4, "weeks"] = -1
    with pytest.raises(DataError) as err:
        survival(bad, duration="weeks", event="relapse", group="control")
    assert (err.value.row, err.value.column) == (6, "weeks")
    bad = gehan.assign(relapse=gehan["relapse"].replace({1: 2}))
    with pytest.raises(DataError):
        survival(bad, duration="weeks", event="relapse", group="control")


@pytest.mark.simulation
def test_non_proportional_hazards_are_flagged():
    # Group 1 has a high hazard early and none after t = 1 (crossing curves): the Schoenfeld
    # residuals of the group term must trend with time. n = 400 makes the trend unmistakable.
    rng = np.random.default_rng(11)
    n = 400
    g = np.repeat([0, 1], n // 2)
    t0 = rng.exponential(1.0, n)
    t1 = np.where(rng.random(n) < 0.6, rng.uniform(0, 0.5, n), 1 + rng.exponential(3.0, n))
    t = np.where(g == 1, t1, t0)
    d = pd.DataFrame({"t": np.minimum(t, 4), "e": (t < 4).astype(int), "g": g})
    r = survival(d, duration="t", event="e", group="g")
    assert {x.name: x.verdict for x in r.diagnostics}["proportional_hazards"] == "warn"


@pytest.mark.simulation
def test_cox_recovers_hazard_ratio_under_censoring_without_bias():
    # Exponential times, true log HR 0.5, uniform censoring (about 35 % censored), n = 160,
    # 100 replications (statsmodels' PHReg loops over event times; this keeps the test near
    # 5 s). MC sd of the mean log HR is about 0.2 / sqrt(100) = 0.02, so a bias tolerance of
    # 0.06 is 3 MC sd (the small-sample bias of the Cox MLE at 100 events is ~0.01). Coverage of
    # the interval is tested with power in test_coverage_single.py (R = 500).
    rng = np.random.default_rng(20261128)
    beta, n, reps = 0.5, 160, 100
    est, cens = [], []
    for _ in range(reps):
        g = rng.integers(0, 2, n)
        x = rng.normal(size=n)
        t = rng.exponential(1 / np.exp(beta * g + 0.3 * x))
        c = rng.uniform(0, 2.5, n)
        d = pd.DataFrame({"t": np.minimum(t, c), "e": (t <= c).astype(int), "g": g, "x": x})
        r = survival(d, duration="t", event="e", group="g", covariates=["x"])
        est.append(r.estimate)
        cens.append(r.censored_share)
    assert 0.25 < np.mean(cens) < 0.45
    assert abs(np.mean(est) - beta) < 0.06


def test_plot_stops_each_curve_where_fewer_than_five_are_at_risk(gehan):
    r = survival(gehan, duration="weeks", event="relapse", group="control")
    ax = r.plot()
    assert len(ax.lines) == 2
    cuts = 0
    for line, (g, k) in zip(ax.lines, r.km.groupby("group", sort=False), strict=True):
        if (k["at_risk"] < 5).any():  # placebo: its last relapses happen with < 5 at risk
            assert max(line.get_xdata()) == k.loc[k["at_risk"] >= 5, "time"].max(), g
            cuts += 1
        else:  # 6-MP: never fewer than 5 at an event; drawn to the last follow-up as before
            assert max(line.get_xdata()) == r.medians.loc[g, "max_time"], g
    assert cuts == 1
    # a group of four (the 6-MP arm's first four) is not drawn at all
    few = pd.concat([gehan[gehan["control"] == 1], gehan[gehan["control"] == 0].head(4)])
    ax = survival(few, duration="weeks", event="relapse", group="control").plot()
    assert len([line for line in ax.lines if len(line.get_xdata())]) == 1
    assert any("not drawn" in t.get_text() for t in ax.get_legend().get_texts())
    uncut = survival(few, duration="weeks", event="relapse", group="control").plot(min_at_risk=1)
    assert len([line for line in uncut.lines if len(line.get_xdata())]) == 2
