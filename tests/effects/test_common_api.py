"""Common argument names across the designs, and the older names kept as aliases (issue #12).

Each design is run twice on the same small synthetic data, once with the common names and once
with the older spelling: the results must be identical (not "close": it is a keyword rename).
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from fou_analysis import effects
from fou_analysis.effects._aliases import canonical_args
from fou_analysis.effects._options import ALIASES, COLUMN_ARGS, OPTIONS
from fou_analysis.exceptions import DataError, SpecificationError

COMMON = {"outcome", "unit", "time", "treated", "treatment_start", "covariates", "se"}


def _prepost() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    pre = rng.normal(10, 2, 30)
    return pd.DataFrame(
        {
            "id": np.tile(np.arange(30), 2),
            "w": ["pre"] * 30 + ["post"] * 30,
            "y": np.r_[pre, pre + 1 + rng.normal(0, 1, 30)],
        }
    )


def _its() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    t = np.arange(36)
    return pd.DataFrame({"t": t, "y": 10 + 0.1 * t + 3 * (t >= 18) + rng.normal(0, 1, 36)})


def _people() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    x = rng.normal(size=n)
    d = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)
    dur = rng.exponential(np.exp(-0.5 * d - 0.3 * x))
    return pd.DataFrame(
        {
            "x": x,
            "d": d,
            "y": 1 + 2 * d + x + rng.normal(size=n),
            "dur": np.minimum(dur, 2.0),
            "ev": (dur < 2.0).astype(int),
        }
    )


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    rows = []
    for u in range(40):
        start = (3, 5, 0, 0)[u % 4]  # two cohorts, half never treated
        for t in range(1, 9):
            on = start > 0 and t >= start
            rows.append({"u": u, "t": t, "g": start, "d": int(on), "y": 0.5 * t + 2.0 * on + rng.normal()})
    return pd.DataFrame(rows)


def _units() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    base = rng.normal(size=(6, 1)) + np.linspace(0, 1, 12)
    y = base + rng.normal(0, 0.1, base.shape)
    y[0, 8:] += 2
    return pd.DataFrame({"u": np.repeat(np.arange(6), 12), "t": np.tile(np.arange(12), 6), "y": y.ravel()})


CASES = {
    "prepost": (_prepost, {"outcome": "y", "unit": "id", "time": "w", "pre": "pre", "post": "post"}, {}),
    "its": (_its, {"outcome": "y", "time": "t", "treatment_start": 18, "se": "hac"}, {}),
    "weighting": (_people, {"outcome": "y", "treated": "d", "covariates": ["x"]}, {}),
    "survival": (_people, {"duration": "dur", "event": "ev", "treated": "d"}, {}),
    "event_study": (
        _panel,
        {"outcome": "y", "unit": "u", "time": "t", "treatment_start": "g", "leads": 2, "lags": 2},
        {},
    ),
    "staggered_did": (
        _panel,
        {"outcome": "y", "unit": "u", "time": "t", "treatment_start": "g"},
        {"reps": 99},
    ),
    "synthetic_control": (
        _units,
        {"outcome": "y", "unit": "u", "time": "t", "treated": 0, "treatment_start": 8},
        {"placebo": False, "leave_one_out": False},
    ),
}


def _older(design: str, kwargs: dict) -> dict:
    back = {new: old for old, new in ALIASES[design].items()}
    return {back.get(k, k): v for k, v in kwargs.items()}


@pytest.mark.parametrize("design", sorted(CASES))
def test_older_names_give_the_same_result(design):
    make, common, extra = CASES[design]
    data = make()
    old = _older(design, common)
    assert old != common  # the test really uses an alias
    fn = getattr(effects, design)
    new_res = fn(data, **common, **extra)
    old_res = fn(data, **old, **extra)
    assert new_res.estimate == old_res.estimate
    assert new_res.se == old_res.se or (np.isnan(new_res.se) and np.isnan(old_res.se))
    pd.testing.assert_frame_equal(new_res.to_frame(), old_res.to_frame())


@pytest.mark.parametrize("design", sorted(d for d, m in ALIASES.items() if m))
def test_alias_and_new_name_together_is_a_specification_error(design):
    old, new = next(iter(ALIASES[design].items()))
    with pytest.raises(SpecificationError, match=f"give {new!r} or its older name {old!r}"):
        getattr(effects, design)(pd.DataFrame(), **{old: "a", new: "a"})


def test_aliases_table_fits_the_signatures_and_uses_the_common_names():
    for design, mapping in ALIASES.items():
        fn = getattr(effects, design)
        params = inspect.signature(fn).parameters
        assert fn.__aliases__ == mapping
        for old, new in mapping.items():
            assert old not in params and new in params, (design, old)
            assert new in COMMON, (design, new)
            assert old not in COLUMN_ARGS[design] and old not in OPTIONS.get(design, {})
            assert f"``{old}``" in fn.__doc__, (design, old)  # documented in the docstring


def test_common_names_mean_one_thing():
    # the treated column / unit has one name wherever a design has one
    for design in ("did", "staggered_did", "synthetic_did", "weighting", "survival", "synthetic_control"):
        assert "treated" in inspect.signature(getattr(effects, design)).parameters, design
    for design in ("its", "synthetic_control", "event_study", "staggered_did"):
        assert "treatment_start" in inspect.signature(getattr(effects, design)).parameters, design
    for design in ("prepost", "did", "event_study", "staggered_did", "synthetic_control", "synthetic_did"):
        params = inspect.signature(getattr(effects, design)).parameters
        assert {"unit", "time"} <= set(params), design


def test_canonical_args_keeps_unknown_names_and_order():
    assert list(canonical_args("its", {"outcome": "y", "cov": "hac", "foo": 1})) == ["outcome", "se", "foo"]
    assert canonical_args("did", {"treated": "d"}) == {"treated": "d"}


def _did_data() -> pd.DataFrame:
    d = _panel()
    return d.assign(x=np.random.default_rng(6).normal(size=len(d)))


FRAME_CASES = {
    **{k: (v[0], v[1], v[2]) for k, v in CASES.items()},
    "did": (
        _did_data,
        {"outcome": "y", "treated": "d", "post": None, "unit": "u", "time": "t", "covariates": ["x"]},
        {},
    ),
    "synthetic_did": (
        lambda: _panel().query("g != 5"),  # one cohort: a block design
        {"outcome": "y", "unit": "u", "time": "t", "treated": "d"},
        {"reps": 20},
    ),
}


@pytest.mark.parametrize("design", sorted(FRAME_CASES))
def test_to_frame_is_one_tidy_table_on_every_result(design):
    make, kwargs, extra = FRAME_CASES[design]
    res = getattr(effects, design)(make(), **kwargs, **extra)
    f = res.to_frame()
    tidy = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high", "n"]
    assert list(f.columns[:9]) == [*tidy, "headline"]
    assert f["headline"].tolist() == [True] + [False] * (len(f) - 1)
    head = f.iloc[0]
    got = (head["estimate"], head["std_error"], head["p_value"], head["ci_low"], head["ci_high"], head["n"])
    want = (res.estimate, res.se, res.p_value, *res.ci, res.n)
    np.testing.assert_array_equal(np.array(got, float), np.array(want, float))  # NaN == NaN here
    # the design's own table is the detail of this one: every one of its terms is in it
    detail = res.model_table if design == "did" else res.table
    assert set(detail["term"].astype(str)) <= set(f["term"].astype(str))
    assert len(f) == len(detail) + (0 if (detail["estimate"] == res.estimate).any() else 1)
    # key_numbers() and the headline-only frame are views of the same row
    k = res.key_numbers().iloc[0]
    np.testing.assert_array_equal(
        np.array([k["estimate"], k["se"], k["ci_low"], k["ci_high"]], float),
        np.array(got[:2] + got[3:5], float),
    )
    one = res.to_frame(headline_only=True)
    assert len(one) == 1 and one.iloc[0]["estimate"] == res.estimate
    assert {f"diag_{d.name}" for d in res.diagnostics} <= set(one.columns)


def _with_covariates() -> pd.DataFrame:
    d = _panel()
    rng = np.random.default_rng(7)
    d["age"] = rng.normal(40, 10, len(d))
    d["sex"] = np.where(rng.random(len(d)) < 0.5, "f", "m")
    d["y"] = d["y"] + 0.05 * d["age"] + 0.7 * (d["sex"] == "m")
    return d


COVARIATE_CASES = {
    "did": {"outcome": "y", "treated": "d", "post": None, "unit": "u", "time": "t"},
    "did_2x2": {"outcome": "y", "treated": "grp", "post": "after", "se": "hc1"},
    "event_study": {"outcome": "y", "unit": "u", "time": "t", "treatment_start": "g", "leads": 2, "lags": 2},
}


@pytest.mark.parametrize("case", sorted(COVARIATE_CASES))
def test_covariates_as_list_or_formula_give_the_same_estimate(case):
    d = _with_covariates().assign(
        after=lambda f: (f["t"] >= 3).astype(int), grp=lambda f: (f["g"] > 0).astype(int)
    )
    design = case.removesuffix("_2x2")
    fn = getattr(effects, design)
    before = d.copy()
    listed = fn(d, **COVARIATE_CASES[case], covariates=["age", "sex"])
    formula = fn(d, **COVARIATE_CASES[case], covariates="age + C(sex)")
    plain = fn(d, **COVARIATE_CASES[case])
    pd.testing.assert_frame_equal(d, before)  # the data are not modified
    assert listed.estimate == pytest.approx(formula.estimate, rel=1e-10, abs=1e-12)
    assert listed.se == pytest.approx(formula.se, rel=1e-10)
    assert listed.estimate != plain.estimate  # the adjustment is really used
    assert {"age", "C(sex)[T.m]"} <= set(formula.cov.index)


def test_its_time_varying_controls_list_or_formula():
    d = _its()
    rng = np.random.default_rng(8)
    d["unemp"] = rng.normal(4, 1, len(d))
    d["term"] = np.where(d["t"] % 12 < 6, "spring", "autumn")
    d["y"] = d["y"] + 1.5 * d["unemp"] + 2.0 * (d["term"] == "spring")
    kw = {"outcome": "y", "time": "t", "treatment_start": 18, "se": "hac", "seasonality": None}
    listed = effects.its(d, **kw, covariates=["unemp", "term"])
    formula = effects.its(d, **kw, covariates="unemp + C(term)")
    plain = effects.its(d, **kw)
    assert listed.estimate == pytest.approx(formula.estimate, rel=1e-10)
    assert listed.se == pytest.approx(formula.se, rel=1e-10)
    # the controls soak up their planted effects: the level change is estimated more precisely
    assert listed.se < plain.se
    t = formula.table.set_index("term")
    assert t.loc["unemp", "estimate"] == pytest.approx(1.5, abs=4 * t.loc["unemp", "std_error"])
    d.loc[5, "unemp"] = np.nan
    with pytest.raises(DataError) as info:
        effects.its(d, **kw, covariates=["unemp"])
    assert info.value.column == "unemp"


@pytest.mark.parametrize(
    ("design", "kwargs"),
    [
        ("weighting", {"outcome": "y", "treated": "d"}),
        ("survival", {"duration": "dur", "event": "ev", "treated": "d"}),
    ],
)
def test_weighting_and_survival_covariates_list_or_formula(design, kwargs):
    d = _people()
    d["site"] = np.where(np.random.default_rng(9).random(len(d)) < 0.4, "north", "south")
    fn = getattr(effects, design)
    listed = fn(d, **kwargs, covariates=["x", "site"])
    formula = fn(d, **kwargs, covariates="x + C(site)")
    # the same design matrix in another column order: only rounding differs (seen: estimate
    # exact, se 6e-12 relative), so 1e-9 leaves room without hiding a different model
    assert listed.estimate == pytest.approx(formula.estimate, rel=1e-9)
    assert listed.se == pytest.approx(formula.se, rel=1e-9)
