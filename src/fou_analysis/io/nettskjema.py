"""Reader for Nettskjema (University of Oslo) exports.

Two layouts are read:

- the **API v3 CSV report** (``GET /api/v3/form/{id}/csv-report``): ``;``-separated, UTF-8,
  every field double-quoted; columns ``$submission_id``, ``$created`` (ISO 8601 with offset),
  one column per question named by its *external id*, ``$answer_time_ms`` last. Radio,
  dropdown and matrix answers are option **codes** (arbitrary strings, may be negative); a
  checkbox question is one 0/1 column per option (``question.option``); a radio matrix is one
  column per row (``matrix.row``) and a checkbox matrix one per row and option
  (``matrix.row.option``).
- the **older tab-separated export** (around 2018) with Norwegian headers ``NR``, ``Opprettet``
  (``09.04.2017 08:50``), ``Svartid`` and one column per question.

Values stay codes (converted to numbers when every code in a column is an integer); the codebook
(``GET /api/v3/form/{id}/elements``, a JSON list of elements) adds ``labels`` (code → option
text per column), ``variable_labels`` (column → question text), ``checkbox`` (column →
(question id, option code)) and ``matrix`` (column → (question id, row id)) to
``df.attrs["fou"]``. :func:`~fou_analysis.io.apply_labels` swaps codes for labels.

With a codebook the reader is strict: a question column the codebook does not know, a code that
is not one of the question's options or a checkbox cell other than 0/1 raises
:class:`~fou_analysis.DataError` naming the file, row and column — a stale codebook must not
silently mislabel answers.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.io import _convert as cv
from fou_analysis.io import limits
from fou_analysis.io._common import RowMap, as_path, make_meta, read_bytes, sha256_bytes
from fou_analysis.io._sniff import Table, decode, parse_records, rectangular

META_COLUMNS = ("$submission_id", "$created", "$answer_time_ms")
LEGACY_COLUMNS = ("NR", "Opprettet", "Svartid")
_NON_QUESTIONS = {"HEADING", "TEXT", "IMAGE", "PAGE_BREAK"}


def looks_like_nettskjema(header: list[str]) -> str | None:
    """``"v3"`` / ``"legacy"`` when a header row is a Nettskjema export, else ``None``."""
    if header and header[0] == "$submission_id":
        return "v3"
    if len(header) >= 2 and header[0] == "NR" and "Opprettet" in header[:4]:
        return "legacy"
    return None


@dataclass
class _Spec:
    kind: str  # coded | checkbox | number | date | scale | text
    element_type: str
    question: str
    text: str
    options: dict[str, str] = field(default_factory=dict)
    checkbox: tuple[str, str] | None = None
    matrix: tuple[str, str] | None = None
    date_format: str | None = None
    decimals: int | None = None


@limits.guarded
def read_nettskjema(
    csv: str | os.PathLike[str], codebook: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Read a Nettskjema CSV report (or the older tab-separated export).

    Parameters
    ----------
    csv
        The exported file.
    codebook
        The form's elements JSON (``elements-<form id>.json``); optional for the v3 report.

    Returns
    -------
    pandas.DataFrame
        One row per submission, codes as values; metadata in ``df.attrs["fou"]``.

    Raises
    ------
    DataError
        Unreadable or malformed file, or a codebook that does not match the data.

    Examples
    --------
    >>> df = read_nettskjema("data-123823.txt", codebook="elements-123823.json")  # doctest: +SKIP
    >>> df.attrs["fou"]["labels"]["radio"]  # doctest: +SKIP
    {1: 'Very happy!', -1: 'Very unhappy!'}
    """
    path = as_path(csv)
    data = read_bytes(path)
    text, encoding = decode(data, path)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and first.count("\t") >= first.count(";") else ";"
    table = rectangular(parse_records(text, path, delimiter), path)
    kind = looks_like_nettskjema(table.header)
    if kind is None:
        raise DataError(
            "not a Nettskjema export: expected the first column '$submission_id' (CSV report) "
            "or 'NR' with 'Opprettet' (older tab-separated export)",
            file=path,
            row=1,
        )
    if kind == "legacy":
        if codebook is not None:
            raise SpecificationError(
                "a codebook applies to the v3 CSV report only; the older export names its "
                "columns by question text"
            )
        return _legacy(table, path, data, encoding)
    return _v3(table, path, data, encoding, codebook)


def _index(table: Table) -> pd.RangeIndex:
    return pd.RangeIndex(len(table.rows))


def _row_map(table: Table) -> list[list[Any]]:
    rm = RowMap()
    for line in table.lines:
        rm.add(line)
    return rm.to_list()


