"""Unit checks of the hand-written pieces: delimiter sniffing, decoding, column typing, periods."""

from __future__ import annotations

import pandas as pd
import pytest

from fou_analysis import DataError
from fou_analysis.io import _convert as cv
from fou_analysis.io import _ssb
from fou_analysis.io._sniff import decode, sniff_delimiter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a;b;c\n1;2,5;3\n4;5,5;6\n", ";"),
        ("a,b,c\n1,2.5,3\n", ","),
        ("a\tb\n1\t2\n", "\t"),
        ('"x,y";"z"\n"1,2";"3"\n', ";"),
        ("h1,h2,h3\nq,w,e,\n", ","),  # SurveyXact trailing field
    ],
)
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


def test_decode_prefers_utf8_then_cp1252():
    assert decode("Bodø".encode(), "f.csv") == ("Bodø", "utf-8")
    assert decode("Bodø".encode("cp1252"), "f.csv") == ("Bodø", "cp1252")
    assert decode(b"\xff\xfe" + "Bodø".encode("utf-16-le"), "f.csv") == ("Bodø", "utf-16")
    with pytest.raises(DataError, match="f.csv"):
        decode(b"\x81\x81", "f.csv")


@pytest.mark.parametrize(
    ("cells", "dtype", "first"),
    [
        (["1", "-1", ""], "Int64", 1),
        (["0301", "5006"], "str", "0301"),
        (["1,5", "2"], "float64", 1.5),
        (["1.5", "2"], "float64", 1.5),
        (["01.06.2023", ""], "datetime64[ns]", pd.Timestamp("2023-06-01")),
        (["2023-06-01T20:57:15+02:00"], "tz", pd.Timestamp("2023-06-01T20:57:15+02:00")),
        (["31.02.2023"], "str", "31.02.2023"),  # impossible date stays text
        (["ja", "nei"], "str", "ja"),
    ],
)
def test_infer(cells, dtype, first):
    s = cv.infer(cells, decimal=None)
    if dtype == "datetime64[ns]":
        assert s.dtype.kind == "M"
    elif dtype == "tz":
        assert str(s.dt.tz) == "Europe/Oslo"
    else:
        assert str(s.dtype) == dtype
    assert s.iloc[0] == first


@pytest.mark.parametrize(
    ("code", "start"),
    [("2021", "2021-01-01"), ("2024K1", "2024-01-01"), ("2024K4", "2024-10-01"), ("2023M09", "2023-09-01"),
     ("2023H2", "2023-07-01"), ("2023U01", "2023-01-02")],
)  # fmt: skip
def test_period_start(code, start):
    assert _ssb.period_start(code) == pd.Timestamp(start)


def test_period_start_unknown_is_nat():
    assert pd.isna(_ssb.period_start("2023K5")) and pd.isna(_ssb.period_start("1.1."))
    assert pd.isna(_ssb.period_start("9999"))  # a code, not a year within datetime64[ns]


def test_region_codes():
    assert _ssb.split_region("K-5006") == ("5006", "K")
    assert _ssb.split_region("K-21-22") == ("21-22", "K")
    assert _ssb.split_region("5006") == ("5006", None)
    assert [_ssb.is_aggregate(c) for c in ("EAK", "EAKUO", "EKA50", "EKG10", "5006", "EKA5")] == [
        True, True, True, True, False, False,
    ]  # fmt: skip


def test_cell_with_line_break_is_not_a_number():
    assert not cv.is_int_column(["1", "2\n3"])
    assert str(cv.infer(["1", "2\n3"]).dtype) == "str"
    assert cv.is_int_column(["", "-1", "12"]) and not cv.is_int_column(["", ""])
