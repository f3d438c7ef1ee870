"""Case plans: the three seed plans load; typos, unknown cases and bad references are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fou_analysis.config import Project, load_plan, parse_plan
from fou_analysis.exceptions import SpecificationError

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project.at(ROOT)


@pytest.mark.parametrize("slug", ["utstyrsbu", "noen", "friskgarden"])
def test_seed_plans_load(slug: str) -> None:
    plan = load_plan(slug, project=PROJECT)
    assert plan.slug == slug
    assert plan.outcomes and plan.raw and plan.tables
    assert any(o.headline for o in plan.outcomes)


def test_case_slugs_exclude_the_portfolio_registry() -> None:
    assert PROJECT.case_slugs() == ["friskgarden", "noen", "utstyrsbu"]


def _plan_dict() -> dict:
    return yaml.safe_load((ROOT / "cases" / "utstyrsbu.yaml").read_text(encoding="utf-8"))


def test_typo_in_a_field_name_names_the_field_and_suggests_the_right_one() -> None:
    data = _plan_dict()
    data["outcomes"][0]["desing"] = data["outcomes"][0].pop("design")
    with pytest.raises(SpecificationError) as e:
        parse_plan(data, source="cases/utstyrsbu.yaml")
    msg = str(e.value)
    assert "cases/utstyrsbu.yaml" in msg and "outcome 'loans_per_month'" in msg
    assert "'desing'" in msg and "did you mean 'design'" in msg
    assert "Field required" not in msg  # the misspelling is reported once, not also as missing


def test_top_level_typo_is_reported() -> None:
    data = _plan_dict()
    data["outcoms"] = data.pop("outcomes")
    with pytest.raises(SpecificationError, match="did you mean 'outcomes'"):
        parse_plan(data)


def test_unknown_design_is_rejected() -> None:
    data = _plan_dict()
    data["outcomes"][0]["design"] = "magic"
    with pytest.raises(SpecificationError, match="outcome 'loans_per_month': design: 'magic' is not one of"):
        parse_plan(data)


def test_misspelt_design_suggests_the_real_one() -> None:
    data = _plan_dict()
    data["outcomes"][1]["design"] = "prepots"
    with pytest.raises(SpecificationError, match="did you mean 'prepost'"):
        parse_plan(data)


def test_every_bad_reference_is_listed_with_a_suggestion() -> None:
    data = _plan_dict()
    data["outcomes"][0]["table"] = "loans_montly"
    data["tables"][0]["sources"] = ["loan"]
    with pytest.raises(SpecificationError) as e:
        parse_plan(data, source="cases/utstyrsbu.yaml")
    lines = str(e.value).splitlines()
    assert len(lines) == 2, lines
    assert any("table 'loans_montly'" in ln and "did you mean 'loans_monthly'" in ln for ln in lines)
    assert any("source 'loan'" in ln and "did you mean 'loans'" in ln for ln in lines)
    assert all(ln.startswith("cases/utstyrsbu.yaml: ") for ln in lines)


def test_composite_unique_key_and_the_single_column_form_both_parse() -> None:
    data = _plan_dict()
    data["raw"][0]["unique"] = [["Låner", "Utlånt"], "Utlån-ID"]
    plan = parse_plan(data)
    assert plan.raw[0].unique == [["Låner", "Utlånt"], ["Utlån-ID"]]


def test_outcome_pointing_at_unknown_table_is_rejected() -> None:
    data = _plan_dict()
    data["outcomes"][0]["table"] = "nope"
    with pytest.raises(SpecificationError, match="table 'nope' is not defined"):
        parse_plan(data)


def test_unknown_case_lists_known_cases_and_suggests(tmp_path: Path) -> None:
    with pytest.raises(SpecificationError) as e:
        load_plan("utstyrbu", project=PROJECT)
    assert "did you mean 'utstyrsbu'" in str(e.value)
    assert "friskgarden" in str(e.value)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "bad.yaml").write_text("slug: bad\nname: {nb: x\n", encoding="utf-8")
    with pytest.raises(SpecificationError, match=r"bad.yaml: line \d+"):
        load_plan("bad", project=Project.at(tmp_path))


def test_slug_must_match_file_name(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    data = _plan_dict()
    (tmp_path / "cases" / "other.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecificationError, match="does not match the file name"):
        load_plan("other", project=Project.at(tmp_path))
