"""Nettskjema readers: values and labels checked against the real API v3 sample (nettskjemar, MIT)."""

from __future__ import annotations

import pandas as pd
import pytest
from io_fixture_paths import FORMATS, NETTSKJEMA_CODEBOOK, NETTSKJEMA_CSV

from fou_analysis import SpecificationError, io


@pytest.fixture(scope="module")
def coded():
    return io.read_nettskjema(NETTSKJEMA_CSV, codebook=NETTSKJEMA_CODEBOOK)


def test_shape_and_meta_columns(coded):
    assert coded.shape == (3, 30)
    assert coded["$submission_id"].tolist() == [27685292, 27685302, 27685319]
    assert coded["$created"].iloc[0] == pd.Timestamp("2023-06-01T20:57:15+02:00")
    assert str(coded["$created"].dt.tz) == "Europe/Oslo"
    assert coded["$answer_time_ms"].tolist() == [74630, 71313, 70230]


def test_codes_stay_codes_including_negative(coded):
    assert coded["radio"].tolist() == [1, -1, -1]
    assert coded["radio"].dtype == "int64"
    assert coded["dropdown"].tolist() == [4, 9, 4]


def test_labels_from_codebook(coded):
    labels = coded.attrs["fou"]["labels"]
    assert labels["radio"] == {1: "Very happy!", -1: "Very unhappy!"}
    assert labels["dropdown"] == {4: "UiO", 9: "OsloMet"}
    assert labels["radio_matrix.lecture"] == {1: "yes", 2: "no", 3: "not applicable"}
    assert coded.attrs["fou"]["variable_labels"]["radio"] == "How happy are we with Nettskjema?"
    assert coded.attrs["fou"]["variable_labels"]["radio_matrix.grants"] == (
        "In the last month I have - written some grant applications"
    )


def test_checkbox_columns_are_01_ints(coded):
    assert coded["checkbox.events"].tolist() == [1, 0, 1]
    assert coded["checkbox.logs"].tolist() == [0, 1, 1]
    assert coded["checkbox_matrix.2.union"].tolist() == [0, 1, 1]
    assert coded["checkbox.events"].dtype == "int64"
    cb = coded.attrs["fou"]["checkbox"]
    assert cb["checkbox.events"] == ("checkbox", "events")
    assert cb["checkbox_matrix.1.IT"] == ("checkbox_matrix.1", "IT")
    assert len(cb) == 13
    assert coded.attrs["fou"]["matrix"]["radio_matrix.email"] == ("radio_matrix", "email")


def test_other_types(coded):
    assert coded["number_decimal"].tolist() == [4.5, 2.2, 10.0]
    assert coded["number_integer"].tolist() == [77, 45, 98]  # "77.0" with numberOfDecimals 0
    assert coded["slider"].tolist() == [3, 1, 9]
    assert coded["date"].iloc[1] == pd.Timestamp("2023-02-07")
    assert coded["datetime"].iloc[0] == pd.Timestamp("2023-06-12 13:33")
    assert coded["time"].tolist() == ["12:00", "14:45", "05:11"]
    assert coded["attachment_1"].iloc[0] == "sølvi.png"
    assert coded["freetext"].isna().tolist() == [False, False, True]


def test_apply_labels_returns_copy(coded):
    labelled = io.apply_labels(coded)
    assert labelled["radio"].tolist() == ["Very happy!", "Very unhappy!", "Very unhappy!"]
    assert labelled["radio_matrix.lecture"].tolist() == ["no", "not applicable", "yes"]
    assert coded["radio"].tolist() == [1, -1, -1]  # input untouched
    assert "radio" in labelled.attrs["fou"]["labelled"]
    only = io.apply_labels(coded, columns=["dropdown"])
    assert only["dropdown"].tolist() == ["UiO", "OsloMet", "UiO"]
    assert only["radio"].tolist() == [1, -1, -1]
    with pytest.raises(SpecificationError):
        io.apply_labels(coded, columns=["checkbox.events"])
    with pytest.raises(SpecificationError):
        io.apply_labels(coded, columns=["nope"])


def test_without_codebook_types_are_inferred():
    df = io.read_nettskjema(NETTSKJEMA_CSV)
    assert df["radio"].tolist() == [1, -1, -1]
    assert df["number_integer"].tolist() == [77.0, 45.0, 98.0]
    assert df["date"].dtype.kind == "M"
    assert df.attrs["fou"]["labels"] == {}
    assert df.attrs["fou"]["format"] == "nettskjema"


def test_legacy_tab_export():
    path = FORMATS / "nettskjema" / "legacy_2018_tab.txt"
    df = io.read_nettskjema(path)
    assert df.shape == (4, 7)
    assert df.attrs["fou"]["format"] == "nettskjema-legacy"
    assert df["NR"].tolist() == [1, 2, 3, 4]
    assert df["Opprettet"].iloc[0] == pd.Timestamp("2017-04-09 08:50")
    assert df["Kjønn"].iloc[2] == "Vil ikke svare"
    score = df["Hvor fornøyd er du med Utstyrsbua?"]
    assert str(score.dtype) == "Int64" and score.isna().tolist() == [False, False, False, True]
    with pytest.raises(SpecificationError):
        io.read_nettskjema(path, codebook=NETTSKJEMA_CODEBOOK)
