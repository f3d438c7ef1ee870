"""Honest headlines: an evidence grade on every number, one headline per outcome question, and a
value summary that separates the base case from scenarios.

:func:`first_screen` is what a reader sees first (at 1366×768, under the case name): one graded
plain line per outcome question, the cost, the base-case value with the R-109 result and the
largest row's share — nothing else; :func:`first_screen_lines` measures it against
:data:`FIRST_SCREEN_LINES` so that it cannot silently grow.

The functions here only present what ``effects``, ``value`` and ``pipeline`` returned (grades
come from :mod:`fou_analysis.effects.evidence`, base case and scenarios from
:func:`fou_analysis.pipeline.valuate`). Every text exists in bokmål and English and is escaped
before it reaches HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from fou_analysis.config import CasePlan
from fou_analysis.effects.evidence import SMS_CITATION, grade, reader_n
from fou_analysis.report.sections import (
    Html,
    data_origin_text,
    effects_table,
    outcome_box,
    value_map_table,
)
from fou_analysis.report.text import fmt_nok, fmt_number, t

#: A valuation carrying more than this share of the present value is named in words.
DOMINANT_SHARE = 0.5

#: Designs whose number is not the initiative's effect as such: their "cannot show" joins the summary.
CONTEXT_DESIGNS = frozenset({"its", "synthetic_control", "synthetic_did"})


def _e(text: str) -> str:
    return html.escape(str(text))


def _n_unit(plan: CasePlan, oid: str) -> tuple[str, str] | None:
    u = plan.outcome(oid).labels.n_unit
    return (u.nb, u.en) if u else None


def outcome_grade(plan: CasePlan, oid: str, result: Any) -> Any:
    """The evidence grade of one outcome's result (its plan design)."""
    return grade(result, plan.outcome(oid).design)


