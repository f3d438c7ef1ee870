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


# --- the fast paths of the absorber (issue #12, speed): each checked against an independent route


@pytest.mark.parametrize(
    "values",
    [
        np.array([7, 3, 3, 10, 7, 42]),  # gaps in the range
        np.array([-5, 2, -5, 0, 2]),  # negative
        np.array([-100, 100, 0, -100], dtype=np.int8),  # v - min overflows int8
        np.array([3, 1, 2], dtype=np.uint8),
        np.array([True, False, True]),
        np.array([0, 10**12, 5]),  # range far beyond the row count: pandas path
        np.array([2**64 - 1, 2**64 - 3], dtype=np.uint64),  # beyond intp: pandas path
        np.array(["b", "a", "b", "c"], dtype=object),
        np.array([2.5, 1.0, 2.5]),
        np.tile(np.arange(6), 3),  # already 0..L-1
    ],
)
def test_factorize_equals_pandas_sorted(values):
    codes, uniques = _fe.factorize(values)
    ref_codes, ref_uniques = pd.factorize(values, sort=True)
    np.testing.assert_array_equal(codes, ref_codes)
    np.testing.assert_array_equal(uniques, np.asarray(ref_uniques))
    assert codes.dtype == np.intp


def _dummy_resid(x, *factors):
    """Residual of x on the full dummy matrix of the factors (least squares, pinv: rank-safe)."""
    d = np.column_stack([pd.get_dummies(f).to_numpy(float) for f in factors])
    beta, *_ = np.linalg.lstsq(d, x, rcond=None)
    return x - d @ beta, np.linalg.matrix_rank(d)


def _panel_kinds(kind, seed=0):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(12), 6)
    t = np.tile(np.arange(6), 12) + 2000
    if kind == "unbalanced":
        keep = rng.random(unit.size) < 0.8
        unit, t = unit[keep], t[keep]
    elif kind == "repeated":  # several rows per unit and period (n_ab > 1)
        extra = rng.integers(0, unit.size, 30)
        unit, t = np.r_[unit, unit[extra]], np.r_[t, t[extra]]
    elif kind == "disconnected":  # two blocks of units in disjoint periods
        keep = ((unit < 5) & (t < 2003)) | ((unit >= 5) & (t >= 2003))
        unit, t = unit[keep], t[keep]
    x = rng.normal(size=(unit.size, 2)) + rng.normal(size=12)[unit][:, None] * 3 + 100.0
    return unit, t, x


@pytest.mark.parametrize("kind", ["balanced", "unbalanced", "repeated", "disconnected"])
@pytest.mark.parametrize("dense", [True, False])
def test_exact_absorption_equals_dummy_regression(kind, dense, monkeypatch):
    if not dense:  # the sparse cross-tabulation used for large unit × period tables
        monkeypatch.setattr(_fe, "_DENSE_MAX_CELLS", 0)
    unit, t, x = _panel_kinds(kind)
    ab = _fe.Absorber([unit, t])
    assert ab.exact and (ab._cross_dense is not None) == dense
    ref, rank = _dummy_resid(x, unit, t)
    np.testing.assert_allclose(ab.resid(x), ref, atol=1e-9)
    np.testing.assert_allclose(ab.resid(x[:, 0]), ref[:, 0], atol=1e-9)
    assert ab.rank == rank
    assert ab.components == (2 if kind == "disconnected" else 1)


@pytest.mark.parametrize("se", ["classical", "hc1", "cluster"])
def test_balanced_panel_equals_dummy_fit(se):
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"unit": np.repeat(np.arange(20), 8), "t": np.tile(np.arange(8), 20)})
    df["d"] = ((df["unit"] < 7) & (df["t"] >= 5)).astype(float)
    df["x"] = rng.normal(size=len(df))
    df["y"] = (
        rng.normal(size=20)[df["unit"]] + 0.2 * df["t"] + 0.5 * df["d"] + df["x"] + rng.normal(size=len(df))
    )
    kw = {"cov_type": {"classical": "nonrobust", "hc1": "HC1", "cluster": "cluster"}[se], "use_t": True}
    if se == "cluster":
        kw["cov_kwds"] = {"groups": df["unit"].to_numpy()}
    ref = smf.ols("y ~ d + x + C(unit) + C(t)", data=df).fit(**kw)
    ab = _fe.Absorber([df["unit"].to_numpy(), df["t"].to_numpy()])
    fit = _fe.ols_absorbed(
        df["y"].to_numpy(), df[["d", "x"]].to_numpy(), ["d", "x"], ab, se=se, cluster=df["unit"].to_numpy()
    )
    np.testing.assert_allclose(fit.coef, ref.params[["d", "x"]], rtol=1e-9)
    np.testing.assert_allclose(fit.se, ref.bse[["d", "x"]], rtol=1e-9)
    assert fit.df_resid == ref.df_resid


@pytest.mark.parametrize("p", [1, 3, 8])
def test_products_in_blocks_equal_one_matrix_product(p):
    # p·q > 36 takes the blocked BLAS path (several blocks here), fewer columns the einsum path
    rng = np.random.default_rng(p)
    a, b = rng.normal(size=(20_000, p)), rng.normal(size=(20_000, 8))
    np.testing.assert_allclose(_fe._products(a, b), a.T @ b, rtol=1e-10, atol=1e-9)
