"""Issue #9.6: hostile files are refused by caps checked before the memory is spent, exhaustion
becomes a DataError naming the file, and double-encoded UTF-8 is repaired or refused.

The big files are generated here in tmp_path (the committed corpus only holds small ones).
"""

from __future__ import annotations

import io as stdio
import json
import logging
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from io_fixture_paths import BAD, NETTSKJEMA_CSV

from fou_analysis import DataError, io
from fou_analysis.io import limits
from fou_analysis.io.plain import read_excel_plain

ROW = b"<row><c><v>1</v></c></row>"


def workbook_with_rows(path: Path, rows: int) -> Path:
    """A one-column workbook with ``rows`` data rows and no <dimension> (streamed, deflated)."""
    wb = openpyxl.Workbook()
    buf = stdio.BytesIO()
    wb.save(buf)
    chunk = ROW * 40_000
    with (
        zipfile.ZipFile(buf) as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item.filename, zin.read(item.filename))
                continue
            with zout.open(item.filename, "w", force_zip64=True) as fh:
                fh.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData><row><c t="inlineStr"><is><t>id</t></is></c></row>'
                )
                left = rows
                while left > 0:
                    n = min(left, 40_000)
                    fh.write(chunk if n == 40_000 else ROW * n)
                    left -= n
                fh.write(b"</sheetData></worksheet>")
    return path


# --------------------------------------------------------------------------- JSON-stat and JSON
def test_huge_cube_is_refused_before_allocating() -> None:
    path = BAD / "jsonstat_huge_cube.json"
    assert path.stat().st_size < 2_000  # 10^10 cells declared in a tiny file
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=r"10,000,000 .*MAX_JSONSTAT_CELLS") as e:
            io.read_jsonstat(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert e.value.file == str(path)
    assert peak < 5_000_000  # bytes: nothing the size of the cube was allocated (was 7.45 GiB)


def test_cube_cap_is_exact_and_survives_astronomical_sizes() -> None:
    assert limits.check_jsonstat_cells([limits.MAX_JSONSTAT_CELLS], "x.json") == limits.MAX_JSONSTAT_CELLS
    with pytest.raises(DataError):
        limits.check_jsonstat_cells([limits.MAX_JSONSTAT_CELLS + 1], "x.json")
    with pytest.raises(DataError):
        limits.check_jsonstat_cells([10**300] * 1000, "x.json")  # stops multiplying at the cap


def test_a_cube_at_a_normal_size_still_reads(tmp_path: Path) -> None:
    dims = {d: {"category": {"index": [f"{d}{i}" for i in range(n)]}} for d, n in (("a", 50), ("b", 40))}
    cube = {"class": "dataset", "id": ["a", "b"], "size": [50, 40], "dimension": dims, "value": {"7": 2.5}}
    path = tmp_path / "cube.json"
    path.write_text(json.dumps(cube), encoding="utf-8")
    df = io.read_jsonstat(path)
    assert len(df) == 2000 and df["value"].notna().sum() == 1 and df.loc[7, "value"] == 2.5


def test_deeply_nested_json_is_a_data_error() -> None:
    for call in (io.read_table, io.read_jsonstat):
        with pytest.raises(DataError, match="nested too deeply") as e:
            call(BAD / "deeply_nested.json")
        assert e.value.file == str(BAD / "deeply_nested.json")


def test_deeply_nested_codebook_is_a_data_error() -> None:
    with pytest.raises(DataError, match="nested too deeply") as e:
        io.read_nettskjema(NETTSKJEMA_CSV, codebook=BAD / "deeply_nested.json")
    assert e.value.file == str(BAD / "deeply_nested.json")


def test_memory_error_in_a_reader_is_a_data_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from fou_analysis.io import jsonstat

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(jsonstat, "_values", exhausted)
    path = tmp_path / "cube.json"
    cube = {
        "class": "dataset",
        "id": ["a"],
        "size": [1],
        "dimension": {"a": {"category": {"index": ["x"]}}},
        "value": [1],
    }
    path.write_text(json.dumps(cube), encoding="utf-8")
    with pytest.raises(DataError, match="too large to read into memory") as e:
        io.read_table(path)
    assert e.value.file == str(path)


# --------------------------------------------------------------------------- workbooks
def test_workbook_with_30_million_rows_is_refused_at_once(tmp_path: Path) -> None:
    path = workbook_with_rows(tmp_path / "big.xlsx", 30_000_000)
    assert path.stat().st_size < 8_000_000  # a few MB on disk, ~780 MB of XML inside
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="MAX_XLSX_UNCOMPRESSED") as e:
        io.read_table(path)
    assert time.perf_counter() - t0 < 5  # was 10 minutes and 2.8 GB
    assert e.value.file == str(path)


