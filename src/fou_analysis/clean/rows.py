"""Keep the rows that pass a rule and log the rest, with the reason in English and bokmål.

The one primitive behind every recipe filter that is specific to a kind of data (a loan
returned before it was lent, a record without follow-up time, a cell SSB suppressed): the rule
is the caller's, the bookkeeping is here, so no filter can drop rows without a log entry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fou_analysis.clean._common import ensure_log, log_name, source_of
from fou_analysis.clean.log import CleaningLog
from fou_analysis.exceptions import SpecificationError


def keep_rows(
    df: pd.DataFrame,
    keep: pd.Series | np.ndarray | Sequence[bool],
    *,
    step: tuple[str, str],
    reason: tuple[str, str],
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Keep the rows where ``keep`` is true; log the others as dropped, with the reason.

    Parameters
    ----------
    df
        The table (not modified).
    keep
        One boolean per row (a Series is aligned by index, anything else by position).
    step, reason
        ``(English, bokmål)`` texts of the step and of why the dropped rows were dropped.
    log, source
        Cleaning log and file name (default ``attrs['fou']['source']``).

    Returns
    -------
    pandas.DataFrame
        The kept rows (original order and index).

    Examples
    --------
    >>> log = CleaningLog()
    >>> df = pd.DataFrame({"x": [1, -1, 2]})
    >>> keep_rows(df, df["x"] > 0, step=("drop negatives", "fjern negative"),
    ...           reason=("x below 0", "x under 0"), log=log)["x"].tolist()
    [1, 2]
    >>> log.to_frame("nb")[["step", "dropped"]].values.tolist()
    [['fjern negative', 1]]
    """
    if isinstance(keep, pd.Series):
        aligned = keep if keep.index.equals(df.index) else keep.reindex(df.index)
        mask = aligned.fillna(False).astype(bool).to_numpy()
    else:
        mask = np.asarray(keep, dtype=bool)
    if mask.shape != (len(df),):
        raise SpecificationError(f"keep has {mask.shape[0]} values, the data {len(df)} rows")
    out = df.loc[mask]
    ensure_log(log).add(
        log_name(source_of(df, source)),
        step[0],
        rows_in=len(df),
        rows_out=len(out),
        reason=reason[0],
        step_nb=step[1],
        reason_nb=reason[1],
    )
    return out
