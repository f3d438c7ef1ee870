"""The barometer overview of the portfolio: where partnerships are strong or strained.

For every measured initiative whose case run saved a co-creation barometer (the ``barometer``
artefact written by the case report, :func:`fou_analysis.pipeline.barometer` with ``write=True``),
the latest wave of each partnership is read as it was computed — nothing here estimates — and
put side by side: both sides' mean per dimension (a side with fewer than
:data:`SMALL_SIDE` respondents, or fewer than the plan's ``n_min``, shows no number), the gap
kommune − partner where its interval excludes zero, and in plain words where a partnership is
strong (both sides at least :data:`STRONG` of 5), strained (the sides see it clearly
differently) or low (a side below the scale's midpoint, :data:`LOW`). One figure (a heatmap of
the side means, suppressed cells left blank and marked) carries a language-aware title that
becomes its alt text.

Re-exported by :mod:`fou_analysis.framework.portfolio`; kept apart so each module stays short.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.formatting import check_lang
from fou_analysis.framework._barometer_result import format_number
from fou_analysis.framework.barometer_items import DIMENSION_LABELS, DIMENSIONS, SIDE_LABELS, SIDES

#: A side with fewer respondents than this on a dimension is never shown (whatever the plan says).
SMALL_SIDE = 3
#: Both sides' means at least this (of 5): the dimension is a strength of the partnership.
STRONG = 4.0
#: A side's mean below this (the scale's midpoint): the dimension is low for that side.
LOW = 3.0

#: Status of a dimension, most pressing first.
STATUSES = ("strained", "low", "strong", "middle", "hidden")

_TEXT: dict[str, tuple[str, str]] = {
    "title": (
        "Samskapingsbarometeret: hvor partnerskapene er sterke eller anstrengte",
        "The co-creation barometer: where partnerships are strong or strained",
    ),
    "intro": (
        "Folk på begge sider av hvert partnerskap – kommunen og partneren – har vurdert samarbeidet "
        "på åtte dimensjoner fra 1 (helt uenig) til 5 (helt enig). Her vises siste runde for hvert "
        "partnerskap. Sterkt: begge sider gir minst {strong}. Anstrengt: sidene ser det tydelig "
        "ulikt (intervallet for forskjellen omfatter ikke null). Lavt: minst én side gir under {low}. "
        "En side med færre enn {n} svar vises ikke. Tallene kan ikke rangere partnerskapene: de har "
        "ulike folk, ulike oppgaver og få svar.",
        "People on both sides of each partnership – the municipality and the partner – rated the "
        "co-operation on eight dimensions from 1 (strongly disagree) to 5 (strongly agree). The "
        "latest wave of each partnership is shown. Strong: both sides give at least {strong}. "
        "Strained: the sides clearly see it differently (the interval of the gap excludes zero). "
        "Low: at least one side gives less than {low}. A side with fewer than {n} answers is not "
        "shown. The figures cannot rank the partnerships: they have different people, different "
        "tasks and few answers.",
    ),
    "none": (
        "Ingen målt tiltak har resultater fra samskapingsbarometeret ennå (kjør `fou run`).",
        "No measured initiative has co-creation barometer results yet (run `fou run`).",
    ),
    "wave": ("runde {w}", "wave {w}"),
    "strong": (
        "Sterkt på {dims} (begge sider gir minst {strong}).",
        "Strong on {dims} (both sides give at least {strong}).",
    ),
    "strained": (
        "Anstrengt på {dim}: {hi_side} gir {hi} og {lo_side} {lo} (forskjell {gap}, {pct} % intervall {ci_lo} til {ci_hi}).",
        "Strained on {dim}: the {hi_side} gives {hi} and the {lo_side} {lo} (gap {gap}, {pct} % interval {ci_lo} to {ci_hi}).",
    ),
    "low": (
        "Lavt på {dims} (minst én side gir under {low}).",
        "Low on {dims} (at least one side gives less than {low}).",
    ),
    "hidden": (
        "For få svar på minst én side til å vise {dims}.",
        "Too few answers on at least one side to show {dims}.",
    ),
    "no_clear": (
        "Ingen dimensjon er tydelig sterk, anstrengt eller lav.",
        "No dimension is clearly strong, strained or low.",
    ),
    "initiative": ("Tiltak", "Initiative"),
    "side": ("Side", "Side"),
    "few": ("færre enn {n} svar", "fewer than {n} answers"),
    "fig_title": (
        "Samskapingsbarometeret, siste runde: snitt per side (* = tydelig forskjell)",
        "Co-creation barometer, latest wave: mean per side (* = clear gap)",
    ),
    "colorbar": (
        "Gjennomsnitt (1 = helt uenig, 5 = helt enig)",
        "Mean (1 = strongly disagree, 5 = strongly agree)",
    ),
    "blank": ("tomt felt = færre enn {n} svar", "blank cell = fewer than {n} answers"),
    "and": ("og", "and"),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    nb, en = _TEXT[key]
    return (nb if lang == "nb" else en).format(**kw)


def _listing(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_t('and', lang)} {items[-1]}"


def _latest(frame: pd.DataFrame, partnership: str, has_waves: bool) -> pd.DataFrame:
    sub = frame[frame["partnership"] == partnership]
    if has_waves and len(sub):
        sub = sub[sub["wave"] == sub["wave"].max()]
    return sub


def _status(kom: float, par: float, clear: bool, hidden: bool) -> str:
    if hidden:
        return "hidden"
    if clear:
        return "strained"
    if min(kom, par) < LOW:
        return "low"
    if min(kom, par) >= STRONG:
        return "strong"
    return "middle"


def barometer_rows(overview: Sequence[Any]) -> pd.DataFrame:
    """Both sides' means and the gap per partnership and dimension, latest wave, small sides hidden.

    Parameters
    ----------
    overview
        :class:`~fou_analysis.framework.portfolio.CaseOverview` items; those whose ``barometer``
        is ``None`` (no barometer, or the case has not been run) are left out.

    Returns
    -------
    pandas.DataFrame
        One row per case, partnership and dimension (in :data:`DIMENSIONS` order): ``case``,
        ``partnership``, ``wave`` (``None`` without waves), ``dimension``, ``mean_kommune``,
        ``n_kommune``, ``mean_partner``, ``n_partner`` (a mean is NaN where its side has fewer
        than :data:`SMALL_SIDE` respondents or the barometer suppressed it), ``gap``, ``ci_low``,
        ``ci_high`` (NaN where a side is hidden), ``clear`` (the interval excludes zero),
        ``hidden`` and ``status`` (one of :data:`STATUSES`).
    """
    rows = []
    for o in overview:
        res = getattr(o, "barometer", None)
        if res is None:
            continue
        for p in res.partnerships:
            sc = _latest(res.scores, p, res.has_waves).set_index(["side", "dimension"])
            gp = _latest(res.gaps, p, res.has_waves).set_index("dimension")
            wave = sc["wave"].iloc[0].item() if res.has_waves and len(sc) else None
            for d in DIMENSIONS:
                rec: dict[str, Any] = {"case": o.slug, "partnership": str(p), "wave": wave, "dimension": d}
                hidden = False
                for s in SIDES:
                    cell = sc.loc[(s, d)] if (s, d) in sc.index else None
                    n = int(cell["n"]) if cell is not None else 0
                    small = cell is None or bool(cell["suppressed"]) or n < SMALL_SIDE
                    hidden |= small
                    rec[f"mean_{s}"] = np.nan if small else float(cell["mean"])
                    rec[f"n_{s}"] = n
                g = gp.loc[d] if d in gp.index else None
                hidden |= g is None or bool(g["suppressed"])
                for c in ("gap", "ci_low", "ci_high"):
                    rec[c] = np.nan if hidden else float(g[c])
                rec["clear"] = (not hidden) and bool(rec["ci_low"] > 0 or rec["ci_high"] < 0)
                rec["hidden"] = hidden
                rec["status"] = _status(rec["mean_kommune"], rec["mean_partner"], rec["clear"], hidden)
                rows.append(rec)
    cols = ["case", "partnership", "wave", "dimension", "mean_kommune", "n_kommune", "mean_partner"]
    cols += ["n_partner", "gap", "ci_low", "ci_high", "clear", "hidden", "status"]
    out = pd.DataFrame(rows, columns=cols)
    out["wave"] = pd.Series([r["wave"] for r in rows], index=out.index, dtype=object)
    return out


def _names(overview: Sequence[Any], lang: str) -> dict[str, str]:
    return {o.slug: o.plan.name.get(lang) for o in overview}


def _where(name: str, partnership: str, wave: Any, lang: str) -> str:
    where = name if partnership.casefold() in name.casefold() else f"{name} ({partnership})"
    return where + (f", {_t('wave', lang, w=wave)}" if wave is not None else "")


def _dims(frame: pd.DataFrame, lang: str) -> str:
    return _listing([DIMENSION_LABELS[d][lang].lower() for d in frame["dimension"]], lang)


def partnership_sentences(rows: pd.DataFrame, name: str, lang: str, *, level: float = 0.95) -> list[str]:
    """Plain-word sentences for one partnership's rows of :func:`barometer_rows` (not escaped)."""
    check_lang(lang)
    pct = int(round(level * 100))
    out = []
    strong = rows[rows["status"] == "strong"]
    if len(strong):
        out.append(_t("strong", lang, dims=_dims(strong, lang), strong=format_number(STRONG, 0, lang)))
    for r in rows[rows["status"] == "strained"].itertuples():
        hi_s, lo_s = ("kommune", "partner") if r.gap > 0 else ("partner", "kommune")
        # the gap is said as "the higher side minus the lower": its interval turns with it
        ci_lo, ci_hi = (r.ci_low, r.ci_high) if r.gap > 0 else (-r.ci_high, -r.ci_low)
        means = {"kommune": r.mean_kommune, "partner": r.mean_partner}
        out.append(
            _t(
                "strained",
                lang,
                dim=DIMENSION_LABELS[r.dimension][lang].lower(),
                hi_side=SIDE_LABELS[hi_s][lang].lower(),
                lo_side=SIDE_LABELS[lo_s][lang].lower(),
                hi=format_number(means[hi_s], 1, lang),
                lo=format_number(means[lo_s], 1, lang),
                gap=format_number(abs(r.gap), 1, lang),
                pct=pct,
                ci_lo=format_number(ci_lo, 1, lang),
                ci_hi=format_number(ci_hi, 1, lang),
            )
        )
    low = rows[rows["status"] == "low"]
    if len(low):
        out.append(_t("low", lang, dims=_dims(low, lang), low=format_number(LOW, 0, lang)))
    hidden = rows[rows["status"] == "hidden"]
    if len(hidden):
        out.append(_t("hidden", lang, dims=_dims(hidden, lang)))
    shown = rows[rows["status"] != "hidden"]
    if len(shown) and (shown["status"] == "middle").all():
        out.append(_t("no_clear", lang))
    return out


