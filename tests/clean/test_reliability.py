"""Reliability: Cronbach's alpha (reference + hand-computed), omega total, item statistics."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fou_analysis.clean import reliability
from fou_analysis.clean.reliability import omega_total, one_factor_loadings

FIXTURE = Path(__file__).parents[1] / "fixtures" / "clean" / "cronbach_alpha_realstats.csv"
ITEMS10 = [f"Q{i}" for i in range(1, 11)]


@pytest.mark.reference  # alpha 0.592: printed in the Real Statistics example
@pytest.mark.crosscheck  # Feldt interval: pingouin's documented output (checked there against R psych)
def test_alpha_reproduces_real_statistics_example():
    # Real Statistics Using Excel (C. Zaiontz), "Cronbach's Alpha", Example 1 (15 x 10 Likert
    # items), data as shipped with pingouin (datasets/cronbach_alpha.csv). Published:
    # alpha = 0.592; Feldt 95% CI [0.195, 0.840] (pingouin docs, checked there against R psych).
    df = pd.read_csv(FIXTURE, comment="#")
    res = reliability(df, {"name": "example", "items": ITEMS10, "min": 1, "max": 7})
    assert res.n == 15 and res.k == 10
    assert round(res.alpha, 3) == 0.592
    assert round(res.alpha_ci[0], 3) == 0.195
    assert round(res.alpha_ci[1], 3) == 0.840


def test_alpha_hand_computed_small_matrix():
    # X (4 respondents x 3 items): item variances 5/3, 5/3, 4/3 (sum 14/3); totals 8, 13, 8, 15
    # have variance 38/3; alpha = k/(k-1) * (1 - (14/3)/(38/3)) = 1.5 * 24/38 = 36/38.
    df = pd.DataFrame({"a": [2, 4, 3, 5], "b": [3, 4, 2, 5], "c": [3, 5, 3, 5]})
    res = reliability(df, {"name": "s", "items": ["a", "b", "c"], "min": 1, "max": 5})
    assert res.alpha == pytest.approx(36 / 38, abs=1e-12)
    # item-rest correlation of "a": corr(a, b + c)
    expected = np.corrcoef(df["a"], df["b"] + df["c"])[0, 1]
    assert res.items.set_index("item").loc["a", "item_rest_r"] == pytest.approx(expected)
    # alpha if "c" deleted: two items a, b: 2 * (1 - (5/3 + 5/3) / var(a + b))
    ab = (df["a"] + df["b"]).var(ddof=1)
    assert res.items.set_index("item").loc["c", "alpha_if_deleted"] == pytest.approx(2 * (1 - (10 / 3) / ab))


def test_one_factor_fit_recovers_exact_loadings():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    est, converged, heywood = one_factor_loadings(r)
    assert converged and not heywood
    np.testing.assert_allclose(est, lam, atol=1e-6)
    # omega = (sum lambda)^2 / ((sum lambda)^2 + sum(1 - lambda^2)) = 6.76 / (6.76 + 2.26)
    assert omega_total(est) == pytest.approx(6.76 / 9.02, abs=1e-6)


@pytest.mark.simulation
def test_omega_and_alpha_recover_population_reliability():
    # Congeneric items x_j = lambda_j f + e_j (standardised). Population omega 6.76/9.02 = 0.7494.
    # n = 3000: the sampling SD of omega is about 0.008, so 0.03 is > 3 SD.
    rng = np.random.default_rng(11)
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    f = rng.normal(size=3000)
    x = f[:, None] * lam + rng.normal(size=(3000, 4)) * np.sqrt(1 - lam**2)
    df = pd.DataFrame(x, columns=list("abcd"))
    res = reliability(df, {"name": "s", "items": list("abcd"), "min": -10, "max": 10})
    assert res.omega_total == pytest.approx(6.76 / 9.02, abs=0.03)
    np.testing.assert_allclose(res.loadings.to_numpy(), lam, atol=0.05)
    # alpha <= omega for congeneric items (alpha is a lower bound); here both ~0.74-0.75
    assert res.alpha <= res.omega_total + 0.005


def test_reverse_item_and_missing_codes_handled():
    rng = np.random.default_rng(3)
    f = rng.normal(size=300)
    cols = {f"q{i}": np.clip(np.round(3 + f + rng.normal(size=300)), 1, 5) for i in range(4)}
    df = pd.DataFrame(cols)
    df["q3"] = 6 - df["q3"]  # asked reverse-keyed
    df.loc[:9, "q0"] = 9  # "vet ikke"
    plan = {"name": "s", "items": ["q0", "q1", "q2", "q3"], "min": 1, "max": 5, "missing_codes": [9]}
    wrong = reliability(df, plan)
    right = reliability(df, {**plan, "reverse": ["q3"]})
    assert right.n == 290
    assert wrong.items.set_index("item").loc["q3", "item_rest_r"] < 0
    assert any("reverse" in n for n in wrong.notes)
    assert right.items["item_rest_r"].min() > 0.4 and right.alpha > wrong.alpha


def test_bootstrap_ci_is_seeded_and_brackets_alpha():
    df = pd.read_csv(FIXTURE, comment="#")
    plan = {"name": "e", "items": ITEMS10, "min": 1, "max": 7}
    a = reliability(df, plan, ci_method="bootstrap", n_boot=200, seed=5)
    b = reliability(df, plan, ci_method="bootstrap", n_boot=200, seed=5)
    assert a.alpha_ci == b.alpha_ci
    assert a.alpha_ci[0] < a.alpha < a.alpha_ci[1]


def test_result_frame_and_summary():
    df = pd.read_csv(FIXTURE, comment="#")
    res = reliability(df, {"name": "e", "items": ITEMS10, "min": 1, "max": 7})
    tidy = res.to_frame()
    assert list(tidy.columns[:7]) == [
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "ci_low",
        "ci_high",
    ]
    assert tidy["term"].tolist() == ["cronbach_alpha", "omega_total"]
    assert "0.59" in str(res.summary("en")) and "alfa" in str(res.summary("nb"))
    assert "<table" in res.summary("nb")._repr_html_()
