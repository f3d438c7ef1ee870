"""Diagnostics of :func:`fou_analysis.effects.synthetic_control.synthetic_control`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from fou_analysis.effects._result import Diagnostic


def sc_diagnostics(
    Y: np.ndarray,
    pre: np.ndarray,
    i1: int,
    donors: np.ndarray,
    w: np.ndarray,
    pre_rmspe: float,
    estimate: float,
    J: int,
    alpha: float,
    loo: pd.DataFrame,
    placebo: bool,
    p_value: float,
    ci: tuple[float, float],
) -> list[Diagnostic]:
    out = []
    sd = float(np.std(Y[:, pre], ddof=1))
    rel = pre_rmspe / sd if sd > 0 else math.inf
    verdict = "ok" if rel < 0.1 else ("warn" if rel < 0.5 else "fail")
    out.append(
        Diagnostic(
            "pre_fit",
            rel,
            verdict,
            f"Pre-period RMSPE {pre_rmspe:.3g} is {rel:.1%} of the outcome's pre-period sd ({sd:.3g}); "
            + (
                "the synthetic unit tracks the treated unit."
                if verdict == "ok"
                else "poor pre-period fit: "
                "the synthetic unit does not reproduce the treated unit's path, so the gap after "
                "treatment is not a credible effect."
            ),
            f"RMSPE før tiltaket er {rel:.1%} av utfallets standardavvik; "
            + ("god tilpasning." if verdict == "ok" else "dårlig tilpasning før tiltaket."),
        )
    )
    y1 = Y[i1, pre]
    Yd = Y[donors][:, pre]
    outside = (y1 > Yd.max(axis=0)) | (y1 < Yd.min(axis=0))
    share = float(outside.mean())
    verdict = "ok" if share < 0.2 else ("warn" if share < 1 else "fail")
    out.append(
        Diagnostic(
            "convex_hull",
            share,
            verdict,
            f"The treated unit is above every donor or below every donor in {outside.sum()} of "
            f"{pre.sum()} pre-periods"
            + (
                "."
                if verdict == "ok"
                else "; it lies outside the donors' range, which no convex "
                "combination can reach (consider synthetic DiD, which allows an intercept)."
            ),
            f"Den behandlede enheten ligger utenfor donorenes spenn i {outside.sum()} av {pre.sum()} perioder.",
        )
    )
    res = 1 / (J + 1)
    out.append(
        Diagnostic(
            "permutation_resolution",
            res,
            "info" if res <= alpha else "warn",
            f"With {J} donors the smallest attainable p-value is 1/{J + 1} = {res:.3f}"
            + ("." if res <= alpha else f", above {alpha:g}: no effect can be significant at this level."),
            f"Med {J} donorer er minste mulige p-verdi {res:.3f}.",
        )
    )
    if len(loo):
        lo, hi = float(loo["estimate"].min()), float(loo["estimate"].max())
        lo, hi = min(lo, estimate), max(hi, estimate)
        sign_flip = lo < 0 < hi
        verdict = "warn" if sign_flip or (hi - lo) > abs(estimate) else "ok"
        out.append(
            Diagnostic(
                "leave_one_out",
                hi - lo,
                verdict,
                f"Dropping one donor with non-zero weight at a time ({len(loo)} re-fits) moves the "
                f"estimate within [{lo:.3g}, {hi:.3g}]"
                + ("." if verdict == "ok" else "; the estimate depends on single donors."),
                f"Uten én donor om gangen ligger anslaget mellom {lo:.3g} og {hi:.3g}.",
            )
        )
    n_pos = int((w > 0.01).sum())
    out.append(
        Diagnostic(
            "weights",
            n_pos,
            "info",
            f"{n_pos} donors carry weight above 1%; largest weight {w.max():.3f}.",
            f"{n_pos} donorer har vekt over 1 %; største vekt {w.max():.3f}.",
        )
    )
    if placebo and not (np.isfinite(ci[0]) and np.isfinite(ci[1])):
        out.append(
            Diagnostic(
                "interval",
                None,
                "info",
                "The placebo-inverted interval is unbounded (too few donors for this level)"
                if np.isinf(ci[0])
                else "No constant effect is consistent with the placebo distribution (the post-period "
                "gaps vary more than any placebo's); the interval is empty.",
                "Intervallet kan ikke avgrenses med disse donorene.",
            )
        )
    return out
