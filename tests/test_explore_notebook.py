"""`notebooks/00_explore.ipynb` runs before any case has been run (as under `--nbval-lax` in a
fresh clone where only `fou demo` has written data) and shows the results once they exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from fou_analysis import demo, pipeline
from fou_analysis.config import Project, load_plan

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.notebook


def _run(project: Project, out: Path) -> str:
    """Execute the notebook with papermill; return every text output, failing on an error output."""
    import papermill as pm

    pm.execute_notebook(
        str(project.root / "notebooks" / "00_explore.ipynb"),
        str(out),
        parameters={"case": "noen", "root": str(project.root), "lang": "en"},
        kernel_name="python3",
        cwd=str(project.root / "notebooks"),
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    texts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o
            texts.append(o.get("text", ""))
            texts += [str(v) for k, v in o.get("data", {}).items() if k in ("text/plain", "text/html")]
    return "\n".join(texts)


def test_explore_before_and_after_a_run(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    demo.write_demo(tmp_path, cases=["noen"])
    project = Project.at(tmp_path)

    before = _run(project, tmp_path / "before.ipynb")
    assert "No prepared tables yet: run `fou run noen`" in before
    assert "No estimates yet" in before and "not recorded yet" in before

    plan = load_plan("noen", project=project)
    pipeline.prepare(plan, project)
    pipeline.estimate(plan, project)
    pipeline.valuate(plan, project)
    after = _run(project, tmp_path / "after.ipynb")
    assert "No prepared tables yet" not in after and "No estimates yet" not in after
    assert "synthetic demo data" in after  # the origin cell: demo inputs, untouched
    assert "<h3>followup</h3>" in after and "(hidden: identifier)" in after  # the data dictionary
    assert "carer burden" in after  # the effects table names the plan's outcomes
