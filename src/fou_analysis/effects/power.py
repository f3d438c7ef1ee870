"""Power and minimum detectable effect (MDE) for the designs the workbench uses.

Three entry points share one ``design`` keyword:

- :func:`mde` — the smallest true effect detected with the given power at this sample size;
- :func:`power` — the probability of detecting a given true effect;
- :func:`sample_size` — the sample size needed for a given effect and power;

plus :func:`mde_from_se`, ``(z_{1-α/2} + z_{power}) · se``, the default MDE that estimators attach to
their results when no design formula applies.

Designs (``design=``) and what ``n`` / ``effect`` mean:

``"two_sample"``
    Two independent groups, mean difference; ``n`` per group (the control group has ``n * ratio``).
    ``effect`` is Cohen's d, or in outcome units when ``sd`` is given. statsmodels
    ``TTestIndPower`` (noncentral t).
``"paired"``
    Paired (pre/post) mean change; ``n`` pairs; ``effect`` is d_z = mean change / sd of changes, or
    in outcome units when ``sd`` (sd of the changes) is given. statsmodels ``TTestPower``.
``"proportions"``
    Two independent proportions; ``n`` per group; ``effect`` is the difference ``p1 - p0`` in
    proportion points with baseline ``p0``. Cohen's h = 2 asin √p1 − 2 asin √p0 with statsmodels
    ``NormalIndPower`` (Cohen 1988, ch. 6).
``"did_cluster"``
    Difference-in-differences with ``n`` units (people or clusters), share ``treated_share``
    treated, ``pre`` and ``post`` periods, equicorrelation ``rho`` between a unit's periods
    (McKenzie 2012, J. Dev. Econ. 99(2), eq. for DiD), and a cluster design effect
    ``1 + (cluster_size - 1) · icc`` when units sit in clusters:
    ``Var = σ² (1/P + 1/(1-P)) / n · (pre + post)/(pre · post) · (1 - rho) · DEFF``.
    Burlig, Preonas & Woerman (2020) show this understates the variance when serial correlation
    decays with the lag; treat the result as optimistic. Normal approximation.
``"logrank"``
    Log-rank test / Cox model for a binary group: Schoenfeld (1983) — events needed
    ``d = (z_{1-α/2} + z_{power})² / (p (1-p) (log HR)²)``; ``n`` is the number of *events*
    (or give ``n_subjects`` and ``event_share``); ``effect`` is the log hazard ratio.
``"its"``
    Interrupted time series, level change in segmented regression with ``pre`` and ``post``
    points: the OLS standard error of the level-change coefficient from the exact design matrix,
    inflated by the AR(1) long-run factor √((1+φ)/(1-φ)) for ``ar1 = φ``. An approximation
    (exact only for the mean of a long AR(1) series); ``sd`` is the residual sd.

All functions use two-sided tests at ``alpha`` and return plain floats.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

from fou_analysis.exceptions import SpecificationError

DESIGNS = ("two_sample", "paired", "proportions", "did_cluster", "logrank", "its")


def mde_from_se(se: float, level: float = 0.95, power: float = 0.8) -> float:
    """Minimum detectable effect from a standard error: ``(z_{1-α/2} + z_{power}) · se``.

    Parameters
    ----------
    se
        Standard error of the estimate.
    level
        Confidence level of the two-sided test (``1 - α``).
    power
        Desired power.

    Examples
    --------
    >>> round(mde_from_se(1.0), 3)
    2.802
    """
    _check_prob("level", level)
    _check_prob("power", power)
    if not (se >= 0):
        raise SpecificationError(f"se must be a non-negative number, not {se!r}")
    return float((stats.norm.ppf(0.5 + level / 2) + stats.norm.ppf(power)) * se)


def _check_prob(name: str, x: float) -> None:
    if not (0 < x < 1):
        raise SpecificationError(f"{name} must lie strictly between 0 and 1, not {x!r}")


def _check_design(design: str) -> None:
    if design not in DESIGNS:
        raise SpecificationError(f"design must be one of {DESIGNS}, not {design!r}")


# ---------------------------------------------------------------- standard errors of designs
def _se_unit_did(n, treated_share, *, pre, post, rho, cluster_size, icc):
    if not (0 < treated_share < 1):
        raise SpecificationError("treated_share must lie strictly between 0 and 1")
    if pre < 1 or post < 1:
        raise SpecificationError("pre and post must be at least 1 period")
    if not (-1 < rho < 1) or not (0 <= icc < 1):
        raise SpecificationError("rho must lie in (-1, 1) and icc in [0, 1)")
    deff = 1 + (cluster_size - 1) * icc
    p = treated_share
    var = (1 / p + 1 / (1 - p)) / n * (pre + post) / (pre * post) * (1 - rho) * deff
    return math.sqrt(var)


def _se_unit_its(pre: int, post: int, ar1: float) -> float:
    if pre < 3 or post < 2:
        raise SpecificationError("its needs at least 3 pre and 2 post time points")
    if not (-1 < ar1 < 1):
        raise SpecificationError("ar1 must lie in (-1, 1)")
    t = np.arange(pre + post, dtype=float)
    d = (t >= pre).astype(float)
    x = np.column_stack([np.ones_like(t), t, d, d * (t - pre)])
    cov = np.linalg.inv(x.T @ x)
    return math.sqrt(cov[2, 2] * (1 + ar1) / (1 - ar1))


def _h(p1: float, p0: float) -> float:
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0))


# ---------------------------------------------------------------- public API
def power(
    *,
    design: str,
    effect: float,
    n: float | None = None,
    alpha: float = 0.05,
    sd: float | None = None,
    ratio: float = 1.0,
    p0: float | None = None,
    treated_share: float = 0.5,
    pre: int = 1,
    post: int = 1,
    rho: float = 0.0,
    cluster_size: float = 1.0,
    icc: float = 0.0,
    ar1: float = 0.0,
    n_subjects: float | None = None,
    event_share: float | None = None,
) -> float:
    """Power of a two-sided test at ``alpha`` to detect ``effect`` (see the module docstring).

    Examples
    --------
    >>> round(power(design="two_sample", effect=0.5, n=64), 3)
    0.801
    """
    _check_design(design)
    _check_prob("alpha", alpha)
    n = _events(design, n, n_subjects, event_share)
    if design in ("two_sample", "paired"):
        from statsmodels.stats.power import TTestIndPower, TTestPower

        d = effect / sd if sd else effect
        if design == "two_sample":
            return float(TTestIndPower().power(effect_size=abs(d), nobs1=n, alpha=alpha, ratio=ratio))
        return float(TTestPower().power(effect_size=abs(d), nobs=n, alpha=alpha))
    if design == "proportions":
        from statsmodels.stats.power import NormalIndPower

        p0 = _need_p0(p0)
        p1 = p0 + effect
        if not (0 <= p1 <= 1):
            raise SpecificationError("p0 + effect must be a proportion in [0, 1]")
        return float(NormalIndPower().power(effect_size=abs(_h(p1, p0)), nobs1=n, alpha=alpha, ratio=ratio))
    se = _se(
        design,
        n=n,
        sd=sd,
        treated_share=treated_share,
        pre=pre,
        post=post,
        rho=rho,
        cluster_size=cluster_size,
        icc=icc,
        ar1=ar1,
    )
    return _normal_power(abs(effect) / se, alpha)


def mde(
    *,
    design: str,
    n: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    sd: float | None = None,
    ratio: float = 1.0,
    p0: float | None = None,
    treated_share: float = 0.5,
    pre: int = 1,
    post: int = 1,
    rho: float = 0.0,
    cluster_size: float = 1.0,
    icc: float = 0.0,
    ar1: float = 0.0,
    n_subjects: float | None = None,
    event_share: float | None = None,
) -> float:
    """Minimum detectable effect (two-sided ``alpha``, given ``power``) for a design.

    Returns the effect in the design's unit: Cohen's d (or outcome units when ``sd`` is given)
    for ``two_sample`` / ``paired``; proportion points above ``p0`` for ``proportions``; outcome
    units (× ``sd``, default 1) for ``did_cluster`` and ``its``; the log hazard ratio for
    ``logrank``.

    Examples
    --------
    >>> round(mde(design="logrank", n=66), 3)  # log HR detectable with 66 events, 1:1
    0.69
    """
    _check_design(design)
    _check_prob("alpha", alpha)
    _check_prob("power", power)
    n = _events(design, n, n_subjects, event_share)
    if design in ("two_sample", "paired"):
        from statsmodels.stats.power import TTestIndPower, TTestPower

        if design == "two_sample":
            d = TTestIndPower().solve_power(nobs1=n, alpha=alpha, power=power, ratio=ratio)
        else:
            d = TTestPower().solve_power(nobs=n, alpha=alpha, power=power)
        return float(d * (sd if sd else 1.0))
    if design == "proportions":
        from statsmodels.stats.power import NormalIndPower

        p0 = _need_p0(p0)
        h = NormalIndPower().solve_power(nobs1=n, alpha=alpha, power=power, ratio=ratio)
        arg = math.asin(math.sqrt(p0)) + h / 2
        if arg > math.pi / 2:
            return float("nan")  # no proportion above p0 is detectable
        return float(math.sin(arg) ** 2 - p0)
    se = _se(
        design,
        n=n,
        sd=sd,
        treated_share=treated_share,
        pre=pre,
        post=post,
        rho=rho,
        cluster_size=cluster_size,
        icc=icc,
        ar1=ar1,
    )
    # exact for a two-sided normal test (the tiny far-tail term included), not just z_a + z_b
    return float(optimize.brentq(lambda e: _normal_power(e / se, alpha) - power, 1e-12 * se, 20 * se))


def sample_size(
    *,
    design: str,
    effect: float,
    alpha: float = 0.05,
    power: float = 0.8,
    **options: float,
) -> int:
    """Smallest ``n`` (per group, pairs, units or events; time points *post* for ``its``) reaching
    ``power`` for ``effect``, rounded up.

    For ``its`` the number of post-intervention points is solved for, with ``pre`` fixed.

    Examples
    --------
    >>> sample_size(design="two_sample", effect=0.5)  # Cohen (1988) Table 2.4.1: 64
    64
    """
    _check_design(design)
    _check_prob("power", power)
    if effect == 0:
        raise SpecificationError("effect must be non-zero to solve for a sample size")

    if design == "its":
        opts = {k: v for k, v in options.items() if k != "post"}

        def pw(m: int) -> float:
            return globals()["power"](design="its", effect=effect, alpha=alpha, post=m, **opts)

        lo, hi = 2, 1_000
        if pw(hi) < power:
            raise SpecificationError(
                "no post-period length below 1,000 reaches the requested power: with `pre` fixed, the "
                "level change is never more precise than the extrapolated pre-period trend allows"
            )
        while lo < hi:  # power increases with the post-period length: bisect
            mid = (lo + hi) // 2
            lo, hi = (mid + 1, hi) if pw(mid) < power else (lo, mid)
        return lo

    def gap(n: float) -> float:
        return globals()["power"](design=design, effect=effect, n=n, alpha=alpha, **options) - power

    lo = 2.0 if design in ("two_sample", "paired") else 1e-6
    hi = 10.0
    while gap(hi) < 0:
        hi *= 4
        if hi > 1e9:
            raise SpecificationError("no sample size below 10^9 reaches the requested power")
    if gap(lo) >= 0:
        return int(math.ceil(lo))
    root = optimize.brentq(gap, lo, hi, xtol=1e-8)
    return int(math.ceil(root - 1e-9))


def _normal_power(lam: float, alpha: float) -> float:
    """Power of a two-sided normal test at ``alpha`` when the effect is ``lam`` standard errors
    (both rejection regions, the far one included)."""
    z = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.sf(z - lam) + stats.norm.cdf(-z - lam))


def _need_p0(p0: float | None) -> float:
    if p0 is None or not (0 < p0 < 1):
        raise SpecificationError("design 'proportions' needs a baseline proportion p0 in (0, 1)")
    return float(p0)


def _events(design, n, n_subjects, event_share):
    if design == "logrank" and n is None and n_subjects is not None:
        if event_share is None or not (0 < event_share <= 1):
            raise SpecificationError("give event_share in (0, 1] together with n_subjects")
        return n_subjects * event_share
    if n is None:
        if design == "its":
            return None
        raise SpecificationError(f"design {design!r} needs n")
    if not (n > 0):
        raise SpecificationError(f"n must be positive, not {n!r}")
    return n


def _se(design, *, n, sd, treated_share, pre, post, rho, cluster_size, icc, ar1) -> float:
    scale = sd if sd else 1.0
    if design == "did_cluster":
        return scale * _se_unit_did(
            n, treated_share, pre=pre, post=post, rho=rho, cluster_size=cluster_size, icc=icc
        )
    if design == "logrank":
        p = treated_share
        if not (0 < p < 1):
            raise SpecificationError("treated_share must lie strictly between 0 and 1")
        return 1 / math.sqrt(n * p * (1 - p))
    return scale * _se_unit_its(int(pre), int(post), ar1)
