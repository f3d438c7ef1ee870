"""Every malformed input in tests/fixtures/bad raises DataError naming the file (and row/column),
lets no library exception escape, and writes nothing."""

from __future__ import annotations

import builtins
import io as stdio
import os
from pathlib import Path

import pytest
from io_fixture_paths import BAD, NETTSKJEMA_CODEBOOK, NETTSKJEMA_CSV, snapshot

from fou_analysis import DataError, io

# name -> (call, file named in the message, row, column); None = not checked
CASES = {
    "ragged_row.csv": (lambda p: io.read_table(p), None, 4, "antall"),
    "short_row.csv": (lambda p: io.read_table(p), None, 3, "antall"),
    "invalid_bytes.csv": (lambda p: io.read_table(p), None, 3, None),
    "binary_junk.csv": (lambda p: io.read_table(p), None, None, None),
    "empty.csv": (lambda p: io.read_table(p), None, None, None),
    "header_only.csv": (lambda p: io.read_table(p), None, 1, None),
    "duplicate_columns.csv": (lambda p: io.read_table(p), None, 1, "score"),
    "nul_bytes.csv": (lambda p: io.read_table(p), None, 3, None),
    "unnamed_column.csv": (lambda p: io.read_table(p), None, 1, None),
    "unclosed_quote_eof.csv": (lambda p: io.read_table(p), None, 2, None),
    "utf16_truncated.csv": (lambda p: io.read_table(p), None, 2, None),
    "xlsx_renamed.csv": (lambda p: io.read_table(p), None, None, None),
    "nettskjema_unclosed_quote.txt": (lambda p: io.read_nettskjema(p), None, 3, None),
    "nettskjema_not_01_checkbox.txt": (
        lambda p: io.read_nettskjema(p, codebook=NETTSKJEMA_CODEBOOK),
        None,
        4,
        "checkbox.questionnaires",
    ),
    "codebook_mismatch.json": (
        lambda p: io.read_nettskjema(NETTSKJEMA_CSV, codebook=p),
        None,
        3,
        "radio",
    ),
    "codebook_other_form.json": (
        lambda p: io.read_nettskjema(NETTSKJEMA_CSV, codebook=p),
        None,
        1,
        "freetext",
    ),
    "not_json.json": (lambda p: io.read_table(p), None, 3, None),
    "not_jsonstat.json": (lambda p: io.read_table(p), None, None, None),
    "jsonstat_value_length.json": (lambda p: io.read_jsonstat(p), None, None, None),
    "jsonstat_missing_id.json": (lambda p: io.read_jsonstat(p), None, None, None),
    "jsonstat_missing_size.json": (lambda p: io.read_jsonstat(p), None, None, None),
    "jsonstat_status_out_of_range.json": (lambda p: io.read_jsonstat(p), None, None, None),
    "jsonstat_text_value.json": (lambda p: io.read_jsonstat(p), None, None, None),
    "ssb_bad_value.csv": (lambda p: io.read_table(p), None, 2, "2022"),
    "surveyxact_no_labels": (lambda p: io.read_table(p), None, None, None),
    "surveyxact_unknown_variable": (lambda p: io.read_surveyxact(p), "structure.csv", 5, "variableName"),
    "surveyxact_bad_labels": (lambda p: io.read_surveyxact(p), "labels.csv", 2, None),
    "not_surveyxact_dir": (lambda p: io.read_table(p), None, None, None),
    "no_dataset_sheet.xlsx": (lambda p: io.read_surveyxact(p), None, None, None),
    "corrupted.xlsx": (lambda p: io.read_table(p), None, None, None),
    "broken_sheet_xml.xlsx": (lambda p: io.read_table(p), None, None, None),
    "zip_not_workbook.xlsx": (lambda p: io.read_table(p), None, None, None),
    "truncated.sav": (lambda p: io.read_table(p), None, None, None),
    "crashes_readstat.sav": (lambda p: io.read_spss(p), None, None, None),
    "text_named.sav": (lambda p: io.read_spss(p), None, None, None),
    "truncated.dta": (lambda p: io.read_table(p), None, None, None),
    "does_not_exist.csv": (lambda p: io.read_table(p), None, None, None),
    # hostile files (issue #9.6): caps checked before allocating, exhaustion named
    "jsonstat_huge_cube.json": (lambda p: io.read_table(p), None, None, None),
    "deeply_nested.json": (lambda p: io.read_table(p), None, None, None),
    "too_many_columns.csv": (lambda p: io.read_table(p), None, 1, None),
    "double_encoded_mixed.csv": (lambda p: io.read_table(p), None, 3, None),
    "xlsx_declares_30m_rows.xlsx": (lambda p: io.read_table(p), None, None, None),
}


def test_corpus_is_complete():
    on_disk = {p.name for p in BAD.iterdir() if p.suffix not in (".py", ".md")}
    assert on_disk == set(CASES) - {"does_not_exist.csv"}
    assert len(CASES) >= 22


@pytest.fixture
def no_writes(monkeypatch):
    """Record any attempt to open a file for writing during the read."""
    attempts: list[str] = []
    real_open, real_io_open = builtins.open, stdio.open

    def guard(real):
        def wrapped(file, mode="r", *args, **kwargs):
            if isinstance(mode, str) and any(c in mode for c in "wax+"):
                attempts.append(f"{file} ({mode})")
            return real(file, mode, *args, **kwargs)

        return wrapped

    monkeypatch.setattr(builtins, "open", guard(real_open))
    monkeypatch.setattr(stdio, "open", guard(real_io_open))
    monkeypatch.setattr(os, "replace", lambda *a, **k: attempts.append(f"os.replace{a}"))
    return attempts


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_raises_data_error(name, no_writes):
    call, named, row, column = CASES[name]
    path = BAD / name
    before = snapshot(BAD)
    with pytest.raises(DataError) as ei:
        call(path)
    err = ei.value
    assert (named or name) in str(err), str(err)
    if row is not None:
        assert err.row == row, str(err)
        assert f"row {row}" in str(err)
    if column is not None:
        assert err.column == column, str(err)
    # wrapped, not leaked: a library error may only appear as the cause
    assert type(err) is DataError
    assert no_writes == []
    assert snapshot(BAD) == before


def test_cause_is_chained():
    with pytest.raises(DataError) as ei:
        io.read_table(BAD / "not_json.json")
    assert ei.value.__cause__ is not None and type(ei.value.__cause__).__name__ == "JSONDecodeError"


def test_error_is_a_value_error():
    with pytest.raises(ValueError):
        io.read_table(Path(BAD / "empty.csv"))
