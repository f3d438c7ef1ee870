"""SurveyXact readers on the real readSX sample (NIFU, MIT) in every variant it arrives in."""

from __future__ import annotations

import pandas as pd
import pytest
from io_fixture_paths import SX

from fou_analysis import io


def test_semicolon_shape_and_codes(sx_semicolon):
    df = sx_semicolon
    assert df.shape == (999, 242)
    assert df.attrs["fou"]["format"] == "surveyxact"
    assert df.attrs["fou"]["encoding"] == "cp1252"
    assert df["s_2"].isna().sum() == 575
    assert (df["s_2"] == 5).sum() == 291
    assert str(df["s_2"].dtype) == "Int64"  # single choice: blank for non-respondents
    assert df["v_1_3"].dtype == "int64"  # multiple choice: 0 for non-respondents
    assert int(df["v_1_3"].sum()) == 196
    assert df["a_p"].notna().sum() == 28 and str(df["a_p"].dtype) == "str"


def test_labels_variable_labels_and_choice_values(sx_semicolon):
    meta = sx_semicolon.attrs["fou"]
    s6 = meta["labels"]["s_6"]
    assert list(s6) == [5, 1, 3, 4, 7, 6, 8]  # codes not contiguous, order as exported
    assert s6[1] == "I løpet av ungdomsskolen"
    assert s6[7] == "På min skole har man ikke mulighet til å velge programområde"
    assert s6[6] == "Vet ikke"  # an ordinary code
    assert meta["labels"]["i_01"] == {1: "I liten grad", 2: "2", 3: "3", 4: "I stor grad"}
    assert meta["labels"]["b_1"] == {1: "Jente", 2: "Gutt", 3: "Annet/vil ikke svare"}
    assert meta["variable_labels"]["s_6"] == "Når bestemte du deg for programområdet du har valgt?"
    # s_11_5 is the column for original option 7 (choiceValue not in column order)
    assert meta["checkbox"]["s_11_5"] == ("s_11", 7)
    assert meta["variable_labels"]["s_11_5"].endswith(
        "Markedsføring og ledelse; Medie- og informasjonskunnskap"
    )
    assert len(meta["checkbox"]) == 34
    assert meta["question_types"]["a_p"] == "Open/String"
    assert meta["row_map"] == [[0, 2, None]]


def test_comma_variant_trailing_field_and_quoted_labels(sx_semicolon):
    df = io.read_surveyxact(SX / "ex_survey2_comma_ansi")
    assert df.shape == (999, 247)
    pd.testing.assert_frame_equal(df[sx_semicolon.columns], sx_semicolon)
    meta = df.attrs["fou"]
    assert meta["labels"]["s_6"] == sx_semicolon.attrs["fou"]["labels"]["s_6"]
    assert meta["labels"]["b_1_1"][54] == "Bodin videregående skole og maritime fagskole"
    assert meta["variable_labels"]["orgnr"] == "Kontaktopplysninger - orgnr"
    assert str(df["orgnr"].dtype) == "str"  # Open/String stays text
    assert (df["orgnr"] == "974621215").sum() == 183
    assert meta["delimiter"] == ","


def test_tab_utf16_variant_equals_semicolon(sx_semicolon):
    df = io.read_surveyxact(SX / "ex_survey2_tab_utf16")
    assert df.attrs["fou"]["encoding"] == "utf-16" and df.attrs["fou"]["delimiter"] == "\t"
    pd.testing.assert_frame_equal(df, sx_semicolon)
    for key in ("labels", "variable_labels", "checkbox", "question_types"):
        assert df.attrs["fou"][key] == sx_semicolon.attrs["fou"][key]


def test_xlsx_equals_semicolon_and_raw_untouched(sx_xlsx_read, sx_semicolon):
    df, before, after = sx_xlsx_read
    assert df.attrs["fou"]["format"] == "surveyxact-xlsx"
    pd.testing.assert_frame_equal(df, sx_semicolon)
    # trimmed texts agree although the workbook ends some with a line break
    for key in ("labels", "variable_labels", "checkbox"):
        assert df.attrs["fou"][key] == sx_semicolon.attrs["fou"][key]
    assert before == after


def test_split_dataset_sheets_are_concatenated(sx_semicolon):
    df = io.read_surveyxact(SX / "ex_survey2_split.xlsx")
    pd.testing.assert_frame_equal(df, sx_semicolon.iloc[:40])
    assert df.attrs["fou"]["row_map"] == [[0, 2, "Dataset(1)"], [25, 2, "Dataset(2)"]]


def test_apply_labels_on_surveyxact(sx_semicolon):
    labelled = io.apply_labels(sx_semicolon, columns=["b_1", "i_01"])
    assert labelled["b_1"].value_counts()["Jente"] == 205
    assert list(labelled["b_1"].cat.categories) == ["Jente", "Gutt", "Annet/vil ikke svare"]
    assert labelled["b_1"].isna().sum() == 658


def test_folder_hash_covers_three_files(sx_semicolon):
    meta = sx_semicolon.attrs["fou"]
    assert set(meta["file_sha256"]) == {"dataset", "structure", "labels"}
    assert meta["file_sha256"]["labels"] == io.sha256(SX / "ex_survey2_semicolon_ansi" / "labels.csv")
    assert len(meta["sha256"]) == 64


@pytest.mark.parametrize("name", ["ex_survey2_semicolon_ansi", "ex_survey2_split.xlsx"])
def test_read_table_dispatches_to_surveyxact(name):
    assert io.detect_format(SX / name).startswith("surveyxact")


def test_metadata_follows_columns_cheaply(sx_semicolon):
    col = sx_semicolon["b_1"]
    assert isinstance(col.attrs["fou"], dict)
    assert col.attrs["fou"]["labels"]["b_1"][2] == "Gutt"
    # deep copies share the (read-only) label maps instead of copying 235 of them per access
    assert col.attrs["fou"]["labels"] is sx_semicolon.attrs["fou"]["labels"]
