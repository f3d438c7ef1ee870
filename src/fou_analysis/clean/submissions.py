"""Survey submissions as they really arrive: test answers and duplicate submissions.

* :func:`drop_test_submissions` removes rows the team sent while testing the form (a mask, a
  regular expression matched against one column such as a comment or an e-mail field, or the
  test identifiers a plan lists).
* :func:`detect_duplicates` keeps one submission per respondent and wave. Web forms let people
  submit twice (a half-filled form, then the full one; a double click). Rule: among the
  submissions with the same identifiers, keep the *last complete* one — complete meaning no
  missing value in the answer columns; when none is complete, the one with the most answers;
  ties broken by time (``time_col``) or, without it, by row order. ``keep="first"`` keeps the
  first instead. Rows with a missing identifier are never treated as duplicates of each other.

Both write one cleaning-log entry (rows in, rows out, dropped, why) with the dropped row
positions attached as detail for the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from fou_analysis.clean._common import as_tuple, ensure_log, log_name, require_columns, source_of
from fou_analysis.clean.log import CleaningLog
from fou_analysis.exceptions import SpecificationError


def matches_ids(df: pd.DataFrame, column: str, ids: Sequence[Any] | None) -> pd.Series:
    """Rows whose ``column`` is one of the identifiers ``ids`` (e.g. a plan's ``test_ids``).

    When the column was pseudonymised as the file was read (listed in
    ``attrs["fou"]["pseudonymised"]``), ``ids`` are pseudonymised with the same key first; else
    both sides are normalised as identifiers, so ``12345678901`` matches ``"123 456 789 01"`` or
    ``12345678901.0``. Missing cells never match.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["123 456 789 01", "L-1", None]})
    >>> matches_ids(df, "id", [12345678901]).tolist()
    [True, False, False]
    """
    from fou_analysis import privacy

    ids = list(ids or [])
    if not ids:
        return pd.Series(False, index=df.index)
    meta = df.attrs.get("fou", {})
    if isinstance(meta, dict) and column in meta.get("pseudonymised", ()):
        wanted = {p for p in privacy.pseudonymise(ids, privacy.key_from_env()) if p is not None}
        return df[column].isin(wanted).fillna(False).astype(bool)
    wanted = {n for n in map(privacy.normalise_id, ids) if n is not None}
    return df[column].map(privacy.normalise_id).isin(wanted).astype(bool)


def drop_test_submissions(
    df: pd.DataFrame,
    *,
    mask: pd.Series | np.ndarray | Sequence[bool] | None = None,
    column: str | None = None,
    pattern: str | None = None,
    ids: Sequence[Any] | None = None,
    drop_missing: bool = False,
    case: bool = False,
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Drop test submissions: a boolean ``mask``, a regex ``pattern`` or test ``ids`` in ``column``.

    Parameters
    ----------
    df
        Survey table (not modified).
    mask
        True for rows to drop (aligned by position, or by index for a Series).
    column, pattern
        Alternatively: drop rows whose ``column`` matches the regular expression ``pattern``
        (e.g. ``column="kommentar", pattern=r"\\btest\\b"``); missing cells never match.
    ids
        Alternatively: drop rows whose ``column`` is one of these identifiers (e.g. a plan's
        ``test_ids``), matched as :func:`matches_ids` does (pseudonymised first when ``column``
        was pseudonymised as the file was read).
    drop_missing
        With ``ids``: also drop rows whose ``column`` is missing (a submission no one can be
        linked to).
    case
        Whether the pattern is case-sensitive (default: not).
    log, source
        Cleaning log and file name.

    Returns
    -------
    pandas.DataFrame
        The rows kept (original index kept).

    Examples
    --------
    >>> df = pd.DataFrame({"id": [1, 2, 3], "note": ["TEST", None, "ok"]})
    >>> drop_test_submissions(df, column="note", pattern="^test$")["id"].tolist()
    [2, 3]
    """
    src = source_of(df, source)
    if sum(x is not None for x in (mask, pattern, ids)) != 1:
        raise SpecificationError(
            "give one of mask=, column= with pattern=, or column= with ids= (not several, not none)"
        )
    if ids is not None:
        if column is None:
            raise SpecificationError("ids= needs column=")
        require_columns(df, [column], source=src, argument="column")
        hit = matches_ids(df, column, ids)
        if drop_missing:
            hit |= df[column].isna()
        drop = hit.to_numpy(dtype=bool)
        how = f"{column} is a listed test identifier" + (" or missing" if drop_missing else "")
        how_nb = f"{column} er en oppgitt testidentifikator" + (" eller mangler" if drop_missing else "")
    elif mask is not None:
        if isinstance(mask, pd.Series):
            drop = mask.reindex(df.index).fillna(False).astype(bool).to_numpy()
        else:
            drop = np.asarray(mask, dtype=bool)
            if drop.shape != (len(df),):
                raise SpecificationError(f"mask has {drop.shape[0]} values, the data {len(df)} rows")
        how, how_nb = "rows marked by the mask", "rader merket av masken"
    else:
        if column is None:
            raise SpecificationError("pattern= needs column=")
        require_columns(df, [column], source=src, argument="column")
        drop = (
            df[column]
            .astype("str")
            .str.contains(pattern, case=case, regex=True, na=False)
            .to_numpy(dtype=bool)
            & df[column].notna().to_numpy()
        )
        how = f"column {column!r} matches {pattern!r}"
        how_nb = f"kolonnen {column!r} passer med {pattern!r}"
    out = df.loc[~drop]
    ensure_log(log).add(
        log_name(src),
        "drop test submissions",
        rows_in=len(df),
        rows_out=len(out),
        reason=f"test submissions: {how}",
        step_nb="fjern testsvar",
        reason_nb=f"testsvar: {how_nb}",
        detail=pd.DataFrame({"position": np.flatnonzero(drop)}),
    )
    return out


