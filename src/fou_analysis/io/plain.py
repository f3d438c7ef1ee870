"""Readers for plain tables: delimited text and Excel sheets (register extracts, own lists).

Delimited text: the encoding is found by trying decodes (BOM, UTF-8, cp1252; UTF-16 with BOM),
the delimiter (``;``, ``,``, tab) by :class:`csv.Sniffer` checked against field counts, and each
column is typed by :func:`fou_analysis.io._convert.infer`: whole numbers, decimals with point or
comma (a column converts when every cell uses one of them), ISO and Norwegian dates
(``01.06.2023``, ``01.06.2023 08:50``) when *every* non-empty cell is a date; identifiers with a
leading zero (``0301``) stay text. See :mod:`fou_analysis.io._sniff` for why the parsing is
hand-written on top of :mod:`csv` rather than left to ``pandas.read_csv``.

Excel: the first sheet (or ``sheet=``) with its first row as header; numeric cells stay numbers,
text cells are typed by the same rules (so ``"01.06.2023"`` typed as text becomes a date).
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.io import _convert as cv
from fou_analysis.io import limits
from fou_analysis.io._common import RowMap, as_path, make_meta, read_bytes
from fou_analysis.io._sniff import decode, parse_records, rectangular, sniff_delimiter
from fou_analysis.io._xlsx import read_workbook


@limits.guarded
def read_csv_plain(
    path: str | os.PathLike[str],
    *,
    delimiter: str | None = None,
    decimal: str | None = None,
    parse_dates: bool = True,
) -> pd.DataFrame:
    """Read a delimited text table with sniffed encoding, delimiter, decimals and dates.

    Parameters
    ----------
    path
        The file.
    delimiter
        Force ``";"``, ``","`` or ``"\\t"`` instead of sniffing.
    decimal
        Force ``"."`` or ``","``; ``None`` decides per column.
    parse_dates
        Turn all-date columns into ``datetime64``.

    Returns
    -------
    pandas.DataFrame
        Typed columns; ``attrs["fou"]`` records encoding, delimiter and the row map.
    """
    p = as_path(path)
    data = read_bytes(p)
    text, encoding = decode(data, p)
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    elif delimiter not in (";", ",", "\t", "|"):
        raise SpecificationError(f"delimiter must be ';', ',', tab or '|', got {delimiter!r}")
    if decimal not in (None, ".", ","):
        raise SpecificationError(f"decimal must be '.', ',' or None, got {decimal!r}")
    table = rectangular(parse_records(text, p, delimiter), p)
    index = pd.RangeIndex(len(table.rows))
    cols = {
        name: cv.infer(cv.clean_cells(table.column(j)), decimal=decimal, dates=parse_dates, index=index)
        for j, name in enumerate(table.header)
    }
    df = pd.DataFrame(cols, index=index)
    rm = RowMap()
    for line in table.lines:
        rm.add(line)
    df.attrs["fou"] = make_meta(
        p,
        data,
        "csv",
        encoding=encoding,
        delimiter=delimiter,
        labels={},
        variable_labels={},
        row_map=rm.to_list(),
    )
    return df


@limits.guarded
def read_excel_plain(
    path: str | os.PathLike[str], *, sheet: str | int = 0, parse_dates: bool = True
) -> pd.DataFrame:
    """Read one sheet of a workbook, first row as header.

    Parameters
    ----------
    path
        ``.xlsx``/``.xlsm`` file.
    sheet
        Sheet name or 0-based position.
    parse_dates
        Turn all-date text columns into ``datetime64``.
    """
    p = as_path(path)
    data = read_bytes(p)
    sheets = read_workbook(p)
    names = list(sheets)
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise SpecificationError(f"sheet {sheet} does not exist in {p} (it has {len(names)})")
        name = names[sheet]
    elif sheet in sheets:
        name = sheet
    else:
        raise SpecificationError(f"no sheet {sheet!r} in {p}; sheets: {', '.join(names)}")
    rows = sheets[name]
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    if not rows:
        raise DataError(f"sheet {name!r} is empty", file=p)
    header = [("" if v is None else str(v).strip()) for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    seen: set[str] = set()
    for j, h in enumerate(header):
        if not h:
            raise DataError(f"sheet {name!r}: column {j + 1} has no name", file=p, row=1)
        if h in seen:
            raise DataError(f"sheet {name!r}: duplicate column name", file=p, row=1, column=h)
        seen.add(h)
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
    if not body:
        raise DataError(f"sheet {name!r} has a header but no data rows", file=p, row=1)
    index = pd.RangeIndex(len(body))
    cols: dict[str, pd.Series] = {}
    for j, h in enumerate(header):
        vals = [r[j] if j < len(r) else None for _, r in body]
        cols[h] = _excel_column(vals, index, parse_dates)
    df = pd.DataFrame(cols, index=index)
    rm = RowMap()
    for i, _ in body:
        rm.add(i, name)
    df.attrs["fou"] = make_meta(
        p, data, "xlsx", sheet=name, labels={}, variable_labels={}, row_map=rm.to_list()
    )
    return df


def _excel_column(vals: list[Any], index: pd.Index, parse_dates: bool) -> pd.Series:
    present = [v for v in vals if v not in (None, "")]
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        if all(float(v).is_integer() for v in present):
            return cv.to_int([str(int(v)) if v not in (None, "") else "" for v in vals], index)
        return pd.Series([float(v) if v not in (None, "") else float("nan") for v in vals], index=index)
    if present and all(hasattr(v, "year") for v in present):
        return pd.Series(pd.to_datetime([v if v not in (None, "") else None for v in vals]), index=index)
    cells = cv.clean_cells(
        ["" if v is None else (str(v) if not isinstance(v, float) else repr(v)) for v in vals]
    )
    return cv.infer(cells, decimal=None, dates=parse_dates, index=index)
