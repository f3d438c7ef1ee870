"""`effects.synthetic_control` and the simplex solver: Proposition 99, pysyncon, simulation, errors."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import nnls

from fou_analysis.effects._result import TIDY_COLUMNS
from fou_analysis.effects._simplex import simplex_lstsq
from fou_analysis.effects.synthetic_control import SyntheticControlResult, synthetic_control
from fou_analysis.exceptions import DataError, SpecificationError

REF = Path(__file__).resolve().parents[1] / "fixtures" / "reference"


@pytest.fixture(scope="module")
def prop99() -> pd.DataFrame:
    wide = pd.read_csv(REF / "california_prop99_wide.csv")
    return wide.melt(id_vars="year", var_name="state", value_name="packs")


@pytest.fixture(scope="module")
def ca(prop99) -> SyntheticControlResult:
    return synthetic_control(
        prop99, outcome="packs", unit="state", time="year", treated_unit="California", treatment_start=1989
    )


def _matrices(prop99):
    Y = prop99.pivot(index="state", columns="year", values="packs")
    donors = Y.drop(index="California")
    pre = Y.columns < 1989
    return Y, donors, pre


def _synthdid_fw(A, b, eta, x, min_decrease, max_iter):
    """Frank-Wolfe with exact line search and synthdid's stopping rule (sc.weight.fw)."""
    prev = None
    for _ in range(int(max_iter)):
        Ax = A @ x
        half_grad = (Ax - b) @ A + eta * x
        i = int(np.argmin(half_grad))
        d = -x.copy()
        d[i] = 1 - x[i]
        if np.all(d == 0):
            break
        derr = A[:, i] - Ax
        step = -(half_grad @ d) / (derr @ derr + eta * d @ d)
        x = x + min(1.0, max(0.0, step)) * d
        err = A @ x - b
        val = eta / A.shape[0] * (x @ x) + err @ err / A.shape[0]
        if prev is not None and prev - val <= min_decrease**2:
            break
        prev = val
    return x


# --------------------------------------------------------------------------- simplex solver
def test_simplex_matches_big_penalty_nnls_on_random_problems():
    """The active-set optimum is never worse than NNLS with a huge sum-to-one row."""
    rng = np.random.default_rng(11)
    for _ in range(60):
        m, J = int(rng.integers(3, 25)), int(rng.integers(2, 50))
        A = rng.normal(size=(m, 3)) @ rng.normal(size=(3, J)) + rng.normal(size=(m, J)) * 0.3 + 5
        b = rng.normal(size=m) + 5
        fit = simplex_lstsq(A, b)
        M = 1e5 * np.abs(A).max()
        w, _ = nnls(np.vstack([A, M * np.ones(J)]), np.append(b, M), maxiter=10_000)
        w = w / w.sum()
        ref = float(np.sum((A @ w - b) ** 2))
        assert fit.converged
        assert fit.weights.min() >= 0 and fit.weights.sum() == pytest.approx(1, abs=1e-12)
        assert fit.objective <= ref * (1 + 1e-9) + 1e-12


def test_simplex_kkt_conditions_hold():
    """Reduced gradient is zero on the support and non-negative off it (exact optimum)."""
    rng = np.random.default_rng(3)
    A = rng.normal(size=(12, 40))
    b = rng.normal(size=12) * 2
    for ridge in (0.0, 0.5):
        fit = simplex_lstsq(A, b, ridge=ridge)
        g = 2 * (A.T @ (A @ fit.weights - b) + ridge * fit.weights)
        on = fit.weights > 0
        mu = g[on].mean()
        scale = np.abs(g).max()
        assert np.ptp(g[on]) < 1e-8 * scale
        assert (g[~on] - mu).min() > -1e-8 * scale