def test_declared_dimension_beyond_the_caps_is_refused() -> None:
    with pytest.raises(DataError, match=r"declares 30,000,000 rows"):
        read_excel_plain(BAD / "xlsx_declares_30m_rows.xlsx")


def test_rows_are_counted_while_streaming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # no <dimension> to trust: the count stops the read as soon as the cap is passed
    path = workbook_with_rows(tmp_path / "rows.xlsx", 5_000)
    assert len(read_excel_plain(path)) == 5_000  # under the caps it reads
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 1_000)
    with pytest.raises(DataError, match=r"more than 1,000 rows") as e:
        read_excel_plain(path)
    assert "damaged" not in str(e.value) and str(e.value).count(str(path)) == 1
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 1_048_576)
    monkeypatch.setattr(limits, "MAX_XLSX_CELLS", 2_000)
    with pytest.raises(DataError, match=r"more than 2,000 cells"):
        read_excel_plain(path)


def test_a_normal_workbook_still_reads(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["kommune", "antall"])
    wb.active.append(["5006", 12])
    wb.save(tmp_path / "ok.xlsx")
    df = io.read_table(tmp_path / "ok.xlsx")
    assert df["antall"].tolist() == [12]


# --------------------------------------------------------------------------- CSV
def test_a_wide_data_row_is_refused_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a;b\n1;2\n" + "1;" * 20_000 + "1\n", encoding="utf-8")
    with pytest.raises(DataError, match="MAX_COLUMNS") as e:
        io.read_table(path)
    assert e.value.row == 3


def test_wide_but_allowed_header_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    n = 2_000
    path.write_text(";".join(f"c{i}" for i in range(n)) + "\n" + ";".join("1" * n) + "\n", encoding="utf-8")
    assert io.read_table(path).shape == (1, n)


# --------------------------------------------------------------------------- double-encoded UTF-8
CORRECT = "navn;kommune;antall\nBjørn;Snåsa;3\nÆse Øvrebø;Ålesund;8\nÅge;Bærum;5\n"


def test_double_encoded_file_is_repaired_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(CORRECT, encoding="utf-8")
    bad.write_bytes(CORRECT.encode("utf-8").decode("cp1252").encode("utf-8"))  # what Excel does
    assert "BjÃ¸rn" in bad.read_text(encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="fou_analysis.io"):
        df = io.read_table(bad)
    pd.testing.assert_frame_equal(df, io.read_table(good), check_like=True)
    assert "repaired" in df.attrs["fou"]["encoding"]
    assert any("double-encoded" in r.getMessage() and str(bad) in r.getMessage() for r in caplog.records)


def test_mixed_double_encoding_is_refused_without_showing_the_value() -> None:
    with pytest.raises(DataError, match="double-encoded UTF-8") as e:
        io.read_table(BAD / "double_encoded_mixed.csv")
    assert e.value.row == 3
    assert "Bj" not in str(e.value)  # only the two-character pair, never the name


def test_correct_norwegian_text_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(CORRECT, encoding="utf-8")
    df = io.read_table(path)
    assert df["navn"].tolist()[0] == "Bjørn" and df.attrs["fou"]["encoding"] == "utf-8"
