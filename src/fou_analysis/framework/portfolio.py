"""The initiative portfolio: every initiative the project knows of, and what is known about each.

Two sources: the registry (``cases/portfolio.yaml``, :mod:`fou_analysis.framework.registry`) of
every initiative — measured or not — and, for initiatives with a case plan, the results of
``fou run`` (:func:`collect`). The report shows the initiatives by stage (a pipeline from idea to
operation), by quality-of-life domain and by sector; the hand-over risks; a story card for each;
and, for measured ones, the headline effect in plain words with its design, and the barometer
overview (where partnerships are strong or strained; :mod:`.portfolio_barometer`).

Effects of different initiatives are in different units and designs and are never ranked against
each other (no "estimate ÷ standard error" axis: a lay reader cannot interpret it and it rewards
large samples, not large effects). SROI ratios are shown only as text under the caveat that they
cannot be compared across organisations — never plotted side by side.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fou_analysis.config import COUNTERFACTUAL_DESIGNS, CasePlan, Project, load_plan
from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang
from fou_analysis.framework.portfolio_barometer import (
    barometer_heatmap,
    barometer_overview_html,
    barometer_rows,
    barometer_table,
)
from fou_analysis.framework.portfolio_registry import (
    by_domain,
    by_sector,
    by_stage,
    handover_table,
    initiative_cards_html,
    load,
    municipality_names,
    pipeline_html,
    registry_table,
    resolve,
    section_title,
    stage_plot,
)
from fou_analysis.framework.registry import Registry
from fou_analysis.report.headlines import evidence_scale_note, largest_row, outcome_grade
from fou_analysis.report.sections import data_origin_text
from fou_analysis.report.text import fmt_number, t


@dataclass
class CaseOverview:
    slug: str
    plan: CasePlan
    effects: dict[str, Any] | None
    value: Any | None
    #: the raw files behind the case's prepared tables (:func:`fou_analysis.pipeline.data_sources`)
    sources: list[dict[str, Any]] = field(default_factory=list)
    #: the co-creation barometer saved by the case run (``None``: no barometer, or not run)
    barometer: Any | None = None

    @property
    def headline(self) -> tuple[str, Any] | None:
        if not self.effects:
            return None
        ids = [o.id for o in self.plan.outcomes if o.headline] or [self.plan.outcomes[0].id]
        return ids[0], self.effects.get(ids[0])


__all__ = [
    "CaseOverview",
    "ValueEvidence",
    "barometer_heatmap",
    "barometer_overview_html",
    "barometer_rows",
    "barometer_table",
    "by_domain",
    "by_sector",
    "by_stage",
    "collect",
    "handover_table",
    "headline_badge",
    "headlines_html",
    "initiative_cards_html",
    "intro_html",
    "load",
    "municipality_names",
    "pipeline_html",
    "registry_table",
    "resolve",
    "section_title",
    "stage_plot",
    "table",
    "value_evidence",
    "value_html",
]


def collect(project: Project, cases: list[str]) -> list[CaseOverview]:
    """Load each case's plan and, where ``fou run`` has produced them, its results."""
    from fou_analysis.pipeline import data_sources, load_artefact

    out = []
    for slug in cases:
        plan = load_plan(slug, project=project)
        try:
            eff = load_artefact(plan, project, "effects")
        except SpecificationError:
            eff = None
        try:
            val = load_artefact(plan, project, "value") if plan.value else None
        except SpecificationError:
            val = None
        try:
            bar = load_artefact(plan, project, "barometer") if plan.barometer else None
        except SpecificationError:
            bar = None
        out.append(CaseOverview(slug, plan, eff, val, data_sources(plan, project), barometer=bar))
    return out


