"""The runnable examples in the clean modules' docstrings stay correct, and every public name is documented."""

import doctest
import importlib

import pytest

from fou_analysis import clean

MODULES = ["survey", "submissions", "waves", "reliability", "municipalities", "register"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    mod = importlib.import_module(f"fou_analysis.clean.{name}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name", clean.__all__)
def test_public_names_have_docstrings(name):
    obj = getattr(clean, name)
    assert obj.__doc__ and len(obj.__doc__.strip()) > 20
