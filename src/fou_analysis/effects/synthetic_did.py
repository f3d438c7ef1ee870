"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager 2021).

Estimator (AER 111(12), Algorithm 1; block design)
    N0 control units, N1 treated units that all start treatment in the same period, T0
    pre-periods and T1 post-periods. Unit weights omega (on the simplex, with an intercept)
    solve

        min  sum_t (omega_0 + sum_i omega_i Y_it - mean_tr Y_t)^2 + zeta^2 T0 ||omega||^2

    over the pre-periods, with ``zeta = (N1 T1)^(1/4) * sigma``, sigma the standard deviation
    of the first differences of the control units' pre-period outcomes (as the R package
    synthdid). Time weights lambda (on the simplex, with an intercept) solve the analogous
    problem across control units, predicting each control's post-period mean from its
    pre-period outcomes, with a negligible ridge ``1e-6 sigma``. The estimate is the weighted
    double difference

        tau = (Ybar_tr,post - sum_t lambda_t Ybar_tr,t) - (sum_i omega_i Ybar_i,post - sum_i,t omega_i lambda_t Y_it).

    Both weight problems are solved exactly by :func:`._simplex.simplex_lstsq` (synthdid uses
    Frank-Wolfe with early stopping and sparsification; see the tests for the size of the
    difference). ``estimator="sc"`` (omega without intercept, tiny ridge, no time weights)
    and ``estimator="did"`` (uniform weights) give the two comparison estimators of the
    paper's Table 1 through the same code and the same standard errors.

Standard errors
    ``se="placebo"`` (Algorithm 4): repeatedly assign N1 randomly chosen control units as
    placebo-treated, re-estimate on the controls only (zeta kept fixed), and take the
    standard deviation of the placebo estimates (times sqrt((B-1)/B) as synthdid). Valid for
    one or few treated units under homoskedasticity across units. Because the exact solver
    does not depend on the order of the control pool, a placebo is determined by *which*
    controls play treated; when there are at most ``reps`` such sets (always for one treated
    unit: N0 sets) all are enumerated and the se is their population standard deviation, the
    B -> infinity limit of Algorithm 4 with no Monte Carlo error.
    ``se="jackknife"`` (Algorithm 3): leave one unit out, weights kept fixed (omega
    renormalised); needs more than one treated unit and is unreliable with few. Intervals are
    normal: tau +/- z se.

Assumptions
    Block treatment (no staggering, no reversal), no anticipation, no interference; a latent
    factor model for the untreated outcomes in which the re-weighted controls and periods
    balance the treated block up to a constant (the intercepts absorb level differences).

Published result reproduced (tests/effects/test_synthetic_did.py)
    California Proposition 99: SDID -15.6 (placebo se 8.4), SC -19.6 (9.9), DID -27.3 (17.7)
    (Arkhangelsky et al. 2021, Table 1; synthdid README).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects._aliases import aliases
from fou_analysis.effects._options import check_option
from fou_analysis.effects._panel import require_columns, wide_panel
from fou_analysis.effects._result import Diagnostic, normal_ci, normal_p, tidy_frame
from fou_analysis.effects._simplex import simplex_lstsq
from fou_analysis.effects._synth_results import SyntheticDidResult
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.formatting import format_number, format_percent

__all__ = ["synthetic_did", "SyntheticDidResult"]

Estimator = Literal["sdid", "sc", "did"]


def _weights(A: np.ndarray, b: np.ndarray, ridge: float, intercept: bool) -> np.ndarray:
    if intercept:
        A = A - A.mean(axis=0)
        b = b - b.mean()
    return simplex_lstsq(A, b, ridge=ridge).weights


def _fit(
    Y: np.ndarray, N0: int, T0: int, estimator: Estimator, zeta_omega: float, zeta_lambda: float
) -> tuple[float, np.ndarray, np.ndarray]:
    """tau, omega, lambda for Y (controls first, pre-periods first)."""
    Yc_pre, Yc_post = Y[:N0, :T0], Y[:N0, T0:]
    ytr = Y[N0:].mean(axis=0)
    if estimator == "did":
        omega, lam = np.full(N0, 1 / N0), np.full(T0, 1 / T0)
    elif estimator == "sc":
        omega = _weights(Yc_pre.T, ytr[:T0], T0 * zeta_omega**2, intercept=False)
        lam = np.zeros(T0)
    else:
        omega = _weights(Yc_pre.T, ytr[:T0], T0 * zeta_omega**2, intercept=True)
        lam = _weights(Yc_pre, Yc_post.mean(axis=1), N0 * zeta_lambda**2, intercept=True)
    tau = (ytr[T0:].mean() - lam @ ytr[:T0]) - (omega @ Yc_post.mean(axis=1) - omega @ Yc_pre @ lam)
    return float(tau), omega, lam


