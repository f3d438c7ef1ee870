"""Every public name in clean is documented (the examples run in tests/test_docstrings.py)."""

import pytest

from fou_analysis import clean


@pytest.mark.parametrize("name", clean.__all__)
def test_public_names_have_docstrings(name):
    obj = getattr(clean, name)
    assert obj.__doc__ and len(obj.__doc__.strip()) > 20
