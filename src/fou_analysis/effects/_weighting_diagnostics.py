"""Diagnostics of :func:`fou_analysis.effects.weighting`: one function per check.

Common support of the propensity score, covariate balance after weighting (|SMD| > ``SMD_TARGET``
is flagged), effective sample size (Kish), the largest single weight, convergence of the
propensity model and the complete cases; each returns a :class:`Diagnostic` with nb and en text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fou_analysis.effects._result import Diagnostic
from fou_analysis.formatting import format_number, format_percent

SMD_TARGET = 0.1

_GROUP_NB = {"treated": "tiltaksgruppen", "comparison": "sammenligningsgruppen"}


@dataclass(frozen=True)
class DiagnosticInputs:
    """What the diagnostics read: propensity ``e``, treatment ``t``, raw weights ``w``, the
    overlap and balance tables, convergence, and the row counts (input, complete, trimmed)."""

    e: np.ndarray
    t: np.ndarray
    w: np.ndarray
    overlap: pd.DataFrame
    balance: pd.DataFrame
    converged: bool
    n_input: int
    n_complete: int
    n_trimmed: int


def diagnostics(inp: DiagnosticInputs) -> tuple[Diagnostic, ...]:
    """One :class:`Diagnostic` per check, in the order the report lists them."""
    return (
        _common_support(inp.e, inp.overlap),
        _balance_check(inp.balance),
        _effective_sample_size(inp.overlap),
        _max_weight_share(inp.w, inp.t),
        _propensity_model(inp.converged),
        _complete_cases_check(inp.n_input, inp.n_complete, inp.n_trimmed),
    )


def _common_support(e: np.ndarray, overlap: pd.DataFrame) -> Diagnostic:
    lo = max(overlap.loc["treated", "ps_min"], overlap.loc["comparison", "ps_min"])
    hi = min(overlap.loc["treated", "ps_max"], overlap.loc["comparison", "ps_max"])
    outside = float(np.mean((e < lo) | (e > hi)))
    verdict = "ok" if outside <= 0.02 else ("warn" if outside <= 0.10 else "fail")
    return Diagnostic(
        "common_support",
        round(outside, 4),
        verdict,
        f"{outside:.1%} of units lie outside the common support of the propensity score "
        f"[{lo:.3f}, {hi:.3f}] (treated {overlap.loc['treated', 'ps_min']:.3f}–"
        f"{overlap.loc['treated', 'ps_max']:.3f}, comparison {overlap.loc['comparison', 'ps_min']:.3f}–"
        f"{overlap.loc['comparison', 'ps_max']:.3f}).",
        f"{format_percent(outside, 1, 'nb')} av enhetene ligger utenfor felles støtte for tilbøyelighetsskåren "
        f"[{format_number(lo, 3, 'nb')}; {format_number(hi, 3, 'nb')}].",
    )


def _balance_check(balance: pd.DataFrame) -> Diagnostic:
    worst = float(balance["smd_after"].abs().max())
    bad = balance.index[balance["smd_after"].abs() > SMD_TARGET].tolist()
    return Diagnostic(
        "balance",
        round(worst, 4),
        "warn" if bad else "ok",
        f"largest |SMD| after weighting {worst:.3f}"
        + (
            f"; above {SMD_TARGET:g} for {', '.join(map(str, bad))}."
            if bad
            else f" (all below {SMD_TARGET:g})."
        ),
        f"største |SMD| etter vekting {format_number(worst, 3, 'nb')}"
        + (
            f"; over {format_number(SMD_TARGET, 1, 'nb')} for noen kovariater."
            if bad
            else f" (alle under {format_number(SMD_TARGET, 1, 'nb')})."
        ),
    )


def _effective_sample_size(overlap: pd.DataFrame) -> Diagnostic:
    ess_share = {g: overlap.loc[g, "ess"] / overlap.loc[g, "n"] for g in overlap.index}
    low = [g for g, s in ess_share.items() if s < 0.3]
    return Diagnostic(
        "effective_sample_size",
        round(min(ess_share.values()), 4),
        "warn" if low else "ok",
        "effective sample size after weighting: "
        + ", ".join(f"{g} {overlap.loc[g, 'ess']:.0f} of {overlap.loc[g, 'n']}" for g in overlap.index)
        + (" — a few units carry much of the weight." if low else "."),
        "effektiv utvalgsstørrelse etter vekting: "
        + ", ".join(
            f"{_GROUP_NB.get(g, g)} {format_number(overlap.loc[g, 'ess'], 0, 'nb')} av {overlap.loc[g, 'n']}"
            for g in overlap.index
        ),
    )


def _max_weight_share(w: np.ndarray, t: np.ndarray) -> Diagnostic:
    wmax_share = max(float(w[t == g].max() / w[t == g].sum()) for g in (0, 1))
    return Diagnostic(
        "max_weight_share",
        round(wmax_share, 4),
        "warn" if wmax_share > 0.10 else "ok",
        f"the largest single weight is {wmax_share:.1%} of its group's total weight "
        f"(weights {float(w.min()):.3g} to {float(w.max()):.3g}).",
        f"den største enkeltvekten er {format_percent(wmax_share, 1, 'nb')} av gruppens samlede vekt.",
    )


def _propensity_model(converged: bool) -> Diagnostic:
    return Diagnostic(
        "propensity_model",
        "converged" if converged else "not converged",
        "ok" if converged else "fail",
        "logistic propensity model " + ("converged." if converged else "did not converge (separation?)."),
        "logistisk modell for tilbøyelighetsskåren " + ("konvergerte." if converged else "konvergerte ikke."),
    )


def _complete_cases_check(n_input: int, n_complete: int, n_trimmed: int) -> Diagnostic:
    dropped = n_input - n_complete
    return Diagnostic(
        "complete_cases",
        n_complete,
        "info",
        f"{n_complete} of {n_input} rows complete; {dropped} dropped for missing values"
        + (f"; {n_trimmed} trimmed for extreme propensity." if n_trimmed else "."),
        f"{n_complete} av {n_input} rader komplette; {dropped} utelatt for manglende verdier"
        + (f"; {n_trimmed} trimmet." if n_trimmed else "."),
    )
