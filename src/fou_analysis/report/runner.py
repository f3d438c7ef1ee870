"""Run the notebooks of a case with papermill and export them with nbconvert.

For each case: ``10_clean → 20_estimate → 30_value → 40_report`` are executed with the case's
parameters; the executed notebooks (with code) are kept in ``reports/<case>/`` and
``40_report`` is exported to ``report.html`` with the code hidden (for reviewers and municipal
readers). The portfolio notebook ``50_portfolio`` runs once over all cases.

Before any HTML is written it is scanned for personal data (:func:`fou_analysis.privacy.scan`);
a finding stops the run and nothing is written. Every file is written atomically (temporary
file in the same folder, then ``os.replace``), so a failed run never leaves a half-written report.

A failing cell raises :class:`StepError` naming the notebook, the cell number and the error, so
``fou run`` can exit non-zero with one line saying what failed and where.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fou_analysis.config import Project
from fou_analysis.exceptions import FouError

CASE_NOTEBOOKS = ("10_clean", "20_estimate", "30_value", "40_report")
PORTFOLIO_NOTEBOOK = "50_portfolio"
KERNEL = "python3"


def _kernel_manager_base() -> type:
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager


class LocalKernelManager(_kernel_manager_base()):  # type: ignore[misc]
    """Kernels over local IPC sockets: nothing listens on TCP, and no unencrypted-TCP warning."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("transport", "ipc")
        super().__init__(*args, **kwargs)


class StepError(FouError):
    """A notebook cell failed during ``fou run``."""

    def __init__(self, notebook: str, cell: int | None, ename: str, evalue: str) -> None:
        self.notebook, self.cell, self.ename, self.evalue = notebook, cell, ename, evalue
        where = f"{notebook}" + (f", cell {cell}" if cell is not None else "")
        super().__init__(f"{where}: {ename}: {evalue}".strip())


@dataclass(frozen=True)
class RunOutput:
    case: str
    report: Path
    notebooks: tuple[Path, ...]


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


def execute_notebook(notebook: Path, output: Path, parameters: dict[str, object], *, cwd: Path) -> Path:
    """Execute one notebook with papermill into ``output`` (atomically).

    Raises :class:`StepError` naming the notebook and the failing code cell (counted from 1,
    as JupyterLab shows them, the injected-parameters cell included).
    """
    import papermill as pm

    output.parent.mkdir(parents=True, exist_ok=True)
    # Kernels inherit the environment: a non-interactive MPLBACKEND (Agg, as CI and tests set)
    # would silently drop every figure from the report.
    saved_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    fd, tmp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.stem}.", suffix=".ipynb")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        pm.execute_notebook(
            str(notebook),
            str(tmp),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            kernel_manager_class="fou_analysis.report.runner.LocalKernelManager",
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
    finally:
        if saved_backend is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved_backend
    os.chmod(tmp, 0o644)  # executed notebooks are for reviewers to read
    os.replace(tmp, output)
    return output


def export_html(executed: Path, *, hide_code: bool) -> str:
    """Render an executed notebook to HTML (code hidden for reviewers when ``hide_code``)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter()
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = hide_code
    exporter.exclude_output_prompt = hide_code
    title = nb.metadata.get("title") or executed.stem
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    from fou_analysis.report.html_safety import add_csp

    return add_csp(body)  # static report: no scripts, a Content-Security-Policy


def write_report_html(executed: Path, target: Path, *, hide_code: bool = True) -> Path:
    """Export, scan for personal data, then write atomically."""
    from fou_analysis import io, privacy

    html = export_html(executed, hide_code=hide_code)
    privacy.check_report(html)  # raises PersonalDataError: nothing is written
    target.parent.mkdir(parents=True, exist_ok=True)
    io.atomic_write_bytes(target, html.encode("utf-8"), mode=0o644)  # a report is for reading
    return target


def case_parameters(project: Project, case: str, *, lang: str, seed: int | None = None) -> dict[str, object]:
    """The JSON-typed papermill parameters of a case notebook."""
    params: dict[str, object] = {"case": case, "root": str(project.root), "lang": lang}
    if seed is not None:
        params["seed"] = seed
    return params


def run_case(
    project: Project,
    case: str,
    *,
    lang: str = "nb",
    out_dir: Path | None = None,
    notebooks: Sequence[str] = CASE_NOTEBOOKS,
) -> RunOutput:
    """Run the case notebooks in order and write ``report.html``.

    ``out_dir`` defaults to ``reports/<case>``.
    """
    from fou_analysis.config import load_plan

    plan = load_plan(case, project=project)  # fail early with a clear message
    out_dir = out_dir or project.reports_dir(case)
    params = case_parameters(project, case, lang=lang, seed=plan.seed)
    params["reports"] = str(out_dir)
    executed = []
    for name in notebooks:
        src = project.notebooks_dir() / f"{name}.ipynb"
        if not src.exists():
            raise StepError(f"{name}.ipynb", None, "FileNotFoundError", f"no notebook {src}")
        executed.append(execute_notebook(src, out_dir / f"{name}.ipynb", params, cwd=project.notebooks_dir()))
    report = write_report_html(executed[-1], out_dir / "report.html", hide_code=True)
    return RunOutput(case=case, report=report, notebooks=tuple(executed))


def run_portfolio(
    project: Project,
    cases: Sequence[str],
    *,
    lang: str = "nb",
    out_dir: Path | None = None,
    reports_root: Path | None = None,
) -> RunOutput:
    """Run the cross-case overview notebook."""
    out_dir = out_dir or project.root / "reports" / "portfolio"
    params: dict[str, object] = {
        "root": str(project.root),
        "lang": lang,
        "cases": list(cases),
        "reports": str(reports_root or project.root / "reports"),
    }
    src = project.notebooks_dir() / f"{PORTFOLIO_NOTEBOOK}.ipynb"
    executed = execute_notebook(
        src, out_dir / f"{PORTFOLIO_NOTEBOOK}.ipynb", params, cwd=project.notebooks_dir()
    )
    report = write_report_html(executed, out_dir / "report.html", hide_code=True)
    return RunOutput(case="portfolio", report=report, notebooks=(executed,))
