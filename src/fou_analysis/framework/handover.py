"""Hand-over from project to ordinary operation (issue #11.2): where an initiative stands.

Many co-creation projects fail when the project money ends. A case plan (``stage``, ``handover``)
or a registry entry records the stage, the intended operator, the funding model and its end date,
the agreement and a five-point checklist; :func:`handover_html` shows this in the report with what
is still missing for a safe hand-over. :func:`handover_risks` lists the risks over a portfolio.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import Any

from fou_analysis.config import HANDOVER_CHECKS, STAGES, Handover
from fou_analysis.formatting import check_lang
from fou_analysis.report.sections import Html

#: Funding that ends within this many days of the report date counts as a risk.
FUNDING_HORIZON_DAYS = 365


def stage_label(stage: str | None, lang: str) -> str:
    """The stage in words (``"ikke oppgitt"``/``"not stated"`` when unknown).

    Examples
    --------
    >>> stage_label("drift", "en")
    'Ordinary operation'
    """
    check_lang(lang)
    if stage is None:
        return "ikke oppgitt" if lang == "nb" else "not stated"
    nb, en = STAGES[stage]
    return nb if lang == "nb" else en


def _date(d: date, lang: str) -> str:
    return d.strftime("%d.%m.%Y") if lang == "nb" else d.isoformat()


def risks(stage: str | None, handover: Handover | None, lang: str, *, today: date | None = None) -> list[str]:
    """What stands in the way of a safe hand-over, one sentence each (empty: nothing missing).

    An ended initiative has no hand-over risk; an idea without a hand-over plan has one risk
    (no plan yet); otherwise each unmet checklist item and funding that ends within
    :data:`FUNDING_HORIZON_DAYS` (or has ended) is a risk.
    """
    check_lang(lang)
    if stage == "avsluttet":
        return []
    if handover is None:
        return [
            "Ingen plan for overføring til drift" if lang == "nb" else "No plan for hand-over to operation"
        ]
    out = [HANDOVER_CHECKS[k][0 if lang == "nb" else 1] for k in handover.checklist.missing()]
    out = [("Mangler: " if lang == "nb" else "Missing: ") + m[:1].lower() + m[1:] for m in out]
    if handover.operator is None:
        out.append(
            "Ingen driftsansvarlig oppgitt" if lang == "nb" else "No operator after the project stated"
        )
    today = today or date.today()
    if handover.funding_until is not None:
        days = (handover.funding_until - today).days
        if days < 0:
            out.append(
                f"Finansieringen tok slutt {_date(handover.funding_until, lang)}"
                if lang == "nb"
                else f"Funding ended on {_date(handover.funding_until, lang)}"
            )
        elif days <= FUNDING_HORIZON_DAYS:
            out.append(
                f"Finansieringen slutter {_date(handover.funding_until, lang)}"
                if lang == "nb"
                else f"Funding ends on {_date(handover.funding_until, lang)}"
            )
    return out


def handover_html(
    stage: str | None, handover: Handover | None, lang: str, *, today: date | None = None
) -> Html:
    """The report section "Hand-over to operation": stage, operator, funding, agreement, checklist.

    Parameters
    ----------
    stage, handover
        From a case plan (``plan.stage``, ``plan.handover``) or a registry entry.
    lang
        ``"nb"`` or ``"en"``.
    today
        The date funding is judged against (default: today).

    Returns
    -------
    Html
        Every text from the plan escaped.
    """
    check_lang(lang)
    nb = lang == "nb"
    e = html.escape
    head = "Overføring til drift" if nb else "Hand-over to operation"
    parts = [f"<h2>{head}</h2>", f"<p><b>{'Fase' if nb else 'Stage'}:</b> {e(stage_label(stage, lang))}</p>"]
    if handover is not None:
        none = "ikke oppgitt" if nb else "not stated"
        rows = [
            (
                "Driftsansvarlig etter prosjektet" if nb else "Operator after the project",
                handover.operator or none,
            ),
            (
                "Finansieringsmodell" if nb else "Funding model",
                handover.funding_model.get(lang) if handover.funding_model else none,
            ),
            (
                "Finansiert til" if nb else "Funded until",
                _date(handover.funding_until, lang) if handover.funding_until else none,
            ),
            ("Avtale" if nb else "Agreement", handover.agreement.get(lang) if handover.agreement else none),
        ]
        parts.append("<ul>" + "".join(f"<li><b>{e(k)}:</b> {e(v)}</li>" for k, v in rows) + "</ul>")
        items = "".join(
            f"<li>{'☑' if getattr(handover.checklist, k) else '☐'} {e(v[0] if nb else v[1])}</li>"
            for k, v in HANDOVER_CHECKS.items()
        )
        parts.append(
            f"<p><b>{'Sjekkliste' if nb else 'Checklist'}</b></p><ul class='handover-checklist'>{items}</ul>"
        )
    found = risks(stage, handover, lang, today=today)
    if found:
        title = "Dette mangler for en trygg overføring" if nb else "Missing for a safe hand-over"
        parts.append(f"<p><b>{title}:</b></p><ul>" + "".join(f"<li>{e(r)}</li>" for r in found) + "</ul>")
    elif stage != "avsluttet":
        parts.append(
            "<p>Alle punktene på sjekklisten er på plass.</p>"
            if nb
            else "<p>Every checklist item is in place.</p>"
        )
    return Html("".join(parts))


def handover_risks(
    entries: Iterable[Any], lang: str, *, today: date | None = None
) -> list[tuple[str, list[str]]]:
    """``(name, risks)`` for every entry with at least one risk, most risks first.

    ``entries`` are objects with ``name``, ``stage`` and ``handover`` (registry entries).
    """
    out = [(x.name, risks(x.stage, x.handover, lang, today=today)) for x in entries]
    return sorted([o for o in out if o[1]], key=lambda o: (-len(o[1]), o[0]))


def cocreation_section(
    plan: Any, lang: str, *, today: date | None = None, beside: Iterable[str] = ()
) -> Html:
    """The case report's co-creation section: hand-over to operation, then the consented stories
    not already shown beside an outcome. Empty when the plan records neither stage, hand-over nor
    stories (plans written before issue #11).

    Parameters
    ----------
    plan
        A :class:`~fou_analysis.config.CasePlan`.
    lang
        ``"nb"`` or ``"en"``.
    today
        The date funding is judged against (default: today).
    beside
        Ids of the outcomes whose stories the report shows under their result
        (:func:`~fou_analysis.framework.stories.outcome_stories`); those stories are left out here
        and a line says where they are. Default: none, every story is shown here.
    """
    from fou_analysis.framework.stories import story_cards

    check_lang(lang)
    if plan.stage is None and plan.handover is None and not plan.stories:
        return Html("")
    body = str(handover_html(plan.stage, plan.handover, lang, today=today))
    if plan.stories:
        shown_beside = set(beside)
        here = [s for s in plan.stories if s.outcome not in shown_beside]
        moved = sum(s.consent for s in plan.stories if s.outcome in shown_beside)
        labels = {o.id: o.label.get(lang) for o in plan.outcomes}
        title = "Historier fra tiltaket" if lang == "nb" else "Stories from the initiative"
        body += f"<h2>{title}</h2>"
        if moved:
            body += (
                f"<p>{moved} historie(r) vises under utfallet de handler om, i effektdelen.</p>"
                if lang == "nb"
                else f"<p>{moved} story(ies) are shown under the outcome they illustrate, in the effects section.</p>"
            )
        body += str(story_cards(here, lang, outcome_labels=labels))
    return Html(body)
