"""Notebooks are stored without outputs and have exactly one `parameters` cell first."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_the_notebooks_exist() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "00_explore",
        "10_clean",
        "20_estimate",
        "30_value",
        "40_report",
        "50_portfolio",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_before_any_other_code(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0]
    # parameters are JSON-typed literals only (papermill convention)
    src = "\n".join(ln for ln in code[0].source.splitlines() if not ln.lstrip().startswith("#"))
    assert "import" not in src and "(" not in src


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(path: Path) -> None:
    """Logic lives in the package: no function or class definitions, short cells."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "def " not in cell.source and "class " not in cell.source, path.name
            assert len(cell.source.splitlines()) <= 15, f"{path.name}: a cell is too long to be thin"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_is_valid_python(path: Path) -> None:
    """A syntax slip in a notebook (e.g. from a merge) fails here in a second, not minutes into `fou run`."""
    import ast

    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        src = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
        try:
            ast.parse(src)
        except SyntaxError as e:
            pytest.fail(f"{path.name}, code cell {i + 1}: {e.msg} (line {e.lineno})")
