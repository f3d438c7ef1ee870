"""Synthetic control (Abadie, Diamond & Hainmueller 2010) with in-space placebo inference.

Estimator
    One treated unit, J donors, T0 pre-treatment periods. Donor weights ``w`` (non-negative,
    summing to one) minimise the pre-period distance between the treated unit and the
    weighted donors. By default the distance is taken on the outcome in every pre-treatment
    period, ``||Y1_pre - Y0_pre w||^2`` (no intercept, V = identity); the minimum is found
    exactly by :func:`fou_analysis.effects._simplex.simplex_lstsq` (active set, not a
    penalty or a fixed number of iterations). With ``predictors`` the distance is taken on
    the pre-period means of those columns, each standardised by its standard deviation
    across units (a fixed diagonal V; the nested data-driven V of the Synth package is not
    implemented). The effect path is ``observed - synthetic``; ``estimate`` is its mean over
    the post periods.

Inference (no standard error: ``se`` is NaN on purpose)
    In-space placebos: each donor is re-fitted as if treated, with all other donors (never
    the real treated unit) as its donor pool. The statistic is the ratio of post- to
    pre-period RMSPE; ``p_value`` = (number of units whose ratio is at least the treated
    unit's) / (J + 1), as in ADH (2010, sec. 4). Its resolution is 1/(J + 1).
    ``ci`` inverts this test for a constant effect (Firpo & Possebom 2018, J. Causal
    Inference 6(2)): tau0 is kept if, after subtracting tau0 from the treated unit's post
    outcomes, the test does not reject at ``1 - level``. Because the weights and the placebos
    do not depend on tau0 the set is ``mean_gap +/- sqrt(q^2 pre_rmspe^2 - s^2)`` where q is
    the placebo ratio at the critical rank and s^2 the variance of the post gaps; it is
    unbounded when J + 1 < 1/(1 - level). Synthetic control has no coverage guarantee under
    repeated sampling: the interval is a permutation-test inversion under the assumption that
    the treated unit is exchangeable with the donors.
    ``mde`` is the smallest constant effect that would make the treated unit rank first among
    the placebos if its post-period noise were the size of its pre-period fit error:
    ``pre_rmspe * sqrt(max_placebo_ratio^2 - 1)`` (NaN when rank one is not significant).

Assumptions (in ``notes``)
    No anticipation; no spill-over to donors; the treated unit's untreated path is a convex
    combination of the donors' (a factor model with the treated unit inside the donors'
    convex hull); pre-period fit over a long pre-period, so fitting noise is not mistaken for
    structure.

Donor pool
    ``exclude`` (units with possible spill-over), ``donors`` (an explicit list) and ``nearest``
    (the units closest in pre-period level, trend and optionally size,
    :func:`~fou_analysis.effects.comparable_donors`) restrict the pool; placebos use the same
    pool. Abadie (2021, JEL 59(2)) advises a pool of similar units: with hundreds of donors and
    a short pre-period the weights interpolate between dissimilar units.

Diagnostics
    pre-period fit (pre-RMSPE relative to the pooled pre-period sd of the outcome; a fit below
    1 % of that sd with at least as many donors as fitted quantities is flagged as over-fitting,
    see :mod:`~fou_analysis.effects._synth_diagnostics`), convex
    hull (share of pre-periods where the treated unit is above every donor or below every
    donor), permutation resolution 1/(J + 1), leave-one-out range over donors with non-zero
    weight, weight concentration.

Published result reproduced (tests/effects/test_synthetic_control.py)
    California Proposition 99, per-capita cigarette sales 1970-2000, 38 donor states:
    SC estimate -19.6 (Arkhangelsky et al. 2021, AER, Table 1; synthdid README).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.effects._aliases import aliases
from fou_analysis.effects._donor_pool import (
    comparable_donors,
    nearest_rows,
    pre_means,
    select_pool,
    similarity_features,
)
from fou_analysis.effects._panel import require_columns, wide_panel
from fou_analysis.effects._result import tidy_frame
from fou_analysis.effects._simplex import simplex_lstsq
from fou_analysis.effects._synth_diagnostics import ScFit
from fou_analysis.effects._synth_diagnostics import sc_diagnostics as _diagnostics
from fou_analysis.effects._synth_results import SyntheticControlResult
from fou_analysis.exceptions import SpecificationError

__all__ = ["synthetic_control", "comparable_donors", "SyntheticControlResult"]

_W_EPS = 1e-8  # weights below this are zero for leave-one-out and display


def _fit(X: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Weights for target x1 (k,) from donor matrix X (k, J)."""
    return simplex_lstsq(X, x1).weights