def _block(data: pd.DataFrame, treated: str, unit: str, time: str, units: pd.Index, times: pd.Index):
    D, _, _ = wide_panel(data, value=treated, unit=unit, time=time)
    if not np.isin(D, (0, 1)).all():
        raise DataError("the treatment indicator must be 0 or 1", column=treated)
    ever = D.max(axis=1) == 1
    if not ever.any():
        raise DataError("no unit is ever treated", column=treated)
    if ever.all():
        raise DataError("every unit is treated at some point: no control units", column=treated)
    Dt = D[ever]
    first = Dt.argmax(axis=1)
    if np.any(first != first[0]):
        raise DataError(
            "treated units start in different periods (staggered adoption); synthetic_did needs a "
            "block design — use staggered_did or analyse each cohort separately",
            column=treated,
        )
    T0 = int(first[0])
    if not (Dt[:, T0:] == 1).all() or (Dt[:, :T0] != 0).any():
        raise DataError(
            "treatment switches off again for a treated unit; block design required", column=treated
        )
    return ever, T0


def _control_pool(
    units: pd.Index, ever: np.ndarray, *, exclude: Any, donors: Sequence[Any] | None, unit: str
) -> np.ndarray:
    """Mask of units to keep: every treated unit, and the controls ``donors``/``exclude`` allow."""
    excl = [exclude] if isinstance(exclude, str) else list(exclude or ())
    wanted = None if donors is None else ([donors] if isinstance(donors, str) else list(donors))
    for name, vals in (("exclude", excl), ("donors", wanted or [])):
        unknown = [u for u in vals if u not in units]
        if unknown:
            raise SpecificationError(f"{name} names {unknown!r}, not values of column {unit!r}")
        treated_named = [u for u in vals if ever[units.get_loc(u)]]
        if treated_named:
            raise SpecificationError(f"{name} must list control units only, not treated {treated_named!r}")
    allowed = np.array([(wanted is None or u in wanted) and u not in excl for u in units])
    return ever | allowed


