"""Social return on investment (SROI) after *A Guide to Social Return on Investment*
(SROI Network, 2012), stages 4–5 ("establish impact", "calculate the SROI").

Estimator, per outcome row *i* and year *t* = 1 … duration_i::

    impact_i1 = quantity_i × multiplier_i × proxy_i × (1 − deadweight_i)
                × (1 − displacement_i) × (1 − attribution_i)
    impact_it = impact_i,t−1 × (1 − drop_off_i)
    PV        = Σ_i Σ_t impact_it / (1 + r)^t      (values at the end of years 1 … n)
    NPV       = PV − investment                     (investment at t = 0)
    ratio     = PV / investment

Proxies are moved to fixed prices of one base year with the consumer price index.

Assumptions, stated in every result's notes:

* **Deadweight is not subtracted twice.** When a quantity is an *estimated effect* (a contrast
  with a counterfactual from a DiD, synthetic control, weighting …), what would have happened
  anyway is already netted out; the row's deadweight is set to 0 and a note says so
  (``deadweight_netted_by_effect`` in ``by_outcome``). The exception is an effect from a design
  without a comparison group (``prepost``: a before/after change on the same people, the effect's
  ``method``): its quantity keeps the row's deadweight, and a note says so
  (``deadweight_kept_before_after``). The rule lives here (:mod:`fou_analysis.value._core`),
  not in the pipeline, so a notebook calling ``sroi`` directly gets the same answer as a case run.
* Drop-off is geometric; values stop after ``duration_years``.
* SROI ratios are not comparable across organisations (different scopes, proxies and
  judgements); read a ratio together with its sensitivity analysis
  (:mod:`fou_analysis.value.uncertainty`).

Diagnostics: payback period, each outcome's share of the present value (one dominant outcome
means the ratio rests on one proxy), proxies flagged *VERIFY*/*ILLUSTRATIVE* in the value bank.

Reproduces: the SROI Guide's worked calculation layout (impact map → impact → PV → ratio);
tests check hand-computed cases written out in ``tests/value/test_sroi.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.formatting import format_number, format_percent
from fou_analysis.value._core import check_investment, check_rate, prepare, year1_impact
from fou_analysis.value.impact_map import ImpactMap, load_impact_map
from fou_analysis.value.r109 import r109_discount_factor
from fou_analysis.value.sroi_result import SroiResult, before_after_notes


def _discount_factors(years: np.ndarray, discount_rate: float | str) -> np.ndarray:
    if discount_rate == "r109":
        return np.asarray(r109_discount_factor(years), dtype=float)
    return (1 + float(discount_rate)) ** -years.astype(float)


def payback(cumulative: np.ndarray, investment: float) -> float | None:
    """Years until ``cumulative`` (discounted value at the end of years 1…n) reaches the
    investment, linearly interpolated within the year; ``None`` if never."""
    cum = np.concatenate([[0.0], np.asarray(cumulative, dtype=float)])
    hit = np.nonzero(cum[1:] >= investment)[0]
    if hit.size == 0:
        return None
    t = int(hit[0]) + 1
    step = cum[t] - cum[t - 1]
    return float(t - 1 + (investment - cum[t - 1]) / step) if step > 0 else float(t)


def sroi(
    impact_map: ImpactMap | pd.DataFrame,
    *,
    investment: float,
    discount_rate: float | str = 0.035,
    effects: Mapping[str, Any] | None = None,
    base_year: int | None = None,
    price_index: Any = None,
    bank: Any = None,
) -> SroiResult:
    """Calculate the SROI of an impact map.

    Parameters
    ----------
    impact_map
        A checked map from :func:`~fou_analysis.value.load_impact_map`, or a plain
        ``pandas.DataFrame`` with the impact-map columns (``stakeholder, outcome, indicator,
        quantity, proxy_nok, proxy_year, proxy_source, deadweight, displacement, attribution,
        drop_off, duration_years``, optional columns as in ``load_impact_map``), as a notebook
        user builds it. A frame is checked by ``load_impact_map`` first, so it gives the same
        result and the same :class:`~fou_analysis.DataError` (naming the column and the row the
        record would have in a CSV, header = row 1).
    investment
        Total investment (kroner in ``base_year`` prices) at t = 0; must be positive.
    discount_rate
        Yearly rate (default 3.5 %, the HM Treasury Green Book rate often used in SROI), or
        ``"r109"`` for the Norwegian step-down rates of :func:`~fou_analysis.value.r109_discount_factor`.
    effects
        ``{key: effect result}`` for ``effect:<key>`` quantities (anything with ``.estimate``,
        ``.se`` and ``.ci``).
    base_year
        Kroneår for every amount; default the latest proxy price year in the map.
    price_index
        Deflator (default SSB KPI shipped with the package).
    bank
        Value bank for ``proxy_id`` look-ups when ``impact_map`` is a DataFrame (default the
        bank shipped with the package); ignored for an :class:`ImpactMap`, which is already
        resolved.

    Returns
    -------
    SroiResult

    Notes
    -----
    See the module docstring for the formulas. Rows whose quantity is an estimated effect get
    deadweight 0 (already netted out by the counterfactual), except effects from a before/after
    design (``effect.method == "prepost"``), which keep the row's deadweight.

    Examples
    --------
    >>> from fou_analysis import value
    >>> m = value.load_impact_map([{
    ...     "stakeholder": "families", "outcome": "skis not bought", "indicator": "loans",
    ...     "quantity": 100, "proxy_nok": 1500, "proxy_year": 2024, "proxy_source": "rental prices",
    ...     "deadweight": 0.2, "displacement": 0, "attribution": 0.1, "drop_off": 0, "duration_years": 1}])
    >>> round(value.sroi(m, investment=100_000, discount_rate=0).present_value)
    108000
    """
    if isinstance(impact_map, pd.DataFrame):
        impact_map = load_impact_map(impact_map, bank=bank)
    inv = check_investment(investment)
    if discount_rate != "r109":
        discount_rate = check_rate(discount_rate)
    x = prepare(impact_map, effects, base_year, price_index)
    t = impact_map.table
    dw, disp, attr, drop = (x.shares[s] for s in ("deadweight", "displacement", "attribution", "drop_off"))
    qty = x.q * x.mult
    gross1 = qty * x.p
    a1 = year1_impact(x.q, x.mult, x.p, dw, disp, attr)
    n_years = int(x.dur.max())
    years = np.arange(1, n_years + 1)
    active = years[None, :] <= x.dur[:, None]
    impact = a1[:, None] * (1 - drop[:, None]) ** (years[None, :] - 1) * active
    df = _discount_factors(years, discount_rate)
    pv_rows = impact @ df
    pv = float(pv_rows.sum())

    labels = list(x.labels)
    labels_en = list(x.labels_en or x.labels)
    qi_src = ["effect:" + k if k else "map" for k in t["effect_key"]]
    by_outcome = pd.DataFrame(
        {
            "stakeholder": t["stakeholder"],
            "outcome": t["outcome"],
            "indicator": t["indicator"],
            **{f"{c}_en": t.get(f"{c}_en", t[c]) for c in ("stakeholder", "outcome", "indicator")},
            "quantity": qty,
            "quantity_source": qi_src,
            "proxy_nok": x.p,
            "proxy_year_original": t["proxy_year"],
            "gross_value_year1": gross1,
            "deadweight": dw,
            "deadweight_input": x.deadweight_input,
            "deadweight_netted_by_effect": x.netted,
            "deadweight_kept_before_after": x.before_after,
            "quantity_design": list(x.designs),
            "displacement": disp,
            "attribution": attr,
            "drop_off": drop,
            "duration_years": x.dur,
            "impact_year1": a1,
            "impact_undiscounted": impact.sum(axis=1),
            "present_value": pv_rows,
            "share_of_present_value": pv_rows / pv if pv != 0 else np.nan,
            "proxy_source": t["proxy_source"],
        }
    )
    value_t = impact.sum(axis=0)
    pv_t = value_t * df
    cum = np.cumsum(pv_t)
    by_year = pd.DataFrame(
        {
            "year": np.arange(0, n_years + 1),
            "value": np.concatenate([[0.0], value_t]),
            "cost": np.concatenate([[inv], np.zeros(n_years)]),
            "discount_factor": np.concatenate([[1.0], df]),
            "pv_value": np.concatenate([[0.0], pv_t]),
            "cumulative_pv_value": np.concatenate([[0.0], cum]),
        }
    )
    by_year["cumulative_net"] = by_year["cumulative_pv_value"] - inv
    impact_by_year = pd.DataFrame(
        impact, index=pd.Index(labels, name="outcome"), columns=pd.Index(years, name="year")
    )

    dur = x.dur.astype(float)
    g0 = float((gross1 * dur).sum())
    g1 = float((gross1 * (1 - dw) * dur).sum())
    g2 = float((gross1 * (1 - dw) * (1 - disp) * dur).sum())
    g3 = float((a1 * dur).sum())
    waterfall = pd.DataFrame(
        {
            "step": [
                "gross value",
                "deadweight",
                "displacement",
                "attribution",
                "drop-off and discounting",
                "present value",
                "investment",
            ],
            "kind": ["total", "step", "step", "step", "step", "total", "investment"],
            "level": [g0, g1, g2, g3, pv, pv, inv],
            "change": [g0, g1 - g0, g2 - g1, g3 - g2, pv - g3, pv, inv],
        }
    )

    rate_en = (
        "the R-109 step-down rates (4/3/2 %)"
        if discount_rate == "r109"
        else f"{float(discount_rate):.1%} a year"
    )
    rate_nb = (
        "R-109-satsene (4/3/2 %)"
        if discount_rate == "r109"
        else f"{format_percent(float(discount_rate), 1, 'nb')} per år"
    )
    notes = [
        "Calculated after the SROI Guide (SROI Network 2012): impact = quantity × proxy × (1 − deadweight) "
        "× (1 − displacement) × (1 − attribution), declining by drop-off each year.",
        f"Values arise at the end of years 1…n and are discounted at {rate_en}; the investment is at year 0.",
        f"All amounts in NOK at {x.base_year} prices (proxies moved with the consumer price index).",
        "SROI ratios are not comparable across organisations: scope, proxies and judgements differ.",
    ]
    notes_nb = [
        "Beregnet etter SROI-guiden (SROI Network 2012): virkning = mengde × verdi × (1 − dødvekt) "
        "× (1 − fortrengning) × (1 − tilskrivning), redusert med avtakning hvert år.",
        f"Verdiene oppstår ved slutten av år 1…n og diskonteres med {rate_nb}; investeringen skjer i år 0.",
        f"Alle beløp i {x.base_year}-kroner (verdiene er prisjustert med konsumprisindeksen).",
        "SROI-forholdstall kan ikke sammenlignes mellom organisasjoner: avgrensning, verdsetting og skjønn er ulike.",
    ]
    for i in np.nonzero(x.netted)[0]:
        notes.append(
            f"{labels_en[i]}: the quantity is an estimated effect (a contrast with a counterfactual), so deadweight "
            f"is already netted out and was not subtracted again (map value {format_number(x.deadweight_input[i], 2, 'en')} ignored)."
        )
        notes_nb.append(
            f"{labels[i]}: mengden er en estimert effekt (sammenlignet med et kontrafaktisk forløp), så dødvekt er "
            f"allerede trukket fra og er ikke trukket fra på nytt (kartets verdi {format_number(x.deadweight_input[i], 2, 'nb')} er ikke brukt)."
        )
    notes += before_after_notes(by_outcome, "en")
    notes_nb += before_after_notes(by_outcome, "nb")
    for i, note in enumerate(t["proxy_note"]):
        flag = next((w for w in ("VERIFY", "ILLUSTRATIVE") if w in note), None)
        if flag:
            notes.append(
                f"{labels_en[i]}: the value-bank proxy {t['proxy_id'].iloc[i]!r} is marked {flag}: {note}"
            )
            notes_nb.append(
                f"{labels[i]}: verdien {t['proxy_id'].iloc[i]!r} i verdibanken er merket "
                f"{'VERIFISER' if flag == 'VERIFY' else 'ILLUSTRASJON'} og må kontrolleres før publisering."
            )
    pay = payback(cum, inv)
    return SroiResult(
        present_value=pv,
        npv=pv - inv,
        ratio=pv / inv,
        by_outcome=by_outcome,
        by_year=by_year,
        payback_years=pay,
        notes=tuple(notes),
        notes_nb=tuple(notes_nb),
        investment=inv,
        discount_rate=discount_rate,
        base_year=x.base_year,
        waterfall=waterfall,
        impact_by_year=impact_by_year,
        bank_version=impact_map.bank_version,
    )


__all__ = ["sroi", "SroiResult", "payback"]
