"""read_table: format detection on every fixture, and plain CSV/XLSX sniffing."""

from __future__ import annotations

import codecs

import openpyxl
import pandas as pd
import pytest
from io_fixture_paths import FORMATS, NETTSKJEMA_CSV, SSB, SX

from fou_analysis import DataError, SpecificationError, io


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (NETTSKJEMA_CSV, "nettskjema"),
        (FORMATS / "nettskjema" / "legacy_2018_tab.txt", "nettskjema"),
        (SX / "ex_survey2_comma_ansi", "surveyxact"),
        (SX / "ex_survey2_tab_utf16", "surveyxact"),
        (SX / "ex_survey2.xlsx", "surveyxact-xlsx"),
        (SSB / "dataset_05300.json", "json-stat"),
        (SSB / "kostra_label_style.csv", "ssb-csv"),
        (SSB / "region_code_style.csv", "ssb-csv"),
        (FORMATS / "spss" / "survey.dta", "spss"),
    ],
)
def test_detect_format(path, fmt):
    assert io.detect_format(path) == fmt


def test_read_table_passes_keywords():
    df = io.read_table(NETTSKJEMA_CSV, codebook=FORMATS / "nettskjema" / "elements-123823.json")
    assert df.attrs["fou"]["labels"]["radio"][-1] == "Very unhappy!"
    with pytest.raises(SpecificationError):
        io.read_table(SSB / "dataset_05300.json", codebook="x.json")


def test_semicolon_decimal_comma_cp1252_norwegian_dates(tmp_path):
    p = tmp_path / "register.csv"
    text = (
        "kommunenr;navn;dato;tidspunkt;beløp;antall;merknad\r\n"
        "0301;Oslo;01.06.2023;01.06.2023 08:50;1234,5;3;Første\r\n"
        "5006;Steinkjer;15.12.2023;02.01.2024 17:05;-12,25;;\r\n"
    )
    p.write_bytes(text.encode("cp1252"))
    df = io.read_table(p)
    assert df.attrs["fou"]["format"] == "csv"
    assert df.attrs["fou"]["encoding"] == "cp1252" and df.attrs["fou"]["delimiter"] == ";"
    assert df["kommunenr"].tolist() == ["0301", "5006"]  # leading zero kept
    assert df["navn"].iloc[1] == "Steinkjer"
    assert df["dato"].tolist() == [pd.Timestamp("2023-06-01"), pd.Timestamp("2023-12-15")]
    assert df["tidspunkt"].iloc[0] == pd.Timestamp("2023-06-01 08:50")
    assert df["beløp"].tolist() == [1234.5, -12.25]
    assert str(df["antall"].dtype) == "Int64" and df["antall"].isna().tolist() == [False, True]
    assert df["merknad"].iloc[0] == "Første"
    assert df.attrs["fou"]["row_map"] == [[0, 2, None]]


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [("utf-8", b"", ","), ("utf-8", codecs.BOM_UTF8, ";"), ("utf-16-le", codecs.BOM_UTF16_LE, "\t")],
)
def test_encodings_and_delimiters(tmp_path, encoding, bom, delimiter):
    p = tmp_path / "t.csv"
    rows = [["id", "sted", "verdi"], ["1", "Snåsa", "2.5"], ["2", "Røros", "3"]]
    p.write_bytes(bom + "\r\n".join(delimiter.join(r) for r in rows).encode(encoding))
    df = io.read_table(p)
    assert list(df.columns) == ["id", "sted", "verdi"]
    assert df["sted"].tolist() == ["Snåsa", "Røros"]
    assert df["verdi"].tolist() == [2.5, 3.0]
    assert df.attrs["fou"]["delimiter"] == delimiter


def test_mixed_date_column_stays_text(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id;dato\n1;01.06.2023\n2;ukjent\n", encoding="utf-8")
    df = io.read_table(p)
    assert df["dato"].tolist() == ["01.06.2023", "ukjent"]


def test_multiline_record_keeps_row_numbers(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('id;kommentar\n1;"to\nlinjer"\n2;ok\n3;x\n', encoding="utf-8")
    df = io.read_table(p)
    assert df["kommentar"].iloc[0] == "to\nlinjer"
    assert df.attrs["fou"]["row_map"] == [[0, 2, None], [1, 4, None]]


def test_plain_xlsx(tmp_path):
    p = tmp_path / "liste.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["kommunenr", "startdato", "deltakere", "andel"])
    ws.append(["5006", "01.06.2023", 12, 0.5])
    ws.append(["5007", "15.08.2023", 7, 0.25])
    wb.save(p)
    assert io.detect_format(p) == "xlsx"
    df = io.read_table(p)
    assert df["kommunenr"].tolist() == [5006, 5007]
    assert df["startdato"].iloc[1] == pd.Timestamp("2023-08-15")
    assert df["deltakere"].tolist() == [12, 7] and df["andel"].tolist() == [0.5, 0.25]
    assert df.attrs["fou"]["row_map"] == [[0, 2, "Ark1"]]
    with pytest.raises(SpecificationError):
        io.read_table(p, sheet="Nope")


def test_nonexistent_path_names_file(tmp_path):
    with pytest.raises(DataError, match="missing.csv"):
        io.read_table(tmp_path / "missing.csv")
