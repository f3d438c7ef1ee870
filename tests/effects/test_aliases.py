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
from fou_analysis.exceptions import SpecificationError

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
