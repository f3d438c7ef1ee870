"""Calibration of latent shifts so that planted effects hold on the *observed* scale.

Survey answers are latent normal scores rounded to integers and clipped to the answer range.
Clipping pulls the mean change towards zero, so a latent shift of 0.6 gives an observed mean
change a little below 0.6. We solve for the latent shift that makes the *expected observed*
change equal the planted value exactly (closed form: the distribution of a rounded, clipped
normal), so an unbiased estimator of the paired mean change recovers the planted number.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats


def expected_round_clip(mean: float, sd: float, low: int, high: int) -> float:
    """E[clip(round(X), low, high)] for X ~ N(mean, sd²), rounding half up."""
    return float(expected_round_clip_many(np.array([mean], dtype=float), sd, low, high)[0])


def expected_round_clip_many(means: np.ndarray, sd: float, low: int, high: int) -> np.ndarray:
    """Vectorised :func:`expected_round_clip` over an array of means.

    Uses E[Y] = low + Σ_{k=low+1}^{high} P(X ≥ k − 0.5) for Y = clip(round(X), low, high).
    """
    cuts = np.arange(low + 1, high + 1) - 0.5
    z = (np.asarray(means, dtype=float)[..., None] - cuts) / sd
    return low + stats.norm.cdf(z).sum(axis=-1)


def latent_shift(
    target: float, *, pre_mean: float, pre_sd: float, change_sd: float, low: int, high: int
) -> float:
    """Latent mean change giving an expected observed (rounded, clipped) mean change of ``target``."""
    post_sd = float(np.hypot(pre_sd, change_sd))
    base = expected_round_clip(pre_mean, pre_sd, low, high)

    def gap(shift: float) -> float:
        return expected_round_clip(pre_mean + shift, post_sd, low, high) - base - target

    return float(optimize.brentq(gap, target - 3.0, target + 3.0, xtol=1e-10))
