"""Run several cases, in parallel processes, with one progress line per case and step.

``fou run -j N`` runs up to ``N`` cases at once, each in a process of its own (forked on Linux:
no re-import, and a test's stand-in for :func:`runner.run_case` reaches the workers); the
portfolio is rendered after every case is done. Each case keeps its own lock, staging folder
and atomic publish (:mod:`fou_analysis.report.runner`), so parallel runs never share a file.

Only the parent process writes to the terminal: workers send their progress and their result
through a pipe of their own, and whatever a worker or its kernel prints (a warning, a kernel's log) goes to
a private file that the parent prints, line by line and prefixed with the case, when the case
ends. Lines of two cases are therefore never mixed mid-line.

A failing case does not stop the others; it is reported with its name and its error, nothing
of it is published, and the portfolio is not rendered (it would show an old result beside new
ones). Why hand-written and not :class:`concurrent.futures.ProcessPoolExecutor`: a worker killed
by the system (out of memory) breaks the whole pool there, and exceptions carrying extra fields
(:class:`~fou_analysis.report.runner.StepError`) do not survive its pickling; here each case is
one process whose exit code is checked. Why a pipe per worker and not one shared
:class:`multiprocessing.Queue`: a queue's writers share one lock, taken by a background feeder
thread; a worker that dies while its feeder holds it (killed, out of memory, ``os._exit``)
leaves every other worker blocked for ever on its next message. A pipe has one writer and no
lock or thread, and its end-of-file tells the parent that the worker has gone.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from fou_analysis.config import Project
from fou_analysis.exceptions import FouError

Echo = Callable[[str], None]


@dataclass(frozen=True)
class CaseOutcome:
    """How one case's run ended: its report, or its error (with a traceback when unexpected)."""

    case: str
    report: Path | None = None
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0
    output: tuple[str, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


def progress_line(case: str, step: str, seconds: float) -> str:
    """One progress line.

    Examples
    --------
    >>> progress_line("noen", "estimate", 4.06)
    '[noen] estimate … 4.1 s'
    """
    return f"[{case}] {step} … {seconds:.1f} s"


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _failure(case: str, exc: BaseException, started: float) -> CaseOutcome:
    if isinstance(exc, FouError):
        return CaseOutcome(case, error=str(exc), seconds=time.perf_counter() - started)
    if isinstance(exc, KeyboardInterrupt):
        return CaseOutcome(case, error="interrupted", seconds=time.perf_counter() - started)
    first = (str(exc).strip().splitlines() or [""])[0]
    return CaseOutcome(
        case,
        error=f"{type(exc).__name__}: {first}",
        traceback="".join(traceback.format_exception(exc)),
        seconds=time.perf_counter() - started,
    )


def _run_one(
    root: Path, case: str, lang: str, default_lang: str, progress: Callable[[str, float], None]
) -> CaseOutcome:
    from fou_analysis.report import runner

    started = time.perf_counter()
    try:
        out = runner.run_case(Project.at(root), case, lang=lang, default_lang=default_lang, progress=progress)
    except (Exception, KeyboardInterrupt, SystemExit) as e:  # SystemExit: SIGTERM (runner.run_area)
        return _failure(case, e, started)
    return CaseOutcome(case, report=out.report, seconds=time.perf_counter() - started)


def _worker(events: Connection, root: Path, case: str, lang: str, default_lang: str) -> None:
    """A worker process: run one case, its output (and its kernels') into a private file."""
    fd, name = tempfile.mkstemp(prefix=f"fou-run-{case}-", suffix=".log")  # 0600
    os.unlink(name)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)

    def progress(step: str, seconds: float) -> None:
        events.send(("progress", case, step, seconds))

    outcome = _run_one(root, case, lang, default_lang, progress)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.lseek(fd, 0, os.SEEK_SET)
    with os.fdopen(fd, "rb") as fh:
        text = fh.read().decode("utf-8", "replace")
    lines = tuple(ln for ln in text.splitlines() if ln.strip())
    events.send(("done", case, CaseOutcome(**{**outcome.__dict__, "output": lines})))
    events.close()


