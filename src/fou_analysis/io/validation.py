"""Validating a read table against a pandera schema, listing *every* problem at once.

:func:`problems` runs a :class:`pandera.DataFrameSchema` lazily (all checks, not the first
failure) and turns pandera's failure cases into :class:`Problem` records that name the file, the
row as a person counts lines (header = 1, via the row map the readers store in
``attrs["fou"]["row_map"]``), the column and the check. :func:`validate_frame` raises one
:class:`~fou_analysis.DataError` listing them all.

:func:`check_columns` applies a case plan's column rules (``raw[].columns``, ``raw[].unique``):
it parses declared types cell by cell (decimal comma included), so that one bad cell is one
problem and the rest of the column is still checked as numbers. ``pipeline.read_raw`` calls it
for ``fou run`` and ``fou validate`` alike, so both see the same typed frame and the same problems.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
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


# --------------------------------------------------------------------------- plan column rules
#: What each declared type is called in problems.
_TYPE_NAMES = {
    "int": "a whole number",
    "float": "a number (decimal comma or point)",
    "date": "a date (dd.mm.yyyy or ISO 8601)",
}
_INT_TEXT = r"[+-]?\d+"
_FLOAT_TEXT = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"
_MAX_ROWS_NAMED = 5
#: Cells listed one by one per column and check; the rest are summed up in one problem.
_MAX_PER_CHECK = 10


class ColumnRule(Protocol):
    """What :func:`check_columns` reads from a rule (``fou_analysis.config.ColumnCheck``)."""

    type: str | None
    required: bool
    nullable: bool
    min: float | None
    max: float | None
    allowed: Sequence[Any] | None
    unique: bool


def check_columns(
    df: pd.DataFrame,
    columns: Mapping[str, ColumnRule],
    *,
    keys: Sequence[Sequence[str]] = (),
    file: str | os.PathLike[str] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse declared columns to their type and check them; return the typed frame and every problem.

    Each declared ``type`` is applied cell by cell: ``int`` (whole numbers), ``float`` (decimal
    comma or point, mixed in one column allowed), ``date`` (``dd.mm.yyyy`` with an optional time,
    or ISO 8601) and ``str``. A cell that does not parse is *one* problem naming its row and its
    value; it becomes missing and the rest of the column is still checked as numbers or dates.
    Per column and check the first 10 cells are listed one by one and the rest in one summary
    line (a wrongly declared type does not bury the other problems).
    Then, on the parsed values: ``nullable`` (empty cells), ``min``/``max`` (numbers; a rule with
    a range but no type is checked on the cells that are numbers), ``allowed`` (numbers compared
    as numbers, so ``1`` matches ``"1"``), ``unique`` and the composite ``keys`` (one problem per
    duplicated value, naming every row that holds it).

    Hand-written rather than a pandera schema with ``coerce=True`` because pandera's coercion
    fails the whole column at an unparseable cell (and then skips its range checks), cannot read
    a decimal comma, and reports each duplicated row as a separate failure; here the user gets
    one line per bad cell in the project's own words.

    Parameters
    ----------
    df
        Frame from a reader (``attrs["fou"]`` gives the file and the row map).
    columns
        ``{column: rule}``; rules as :class:`ColumnRule`.
    keys
        Column combinations that must be unique together, e.g. ``[["unit", "year"]]``.
    file
        File to name; default ``df.attrs["fou"]["source"]``.

    Returns
    -------
    (pandas.DataFrame, list of Problem)
        A copy of ``df`` with the typed columns replaced (attrs kept; ``df`` is not changed), and
        the problems sorted by row, then column.

    Examples
    --------
    >>> from types import SimpleNamespace as Rule
    >>> df = pd.DataFrame({"kg": ["4,5", "ca. 5", "70"]})
    >>> df.attrs["fou"] = {"source": "weights.csv", "row_map": [[0, 2, None]]}
    >>> rule = Rule(type="float", required=True, nullable=True, min=0, max=60, allowed=None, unique=False)
    >>> typed, found = check_columns(df, {"kg": rule})
    >>> typed["kg"].tolist()[0], [str(p) for p in found]  # doctest: +NORMALIZE_WHITESPACE
    (4.5, ["file weights.csv, row 3, column 'kg': 'ca. 5' is not a number (decimal comma or point)",
           "file weights.csv, row 4, column 'kg': 70 is above the maximum 60"])
    """
    meta = df.attrs.get("fou") or {}
    fname = str(file) if file is not None else meta.get("source")
    row_map = meta.get("row_map")
    out = df.copy()
    found: list[Problem] = []

    def where(label: Any) -> tuple[int | None, str]:
        """File row of a frame label, and a prefix/suffix for the message."""
        row, sheet = file_row(row_map, label)
        if row is None:
            return None, f" (frame index {label})"
        return row, f" (sheet {sheet})" if sheet else ""

    def add(cells: pd.Series, column: str, message: Callable[[Any], str], summary: str) -> None:
        """One problem per cell of ``cells`` (label → value), the first few; then one summary."""
        for lab, value in cells.iloc[:_MAX_PER_CHECK].items():
            row, note = where(lab)
            found.append(Problem(fname, row, column, message(value) + note))
        if len(cells) > _MAX_PER_CHECK:
            rest = [where(lab)[0] for lab in cells.index[_MAX_PER_CHECK:]]
            rows = [str(r) for r in rest if r is not None]
            listed = ", ".join(rows[:_MAX_ROWS_NAMED]) + (" …" if len(rows) > _MAX_ROWS_NAMED else "")
            found.append(
                Problem(
                    fname,
                    rest[0],
                    column,
                    f"and {len(cells) - _MAX_PER_CHECK} more cells {summary}"
                    + (f" (rows {listed})" if rows else ""),
                )
            )

    for name, rule in columns.items():
        if name not in df.columns:
            if rule.required:
                hint = difflib.get_close_matches(str(name), [str(c) for c in df.columns], n=1)
                found.append(
                    Problem(
                        fname,
                        None,
                        name,
                        "required column is missing"
                        + (f" (did you mean {hint[0]!r}?)" if hint else f"; columns: {_listing(df.columns)}"),
                    )
                )
            continue
        raw = df[name]
        empty = _is_empty(raw)
        parsed = _parse(raw, rule.type)
        bad = parsed.isna() & ~empty
        if bad.any():
            what = _TYPE_NAMES[str(rule.type)]
            add(raw[bad], name, lambda v, what=what: f"{_show(v)} is not {what}", f"that are not {what}")
        if rule.type is not None:
            out[name] = parsed
        if not rule.nullable and empty.any():
            add(
                raw[empty],
                name,
                lambda v: "empty cell; the plan says this column may not be empty",
                "that are empty",
            )
        if rule.min is not None or rule.max is not None:
            num = parsed if rule.type in ("int", "float") else _parse(raw, "float")
            if rule.type is None:
                not_num = num.isna() & ~empty
                add(
                    raw[not_num],
                    name,
                    lambda v: f"{_show(v)} is not a number (the plan gives a range)",
                    "that are not numbers",
                )
            if rule.min is not None:
                low = (num < rule.min).fillna(False)
                lo = _num(rule.min)
                add(num[low], name, lambda v, lo=lo: f"{_num(v)} is below the minimum {lo}", f"below {lo}")
            if rule.max is not None:
                high = (num > rule.max).fillna(False)
                hi = _num(rule.max)
                add(num[high], name, lambda v, hi=hi: f"{_num(v)} is above the maximum {hi}", f"above {hi}")
        if rule.allowed is not None:
            allowed = {_key(a) for a in rule.allowed}
            shown = parsed if rule.type is not None else raw
            keyed = shown.map(_key, na_action="ignore")
            off = keyed.notna() & ~keyed.isin(allowed)
            listing = ", ".join(_show(a) for a in rule.allowed)
            add(
                shown[off],
                name,
                lambda v, listing=listing, cand=rule.allowed: (
                    f"{_show(v)} is not an allowed value ({listing})" + _did_you_mean(v, cand)
                ),
                "with values that are not allowed",
            )
        if rule.unique:
            keys = [*keys, [name]]
    for key in keys:
        key = list(key)
        missing = [c for c in key if c not in out.columns]
        if missing:
            for c in missing:
                hint = difflib.get_close_matches(str(c), [str(x) for x in out.columns], n=1)
                found.append(
                    Problem(
                        fname,
                        None,
                        c,
                        f"column of the unique key ({', '.join(key)}) is missing"
                        + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                    )
                )
            continue
        sub = out[key]
        dup = sub.duplicated(keep=False) & sub.notna().all(axis=1)
        if not dup.any():
            continue
        for values, group in sub[dup].groupby(key, sort=False, dropna=True):
            values = values if isinstance(values, tuple) else (values,)
            named = [
                str(r) if r is not None else f"(frame index {lab})"
                for lab, (r, _) in ((lab, where(lab)) for lab in group.index)
            ]
            listed = ", ".join(named[:_MAX_ROWS_NAMED]) + (
                f" and {len(named) - _MAX_ROWS_NAMED} more" if len(named) > _MAX_ROWS_NAMED else ""
            )
            what = (
                f"({', '.join(key)}) = ({', '.join(_show(v) for v in values)})"
                if len(key) > 1
                else _show(values[0])
            )
            found.append(
                Problem(
                    fname,
                    where(group.index[0])[0],
                    ", ".join(key),
                    f"{what} appears in rows {listed}; the plan says it must be unique",
                )
            )
    found.sort(key=lambda p: (p.row is not None, p.row or 0, p.column or ""))
    return out, found


