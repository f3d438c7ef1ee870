"""Report sections: small functions that turn plans and results into tables, figures and text.

Nothing here computes an estimate: these functions only present what ``effects`` and ``value``
returned. Published tables pass through :func:`fou_analysis.privacy.suppress` (small cells).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from fou_analysis.config import CasePlan
from fou_analysis.report.html_safety import table_html
from fou_analysis.report.text import fmt_number, t

#: Smallest count published when no plan is passed: the plan's own default ``small_cell_min``, so
#: the report's fallback cannot drift from the plan's.
SMALL_CELL_MIN: int = CasePlan.model_fields["small_cell_min"].default

VERDICT_MARK = {"ok": "✔", "info": "ℹ", "warn": "⚠", "fail": "✖"}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fmt_value(v: Any, lang: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return str(v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if x == int(x) and abs(x) < 1e9:
        return fmt_number(x, 0, lang)
    # three significant digits: "29,2", not "29,200" (which reads as twenty-nine thousand in English)
    from fou_analysis.formatting import format_significant

    return format_significant(x, 3, lang)


class Html:
    """A fragment of HTML that displays in a notebook."""

    def __init__(self, body: str) -> None:
        self.body = body

    def _repr_html_(self) -> str:
        return self.body

    def __str__(self) -> str:
        return self.body


def set_style() -> None:
    """One figure style for every report (and, inside ``fou run``, record the figures' texts)."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    mpl.rcParams.update(
        {"figure.dpi": 96, "savefig.dpi": 96, "figure.figsize": (7.5, 4.0), "axes.titleweight": "bold"}
    )
    # Labels come from plans and data: a "$" is text, never mathtext to parse (or fail on).
    mpl.rcParams["text.parse_math"] = False
    from fou_analysis.report import figure_text

    figure_text.install()  # inside `fou run`: record figure texts for the privacy scan


def header(plan: CasePlan, lang: str, *, title: bool = True, details: bool = True) -> Html:
    """The case name (``<h1>``) and the case in brief: summary, sector, period and partners.

    ``details=False`` gives the name alone (the report's first screen); ``title=False`` the rest
    under a heading of its own ("Om tiltaket"), shown below the first screen.
    """
    top = (
        f"<h1>{html.escape(plan.name.get(lang))}</h1>" if title else f"<h2>{t('about_initiative', lang)}</h2>"
    )
    if not details:
        return Html(top if title else "")
    partners = "".join(
        f"<li><b>{html.escape(p.name)}</b> — {html.escape(p.role.get(lang))}</li>" for p in plan.partners
    )
    period = f"{plan.period['start']:%d.%m.%Y} – {plan.period['end']:%d.%m.%Y}"
    return Html(
        top + f"<p>{html.escape(plan.summary.get(lang))}</p>"
        f"<p><b>{t('sector', lang)}:</b> {html.escape(plan.sector.get(lang))} · "
        f"<b>{t('period', lang)}:</b> {period}</p>"
        f"<h3>{t('partners', lang)}</h3><ul>{partners}</ul>"
    )


def logic_model_table(plan: CasePlan, lang: str) -> pd.DataFrame:
    """The logic model in one table: inputs → activities → outputs → outcomes."""
    lm = plan.logic_model
    cols = {
        t("inputs", lang): [x.get(lang) for x in lm.inputs],
        t("activities", lang): [x.get(lang) for x in lm.activities],
        t("outputs", lang): [x.get(lang) for x in lm.outputs],
        t("outcomes", lang): [x.get(lang) for x in lm.outcomes],
    }
    n = max(len(v) for v in cols.values())
    return pd.DataFrame({k: v + [""] * (n - len(v)) for k, v in cols.items()})


LOG_COUNTS = ("rows_in", "rows_out", "dropped", "changed")


