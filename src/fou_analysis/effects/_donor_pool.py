"""The donor pool of synthetic control: exclusions, an explicit list, comparable units.

A synthetic control with hundreds of donors and a short pre-period can reproduce almost any
treated path exactly — by interpolating between dissimilar units (e.g. a large weight on Oslo
for a town of 12 000), not because the weighted donors share the treated unit's structure.
Abadie (2021, "Using synthetic controls: feasibility, data requirements, and methodological
aspects", *Journal of Economic Literature* 59(2), 391–425, sec. 3–4) therefore advises to
restrict the donor pool to units similar to the treated one, to reduce interpolation bias and
over-fitting, and to leave out units that may have been affected by the intervention
(spill-over, e.g. neighbours sharing the service).

:func:`comparable_donors` implements one documented rule for that restriction: the ``k`` units
closest to the treated unit in pre-period **level** (mean outcome), **trend** (OLS slope of
the outcome on time over the pre-period) and, with ``size``, **log size** (e.g. the log of the
mean population before treatment — so Oslo is not a donor for a town whatever its rate), each
standardised by its standard deviation over the candidate donors, with Euclidean distance. Hand-written because no installed library selects a
synthetic-control donor pool; the computation is a few lines of numpy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.effects._panel import wide_panel
from fou_analysis.exceptions import DataError, SpecificationError


def _as_list(values: Any, name: str) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        return [values]
    return list(values)


def _pre_mask(times: pd.Index, treatment_start: Any, time: str) -> np.ndarray:
    try:
        return np.asarray(times < treatment_start)
    except TypeError as err:
        raise SpecificationError(
            f"treatment_start {treatment_start!r} cannot be compared with column {time!r}"
        ) from err


def level_and_trend(Y: np.ndarray, times: pd.Index, pre: np.ndarray) -> np.ndarray:
    """Per unit (rows of ``Y``): pre-period mean and OLS slope on time, shape ``(N, 2)``."""
    t = np.asarray(pd.to_numeric(pd.Series(times[pre]), errors="coerce"), dtype=float)
    if not np.isfinite(t).all():
        t = np.arange(int(pre.sum()), dtype=float)  # non-numeric periods: equally spaced
    Yp = Y[:, pre]
    tc = t - t.mean()
    slope = (Yp - Yp.mean(axis=1, keepdims=True)) @ tc / float(tc @ tc)
    return np.column_stack([Yp.mean(axis=1), slope])


def nearest_rows(features: np.ndarray, target: int, candidates: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` candidate rows nearest to row ``target`` (standardised Euclidean distance)."""
    F = features[candidates]
    sd = F.std(axis=0, ddof=1) if len(candidates) > 1 else np.ones(F.shape[1])
    sd = np.where(sd > 0, sd, 1.0)
    dist = np.sqrt((((F - features[target]) / sd) ** 2).sum(axis=1))
    order = np.argsort(dist, kind="stable")
    return candidates[np.sort(order[:k])]


def select_pool(
    units: pd.Index,
    i1: int,
    *,
    exclude: Any = (),
    donors: Sequence[Any] | None = None,
    unit: str,
) -> np.ndarray:
    """Row indices of the donor pool after ``donors`` (restrict) and ``exclude`` (remove)."""
    excl = _as_list(exclude, "exclude")
    unknown = [u for u in excl if u not in units]
    if unknown:
        raise SpecificationError(
            f"exclude names {unknown!r}, which {'is' if len(unknown) == 1 else 'are'} not a value of "
            f"column {unit!r}"
        )
    treated = units[i1]
    if donors is not None:
        wanted = _as_list(donors, "donors")
        unknown = [u for u in wanted if u not in units]
        if unknown:
            raise SpecificationError(f"donors names {unknown!r}, not values of column {unit!r}")
        if treated in wanted:
            raise SpecificationError(f"donors must not contain the treated unit {treated!r}")
        keep = set(wanted)
        pool = [i for i, u in enumerate(units) if u in keep]
    else:
        pool = [i for i in range(len(units)) if i != i1]
    drop = set(excl)
    if treated in drop:
        raise SpecificationError(f"exclude must not contain the treated unit {treated!r}")
    return np.array([i for i in pool if units[i] not in drop], dtype=int)


