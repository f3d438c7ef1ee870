"""Stories and free-text themes (issue #11.3): the qualitative side of a report.

:func:`story_cards` shows a plan's (or registry entry's) stories as cards beside the outcome they
illustrate (:func:`outcome_stories` under each outcome's result in the case report) — only stories with recorded consent, each scanned for personal data again at render
time (the plan schema already refuses a story with an identity number, e-mail or phone number).

:func:`code_themes` codes free-text survey answers into themes with a keyword codebook declared in
the plan (``themes:``) and returns counts with small counts suppressed
(:func:`fou_analysis.privacy.suppress`). Keyword matching is hand-written (a regular expression per
theme, matching word starts, so ``trygg`` also finds ``trygghet``): the installed text libraries
offer no codebook coding, and a codebook the researcher can read is the point.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from fou_analysis.config import DOMAINS, Story, Theme, ThemeCodebook, did_you_mean
from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang, format_number
from fou_analysis.privacy import PersonalDataError, scan, suppress
from fou_analysis.report.sections import SMALL_CELL_MIN, Html

# a story's month as a reader writes it ("februar 2024"), independent of the system locale
_MONTHS = {
    "nb": (
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def consented(stories: Iterable[Story]) -> list[Story]:
    """The stories that may be shown: consent recorded."""
    return [s for s in stories if s.consent]


def _card(s: Story, lang: str, about: str | None) -> str:
    e = html.escape
    for text in (s.text.get(lang), s.told_by.get(lang)):
        found = scan(text)
        if found:
            raise PersonalDataError(
                f"a story contains possible personal data ({found[0].kind}: {found[0].value}); not shown",
                findings=found,
            )
    when = f"{_MONTHS[lang][s.date.month - 1]} {s.date.year}"
    tag = f"<div class='story-about'>{e(about)}</div>" if about else ""
    return (
        "<div class='story-card' style='border-left:4px solid #4c72b0;padding:0.4em 0.8em;margin:0.5em 0'>"
        f"{tag}<blockquote>«{e(s.text.get(lang))}»</blockquote>"
        f"<div class='story-by'>— {e(s.told_by.get(lang))}, {e(when)}</div></div>"
    )


def story_cards(
    stories: Iterable[Story],
    lang: str,
    *,
    outcome_labels: Mapping[str, str] | None = None,
    outcome: str | None = None,
) -> Html:
    """Story cards, grouped under the outcome (or domain) each illustrates.

    Parameters
    ----------
    stories
        ``plan.stories`` or a registry entry's ``stories``.
    lang
        ``"nb"`` or ``"en"``.
    outcome_labels
        ``{outcome id: label}`` in ``lang`` for the card's heading (default: the id).
    outcome
        Only the stories that illustrate this outcome (for a card beside the outcome's result).

    Returns
    -------
    Html
        Empty when no story has consent; a line saying how many were left out for want of consent.

    Raises
    ------
    PersonalDataError
        A story text holds what looks like an identity number, e-mail or phone number.
    """
    check_lang(lang)
    stories = list(stories)
    if outcome is not None:
        stories = [s for s in stories if s.outcome == outcome]
    shown = consented(stories)
    labels = dict(outcome_labels or {})
    cards = []
    for s in shown:
        about = None
        if s.outcome:
            about = labels.get(s.outcome, s.outcome)
        elif s.domain:
            about = DOMAINS[s.domain][0 if lang == "nb" else 1]
        cards.append(_card(s, lang, about))
    left = len(stories) - len(shown)
    note = ""
    if left:
        note = (
            f"<p><i>{left} historie(r) uten registrert samtykke vises ikke.</i></p>"
            if lang == "nb"
            else f"<p><i>{left} story(ies) without recorded consent not shown.</i></p>"
        )
    return Html("".join(cards) + note)


def outcome_stories(plan: Any, outcome_id: str, lang: str) -> Html:
    """The consented story cards that illustrate one outcome, for directly under its result.

    Parameters
    ----------
    plan
        A :class:`~fou_analysis.config.CasePlan`.
    outcome_id
        The outcome whose stories are shown (``story.outcome == outcome_id``).
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    Html
        A small heading and the cards (with the line on stories left out for want of consent);
        empty when no story names the outcome.

    Raises
    ------
    PersonalDataError
        A story text holds what looks like an identity number, e-mail or phone number.
    """
    check_lang(lang)
    if not any(s.outcome == outcome_id for s in plan.stories):
        return Html("")
    labels = {o.id: o.label.get(lang) for o in plan.outcomes}
    cards = str(story_cards(plan.stories, lang, outcome_labels=labels, outcome=outcome_id))
    title = "Fra tiltaket" if lang == "nb" else "From the initiative"
    return Html(f"<div class='fou-outcome-stories'><h4>{html.escape(title)}</h4>{cards}</div>")


def _pattern(theme: Theme) -> re.Pattern[str]:
    words = sorted((k.strip() for k in theme.keywords if k.strip()), key=len, reverse=True)
    if not words:
        raise SpecificationError(f"theme {theme.id!r}: no keywords")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def code_themes(
    texts: pd.Series, codebook: ThemeCodebook | Iterable[Theme], lang: str, *, n_min: int = SMALL_CELL_MIN
) -> pd.DataFrame:
    """Count free-text answers per theme of a keyword codebook, small counts suppressed.

    An answer counts once in every theme one of whose keywords starts a word in it
    (case-insensitive); answers matching no theme count under "other", empty answers are left out.

    Parameters
    ----------
    texts
        The free-text answers (one per respondent).
    codebook
        ``plan.themes`` or a list of :class:`~fou_analysis.config.Theme`.
    lang
        ``"nb"`` or ``"en"`` (theme labels and column names).
    n_min
        Smallest count shown (the plan's ``small_cell_min``); smaller counts are suppressed by
        :func:`fou_analysis.privacy.suppress`, with secondary suppression against the total.

    Returns
    -------
    pandas.DataFrame
        ``Tema/Theme`` and ``Antall svar/Answers`` per theme, then "other" and a total row; hidden
        counts are NaN; ``attrs["suppression_note"]`` explains.
    """
    check_lang(lang)
    themes = list(codebook.themes if isinstance(codebook, ThemeCodebook) else codebook)
    answers = texts.dropna().astype(str).str.strip()
    answers = answers[answers != ""]
    hits = pd.DataFrame({th.id: answers.str.contains(_pattern(th)) for th in themes}, index=answers.index)
    theme_col = "Tema" if lang == "nb" else "Theme"
    count_col = "Antall svar" if lang == "nb" else "Answers"
    labels = [th.label.get(lang) for th in themes] + ["Annet" if lang == "nb" else "Other"]
    counts = [int(hits[th.id].sum()) for th in themes] + [int((~hits.any(axis=1)).sum()) if len(hits) else 0]
    table = pd.DataFrame({count_col: counts}, index=labels)
    # one answer may fall under several themes, so the number of answers is no margin of these
    # counts: suppress them as a table whose total is known from elsewhere (privacy.suppress then
    # protects against the total too), and add the total row after
    out = suppress(table, n_min, count_cols=[count_col])
    kept = {k: out.attrs.get(k) for k in ("suppression_note", "suppressed_cells")}
    out.loc["Totalt" if lang == "nb" else "Total"] = len(answers)
    out = out.rename_axis(theme_col).reset_index()
    out.attrs.update(kept)
    out.attrs["n_answers"] = int(len(answers))
    return out


def themes_section(plan: Any, tables: Mapping[str, pd.DataFrame], lang: str) -> Html:
    """The case report's theme counts: the plan's free-text answers coded with its codebook.

    Parameters
    ----------
    plan
        A :class:`~fou_analysis.config.CasePlan`; nothing is shown when it has no ``themes``.
    tables
        The prepared tables (:func:`fou_analysis.pipeline.load_tables`); the answers are
        ``tables[plan.themes.table][plan.themes.column]``.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    Html
        A heading, how the answers were coded, and a table of answers per theme with each theme's
        keywords; counts below the plan's ``small_cell_min`` are hidden (:func:`code_themes`).
        Every text is escaped; no answer text is shown.

    Raises
    ------
    SpecificationError
        The table or column the plan names is not there.
    """
    from fou_analysis.report.html_safety import table_html

    check_lang(lang)
    spec = plan.themes
    if spec is None:
        return Html("")
    if spec.table not in tables or spec.column not in tables[spec.table].columns:
        cols = [str(c) for c in tables.get(spec.table, pd.DataFrame()).columns]
        raise SpecificationError(
            f"cases/{plan.slug}.yaml: themes: no column {spec.column!r} in the prepared table {spec.table!r}"
            + (did_you_mean(spec.column, cols) or "")
            + " (`fou validate` names it; demo data written before the column existed: `fou demo --overwrite`)"
        )
    n_min = plan.small_cell_min
    counts = code_themes(tables[spec.table][spec.column], spec, lang, n_min=n_min)
    nb = lang == "nb"
    count_col = counts.columns[1]
    counts[count_col] = [format_number(x, 0, lang) for x in counts[count_col]]  # NaN (hidden) → "–"
    words = [", ".join(th.keywords) for th in spec.themes]
    counts["Nøkkelord" if nb else "Keywords"] = words + ["–", "–"]
    n = counts.attrs["n_answers"]
    note = str(counts.attrs.get("suppression_note") or "") if counts.attrs.get("suppressed_cells") else ""
    if " / " in note:  # "norsk / English"
        note = note.split(" / ", 1)[0 if nb else 1]
    title = "Temaer i fritekstsvarene" if nb else "Themes in the free-text answers"
    intro = (
        f"{n} fritekstsvar er kodet med planens nøkkelordliste: et svar teller i hvert tema der et "
        "nøkkelord innleder et ord, og kan derfor telle i flere temaer; svar uten treff står under "
        f"«Annet». Tall under {n_min} vises ikke. Svarene selv vises ikke."
        if nb
        else f"{n} free-text answers were coded with the plan's keyword list: an answer counts in every "
        "theme one of whose keywords starts a word in it, so it may count in several themes; answers "
        f"with no match are under 'Other'. Counts below {n_min} are not shown. The answers themselves "
        "are not shown."
    )
    e = html.escape
    body = f"<h2>{e(title)}</h2><p>{e(intro)}</p>{table_html(counts)}"
    if note:
        body += f"<p><i>{e(note)}</i></p>"
    return Html(f"<div class='fou-themes'>{body}</div>")
