"""Report sections: small functions that turn plans and results into tables, figures and text.

Nothing here computes an estimate: these functions only present what ``effects`` and ``value``
returned. Published tables pass through :func:`fou_analysis.privacy.suppress` (small cells).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from fou_analysis.config import CasePlan
from fou_analysis.report.text import fmt_number, t

VERDICT_MARK = {"ok": "✔", "info": "ℹ", "warn": "⚠", "fail": "✖"}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fmt_value(v: Any, lang: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool | str):
        return str(v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if x == int(x) and abs(x) < 1e9:
        return fmt_number(x, 0, lang)
    return fmt_number(x, 3 if abs(x) >= 0.001 else 6, lang)


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
    from fou_analysis.report import figure_text

    figure_text.install()  # inside `fou run`: record figure texts for the privacy scan


def header(plan: CasePlan, lang: str) -> Html:
    partners = "".join(
        f"<li><b>{html.escape(p.name)}</b> — {html.escape(p.role.get(lang))}</li>" for p in plan.partners
    )
    period = f"{plan.period['start']:%d.%m.%Y} – {plan.period['end']:%d.%m.%Y}"
    return Html(
        f"<h1>{html.escape(plan.name.get(lang))}</h1>"
        f"<p>{html.escape(plan.summary.get(lang))}</p>"
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


def cleaning_table(log: Any, lang: str) -> pd.DataFrame:
    """The cleaning log as a table (counts only; row-level details are never published)."""
    df = log.to_frame(lang)
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


def cleaning_flow(log: Any, lang: str, ax: Any = None) -> Any:
    """CONSORT-style flow per file: rows in → each step's drops → rows out."""
    import matplotlib.pyplot as plt

    df = log.to_frame(lang)
    df = df[df["dropped"] > 0]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, max(1.6, 0.45 * (len(df) + 1))))
    if df.empty:
        ax.text(0.5, 0.5, t("no_rows_dropped", lang), ha="center", va="center")
        ax.set_axis_off()
        return ax
    labels = [f"{s} — {st}" for s, st in zip(df["source"], df["step"], strict=True)]
    ax.barh(labels, df["rows_out"], color="#4c72b0", label=t("rows_out", lang))
    ax.barh(labels, df["dropped"], left=df["rows_out"], color="#dd8452", label=t("dropped", lang))
    for i, (out, drop) in enumerate(zip(df["rows_out"], df["dropped"], strict=True)):
        ax.text(out + drop, i, f"  −{drop}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(t("rows", lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(t("cleaning_flow", lang))
    return ax


def effects_table(results: Mapping[str, Any], plan: CasePlan, lang: str) -> pd.DataFrame:
    """One row per outcome: design, estimate with interval, p, n, MDE, worst diagnostic."""
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
            t("check", lang): d.name,
            t("value", lang): _fmt_value(d.value, lang),
            t("verdict", lang): f"{VERDICT_MARK[d.verdict]} {t('verdict_' + d.verdict, lang)}",
            t("meaning", lang): d.text(lang),
        }
        for d in result.diagnostics
    ]
    return pd.DataFrame(rows)


def outcome_box(result: Any, plan: CasePlan, outcome_id: str, lang: str) -> Html:
    """Sentence, what the design can and cannot show, and a warning next to the number when an
    assumption fails a diagnostic."""
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
        items = "".join(f"<li>{html.escape(d.name)}: {html.escape(d.text(lang))}</li>" for d in bad)
        parts.append(
            f"<p>{VERDICT_MARK[verdict]} <b>{t('assumption_' + verdict, lang)}</b></p><ul>{items}</ul>"
        )
    if o.can_show:
        parts.append(f"<p><b>{t('can_show', lang)}:</b> {html.escape(o.can_show.get(lang))}</p>")
    if o.cannot_show:
        parts.append(f"<p><b>{t('cannot_show', lang)}:</b> {html.escape(o.cannot_show.get(lang))}</p>")
    return Html("".join(parts))


def plain_summary(plan: CasePlan, results: Mapping[str, Any], value_out: Any, lang: str) -> Html:
    """A short plain-language summary for municipal readers (first in the report)."""
    items = []
    for r in results.values():
        items.append(f"<li>{html.escape(r.sentence(lang))}</li>")
    val = ""
    if value_out is not None:
        s = value_out.sroi
        sim = value_out.simulation
        val = f"<p>{html.escape(value_sentence(s, sim, lang))}</p>"
    return Html(
        f"<h2>{t('plain_summary', lang)}</h2><ul>{''.join(items)}</ul>{val}<p><i>{t('honesty_note', lang)}</i></p>"
    )


def value_sentence(sroi: Any, sim: Any, lang: str) -> str:
    """The SROI ratio with its Monte Carlo interval and the probability that value exceeds cost."""
    from fou_analysis.report.text import fmt_number

    r = sim.intervals.set_index("metric").loc["ratio"]
    pct = int(round(100 * sim.level))
    p = 100 * float(sim.prob_value_exceeds_cost)
    if lang == "nb":
        return (
            f"Beregnet samfunnsverdi per investert krone: {fmt_number(float(sroi.ratio), 2, lang)} "
            f"({pct} % usikkerhetsintervall {fmt_number(r['ci_low'], 2, lang)} til {fmt_number(r['ci_high'], 2, lang)}). "
            f"Sannsynligheten for at verdien overstiger kostnaden er {fmt_number(p, 0, lang)} %."
        )
    return (
        f"Estimated social value per krone invested: {fmt_number(float(sroi.ratio), 2, lang)} "
        f"({pct} % uncertainty interval {fmt_number(r['ci_low'], 2, lang)} to {fmt_number(r['ci_high'], 2, lang)}). "
        f"The probability that value exceeds cost is {fmt_number(p, 0, lang)} %."
    )


