"""Shared arithmetic of the SROI calculation: inputs as arrays, and the vectorised present value.

It also holds the **deadweight rule**, so that every entry point (``sroi``, ``simulate``,
``tornado``, ``break_even``) applies it the same way, whether a case plan or a notebook calls it:
a quantity that is an estimated effect is a contrast with a counterfactual, so deadweight is
already netted out and set to 0 — *unless* the effect comes from a design without a comparison
group (:data:`BEFORE_AFTER_DESIGNS`, a before/after change on the same people), whose quantity
keeps its deadweight. The effect says which design it comes from by its ``method``.

The deterministic :func:`~fou_analysis.value.sroi` builds an explicit outcome × year table (it is
what a reader checks); simulation, tornado and break-even use the closed form below, which gives
the same number without the year axis (tests check that the two agree).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.config import COUNTERFACTUAL_DESIGNS, DESIGNS
from fou_analysis.exceptions import SpecificationError
from fou_analysis.value.bank import load_price_index, to_base_year
from fou_analysis.value.impact_map import SHARES, ImpactMap

#: Effect designs whose estimate is a before/after change on the same people, not a contrast with
#: a counterfactual: a quantity taken from one keeps its deadweight.
BEFORE_AFTER_DESIGNS = frozenset(DESIGNS) - COUNTERFACTUAL_DESIGNS


@dataclass(frozen=True)
class Inputs:
    """One impact map as arrays (length = rows), proxies in base-year prices.

    ``q`` is the quantity before the multiplier; ``q_se`` the effect's standard error (NaN for
    numbers typed into the map); ``netted`` marks rows whose quantity is an effect estimate, for
    which the deadweight arrays are zero; ``before_after`` marks rows whose quantity is an
    effect from a before/after design (:data:`BEFORE_AFTER_DESIGNS`), which keep their
    deadweight; ``designs`` is each row's effect design (``""`` for numbers in the map);
    ``labels_en`` are the rows' labels in English.
    """

    labels: tuple[str, ...]
    q: np.ndarray
    q_se: np.ndarray
    q_low: np.ndarray
    q_high: np.ndarray
    mult: np.ndarray
    p: np.ndarray
    p_low: np.ndarray
    p_high: np.ndarray
    shares: dict[str, np.ndarray]
    shares_low: dict[str, np.ndarray]
    shares_high: dict[str, np.ndarray]
    dur: np.ndarray
    netted: np.ndarray
    deadweight_input: np.ndarray
    base_year: int
    before_after: np.ndarray | None = None
    designs: tuple[str, ...] = ()
    #: ``labels`` in English (the same texts where the map has no English ones)
    labels_en: tuple[str, ...] = ()


def _effect_parts(effect: Any, key: str) -> tuple[float, float]:
    """(estimate, standard error) of an effect-like object; se from the CI when missing."""
    if isinstance(effect, int | float) and not isinstance(effect, bool):
        return float(effect), 0.0
    try:
        est = float(effect.estimate)
    except (AttributeError, TypeError, ValueError) as err:
        raise SpecificationError(f"effects[{key!r}] has no numeric .estimate") from err
    se = float(getattr(effect, "se", float("nan")))
    if not math.isfinite(se):
        ci = getattr(effect, "ci", None)
        level = float(getattr(effect, "level", 0.95))
        if ci is not None and all(math.isfinite(float(c)) for c in ci):
            from scipy import stats

            z = float(stats.norm.ppf(0.5 + level / 2))
            se = (float(ci[1]) - float(ci[0])) / (2 * z)
        else:
            se = float("nan")
    if not math.isfinite(est):
        raise SpecificationError(f"effects[{key!r}].estimate is not finite")
    return est, se


def effect_design(effect: Any) -> str:
    """The design an effect comes from (its ``method``, e.g. ``"prepost"``); ``""`` when the
    effect does not say (a plain number, a duck-typed object)."""
    method = getattr(effect, "method", "")
    return method if isinstance(method, str) else ""


def resolve_quantities(imap: ImpactMap, effects: Mapping[str, Any] | None) -> pd.DataFrame:
    """Per row: ``q`` (central quantity before the multiplier), ``q_se`` (effect standard error,
    NaN for map numbers), ``q_low``/``q_high`` (map range), ``q_source`` in words and
    ``q_design`` (the effect's design, ``""`` for map numbers)."""
    t = imap.table
    q = t["quantity"].to_numpy(dtype=float).copy()
    q_se = np.full(len(t), np.nan)
    src = []
    designs = [""] * len(t)
    for i, key in enumerate(t["effect_key"]):
        if key == "":
            src.append("map")
            continue
        if effects is None or key not in effects:
            known = ", ".join(sorted(effects)) if effects else "none given"
            raise SpecificationError(
                f"row {t['row'].iloc[i]} refers to effect {key!r}, which is not in effects= (known: {known})"
            )
        q[i], q_se[i] = _effect_parts(effects[key], key)
        designs[i] = effect_design(effects[key])
        src.append(f"effect:{key}")
    low = np.where(t["effect_key"] == "", t["quantity_low"].to_numpy(dtype=float), q)
    high = np.where(t["effect_key"] == "", t["quantity_high"].to_numpy(dtype=float), q)
    return pd.DataFrame(
        {"q": q, "q_se": q_se, "q_low": low, "q_high": high, "q_source": src, "q_design": designs}
    )


def check_investment(investment: float) -> float:
    try:
        inv = float(investment)
    except (TypeError, ValueError) as err:
        raise SpecificationError(f"investment must be a positive number, not {investment!r}") from err
    if not (math.isfinite(inv) and inv > 0):
        raise SpecificationError(f"investment must be a positive number of kroner, not {investment!r}")
    return inv


def check_rate(rate: Any, name: str = "discount_rate") -> float:
    try:
        r = float(rate)
    except (TypeError, ValueError) as err:
        raise SpecificationError(f"{name} must be a number such as 0.035, not {rate!r}") from err
    if not (math.isfinite(r) and -0.5 < r < 1):
        raise SpecificationError(f"{name} must be a yearly rate such as 0.035 (3.5 %), not {rate!r}")
    return r


def prepare(
    imap: ImpactMap,
    effects: Mapping[str, Any] | None,
    base_year: int | None,
    price_index: Any,
) -> Inputs:
    """Resolve effect quantities, move proxies to base-year prices, zero netted deadweight.

    Deadweight is netted (set to 0) for rows flagged ``quantity_from_effect`` except those whose
    effect comes from a before/after design (:data:`BEFORE_AFTER_DESIGNS`): those keep it.
    """
    if not isinstance(imap, ImpactMap):
        raise SpecificationError("impact_map must be an ImpactMap (use value.load_impact_map)")
    t = imap.table
    qi = resolve_quantities(imap, effects)
    base = int(t["proxy_year"].max()) if base_year is None else int(base_year)
    years = t["proxy_year"].to_numpy(dtype="int64")
    index = None if np.all(years == base) else load_price_index(price_index)  # read the file once

    def conv(col: str) -> np.ndarray:
        return np.asarray(to_base_year(t[col].to_numpy(dtype=float), years, base, index), dtype=float)

    designs = tuple(qi["q_design"])
    before_after = np.array([d in BEFORE_AFTER_DESIGNS for d in designs], dtype=bool)
    netted = t["quantity_from_effect"].to_numpy(dtype=bool) & ~before_after
    shares, lows, highs = {}, {}, {}
    for s in SHARES:
        c, lo, hi = (t[x].to_numpy(dtype=float) for x in (s, f"{s}_low", f"{s}_high"))
        if s == "deadweight":
            # an effect is a contrast with the counterfactual: deadweight is already netted out
            c, lo, hi = (np.where(netted, 0.0, v) for v in (c, lo, hi))
        shares[s], lows[s], highs[s] = c, lo, hi
    return Inputs(
        labels=tuple(imap.labels),
        labels_en=tuple(imap.labels_in("en")),
        q=qi["q"].to_numpy(dtype=float),
        q_se=qi["q_se"].to_numpy(dtype=float),
        q_low=qi["q_low"].to_numpy(dtype=float),
        q_high=qi["q_high"].to_numpy(dtype=float),
        mult=t["quantity_multiplier"].to_numpy(dtype=float),
        p=conv("proxy_nok"),
        p_low=conv("proxy_low"),
        p_high=conv("proxy_high"),
        shares=shares,
        shares_low=lows,
        shares_high=highs,
        dur=t["duration_years"].to_numpy(dtype="int64"),
        netted=netted,
        deadweight_input=t["deadweight"].to_numpy(dtype=float),
        base_year=base,
        before_after=before_after,
        designs=designs,
    )


def year1_impact(q, mult, p, dw, disp, attr):
    """``quantity × multiplier × proxy × (1 − deadweight)(1 − displacement)(1 − attribution)``."""
    return q * mult * p * (1 - dw) * (1 - disp) * (1 - attr)


def pv_closed_form(a1, drop, dur, r):
    """Present value of ``a1, a1(1−d), …, a1(1−d)^(n−1)`` arriving at the ends of years 1…n.

    ``Σ_{t=1..n} a1 (1−d)^(t−1) / (1+r)^t = a1/(1+r) · (1 − g^n)/(1 − g)`` with
    ``g = (1−d)/(1+r)``; the sum is ``n`` terms of ``a1/(1+r)`` when ``g = 1``. All arguments
    broadcast (draws × rows).
    """
    g = (1 - drop) / (1 + r)
    near_one = np.abs(1 - g) < 1e-12
    safe = np.where(near_one, 0.5, g)
    geom = np.where(near_one, dur, (1 - safe**dur) / (1 - safe))
    return a1 / (1 + r) * geom


def rate_triple(discount_rate: Any) -> tuple[float, float, float]:
    """``(low, central, high)`` from a number or a 3-sequence of yearly rates."""
    if isinstance(discount_rate, str):
        raise SpecificationError(
            "simulation needs a numeric discount_rate (or (low, central, high)), not a string"
        )
    if isinstance(discount_rate, Sequence):
        if len(discount_rate) != 3:
            raise SpecificationError("discount_rate range must be (low, central, high)")
        lo, c, hi = (check_rate(v) for v in discount_rate)
        if not lo <= c <= hi:
            raise SpecificationError("discount_rate range must satisfy low <= central <= high")
        return lo, c, hi
    r = check_rate(discount_rate)
    return r, r, r


def apply_ranges(x: Inputs, imap: ImpactMap, ranges: Mapping[Any, Sequence[float]] | None) -> Inputs:
    """Override parameter ranges: keys are a column (all rows) or ``(row, column)``; values
    ``(low, high)`` around the central value or ``(low, central, high)``. Proxies in base-year
    prices."""
    if not ranges:
        return x
    arrays = {
        "quantity": [x.q_low.copy(), x.q.copy(), x.q_high.copy()],
        "proxy_nok": [x.p_low.copy(), x.p.copy(), x.p_high.copy()],
        **{s: [x.shares_low[s].copy(), x.shares[s].copy(), x.shares_high[s].copy()] for s in SHARES},
    }
    q_se = x.q_se.copy()
    for key, spec in ranges.items():
        if isinstance(key, tuple):
            row, col = key
            rows = [imap.row_position(row)]
        else:
            col, rows = key, list(range(len(imap)))
        if col not in arrays:
            raise SpecificationError(f"ranges: unknown parameter {col!r}; use one of {', '.join(arrays)}")
        vals = [float(v) for v in spec]
        if len(vals) not in (2, 3):
            raise SpecificationError(f"ranges[{key!r}] must be (low, high) or (low, central, high)")
        for i in rows:
            if col == "deadweight" and x.netted[i]:
                continue  # never put deadweight back on an effect estimate
            lo, hi = vals[0], vals[-1]
            c = vals[1] if len(vals) == 3 else arrays[col][1][i]
            if not lo <= c <= hi or (col in SHARES and not 0 <= lo <= hi <= 1):
                raise SpecificationError(
                    f"ranges[{key!r}] = {spec!r} must satisfy low <= central <= high (shares in [0, 1])"
                )
            arrays[col][0][i], arrays[col][1][i], arrays[col][2][i] = lo, c, hi
            if col == "quantity":
                q_se[i] = np.nan  # an explicit range replaces the effect's sampling distribution
    return replace(
        x,
        q_low=arrays["quantity"][0],
        q=arrays["quantity"][1],
        q_high=arrays["quantity"][2],
        q_se=q_se,
        p_low=arrays["proxy_nok"][0],
        p=arrays["proxy_nok"][1],
        p_high=arrays["proxy_nok"][2],
        shares_low={s: arrays[s][0] for s in SHARES},
        shares={s: arrays[s][1] for s in SHARES},
        shares_high={s: arrays[s][2] for s in SHARES},
    )
