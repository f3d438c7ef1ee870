"""Deterministic sensitivity of the SROI: tornado (one-at-a-time swings) and break-even.

**Tornado**: each parameter with a range (``<col>_low``/``<col>_high`` in the map, the value
bank's low/high for bank proxies, the effect's confidence interval for effect quantities, the
discount-rate range) is set to its low and then its high value with every other parameter at
its central value; the swing of NPV (or the ratio) ranks the parameters. ``relative_swing``
adds a ± share for parameters without a range (a common SROI convention, e.g. ±20 %).

**Break-even**: PV is linear in the quantity of one row, so the quantity at which NPV = 0 is
``(investment − PV of the other rows) / PV per unit of the row``. Where the row has a
multiplier (e.g. participants per year × effect per participant) the result is also given as
the number of participants needed at the estimated effect, and the effect needed at the
planned number of participants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang, format_nok, format_number
from fou_analysis.summary import Summary
from fou_analysis.value._core import (
    Inputs,
    apply_ranges,
    check_investment,
    prepare,
    pv_closed_form,
    rate_triple,
    year1_impact,
)
from fou_analysis.value.impact_map import SHARES, ImpactMap

_PARAMS = ("quantity", "proxy_nok", *SHARES)


def _pv_rows(x: Inputs, q, p, shares: Mapping[str, np.ndarray], r: float) -> np.ndarray:
    a1 = year1_impact(q, x.mult, p, shares["deadweight"], shares["displacement"], shares["attribution"])
    return pv_closed_form(a1, shares["drop_off"], x.dur, r)


def tornado(
    impact_map: ImpactMap,
    *,
    investment: float,
    effects: Mapping[str, Any] | None = None,
    discount_rate: float | Sequence[float] = 0.035,
    metric: str = "npv",
    relative_swing: float | None = None,
    ranges: Mapping[Any, Sequence[float]] | None = None,
    level: float = 0.95,
    base_year: int | None = None,
    price_index: Any = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of NPV or the SROI ratio, sorted by swing (largest first).

    Parameters
    ----------
    impact_map, investment, effects, base_year, price_index
        As in :func:`~fou_analysis.value.sroi`.
    discount_rate
        A rate, or ``(low, central, high)`` to include the rate as a parameter.
    metric
        ``"npv"`` or ``"ratio"``.
    relative_swing
        If given (e.g. 0.2), parameters without a range swing ± this share of their central
        value (shares kept within [0, 1]).
    ranges
        Overrides, as in :func:`~fou_analysis.value.simulate`.
    level
        Coverage of the interval used for effect quantities (estimate ± z·se).

    Returns
    -------
    pandas.DataFrame
        ``parameter, row, outcome, column, low, central, high, metric_low, metric_high, swing,
        base, metric`` with one row per parameter that moves.
    """
    from scipy import stats

    inv = check_investment(investment)
    if metric not in ("npv", "ratio"):
        raise SpecificationError("metric must be 'npv' or 'ratio'")
    if relative_swing is not None and not 0 < float(relative_swing) < 1:
        raise SpecificationError("relative_swing must be a share between 0 and 1, e.g. 0.2")
    r_lo, r_c, r_hi = rate_triple(discount_rate)
    x = apply_ranges(prepare(impact_map, effects, base_year, price_index), impact_map, ranges)
    z = float(stats.norm.ppf(0.5 + level / 2))
    central = {"quantity": x.q, "proxy_nok": x.p, **x.shares}
    lows = {"quantity": x.q_low.copy(), "proxy_nok": x.p_low, **x.shares_low}
    highs = {"quantity": x.q_high.copy(), "proxy_nok": x.p_high, **x.shares_high}
    eff = np.isfinite(x.q_se) & (x.q_se > 0)
    lows["quantity"][eff] = x.q[eff] - z * x.q_se[eff]
    highs["quantity"][eff] = x.q[eff] + z * x.q_se[eff]

    def value(vals: Mapping[str, np.ndarray], r: float) -> float:
        pv = float(_pv_rows(x, vals["quantity"], vals["proxy_nok"], vals, r).sum())
        return pv - inv if metric == "npv" else pv / inv

    base = value(central, r_c)
    out = []
    for i, label in enumerate(x.labels):
        for col in _PARAMS:
            c, lo, hi = float(central[col][i]), float(lows[col][i]), float(highs[col][i])
            if col == "deadweight" and x.netted[i]:
                continue
            if lo == hi and relative_swing is not None and c != 0:
                lo, hi = sorted((c * (1 - relative_swing), c * (1 + relative_swing)))
                if col in SHARES:
                    lo, hi = max(lo, 0.0), min(hi, 1.0)
            if lo == hi:
                continue
            res = []
            for v in (lo, hi):
                vals = {k: a.copy() for k, a in central.items()}
                vals[col][i] = v
                res.append(value(vals, r_c))
            out.append((f"{label} — {col}", i, label, col, lo, c, hi, res[0], res[1]))
    if r_lo < r_hi:
        out.append(
            (
                "discount rate",
                -1,
                "",
                "discount_rate",
                r_lo,
                r_c,
                r_hi,
                value(central, r_lo),
                value(central, r_hi),
            )
        )
    cols = ["parameter", "row", "outcome", "column", "low", "central", "high", "metric_low", "metric_high"]
    df = pd.DataFrame(out, columns=cols)
    # the outcome in English for English figures (the plan's English text, else the same text)
    labels_en = x.labels_en or x.labels
    df["outcome_en"] = [labels_en[i] if i >= 0 else o for i, o in zip(df["row"], df["outcome"], strict=True)]
    df["swing"] = (df["metric_high"] - df["metric_low"]).abs()
    df["base"] = base
    df["metric"] = metric
    return df.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def plot_tornado(df: pd.DataFrame, ax: Any = None, *, max_bars: int = 15, lang: str = "en") -> Any:
    """Horizontal tornado chart of :func:`tornado` output (largest swing at the top)."""
    import matplotlib.pyplot as plt

    from fou_analysis.plotting import localise

    check_lang(lang)
    nb = lang == "nb"

    need = {"parameter", "metric_low", "metric_high", "base"}
    if not need <= set(df.columns):
        raise SpecificationError(f"plot_tornado needs the columns {sorted(need)} (the output of tornado)")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.4 * min(len(df), max_bars) + 1.2))
    d = df.head(max_bars).iloc[::-1]
    if d.empty:
        msg = "ingen størrelse har et spenn" if nb else "no parameter has a range"
        ax.text(0.5, 0.5, msg, ha="center", transform=ax.transAxes)
        return ax
    base = float(d["base"].iloc[0])
    pos = np.arange(len(d))
    ax.barh(pos, d["metric_low"] - base, left=base, color="#c0504d", label="lav verdi" if nb else "low value")
    ax.barh(
        pos, d["metric_high"] - base, left=base, color="#2b6c8f", label="høy verdi" if nb else "high value"
    )
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(pos)
    if nb and "column" in d:
        names = [_tornado_label_nb(r) for r in d.itertuples()]
    elif "outcome_en" in d and "column" in d:  # "<outcome in English> — <parameter>"
        names = [
            f"{r.outcome_en} — {_PARAM_EN.get(r.column, r.column)}"
            if r.row >= 0
            else _PARAM_EN.get(r.parameter, r.parameter)
            for r in d.itertuples()
        ]
    else:
        names = d["parameter"]
    ax.set_yticklabels(names, fontsize=8)
    metric = str(d["metric"].iloc[0]) if "metric" in d else ""
    ax.set_xlabel((_METRIC_NB if nb else _METRIC_EN).get(metric, metric))
    ax.legend(fontsize="small")
    return localise(ax, lang)


