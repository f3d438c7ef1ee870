"""The built-in ``tidy`` recipe: derive grammar (lag/lead/first_treated), safety, keys, joins, filter log."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fou_analysis import io, pipeline
from fou_analysis.clean import CleaningLog
from fou_analysis.exceptions import DataError, SpecificationError


def _panel() -> pd.DataFrame:
    # unit 2 has no row in period 2 (a gap): its lag in period 3 must be missing, not period 1's
    return pd.DataFrame(
        {
            "unit": [1, 1, 1, 2, 2, 3, 3, 3],
            "t": [1, 2, 3, 1, 3, 1, 2, 3],
            "y": [1.0, 2.0, 4.0, 10.0, 30.0, 5.0, 0.0, 7.0],
            "d": [0, 1, 1, 0, 0, 0, 0, 1],
        }
    )


def _tidy(params: dict, src: dict | None = None, log: CleaningLog | None = None) -> pd.DataFrame:
    return pipeline.tidy(src or {"panel": _panel()}, params, log if log is not None else CleaningLog())


def test_tidy_is_a_registered_recipe_and_a_public_function() -> None:
    assert pipeline.get_recipe("tidy") is pipeline.tidy
    assert "tidy" in pipeline.BUILTIN_RECIPES


def test_derive_arithmetic_log_exp_and_comparisons_match_numpy() -> None:
    d = _panel()
    out = _tidy(
        {
            "keys": ["unit", "t"],
            "derive": {
                "z": "(y + 1) * 2 - y / 4 ** 1",
                "ly": "log(y + 1)",
                "ey": "exp(-y / 10)",
                "big": "(y >= 5) & ~(d == 1)",
                "between": "1 < t <= 2",
            },
        }
    )
    np.testing.assert_allclose(out["z"], (d["y"] + 1) * 2 - d["y"] / 4)
    np.testing.assert_allclose(out["ly"], np.log(d["y"] + 1))
    np.testing.assert_allclose(out["ey"], np.exp(-d["y"] / 10))
    assert out["big"].tolist() == ((d["y"] >= 5) & (d["d"] != 1)).astype(int).tolist()
    assert out["between"].tolist() == ((d["t"] > 1) & (d["t"] <= 2)).astype(int).tolist()


def test_lag_and_lead_follow_the_period_within_the_unit_and_respect_gaps() -> None:
    src = _panel().sample(frac=1.0, random_state=3)  # row order must not matter
    out = _tidy(
        {"keys": ["unit", "t"], "derive": {"l": "lag(y)", "f": "lead(y)", "l2": "lag(y, 2)"}}, {"p": src}
    )
    got = out.set_index(["unit", "t"])
    assert np.isnan(got.loc[(1, 1), "l"]) and got.loc[(1, 2), "l"] == 1.0 and got.loc[(1, 3), "l"] == 2.0
    assert np.isnan(got.loc[(2, 3), "l"])  # period 2 missing for unit 2: no lag
    assert np.isnan(got.loc[(2, 1), "f"])  # and no lead
    assert got.loc[(3, 2), "f"] == 7.0 and np.isnan(got.loc[(3, 3), "f"])
    assert got.loc[(1, 3), "l2"] == 1.0 and got.loc[(2, 3), "l2"] == 10.0
    assert got.loc[[(1, 1), (1, 2)], "l2"].isna().all()


def test_first_treated_is_the_first_period_with_a_one_and_zero_for_never() -> None:
    d = _panel().assign(d=[0, 1, 0, 0, 0, 0, 0, 1])  # unit 1 switches off again in period 3
    out = _tidy(
        {
            "keys": ["unit", "t"],
            "derive": {"g": "first_treated(d)", "since": "(g > 0) & (t >= g)"},
        },
        {"p": d},
    )
    assert out.groupby("unit")["g"].first().to_dict() == {1: 2, 2: 0, 3: 3}
    # "treated since" stays 1 after the switch-off
    assert out.loc[out.unit == 1, "since"].tolist() == [0, 1, 1]


def test_first_treated_rejects_values_other_than_0_1() -> None:
    with pytest.raises(DataError, match="0/1"):
        _tidy({"keys": ["unit", "t"], "derive": {"g": "first_treated(y)"}})


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('echo hi')",
        "y.__class__",
        "open('x')",
        "[c for c in y]",
        "y[0]",
        "lambda: 1",
        "log(x=y)",
        "pd.eval('1')",
        "y if d else 0",
        "y // 2",
    ],
)
def test_expressions_outside_the_whitelist_are_rejected(expr: str) -> None:
    with pytest.raises(SpecificationError, match="allowed"):
        _tidy({"keys": ["unit", "t"], "derive": {"bad": expr}})


def test_unknown_name_suggests_the_closest_column() -> None:
    with pytest.raises(SpecificationError, match=r"unknown name 'yy'.*did you mean 'y'"):
        _tidy({"keys": ["unit", "t"], "derive": {"ly": "log(yy)"}})


def test_derived_columns_may_use_earlier_ones_but_not_overwrite() -> None:
    out = _tidy({"keys": ["unit", "t"], "derive": {"a": "y * 2", "b": "a + 1"}})
    np.testing.assert_allclose(out["b"], _panel()["y"] * 2 + 1)
    with pytest.raises(SpecificationError, match="already a column"):
        _tidy({"keys": ["unit", "t"], "derive": {"y": "y * 2"}})


def test_log_of_zero_becomes_missing_and_is_logged() -> None:
    log = CleaningLog()
    out = _tidy({"keys": ["unit", "t"], "derive": {"ly": "log(y)"}}, log=log)
    assert int(out["ly"].isna().sum()) == 1  # y = 0 for unit 3, period 2
    entry = log.entries[-1]
    assert entry.changed == 1 and "log" in entry.reason and entry.reason_nb


def test_filter_drops_rows_and_logs_the_expression_in_both_languages() -> None:
    log = CleaningLog()
    out = _tidy(
        {"keys": ["unit", "t"], "derive": {"ly": "log(y)"}, "filter": ["notna(ly)", "t > 1"]}, log=log
    )
    assert len(out) == 4  # 8 rows, one log(0), three in period 1
    drops = [e for e in log.entries if e.dropped]
    assert [(e.dropped, e.rows_in) for e in drops] == [(1, 8), (3, 7)]
    assert "notna(ly)" in drops[0].reason and "notna(ly)" in drops[0].reason_nb
    assert drops[0].reason != drops[0].reason_nb
    assert sum(e.dropped for e in log.entries) == len(_panel()) - len(out)  # every drop is logged


def test_unknown_parameter_is_named_with_a_suggestion() -> None:
    with pytest.raises(SpecificationError, match="did you mean 'derive'"):
        _tidy({"keys": ["unit", "t"], "derived": {}})


def _write_csv(path: Path, text: str) -> pd.DataFrame:
    path.write_text(text, encoding="utf-8")
    return io.read_table(path)


def test_duplicate_keys_name_the_file_and_both_rows(tmp_path: Path) -> None:
    df = _write_csv(tmp_path / "panel.csv", "unit;t;y\n1;1;2,0\n1;2;3,0\n2;1;4,0\n1;2;5,0\n")
    with pytest.raises(DataError) as err:
        pipeline.tidy({"panel": df}, {"keys": ["unit", "t"]}, CleaningLog())
    msg = str(err.value)
    # header is row 1: the duplicates are the file's rows 3 and 5
    assert "panel.csv" in msg and "row 3 and row 5" in msg and "unit=1, t=2" in msg
    assert err.value.row == 5 and err.value.column == "unit, t"


def test_missing_key_value_is_a_data_error_naming_the_row(tmp_path: Path) -> None:
    df = _write_csv(tmp_path / "panel.csv", "unit;t;y\n1;1;2\n;2;3\n")
    with pytest.raises(DataError) as err:
        pipeline.tidy({"panel": df}, {"keys": ["unit", "t"]}, CleaningLog())
    assert err.value.row == 3 and err.value.column == "unit"


def _firms(**extra: list) -> pd.DataFrame:
    return pd.DataFrame({"firm": [1, 2, 3], "size": [10.0, 20.0, 30.0], **extra})


def test_unit_level_source_joins_many_to_one_on_the_keys_it_has() -> None:
    log = CleaningLog()
    panel = _panel().rename(columns={"unit": "firmanr"})
    firms = _firms().iloc[[0, 2]]  # no row for unit 2
    out = pipeline.tidy(
        {"firms": firms, "panel": panel},  # the spine is the source with every key, not the first
        {"keys": ["unit", "t"], "rename": {"panel": {"firmanr": "unit"}, "firms": {"firm": "unit"}}},
        log,
    )
    assert len(out) == len(panel)
    expect = panel["firmanr"].map({1: 10.0, 3: 30.0})
    np.testing.assert_array_equal(out["size"].to_numpy(), expect.to_numpy())  # panel is already sorted
    join = log.entries[-1]
    assert join.dropped == 0 and join.changed == 2  # unit 2's two rows had no match


def test_duplicate_in_a_joined_source_is_a_data_error_naming_that_source() -> None:
    firms = _firms(unit=[1, 1, 3]).drop(columns="firm")
    with pytest.raises(DataError, match=r"source 'firms'.*unit=1"):
        pipeline.tidy({"panel": _panel(), "firms": firms}, {"keys": ["unit", "t"]}, CleaningLog())


def test_one_to_one_join_and_clashing_columns() -> None:
    extra = _panel()[["unit", "t"]].assign(w=np.arange(8.0))
    out = pipeline.tidy({"p": _panel(), "e": extra}, {"keys": ["unit", "t"]}, CleaningLog())
    assert out["w"].tolist() == list(np.arange(8.0))
    with pytest.raises(SpecificationError, match=r"'y' is in both 'p' and 'e'"):
        pipeline.tidy({"p": _panel(), "e": extra.assign(y=1.0)}, {"keys": ["unit", "t"]}, CleaningLog())


def test_merge_validation_is_the_backstop_and_names_both_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Duplicates are caught before the merge; if one slipped through, pandas' check names the sources."""
    from fou_analysis.pipeline import tidy_recipe

    monkeypatch.setattr(tidy_recipe, "_check_keys", lambda df, keys, sid: None)
    firms = _firms(unit=[1, 1, 3]).drop(columns="firm")
    with pytest.raises(DataError, match=r"joining 'firms' to 'panel' on unit is not many-to-one"):
        pipeline.tidy({"panel": _panel(), "firms": firms}, {"keys": ["unit", "t"]}, CleaningLog())


