"""Project recipes: ``recipes/*.py`` at the project root, imported before a plan runs.

A researcher whose data need a step the built-in recipes (``tidy`` and the seed cases' own)
cannot express writes a function in ``recipes/<name>.py`` next to ``cases/`` and registers it::

    from fou_analysis.pipeline import recipe

    @recipe("my_panel")
    def my_panel(src, params, log):
        ...

No change to the package is needed: :func:`load_project_recipes` imports every such file (in
name order) before :func:`fou_analysis.pipeline.prepare` builds the tables and before ``fou
validate`` checks the plan's recipe names. A file that fails to import is a
:class:`SpecificationError` naming the file and line. A project recipe may not take the name of
a built-in one; recipes from another project loaded earlier in the same process are forgotten.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path

from fou_analysis.config import Project
from fou_analysis.exceptions import SpecificationError
from fou_analysis.pipeline.recipes import RECIPES

#: recipe name → file, for the recipes registered by the last call of load_project_recipes
_LOADED: dict[str, Path] = {}


def load_project_recipes(project: Project, *, builtin: frozenset[str] | None = None) -> list[str]:
    """Import ``<root>/recipes/*.py`` and return the names of the recipes they registered.

    Parameters
    ----------
    project
        The project whose ``recipes/`` folder is read (none: returns ``[]``).
    builtin
        Names a project recipe may not take (default: the package's built-in recipes).

    Raises
    ------
    SpecificationError
        A file does not import (names the file and line), or registers a built-in name or a
        name another project file registered too.
    """
    from fou_analysis.pipeline import BUILTIN_RECIPES

    builtin = BUILTIN_RECIPES if builtin is None else builtin
    for name in list(_LOADED):
        RECIPES.pop(name, None)
    _LOADED.clear()
    folder = project.root / "recipes"
    if not folder.is_dir():
        return []
    tag = hashlib.sha256(str(project.root).encode()).hexdigest()[:10]
    found: list[str] = []
    for path in sorted(folder.glob("*.py")):
        before = dict(RECIPES)
        _import(path, f"_fou_project_recipes_{tag}.{path.stem}")
        new = [n for n, fn in RECIPES.items() if before.get(n) is not fn]
        for name in new:
            if name in builtin:
                RECIPES[name] = before[name]
                raise SpecificationError(
                    f"{path}: recipe name {name!r} is a built-in recipe; give yours another name"
                )
            if name in _LOADED:
                raise SpecificationError(
                    f"{path}: recipe {name!r} is also defined in {_LOADED[name]}; recipe names must be unique"
                )
            _LOADED[name] = path
            found.append(name)
    return found


def _import(path: Path, module_name: str) -> None:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise SpecificationError(f"{path}: cannot be imported as a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # pickling and dataclasses look modules up by name
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        sys.modules.pop(module_name, None)
        raise SpecificationError(
            f"{path}, line {e.lineno}: project recipe file has a syntax error: {e.msg}"
        ) from None
    except Exception as e:  # noqa: BLE001 - any failure of user code is reported with its line
        sys.modules.pop(module_name, None)
        frames = [f for f in traceback.extract_tb(e.__traceback__) if Path(f.filename) == path]
        line = f", line {frames[-1].lineno}" if frames else ""
        raise SpecificationError(
            f"{path}{line}: project recipe file failed to import: {type(e).__name__}: {e}"
        ) from None
