"""Run the notebooks of a case with papermill: stage, scan for personal data, then publish.

For each case ``10_clean → 20_estimate → 30_value → 40_report`` are executed with the case's
parameters; ``40_report`` is exported to HTML with the code hidden (for reviewers and municipal
readers), and the effects and value tables are exported as CSV and XLSX. The portfolio notebook
``50_portfolio`` renders the cross-case overview from whatever case results exist.

A run goes through three steps, so that a report with personal data is never published and a
failed or interrupted run never leaves a half-written or mixed set:

1. **Stage.** Everything is written into a private staging folder (0700, ``mkdtemp`` under
   ``data/processed/<case>/``, on the project's file system): the executed notebooks, the HTML
   report, ``tables/*.csv|xlsx``, and the text of every figure (titles, labels, tick labels,
   legends — recorded when the figure is drawn, see :mod:`fou_analysis.report.figure_text`).
2. **Scan.** :func:`fou_analysis.privacy.check_report` looks at every staged file and at every
   figure text. A finding stops the run: nothing is published, the previous reports stay, the
   error lists each finding's place with its value masked.
3. **Publish.** The clean set is moved into ``reports/<case>/`` file by file with
   :func:`os.replace` (each file atomic); files of the previous set of the same language that the
   new set lacks are removed only after the new set is complete.

Languages sit side by side: the default language's files are ``report.html`` and
``<notebook>.ipynb``; the other language's carry its code, ``report.en.html`` and
``<notebook>.en.ipynb`` (``.nb.`` when English is the default). Tables are the same in both.

One kernel per run: the notebooks of a case run one after another in the same kernel, so the
kernel starts and the package is imported once per case, not once per notebook. Before each
notebook after the first the kernel is reset to a fresh kernel's state — the namespace emptied
(``InteractiveShell.reset``, execution counts from 1 again), open figures closed, warnings
already shown forgotten — so every notebook sees what a kernel of its own would show and the
executed notebooks and the report are the same as with one kernel per notebook. Kernels use
one BLAS thread (``OMP_NUM_THREADS`` and friends, unless set): the matrices of a case are
small, and on a shared machine idle BLAS threads spinning for a core made Friskgården's
synthetic DiD take 598 s instead of about 25 s (2 cores, load average 10). ``progress`` receives each step's name and seconds
(``kernel``, one per notebook — ``clean``, ``estimate``, ``value``, ``report`` — ``export``,
``scan``, ``publish``).

Concurrency and interruption: a run holds a per-case lock (``fcntl.flock`` on
``data/processed/<case>/.fou-run.lock``); a second run of the same case refuses at once. Each
kernel talks over IPC sockets in its own private temporary folder (not next to the notebooks).
Leftovers of killed runs (staging folders, temporary notebooks, old ``notebooks/kernel-ipc-*``
sockets, kernel folders of dead processes) are removed when the next run starts, and a run
cleans up after itself on any exit, ``KeyboardInterrupt`` and ``SIGTERM`` included. Runs of
different cases may go in parallel as separate processes (``fou run -j 2``, or ``fou run a &
fou run b``; see :mod:`fou_analysis.report.batch`); within one process run one case at a time,
because the clean-up on exit removes every kernel folder of the process.

A failing cell raises :class:`StepError` naming the notebook, the cell number and the error, so
``fou run`` can exit non-zero with one line saying what failed and where; the failing executed
notebook is kept for debugging in the private ``data/processed/<case>/`` folder (0600), never in
``reports/``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fou_analysis.config import Project
from fou_analysis.exceptions import FouError, SpecificationError

CASE_NOTEBOOKS = ("10_clean", "20_estimate", "30_value", "40_report")
PORTFOLIO_NOTEBOOK = "50_portfolio"
PORTFOLIO = "portfolio"
KERNEL = "python3"
LANGS = ("nb", "en")
DEFAULT_LANG = "nb"
#: Findings named in the message of a failed privacy scan (all of them stay on the exception).
SHOWN_FINDINGS = 12
LOCK_NAME = ".fou-run.lock"
STAGING_PREFIX = ".staging-"
KERNEL_DIR_PREFIX = "fou-kernel-"
FIGURE_TEXT_LOG = ".figure-text.jsonl"
MANIFEST = ".published-{lang}.json"
BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

Progress = Callable[[str, float], None]
"""Called with a step's name and its duration in seconds when the step is done."""


