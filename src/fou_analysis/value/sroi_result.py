"""The result of an SROI calculation: numbers, plain-language text (nb/en) and the waterfall plot.

Kept apart from :mod:`fou_analysis.value.sroi` (the calculation), as results are kept apart from
models in linearmodels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.formatting import check_lang, format_nok, format_number, format_percent
from fou_analysis.summary import Summary


def row_label(row: Any, lang: str = "nb") -> str:
    """``"stakeholder: outcome"`` of a ``by_outcome`` row (a namedtuple) in ``lang``.

    English texts sit in ``stakeholder_en`` / ``outcome_en``; results made before they existed
    fall back to the one text.
    """
    if lang == "en":
        return f"{getattr(row, 'stakeholder_en', row.stakeholder)}: {getattr(row, 'outcome_en', row.outcome)}"
    return f"{row.stakeholder}: {row.outcome}"


def before_after_notes(by_outcome: pd.DataFrame, lang: str = "nb") -> tuple[str, ...]:
    """The notes of :meth:`SroiResult.before_after_notes`, from an SROI's ``by_outcome`` table."""
    check_lang(lang)
    bo = by_outcome
    if "deadweight_kept_before_after" not in bo.columns:  # a result pickled before the rule moved
        return ()
    out = []
    for r in bo[bo["deadweight_kept_before_after"].astype(bool)].itertuples():
        label = row_label(r, lang)
        if lang == "nb":
            out.append(
                f"{label}: mengden er en før–etter-endring uten sammenligningsgruppe, "
                f"så dødvekt er trukket fra (kartets verdi {format_number(r.deadweight_input, 2, 'nb')})."
            )
        else:
            out.append(
                f"{label}: the quantity is a before–after change with no comparison "
                f"group, so deadweight is subtracted (map value {format_number(r.deadweight_input, 2, 'en')})."
            )
    return tuple(out)


