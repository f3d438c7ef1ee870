"""Effect estimation: one module per design, one result type.

Every design returns an :class:`EffectResult` (or a subclass) with ``estimate, se, ci, p_value,
n, diagnostics, notes, table, mde`` and ``.summary(lang)``, ``.plot(ax=None)``, ``.to_frame()``.

Every design takes the common argument names ``outcome, unit, time, treated, treatment_start,
covariates, se`` (older names kept as aliases: :mod:`fou_analysis.effects._aliases`), and every
result's ``to_frame()`` is one tidy table (``term, estimate, std_error, statistic, p_value,
ci_low, ci_high, n``, headline row first).

Designs: :func:`prepost`, :func:`did`, :func:`event_study`, :func:`staggered_did`,
:func:`synthetic_control`, :func:`synthetic_did`, :func:`its`, :func:`weighting`,
:func:`survival`; :func:`compare` puts several results side by side (text, HTML, LaTeX); every
result's ``conf_int(level)`` gives its interval at another level without refitting; :mod:`~fou_analysis.effects.power` gives power and minimum detectable effects.
"""

from fou_analysis.effects import power
from fou_analysis.effects._compare import Comparison, compare
from fou_analysis.effects._its_model import ItsResult
from fou_analysis.effects._result import Diagnostic, EffectResult, Labels, Summary
from fou_analysis.effects._synth_results import SyntheticControlResult, SyntheticDidResult
from fou_analysis.effects.did import DidResult, did
from fou_analysis.effects.event_study import EventStudyResult, event_study
from fou_analysis.effects.its import its
from fou_analysis.effects.power import mde_from_se
from fou_analysis.effects.prepost import PrePostResult, prepost
from fou_analysis.effects.staggered_did import StaggeredResult, staggered_did
from fou_analysis.effects.survival import SurvivalResult, survival
from fou_analysis.effects.synthetic_control import comparable_donors, synthetic_control
from fou_analysis.effects.synthetic_did import synthetic_did
from fou_analysis.effects.weighting import WeightingResult, weighting

__all__ = [
    "Comparison",
    "Diagnostic",
    "DidResult",
    "EffectResult",
    "EventStudyResult",
    "ItsResult",
    "Labels",
    "PrePostResult",
    "StaggeredResult",
    "Summary",
    "SurvivalResult",
    "SyntheticControlResult",
    "SyntheticDidResult",
    "WeightingResult",
    "comparable_donors",
    "compare",
    "did",
    "event_study",
    "its",
    "mde_from_se",
    "power",
    "prepost",
    "staggered_did",
    "survival",
    "synthetic_control",
    "synthetic_did",
    "weighting",
]