def _legacy(table: Table, path: Any, data: bytes, encoding: str) -> pd.DataFrame:
    index = _index(table)
    cols: dict[str, pd.Series] = {}
    for j, name in enumerate(table.header):
        cells = cv.clean_cells(table.column(j))
        if name == "NR":
            if not cv.is_int_column(cells):
                _first_bad(cells, cv.is_int_column, table, path, name, "a submission number")
            cols[name] = cv.to_int(cells, index)
        elif name == "Opprettet":
            parsed = cv.parse_dates(cells, index)
            if parsed is None:
                _first_bad(cells, lambda c: cv.parse_dates(c) is not None, table, path, name, "a date")
            cols[name] = parsed
        else:
            cols[name] = cv.infer(cells, decimal=None, index=index)
    df = pd.DataFrame(cols, index=index)
    df.attrs["fou"] = make_meta(
        path,
        data,
        "nettskjema-legacy",
        encoding=encoding,
        delimiter="\t",
        labels={},
        variable_labels={},
        checkbox={},
        row_map=_row_map(table),
    )
    return df


def _first_bad(cells: list[str], ok: Any, table: Table, path: Any, column: str, what: str) -> None:
    for cell, line in zip(cells, table.lines, strict=True):
        if cell and not ok([cell]):
            raise DataError(f"{cell!r} is not {what}", file=path, row=line, column=column)
    raise DataError(f"the column does not hold {what} in every row", file=path, column=column)


def load_codebook(codebook: str | os.PathLike[str]) -> tuple[dict[str, _Spec], str, Any]:
    """Parse an elements JSON into ``{column: spec}``; return also its hash and path."""
    cpath = as_path(codebook)
    raw = read_bytes(cpath)
    try:
        elements = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise DataError("the codebook JSON is nested too deeply to read", file=cpath) from None
    except UnicodeDecodeError as exc:
        raise DataError("the codebook is not UTF-8 JSON", file=cpath) from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"the codebook is not valid JSON: {exc.msg}", file=cpath, row=exc.lineno) from exc
    if isinstance(elements, dict) and isinstance(elements.get("elements"), list):
        elements = elements["elements"]
    if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
        raise DataError("not a Nettskjema elements codebook (expected a JSON list of elements)", file=cpath)
    if not any("elementType" in e for e in elements):
        raise DataError("not a Nettskjema elements codebook (no element has 'elementType')", file=cpath)
    specs: dict[str, _Spec] = {}
    for el in elements:
        _add_element(el, specs)
    return specs, sha256_bytes(raw), cpath


def _opt_code(opt: dict[str, Any]) -> str:
    code = opt.get("externalAnswerOptionId")
    if code in (None, ""):
        code = opt.get("sequence", opt.get("answerOptionId"))
    return str(code)


def _opt_text(opt: dict[str, Any]) -> str:
    return str(opt.get("text") or opt.get("textOrAltText") or "").strip()


def _add_element(el: dict[str, Any], specs: dict[str, _Spec]) -> None:
    etype = str(el.get("elementType") or "")
    qid = el.get("externalElementId")
    if etype in _NON_QUESTIONS or qid in (None, ""):
        return
    qid = str(qid)
    text = str(el.get("text") or "").strip()
    options = {_opt_code(o): _opt_text(o) for o in el.get("answerOptions") or [] if isinstance(o, dict)}
    rows = [r for r in el.get("subElements") or [] if isinstance(r, dict)]
    if etype in ("RADIO", "SELECT"):
        specs[qid] = _Spec("coded", etype, qid, text, options)
    elif etype == "CHECKBOX":
        for code, label in options.items():
            specs[f"{qid}.{code}"] = _Spec(
                "checkbox", etype, qid, f"{text} - {label}", {}, checkbox=(qid, code)
            )
    elif etype == "MATRIX_RADIO":
        for r in rows:
            rid, rtext = str(r.get("externalElementId")), str(r.get("text") or "").strip()
            specs[f"{qid}.{rid}"] = _Spec(
                "coded", etype, qid, f"{text} - {rtext}", options, matrix=(qid, rid)
            )
    elif etype == "MATRIX_CHECKBOX":
        for r in rows:
            rid, rtext = str(r.get("externalElementId")), str(r.get("text") or "").strip()
            for code, label in options.items():
                specs[f"{qid}.{rid}.{code}"] = _Spec(
                    "checkbox",
                    etype,
                    qid,
                    f"{text} - {rtext} - {label}",
                    {},
                    checkbox=(f"{qid}.{rid}", code),
                    matrix=(qid, rid),
                )
    elif etype == "NUMBER":
        specs[qid] = _Spec("number", etype, qid, text, decimals=el.get("numberOfDecimals"))
    elif etype == "LINEAR_SCALE":
        ends = {}
        for key, val in (("minimumValue", "minimumValueText"), ("maximumValue", "maximumValueText")):
            if el.get(key) is not None and el.get(val):
                ends[str(el[key])] = str(el[val]).strip()
        specs[qid] = _Spec("scale", etype, qid, text, ends)
    elif etype == "DATE":
        specs[qid] = _Spec("date", etype, qid, text, date_format=el.get("dateFormat"))
    else:
        specs[qid] = _Spec("text", etype, qid, text)


