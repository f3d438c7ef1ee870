"""Portfolio views of the registry (:mod:`fou_analysis.framework.registry`): every initiative by
stage (a pipeline from idea to operation), by quality-of-life domain and by sector, the hand-over
risks and a card for each initiative with its story. Re-exported by
:mod:`fou_analysis.framework.portfolio`; kept apart so each module stays short.

Municipality numbers are shown as names from SSB's classification shipped with the package
(:func:`fou_analysis.clean.municipality_codes`).
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pandas as pd

from fou_analysis.config import DOMAINS, STAGES, Project, load_plan
from fou_analysis.formatting import check_lang
from fou_analysis.framework.handover import handover_risks, stage_label
from fou_analysis.framework.registry import EVIDENCE, FORMS, SECTORS, Registry, load_registry
from fou_analysis.framework.stories import story_cards
from fou_analysis.report.text import t


def _label(vocab: dict[str, tuple[str, str]], key: str | None, lang: str) -> str:
    if key is None:
        return "ikke oppgitt" if lang == "nb" else "not stated"
    return vocab[key][0 if lang == "nb" else 1]


def municipality_names(codes: list[str]) -> str:
    """Municipality names for numbers (SSB classification, 2024 structure).

    Examples
    --------
    >>> municipality_names(["5006", "5053"])
    'Steinkjer, Inderøy'
    """
    from fou_analysis.clean import municipality_codes

    tbl = municipality_codes().drop_duplicates("code", keep="first").set_index("code")
    return ", ".join(str(tbl.loc[c, "group_name"]) if c in tbl.index else c for c in codes)


def resolve(registry: Registry, project: Project) -> Registry:
    """The registry with each measured entry completed from its case plan: the plan's hand-over
    when the entry has none, the plan's stories added, the plan's outcome domains added."""
    items = []
    for i in registry.initiatives:
        if i.case is None or i.case not in project.case_slugs():
            items.append(i)
            continue
        plan = load_plan(i.case, project=project)
        domains = list(dict.fromkeys([*i.domains, *(o.domain for o in plan.outcomes if o.domain)]))
        items.append(
            i.model_copy(
                update={
                    "handover": i.handover or plan.handover,
                    "stories": [*i.stories, *plan.stories],
                    "domains": domains,
                }
            )
        )
    return Registry(initiatives=items)


def load(project: Project) -> Registry:
    """The registry of ``project``, completed from the case plans (:func:`resolve`)."""
    return resolve(load_registry(project), project)


def by_stage(registry: Registry, lang: str) -> pd.DataFrame:
    """One row per initiative, in pipeline order (idea → pilot → operation → ended)."""
    check_lang(lang)
    order = {k: n for n, k in enumerate(STAGES)}
    rows = [
        {
            "Fase" if lang == "nb" else "Stage": stage_label(i.stage, lang),
            "Tiltak" if lang == "nb" else "Initiative": i.name,
            t("sector", lang): _label(SECTORS, i.sector, lang),
            "Kommune" if lang == "nb" else "Municipality": municipality_names(i.municipality),
            "Målt" if lang == "nb" else "Measured": ("ja" if lang == "nb" else "yes") if i.measured else "–",
            "_order": order[i.stage],
        }
        for i in registry.initiatives
    ]
    return (
        pd.DataFrame(rows)
        .sort_values(["_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def pipeline_html(registry: Registry, lang: str) -> str:
    """The pipeline from idea to operation: one column per stage with the count and the names."""
    check_lang(lang)
    e = html.escape
    cols = []
    for key in STAGES:
        names = [i for i in registry.initiatives if i.stage == key]
        items = "".join(
            f"<li>{e(i.name)}{' ★' if i.measured else ''}</li>" for i in sorted(names, key=lambda i: i.name)
        )
        cols.append(
            "<div style='flex:1;min-width:12em;border-top:4px solid #4c72b0;padding:0.3em'>"
            f"<b>{e(stage_label(key, lang))}</b> ({len(names)})<ul>{items}</ul></div>"
        )
    title = "Fra idé til drift" if lang == "nb" else "From idea to operation"
    note = "★ = målt med en måleplan" if lang == "nb" else "★ = measured with a measurement plan"
    return f"<h2>{title}</h2><div style='display:flex;gap:0.5em'>{'→'.join(cols)}</div><p><i>{note}</i></p>"


def stage_plot(registry: Registry, lang: str, ax: Any = None) -> Any:
    """Bar chart of the number of initiatives per stage, measured ones shaded apart."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from fou_analysis.plotting import localise

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 2.8))
    labels = [stage_label(k, lang) for k in STAGES]
    measured = [sum(i.stage == k and i.measured for i in registry.initiatives) for k in STAGES]
    other = [sum(i.stage == k and not i.measured for i in registry.initiatives) for k in STAGES]
    ax.bar(labels, other, color="#8c8c8c", label="ikke målt" if lang == "nb" else "not measured")
    ax.bar(labels, measured, bottom=other, color="#4c72b0", label="målt" if lang == "nb" else "measured")
    ax.set_ylabel("antall tiltak" if lang == "nb" else "number of initiatives")
    ax.set_title("Tiltak etter fase" if lang == "nb" else "Initiatives by stage")
    ax.legend(frameon=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole initiatives, no "0.5"
    return localise(ax, lang).figure


def _count_table(
    registry: Registry, lang: str, keys: Any, of: Any, vocab: dict[str, tuple[str, str]], head: str
):
    rows = []
    for key in keys:
        members = [i for i in registry.initiatives if key in of(i)]
        rows.append(
            {
                head: _label(vocab, key, lang),
                "Tiltak" if lang == "nb" else "Initiatives": len(members),
                "Målt" if lang == "nb" else "Measured": sum(i.measured for i in members),
                **{stage_label(s, lang): sum(i.stage == s for i in members) for s in STAGES},
                "Navn" if lang == "nb" else "Names": ", ".join(sorted(i.name for i in members)),
            }
        )
    return pd.DataFrame(rows)


def by_domain(registry: Registry, lang: str) -> pd.DataFrame:
    """Initiatives per quality-of-life domain (an initiative counts in each domain it aims at);
    a last row for initiatives with no domain stated."""
    check_lang(lang)
    head = "Livsområde" if lang == "nb" else "Domain"
    df = _count_table(registry, lang, DOMAINS, lambda i: i.domains, DOMAINS, head)
    none = [i for i in registry.initiatives if not i.domains]
    if none:
        extra = _count_table(Registry(initiatives=none), lang, [None], lambda i: [None], DOMAINS, head)
        df = pd.concat([df, extra], ignore_index=True)
    return df


def by_sector(registry: Registry, lang: str) -> pd.DataFrame:
    """Initiatives per sector, with how many are measured and how many are in each stage."""
    check_lang(lang)
    head = t("sector", lang)
    df = _count_table(registry, lang, SECTORS, lambda i: [i.sector], SECTORS, head)
    return df[df.iloc[:, 1] > 0].reset_index(drop=True)


def handover_table(registry: Registry, lang: str, *, today: date | None = None) -> pd.DataFrame:
    """The hand-over risks: each initiative with something missing for a safe hand-over."""
    check_lang(lang)
    stage = {i.name: i.stage for i in registry.initiatives}
    rows = [
        {
            "Tiltak" if lang == "nb" else "Initiative": name,
            "Fase" if lang == "nb" else "Stage": stage_label(stage[name], lang),
            "Hva mangler" if lang == "nb" else "What is missing": "; ".join(found),
        }
        for name, found in handover_risks(registry.initiatives, lang, today=today)
    ]
    return pd.DataFrame(rows)


def initiative_cards_html(registry: Registry, lang: str) -> str:
    """A card for each initiative: facts, its one-paragraph story and its consented stories."""
    check_lang(lang)
    e = html.escape
    nb = lang == "nb"
    cards = []
    for i in registry.initiatives:
        facts = [
            (t("sector", lang), _label(SECTORS, i.sector, lang)),
            ("Kommune" if nb else "Municipality", municipality_names(i.municipality)),
            ("Fase" if nb else "Stage", stage_label(i.stage, lang)),
            ("Samskapingsform" if nb else "Form of co-creation", _label(FORMS, i.form, lang)),
            ("Dokumentasjon" if nb else "Evidence", _label(EVIDENCE, i.evidence, lang)),
            (
                "Livsområder" if nb else "Domains",
                ", ".join(_label(DOMAINS, d, lang) for d in i.domains) or _label(DOMAINS, None, lang),
            ),
        ]
        if i.partners:
            facts.append(("Partnere" if nb else "Partners", ", ".join(i.partners)))
        if i.case:
            facts.append(
                (
                    "Måleplan" if nb else "Measurement plan",
                    f"cases/{i.case}.yaml — reports/{i.case}/report.html",
                )
            )
        badge = (
            f" <span style='background:#f0c36d;padding:0 0.3em'>{'oppdiktet eksempel' if nb else 'invented example'}</span>"
            if i.invented
            else ""
        )
        body = "".join(f"<li><b>{e(k)}:</b> {e(v)}</li>" for k, v in facts)
        story = f"<p>{e(i.story.get(lang))}</p>" if i.story else ""
        cards.append(
            "<div class='initiative-card' style='border:1px solid #ccc;padding:0.5em 1em;margin:0.6em 0'>"
            f"<h3>{e(i.name)}{badge}</h3>{story}<ul>{body}</ul>{story_cards(i.stories, lang)}</div>"
        )
    title = "Tiltakene" if nb else "The initiatives"
    return f"<h2>{title}</h2>" + "".join(cards)


def registry_table(project: Project, lang: str) -> pd.DataFrame:
    """The registry (``cases/portfolio.yaml``) as one table: every initiative, measured or not."""
    check_lang(lang)
    reg = load_registry(project)
    nb = lang == "nb"
    rows = [
        {
            "Tiltak" if nb else "Initiative": i.name,
            "Kommune" if nb else "Municipality": municipality_names(i.municipality),
            t("sector", lang): _label(SECTORS, i.sector, lang),
            "Fase" if nb else "Stage": stage_label(i.stage, lang),
            "Samskapingsform" if nb else "Form of co-creation": _label(FORMS, i.form, lang),
            "Dokumentasjon" if nb else "Evidence": _label(EVIDENCE, i.evidence, lang),
            "Partnere" if nb else "Partners": ", ".join(i.partners),
            "Oppdiktet" if nb else "Invented": ("ja" if nb else "yes") if i.invented else "",
        }
        for i in reg.initiatives
    ]
    return pd.DataFrame(rows)


_TITLES = {
    "domain": ("Tiltak etter livsområde", "Initiatives by quality-of-life domain"),
    "sector": ("Tiltak etter sektor", "Initiatives by sector"),
    "handover": ("Risiko ved overføring til drift", "Hand-over risks"),
    "effects": ("Målte tiltak", "Measured initiatives"),
    "registry": ("Alle registrerte tiltak", "Every registered initiative"),
}


def section_title(key: str, lang: str) -> str:
    """An ``<h2>`` heading for a portfolio section (``domain``, ``sector``, ``handover``, ``effects``,
    ``registry``) in ``lang``."""
    check_lang(lang)
    nb, en = _TITLES[key]
    return f"<h2>{html.escape(nb if lang == 'nb' else en)}</h2>"
