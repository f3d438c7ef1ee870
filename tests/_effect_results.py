"""A hand-made :class:`~fou_analysis.effects.EffectResult` for tests of code that reads one.

Tests of the report, the evidence grade and the layer boundaries need a result with chosen
diagnostics, counts or labels, not a fitted model; they build it here so that the required fields
have one set of neutral defaults (importable from any test: pytest puts ``tests/`` on the path
for its ``conftest.py``).
"""

from __future__ import annotations

from typing import Any

from fou_analysis.effects import EffectResult

#: The required fields: an estimate of 1 with se 0.5, 95 % interval 0 to 2, p = 0.05, n = 10.
DEFAULTS: dict[str, Any] = {
    "method": "x",
    "estimand": "ATT",
    "outcome": "y",
    "estimate": 1.0,
    "se": 0.5,
    "ci": (0.0, 2.0),
    "p_value": 0.05,
    "n": 10,
}


def effect_result(**fields: Any) -> EffectResult:
    """An ``EffectResult`` with :data:`DEFAULTS` for every required field not given."""
    return EffectResult(**{**DEFAULTS, **fields})
