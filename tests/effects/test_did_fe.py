"""Fixed-effect absorption (`effects/_fe.py`) equals the statsmodels dummy-variable fit.

Protects the contract that ``did`` standard errors "follow statsmodels' conventions for the same
model written with dummy variables, small-sample factors included": K counts the absorbed dummies.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from fou_analysis.effects import _fe
from fou_analysis.effects.did import did


def _unbalanced_panel(seed=0, units=15, periods=7):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"unit": np.repeat(np.arange(units), periods), "t": np.tile(np.arange(periods), units)})
    df = df.sample(frac=0.85, random_state=seed).sort_index().reset_index(drop=True)  # unbalanced
    df["treated"] = (df["unit"] < 5).astype(int)
    df["post"] = (df["t"] >= 4).astype(int)
    df["x"] = rng.normal(size=len(df))
    df["region"] = df["unit"] % 5  # coarser clusters than units
    df["y"] = (
        rng.normal(size=units)[df["unit"]]
        + 0.3 * df["t"]
        + 0.8 * df["treated"] * df["post"]
        + 0.5 * df["x"]
        + rng.normal(size=len(df))
    )
    df["d"] = df["treated"] * df["post"]
    return df


@pytest.mark.parametrize("se", ["classical", "hc1", "cluster"])
def test_twfe_equals_dummy_fit(se):
    df = _unbalanced_panel()
    mod = smf.ols("y ~ d + x + C(unit) + C(t)", data=df)
    kw = {"cov_type": {"classical": "nonrobust", "hc1": "HC1", "cluster": "cluster"}[se], "use_t": True}
    if se == "cluster":
        kw["cov_kwds"] = {"groups": df["unit"].to_numpy()}
    ref = mod.fit(**kw)
    res = did(df, outcome="y", treated="treated", post="post", unit="unit", time="t", covariates=["x"], se=se)
    assert res.estimate == pytest.approx(ref.params["d"], rel=1e-9)
    assert res.se == pytest.approx(ref.bse["d"], rel=1e-9)
    assert res.p_value == pytest.approx(ref.pvalues["d"], rel=1e-7)
    lo, hi = ref.conf_int().loc["d"]
    assert res.ci == pytest.approx((lo, hi), rel=1e-9)
    x_row = res.model_table.set_index("term").loc["x"]
    assert x_row["std_error"] == pytest.approx(ref.bse["x"], rel=1e-9)


def test_cluster_other_than_unit_equals_dummy_fit():
    df = _unbalanced_panel(seed=1)
    ref = smf.ols("y ~ d + C(unit) + C(t)", data=df).fit(
        cov_type="cluster", cov_kwds={"groups": df["region"].to_numpy()}, use_t=True
    )
    res = did(df, outcome="y", treated="treated", post="post", unit="unit", time="t", cluster="region")
    assert res.se == pytest.approx(ref.bse["d"], rel=1e-9)
    assert res.p_value == pytest.approx(ref.pvalues["d"], rel=1e-7)  # t with G - 1 = 4 df
    assert res.clusters == 5


def test_alternating_projections_equal_exact_solution(monkeypatch):
    df = _unbalanced_panel(seed=2)
    exact = _fe.Absorber([df["unit"].to_numpy(), df["t"].to_numpy()])
    monkeypatch.setattr(_fe, "_EXACT_MAX_LEVELS", 0)
    iterative = _fe.Absorber([df["unit"].to_numpy(), df["t"].to_numpy()])
    assert not iterative.exact
    y = df[["y", "x"]].to_numpy()
    np.testing.assert_allclose(iterative.resid(y), exact.resid(y), atol=1e-9)


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_rank_counts_disconnected_components_like_the_dummy_fit():
    # two blocks of units observed in disjoint periods: the FE graph has two components,
    # so one more dummy is redundant; statsmodels (pinv) drops it from K as well.
    df = _unbalanced_panel(seed=3)
    df = df[((df["unit"] < 8) & (df["t"] < 4)) | ((df["unit"] >= 8) & (df["t"] >= 4))].reset_index(drop=True)
    ab = _fe.Absorber([df["unit"].to_numpy(), df["t"].to_numpy()])
    assert ab.components == 2
    ref = smf.ols("y ~ x + C(unit) + C(t)", data=df).fit()
    fit = _fe.ols_absorbed(df["y"].to_numpy(), df[["x"]].to_numpy(), ["x"], ab, se="classical")
    assert fit.df_resid == ref.df_resid
    assert fit.coef[0] == pytest.approx(ref.params["x"], rel=1e-8)
    assert fit.se[0] == pytest.approx(ref.bse["x"], rel=1e-8)


@pytest.mark.parametrize("se", ["classical", "hc1", "cluster"])
def test_many_outcomes_equal_single_fits(se):
    df = _unbalanced_panel(seed=4)
    rng = np.random.default_rng(9)
    ys = np.column_stack([df["y"].to_numpy(), rng.normal(size=len(df))])
    ab = _fe.Absorber([df["unit"].to_numpy(), df["t"].to_numpy()])
    x = df[["d", "x"]].to_numpy(float)
    coef, ses = _fe.ols_absorbed_many(ys, x, ab, se=se, cluster=df["unit"].to_numpy())
    for r in range(2):
        one = _fe.ols_absorbed(ys[:, r], x, ["d", "x"], ab, se=se, cluster=df["unit"].to_numpy())
        np.testing.assert_allclose(coef[:, r], one.coef, rtol=1e-10)
        np.testing.assert_allclose(ses[:, r], one.se, rtol=1e-10)
