"""Layer boundaries, checked on the source (a plain ``ast`` walk, in the spirit of import-linter).

``value``, ``framework`` and ``report`` use only the public face of ``effects`` (the package and
its public modules); a private module ``fou_analysis.effects._*`` is an implementation detail that
may move. ``Summary`` in particular lives in the neutral :mod:`fou_analysis.summary`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "fou_analysis"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an ``import`` / ``from … import`` in ``path`` names, with its line, including
    ``from pkg import _private`` (a submodule named in the list) and imports inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def private_effects_imports(package: str) -> list[str]:
    bad = []
    for path in sorted((SRC / package).rglob("*.py")):
        for line, mod in imported_modules(path):
            parts = mod.split(".")
            if parts[:2] == ["fou_analysis", "effects"] and len(parts) > 2 and parts[2].startswith("_"):
                bad.append(f"{path.relative_to(SRC)}:{line} imports {mod}")
    return bad


@pytest.mark.parametrize("package", ["value", "framework", "report"])
def test_layer_imports_nothing_private_from_effects(package: str) -> None:
    assert private_effects_imports(package) == []


def test_the_check_finds_a_private_effects_import(tmp_path: Path) -> None:
    """The walk above can fail: it sees top-level, nested and ``from effects import _x`` forms."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from fou_analysis.effects._result import Summary\n"
        "def f():\n    from fou_analysis.effects import _checks\n"
        "import fou_analysis.effects._fe\n"
        "from fou_analysis.effects import did\n",
        encoding="utf-8",
    )
    mods = [m for _, m in imported_modules(probe)]
    assert "fou_analysis.effects._result" in mods
    assert "fou_analysis.effects._checks" in mods
    assert "fou_analysis.effects._fe" in mods


def test_summary_is_one_class_wherever_it_is_imported_from() -> None:
    from fou_analysis import effects, value
    from fou_analysis.effects._result import Summary as in_result
    from fou_analysis.summary import Summary

    assert effects.Summary is Summary and in_result is Summary
    s = value.sroi(
        value.load_impact_map(
            [
                {
                    "stakeholder": "a",
                    "outcome": "b",
                    "indicator": "c",
                    "quantity": 1,
                    "proxy_nok": 100,
                    "proxy_year": 2020,
                    "proxy_source": "s",
                    "deadweight": 0,
                    "displacement": 0,
                    "attribution": 0,
                    "drop_off": 0,
                    "duration_years": 1,
                }
            ]
        ),
        investment=50,
        discount_rate=0.0,
    ).summary("en")
    assert isinstance(s, Summary)


def test_report_shows_a_diagnostics_word_value_in_norwegian_without_effects_internals() -> None:
    """The report reads the word through ``Diagnostic.value_text`` (was ``effects._checks``)."""
    from _effect_results import effect_result
    from fou_analysis.effects import Diagnostic
    from fou_analysis.report.sections import diagnostics_table

    res = effect_result(
        diagnostics=(Diagnostic("convergence", "converged", "ok"), Diagnostic("n", 12.0, "info"))
    )
    nb = diagnostics_table(res, "nb")
    assert list(nb.iloc[:, 1]) == ["konvergerte", "12"]
    assert diagnostics_table(res, "en").iloc[0, 1] == "converged"
