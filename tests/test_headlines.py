"""Honest headlines (#10): graded numbers, one headline per question, value base case vs scenario.

In-process on the demo data of Utstyrsbu and Noen; Friskgården's three designs of one question
are checked with constructed results (its real estimation takes minutes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fou_analysis import pipeline
from fou_analysis.config import Project, load_plan
from fou_analysis.effects import Diagnostic, EffectResult, Labels
from fou_analysis.report import fmt_nok, fmt_number, headlines

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cases(demo_valued: dict[str, tuple]) -> dict[str, tuple]:
    return {slug: (plan, res, valued) for slug, (_, plan, res, valued) in demo_valued.items()}


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", " ", fragment)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_utstyrsbu_summary_grades_every_line_and_calls_before_after_not_causal(cases, lang: str) -> None:
    plan, res, valued = cases["utstyrsbu"]
    body = headlines.headline_summary(plan, res, valued, lang).body
    items = re.findall(r"<li>(.*?)</li>", body)
    assert len(items) == len(plan.outcomes)  # no question groups: one line per outcome
    assert all('class="fou-evidence"' in i for i in items)
    not_causal = "ikke en årsakseffekt" if lang == "nb" else "not a causal effect"
    prepost_lines = [i for i in items if ("samme personer" if lang == "nb" else "same people") in i]
    assert len(prepost_lines) == 2 and all(not_causal in i for i in prepost_lines)
    assert all(
        ("regresjon mot gjennomsnittet" if lang == "nb" else "regression to the mean") in i
        for i in prepost_lines
    )
    its_line = next(i for i in items if i not in prepost_lines)
    assert ("uten tiltaket" if lang == "nb" else "without the initiative") not in its_line


def test_utstyrsbu_value_headline_is_the_base_case_and_names_the_scenario(cases) -> None:
    plan, res, valued = cases["utstyrsbu"]
    text = headlines.value_summary_text(valued, "en")
    base = fmt_number(valued.sroi.ratio, 2, "en")
    scen = fmt_number(valued.scenario.sroi.ratio, 2, "en")
    assert base != scen
    assert text.index(base) < text.index("With scenarios") < text.index(scen)
    # the scenario is named by the plan's English text in the English report
    assert "'Higher life satisfaction'" in text.split("With scenarios")[1] and "livstilfredshet" not in text
    # the R-109 view sits next to the SROI ratio
    assert fmt_number(valued.cba.npv_per_budget_krone, 2, "en") in text.split("With scenarios")[0]
    # the base case has one row, which therefore carries everything: said in words
    assert "One valuation carries most of it" in text and "100 %" in text
    nb = headlines.value_summary_text(valued, "nb")
    assert "Med scenarioer" in nb and "Én verdsetting bærer mesteparten" in nb


def test_noen_summary_states_the_dominant_scenario_share(cases) -> None:
    plan, res, valued = cases["noen"]
    text = headlines.value_summary_text(valued, "en")
    share = valued.scenario.sroi.by_outcome.set_index("outcome")["share_of_present_value"]
    assert share.idxmax() == "Utsatt sykehjemsinnleggelse"
    # named by the plan's English text in the English report, the Norwegian one in the Norwegian
    assert f"'Delayed nursing-home admission' then accounts for {100 * share.max():.0f} %" in text
    nb = headlines.value_summary_text(valued, "nb")
    assert f"«Utsatt sykehjemsinnleggelse» står da for {100 * share.max():.0f} %" in nb
    n_line = next(
        i
        for i in re.findall(r"<li>(.*?)</li>", headlines.headline_summary(plan, res, valued, "en").body)
        if "carer burden" in i.lower()
    )
    assert f"n = {res['carer_burden'].n} persons" in _text(n_line)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_value_section_shows_base_or_scenario_per_row_and_each_source_once(cases, lang: str) -> None:
    plan, res, valued = cases["utstyrsbu"]
    body = headlines.graded_value_section(plan, valued, lang).body
    assert body.count("HM Treasury (2021)") == 1  # the WELLBY citation, once
    flags = ("MÅ KONTROLLERES", "ILLUSTRASJON") if lang == "nb" else ("VERIFY", "ILLUSTRATIVE")
    assert all(f in body for f in flags)
    assert "VERIFY: VERIFY" not in body and "(VERIFY)" not in body
    # where a quantity comes from, in words (not the code "effect:<id>" / "map")
    assert "effect:" not in body and ("estimert effekt" if lang == "nb" else "estimated effect") in body
    # the population the WELLBY was made for, in the report's language
    assert ("Britisk voksenbefolkning" if lang == "nb" else "UK adult population") in body
    assert ("grunnberegning" if lang == "nb" else "base case") in body and "scenario" in body
    assert "2024" in body and (("kostnad i 2024" if lang == "nb" else "a cost in 2024") in body)
    # the plan's break-even row is a scenario row and is labelled so, with the unit of its quantity
    assert ("Med scenarioer:" if lang == "nb" else "With scenarios:") in body and "WELLBY" in body
    assert (
        "uten sammenligningsgruppe, så dødvekt er trukket fra"
        if lang == "nb"
        else "so deadweight is subtracted"
    ) in body


def test_text_reaching_html_is_escaped(cases) -> None:
    import dataclasses

    from fou_analysis.config import parse_plan

    plan, res, valued = cases["utstyrsbu"]
    data = plan.model_dump(mode="json", exclude_none=True)
    data["value"]["unpriced"][0]["en"] = "<i>reuse</i>"
    evil = parse_plan(data)
    # the scenario row's name reaches the value sentence; the plan's unpriced text its list
    ev = valued.evidence.assign(outcome=["x", "<b>spart</b>"], outcome_en=["x", "<b>saved</b>"])
    v2 = dataclasses.replace(valued, evidence=ev)
    body = headlines.graded_value_section(evil, v2, "en").body
    assert "<b>saved</b>" not in body and "&#x27;&lt;b&gt;saved&lt;/b&gt;&#x27;" in body
    body_nb = headlines.graded_value_section(evil, v2, "nb").body
    assert "<b>spart</b>" not in body_nb and "&lt;b&gt;spart&lt;/b&gt;" in body_nb
    assert "<i>reuse</i>" not in body and "&lt;i&gt;reuse&lt;/i&gt;" in body


def _fake(est: float, low: float, high: float, *, n=63_000, nt=150, nc=600, verdict="ok") -> EffectResult:
    return EffectResult(
        method="m",
        estimand="ATT",
        outcome="y",
        estimate=est,
        se=0.02,
        ci=(low, high),
        p_value=0.01,
        n=n,
        n_treated=nt,
        n_control=nc,
        diagnostics=(Diagnostic("pre_trend", 0.1, verdict),),
        labels=Labels(outcome={"nb": "arbeid", "en": "work"}, scale=100, decimals=1),
    )


def _friskgarden_results() -> dict[str, EffectResult]:
    """friskgarden's two questions, each with its robustness checks (main estimate warns on
    pre-trends, the event study fails them; neet_rate has one treated unit)."""
    return {
        "work_or_education": _fake(0.085, 0.001, 0.169, verdict="warn"),
        "work_or_education_twfe": _fake(0.061, 0.002, 0.120),
        "work_or_education_event": _fake(0.094, 0.026, 0.162, verdict="fail"),
        "neet_rate": _fake(-0.014, -0.032, 0.004, n=5552, nt=1, nc=346),
        "neet_rate_sdid": _fake(-0.014, -0.030, 0.002, n=5552, nt=1, nc=346),
    }


def test_friskgarden_one_headline_per_question_and_persons_not_person_months() -> None:
    plan = load_plan("friskgarden", project=Project.at(ROOT))
    res = _friskgarden_results()
    groups = headlines.question_groups(plan, res)
    assert [(q, h) for q, h, _ in groups] == [
        ("work_or_education", "work_or_education"),
        ("neet_rate", "neet_rate"),
    ]
    body = headlines.headline_summary(plan, res, None, "en").body
    items = re.findall(r"<li>(.*?)</li>", body)
    assert len(items) == 2  # never three competing lines for one question
    assert "750 persons (63,000 observations)" in items[0] and "347 municipalities" in items[1]
    assert "Same question, 2 other methods: they point the same way" in items[0]
    # the plan's own caveat joins the municipal line, labelled
    assert "What it cannot show: A municipal rate is moved by much more" in items[1]
    table = headlines.robustness_table(plan, res, [groups[0][1], *groups[0][2]], "nb")
    assert len(table) == 3 and table["Evidens"].tolist() == [
        "Evidensnivå 3 av 5",
        "Evidensnivå 3 av 5",
        "Evidensnivå 2 av 5",
    ]
    # a disagreeing check (opposite sign) is reported as such
    res["work_or_education_twfe"] = _fake(-0.05, -0.09, -0.01)
    assert "they disagree" in headlines.agreement_sentence(
        plan, res, ["work_or_education", "work_or_education_twfe"], "en"
    )


def test_a_plan_with_only_scenario_rows_has_an_empty_base_case_and_says_so(cases, tmp_path: Path) -> None:
    from fou_analysis.config import parse_plan

    plan, res, _ = cases["utstyrsbu"]
    data = plan.model_dump(mode="json", exclude_none=True)
    data["value"]["impact_map"] = data["value"]["impact_map"][1:]  # the before/after WELLBY row only
    data["value"]["break_even_row"] = 0
    only = parse_plan(data)
    valued = pipeline.valuate(only, Project.at(tmp_path), effects=res, write=False)
    assert valued.base_empty and valued.scenario is None and valued.break_even_scenario
    en = headlines.value_summary_text(valued, "en")
    assert en.startswith("No valued outcome has evidence strong enough") and "Base case" not in en
    assert "Scenarios only" in en
    assert "Bare scenarioer" in headlines.value_summary_text(valued, "nb")
    # the first screen says so too, instead of presenting scenarios as the base case
    first = _text(headlines.first_screen(only, res, valued, "nb").body)
    assert "Verdi (bare scenarioer, grunnberegningen er tom)" in first


# --------------------------------------------------------------------------- the first screen
def _blocks(fragment: str) -> list[tuple[str, str]]:
    """The first screen's top-level blocks (tag, visible text), list items one by one."""
    inner = re.fullmatch(r'<div class="fou-first-screen"[^>]*>(.*)</div>', fragment, flags=re.S)
    assert inner, "the first screen is one div"
    out = []
    for tag, body in re.findall(
        r"<(h2|li|p|table|img|h3|h4|details)\b[^>]*>(.*?)</\1>", inner.group(1), re.S
    ):
        out.append((tag, " ".join(_text(body).split())))
    return out


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("slug", ["utstyrsbu", "noen"])
def test_first_screen_answers_does_it_work_how_sure_and_worth_the_money_and_nothing_else(
    cases, slug: str, lang: str
) -> None:
    plan, res, valued = cases[slug]
    body = headlines.first_screen(plan, res, valued, lang).body
    blocks = _blocks(body)
    tags = [tag for tag, _ in blocks]
    questions = headlines.question_groups(plan, res)
    # a heading, one line per question, then exactly three lines of money
    assert tags == ["h2"] + ["li"] * len(questions) + ["p"] * 3
    assert body.count('class="fou-evidence"') == len(questions)
    cost, value, largest = (text for tag, text in blocks if tag == "p")

    def norm(x: str) -> str:  # block texts have their (thin) spaces normalised
        return " ".join(x.split())

    assert norm(fmt_nok(plan.value.investment_nok, lang)) in cost
    assert str(plan.value.investment_year) in cost
    assert norm(fmt_number(valued.sroi.ratio, 2, lang)) in value
    assert norm(fmt_number(valued.cba.npv_per_budget_krone, 2, lang)) in value and "R-109" in value
    by = valued.sroi.by_outcome
    share = by["present_value"].abs().max() / by["present_value"].sum()
    assert f"{norm(fmt_number(100 * share, 0, lang))} %" in largest
    # what lives below the first screen stays there
    for below in (plan.summary.get(lang), plan.partners[0].name, "Maryland"):
        assert below not in body
    assert headlines.first_screen_lines(body) <= headlines.FIRST_SCREEN_LINES