def step_name(notebook: str) -> str:
    """The step a notebook stands for in progress lines: its name without the number.

    Examples
    --------
    >>> step_name("20_estimate"), step_name("50_portfolio"), step_name("mine")
    ('estimate', 'portfolio', 'mine')
    """
    head, _, tail = notebook.partition("_")
    return tail if head.isdigit() and tail else notebook


def _no_progress(step: str, seconds: float) -> None:
    return None


@contextlib.contextmanager
def _timed(progress: Progress, step: str) -> Iterator[None]:
    """Report ``step`` with its duration when the block ends without an error."""
    start = time.perf_counter()
    yield
    progress(step, time.perf_counter() - start)


def _kernel_manager_base() -> type:
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager


_kernel_dirs: set[Path] = set()  # private kernel folders of this process (removed at exit)


class LocalKernelManager(_kernel_manager_base()):  # type: ignore[misc]
    """Kernels over local IPC sockets in a private folder of their own.

    Nothing listens on TCP. The connection file and the sockets live in a fresh ``mkdtemp``
    folder (0700) per kernel, so two runs at once never pick the same socket path (jupyter's
    default, ``kernel-ipc-<n>`` relative to the working directory, is shared by every kernel
    started in ``notebooks/``). The folder is in the system temporary directory because a
    Unix socket path must be short (about 100 bytes).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("transport", "ipc")
        super().__init__(*args, **kwargs)
        folder = Path(tempfile.mkdtemp(prefix=f"{KERNEL_DIR_PREFIX}{os.getpid()}-"))
        _kernel_dirs.add(folder)
        self._fou_folder = folder
        self.connection_file = str(folder / "kernel.json")
        self.ip = str(folder / "ipc")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._fou_folder, ignore_errors=True)
            _kernel_dirs.discard(self._fou_folder)

    cleanup_resources = _async_cleanup_resources


class StepError(FouError):
    """A notebook cell failed during ``fou run``."""

    def __init__(
        self, notebook: str, cell: int | None, ename: str, evalue: str, *, kept: Path | None = None
    ) -> None:
        self.notebook, self.cell, self.ename, self.evalue, self.kept = notebook, cell, ename, evalue, kept
        where = f"{notebook}" + (f", cell {cell}" if cell is not None else "")
        msg = f"{where}: {ename}: {evalue}".strip()
        if kept is not None:
            msg += f" (nothing published; the executed notebook is kept, private, at {kept})"
        super().__init__(msg)


class CaseBusyError(FouError):
    """Another run of the same case holds its lock."""


class UncheckedFiguresError(FouError):
    """A notebook drew figures whose text could not be scanned for personal data."""


@dataclass(frozen=True)
class RunOutput:
    case: str
    report: Path
    notebooks: tuple[Path, ...]
    tables: tuple[Path, ...] = ()


def lang_suffix(lang: str, default_lang: str = DEFAULT_LANG) -> str:
    """``""`` for the default language, else ``".<lang>"`` (``report.en.html``).

    Examples
    --------
    >>> lang_suffix("nb"), lang_suffix("en"), lang_suffix("nb", default_lang="en")
    ('', '.en', '.nb')
    """
    for value, what in ((lang, "lang"), (default_lang, "default_lang")):
        if value not in LANGS:
            raise SpecificationError(f"{what} must be 'nb' or 'en', not {value!r}")
    return "" if lang == default_lang else f".{lang}"


# --------------------------------------------------------------------------- notebooks
def _failed_cell(nb_path: Path) -> tuple[int | None, str, str]:
    """Find the first cell with an error output in an executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # the notebook may not have been written at all
        return None, "", ""
    code_no = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code_no += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return code_no, out.get("ename", ""), out.get("evalue", "")
    return None, "", ""


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables (inherited by kernels) for the duration of the block."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute_notebook(
    notebook: Path, output: Path, parameters: dict[str, object], *, cwd: Path, km: object | None = None
) -> Path:
    """Execute one notebook with papermill into ``output`` (atomically).

    ``km`` is a started kernel manager to run in (see :class:`CaseKernel`); without it the
    notebook gets a kernel of its own, started in ``cwd`` and shut down afterwards.

    Raises :class:`StepError` naming the notebook and the failing code cell (counted from 1,
    as JupyterLab shows them, the injected-parameters cell included); the executed notebook
    with the traceback is then left at ``output``.
    """
    import papermill as pm

    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.stem}.", suffix=".ipynb")
    os.close(fd)
    tmp = Path(tmp_name)
    # Kernels inherit the environment: a non-interactive MPLBACKEND (Agg, as CI and tests set)
    # would silently drop every figure from the report.
    kernel = {"km": km} if km is not None else {}
    try:
        with _environ(MPLBACKEND=INLINE_BACKEND):
            pm.execute_notebook(
                str(notebook),
                str(tmp),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                kernel_manager_class="fou_analysis.report.runner.LocalKernelManager",
                **kernel,
            )
    except pm.PapermillExecutionError as e:
        cell, ename, evalue = _failed_cell(tmp)
        os.replace(tmp, output)  # keep the executed notebook with the traceback for debugging
        raise StepError(
            notebook.name, cell if cell is not None else e.exec_count, ename or e.ename, evalue or e.evalue
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, output)
    return output