def test_simplex_recovers_exact_convex_combination():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(30, 8))
    w_true = np.array([0.5, 0.3, 0.2, 0, 0, 0, 0, 0])
    fit = simplex_lstsq(A, A @ w_true)
    np.testing.assert_allclose(fit.weights, w_true, atol=1e-9)
    assert fit.objective < 1e-18


# --------------------------------------------------------------------------- reference
@pytest.mark.reference
def test_prop99_sc_estimate_and_synthdid_digit(prop99, ca):
    """Arkhangelsky et al. (2021, AER, Table 1; synthdid README): SC = -19.6 for Prop 99.

    The exact simplex least-squares optimum (our estimate) is -19.51, i.e. -19.5 at the printed
    digit. synthdid's sc_estimate stops Frank-Wolfe early (100 iterations, sparsify, then
    min.decrease = 1e-5 sigma) and lands at -19.62 with a *larger* pre-period SSE; replaying
    that procedure here reproduces the printed -19.6, so the one-digit gap is solver
    tolerance, not data or model.
    """
    assert round(ca.estimate, 1) == -19.5
    Y, donors, pre = _matrices(prop99)
    A = donors.loc[:, pre].to_numpy().T
    b = Y.loc["California", pre].to_numpy()
    sigma = np.std(np.diff(donors.loc[:, pre].to_numpy(), axis=1), ddof=1)
    eta = pre.sum() * (1e-6 * sigma) ** 2
    x = _synthdid_fw(A, b, eta, np.full(A.shape[1], 1 / A.shape[1]), 1e-5 * sigma, 100)
    x[x <= x.max() / 4] = 0
    x = _synthdid_fw(A, b, eta, x / x.sum(), 1e-5 * sigma, 10_000)
    post = ~pre
    fw_est = float(np.mean(Y.loc["California", post].to_numpy() - x @ donors.loc[:, post].to_numpy()))
    assert round(fw_est, 1) == -19.6
    sse_exact = float(np.sum(ca.path.loc[~ca.path.post, "effect"] ** 2))
    assert sse_exact <= float(np.sum((A @ x - b) ** 2))
    # synthdid's tiny ridge (zeta = 1e-6 sigma) does not move the exact optimum
    ridge = simplex_lstsq(A, b, ridge=eta).weights
    np.testing.assert_allclose(ridge, ca.weights.to_numpy(), atol=1e-6)


@pytest.mark.reference
def test_prop99_did_benchmark_from_same_data(prop99):
    """Same fixture gives the paper's DID -27.3 (a check on the transcribed data)."""
    Y, donors, pre = _matrices(prop99)
    ca_ = Y.loc["California"]
    did = (ca_[~pre].mean() - ca_[pre].mean()) - (
        donors.loc[:, ~pre].to_numpy().mean() - donors.loc[:, pre].to_numpy().mean()
    )
    assert round(did, 1) == -27.3


@pytest.mark.crosscheck
def test_prop99_no_worse_than_pysyncon_fixed_v(prop99, ca):
    """pysyncon 1.7 Synth with V = identity on the pre-period outcomes (SLSQP inner solver)."""
    pysyncon = pytest.importorskip("pysyncon")
    Y, donors, pre = _matrices(prop99)
    X0 = donors.loc[:, pre].T
    X1 = Y.loc["California", pre]
    synth = pysyncon.Synth()
    synth.fit(X0=X0, X1=X1, Z0=X0, Z1=X1, custom_V=np.ones(int(pre.sum())))
    w_peer = np.asarray(synth.W, dtype=float)
    rmspe_peer = float(np.sqrt(np.mean((X1.to_numpy() - X0.to_numpy() @ w_peer) ** 2)))
    assert ca.pre_rmspe <= rmspe_peer + 1e-9
    # pysyncon converges here: weights agree to SLSQP's tolerance
    # SLSQP stops early in this flat valley (pre-RMSPE 1.70 vs the exact 1.66), so the weights
    # agree only roughly; they must agree closely whenever pysyncon reaches the optimum
    w_ours = ca.weights.loc[X0.columns].to_numpy()
    if rmspe_peer - ca.pre_rmspe < 1e-6 * ca.pre_rmspe:
        np.testing.assert_allclose(w_ours, w_peer, atol=1e-3)
    else:
        assert np.abs(w_ours - w_peer).max() < 0.1
        assert set(np.flatnonzero(w_ours > 0.01)) <= set(np.flatnonzero(w_peer > 1e-3))


