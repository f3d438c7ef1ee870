"""The designs' choice options and column arguments, in one place.

Each design checks its options with :func:`check_option` against :data:`OPTIONS`, and
``fou validate`` reads the same table (and :data:`COLUMN_ARGS`) to check a plan's ``args``
before anything is estimated, so the two cannot drift apart. Both use the common argument
names; :data:`ALIASES` lists the older spellings still accepted.
"""

from __future__ import annotations

from typing import Any

from fou_analysis.exceptions import SpecificationError

#: ``{design: {argument: allowed values}}`` for the arguments that take one of a fixed set.
OPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "did": {"se": ("classical", "hc1", "cluster", "wild", "ri"), "wild_weights": ("rademacher", "webb")},
    "event_study": {"se": ("classical", "hc1", "cluster")},
    "staggered_did": {"control": ("never", "notyet")},
    "synthetic_did": {"se": ("placebo", "jackknife"), "estimator": ("sdid", "sc", "did")},
    "its": {"family": ("gaussian", "poisson"), "se": ("hac", "ar1", "model")},
    "weighting": {"estimand": ("ATT", "ATE"), "method": ("ipw", "dr")},
    "survival": {"ties": ("efron", "breslow")},
}

#: ``{design: arguments that name a column of its table}`` (a name, or a list of names).
COLUMN_ARGS: dict[str, tuple[str, ...]] = {
    "prepost": ("outcome", "unit", "time"),
    "did": ("outcome", "treated", "post", "unit", "time", "covariates", "cluster"),
    "event_study": ("outcome", "unit", "time", "treatment_start", "cluster", "covariates"),
    "staggered_did": ("outcome", "unit", "time", "treatment_start", "treated", "covariates"),
    "synthetic_control": ("outcome", "unit", "time", "predictors", "size", "names"),
    "synthetic_did": ("outcome", "unit", "time", "treated"),
    "its": ("outcome", "time", "exposure", "covariates"),
    "weighting": ("outcome", "treated", "covariates"),
    "survival": ("duration", "event", "treated", "covariates"),
}

#: ``{design: {older name: common name}}``: the spellings each design still accepts (no warning
#: for now). The common names mean one thing everywhere; see :mod:`fou_analysis.effects._aliases`.
ALIASES: dict[str, dict[str, str]] = {
    "prepost": {"subject": "unit", "wave": "time"},
    "did": {},
    "event_study": {"first_treated": "treatment_start"},
    "staggered_did": {"first_treated": "treatment_start"},
    "synthetic_control": {"treated_unit": "treated"},
    "synthetic_did": {},
    "its": {"intervention_start": "treatment_start", "cov": "se"},
    "weighting": {"treatment": "treated"},
    "survival": {"group": "treated"},
}


def allowed_text(values: tuple[str, ...]) -> str:
    """``'a', 'b' or 'c'``."""
    quoted = [repr(v) for v in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def check_option(design: str, name: str, value: Any) -> None:
    """Raise :class:`SpecificationError` unless ``value`` is an allowed value of ``name``.

    Examples
    --------
    >>> check_option("staggered_did", "control", "notyet")
    >>> check_option("staggered_did", "control", "not_yet")
    Traceback (most recent call last):
    ...
    fou_analysis.exceptions.SpecificationError: control must be 'never' or 'notyet', not 'not_yet'
    """
    allowed = OPTIONS[design][name]
    if value not in allowed:
        raise SpecificationError(f"{name} must be {allowed_text(allowed)}, not {value!r}")
