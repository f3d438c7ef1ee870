"""Shared acceptance rule of the powered simulation tests (``test_coverage_*.py``).

Every default inference method is checked by R = 500 independent replications of a planted-
effect panel. A 95 % interval passes when its empirical coverage lies in [0.924, 0.976], i.e.
when 462..488 of 500 intervals cover.
Exact binomial error probabilities of that rule (``error_probabilities`` recomputes them and
``test_acceptance_rule_is_powered`` in ``test_coverage_single.py`` asserts them):

* P(pass | true coverage 0.90) = 0.039 (≤ 0.05: an interval that covers only 90 % fails
  with probability 0.96);
* P(fail | true coverage 0.95) = 0.0057 (≤ 0.01).

(The tighter [0.925, 0.975] = 463..487 would give 0.027 and 0.0103, just above 0.01.)
A permutation test's size at 5 % is the same rule on 1 − rejection rate.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

R = 500
LOW, HIGH = 0.924, 0.976


def error_probabilities(reps: int = R, low: float = LOW, high: float = HIGH) -> tuple[float, float]:
    """Return (P(pass | coverage 0.90), P(fail | coverage 0.95)) for the acceptance rule."""
    a, b = int(np.ceil(low * reps - 1e-9)), int(np.floor(high * reps + 1e-9))
    p_pass_90 = stats.binom.cdf(b, reps, 0.90) - stats.binom.cdf(a - 1, reps, 0.90)
    p_fail_95 = 1 - (stats.binom.cdf(b, reps, 0.95) - stats.binom.cdf(a - 1, reps, 0.95))
    return float(p_pass_90), float(p_fail_95)


def covers(estimate, low, high, truth) -> np.ndarray:
    """Whether each interval [low, high] around ``estimate`` contains ``truth`` (vectorised).

    ``estimate`` is passed so that a deliberately broken interval can be derived from the
    reported one when demonstrating that a test fails (shrinking it around the estimate).
    """
    low, high = np.asarray(low, float), np.asarray(high, float)
    return (low <= truth) & (truth <= high)


def assert_coverage(hits, name: str) -> float:
    """Assert the acceptance rule on a boolean vector of R hits; returns the coverage."""
    hits = np.asarray(hits, bool)
    assert hits.size == R, f"{name}: {hits.size} replications, the rule is calibrated for {R}"
    cov = float(hits.mean())
    print(f"{name}: coverage {cov:.3f} ({hits.sum()}/{hits.size})")  # shown with pytest -s
    assert LOW <= cov <= HIGH, f"{name}: coverage {cov:.3f} outside [{LOW}, {HIGH}] from {R} replications"
    return cov
