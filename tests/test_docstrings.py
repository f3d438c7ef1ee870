"""The runnable examples in every module's docstrings stay correct (style.md: numpydoc with a
short runnable example); examples marked ``+SKIP`` need data the test does not have."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import fou_analysis

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(fou_analysis.__path__, "fou_analysis.")
    if not m.name.endswith("cli")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_the_examples_are_actually_run() -> None:
    """Guard against a walk that finds nothing (the test above would then pass vacuously)."""
    attempted = sum(
        doctest.testmod(
            importlib.import_module(n), report=False, optionflags=doctest.NORMALIZE_WHITESPACE
        ).attempted
        for n in MODULES
    )
    assert len(MODULES) > 60 and attempted > 40
