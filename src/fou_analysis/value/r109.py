"""Norwegian cost–benefit analysis (samfunnsøkonomisk analyse) after R-109/2021.

Rules implemented (Finansdepartementet, rundskriv R-109/2021 *Prinsipper og krav ved utarbeidelse
av samfunnsøkonomiske analyser*, essentially unchanged from R-109/2014; DFØ, *Veileder i
samfunnsøkonomiske analyser*):

* **Real discount rate stepping down with the horizon**: 4 % for years 0–40, 3 % for 40–75 and
  2 % beyond 75; the factors compound across the steps (:func:`r109_discount_factor`).
* **Cost of tax financing** (skattefinansieringskostnad): 20 % of net public spending, counted
  as a cost in the year the spending occurs.
* **Fixed prices** in a stated base year (kroneår) via the consumer price index.
* **Zero alternative** (nullalternativet): benefits and costs are *differences* against what
  would have happened without the measure; the zero alternative is the reference and has NPV 0
  by construction.
* **Non-priced effects** are listed beside the priced ones with a +/0/− assessment and never
  added to the NPV.

Result reported: NPV, and NPV per budget krone (NPV / present value of net public spending),
the measure DFØ recommends for ranking measures under a budget constraint.

Uncertainty and distribution are analysed separately (see :mod:`fou_analysis.value.uncertainty`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import SpecificationError
from fou_analysis.value.bank import to_base_year
from fou_analysis.value.cba_result import CbaResult

ASSESSMENTS = ("+++", "++", "+", "0", "-", "--", "---")


def r109_discount_factor(
    t: float | Sequence[float] | np.ndarray,
    *,
    rates: Sequence[float] = (0.04, 0.03, 0.02),
    limits: Sequence[float] = (40, 75),
) -> float | np.ndarray:
    """Discount factor for year ``t`` under R-109's step-down of the real discount rate.

    Parameters
    ----------
    t
        Years from the start of the analysis (0 = now); scalar or array, fractions allowed.
    rates
        Yearly real rates for each step (default 4 %, 3 %, 2 %).
    limits
        Year limits between the steps (default 40 and 75). *Verify*: the steps are certain;
        the year limits follow domain notes and should be checked against R-109/2021 §5.4 and
        DFØ's guide before publishing.

    Returns
    -------
    float or numpy.ndarray
        ``DF(t)``; a float for a scalar ``t``.

    Notes
    -----
    Factors compound across the steps (defaults)::

        DF(t) = 1 / 1.04^t                                  t <= 40
        DF(t) = 1 / (1.04^40 · 1.03^(t − 40))               40 < t <= 75
        DF(t) = 1 / (1.04^40 · 1.03^35 · 1.02^(t − 75))     t > 75

    In general ``DF(t) = Π_k (1 + r_k)^−(time spent in step k before t)``.

    References
    ----------
    Finansdepartementet (2021). Rundskriv R-109/2021. DFØ, Veileder i samfunnsøkonomiske
    analyser.

    Examples
    --------
    >>> round(r109_discount_factor(40), 6) == round(1 / 1.04**40, 6)
    True
    """
    if len(rates) != len(limits) + 1:
        raise SpecificationError("rates must have exactly one more element than limits")
    lim = np.asarray(limits, dtype=float)
    if np.any(np.diff(lim) <= 0) or np.any(lim <= 0):
        raise SpecificationError("limits must be positive and increasing")
    tt = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(tt)) or np.any(tt < 0):
        raise SpecificationError("t must be finite and >= 0")
    edges = np.concatenate([[0.0], lim, [np.inf]])
    log_df = np.zeros_like(tt, dtype=float)
    for k, r in enumerate(rates):
        span = np.clip(tt - edges[k], 0.0, edges[k + 1] - edges[k])
        log_df -= span * math.log1p(float(r))
    out = np.exp(log_df)
    return float(out) if out.ndim == 0 else out


def _stream_frame(data: Any, name: str) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        data = data.to_frame(name=data.name or name)
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(
            f"{name} must be a DataFrame (year index, one column per effect) or a Series"
        )
    frame = data.copy()
    try:
        frame.index = pd.Index(frame.index.astype("int64"), name="year")
    except (TypeError, ValueError) as err:
        raise SpecificationError(f"{name}: the index must hold years (integers)") from err
    if frame.index.has_duplicates:
        raise SpecificationError(f"{name}: a year appears twice in the index")
    for col in frame.columns:
        vals = pd.to_numeric(frame[col], errors="coerce")
        if vals.isna().any():
            bad = frame.index[vals.isna()][0]
            raise SpecificationError(f"{name}[{col!r}] has a missing or non-numeric value in year {bad}")
        frame[col] = vals.astype(float)
    return frame


def _unpriced_frame(unpriced: Any) -> pd.DataFrame:
    cols = ["effect", "assessment", "comment"]
    if unpriced is None or (isinstance(unpriced, Sequence) and len(unpriced) == 0):
        return pd.DataFrame(columns=cols)
    if isinstance(unpriced, pd.DataFrame):
        rows = unpriced.to_dict("records")
    elif isinstance(unpriced, Mapping):
        rows = [{"effect": k, "assessment": v} for k, v in unpriced.items()]
    else:
        rows = []
        for item in unpriced:
            if isinstance(item, Mapping):
                rows.append(dict(item))
            elif isinstance(item, Sequence) and not isinstance(item, str) and 2 <= len(item) <= 3:
                rows.append(dict(zip(cols, item, strict=False)))
            else:
                raise SpecificationError(
                    f"unpriced: cannot read {item!r}; use (effect, assessment[, comment])"
                )
    out = []
    for r in rows:
        a = str(r.get("assessment", "")).strip().replace("−", "-").replace("–", "-")
        if a not in ASSESSMENTS:
            raise SpecificationError(
                f"unpriced effect {r.get('effect')!r}: assessment must be one of {', '.join(ASSESSMENTS)}, not {a!r}"
            )
        out.append(
            {"effect": str(r.get("effect", "")), "assessment": a, "comment": str(r.get("comment", "") or "")}
        )
    return pd.DataFrame(out, columns=cols)


def cost_benefit(
    benefits: pd.DataFrame | pd.Series,
    costs: pd.DataFrame | pd.Series,
    *,
    base_year: int,
    public_share: float | Mapping[str, float] | None = None,
    net_public_spending: pd.Series | None = None,
    tax_cost: float = 0.20,
    price_year: int | str | None = None,
    price_index: Any = None,
    unpriced: Any = (),
    horizon: int | None = None,
    rates: Sequence[float] = (0.04, 0.03, 0.02),
    limits: Sequence[float] = (40, 75),
) -> CbaResult:
    """Cost–benefit analysis after R-109/2021: fixed prices, step-down discounting, tax cost.

    Parameters
    ----------
    benefits, costs
        Frames with a year index (calendar years) and one column per priced effect, as positive
        amounts; both are **differences against the zero alternative** (what would have happened
        without the measure), which is the reference with NPV 0. Costs get a minus sign.
    base_year
        Kroneår: every amount is shown in this year's prices.
    public_share
        Share of the costs that is net public spending (one number, or per cost column;
        columns not named count as 0). Give this or ``net_public_spending``.
    net_public_spending
        Net public spending per year (public outlays minus public revenues), in the same
        prices as the streams. Overrides ``public_share``.
    tax_cost
        Cost of tax financing per krone of net public spending (R-109: 0.20).
    price_year
        Prices of the input amounts: a year (all amounts in that year's prices), ``"nominal"``
        (each year's amount in that year's prices) or ``None`` (already in ``base_year`` prices).
    price_index
        Deflator (default SSB KPI shipped with the package).
    unpriced
        Non-priced effects: a frame with ``effect, assessment[, comment]``, a mapping
        ``{effect: assessment}`` or tuples; assessments on the scale ``+++ … 0 … ---``.
    horizon
        Number of years analysed from the first year; later years are dropped (noted).
    rates, limits
        Discount steps, passed to :func:`r109_discount_factor`.

    Returns
    -------
    CbaResult

    Notes
    -----
    ``t = year − first year``; ``NPV = Σ_t DF(t) · (benefits_t − costs_t − tax_cost · S_t)``
    where ``S_t`` is net public spending; ``NPV per budget krone = NPV / Σ_t DF(t) · S_t``.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"fewer_nav_benefits": [0, 500_000, 500_000]}, index=[2024, 2025, 2026])
    >>> c = pd.DataFrame({"programme": [600_000, 100_000, 100_000]}, index=[2024, 2025, 2026])
    >>> round(cost_benefit(b, c, base_year=2024, public_share=1.0).npv)
    -3284
    """
    tc = float(tax_cost)
    if not (math.isfinite(tc) and 0 <= tc < 1):
        raise SpecificationError(f"tax_cost must be a share such as 0.20, not {tax_cost!r}")
    ben = _stream_frame(benefits, "benefits")
    cost = _stream_frame(costs, "costs")
    clash = set(ben.columns) & set(cost.columns)
    if clash:
        raise SpecificationError(f"the same column name in benefits and costs: {sorted(clash)}")
    years = ben.index.union(cost.index).sort_values()
    ben = ben.reindex(years, fill_value=0.0)
    cost = cost.reindex(years, fill_value=0.0)
    notes = [
        "The zero alternative is the reference: benefits and costs are differences against what would "
        "have happened without the measure.",
        f"All amounts in {int(base_year)} prices (kroneår).",
        "Discounting after R-109/2021: "
        + ", ".join(f"{r:.0%}" for r in rates)
        + f" with steps at years {', '.join(str(x) for x in limits)} (year limits: verify).",
        f"Cost of tax financing: {tc:.0%} of net public spending.",
        "Non-priced effects are listed beside the NPV and not added to it.",
    ]
    if net_public_spending is not None:
        nps = (
            _stream_frame(net_public_spending, "net_public_spending")
            .iloc[:, 0]
            .reindex(years, fill_value=0.0)
        )
    elif public_share is not None:
        if isinstance(public_share, Mapping):
            unknown = set(public_share) - set(cost.columns)
            if unknown:
                raise SpecificationError(
                    f"public_share names columns that are not in costs: {sorted(unknown)}"
                )
            shares = pd.Series({c: float(public_share.get(c, 0.0)) for c in cost.columns})
        else:
            shares = pd.Series(float(public_share), index=cost.columns)
        if ((shares < 0) | (shares > 1)).any():
            raise SpecificationError("public_share must be between 0 and 1")
        nps = (cost * shares).sum(axis=1)
        notes.append("Net public spending = public share of the costs (public revenues not netted).")
    else:
        raise SpecificationError(
            "say how much of the costs is public spending: give public_share= (e.g. 1.0) or net_public_spending="
        )
    nps = nps.rename("net_public_spending")

    if price_year is not None:

        def conv(frame: pd.DataFrame | pd.Series) -> Any:
            if price_year == "nominal":
                f = to_base_year(np.ones(len(years)), years.to_numpy(), int(base_year), price_index)
            else:
                f = to_base_year(1.0, int(price_year), int(base_year), price_index)
            return frame.mul(f, axis=0)

        if price_year != "nominal" and not isinstance(price_year, int | np.integer):
            raise SpecificationError(f"price_year must be a year, 'nominal' or None, not {price_year!r}")
        ben, cost, nps = conv(ben), conv(cost), conv(nps)
        notes.append(f"Input amounts converted from {price_year} prices with the consumer price index.")
    if horizon is not None:
        if int(horizon) < 1:
            raise SpecificationError("horizon must be at least one year")
        keep = years < years.min() + int(horizon)
        if not keep.all():
            notes.append(f"Years after the {int(horizon)}-year horizon were left out.")
        ben, cost, nps, years = ben[keep], cost[keep], nps[keep], years[keep]

    streams = pd.concat([ben, -cost], axis=1)
    streams["tax_financing_cost"] = -tc * nps
    streams["net"] = streams.sum(axis=1)
    streams["net_public_spending"] = nps
    t = (years - years.min()).to_numpy(dtype=float)
    df = r109_discount_factor(t, rates=rates, limits=limits)
    streams["t"] = t.astype(int)
    streams["discount_factor"] = df
    streams["pv_net"] = streams["net"] * df
    streams.index.name = "year"
    pv_b = float((ben.sum(axis=1) * df).sum())
    pv_c = float((cost.sum(axis=1) * df).sum())
    pv_tax = float((tc * nps * df).sum())
    pv_nps = float((nps * df).sum())
    npv = float(streams["pv_net"].sum())
    return CbaResult(
        streams=streams,
        npv=npv,
        pv_benefits=pv_b,
        pv_costs=pv_c,
        pv_tax_financing=pv_tax,
        pv_net_public_spending=pv_nps,
        npv_per_budget_krone=npv / pv_nps if pv_nps > 0 else float("nan"),
        unpriced=_unpriced_frame(unpriced),
        base_year=int(base_year),
        notes=tuple(notes),
    )


__all__ = ["r109_discount_factor", "cost_benefit", "CbaResult", "ASSESSMENTS"]