def export_html(executed: Path, *, hide_code: bool, title: str | None = None, lang: str | None = None) -> str:
    """Render an executed notebook to HTML (code hidden for reviewers when ``hide_code``).

    The page ``<title>`` is ``title`` (the case name in the report language), else the
    notebook's metadata ``title``, else its file name. Every image gets an ``alt`` in ``lang``
    (default: the ``lang`` parameter papermill recorded, else English) from the figure titles
    recorded next to the notebook (:data:`FIGURE_TEXT_LOG`), and print CSS is added
    (:mod:`fou_analysis.report.accessibility`).
    """
    import nbformat
    from nbconvert import HTMLExporter

    from fou_analysis.report.accessibility import add_alt_text, add_print_css
    from fou_analysis.report.html_safety import add_csp

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter()
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = hide_code
    exporter.exclude_output_prompt = hide_code
    title = title or nb.metadata.get("title") or executed.stem
    if lang not in LANGS:
        params = nb.metadata.get("papermill", {}).get("parameters", {})
        lang = params.get("lang") if params.get("lang") in LANGS else "en"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = add_csp(body)  # static report: no scripts, a Content-Security-Policy
    return add_print_css(add_alt_text(body, lang, _image_titles(nb, executed.parent, executed.name)))


def _image_titles(nb: object, folder: Path, source: str) -> list[str]:
    """The recorded figure title of each image output, in document order ("" when unknown).

    A cell's images are matched, in order, with the figure titles recorded for that cell; a
    cell whose counts differ gets no titles (the heading above then describes its images).
    """
    from fou_analysis.report.figure_text import cell_key

    by_cell: dict[str, list[str]] = {}
    path = folder / FIGURE_TEXT_LOG
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "figure_title" in rec and rec.get("source") == source and rec.get("cell"):
                by_cell.setdefault(str(rec["cell"]), []).append(str(rec["figure_title"]))
    out: list[str] = []
    for cell in nb.cells:  # type: ignore[attr-defined]
        n_img = sum(1 for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))
        if not n_img:
            continue
        src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        titles = by_cell.get(cell_key(src), [])
        out += titles if len(titles) == n_img else [""] * n_img
    return out


def write_report_html(executed: Path, target: Path, *, hide_code: bool = True) -> Path:
    """Export, scan for personal data, then write atomically (0644: a report is for reading)."""
    from fou_analysis import io, privacy

    html = export_html(executed, hide_code=hide_code)
    privacy.check_report(html)  # raises PersonalDataError: nothing is written
    target.parent.mkdir(parents=True, exist_ok=True)
    io.atomic_write_bytes(target, html.encode("utf-8"), mode=0o644)
    return target


def case_parameters(project: Project, case: str, *, lang: str, seed: int | None = None) -> dict[str, object]:
    """The JSON-typed papermill parameters of a case notebook."""
    params: dict[str, object] = {"case": case, "root": str(project.root), "lang": lang}
    if seed is not None:
        params["seed"] = seed
    return params