def barometer_table(overview: Sequence[Any], lang: str) -> pd.DataFrame:
    """One row per partnership and side, one column per dimension: the side's mean (n), or
    "færre enn 3 svar" / "fewer than 3 answers"; a clear gap is marked ``*`` on both sides."""
    check_lang(lang)
    rows = barometer_rows(overview)
    names = _names(overview, lang)
    few = _t("few", lang, n=SMALL_SIDE)
    out = []
    for (case, p), grp in rows.groupby(["case", "partnership"], sort=False):
        wave = grp["wave"].iloc[0]
        for s in SIDES:
            rec = {
                _t("initiative", lang): _where(names[case], p, wave, lang),
                _t("side", lang): SIDE_LABELS[s][lang],
            }
            for r in grp.itertuples():
                m = getattr(r, f"mean_{s}")
                cell = few if np.isnan(m) else f"{format_number(m, 1, lang)} (n = {getattr(r, f'n_{s}')})"
                rec[DIMENSION_LABELS[r.dimension][lang]] = cell + (" *" if r.clear else "")
            out.append(rec)
    return pd.DataFrame(out)


def barometer_overview_html(overview: Sequence[Any], lang: str) -> str:
    """The portfolio's barometer section: heading, how to read it, and per partnership where it
    is strong, strained or low in plain words (every text escaped)."""
    check_lang(lang)
    e = html.escape
    head = f"<h2>{e(_t('title', lang))}</h2>"
    rows = barometer_rows(overview)
    if rows.empty:
        return head + f"<p>{e(_t('none', lang))}</p>"
    intro = _t(
        "intro", lang, strong=format_number(STRONG, 0, lang), low=format_number(LOW, 0, lang), n=SMALL_SIDE
    )
    names = _names(overview, lang)
    levels = {o.slug: o.barometer.level for o in overview if getattr(o, "barometer", None) is not None}
    items = []
    for (case, p), grp in rows.groupby(["case", "partnership"], sort=False):
        said = " ".join(partnership_sentences(grp, names[case], lang, level=levels[case]))
        items.append(f"<li><b>{e(_where(names[case], p, grp['wave'].iloc[0], lang))}</b>: {e(said)}</li>")
    return head + f"<p>{e(intro)}</p><ul class='fou-barometer-overview'>{''.join(items)}</ul>"


