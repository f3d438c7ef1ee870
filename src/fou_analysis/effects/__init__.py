"""Effect estimation: one module per design, one result type."""

from fou_analysis.effects._result import Diagnostic, EffectResult, Labels, Summary

__all__ = ["Diagnostic", "EffectResult", "Labels", "Summary"]
