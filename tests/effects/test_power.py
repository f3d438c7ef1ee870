"""Tests for effects.power: Cohen (1988) tables, Schoenfeld (1983), design formulas."""

import math

import numpy as np
import pytest
from scipy import stats

from fou_analysis.effects import power as P
from fou_analysis.exceptions import SpecificationError

Z = stats.norm.ppf(0.975) + stats.norm.ppf(0.80)


@pytest.mark.reference
@pytest.mark.parametrize(("d", "n_cohen", "n_exact"), [(0.2, 393, 394), (0.5, 64, 64), (0.8, 26, 26)])
def test_cohen_1988_two_sample_table(d, n_cohen, n_exact):
    # Cohen (1988), Statistical Power Analysis, Table 2.4.1 (two-tailed a = .05, power .80):
    # n per group 393 (d = .2), 64 (d = .5), 26 (d = .8). Cohen's tables rest on an
    # approximation; the exact noncentral-t answer for d = .2 is 393.4, i.e. 394 (as G*Power).
    n = P.sample_size(design="two_sample", effect=d)
    assert n == n_exact and abs(n - n_cohen) <= 1
    assert (
        P.power(design="two_sample", effect=d, n=n) >= 0.80 > P.power(design="two_sample", effect=d, n=n - 1)
    )


@pytest.mark.crosscheck
def test_paired_dz_half_needs_34_pairs():
    # d_z = 0.5, two-sided a = .05, power .80: 34 pairs (G*Power "means: difference between two
    # dependent means"; statsmodels TTestPower gives 33.4).
    assert P.sample_size(design="paired", effect=0.5) == 34


def test_proportions_match_cohens_h_formula():
    # Cohen (1988) ch. 6: n per group = ((z_a + z_b) / h)^2 * 2 ... under the arcsine transform
    # each arm's variance is 1/(4n) on asin(sqrt p), i.e. 1/n on 2 asin(sqrt p).
    p0, p1 = 0.30, 0.45
    h = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0))
    assert P.sample_size(design="proportions", effect=p1 - p0, p0=p0) == math.ceil(2 * (Z / h) ** 2)
    m = P.mde(design="proportions", n=200, p0=p0)
    assert P.power(design="proportions", effect=m, n=200, p0=p0) == pytest.approx(0.80, abs=1e-4)


def test_schoenfeld_1983_events_for_logrank():
    # Schoenfeld (1983): d = (z_a + z_b)^2 / (p (1 - p) log(HR)^2); HR = 2, 1:1 -> 65.3, i.e. 66
    # events; with 2:1 allocation 73.5 -> 74 events. These counts are worked from the published
    # formula, not printed in the paper: not marked reference.
    assert P.sample_size(design="logrank", effect=math.log(2)) == 66
    assert P.sample_size(design="logrank", effect=math.log(2), treated_share=2 / 3) == 74
    assert P.sample_size(design="logrank", effect=math.log(2)) == math.ceil(4 * Z**2 / math.log(2) ** 2)
    # events from subjects and the event share
    assert P.power(design="logrank", effect=0.5, n_subjects=200, event_share=0.5) == pytest.approx(
        P.power(design="logrank", effect=0.5, n=100)
    )


def test_mde_from_se():
    assert P.mde_from_se(1.0) == pytest.approx(2.8016, abs=1e-4)
    assert P.mde_from_se(2.0, level=0.9, power=0.9) == pytest.approx(
        2 * (stats.norm.ppf(0.95) + stats.norm.ppf(0.9))
    )


def test_did_formula_against_change_scores():
    # 2 x 2 DiD, no clustering: the estimate is a difference of mean change scores with
    # var(change) = 2 sigma^2 (1 - rho), so se = sqrt(2 (1 - rho) (1/n1 + 1/n0)) sigma.
    n, rho, share = 120, 0.6, 0.25
    se = math.sqrt(2 * (1 - rho) * (1 / (share * n) + 1 / ((1 - share) * n)))
    m = P.mde(design="did_cluster", n=n, rho=rho, treated_share=share)
    assert P.power(design="did_cluster", effect=m, n=n, rho=rho, treated_share=share) == pytest.approx(
        0.8, abs=1e-9
    )
    assert m == pytest.approx(Z * se, rel=1e-3)  # the far tail adds < 0.1 %
    # clustering inflates by sqrt(design effect); more periods shrink it (McKenzie 2012)
    m_cl = P.mde(design="did_cluster", n=n, rho=rho, treated_share=share, cluster_size=11, icc=0.1)
    assert m_cl / m == pytest.approx(math.sqrt(2.0), rel=1e-6)
    assert P.mde(design="did_cluster", n=n, rho=rho, pre=3, post=3) < P.mde(
        design="did_cluster", n=n, rho=rho
    )


def test_its_se_matches_ols():
    # With white noise the level-change se equals statsmodels' OLS se for sigma = 1.
    import statsmodels.api as sm

    pre, post = 24, 12
    t = np.arange(pre + post, dtype=float)
    dd = (t >= pre).astype(float)
    x = np.column_stack([np.ones_like(t), t, dd, dd * (t - pre)])
    se_ols = math.sqrt(sm.OLS(np.zeros_like(t) + t, x).fit().normalized_cov_params[2, 2])
    m = P.mde(design="its", pre=pre, post=post, sd=1.0)
    assert m == pytest.approx(Z * se_ols, rel=1e-3)
    # positive autocorrelation inflates the MDE by sqrt((1 + phi) / (1 - phi))
    assert P.mde(design="its", pre=pre, post=post, ar1=0.5) / m == pytest.approx(math.sqrt(3), rel=1e-6)


@pytest.mark.parametrize(
    ("design", "kw"),
    [
        ("two_sample", {"n": 50}),
        ("two_sample", {"n": 50, "ratio": 2, "sd": 3.0}),
        ("paired", {"n": 30}),
        ("proportions", {"n": 150, "p0": 0.2}),
        ("did_cluster", {"n": 80, "rho": 0.5}),
        ("logrank", {"n": 90}),
        ("its", {"pre": 24, "post": 24, "ar1": 0.3}),
    ],
)
def test_power_at_mde_is_the_requested_power(design, kw):
    m = P.mde(design=design, **kw)
    assert P.power(design=design, effect=m, **kw) == pytest.approx(0.80, abs=1e-4)


def test_errors():
    with pytest.raises(SpecificationError, match="design"):
        P.mde(design="rct", n=10)
    with pytest.raises(SpecificationError, match="p0"):
        P.mde(design="proportions", n=10)
    with pytest.raises(SpecificationError):
        P.power(design="two_sample", effect=0.5, n=-3)
    with pytest.raises(SpecificationError, match="pre-period"):
        P.sample_size(design="its", effect=0.1, pre=6)
