"""`effects.synthetic_did`: Proposition 99 (AER 2021 Table 1), block-design checks, simulation."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects._result import TIDY_COLUMNS
from fou_analysis.effects.synthetic_did import SyntheticDidResult, synthetic_did
from fou_analysis.exceptions import DataError, SpecificationError

REF = Path(__file__).resolve().parents[1] / "fixtures" / "reference"

# Arkhangelsky, Athey, Hirshberg, Imbens & Wager (2021), "Synthetic Difference-in-Differences",
# AER 111(12), Table 1 (California, Proposition 99); same numbers in the synthdid README.
# Arkhangelsky et al. (2021), "Synthetic Difference-in-Differences", AER 111(12), Table 1
# (California Proposition 99): estimate and placebo standard error per estimator.
PUBLISHED = {"sdid": (-15.6, 8.4), "sc": (-19.6, 9.9), "did": (-27.3, 17.7)}


@pytest.fixture(scope="module")
def prop99() -> pd.DataFrame:
    wide = pd.read_csv(REF / "california_prop99_wide.csv")
    d = wide.melt(id_vars="year", var_name="state", value_name="packs")
    return d.assign(treated=((d.state == "California") & (d.year >= 1989)).astype(int))


@pytest.fixture(scope="module")
def fits(prop99) -> dict[str, SyntheticDidResult]:
    return {
        est: synthetic_did(
            prop99, outcome="packs", unit="state", time="year", treated="treated", estimator=est
        )
        for est in PUBLISHED
    }


def _mc_sd_of_200_draw_se(placebo_estimates: np.ndarray, B: int = 200) -> float:
    """Monte Carlo sd of a placebo se computed from B random draws (delta method on the sd).

    The published se came from B = 200 random placebo draws; ours enumerates all 38 placebo
    assignments (its B -> infinity limit). var(s_B) ~ (mu4 - sigma^4) / (4 sigma^2 B).
    """
    x = placebo_estimates - placebo_estimates.mean()
    s2 = np.mean(x**2)
    return float(np.sqrt((np.mean(x**4) - s2**2) / (4 * s2 * B)))


@pytest.mark.reference
def test_prop99_point_estimates(fits):
    """SDID -15.6 and DID -27.3 to the printed digit.

    SC: the exact optimum is -19.51 (-19.5); synthdid's early-stopped Frank-Wolfe gives -19.62
    (see test_synthetic_control.py::test_prop99_sc_estimate_and_synthdid_digit).
    """
    assert round(fits["sdid"].estimate, 1) == PUBLISHED["sdid"][0]
    assert round(fits["did"].estimate, 1) == PUBLISHED["did"][0]
    # regression value (this package's exact optimum, not the printed -19.6; the gap is explained
    # in test_synthetic_control.py::test_prop99_sc_estimate_and_synthdid_digit)
    assert fits["sc"].estimate == pytest.approx(-19.51, abs=0.01)


@pytest.mark.reference
@pytest.mark.parametrize("est", list(PUBLISHED))
def test_prop99_placebo_se_within_monte_carlo_error(fits, est):
    """Our placebo se is the exact (enumerated) limit; the published one is a 200-draw estimate.

    Tolerance: 3 Monte Carlo sd of a 200-draw se, from our own placebo distribution (about
    0.64 for SDID, 0.87 for SC, 1.38 for DID: the distribution has heavy tails, e.g. one
    placebo at -31.8 for SDID). Enumerated: SDID 9.37, SC 10.63, DID 17.29.
    """
    r = fits[est]
    assert len(r.replications) == 38
    tol = 3 * _mc_sd_of_200_draw_se(r.replications)
    assert abs(r.se - PUBLISHED[est][1]) < tol


@pytest.mark.crosscheck
def test_prop99_weights_and_path(fits):
    # crosscheck: the time-weight support 1986-1988 is that of the R package synthdid on the same
    # data; the rest are structural identities.
    r = fits["sdid"]
    assert r.unit_weights.sum() == pytest.approx(1) and (r.unit_weights >= 0).all()
    assert r.time_weights.sum() == pytest.approx(1) and (r.time_weights >= 0).all()
    assert len(r.unit_weights) == 38 and len(r.time_weights) == 19
    # the double difference written with the path equals the estimate
    post = r.path["post"].to_numpy()
    assert r.path.loc[post, "effect"].mean() == pytest.approx(r.estimate)
    # SDID puts time weight only on late pre-periods here (synthdid: 1986-1988)
    assert set(r.time_weights[r.time_weights > 0.01].index) == {1986, 1987, 1988}
    did = fits["did"]
    np.testing.assert_allclose(did.unit_weights, 1 / 38)
    assert r.n_treated == 1 and r.n_control == 38
    assert list(r.table.columns[:7]) == list(TIDY_COLUMNS)
    assert r.mde == pytest.approx(2.8 * r.se, rel=0.01)
    assert r.ci[0] < r.estimate < r.ci[1]


def test_plot_and_summary(fits):
    import matplotlib.pyplot as plt

    assert isinstance(fits["sdid"].plot(), plt.Axes)
    assert fits["sdid"].summary("en").title.startswith("synthetic_did")
    assert "lower" in fits["sdid"].sentence("en")


# --------------------------------------------------------------------------- errors
def test_block_design_is_required(prop99):
    kw = dict(outcome="packs", unit="state", time="year", treated="treated")
    stag = prop99.copy()
    stag.loc[(stag.state == "Nevada") & (stag.year >= 1990), "treated"] = 1
    with pytest.raises(DataError, match="staggered"):
        synthetic_did(stag, **kw)
    with pytest.raises(DataError, match="never|no unit"):
        synthetic_did(prop99.assign(treated=0), **kw)
    off = prop99.copy()
    off.loc[(off.state == "California") & (off.year == 2000), "treated"] = 0
    with pytest.raises(DataError, match="switches off"):
        synthetic_did(off, **kw)
    with pytest.raises(SpecificationError, match="jackknife"):
        synthetic_did(prop99, **kw, se="jackknife")
    with pytest.raises(SpecificationError, match="se must"):
        synthetic_did(prop99, **kw, se="bootstrap")
    with pytest.raises(SpecificationError, match="nope"):
        synthetic_did(prop99, **{**kw, "treated": "nope"})


# --------------------------------------------------------------------------- simulation
def _panel(rng, n0=30, n1=3, T=20, T0=15, effect=2.0):
    N = n0 + n1
    F = rng.normal(size=(T, 2))
    L = rng.uniform(0, 2, size=(N, 2))
    alpha = rng.normal(scale=3, size=N)  # unit levels: SDID's intercept absorbs them
    Y = alpha[:, None] + np.linspace(0, 4, T) + L @ F.T + rng.normal(scale=0.5, size=(N, T))
    D = np.zeros((N, T), dtype=int)
    D[n0:, T0:] = 1
    Y = Y + effect * D
    u, t = np.meshgrid(np.arange(N), np.arange(T), indexing="ij")
    return pd.DataFrame({"unit": u.ravel(), "t": t.ravel(), "y": Y.ravel(), "d": D.ravel()})


@pytest.mark.simulation
def test_planted_effect_bias_near_zero():
    """80 panels, 30 controls + 3 treated, 20 periods, effect 2.0, level shifts per unit.

    Treated and control loadings come from the same distribution and the factors are i.i.d.,
    so SDID is unbiased; tolerance 4 Monte Carlo se of the mean. Jackknife se (fixed weights,
    cheap) is also checked to be of the right size: its mean within 35 % of the sd of the
    estimates (jackknife with 3 treated units is known to be rough).
    """
    rng = np.random.default_rng(99)
    res = [
        synthetic_did(_panel(rng), outcome="y", unit="unit", time="t", treated="d", se="jackknife")
        for _ in range(80)
    ]
    est = np.array([r.estimate for r in res])
    se = np.array([r.se for r in res])
    assert abs(est.mean() - 2.0) < 4 * est.std(ddof=1) / math.sqrt(len(est))
    assert abs(se.mean() / est.std(ddof=1) - 1) < 0.35


@pytest.mark.simulation
def test_random_placebo_draws_are_seeded():
    """More than `reps` placebo assignments (C(30, 3) = 4060): random draws, reproducible."""
    d = _panel(np.random.default_rng(1))
    a = synthetic_did(d, outcome="y", unit="unit", time="t", treated="d", reps=25, seed=3)
    b = synthetic_did(d, outcome="y", unit="unit", time="t", treated="d", reps=25, seed=3)
    c = synthetic_did(d, outcome="y", unit="unit", time="t", treated="d", reps=25, seed=4)
    assert len(a.replications) == 25
    assert a.se == b.se and a.se != c.se
    assert 0 < a.se < 5
