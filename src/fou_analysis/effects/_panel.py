"""Long panel -> wide matrix, with the checks the synthetic-control family needs.

Shared by :mod:`synthetic_control` and :mod:`synthetic_did`: required columns exist, the
outcome is numeric and complete, each unit-period appears once, and the panel is balanced.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError


def require_columns(data: pd.DataFrame, columns: Sequence[str], *, role: str = "column") -> None:
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise SpecificationError(
            f"{role} {missing[0]!r} is not a column of the data (columns: {list(data.columns)})"
        )


def _row_of(data: pd.DataFrame, mask: np.ndarray) -> int:
    """1-based row as counted in a CSV with a header line (first offending row)."""
    return int(np.flatnonzero(mask)[0]) + 2


def numeric_column(data: pd.DataFrame, column: str) -> np.ndarray:
    """The column as float, DataError naming the first bad row."""
    s = data[column]
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        conv = pd.to_numeric(s, errors="coerce")
        bad = conv.isna().to_numpy() & s.notna().to_numpy()
        if bad.any():
            raise DataError(
                f"value {s.iloc[np.flatnonzero(bad)[0]]!r} is not a number",
                row=_row_of(data, bad),
                column=column,
            )
        s = conv
    x = s.to_numpy(dtype=float, na_value=np.nan)
    miss = ~np.isfinite(x)
    if miss.any():
        raise DataError("missing or non-finite value", row=_row_of(data, miss), column=column)
    return x


def wide_panel(
    data: pd.DataFrame, *, value: str, unit: str, time: str
) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Balanced long panel -> ``(Y, units, times)`` with ``Y[i, t]``; times sorted."""
    require_columns(data, [value, unit, time])
    y = numeric_column(data, value)
    for c in (unit, time):
        miss = data[c].isna().to_numpy()
        if miss.any():
            raise DataError("missing unit or time identifier", row=_row_of(data, miss), column=c)
    dup = data.duplicated([unit, time]).to_numpy()
    if dup.any():
        r = np.flatnonzero(dup)[0]
        raise DataError(
            f"unit {data[unit].iloc[r]!r} appears twice in period {data[time].iloc[r]!r}",
            row=r + 2,
            column=time,
        )
    units = pd.Index(pd.unique(data[unit]))
    times = pd.Index(np.sort(pd.unique(data[time])))
    if len(data) != len(units) * len(times):
        counts = data.groupby(unit, sort=False)[time].size()
        short = counts[counts < len(times)].index[0]
        have = set(data.loc[data[unit] == short, time])
        gap = next(t for t in times if t not in have)
        raise DataError(
            f"unbalanced panel: unit {short!r} has no row for period {gap!r} "
            f"({len(units)} units x {len(times)} periods expected, {len(data)} rows found)",
            column=time,
        )
    ui = units.get_indexer(data[unit])
    ti = times.get_indexer(data[time])
    Y = np.empty((len(units), len(times)))
    Y[ui, ti] = y
    return Y, units, times