def detect_duplicates(
    df: pd.DataFrame,
    *,
    id_cols: str | Sequence[str],
    time_col: str | None = None,
    keep: Literal["last", "first"] = "last",
    answer_cols: Sequence[str] | None = None,
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Keep one submission per respondent (and wave): the last complete one.

    Parameters
    ----------
    df
        Survey table (not modified).
    id_cols
        Columns that identify one respondent in one wave, e.g. ``["pseudonym", "wave"]``.
    time_col
        Submission time (orders the submissions); default: row order.
    keep
        ``"last"`` (default) or ``"first"`` complete submission.
    answer_cols
        Columns that must be filled for a submission to count as complete (default: every
        column except ``id_cols`` and ``time_col``).
    log, source
        Cleaning log and file name.

    Returns
    -------
    pandas.DataFrame
        The kept rows in their original order (original index kept).

    Examples
    --------
    >>> df = pd.DataFrame({"pid": ["a", "a", "b"], "q1": [3, None, 2], "q2": [4, 5, 1]})
    >>> detect_duplicates(df, id_cols="pid")["q1"].tolist()  # the complete 'a' wins
    [3.0, 2.0]
    """
    src = source_of(df, source)
    ids = as_tuple(id_cols)
    if not ids:
        raise SpecificationError("id_cols must name at least one column")
    if keep not in ("last", "first"):
        raise SpecificationError(f"keep must be 'last' or 'first', not {keep!r}")
    require_columns(df, ids, source=src, argument="id_cols")
    if time_col is not None:
        require_columns(df, [time_col], source=src, argument="time_col")
    if answer_cols is None:
        answer_cols = [c for c in df.columns if c not in ids and c != time_col]
    else:
        require_columns(df, answer_cols, source=src, argument="answer_cols")

    work = pd.DataFrame(
        {
            "_pos": np.arange(len(df)),
            "_answered": df[list(answer_cols)].notna().sum(axis=1).to_numpy() if answer_cols else 0,
        }
    )
    for i, c in enumerate(ids):
        work[f"_id{i}"] = df[c].to_numpy()
    id_keys = [f"_id{i}" for i in range(len(ids))]
    sort_keys = ["_answered"]
    if time_col is not None:
        work["_time"] = df[time_col].to_numpy()
        sort_keys.append("_time")
    sort_keys.append("_pos")
    has_id = df[list(ids)].notna().all(axis=1).to_numpy()
    ascending = keep == "last"
    # Most answers first priority; then time/order: "last" keeps the latest among equally complete.
    ordered = work[has_id].sort_values(sort_keys, ascending=[True] + [ascending] * (len(sort_keys) - 1))
    winners = ordered.drop_duplicates(id_keys, keep="last")["_pos"].to_numpy()
    kept = np.zeros(len(df), dtype=bool)
    kept[winners] = True
    kept |= ~has_id
    out = df.iloc[np.flatnonzero(kept)]
    n_groups = int(work.loc[has_id & ~kept, id_keys].drop_duplicates().shape[0])
    ensure_log(log).add(
        log_name(src),
        "duplicate submissions",
        rows_in=len(df),
        rows_out=len(out),
        reason=(
            f"same {' + '.join(ids)} submitted more than once ({n_groups} respondent(s)); kept the {keep} "
            "most complete submission"
        ),
        step_nb="doble innsendinger",
        reason_nb=(
            f"samme {' + '.join(ids)} sendt inn mer enn én gang ({n_groups} respondent(er)); beholdt den "
            f"{'siste' if keep == 'last' else 'første'} mest fullstendige"
        ),
        detail=pd.DataFrame({"position": np.flatnonzero(~kept)}),
    )
    return out