def test_prop99_structure_and_placebo_inference(ca):
    # identities on the published data; no published number is asserted
    assert isinstance(ca, SyntheticControlResult)
    assert ca.weights.sum() == pytest.approx(1) and (ca.weights >= 0).all()
    np.testing.assert_allclose(ca.path["effect"], ca.path["observed"] - ca.path["synthetic"])
    assert ca.estimate == pytest.approx(ca.path.loc[ca.path.post, "effect"].mean())
    assert math.isnan(ca.se)
    assert len(ca.placebos) == 38 and ca.n_control == 38
    # p = share of the 39 units whose RMSPE ratio is at least California's
    ratio = ca.post_rmspe / ca.pre_rmspe
    assert ca.p_value == pytest.approx((1 + (ca.placebos["ratio"] >= ratio).sum()) / 39)
    assert set(ca.placebo_gaps["unit"]) == set(ca.placebos["unit"])
    assert len(ca.leave_one_out) == int((ca.weights > 1e-8).sum())
    assert list(ca.table.columns[:7]) == list(TIDY_COLUMNS)
    names = {d.name for d in ca.diagnostics}
    assert {"pre_fit", "convex_hull", "permutation_resolution", "leave_one_out"} <= names
    assert ca.mde > 0


def test_interval_is_the_inverted_placebo_test(prop99, ca):
    """Subtracting an effect just inside / outside the interval flips the test decision."""
    lo, hi = ca.ci
    assert lo < ca.estimate < hi
    alpha = 1 - ca.level
    for tau0, rejected in ((hi - 0.05, False), (hi + 0.05, True), (lo + 0.05, False), (lo - 0.05, True)):
        shifted = prop99.assign(
            packs=prop99["packs"] - tau0 * ((prop99.state == "California") & (prop99.year >= 1989))
        )
        r = synthetic_control(
            shifted,
            outcome="packs",
            unit="state",
            time="year",
            treated_unit="California",
            treatment_start=1989,
            leave_one_out=False,
        )
        assert (r.p_value <= alpha) is rejected


def test_adding_a_constant_to_every_unit_changes_nothing(prop99, ca):
    r = synthetic_control(
        prop99.assign(packs=prop99["packs"] + 100),
        outcome="packs",
        unit="state",
        time="year",
        treated_unit="California",
        treatment_start=1989,
        placebo=False,
        leave_one_out=False,
    )
    assert r.estimate == pytest.approx(ca.estimate, abs=1e-8)
    assert math.isnan(r.p_value)


def test_plots_return_axes(ca):
    import matplotlib.pyplot as plt

    for f in (ca.plot, ca.plot_gaps, ca.plot_placebos):
        ax = f()
        assert isinstance(ax, plt.Axes)
    ax = ca.plot_placebos(exclude_mspe_above=None)
    assert "38 of 38" in ax.get_title()
    assert "lower" in ca.sentence("en")


# --------------------------------------------------------------------------- errors
def test_errors(prop99):
    kw = dict(outcome="packs", unit="state", time="year", treated_unit="California", treatment_start=1989)
    with pytest.raises(SpecificationError, match="nope"):
        synthetic_control(prop99, **{**kw, "outcome": "nope"})
    with pytest.raises(SpecificationError, match="Norway"):
        synthetic_control(prop99, **{**kw, "treated_unit": "Norway"})
    with pytest.raises(SpecificationError, match="pre-treatment"):
        synthetic_control(prop99, **{**kw, "treatment_start": 1971})
    with pytest.raises(DataError, match="unbalanced"):
        synthetic_control(prop99.iloc[1:], **kw)
    with pytest.raises(DataError, match="twice"):
        synthetic_control(pd.concat([prop99, prop99.iloc[:1]]), **kw)
    bad = prop99.copy()
    bad.loc[5, "packs"] = np.nan
    with pytest.raises(DataError, match="row 7"):
        synthetic_control(bad, **kw)