_METRIC_NB = {"npv": "netto nåverdi (kr)", "ratio": "SROI-forhold"}
#: English axis words for the same data keys (a figure shows words, not ``proxy_nok``).
_METRIC_EN = {"npv": "net present value (NOK)", "ratio": "SROI ratio"}
_PARAM_EN = {
    "quantity": "quantity",
    "proxy_nok": "value per unit (NOK)",
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "drop_off": "drop-off",
    "discount_rate": "discount rate",
}
_PARAM_NB = {
    "quantity": "mengde",
    "proxy_nok": "verdi per enhet (kr)",
    "deadweight": "dødvekt",
    "displacement": "fortrengning",
    "attribution": "andre bidrag",
    "drop_off": "avtagning",
    "discount_rate": "diskonteringsrente",
}


def _tornado_label_nb(row: Any) -> str:
    """A tornado bar's name in Norwegian: "<outcome> — <parameter>" (the outcome is the plan's text)."""
    name = _PARAM_NB.get(row.column, row.column)
    return f"{row.outcome} — {name}" if row.outcome else name


@dataclass(frozen=True)
class BreakEven:
    """The quantity of one outcome row at which NPV = 0, all else at central values.

    ``quantity_per_year`` is the break-even yearly quantity (quantity × multiplier);
    ``multiplier`` the break-even multiplier at the estimated quantity per unit (e.g.
    participants per year at the estimated effect per participant), ``effect_per_unit`` the
    break-even quantity per unit at the planned multiplier. ``table`` has the current and
    break-even values side by side.
    """

    outcome: str
    row: int
    quantity_per_year: float
    current_quantity_per_year: float
    multiplier: float
    current_multiplier: float
    effect_per_unit: float
    current_effect_per_unit: float
    pv_per_unit: float
    npv_current: float
    table: pd.DataFrame
    unit: Mapping[str, str] = field(default_factory=dict)
    base_year: int | None = None
    #: what the yearly quantity counts, per language (e.g. ``{"nb": "utlån", "en": "loans"}``)
    quantity_unit: Mapping[str, str] = field(default_factory=dict)
    #: the unit of the effect per participant, per language (e.g. ``{"nb": "poeng", "en": "points"}``)
    effect_unit: Mapping[str, str] = field(default_factory=dict)
    #: ``outcome`` in English ("" = the same text)
    outcome_en: str = ""

    def sentence(self, lang: str = "nb") -> str:
        check_lang(lang)
        nb = lang == "nb"
        outcome = self.outcome if nb else (self.outcome_en or self.outcome)
        unit = self.unit.get(lang) or ("deltakere" if nb else "participants")
        if not np.isfinite(self.quantity_per_year):
            return (
                f"«{outcome}» har ingen verdi i beregningen, så ingen mengde gjør at tiltaket går i null."
                if nb
                else f"'{outcome}' carries no value in the calculation, so no quantity makes the initiative break even."
            )
        up = self.pv_per_unit > 0
        if up and self.quantity_per_year <= 0:
            return (
                f"Tiltaket lønner seg selv om «{outcome}» ikke gir noen virkning, fordi de andre virkningene dekker investeringen."
                if nb
                else f"The initiative pays off even with no effect on '{outcome}': the other outcomes cover the investment."
            )
        word = ("minst" if up else "høyst") if nb else ("at least" if up else "at most")
        q_unit = self.quantity_unit.get(lang, "")
        q_star = " ".join(x for x in (format_number(self.quantity_per_year, 1, lang), q_unit) if x)
        q_now = " ".join(x for x in (format_number(self.current_quantity_per_year, 1, lang), q_unit) if x)
        has_mult = self.current_multiplier != 1
        e_now = " ".join(
            x
            for x in (format_number(self.current_effect_per_unit, 3, lang), self.effect_unit.get(lang, ""))
            if x
        )
        if nb:
            if has_mult:
                s = (
                    f"Tiltaket lønner seg (netto nåverdi ≥ 0) hvis {word} {format_number(self.multiplier, 1, lang)} {unit} "
                    f"per år er med, gitt anslått virkning per deltaker på {e_now} "
                    f"for «{outcome}» (planlagt: {format_number(self.current_multiplier, 1, lang)})."
                )
                s += f" Det tilsvarer {q_star} per år mot anslått {q_now}, alt annet likt."
            else:
                s = f"Tiltaket lønner seg (netto nåverdi ≥ 0) hvis «{outcome}» er {word} {q_star} per år (anslått: {q_now}), alt annet likt."
        else:
            if has_mult:
                s = (
                    f"The initiative pays off (NPV ≥ 0) if {word} {format_number(self.multiplier, 1, lang)} {unit} a year take part, "
                    f"given the estimated effect per participant of {e_now} "
                    f"on '{outcome}' (planned: {format_number(self.current_multiplier, 1, lang)})."
                )
                s += f" That is {q_star} a year against the estimated {q_now}, all else equal."
            else:
                s = f"The initiative pays off (NPV ≥ 0) if '{outcome}' is {word} {q_star} a year (estimated: {q_now}), all else equal."
        return s

    def summary(self, lang: str = "nb") -> Summary:
        check_lang(lang)
        nb = lang == "nb"
        names = {
            "quantity_per_year": "mengde per år" if nb else "quantity per year",
            "multiplier": "deltakere per år" if nb else "participants per year",
            "effect_per_unit": "virkning per deltaker" if nb else "effect per participant",
        }
        rows = [
            {
                ("størrelse" if nb else "parameter"): names[r.parameter],
                ("anslått" if nb else "estimated"): format_number(r.current, 3, lang),
                ("nullpunkt" if nb else "break-even"): format_number(r.break_even, 3, lang),
            }
            for r in self.table.itertuples()
        ]
        note = (
            "Nullpunktet gjelder én virkning om gangen, med alle andre forutsetninger på sentral verdi."
            if nb
            else "The break-even point varies one outcome at a time, every other assumption at its central value."
        )
        title = "Nullpunktsanalyse" if nb else "Break-even analysis"
        extra = (
            f" NPV now: {format_nok(self.npv_current, lang)}."
            if not nb
            else f" Netto nåverdi nå: {format_nok(self.npv_current, lang)}."
        )
        return Summary(
            title=title, sentence=self.sentence(lang) + extra, table=pd.DataFrame(rows), notes=(note,)
        )

    def _repr_html_(self) -> str:
        return self.summary("en")._repr_html_()

    def to_frame(self) -> pd.DataFrame:
        return self.table.assign(outcome=self.outcome, row=self.row)


