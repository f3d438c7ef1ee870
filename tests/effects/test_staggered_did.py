"""`effects.staggered_did` (Callaway & Sant'Anna 2021) against the `differences` package and by hand.

With covariates (doubly robust ATT(g,t), Sant'Anna & Zhao 2020): identical to the unconditional
estimator without them, equal to `differences`' DR estimator, unbiased (with interval coverage by
the powered rule of ``_powered``) where parallel trends hold only conditionally on a covariate
and the unconditional estimator is biased.
"""

import matplotlib

matplotlib.use("Agg")

import warnings

import numpy as np
import pandas as pd
import pytest
from _powered import R, assert_coverage, covers

from fou_analysis.effects._checks import check_label
from fou_analysis.effects._staggered_dr import dr_att
from fou_analysis.effects.staggered_did import StaggeredResult, staggered_did
from fou_analysis.exceptions import SpecificationError


def _panel(seed=1, n=300, periods=6, cohorts=(0, 3, 4, 5), pre_slope=0.0):
    # dynamic, cohort-specific effects: 0.5 per period of exposure (the case TWFE gets wrong)
    rng = np.random.default_rng(seed)
    first = rng.choice(cohorts, size=n)
    unit = np.repeat(np.arange(n), periods)
    t = np.tile(np.arange(1, periods + 1), n)
    g = first[unit]
    exposure = np.where((g > 0) & (t >= g), t - g + 1, 0)
    y = (
        rng.normal(size=n)[unit]
        + 0.2 * t
        + 0.5 * exposure
        + pre_slope * (g > 0) * t
        + rng.normal(size=unit.size)
    )
    return pd.DataFrame({"unit": unit, "time": t, "first": g, "y": y})


