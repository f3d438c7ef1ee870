"""fou_analysis — measure the effects and the societal value of co-creation initiatives.

Data flows one way: ``io → clean → effects → value → report``. Import the subpackage you need::

    from fou_analysis import io, clean, effects, value, privacy

Nothing runs on import (subpackages are imported lazily).
"""

from __future__ import annotations

import importlib
from typing import Any

from fou_analysis.exceptions import DataError, FouError, SpecificationError

__version__ = "0.1.0"

_SUBPACKAGES = {"io", "clean", "effects", "value", "report", "privacy", "framework", "demo", "config"}

__all__ = ["DataError", "FouError", "SpecificationError", "__version__", *sorted(_SUBPACKAGES)]


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"fou_analysis.{name}")
    raise AttributeError(f"module 'fou_analysis' has no attribute {name!r}")
