"""The result of :func:`fou_analysis.framework.barometer`: tables, summary (nb/en) and dot plot."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang
from fou_analysis.formatting import format_number as _format_number
from fou_analysis.framework.barometer_items import DIMENSION_LABELS, DIMENSIONS, PROMPTS, SIDE_LABELS, SIDES

#: Answers needed per dimension, and complete answer sets needed for alpha (see barometer.py).
MIN_ANSWERED = 2
RELIABILITY_MIN_N = 10

_TIDY = ["term", "partnership", "wave", "side", "dimension", "estimate", "std_error", "statistic"]
_TIDY += ["p_value", "ci_low", "ci_high", "n", "suppressed"]

_TEXT = {
    "title": {"nb": "Samskapingsbarometeret", "en": "The co-creation barometer"},
    "dimension": {"nb": "Dimensjon", "en": "Dimension"},
    "gap": {"nb": "Forskjell (kommunen − partneren)", "en": "Gap (municipality − partner)"},
    "interval": {"nb": "{pct} % intervall", "en": "{pct} % interval"},
    "xlabel": {
        "nb": "Gjennomsnitt (1 = helt uenig, 5 = helt enig)",
        "en": "Mean (1 = strongly disagree, 5 = strongly agree)",
    },
    "wave": {"nb": "runde", "en": "wave"},
    "hidden": {"nb": "færre enn {n} svar: ikke vist", "en": "fewer than {n} answers: not shown"},
}


def _label(dim: str, lang: str) -> str:
    return DIMENSION_LABELS[dim][lang]


def format_number(x: Any, decimals: int, lang: str) -> str:
    """The package's formatter, without a "−0,0" for small negative numbers."""
    if x is None or not np.isfinite(float(x)):
        return _format_number(x, decimals, lang)
    return _format_number(round(float(x), decimals) + 0.0, decimals, lang)