@dataclass(frozen=True)
class SroiResult:
    """The result of an SROI calculation (all kroner in ``base_year`` prices).

    Attributes
    ----------
    present_value
        Present value of the valued outcomes.
    npv
        ``present_value − investment``.
    ratio
        ``present_value / investment`` (kroner of social value per krone invested).
    by_outcome
        One row per impact-map row: quantity, proxy, the shares applied, year-1 impact,
        undiscounted and present value, share of the total, whether deadweight was netted
        by an effect estimate (``deadweight_netted_by_effect``), the design of the effect the
        quantity comes from (``quantity_design``, ``""`` for numbers in the map) and whether it is
        a before/after design that keeps its deadweight (``deadweight_kept_before_after``).
    by_year
        Years 0 … n: value, cost (the investment at 0), discount factor, discounted value,
        cumulative discounted value and cumulative net value.
    payback_years
        Years until the cumulative discounted value reaches the investment, interpolated
        within the year; ``None`` when it never does within the durations.
    notes
        Assumptions and caveats (English); ``notes_nb`` in Norwegian.
    """

    present_value: float
    npv: float
    ratio: float
    by_outcome: pd.DataFrame
    by_year: pd.DataFrame
    payback_years: float | None
    notes: tuple[str, ...] = ()
    notes_nb: tuple[str, ...] = ()
    investment: float = float("nan")
    discount_rate: float | str = 0.035
    base_year: int | None = None
    waterfall: pd.DataFrame = field(default_factory=pd.DataFrame)
    impact_by_year: pd.DataFrame = field(default_factory=pd.DataFrame)
    bank_version: str | None = None

    # ------------------------------------------------------------------ text
    def before_after_notes(self, lang: str = "nb") -> tuple[str, ...]:
        """One note per row whose quantity is a before/after estimate (no comparison group), so
        its deadweight was subtracted (:data:`fou_analysis.value._core.BEFORE_AFTER_DESIGNS`).

        These notes are part of ``notes`` / ``notes_nb`` too; the method lets a report list them
        for a set of rows it shows.
        """
        return before_after_notes(self.by_outcome, lang)

    def sentence(self, lang: str = "nb") -> str:
        """Plain-language sentence with the ratio, NPV and payback, plus the comparability caveat."""
        check_lang(lang)
        ratio = format_number(self.ratio, 2, lang)
        pv, inv, npv = (
            format_nok(x, lang, compact=True) for x in (self.present_value, self.investment, self.npv)
        )
        n_years = int(self.by_year["year"].max())
        rate = "R-109" if self.discount_rate == "r109" else format_percent(float(self.discount_rate), 1, lang)
        if lang == "nb":
            s = (
                f"Hver investerte krone gir anslagsvis {ratio} kroner i samfunnsverdi (SROI 1 : {ratio}). "
                f"Nåverdien av de verdsatte virkningene er {pv} mot en investering på {inv}, "
                f"altså en netto nåverdi på {npv} ({self.base_year}-kroner, diskonteringsrente {rate}, inntil {n_years} år)."
            )
            if self.payback_years is None:
                s += " Investeringen er ikke tjent inn innen virkningene tar slutt."
            else:
                s += f" Investeringen er tjent inn etter {format_number(self.payback_years, 1, lang)} år."
            s += " Forholdstallet kan ikke sammenlignes med andre organisasjoners SROI."
        else:
            s = (
                f"Each NOK invested returns an estimated NOK {ratio} of social value (SROI 1 : {ratio}). "
                f"The present value of the valued outcomes is {pv} against an investment of {inv}, "
                f"a net present value of {npv} ({self.base_year} prices, discount rate {rate}, up to {n_years} years)."
            )
            if self.payback_years is None:
                s += " The investment is not paid back before the outcomes end."
            else:
                s += f" The investment is paid back after {format_number(self.payback_years, 1, lang)} years."
            s += " The ratio cannot be compared with other organisations' SROI ratios."
        return s

    def summary(self, lang: str = "nb") -> Summary:
        """Sentence, present value per outcome with the investment and NPV, and the assumptions."""
        check_lang(lang)
        nb = lang == "nb"
        c_item, c_pv, c_share = ("post", "nåverdi", "andel") if nb else ("item", "present value", "share")
        rows = [
            {
                c_item: row_label(r, lang),
                c_pv: format_nok(r.present_value, lang),
                c_share: format_percent(r.share_of_present_value, 0, lang),
            }
            for r in self.by_outcome.itertuples()
        ]
        rows += [
            {
                c_item: "sum nåverdi" if nb else "total present value",
                c_pv: format_nok(self.present_value, lang),
                c_share: "",
            },
            {
                c_item: "investering" if nb else "investment",
                c_pv: format_nok(self.investment, lang),
                c_share: "",
            },
            {
                c_item: "netto nåverdi" if nb else "net present value",
                c_pv: format_nok(self.npv, lang),
                c_share: "",
            },
        ]
        top = self.by_outcome["share_of_present_value"].max() if len(self.by_outcome) else float("nan")
        diags: list[tuple[str, str]] = []
        if len(self.by_outcome) > 1 and top > 0.75:
            diags.append(
                (
                    "warn",
                    f"Én virkning står for {format_percent(top, 0, lang)} av nåverdien: resultatet hviler på én verdsetting."
                    if nb
                    else f"One outcome carries {format_percent(top, 0, lang)} of the present value: the result rests on one proxy.",
                )
            )
        title = "SROI — sosial avkastning på investeringen" if nb else "SROI — social return on investment"
        return Summary(
            title=title,
            sentence=self.sentence(lang),
            table=pd.DataFrame(rows),
            diagnostics=tuple(diags),
            notes=self.notes_nb if nb else self.notes,
        )

    def _repr_html_(self) -> str:
        return self.summary("en")._repr_html_()

    def to_frame(self) -> pd.DataFrame:
        """One-row frame of the headline numbers."""
        return pd.DataFrame(
            [
                {
                    "present_value": self.present_value,
                    "investment": self.investment,
                    "npv": self.npv,
                    "ratio": self.ratio,
                    "payback_years": np.nan if self.payback_years is None else self.payback_years,
                    "discount_rate": self.discount_rate,
                    "base_year": self.base_year,
                    "years": int(self.by_year["year"].max()),
                    "n_outcomes": len(self.by_outcome),
                    "bank_version": self.bank_version,
                }
            ]
        )

    # ------------------------------------------------------------------ plot
    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Waterfall: gross value → deadweight → displacement → attribution → drop-off and
        discounting → present value, beside the investment."""
        from fou_analysis.plotting import localise, new_axes

        check_lang(lang)
        nb = lang == "nb"
        ax = new_axes(ax, (8, 3.8))
        w = self.waterfall
        labels = [_STEP_NB.get(s, s) for s in w["step"]] if nb else list(w["step"])
        big = float(np.nanmax(np.abs(w["level"].to_numpy()))) >= 1e6
        if nb:
            k, unit = (1e6, "mill. kr") if big else (1.0, "kr")
        else:
            k, unit = (1e6, "million NOK") if big else (1.0, "NOK")
        level = w["level"].to_numpy() / k
        change = w["change"].to_numpy() / k
        level_before = np.concatenate([[0.0], level[:-1]])
        for i, kind in enumerate(w["kind"]):
            if kind == "total":
                ax.bar(i, level[i], color="#2b6c8f")
            elif kind == "step":
                ax.bar(i, change[i], bottom=level_before[i], color="#c0504d")
            else:
                ax.bar(i, level[i], color="#7f7f7f")
            ax.annotate(
                format_number(level[i], 2, lang), (i, max(level[i], 0)), ha="center", va="bottom", fontsize=8
            )
        ax.axhline(self.investment / k, color="black", ls="--", lw=1)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=20, ha="right", fontsize=8)
        ax.set_ylabel(f"{unit} ({self.base_year}-priser)" if nb else f"{unit} ({self.base_year} prices)")
        ax.set_title(f"SROI 1 : {format_number(self.ratio, 2, lang)}")
        return localise(ax, lang)


#: The waterfall's steps in Norwegian (``waterfall["step"]`` is English, a data key).
_STEP_NB = {
    "gross value": "bruttoverdi",
    "deadweight": "dødvekt",
    "displacement": "fortrengning",
    "attribution": "andre bidrag",
    "drop-off and discounting": "avtagning og diskontering",
    "present value": "nåverdi",
    "investment": "investering",
}


__all__ = ["SroiResult"]
