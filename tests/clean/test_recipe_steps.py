"""The clean steps the preparation recipes call: test ids, missing codes, ranges, row filters.

Each test states its expected values by hand from a small frame; the recipes are checked on the
demo data in tests/test_pipeline.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fou_analysis import DataError, SpecificationError
from fou_analysis.clean import (
    CleaningLog,
    balanced_panel,
    drop_test_submissions,
    keep_rows,
    set_missing_codes,
    set_out_of_range_missing,
)


def test_test_ids_and_missing_identifiers_are_dropped_and_logged_in_both_languages() -> None:
    df = pd.DataFrame({"pid": ["TEST", "a", None, "123 456 789 01", "b"], "q": [1, 2, 3, 4, 5]})
    log = CleaningLog()
    out = drop_test_submissions(df, column="pid", ids=["TEST", 12345678901], drop_missing=True, log=log)
    # the number matches its spaced form (identifiers are normalised)
    assert out["q"].tolist() == [2, 5]
    (e,) = log.entries
    assert (e.rows_in, e.rows_out, e.dropped) == (5, 2, 3)
    assert "pid" in e.reason and "or missing" in e.reason
    assert e.step_nb == "fjern testsvar" and "eller mangler" in e.reason_nb
    kept_missing = drop_test_submissions(df, column="pid", ids=["TEST"])
    assert kept_missing["q"].tolist() == [2, 3, 4, 5]  # without drop_missing the empty id stays


def test_drop_test_submissions_wants_exactly_one_rule() -> None:
    df = pd.DataFrame({"pid": ["a"]})
    with pytest.raises(SpecificationError, match="one of"):
        drop_test_submissions(df, column="pid", ids=["a"], pattern="a")
    with pytest.raises(SpecificationError, match="ids= needs column="):
        drop_test_submissions(df, ids=["a"])


def test_missing_codes_per_column_count_the_cells_they_change() -> None:
    df = pd.DataFrame({"days": [1, -1, 3, -1], "spent": [9, 9, 2, 1], "other": [9, 9, 9, 9]})
    log = CleaningLog()
    out = set_missing_codes(df, {"days": [-1], "spent": [9]}, log=log)
    assert out["days"].isna().tolist() == [False, True, False, True]
    assert out["spent"].isna().tolist() == [True, True, False, False]
    assert out["other"].tolist() == [9, 9, 9, 9]  # a column not named is untouched
    assert df["days"].tolist() == [1, -1, 3, -1]  # input not modified
    assert [(e.step, e.changed) for e in log.entries] == [
        ("missing codes in days", 2),
        ("missing codes in spent", 2),
    ]
    assert log.entries[0].step_nb == "koder for manglende svar i days"


def test_range_check_sets_values_outside_the_bounds_missing_bounds_included() -> None:
    df = pd.DataFrame({"d": [0, 7, 8, -1, np.nan]})
    log = CleaningLog()
    out = set_out_of_range_missing(df, {"d": (0, 7)}, log=log)
    assert out["d"].tolist()[:2] == [0.0, 7.0]
    assert out["d"].isna().tolist() == [False, False, True, True, True]
    (e,) = log.entries
    assert e.changed == 2 and e.reason_nb == "utenfor 0–7 → manglende"


def test_range_check_refuses_a_cell_that_is_not_a_number() -> None:
    df = pd.DataFrame({"d": ["1", "sju"]})
    with pytest.raises(DataError) as err:
        set_out_of_range_missing(df, {"d": (0, 7)}, source="s.csv")
    assert "s.csv" in str(err.value) and "row 3" in str(err.value) and "'sju'" in str(err.value)


def test_keep_rows_logs_what_it_drops_with_both_texts() -> None:
    df = pd.DataFrame({"x": [3, -1, 2, -5]}, index=[10, 11, 12, 13])
    log = CleaningLog()
    out = keep_rows(
        df, df["x"] > 0, step=("drop negatives", "fjern negative"), reason=("x < 0", "x < 0"), log=log
    )
    assert out.index.tolist() == [10, 12]
    e = log.entries[0]
    assert (e.rows_in, e.rows_out, e.dropped, e.step_nb) == (4, 2, 2, "fjern negative")
    with pytest.raises(SpecificationError, match="3 values"):
        keep_rows(df, [True, False, True], step=("s", "s"), reason=("r", "r"))


def test_balanced_panel_says_why_in_both_languages() -> None:
    df = pd.DataFrame({"k": ["a", "a", "b"], "t": [1, 2, 1]})
    log = CleaningLog()
    balanced_panel(df, unit="k", time="t", purpose=("needed for X", "trengs for X"), log=log)
    e = log.entries[0]
    assert e.dropped == 1 and e.reason.endswith("needed for X") and e.reason_nb.endswith("trengs for X")
    assert e.step_nb == "balansert panel"
