"""The papermill runner: a failing cell is named; nothing half-written; code hidden in HTML."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from fou_analysis.report.runner import StepError, execute_notebook, write_report_html

pytestmark = pytest.mark.notebook


def _nb(path: Path, *sources: str) -> Path:
    cells = [new_code_cell(s) for s in sources]
    cells[0].metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_failing_cell_is_named(tmp_path: Path) -> None:
    src = _nb(
        tmp_path / "20_estimate.ipynb", "x = 1", "y = x + 1", "raise ValueError('column tiltak missing')"
    )
    with pytest.raises(StepError) as e:
        execute_notebook(src, tmp_path / "out" / "20_estimate.ipynb", {"x": 2}, cwd=tmp_path)
    msg = str(e.value)
    assert "20_estimate.ipynb" in msg and "ValueError" in msg and "column tiltak missing" in msg
    # cells counted as JupyterLab shows them: parameters, injected parameters, then two more
    assert e.value.cell == 4
    assert not list((tmp_path / "out").glob(".*.tmp")) and not list((tmp_path / "out").glob(".20_*"))


def test_parameters_are_injected_and_html_hides_code(tmp_path: Path) -> None:
    src = _nb(
        tmp_path / "nb.ipynb",
        "answer = 0",
        "secret_code_marker = answer * 2\nprint('result', secret_code_marker)",
    )
    out = execute_notebook(src, tmp_path / "nb_out.ipynb", {"answer": 21}, cwd=tmp_path)
    target = write_report_html(out, tmp_path / "report.html", hide_code=True)
    html = target.read_text(encoding="utf-8")
    assert "result 42" in html
    assert "secret_code_marker = answer" not in html


def test_report_with_personal_data_is_not_written(tmp_path: Path) -> None:
    # a syntactically valid fødselsnummer (check digits computed by the privacy module's rules)
    from fou_analysis.privacy import PersonalDataError, valid_fnr

    base = "010190123"
    fnr = next(f"{base}{k:02d}" for k in range(100) if valid_fnr(f"{base}{k:02d}"))
    src = _nb(tmp_path / "nb.ipynb", "x = 0", f"print('Deltaker {fnr}')")
    out = execute_notebook(src, tmp_path / "nb_out.ipynb", {}, cwd=tmp_path)
    with pytest.raises(PersonalDataError):
        write_report_html(out, tmp_path / "report.html", hide_code=True)
    assert not (tmp_path / "report.html").exists()
