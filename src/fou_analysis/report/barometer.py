"""The co-creation barometer in a case report: both sides' scores, the gaps, what to talk about.

Presents a :class:`fou_analysis.framework.BarometerResult` (computed by
:func:`fou_analysis.pipeline.barometer`); nothing here estimates. Per wave, one table with each
side's mean per dimension (a side with too few answers shows "færre enn 3 svar" / "fewer than
3 answers", never a number) and the gap kommune − partner with its interval; then the change
from the first to the last wave per side, the result's own sentences and prompts
(:meth:`BarometerResult.summary`) and its notes. The plot is the result's own
(``result.plot(lang=lang)``), drawn by the notebook. Every text reaching HTML is escaped.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.formatting import check_lang
from fou_analysis.framework._barometer_result import format_number
from fou_analysis.framework.barometer_items import DIMENSION_LABELS, DIMENSIONS, SIDE_LABELS, SIDES
from fou_analysis.report.html_safety import table_html
from fou_analysis.report.sections import Html

_TEXT: dict[str, tuple[str, str]] = {
    # key: (nb, en)
    "title": ("Samskapingsbarometeret", "The co-creation barometer"),
    "intro": (
        "Folk på begge sider av samarbeidet – kommunen og partneren – har vurdert det på åtte "
        "dimensjoner, tre utsagn hver, fra 1 (helt uenig) til 5 (helt enig). Tabellen viser "
        "gjennomsnittet for hver side og forskjellen mellom dem med {pct} % intervall.",
        "People on both sides of the partnership – the municipality and the partner – rated it on "
        "eight dimensions, three statements each, from 1 (strongly disagree) to 5 (strongly agree). "
        "The table shows each side's mean and the gap between them with a {pct} % interval.",
    ),
    "wave": ("Runde {w}", "Wave {w}"),
    "dimension": ("Dimensjon", "Dimension"),
    "gap": ("Forskjell (kommunen − partneren)", "Gap (municipality − partner)"),
    "interval": ("{pct} % intervall", "{pct} % interval"),
    "hidden": ("færre enn {n} svar", "fewer than {n} answers"),
    "to": ("til", "to"),
    "change": ("Endring fra runde {a} til {b}", "Change from wave {a} to {b}"),
    "change_intro": (
        "Endring i gjennomsnittet for hver side ({pct} % intervall). Det kan være andre personer "
        "som svarer i de to rundene.",
        "Change in each side's mean ({pct} % interval). Different people may answer in the two waves.",
    ),
    "talk": ("Dette bør dere snakke om", "What to talk about"),
    "no_talk": (
        "Ingen dimensjon har en tydelig forskjell mellom sidene i siste runde.",
        "No dimension shows a clear gap between the sides in the latest wave.",
    ),
    "how_to_read": ("Slik leses tallene", "How to read the figures"),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    nb, en = _TEXT[key]
    return (nb if lang == "nb" else en).format(**kw)


def _interval(lo: float, hi: float, lang: str) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "–"
    return f"{format_number(lo, 1, lang)} {_t('to', lang)} {format_number(hi, 1, lang)}"


def _signed(x: float, lang: str) -> str:
    return ("+" if x > 0 and round(x, 1) != 0 else "") + format_number(x, 1, lang)


def wave_table(result: Any, partnership: str, wave: Any, lang: str) -> pd.DataFrame:
    """Both sides' means (with n) per dimension, the gap and its interval, for one wave.

    A suppressed side shows "færre enn {n_min} svar" and its gap "–".
    """
    check_lang(lang)
    pct = int(round(result.level * 100))
    sc = result.scores[result.scores["partnership"] == partnership]
    gp = result.gaps[result.gaps["partnership"] == partnership]
    if result.has_waves:
        sc, gp = sc[sc["wave"] == wave], gp[gp["wave"] == wave]
    sc = sc.set_index(["side", "dimension"])
    gp = gp.set_index("dimension")
    hidden = _t("hidden", lang, n=result.n_min)
    rows = []
    for d in DIMENSIONS:
        row = {_t("dimension", lang): DIMENSION_LABELS[d][lang]}
        for s in SIDES:
            cell = sc.loc[(s, d)]
            row[SIDE_LABELS[s][lang]] = (
                hidden
                if bool(cell["suppressed"])
                else f"{format_number(cell['mean'], 1, lang)} (n = {int(cell['n'])})"
            )
        g = gp.loc[d]
        shown = not bool(g["suppressed"])
        row[_t("gap", lang)] = format_number(g["gap"], 1, lang) if shown else "–"
        row[_t("interval", lang, pct=pct)] = _interval(g["ci_low"], g["ci_high"], lang) if shown else "–"
        rows.append(row)
    return pd.DataFrame(rows)


def change_table(result: Any, partnership: str, lang: str) -> pd.DataFrame:
    """Change from the first to the last wave per dimension and side, with its interval."""
    check_lang(lang)
    ch = result.changes[result.changes["partnership"] == partnership].set_index(["side", "dimension"])
    hidden = _t("hidden", lang, n=result.n_min)
    rows = []
    for d in DIMENSIONS:
        row = {_t("dimension", lang): DIMENSION_LABELS[d][lang]}
        for s in SIDES:
            if (s, d) not in ch.index:
                row[SIDE_LABELS[s][lang]] = "–"
                continue
            c = ch.loc[(s, d)]
            row[SIDE_LABELS[s][lang]] = (
                hidden
                if bool(c["suppressed"])
                else f"{_signed(c['change'], lang)} ({_interval(c['ci_low'], c['ci_high'], lang)})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def barometer_section(result: Any, lang: str) -> Html:
    """The barometer section of a case report (HTML, every text escaped); empty for ``None``.

    Parameters
    ----------
    result
        A :class:`~fou_analysis.framework.BarometerResult`, or ``None`` (the plan has no
        barometer: nothing is shown).
    lang
        ``"nb"`` or ``"en"``.

    Examples
    --------
    >>> str(barometer_section(None, "nb"))
    ''
    """
    check_lang(lang)
    if result is None:
        return Html("")
    esc = html.escape
    pct = int(round(result.level * 100))
    summary = result.summary(lang)
    parts = [f"<h2>{esc(_t('title', lang))}</h2>", f"<p>{esc(_t('intro', lang, pct=pct))}</p>"]
    parts += [f'<p class="fou-sentence">{esc(s)}</p>' for s in summary.sentences]
    for p in result.partnerships:
        many = len(result.partnerships) > 1
        if many:
            parts.append(f"<h3>{esc(str(p))}</h3>")
        waves = (
            sorted(result.scores.loc[result.scores["partnership"] == p, "wave"].unique())
            if result.has_waves
            else [None]
        )
        for w in waves:
            if w is not None:
                parts.append(f"<h4>{esc(_t('wave', lang, w=w))}</h4>")
            parts.append(table_html(wave_table(result, p, w, lang)))
        ch = result.changes[result.changes["partnership"] == p]
        if not ch.empty:
            a, b = ch["first_wave"].iloc[0], ch["last_wave"].iloc[0]
            parts.append(f"<h4>{esc(_t('change', lang, a=a, b=b))}</h4>")
            parts.append(f"<p>{esc(_t('change_intro', lang, pct=pct))}</p>")
            parts.append(table_html(change_table(result, p, lang)))
    parts.append(f"<h3>{esc(_t('talk', lang))}</h3>")
    if summary.prompts:
        items = "".join(f"<li><b>{esc(d)}</b>: {esc(text)}</li>" for d, text in summary.prompts)
        parts.append(f"<ul class='fou-prompts'>{items}</ul>")
    else:
        parts.append(f"<p>{esc(_t('no_talk', lang))}</p>")
    if summary.notes:
        notes = "".join(f"<li>{esc(n)}</li>" for n in summary.notes)
        parts.append(f"<h4>{esc(_t('how_to_read', lang))}</h4><ul class='fou-notes'>{notes}</ul>")
    return Html('<div class="fou-barometer">' + "".join(parts) + "</div>")
