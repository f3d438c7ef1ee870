"""Reader for SurveyXact (Rambøll) exports.

A SurveyXact export is three tables:

- **dataset**: one row per respondent, variables named by the survey author (``s_2``,
  ``s_4_1``, ``i_01``); blanks are the only explicit missing;
- **structure**: ``questionName, variableName, questionType, subType, questionText,
  choiceValue, choiceText`` — one row per variable; a multiple-choice question (``subType``
  ``Multiple``) is one 0/1 column per option and ``choiceValue`` maps the column to the option's
  original number (not always in column order);
- **labels** (no header): ``variableName, value, valueLabel``; codes are not contiguous and
  Likert items often label only their end points.

They arrive as a folder of three CSV files (``;``, ``,`` or tab; cp1252, UTF-8 or UTF-16LE with
BOM and CRLF; a trailing empty field on structure rows; labels sometimes fully quoted) or as one
``.xlsx`` with sheets ``Dataset`` (or ``Dataset(1)``, ``Dataset(2)``… for a split dataset, which
are concatenated), ``Structure`` and ``Labels``.

Result: codes as values (``Int64`` / ``int64``; ``Open``/``String`` variables stay text), and
in ``df.attrs["fou"]``: ``labels`` (code → label per column), ``variable_labels`` (column →
question text; ``question - option`` for multiple choice), ``checkbox`` (column →
(questionName, choiceValue)), ``question_types``. Label and question texts are trimmed
(SurveyXact pads them with blanks, and the xlsx with line breaks). The dataset may hold
variables the structure does not list (contact fields); a structure or labels row naming a
variable the dataset lacks is an error, as is a closed variable with a non-numeric value.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from fou_analysis.exceptions import DataError
from fou_analysis.io import _convert as cv
from fou_analysis.io import limits
from fou_analysis.io._common import RowMap, as_path, make_meta, read_bytes, sha256_bytes
from fou_analysis.io._sniff import Table, decode, parse_records, rectangular, sniff_delimiter
from fou_analysis.io._xlsx import read_workbook

STRUCTURE_COLUMNS = (
    "questionName",
    "variableName",
    "questionType",
    "subType",
    "questionText",
    "choiceValue",
    "choiceText",
)
_TABLES = ("dataset", "structure", "labels")
_SHEET_DATASET = re.compile(r"dataset(?:\s*\((\d+)\))?", re.IGNORECASE)


def find_tables(folder: Path) -> dict[str, Path]:
    """The dataset/structure/labels files of an export folder (matched by file stem)."""
    found: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.suffix.lower() not in (".csv", ".txt", ".tsv", ""):
            continue
        stem = p.stem.lower()
        for name in _TABLES:
            if stem == name or stem.startswith(name + "_") or stem.endswith("_" + name):
                found.setdefault(name, p)
    return found


@limits.guarded
def read_surveyxact(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a SurveyXact export: a folder with dataset/structure/labels, or the ``.xlsx``.

    Parameters
    ----------
    path
        The export folder or workbook.

    Returns
    -------
    pandas.DataFrame
        One row per respondent; metadata in ``df.attrs["fou"]``.

    Raises
    ------
    DataError
        Missing table, malformed table, or tables that do not agree.

    Examples
    --------
    >>> df = read_surveyxact("ex_survey2_semicolon_ansi")  # doctest: +SKIP
    >>> df.attrs["fou"]["labels"]["b_1"]  # doctest: +SKIP
    {1: 'Jente', 2: 'Gutt', 3: 'Annet/vil ikke svare'}
    """
    p = as_path(path)
    if not p.exists():
        raise DataError("file or folder does not exist", file=p)
    if p.is_dir():
        return _read_folder(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(p)
    raise DataError("expected a SurveyXact export folder or .xlsx workbook", file=p)


# ----------------------------------------------------------------------------- folder of CSVs


def _read_csv_table(path: Path, **kw: Any) -> tuple[Table, bytes, str, str]:
    data = read_bytes(path)
    text, encoding = decode(data, path)
    delimiter = sniff_delimiter(text)
    records = parse_records(text, path, delimiter)
    return rectangular(records, path, **kw), data, encoding, delimiter


def _read_folder(folder: Path) -> pd.DataFrame:
    tables = find_tables(folder)
    missing = [t for t in _TABLES if t not in tables]
    if missing:
        raise DataError(
            "not a complete SurveyXact export: missing the "
            + " and ".join(missing)
            + " table (expected dataset, structure and labels files)",
            file=folder,
        )
    dataset, d_bytes, d_enc, d_delim = _read_csv_table(tables["dataset"])
    structure, s_bytes, _, _ = _read_csv_table(tables["structure"], allow_trailing_empty=True)
    lab_bytes = read_bytes(tables["labels"])
    lab_text, _ = decode(lab_bytes, tables["labels"])
    lab_records = parse_records(lab_text, tables["labels"], sniff_delimiter(lab_text))
    labels_rows = list(zip(lab_records.lines, lab_records.rows, strict=True))
    rm = RowMap()
    for line in dataset.lines:
        rm.add(line)
    hashes = {
        name: sha256_bytes(b)
        for name, b in (("dataset", d_bytes), ("structure", s_bytes), ("labels", lab_bytes))
    }
    return _assemble(
        header=dataset.header,
        columns=[cv.clean_cells(dataset.column(j)) for j in range(len(dataset.header))],
        lines=dataset.lines,
        dataset_file=tables["dataset"],
        structure=[(line, row) for line, row in zip(structure.lines, structure.rows, strict=True)],
        structure_header=structure.header,
        structure_file=tables["structure"],
        labels=labels_rows,
        labels_file=tables["labels"],
        meta=make_meta(
            folder,
            None,
            "surveyxact",
            sha256=_combined(hashes),
            files={k: str(tables[k]) for k in _TABLES},
            file_sha256=hashes,
            encoding=d_enc,
            delimiter=d_delim,
            row_map=rm.to_list(),
        ),
    )


def _combined(hashes: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(hashes):
        h.update(f"{name}:{hashes[name]}\n".encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------- xlsx


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v).strip()


def _read_xlsx(path: Path) -> pd.DataFrame:
    data = read_bytes(path)
    sheets = read_workbook(path)
    names = {n.strip().lower(): n for n in sheets}
    ds_sheets = []
    for n in sheets:
        m = _SHEET_DATASET.fullmatch(n.strip())
        if m:
            ds_sheets.append((int(m.group(1) or 0), n))
    if not ds_sheets:
        raise DataError(
            f"no Dataset sheet in the workbook (sheets: {', '.join(sheets)}); not a SurveyXact export",
            file=path,
        )
    for need in ("structure", "labels"):
        if need not in names:
            raise DataError(f"no {need.capitalize()} sheet in the SurveyXact workbook", file=path)
    header: list[str] | None = None
    columns: list[list[str]] = []
    lines: list[int] = []
    rm = RowMap()
    for _, name in sorted(ds_sheets):
        rows = sheets[name]
        if not rows:
            continue
        head = [_cell_text(v) for v in rows[0]]
        while head and head[-1] == "":
            head.pop()
        if header is None:
            header = head
            _check_header(header, path, name)
            columns = [[] for _ in header]
        elif head != header:
            raise DataError(
                f"sheet {name!r} has a different header from the first Dataset sheet", file=path, row=1
            )
        for i, row in enumerate(rows[1:], start=2):
            cells = [_cell_text(v) for v in row]
            if not any(cells):
                continue
            if len(cells) > len(header) and any(cells[len(header) :]):
                raise DataError(f"sheet {name!r}: a value right of the last named column", file=path, row=i)
            cells = (cells + [""] * len(header))[: len(header)]
            for j, c in enumerate(cells):
                columns[j].append(c)
            lines.append(i)
            rm.add(i, name)
    if header is None or not lines:
        raise DataError("the Dataset sheet is empty", file=path)
    s_rows = sheets[names["structure"]]
    s_header = [_cell_text(v) for v in s_rows[0]] if s_rows else []
    while s_header and s_header[-1] == "":
        s_header.pop()
    structure = [
        (i, [_cell_text(v) for v in r][: len(s_header)] + [""] * max(0, len(s_header) - len(r)))
        for i, r in enumerate(s_rows[1:], start=2)
        if any(_cell_text(v) for v in r)
    ]
    labels = [
        (i, [_cell_text(v) for v in r])
        for i, r in enumerate(sheets[names["labels"]], start=1)
        if any(_cell_text(v) for v in r)
    ]
    labels = [(i, (r + ["", "", ""])[:3] if len(r) < 3 else r) for i, r in labels]
    return _assemble(
        header=header,
        columns=columns,
        lines=lines,
        dataset_file=f"{path} [sheet Dataset]",
        structure=structure,
        structure_header=s_header,
        structure_file=f"{path} [sheet Structure]",
        labels=labels,
        labels_file=f"{path} [sheet Labels]",
        meta=make_meta(path, data, "surveyxact-xlsx", sheets=list(sheets), row_map=rm.to_list()),
    )


def _check_header(header: list[str], path: Any, where: str) -> None:
    seen = set()
    for j, name in enumerate(header):
        if not name:
            raise DataError(f"sheet {where!r}: column {j + 1} has no name", file=path, row=1)
        if name in seen:
            raise DataError(f"sheet {where!r}: duplicate column name", file=path, row=1, column=name)
        seen.add(name)


# ----------------------------------------------------------------------------- assembling


def _assemble(
    *,
    header: list[str],
    columns: list[list[str]],
    lines: list[int],
    dataset_file: Any,
    structure: list[tuple[int, list[str]]],
    structure_header: list[str],
    structure_file: Any,
    labels: list[tuple[int, list[str]]],
    labels_file: Any,
    meta: dict[str, Any],
) -> pd.DataFrame:
    missing = [c for c in STRUCTURE_COLUMNS if c not in structure_header]
    if missing:
        raise DataError(
            f"the structure table lacks the column(s) {', '.join(missing)}", file=structure_file, row=1
        )
    pos = {c: structure_header.index(c) for c in STRUCTURE_COLUMNS}
    known = set(header)
    var_labels: dict[str, str] = {}
    checkbox: dict[str, tuple[str, int | str]] = {}
    qtypes: dict[str, str] = {}
    open_vars: set[str] = set()
    for line, row in structure:
        var = row[pos["variableName"]].strip()
        if not var:
            raise DataError("variableName is empty", file=structure_file, row=line, column="variableName")
        if var not in known:
            raise DataError(
                f"the structure names variable {var!r}, which the dataset does not have",
                file=structure_file,
                row=line,
                column="variableName",
            )
        qname = row[pos["questionName"]].strip()
        qtype, sub = row[pos["questionType"]].strip(), row[pos["subType"]].strip()
        qtext = " ".join(row[pos["questionText"]].split())
        choice, ctext = row[pos["choiceValue"]].strip(), " ".join(row[pos["choiceText"]].split())
        qtypes[var] = f"{qtype}/{sub}" if sub else qtype
        if qtype.lower() == "open" or sub.lower() in ("string", "text"):
            open_vars.add(var)
        if sub.lower() == "multiple":
            code: int | str = int(choice) if cv.is_int_column([choice]) else choice
            checkbox[var] = (qname, code)
            var_labels[var] = f"{qtext} - {ctext}" if ctext else qtext
        else:
            var_labels[var] = qtext
    index = pd.RangeIndex(len(lines))
    data: dict[str, pd.Series] = {}
    for name, cells in zip(header, columns, strict=True):
        if name in open_vars or (
            name not in qtypes and not cv.is_int_column(cells) and not cv.is_float_column(cells)
        ):
            data[name] = cv.to_text(cells, index)
            continue
        if cv.is_int_column(cells) or not any(cells):
            data[name] = (
                cv.to_int(cells, index) if any(cells) else pd.Series(pd.NA, index=index, dtype="Int64")
            )
        elif cv.is_float_column(cells):
            data[name] = cv.to_float(cells, ".", index)
        else:
            for cell, line in zip(cells, lines, strict=True):
                if cell and not cv.is_float_column([cell]):
                    raise DataError(
                        f"closed question holds the non-numeric value {cell!r}",
                        file=dataset_file,
                        row=line,
                        column=name,
                    )
    value_labels: dict[str, dict[Any, str]] = {}
    for line, row in labels:
        if len(row) < 3:
            raise DataError(
                f"expected 3 fields (variableName, value, valueLabel), found {len(row)}",
                file=labels_file,
                row=line,
            )
        var, value, label = row[0].strip(), row[1].strip(), " ".join(row[2].split())
        if line == labels[0][0] and (var, value) == ("variableName", "value"):
            continue  # tolerate a header row
        if var not in known:
            raise DataError(
                f"the labels table names variable {var!r}, which the dataset does not have",
                file=labels_file,
                row=line,
                column=1,
            )
        key: Any = int(value) if cv.is_int_column([value]) else value
        if not isinstance(key, int) and var not in open_vars:
            raise DataError(
                f"label code {value!r} is not a whole number", file=labels_file, row=line, column=2
            )
        value_labels.setdefault(var, {})[key] = label
    df = pd.DataFrame(data, index=index)
    meta.update(
        labels=value_labels,
        variable_labels=var_labels,
        checkbox=checkbox,
        question_types=qtypes,
    )
    df.attrs["fou"] = meta
    return df
