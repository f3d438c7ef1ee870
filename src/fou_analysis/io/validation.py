"""Validating a read table against a pandera schema, listing *every* problem at once.

:func:`problems` runs a :class:`pandera.DataFrameSchema` lazily (all checks, not the first
failure) and turns pandera's failure cases into :class:`Problem` records that name the file, the
row as a person counts lines (header = 1, via the row map the readers store in
``attrs["fou"]["row_map"]``), the column and the check. :func:`validate_frame` raises one
:class:`~fou_analysis.DataError` listing them all; ``fou validate CASE`` prints the list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.io._common import file_row

_MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    """One problem found in an input table.

    Attributes
    ----------
    file
        The file at fault (``None`` when unknown).
    row
        Row in the file as a person counts lines (header = 1), or ``None`` for table-level
        problems (a missing column) or when the frame has no row map.
    column
        The column at fault, or ``None``.
    message
        What is wrong: the failed check and the offending value.
    """

    file: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"file {self.file}"] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


def _schema_module() -> Any:
    try:
        import pandera.pandas as pa
    except ImportError:  # pandera < 0.24 keeps the pandas API at the top level
        import pandera as pa
    return pa


def problems(
    df: pd.DataFrame,
    schema: Any,
    *,
    file: str | os.PathLike[str] | None = None,
) -> list[Problem]:
    """Every way ``df`` fails ``schema``, as a list (empty when the frame is valid).

    Parameters
    ----------
    df
        Frame from a reader (its ``attrs["fou"]`` give the file and row map when present).
    schema
        A ``pandera.DataFrameSchema``.
    file
        File to name; default ``df.attrs["fou"]["source"]``.

    Returns
    -------
    list of Problem
        Sorted by row, then column.

    Raises
    ------
    SpecificationError
        ``schema`` is not a pandera DataFrameSchema, or the schema itself is invalid.
    """
    pa = _schema_module()
    if not isinstance(schema, pa.DataFrameSchema):
        raise SpecificationError(f"schema must be a pandera DataFrameSchema, got {type(schema).__name__}")
    meta = df.attrs.get("fou") or {}
    fname = str(file) if file is not None else meta.get("source")
    row_map = meta.get("row_map")
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _from_failures(exc.failure_cases, fname, row_map)
    except pa.errors.SchemaError as exc:  # raised even in lazy mode for some schema-level errors
        return [Problem(fname, None, None, str(exc).splitlines()[0])]
    except pa.errors.SchemaDefinitionError as exc:
        raise SpecificationError(f"invalid pandera schema: {exc}") from exc
    return []


def _from_failures(fc: pd.DataFrame, fname: str | None, row_map: Any) -> list[Problem]:
    out: list[Problem] = []
    for rec in fc.to_dict("records"):
        column = rec.get("column")
        check = str(rec.get("check"))
        case = rec.get("failure_case")
        index = rec.get("index")
        row, where = (None, None)
        if index is not None and not (isinstance(index, float) and pd.isna(index)):
            row, where = file_row(row_map, index)
        if column is None or (isinstance(column, float) and pd.isna(column)):
            column = None
            if check == "column_in_dataframe":
                column, msg = str(case), "required column is missing"
            else:
                msg = f"fails {check}: {case}"
        else:
            column = str(column)
            if check.startswith("dtype(") or check.startswith("dtype "):
                msg = f"wrong type: {check}, found {case}"
            elif check == "not_nullable":
                msg = "missing value where the schema requires one"
            else:
                msg = f"value {case!r} fails check {check}"
        if row is None and index is not None and not (isinstance(index, float) and pd.isna(index)):
            msg += f" (frame index {index})"
        if where:
            msg = f"sheet {where}: {msg}"
        out.append(Problem(fname, row, column, msg))
    out.sort(key=lambda p: (p.row is not None, p.row or 0, p.column or ""))
    return out


def validate_frame(
    df: pd.DataFrame,
    schema: Any,
    *,
    file: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Check ``df`` against ``schema``; return it unchanged or raise one error listing all problems.

    Parameters
    ----------
    df, schema, file
        As for :func:`problems`.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself when valid.

    Raises
    ------
    DataError
        Listing every problem (file, row, column, check); ``row``/``column`` are set on the
        error when there is exactly one problem.
    """
    found = problems(df, schema, file=file)
    if not found:
        return df
    meta = df.attrs.get("fou") or {}
    fname = str(file) if file is not None else meta.get("source")
    lines = [str(p) for p in found[:_MAX_LISTED]]
    if len(found) > _MAX_LISTED:
        lines.append(f"… and {len(found) - _MAX_LISTED} more")
    message = f"{len(found)} problem(s) found:\n  " + "\n  ".join(lines)
    if len(found) == 1:
        raise DataError(message, file=fname, row=found[0].row, column=found[0].column)
    raise DataError(message, file=fname)