def intro_html(overview: list[CaseOverview], lang: str, registry: Registry | None = None) -> str:
    """Heading, how many initiatives are known and measured, and where each case's data come from."""
    check_lang(lang)
    run = sum(o.effects is not None for o in overview)
    known = len(registry.initiatives) if registry is not None else len(overview)
    invented = sum(i.invented for i in registry.initiatives) if registry is not None else 0
    if lang == "nb":
        body = (
            f"<h1>{t('portfolio', lang)}</h1><p>Registeret har {known} tiltak; {len(overview)} har en "
            f"måleplan, og {run} av dem har resultater. Effektene er målt i ulike enheter og med ulike "
            "design; de kan ikke legges sammen eller rangeres mot hverandre.</p>"
        )
        if invented:
            body += f"<p><b>{invented} av tiltakene er oppdiktede eksempler</b> (merket «oppdiktet eksempel»).</p>"
    else:
        body = (
            f"<h1>{t('portfolio', lang)}</h1><p>The registry holds {known} initiatives; {len(overview)} have "
            f"a measurement plan, and {run} of those have results. Effects are in different units and "
            "from different designs; they cannot be added up or ranked against each other.</p>"
        )
        if invented:
            body += f"<p><b>{invented} of the initiatives are invented examples</b> (marked \u201cinvented example\u201d).</p>"
    origins = "".join(
        f"<li><b>{html.escape(o.plan.name.get(lang))}</b>: {html.escape(data_origin_text(o.sources, lang))}</li>"
        for o in overview
    )
    return body + f"<h3>{t('data_origin', lang)}</h3><ul>{origins}</ul>"


def _effect_sentence(o: CaseOverview, lang: str) -> str:
    nb = lang == "nb"
    name = o.plan.name.get(lang)
    h = o.headline
    if not h or h[1] is None:
        return f"{name}: " + ("ingen resultater ennå." if nb else "no results yet.")
    oid, r = h
    out = o.plan.outcome(oid)
    k, d = r.labels.scale, r.labels.decimals
    unit = r.labels.unit.get(lang, "")
    size = f"{fmt_number(abs(r.estimate) * k, d, lang)} {unit}".strip()
    lo, hi = (fmt_number(c * k, d, lang) for c in r.ci)
    if nb:
        way = "økte" if r.estimate > 0 else "falt" if r.estimate < 0 else "var uendret"
        text = f"{name}: {out.label.get(lang)} {way} med {size} (95 % KI {lo} til {hi})"
        how = (
            ", sammenlignet med hva som trolig ville skjedd uten tiltaket"
            if out.design in COUNTERFACTUAL_DESIGNS
            else ", målt før og etter hos de samme personene — ikke en årsakseffekt"
        )
    else:
        way = "rose" if r.estimate > 0 else "fell" if r.estimate < 0 else "did not change"
        text = f"{name}: {out.label.get(lang)} {way} by {size} (95% CI {lo} to {hi})"
        how = (
            ", compared with what would likely have happened without the initiative"
            if out.design in COUNTERFACTUAL_DESIGNS
            else ", measured before and after in the same people — not a causal effect"
        )
    better = (r.estimate > 0) == bool(r.labels.higher_is_better)
    if r.ci[0] <= 0 <= r.ci[1]:
        verdict = (
            " Intervallet omfatter null: dataene kan ikke skille effekten fra ingen effekt."
            if nb
            else " The interval includes zero: the data cannot tell the effect apart from none."
        )
    elif out.design in COUNTERFACTUAL_DESIGNS:
        verdict = (
            (" Det er en forbedring." if better else " Det er en forverring.")
            if nb
            else (" That is an improvement." if better else " That is a deterioration.")
        )
    else:  # before/after only: the direction, not an improvement the design cannot attribute
        verdict = (
            (
                " Endringen går i ønsket retning."
                if better
                else " Endringen går i motsatt retning av den ønskede."
            )
            if nb
            else (
                " The change is in the desired direction."
                if better
                else " The change is in the opposite direction to the one hoped for."
            )
        )
    design = t(f"design_{out.design}", lang)
    checks = t("verdict_" + r.worst_verdict, lang)
    tail = (
        f" Design: {design}; forutsetninger: {checks}."
        if nb
        else f" Design: {design}; assumptions: {checks}."
    )
    return text + how + "." + verdict + tail


def headline_badge(o: CaseOverview, lang: str) -> str:
    """The evidence grade badge of the case's headline effect — the case report's own badge HTML
    (:meth:`fou_analysis.effects.evidence.EvidenceGrade.badge`); ``""`` when there is no result."""
    h = o.headline
    if not h or h[1] is None:
        return ""
    return outcome_grade(o.plan, h[0], h[1]).badge(lang)


