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
    # ... and a clear before/after change is a direction, never "an improvement" it cannot attribute
    assert "improvement" not in pre and "The change is in the desired direction." in pre
    pre_nb = portfolio.headlines_html([_overview(0.4, (0.1, 0.7), "utstyrsbu")], "nb")
    assert "forbedring" not in pre_nb and "Endringen går i ønsket retning." in pre_nb


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
    by_outcome = pd.DataFrame({"outcome": ["a"], "present_value": [1.0]})
    o.value = SimpleNamespace(sroi=SimpleNamespace(ratio=1.7, by_outcome=by_outcome), simulation=sim)
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
    assert all(float(v).is_integer() for v in ax.get_yticks())  # whole initiatives, never "0.5"
    import matplotlib.pyplot as plt

    plt.close(fig)


def _valued(base_empty: bool = False):
    """A case valued on three impact-map rows: a documented count (a), the headline effect in the
    base case (b) and the same effect as a scenario row (c)."""
    o = _overview(-3.2, (-5.0, -1.4))
    oid = o.headline[0]
    sim = SimpleNamespace(intervals=pd.DataFrame({"metric": ["ratio"], "ci_low": [0.8], "ci_high": [2.9]}))
    ev = pd.DataFrame(
        {
            "outcome": ["a", "b", "c"],
            "source": ["count", "effect", "effect"],
            "effect_key": ["", oid, oid],
            "base": [not base_empty, not base_empty, False],
        }
    )
    every = pd.DataFrame({"outcome": ["a", "b", "c"], "present_value": [300.0, 100.0, 600.0]})
    base = every.iloc[:2] if not base_empty else every
    o.value = SimpleNamespace(
        sroi=SimpleNamespace(ratio=1.7, by_outcome=base),
        simulation=sim,
        evidence=ev,
        scenario=None if base_empty else SimpleNamespace(sroi=SimpleNamespace(by_outcome=every)),
        base_empty=base_empty,
    )
    return o


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_headline_and_value_carry_the_case_reports_grade_badge(lang: str) -> None:
    from fou_analysis.effects.evidence import BASE_LEVEL
    from fou_analysis.report.headlines import outcome_grade

    o = _valued()
    oid, r = o.headline
    g = outcome_grade(o.plan, oid, r)
    assert g.level == BASE_LEVEL[o.plan.outcome(oid).design]
    badge = g.badge(lang)
    assert 'class="fou-evidence"' in badge
    head = portfolio.headlines_html([o], lang)
    assert head.count(badge) == 1 and head.index(badge) < head.index(_esc(o.plan.name.get(lang)))
    assert portfolio.table([o], lang).iloc[0]["Evidens" if lang == "nb" else "Evidence"] == g.label(lang)
    val = portfolio.value_html([o], lang)
    assert val.count(badge) == 1
    # scenario share: c (600) of the 1000 with scenarios; largest base row: a (300 of 400)
    ve = portfolio.value_evidence(o)
    assert ve.scenario_share == pytest.approx(0.6) and ve.scenario_rows == ("c",)
    assert (ve.largest, ve.largest_share) == ("a", pytest.approx(0.75))
    if lang == "nb":
        assert "60 % av verdien med scenarioer hviler på scenarioer («c»)" in val
        assert "(«a») står for 75 %" in val
    else:
        assert "60 % of the value with scenarios rests on scenarios ('c')" in val.replace("&#x27;", "'")
        assert "('a') accounts for 75 %" in val.replace("&#x27;", "'")
    # a case without results has no badge and no grade
    bare = portfolio.CaseOverview("noen", o.plan, None, None)
    assert "fou-evidence" not in portfolio.headlines_html([bare], lang)


def test_value_resting_on_scenarios_only_or_on_counts_only_says_so() -> None:
    o = _valued(base_empty=True)
    ve = portfolio.value_evidence(o)
    assert ve.base_empty and ve.scenario_share == 1.0 and ve.grade is not None
    assert "bare scenarioer" in portfolio.value_html([o], "nb")
    assert "scenarios only" in portfolio.value_html([o], "en")
    counts = _valued()
    counts.value.evidence = counts.value.evidence.assign(source="count", effect_key="")
    assert portfolio.value_evidence(counts).grade is None
    en = portfolio.value_html([counts], "en")
    assert "documented counts only" in en and "fou-evidence" not in en
    one = _valued()
    one.value.sroi.by_outcome = one.value.sroi.by_outcome.iloc[:1]
    assert "It rests on one outcome ('a')" in portfolio.value_html([one], "en").replace("&#x27;", "'")
    assert "accounts for" not in portfolio.value_html([one], "en")