def run_cases(
    project: Project,
    cases: Sequence[str],
    *,
    jobs: int = 1,
    lang: str = "nb",
    default_lang: str = "nb",
    progress: Echo | None = None,
    output: Echo | None = None,
) -> list[CaseOutcome]:
    """Run ``cases`` with up to ``jobs`` at once; return one outcome per case, in order.

    Parameters
    ----------
    project, cases
        The project and the case slugs.
    jobs
        Cases run at the same time: 1 runs them one by one in this process; more runs each
        case in a process of its own.
    lang, default_lang
        As for :func:`fou_analysis.report.runner.run_case`.
    progress
        Receives one :func:`progress_line` per case and step, as each step ends (``None``:
        quiet).
    output
        Receives, prefixed with ``[case]``, each line a worker process or its kernels printed
        (default: ``progress``; ``None`` for both drops them).

    A case that fails does not stop the others; its outcome carries the error.
    """
    output = output or progress
    if jobs < 1:
        raise FouError(f"-j must be at least 1, not {jobs}")

    def report(case: str) -> Callable[[str, float], None]:
        def step(name: str, seconds: float) -> None:
            if progress is not None:
                progress(progress_line(case, name, seconds))

        return step

    if jobs == 1 or len(cases) <= 1:
        outcomes = []
        for case in cases:
            outcome = _run_one(project.root, case, lang, default_lang, report(case))
            outcomes.append(outcome)
            if outcome.error == "interrupted":
                raise KeyboardInterrupt
        return outcomes
    return _run_parallel(project, cases, min(jobs, len(cases)), lang, default_lang, report, output)


def preload() -> None:
    """Import what every run needs (papermill, nbconvert, the report package), once, here.

    Forked workers then start with it imported instead of each paying for it again (about
    1–3 s of CPU per worker on this machine, most of it ``nbformat``'s JSON-schema stack).
    """
    import nbconvert.exporters.html  # noqa: F401
    import papermill  # noqa: F401

    import fou_analysis.privacy  # noqa: F401
    import fou_analysis.report.runner  # noqa: F401
    import fou_analysis.report.tables  # noqa: F401


def _run_parallel(
    project: Project,
    cases: Sequence[str],
    jobs: int,
    lang: str,
    default_lang: str,
    report: Callable[[str], Callable[[str, float], None]],
    output: Echo | None,
) -> list[CaseOutcome]:
    ctx = _context()
    if ctx.get_start_method() == "fork":
        preload()
    waiting = list(cases)
    running: dict[str, multiprocessing.process.BaseProcess] = {}
    pipes: dict[Connection, str] = {}  # the parent's reading end of each running worker's pipe
    started: dict[str, float] = {}
    done: dict[str, CaseOutcome] = {}
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                case = waiting.pop(0)
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(
                    target=_worker, args=(writer, project.root, case, lang, default_lang), name=f"fou-{case}"
                )
                proc.start()
                writer.close()  # the worker holds the only writing end: its exit is our end-of-file
                running[case], pipes[reader], started[case] = proc, case, time.perf_counter()
            for conn in wait(list(pipes), timeout=0.5):
                case = pipes[conn]
                try:
                    event = conn.recv()
                except (EOFError, OSError):  # the worker has gone: with its result, or without a word
                    del pipes[conn]
                    conn.close()
                    proc = running.pop(case)
                    proc.join()
                    if case not in done:
                        done[case] = CaseOutcome(
                            case,
                            error=f"its process ended (exit code {proc.exitcode}) before the case was done",
                            seconds=time.perf_counter() - started[case],
                        )
                    continue
                if event[0] == "progress":
                    _, _, step, seconds = event
                    report(case)(step, seconds)
                elif event[0] == "done":
                    done[case] = event[2]
                    if output is not None:
                        for line in done[case].output:
                            output(f"[{case}] {line}")
    except KeyboardInterrupt:
        for proc in running.values():  # Ctrl-C reached the workers too: let them clean up
            proc.join(60)
            if proc.is_alive():
                proc.terminate()
        raise
    except BaseException:
        for proc in running.values():
            proc.terminate()  # SIGTERM: each run cleans up (runner.run_area)
        for proc in running.values():
            proc.join(60)
        raise
    finally:
        for conn in pipes:
            conn.close()
    return [done[c] for c in cases]