def headlines_html(overview: list[CaseOverview], lang: str) -> str:
    """The headline effect of each measured initiative in plain words with its evidence grade
    badge — in registry order, never ranked (units and designs differ)."""
    check_lang(lang)
    title = "Hovedeffekter i klartekst" if lang == "nb" else "Headline effects in plain words"
    items = "".join(
        "<li>"
        + " ".join(x for x in (headline_badge(o, lang), html.escape(_effect_sentence(o, lang))) if x)
        + "</li>"
        for o in overview
    )
    return f"<h2>{title}</h2><ul>{items}</ul>{evidence_scale_note(lang).body}"


def table(overview: list[CaseOverview], lang: str) -> pd.DataFrame:
    """Headline effect per measured case with interval, design and assumption verdict (no SROI:
    see :func:`value_html`)."""
    rows = []
    for o in overview:
        row: dict[str, Any] = {
            "Tiltak" if lang == "nb" else "Initiative": o.plan.name.get(lang),
            t("sector", lang): o.plan.sector.get(lang),
        }
        h = o.headline
        if h and h[1] is not None:
            oid, r = h
            k, d = r.labels.scale, r.labels.decimals
            unit = r.labels.unit.get(lang, "")
            row[t("outcome", lang)] = o.plan.outcome(oid).label.get(lang)
            row[t("estimate", lang)] = f"{fmt_number(r.estimate * k, d, lang)} {unit}".strip()
            row[t("ci95", lang)] = f"{fmt_number(r.ci[0] * k, d, lang)} – {fmt_number(r.ci[1] * k, d, lang)}"
            row[t("design", lang)] = t(f"design_{o.plan.outcome(oid).design}", lang)
            row[t("assumptions", lang)] = t("verdict_" + r.worst_verdict, lang)
            row["Evidens" if lang == "nb" else "Evidence"] = outcome_grade(o.plan, oid, r).label(lang)
        else:
            row[t("outcome", lang)] = "ikke kjørt" if lang == "nb" else "not run"
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ValueEvidence:
    """What a case's value rests on, for the portfolio.

    Attributes
    ----------
    grade
        The lowest evidence grade among the effects the shown value uses (the base case; every
        row when the base case is empty), as an :class:`~fou_analysis.effects.evidence.EvidenceGrade`;
        ``None`` when it rests on documented counts only.
    scenario_share
        Share of the present value *with scenarios* that rests on scenario rows (0 without
        scenarios, 1 when the base case is empty); NaN when it cannot be told.
    scenario_rows
        The scenario rows' outcome names.
    largest, largest_share
        The row with the largest present value in the shown value and its share.
    base_empty
        No row meets the evidence rule: the shown value is the scenario's.
    """

    grade: Any
    scenario_share: float
    scenario_rows: tuple[str, ...]
    largest: str
    largest_share: float
    base_empty: bool


def value_evidence(o: CaseOverview, lang: str = "nb") -> ValueEvidence:
    """The grade, scenario share and largest row behind a valued case (see :class:`ValueEvidence`);
    outcome names in ``lang`` (the plan's English texts where it has them)."""
    v = o.value
    ev = getattr(v, "evidence", None)
    base_empty = bool(getattr(v, "base_empty", False))
    grade_obj = None
    scenario_rows: tuple[str, ...] = ()
    share = float("nan")
    if ev is not None:
        used = ev if base_empty else ev[ev["base"]]
        graded = [
            outcome_grade(o.plan, r.effect_key, o.effects[r.effect_key])
            for r in used.itertuples()
            if r.source == "effect" and o.effects and r.effect_key in o.effects
        ]
        grade_obj = min(graded, key=lambda g: g.level) if graded else None
        col = "outcome_en" if lang == "en" and "outcome_en" in ev.columns else "outcome"
        scenario_rows = tuple(str(x) for x in ev.loc[~ev["base"], col])
        sc = getattr(v, "scenario", None)
        if base_empty:
            share = 1.0
        elif sc is None:
            share = 0.0
        else:
            pv = sc.sroi.by_outcome["present_value"].astype(float).reset_index(drop=True)
            if len(pv) == len(ev) and float(pv.sum()):
                share = float(pv[~ev["base"].to_numpy()].sum() / pv.sum())
    name, largest = largest_row(v.sroi.by_outcome, lang)
    return ValueEvidence(grade_obj, share, scenario_rows, name, largest, base_empty)


