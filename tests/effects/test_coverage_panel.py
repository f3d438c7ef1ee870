"""Powered coverage tests for the panel designs: event study, staggered DiD, synthetic DiD.

Acceptance rule (``_powered``): R = 500 replications, 95 % intervals pass when the empirical
coverage lies in [0.924, 0.976]; P(pass | true coverage 0.90) = 0.039 and P(fail | true 0.95)
= 0.0057 (exact binomial). The panels are generated for all replications at once (arrays of
shape units × periods × R); only the fits loop. Plain DiD (cluster, wild, randomisation
inference) is in ``test_did_simulation.py``; single-series and cross-section designs in
``test_coverage_single.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _powered import R, assert_coverage, covers

from fou_analysis.effects.event_study import event_study
from fou_analysis.effects.staggered_did import staggered_did
from fou_analysis.effects.synthetic_did import synthetic_did

pytestmark = pytest.mark.simulation


def _ar1(rng, units, periods, reps, rho=0.5):
    """AR(1) errors (stationary, unit variance) for every unit and replication at once."""
    e = np.empty((units, periods, reps))
    e[:, 0] = rng.normal(size=(units, reps))
    for s in range(1, periods):
        e[:, s] = rho * e[:, s - 1] + np.sqrt(1 - rho**2) * rng.normal(size=(units, reps))
    return e


def _long(y, first, unit_name="unit", time_name="time"):
    """Long frame for replication columns of ``y`` (units × periods) and first-treated per unit."""
    units, periods = y.shape
    return pd.DataFrame(
        {
            unit_name: np.repeat(np.arange(units), periods),
            time_name: np.tile(np.arange(1, periods + 1), units),
            "first": np.repeat(first, periods),
            "y": y.ravel(),
        }
    )


def test_event_study_cluster_se_coverage():
    """Event study (TWFE, cluster-robust by unit), constant effect 1.0, staggered adoption.

    40 units × 10 periods, cohorts of 8 starting in periods 5, 6 and 7, 16 never treated,
    unit and period effects, AR(1) errors (ρ = 0.5). With a constant effect every post
    coefficient is 1.0, so the reported estimate (mean of the post coefficients) targets 1.0.
    R = 500, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057.
    """
    rng = np.random.default_rng(20261203)
    units, periods = 40, 10
    first = np.r_[np.repeat([5, 6, 7], 8), np.zeros(16, int)]
    t = np.arange(1, periods + 1)
    d = (first[:, None] > 0) & (t[None, :] >= first[:, None])
    y = (
        rng.normal(size=(units, 1, R))
        + rng.normal(size=(1, periods, R))
        + 1.0 * d[:, :, None]
        + _ar1(rng, units, periods, R)
    )
    hits = np.empty(R, bool)
    for r in range(R):
        res = event_study(
            _long(y[:, :, r], first),
            outcome="y",
            unit="unit",
            time="time",
            first_treated="first",
            leads=3,
            lags=3,
        )
        hits[r] = covers(res.estimate, *res.ci, 1.0)
    assert_coverage(hits, "event_study cluster")


def test_staggered_did_analytic_se_coverage():
    """Callaway–Sant'Anna simple ATT with the analytic (influence-function) SE.

    200 units × 6 periods, fixed cohorts (periods 3, 4, 5; 50 each) and 50 never treated,
    dynamic effect 0.5 per period of exposure (the heterogeneity TWFE gets wrong), unit
    effects, i.i.d. errors. The cohorts are fixed, so the true simple ATT is a fixed number,
    computed from the design: the cohort-size-weighted mean of 0.5·(t − g + 1) over post cells.
    ``reps=0``: the multiplier bootstrap only drives the uniform band, not this interval.
    R = 500, acceptance [0.924, 0.976]: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057.
    """
    rng = np.random.default_rng(20261204)
    units, periods = 200, 6
    first = np.repeat([3, 4, 5, 0], 50)
    t = np.arange(1, periods + 1)
    exposure = np.where((first[:, None] > 0) & (t >= first[:, None]), t - first[:, None] + 1, 0)
    y = rng.normal(size=(units, 1, R)) + 0.2 * t[None, :, None] + 0.5 * exposure[:, :, None]
    y = y + rng.normal(size=(units, periods, R))
    post = [(g, s) for g in (3, 4, 5) for s in t if s >= g]
    truth = float(np.mean([0.5 * (s - g + 1) for g, s in post]))  # equal cohort sizes
    hits = np.empty(R, bool)
    for r in range(R):
        res = staggered_did(
            _long(y[:, :, r], first), outcome="y", unit="unit", time="time", first_treated="first", reps=0
        )
        hits[r] = covers(res.estimate, *res.ci, truth)
    assert_coverage(hits, "staggered_did analytic")


def _sdid_panels(rng, n0, n1, T, T0, effect=2.0):
    """Factor-model panels for synthetic DiD, all replications at once (units × T × R)."""
    N = n0 + n1
    F = rng.normal(size=(1, T, 2, R))
    L = rng.uniform(0, 2, size=(N, 1, 2, R))
    alpha = rng.normal(scale=3, size=(N, 1, R))
    Y = (
        alpha
        + np.linspace(0, 4, T)[None, :, None]
        + (L * F).sum(axis=2)
        + rng.normal(scale=0.5, size=(N, T, R))
    )
    D = np.zeros((N, T), int)
    D[n0:, T0:] = 1
    return Y + effect * D[:, :, None], D


def _sdid_coverage(reps_placebo, seed):
    rng = np.random.default_rng(seed)
    n0, n1, T, T0 = 20, 3, 12, 9
    Y, D = _sdid_panels(rng, n0, n1, T, T0)
    u, t = np.meshgrid(np.arange(n0 + n1), np.arange(T), indexing="ij")
    base = pd.DataFrame({"unit": u.ravel(), "t": t.ravel(), "d": D.ravel()})
    hits = np.empty(R, bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in range(R):
            res = synthetic_did(
                base.assign(y=Y[:, :, r].ravel()),
                outcome="y",
                unit="unit",
                time="t",
                treated="d",
                reps=reps_placebo,
                seed=r,
            )
            hits[r] = covers(res.estimate, *res.ci, 2.0)
    return hits


def test_synthetic_did_placebo_se_coverage_light():
    """Synthetic DiD, placebo SE (the default), 20 controls + 3 treated, 12 periods (9 pre).

    Light configuration for CI: 50 placebo draws per fit instead of the default 200. The
    placebo SE then has an extra relative Monte Carlo error of about 1/sqrt(2·50) = 10 %,
    which by itself moves the coverage of a normal interval by well under one point
    (E over a ±10 % se error of the coverage is ≈ 0.947 instead of 0.95), so the rule stays
    [0.924, 0.976]. R = 500: P(pass | 0.90) = 0.039, P(fail | 0.95) = 0.0057 (plus that
    small shift). The default 200 draws run under ``make test-slow``.
    """
    assert_coverage(_sdid_coverage(50, seed=20261205), "synthetic_did placebo (50 draws)")


@pytest.mark.slow
def test_synthetic_did_placebo_se_coverage_default_draws():
    """As the light test but with the default 200 placebo draws (R = 500, same rule)."""
    assert_coverage(_sdid_coverage(200, seed=20261206), "synthetic_did placebo (200 draws)")
