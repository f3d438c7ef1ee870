"""Aggregation, inference and diagnostics for :func:`~fou_analysis.effects.staggered_did`.

``aggregate``: cohort-size weighted means of ATT(g,t) with their influence function, including
the estimation of the weights (as ``did::aggte``); ``sup_t``: the critical value of a uniform band
by a Rademacher multiplier bootstrap of the influence functions; ``wald``: χ² test with the IF
covariance (pre-trend test of the placebo cells); ``diagnostics``; ``overlap_diagnostic`` (propensity
score range of the doubly robust cells when there are covariates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects import _did_common as dc
from fou_analysis.effects._result import Diagnostic


def aggregate(gt: pd.DataFrame, psi: np.ndarray, keep: np.ndarray, g: np.ndarray) -> tuple[float, np.ndarray]:
    """Cohort-size weighted mean of the kept ATT(g,t) and its influence function.

    The IF includes the estimation of the weights (``did::aggte``'s ``wif``).
    """
    att = gt["estimate"].to_numpy()[keep]
    pgk = gt["pg"].to_numpy()[keep]
    grp = gt["group"].to_numpy()[keep]
    s = pgk.sum()
    w = pgk / s
    ind = (g[:, None] == grp[None, :]).astype(float)  # n × kept cells
    if1 = (ind - pgk) / s
    if2 = (ind - pgk).sum(axis=1)[:, None] * (pgk / s**2)[None, :]
    psi_agg = psi[:, keep] @ w + (if1 - if2) @ att
    return float(w @ att), psi_agg


def sup_t(psi: np.ndarray, se: np.ndarray, n: int, reps: int, seed: int, level: float) -> float:
    """Sup-t critical value by a Rademacher multiplier bootstrap of the influence functions."""
    ok = se > 0
    if reps < 1 or not ok.any():
        return float(stats.norm.ppf(0.5 + level / 2))
    rng = np.random.default_rng(seed)
    maxes = []
    chunk = max(1, 2_000_000 // max(n, 1))
    for r0 in range(0, reps, chunk):
        v = rng.choice(np.array([-1.0, 1.0]), size=(min(chunk, reps - r0), n))
        boot = v @ psi[:, ok] / n
        maxes.append(np.max(np.abs(boot) / se[ok], axis=1))
    return float(np.quantile(np.concatenate(maxes), level))


def wald(b: np.ndarray, psi: np.ndarray, n: int) -> dict[str, float]:
    q = b.size
    if q == 0:
        return {"statistic": float("nan"), "df": 0, "p_value": float("nan")}
    v = psi.T @ psi / n**2
    w = float(b @ np.linalg.pinv(v) @ b)
    return {"statistic": w, "df": q, "p_value": float(stats.chi2.sf(w, q))}


def diagnostics(pre, n_never, groups, no_control, control, dropped) -> list[Diagnostic]:
    out = []
    if pre["df"]:
        en, nb = dc.pretrend_text(
            pre["p_value"],
            (
                f"Wald test that all {pre['df']} pre-period ATT(g,t) are zero"
                if pre.get("scope") == "cells"
                else f"Wald test that the event-time effects of the last {pre['df']} periods before the start are zero"
            ),
        )
        out.append(Diagnostic("pre_trend", pre["p_value"], dc.pretrend_verdict(pre["p_value"]), en, nb))
    else:
        out.append(
            Diagnostic(
                "pre_trend",
                None,
                "info",
                "No pre-period placebo cells: pre-trends not testable.",
                "Ingen placebo-perioder før tiltaket: trender kan ikke testes.",
            )
        )
    verdict = "ok" if n_never >= 5 or control == "notyet" else "warn"
    out.append(
        Diagnostic(
            "never_treated",
            n_never,
            verdict,
            f"{n_never} never-treated units"
            + (
                "; with so few controls the analytic standard errors are unreliable."
                if verdict == "warn"
                else "."
            ),
            f"{n_never} enheter som aldri fikk tiltaket.",
        )
    )
    out.append(
        Diagnostic(
            "cohorts",
            int(groups.size),
            "info" if no_control == 0 else "warn",
            f"{groups.size} adoption cohorts"
            + (
                f"; {no_control} group-time cells had no control units and were skipped."
                if no_control
                else "."
            ),
            f"{groups.size} kohorter.",
        )
    )
    if dropped:
        out.append(
            Diagnostic(
                "dropped_units",
                dropped,
                "info",
                f"{dropped} units dropped (see notes).",
                f"{dropped} enheter utelatt.",
            )
        )
    return out


def overlap_diagnostic(cells: list) -> Diagnostic:
    """Overlap of the doubly robust cells: the range of the estimated propensity scores.

    ``cells`` are :class:`~fou_analysis.effects._staggered_dr.DRCell`. Warns when a score
    exceeds :data:`~fou_analysis.effects._staggered_dr.OVERLAP_WARN` (a comparison unit then
    stands for about 100 or more) or comparison units were trimmed; fails when a score reaches
    the cap (numerically 1: units without any comparable unit) or a logit did not converge.
    """
    from fou_analysis.effects._staggered_dr import OVERLAP_WARN, PS_CAP, TRIM_LEVEL
    from fou_analysis.formatting import format_number

    lo = min(c.ps_min for c in cells)
    hi = max(c.ps_max for c in cells)
    trimmed = sum(c.n_trimmed for c in cells)
    trimmed_cells = sum(c.n_trimmed > 0 for c in cells)
    failed = sum(not c.converged for c in cells)
    # a score at the cap (numerically 1) or a failed logit: some units have no comparable units
    # at all, the overlap assumption is contradicted (csdid gives no estimate for such cells)
    verdict = "fail" if hi >= PS_CAP or failed else "warn" if hi > OVERLAP_WARN or trimmed else "ok"
    en = (
        f"Propensity scores (cohort against its comparison units) lie between {lo:.3f} and {hi:.3f} "
        f"over {len(cells)} group-time cells"
    )
    nb = (
        f"Tilbøyelighetsskårene (kohort mot sammenligningsenhetene) ligger mellom {format_number(lo, 3, 'nb')} "
        f"og {format_number(hi, 3, 'nb')} i {len(cells)} gruppe–tid-celler"
    )
    if trimmed:
        en += f"; {trimmed} comparison units with a score of {TRIM_LEVEL:g} or more were left out in {trimmed_cells} cells"
        nb += (
            f"; {trimmed} sammenligningsenheter med skår på {format_number(TRIM_LEVEL, 3, 'nb')} eller mer "
            f"ble utelatt i {trimmed_cells} celler"
        )
    if failed:
        en += f"; the logit did not converge in {failed} cells (separation?)"
        nb += f"; logit-modellen konvergerte ikke i {failed} celler (perfekt separasjon?)"
    if verdict != "ok":
        en += (
            ": weak overlap: some units have almost no comparable units in the other group, and comparison "
            "units near such scores carry very large weights; consider fewer or coarser covariates."
        )
        nb += (
            ": svak overlapp: noen enheter har nesten ingen sammenlignbare enheter i den andre gruppen, og "
            "sammenligningsenheter med slike skårer får svært stor vekt; vurder færre eller grovere kovariater."
        )
    else:
        en += ": adequate overlap."
        nb += ": tilstrekkelig overlapp."
    return Diagnostic("overlap", round(hi, 4), verdict, en, nb)