# --------------------------------------------------------------------------- lock and clean-up
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _acquire_lock(path: Path, case: str) -> int:
    """Take the case's lock without waiting; raise :class:`CaseBusyError` naming the holder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by kernels (O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise CaseBusyError(f"case {case} is already running (pid {holder})") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode("ascii"))
    return fd


def _release_lock(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def clean_stale(project: Project, case: str, out_dir: Path) -> list[Path]:
    """Remove what killed runs left behind; call only while holding the case's lock.

    Staging folders of the case, temporary files in its report folder (``.*.ipynb``,
    ``.*.tmp``), the ``kernel-ipc-*`` sockets older versions left in ``notebooks/``, and kernel
    folders in the temporary directory whose process is gone.
    """
    removed: list[Path] = []
    for p in project.processed_dir(case).glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    if out_dir.is_dir():
        for pattern in (".*.ipynb", ".*.tmp", "tables/.*.tmp"):
            for p in out_dir.glob(pattern):
                if p.is_file():
                    p.unlink(missing_ok=True)
                    removed.append(p)
    for p in project.notebooks_dir().glob("kernel-ipc-*"):
        if not p.is_dir():
            p.unlink(missing_ok=True)
            removed.append(p)
    for p in Path(tempfile.gettempdir()).glob(f"{KERNEL_DIR_PREFIX}*-*"):
        pid = p.name[len(KERNEL_DIR_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _pid_alive(int(pid)):
            continue
        try:
            if not p.is_dir() or p.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that clean-up code runs."""


@contextlib.contextmanager
def _on_sigterm() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise _Terminated(f"terminated by signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except _Terminated:
        raise SystemExit(128 + signal.SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def run_area(project: Project, case: str, out_dir: Path) -> Iterator[Path]:
    """Lock the case, clean leftovers, and yield a fresh private staging folder.

    On exit — success, failure, ``KeyboardInterrupt`` or ``SIGTERM`` — the staging folder and
    this process's kernel folders are removed and the lock released.
    """
    private = project.processed_dir(case)
    lock = _acquire_lock(private / LOCK_NAME, case)
    stage: Path | None = None
    try:
        with _on_sigterm():
            try:
                clean_stale(project, case, out_dir)
                stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=private))
                yield stage
            finally:
                if stage is not None:
                    shutil.rmtree(stage, ignore_errors=True)
                for folder in list(_kernel_dirs):
                    shutil.rmtree(folder, ignore_errors=True)
                    _kernel_dirs.discard(folder)
    finally:
        _release_lock(lock)


# --------------------------------------------------------------------------- scan
def _scan_xlsx(path: Path) -> list[object]:
    """Scan every cell of a workbook, sheet names included.

    Text cells are scanned as text; whole numbers of 10 or 11 digits are scanned as an
    11-digit string too (an identity number stored as a number loses its leading zero).
    """
    from openpyxl import load_workbook

    from fou_analysis.privacy import Finding, scan

    findings: list[object] = []
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            for f in scan(ws.title + "\n"):  # "\n": never taken for a file name
                findings.append(Finding(f.kind, f.value, f"sheet name {ws.title!r}", f.context, f.confidence))
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if value is None or isinstance(value, bool | float):
                        continue
                    if isinstance(value, int):
                        if not 10**9 <= value < 10**11:
                            continue
                        value = f"{value:011d}"
                    for f in scan(str(value) + "\n"):
                        where = f"sheet {ws.title!r}, row {r}, column {c}"
                        findings.append(
                            Finding(f.kind, f.value, where, f.context, f.confidence, r, c, str(path))
                        )
    finally:
        wb.close()
    return findings


def _figure_texts(stage: Path) -> tuple[list[dict[str, object]], set[str]]:
    path = stage / FIGURE_TEXT_LOG
    texts: list[dict[str, object]] = []
    installed: set[str] = set()
    if not path.exists():
        return texts, installed
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec.get("installed"):
            installed.add(str(rec.get("source", "")))
        else:
            texts.append(rec)
    return texts, installed


def _cell_positions(stage: Path) -> dict[tuple[str, str], int]:
    """``(notebook, cell key) → 1-based cell number`` (all cells counted, as the scan counts them)."""
    from fou_analysis.report.figure_text import cell_key

    out: dict[tuple[str, str], int] = {}
    for nb in stage.glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        for i, c in enumerate(cells, start=1):
            src = c.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            out.setdefault((nb.name, cell_key(src)), i)  # identical cells: the first
    return out