def value_section(plan: CasePlan, valued: Any, lang: str) -> Html:
    """Value map, ratio with its interval, caveats and non-priced effects."""
    from fou_analysis.report.text import fmt_nok

    vp = plan.value
    s = valued.sroi
    parts = [f"<h2>{t('societal_value', lang)}</h2>"]
    parts.append(f"<h3>{t('value_map', lang)}</h3>")
    parts.append(value_map_table(s.by_outcome, lang).to_html(index=False, border=0, na_rep="–"))
    parts.append(f"<p><b>{html.escape(value_sentence(s, valued.simulation, lang))}</b></p>")
    inv = fmt_nok(vp.investment_nok, lang) if vp else ""
    parts.append(
        f"<p>{'Investering' if lang == 'nb' else 'Investment'}: {inv} · "
        f"{'Nåverdi' if lang == 'nb' else 'Present value'}: {fmt_nok(float(s.present_value), lang)} · "
        f"{'Netto nåverdi' if lang == 'nb' else 'Net present value'}: {fmt_nok(float(s.npv), lang)}</p>"
    )
    be = valued.break_even
    if be is not None:
        text = be.sentence(lang) if hasattr(be, "sentence") else str(be)
        parts.append(f"<p>{html.escape(text)}</p>")
    cba = getattr(valued, "cba", None)
    if cba is not None:
        head = (
            "Samfunnsøkonomisk analyse etter R-109"
            if lang == "nb"
            else "Cost–benefit analysis under the Norwegian rules (R-109)"
        )
        if lang == "nb":
            line = (
                f"Netto nåverdi med R-109s kalkulasjonsrente og 20 % skattefinansieringskostnad: {fmt_nok(cba.npv, lang)}; "
                f"netto nåverdi per budsjettkrone: {fmt_number(cba.npv_per_budget_krone, 2, lang)}."
            )
        else:
            line = (
                f"Net present value with R-109's discount rates and the 20 % cost of tax financing: {fmt_nok(cba.npv, lang)}; "
                f"net present value per budget krone: {fmt_number(cba.npv_per_budget_krone, 2, lang)}."
            )
        parts.append(f"<h3>{head}</h3><p>{html.escape(line)}</p>")
    notes = list(getattr(s, "notes", ())) + list(getattr(valued, "notes", ()))
    parts.append(
        "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in [t("sroi_caveat", lang), *notes]) + "</ul>"
    )
    if vp and vp.unpriced:
        parts.append(
            f"<h4>{t('unpriced', lang)}</h4><ul>"
            + "".join(f"<li>{html.escape(u.get(lang))}</li>" for u in vp.unpriced)
            + "</ul>"
        )
    return Html("".join(parts))


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


def value_map_table(by_outcome: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The SROI value map for readers: the columns that explain the number, formatted."""
    out = {}
    for col, (nb, en, kind) in VALUE_MAP_COLUMNS.items():
        if col not in by_outcome.columns:
            continue
        v = by_outcome[col]
        if kind == "num0":
            v = v.map(lambda x: fmt_number(float(x), 0, lang))
        elif kind == "num2":
            v = v.map(lambda x: fmt_number(float(x), 2, lang))
        elif kind == "pct":
            v = v.map(lambda x: f"{fmt_number(100 * float(x), 0, lang)} %")
        out[nb if lang == "nb" else en] = v.to_numpy()
    return pd.DataFrame(out)


def descriptive_tables(
    plan: CasePlan, tables: Mapping[str, pd.DataFrame], lang: str
) -> list[tuple[str, pd.DataFrame, str]]:
    """The plan's "who was reached" cross-tables, with small cells suppressed.

    Counts below the plan's ``small_cell_min`` (default 5) are hidden, and enough other cells
    that no hidden count can be recovered from the totals (:func:`fou_analysis.privacy.suppress`).
    Returns ``(title, table, note)`` per table; hidden cells show as "–".
    """
    from fou_analysis import privacy

    out = []
    for d in plan.describe:
        df = tables[d.table]
        counts = pd.crosstab(df[d.rows], df[d.columns])  # row counts: additive, so margins are sums
        counts.columns = [str(c) for c in counts.columns]
        total = "Totalt" if lang == "nb" else "Total"
        counts[total] = counts.sum(axis=1)
        counts.loc[total] = counts.sum(axis=0)
        counts.index = [str(i) for i in counts.index]
        counts.index.name = d.rows
        hidden = privacy.suppress(counts, plan.small_cell_min)
        note = str(hidden.attrs.get("suppression_note", ""))
        if " / " in note:  # "norsk / English"
            note = note.split(" / ", 1)[0 if lang == "nb" else 1]
        shown = hidden.map(lambda x: "–" if pd.isna(x) else fmt_number(float(x), 0, lang)).reset_index()
        out.append((d.label.get(lang), shown, str(note)))
    return out


def descriptive_section(plan: CasePlan, tables: Mapping[str, pd.DataFrame], lang: str) -> Html:
    parts = []
    for title, table, note in descriptive_tables(plan, tables, lang):
        parts.append(
            f"<h4>{html.escape(title)}</h4>{table.to_html(index=False, border=0)}<p><i>{html.escape(note)}</i></p>"
        )
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