def _v3(table: Table, path: Any, data: bytes, encoding: str, codebook: Any) -> pd.DataFrame:
    index = _index(table)
    specs: dict[str, _Spec] | None = None
    extra: dict[str, Any] = {}
    if codebook is not None:
        specs, csha, cpath = load_codebook(codebook)
        extra = {"codebook": str(cpath), "codebook_sha256": csha}
    labels: dict[str, dict[Any, str]] = {}
    var_labels: dict[str, str] = {}
    checkbox: dict[str, tuple[str, str]] = {}
    matrix: dict[str, tuple[str, str]] = {}
    types: dict[str, str] = {}
    cols: dict[str, pd.Series] = {}
    for j, name in enumerate(table.header):
        cells = cv.clean_cells(table.column(j))
        if name in META_COLUMNS:
            cols[name] = _meta_column(name, cells, table, path, index)
            continue
        if specs is None:
            cols[name] = cv.infer(cells, decimal=".", index=index)
            continue
        spec = specs.get(name)
        if spec is None:
            raise DataError(
                f"column is not a question in the codebook {extra['codebook']} "
                "(codebook does not match this form)",
                file=path,
                row=table.header_line,
                column=name,
            )
        series, lab = _convert(spec, cells, table, path, name, index, extra["codebook"])
        cols[name] = series
        if lab:
            labels[name] = lab
        var_labels[name] = spec.text
        types[name] = spec.element_type
        if spec.checkbox:
            checkbox[name] = spec.checkbox
        if spec.matrix:
            matrix[name] = spec.matrix
    df = pd.DataFrame(cols, index=index)
    df.attrs["fou"] = make_meta(
        path,
        data,
        "nettskjema",
        encoding=encoding,
        delimiter=";",
        labels=labels,
        variable_labels=var_labels,
        checkbox=checkbox,
        matrix=matrix,
        element_types=types,
        row_map=_row_map(table),
        **extra,
    )
    return df


def _meta_column(name: str, cells: list[str], table: Table, path: Any, index: pd.Index) -> pd.Series:
    if name == "$created":
        parsed = cv.parse_dates(cells, index)
        if parsed is None:
            _first_bad(cells, lambda c: cv.parse_dates(c) is not None, table, path, name, "a timestamp")
        return parsed
    if not cv.is_int_column(cells):
        _first_bad(cells, cv.is_int_column, table, path, name, "a whole number")
    return cv.to_int(cells, index)


def _convert(
    spec: _Spec,
    cells: list[str],
    table: Table,
    path: Any,
    name: str,
    index: pd.Index,
    codebook_name: str = "",
) -> tuple[pd.Series, dict[Any, str]]:
    if spec.kind == "coded":
        for cell, line in zip(cells, table.lines, strict=True):
            if cell and cell not in spec.options:
                raise DataError(
                    f"code {cell!r} is not an option of question {spec.question!r} in the codebook "
                    f"{codebook_name} (options: {', '.join(spec.options)})",
                    file=path,
                    row=line,
                    column=name,
                )
        numeric = all(cv.is_int_column([c]) for c in spec.options) and bool(spec.options)
        if numeric:
            return cv.to_int(cells, index), {int(k): v for k, v in spec.options.items()}
        return cv.to_text(cells, index), dict(spec.options)
    if spec.kind == "checkbox":
        for cell, line in zip(cells, table.lines, strict=True):
            if cell not in ("0", "1", ""):
                raise DataError(
                    f"checkbox cell must be 0 or 1 (codebook {codebook_name}), found {cell!r}",
                    file=path,
                    row=line,
                    column=name,
                )
        return cv.to_int(cells, index), {}
    if spec.kind in ("number", "scale"):
        if not cv.is_float_column(cells, ".") and any(cells):
            _first_bad(cells, lambda c: cv.is_float_column(c, "."), table, path, name, "a number")
        if cv.is_int_column(cells):
            series = cv.to_int(cells, index)
        else:
            series = cv.to_float(cells, ".", index)
            whole = series.dropna()
            if spec.decimals == 0 and len(whole) and bool(np.all(whole == np.round(whole))):
                series = series.round().astype("Int64" if series.isna().any() else "int64")
        lab = {int(k): v for k, v in spec.options.items()} if spec.options else {}
        return series, lab
    if spec.kind == "date" and spec.date_format in ("DATE", "DATE_TIME") and any(cells):
        parsed = cv.parse_dates(cells, index)
        if parsed is None:
            _first_bad(cells, lambda c: cv.parse_dates(c) is not None, table, path, name, "a date")
        return parsed, {}
    return cv.to_text(cells, index), {}
