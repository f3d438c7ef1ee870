"""Survey instruments: recoding labels, cleaning items, scoring (tests protect the scoring rules)."""

import numpy as np
import pandas as pd
import pytest

from fou_analysis import DataError, SpecificationError
from fou_analysis.clean import CleaningLog, Instrument, recode, score_instrument

PLAN = {
    "name": "trivsel",
    "items": ["q1", "q2", "q3", "q4"],
    "min": 1,
    "max": 5,
    "reverse": ["q4"],
    "missing_codes": [9, -1],
    "min_answered": 0.75,
    "score": "sum",
    "labels": {"nb": "Trivsel", "en": "Wellbeing"},
}


def test_instrument_from_plan_dict():
    inst = Instrument.model_validate(PLAN)
    assert inst.items == ("q1", "q2", "q3", "q4")
    assert inst.required_items() == 3  # ceil(0.75 * 4)
    assert inst.label("nb") == "Trivsel"


@pytest.mark.parametrize(
    "patch",
    [
        {"reverse": ["q9"]},
        {"min": 5, "max": 1},
        {"min_answered": 7},
        {"min_answered": 1.5},
        {"score": "median"},
        {"items": ["q1", "q1"]},
        {"unknown_field": 1},
    ],
)
def test_instrument_rejects_bad_plans(patch):
    with pytest.raises(ValueError):
        Instrument.model_validate({**PLAN, **patch})


def test_min_answered_int_is_a_count_float_is_a_share():
    assert Instrument.model_validate({**PLAN, "min_answered": 1}).required_items() == 1
    assert Instrument.model_validate({**PLAN, "min_answered": 1.0}).required_items() == 4
    assert Instrument.model_validate({**PLAN, "min_answered": None}).required_items() == 4


def test_recode_labels_case_and_space_insensitive():
    df = pd.DataFrame({"a": ["Helt enig", " helt uenig", None], "b": ["Vet ikke", "Helt enig", "Helt uenig"]})
    log = CleaningLog()
    out = recode(
        df, {"Helt uenig": 1, "Helt enig": 5, "Vet ikke": 9}, columns=["a", "b"], log=log, source="s.csv"
    )
    assert out["a"].tolist()[:2] == [5.0, 1.0] and np.isnan(out["a"].iloc[2])
    assert out["b"].tolist() == [9.0, 5.0, 1.0]
    assert df["a"].iloc[0] == "Helt enig"  # input untouched
    assert log.entries[0].changed == 5


def test_recode_unknown_label_names_file_row_column():
    df = pd.DataFrame({"a": ["Helt enig", "Kanskje"]})
    with pytest.raises(DataError) as exc:
        recode(df, {"Helt enig": 5}, columns=["a"], source="svar.csv")
    assert exc.value.row == 3 and exc.value.column == "a" and "svar.csv" in str(exc.value)
    assert "Kanskje" in str(exc.value)


def test_score_rules_hand_computed():
    df = pd.DataFrame(
        {
            "q1": [4, 5, 9, 1, 2],
            "q2": [4, 5, 3, -1, 7],  # 7 out of range
            "q3": [4, np.nan, 3, 9, 2],
            "q4": [2, 1, 3, 5, 2],  # reverse: 6 - x
        }
    )
    log = CleaningLog()
    out = score_instrument(df, PLAN, log=log, source="s.csv")
    # row 0: 4 + 4 + 4 + (6-2)=4 -> 16
    # row 1: 5, 5, NaN, 5 -> mean 5 * 4 = 20 (prorated, 3 of 4 answered)
    # row 2: 9 missing code -> 3, 3, 3 -> mean 3 * 4 = 12
    # row 3: 1, -1 missing, 9 missing, 1 -> only 2 answered < 3 -> NaN
    # row 4: 2, 7 out of range, 2, 4 -> mean 8/3 * 4
    expected = [16.0, 20.0, 12.0, np.nan, 8 / 3 * 4]
    np.testing.assert_allclose(out["trivsel"].to_numpy(), expected)
    # items keep the asked direction, codes cleaned
    assert out["q4"].tolist() == [2, 1, 3, 5, 2]
    assert np.isnan(out.loc[2, "q1"]) and np.isnan(out.loc[4, "q2"])
    steps = {e.step: e for e in log.entries}
    assert steps["trivsel: missing codes"].changed == 3
    assert steps["trivsel: out of range"].changed == 1
    assert steps["trivsel: score"].changed == 1
    assert "trivsel" not in df.columns


def test_score_mean():
    df = pd.DataFrame({"q1": [1, 2], "q2": [3, np.nan], "q3": [5, 4], "q4": [5, 5]})
    out = score_instrument(df, {**PLAN, "score": "mean"})
    np.testing.assert_allclose(out["trivsel"], [(1 + 3 + 5 + 1) / 4, (2 + 4 + 1) / 3])


def test_score_requires_numeric_and_existing_columns():
    df = pd.DataFrame({"q1": ["Helt enig"], "q2": [1], "q3": [1], "q4": [1]})
    with pytest.raises(DataError) as exc:
        score_instrument(df, PLAN)
    assert exc.value.column == "q1"
    with pytest.raises(SpecificationError, match="q4"):
        score_instrument(df.drop(columns="q4"), PLAN)
    with pytest.raises(SpecificationError):
        score_instrument(df.assign(trivsel=1), {**PLAN, "items": ["q2", "q3", "q4"], "reverse": []})


def test_a_cell_that_is_not_a_number_is_named_by_row_and_column() -> None:
    from fou_analysis.clean.survey import _numeric_items, set_out_of_range_missing
    from fou_analysis.exceptions import DataError

    df = pd.DataFrame({"d": [1, "x"]})
    with pytest.raises(DataError) as e:
        set_out_of_range_missing(df, {"d": (0, 7)}, source="s.csv")
    assert (e.value.row, e.value.column) == (3, "d")
    assert "value 'x' is not a number (range check 0–7)" in str(e.value)
    with pytest.raises(DataError) as e:
        _numeric_items(df, ("d",), "s.csv")
    assert (e.value.row, e.value.column) == (3, "d")
    assert "item value 'x' is not a number: recode labels to codes first" in str(e.value)
