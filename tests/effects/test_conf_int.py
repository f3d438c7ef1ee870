"""`conf_int(level)` on every result type (no refit) and `cov` where the model has one."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from _panels import staggered_panel as _panel
from fou_analysis.effects import (
    did,
    event_study,
    its,
    prepost,
    staggered_did,
    survival,
    synthetic_control,
    synthetic_did,
    weighting,
)
from fou_analysis.exceptions import SpecificationError


def _one_treated(seed=1):
    df = _panel(seed)
    d = ((df["unit"] == 0) & (df["t"] >= 5)).astype(int)
    return df.assign(d=d, y=df["y"] + 2.0 * d - df["d"])


def _block(seed=2):
    df = _panel(seed)
    d = ((df["unit"] < 3) & (df["t"] >= 7)).astype(int)
    return df.assign(d=d, y=df["y"] + d - df["d"])


def _series(seed=3, n=48):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.DataFrame({"t": t, "y": 10 + 0.1 * t - 2.0 * (t >= 30) + rng.normal(size=n)})


def _long(seed=4, n=25):
    rng = np.random.default_rng(seed)
    pre = rng.normal(10, 2, n)
    post = pre + 0.8 + rng.normal(0, 1, n)
    return pd.DataFrame(
        {"id": np.tile(np.arange(n), 2), "wave": ["pre"] * n + ["post"] * n, "y": np.concatenate([pre, post])}
    )


def _confounded(seed=5, n=300):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-0.8 * x1))).astype(int)
    return pd.DataFrame({"x1": x1, "t": t, "y": 1 + 2 * x1 + t + rng.normal(size=n)})


def _surv(seed=6, n=80):
    rng = np.random.default_rng(seed)
    g = np.repeat([0, 1], n // 2)
    time = rng.exponential(np.where(g == 1, 2.0, 1.0))
    cens = rng.exponential(3.0, n)
    return pd.DataFrame({"w": np.minimum(time, cens), "e": (time <= cens).astype(int), "g": g})


TW = {"outcome": "y", "treated": "d", "post": None, "unit": "unit", "time": "t"}
FITS = {
    "did_classical": lambda: did(_panel(), **TW, se="classical"),
    "did_hc1": lambda: did(_panel(), **TW, se="hc1"),
    "did_cluster": lambda: did(_panel(), **TW, se="cluster"),
    "did_wild": lambda: did(_panel(), **TW, se="wild", reps=999),
    "did_ri": lambda: did(_one_treated(), **TW, se="ri"),
    "did_2x2": lambda: did(
        _panel().assign(tr=lambda f: (f["first"] > 0).astype(int)),
        outcome="y",
        treated="tr",
        post="post",
        se="cluster",
        cluster="unit",
    ),
    "event_study": lambda: event_study(_panel(), outcome="y", unit="unit", time="t", first_treated="first"),
    "staggered_did": lambda: staggered_did(
        _panel(), outcome="y", unit="unit", time="t", first_treated="first", reps=99
    ),
    "synthetic_control": lambda: synthetic_control(
        _one_treated(), outcome="y", unit="unit", time="t", treated_unit=0, treatment_start=5
    ),
    "synthetic_did": lambda: synthetic_did(
        _block(), outcome="y", unit="unit", time="t", treated="d", reps=50
    ),
    "its": lambda: its(_series(), outcome="y", time="t", intervention_start=30),
    "its_hac": lambda: its(_series(), outcome="y", time="t", intervention_start=30, cov="hac"),
    "prepost": lambda: prepost(_long(), outcome="y", subject="id", wave="wave", pre="pre", post="post"),
    "weighting": lambda: weighting(_confounded(), outcome="y", treatment="t", covariates=["x1"]),
    "weighting_boot": lambda: weighting(
        _confounded(), outcome="y", treatment="t", covariates=["x1"], bootstrap=60, seed=1
    ),
    "survival": lambda: survival(_surv(), duration="w", event="e", group="g"),
}
HAS_COV = {"did_classical", "did_hc1", "did_cluster", "did_wild", "did_ri", "did_2x2", "event_study", "its"}
HAS_COV |= {"its_hac", "weighting", "survival"}


@pytest.fixture(scope="module")
def results():
    return {k: f() for k, f in FITS.items()}


@pytest.mark.parametrize("name", list(FITS))
def test_conf_int_at_the_fit_level_is_ci_and_a_lower_level_is_narrower(results, name):
    res = results[name]
    assert np.all(np.isfinite(res.ci)), res.ci
    assert res.conf_int(res.level) == pytest.approx(res.ci, rel=1e-9, abs=1e-12)
    lo, hi = res.conf_int(0.90)
    assert res.ci[0] < lo <= hi < res.ci[1]
    assert lo <= res.estimate <= hi or name == "synthetic_control"  # its interval centres on the mean gap
    with pytest.raises(SpecificationError):
        res.conf_int(1.5)


@pytest.mark.parametrize("name", list(FITS))
def test_cov_is_exposed_where_the_model_has_one(results, name):
    res = results[name]
    if name not in HAS_COV or name == "weighting_boot":
        assert res.cov is None
        return
    cov = res.cov
    assert isinstance(cov, pd.DataFrame) and list(cov.index) == list(cov.columns)
    assert np.allclose(cov.to_numpy(), cov.to_numpy().T)
    if name.startswith("did") and name not in ("did_2x2",):
        assert np.sqrt(cov.iloc[0, 0]) == pytest.approx(res.se, rel=1e-12)
    if name == "did_2x2":
        assert np.sqrt(cov.loc["tr:post", "tr:post"]) == pytest.approx(res.se, rel=1e-12)
    if name.startswith("its"):
        assert np.sqrt(cov.loc["level_change", "level_change"]) == pytest.approx(res.se, rel=1e-12)
    if name == "weighting":
        a = np.array([1.0, -1.0])
        assert np.sqrt(a @ cov.to_numpy() @ a) == pytest.approx(res.se, rel=1e-12)
    if name == "survival":
        assert np.sqrt(cov.iloc[0, 0]) == pytest.approx(res.se, rel=1e-9)


def test_t_based_interval_by_hand(results):
    res = results["did_cluster"]  # t with G − 1 = 23 df
    q = stats.t.ppf(0.95, 23)
    assert res.conf_int(0.90) == pytest.approx(
        (res.estimate - q * res.se, res.estimate + q * res.se), rel=1e-12
    )
    pp = results["prepost"]  # t with n − 1 = 24 df
    q = stats.t.ppf(0.95, 24)
    assert pp.conf_int(0.90) == pytest.approx((pp.estimate - q * pp.se, pp.estimate + q * pp.se), rel=1e-12)
    sd = results["staggered_did"]  # normal
    z = stats.norm.ppf(0.95)
    assert sd.conf_int(0.90) == pytest.approx((sd.estimate - z * sd.se, sd.estimate + z * sd.se), rel=1e-12)


def test_bootstrap_and_permutation_intervals_invert_the_kept_draws(results):
    # the 90 % interval from the kept draws is the refit at level 0.90 (same seed, same draws) ...
    wild = results["did_wild"]
    refit = did(_panel(), **TW, se="wild", reps=999, level=0.90)
    assert wild.conf_int(0.90) == pytest.approx(refit.ci, rel=1e-12)
    ri = results["did_ri"]
    assert ri.conf_int(0.90) == pytest.approx(did(_one_treated(), **TW, se="ri", level=0.90).ci, rel=1e-12)
    sc = results["synthetic_control"]
    sc90 = synthetic_control(
        _one_treated(), outcome="y", unit="unit", time="t", treated_unit=0, treatment_start=5, level=0.90
    )
    assert sc.conf_int(0.90) == pytest.approx(sc90.ci, rel=1e-12)
    # ... and by hand: the bootstrap p-value computed from the draws crosses 0.10 at each end
    inv = wild.bootstrap["draws"].inverter
    lo, hi = wild.conf_int(0.90)
    eps = 1e-3 * wild.se
    assert inv.p_value(lo + eps) > 0.10 >= inv.p_value(lo - eps)
    assert inv.p_value(hi - eps) > 0.10 >= inv.p_value(hi + eps)
