"""Value the reader can trust (#10.3): only documented counts and estimates with a comparison
group (grade >= value.min_grade) whose interval excludes zero enter the base case; the rest is
a scenario. Run in-process on the demo data of Utstyrsbu and Noen (no notebooks)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from fou_analysis import pipeline
from fou_analysis.config import parse_plan
from fou_analysis.exceptions import SpecificationError
from fou_analysis.pipeline.base_case import evidence_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def estimated(demo_valued: dict[str, tuple]) -> dict[str, tuple]:
    return {slug: (plan, proj, res) for slug, (proj, plan, res, _) in demo_valued.items()}


def _row(frame, outcome: str):
    hit = frame[frame["outcome"] == outcome]
    assert len(hit) == 1
    return hit.iloc[0]


def test_utstyrsbu_before_after_wellby_row_is_a_scenario(estimated) -> None:
    plan, proj, effects = estimated["utstyrsbu"]
    valued = pipeline.valuate(plan, proj, effects=effects, write=False)
    wellby = _row(valued.evidence, "Høyere livstilfredshet")
    assert (wellby["source"], wellby["design"], int(wellby["grade"]), bool(wellby["base"])) == (
        "effect",
        "prepost",
        2,
        False,
    )
    assert "not a causal effect" in wellby["reason_en"] and "ikke en årsakseffekt" in wellby["reason_nb"]
    assert bool(_row(valued.evidence, "Utgifter spart på fritidsutstyr")["base"])
    # the base case holds the documented count only; the scenario holds both rows
    assert list(valued.sroi.by_outcome["outcome"]) == ["Utgifter spart på fritidsutstyr"]
    scen = valued.scenario.sroi.by_outcome
    assert set(scen["outcome"]) == {"Utgifter spart på fritidsutstyr", "Høyere livstilfredshet"}
    # rows are valued independently: the base present value is the scenario's count row
    count_pv = float(scen.loc[scen["outcome"] == "Utgifter spart på fritidsutstyr", "present_value"].iloc[0])
    assert float(valued.sroi.present_value) == pytest.approx(count_pv, rel=1e-12)
    assert valued.scenario.sroi.ratio > valued.sroi.ratio
    # the plan's break-even row is the WELLBY row: computed with scenarios, and says so
    assert valued.break_even_scenario and valued.break_even.outcome.endswith("Høyere livstilfredshet")
    assert "WELLBY" in valued.break_even.sentence("en")
    assert f"{valued.break_even.current_effect_per_unit:.3f} points" in valued.break_even.sentence("en")
    assert "poeng" in valued.break_even.sentence("nb")


def test_noen_nursing_home_row_is_a_scenario(estimated) -> None:
    plan, proj, effects = estimated["noen"]
    valued = pipeline.valuate(plan, proj, effects=effects, write=False)
    nh = _row(valued.evidence, "Utsatt sykehjemsinnleggelse")
    assert not bool(nh["base"]) and nh["design"] == "survival"
    # the demo hazard ratio's interval includes 1 (log HR includes 0): that alone excludes it
    assert bool(nh["significant"]) is bool(effects["nursing_home"].significant) is False
    assert "interval includes zero" in nh["reason_en"]
    assert list(valued.sroi.by_outcome["outcome"]) == ["Spart omsorgstid"]
    assert "Utsatt sykehjemsinnleggelse" in set(valued.scenario.sroi.by_outcome["outcome"])
    # R-109 view follows the base case
    assert valued.cba.npv_per_budget_krone != valued.scenario.cba.npv_per_budget_krone
    assert not valued.break_even_scenario
    assert "hours of respite" in valued.break_even.sentence("en")


def _with_value(plan, **fields):
    data = plan.model_dump(mode="json", exclude_none=True)
    data["value"].update(fields)
    return parse_plan(data)


def test_min_grade_is_the_threshold(estimated) -> None:
    plan, _, effects = estimated["utstyrsbu"]
    assert plan.value.min_grade == 3  # default: a comparison group
    lowered = _with_value(plan, min_grade=2)
    ev = evidence_rows(lowered, effects)
    # grade 2 and an interval clear of zero: with min_grade 2 the row enters the base case
    assert effects["life_satisfaction"].significant
    assert ev["base"].all()


def test_an_interval_through_zero_is_a_scenario_whatever_the_grade(estimated) -> None:
    plan, _, effects = estimated["utstyrsbu"]
    lowered = _with_value(plan, min_grade=1)
    res = effects["life_satisfaction"]
    wide = dict(effects, life_satisfaction=dataclasses.replace(res, ci=(-0.1, res.ci[1])))
    ev = evidence_rows(lowered, wide)
    assert list(ev["base"]) == [True, False]
    assert ev.loc[1, "reason_en"] == "scenario: the interval includes zero"


def test_a_row_whose_effect_is_missing_is_a_clear_error(estimated) -> None:
    plan, _, effects = estimated["utstyrsbu"]
    with pytest.raises(SpecificationError, match="needs the effect 'life_satisfaction'"):
        evidence_rows(plan, {k: v for k, v in effects.items() if k != "life_satisfaction"})


def test_min_grade_outside_the_scale_is_rejected(estimated) -> None:
    plan, _, _ = estimated["utstyrsbu"]
    with pytest.raises(SpecificationError, match="min_grade"):
        _with_value(plan, min_grade=6)


def test_two_headlines_for_one_question_are_rejected() -> None:
    data = yaml.safe_load((ROOT / "cases" / "friskgarden.yaml").read_text(encoding="utf-8"))
    for o in data["outcomes"]:
        if o["id"] == "work_or_education_twfe":
            o["headline"] = True
    with pytest.raises(SpecificationError, match="question 'work_or_education' has 2 headline outcomes"):
        parse_plan(data)
