"""Uncertainty of the SROI: Monte Carlo simulation (this module), one-at-a-time sensitivity
(tornado) and break-even analysis (:mod:`fou_analysis.value.sensitivity`, re-exported here).

Monte Carlo (``simulate``), every draw independent, fully vectorised with numpy:

* **Quantities from an effect estimate**: normal with the effect's standard error (taken from
  the confidence interval when ``se`` is missing) — the sampling distribution of the estimate.
* **Quantities typed into the map, proxies, deadweight, displacement, attribution, drop-off**:
  a PERT distribution on ``<col>_low`` … ``<col>`` … ``<col>_high`` (a Beta distribution
  rescaled to [low, high] with mode at the central value and shape 1 + 4·(mode − low)/(high −
  low); it puts less weight on the ends than the triangular distribution, which is available
  with ``distribution="triangular"``). Proxies from the value bank use the bank's low and high
  values. Without a range the parameter is fixed.
* **Discount rate**: fixed (a number) or PERT on ``(low, central, high)``.

Collapsing every range to a point gives back the deterministic
:func:`~fou_analysis.value.sroi` result (tests check this). Deadweight stays 0 for rows whose
quantity is an effect estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang, format_nok, format_number, format_percent
from fou_analysis.summary import Summary
from fou_analysis.value._core import (
    apply_ranges,
    check_investment,
    prepare,
    pv_closed_form,
    rate_triple,
    year1_impact,
)
from fou_analysis.value.impact_map import SHARES, ImpactMap
from fou_analysis.value.sensitivity import BreakEven, break_even, plot_tornado, tornado
from fou_analysis.value.sroi import SroiResult, sroi


def _bounded(rng: np.random.Generator, low, mode, high, draws: int, distribution: str) -> np.ndarray:
    """Draws × len(mode) from PERT/triangular on [low, high]; fixed where low == high."""
    low, mode, high = (np.asarray(v, dtype=float) for v in (low, mode, high))
    out = np.broadcast_to(mode, (draws, mode.size)).copy()
    width = high - low
    live = width > 0
    if not live.any():
        return out
    lo, md, w = low[live], mode[live], width[live]
    if distribution == "pert":
        a = 1 + 4 * (md - lo) / w
        b = 1 + 4 * (lo + w - md) / w
        u = rng.beta(a, b, size=(draws, lo.size))
        out[:, live] = lo + u * w
    else:
        c = (md - lo) / w
        u = rng.random((draws, lo.size))
        left = lo + np.sqrt(u * w * (md - lo))
        right = lo + w - np.sqrt((1 - u) * w * (lo + w - md))
        out[:, live] = np.where(u < c, left, right)
    return out


@dataclass(frozen=True)
class SimulationResult:
    """Monte Carlo distribution of the SROI.

    Attributes
    ----------
    draws
        One row per draw: ``present_value``, ``npv``, ``ratio``, ``discount_rate``.
    intervals
        Per metric: ``mean``, ``median``, ``ci_low``, ``ci_high`` (central ``level`` interval).
    prob_value_exceeds_cost
        Share of draws with present value above the investment.
    deterministic
        The :class:`SroiResult` at the impact map's central values (a central value moved by
        ``ranges=`` is not reflected here) and the central discount rate.
    """

    draws: pd.DataFrame
    intervals: pd.DataFrame
    prob_value_exceeds_cost: float
    deterministic: SroiResult
    investment: float
    level: float = 0.95
    seed: int | None = 0
    distribution: str = "pert"
    notes: tuple[str, ...] = field(default=())

    def sentence(self, lang: str = "nb") -> str:
        check_lang(lang)
        r = self.intervals.set_index("metric").loc["ratio"]
        lo, hi, med = (format_number(r[c], 2, lang) for c in ("ci_low", "ci_high", "median"))
        pct = format_percent(self.level, 0, lang)
        p = format_percent(self.prob_value_exceeds_cost, 0, lang)
        if lang == "nb":
            return (
                f"Når usikkerheten i effekter, verdsetting og andre forutsetninger tas med, ligger SROI-forholdet "
                f"mellom {lo} og {hi} i {pct} av {format_number(len(self.draws), 0, lang)} simuleringer (median {med})."
                f" Sannsynligheten for at verdien overstiger investeringen er {p}."
            )
        return (
            f"Allowing for uncertainty in effects, values and other assumptions, the SROI ratio lies between "
            f"{lo} and {hi} in {pct} of {format_number(len(self.draws), 0, lang)} simulations (median {med}). "
            f"The probability that the value exceeds the investment is {p}."
        )

    def summary(self, lang: str = "nb") -> Summary:
        check_lang(lang)
        nb = lang == "nb"
        names = {
            "present_value": "nåverdi" if nb else "present value",
            "npv": "netto nåverdi" if nb else "net present value",
            "ratio": "SROI-forhold" if nb else "SROI ratio",
        }
        rows = []
        for r in self.intervals.itertuples():
            f = (
                (lambda v: format_number(v, 2, lang))
                if r.metric == "ratio"
                else (lambda v: format_nok(v, lang))
            )
            rows.append(
                {
                    ("størrelse" if nb else "metric"): names[r.metric],
                    "median": f(r.median),
                    ("nedre" if nb else "low"): f(r.ci_low),
                    ("øvre" if nb else "high"): f(r.ci_high),
                }
            )
        title = "Usikkerhet i SROI (Monte Carlo)" if nb else "Uncertainty of the SROI (Monte Carlo)"
        notes = (
            (
                "Effekter trekkes fra normalfordelingen gitt av standardfeilen; verdier og andeler fra PERT-fordelinger "
                "på lav–sentral–høy; parametere uten intervall holdes faste.",
                f"Frø (seed) {self.seed}; {len(self.draws)} trekninger.",
            )
            if nb
            else self.notes
        )
        return Summary(title=title, sentence=self.sentence(lang), table=pd.DataFrame(rows), notes=notes)

    def _repr_html_(self) -> str:
        return self.summary("en")._repr_html_()

    def to_frame(self) -> pd.DataFrame:
        """One-row frame: median and interval of ratio and NPV, P(value > cost), draws, seed."""
        iv = self.intervals.set_index("metric")
        row: dict[str, Any] = {}
        for m in ("ratio", "npv", "present_value"):
            for c in ("mean", "median", "ci_low", "ci_high"):
                row[f"{m}_{c}"] = iv.loc[m, c]
        row.update(
            prob_value_exceeds_cost=self.prob_value_exceeds_cost,
            draws=len(self.draws),
            seed=self.seed,
            level=self.level,
        )
        return pd.DataFrame([row])

    def plot(self, ax: Any = None, *, metric: str = "ratio", lang: str = "en") -> Any:
        """Histogram of the simulated ``ratio`` (line at 1) or ``npv`` (line at 0)."""
        from fou_analysis.plotting import localise, new_axes, words

        if metric not in ("ratio", "npv", "present_value"):
            raise SpecificationError("metric must be 'ratio', 'npv' or 'present_value'")
        check_lang(lang)
        ax = new_axes(ax, (6, 3.2))
        v = self.draws[metric].to_numpy()
        ax.hist(v, bins=60, color="#2b6c8f", alpha=0.85)
        ref = {"ratio": 1.0, "npv": 0.0, "present_value": self.investment}[metric]
        ax.axvline(ref, color="black", ls="--", lw=1)
        iv = self.intervals.set_index("metric").loc[metric]
        for c in ("ci_low", "ci_high"):
            ax.axvline(iv[c], color="#c0504d", lw=1)
        ax.set_ylabel(words("draws", lang))
        nb = lang == "nb"
        ax.set_xlabel(_METRIC_NAMES[metric][0 if nb else 1])
        share = format_percent(self.prob_value_exceeds_cost, 1, lang)
        ax.set_title(
            f"Sannsynlighet for at verdien overstiger investeringen: {share}"
            if nb
            else f"P(value > investment) = {share}"
        )
        return localise(ax, lang)


#: The simulation figure's axis names ``{metric: (nb, en)}`` (``metric`` is a data key).
_METRIC_NAMES = {
    "ratio": ("SROI-forhold", "SROI ratio"),
    "npv": ("netto nåverdi (kr)", "net present value (NOK)"),
    "present_value": ("nåverdi (kr)", "present value (NOK)"),
}


def simulate(
    impact_map: ImpactMap,
    *,
    investment: float,
    effects: Mapping[str, Any] | None = None,
    draws: int = 100_000,
    seed: int | None = 0,
    discount_rate: float | Sequence[float] = 0.035,
    ranges: Mapping[Any, Sequence[float]] | None = None,
    distribution: str = "pert",
    level: float = 0.95,
    base_year: int | None = None,
    price_index: Any = None,
) -> SimulationResult:
    """Monte Carlo simulation of the SROI (see the module docstring for the distributions).

    Parameters
    ----------
    impact_map
        A checked map; ranges come from its ``<col>_low``/``<col>_high`` columns and the value
        bank's low/high values.
    investment
        Investment at t = 0 (fixed).
    effects
        ``{key: effect result}`` for ``effect:<key>`` quantities.
    draws, seed
        Number of draws and the seed of ``numpy.random.default_rng``.
    discount_rate
        A rate, or ``(low, central, high)`` drawn from the same ``distribution``.
    ranges
        Overrides: ``{"attribution": (0.2, 0.5)}`` for every row or
        ``{(row, "proxy_nok"): (low, central, high)}`` for one row (position or outcome name);
        proxies in base-year prices.
    distribution
        ``"pert"`` (default) or ``"triangular"`` for the bounded parameters.
    level
        Coverage of the reported intervals.
    base_year, price_index
        As in :func:`~fou_analysis.value.sroi`.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> from fou_analysis import value
    >>> m = value.load_impact_map([{
    ...     "stakeholder": "families", "outcome": "skis not bought", "indicator": "loans",
    ...     "quantity": 100, "proxy_id": "ski_rental_season", "proxy_nok": "", "proxy_year": "",
    ...     "proxy_source": "", "deadweight": 0.2, "displacement": 0, "attribution": 0.1,
    ...     "drop_off": 0, "duration_years": 1}])
    >>> res = value.simulate(m, investment=100_000, draws=2_000)
    >>> 0 < res.prob_value_exceeds_cost < 1
    True
    """
    inv = check_investment(investment)
    if distribution not in ("pert", "triangular"):
        raise SpecificationError("distribution must be 'pert' or 'triangular'")
    draws = int(draws)
    if draws < 2:
        raise SpecificationError("draws must be at least 2")
    if not 0 < level < 1:
        raise SpecificationError("level must be between 0 and 1")
    r_lo, r_c, r_hi = rate_triple(discount_rate)
    x = apply_ranges(prepare(impact_map, effects, base_year, price_index), impact_map, ranges)
    rng = np.random.default_rng(seed)
    n = len(x.q)

    q = _bounded(rng, x.q_low, x.q, x.q_high, draws, distribution)
    normal = np.isfinite(x.q_se) & (x.q_se > 0)
    if normal.any():
        q[:, normal] = rng.normal(x.q[normal], x.q_se[normal], size=(draws, int(normal.sum())))
    p = _bounded(rng, x.p_low, x.p, x.p_high, draws, distribution)
    s = {
        k: _bounded(rng, x.shares_low[k], x.shares[k], x.shares_high[k], draws, distribution) for k in SHARES
    }
    r = _bounded(rng, [r_lo], [r_c], [r_hi], draws, distribution)  # (draws, 1)
    a1 = year1_impact(q, x.mult, p, s["deadweight"], s["displacement"], s["attribution"])
    pv = pv_closed_form(a1, s["drop_off"], x.dur.reshape(1, n), r).sum(axis=1)

    frame = pd.DataFrame({"present_value": pv, "npv": pv - inv, "ratio": pv / inv, "discount_rate": r[:, 0]})
    alpha = (1 - level) / 2
    intervals = pd.DataFrame(
        [
            {
                "metric": m,
                "mean": float(frame[m].mean()),
                "median": float(frame[m].median()),
                "ci_low": float(frame[m].quantile(alpha)),
                "ci_high": float(frame[m].quantile(1 - alpha)),
            }
            for m in ("present_value", "npv", "ratio")
        ]
    )
    det = sroi(
        impact_map,
        investment=inv,
        discount_rate=r_c,
        effects=effects,
        base_year=base_year,
        price_index=price_index,
    )
    notes = (
        "Effect quantities drawn from normal distributions with the effects' standard errors; proxies and "
        f"shares from {distribution.upper() if distribution == 'pert' else distribution} distributions on "
        "low–central–high; parameters without a range held fixed.",
        f"Seed {seed}; {draws} draws; {int(level * 100)} % intervals are central quantiles of the draws.",
        "Deadweight is 0 for rows whose quantity is an estimated effect (already netted out).",
    )
    return SimulationResult(
        draws=frame,
        intervals=intervals,
        prob_value_exceeds_cost=float((pv > inv).mean()),
        deterministic=det,
        investment=inv,
        level=level,
        seed=seed,
        distribution=distribution,
        notes=notes,
    )


__all__ = [
    "simulate",
    "SimulationResult",
    "tornado",
    "plot_tornado",
    "break_even",
    "BreakEven",
    "rate_triple",
    "apply_ranges",
]
