"""Issue #11.6: an honest portfolio — every registered initiative by stage, domain and sector in
nb and en, headline effects in plain words and never ranked, SROI only under its caveat, the
hand-over risks and a card per initiative with municipality names, not codes."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from fou_analysis.config import DOMAINS, STAGES, Project, load_plan
from fou_analysis.effects._result import Labels
from fou_analysis.framework import portfolio
from fou_analysis.framework.registry import SECTORS, load_registry

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Project.at(ROOT)


@pytest.fixture(scope="module")
def registry():
    return portfolio.load(PROJECT)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_initiative_appears_by_stage_in_pipeline_order(registry, lang: str) -> None:
    n = len(load_registry(PROJECT).initiatives)
    assert n >= 30
    df = portfolio.by_stage(registry, lang)
    assert len(df) == n and set(df.iloc[:, 1]) == {i.name for i in registry.initiatives}
    order = [STAGES[k][0 if lang == "nb" else 1] for k in STAGES]
    stages = df.iloc[:, 0].tolist()
    assert stages == sorted(stages, key=order.index)  # idea → pilot → operation → ended
    html = portfolio.pipeline_html(registry, lang)
    assert all(f"({sum(i.stage == k for i in registry.initiatives)})" in html for k in STAGES)
    assert sum(html.count(f"<li>{_esc(i.name)}") for i in registry.initiatives) == n


def _esc(s: str) -> str:
    import html

    return html.escape(s)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_initiatives_by_domain_and_sector(registry, lang: str) -> None:
    dom = portfolio.by_domain(registry, lang)
    labels = [v[0 if lang == "nb" else 1] for v in DOMAINS.values()]
    assert dom.iloc[:, 0].tolist()[: len(labels)] == labels
    for key, label in zip(DOMAINS, labels, strict=True):
        row = dom[dom.iloc[:, 0] == label].iloc[0]
        assert row.iloc[1] == sum(key in i.domains for i in registry.initiatives)
    # measured cases also count in their plan's outcome domains (here: utstyrsbu's participation)
    assert "utstyrsbu" in [i.case for i in registry.initiatives if "participation" in i.domains]
    sec = portfolio.by_sector(registry, lang)
    assert sec.iloc[:, 1].sum() == len(registry.initiatives)
    assert set(sec.iloc[:, 0]) <= {v[0 if lang == "nb" else 1] for v in SECTORS.values()}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_card_for_every_initiative_with_names_not_codes(registry, lang: str) -> None:
    html = portfolio.initiative_cards_html(registry, lang)
    assert html.count("class='initiative-card'") == len(registry.initiatives)
    badge = "oppdiktet eksempel" if lang == "nb" else "invented example"
    assert html.count(badge) == sum(i.invented for i in registry.initiatives)
    assert "Steinkjer" in html and "Inderøy" in html and "5006" not in html
    # the measured cases bring their plans' consented stories; the unconsented one stays out
    assert "story-card" in html and "Story without recorded consent" not in html
    assert "Historie uten registrert samtykke" not in html
    table = portfolio.registry_table(PROJECT, lang)
    assert len(table) == len(registry.initiatives) and not table.iloc[:, 1].str.contains(r"\d{4}").any()


def test_handover_risks_list_what_is_missing(registry) -> None:
    df = portfolio.handover_table(registry, "en")
    noen = df[df.iloc[:, 0].str.startswith("Noen AS")].iloc[0, 2]
    assert "Missing: agreement in place" in noen and "funding beyond" in noen
    missing = df.iloc[:, 2].str.count(";") + 1
    assert missing.is_monotonic_decreasing  # most at risk first
    ended = {i.name for i in registry.initiatives if i.stage == "avsluttet"}
    assert not ended & set(df.iloc[:, 0])


def _overview(estimate: float, ci: tuple[float, float], design_case: str = "noen"):
    plan = load_plan(design_case, project=PROJECT)
    oid = next(o.id for o in plan.outcomes if o.headline)
    out = plan.outcome(oid)
    r = SimpleNamespace(
        estimate=estimate,
        se=0.5,
        ci=ci,
        worst_verdict="ok",
        labels=Labels(
            unit={"nb": out.labels.unit.nb, "en": out.labels.unit.en},
            scale=out.labels.scale,
            decimals=out.labels.decimals,
            higher_is_better=out.labels.higher_is_better,
        ),
    )
    return portfolio.CaseOverview(design_case, plan, {oid: r}, None)


def test_headline_effects_in_plain_words() -> None:
    # noen: carer burden (lower is better), a comparison-group design
    better = _overview(-3.2, (-5.0, -1.4))
    en = portfolio.headlines_html([better], "en")
    assert "fell by 3.2 points" in en and "95% CI -5.0 to -1.4" in en.replace("−", "-")
    assert "That is an improvement" in en and "compared with what would likely have happened" in en
    nb = portfolio.headlines_html([better], "nb")
    assert "falt med 3,2 poeng" in nb and "forbedring" in nb
    unclear = portfolio.headlines_html([_overview(1.0, (-0.5, 2.5))], "en")
    assert "includes zero" in unclear and "deterioration" not in unclear
    # utstyrsbu's headline (activity days) is before/after: said not to be causal
    assert next(o for o in load_plan("utstyrsbu", project=PROJECT).outcomes if o.headline).design == "prepost"
    pre = portfolio.headlines_html([_overview(0.4, (0.1, 0.7), "utstyrsbu")], "en")
    assert "not a causal effect" in pre and "rose by 0.40 days per week" in pre


def test_no_t_statistic_ranking_remains() -> None:
    import importlib
    import re

    views = importlib.import_module(portfolio.by_domain.__module__)
    for text in (inspect.getsource(portfolio), inspect.getsource(views)):
        assert not re.search(r"\.se\b", text)  # no estimate / standard error anywhere
        assert "standardfeil" not in text and "1.96" not in text
    assert not hasattr(portfolio, "plot")
    nb = (ROOT / "notebooks" / "50_portfolio.ipynb").read_text(encoding="utf-8")
    assert "portfolio.plot(" not in nb and "portfolio.stage_plot(" in nb and "by_domain" in nb


def test_value_is_shown_only_under_its_caveat() -> None:
    from fou_analysis.report import t

    sim = SimpleNamespace(intervals=pd.DataFrame({"metric": ["ratio"], "ci_low": [0.8], "ci_high": [2.9]}))
    o = _overview(-3.2, (-5.0, -1.4))
    o.value = SimpleNamespace(sroi=SimpleNamespace(ratio=1.7), simulation=sim)
    for lang in ("nb", "en"):
        html = portfolio.value_html([o], lang)
        assert html.index(_esc(t("sroi_caveat", lang))) < html.index(
            "1" + ("," if lang == "nb" else ".") + "70"
        )
    assert "SROI" not in portfolio.table([o], "en").columns


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_stage_plot_counts_every_initiative(registry, lang: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    fig = portfolio.stage_plot(registry, lang)
    ax = fig.axes[0]
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == len(registry.initiatives)
    import matplotlib.pyplot as plt

    plt.close(fig)