def test_first_screen_of_questions_with_robustness_checks_stays_within_the_bound() -> None:
    plan = load_plan("friskgarden", project=Project.at(ROOT))
    res = _friskgarden_results()
    for lang in ("nb", "en"):
        body = headlines.first_screen(plan, res, None, lang).body
        assert [tag for tag, _ in _blocks(body)] == ["h2", "li", "li"]
        assert headlines.first_screen_lines(body) <= headlines.FIRST_SCREEN_LINES


def test_first_screen_line_count_grows_with_text() -> None:
    """The bound can fail: a paragraph longer than the screen's lines counts as many lines."""
    per = headlines.FIRST_SCREEN_CHARS
    assert headlines.first_screen_lines("<h2>Kort fortalt</h2><p>a</p>") == 2
    long = "<h2>x</h2>" + f"<p>{'a' * (per * headlines.FIRST_SCREEN_LINES)}</p>"
    assert headlines.first_screen_lines(long) == 1 + headlines.FIRST_SCREEN_LINES
    assert headlines.first_screen_lines(f"<ul><li>{'b' * (per + 1)}</li></ul>") == 2


def test_value_sources_are_norwegian_in_nb_and_an_old_bank_is_marked_english(cases) -> None:
    import dataclasses

    from fou_analysis import value

    plan, res, valued = cases["noen"]
    imap = valued.scenario.impact_map if valued.scenario is not None else valued.impact_map
    bank = value.load_value_bank().set_index("id")
    nb = headlines.proxy_sources(imap, "nb")
    used = [p for p in imap.table["proxy_id"].drop_duplicates() if p]
    assert used and nb["Laget for"].tolist() == [bank.loc[p, "population_nb"] for p in used]
    assert all(bank.loc[p, "transferability_nb"] in v for p, v in zip(used, nb["Gyldighet"], strict=True))
    assert "på engelsk" not in " ".join(nb["Gyldighet"]) + " ".join(nb["Laget for"])
    en = headlines.proxy_sources(imap, "en")
    assert en["Made for"].tolist() == [bank.loc[p, "population"] for p in used]
    # a bank without the nb columns: the English text, marked as such
    old = dataclasses.replace(imap, table=imap.table.assign(proxy_note_nb="", proxy_population_nb=""))
    marked = headlines.proxy_sources(old, "nb")
    assert all(v.startswith("(på engelsk) ") for v in marked["Laget for"])
    assert all("Merknad i verdibanken (på engelsk): " in v for v in marked["Gyldighet"])


