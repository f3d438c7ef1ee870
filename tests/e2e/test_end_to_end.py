"""End to end on demo data in a temporary project: `fou demo` + `fou run --lang en` write four
English reports (``report.en.html``: Norwegian is the default language, ``report.html``), the
tables next to them, nothing temporary left behind, and the pipeline recovers every planted
effect within its interval."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fou_analysis import demo, pipeline
from fou_analysis.config import Project, load_plan

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
        report = project.root / "reports" / case / "report.en.html"
        assert report.exists(), case
        html = report.read_text(encoding="utf-8")
        assert len(re.findall(r"<img[^>]+src=\"data:image/png", html)) >= 1, f"{case}: no figure"
        assert "Traceback" not in html, f"{case}: a traceback was rendered into the report"
    import nbformat

    for case in ("utstyrsbu", "noen", "friskgarden"):
        for nb in ("10_clean", "20_estimate", "30_value", "40_report"):
            executed = nbformat.read(project.root / "reports" / case / f"{nb}.en.ipynb", as_version=4)
            errors = [
                o
                for c in executed.cells
                if c.cell_type == "code"
                for o in c.get("outputs", [])
                if o.get("output_type") == "error"
            ]
            assert not errors, f"{case}/{nb}: error output in an executed cell"


def test_case_report_has_the_required_sections(
    project: Project, run_all: subprocess.CompletedProcess[str]
) -> None:
    assert run_all.returncode == 0, run_all.stderr[-3000:]
    html = (project.root / "reports" / "friskgarden" / "report.en.html").read_text(encoding="utf-8")
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
    # code is hidden in the report but kept in the executed notebook next to it
    code_line = "pipeline.load_artefact(plan, project, 'cleaning')"
    executed = (project.root / "reports" / "friskgarden" / "40_report.en.ipynb").read_text(encoding="utf-8")
    assert code_line in executed
    assert code_line not in html


def test_tables_are_published_and_nothing_temporary_is_left(
    project: Project, run_all: subprocess.CompletedProcess[str]
) -> None:
    import pandas as pd

    assert run_all.returncode == 0, run_all.stderr[-3000:]
    for case in ("utstyrsbu", "noen", "friskgarden"):
        plan = load_plan(case, project=project)
        folder = project.root / "reports" / case / "tables"
        effects = pd.read_csv(folder / "effects.csv")
        assert list(effects["outcome_id"]) == [o.id for o in plan.outcomes]
        expected = {"effects"} | ({"sroi_by_outcome", "impact_map"} if plan.value else set())
        assert {p.stem for p in folder.glob("*.csv")} == {p.stem for p in folder.glob("*.xlsx")} == expected
        for f in (project.root / "reports" / case).rglob("*"):
            if f.is_file() and not f.name.startswith("."):
                assert f.stat().st_mode & 0o777 == 0o644, f
        assert not (project.root / "reports" / case / "report.html").exists()  # nb not run here
    leftovers = [
        *(project.root / "data" / "processed").rglob(".staging-*"),
        *(p for p in (project.root / "reports").rglob(".*") if not p.name.startswith(".published-")),
        *(project.root / "notebooks").glob("kernel-ipc-*"),
    ]
    assert not leftovers


def test_fou_portfolio_refreshes_from_existing_results_in_seconds(
    project: Project, run_all: subprocess.CompletedProcess[str]
) -> None:
    import time

    assert run_all.returncode == 0
    start = time.monotonic()
    res = subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", "portfolio", "--root", str(project.root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    seconds = time.monotonic() - start
    assert res.returncode == 0, res.stderr[-2000:]
    html = (project.root / "reports" / "portfolio" / "report.html").read_text(encoding="utf-8")
    assert "3 av 3 tiltak har resultater" in html and "ikke kjørt" not in html
    print(f"fou portfolio: {seconds:.1f} s")
    assert seconds < 120


def test_raw_demo_files_are_not_modified_by_a_run(
    project: Project, run_all: subprocess.CompletedProcess[str]
) -> None:
    from fou_analysis import io

    assert run_all.returncode == 0
    provs = list((project.root / "data" / "processed").rglob("*.provenance.json"))
    assert len(provs) >= 7
    for prov in (project.root / "data" / "processed").rglob("*.provenance.json"):
        import json

        meta = json.loads(prov.read_text())
        for src in meta.get("sources", []):
            now = io.provenance([src["path"]])["sources"][0]  # folders (SurveyXact) hash their files
            assert now["sha256"] == src["sha256"], src["path"]


def _truths() -> dict[tuple[str, str], float]:
    """Each outcome in the case plans, mapped to the true effect planted by the demo generator."""
    import math

    p = demo.PLANTED
    fw = p["friskgarden"]["work_or_education"]["effect_probability"]
    neet = p["friskgarden"]["neet_synthetic_control"]
    neet_effect = neet["effect_pp"]
    return {
        ("utstyrsbu", "loans_per_month"): p["utstyrsbu"]["monthly_loans"]["level_change"],
        ("utstyrsbu", "activity_days"): p["utstyrsbu"]["survey"]["aktivitet_dager_change"],
        ("utstyrsbu", "life_satisfaction"): p["utstyrsbu"]["survey"]["livskvalitet_change"],
        ("noen", "carer_burden"): p["noen"]["caregiver_burden"]["zbi12_change_effect"],
        ("noen", "quality_of_life"): p["noen"]["quality_of_life"]["qol_ad_change_effect"],
        ("noen", "nursing_home"): math.log(p["noen"]["admission"]["hazard_ratio"]),
        ("friskgarden", "work_or_education"): fw,
        ("friskgarden", "work_or_education_twfe"): fw,
        ("friskgarden", "work_or_education_event"): fw,
        ("friskgarden", "neet_rate"): neet_effect,
        ("friskgarden", "neet_rate_sdid"): neet_effect,
    }


def test_every_outcome_in_the_plans_has_a_planted_truth(project: Project) -> None:
    planned = {
        (c, o.id)
        for c in ("utstyrsbu", "noen", "friskgarden")
        for o in load_plan(c, project=project).outcomes
    }
    assert planned == set(_truths())


@pytest.mark.parametrize("case,outcome", sorted(_truths()), ids=lambda x: str(x))
def test_pipeline_recovers_the_planted_effect_within_its_interval(
    project: Project, run_all: subprocess.CompletedProcess[str], case: str, outcome: str
) -> None:
    """The demo data carry known effects; each estimate's 95 % interval must contain the truth.

    On the default seed every interval covers its truth; a real regression (a sign error, a
    wrong estimand, a broken recode) moves the estimate by more than its interval.
    """
    assert run_all.returncode == 0, run_all.stderr[-2000:]
    plan = load_plan(case, project=project)
    results = pipeline.load_artefact(plan, project, "effects")
    r = results[outcome]
    truth = _truths()[(case, outcome)]
    assert r.ci[0] <= truth <= r.ci[1], (
        f"{case}/{outcome}: truth {truth} outside {r.ci} (estimate {r.estimate})"
    )