@aliases("synthetic_did")
def synthetic_did(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treated: str,
    se: Literal["placebo", "jackknife"] = "placebo",
    reps: int = 200,
    seed: int = 0,
    estimator: Estimator = "sdid",
    level: float = 0.95,
    exclude: Sequence[Any] = (),
    donors: Sequence[Any] | None = None,
) -> SyntheticDidResult:
    """Synthetic difference-in-differences for a block design.

    Parameters
    ----------
    data
        Long balanced panel.
    outcome, unit, time
        Column names.
    treated
        0/1 column D_it: 1 for treated units from the first treated period on.
    se
        ``"placebo"`` (Algorithm 4, works with one treated unit) or ``"jackknife"``
        (Algorithm 3, more than one treated unit).
    reps
        Random placebo replications (used only when there are more than ``reps`` distinct
        placebo assignments; otherwise all are enumerated).
    seed
        Seed for the placebo assignment.
    estimator
        ``"sdid"`` (default), ``"sc"`` (synthetic control, as synthdid's ``sc_estimate``) or
        ``"did"`` (plain difference-in-differences) — same data handling and inference.
    level
        Confidence level of the normal interval.
    exclude
        Control units never used (e.g. neighbours with spill-over).
    donors
        ``None`` (default): every never-treated unit is a control. Otherwise the control units
        are restricted to this list (``exclude`` still applies).

    Returns
    -------
    SyntheticDidResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> rows = [(u, t, rng.normal() + u * 0.1 + t * 0.2 + 2.0 * (u < 2) * (t >= 8), int(u < 2 and t >= 8))
    ...         for u in range(20) for t in range(12)]
    >>> df = pd.DataFrame(rows, columns=["unit", "t", "y", "d"])
    >>> res = synthetic_did(df, outcome="y", unit="unit", time="t", treated="d", reps=50)
    >>> res.n_treated, res.n_control
    (2, 18)
    """
    _check_arguments(se=se, estimator=estimator, level=level, reps=reps)
    pan = _prepare(
        data, outcome=outcome, unit=unit, time=time, treated=treated, exclude=exclude, donors=donors
    )
    Y, N0, N1, T0 = pan.Y, pan.N0, pan.N1, pan.T0
    sigma = float(np.std(np.diff(Y[:N0, :T0], axis=1), ddof=1))
    zeta_omega = 1e-6 * sigma if estimator == "sc" else (N1 * (len(pan.times) - T0)) ** 0.25 * sigma
    zeta_lambda = 1e-6 * sigma
    tau, omega, lam = _fit(Y, N0, T0, estimator, zeta_omega, zeta_lambda)
    enumerated = False
    if se == "placebo":
        reps_, se_val, enumerated = _placebo_se(
            pan, estimator, zeta_omega=zeta_omega, zeta_lambda=zeta_lambda, reps=reps, seed=seed
        )
    else:
        reps_, se_val = _jackknife_se(pan, omega, lam)
    ci = normal_ci(tau, se_val, level)
    p = normal_p(tau, se_val)
    path, pre_diff = _path(pan, omega, lam, estimator)
    diagnostics = _diagnostics(
        pan,
        omega,
        pre_diff,
        estimator=estimator,
        se=se,
        se_val=se_val,
        n_reps=len(reps_),
        enumerated=enumerated,
    )
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    return SyntheticDidResult(
        method={
            "sdid": "synthetic_did",
            "sc": "synthetic_control (sdid framework)",
            "did": "did (sdid framework)",
        }[estimator],
        estimand="ATT on the treated block",
        outcome=outcome,
        estimate=tau,
        se=se_val,
        ci=ci,
        p_value=p,
        n=int(Y.size),
        n_treated=N1,
        n_control=N0,
        diagnostics=tuple(diagnostics),
        notes=_notes(se, N0, exclude=exclude, donors=donors),
        table=_table(tau, se_val, ci, p, path, times=pan.times),
        mde=float(z * se_val),
        level=level,
        inference={"dist": "normal"},
        unit_weights=pd.Series(omega, index=pan.units[pan.order[:N0]], name="omega"),
        time_weights=pd.Series(lam, index=pan.times[:T0], name="lambda"),
        path=path,
        replications=reps_,
        treatment_start=pan.times[T0],
    )


@dataclass(frozen=True)
class _Panel:
    """Outcomes ``Y`` with control units first (``order`` maps rows to ``units``), pre-periods first."""

    Y: np.ndarray
    units: pd.Index
    times: pd.Index
    order: np.ndarray
    N0: int
    N1: int
    T0: int


def _check_arguments(*, se: str, estimator: str, level: float, reps: int) -> None:
    """Refuse unknown options, a level outside (0, 1) and fewer than 2 placebo draws."""
    check_option("synthetic_did", "se", se)
    check_option("synthetic_did", "estimator", estimator)
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1, not {level!r}")
    if int(reps) < 2:
        raise SpecificationError(f"reps must be at least 2, not {reps!r}")


def _prepare(data, *, outcome, unit, time, treated, exclude, donors) -> _Panel:
    """Wide outcome matrix of the block design, restricted to the control pool, controls first."""
    require_columns(data, [outcome, unit, time, treated])
    Yraw, units, times = wide_panel(data, value=outcome, unit=unit, time=time)
    ever, T0 = _block(data, treated, unit, time, units, times)
    if donors is not None or len(exclude or ()):
        keep = _control_pool(units, ever, exclude=exclude, donors=donors, unit=unit)
        Yraw, units, ever = Yraw[keep], units[keep], ever[keep]
    order = np.concatenate([np.flatnonzero(~ever), np.flatnonzero(ever)])
    N0, N1 = int((~ever).sum()), int(ever.sum())
    if T0 < 2:
        raise DataError(f"only {T0} pre-treatment period(s); at least 2 are needed", column=treated)
    if N0 < 2:
        raise DataError(f"only {N0} control unit(s); at least 2 are needed", column=treated)
    return _Panel(Y=Yraw[order], units=units, times=times, order=order, N0=N0, N1=N1, T0=T0)


