"""Test submissions and duplicate submissions are removed by rule, and logged."""

import numpy as np
import pandas as pd
import pytest

from fou_analysis import SpecificationError
from fou_analysis.clean import CleaningLog, detect_duplicates, drop_test_submissions


def _survey():
    return pd.DataFrame(
        {
            "pid": ["a", "a", "a", "b", "b", "c", None, None],
            "wave": [1, 1, 2, 1, 1, 1, 1, 1],
            "sent": pd.to_datetime(
                [
                    "2024-01-03",
                    "2024-01-01",
                    "2024-05-01",
                    "2024-01-02",
                    "2024-01-05",
                    "2024-01-02",
                    "2024-01-01",
                    "2024-01-01",
                ]
            ),
            "q1": [3, 4, 2, 5, 1, 2, 3, 3],
            "q2": [np.nan, 2, 2, 5, 1, 2, 3, 3],
        }
    )


def test_keep_last_complete_submission_per_person_and_wave():
    df = _survey()
    log = CleaningLog()
    out = detect_duplicates(df, id_cols=["pid", "wave"], time_col="sent", log=log, source="s.csv")
    # a/1: row 0 (latest) is incomplete, row 1 complete -> row 1 kept; b/1: both complete -> later row 4
    assert sorted(out.index.tolist()) == [1, 2, 4, 5, 6, 7]  # rows without pid never merged
    e = log.entries[0]
    assert (e.rows_in, e.rows_out, e.dropped) == (8, 6, 2)
    assert sorted(log.details[0]["position"].tolist()) == [0, 3]
    assert df.shape == (8, 5)  # input untouched


def test_keep_first_and_row_order_without_time():
    df = _survey()
    first = detect_duplicates(df, id_cols=["pid", "wave"], time_col="sent", keep="first")
    assert 3 in first.index and 4 not in first.index
    by_order = detect_duplicates(df, id_cols=["pid", "wave"])  # b/1: row 4 is later in file order
    assert 4 in by_order.index and 3 not in by_order.index


def test_detect_duplicates_validates_arguments():
    with pytest.raises(SpecificationError, match="pseudonym"):
        detect_duplicates(_survey(), id_cols=["pseudonym"])
    with pytest.raises(SpecificationError):
        detect_duplicates(_survey(), id_cols="pid", keep="middle")


def test_drop_test_submissions_by_pattern_and_mask():
    df = pd.DataFrame({"email": ["test@kommune.no", "ola@x.no", None, "TEST-svar"], "q": [1, 2, 3, 4]})
    log = CleaningLog()
    out = drop_test_submissions(df, column="email", pattern=r"^test", log=log, source="s.csv")
    assert out["q"].tolist() == [2, 3]
    assert log.entries[0].dropped == 2
    out2 = drop_test_submissions(df, mask=df["q"] > 3, log=log)
    assert out2["q"].tolist() == [1, 2, 3]
    with pytest.raises(SpecificationError):
        drop_test_submissions(df, mask=[True], log=log)
    with pytest.raises(SpecificationError):
        drop_test_submissions(df)
