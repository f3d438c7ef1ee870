"""Reader for CSV tables downloaded from SSB's statbank and KOSTRA.

Two styles arrive:

- **label style** (older ready-made downloads): ``;``-separated, decimal comma, ISO-8859-1, an
  optional title line (``"05300: Avstand til …"``) and blank line before the header, label
  headers (``"region";"statistikkvariabel";"2022";"2023"``) and region cells that join code and
  name (``"5006 Steinkjer"``, ``"EKA50 Trøndelag"``);
- **code style**: ``,``-separated, decimal point, code headers
  (``"Region","ContentsCode","2022","2023"``) and bare codes (``5006``, ``K-5006``, ``EAK``).

Either may be *wide* (one column per period — recognised by headers that are period codes,
optionally after a text, as in ``"Personer 2023"``) or already *long* (a time column such as
``år``/``Tid`` and a value column). The result is long: the identifier columns, ``time`` (raw
period code) and ``period_start``, ``value`` (float) and ``status`` (the symbol ``..``, ``:``,
``.``, ``-`` found in place of a number, else missing). A region column gets its code split from
its label (``<column>_label``), ``region_aggregation`` (``K`` for ``K-`` codes) and
``is_aggregate`` for KOSTRA aggregates (EAK, EAKUO, EKAxx, EKGxx). A value cell that is neither a
number nor a known symbol raises :class:`~fou_analysis.DataError` with its row and column.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError
from fou_analysis.io import _ssb, limits
from fou_analysis.io._common import as_path, make_meta, read_bytes
from fou_analysis.io._sniff import decode, parse_records, rectangular, sniff_delimiter

_TIME_HEADER = re.compile(r"(?:(.*\S)\s+)?(\d{4}(?:[KMHU]\d{1,2})?)")
_TITLE = re.compile(r"\d{4,6}\s*:")
_REGION_LABEL = re.compile(r"(K-)?(\d{1,4}|\d{2}-\d{2}|Rest|EAKUO|EAK|EKA\d{2}|EKG\d{2})(?:\s+(.+))?")
_LONG_TIME = {"år", "tid", "time", "kvartal", "måned", "periode", "aar", "year"}
_LONG_VALUE = {"value", "verdi", "værdi", "values"}
_NUM_DOT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_NUM_COMMA = re.compile(r"[+-]?\d+(?:,\d+)?")


def _is_time_header(name: str) -> bool:
    m = _TIME_HEADER.fullmatch(name.strip())
    return bool(m) and _ssb.is_period(m.group(2))


def looks_like_ssb(header: list[str], first_line: str) -> bool:
    """Whether a parsed header (and the file's first line) look like an SSB download."""
    low = [h.strip().lower() for h in header]
    if _TITLE.match(first_line.strip().strip('"')):
        return True
    if "statistikkvariabel" in low or "contentscode" in low:
        return True
    has_region = any(h in _ssb.REGION_DIMENSIONS for h in low)
    return has_region and (any(_is_time_header(h) for h in header) or bool(set(low) & _LONG_TIME))


def _header_index(records: list[list[str]]) -> int:
    """Skip title lines (one field) before the header."""
    for i, rec in enumerate(records):
        if len([f for f in rec if f.strip()]) >= 2:
            return i
    return 0


@limits.guarded
def read_ssb_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an SSB/KOSTRA CSV download (either style) into a long frame.

    Parameters
    ----------
    path
        The ``.csv`` file.

    Returns
    -------
    pandas.DataFrame
        Identifier columns, ``time``, ``period_start``, ``value``, ``status`` (+ region columns).

    Raises
    ------
    DataError
        Malformed CSV, no period columns or value column, or a value cell that is not a number
        or a known SSB symbol.

    Examples
    --------
    >>> df = read_ssb_csv("kostra_label_style.csv")  # doctest: +SKIP
    >>> df.loc[df.status.notna(), ["region", "time", "status"]].head(1)  # doctest: +SKIP
    """
    p = as_path(path)
    data = read_bytes(p)
    text, encoding = decode(data, p)
    delimiter = sniff_delimiter(text, (";", ",", "\t"))
    records = parse_records(text, p, delimiter)
    h = _header_index(records.rows)
    notes = [r[0] for r in records.rows[:h]]
    # footnotes after the table: one-field rows at the end
    while (
        len(records.rows) > h + 1
        and len([f for f in records.rows[-1] if f.strip()]) <= 1
        and len(records.rows[-1]) < len(records.rows[h])
    ):
        notes.append(records.rows.pop()[0])
        records.lines.pop()
    table = rectangular(records, p, header_index=h)
    header = table.header
    time_cols = [j for j, name in enumerate(header) if _is_time_header(name)]
    decimal = "," if delimiter != "," else "."
    long_rows: list[dict[str, Any]] = []
    if time_cols:
        id_cols = [j for j in range(len(header)) if j not in time_cols]
        prefixes = {j: _TIME_HEADER.fullmatch(header[j].strip()).group(1) for j in time_cols}  # type: ignore[union-attr]
        contents_name = "statistikkvariabel" if decimal == "," else "ContentsCode"
        use_prefix = any(prefixes.values()) and contents_name not in header
        for row, line in zip(table.rows, table.lines, strict=True):
            ids = {header[j]: row[j].strip() for j in id_cols}
            for j in time_cols:
                rec = dict(ids)
                if use_prefix:
                    rec[contents_name] = prefixes[j] or ""
                rec["time"] = _TIME_HEADER.fullmatch(header[j].strip()).group(2)  # type: ignore[union-attr]
                rec["_cell"], rec["_line"], rec["_col"] = row[j], line, header[j]
                long_rows.append(rec)
    else:
        low = [h.strip().lower() for h in header]
        t = next((j for j, h in enumerate(low) if h in _LONG_TIME), None)
        v = next((j for j, h in enumerate(low) if h in _LONG_VALUE), None)
        if t is None or v is None:
            raise DataError(
                "no period columns (headers like 2023, 2024K1, 2023M09) and no time/value columns: "
                "not an SSB table download",
                file=p,
                row=table.header_line,
            )
        id_cols = [j for j in range(len(header)) if j not in (t, v)]
        for row, line in zip(table.rows, table.lines, strict=True):
            rec = {header[j]: row[j].strip() for j in id_cols}
            rec["time"] = row[t].strip()
            rec["_cell"], rec["_line"], rec["_col"] = row[v], line, header[v]
            long_rows.append(rec)
    values, status = _parse_values(long_rows, decimal, p)
    frame = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")} for r in long_rows])
    out: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for col in frame.columns:
        if col == "time":
            continue
        cells = frame[col].tolist()
        if col.strip().lower() in _ssb.REGION_DIMENSIONS or (
            any(str(c).startswith("K-") for c in cells) and _region_like(cells)
        ):
            codes, labels, agg = _split_region_cells(cells)
            out[col] = pd.Series(codes, dtype="str")
            if any(lab is not None for lab in labels):
                out[f"{col}_label"] = pd.Series(labels, dtype="str")
            extra["region_aggregation"] = pd.Series(agg, dtype="str")
            extra["is_aggregate"] = pd.Series([_ssb.is_aggregate(c) for c in codes], dtype=bool)
        else:
            out[col] = pd.Series([c if c else None for c in cells], dtype="str")
    out.update(extra)
    times = frame["time"].tolist()
    out["time"] = pd.Series(times, dtype="str")
    out["period_start"] = _ssb.period_starts(times)
    out["value"] = values
    out["status"] = pd.Series(status, dtype="str")
    df = pd.DataFrame(out, index=pd.RangeIndex(len(long_rows)))
    df.attrs["fou"] = make_meta(
        p,
        data,
        "ssb-csv",
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        style="label" if decimal == "," else "code",
        notes=notes,
        labels={},
        variable_labels={},
        # long rows come from wide cells, so a row map keyed by index does not apply
        row_map=None,
    )
    return df


def _region_like(cells: list[str]) -> bool:
    return all(_REGION_LABEL.fullmatch(str(c)) for c in cells if c)


def _split_region_cells(cells: list[str]) -> tuple[list[str], list[str | None], list[str | None]]:
    codes, labels, agg = [], [], []
    for cell in cells:
        m = _REGION_LABEL.fullmatch(cell)
        if m:
            codes.append(m.group(2))
            labels.append(m.group(3))
            agg.append("K" if m.group(1) else None)
        else:
            codes.append(cell)
            labels.append(None)
            agg.append(None)
    return codes, labels, agg


def _parse_values(rows: list[dict[str, Any]], decimal: str, p: Any) -> tuple[np.ndarray, list[str | None]]:
    values = np.full(len(rows), np.nan)
    status: list[str | None] = [None] * len(rows)
    pat = _NUM_COMMA if decimal == "," else _NUM_DOT
    for i, r in enumerate(rows):
        cell = r["_cell"].strip().replace("\u00a0", "").replace(" ", "")
        if not cell:
            continue
        if cell in _ssb.SYMBOLS:
            status[i] = cell
            continue
        if pat.fullmatch(cell):
            values[i] = float(cell.replace(",", ".")) if decimal == "," else float(cell)
            continue
        raise DataError(
            f"value {r['_cell']!r} is neither a number (decimal {decimal!r}) nor an SSB symbol "
            f"({' '.join(_ssb.SYMBOLS)})",
            file=p,
            row=r["_line"],
            column=r["_col"],
        )
    return values, status