def _clear(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose interval excludes zero."""
    return frame[(frame["ci_low"] > 0) | (frame["ci_high"] < 0)]


@dataclass(frozen=True)
class BarometerSummary:
    """Text/HTML rendering of a :class:`BarometerResult` (every piece of text is escaped in HTML)."""

    title: str
    sentences: tuple[str, ...]
    table: pd.DataFrame
    prompts: tuple[tuple[str, str], ...] = ()
    prompts_heading: str = ""
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [self.title, "=" * len(self.title), *self.sentences, "", self.table.to_string(index=False)]
        if self.prompts:
            lines += ["", self.prompts_heading] + [f"  - {d}: {p}" for d, p in self.prompts]
        if self.notes:
            lines += ["", *[f"  - {n}" for n in self.notes]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        paras = "".join(f'<p class="fou-sentence">{esc(s)}</p>' for s in self.sentences)
        table = self.table.to_html(index=False, border=0, na_rep="–", escape=True)
        prompts = "".join(f"<li><b>{esc(d)}</b>: {esc(p)}</li>" for d, p in self.prompts)
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes)
        return (
            f'<div class="fou-summary"><h4>{esc(self.title)}</h4>{paras}{table}'
            + (
                f"<h5>{esc(self.prompts_heading)}</h5><ul class='fou-prompts'>{prompts}</ul>"
                if prompts
                else ""
            )
            + (f"<ul class='fou-notes'>{notes}</ul>" if notes else "")
            + "</div>"
        )


@dataclass(frozen=True)
class BarometerResult:
    """Scores of the co-creation barometer.

    Attributes
    ----------
    scores
        Per partnership (, wave), side and dimension: ``mean, ci_low, ci_high, n, suppressed``.
    gaps
        Per partnership (, wave) and dimension: ``gap`` (kommune − partner), ``std_error``,
        ``ci_low, ci_high, p_value`` (Welch), ``n_kommune, n_partner, suppressed``.
    changes
        Per partnership, side and dimension: ``change`` (last − first wave) with its Welch
        interval; empty without a ``wave`` column.
    reliability
        Per dimension: Cronbach's ``alpha`` (``ci_low, ci_high``: Feldt), ``omega_total``, ``n``.
    level, n_min
        Confidence level; smallest side shown.
    has_waves
        Whether the answers had a ``wave`` column (then ``scores`` and ``gaps`` have one too).
    notes
        Assumptions and what was left out, in English.
    """

    scores: pd.DataFrame
    gaps: pd.DataFrame
    changes: pd.DataFrame
    reliability: pd.DataFrame
    level: float
    n_min: int
    has_waves: bool
    notes: tuple[str, ...] = ()

    # ------------------------------------------------------------------ helpers
    @property
    def partnerships(self) -> list[str]:
        """Partnerships in the order they first appear in the answers."""
        return list(dict.fromkeys(self.scores["partnership"]))

    def _latest(self, frame: pd.DataFrame, partnership: str, wave: Any = None) -> pd.DataFrame:
        sub = frame[frame["partnership"] == partnership]
        if self.has_waves:
            w = sub["wave"].max() if wave is None else wave
            sub = sub[sub["wave"] == w]
        return sub

    def to_frame(self) -> pd.DataFrame:
        """Every published number in one tidy frame (``term`` = ``score`` | ``gap`` | ``change``)."""
        s = self.scores.rename(columns={"mean": "estimate"}).assign(term="score")
        g = self.gaps.rename(columns={"gap": "estimate"}).assign(
            term="gap", n=self.gaps["n_kommune"] + self.gaps["n_partner"]
        )
        parts = [s, g]
        if not self.changes.empty:
            c = self.changes.rename(columns={"change": "estimate", "last_wave": "wave"}).assign(
                term="change", n=self.changes["n_first"] + self.changes["n_last"]
            )
            parts.append(c)
        out = pd.concat([p.reindex(columns=_TIDY) for p in parts], ignore_index=True)
        if not self.has_waves:
            out = out.drop(columns="wave")
        return out

    # ------------------------------------------------------------------ summary
    def summary(self, lang: str = "nb") -> BarometerSummary:
        """Where the sides differ most, and what to talk about, per partnership (latest wave)."""
        check_lang(lang)
        nb = lang == "nb"
        sentences: list[str] = []
        prompts: list[tuple[str, str]] = []
        tables = []
        for p in self.partnerships:
            sc = self._latest(self.scores, p)
            gp = self._latest(self.gaps, p)
            where = p
            if self.has_waves and len(sc):
                where += f" ({_TEXT['wave'][lang]} {sc['wave'].iloc[0]})"
            tables.append(self._table(p, sc, gp, lang))
            shown = gp[~gp["suppressed"]]
            hidden = gp.loc[gp["suppressed"], "dimension"].tolist()
            if not shown.empty:
                sentences.append(self._gap_sentence(where, sc, shown, lang))
            if hidden:
                names = (
                    ("alle dimensjoner" if nb else "every dimension")
                    if len(hidden) == len(DIMENSIONS)
                    else ", ".join(_label(d, lang) for d in hidden).lower()
                )
                sentences.append(
                    f"{where}: færre enn {self.n_min} svar på minst én side for {names}; disse tallene vises ikke."
                    if nb
                    else f"{where}: fewer than {self.n_min} answers on at least one side for {names}; "
                    "these figures are not shown."
                )
            change = self._change_sentence(p, lang)
            sentences += [change] if change else []
            for _, row in _clear(shown).iterrows():
                d = row["dimension"]
                side = SIDE_LABELS["kommune" if row["gap"] > 0 else "partner"][lang]
                size = format_number(abs(row["gap"]), 1, lang)
                lead = (
                    f"{side} vurderer dette {size} poeng høyere."
                    if nb
                    else f"The {side.lower()} rates this {size} points higher."
                )
                prompts.append((f"{p} – {_label(d, lang)}", f"{lead} {PROMPTS[d][lang]}"))
        table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
        return BarometerSummary(
            title=_TEXT["title"][lang],
            sentences=tuple(sentences),
            table=table,
            prompts=tuple(prompts),
            prompts_heading="Dette bør dere snakke om" if nb else "What to talk about",
            notes=self._notes(lang),
        )

    def _notes(self, lang: str) -> tuple[str, ...]:
        """How to read the figures, in the summary's language."""
        nb = lang == "nb"
        rel = self.reliability.dropna(subset=["alpha"])
        alphas = ", ".join(
            f"{_label(r['dimension'], lang).lower()} {format_number(r['alpha'], 2, lang)}"
            for _, r in rel.iterrows()
        )
        missing = len(self.reliability) - len(rel)
        if nb:
            notes = [
                f"En persons skår på en dimensjon er snittet av svarene på dens tre utsagn (minst {MIN_ANSWERED} må være besvart).",
                f"En side med færre enn {self.n_min} svar vises ikke, og da beregnes ingen forskjell; "
                "ingen samlet skår for begge sider vises.",
                "Forskjeller og endringer har Welch-intervaller (uavhengige grupper). Med mange sammenligninger "
                "vil omtrent ett av tjue intervaller utelukke null ved en tilfeldighet.",
            ]
            if alphas:
                notes.append(f"Reliabilitet (Cronbachs alfa): {alphas}.")
            if missing:
                notes.append(
                    f"Reliabilitet ikke beregnet for {missing} dimensjon(er): færre enn {RELIABILITY_MIN_N} fullstendige svar."
                )
        else:
            notes = [
                f"A person's score on a dimension is the mean of their answers to its three statements (at least {MIN_ANSWERED} answered).",
                f"A side with fewer than {self.n_min} answers is not shown, and no gap is then computed; "
                "no combined score for both sides is shown.",
                "Gaps and changes have Welch intervals (independent groups). With many comparisons, about one "
                "interval in twenty will exclude zero by chance.",
            ]
            if alphas:
                notes.append(f"Reliability (Cronbach's alpha): {alphas}.")
            if missing:
                notes.append(
                    f"Reliability not computed for {missing} dimension(s): fewer than {RELIABILITY_MIN_N} complete answer sets."
                )
        return tuple(notes)

    def _gap_sentence(self, where: str, sc: pd.DataFrame, shown: pd.DataFrame, lang: str) -> str:
        """The dimension where the sides differ most, and how many gaps are clear."""
        nb = lang == "nb"
        pct = int(round(self.level * 100))
        top = shown.loc[shown["gap"].abs().idxmax()]
        n_clear = len(_clear(shown))
        dim = top["dimension"]
        means = sc.set_index(["side", "dimension"])["mean"]
        hi_side, lo_side = ("kommune", "partner") if top["gap"] > 0 else ("partner", "kommune")
        hi, lo = (format_number(means[(s, dim)], 1, lang) for s in (hi_side, lo_side))
        hi_name, lo_name = (SIDE_LABELS[s][lang].lower() for s in (hi_side, lo_side))
        gap, low, high = (format_number(top[c], 1, lang) for c in ("gap", "ci_low", "ci_high"))
        label = _label(dim, lang).lower()
        if nb:
            text = (
                f"{where}: sidene er mest uenige om {label}: {hi_name} gir {hi} og {lo_name} {lo} på en "
                f"skala fra 1 til 5 (forskjell {gap}, {pct} % intervall {low} til {high})."
            )
            return text + (
                f" {n_clear} av {len(shown)} dimensjoner har en tydelig forskjell (intervallet omfatter ikke null)."
                if n_clear
                else " Ingen dimensjon har en tydelig forskjell: alle intervallene omfatter null."
            )
        text = (
            f"{where}: the sides differ most on {label}: the {hi_name} gives {hi} and the {lo_name} {lo} on a "
            f"scale from 1 to 5 (gap {gap}, {pct} % interval {low} to {high})."
        )
        return text + (
            f" {n_clear} of {len(shown)} dimensions show a clear gap (the interval excludes zero)."
            if n_clear
            else " No dimension shows a clear gap: every interval includes zero."
        )

    def _change_sentence(self, p: str, lang: str) -> str:
        """Clear changes (interval excludes zero) from the first to the last wave, or ''."""
        ch = self.changes[(self.changes["partnership"] == p) & ~self.changes["suppressed"].astype(bool)]
        if ch.empty:
            return ""
        nb = lang == "nb"
        first, last = ch["first_wave"].iloc[0], ch["last_wave"].iloc[0]
        parts = []
        for _, r in _clear(ch).iterrows():
            size = ("+" if r["change"] > 0 else "") + format_number(r["change"], 1, lang)
            side = SIDE_LABELS[r["side"]][lang].lower()
            parts.append(
                f"{_label(r['dimension'], lang).lower()} hos {side} {size}"
                if nb
                else f"{_label(r['dimension'], lang).lower()} for the {side} {size}"
            )
        wave = _TEXT["wave"][lang]
        if not parts:
            return (
                f"{p}: ingen tydelige endringer fra {wave} {first} til {last}."
                if nb
                else f"{p}: no clear changes from {wave} {first} to {last}."
            )
        lead = (
            f"{p}: tydelige endringer fra {wave} {first} til {last}: "
            if nb
            else f"{p}: clear changes from {wave} {first} to {last}: "
        )
        return lead + "; ".join(parts) + "."

    def _table(self, p: str, sc: pd.DataFrame, gp: pd.DataFrame, lang: str) -> pd.DataFrame:
        means = sc.pivot_table(index="dimension", columns="side", values="mean", dropna=False)
        g = gp.set_index("dimension")
        pct = int(round(self.level * 100))
        rows = []
        for d in DIMENSIONS:
            lo, hi = g.loc[d, "ci_low"], g.loc[d, "ci_high"]
            rows.append(
                {
                    "partnership": p,
                    _TEXT["dimension"][lang]: _label(d, lang),
                    **{
                        SIDE_LABELS[s][lang]: format_number(means.get(s, pd.Series()).get(d), 1, lang)
                        for s in SIDES
                    },
                    _TEXT["gap"][lang]: format_number(g.loc[d, "gap"], 1, lang),
                    _TEXT["interval"][lang].format(pct=pct): (
                        f"{format_number(lo, 1, lang)} – {format_number(hi, 1, lang)}"
                        if np.isfinite(lo)
                        else "–"
                    ),
                }
            )
        out = pd.DataFrame(rows)
        return out.rename(columns={"partnership": "Partnerskap" if lang == "nb" else "Partnership"})

    # ------------------------------------------------------------------ plot
    def plot(
        self, ax: Any = None, *, lang: str = "nb", partnership: str | None = None, wave: Any = None
    ) -> Any:
        """Dot plot per partnership: dimensions down, both sides' means with their intervals.

        With several partnerships and no ``ax``, one panel per partnership (returns the array of
        Axes); with ``ax``, name the ``partnership`` unless there is only one. ``wave`` defaults
        to the latest. Suppressed sides are left out and marked in the dimension label.
        """
        import matplotlib.pyplot as plt

        check_lang(lang)
        chosen = self.partnerships if partnership is None else [partnership]
        if partnership is not None and partnership not in self.partnerships:
            raise SpecificationError(
                f"unknown partnership {partnership!r}; choose one of {self.partnerships}"
            )
        if wave is not None and (not self.has_waves or wave not in set(self.scores["wave"])):
            raise SpecificationError(f"no wave {wave!r} in these answers")
        if wave is not None and (not self.has_waves or wave not in set(self.scores["wave"])):
            raise SpecificationError(f"no wave {wave!r} in these answers")
        if ax is not None and len(chosen) > 1:
            raise SpecificationError("several partnerships: pass partnership= to draw one of them on ax")
        if ax is None:
            _, axes = plt.subplots(
                len(chosen), 1, figsize=(7, 3.6 * len(chosen)), squeeze=False, layout="constrained"
            )
            axes = axes[:, 0]
        else:
            axes = np.array([ax])
        colors = {"kommune": "#1f4e79", "partner": "#c55a11"}
        for a, p in zip(axes, chosen, strict=True):
            sc = self._latest(self.scores, p, wave)
            y = np.arange(len(DIMENSIONS))[::-1]
            ypos = dict(zip(DIMENSIONS, y, strict=True))
            for off, side in zip((0.15, -0.15), SIDES, strict=True):
                rows = sc[(sc["side"] == side) & ~sc["suppressed"]]
                yy = np.array([ypos[d] for d in rows["dimension"]]) + off
                m = rows["mean"].to_numpy()
                err = np.vstack([m - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - m])
                a.errorbar(
                    m,
                    yy,
                    xerr=np.nan_to_num(err),
                    fmt="o",
                    capsize=3,
                    color=colors[side],
                    label=SIDE_LABELS[side][lang],
                )
            labels = []
            for d in DIMENSIONS:
                cell = sc[(sc["dimension"] == d) & sc["suppressed"]]
                sides = ", ".join(SIDE_LABELS[s][lang] for s in SIDES if s in set(cell["side"]))
                hidden = _TEXT["hidden"][lang].format(n=self.n_min)
                labels.append(_label(d, lang) + (f"\n({sides}: {hidden})" if sides else ""))
            a.set_yticks(y, labels)
            a.set_xlim(0.8, 5.2)
            a.set_xticks([1, 2, 3, 4, 5])
            a.set_xlabel(_TEXT["xlabel"][lang])
            title = p
            if self.has_waves and len(sc):
                title += f" – {_TEXT['wave'][lang]} {sc['wave'].iloc[0]}"
            a.set_title(title)
            a.grid(axis="x", alpha=0.3)
            a.legend(loc="best", fontsize="small")
        return axes[0] if len(axes) == 1 else axes
