"""`fou run` stages, scans and publishes: a clean set or nothing; languages side by side; a lock
per case; private kernel sockets; nothing left behind by failed, interrupted or killed runs.

Tiny notebooks stand in for the case notebooks (``run_case(notebooks=...)``), so each run
costs one kernel start per notebook, not a case's analysis.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from fou_analysis.config import Project
from fou_analysis.privacy import PersonalDataError, valid_fnr
from fou_analysis.report import runner
from fou_analysis.report.runner import CaseBusyError, StepError, UncheckedFiguresError, run_case

pytestmark = pytest.mark.notebook
ROOT = Path(__file__).resolve().parents[1]
CASE = "noen"
PARAMS = 'case = "x"\nroot = ".."\nlang = "nb"\nseed = 1\nreports = ""'
STYLE = "from fou_analysis import report\nreport.set_style()\nimport matplotlib.pyplot as plt"


def _fnr() -> str:
    """A syntactically valid (synthetic) fødselsnummer: check digits by the package's rules."""
    base = "010190123"
    return next(f"{base}{k:02d}" for k in range(100) if valid_fnr(f"{base}{k:02d}"))


def _nb(project: Project, name: str, *sources: str) -> str:
    cells = [new_code_cell(PARAMS), *(new_code_cell(s) for s in sources)]
    cells[0].metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, project.notebooks_dir() / f"{name}.ipynb")
    return name


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    (tmp_path / "notebooks").mkdir()
    p = Project.at(tmp_path)
    _nb(p, "a", "print('lang', lang)")
    _nb(
        p,
        "r",
        STYLE,
        "fig, ax = plt.subplots()\nax.set_title('Tittel ' + lang)\nplt.show()\nprint('report', lang)",
    )
    return p


def _leftovers(p: Project) -> list[Path]:
    """Temporary files any run could leave: staging folders, temp notebooks, sockets, kernel dirs."""
    out = list(p.processed_dir(CASE).glob(".staging-*"))
    out += [f for f in p.reports_dir(CASE).rglob(".*") if not f.name.startswith(".published-")]
    out += list(p.notebooks_dir().glob("kernel-ipc-*"))
    out += list(Path(tempfile.gettempdir()).glob(f"fou-kernel-{os.getpid()}-*"))
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_languages_side_by_side_and_clean_publish(project: Project) -> None:
    out = run_case(project, CASE, notebooks=("a", "r"), tables=False)
    rep = project.reports_dir(CASE)
    assert out.report == rep / "report.html"
    assert "report nb" in out.report.read_text(encoding="utf-8")
    nb_set = _snapshot(rep)
    assert {"report.html", "a.ipynb", "r.ipynb"} <= set(nb_set)
    for name in ("report.html", "a.ipynb", "r.ipynb"):
        assert (rep / name).stat().st_mode & 0o777 == 0o644
    en = run_case(project, CASE, lang="en", notebooks=("a", "r"), tables=False)
    assert en.report == rep / "report.en.html"
    assert "report en" in en.report.read_text(encoding="utf-8")
    assert {p.name for p in en.notebooks} == {"a.en.ipynb", "r.en.ipynb"}
    for name, data in nb_set.items():  # the Norwegian set is untouched by the English run
        if not name.startswith(".published-"):
            assert (rep / name).read_bytes() == data, name
    # English as the default language: English files plain, Norwegian ones suffixed
    other = run_case(project, CASE, lang="nb", default_lang="en", notebooks=("r",), tables=False)
    assert other.report.name == "report.nb.html"
    assert not _leftovers(project)


def test_files_of_the_old_set_that_the_new_one_lacks_are_removed_after(project: Project) -> None:
    run_case(project, CASE, notebooks=("a", "r"), tables=False)
    run_case(project, CASE, lang="en", notebooks=("a", "r"), tables=False)
    rep = project.reports_dir(CASE)
    assert (rep / "a.ipynb").exists()
    run_case(project, CASE, notebooks=("r",), tables=False)
    assert not (rep / "a.ipynb").exists()  # no longer part of the Norwegian set
    assert (rep / "a.en.ipynb").exists() and (rep / "report.en.html").exists()  # English set kept