def test_key_of_different_types_in_two_sources_is_a_data_error() -> None:
    firms = _firms(unit=["1", "2", "3"]).drop(columns="firm")
    with pytest.raises(DataError, match="number in one source and text"):
        pipeline.tidy({"panel": _panel(), "firms": firms}, {"keys": ["unit", "t"]}, CleaningLog())


def test_rename_of_a_column_no_source_has_suggests_one() -> None:
    with pytest.raises(SpecificationError, match="did you mean 'unit'"):
        _tidy({"keys": ["unit", "t"], "rename": {"unti": "u"}})


def test_division_by_zero_becomes_missing_and_is_counted() -> None:
    log = CleaningLog()
    d = _panel().assign(z=[0.0, 1.0, 2.0, 0.0, 1.0, 1.0, 1.0, 1.0])  # y / z: 1/0 and 10/0
    out = _tidy({"keys": ["unit", "t"], "derive": {"r": "y / z"}}, {"p": d}, log)
    assert int(out["r"].isna().sum()) == 2 and np.isfinite(out["r"].dropna()).all()
    assert log.entries[-1].changed == 2


def test_huge_constants_are_refused_rather_than_computed() -> None:
    with pytest.raises(SpecificationError, match="too large"):
        _tidy({"keys": ["unit", "t"], "derive": {"x": "10 ** 10 ** 10"}})