def _reference(df, control):
    differences = pytest.importorskip("differences")
    d = df.assign(first=df["first"].replace(0, np.nan)).set_index(["unit", "time"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 deprecation warnings inside `differences`
        att = differences.ATTgt(data=d, cohort_column="first")
        att.fit(
            formula="y",
            control_group={"never": "never_treated", "notyet": "not_yet_treated"}[control],
            progress_bar=False,
        )
        gt = att.results()
        simple = att.aggregate("simple")
        event = att.aggregate("event")
    gt.columns = ["att", "se", "lo", "hi", "flag"]
    event.columns = ["att", "se", "lo", "hi", "flag"]
    return gt.reset_index(), simple.iloc[0, :2].to_numpy(float), event


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_equals_differences_package(control):
    # `differences` 0.3.0 (ATTgt, est_method "reg" without covariates = unconditional CS, analytic SEs).
    # Same estimator and same influence functions -> equal to rounding error (tolerance 1e-8).
    df = _panel()
    res = staggered_did(df, outcome="y", unit="unit", time="time", first_treated="first", control=control)
    gt, simple, event = _reference(df, control)
    m = res.group_time.merge(gt, left_on=["group", "time"], right_on=["cohort", "time"], validate="1:1")
    assert len(m) == len(gt) == len(res.group_time) == 15
    np.testing.assert_allclose(m["estimate"], m["att"], atol=1e-8)
    np.testing.assert_allclose(m["base_period_x"], m["base_period_y"])
    np.testing.assert_allclose(m["std_error"], m["se"], atol=1e-8)
    assert res.estimate == pytest.approx(simple[0], abs=1e-8)
    assert res.se == pytest.approx(simple[1], abs=1e-8)
    np.testing.assert_allclose(res.dynamic["estimate"], event["att"].to_numpy(), atol=1e-8)
    np.testing.assert_allclose(res.dynamic["std_error"], event["se"].to_numpy(), atol=1e-8)


def test_group_time_cell_by_hand():
    df = _panel(seed=5)
    res = staggered_did(df, outcome="y", unit="unit", time="time", first_treated="first")
    w = df.pivot(index="unit", columns="time", values="y")
    g = df.groupby("unit")["first"].first()
    # ATT(4, 6): long difference 6 - 3 of cohort 4 minus that of never-treated
    diff = w[6] - w[3]
    by_hand = diff[g == 4].mean() - diff[g == 0].mean()
    row = res.group_time.set_index(["group", "time"]).loc[(4.0, 6.0)]
    assert row["estimate"] == pytest.approx(by_hand, rel=1e-12) and row["base_period"] == 3
    # pre-period placebo ATT(5, 3) uses the previous period (varying base)
    diff = w[3] - w[2]
    row = res.group_time.set_index(["group", "time"]).loc[(5.0, 3.0)]
    assert row["estimate"] == pytest.approx(diff[g == 5].mean() - diff[g == 0].mean(), rel=1e-12)


def test_result_contract_and_plot():
    res = staggered_did(
        _panel(seed=6), outcome="y", unit="unit", time="time", first_treated="first", reps=199
    )
    assert isinstance(res, StaggeredResult)
    d = res.dynamic
    assert (d["cband_low"] <= d["ci_low"] + 1e-12).all() and (d["cband_high"] >= d["ci_high"] - 1e-12).all()
    assert res.critical_value > 1.96
    assert {"pre_trend", "never_treated", "cohorts"} <= {x.name for x in res.diagnostics}
    assert res.mde == pytest.approx(2.8016 * res.se, rel=1e-3)
    assert res.plot() is not None and str(res.summary("nb"))


@pytest.mark.simulation
def test_unbiased_with_calibrated_standard_errors():
    # 100 panels of 300 units with dynamic effects (true simple ATT computed from the design).
    # Bias within 3 MC se; mean analytic se / sd of estimates within 1 ± 0.2 (the MC sd of an sd
    # estimate from 100 draws is ≈ 1/sqrt(200) ≈ 7 %, so ±20 % is ≈ 2.8 MC sd).
    ests, ses = [], []
    for r in range(100):
        res = staggered_did(
            _panel(seed=100 + r), outcome="y", unit="unit", time="time", first_treated="first", reps=0
        )
        ests.append(res.estimate)
        ses.append(res.se)
        if r == 0:
            gt = res.group_time
    post = gt[gt["post"]]
    truth = np.average(0.5 * (post["time"] - post["group"] + 1), weights=post["n_group"])
    ests = np.asarray(ests)
    assert abs(ests.mean() - truth) < 3 * ests.std() / np.sqrt(100)
    assert 0.8 < np.mean(ses) / ests.std() < 1.2


@pytest.mark.simulation
def test_placebo_pretrend_test_detects_violation():
    bad = staggered_did(
        _panel(seed=7, pre_slope=0.3), outcome="y", unit="unit", time="time", first_treated="first"
    )
    assert {d.name: d for d in bad.diagnostics}["pre_trend"].verdict == "fail"


def test_errors_and_data_handling():
    df = _panel(seed=8)
    with pytest.raises(SpecificationError, match="notyet"):
        staggered_did(df[df["first"] > 0], outcome="y", unit="unit", time="time", first_treated="first")
    res = staggered_did(
        df[df["first"] > 0], outcome="y", unit="unit", time="time", first_treated="first", control="notyet"
    )
    assert res.group_time["n_controls"].min() > 0
    # an unbalanced unit is dropped and reported
    res = staggered_did(df.drop(index=[0]), outcome="y", unit="unit", time="time", first_treated="first")
    assert any("not observed in every period" in n for n in res.notes)


@pytest.mark.simulation
def test_pretrend_test_is_not_broken_by_many_pre_period_cells():
    """Monthly-like panel with exactly parallel trends and hundreds of pre-period cells.

    A Wald test over every pre-period ATT(g,t) has a near-singular covariance here and gave
    p = 0 (chi2 ~ 1e12); the event-time window test must give an ordinary p-value. Over 6 seeds
    the window test's p-values were 0.05-0.98 on the demo register; we assert p > 0.01 at a fixed
    seed (fails under the old test, passes under the fix).
    """
    df = _panel(seed=3, n=400, periods=40, cohorts=(0, 10, 15, 20, 25, 30))
    r = staggered_did(df, outcome="y", unit="unit", time="time", first_treated="first", control="notyet")
    assert r.pretrend_test["scope"] == "event_times"
    assert r.pretrend_test["df"] == 8
    assert r.pretrend_test["p_value"] > 0.01


# ---------------------------------------------------------------- covariates (doubly robust)


def _conditional_panel(rng, n=300, periods=5, effect=1.0, slope=0.5, select=(0.8, 0.4)):
    """Panel where parallel trends hold only given ``x``: cohorts 3 and 5 select on ``x`` and the
    trend is ``slope·x`` per period, so cohorts differ in trend unconditionally.

    Cohort membership is a multinomial logit in ``x`` (never-treated the base), so the cohort-vs-
    never propensity score is exactly a logit and the outcome change is linear in ``x``: both DR
    models are right. Constant effect ``effect`` from the start: every post ATT(g,t) equals it.
    Also a region (categorical) and a time-varying copy of ``x`` with noise for formula tests.
    """
    x = rng.normal(size=n)
    logits = np.column_stack([np.zeros(n), -0.7 + select[0] * x, -0.7 + select[1] * x])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    first = np.array([0, 3, 5])[(rng.uniform(size=(n, 1)) > np.cumsum(p, axis=1)).sum(axis=1)]
    unit = np.repeat(np.arange(n), periods)
    t = np.tile(np.arange(1, periods + 1), n)
    g = first[unit]
    y = (
        rng.normal(size=n)[unit]
        + slope * x[unit] * t
        + effect * ((g > 0) & (t >= g))
        + rng.normal(size=unit.size)
    )
    region = np.array(["north", "south", "west"])[rng.integers(0, 3, n)][unit]
    return pd.DataFrame({"unit": unit, "time": t, "first": g, "y": y, "x": x[unit], "region": region})


def _fit(df, **kw):
    return staggered_did(df, outcome="y", unit="unit", time="time", treatment_start="first", **kw)


def _same_result(a, b):
    pd.testing.assert_frame_equal(a.group_time, b.group_time, check_exact=True)
    pd.testing.assert_frame_equal(a.dynamic, b.dynamic, check_exact=True)
    assert (a.estimate, a.se, a.ci, a.critical_value) == (b.estimate, b.se, b.ci, b.critical_value)
    assert a.pretrend_test == b.pretrend_test and a.notes == b.notes


def test_no_covariates_is_the_unconditional_estimator_bit_for_bit():
    df = _panel(seed=21)
    base = _fit(df, reps=99)
    for none in (None, (), [], "", "1"):  # "1": a formula with only the intercept
        _same_result(base, _fit(df, reps=99, covariates=none))
    assert base.covariates == () and "overlap" not in {d.name for d in base.diagnostics}


def test_constant_covariate_reduces_the_doubly_robust_cell_to_the_unconditional_one():
    # With only an intercept the propensity score is the cohort share and the outcome regression
    # the control mean: the DR ATT(g,t) and its influence function are the unconditional ones
    # (algebraically; numerically to rounding), so everything downstream agrees too.
    df = _panel(seed=22).assign(c=1.0)
    base, dr = _fit(df, reps=0), _fit(df, reps=0, covariates=["c"])
    assert dr.covariates == ("c",) and "overlap" in {d.name for d in dr.diagnostics}
    np.testing.assert_allclose(dr.group_time["estimate"], base.group_time["estimate"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(dr.group_time["std_error"], base.group_time["std_error"], rtol=1e-10)
    assert dr.estimate == pytest.approx(base.estimate, abs=1e-12) and dr.se == pytest.approx(
        base.se, rel=1e-10
    )
    # the cell function itself, against the unconditional influence function by hand
    rng = np.random.default_rng(3)
    dy, d = rng.normal(size=50), (np.arange(50) < 20).astype(float)
    cell = dr_att(dy, np.ones((50, 1)), d)
    mg, mc = dy[d == 1].mean(), dy[d == 0].mean()
    by_hand = np.where(d == 1, 50 / 20 * (dy - mg), -50 / 30 * (dy - mc))
    assert cell.att == pytest.approx(mg - mc, abs=1e-14)
    np.testing.assert_allclose(cell.influence, by_hand, atol=1e-12)


@pytest.mark.crosscheck
@pytest.mark.parametrize("control", ["never", "notyet"])
def test_doubly_robust_equals_differences_package(control):
    # `differences` 0.3.0, ATTgt.fit(formula="y ~ x + x_tv", est_method="dr-mle"): the same
    # Sant'Anna-Zhao panel DR estimator per cell (logit by MLE, OLS on the controls, covariates at
    # the base period) with its influence function. ATT(g,t) agree to rounding; the SEs to 1e-6
    # relative because `differences` takes the logit covariance from statsmodels' last IRLS step
    # (seen: |diff| 1.6e-8 on se 0.13) where this package evaluates it at the fitted scores.
    differences = pytest.importorskip("differences")
    rng = np.random.default_rng(31)
    df = _conditional_panel(rng, n=400)
    df["x_tv"] = df["x"] + 0.2 * rng.normal(size=len(df))  # time-varying: the base-period value counts
    res = _fit(df, control=control, covariates=["x", "x_tv"], reps=0)
    d = df.assign(first=df["first"].replace(0, np.nan)).set_index(["unit", "time"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att = differences.ATTgt(data=d, cohort_column="first")
        att.fit(
            formula="y ~ x + x_tv",
            est_method="dr-mle",
            control_group={"never": "never_treated", "notyet": "not_yet_treated"}[control],
            progress_bar=False,
        )
        gt, simple, event = att.results(), att.aggregate("simple"), att.aggregate("event")
    gt.columns = ["att", "se", "lo", "hi", "flag"]
    m = res.group_time.merge(
        gt.reset_index(), left_on=["group", "time"], right_on=["cohort", "time"], validate="1:1"
    )
    assert len(m) == len(gt) == len(res.group_time) == 8
    np.testing.assert_allclose(m["estimate"], m["att"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(m["std_error"], m["se"], rtol=1e-6)
    assert res.estimate == pytest.approx(simple.iloc[0, 0], abs=1e-10)
    assert res.se == pytest.approx(simple.iloc[0, 1], rel=1e-6)
    np.testing.assert_allclose(res.dynamic["estimate"], event.iloc[:, 0].to_numpy(), atol=1e-10)
    np.testing.assert_allclose(res.dynamic["std_error"], event.iloc[:, 1].to_numpy(), rtol=1e-6)


def test_covariates_as_formula_and_the_base_period_value():
    df = _conditional_panel(np.random.default_rng(41))
    df["x_tv"] = df["x"] + 0.3 * np.random.default_rng(42).normal(size=len(df))
    as_list = _fit(df, covariates=["x_tv", "region"], reps=0)
    as_formula = _fit(df, covariates="x_tv + C(region)", reps=0)
    np.testing.assert_allclose(as_formula.group_time["estimate"], as_list.group_time["estimate"], atol=1e-12)
    # the last period is never a base period: changing x_tv there changes nothing ...
    last = df["time"] == df["time"].max()
    moved = df.assign(x_tv=np.where(last, df["x_tv"] + 5 * df["unit"] % 7, df["x_tv"]))
    _same_result(as_list, _fit(moved, covariates=["x_tv", "region"], reps=0))
    # ... while period 2, the base of cohort 3's post cells, does
    # (not by an affine change, which the logit and the regression absorb)
    at_base = df.assign(x_tv=np.where(df["time"] == 2, df["x_tv"] + 5 * df["unit"] % 7, df["x_tv"]))
    changed = _fit(at_base, covariates=["x_tv", "region"], reps=0).group_time.set_index(["group", "time"])
    assert (
        abs(
            changed.loc[(3.0, 4.0), "estimate"]
            - as_list.group_time.set_index(["group", "time"]).loc[(3.0, 4.0), "estimate"]
        )
        > 1e-6
    )
    # a missing covariate drops the row, hence the unit (balanced panel), and says so
    gap = df.astype({"x_tv": float})
    gap.loc[5, "x_tv"] = np.nan
    res = _fit(gap, covariates=["x_tv"], reps=0)
    assert any("missing an outcome, unit, time or covariate" in n for n in res.notes)
    assert any("not observed in every period" in n for n in res.notes)


def test_overlap_diagnostic_and_labels():
    ok = _fit(_conditional_panel(np.random.default_rng(51)), covariates=["x"], reps=0)
    strong = _fit(_conditional_panel(np.random.default_rng(52), select=(4.0, 3.0)), covariates=["x"], reps=0)
    d_ok = {d.name: d for d in ok.diagnostics}["overlap"]
    d_strong = {d.name: d for d in strong.diagnostics}["overlap"]
    assert d_ok.verdict == "ok" and d_ok.value < 0.99
    assert d_strong.verdict == "warn" and d_strong.value > 0.99
    assert "overlap" in d_strong.detail and "overlapp" in d_strong.detail_nb
    # a covariate that (almost) separates cohort 3 from the never-treated: scores reach 1 and the
    # overlap assumption is contradicted (csdid 0.4.3 returns no ATT(g,t) for such cells)
    df = _conditional_panel(np.random.default_rng(53))
    sep = _fit(df.assign(s=df["x"] + 6.0 * (df["first"] == 3)), covariates=["s"], reps=0)
    assert {d.name: d for d in sep.diagnostics}["overlap"].verdict == "fail"
    assert check_label("overlap", "nb") != check_label("overlap", "en")
    # the conditional parallel-trends note replaces the unconditional one, in both languages
    assert ok.notes[0].startswith("Conditional parallel trends")
    assert ok.summary("nb") and "Betingede parallelle trender" in " ".join(ok.summary("nb").notes)


@pytest.mark.simulation
def test_doubly_robust_removes_the_bias_of_conditional_trends_with_powered_coverage():
    """Parallel trends only given x: unconditional estimate biased, DR unbiased, DR intervals cover.

    R = 500 panels (300 units × 5 periods, cohorts 3 and 5 selecting on x, trend 0.5·x per period,
    constant effect 1.0, so the true simple ATT is 1.0). Monte Carlo error: the sd of the DR
    estimates over 500 draws is ≈ 0.15, so the MC se of their mean is ≈ 0.007; we require
    |mean − 1| < 3 MC se (seen: 1.009). The unconditional estimator is off by ≈ 0.6 (≈ 75 MC
    se; seen: 1.608), asserted as > 10 MC se. Coverage of the DR 95 % interval by the powered rule ([0.924, 0.976]:
    P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057).
    """
    rng = np.random.default_rng(20261212)
    dr, unc, hits = np.empty(R), np.empty(R), np.empty(R, bool)
    for r in range(R):
        df = _conditional_panel(rng)
        res = _fit(df, covariates=["x"], reps=0)
        dr[r] = res.estimate
        hits[r] = covers(res.estimate, *res.ci, 1.0)
        unc[r] = _fit(df, reps=0).estimate
    mc_dr, mc_unc = dr.std(ddof=1) / np.sqrt(R), unc.std(ddof=1) / np.sqrt(R)
    print(
        f"DR mean {dr.mean():.4f} (MC se {mc_dr:.4f}); unconditional mean {unc.mean():.4f} (MC se {mc_unc:.4f})"
    )
    assert abs(dr.mean() - 1.0) < 3 * mc_dr
    assert unc.mean() - 1.0 > 10 * mc_unc
    assert_coverage(hits, "staggered_did doubly robust")


def test_report_methods_texts_follow_the_covariates():
    from fou_analysis.report.method_notes import ASSUMPTIONS, design_assumptions, inference_text
    from fou_analysis.report.references import design_references

    plain = ASSUMPTIONS["staggered_did"]
    with_cov = design_assumptions("staggered_did", {"covariates": ["x"]})
    assert design_assumptions("staggered_did", {}) == plain
    assert with_cov[0][1].startswith("parallel trends given the covariates") and "overlap" in with_cov[1][1]
    assert with_cov[0][0].startswith("parallelle trender gitt") and with_cov[2:] == plain[1:]
    res = _fit(_conditional_panel(np.random.default_rng(61)), covariates=["x"], reps=0)
    assert "doubly robust" in inference_text("staggered_did", res, {"covariates": ["x"]}, "en")
    assert "dobbelt robust" in inference_text("staggered_did", res, {"covariates": ["x"]}, "nb")
    assert "robust" not in inference_text("staggered_did", res, {}, "en")
    assert "santanna_zhao_2020" in design_references("staggered_did", {"covariates": ["x"]})
    assert "santanna_zhao_2020" not in design_references("staggered_did", {})
