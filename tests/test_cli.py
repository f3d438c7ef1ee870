"""The `fou` command: bad use exits non-zero with one line saying what is wrong and where."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from _cli import fou

ROOT = Path(__file__).resolve().parents[1]


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


def test_unknown_option_fails_loudly(project: Path) -> None:
    res = fou("run", "noen", "--portfolios", "--root", str(project))
    assert res.returncode == 2 and "No such option" in res.stderr and "--portfolios" in res.stderr


def test_portfolio_as_a_case_and_no_portfolio_contradict(project: Path) -> None:
    line = _one_error_line(fou("run", "portfolio", "--no-portfolio", "--root", str(project)))
    assert "portfolio" in line and "--no-portfolio" in line


def _fnr() -> str:
    from fou_analysis.privacy import valid_fnr

    base = "010190123"
    return next(f"{base}{k:02d}" for k in range(100) if valid_fnr(f"{base}{k:02d}"))


def test_unexpected_exception_is_one_masked_line_and_a_private_log(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import fou_analysis.config
    from fou_analysis import cli

    fnr = _fnr()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"lookup failed for {fnr} / kari@example.no\nsecond line")

    monkeypatch.setattr(fou_analysis.config, "load_plan", broken)
    with pytest.raises(SystemExit) as e:
        cli.main(["run", "noen", "--root", str(project)])
    assert e.value.code == 1
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("fou: error: RuntimeError: lookup failed for ")
    assert fnr not in line and "kari@example.no" not in line and fnr[:2] in line
    logs = list((project / "data" / "processed").glob("fou-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in line
    assert logs[0].stat().st_mode & 0o777 == 0o600
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "def broken" not in text and "in broken" in text


def test_portfolio_renders_from_existing_results_without_running_cases(project: Path) -> None:
    import time

    from fou_analysis import demo, pipeline
    from fou_analysis.config import Project, load_plan

    demo.write_demo(project, cases=["noen"])
    p = Project.at(project)
    plan = load_plan("noen", project=p)
    prepared = pipeline.prepare(plan, p)
    pipeline.valuate(plan, p, effects=pipeline.estimate(plan, p, tables=prepared.tables))
    processed = {f: f.stat().st_mtime_ns for f in (project / "data" / "processed").rglob("*") if f.is_file()}
    start = time.monotonic()
    res = fou("portfolio", "--root", str(project))
    seconds = time.monotonic() - start
    assert res.returncode == 0, res.stderr
    html = (project / "reports" / "portfolio" / "report.html").read_text(encoding="utf-8")
    assert "3 har en måleplan, og 1 av dem har resultater" in html and html.count("ikke kjørt") == 2
    assert "Noen AS" in html and "Utstyrsbu Steinkjer" in html
    # nothing was re-run: no case's results were rewritten, and no case report appeared
    for f, mtime in processed.items():
        assert f.stat().st_mtime_ns == mtime, f
    assert sorted(d.name for d in (project / "reports").iterdir()) == ["portfolio"]
    assert seconds < 120, seconds  # one notebook; a full run of the cases takes ~10 minutes
    res = fou("run", "portfolio", "--lang", "en", "--root", str(project))
    assert res.returncode == 0, res.stderr
    en = (project / "reports" / "portfolio" / "report.en.html").read_text(encoding="utf-8")
    assert "3 have a measurement plan, and 1 of those have results" in en and en.count("not run") == 2
    assert (project / "reports" / "portfolio" / "report.html").read_text(encoding="utf-8") == html


def test_a_case_already_running_is_refused_in_one_line(project: Path) -> None:
    from fou_analysis.config import Project
    from fou_analysis.report import runner

    lock = runner._acquire_lock(
        Project.at(project).processed_dir("portfolio") / runner.LOCK_NAME, "portfolio"
    )
    try:
        line = _one_error_line(fou("portfolio", "--root", str(project)))
    finally:
        runner._release_lock(lock)
    import os

    assert line == f"fou: error: case portfolio is already running (pid {os.getpid()})"


def test_validate_portfolio_points_to_fou_portfolio(project: Path) -> None:
    line = _one_error_line(fou("validate", "portfolio", "--root", str(project)))
    assert "not a case" in line and "fou portfolio" in line