def _gaps(Y: np.ndarray, target: int, donors: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = _fit(X[:, donors], X[:, target])
    return Y[target] - w @ Y[donors], w


def _rmspe(g: np.ndarray) -> float:
    return float(np.sqrt(np.mean(g**2)))


def _inverted_ci(gpost: np.ndarray, pre: float, ratios: np.ndarray, alpha: float) -> tuple[float, float]:
    m = math.floor(alpha * (len(ratios) + 1) + 1e-9)
    if m == 0:
        return (-math.inf, math.inf)
    q = np.sort(ratios)[::-1][m - 1]
    gbar = float(gpost.mean())
    s2 = float(np.mean((gpost - gbar) ** 2))
    rad = q**2 * pre**2 - s2
    if rad < 0:
        return (math.nan, math.nan)
    h = math.sqrt(rad)
    return (gbar - h, gbar + h)


def _predictor_matrix(
    data: pd.DataFrame,
    Y: np.ndarray,
    units: pd.Index,
    times: pd.Index,
    pre: np.ndarray,
    *,
    unit: str,
    time: str,
    predictors: Sequence[str] | None,
) -> np.ndarray:
    if predictors is None:
        return Y[:, pre].T
    if isinstance(predictors, str):
        predictors = [predictors]
    if len(predictors) == 0:
        raise SpecificationError("predictors must name at least one column (or be None)")
    require_columns(data, list(predictors), role="predictor")
    rows = []
    for p in predictors:
        v = pre_means(data, p, units, times, pre, unit=unit, time=time)
        sd = v.std()
        rows.append(v / sd if sd > 0 else v)
    return np.vstack(rows)


def _unit_names(data: pd.DataFrame, names: str | Mapping[Any, str] | None, *, unit: str) -> dict[Any, str]:
    if names is None:
        return {}
    if isinstance(names, Mapping):
        return {k: str(v) for k, v in names.items()}
    require_columns(data, [names], role="names")
    pairs = data[[unit, names]].drop_duplicates(unit)
    return {u: str(n) for u, n in zip(pairs[unit], pairs[names], strict=True) if pd.notna(n)}


def _pool_note(
    candidates: int, J: int, exclude: Any, *, donors_given: Any, nearest: int | None, size: str | None
) -> str:
    parts = [f"Donor pool: {J} of {candidates} other units"]
    if donors_given is not None:
        parts.append("restricted to the units listed in donors")
    excl = [exclude] if isinstance(exclude, str) else list(exclude or ())
    if excl:
        parts.append(f"excluding {', '.join(map(str, excl))} (possible spill-over)")
    if nearest is not None:
        parts.append(
            f"the {nearest} closest in pre-period level and trend{' and size' if size else ''} (Abadie 2021: a pool of similar "
            "units reduces interpolation bias)"
        )
    return "; ".join(parts) + "."


@dataclass(frozen=True)
class _Placebos:
    """In-space placebos: one row per donor (``table``), their gaps (long), the post/pre ratios."""

    table: pd.DataFrame
    gaps_long: pd.DataFrame
    ratios: np.ndarray
    run: bool


def _prepare(data, *, outcome, unit, time, treated_unit, treatment_start, exclude, donors, nearest, size):
    """Wide outcome matrix of the treated unit (row 0) and its donor pool, the pre-period mask.

    Returns ``(Y, units, times, pre, number of candidate donors before the pool was restricted)``.
    """
    require_columns(data, [outcome, unit, time])
    Y, units, times = wide_panel(data, value=outcome, unit=unit, time=time)
    if treated_unit not in units:
        raise SpecificationError(f"treated_unit {treated_unit!r} is not a value of column {unit!r}")
    try:
        pre = np.asarray(times < treatment_start)
    except TypeError as err:
        raise SpecificationError(
            f"treatment_start {treatment_start!r} cannot be compared with column {time!r}"
        ) from err
    T0, T1 = int(pre.sum()), int((~pre).sum())
    if T0 < 2 or T1 < 1:
        raise SpecificationError(
            f"treatment_start {treatment_start!r} leaves {T0} pre-treatment and {T1} post-treatment "
            "periods; at least 2 and 1 are needed"
        )
    keep = _donor_pool(
        data,
        Y,
        units,
        times,
        pre,
        treated_unit=treated_unit,
        unit=unit,
        time=time,
        exclude=exclude,
        donors=donors,
        nearest=nearest,
        size=size,
    )
    return Y[keep], units[keep], times, pre, len(units) - 1


def _donor_pool(
    data, Y, units, times, pre, *, treated_unit, unit, time, exclude, donors, nearest, size
) -> np.ndarray:
    """Rows to keep: the treated unit first, then the donors ``exclude``/``donors``/``nearest`` allow."""
    i1 = int(units.get_loc(treated_unit))
    pool = select_pool(units, i1, exclude=exclude, donors=donors, unit=unit)
    if size is not None and nearest is None:
        raise SpecificationError("size is used only to choose the nearest donors: give nearest as well")
    if nearest is not None:
        if not isinstance(nearest, int | np.integer) or isinstance(nearest, bool) or nearest < 1:
            raise SpecificationError(f"nearest must be a positive whole number, not {nearest!r}")
        feats = similarity_features(data, Y, units, times, pre, unit=unit, time=time, size=size)
        pool = nearest_rows(feats, i1, pool, int(nearest))
    if len(pool) < 2:
        raise SpecificationError(f"synthetic control needs at least 2 donor units, found {len(pool)}")
    return np.concatenate([[i1], pool])


def _synthetic(Y, X, pre, *, names: list[str]) -> tuple[ScFit, np.ndarray]:
    """Weights for the treated unit (row 0) from all donors, and its gap ``observed - synthetic``."""
    donors = np.arange(1, len(Y))
    gap, w = _gaps(Y, 0, donors, X)
    fit = ScFit(
        Y=Y,
        pre=pre,
        i1=0,
        donors=donors,
        w=w,
        pre_rmspe=_rmspe(gap[pre]),
        estimate=float(gap[~pre].mean()),
        n_fitted=int(X.shape[0]),
        names=names,
    )
    return fit, gap


def _placebos(Y, X, pre, *, units: pd.Index, times: pd.Index, run: bool) -> _Placebos:
    """Re-fit each donor (row 1 on) as if treated, with the other donors as its pool."""
    donors = np.arange(1, len(units))
    J = len(donors)
    plac_rows, plac_gaps = [], np.empty((0, len(times)))
    if run:
        plac_gaps = np.empty((J, len(times)))
        for jj, j in enumerate(donors):
            g, _ = _gaps(Y, j, donors[donors != j], X)
            pr, po = _rmspe(g[pre]), _rmspe(g[~pre])
            plac_rows.append(
                {
                    "unit": units[j],
                    "pre_rmspe": pr,
                    "post_rmspe": po,
                    "ratio": po / pr if pr > 0 else math.inf,
                    "mean_effect": float(g[~pre].mean()),
                }
            )
            plac_gaps[jj] = g
    gaps_long = pd.DataFrame(
        {
            "unit": np.repeat(np.asarray(units[donors], dtype=object), len(times)) if run else [],
            "time": np.tile(times.to_numpy(), J) if run else [],
            "gap": plac_gaps.ravel(),
        }
    )
    return _Placebos(
        table=pd.DataFrame(plac_rows, columns=["unit", "pre_rmspe", "post_rmspe", "ratio", "mean_effect"]),
        gaps_long=gaps_long,
        ratios=np.array([r["ratio"] for r in plac_rows]),
        run=run,
    )


def _placebo_inference(
    plac: _Placebos, gap, pre, *, ratio1: float, pre_rmspe: float, alpha: float
) -> tuple[float, tuple[float, float], float]:
    """Placebo rank p-value, the test-inverted interval and the mde (all NaN without placebos)."""
    if not plac.run:
        return math.nan, (math.nan, math.nan), math.nan
    ratios, J = plac.ratios, len(plac.ratios)
    p_value = float((1 + np.sum(ratios >= ratio1)) / (J + 1))
    ci = _inverted_ci(gap[~pre], pre_rmspe, ratios, alpha)
    mde = math.nan
    if 1 / (J + 1) <= alpha + 1e-12:
        rmax = float(np.max(ratios))
        mde = pre_rmspe * math.sqrt(max(rmax**2 - 1, 0.0))
    return p_value, ci, mde


def _leave_one_out(Y, X, pre, w, *, units: pd.Index, run: bool) -> pd.DataFrame:
    """Re-fit without each donor with non-zero weight: the estimate and pre-RMSPE each time."""
    donors = np.arange(1, len(units))
    loo_rows = []
    if run:
        for j in donors[w > _W_EPS]:
            pool = donors[donors != j]
            if len(pool) == 0:
                continue
            g, _ = _gaps(Y, 0, pool, X)
            loo_rows.append(
                {"dropped_unit": units[j], "estimate": float(g[~pre].mean()), "pre_rmspe": _rmspe(g[pre])}
            )
    return pd.DataFrame(loo_rows, columns=["dropped_unit", "estimate", "pre_rmspe"])


def _table(estimate, ratio1, p_value, ci, *, gap, pre, times) -> pd.DataFrame:
    """The mean-effect row and one effect row per post period."""
    rows = [
        {
            "term": "mean_effect",
            "estimate": estimate,
            "std_error": math.nan,
            "statistic": ratio1,
            "p_value": p_value,
            "ci_low": ci[0],
            "ci_high": ci[1],
            "time": None,
        }
    ]
    for t, g in zip(times[~pre], gap[~pre], strict=True):
        rows.append({"term": f"effect[{t}]", "estimate": float(g), "time": t})
    return tidy_frame(rows)


def _notes(predictors, pool_note: str) -> tuple[str, ...]:
    """Assumptions, what the p-value and interval mean, the fit and the donor pool."""
    return (
        "No anticipation: the outcome did not react before treatment_start.",
        "No interference: the donors were not affected by the treated unit's intervention.",
        "Without the intervention the treated unit would have followed the weighted average of the "
        "donors (a factor structure with the treated unit inside the donors' convex hull); a close "
        "pre-period fit over many periods is the evidence for this.",
        "se is not defined for synthetic control (NaN). The p-value is the in-space placebo rank "
        "of the post/pre RMSPE ratio (ADH 2010); the interval inverts that test for a constant "
        "effect (Firpo & Possebom 2018). Neither has a repeated-sampling coverage guarantee; both "
        "assume the treated unit is exchangeable with the donors.",
        f"Weights fitted on {'the outcome in every pre-treatment period' if predictors is None else 'the standardised pre-period means of ' + ', '.join(predictors)}, "
        "non-negative and summing to one, no intercept; solved exactly (active set).",
        pool_note,
        "mde: smallest constant effect that would rank first among the placebos, assuming post-period "
        "noise the size of the pre-period fit error.",
    )


@aliases("synthetic_control")
def synthetic_control(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treated: Any,
    treatment_start: Any,
    predictors: Sequence[str] | None = None,
    placebo: bool = True,
    leave_one_out: bool = True,
    level: float = 0.95,
    exclude: Sequence[Any] = (),
    donors: Sequence[Any] | None = None,
    nearest: int | None = None,
    size: str | None = None,
    names: str | Mapping[Any, str] | None = None,
) -> SyntheticControlResult:
    """Synthetic control estimate for one treated unit.

    Parameters
    ----------
    data
        Long, balanced panel: one row per unit and period.
    outcome, unit, time
        Column names.
    treated
        The value of ``unit`` that was treated.
        Older name ``treated_unit``: still accepted (no warning for now); giving both is a
        :class:`~fou_analysis.SpecificationError`.
    treatment_start
        First treated period (a value of ``time``); periods before it are pre-treatment.
    predictors
        ``None`` (default): fit on the outcome in every pre-treatment period. Otherwise
        column names whose pre-period means are matched, each standardised across units.
    placebo
        Run the in-space placebo for every donor (gives ``p_value`` and ``ci``).
    leave_one_out
        Re-fit without each donor that has non-zero weight.
    level
        Confidence level of the placebo-inverted interval.
    exclude
        Units never used as donors (e.g. neighbours that may share the intervention: spill-over).
    donors
        ``None`` (default): every other unit is a candidate donor. Otherwise the list of units
        the donor pool is restricted to (``exclude`` still applies).
    nearest
        Keep only the ``nearest`` candidates closest to the treated unit in pre-period level and
        trend (:func:`~fou_analysis.effects.comparable_donors`; Abadie 2021, JEL 59(2)): with
        hundreds of municipalities as donors the fit interpolates between dissimilar units.
    size
        With ``nearest``: a column of sizes (e.g. population) whose log pre-period mean is also
        compared, so units of a very different size are not "close".
    names
        Display names of the units for :meth:`SyntheticControlResult.donor_table`: a column of
        ``data`` (one name per unit) or a mapping ``unit -> name``.

    Returns
    -------
    SyntheticControlResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(12, 2)).cumsum(0)
    >>> rows = [(u, t, f[t] @ rng.uniform(0, 1, 2) + (u == 0) * (t >= 8) * -1.0)
    ...         for u in range(10) for t in range(12)]
    >>> df = pd.DataFrame(rows, columns=["unit", "year", "y"])
    >>> res = synthetic_control(df, outcome="y", unit="unit", time="year",
    ...                         treated=0, treatment_start=8)
    >>> float(round(res.weights.sum(), 6))
    1.0
    """
    treated_unit = treated  # the body keeps the older name
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1, not {level!r}")
    Y, units, times, pre, n_candidates = _prepare(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        treated_unit=treated_unit,
        treatment_start=treatment_start,
        exclude=exclude,
        donors=donors,
        nearest=nearest,
        size=size,
    )
    J, donor_rows = len(units) - 1, np.arange(1, len(units))
    name_map = _unit_names(data, names, unit=unit)
    X = _predictor_matrix(data, Y, units, times, pre, unit=unit, time=time, predictors=predictors)
    fit, gap = _synthetic(Y, X, pre, names=[name_map.get(u, str(u)) for u in units[donor_rows]])
    post_rmspe = _rmspe(gap[~pre])
    ratio1 = post_rmspe / fit.pre_rmspe if fit.pre_rmspe > 0 else math.inf
    plac = _placebos(Y, X, pre, units=units, times=times, run=placebo)
    p_value, ci, mde = _placebo_inference(
        plac, gap, pre, ratio1=ratio1, pre_rmspe=fit.pre_rmspe, alpha=1 - level
    )
    loo = _leave_one_out(Y, X, pre, fit.w, units=units, run=leave_one_out)
    diagnostics = _diagnostics(fit, alpha=1 - level, loo=loo, placebo=placebo, ci=ci)
    return SyntheticControlResult(
        method="synthetic_control",
        estimand="ATT (mean effect over post periods, one treated unit)",
        outcome=outcome,
        estimate=fit.estimate,
        se=math.nan,
        ci=ci,
        p_value=p_value,
        n=int(Y.size),
        n_treated=1,
        n_control=J,
        diagnostics=tuple(diagnostics),
        notes=_notes(
            predictors,
            _pool_note(n_candidates, J, exclude, donors_given=donors, nearest=nearest, size=size),
        ),
        table=_table(fit.estimate, ratio1, p_value, ci, gap=gap, pre=pre, times=times),
        mde=mde,
        level=level,
        inference={"dist": "placebo"},
        weights=pd.Series(fit.w, index=units[donor_rows], name="weight"),
        path=pd.DataFrame(
            {"time": times, "observed": Y[0], "synthetic": Y[0] - gap, "effect": gap, "post": ~pre}
        ),
        pre_rmspe=fit.pre_rmspe,
        post_rmspe=post_rmspe,
        placebos=plac.table,
        placebo_gaps=plac.gaps_long,
        leave_one_out=loo,
        treated_unit=treated_unit,
        treatment_start=treatment_start,
        donor_names=pd.Series({u: name_map[u] for u in units if u in name_map}, dtype=object),
        n_fitted=fit.n_fitted,
    )
