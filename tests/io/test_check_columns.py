"""check_columns(): a plan's column types parsed at read time; one bad cell is one problem.

The frames here come from the real CSV reader (``read_csv_plain`` on files written in the test), so
the row numbers are the ones a person sees in the file (header = row 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fou_analysis import DataError
from fou_analysis.config import ColumnCheck
from fou_analysis.io.plain import read_csv_plain
from fou_analysis.io.validation import check_columns, raise_problems


def _csv(tmp_path: Path, text: str) -> pd.DataFrame:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return read_csv_plain(path)


def _rows(n: int, value: str) -> str:
    return "".join(f"K{i:03d};{value}\n" for i in range(n))


def test_one_text_value_in_a_decimal_comma_column_is_one_problem(tmp_path: Path) -> None:
    # 160 decimal-comma weights and one "ca. 5" at file row 42: the reader keeps the column as text
    lines = [f"K{i:03d};{50 + i % 7},{i % 10}" for i in range(160)]
    lines.insert(40, "K999;ca. 5")
    df = _csv(tmp_path, "id;kg\n" + "\n".join(lines) + "\n")
    assert not pd.api.types.is_numeric_dtype(df["kg"])  # the issue: the whole column stayed text
    typed, found = check_columns(df, {"kg": ColumnCheck(type="float")})
    assert [(p.row, p.column) for p in found] == [(42, "kg")]
    assert "'ca. 5'" in found[0].message and "not a number" in found[0].message
    assert typed["kg"].dtype == "float64"
    assert typed["kg"].iloc[0] == pytest.approx(50.0) and typed["kg"].iloc[1] == pytest.approx(51.1)
    assert typed["kg"].isna().sum() == 1
    assert df["kg"].iloc[40] == "ca. 5"  # the frame read is not changed


def test_the_rest_of_a_column_with_a_bad_cell_is_still_checked_as_numbers(tmp_path: Path) -> None:
    df = _csv(tmp_path, "id;score\nA;4,5\nB;ca. 5\nC;31,5\nD;\nE;-1\n")
    rule = ColumnCheck(type="float", min=0, max=30, nullable=False)
    _, found = check_columns(df, {"score": rule})
    by_row = {p.row: p.message for p in found}
    assert set(by_row) == {3, 4, 5, 6}, found
    assert "'ca. 5' is not a number" in by_row[3]
    assert "31.5 is above the maximum 30" in by_row[4]
    assert "empty" in by_row[5]
    assert "-1 is below the minimum 0" in by_row[6]


def test_whole_numbers_dates_and_text(tmp_path: Path) -> None:
    df = _csv(
        tmp_path,
        "kommune;n;dato\n0301;12;01.06.2023\n5006;7,5;2023-06-02\n1103;x;31.02.2023\n",
    )
    rules = {
        "kommune": ColumnCheck(type="str"),
        "n": ColumnCheck(type="int"),
        "dato": ColumnCheck(type="date"),
    }
    typed, found = check_columns(df, rules)
    assert {(p.row, p.column) for p in found} == {(3, "n"), (4, "n"), (4, "dato")}, found
    assert typed["kommune"].tolist() == ["0301", "5006", "1103"]  # the leading zero kept
    assert typed["n"].iloc[0] == 12 and typed["n"].isna().sum() == 2
    assert typed["dato"].iloc[0] == pd.Timestamp("2023-06-01")
    assert typed["dato"].iloc[1] == pd.Timestamp("2023-06-02")
    assert pd.isna(typed["dato"].iloc[2])  # 31 February does not exist
    assert any("'31.02.2023' is not a date" in p.message for p in found)


def test_allowed_values_compare_numbers_as_numbers(tmp_path: Path) -> None:
    df = _csv(tmp_path, "id;status;kjonn\nA;1;K\nB;2;M\nC;5;Kv\n")
    rules = {"status": ColumnCheck(allowed=["1", "2"]), "kjonn": ColumnCheck(allowed=["K", "M"])}
    _, found = check_columns(df, rules)
    assert {(p.row, p.column) for p in found} == {(4, "status"), (4, "kjonn")}
    kjonn = next(p for p in found if p.column == "kjonn")
    assert "'Kv' is not an allowed value" in kjonn.message and "did you mean 'K'" in kjonn.message


def test_a_duplicated_composite_key_names_both_rows(tmp_path: Path) -> None:
    df = _csv(tmp_path, "kommune;aar;n\n5006;2020;1\n5006;2021;2\n5007;2020;3\n5006;2020;4\n")
    _, found = check_columns(df, {}, keys=[["kommune", "aar"]])
    assert len(found) == 1
    assert found[0].row == 2
    assert "(kommune, aar) = (5006, 2020)" in found[0].message
    assert "rows 2, 5" in found[0].message
    _, none = check_columns(df, {}, keys=[["kommune", "aar", "n"]])
    assert none == []


def test_single_column_unique_still_works(tmp_path: Path) -> None:
    df = _csv(tmp_path, "id;x\nA;1\nB;2\nA;3\n")
    _, found = check_columns(df, {"id": ColumnCheck(unique=True)})
    assert len(found) == 1 and "'A' appears in rows 2, 4" in found[0].message


def test_a_missing_column_suggests_the_closest(tmp_path: Path) -> None:
    df = _csv(tmp_path, "pseudonym;alder\nA;80\n")
    _, found = check_columns(df, {"aldr": ColumnCheck(type="int")}, keys=[["pseudonym", "dato"]])
    messages = {p.column: p.message for p in found}
    assert "required column is missing" in messages["aldr"] and "did you mean 'alder'" in messages["aldr"]
    assert "unique key" in messages["dato"]


def test_raise_problems_names_file_row_and_column_of_the_first(tmp_path: Path) -> None:
    df = _csv(tmp_path, _rows(3, "1").replace("K001;1", "K001;en"))
    df.columns = ["id", "n"]
    _, found = check_columns(df, {"n": ColumnCheck(type="int")})
    with pytest.raises(DataError) as e:
        raise_problems(found)
    assert (e.value.file, e.value.row, e.value.column) == (str(tmp_path / "data.csv"), 2, "n")
    raise_problems([])  # nothing to raise


def test_many_rows_with_one_bad_cell_stay_fast(tmp_path: Path) -> None:
    import time

    n = 60_000
    df = pd.DataFrame({"v": [f"{i % 97},5" for i in range(n)]})
    df.loc[n // 2, "v"] = "?"
    df.attrs["fou"] = {"source": "big.csv", "row_map": [[0, 2, None]]}
    t0 = time.perf_counter()
    _, found = check_columns(df, {"v": ColumnCheck(type="float", min=0, max=100, allowed=None)})
    elapsed = time.perf_counter() - t0
    assert [p.row for p in found] == [n // 2 + 2]
    assert elapsed < 5.0, elapsed  # vectorised: ~0.1 s on one core; generous for a shared machine


def test_a_wrongly_declared_type_does_not_bury_the_other_problems(tmp_path: Path) -> None:
    df = _csv(tmp_path, "navn;n\n" + "".join(f"P{i};{i}\n" for i in range(40)))
    _, found = check_columns(df, {"navn": ColumnCheck(type="int"), "n": ColumnCheck(max=30)})
    navn = [p for p in found if p.column == "navn"]
    assert len(navn) == 11  # ten cells one by one, then one line for the other 30
    assert [p.row for p in navn[:10]] == list(range(2, 12))
    assert "and 30 more cells that are not a whole number" in navn[-1].message
    assert "rows 12, 13, 14, 15, 16 …" in navn[-1].message
    n = [p for p in found if p.column == "n"]
    assert [p.row for p in n] == list(range(33, 42))  # 31..39 above the maximum: 9 cells, all listed