def comparable_donors(
    data: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    treated_unit: Any,
    treatment_start: Any,
    *,
    k: int = 40,
    exclude: Any = (),
    size: str | None = None,
) -> list[Any]:
    """The ``k`` units most like the treated one before treatment, as a donor pool.

    Rule (documented in the module docstring): for every candidate (every unit but the treated
    one and ``exclude``) take the pre-period mean of ``outcome``, its OLS slope on ``time`` and
    (with ``size``) the log of the pre-period mean of ``size``; standardise each by their standard deviation over the candidates; keep the ``k`` candidates
    with the smallest Euclidean distance to the treated unit. Restricting the pool to similar
    units reduces interpolation bias (Abadie 2021, JEL 59(2), sec. 3–4).

    Parameters
    ----------
    data
        Long balanced panel.
    unit, time, outcome
        Column names.
    treated_unit, treatment_start
        As in :func:`~fou_analysis.effects.synthetic_control`.
    k
        Number of donors to keep (all candidates if fewer).
    exclude
        Units never to use (e.g. neighbours with spill-over).
    size
        Optional column of positive sizes (e.g. population); the log of its pre-period mean is
        a third similarity feature.

    Returns
    -------
    list
        The chosen units, in the panel's order.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"u": list("abcd") * 3, "t": [1] * 4 + [2] * 4 + [3] * 4,
    ...                    "y": [1, 1.1, 5, 9, 2, 2.1, 5, 9, 3, 3.2, 5, 9]})
    >>> comparable_donors(df, "u", "t", "y", "a", 3, k=1)
    ['b']
    """
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
        raise SpecificationError(f"k must be a positive whole number, not {k!r}")
    Y, units, times = wide_panel(data, value=outcome, unit=unit, time=time)
    if treated_unit not in units:
        raise SpecificationError(f"treated_unit {treated_unit!r} is not a value of column {unit!r}")
    pre = _pre_mask(times, treatment_start, time)
    if pre.sum() < 2:
        raise SpecificationError("comparable_donors needs at least 2 pre-treatment periods for a trend")
    i1 = int(units.get_loc(treated_unit))
    pool = select_pool(units, i1, exclude=exclude, unit=unit)
    feats = similarity_features(data, Y, units, times, pre, unit=unit, time=time, size=size)
    chosen = nearest_rows(feats, i1, pool, int(k))
    return [units[i] for i in chosen]


def pre_means(
    data: pd.DataFrame,
    column: str,
    units: pd.Index,
    times: pd.Index,
    pre: np.ndarray,
    *,
    unit: str,
    time: str,
) -> np.ndarray:
    """Each unit's mean of ``column`` over the pre-treatment periods, in the order of ``units``."""
    M, mu, mt = wide_panel(data, value=column, unit=unit, time=time)
    M = M[mu.get_indexer(units)][:, mt.get_indexer(times)]
    return M[:, pre].mean(axis=1)


def similarity_features(
    data: pd.DataFrame,
    Y: np.ndarray,
    units: pd.Index,
    times: pd.Index,
    pre: np.ndarray,
    *,
    unit: str,
    time: str,
    size: str | None,
) -> np.ndarray:
    """Level and trend of ``Y`` before treatment, plus log mean ``size`` when given."""
    feats = level_and_trend(Y, times, pre)
    if size is None:
        return feats
    m = pre_means(data, size, units, times, pre, unit=unit, time=time)
    if (m <= 0).any():
        bad = units[int(np.flatnonzero(m <= 0)[0])]
        raise DataError(
            f"size must be positive to take its log; unit {bad!r} has mean {m[m <= 0][0]:g}", column=size
        )
    return np.column_stack([feats, np.log(m)])
