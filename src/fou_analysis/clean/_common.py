"""Small helpers shared by the cleaning modules (column checks, source names, row numbers)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from fou_analysis.clean.log import CleaningLog
from fou_analysis.exceptions import SpecificationError


def source_of(df: pd.DataFrame, source: str = "") -> str:
    """The name used for ``df`` in errors and the log: ``source``, else ``attrs['fou']['source']``."""
    if source:
        return str(source)
    meta = df.attrs.get("fou") if isinstance(df.attrs, dict) else None
    if isinstance(meta, dict) and meta.get("source"):
        return str(meta["source"])
    return ""


def log_name(source: str) -> str:
    return source or "<data frame>"


def require_columns(
    df: pd.DataFrame, columns: Iterable[str], *, source: str = "", argument: str = ""
) -> None:
    """Raise :class:`SpecificationError` naming the first requested column that ``df`` lacks."""
    for col in columns:
        if col not in df.columns:
            where = f" in {source}" if source else ""
            arg = f" (argument {argument!r})" if argument else ""
            raise SpecificationError(
                f"column {col!r}{arg} not found{where}; available columns: {', '.join(map(str, df.columns))}"
            )


def file_row(df: pd.DataFrame, position: int) -> int:
    """Row number as a person counts lines in the file (header = row 1) for a 0-based position."""
    return int(position) + 2


def ensure_log(log: CleaningLog | None) -> CleaningLog:
    return CleaningLog() if log is None else log


def as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)
