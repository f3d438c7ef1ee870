"""Every number in the value section comes from the value bank or the case plan: changing one
changes the report (and nothing in code holds a unit value)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

from _demo_project import demo_project
from fou_analysis import pipeline
from fou_analysis.config import Project, load_plan
from fou_analysis.report import graded_value_section

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return demo_project(tmp_path_factory.mktemp("valueproj"), "utstyrsbu")


def _section(project: Project) -> tuple[str, object]:
    plan = load_plan("utstyrsbu", project=project)
    valued = pipeline.valuate(plan, project, write=False)
    return graded_value_section(plan, valued, "en").body, valued


def _edit_plan(project: Project, **value_fields: object) -> None:
    path = project.case_file("utstyrsbu")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["value"].update(value_fields)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_changing_the_value_bank_changes_the_report(project: Project) -> None:
    html_before, before = _section(project)
    bank = pd.read_csv(resources.files("fou_analysis") / "data" / "value_bank.csv", comment="#", dtype=str)
    row = bank["id"] == "wellby"
    for col in ("nok_low", "nok_central", "nok_high"):
        bank.loc[row, col] = (bank.loc[row, col].astype(float) * 2).astype(str)
    bank.to_csv(project.root / "my_bank.csv", index=False)
    _edit_plan(project, bank="my_bank.csv")
    html_after, after = _section(project)
    assert html_after != html_before
    # the WELLBY row's present value doubles; the other row is unchanged (the WELLBY row rests on
    # a before/after change, so it is valued in the scenario, not in the base case)
    pv_before = before.scenario.sroi.by_outcome["present_value"].to_numpy()
    pv_after = after.scenario.sroi.by_outcome["present_value"].to_numpy()
    assert pv_after[1] == pytest.approx(2 * pv_before[1], rel=1e-9)
    assert pv_after[0] == pytest.approx(pv_before[0], rel=1e-12)


def test_changing_the_investment_in_the_plan_changes_the_report(project: Project) -> None:
    _edit_plan(project, bank=None)
    html_before, before = _section(project)
    _edit_plan(project, investment_nok=2_400_000)
    html_after, after = _section(project)
    assert html_after != html_before
    assert "2,400,000" in html_after
    assert after.sroi.ratio == pytest.approx(before.sroi.ratio / 2, rel=1e-9)


def test_a_missing_bank_file_is_a_clear_error(project: Project) -> None:
    from fou_analysis.exceptions import SpecificationError

    _edit_plan(project, bank="nope.csv")
    plan = load_plan("utstyrsbu", project=project)
    with pytest.raises(SpecificationError, match="value.bank 'nope.csv' does not exist"):
        pipeline.valuate(plan, project, write=False)
    _edit_plan(project, bank=None)


def test_the_plans_tax_cost_reaches_the_r109_figure(project: Project) -> None:
    _edit_plan(project, bank=None, investment_nok=1_200_000, tax_cost=0.20)
    _, base = _section(project)
    _edit_plan(project, tax_cost=0.30)
    _, higher = _section(project)
    # the investment is the only public spending, in year 0 (discount factor 1): NPV falls by 0.1 × it
    assert higher.cba.npv == pytest.approx(base.cba.npv - 0.10 * 1_200_000, rel=1e-12)
    _edit_plan(project, tax_cost=0.20)