@pytest.mark.parametrize(
    ("est", "higher_is_better", "nb", "en"),
    [
        (0.05, True, "En forbedring", "An improvement"),
        (-0.05, True, "En forverring", "A change for the worse"),
        (-0.05, False, "En forbedring", "An improvement"),
        (0.05, False, "En forverring", "A change for the worse"),
    ],
)
def test_a_clear_result_says_better_or_worse_by_the_outcome_direction(est, higher_is_better, nb, en) -> None:
    """ "2,5 poeng lavere" alone does not tell a reader whether lower burden is good news."""
    r = _fake(est, est - 0.02, est + 0.02)
    r = r.with_labels(Labels(outcome={"nb": "y", "en": "y"}, higher_is_better=higher_is_better))
    assert headlines._direction_word(r, "nb").startswith(nb)
    assert headlines._direction_word(r, "en").startswith(en)


def test_without_a_comparison_group_the_direction_is_not_called_an_improvement() -> None:
    r = _fake(0.05, 0.03, 0.07)
    nb, en = (
        headlines._direction_word(r, "nb", causal=False),
        headlines._direction_word(r, "en", causal=False),
    )
    assert nb.startswith("I ønsket retning") and "forbedring" not in nb
    assert en.startswith("In the desired direction") and "improvement" not in en
