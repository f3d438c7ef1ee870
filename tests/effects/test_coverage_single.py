"""Powered coverage tests for ITS, weighting (IPW, DR), survival (Cox), pre/post, synthetic control.

Acceptance rule (``_powered``): R = 500 replications, 95 % intervals pass when the empirical
coverage lies in [0.924, 0.976] (462..488 of 500); P(pass | true coverage 0.90) = 0.039 and
P(fail | true 0.95) = 0.0057 (exact binomial, asserted below). The synthetic-control
permutation test is held to the same rule on its non-rejection rate at 5 %. Data for all
replications are drawn at once; only the fits loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _powered import HIGH, LOW, R, assert_coverage, covers, error_probabilities

from fou_analysis.effects.its import its
from fou_analysis.effects.prepost import prepost
from fou_analysis.effects.survival import survival
from fou_analysis.effects.synthetic_control import synthetic_control
from fou_analysis.effects.weighting import weighting

pytestmark = pytest.mark.simulation


def test_acceptance_rule_is_powered():
    """The rule the tests share: a 90 % interval fails with probability ≥ 0.95, a 95 % one passes
    with probability ≥ 0.99 (exact binomial with R = 500)."""
    p_pass_90, p_fail_95 = error_probabilities()
    assert (R, LOW, HIGH) == (500, 0.924, 0.976)
    assert p_pass_90 <= 0.05
    assert p_fail_95 <= 0.01
    # a real size check of the rule itself: the tighter window would breach the 1 % bound
    assert error_probabilities(R, 0.925, 0.975)[1] > 0.01


def test_its_ar1_level_change_coverage():
    """ITS with the default ``cov="ar1"``: T = 120, AR(1) errors (φ = 0.3), break mid-series,
    trend 0.05, planted level change 2.0 (the reported estimate).

    R = 500, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057.
    """
    rng = np.random.default_rng(20261207)
    T, phi = 120, 0.3
    t = np.arange(T)
    e = np.empty((T, R))
    e[0] = rng.normal(size=R) / np.sqrt(1 - phi**2)
    for i in range(1, T):
        e[i] = phi * e[i - 1] + rng.normal(size=R)
    y = (1 + 0.05 * t + 2.0 * (t >= T // 2))[:, None] + e
    hits = np.empty(R, bool)
    for r in range(R):
        res = its(pd.DataFrame({"t": t, "y": y[:, r]}), outcome="y", time="t", intervention_start=T // 2)
        hits[r] = covers(res.estimate, *res.ci, 2.0)
    assert_coverage(hits, "its ar1")


def _confounded(rng, n, reps):
    """Confounding by x1 and x2 (both raise treatment and outcome), effect 1 + 0.5·x1."""
    x1 = rng.normal(size=(n, reps))
    x2 = rng.binomial(1, 0.4, (n, reps))
    e = 1 / (1 + np.exp(-(-0.5 + 0.8 * x1 + 0.7 * x2)))
    t = (rng.random((n, reps)) < e).astype(int)
    y = 1 + 2 * x1 + 1.5 * x2 + t * (1.0 + 0.5 * x1) + rng.normal(size=(n, reps))
    return x1, x2, t, y


@pytest.mark.parametrize("method", ["ipw", "dr"])
def test_weighting_att_coverage(method):
    """Weighting ATT (sandwich SE), n = 400, heterogeneous effect 1 + 0.5·x1.

    The population ATT = 1 + 0.5·E[x1 | T = 1] is computed from 4·10^6 draws (Monte Carlo
    error ≈ 0.0005, negligible against se ≈ 0.2). R = 500, acceptance [0.924, 0.976]:
    P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057.
    """
    rng = np.random.default_rng(20261208)
    big = rng.normal(size=4_000_000)
    bx2 = rng.binomial(1, 0.4, big.size)
    att = 1 + 0.5 * np.average(big, weights=1 / (1 + np.exp(-(-0.5 + 0.8 * big + 0.7 * bx2))))
    x1, x2, t, y = _confounded(rng, 400, R)
    hits = np.empty(R, bool)
    for r in range(R):
        d = pd.DataFrame({"x1": x1[:, r], "x2": x2[:, r], "t": t[:, r], "y": y[:, r]})
        res = weighting(d, outcome="y", treatment="t", covariates=["x1", "x2"], estimand="ATT", method=method)
        hits[r] = covers(res.estimate, *res.ci, att)
    assert_coverage(hits, f"weighting {method}")


def test_survival_cox_log_hr_coverage():
    """Cox model, interval of the group's log hazard ratio (true 0.5) with a covariate (0.3),
    exponential times, uniform censoring on [0, 2.5] (≈ 35 % censored), n = 160.

    R = 500, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057.
    """
    rng = np.random.default_rng(20261209)
    beta, n = 0.5, 160
    g = rng.integers(0, 2, (n, R))
    x = rng.normal(size=(n, R))
    tt = rng.exponential(1 / np.exp(beta * g + 0.3 * x))
    c = rng.uniform(0, 2.5, (n, R))
    hits = np.empty(R, bool)
    for r in range(R):
        d = pd.DataFrame(
            {
                "t": np.minimum(tt[:, r], c[:, r]),
                "e": (tt[:, r] <= c[:, r]).astype(int),
                "g": g[:, r],
                "x": x[:, r],
            }
        )
        res = survival(d, duration="t", event="e", group="g", covariates=["x"])
        hits[r] = covers(res.estimate, *res.ci, beta)
    assert_coverage(hits, "survival cox")


def test_prepost_mean_change_and_dz_coverage():
    """Paired pre/post, n = 40, true mean change 0.5 with sd 1 (d_z = 0.5): both the interval
    of the mean change (t) and that of d_z (noncentral t) are checked.

    R = 500 each, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057
    per interval.
    """
    rng = np.random.default_rng(20261210)
    n, delta = 40, 0.5
    pre = rng.normal(50, 10, (n, R))
    post = pre + rng.normal(delta, 1.0, (n, R))
    ids = np.r_[np.arange(n), np.arange(n)]
    wave = np.repeat(["pre", "post"], n)
    hit_mean, hit_dz = np.empty(R, bool), np.empty(R, bool)
    for r in range(R):
        d = pd.DataFrame({"id": ids, "wave": wave, "y": np.r_[pre[:, r], post[:, r]]})
        res = prepost(d, outcome="y", subject="id", wave="wave", pre="pre", post="post")
        hit_mean[r] = covers(res.estimate, *res.ci, delta)
        hit_dz[r] = covers(res.d_z, *res.d_z_ci, delta / 1.0)
    assert_coverage(hit_mean, "prepost mean")
    assert_coverage(hit_dz, "prepost d_z")


def test_synthetic_control_permutation_size():
    """In-space placebo test, no effect, treated unit exchangeable with the 19 donors (i.i.d.
    loadings and factors), 20 units × 12 periods (8 pre). Its p-value is then uniform on
    {1/20, …, 1}: P(p ≤ 0.05) = 1/20 exactly.

    The non-rejection rate at 5 % is held to the coverage rule: R = 500, acceptance
    [0.924, 0.976] (size 0.024–0.076); P(pass | true size 0.10) = 0.039,
    P(fail | size 0.05) = 0.0057.
    """
    rng = np.random.default_rng(20261211)
    N, T, T0 = 20, 12, 8
    F = rng.normal(size=(T, 3, R))
    L = rng.uniform(0, 2, size=(N, 3, R))
    Y = (
        np.linspace(0, 5, T)[None, :, None]
        + np.einsum("nkr,tkr->ntr", L, F)
        + rng.normal(scale=0.5, size=(N, T, R))
    )
    u, t = np.meshgrid(np.arange(N), np.arange(T), indexing="ij")
    base = pd.DataFrame({"unit": u.ravel(), "t": t.ravel()})
    p = np.empty(R)
    for r in range(R):
        p[r] = synthetic_control(
            base.assign(y=Y[:, :, r].ravel()),
            outcome="y",
            unit="unit",
            time="t",
            treated_unit=0,
            treatment_start=T0,
            leave_one_out=False,
        ).p_value
    assert p.min() >= 1 / N
    assert_coverage(p > 0.05, "synthetic_control size (non-rejection at 5 %)")