@pytest.mark.parametrize(
    "where,code",
    [
        ("printed", "print('Deltaker {fnr}')"),
        ("title", "fig, ax = plt.subplots()\nax.set_title('Deltaker {fnr}')\nplt.show()"),
        ("tick label", "fig, ax = plt.subplots()\nax.bar(['a', '{fnr}'], [1, 2])\nplt.show()"),
        ("legend", "fig, ax = plt.subplots()\nax.plot([1, 2], label='{fnr}')\nax.legend()\nfig"),
    ],
)
def test_privacy_finding_publishes_nothing_and_names_the_place_masked(
    project: Project, where: str, code: str
) -> None:
    run_case(project, CASE, notebooks=("a", "r"), tables=False)
    rep = project.reports_dir(CASE)
    before = _snapshot(rep)
    fnr = _fnr()
    _nb(project, "r", STYLE, code.format(fnr=fnr))
    with pytest.raises(PersonalDataError) as e:
        run_case(project, CASE, notebooks=("a", "r"), tables=False)
    msg = str(e.value)
    assert fnr not in msg and fnr[:2] in msg  # the finding is named, its value masked
    assert "r.ipynb" in msg and "nothing published" in msg
    if where != "printed":
        assert "r.ipynb: fnr at cell 4, in a figure" in msg, msg  # the figure's text carries the number
    assert _snapshot(rep) == before  # previous reports intact, no notebook with the number
    written = [p for p in project.root.rglob("*") if p.is_file() and project.notebooks_dir() not in p.parents]
    assert not [p for p in written if fnr in p.read_text(errors="replace")]  # not even privately
    assert not _leftovers(project)


def test_figures_whose_text_was_not_recorded_are_not_published(project: Project) -> None:
    _nb(project, "r", "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")
    with pytest.raises(UncheckedFiguresError, match="set_style"):
        run_case(project, CASE, notebooks=("r",), tables=False)
    assert not project.reports_dir(CASE).exists() or not list(project.reports_dir(CASE).iterdir())


def test_failing_cell_keeps_previous_report_and_the_notebook_privately(project: Project) -> None:
    run_case(project, CASE, notebooks=("a", "r"), tables=False)
    rep = project.reports_dir(CASE)
    before = _snapshot(rep)
    _nb(project, "r", "raise ValueError('kolonne mangler')")
    with pytest.raises(StepError) as e:
        run_case(project, CASE, notebooks=("a", "r"), tables=False)
    kept = project.processed_dir(CASE) / "failed-r.ipynb"
    assert e.value.kept == kept and str(kept) in str(e.value) and e.value.cell == 3
    assert kept.stat().st_mode & 0o777 == 0o600
    assert "kolonne mangler" in kept.read_text(encoding="utf-8")
    assert _snapshot(rep) == before
    assert not _leftovers(project)