def _value_item(o: CaseOverview, lang: str) -> str:
    nb = lang == "nb"
    lo, hi = _ratio_interval(o.value.simulation)
    r = fmt_number(float(o.value.sroi.ratio), 2, lang)
    lo_s, hi_s = fmt_number(float(lo), 2, lang), fmt_number(float(hi), 2, lang)
    ve = value_evidence(o, lang)
    name = o.plan.name.get(lang)
    if ve.base_empty:
        lead = (
            f"{name}: bare scenarioer — {r} kroner i beregnet verdi per krone (95 % intervall {lo_s}–{hi_s})."
            if nb
            else f"{name}: scenarios only — NOK {r} of estimated value per NOK invested (95% interval {lo_s}–{hi_s})."
        )
    else:
        lead = (
            f"{name}: {r} kroner i beregnet verdi per krone i grunnberegningen (95 % intervall {lo_s}–{hi_s})."
            if nb
            else f"{name}: NOK {r} of estimated value per NOK invested in the base case (95% interval {lo_s}–{hi_s})."
        )
    parts = [lead]
    if ve.grade is None:
        parts.append(
            "Verdien bygger bare på dokumenterte antall."
            if nb
            else "The value rests on documented counts only."
        )
    if not math.isnan(ve.scenario_share):
        pct = fmt_number(100 * ve.scenario_share, 0, lang)
        rows = ", ".join(f"«{x}»" if nb else f"'{x}'" for x in ve.scenario_rows)
        if ve.scenario_share == 0:
            parts.append("Ingen del hviler på scenarioer." if nb else "No part rests on scenarios.")
        else:
            parts.append(
                f"{pct} % av verdien med scenarioer hviler på scenarioer ({rows})."
                if nb
                else f"{pct} % of the value with scenarios rests on scenarios ({rows})."
            )
    if len(o.value.sroi.by_outcome) == 1:
        parts.append(
            f"Den bygger på én virkning («{ve.largest}»)."
            if nb
            else f"It rests on one outcome ('{ve.largest}')."
        )
    elif not math.isnan(ve.largest_share):
        pct = fmt_number(100 * ve.largest_share, 0, lang)
        parts.append(
            f"Den største virkningen («{ve.largest}») står for {pct} % av nåverdien."
            if nb
            else f"The largest outcome ('{ve.largest}') accounts for {pct} % of the present value."
        )
    badge = (ve.grade.badge(lang) + " ") if ve.grade is not None else ""
    return f"<li>{badge}{html.escape(' '.join(parts))}</li>"


def value_html(overview: list[CaseOverview], lang: str) -> str:
    """SROI per valued case, as text under the caveat that ratios cannot be compared, each with
    its evidence grade badge (the weakest effect it uses), the share resting on scenarios and the
    share of its largest row."""
    check_lang(lang)
    valued = [o for o in overview if o.value is not None]
    title = "Samfunnsverdi (SROI)" if lang == "nb" else "Social value (SROI)"
    if not valued:
        none = "Ingen tiltak er verdsatt ennå." if lang == "nb" else "No initiative has been valued yet."
        return f"<h2>{title}</h2><p>{none}</p>"
    items = [_value_item(o, lang) for o in valued]
    caveat = html.escape(t("sroi_caveat", lang))
    extra = (
        "Tallene er vist hver for seg og skal ikke rangeres. Merket viser det svakeste evidensnivået "
        "blant effektene verdien bygger på."
        if lang == "nb"
        else "The figures are shown one by one and must not be ranked. The badge shows the weakest "
        "evidence level among the effects the value uses."
    )
    return f"<h2>{title}</h2><p><b>{caveat}</b> {extra}</p><ul>{''.join(items)}</ul>"


def _ratio_interval(sim: Any) -> tuple[float, float]:
    r = sim.intervals.set_index("metric").loc["ratio"]
    return float(r["ci_low"]), float(r["ci_high"])
