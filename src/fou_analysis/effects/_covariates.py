"""Covariates as a list of columns or a formula, the same way in every design.

``covariates`` may be a list of column names (numeric columns as they are, text / categorical /
boolean columns as treatment dummies named like patsy's ``col[T.level]``) or a patsy right-hand
side such as ``"age + C(sex)"``. Both become plain numeric columns added to a *copy* of the data,
so a design's own code handles them as a list of numeric columns; the raw frame is never
modified. The expansion is the one :mod:`fou_analysis.effects.weighting` already uses (patsy,
through statsmodels' dependency), not a second parser.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fou_analysis.effects._weighting_core import _design

Covariates = str | Sequence[str]


def has_covariates(covariates: Covariates | None) -> bool:
    """Whether any covariate is given (``None``, ``()``, ``[]`` and ``""`` mean none)."""
    if covariates is None:
        return False
    if isinstance(covariates, str):
        return bool(covariates.strip())
    return len(list(covariates)) > 0


def expand_covariates(data: pd.DataFrame, covariates: Covariates | None) -> tuple[pd.DataFrame, list[str]]:
    """The data with the covariates' numeric columns, and their names.

    Parameters
    ----------
    data
        The design's data (not modified).
    covariates
        Column names, or a patsy right-hand side.

    Returns
    -------
    (pandas.DataFrame, list of str)
        ``data`` itself when every covariate is already a numeric column (nothing to add),
        else a copy with the expanded columns; rows missing a covariate hold NaN there (the
        design drops incomplete rows as it always does).

    Examples
    --------
    >>> d = pd.DataFrame({"age": [30.0, 40, 50, 60], "sex": ["f", "m", "m", "f"]})
    >>> expand_covariates(d, "age + C(sex)")[1]  # patsy puts categorical terms first
    ['C(sex)[T.m]', 'age']
    >>> expand_covariates(d, ["age", "sex"])[1]
    ['age', 'sex[T.m]']
    """
    if not has_covariates(covariates):
        return data, []
    if not isinstance(covariates, str):
        names = list(covariates)
        if all(
            c in data.columns
            and pd.api.types.is_numeric_dtype(data[c])
            and not pd.api.types.is_bool_dtype(data[c])
            for c in names
        ):
            return data, names
    x = _design(data, covariates).drop(columns="Intercept", errors="ignore")
    out = data.copy()
    for c in x.columns:
        out[c] = x[c].reindex(data.index)
    return out, [str(c) for c in x.columns]
