"""Shared test set-up: a non-interactive matplotlib backend and no leaked figures."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")


@pytest.fixture(scope="session")
def demo_valued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """utstyrsbu and noen on their demo data, prepared, estimated and valued once per worker:
    ``{slug: (project, plan, results, valued)}``. Treat as read-only (shared across test files)."""
    import shutil
    from pathlib import Path

    from fou_analysis import demo, pipeline
    from fou_analysis.config import Project, load_plan

    root = tmp_path_factory.mktemp("demo_valued")
    shutil.copytree(Path(__file__).resolve().parents[1] / "cases", root / "cases")
    demo.write_demo(root, cases=["utstyrsbu", "noen"])
    proj = Project.at(root)
    out = {}
    for slug in ("utstyrsbu", "noen"):
        plan = load_plan(slug, project=proj)
        prepared = pipeline.prepare(plan, proj)
        res = pipeline.estimate(plan, proj, tables=prepared.tables, write=False)
        out[slug] = (proj, plan, res, pipeline.valuate(plan, proj, effects=res, write=False))
    return out
