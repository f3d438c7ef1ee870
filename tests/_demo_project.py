"""A throw-away project holding the repository's case plans and the demo data for some cases,
run through the pipeline stages a test needs (importable from any test: pytest puts ``tests/``
on the path for its ``conftest.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fou_analysis import demo, pipeline
from fou_analysis.config import Project, load_plan

ROOT = Path(__file__).resolve().parents[1]


def demo_project(root: Path, slug: str, *, valuate: bool = False) -> Project:
    """Copy ``cases/`` into *root*, write *slug*'s demo data, then prepare and estimate it (and
    value it with ``valuate``), saving the artefacts as ``fou run`` does."""
    shutil.copytree(ROOT / "cases", root / "cases")
    demo.write_demo(root, cases=[slug])
    project = Project.at(root)
    plan = load_plan(slug, project=project)
    prepared = pipeline.prepare(plan, project)
    results = pipeline.estimate(plan, project, tables=prepared.tables)
    if valuate:
        pipeline.valuate(plan, project, effects=results)
    return project
