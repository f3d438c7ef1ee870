"""Planted-effect simulations for `did`: bias, coverage of cluster SEs, the wild bootstrap and
randomisation inference (``se="ri"``).

Panels like the cases': municipalities × years, unit and year effects, AR(1) errors (ρ = 0.5),
effect 1.0 planted on the treated units after the start. Acceptance rule of all powered coverage
tests (``_powered``): R = 500 replications, coverage in [0.924, 0.976] (462..488 of 500);
P(pass | true coverage 0.90) = 0.039, P(fail | true 0.95) = 0.0057 (exact binomial).
For speed one design is reused across replications and all outcomes are fitted at once
(``_fe.ols_absorbed_many``, checked against ``did`` on the first draw).
"""

import numpy as np
import pandas as pd
import pytest
from _powered import R, assert_coverage, covers
from scipy import stats

from fou_analysis.effects import _fe
from fou_analysis.effects._wild import wild_cluster_bootstrap
from fou_analysis.effects.did import did

pytestmark = pytest.mark.simulation

EFFECT = 1.0
REPS = R


def _design(units, periods, treated_units, start):
    unit = np.repeat(np.arange(units), periods)
    t = np.tile(np.arange(periods), units)
    d = ((unit < treated_units) & (t >= start)).astype(float)
    return unit, t, d


def _outcomes(unit, t, d, reps, seed, rho=0.5):
    rng = np.random.default_rng(seed)
    units, periods = unit.max() + 1, t.max() + 1
    e = np.empty((units, periods, reps))
    e[:, 0] = rng.normal(size=(units, reps))
    for s in range(1, periods):
        e[:, s] = rho * e[:, s - 1] + np.sqrt(1 - rho**2) * rng.normal(size=(units, reps))
    alpha = rng.normal(size=(units, reps))
    lam = rng.normal(size=(periods, reps))
    return alpha[unit] + lam[t] + EFFECT * d[:, None] + e.reshape(units * periods, reps)


def _cluster_fits(unit, t, d, ys):
    ab = _fe.Absorber([unit, t])
    coef, se = _fe.ols_absorbed_many(ys, d[:, None], ab, se="cluster", cluster=unit)
    g = unit.max() + 1
    q = stats.t.ppf(0.975, g - 1)
    covered = covers(coef[0], coef[0] - q * se[0], coef[0] + q * se[0], EFFECT)
    return coef[0], covered


def test_vectorised_path_equals_did():
    unit, t, d = _design(12, 8, 4, 4)
    ys = _outcomes(unit, t, d, 2, seed=1)
    df = pd.DataFrame({"u": unit, "t": t, "D": d, "y": ys[:, 0]})
    res = did(df, outcome="y", treated="D", post=None, unit="u", time="t")
    ab = _fe.Absorber([unit, t])
    coef, se = _fe.ols_absorbed_many(ys, d[:, None], ab, se="cluster", cluster=unit)
    assert res.estimate == pytest.approx(coef[0, 0], rel=1e-10)
    assert res.se == pytest.approx(se[0, 0], rel=1e-10)


def test_many_clusters_cluster_se_unbiased_with_nominal_coverage():
    # 40 municipalities × 12 years, 12 treated (30 %), start in year 6
    unit, t, d = _design(40, 12, 12, 6)
    est, covered = _cluster_fits(unit, t, d, _outcomes(unit, t, d, REPS, seed=2))
    # bias: within 3 Monte Carlo standard errors of the mean
    assert abs(est.mean() - EFFECT) < 3 * est.std() / np.sqrt(REPS)
    # R = 500, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057
    assert_coverage(covered, "did cluster")


def test_few_clusters_wild_bootstrap_has_nominal_coverage():
    """``did(se="wild")`` with its defaults (Rademacher weights, restricted bootstrap, interval by
    test inversion): 10 municipalities × 10 years, 5 treated from year 5, so the 2^10 = 1024 sign
    patterns are enumerated and there is no bootstrap noise in the interval's ends.
    R = 500, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057.
    """
    unit, t, d = _design(10, 10, 5, 5)
    ys = _outcomes(unit, t, d, REPS, seed=3)
    base = pd.DataFrame({"u": unit, "t": t, "D": d})
    covered = np.empty(REPS, bool)
    for r in range(REPS):
        res = did(base.assign(y=ys[:, r]), outcome="y", treated="D", post=None, unit="u", time="t", se="wild")
        covered[r] = covers(res.estimate, *res.ci, EFFECT)
    assert_coverage(covered, "did wild (rademacher, enumerated)")


def test_few_treated_clusters_cluster_se_undercovers_and_wild_is_the_remedy():
    # Documentation of a known failure (MacKinnon & Webb 2017): 40 clusters but only 2 treated.
    # The cluster-robust interval covers far less than 95 % (asserted below nominal by > 3 MC sd);
    # the wild cluster bootstrap (Webb weights) does not under-cover (it is conservative here).
    unit, t, d = _design(40, 12, 2, 6)
    ys = _outcomes(unit, t, d, REPS, seed=4)
    _, covered = _cluster_fits(unit, t, d, ys)
    assert covered.mean() < 0.92
    part = _fe.Partialler(_fe.Absorber([unit, t]), None, len(d))
    yd, dd = part.resid(ys), part.resid(d)
    n_wild = 200  # fewer replications: the claim is one-sided (coverage ≥ 0.93; MC sd ≈ 0.015)
    wild_cov = np.mean(
        [
            (lambda ci: ci[0] <= EFFECT <= ci[1])(
                wild_cluster_bootstrap(yd[:, r], dd, unit, part.resid, weights="webb", reps=199, seed=r).ci
            )
            for r in range(n_wild)
        ]
    )
    assert wild_cov >= 0.93


def test_randomisation_inference_interval_coverage():
    """``did(se="ri")``: 12 municipalities × 8 years, 3 treated from year 4 (C(12, 3) = 220
    assignments, enumerated), constant effect 1.0, AR(1) errors. Under a constant additive effect
    the interval from inverting the randomisation test is exact by construction; ties among 220
    assignments can only make it conservative, so the upper bound of the rule matters too.
    R = 500, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057.
    """
    unit, t, d = _design(12, 8, 3, 4)
    ys = _outcomes(unit, t, d, REPS, seed=5)
    base = pd.DataFrame({"u": unit, "t": t, "D": d})
    covered = np.empty(REPS, bool)
    for r in range(REPS):
        res = did(base.assign(y=ys[:, r]), outcome="y", treated="D", post=None, unit="u", time="t", se="ri")
        covered[r] = covers(res.estimate, *res.ci, EFFECT)
    assert res.ri["enumerated"] and res.ri["reps"] == 220
    assert_coverage(covered, "did ri")
