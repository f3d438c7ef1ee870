"""Shared arithmetic of the SROI calculation: inputs as arrays, and the vectorised present value.

The deterministic :func:`~fou_analysis.value.sroi` builds an explicit outcome × year table (it is
what a reader checks); simulation, tornado and break-even use the closed form below, which gives
the same number without the year axis (tests check that the two agree).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from fou_analysis.exceptions import SpecificationError
from fou_analysis.value.bank import to_base_year
from fou_analysis.value.impact_map import SHARES, ImpactMap, resolve_quantities


@dataclass(frozen=True)
class Inputs:
    """One impact map as arrays (length = rows), proxies in base-year prices.

    ``q`` is the quantity before the multiplier; ``q_se`` the effect's standard error (NaN for
    numbers typed into the map); ``netted`` marks rows whose quantity is an effect estimate, for
    which the deadweight arrays are zero.
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
    """Resolve effect quantities, move proxies to base-year prices, zero netted deadweight."""
    if not isinstance(imap, ImpactMap):
        raise SpecificationError("impact_map must be an ImpactMap (use value.load_impact_map)")
    t = imap.table
    qi = resolve_quantities(imap, effects)
    base = int(t["proxy_year"].max()) if base_year is None else int(base_year)
    years = t["proxy_year"].to_numpy(dtype="int64")
    conv = lambda col: np.asarray(to_base_year(t[col].to_numpy(dtype=float), years, base, price_index), dtype=float)  # noqa: E731
    netted = t["quantity_from_effect"].to_numpy(dtype=bool)
    shares, lows, highs = {}, {}, {}
    for s in SHARES:
        c, lo, hi = (t[x].to_numpy(dtype=float) for x in (s, f"{s}_low", f"{s}_high"))
        if s == "deadweight":
            # an effect is a contrast with the counterfactual: deadweight is already netted out
            c, lo, hi = (np.where(netted, 0.0, v) for v in (c, lo, hi))
        shares[s], lows[s], highs[s] = c, lo, hi
    return Inputs(
        labels=tuple(imap.labels),
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
