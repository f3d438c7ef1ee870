"""Small-count suppression for a flow table: rows in → rows dropped → rows out, step by step.

A cleaning log (or a CONSORT-style flow) is not a cross-table: its figures are tied by
``rows_in = rows_out + dropped`` within a step and, along a chain of steps, by
``rows_in`` of a step = ``rows_out`` of the one before. Hiding a small drop is useless while both
row counts around it are printed, and those row counts come back from their neighbours. The
rules here are the one-way case of :mod:`fou_analysis.privacy.suppress` (a column of drops
whose total is known) plus a rule for the row counts; they need no solver because a one-way table
with a known total and at least two hidden cells leaves each hidden cell free from 0 to their sum.
Hand-written because no package suppresses flow tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError

FLOW_COUNTS = ("rows_in", "rows_out", "dropped", "changed")


def _runs(df: pd.DataFrame) -> list[list[int]]:
    """Consecutive steps of one source where each step starts with the rows the last one left."""
    runs: list[list[int]] = []
    for k in range(len(df)):
        chained = (
            k > 0
            and df["source"].iloc[k] == df["source"].iloc[k - 1]
            and df["rows_in"].iloc[k] == df["rows_out"].iloc[k - 1]
        )
        if chained:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def suppress_flow(flow: pd.DataFrame, n_min: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hide small drops in a flow table and every figure that would give them back.

    Within a run of chained steps of one ``source`` (each step starts with the rows the previous
    one left), the first rows in and the last rows out are treated as known (the raw file's size
    and the analysis *n* are printed elsewhere), so the run's drops form a one-way table with a
    known total. Per run:

    1. a drop of ``1 ≤ n < n_min`` rows is hidden;
    2. if exactly one drop is hidden, the smallest other non-zero drop of the run is hidden too
       (a zero when there is none): with a known total and two hidden drops, each can be anything
       from 0 to their sum, so neither is pinned;
    3. an intermediate rows-in/rows-out figure is shown only when it follows from what is shown
       (all drops before it visible, or all drops after it); otherwise it would give a hidden
       drop back by subtraction.

    A run of a single step with a small drop has its rows out hidden; if the analysis reports that
    same *n*, the drop can still be worked out (merge the step with another, or say less). The
    ``changed`` counts enter no sum and are hidden alone. Show every hidden drop and row count
    with the same mark, whether small or hidden to protect a small one: marking only the small
    ones tells the reader which hidden drop is small and which is 0 or at least ``n_min``, enough
    to pin a value (a drop "under 5" and one "not under 5" summing to 6 can only be 1 and 5).

    Parameters
    ----------
    flow
        One row per step with columns ``source, rows_in, rows_out, dropped, changed`` (as
        ``CleaningLog.to_frame()`` gives), in the order the steps ran.
    n_min
        Smallest count that may be published.

    Returns
    -------
    (DataFrame, DataFrame)
        A copy with ``rows_in, rows_out, dropped, changed`` as floats (hidden cells NaN), and a
        boolean mask of the hidden cells (those four columns).

    Examples
    --------
    >>> import pandas as pd
    >>> from fou_analysis import privacy
    >>> flow = pd.DataFrame({"source": "a.csv", "rows_in": [100, 97, 80], "rows_out": [97, 80, 72],
    ...                      "dropped": [3, 17, 8], "changed": 0})
    >>> out, hidden = privacy.suppress_flow(flow)
    >>> out[["rows_in", "rows_out", "dropped"]].values.tolist()
    [[100.0, nan, nan], [nan, nan, 17.0], [nan, 72.0, nan]]
    """
    if not isinstance(flow, pd.DataFrame):
        raise SpecificationError("flow must be a pandas DataFrame")
    missing = [c for c in ("source", *FLOW_COUNTS) if c not in flow.columns]
    if missing:
        raise SpecificationError(f"flow table lacks the columns {missing}")
    if not isinstance(n_min, (int, np.integer)) or n_min < 1:
        raise SpecificationError(f"n_min must be a positive integer, not {n_min!r}")
    for col in FLOW_COUNTS:
        bad = np.flatnonzero(~(pd.to_numeric(flow[col], errors="coerce") >= 0).to_numpy())
        if len(bad):
            raise DataError("not a non-negative count", row=int(bad[0]) + 2, column=col)
    hidden = pd.DataFrame(False, index=flow.index, columns=list(FLOW_COUNTS))
    drops = flow["dropped"].to_numpy(dtype=float)
    small = (drops >= 1) & (drops < n_min)
    for run in _runs(flow):
        hid = small[run].copy()
        if hid.sum() == 1 and len(run) > 1:
            d = drops[run]
            others = [k for k in range(len(run)) if not hid[k]]
            hid[min(others, key=lambda k: (d[k] == 0, d[k], k))] = True
        if not hid.any():
            continue
        hidden.iloc[run, hidden.columns.get_loc("dropped")] = hid
        # r_k: the rows after the run's k-th step (r_0, its first rows in, is always shown)
        for k in range(1, len(run) + 1):
            derivable = (not hid[:k].any() or not hid[k:].any()) and len(run) > 1
            if not derivable:
                hidden.iloc[run[k - 1], hidden.columns.get_loc("rows_out")] = True
                if k < len(run):
                    hidden.iloc[run[k], hidden.columns.get_loc("rows_in")] = True
    changed = flow["changed"].to_numpy(dtype=float)
    hidden["changed"] = (changed >= 1) & (changed < n_min)
    out = flow.copy()
    for col in FLOW_COUNTS:
        out[col] = out[col].astype(float).where(~hidden[col])
    return out, hidden
