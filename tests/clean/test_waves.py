"""Linking survey waves: paired frame, attrition table, completer/drop-out baseline test."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fou_analysis import DataError
from fou_analysis.clean import CleaningLog, link_waves


def test_attrition_and_paired_frame():
    pre = pd.DataFrame(
        {"pid": ["a", "b", "c", "d", "e"], "score": [10.0, 12, 8, 20, 22], "age": [16, 17, 18, 19, 20]}
    )
    post = pd.DataFrame({"pid": ["a", "b", "c", "x"], "score": [11.0, 13, 9, 5]})
    log = CleaningLog()
    lw = link_waves(pre, post, id_col="pid", log=log, source="waves")
    att = lw.attrition.set_index("measure")["n"]
    assert att.to_dict() == {
        "wave_1": 5,
        "wave_2": 4,
        "linked": 3,
        "lost_to_follow_up": 2,
        "new_at_follow_up": 1,
    }
    assert list(lw.paired.columns) == ["pid", "score_pre", "age_pre", "score_post"]
    assert lw.paired.set_index("pid").loc["b", "score_post"] == 13
    # baseline: completers (10, 12, 8) vs drop-outs (20, 22): Welch t-test as scipy computes it
    row = lw.baseline.set_index("term").loc["score"]
    ref = stats.ttest_ind([10, 12, 8], [20, 22], equal_var=False)
    assert row["estimate"] == pytest.approx(10 - 21)
    assert row["p_value"] == pytest.approx(ref.pvalue)
    assert row["statistic"] == pytest.approx(ref.statistic)
    assert [(e.rows_in, e.rows_out, e.dropped) for e in log.entries] == [(5, 3, 2), (4, 3, 1)]


def test_ids_matched_across_types_and_duplicates_refused():
    pre = pd.DataFrame({"pid": [1, 2], "s": [1.0, 2.0]})
    post = pd.DataFrame({"pid": ["1", "3"], "s": [1.5, 0.0]})
    assert link_waves(pre, post, id_col="pid").attrition["n"].tolist()[2] == 1
    dup = pd.DataFrame({"pid": [1, 1], "s": [1.0, np.nan]})
    with pytest.raises(DataError, match="detect_duplicates") as exc:
        link_waves(pre, dup, id_col="pid", source="post.csv")
    assert exc.value.row == 3


def test_unanswered_invitations_count_as_lost_to_follow_up():
    """An export with a row for every invited person: rows without any answer are not answers."""
    pre = pd.DataFrame({"pid": ["a", "b", "c", "d"], "score": [10.0, 12, np.nan, 8]})
    # b and d were invited at follow-up but never answered; x answered only the follow-up
    post = pd.DataFrame({"pid": ["a", "b", "c", "d", "x"], "score": [11.0, np.nan, 9, np.nan, 4]})
    log = CleaningLog()
    lw = link_waves(pre, post, id_col="pid", answered=["score"], log=log, source="s.csv")
    att = lw.attrition.set_index("measure")["n"].to_dict()
    assert att == {"wave_1": 3, "wave_2": 3, "linked": 1, "lost_to_follow_up": 2, "new_at_follow_up": 2}
    assert lw.paired["pid"].tolist() == ["a"]
    first, second = log.entries
    assert (first.rows_in, first.rows_out, first.dropped) == (4, 1, 3)
    assert first.reason.startswith("2 person(s)") and "1 row(s) without any answer at wave 1" in first.reason
    assert first.reason_nb.startswith("2 person(er)") and "frafall" in first.reason_nb
    assert (second.rows_in, second.rows_out, second.dropped) == (5, 1, 4)
    assert "2 follow-up row(s) without any answer" in second.reason
    # without `answered` every row is an answer, as before
    assert link_waves(pre, post, id_col="pid").attrition.set_index("measure")["n"]["lost_to_follow_up"] == 0