def _has_figures(notebook: Path) -> bool:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return any(
        mime.startswith("image/")
        for cell in nb.get("cells", [])
        for out in cell.get("outputs", [])
        for mime in out.get("data", {})
    )


def scan_outputs(stage: Path) -> None:
    """Scan every staged file and every recorded figure text; raise on any finding.

    Raises
    ------
    PersonalDataError
        Listing up to :data:`SHOWN_FINDINGS` findings as ``file: kind at place (masked value)``.
    UncheckedFiguresError
        A notebook shows figures but its figure texts were not recorded (its first cell must
        call :func:`fou_analysis.report.set_style`).
    """
    from fou_analysis.privacy import Finding, PersonalDataError, check_report, scan

    found: list[tuple[str, Finding]] = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        rel = path.relative_to(stage).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue  # internal files of the run (figure-text log, temporary files)
        if path.suffix.lower() == ".xlsx":
            found += [(rel, f) for f in _scan_xlsx(path)]  # type: ignore[misc]
            continue
        try:
            check_report(path)
        except PersonalDataError as e:
            found += [(rel, f) for f in e.findings]
    texts, installed = _figure_texts(stage)
    positions = _cell_positions(stage)
    for rec in texts:
        for f in scan(str(rec["text"]) + "\n"):
            cell = positions.get((str(rec.get("source")), str(rec.get("cell"))))
            where = f"cell {cell}, in a figure" if cell else "a figure"
            found.append(
                (str(rec.get("source", "?")), Finding(f.kind, f.value, where, f.context, f.confidence))
            )
    if found:
        k = SHOWN_FINDINGS
        shown = "; ".join(f"{rel}: {f.kind} at {f.location} ({f.value})" for rel, f in found[:k])
        more = f"; and {len(found) - k} more" if len(found) > k else ""
        raise PersonalDataError(
            f"privacy scan: {len(found)} possible personal data finding(s), nothing published "
            f"(the previous report is unchanged): {shown}{more}",
            findings=[f for _, f in found],
        )
    for nb in sorted(stage.glob("*.ipynb")):
        if _has_figures(nb) and nb.name not in installed:
            raise UncheckedFiguresError(
                f"{nb.name}: shows figures whose text was not recorded for the privacy scan "
                "(call fou_analysis.report.set_style() in its first cell); nothing published"
            )


# --------------------------------------------------------------------------- publish
def _move(src: Path, dst: Path) -> None:
    """``os.replace``; across file systems, copy beside the target first, then replace."""
    try:
        os.replace(src, dst)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dst)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def publish(stage: Path, out_dir: Path, *, lang: str) -> list[Path]:
    """Move the staged set into ``out_dir``; then drop files of the previous set it lacks.

    The previous set of the same language is read from ``out_dir/.published-<lang>.json``;
    files of the other language are never touched.
    """
    from fou_analysis import io

    new = sorted(
        p.relative_to(stage).as_posix()
        for p in stage.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(stage).parts)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / MANIFEST.format(lang=lang)
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        old = []
    published = []
    for rel in new:
        src, dst = stage / rel, out_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(src, 0o644)  # reports, notebooks and tables are for reading
        _move(src, dst)
        published.append(dst)
    io.atomic_write_bytes(manifest, json.dumps(new, indent=0).encode("utf-8"), mode=0o644)
    for rel in sorted(set(old) - set(new)):
        target = (out_dir / rel).resolve()
        if isinstance(rel, str) and target.is_relative_to(out_dir.resolve()):
            target.unlink(missing_ok=True)
    return published


# --------------------------------------------------------------------------- kernel
# Run silently in the shared kernel before each notebook after the first: the notebook then
# finds what a fresh kernel offers (modules stay imported, which is the point).
_RESET_KERNEL = """\
import os as _fou_os, sys as _fou_sys, warnings as _fou_warnings
_fou_os.environ[{var!r}] = {source!r}
if "matplotlib.pyplot" in _fou_sys.modules:
    _fou_sys.modules["matplotlib.pyplot"].close("all")
with _fou_warnings.catch_warnings():  # entering and leaving empties every warning registry
    pass
_fou_warnings.onceregistry.clear()
get_ipython().reset(new_session=True)
"""