def test_second_run_of_the_same_case_refuses_while_the_first_runs(project: Project) -> None:
    flag = project.root / "go"
    _nb(
        project,
        "slow",
        f"import pathlib, time\nfor _ in range(600):\n    if pathlib.Path({str(flag)!r}).exists(): break\n"
        "    time.sleep(0.1)\nprint('done')",
    )
    result: dict[str, object] = {}

    def first() -> None:
        try:
            result["out"] = run_case(project, CASE, notebooks=("slow",), tables=False)
        except BaseException as e:  # pragma: no cover - reported by the assertion below
            result["error"] = e

    t = threading.Thread(target=first)
    t.start()
    try:
        deadline = time.monotonic() + 60
        while not list(project.processed_dir(CASE).glob(".staging-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(CaseBusyError) as e:
            run_case(project, CASE, notebooks=("a",), tables=False)
        assert str(e.value) == f"case {CASE} is already running (pid {os.getpid()})"
    finally:
        flag.touch()
        t.join(120)
    assert "error" not in result, result.get("error")
    assert (project.reports_dir(CASE) / "report.html").exists()
    run_case(project, CASE, notebooks=("a",), tables=False)  # the lock is free again


def test_kernel_sockets_are_private_and_not_next_to_the_notebooks(project: Project) -> None:
    conn = project.root / "conn.json"
    _nb(
        project,
        "k",
        "from ipykernel.connect import get_connection_file\nimport json, os\n"
        "cf = get_connection_file()\ninfo = json.load(open(cf))\n"
        f"json.dump({{'file': cf, 'ip': info['ip'], 'transport': info['transport'], "
        f"'mode': os.stat(os.path.dirname(cf)).st_mode & 0o777}}, open({str(conn)!r}, 'w'))",
    )
    run_case(project, CASE, notebooks=("k",), tables=False)
    info = json.loads(conn.read_text())
    assert info["transport"] == "ipc"
    folder = Path(info["file"]).parent
    assert Path(info["ip"]).parent == folder and folder.name.startswith(f"fou-kernel-{os.getpid()}-")
    assert info["mode"] == 0o700
    assert not folder.exists()  # removed with the kernel
    assert not list(project.notebooks_dir().glob("kernel-ipc-*"))


def test_interrupted_run_leaves_previous_report_and_no_temp_files(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_case(project, CASE, notebooks=("a", "r"), tables=False)
    rep = project.reports_dir(CASE)
    before = _snapshot(rep)

    def interrupted(stage: Path) -> None:
        assert (stage / "r.ipynb").exists() and stage.stat().st_mode & 0o777 == 0o700
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "scan_outputs", interrupted)
    _nb(project, "r", STYLE, "print('new version')")
    with pytest.raises(KeyboardInterrupt):
        run_case(project, CASE, notebooks=("a", "r"), tables=False)
    assert _snapshot(rep) == before
    assert not _leftovers(project)


def test_next_run_removes_what_a_killed_run_left(project: Project) -> None:
    run_case(project, CASE, notebooks=("a",), tables=False)
    # what SIGKILL leaves: a staging folder, a temp notebook, old-style sockets, a kernel folder
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    stale = [
        project.processed_dir(CASE) / f".staging-{dead_pid}-abc",
        project.reports_dir(CASE) / ".40_report.k3j2.ipynb",
        project.reports_dir(CASE) / ".report.html.x1.tmp",
        project.notebooks_dir() / "kernel-ipc-1",
        Path(tempfile.gettempdir()) / f"fou-kernel-{dead_pid}-zz",
    ]
    for p in stale:
        if p.suffix:
            p.write_text("{}")
        else:
            p.mkdir() if "staging" in p.name or "fou-kernel" in p.name else p.write_text("")
    run_case(project, CASE, notebooks=("a",), tables=False)
    assert [p for p in stale if p.exists()] == []


def test_sigterm_cleans_up_and_frees_the_lock(project: Project) -> None:
    _nb(project, "slow", "import time\ntime.sleep(120)")
    code = (
        "import sys\nfrom fou_analysis.config import Project\nfrom fou_analysis.report.runner import run_case\n"
        f"run_case(Project.at({str(project.root)!r}), {CASE!r}, notebooks=('slow',), tables=False)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(project.processed_dir(CASE).glob(".staging-*/slow*")):
            time.sleep(0.1)
        assert list(project.processed_dir(CASE).glob(".staging-*")), "the run did not start"
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert rc == 128 + signal.SIGTERM, proc.stderr.read() if proc.stderr else ""
    assert not list(project.processed_dir(CASE).glob(".staging-*"))
    assert not list(Path(tempfile.gettempdir()).glob(f"fou-kernel-{proc.pid}-*"))
    assert not project.reports_dir(CASE).exists() or not list(project.reports_dir(CASE).glob("*.ipynb"))
    run_case(project, CASE, notebooks=("a",), tables=False)  # lock released


def test_runs_of_two_cases_at_once_both_succeed(project: Project) -> None:
    """Before, kernels of parallel runs shared ``notebooks/kernel-ipc-<n>`` and broke each other."""
    code = (
        "import sys\nfrom fou_analysis.config import Project\nfrom fou_analysis.report.runner import run_case\n"
        f"run_case(Project.at({str(project.root)!r}), sys.argv[1], notebooks=('a', 'a', 'r'), tables=False)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, case], stderr=subprocess.PIPE, text=True)
        for case in ("noen", "friskgarden")
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    for case in ("noen", "friskgarden"):
        assert "report nb" in (project.reports_dir(case) / "report.html").read_text(encoding="utf-8")
    assert not list(project.notebooks_dir().glob("kernel-ipc-*"))


def test_each_notebook_finds_a_fresh_kernel_though_one_kernel_runs_them_all(project: Project) -> None:
    """One kernel per case; before each later notebook its namespace, execution count, open
    figures and warning registries are reset, so each notebook shows what a kernel of its own
    would (a library's warning included, which Python shows once per place and process)."""
    warn = "import numpy as np\nnp.mean([])"  # RuntimeWarning from inside numpy, not __main__
    _nb(
        project,
        "w1",
        "import os\nleak = 1\nprint('pid', os.getpid())",
        warn,
        "import matplotlib.pyplot as plt\nfig = plt.figure()",
    )
    _nb(
        project,
        "w2",
        "import os\nprint('pid', os.getpid())\nprint('leak' in dir())",
        warn,
        "import matplotlib.pyplot as plt\nprint('open figures', len(plt.get_fignums()))",
    )
    out = run_case(project, CASE, notebooks=("w1", "w2"), tables=False)
    nbs = [nbformat.read(p, as_version=4) for p in out.notebooks]

    def texts(nb: nbformat.NotebookNode) -> str:
        return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)

    pids = [re.search(r"pid (\d+)", texts(nb)).group(1) for nb in nbs]  # type: ignore[union-attr]
    assert pids[0] == pids[1]  # one kernel
    assert "False" in texts(nbs[1]) and "open figures 0" in texts(nbs[1])
    for nb in nbs:
        assert "Mean of empty slice" in texts(nb)
        assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == list(range(1, 6))