def published_log(log: Any, lang: str, n_min: int = SMALL_CELL_MIN) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cleaning log as it may be published (:func:`fou_analysis.privacy.suppress_flow`)."""
    from fou_analysis import privacy

    return privacy.suppress_flow(log.to_frame(lang), n_min)


def cleaning_table(log: Any, lang: str, n_min: int = SMALL_CELL_MIN) -> pd.DataFrame:
    """The cleaning log as a table (counts only; row-level details are never published).

    Small person counts are suppressed (:func:`published_log`): a hidden drop or row count shows
    "–", a hidden count of changed rows "<5" ("færre enn 5" in Norwegian), with ``n_min`` for 5.
    When anything is hidden, ``attrs["suppression_note"]`` explains the marks (plain text).
    """
    df, hidden = published_log(log, lang, n_min)
    fewer = f"færre enn {n_min}" if lang == "nb" else f"<{n_min}"
    for col in LOG_COUNTS:
        mark = fewer if col == "changed" else "–"
        df[col] = [
            mark if h else fmt_number(float(v), 0, lang) for v, h in zip(df[col], hidden[col], strict=True)
        ]
    note = ""
    if hidden[["rows_in", "rows_out", "dropped"]].any().any():
        note = (
            f"–: skjult, fordi tallet er under {n_min} eller fordi et skjult tall ellers kunne regnes ut "
            "fra det."
            if lang == "nb"
            else f"–: hidden, because the number is below {n_min} or because a hidden number could "
            "otherwise be worked out from it."
        )
    df.attrs = {"suppression_note": note}
    return df.rename(
        columns={
            "source": t("file", lang),
            "step": t("step", lang),
            "rows_in": t("rows_in", lang),
            "rows_out": t("rows_out", lang),
            "dropped": t("dropped", lang),
            "changed": t("changed", lang),
            "reason": t("reason", lang),
        }
    )


def cleaning_flow(log: Any, lang: str, ax: Any = None, *, n_min: int = SMALL_CELL_MIN) -> Any:
    """CONSORT-style flow per file: rows in → each step's drops → rows out.

    Drawn from the published (suppressed) log only: a step with a hidden figure gets one hatched
    bar as long as the last row count shown before it, marked "−–", so no bar length gives a
    hidden number back.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from fou_analysis.plotting import localise

    df, hidden = published_log(log, lang, n_min)
    shown_r: list[float] = []  # the last published row count before each step
    last = float("nan")
    for k in range(len(df)):
        if not hidden["rows_in"].iloc[k]:
            last = float(df["rows_in"].iloc[k])
        shown_r.append(last)
        if not hidden["rows_out"].iloc[k]:
            last = float(df["rows_out"].iloc[k])
    df = df.assign(_shown=shown_r, _hidden=hidden[["rows_out", "dropped"]].any(axis=1).to_numpy())
    df = df[(df["dropped"] > 0) | hidden["dropped"]]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, max(1.6, 0.45 * (len(df) + 1))))
    if df.empty:
        ax.text(0.5, 0.5, t("no_rows_dropped", lang), ha="center", va="center")
        ax.set_axis_off()
        return ax
    labels = [f"{s} — {st}" for s, st in zip(df["source"], df["step"], strict=True)]
    seen = df[~df["_hidden"]]
    ax.barh(labels, [0.0] * len(labels), color="none")  # fixes the order of the categories
    if not seen.empty:
        y = [labels[i] for i in range(len(df)) if not df["_hidden"].iloc[i]]
        ax.barh(y, seen["rows_out"], color="#4c72b0", label=t("rows_out", lang))
        ax.barh(y, seen["dropped"], left=seen["rows_out"], color="#dd8452", label=t("dropped", lang))
    masked = df[df["_hidden"]]
    if not masked.empty:
        y = [labels[i] for i in range(len(df)) if df["_hidden"].iloc[i]]
        hidden_label = "skjult (små tall)" if lang == "nb" else "hidden (small numbers)"
        ax.barh(y, masked["_shown"], color="#c8c8c8", hatch="//", edgecolor="#888888", label=hidden_label)
    for i in range(len(df)):
        row = df.iloc[i]
        drop = "–" if np.isnan(row["dropped"]) else fmt_number(row["dropped"], 0, lang)
        end = row["_shown"] if row["_hidden"] else row["rows_out"] + row["dropped"]
        ax.text(end, i, f"  −{drop}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(t("rows", lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(t("cleaning_flow", lang))
    return localise(ax, lang)  # row counts the report's way ("1 000" in Norwegian)


def figure_png_html(fig: Any) -> str:
    """A matplotlib figure as an inline ``<img>`` (PNG, base64), closed after drawing.

    For figures inside a folded ``<details>`` block: a figure shown by ``plt.show()`` is a
    notebook output of its own and cannot sit inside another output's HTML. The report's alt-text
    pass (:mod:`fou_analysis.report.accessibility`) describes it by the heading above it.
    """
    import base64
    import io as _io

    import matplotlib.pyplot as plt

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return f'<img src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode("ascii")}">'


def cleaning_details(log: Any, lang: str, n_min: int = SMALL_CELL_MIN) -> Html:
    """The cleaning log (table and flow figure) folded into ``<details>``, after the effects.

    The ``<summary>`` says in the report's language how many steps and rows there were and that a
    click opens it; printing opens it (the print CSS of :mod:`fou_analysis.report.accessibility`).
    Counts are the published ones (:func:`cleaning_table`, small numbers suppressed).
    """
    from fou_analysis.report.html_safety import style_table

    table = cleaning_table(log, lang, n_min)
    df, _ = published_log(log, lang, n_min)
    steps, files = len(df), df["source"].nunique()
    # No total of dropped rows: steps on different files (or both waves of one survey) count
    # different rows, and a sum would read as persons.
    summary = (
        f"Datarensingen: {steps} steg i {files} {'fil' if files == 1 else 'filer'} – klikk for å se hvor "
        "mange rader hvert steg fjernet, og hvorfor"
        if lang == "nb"
        else f"The cleaning: {steps} step{'s' if steps != 1 else ''} in {files} file{'s' if files != 1 else ''} "
        "– click to see how many rows each step dropped, and why"
    )
    note = table.attrs.get("suppression_note") or None
    ax = cleaning_flow(log, lang, n_min=n_min)
    return Html(
        f'<details class="fou-cleaning"><summary>{html.escape(summary)}</summary>'
        f"{style_table(table, caption=note).to_html()}{figure_png_html(ax.figure)}</details>"
    )


def effects_table(results: Mapping[str, Any], plan: CasePlan, lang: str) -> pd.DataFrame:
    """One row per outcome: design, estimate with interval, p, n, MDE, worst diagnostic.

    The ungraded rows :func:`fou_analysis.report.graded_effects_table` builds on (a report shows
    the graded table; this one is not exported from ``report``).
    """
    rows = []
    for oid, r in results.items():
        o = plan.outcome(oid)
        k = r.labels.scale
        d = r.labels.decimals
        rows.append(
            {
                t("outcome", lang): o.label.get(lang),
                t("design", lang): t(f"design_{o.design}", lang),
                t("estimate", lang): fmt_number(r.estimate * k, d, lang),
                t("ci95", lang): f"{fmt_number(r.ci[0] * k, d, lang)} – {fmt_number(r.ci[1] * k, d, lang)}",
                "p": "–"
                if pd.isna(r.p_value)
                else ("< 0,001" if lang == "nb" else "< 0.001")
                if r.p_value < 0.001
                else fmt_number(float(r.p_value), 3, lang),
                "n": fmt_number(r.n, 0, lang),
                t("mde", lang): "–"
                if r.mde is None or pd.isna(r.mde)
                else fmt_number(abs(r.mde) * k, d, lang),
                t(
                    "assumptions", lang
                ): f"{VERDICT_MARK[r.worst_verdict]} {t('verdict_' + r.worst_verdict, lang)}",
            }
        )
    return pd.DataFrame(rows)


def diagnostics_table(result: Any, lang: str) -> pd.DataFrame:
    rows = [
        {
            t("check", lang): d.label(lang),
            t("value", lang): _fmt_value(d.value_text(lang), lang),
            t("verdict", lang): f"{VERDICT_MARK[d.verdict]} {t('verdict_' + d.verdict, lang)}",
            t("meaning", lang): d.text(lang),
        }
        for d in result.diagnostics
    ]
    return pd.DataFrame(rows)


#: how a count of checks with each verdict reads in a summary line: (nb one, nb many, en one, en many)
_CHECK_COUNT = {
    "ok": ("holder", "holder", "pass", "pass"),
    "info": ("til orientering", "til orientering", "for information", "for information"),
    "warn": ("advarsel", "advarsler", "warning", "warnings"),
    "fail": ("holder ikke", "holder ikke", "failed", "failed"),
}


def checks_summary(result: Any, lang: str) -> str:
    """The verdict of an estimate's checks in one line, in the report's language.

    For example "Kontroller: 3 holder, 1 advarsel – se detaljer" or "Checks: 3 pass, 1 warning –
    see details"; a failed check is named ("1 failed (Parallel trends)"), so that it is seen
    without opening the table. Plain text: escape it before it reaches HTML.
    """
    nb = lang == "nb"
    parts = []
    for verdict, (nb1, nbn, en1, enn) in _CHECK_COUNT.items():
        hits = [d for d in result.diagnostics if d.verdict == verdict]
        if not hits:
            continue
        word = (nb1 if len(hits) == 1 else nbn) if nb else (en1 if len(hits) == 1 else enn)
        part = f"{len(hits)} {word}"
        if verdict == "fail":
            part += f" ({', '.join(d.label(lang) for d in hits)})"
        parts.append(part)
    head = "Kontroller" if nb else "Checks"
    return f"{head}: {', '.join(parts)} – {'se detaljer' if nb else 'see details'}"


def diagnostics_details(result: Any, lang: str) -> Html:
    """The checks of one estimate (:func:`diagnostics_table`) folded into ``<details>``.

    The ``<summary>`` is :func:`checks_summary` after the mark of the worst verdict, so the verdict
    (and the name of a failed check) shows without opening; printing opens it (the print CSS of
    :mod:`fou_analysis.report.accessibility`). An estimate without checks gets one line saying so.
    """
    from fou_analysis.report.html_safety import style_table

    if not result.diagnostics:
        none = "Ingen kontroller for dette designet." if lang == "nb" else "No checks for this design."
        return Html(f"<p>{none}</p>")
    worst = result.worst_verdict
    summary = f"{VERDICT_MARK[worst]} {checks_summary(result, lang)}"
    return Html(
        f'<details class="fou-checks fou-checks-{worst}"><summary>{html.escape(summary)}</summary>'
        f"{style_table(diagnostics_table(result, lang)).to_html()}</details>"
    )


def outcome_box(result: Any, plan: CasePlan, outcome_id: str, lang: str) -> Html:
    """Sentence, what the design can and cannot show, and a warning next to the number when an
    assumption fails a diagnostic.

    The body :func:`fou_analysis.report.graded_outcome_box` puts under the evidence badge (a
    report shows the graded box; this one is not exported from ``report``).
    """
    o = plan.outcome(outcome_id)
    parts = [f"<h3>{html.escape(_upper_first(o.label.get(lang)))}</h3>"]
    parts.append(
        f"<p><i>{t('indicator', lang)}:</i> {html.escape(o.indicator.get(lang))} · <i>{t('design', lang)}:</i> {t('design_' + o.design, lang)}</p>"
    )
    verdict = result.worst_verdict
    style = {"fail": "#fde2e1", "warn": "#fff4d6"}.get(verdict, "#eef6ee")
    parts.append(
        f'<p style="background:{style};padding:6px;border-radius:4px"><b>{html.escape(result.sentence(lang))}</b></p>'
    )
    if verdict in ("warn", "fail"):
        bad = [d for d in result.diagnostics if d.verdict == verdict]
        items = "".join(f"<li>{html.escape(d.label(lang))}: {html.escape(d.text(lang))}</li>" for d in bad)
        parts.append(
            f"<p>{VERDICT_MARK[verdict]} <b>{t('assumption_' + verdict, lang)}</b></p><ul>{items}</ul>"
        )
    if o.can_show:
        parts.append(f"<p><b>{t('can_show', lang)}:</b> {html.escape(o.can_show.get(lang))}</p>")
    if o.cannot_show:
        parts.append(f"<p><b>{t('cannot_show', lang)}:</b> {html.escape(o.cannot_show.get(lang))}</p>")
    return Html("".join(parts))


def _file_line(src: Mapping[str, Any], lang: str) -> str:
    sha = str(src.get("sha256") or "")[:12]
    if src.get("changed"):
        when = t("data_changed", lang)
    elif src.get("modified") is not None:
        d = src["modified"]
        when = (
            f"{t('data_modified', lang)} {d:%d.%m.%Y}"
            if lang == "nb"
            else f"{t('data_modified', lang)} {d:%Y-%m-%d}"
        )
    else:
        when = ""
    return f"{src['name']} ({', '.join(x for x in (when, f'sha256 {sha}') if x)})"


def data_origin_text(sources: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Where the numbers come from, in one or two plain sentences (not escaped).

    Only inputs that ``fou demo`` wrote and nobody changed are called synthetic demo data
    (``sources[i]["demo"]``); every other file is named with its modification date and the
    first 12 hex digits of its SHA-256, so a reader can tell which delivery was used.

    Parameters
    ----------
    sources
        As returned by :func:`fou_analysis.pipeline.data_sources`.
    lang
        ``"nb"`` or ``"en"``.
    """
    if not sources:
        return t("data_unknown", lang)
    demo = [s for s in sources if s.get("demo")]
    real = [s for s in sources if not s.get("demo")]
    if not real:
        return t("honesty_note", lang)
    text = f"{t('data_files', lang)}: " + "; ".join(_file_line(s, lang) for s in real) + "."
    if demo:
        text += f" {t('data_demo_files', lang)}: " + ", ".join(str(s["name"]) for s in demo) + "."
    return text


def data_origin(sources: Sequence[Mapping[str, Any]], lang: str) -> Html:
    """:func:`data_origin_text` as an HTML paragraph (escaped)."""
    return Html(f"<p><i>{html.escape(data_origin_text(sources, lang))}</i></p>")


VALUE_MAP_COLUMNS = {
    # column: (nb, en, kind)
    "stakeholder": ("Interessent", "Stakeholder", "text"),
    "outcome": ("Utfall", "Outcome", "text"),
    "quantity": ("Mengde", "Quantity", "num2"),
    "quantity_source": ("Kilde for mengde", "Quantity from", "text"),
    "proxy_nok": ("Verdi per enhet (kr)", "Value per unit (NOK)", "num0"),
    "deadweight": ("Dødvekt", "Deadweight", "pct"),
    "displacement": ("Fortrengning", "Displacement", "pct"),
    "attribution": ("Andre bidrag", "Attribution", "pct"),
    "drop_off": ("Avtagning", "Drop-off", "pct"),
    "duration_years": ("År", "Years", "num0"),
    "present_value": ("Nåverdi (kr)", "Present value (NOK)", "num0"),
    "share_of_present_value": ("Andel", "Share", "pct"),
}


def _quantity_source(code: str, lang: str) -> str:
    """Where a value-map quantity comes from, in words: an estimated effect or the impact map."""
    if code.startswith("effect:"):
        return "estimert effekt" if lang == "nb" else "estimated effect"
    if code == "map":
        return "oppgitt i virkningskartet" if lang == "nb" else "given in the impact map"
    return code


def value_map_table(by_outcome: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The SROI value map for readers: the columns that explain the number, formatted."""
    out = {}
    for col, (nb, en, kind) in VALUE_MAP_COLUMNS.items():
        if col not in by_outcome.columns:
            continue
        v = by_outcome[col]
        if lang == "en" and f"{col}_en" in by_outcome.columns:  # the plan's English text
            v = by_outcome[f"{col}_en"]
        if kind == "num0":
            v = v.map(lambda x: fmt_number(float(x), 0, lang))
        elif kind == "num2":
            v = v.map(lambda x: fmt_number(float(x), 2, lang))
        elif kind == "pct":
            v = v.map(lambda x: f"{fmt_number(100 * float(x), 0, lang)} %")
        if col == "quantity_source":  # "map" / "effect:<outcome id>" are codes, not reader text
            v = v.map(lambda x: _quantity_source(str(x), lang))
        out[nb if lang == "nb" else en] = v.to_numpy()
    return pd.DataFrame(out)


def descriptive_tables(
    plan: CasePlan, tables: Mapping[str, pd.DataFrame], lang: str
) -> list[tuple[str, pd.DataFrame, str]]:
    """The plan's "who was reached" cross-tables, with small cells suppressed.

    Counts below the plan's ``small_cell_min`` (default 5) are hidden, and enough other cells
    that no hidden count can be recovered from the totals (:func:`fou_analysis.privacy.suppress`).
    Returns ``(title, table, note)`` per table; hidden cells show as "–". Categories and the row
    header are shown in the plan's words for ``lang`` (``values``, ``rows_label``) where it has
    them. A category named like
    a margin ("Totalt", "Total", "Sum", …: ``privacy.TOTAL_LABELS``) raises :class:`DataError`.
    """
    from fou_analysis import privacy
    from fou_analysis.exceptions import DataError

    out = []
    for d in plan.describe:
        df = tables[d.table]
        counts = pd.crosstab(df[d.rows], df[d.columns])  # row counts: additive, so margins are sums
        counts.columns = [str(c) for c in counts.columns]
        # a category named like the margin would be overwritten by it (or read as one by suppress)
        for col, labels in ((d.rows, counts.index), (d.columns, counts.columns)):
            for label in labels:
                if privacy.is_total_label(str(label)):
                    raise DataError(
                        f"table {d.table!r}: the category {str(label)!r} is named like a total "
                        f"(reserved for margins: {', '.join(privacy.TOTAL_LABELS)}); recode it before the report",
                        column=col,
                    )
        total = "Totalt" if lang == "nb" else "Total"
        counts[total] = counts.sum(axis=1)
        counts.loc[total] = counts.sum(axis=0)
        counts.index = [str(i) for i in counts.index]
        counts.index.name = d.rows
        hidden = privacy.suppress(counts, plan.small_cell_min)
        note = str(hidden.attrs.get("suppression_note", ""))
        if " / " in note:  # "norsk / English"
            note = note.split(" / ", 1)[0 if lang == "nb" else 1]
        shown = hidden.map(lambda x: "–" if pd.isna(x) else fmt_number(float(x), 0, lang))
        names = {k: v.get(lang) for k, v in d.values.items()}  # the plan's words for categories
        shown = shown.rename(index=names, columns=names)
        shown.index.name = d.rows_label.get(lang) if d.rows_label else d.rows
        shown = shown.reset_index()
        out.append((d.label.get(lang), shown, str(note)))
    return out


def descriptive_section(plan: CasePlan, tables: Mapping[str, pd.DataFrame], lang: str) -> Html:
    parts = []
    for title, table, note in descriptive_tables(plan, tables, lang):
        parts.append(f"<h4>{html.escape(title)}</h4>{table_html(table)}<p><i>{html.escape(note)}</i></p>")
    return Html("".join(parts))


def reliability_table(results: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """One row per instrument: n, items, Cronbach's alpha with its interval, McDonald's omega."""
    nb = lang == "nb"
    rows = []
    for name, r in results.items():
        rows.append(
            {
                "Instrument": name,
                "n": fmt_number(r.n, 0, lang),
                ("Ledd" if nb else "Items"): fmt_number(r.k, 0, lang),
                "Cronbachs alfa" if nb else "Cronbach's alpha": fmt_number(r.alpha, 2, lang),
                (
                    "95 % intervall" if nb else "95 % interval"
                ): f"{fmt_number(r.alpha_ci[0], 2, lang)} – {fmt_number(r.alpha_ci[1], 2, lang)}",
                "McDonalds omega" if nb else "McDonald's omega": fmt_number(r.omega_total, 2, lang),
            }
        )
    return pd.DataFrame(rows)