def kernel_env(figure_log: Path, source: str, *, blas_threads: int = 1) -> dict[str, str]:
    """The environment of a run's kernel: this process's, plus where to record figure texts,
    the inline figure backend, and ``blas_threads`` BLAS threads unless already set."""
    from fou_analysis.report.figure_text import ENV_LOG, ENV_SOURCE

    env = dict(os.environ)
    for var in BLAS_THREAD_VARS:
        env.setdefault(var, str(blas_threads))
    # a non-interactive MPLBACKEND (Agg, as CI and tests set) would drop every figure
    env.update({"MPLBACKEND": INLINE_BACKEND, ENV_LOG: str(figure_log), ENV_SOURCE: source})
    return env


class CaseKernel:
    """One kernel for the notebooks of a run (a context manager; shut down on exit).

    Parameters
    ----------
    cwd
        The kernel's working directory (the notebooks folder).
    env
        Its environment (:func:`kernel_env`).
    """

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.env = cwd, env
        self.km: LocalKernelManager | None = None
        self._used = False

    def __enter__(self) -> CaseKernel:
        from jupyter_core.utils import run_sync

        self.km = LocalKernelManager(kernel_name=KERNEL)
        try:
            run_sync(self.km.start_kernel)(cwd=str(self.cwd), env=self.env)
            with self._client() as kc:
                kc.wait_for_ready(timeout=60)  # so that the start is timed as the kernel's
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    @contextlib.contextmanager
    def _client(self) -> Iterator[object]:
        from jupyter_client.blocking import BlockingKernelClient

        assert self.km is not None
        # parent: liveness is the kernel process's, not a heartbeat a loaded machine can miss
        kc = BlockingKernelClient(**self.km.get_connection_info(session=True), parent=self.km)
        kc.start_channels()
        try:
            yield kc
        finally:
            kc.stop_channels()

    def __exit__(self, *exc: object) -> None:
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        if km is None:
            return
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)()  # also removes its private folder
        finally:
            shutil.rmtree(km._fou_folder, ignore_errors=True)
            _kernel_dirs.discard(km._fou_folder)

    def prepare(self, source: str) -> None:
        """Make the kernel ready for the next notebook, ``source`` (its file name in the stage).

        The first notebook gets the fresh kernel as it is; later ones get it reset
        (:data:`_RESET_KERNEL`) and record their figure texts under their own name.
        """
        from fou_analysis.report.figure_text import ENV_SOURCE

        if not self._used:
            self._used = True
            return
        with self._client() as kc:
            reply = kc.execute_interactive(  # type: ignore[attr-defined]
                _RESET_KERNEL.format(var=ENV_SOURCE, source=source),
                silent=True,
                store_history=False,
                timeout=60,
            )
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise StepError(
                source, None, str(content.get("ename", "KernelError")), "could not reset the kernel"
            )


# --------------------------------------------------------------------------- runs
def _execute_all(
    project: Project,
    names: Sequence[str],
    params: dict[str, object],
    stage: Path,
    suffix: str,
    keep_dir: Path,
    progress: Progress = _no_progress,
) -> list[Path]:
    """Execute the notebooks ``names`` in order, in one kernel; return the executed copies."""
    sources = [project.notebooks_dir() / f"{name}.ipynb" for name in names]
    for src in sources:
        if not src.exists():
            raise StepError(src.name, None, "FileNotFoundError", f"no notebook {src}")
    outs = [stage / f"{name}{suffix}.ipynb" for name in names]
    log = stage / FIGURE_TEXT_LOG
    log.touch(mode=0o600, exist_ok=True)
    executed = []
    with _timed(progress, "kernel"):
        kernel = CaseKernel(project.notebooks_dir(), kernel_env(log, outs[0].name)).__enter__()
    try:
        for name, src, out in zip(names, sources, outs, strict=True):
            try:
                with _timed(progress, step_name(name)):
                    kernel.prepare(out.name)
                    executed.append(
                        execute_notebook(src, out, params, cwd=project.notebooks_dir(), km=kernel.km)
                    )
            except StepError as e:
                kept = None
                if out.exists():
                    kept = keep_dir / f"failed-{out.name}"
                    os.chmod(out, 0o600)
                    _move(out, kept)
                    os.chmod(kept, 0o600)
                raise StepError(e.notebook, e.cell, e.ename, e.evalue, kept=kept) from None
    finally:
        kernel.__exit__(None, None, None)
    return executed