def question_groups(plan: CasePlan, results: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """Outcomes grouped by question: ``(question, headline_id, other_ids)`` in plan order.

    The headline is the outcome marked ``headline: true`` in the group, else the first one in the
    plan; outcomes without ``question`` are their own question. Only estimated outcomes count.
    """
    groups: dict[str, list[str]] = {}
    for o in plan.outcomes:
        if o.id in results:
            groups.setdefault(o.question_id, []).append(o.id)
    out = []
    for q, ids in groups.items():
        marked = [i for i in ids if plan.outcome(i).headline]
        head = marked[0] if marked else ids[0]
        out.append((q, head, [i for i in ids if i != head]))
    return out


def agreement(results: Sequence[Any]) -> bool:
    """True when every estimate has the same sign and all intervals overlap pairwise."""
    signs = {r.estimate > 0 for r in results}
    low = max(r.ci[0] for r in results)
    high = min(r.ci[1] for r in results)
    return len(signs) == 1 and low <= high


def agreement_sentence(plan: CasePlan, results: Mapping[str, Any], ids: Sequence[str], lang: str) -> str:
    """One line: do the methods answering one question agree (same sign, overlapping intervals)?"""
    k = len(ids) - 1
    ok = agreement([results[i] for i in ids])
    if lang == "nb":
        head = f"Samme spørsmål, {k} {'annen metode' if k == 1 else 'andre metoder'}: "
        return head + (
            "de peker samme vei og intervallene overlapper."
            if ok
            else "de spriker (ulikt fortegn eller intervaller som ikke overlapper) – les hovedtallet med forsiktighet."
        )
    head = f"Same question, {k} other method{'s' if k != 1 else ''}: "
    return head + (
        "they point the same way and the intervals overlap."
        if ok
        else "they disagree (different sign or intervals that do not overlap) – read the headline with care."
    )


def robustness_table(
    plan: CasePlan, results: Mapping[str, Any], ids: Sequence[str], lang: str
) -> pd.DataFrame:
    """ "Samme spørsmål, andre metoder": every design answering one question in one small table."""
    nb = lang == "nb"
    rows = []
    for i, oid in enumerate(ids):
        r = results[oid]
        o = plan.outcome(oid)
        k, d = r.labels.scale, r.labels.decimals
        role = ("hovedtall" if nb else "headline") if i == 0 else ("kontroll" if nb else "check")
        rows.append(
            {
                t("design", lang): f"{t('design_' + o.design, lang)} ({role})",
                t("estimate", lang): fmt_number(r.estimate * k, d, lang),
                t("ci95", lang): f"{fmt_number(r.ci[0] * k, d, lang)} – {fmt_number(r.ci[1] * k, d, lang)}",
                "n": reader_n(r, o.design, _n_unit(plan, oid)).text(lang),
                ("Evidens" if nb else "Evidence"): outcome_grade(plan, oid, r).label(lang),
            }
        )
    return pd.DataFrame(rows)


def robustness_section(plan: CasePlan, results: Mapping[str, Any], lang: str) -> Html:
    """One small table per question answered by more than one design, with its verdict line."""
    parts = []
    for _q, head, others in question_groups(plan, results):
        if not others:
            continue
        ids = [head, *others]
        title = plan.outcome(head).label.get(lang)
        sub = "samme spørsmål, andre metoder" if lang == "nb" else "same question, other methods"
        parts.append(
            f"<h4>{_e(title[:1].upper() + title[1:])} – {sub}</h4>"
            + robustness_table(plan, results, ids, lang).to_html(index=False, border=0)
            + f"<p>{_e(agreement_sentence(plan, results, ids, lang))}</p>"
        )
    return Html("".join(parts))


def graded_effects_table(results: Mapping[str, Any], plan: CasePlan, lang: str) -> pd.DataFrame:
    """:func:`~fou_analysis.report.sections.effects_table` with the reader's n and the grade."""
    df = effects_table(results, plan, lang)
    df["n"] = [
        reader_n(r, plan.outcome(oid).design, _n_unit(plan, oid)).text(lang) for oid, r in results.items()
    ]
    df["Evidens" if lang == "nb" else "Evidence"] = [
        outcome_grade(plan, oid, r).label(lang) for oid, r in results.items()
    ]
    return df


def graded_outcome_box(result: Any, plan: CasePlan, outcome_id: str, lang: str) -> Html:
    """The evidence badge and its meaning, the before/after caveat, then the outcome box."""
    g = outcome_grade(plan, outcome_id, result)
    o = plan.outcome(outcome_id)
    n = reader_n(result, o.design, _n_unit(plan, outcome_id)).text(lang)
    head = f"<p>{g.badge(lang)} {_e(g.meaning(lang))} · n = {_e(n)}</p>"
    if not g.causal:
        head += f'<p style="background:#fff4d6;padding:6px;border-radius:4px">{_e(g.caveat(lang))}</p>'
    return Html(head + outcome_box(result, plan, outcome_id, lang).body)


def evidence_scale_note(lang: str) -> Html:
    """One paragraph on the scale behind the badges, with its citation."""
    if lang == "nb":
        text = (
            "Evidensnivået (1–5) sier hvor godt metoden skiller tiltakets effekt fra andre forklaringer; "
            "nivået senkes ett trinn for hver kontroll som ikke holder. Skala: " + SMS_CITATION
        )
    else:
        text = (
            "The evidence level (1–5) says how well the design separates the initiative's effect from "
            "other explanations; it drops one step for each check that fails. Scale: Maryland Scientific "
            "Methods Scale (Sherman et al. 1997), levels as in What Works Centre for Local Economic Growth "
            "(2016): Guide to scoring evidence using the Maryland Scientific Methods Scale."
        )
    return Html(f"<p><i>{_e(text)}</i></p>")


#: The first screen is at most this many text lines at :data:`FIRST_SCREEN_CHARS` characters per
#: line (a 1366×768 screen shows about 24 lines of report text under the case name).
FIRST_SCREEN_LINES = 16
#: The first screen fills the window below the case name, so nothing else shows above the fold
#: (the print CSS resets it: on paper the next section starts on a new page anyway).
FIRST_SCREEN_STYLE = "min-height:calc(100vh - 150px);border-bottom:1px solid #ccc;margin-bottom:1em"
#: Characters per line of body text in an exported report at 1366 px (about 175 in the demo reports'
#: screenshots, badge included); fewer here, so the bound errs on the long side.
FIRST_SCREEN_CHARS = 160

#: Splits a result's sentence into its sentences: a full stop after a word, then a capital letter
#: (not "f.eks. skole", not "0.5").
_SENTENCE_END = re.compile(r"(?<=[^\s.]{2}\.)\s+(?=[A-ZÆØÅ])")


def short_caveat(g: Any, lang: str) -> str:
    """The before/after threats named in a few words, for the first screen (the full caveat,
    with what each threat means, is in the outcome's box)."""
    if g.causal:
        return ""
    names = [threat.split(" (")[0] for threat in g.threats(lang)]
    listed = ", ".join(names[:-1]) + (" eller " if lang == "nb" else " or ") + names[-1]
    return f"Kan også skyldes {listed}." if lang == "nb" else f"Can also be due to {listed}."


def _direction_word(r: Any, lang: str, *, causal: bool = True) -> str:
    """A clear result in words a reader needs: better or worse (by the outcome's
    ``higher_is_better``), and unlikely to be chance alone. Without a comparison group
    (``causal=False``) it says only in which direction the change went, never "an improvement"
    that the design cannot attribute to the initiative."""
    labels = getattr(r, "labels", None)
    higher_is_better = bool(getattr(labels, "higher_is_better", True))
    better = (float(r.estimate) > 0) == higher_is_better
    nb = lang == "nb"
    if causal:
        word = (
            ("En forbedring" if better else "En forverring")
            if nb
            else ("An improvement" if better else "A change for the worse")
        )
    elif nb:
        word = "I ønsket retning" if better else "I motsatt retning av den ønskede"
    else:
        word = "In the desired direction" if better else "In the opposite direction to the one hoped for"
    return word + (", og neppe bare tilfeldigheter." if nb else ", unlikely to be chance alone.")


def first_screen_line(
    plan: CasePlan, results: Mapping[str, Any], head: str, others: list[str], lang: str
) -> str:
    """One outcome in plain words for the first screen (not escaped): the result's own first
    sentence (number, direction, interval), then in a few words how sure it is, the before/after
    threats, what a context design cannot show, and whether other methods agree."""
    r = results[head]
    o = plan.outcome(head)
    g = grade(r, o.design)
    nb = lang == "nb"
    text = _SENTENCE_END.split(r.sentence(lang).strip())[0].rstrip(".")
    text += f"; n = {reader_n(r, o.design, _n_unit(plan, head)).text(lang)}."
    if bool(getattr(r, "significant", False)):
        text += " " + _direction_word(r, lang, causal=g.causal)
    else:
        text += " Kan ikke skilles fra ingen effekt." if nb else " Cannot be told apart from no effect."
    if getattr(r, "worst_verdict", "") == "fail":
        text += " Obs: en forutsetning holder ikke." if nb else " Note: an assumption fails."
    if not g.causal:
        text += " " + short_caveat(g, lang)
    if o.design in CONTEXT_DESIGNS and o.cannot_show:
        text += f" {t('cannot_show', lang)}: {o.cannot_show.get(lang)}"
    if others:
        text += " " + agreement_sentence(plan, results, [head, *others], lang)
    return text


#: The R-109 result in words (nb, en) by whether the net present value is positive.
_R109_VERDICT = {
    True: (
        "lønnsomt for samfunnet med de prissatte virkningene",
        "profitable for society on the priced effects",
    ),
    False: (
        "ikke lønnsomt for samfunnet med de prissatte virkningene alene",
        "not profitable for society on the priced effects alone",
    ),
}


def first_screen_value(plan: CasePlan, valued: Any, lang: str) -> list[str]:
    """The money on the first screen (not escaped), one line each: the cost with its period; the
    base-case value per krone with its interval and the R-109 result; the largest row's share."""
    nb = lang == "nb"
    s, sim, cba = valued.sroi, valued.simulation, valued.cba
    lines = []
    vp = plan.value
    if vp is not None:
        years = int(max(r.duration_years for r in vp.impact_map))
        inv = fmt_nok(vp.investment_nok, lang)
        lines.append(
            f"Kostnad: {inv} i {vp.investment_year} ({vp.base_year}-kroner); nytten regnes over opptil {years} år fra da."
            if nb
            else f"Cost: {inv} in {vp.investment_year} ({vp.base_year} prices); benefits counted over up to {years} "
            f"year{'s' if years != 1 else ''} from then."
        )
    r = sim.intervals.set_index("metric").loc["ratio"]
    pct = int(round(100 * sim.level))
    ratio = fmt_number(float(s.ratio), 2, lang)
    lo, hi = fmt_number(float(r["ci_low"]), 2, lang), fmt_number(float(r["ci_high"]), 2, lang)
    per_krone = "–" if cba is None else fmt_number(float(cba.npv_per_budget_krone), 2, lang)
    empty = bool(getattr(valued, "base_empty", False))
    if nb:
        what = "Verdi (bare scenarioer, grunnberegningen er tom)" if empty else "Verdi (grunnberegning)"
        lines.append(
            f"{what}: {ratio} kroner per investert krone ({pct} % intervall {lo} til {hi}). "
            f"Etter R-109: netto nåverdi {per_krone} kroner per budsjettkrone"
            + ("" if cba is None else f" ({_R109_VERDICT[cba.npv_per_budget_krone > 0][0]})")
            + "."
        )
    else:
        what = "Value (scenarios only, the base case is empty)" if empty else "Value (base case)"
        lines.append(
            f"{what}: NOK {ratio} per NOK invested ({pct} % interval {lo} to {hi}). "
            f"Under R-109: net present value NOK {per_krone} per NOK of public budget"
            + ("" if cba is None else f" ({_R109_VERDICT[cba.npv_per_budget_krone > 0][1]})")
            + "."
        )
    name, share = _largest_row(s.by_outcome, lang)
    share_txt = fmt_number(100 * share, 0, lang)
    if nb:
        lines.append(
            f"Største virkning: «{name}» står for {share_txt} % av nåverdien"
            + (" – én verdsetting bærer mesteparten." if share > DOMINANT_SHARE else ".")
        )
    else:
        lines.append(
            f"Largest outcome: '{name}' accounts for {share_txt} % of the present value"
            + (" – one valuation carries most of it." if share > DOMINANT_SHARE else ".")
        )
    return lines


def first_screen(plan: CasePlan, results: Mapping[str, Any], valued: Any, lang: str) -> Html:
    """What a reader sees first, and nothing else: one graded line per outcome question, the cost,
    the base-case value with the R-109 result, and the largest row's share (one ``<div
    class="fou-first-screen">``; :func:`headline_summary` adds the rest below it)."""
    items = []
    for _q, head, others in question_groups(plan, results):
        g = grade(results[head], plan.outcome(head).design)
        items.append(f"<li>{g.badge(lang)} {_e(first_screen_line(plan, results, head, others, lang))}</li>")
    lines = [] if valued is None else first_screen_value(plan, valued, lang)
    money = "".join(
        f"<p><b>{_e(label)}:</b> {_e(rest)}</p>" for label, rest in (x.split(": ", 1) for x in lines)
    )
    return Html(
        f'<div class="fou-first-screen" style="{FIRST_SCREEN_STYLE}"><h2>{t("plain_summary", lang)}</h2><ul>{"".join(items)}</ul>{money}</div>'
    )


def about_case(plan: CasePlan, lang: str, sources: Sequence[Mapping[str, Any]] | None = None) -> Html:
    """Below the first screen: the case in brief (summary, sector, period, partners), where the
    data came from, and what the evidence levels mean."""
    from fou_analysis.report.sections import header

    origin = "" if sources is None else f"<p><i>{_e(data_origin_text(sources, lang))}</i></p>"
    return Html(header(plan, lang, title=False).body + origin + evidence_scale_note(lang).body)


def first_screen_lines(fragment: str) -> int:
    """Text lines the first screen takes: a heading one, each item or paragraph its length over
    :data:`FIRST_SCREEN_CHARS` rounded up (a badge counts as its text)."""
    import math

    blocks = re.findall(r"<(h2|li|p)\b[^>]*>(.*?)</\1>", fragment, flags=re.S)
    lines = 0
    for tag, inner in blocks:
        text = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        lines += 1 if tag == "h2" else max(1, math.ceil(len(text) / FIRST_SCREEN_CHARS))
    return lines


def _largest_row(by_outcome: pd.DataFrame, lang: str = "nb") -> tuple[str, float]:
    pv = by_outcome["present_value"].astype(float)
    total = float(pv.sum())
    i = int(pv.abs().idxmax())
    share = float(pv.loc[i] / total) if total else float("nan")
    col = "outcome_en" if lang == "en" and "outcome_en" in by_outcome.columns else "outcome"
    return str(by_outcome.loc[i, col]), share


def largest_row(by_outcome: pd.DataFrame, lang: str = "nb") -> tuple[str, float]:
    """The impact-map row with the largest present value (in absolute terms) and its share of the
    total present value (NaN when the total is 0), its name in ``lang``; used by the portfolio too."""
    return _largest_row(by_outcome, lang)


def value_summary_text(valued: Any, lang: str) -> str:
    """The value headline in words (not escaped): base SROI and R-109 NPV per budget krone together,
    the share resting on the largest row (named when above 50 %), and the scenario separately."""
    nb = lang == "nb"
    parts = []
    s, sim, cba = valued.sroi, valued.simulation, valued.cba
    r = sim.intervals.set_index("metric").loc["ratio"]
    pct = int(round(100 * sim.level))
    p = 100 * float(sim.prob_value_exceeds_cost)
    ratio = fmt_number(float(s.ratio), 2, lang)
    lo, hi = fmt_number(float(r["ci_low"]), 2, lang), fmt_number(float(r["ci_high"]), 2, lang)
    per_krone = "–" if cba is None else fmt_number(float(cba.npv_per_budget_krone), 2, lang)
    empty = bool(getattr(valued, "base_empty", False))
    if empty:
        parts.append(
            "Ingen verdsatt virkning har sterkt nok grunnlag til en grunnberegning, så den er tom (0 kroner per krone)."
            if nb
            else "No valued outcome has evidence strong enough for a base case, so it is empty (NOK 0 per NOK invested)."
        )
    if nb:
        label = (
            "Bare scenarioer (svakere evidens eller intervall som omfatter null)"
            if empty
            else "Grunnberegning (dokumenterte antall og effekter med sammenligningsgruppe som skiller seg fra null)"
        )
        parts.append(
            f"{label}: "
            f"{ratio} kroner i samfunnsverdi per investert krone ({pct} % usikkerhetsintervall {lo} til {hi}; "
            f"sannsynlighet {fmt_number(p, 0, lang)} % for at verdien overstiger kostnaden). "
            f"Etter R-109 (med skattefinansieringskostnad): netto nåverdi {per_krone} kroner per budsjettkrone."
        )
    else:
        label = (
            "Scenarios only (weaker evidence or an interval that includes zero)"
            if empty
            else "Base case (documented counts and effects with a comparison group that are distinguishable from zero)"
        )
        parts.append(
            f"{label}: "
            f"NOK {ratio} of social value per NOK invested ({pct} % uncertainty interval {lo} to {hi}; "
            f"probability {fmt_number(p, 0, lang)} % that value exceeds cost). "
            f"Under R-109 (with the cost of tax financing): net present value NOK {per_krone} per NOK of public budget."
        )
    name, share = _largest_row(s.by_outcome, lang)
    share_txt = fmt_number(100 * share, 0, lang)
    if share > DOMINANT_SHARE:
        parts.append(
            f"Én verdsetting bærer mesteparten: «{name}» står for {share_txt} % av nåverdien."
            if nb
            else f"One valuation carries most of it: '{name}' accounts for {share_txt} % of the present value."
        )
    else:
        parts.append(
            f"Den største virkningen («{name}») står for {share_txt} % av nåverdien."
            if nb
            else f"The largest outcome ('{name}') accounts for {share_txt} % of the present value."
        )
    sc = getattr(valued, "scenario", None)
    ev = getattr(valued, "evidence", None)
    if sc is not None and ev is not None:
        col = "outcome_en" if not nb and "outcome_en" in ev.columns else "outcome"
        names = ", ".join(f"«{x}»" if nb else f"'{x}'" for x in ev.loc[~ev["base"], col])
        sc_ratio = fmt_number(float(sc.sroi.ratio), 2, lang)
        sc_krone = fmt_number(float(sc.cba.npv_per_budget_krone), 2, lang)
        sc_name, sc_share = _largest_row(sc.sroi.by_outcome, lang)
        parts.append(
            f"Med scenarioer ({names}; svakere evidens eller intervall som omfatter null): {sc_ratio} kroner per krone, "
            f"R-109 {sc_krone} per budsjettkrone; «{sc_name}» står da for {fmt_number(100 * sc_share, 0, lang)} %."
            if nb
            else f"With scenarios ({names}; weaker evidence or an interval that includes zero): NOK {sc_ratio} per NOK invested, "
            f"R-109 NOK {sc_krone} per NOK of public budget; '{sc_name}' then accounts for {fmt_number(100 * sc_share, 0, lang)} %."
        )
    return " ".join(parts)


def headline_summary(
    plan: CasePlan,
    results: Mapping[str, Any],
    valued: Any,
    lang: str,
    sources: Sequence[Mapping[str, Any]] | None = None,
) -> Html:
    """The first screen (:func:`first_screen`), then where the data came from and what the
    evidence levels mean (below the first screen).

    Robustness checks of a question appear only as a one-line verdict next to its headline (their
    table is :func:`robustness_section`); before/after results say they are not a causal effect
    and name their threats. The value in full words, with the scenarios, is in
    :func:`graded_value_section`.
    """
    origin = "" if sources is None else f"<p><i>{_e(data_origin_text(sources, lang))}</i></p>"
    return Html(first_screen(plan, results, valued, lang).body + f"{origin}{evidence_scale_note(lang).body}")


def _validity(note: str, lang: str) -> str:
    if "VERIFY" in note:
        return "MÅ KONTROLLERES." if lang == "nb" else "VERIFY before publishing."
    if "ILLUSTRATIVE" in note:
        return "ILLUSTRASJON." if lang == "nb" else "ILLUSTRATIVE."
    return ""


_FLAG_LEAD = re.compile(r"^\s*(VERIFY|ILLUSTRATIVE)\b\s*:?\s*")


#: Marks an English value-bank text in a Norwegian report (a bank without the nb columns).
IN_ENGLISH_NB = "(på engelsk)"


def _validity_text(note: str, lang: str, note_nb: str = "") -> str:
    """Flag and note: the flag comes from the English note (VERIFY / ILLUSTRATIVE), whose own
    leading flag word is dropped (no "VERIFY: VERIFY"). A Norwegian report shows the bank's
    Norwegian note, else the English one marked as English."""
    note = (note or "").strip()
    body = _FLAG_LEAD.sub("", note)
    body = body[:1].upper() + body[1:]
    if lang == "nb" and (note_nb or "").strip():
        body = note_nb.strip()
    elif body and lang == "nb":
        body = f"Merknad i verdibanken {IN_ENGLISH_NB}: {body}"
    return " ".join(x for x in (_validity(note, lang), body) if x)


def _population_text(population: str, population_nb: str, lang: str) -> str:
    if lang == "nb" and (population_nb or "").strip():
        return population_nb.strip()
    if lang == "nb" and (population or "").strip():
        return f"{IN_ENGLISH_NB} {population.strip()}"
    return (population or "").strip()


def proxy_sources(impact_map: Any, lang: str) -> pd.DataFrame:
    """Each proxy once: citation, price year, validity flag and note, the population it was made for."""
    nb = lang == "nb"
    tab = impact_map.table.drop_duplicates(subset=["proxy_id", "proxy_source"])
    rows = []
    for rec in tab.itertuples():
        rows.append(
            {
                ("Verdi" if nb else "Proxy"): rec.proxy_id or "–",
                ("Kilde" if nb else "Source"): rec.proxy_source,
                ("Prisår" if nb else "Price year"): str(rec.proxy_year),
                ("Gyldighet" if nb else "Validity"): _validity_text(
                    rec.proxy_note, lang, getattr(rec, "proxy_note_nb", "")
                )
                or "–",
                ("Laget for" if nb else "Made for"): _population_text(
                    getattr(rec, "proxy_population", ""), getattr(rec, "proxy_population_nb", ""), lang
                )
                or "–",
            }
        )
    return pd.DataFrame(rows)


def graded_value_section(plan: CasePlan, valued: Any, lang: str) -> Html:
    """Value map with each row's evidence and whether it is base case or scenario; the value in
    words; the investment with its period; R-109; break-even; proxies cited once; caveats."""
    nb = lang == "nb"
    vp = plan.value
    parts = [f"<h2>{t('societal_value', lang)}</h2>"]
    parts.append(f"<p><b>{_e(value_summary_text(valued, lang))}</b></p>")
    sc = valued.scenario
    full = (sc.sroi if sc is not None else valued.sroi).by_outcome.reset_index(drop=True)
    table = value_map_table(full, lang)
    ev = valued.evidence
    if ev is not None and len(ev) == len(table):
        col = "Grunnlag" if nb else "Basis"
        table[col] = [r.reason_nb if nb else r.reason_en for r in ev.itertuples()]
        table["Beregning" if nb else "Case"] = [
            ("grunnberegning" if nb else "base case") if b else "scenario" for b in ev["base"]
        ]
    parts.append(f"<h3>{t('value_map', lang)}</h3>")
    parts.append(table.to_html(index=False, border=0, na_rep="–"))
    if vp is not None:
        years = int(max(r.duration_years for r in vp.impact_map))
        inv = fmt_nok(vp.investment_nok, lang)
        parts.append(
            "<p>"
            + _e(
                f"Investering: {inv}, kostnad i {vp.investment_year} (år 0), i {vp.base_year}-kroner; "
                f"nyttene regnes over opptil {years} år fra da. Nåverdi i grunnberegningen: "
                f"{fmt_nok(float(valued.sroi.present_value), lang)}; netto nåverdi: {fmt_nok(float(valued.sroi.npv), lang)}."
                if nb
                else f"Investment: {inv}, a cost in {vp.investment_year} (year 0), in {vp.base_year} prices; "
                f"benefits are counted over up to {years} years from then. Present value in the base case: "
                f"{fmt_nok(float(valued.sroi.present_value), lang)}; net present value: {fmt_nok(float(valued.sroi.npv), lang)}."
            )
            + "</p>"
        )
    be = valued.break_even
    if be is not None:
        text = be.sentence(lang)
        if getattr(valued, "break_even_scenario", False):
            text = "Med scenarioer: " + text if nb else "With scenarios: " + text
        parts.append(f"<p>{_e(text)}</p>")
    parts.append(f"<h4>{'Verdsettinger og kilder' if nb else 'Valuations and sources'}</h4>")
    parts.append(
        proxy_sources(valued.impact_map if sc is None else sc.impact_map, lang).to_html(index=False, border=0)
    )
    s = valued.sroi
    notes = list(getattr(s, "notes_nb" if nb else "notes", ()) or getattr(s, "notes", ()))
    # value decides which rows keep their deadweight (a before/after quantity) and says so
    every_row = sc.sroi if sc is not None else s
    notes += [n for n in every_row.before_after_notes(lang) if n not in notes]
    parts.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in [t("sroi_caveat", lang), *notes]) + "</ul>")
    if vp and vp.unpriced:
        parts.append(
            f"<h4>{t('unpriced', lang)}</h4><ul>"
            + "".join(f"<li>{_e(u.get(lang))}</li>" for u in vp.unpriced)
            + "</ul>"
        )
    return Html("".join(parts))


__all__ = [
    "agreement",
    "agreement_sentence",
    "about_case",
    "evidence_scale_note",
    "first_screen",
    "first_screen_lines",
    "graded_effects_table",
    "graded_outcome_box",
    "graded_value_section",
    "headline_summary",
    "proxy_sources",
    "question_groups",
    "robustness_section",
    "robustness_table",
    "value_summary_text",
]
