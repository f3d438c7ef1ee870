"""Aggregation, inference and diagnostics for :func:`~fou_analysis.effects.staggered_did`.

``aggregate``: cohort-size weighted means of ATT(g,t) with their influence function, including
the estimation of the weights (as ``did::aggte``); ``sup_t``: the critical value of a uniform band
by a Rademacher multiplier bootstrap of the influence functions; ``wald``: χ² test with the IF
covariance (pre-trend test of the placebo cells); ``diagnostics``.
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
