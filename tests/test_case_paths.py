"""Issue #9.6 (paths): a case is named by its slug; no argument or plan places a file outside
the project's folders, and a path given as a case name is one line, not a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from _cli import fou
from fou_analysis.config import Project, check_slug, load_plan, parse_plan
from fou_analysis.exceptions import SpecificationError

ROOT = Path(__file__).resolve().parents[1]


def _files(top: Path) -> set[Path]:
    return {p for p in top.rglob("*")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "a" / "workbench"
    shutil.copytree(ROOT / "cases", root / "cases")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    # a valid plan outside the project, where "../../outside/x" points from cases/ and reports/
    data = yaml.safe_load((ROOT / "cases" / "noen.yaml").read_text(encoding="utf-8"))
    data["slug"] = "x"
    for outside in (tmp_path / "a" / "outside", tmp_path / "outside"):
        outside.mkdir(parents=True, exist_ok=True)
        (outside / "x.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


@pytest.mark.parametrize("slug", ["noen", "utstyrsbu", "friskgarden", "a", "case_2-b", "9" * 64])
def test_slugs_are_accepted(slug: str) -> None:
    assert check_slug(slug) == slug


@pytest.mark.parametrize(
    "name",
    [
        "../../outside/x",
        "/tmp/x",
        "cases/noen.yaml",
        "Noen",
        "-x",
        "_x",
        "",
        "a b",
        "noen\n",
        "æøå",
        "9" * 65,
        ".",
        "..",
        "a/b",
    ],
)
def test_anything_else_is_not_a_case_name(name: str) -> None:
    with pytest.raises(SpecificationError, match="is not a case name"):
        check_slug(name)
    for build in (
        Project(ROOT).case_file,
        Project(ROOT).raw_dir,
        Project(ROOT).processed_dir,
        Project(ROOT).reports_dir,
    ):
        with pytest.raises(SpecificationError):
            build(name)


def test_a_plan_path_is_refused_with_a_hint() -> None:
    with pytest.raises(SpecificationError, match="give the case name 'noen'"):
        load_plan(str(ROOT / "cases" / "noen.yaml"), project=Project(ROOT))


def _plan(**changes: object) -> dict:
    data = yaml.safe_load((ROOT / "cases" / "noen.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_plan_slug_must_be_a_slug() -> None:
    with pytest.raises(SpecificationError, match=r"slug: .*is not a case name"):
        parse_plan(_plan(slug="../noen"))


@pytest.mark.parametrize(
    "path", ["../../etc/passwd", "/etc/passwd", "a/../../b.csv", "~/x.csv", "C:/x.csv", "..\\x.csv", " "]
)
def test_raw_file_paths_stay_inside_the_raw_folder(path: str) -> None:
    data = _plan()
    data["raw"][0]["path"] = path
    with pytest.raises(SpecificationError, match=r"raw file .services.: path: .*inside data/raw/<case>/"):
        parse_plan(data)


def test_nested_raw_file_paths_are_still_allowed() -> None:
    data = _plan()
    data["raw"][0]["path"] = "2025/tjenestedata.csv"
    assert parse_plan(data).raw[0].path == "2025/tjenestedata.csv"


@pytest.mark.parametrize("command", ["run", "validate"])
def test_fou_with_a_path_writes_nothing_and_says_one_line(
    project: Path, tmp_path: Path, command: str
) -> None:
    before = _files(tmp_path)
    for name in (
        "../../outside/x",
        str(tmp_path / "outside" / "x.yaml"),
        str(project / "cases" / "noen.yaml"),
    ):
        res = fou(command, name, "--root", str(project), cwd=tmp_path)
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert res.returncode != 0 and "Traceback" not in res.stderr, res.stderr
        # run: one line; validate lists every problem (here one) and then a summary line
        assert len(lines) == (1 if command == "run" else 2), res.stderr
        assert "is not a case name" in lines[0]
    assert _files(tmp_path) == before  # nothing written anywhere, inside the project or out
