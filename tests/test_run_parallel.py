"""`fou run -j N -q`: cases in parallel processes, progress lines, failures by case name.

The per-case runner is replaced by a stand-in (``runner.run_case``, ``runner.run_portfolio``);
the workers are forked, so they run the stand-in. What each stand-in did is written to a file
per case, because the workers share no memory with the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from fou_analysis import cli
from fou_analysis.config import Project
from fou_analysis.report import batch, runner
from fou_analysis.report.runner import RunOutput, StepError

ROOT = Path(__file__).resolve().parents[1]
CASES = ["friskgarden", "noen", "utstyrsbu"]  # the order of project.case_slugs()
PROGRESS = re.compile(r"^\[(\w+)\] (\w+) … (\d+\.\d) s$")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    import fou_analysis.validate

    monkeypatch.setattr(fou_analysis.validate, "validate_case", lambda *a, **k: [])  # no raw data here
    return Project.at(tmp_path)


def _log(project: Project, case: str) -> Path:
    return project.root / f"ran-{case}.json"


def _fake_run_case(behaviour: dict[str, str] | None = None, sleep: float = 0.0) -> object:
    """A stand-in for run_case: two steps, a record of where and when it ran; ``behaviour`` per
    case: ``"fail"`` (a StepError), ``"crash"`` (a bug), ``"die"`` (the process ends), ``"print"``
    (a line written in pieces)."""
    behaviour = behaviour or {}

    def run_case(project: Project, case: str, *, lang: str, default_lang: str, progress: object) -> RunOutput:
        start = time.time()
        progress("clean", 0.25)  # type: ignore[operator]
        if behaviour.get(case) == "print":
            for piece in ("part one, ", "part two\n"):
                os.write(1, piece.encode())
                time.sleep(0.2)
        time.sleep(sleep)
        what = behaviour.get(case)
        if what == "fail":
            raise StepError("20_estimate.ipynb", 3, "ValueError", "kolonne mangler")
        if what == "crash":
            raise RuntimeError("a bug\nsecond line")
        if what == "die":
            os._exit(3)
        progress("estimate", 4.06)  # type: ignore[operator]
        _log(project, case).write_text(
            json.dumps({"pid": os.getpid(), "start": start, "end": time.time(), "lang": lang}),
            encoding="utf-8",
        )
        return RunOutput(case=case, report=project.reports_dir(case) / "report.html", notebooks=())

    return run_case


def _fake_run_portfolio(project: Project, cases: list[str], **kw: object) -> RunOutput:
    progress = kw["progress"]
    if progress is not None:
        progress("portfolio", 1.0)  # type: ignore[operator]
    ends = {c: json.loads(_log(project, c).read_text())["end"] for c in cases if _log(project, c).exists()}
    (project.root / "portfolio.json").write_text(json.dumps({"start": time.time(), "case_ends": ends}))
    return RunOutput(case="portfolio", report=project.reports_dir("portfolio") / "report.html", notebooks=())


def _run(
    project: Project, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[str], list[str]]:
    with pytest.raises(SystemExit) as e:
        cli.main(["run", "--root", str(project.root), *args])
    out, err = capsys.readouterr()
    return int(e.value.code or 0), out.splitlines(), [ln for ln in err.splitlines() if ln.strip()]


def test_cases_run_at_once_in_their_own_processes_then_the_portfolio(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "run_case", _fake_run_case(sleep=1.5))
    monkeypatch.setattr(runner, "run_portfolio", _fake_run_portfolio)
    code, out, err = _run(project, capsys, "-j", "3", "--lang", "en")
    assert code == 0, err
    ran = {c: json.loads(_log(project, c).read_text()) for c in CASES}
    pids = {r["pid"] for r in ran.values()}
    assert len(pids) == 3 and os.getpid() not in pids  # a process per case
    assert max(r["start"] for r in ran.values()) < min(r["end"] for r in ran.values())  # at once
    assert {r["lang"] for r in ran.values()} == {"en"}
    portfolio = json.loads((project.root / "portfolio.json").read_text())
    assert portfolio["start"] >= max(portfolio["case_ends"].values())  # after every case
    assert sorted(portfolio["case_ends"]) == CASES
    # stdout: one line per report, the portfolio last
    assert sorted(out[:3]) == [f"{c}: {project.reports_dir(c) / 'report.html'}" for c in CASES]
    assert out[3] == f"portfolio: {project.reports_dir('portfolio') / 'report.html'}"
    # stderr: whole progress lines only, two per case, the portfolio's after all of them
    matches = [PROGRESS.match(ln) for ln in err]
    assert all(matches), err
    steps = [(m.group(1), m.group(2), m.group(3)) for m in matches if m]
    assert sorted(s for s in steps if s[0] != "portfolio") == sorted(
        [(c, "clean", "0.2") for c in CASES] + [(c, "estimate", "4.1") for c in CASES]
    )
    assert steps[-1] == ("portfolio", "portfolio", "1.0")


def test_quiet_prints_no_progress_and_one_job_runs_in_order_in_this_process(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "run_case", _fake_run_case())
    monkeypatch.setattr(runner, "run_portfolio", _fake_run_portfolio)
    code, out, err = _run(project, capsys, "-q", "-j", "1")
    assert code == 0 and err == []
    assert out == [f"{c}: {project.reports_dir(c) / 'report.html'}" for c in CASES] + [
        f"portfolio: {project.reports_dir('portfolio') / 'report.html'}"
    ]
    ran = [json.loads(_log(project, c).read_text()) for c in CASES]
    assert {r["pid"] for r in ran} == {os.getpid()}
    assert ran[0]["end"] <= ran[1]["start"] and ran[1]["end"] <= ran[2]["start"]


def test_a_failing_case_is_named_the_others_finish_and_no_portfolio(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "run_case", _fake_run_case({"noen": "fail", "utstyrsbu": "crash"}))
    monkeypatch.setattr(runner, "run_portfolio", _fake_run_portfolio)
    code, out, err = _run(project, capsys, "-j", "2")
    assert code == 1
    assert out == [f"friskgarden: {project.reports_dir('friskgarden') / 'report.html'}"]
    assert _log(project, "friskgarden").exists() and not (project.root / "portfolio.json").exists()
    errors = [ln for ln in err if ln.startswith("fou: error:")]
    assert errors[0] == "fou: error: case noen: 20_estimate.ipynb, cell 3: ValueError: kolonne mangler"
    crash = re.fullmatch(r"fou: error: case utstyrsbu: RuntimeError: a bug \(traceback in (.+)\)", errors[1])
    assert crash, errors
    log = Path(crash.group(1))
    assert log.stat().st_mode & 0o777 == 0o600 and "second line" in log.read_text(encoding="utf-8")
    assert errors[2] == "fou: error: 2 of 3 case(s) failed: noen, utstyrsbu; the portfolio was not rendered"
    assert [ln for ln in err if not ln.startswith("fou: error:") and not PROGRESS.match(ln)] == []


def test_a_worker_that_dies_is_reported_and_output_of_a_worker_stays_whole(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "run_case", _fake_run_case({"noen": "die", "utstyrsbu": "print"}))
    code, out, err = _run(project, capsys, "utstyrsbu", "noen", "-j", "2")
    assert code == 1
    assert out == [f"utstyrsbu: {project.reports_dir('utstyrsbu') / 'report.html'}"]
    assert "[utstyrsbu] part one, part two" in err  # printed in pieces, shown as one line
    assert "fou: error: case noen: its process ended (exit code 3) before the case was done" in err
    assert err[-1] == "fou: error: 1 of 2 case(s) failed: noen"


def test_one_failing_case_alone_is_one_line(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "run_case", _fake_run_case({"noen": "fail"}))
    code, out, err = _run(project, capsys, "noen", "-q")
    assert code == 1 and out == []
    assert err == ["fou: error: 20_estimate.ipynb, cell 3: ValueError: kolonne mangler"]


def test_jobs_must_be_positive(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(project, capsys, "-j", "0")
    assert code == 2 and any("-j" in ln or "--jobs" in ln for ln in err)


def test_default_jobs_is_the_usable_cpus() -> None:
    assert batch.default_jobs() == len(os.sched_getaffinity(0))


def _chatty_run_case(
    project: Project, case: str, *, lang: str, default_lang: str, progress: object
) -> RunOutput:
    """``noen`` sends many progress messages and dies at once, mid-conversation; the others
    start sending after it has gone."""
    if case != "noen":
        time.sleep(0.5)
    for i in range(2000):
        progress(f"step{i}", 0.0)  # type: ignore[operator]
    if case == "noen":
        os._exit(3)
    return RunOutput(case=case, report=project.reports_dir(case) / "report.html", notebooks=())


def test_a_worker_dying_mid_message_never_blocks_the_others(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one queue shared by the workers, a worker that exits while its feeder thread holds
    the queue's write lock blocks every other worker for ever (seen once in CI-like runs); each
    worker has its own pipe now (the shared-queue code hangs here: checked once). Repeated, as a
    race needs an unlucky moment; a hang is
    caught by the alarm instead of stalling the suite."""
    import signal

    def _hang(*_: object) -> None:
        raise TimeoutError("a worker blocked the run")

    monkeypatch.setattr(runner, "run_case", _chatty_run_case)
    old = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(60)
    try:
        for _ in range(5):
            outcomes = batch.run_cases(project, ["noen", "utstyrsbu", "friskgarden"], jobs=3)
            by_case = {o.case: o for o in outcomes}
            assert by_case["utstyrsbu"].ok and by_case["friskgarden"].ok
            assert "exit code 3" in (by_case["noen"].error or "")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
