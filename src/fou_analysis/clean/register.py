"""Person-level register data: status spells, first treatment, balanced panels.

* :func:`status_spells` collapses a person-month table (one row per person and month, a status
  such as 1 = work, 2 = education, 3 = benefits, 4 = none) into spells: runs of *consecutive*
  months with the same status. A gap of one or more months ends a spell even when the status is
  the same on both sides (we do not know what happened in the gap).
* :func:`first_treated` gives each person's first treated period in the form the staggered
  difference-in-differences estimator expects (``0`` = never treated).
* :func:`balanced_panel` keeps only units observed in every period. It **drops** units with gaps
  rather than filling them: filling would invent observations, and the effect estimators that
  need a balanced panel should see only what was measured. The drop is logged with the units
  dropped as detail.

Periods may be ``YYYYMM`` integers (``201803``), datetimes or monthly ``Period`` values.
The scale path for register extracts too large for memory is
:func:`fou_analysis.clean.register_aggregate.aggregate_register`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fou_analysis.clean._common import ensure_log, file_row, log_name, require_columns, source_of
from fou_analysis.clean.log import CleaningLog
from fou_analysis.exceptions import DataError, SpecificationError


def month_index(values: pd.Series, *, column: str = "period", source: str = "") -> np.ndarray:
    """Months since year 0 (``year * 12 + month - 1``) for YYYYMM ints, datetimes or Periods."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return (values.dt.year * 12 + values.dt.month - 1).to_numpy(dtype="int64")
    if pd.api.types.is_datetime64_any_dtype(values):
        return (values.dt.year * 12 + values.dt.month - 1).to_numpy(dtype="int64")
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    month = num % 100
    bad = np.isnan(num) | (num % 1 != 0) | (month < 1) | (month > 12) | (num < 100_00)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"period {values.iloc[pos]!r} is not a month as YYYYMM (e.g. 201803), a date or a Period",
            file=source or None,
            row=pos + 2,
            column=column,
        )
    return ((num // 100) * 12 + month - 1).astype("int64")


def _check_unique(df: pd.DataFrame, keys: list[str], src: str) -> None:
    dup = df.duplicated(keys, keep="first").to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"{' + '.join(keys)} {tuple(df.iloc[pos][keys])} occurs more than once",
            file=src or None,
            row=file_row(df, pos),
            column=keys[-1],
        )


def status_spells(
    df: pd.DataFrame, *, person: str, period: str, status: str, source: str = ""
) -> pd.DataFrame:
    """Collapse person-months into spells of consecutive months with the same status.

    Parameters
    ----------
    df
        One row per person and month (not modified).
    person, period, status
        Column names.
    source
        File name for errors.

    Returns
    -------
    pandas.DataFrame
        Columns ``person, status, start, end, months`` (``start``/``end`` in the input's period
        format), sorted by person and start.

    Examples
    --------
    >>> df = pd.DataFrame({"id": [1, 1, 1, 1], "ym": [202001, 202002, 202003, 202005], "st": [1, 1, 2, 2]})
    >>> status_spells(df, person="id", period="ym", status="st").values.tolist()
    [[1, 1, 202001, 202002, 2], [1, 2, 202003, 202003, 1], [1, 2, 202005, 202005, 1]]
    """
    src = source_of(df, source)
    require_columns(df, [person, period, status], source=src)
    _check_unique(df, [person, period], src)
    mi = month_index(df[period], column=period, source=src)
    order = np.lexsort((mi, df[person].to_numpy()))
    p = df[person].to_numpy()[order]
    s = df[status].to_numpy()[order]
    m = mi[order]
    per = df[period].to_numpy()[order]
    if len(df) == 0:
        return pd.DataFrame(columns=[person, status, "start", "end", "months"])
    same_person = np.r_[False, p[1:] == p[:-1]]
    same_status = np.r_[False, pd.Series(s[1:]).eq(pd.Series(s[:-1])).to_numpy()]
    consecutive = np.r_[False, m[1:] == m[:-1] + 1]
    new_spell = ~(same_person & same_status & consecutive)
    spell_id = np.cumsum(new_spell) - 1
    starts = np.flatnonzero(new_spell)
    ends = np.r_[starts[1:] - 1, len(p) - 1]
    return pd.DataFrame(
        {
            person: p[starts],
            status: s[starts],
            "start": per[starts],
            "end": per[ends],
            "months": np.bincount(spell_id),
        }
    )


def first_treated(
    df: pd.DataFrame,
    *,
    person: str,
    period: str | None = None,
    treated_flag: str | None = None,
    start_col: str | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Each person's first treated period (``0`` = never treated).

    Give either ``period`` + ``treated_flag`` (a 0/1 or boolean column per person-period: the first
    period with a true flag) or ``start_col`` (a column holding the treatment start; the earliest
    non-missing value per person).

    Returns
    -------
    pandas.DataFrame
        Columns ``person, first_treated``, one row per person.

    Examples
    --------
    >>> df = pd.DataFrame({"id": [1, 1, 2, 2], "ym": [202001, 202002, 202001, 202002], "d": [0, 1, 0, 0]})
    >>> first_treated(df, person="id", period="ym", treated_flag="d")["first_treated"].tolist()
    [202002, 0]
    """
    src = source_of(df, source)
    if (treated_flag is None) == (start_col is None):
        raise SpecificationError(
            "give either treated_flag= (with period=) or start_col=, not both or neither"
        )
    require_columns(df, [person], source=src, argument="person")
    persons = pd.Index(pd.unique(df[person].to_numpy()), name=person)
    if treated_flag is not None:
        if period is None:
            raise SpecificationError("treated_flag= needs period=")
        require_columns(df, [period, treated_flag], source=src)
        flag = df[treated_flag]
        if flag.isna().any():
            pos = int(np.flatnonzero(flag.isna().to_numpy())[0])
            raise DataError(
                "missing treatment flag", file=src or None, row=file_row(df, pos), column=treated_flag
            )
        flag = flag.astype(bool)
        # YYYYMM integers, years, dates and Periods all sort in time order as they are.
        sub = pd.DataFrame({"p": df[person].to_numpy(), "per": df[period].to_numpy()})[flag.to_numpy()]
        first = sub.groupby("p", sort=False)["per"].min()
    else:
        require_columns(df, [start_col], source=src, argument="start_col")
        first = df.groupby(person, sort=False)[start_col].min()
    out = first.reindex(persons)
    if pd.api.types.is_numeric_dtype(out) or out.isna().all():
        out = out.fillna(0)
        if (out % 1 == 0).all():
            out = out.astype("int64")
    return pd.DataFrame({person: persons.to_numpy(), "first_treated": out.to_numpy()})


def balanced_panel(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    times: Sequence[object] | None = None,
    purpose: tuple[str, str] | None = None,
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Keep only the units observed in every period; drop the others (logged).

    Parameters
    ----------
    df
        Long panel, one row per unit and period (not modified).
    unit, time
        Column names.
    times
        The periods every unit must have (default: every period that occurs in ``df``).
    purpose
        ``(English, bokmål)`` reason why the analysis needs a balanced panel (e.g. "a balanced
        panel is needed for synthetic control"); the log's reason then says it.
    log, source
        Cleaning log and file name.

    Returns
    -------
    pandas.DataFrame
        Rows of the complete units (original order and index), restricted to ``times`` when given.

    Examples
    --------
    >>> df = pd.DataFrame({"k": ["a", "a", "b"], "t": [1, 2, 1], "y": [1.0, 2.0, 3.0]})
    >>> balanced_panel(df, unit="k", time="t")["k"].tolist()
    ['a', 'a']
    """
    src = source_of(df, source)
    require_columns(df, [unit, time], source=src)
    _check_unique(df, [unit, time], src)
    want = (
        pd.unique(df[time].to_numpy()) if times is None else pd.unique(np.asarray(list(times), dtype=object))
    )
    in_window = df[time].isin(want).to_numpy()
    per_unit = pd.Series(df[time].to_numpy()[in_window]).groupby(df[unit].to_numpy()[in_window]).nunique()
    complete = per_unit.index[per_unit.to_numpy() == len(want)]
    keep = in_window & df[unit].isin(complete).to_numpy()
    out = df.loc[keep]
    dropped_units = sorted(set(df[unit]) - set(complete), key=str)
    why = f": {purpose[0]}" if purpose else ""
    why_nb = f": {purpose[1]}" if purpose else ""
    ensure_log(log).add(
        log_name(src),
        "balanced panel",
        rows_in=len(df),
        rows_out=len(out),
        reason=(
            f"{len(dropped_units)} unit(s) not observed in all {len(want)} periods dropped"
            + ("; rows outside the requested periods dropped" if times is not None else "")
            + why
        ),
        step_nb="balansert panel",
        reason_nb=(
            f"{len(dropped_units)} enhet(er) som ikke er observert i alle {len(want)} periodene, fjernet"
            + ("; rader utenfor de valgte periodene fjernet" if times is not None else "")
            + why_nb
        ),
        detail=pd.DataFrame({unit: dropped_units}),
    )
    return out
