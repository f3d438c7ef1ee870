"""The initiative portfolio: one overview across cases, and the registry of unmeasured ones.

Effects of different initiatives are in different units and cannot be added up; the overview
therefore compares each headline effect by how clearly it is separated from zero (estimate ÷
standard error, with the ±1.96 band) and shows SROI ratios only with their intervals and the
caveat that ratios are not comparable across organisations.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import yaml

from fou_analysis.config import COUNTERFACTUAL_DESIGNS, CasePlan, Project, load_plan
from fou_analysis.exceptions import SpecificationError
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

    @property
    def headline(self) -> tuple[str, Any] | None:
        if not self.effects:
            return None
        ids = [o.id for o in self.plan.outcomes if o.headline] or [self.plan.outcomes[0].id]
        return ids[0], self.effects.get(ids[0])


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
        out.append(CaseOverview(slug, plan, eff, val, data_sources(plan, project)))
    return out


def intro_html(overview: list[CaseOverview], lang: str) -> str:
    run = sum(o.effects is not None for o in overview)
    if lang == "nb":
        body = (
            f"<h1>{t('portfolio', lang)}</h1><p>{run} av {len(overview)} tiltak har resultater. "
            "Effektene er målt i ulike enheter og kan ikke legges sammen; figuren viser hvor tydelig hver "
            "hovedeffekt skiller seg fra null (anslag delt på standardfeil). "
            f"{t('sroi_caveat', lang)}</p>"
        )
    else:
        body = (
            f"<h1>{t('portfolio', lang)}</h1><p>{run} of {len(overview)} initiatives have results. "
            "Effects are in different units and cannot be added up; the figure shows how clearly each "
            "headline effect is separated from zero (estimate divided by its standard error). "
            f"{t('sroi_caveat', lang)}</p>"
        )
    origins = "".join(
        f"<li><b>{html.escape(o.plan.name.get(lang))}</b>: {html.escape(data_origin_text(o.sources, lang))}</li>"
        for o in overview
    )
    return body + f"<h3>{t('data_origin', lang)}</h3><ul>{origins}</ul>"


def table(overview: list[CaseOverview], lang: str) -> pd.DataFrame:
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
        else:
            row[t("outcome", lang)] = "ikke kjørt" if lang == "nb" else "not run"
        if o.value is not None:
            s, sim = o.value.sroi, o.value.simulation
            lo, hi = _ratio_interval(sim)
            row["SROI"] = (
                f"{fmt_number(float(s.ratio), 2, lang)} ({fmt_number(float(lo), 2, lang)}–{fmt_number(float(hi), 2, lang)})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def plot(overview: list[CaseOverview], lang: str) -> Any:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    names, z, ratios = [], [], []
    for o in overview:
        h = o.headline
        if h and h[1] is not None and np.isfinite(h[1].se) and h[1].se > 0:
            design = o.plan.outcome(h[0]).design
            label = _short(o.plan.name.get(lang))
            if design not in COUNTERFACTUAL_DESIGNS:  # e.g. before/after: not a causal contrast
                label += "\n(før–etter, ikke kausal)" if lang == "nb" else "\n(before–after, not causal)"
            names.append(label)
            z.append(h[1].estimate / h[1].se * (1 if h[1].labels.higher_is_better else -1))
        if o.value is not None:
            lo, hi = _ratio_interval(o.value.simulation)
            ratios.append((_short(o.plan.name.get(lang)), float(o.value.sroi.ratio), float(lo), float(hi)))
    ax = axes[0]
    if names:
        ax.barh(names, z, color=["#55a868" if v > 1.96 else "#c44e52" if v < -1.96 else "#8c8c8c" for v in z])
        ax.axvspan(-1.96, 1.96, color="grey", alpha=0.15)
    ax.axvline(0, color="black", lw=1)
    ax.set_xlabel(
        "anslag / standardfeil (retning: bedre →)"
        if lang == "nb"
        else "estimate / standard error (direction: better →)"
    )
    ax.set_title("Hovedeffekter" if lang == "nb" else "Headline effects")
    ax = axes[1]
    if ratios:
        lab = [r[0] for r in ratios]
        mid = np.array([r[1] for r in ratios])
        err = np.array([[r[1] - r[2] for r in ratios], [r[3] - r[1] for r in ratios]])
        ax.barh(lab, mid, xerr=np.clip(err, 0, None), color="#4c72b0", capsize=4)
        ax.axvline(1, color="black", lw=1, ls="--")
    ax.set_xlabel(
        "SROI (verdi per krone, 95 % intervall)" if lang == "nb" else "SROI (value per krone, 95 % interval)"
    )
    ax.set_title("Samfunnsverdi" if lang == "nb" else "Social value")
    fig.tight_layout()
    return fig


def _short(name: str, width: int = 22) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(name, width)[:2])


def _ratio_interval(sim: Any) -> tuple[float, float]:
    r = sim.intervals.set_index("metric").loc["ratio"]
    return float(r["ci_low"]), float(r["ci_high"])


#: Registry statuses as a reader sees them (an unknown status is shown as written).
STATUS_LABELS: dict[str, dict[str, str]] = {
    "measured": {"nb": "målt", "en": "measured"},
    "planned": {"nb": "planlagt", "en": "planned"},
    "unmeasured": {"nb": "ikke målt", "en": "not measured"},
    "not_measured": {"nb": "ikke målt", "en": "not measured"},
    "in_progress": {"nb": "under måling", "en": "being measured"},
    "ongoing": {"nb": "pågår", "en": "ongoing"},
    "ended": {"nb": "avsluttet", "en": "ended"},
}


def status_label(status: object, lang: str) -> object:
    """A registry status in the report language.

    Examples
    --------
    >>> status_label("measured", "nb"), status_label("not_measured", "en"), status_label("other", "nb")
    ('målt', 'not measured', 'other')
    """
    known = STATUS_LABELS.get(str(status)) if isinstance(status, str) else None
    return status if known is None else known[lang]


def registry_table(project: Project, lang: str) -> pd.DataFrame:
    """The portfolio registry (``cases/portfolio.yaml``): measured and not yet measured initiatives."""
    path = project.cases_dir / "portfolio.yaml"
    if not path.exists():
        return pd.DataFrame()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get("initiatives", [])
    if not isinstance(items, list):
        raise SpecificationError(f"{path}: 'initiatives' must be a list")
    df = pd.DataFrame(items)
    if "status" in df.columns:
        df["status"] = [status_label(x, lang) for x in df["status"]]
    if lang == "nb":
        df = df.rename(
            columns={
                "name": "Tiltak",
                "municipality": "Kommune",
                "sector": "Sektor",
                "partners": "Partnere",
                "status": "Status",
            }
        )
    return df.drop(columns=[c for c in ("slug",) if c in df.columns])
