"""Diagnostics of :func:`fou_analysis.effects.survival`: one function per check.

Proportional hazards (Schoenfeld residuals against the event-time rank) and events per model
term when a Cox model was fitted; the censoring share and the median survival per group always;
each returns a :class:`Diagnostic` with nb and en text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.effects._result import Diagnostic
from fou_analysis.formatting import format_number, format_p, format_percent, format_significant


def diagnostics(
    *, ph: pd.DataFrame, n_terms: int, n_events: int, n: int, med_rows: Sequence[Mapping[str, Any]]
) -> tuple[Diagnostic, ...]:
    """Proportional hazards and events per term (when a Cox model was fitted), censoring, medians."""
    diags = []
    if len(ph):
        diags += [_proportional_hazards(ph), _events_per_term(n_events, n_terms)]
    diags += [_censoring(n_events, n), _median_survival(med_rows)]
    return tuple(diags)


def _proportional_hazards(ph: pd.DataFrame) -> Diagnostic:
    viol = ph.index[ph["p_value"] < 0.05].tolist()
    pmin = float(ph["p_value"].min()) if ph["p_value"].notna().any() else float("nan")
    return Diagnostic(
        "proportional_hazards",
        round(pmin, 4) if np.isfinite(pmin) else None,
        "warn" if viol else "ok",
        (
            "Schoenfeld residuals trend with time for "
            + ", ".join(viol)
            + ": the hazard ratio may change over follow-up."
            if viol
            else f"no trend of Schoenfeld residuals with time (smallest p = {pmin:.3g})."
        ),
        (
            "Schoenfeld-residualene endrer seg over tid for "
            + ", ".join(viol)
            + ": hasardraten er kanskje ikke konstant."
            if viol
            else f"ingen trend i Schoenfeld-residualene over tid (minste p = {format_p(pmin, 'nb')})."
        ),
    )


def _events_per_term(n_events: int, n_terms: int) -> Diagnostic:
    epv = n_events / max(n_terms, 1)
    return Diagnostic(
        "events_per_term",
        round(epv, 1),
        "warn" if epv < 10 else "ok",
        f"{n_events} events for {n_terms} model term(s) ({epv:.1f} per term"
        + ("; fewer than 10: the Cox estimates may be unstable)." if epv < 10 else ")."),
        f"{n_events} hendelser for {n_terms} modelledd ({format_number(epv, 1, 'nb')} per ledd).",
    )


def _censoring(n_events: int, n: int) -> Diagnostic:
    censored = 1 - n_events / n
    return Diagnostic(
        "censoring",
        round(censored, 4),
        "info",
        f"{n_events} events among {n} people; {censored:.0%} censored.",
        f"{n_events} hendelser blant {n} personer; {format_percent(censored, 0, 'nb')} sensurert.",
    )


def _median_survival(med_rows: Sequence[Mapping[str, Any]]) -> Diagnostic:
    meds = "; ".join(
        f"{m['group']}: " + (f"{m['median']:.3g}" if np.isfinite(m["median"]) else "not reached")
        for m in med_rows
    )
    meds_nb = "; ".join(
        f"{m['group']}: "
        + (format_significant(m["median"], 3, "nb") if np.isfinite(m["median"]) else "ikke nådd")
        for m in med_rows
    )
    return Diagnostic(
        "median_survival",
        None,  # the groups' medians are in the texts, in each language's number format
        "info",
        f"median time to event — {meds}.",
        f"median tid til hendelse — {meds_nb}.",
    )