def barometer_heatmap(overview: Sequence[Any], lang: str, ax: Any = None) -> Any:
    """Heatmap of both sides' means per partnership (rows) and dimension (columns), latest wave.

    Hidden sides are blank (grey); a clear gap is marked ``*`` in both sides' cells. The title
    (the figure's alt text in the report) says what is shown in ``lang``. Returns the figure, or
    ``None`` when no case has barometer results.
    """
    import matplotlib.pyplot as plt

    from fou_analysis.plotting import localise

    check_lang(lang)
    rows = barometer_rows(overview)
    if rows.empty:
        return None
    names = _names(overview, lang)
    labels, grid, marks = [], [], []
    for (case, p), grp in rows.groupby(["case", "partnership"], sort=False):
        wave = grp["wave"].iloc[0]
        for s in SIDES:
            where = textwrap.fill(_where(names[case], p, wave, lang), 38)
            labels.append(f"{where}:\n{SIDE_LABELS[s][lang].lower()}")
            grid.append(grp[f"mean_{s}"].to_numpy(dtype=float))
            marks.append(grp["clear"].to_numpy(dtype=bool))
    values = np.ma.masked_invalid(np.vstack(grid))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.6 * len(labels) + 2.4), layout="constrained")
    cmap = plt.get_cmap("RdYlBu").with_extremes(bad="#d9d9d9")
    im = ax.imshow(values, cmap=cmap, vmin=1, vmax=5, aspect="auto")
    for i, (row, mark) in enumerate(zip(values, marks, strict=True)):
        for j, v in enumerate(row):
            if v is np.ma.masked:
                continue
            text = format_number(float(v), 1, lang) + ("*" if mark[j] else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="black")
    ax.set_xticks(
        range(len(DIMENSIONS)), [DIMENSION_LABELS[d][lang] for d in DIMENSIONS], rotation=30, ha="right"
    )
    ax.set_yticks(range(len(labels)), labels)
    ax.set_title(_t("fig_title", lang), fontsize=10)  # one line: it is the figure's alt text
    ax.set_xlabel(_t("blank", lang, n=SMALL_SIDE))
    bar = ax.figure.colorbar(im, ax=ax, label=_t("colorbar", lang), shrink=0.8)
    localise(bar.ax, lang)  # "3,5" in Norwegian
    return ax.figure


__all__ = [
    "LOW",
    "SMALL_SIDE",
    "STATUSES",
    "STRONG",
    "barometer_heatmap",
    "barometer_overview_html",
    "barometer_rows",
    "barometer_table",
    "partnership_sentences",
]
