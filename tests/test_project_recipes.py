"""Project recipes: ``recipes/*.py`` at the project root register recipes without touching the package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from fou_analysis import pipeline
from fou_analysis.clean import CleaningLog
from fou_analysis.config import Project
from fou_analysis.exceptions import SpecificationError

GOOD = '''\
"""A project's own recipe."""
from fou_analysis.pipeline import recipe


@recipe("double_y")
def double_y(src, params, log):
    (df,) = src.values()
    return df.assign(y=df["y"] * params.get("factor", 2))
'''


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "recipes").mkdir()
    yield tmp_path
    pipeline.load_project_recipes(Project.at(tmp_path / "elsewhere"))  # forget what the test loaded


def test_a_project_recipe_is_found_registered_and_runs(root: Path) -> None:
    (root / "recipes" / "mine.py").write_text(GOOD, encoding="utf-8")
    assert "double_y" not in pipeline.RECIPES
    assert pipeline.load_project_recipes(Project.at(root)) == ["double_y"]
    out = pipeline.get_recipe("double_y")(
        {"d": pd.DataFrame({"y": [1.0, 2.0]})}, {"factor": 3}, CleaningLog()
    )
    assert out["y"].tolist() == [3.0, 6.0]


def test_loading_is_repeatable_and_another_project_forgets_the_first(root: Path, tmp_path: Path) -> None:
    (root / "recipes" / "mine.py").write_text(GOOD, encoding="utf-8")
    assert pipeline.load_project_recipes(Project.at(root)) == ["double_y"]
    assert pipeline.load_project_recipes(Project.at(root)) == ["double_y"]  # prepare after validate
    assert pipeline.load_project_recipes(Project.at(tmp_path / "other")) == []
    assert "double_y" not in pipeline.RECIPES


def test_an_import_error_names_the_file_and_line(root: Path) -> None:
    (root / "recipes" / "broken.py").write_text("import math\n\nx = math.sqrt(-1)\n", encoding="utf-8")
    with pytest.raises(SpecificationError, match=r"broken\.py, line 3: .*ValueError"):
        pipeline.load_project_recipes(Project.at(root))


def test_a_syntax_error_names_the_file_and_line(root: Path) -> None:
    (root / "recipes" / "typo.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    with pytest.raises(SpecificationError, match=r"typo\.py, line 1: .*syntax error"):
        pipeline.load_project_recipes(Project.at(root))


def test_a_project_recipe_may_not_replace_a_built_in_one(root: Path) -> None:
    (root / "recipes" / "mine.py").write_text(GOOD.replace("double_y", "tidy"), encoding="utf-8")
    with pytest.raises(SpecificationError, match="'tidy' is a built-in recipe"):
        pipeline.load_project_recipes(Project.at(root))
    assert pipeline.get_recipe("tidy") is pipeline.tidy


def test_two_files_with_the_same_recipe_name(root: Path) -> None:
    (root / "recipes" / "a.py").write_text(GOOD, encoding="utf-8")
    (root / "recipes" / "b.py").write_text(GOOD, encoding="utf-8")
    with pytest.raises(SpecificationError, match=r"b\.py: recipe 'double_y' is also defined in .*a\.py"):
        pipeline.load_project_recipes(Project.at(root))


FIRM_YEARS = """\
from fou_analysis.pipeline import recipe


@recipe("grant_years")
def grant_years(src, params, log):
    (df,) = src.values()
    return df[df["Tilskudd"] == 1].rename(columns={"Firmanummer": "firm", "År": "year"})
"""


def test_prepare_and_validate_import_the_project_recipes(tmp_path: Path) -> None:
    """A plan naming a recipe from recipes/*.py validates and prepares with no change to the package."""
    import shutil

    import yaml

    from fou_analysis.config import load_plan
    from fou_analysis.validate import validate_case

    case = Path(__file__).resolve().parent / "cases" / "jtrain"
    shutil.copytree(case / "cases", tmp_path / "cases")
    shutil.copytree(case / "data", tmp_path / "data")
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "grants.py").write_text(FIRM_YEARS, encoding="utf-8")
    plan_file = tmp_path / "cases" / "jtrain.yaml"
    data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    data["tables"].append({"id": "granted", "recipe": "grant_years", "sources": ["grants"]})
    plan_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    project = Project.at(tmp_path)
    try:
        assert validate_case("jtrain", project=project) == []
        prepared = pipeline.prepare(load_plan("jtrain", project=project), project, write=False)
        granted = prepared.tables["granted"]
        raw = pd.read_excel(tmp_path / "data" / "raw" / "jtrain" / "tilskudd.xlsx")
        assert len(granted) == int((raw["Tilskudd"] == 1).sum()) > 0
    finally:
        pipeline.load_project_recipes(Project.at(tmp_path / "elsewhere"))