# --------------------------------------------------------------------------- simulation
def _factor_panel(rng, n_units=40, n_periods=20, treat_start=15, effect=0.0, inside_hull=True):
    F = rng.normal(size=(n_periods, 3))  # i.i.d. factors: no interpolation bias in expectation
    L = rng.uniform(0, 2, size=(n_units, 3))
    if inside_hull:  # treated loadings = mean of three donors' loadings
        L[0] = L[rng.choice(np.arange(1, n_units), 3, replace=False)].mean(axis=0)
    common = np.linspace(0, 5, n_periods)
    Y = common + L @ F.T + rng.normal(scale=0.5, size=(n_units, n_periods))
    Y[0, treat_start:] += effect
    u, t = np.meshgrid(np.arange(n_units), np.arange(n_periods), indexing="ij")
    return pd.DataFrame({"unit": u.ravel(), "t": t.ravel(), "y": Y.ravel()})


@pytest.mark.simulation
def test_planted_effect_is_recovered_without_bias():
    """100 panels, 40 units x 20 periods, effect 2.0, treated inside the donor hull.

    With i.i.d. factors and noise the weights (fitted on the pre-period) are independent of
    the post-period errors, so the estimator is unbiased; tolerance: 4 Monte Carlo standard
    errors of the mean. Synthetic control has no coverage guarantee, so only bias is checked.
    """
    rng = np.random.default_rng(2024)
    est = np.array(
        [
            synthetic_control(
                _factor_panel(rng, effect=2.0),
                outcome="y",
                unit="unit",
                time="t",
                treated_unit=0,
                treatment_start=15,
                placebo=False,
                leave_one_out=False,
            ).estimate
            for _ in range(100)
        ]
    )
    mc_se = est.std(ddof=1) / np.sqrt(len(est))
    assert abs(est.mean() - 2.0) < 4 * mc_se


def test_predictors_match_standardised_pre_period_means(prop99, ca):
    """With predictors, the pre-period means of the listed columns are matched (fixed diagonal V)."""
    d = prop99.assign(lagged=prop99.groupby("state")["packs"].shift(1).fillna(prop99["packs"]))
    r = synthetic_control(
        d,
        outcome="packs",
        unit="state",
        time="year",
        treated_unit="California",
        treatment_start=1989,
        predictors=["packs", "lagged"],
        placebo=False,
        leave_one_out=False,
    )
    assert r.weights.sum() == pytest.approx(1) and (r.weights >= 0).all()
    pre = d[d.year < 1989].groupby("state")[["packs", "lagged"]].mean()
    pre = pre / pre.std(ddof=0)
    donors = pre.drop(index="California")

    def dist(w):
        return float(np.sum((w @ donors.to_numpy() - pre.loc["California"].to_numpy()) ** 2))

    # the weights minimise the standardised moment distance: no other simplex point does better
    ours = dist(r.weights.loc[donors.index].to_numpy())
    rng = np.random.default_rng(0)
    others = [ca.weights.loc[donors.index].to_numpy(), np.full(38, 1 / 38), *rng.dirichlet(np.ones(38), 200)]
    assert all(ours <= dist(w) + 1e-12 for w in others)
    with pytest.raises(SpecificationError, match="predictor"):
        synthetic_control(
            d,
            outcome="packs",
            unit="state",
            time="year",
            treated_unit="California",
            treatment_start=1989,
            predictors=["nope"],
        )