def raise_problems(found: Sequence[Problem], *, file: str | os.PathLike[str] | None = None) -> None:
    """Raise one :class:`DataError` listing ``found`` (nothing when empty).

    The error's ``row`` and ``column`` are those of the first problem, so a caller that only
    looks at them still reaches a real cell.
    """
    if not found:
        return
    lines = [str(p) for p in found[:_MAX_LISTED]]
    if len(found) > _MAX_LISTED:
        lines.append(f"… and {len(found) - _MAX_LISTED} more")
    first = found[0]
    message = first.message if len(found) == 1 else f"{len(found)} problem(s) found:\n  " + "\n  ".join(lines)
    raise DataError(message, file=first.file if file is None else file, row=first.row, column=first.column)


def _listing(names: Any, limit: int = 12) -> str:
    names = [str(n) for n in names]
    return ", ".join(names[:limit]) + (" …" if len(names) > limit else "")


def _did_you_mean(value: Any, candidates: Sequence[Any]) -> str:
    hint = difflib.get_close_matches(str(value), [str(c) for c in candidates], n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


def _is_empty(s: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(s) or s.dtype == object:
        return s.isna() | (s.astype("string").str.strip() == "").fillna(True)
    return s.isna()


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _num(value: Any) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _key(value: Any) -> Any:
    """A comparable form for ``allowed``: numbers as floats, text trimmed (``"1"`` matches ``1``)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = str(value).strip()
    if re.fullmatch(_FLOAT_TEXT, text):
        return float(text.replace(",", "."))
    return text


def _parse(s: pd.Series, kind: str | None) -> pd.Series:
    """``s`` as ``kind``: unparseable cells (and empty ones) become missing."""
    if kind is None:
        return s
    if kind == "str":
        if pd.api.types.is_string_dtype(s):
            return s
        txt = s.map(_show_plain, na_action="ignore")
        return txt.astype("str").where(s.notna(), None) if len(s) else txt
    if kind in ("int", "float"):
        if pd.api.types.is_bool_dtype(s):
            s = s.astype("Int64")
        if pd.api.types.is_numeric_dtype(s):
            num = s.astype("Float64").astype("float64")
        else:
            txt = s.astype("string").str.strip()
            pattern = _INT_TEXT if kind == "int" else _FLOAT_TEXT
            ok = txt.str.fullmatch(pattern).fillna(False).astype(bool)
            num = pd.to_numeric(txt.where(ok).str.replace(",", ".", regex=False), errors="coerce")
            num = pd.Series(num, index=s.index, dtype="float64")
        if kind == "int":
            whole = num.isna() | (num == np.floor(num))
            num = num.where(whole)
            return num.astype("Int64") if num.isna().any() else num.astype("int64")
        return num
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(s):
            return s
        txt = s.astype("string").str.strip().where(~_is_empty(s))
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        for fmt in ("%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "ISO8601"):
            todo = out.isna() & txt.notna()
            if not todo.any():
                break
            try:
                got = pd.to_datetime(txt[todo], format=fmt, errors="coerce")
            except (ValueError, TypeError):  # mixed time-zone offsets
                got = pd.to_datetime(txt[todo], format=fmt, errors="coerce", utc=True).dt.tz_localize(None)
            if getattr(got.dtype, "tz", None) is not None:
                got = got.dt.tz_convert("Europe/Oslo").dt.tz_localize(None)
            out.loc[todo] = got.astype("datetime64[ns]")
        return out
    raise SpecificationError(f"unknown column type {kind!r}; use int, float, str or date")


def _show_plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)
