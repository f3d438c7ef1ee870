"""Common argument names across the designs, with the older names kept as aliases.

Every design takes the same names for the same things (:data:`~fou_analysis.effects._options.ALIASES`
lists the older spellings each design still accepts):

``outcome``
    the outcome column.
``unit`` / ``time``
    the columns identifying the unit (person, municipality, subject) and the period (wave, year,
    month).
``treated``
    *what is treated*: the 0/1 column saying who (or which unit-period) is treated, or — in
    :func:`~fou_analysis.effects.synthetic_control`, where one unit is treated — that unit's
    value in ``unit``. In :func:`~fou_analysis.effects.survival` the column of the groups compared.
``treatment_start``
    *when treatment starts*: a value of ``time`` when one series or unit is treated
    (:func:`~fou_analysis.effects.its`, :func:`~fou_analysis.effects.synthetic_control`), or the
    column holding each unit's first treated period when starts differ by unit
    (:func:`~fou_analysis.effects.event_study`, :func:`~fou_analysis.effects.staggered_did`).
``covariates``
    adjustment variables: a list of columns or a formula right-hand side (``"age + C(sex)"``).
``se``
    how the standard error is computed (the choices differ by design, see ``OPTIONS``).

The older names (``treatment``, ``group``, ``treated_unit``, ``first_treated``,
``intervention_start``, ``subject``, ``wave``, ``cov``) keep working without a warning for now;
passing an alias and its new name together is a :class:`~fou_analysis.SpecificationError`.
A small decorator rather than a library: the mapping is a plain keyword rename, and keeping it in
one table lets ``fou validate`` accept exactly what the designs accept.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fou_analysis.effects._options import ALIASES
from fou_analysis.exceptions import SpecificationError

F = TypeVar("F", bound=Callable[..., Any])


def canonical_args(design: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Rename a design's older argument names to the common ones.

    Parameters
    ----------
    design
        The design's name (a key of :data:`~fou_analysis.effects._options.ALIASES`).
    kwargs
        Keyword arguments as given.

    Returns
    -------
    dict
        The same arguments under the common names (order kept).

    Raises
    ------
    SpecificationError
        An alias and its common name are both given.

    Examples
    --------
    >>> canonical_args("weighting", {"outcome": "y", "treatment": "d"})
    {'outcome': 'y', 'treated': 'd'}
    >>> canonical_args("weighting", {"treatment": "d", "treated": "d"})
    Traceback (most recent call last):
    ...
    fou_analysis.exceptions.SpecificationError: weighting: give 'treated' or its older name 'treatment', not both
    """
    mapping = ALIASES.get(design, {})
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        new = mapping.get(key, key)
        if new != key and new in kwargs:
            raise SpecificationError(f"{design}: give {new!r} or its older name {key!r}, not both")
        out[new] = value
    return out


def aliases(design: str) -> Callable[[F], F]:
    """Decorate a design so that it also accepts the older names in ``ALIASES[design]``.

    The signature (and ``inspect.signature``) shows the common names only; the wrapper's
    ``__aliases__`` holds ``{old: new}``.
    """
    mapping = ALIASES.get(design, {})

    def deco(fn: F) -> F:
        params = inspect.signature(fn).parameters
        for old, new in mapping.items():
            if new not in params or old in params:  # a slip in the table, caught at import
                raise SpecificationError(f"{design}: alias {old!r} -> {new!r} does not fit the signature")

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **canonical_args(design, kwargs))

        wrapper.__aliases__ = dict(mapping)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return deco