def _placebo_se(
    pan: _Panel, estimator: Estimator, *, zeta_omega: float, zeta_lambda: float, reps: int, seed: int
) -> tuple[np.ndarray, float, bool]:
    """Algorithm 4: placebo estimates among the controls, their sd, and whether all were enumerated."""
    N0, N1, T0 = pan.N0, pan.N1, pan.T0
    if N0 <= N1:
        raise SpecificationError(
            f"placebo standard errors need more control units ({N0}) than treated units ({N1})"
        )
    Yc = pan.Y[:N0]
    if math.comb(N0, N1) <= reps:
        # The exact solver does not depend on the order of the control pool, so a placebo
        # is fixed by which controls play "treated": enumerate them all (the B -> infinity
        # limit of Algorithm 4, no Monte Carlo error).
        subsets = list(itertools.combinations(range(N0), N1))
        reps_ = np.empty(len(subsets))
        for r, sub in enumerate(subsets):
            rest = np.setdiff1d(np.arange(N0), sub)
            reps_[r] = _fit(Yc[np.concatenate([rest, sub])], N0 - N1, T0, estimator, zeta_omega, zeta_lambda)[
                0
            ]
        return reps_, float(np.std(reps_, ddof=0)), True
    rng = np.random.default_rng(seed)
    reps_ = np.empty(int(reps))
    for r in range(int(reps)):
        perm = rng.permutation(N0)
        reps_[r] = _fit(Yc[perm], N0 - N1, T0, estimator, zeta_omega, zeta_lambda)[0]
    return reps_, float(np.sqrt((reps - 1) / reps) * np.std(reps_, ddof=1)), False


def _jackknife_se(pan: _Panel, omega: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, float]:
    """Algorithm 3: leave one unit out with the weights kept fixed (omega renormalised)."""
    N0, N1, T0, Y = pan.N0, pan.N1, pan.T0, pan.Y
    if N1 < 2:
        raise SpecificationError("se='jackknife' needs more than one treated unit; use se='placebo'")
    n = N0 + N1
    reps_ = np.empty(n)
    for i in range(n):
        keep = np.delete(np.arange(n), i)
        n0 = N0 - (i < N0)
        om = np.delete(omega, i) if i < N0 else omega
        om = om / om.sum() if om.sum() > 0 else np.full(n0, 1 / n0)
        Yk = Y[keep]
        ytr = Yk[n0:].mean(axis=0)
        reps_[i] = (ytr[T0:].mean() - lam @ ytr[:T0]) - (
            om @ Yk[:n0, T0:].mean(axis=1) - om @ Yk[:n0, :T0] @ lam
        )
    return reps_, float(np.sqrt((n - 1) / n * np.sum((reps_ - reps_.mean()) ** 2)))


def _path(
    pan: _Panel, omega: np.ndarray, lam: np.ndarray, estimator: Estimator
) -> tuple[pd.DataFrame, np.ndarray]:
    """Treated mean, synthetic control (shifted by the time-weighted pre-period gap) and effect per period."""
    N0, T0, Y = pan.N0, pan.T0, pan.Y
    ytr = Y[N0:].mean(axis=0)
    synth = omega @ Y[:N0]
    pre_diff = ytr[:T0] - synth[:T0]
    shift = 0.0 if estimator == "sc" else float(lam @ pre_diff)
    path = pd.DataFrame(
        {
            "time": pan.times,
            "observed": ytr,
            "synthetic": synth,
            "synthetic_shifted": synth + shift,
            "effect": ytr - synth - shift,
            "post": np.arange(len(pan.times)) >= T0,
        }
    )
    return path, pre_diff


def _table(
    tau: float, se_val: float, ci: tuple[float, float], p: float, path: pd.DataFrame, *, times: pd.Index
) -> pd.DataFrame:
    """The ATT row and one effect row per post period."""
    rows = [
        {
            "term": "att",
            "estimate": tau,
            "std_error": se_val,
            "statistic": tau / se_val if se_val > 0 else math.nan,
            "p_value": p,
            "ci_low": ci[0],
            "ci_high": ci[1],
            "time": None,
        }
    ]
    post = path["post"].to_numpy()
    for t, e in zip(times[post], path["effect"][post], strict=True):
        rows.append({"term": f"effect[{t}]", "estimate": float(e), "time": t})
    return tidy_frame(rows)