def break_even(
    impact_map: ImpactMap,
    *,
    investment: float,
    outcome_row: int | str,
    effects: Mapping[str, Any] | None = None,
    discount_rate: float = 0.035,
    unit: str | Mapping[str, str] | None = None,
    base_year: int | None = None,
    price_index: Any = None,
    quantity_unit: Mapping[str, str] | None = None,
    effect_unit: Mapping[str, str] | None = None,
) -> BreakEven:
    """The quantity of one outcome row at which the NPV is zero.

    Parameters
    ----------
    impact_map, investment, effects, discount_rate, base_year, price_index
        As in :func:`~fou_analysis.value.sroi`.
    outcome_row
        Row position (0-based) or a unique outcome name / ``"stakeholder: outcome"``.
    unit
        What the multiplier counts, for the sentence (``"unge"`` or ``{"nb": "unge", "en":
        "young people"}``); default "participants".
    quantity_unit
        What the yearly quantity counts, per language (``{"nb": "sykehjemsår", "en":
        "nursing-home place-years"}``), so that the sentence carries a unit.
    effect_unit
        The unit of an effect quantity per participant, per language (``{"nb": "poeng", "en":
        "points"}``).

    Returns
    -------
    BreakEven

    Examples
    --------
    >>> from fou_analysis import value
    >>> m = value.load_impact_map([{
    ...     "stakeholder": "youth", "outcome": "in work or school", "indicator": "share",
    ...     "quantity": 0.15, "quantity_multiplier": 40, "proxy_nok": 400000, "proxy_year": 2010,
    ...     "proxy_source": "Vista Analyse 2010", "deadweight": 0, "displacement": 0,
    ...     "attribution": 0.3, "drop_off": 0.2, "duration_years": 3}])
    >>> be = value.break_even(m, investment=3_000_000, outcome_row=0, discount_rate=0.0)
    >>> round(be.quantity_per_year, 3)
    4.391
    """
    inv = check_investment(investment)
    _, r, _ = rate_triple(discount_rate)
    x = prepare(impact_map, effects, base_year, price_index)
    i = impact_map.row_position(outcome_row)
    pv = _pv_rows(x, x.q, x.p, x.shares, r)
    ones = np.ones_like(x.q)
    per_unit = _pv_rows(replace_mult(x, ones), ones, x.p, x.shares, r)[i]
    others = float(pv.sum() - pv[i])
    q_now, m_now = float(x.q[i]), float(x.mult[i])
    q_star = (inv - others) / per_unit if per_unit != 0 else float("nan")
    m_star = q_star / q_now if q_now != 0 else float("nan")
    e_star = q_star / m_now if m_now != 0 else float("nan")
    rows = [{"parameter": "quantity_per_year", "current": q_now * m_now, "break_even": q_star}]
    if m_now != 1 or x.netted[i]:
        rows += [
            {"parameter": "multiplier", "current": m_now, "break_even": m_star},
            {"parameter": "effect_per_unit", "current": q_now, "break_even": e_star},
        ]
    unit_map = {"nb": unit, "en": unit} if isinstance(unit, str) else dict(unit or {})
    return BreakEven(
        outcome=x.labels[i],
        outcome_en=x.labels_en[i] if x.labels_en else "",
        row=i,
        quantity_per_year=float(q_star),
        current_quantity_per_year=q_now * m_now,
        multiplier=float(m_star),
        current_multiplier=m_now,
        effect_per_unit=float(e_star),
        current_effect_per_unit=q_now,
        pv_per_unit=float(per_unit),
        npv_current=float(pv.sum()) - inv,
        table=pd.DataFrame(rows),
        unit=unit_map,
        base_year=x.base_year,
        quantity_unit=dict(quantity_unit or {}),
        effect_unit=dict(effect_unit or {}),
    )


def replace_mult(x: Inputs, mult: np.ndarray) -> Inputs:
    from dataclasses import replace

    return replace(x, mult=mult)


__all__ = ["tornado", "plot_tornado", "break_even", "BreakEven"]
