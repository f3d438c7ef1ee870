"""Doubly robust ATT(g,t) for :func:`~fou_analysis.effects.staggered_did` with covariates.

The panel estimator of Sant'Anna & Zhao (2020, "Doubly robust difference-in-differences
estimators", *Journal of Econometrics* 219(1), 101–122, eq. 3.1 — the "traditional" DR DiD):
a logit propensity score ``p(X)`` for being in the cohort rather than the comparison group
(maximum likelihood), a linear regression ``μ(X)`` of the outcome change ``ΔY`` on ``X`` in the
comparison group, and

``ATT = mean_w1(ΔY − μ(X)) − mean_w0(ΔY − μ(X))``, ``w1 = D``, ``w0 = p(X)(1 − D)/(1 − p(X))``

(each a weighted mean normalised by its weights). It is consistent when either model is right.
Callaway & Sant'Anna (2021) use it for every ATT(g,t) with ``est_method = "dr"`` (R ``did`` calls
``DRDID::drdid_panel``); as there, propensity scores are capped at ``1 − 1e-6`` and comparison
units with a score of 0.995 or more are left out (trimmed), and the influence function includes
the estimation of both nuisance models (the asymptotic linear representations of the logit and
OLS coefficients), so that the aggregation, the multiplier bootstrap and the analytic SEs of
:mod:`~fou_analysis.effects._staggered_agg` carry the first step.

Hand-written because no dependency provides it: statsmodels fits the logit (used here), but has
no DR DiD estimator or its influence function; ``differences`` and ``csdid`` have one but are not
runtime dependencies (``differences`` is the cross-check in ``tests/effects/test_staggered_did.py``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

#: Comparison units with an estimated propensity score at or above this are left out (as DRDID).
TRIM_LEVEL = 0.995
#: Propensity scores are capped here so that ``p/(1 − p)`` stays finite (as DRDID).
PS_CAP = 1 - 1e-6
#: Largest propensity score the overlap diagnostic accepts without a warning.
OVERLAP_WARN = 0.99


@dataclass(frozen=True)
class DRCell:
    """One doubly robust ATT(g,t).

    ``influence``: per unit of the cell's sample (cohort and comparison units), on the scale
    ``ATT_hat − ATT ≈ mean(influence)``; ``ps_*``: range of the estimated propensity scores;
    ``n_trimmed``: comparison units left out for a score ≥ :data:`TRIM_LEVEL`.
    """

    att: float
    influence: np.ndarray
    ps_min: float
    ps_max: float
    n_trimmed: int
    converged: bool


def _propensity(x: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, bool]:
    """Logit propensity scores by maximum likelihood (statsmodels GLM, binomial)."""
    import statsmodels.api as sm

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.GLM(d, x, family=sm.families.Binomial()).fit()
    separated = any("separation" in str(w.message).lower() for w in caught)
    return np.asarray(fit.fittedvalues, dtype=float), bool(fit.converged) and not separated


def dr_att(dy: np.ndarray, x: np.ndarray, d: np.ndarray) -> DRCell:
    """Doubly robust DiD on one cell's sample (Sant'Anna & Zhao 2020, panel, eq. 3.1).

    Parameters
    ----------
    dy
        Outcome change ``Y_t − Y_b`` per unit of the cell's sample.
    x
        Covariates at the base period with an intercept column first (units × k).
    d
        1 for the cohort, 0 for the comparison units.

    Returns
    -------
    DRCell
        With only the intercept in ``x`` the ATT and influence function equal the unconditional
        2×2 DiD's (tested).
    """
    n = dy.size
    ps_raw, converged = _propensity(x, d)
    ps = np.minimum(ps_raw, PS_CAP)
    keep = (d == 1) | (ps < TRIM_LEVEL)
    ctrl = d == 0
    beta = np.linalg.lstsq(x[ctrl], dy[ctrl], rcond=None)[0]
    resid = dy - x @ beta
    w1 = keep * d
    w0 = keep * ps * (1 - d) / (1 - ps)
    eta1 = np.mean(w1 * resid) / np.mean(w1)
    eta0 = np.mean(w0 * resid) / np.mean(w0)
    # asymptotic linear representations of the OLS and the logit coefficients
    ols = (ctrl * resid)[:, None] * x @ np.linalg.pinv((x * ctrl[:, None]).T @ x / n)
    logit = ((d - ps)[:, None] * x) @ np.linalg.pinv((x * (ps_raw * (1 - ps_raw))[:, None]).T @ x / n)
    inf1 = (w1 * (resid - eta1) - ols @ np.mean(w1[:, None] * x, axis=0)) / np.mean(w1)
    inf0 = (
        w0 * (resid - eta0)
        + logit @ np.mean((w0 * (resid - eta0))[:, None] * x, axis=0)
        - ols @ np.mean(w0[:, None] * x, axis=0)
    ) / np.mean(w0)
    return DRCell(
        att=float(eta1 - eta0),
        influence=inf1 - inf0,
        ps_min=float(ps.min()),
        ps_max=float(ps.max()),
        n_trimmed=int((~keep).sum()),
        converged=converged,
    )