def _diagnostics(
    pan: _Panel, omega, pre_diff, *, estimator, se, se_val, n_reps: int, enumerated: bool
) -> list[Diagnostic]:
    """Pre-period fit, effective number of controls, placebo replications, few treated (jackknife)."""
    N0, N1, T0, Y = pan.N0, pan.N1, pan.T0, pan.Y
    diagnostics = []
    # the omega intercept is the unweighted pre-period mean difference (sc has none)
    dev = pre_diff if estimator == "sc" else pre_diff - pre_diff.mean()
    fit_rmse = float(np.sqrt(np.mean(dev**2)))
    sd = float(np.std(Y[:, :T0], ddof=1))
    rel = fit_rmse / sd if sd > 0 else math.inf
    diagnostics.append(
        Diagnostic(
            "pre_fit",
            rel,
            "ok" if rel < 0.1 else "warn",
            f"Pre-period RMSE of treated minus synthetic control (after the intercept) is {fit_rmse:.3g}, "
            f"{rel:.1%} of the outcome's pre-period sd"
            + ("." if rel < 0.1 else "; the weighted controls do not track the treated units in parallel."),
            f"Avvik før tiltaket er {format_percent(rel, 1, 'nb')} av utfallets standardavvik.",
        )
    )
    eff_n = float(1 / np.sum(omega**2))
    diagnostics.append(
        Diagnostic(
            "effective_controls",
            eff_n,
            "info",
            f"The unit weights are spread over about {eff_n:.1f} control units (1/sum omega^2) of {N0}.",
            f"Vektene er spredt på om lag {format_number(eff_n, 1, 'nb')} av {N0} kontrollenheter.",
        )
    )
    if se == "placebo":
        diagnostics.append(_placebo_diagnostic(n_reps, N1, se_val, enumerated))
    if N1 < 5 and se == "jackknife":
        diagnostics.append(
            Diagnostic(
                "few_treated",
                N1,
                "warn",
                "Jackknife with fewer than 5 treated units is unreliable.",
                "Jackknife med under 5 behandlede enheter er usikkert.",
            )
        )
    return diagnostics


def _placebo_diagnostic(B: int, N1: int, se_val: float, enumerated: bool) -> Diagnostic:
    """How many placebo assignments the se rests on, and its Monte Carlo error when they were drawn."""
    if enumerated:
        txt = (
            f"Placebo se from all {B} assignments of {N1} control unit(s) as placebo-treated "
            "(exact limit of the placebo procedure, no Monte Carlo error)."
        )
    else:
        mc = se_val / math.sqrt(2 * (B - 1))
        txt = (
            f"Placebo se from {B} random placebo assignments; its Monte Carlo error is about "
            f"{mc:.2g} (se/sqrt(2(B-1)) under normality; more with heavy tails)."
        )
    return Diagnostic(
        "placebo_replications",
        B,
        "info" if B >= 30 else "warn",
        txt + " Placebo inference assumes treated and control units have the same noise variance.",
        f"Placebo-standardfeil fra {B} placebo-tildelinger.",
    )


def _notes(se: str, N0: int, *, exclude, donors) -> tuple[str, ...]:
    """Assumptions, the standard errors used and the control pool."""
    notes = (
        "Block design: all treated units start in the same period and stay treated; no anticipation.",
        "No interference between units.",
        "Untreated outcomes follow a latent factor model that the unit and time weights balance up to a "
        "constant (the intercepts absorb level differences).",
        "Placebo se assumes the noise of treated and control units is alike; jackknife se needs several "
        "treated units."
        if se == "placebo"
        else "Jackknife se keeps the weights fixed (synthdid's default) "
        "and is unreliable with few treated units.",
        "Weights solved exactly (active set) rather than by synthdid's Frank-Wolfe with early stopping.",
        "mde = 2.8 x se (80 % power, 5 % two-sided, normal approximation).",
    )
    if donors is not None or len(exclude or ()):
        notes += (
            f"Control pool: {N0} units"
            + (" restricted to the units listed in donors" if donors is not None else "")
            + (
                f", excluding {', '.join(map(str, exclude))} (possible spill-over)"
                if len(exclude or ())
                else ""
            )
            + ".",
        )
    return notes
