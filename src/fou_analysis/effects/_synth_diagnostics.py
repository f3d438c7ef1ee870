"""Diagnostics of :func:`fou_analysis.effects.synthetic_control.synthetic_control`.

Over-fitting (interpolation) rule
    A pre-period fit is not evidence when it is *too* good: with at least as many donors as
    fitted quantities (pre-periods, or predictors), a point inside the donors' convex hull is
    reproduced exactly by some weights whatever the donors have in common with the treated unit
    (Abadie 2021, JEL 59(2), sec. 4: "over-fitting" and interpolation biases). Real outcomes
    carry noise, so a synthetic unit that tracks one to a pre-RMSPE below
    :data:`OVERFIT_REL` (1 %) of the outcome's pre-period sd while ``J >= fitted quantities``
    has fitted the noise too. The ``pre_fit`` check is then ``warn`` ("over-fitting"), never
    ``ok``: restrict the donor pool (``exclude``, ``donors``, ``nearest``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fou_analysis.effects._result import Diagnostic
from fou_analysis.formatting import format_number, format_percent

#: Pre-RMSPE below this share of the outcome's pre-period sd, with J >= fitted quantities,
#: is over-fitting (see the module docstring).
OVERFIT_REL = 0.01
#: The donors shown: weight at least this, at most :data:`TOP_DONORS_MAX` of them.
TOP_DONOR_WEIGHT = 0.01
TOP_DONORS_MAX = 10


def top_donors(weights: pd.Series, names: pd.Series | None = None) -> pd.DataFrame:
    """Donors with weight >= 1 %, largest first, at most 10: ``unit, name, weight``."""
    w = weights[weights >= TOP_DONOR_WEIGHT].sort_values(ascending=False, kind="stable")
    w = w.iloc[:TOP_DONORS_MAX]
    nm = names if names is not None else pd.Series(dtype=object)
    return pd.DataFrame(
        {
            "unit": list(w.index),
            "name": [str(nm.get(u, u)) for u in w.index],
            "weight": w.to_numpy(dtype=float),
        }
    )


def _g(x: float, lang: str) -> str:
    """Three significant digits; decimal comma and a true minus sign in Norwegian."""
    s = f"{x:.3g}"
    return s.replace("-", "−").replace(".", ",") if lang == "nb" else s


def _donor_list(top: pd.DataFrame, lang: str) -> str:
    return ", ".join(
        f"{n} {format_number(x, 2, lang)}" for n, x in zip(top["name"], top["weight"], strict=True)
    )


@dataclass(frozen=True)
class ScFit:
    """The fitted synthetic control the diagnostics look at.

    ``Y`` units by periods (treated row ``i1``, donor rows ``donors``), ``pre`` the pre-period
    mask, ``w`` the donor weights, ``n_fitted`` the number of fitted pre-period quantities,
    ``names`` the donors' display names (None: their positions).
    """

    Y: np.ndarray
    pre: np.ndarray
    i1: int
    donors: np.ndarray
    w: np.ndarray
    pre_rmspe: float
    estimate: float
    n_fitted: int
    names: list[str] | None = None

    @property
    def J(self) -> int:
        """Number of donors."""
        return len(self.donors)


def sc_diagnostics(
    fit: ScFit,
    *,
    alpha: float,
    loo: pd.DataFrame,
    placebo: bool,
    ci: tuple[float, float],
) -> list[Diagnostic]:
    """Pre-period fit, convex hull, permutation resolution, leave-one-out, weights, interval."""
    out = [_pre_fit(fit), _convex_hull(fit), _resolution(fit.J, alpha)]
    if len(loo):
        out.append(_leave_one_out(loo, fit.estimate))
    out.append(_weights(fit))
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


def _pre_fit(fit: ScFit) -> Diagnostic:
    """Pre-RMSPE relative to the outcome's pre-period sd; over-fitting per the module's rule."""
    J, n_fitted, pre_rmspe = fit.J, fit.n_fitted, fit.pre_rmspe
    sd = float(np.std(fit.Y[:, fit.pre], ddof=1))
    rel = pre_rmspe / sd if sd > 0 else math.inf
    overfit = rel < OVERFIT_REL and J >= n_fitted
    verdict = "warn" if overfit else ("ok" if rel < 0.1 else ("warn" if rel < 0.5 else "fail"))
    share_en, share_nb = f"{rel:.1%}", format_percent(rel, 1, "nb")
    head_en = f"Pre-period RMSPE {pre_rmspe:.3g} is {share_en} of the outcome's pre-period sd ({sd:.3g}); "
    head_nb = (
        f"RMSPE før tiltaket er {_g(pre_rmspe, 'nb')}, {share_nb} av utfallets "
        f"standardavvik før tiltaket ({_g(sd, 'nb')}); "
    )
    if overfit:
        en = (
            f"over-fitting: with {J} donors for {n_fitted} fitted pre-period quantities the weights "
            "can interpolate any path inside the donors' range, so a near-perfect fit is not evidence "
            "that the synthetic unit is a good comparison. Restrict the donor pool to similar units "
            "(exclude, donors, nearest; Abadie 2021)."
        )
        nb = (
            f"overtilpasning: med {J} donorer og {n_fitted} tilpassede størrelser før tiltaket kan "
            "vektene interpolere nesten hvilken som helst kurve, så en nesten perfekt tilpasning "
            "viser ikke at den syntetiske enheten er en god sammenligning. Begrens donorgruppen til "
            "lignende enheter."
        )
    elif verdict == "ok":
        en, nb = "the synthetic unit tracks the treated unit.", "god tilpasning."
    else:
        en = (
            "poor pre-period fit: the synthetic unit does not reproduce the treated unit's path, so "
            "the gap after treatment is not a credible effect."
        )
        nb = "dårlig tilpasning før tiltaket."
    return Diagnostic("pre_fit", rel, verdict, head_en + en, head_nb + nb)


def _convex_hull(fit: ScFit) -> Diagnostic:
    """Share of pre-periods where the treated unit is above or below every donor."""
    pre = fit.pre
    y1 = fit.Y[fit.i1, pre]
    Yd = fit.Y[fit.donors][:, pre]
    outside = (y1 > Yd.max(axis=0)) | (y1 < Yd.min(axis=0))
    share = float(outside.mean())
    verdict = "ok" if share < 0.2 else ("warn" if share < 1 else "fail")
    return Diagnostic(
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


def _resolution(J: int, alpha: float) -> Diagnostic:
    """The smallest attainable placebo p-value, 1/(J + 1)."""
    res = 1 / (J + 1)
    return Diagnostic(
        "permutation_resolution",
        res,
        "info" if res <= alpha else "warn",
        f"With {J} donors the smallest attainable p-value is 1/{J + 1} = {res:.3f}"
        + ("." if res <= alpha else f", above {alpha:g}: no effect can be significant at this level."),
        f"Med {J} donorer er minste mulige p-verdi {format_number(res, 3, 'nb')}.",
    )


def _leave_one_out(loo: pd.DataFrame, estimate: float) -> Diagnostic:
    """Range of the estimate when one donor with non-zero weight is dropped at a time."""
    lo, hi = float(loo["estimate"].min()), float(loo["estimate"].max())
    lo, hi = min(lo, estimate), max(hi, estimate)
    sign_flip = lo < 0 < hi
    verdict = "warn" if sign_flip or (hi - lo) > abs(estimate) else "ok"
    return Diagnostic(
        "leave_one_out",
        hi - lo,
        verdict,
        f"Dropping one donor with non-zero weight at a time ({len(loo)} re-fits) moves the "
        f"estimate within [{lo:.3g}, {hi:.3g}]"
        + ("." if verdict == "ok" else "; the estimate depends on single donors."),
        f"Uten én donor om gangen ligger anslaget mellom {_g(lo, 'nb')} og {_g(hi, 'nb')}.",
    )


def _weights(fit: ScFit) -> Diagnostic:
    """How many donors carry weight above 1 %, and the largest weights by name."""
    w = fit.w
    n_pos = int((w > 0.01).sum())
    idx = list(range(len(w))) if fit.names is None else fit.names
    top = top_donors(pd.Series(w, index=pd.Index(idx, dtype=object)))
    return Diagnostic(
        "weights",
        n_pos,
        "info",
        f"{n_pos} of {fit.J} donors carry weight above 1%; largest weights: {_donor_list(top, 'en')}.",
        f"{n_pos} av {fit.J} donorer har vekt over 1 %; største vekter: {_donor_list(top, 'nb')}.",
    )
