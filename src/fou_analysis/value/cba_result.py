"""The result of a cost–benefit analysis after R-109: numbers, text (nb/en) and the stream plot."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.formatting import check_lang, format_nok, format_number
from fou_analysis.summary import Summary


@dataclass(frozen=True)
class CbaResult:
    """A cost–benefit analysis in fixed prices with R-109 discounting.

    Attributes
    ----------
    streams
        Year index; one column per priced effect with its sign (benefits +, costs −), the cost
        of tax financing (``tax_financing_cost``, −), ``net``, ``net_public_spending``, ``t``
        (years from the first year), ``discount_factor`` and ``pv_net``.
    npv
        Net present value in base-year kroner.
    pv_benefits, pv_costs, pv_tax_financing, pv_net_public_spending
        Present values (costs and the tax financing cost as positive numbers).
    npv_per_budget_krone
        ``npv / pv_net_public_spending`` (NaN when there is no net public spending).
    unpriced
        Non-priced effects with assessments (``+++`` … ``---``) and comments.
    base_year
        Kroneår of every amount.
    notes
        How the numbers were made (English).
    """

    streams: pd.DataFrame
    npv: float
    pv_benefits: float
    pv_costs: float
    pv_tax_financing: float
    pv_net_public_spending: float
    npv_per_budget_krone: float
    unpriced: pd.DataFrame
    base_year: int
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """One-row frame of the headline numbers."""
        return pd.DataFrame(
            [
                {
                    "npv": self.npv,
                    "pv_benefits": self.pv_benefits,
                    "pv_costs": self.pv_costs,
                    "pv_tax_financing": self.pv_tax_financing,
                    "pv_net_public_spending": self.pv_net_public_spending,
                    "npv_per_budget_krone": self.npv_per_budget_krone,
                    "base_year": self.base_year,
                    "first_year": int(self.streams.index.min()),
                    "last_year": int(self.streams.index.max()),
                    "n_unpriced": len(self.unpriced),
                }
            ]
        )

    def sentence(self, lang: str = "nb") -> str:
        check_lang(lang)
        npv = format_nok(self.npv, lang, compact=True)
        per = format_number(self.npv_per_budget_krone, 2, lang)
        y0, y1 = int(self.streams.index.min()), int(self.streams.index.max())
        if lang == "nb":
            verdict = "samfunnsøkonomisk lønnsomt" if self.npv > 0 else "ikke samfunnsøkonomisk lønnsomt"
            s = (
                f"Med prissatte virkninger {y0}–{y1} er tiltaket {verdict}: netto nåverdi er {npv} "
                f"({self.base_year}-kroner, R-109-diskontering, skattefinansieringskostnad inkludert)."
            )
            if math.isfinite(self.npv_per_budget_krone):
                s += f" Netto nåverdi per budsjettkrone er {per}."
            if len(self.unpriced):
                s += " Ikke-prissatte virkninger er vurdert ved siden av og kan endre konklusjonen."
        else:
            verdict = "socially profitable" if self.npv > 0 else "not socially profitable"
            s = (
                f"Counting the priced effects {y0}–{y1}, the measure is {verdict}: the net present value is "
                f"{npv} ({self.base_year} prices, R-109 discounting, cost of tax financing included)."
            )
            if math.isfinite(self.npv_per_budget_krone):
                s += f" NPV per NOK of public budget is {per}."
            if len(self.unpriced):
                s += " Non-priced effects are assessed beside it and may change the conclusion."
        return s

    def summary(self, lang: str = "nb") -> Summary:
        """Sentence, present values per effect, non-priced effects and assumptions."""
        check_lang(lang)
        pv = self.streams.drop(columns=["t", "discount_factor", "pv_net", "net", "net_public_spending"])
        pv = pv.mul(self.streams["discount_factor"], axis=0).sum()
        item, value = ("post", "nåverdi") if lang == "nb" else ("item", "present value")
        rows = [{item: k, value: format_nok(v, lang)} for k, v in pv.items()]
        rows.append(
            {
                item: "netto nåverdi" if lang == "nb" else "net present value",
                value: format_nok(self.npv, lang),
            }
        )
        diags = tuple(
            ("info", f"{r.effect}: {r.assessment}" + (f" ({r.comment})" if r.comment else ""))
            for r in self.unpriced.itertuples()
        )
        title = "Samfunnsøkonomisk analyse (R-109)" if lang == "nb" else "Cost–benefit analysis (R-109)"
        notes = self.notes if lang == "en" else _CBA_NOTES_NB + (f"Kroneår: {self.base_year}.",)
        return Summary(
            title=title,
            sentence=self.sentence(lang),
            table=pd.DataFrame(rows),
            diagnostics=diags,
            notes=notes,
        )

    def _repr_html_(self) -> str:
        return self.summary("en")._repr_html_()

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Stacked bars of the signed yearly streams with the cumulative discounted net line."""
        from fou_analysis.formatting import check_lang, format_nok
        from fou_analysis.plotting import localise, new_axes, words

        check_lang(lang)
        nb = lang == "nb"
        ax = new_axes(ax, (7, 3.5))
        parts = self.streams.drop(columns=["t", "discount_factor", "pv_net", "net", "net_public_spending"])
        years = parts.index.to_numpy()
        pos = np.zeros(len(years))
        neg = np.zeros(len(years))
        for col in parts.columns:
            v = parts[col].to_numpy()
            base = np.where(v >= 0, pos, neg)
            ax.bar(years, v, bottom=base, label=(_STREAM_NB if nb else _STREAM_EN).get(col, col))
            pos += np.where(v >= 0, v, 0)
            neg += np.where(v < 0, v, 0)
        ax.plot(
            years,
            self.streams["pv_net"].cumsum(),
            color="black",
            marker="o",
            label="akkumulert nåverdi (netto)" if nb else "cumulative PV (net)",
        )
        ax.axhline(0, color="grey", lw=1)
        ax.set_xticks(years)
        ax.set_xlabel(words("year", lang))
        ax.set_ylabel(f"kr ({self.base_year}-priser)" if nb else f"NOK ({self.base_year} prices)")
        ax.set_title(f"{'Netto nåverdi' if nb else 'NPV'} = {format_nok(self.npv, lang)}")
        ax.legend(fontsize="small")
        return localise(ax, lang)


#: Stream names the pipeline uses, in Norwegian (other names are the plan's own words).
#: The same stream names in English words (the keys are data keys such as ``tax_financing_cost``).
_STREAM_EN = {
    "valued_outcomes": "valued outcomes",
    "benefits": "benefits",
    "investment": "investment",
    "costs": "costs",
    "tax_financing_cost": "tax financing cost",
}
_STREAM_NB = {
    "valued_outcomes": "verdsatte virkninger",
    "benefits": "nytte",
    "investment": "investering",
    "costs": "kostnader",
    "tax_financing_cost": "skattefinansieringskostnad",
}


_CBA_NOTES_NB = (
    "Nullalternativet er referansen: nytte og kostnader er forskjeller mot det som ville skjedd uten tiltaket.",
    "Diskontering etter R-109/2021: 4 % år 0–40, 3 % år 40–75, 2 % deretter (årsgrensene bør verifiseres).",
    "Skattefinansieringskostnad: 20 % av netto offentlige utgifter.",
    "Ikke-prissatte virkninger vises ved siden av og inngår ikke i netto nåverdi.",
)


__all__ = ["CbaResult"]
