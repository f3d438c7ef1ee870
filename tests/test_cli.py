"""The `fou` command: bad use exits non-zero with one line saying what is wrong and where."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def fou(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    return tmp_path


def _one_error_line(res: subprocess.CompletedProcess[str]) -> str:
    assert res.returncode != 0
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert lines and "Traceback" not in res.stderr, res.stderr
    return lines[-1]


def test_unknown_case(project: Path) -> None:
    line = _one_error_line(fou("run", "utstyrbu", "--root", str(project)))
    assert "unknown case 'utstyrbu'" in line and "did you mean 'utstyrsbu'" in line


def test_missing_raw_file_names_the_file(project: Path) -> None:
    line = _one_error_line(fou("run", "utstyrsbu", "--root", str(project)))
    assert "utlan.csv" in line and "missing" in line


def test_typo_in_plan_names_the_field(project: Path) -> None:
    plan = project / "cases" / "noen.yaml"
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    data["partners"][0]["rolle"] = data["partners"][0].pop("role")
    plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    res = fou("validate", "noen", "--root", str(project))
    assert res.returncode == 1
    assert "partners.0" in res.stderr and "'rolle'" in res.stderr and "did you mean 'role'" in res.stderr


def test_bad_language(project: Path) -> None:
    line = _one_error_line(fou("run", "noen", "--lang", "de", "--root", str(project)))
    assert "--lang" in line


def test_new_case_scaffolds_a_plan_that_validates_as_a_plan(project: Path) -> None:
    res = fou("new-case", "ungdomsbase", "--root", str(project))
    assert res.returncode == 0, res.stderr
    assert (project / "cases" / "ungdomsbase.yaml").exists()
    # the plan itself parses; validation then lists the missing raw files, naming each
    res = fou("validate", "ungdomsbase", "--root", str(project))
    assert res.returncode == 1
    assert "survey_pre.csv: missing raw file" in res.stderr
    again = fou("new-case", "ungdomsbase", "--root", str(project))
    assert "already exists" in _one_error_line(again)


def test_bad_slug_for_new_case(project: Path) -> None:
    assert "lowercase" in _one_error_line(fou("new-case", "Bad Name", "--root", str(project)))
