"""Functions in ``fou_analysis.effects`` stay short and take few positional arguments.

A design function should read as a short sequence of named steps (issue #12, "Structure"):
no body longer than :data:`MAX_BODY_LINES` lines (docstring not counted) and no more than
:data:`MAX_POSITIONAL` positional parameters (``self``/``cls`` not counted); helpers with many
inputs take keyword-only arguments or a small frozen dataclass. The allow-list holds what other
engineers are still splitting; an entry that no longer needs to be there fails the test, so the
list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

MAX_BODY_LINES = 80
MAX_POSITIONAL = 6

EFFECTS = Path(__file__).resolve().parents[1] / "src" / "fou_analysis" / "effects"

#: ``"file.py"`` (every function in it) or ``"file.py:function"`` -> why it is still allowed.
ALLOWED: dict[str, str] = {}


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the end of the function."""
    body = node.body
    first = body[0]
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    if is_doc:
        if len(body) == 1:
            return 0
        first = body[1]
    return node.end_lineno - first.lineno + 1


def _positional(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> int:
    """Positional parameters, without the ``self``/``cls`` of a method."""
    names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
    if in_class and not is_static and names and names[0] in ("self", "cls"):
        names = names[1:]
    return len(names)


def violations(source: str, filename: str) -> dict[str, str]:
    """``{"file.py:function": what is wrong}`` for every function of ``source`` over a limit."""
    out: dict[str, str] = {}

    def visit(node: ast.AST, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                problems = []
                n_lines, n_pos = _body_lines(child), _positional(child, in_class)
                if n_lines > MAX_BODY_LINES:
                    problems.append(f"body of {n_lines} lines (at most {MAX_BODY_LINES})")
                if n_pos > MAX_POSITIONAL:
                    problems.append(f"{n_pos} positional parameters (at most {MAX_POSITIONAL})")
                if problems:
                    out[f"{filename}:{child.name}"] = ", ".join(problems)
                visit(child, in_class=False)
            else:
                visit(child, in_class=isinstance(child, ast.ClassDef))

    visit(ast.parse(source), in_class=False)
    return out


def _all_violations() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(EFFECTS.glob("*.py")):
        out |= violations(path.read_text(encoding="utf-8"), path.name)
    return out


def _allowed(key: str) -> bool:
    return key in ALLOWED or key.split(":")[0] in ALLOWED


def test_the_checker_finds_a_long_function_and_many_positional_parameters() -> None:
    long_body = "\n".join(f"    x{i} = {i}" for i in range(MAX_BODY_LINES + 1))
    src = (
        f'def long():\n    """Doc."""\n{long_body}\n\n'
        "def many(a, b, c, d, e, f, g):\n    return a\n\n"
        "def ok(a, b, c, d, e, f, *, g, h):\n    return a\n\n"
        "class K:\n    def method(self, a, b, c, d, e, f):\n        return a\n"
    )
    found = violations(src, "x.py")
    assert set(found) == {"x.py:long", "x.py:many"}
    assert f"{MAX_BODY_LINES + 1} lines" in found["x.py:long"]
    assert "7 positional" in found["x.py:many"]


def test_a_docstring_does_not_count_towards_the_body() -> None:
    doc = "\n".join(["    text"] * (MAX_BODY_LINES + 5))
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_BODY_LINES))
    src = f'def f():\n    """Doc.\n{doc}\n    """\n{body}\n'
    assert violations(src, "x.py") == {}


def test_effects_functions_are_short_and_take_few_positional_arguments() -> None:
    bad = {k: v for k, v in _all_violations().items() if not _allowed(k)}
    assert not bad, "split these into named steps or use keyword-only arguments:\n" + "\n".join(
        f"  {k}: {v}" for k, v in sorted(bad.items())
    )


def test_allow_list_entries_are_still_needed() -> None:
    """Every allow-list entry still names a violation (the list only shrinks; it is empty now)."""
    found = _all_violations()
    for entry in sorted(ALLOWED):
        file, _, func = entry.partition(":")
        assert (EFFECTS / file).is_file(), f"{file} no longer exists: remove {entry!r} from ALLOWED"
        still = [k for k in found if k == entry] if func else [k for k in found if k.split(":")[0] == file]
        assert still, f"{entry!r} is within the limits now: remove it from ALLOWED"