def _stage_report(executed: Path, target: Path, *, title: str | None = None, lang: str | None = None) -> Path:
    from fou_analysis import io

    html = export_html(executed, hide_code=True, title=title, lang=lang)
    return io.atomic_write_bytes(target, html.encode("utf-8"))


def run_case(
    project: Project,
    case: str,
    *,
    lang: str = DEFAULT_LANG,
    default_lang: str = DEFAULT_LANG,
    out_dir: Path | None = None,
    notebooks: Sequence[str] = CASE_NOTEBOOKS,
    tables: bool = True,
    progress: Progress | None = None,
) -> RunOutput:
    """Run the case notebooks in order, in one kernel; stage, scan and publish the report set.

    Parameters
    ----------
    project, case
        The project and the case slug.
    lang, default_lang
        Report language; files of a language other than ``default_lang`` carry its code
        (``report.en.html``).
    out_dir
        Where the set is published (default ``reports/<case>``).
    notebooks
        The notebooks to run, the last one exported as the report.
    tables
        Export the effects and value tables (``tables/*.csv|xlsx``).
    progress
        Called as ``progress(step, seconds)`` after each step (``kernel``, one per notebook,
        ``export``, ``scan``, ``publish``).

    Raises
    ------
    CaseBusyError, StepError, PersonalDataError, UncheckedFiguresError
        Nothing is published in each case.
    """
    from fou_analysis.config import load_plan

    progress = progress or _no_progress
    suffix = lang_suffix(lang, default_lang)
    plan = load_plan(case, project=project)  # fail early with a clear message
    out_dir = out_dir or project.reports_dir(case)
    with run_area(project, case, out_dir) as stage:
        params = case_parameters(project, case, lang=lang, seed=plan.seed)
        params["reports"] = str(stage)
        executed = _execute_all(
            project, notebooks, params, stage, suffix, project.processed_dir(case), progress
        )
        with _timed(progress, "export"):
            report = _stage_report(
                executed[-1], stage / f"report{suffix}.html", title=plan.name.get(lang), lang=lang
            )
            table_files = []
            if tables:
                from fou_analysis.report.tables import export_tables

                table_files = export_tables(plan, project, stage / "tables")
        with _timed(progress, "scan"):
            scan_outputs(stage)
        with _timed(progress, "publish"):
            publish(stage, out_dir, lang=lang)
    return RunOutput(
        case=case,
        report=out_dir / report.name,
        notebooks=tuple(out_dir / p.name for p in executed),
        tables=tuple(out_dir / "tables" / p.name for p in table_files),
    )


def run_portfolio(
    project: Project,
    cases: Sequence[str] | None = None,
    *,
    lang: str = DEFAULT_LANG,
    default_lang: str = DEFAULT_LANG,
    out_dir: Path | None = None,
    reports_root: Path | None = None,
    progress: Progress | None = None,
) -> RunOutput:
    """Render the cross-case overview from the registry and whatever case results exist.

    No case is re-run: cases without results are listed as not run. ``cases`` defaults to
    every case plan in ``cases/``. ``progress`` as for :func:`run_case`.
    """
    progress = progress or _no_progress
    suffix = lang_suffix(lang, default_lang)
    cases = list(cases) if cases is not None else project.case_slugs()
    out_dir = out_dir or project.reports_dir(PORTFOLIO)
    with run_area(project, PORTFOLIO, out_dir) as stage:
        params: dict[str, object] = {
            "root": str(project.root),
            "lang": lang,
            "cases": cases,
            "reports": str(reports_root or project.root / "reports"),
        }
        executed = _execute_all(
            project, [PORTFOLIO_NOTEBOOK], params, stage, suffix, project.processed_dir(PORTFOLIO), progress
        )
        with _timed(progress, "export"):
            report = _stage_report(
                executed[-1],
                stage / f"report{suffix}.html",
                title="Porteføljen" if lang == "nb" else "The portfolio",
                lang=lang,
            )
        with _timed(progress, "scan"):
            scan_outputs(stage)
        with _timed(progress, "publish"):
            publish(stage, out_dir, lang=lang)
    return RunOutput(case=PORTFOLIO, report=out_dir / report.name, notebooks=(out_dir / executed[0].name,))
