"""Tests for effects.prepost: Lakens (2013) worked example, attrition, errors, CI coverage."""

import importlib

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fou_analysis.effects.prepost import PrePostResult, _ncp_interval, prepost
from fou_analysis.exceptions import DataError, SpecificationError

matplotlib.use("Agg")
# the module, not the function of the same name that fou_analysis.effects exports
prepost_module = importlib.import_module("fou_analysis.effects.prepost")

# Lakens (2013), "Calculating and reporting effect sizes to facilitate cumulative science",
# Frontiers in Psychology 4:863, Table 1: ten people rate two movies (1-10).
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def _long(pre, post, ids=None):
    ids = list(range(len(pre))) if ids is None else ids
    return pd.DataFrame(
        {"id": ids + ids, "wave": ["pre"] * len(pre) + ["post"] * len(post), "y": list(pre) + list(post)}
    )


@pytest.fixture
def movies():
    # movie 2 as "pre", movie 1 as "post" so the change is movie 1 - movie 2, as in the paper
    return _long(MOVIE_2, MOVIE_1)


@pytest.mark.reference
def test_lakens_2013_paired_example(movies):
    r = prepost(movies, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    assert isinstance(r, PrePostResult)
    # Lakens (2013), reporting example for the within-subjects design:
    # "Mean 1 was higher (M = 8.7, SD = 0.82) than Mean 2 (M = 7.7, SD = 0.95), t(9) = 4.74,
    #  p = 0.001, 95% CI [0.52, 1.48]"; Cohen's d_z = 1.50; CL effect size 93 %.
    t = r.table.set_index("term")
    assert round(t.loc["mean_change", "statistic"], 2) == 4.74
    assert t.loc["mean_change", "df"] == 9
    assert round(r.p_value, 3) == 0.001
    assert (round(r.ci[0], 2), round(r.ci[1], 2)) == (0.52, 1.48)
    assert round(r.estimate, 1) == 1.0
    assert (round(t.loc["mean_post", "estimate"], 1), round(t.loc["mean_pre", "estimate"], 1)) == (8.7, 7.7)
    assert round(r.d_z, 2) == 1.50
    assert round(stats.norm.cdf(r.d_z), 2) == 0.93  # common-language effect size
    # Hedges' g_av. Lakens (2013), Front Psychol 4:863, worked movie-ratings example (section
    # "Cohen's d in one-sample or correlated samples comparisons"): Cohen's d_av = 1.13 and
    # Hedges' g_av = 1.08, i.e. d_av times J = 1 - 3/(4*df - 1) with df = n1 + n2 - 2 = 18.
    # This package uses df = n - 1 = 9 for the paired design (Borenstein et al. 2009), so its
    # g_av is 1.03: the printed 1.08 is asserted through d_av and the paper's J.
    j_package, j_paper = 1 - 3 / (4 * 9 - 1), 1 - 3 / (4 * 18 - 1)
    d_av = r.g_av / j_package
    assert round(d_av, 2) == 1.13
    assert round(d_av * j_paper, 2) == 1.08
    # regression value (this package's own convention, df = n - 1; not a published number)
    assert round(r.g_av, 2) == 1.03
    assert r.n == 10


def test_d_z_interval_inverts_the_noncentral_t(movies):
    # The d_z interval is the noncentrality interval of t divided by sqrt(n): at its ends the
    # observed t sits at the 97.5 % and 2.5 % points of the noncentral t.
    r = prepost(movies, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    t_obs = r.table.set_index("term").loc["mean_change", "statistic"]
    lo, hi = (x * np.sqrt(10) for x in r.d_z_ci)
    assert stats.nct.cdf(t_obs, 9, lo) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(t_obs, 9, hi) == pytest.approx(0.025, abs=1e-6)
    assert r.g_av_ci[0] < r.g_av < r.g_av_ci[1]


@pytest.mark.parametrize(
    ("t", "df"),
    # t = 20 with df = 49 and t = -7 with df = 14 made the old fixed bracket t ± (10 + 2|t|)
    # reach noncentralities where scipy's nct cdf is NaN (brentq failed); the rest is a grid
    # of large and negative t over small and large df
    [(20, 49), (-7, 14), (20, 9), (-20, 9), (60, 9), (40, 3), (-40, 999), (15, 499), (10, 1), (-0.5, 5)],
)
def test_ncp_interval_inverts_the_noncentral_t_for_large_t(t, df):
    lo, hi = _ncp_interval(t, df, 0.95)
    assert lo < t < hi
    # the defining property: at the ends the observed t is the 97.5 % and 2.5 % point
    assert stats.nct.cdf(t, df, lo) == pytest.approx(0.975, abs=1e-7)
    assert stats.nct.cdf(t, df, hi) == pytest.approx(0.025, abs=1e-7)
    # and by symmetry the interval of -t is the mirror image
    mlo, mhi = _ncp_interval(-t, df, 0.95)
    assert (mlo, mhi) == pytest.approx((-hi, -lo), rel=1e-9)


def test_ncp_interval_falls_back_to_the_normal_approximation(monkeypatch):
    # when no finite bracket is found (_ncp_root gives NaN) the documented fallback is
    # t ± z·sqrt(1 + t²/(2 df)), never NaN
    monkeypatch.setattr(prepost_module, "_ncp_root", lambda t, df, p: float("nan"))
    lo, hi = _ncp_interval(30.0, 9, 0.95)
    half = stats.norm.ppf(0.975) * np.sqrt(1 + 30.0**2 / 18)
    assert (lo, hi) == pytest.approx((30 - half, 30 + half), rel=1e-12)


def test_large_negative_change_gives_a_finite_d_z_interval():
    # 15 pairs with a large, consistent drop, built so that t = -20 (the old bracket raised
    # "function value is NaN" here)
    rng = np.random.default_rng(11)
    pre = rng.normal(10, 2, 15)
    z = rng.normal(size=15)
    z = (z - z.mean()) / z.std(ddof=1)
    change = -2 + (2 * np.sqrt(15) / 20) * z  # mean -2, sd 2·sqrt(15)/20: t = -20
    r = prepost(_long(pre, pre + change), outcome="y", unit="id", time="wave", pre="pre", post="post")
    t_obs = r.table.set_index("term").loc["mean_change", "statistic"]
    assert t_obs == pytest.approx(-20, rel=1e-9)
    assert np.isfinite(r.d_z_ci).all() and r.d_z_ci[0] < r.d_z < r.d_z_ci[1]
    lo, hi = (x * np.sqrt(15) for x in r.d_z_ci)
    assert stats.nct.cdf(t_obs, 14, lo) == pytest.approx(0.975, abs=1e-7)


def test_attrition_table_and_warning():
    rng = np.random.default_rng(3)
    pre = rng.normal(10, 2, 20)
    post = pre + 1 + rng.normal(0, 1, 20)
    d = _long(pre, post)
    # 6 people miss the follow-up, 2 are new at follow-up, 1 has a missing score at baseline
    d = d[~((d["wave"] == "post") & d["id"].isin(range(6)))]
    d = pd.concat([d, pd.DataFrame({"id": [100, 101], "wave": ["post", "post"], "y": [9.0, 11.0]})])
    d.loc[(d["id"] == 19) & (d["wave"] == "pre"), "y"] = np.nan
    before = d.copy()
    r = prepost(d, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    pd.testing.assert_frame_equal(d, before)  # input untouched
    a = r.attrition.set_index("stage")["n"]
    assert a["observed_pre"] == 19 and a["observed_post"] == 16
    assert a["paired"] == 13 == r.n
    assert a["only_pre"] == 6 and a["only_post"] == 3
    diag = {x.name: x for x in r.diagnostics}
    assert diag["attrition"].verdict == "warn"
    assert diag["attrition"].value == pytest.approx(1 - 13 / 22, abs=1e-4)
    assert any("not a causal effect" in n for n in r.notes)


def test_wilcoxon_check_agrees_with_scipy(movies):
    r = prepost(movies, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    w = {x.name: x for x in r.diagnostics}["wilcoxon_signed_rank"]
    expected = stats.wilcoxon(np.array(MOVIE_1) - np.array(MOVIE_2)).pvalue
    assert w.value == pytest.approx(expected, abs=1e-4)
    assert w.verdict == "ok"


def test_errors_name_argument_row_and_column(movies):
    with pytest.raises(SpecificationError, match="score"):
        prepost(movies, outcome="score", subject="id", wave="wave", pre="pre", post="post")
    with pytest.raises(SpecificationError, match="baseline"):
        prepost(movies, outcome="y", subject="id", wave="wave", pre="baseline", post="post")
    dup = pd.concat([movies, movies.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataError) as err:
        prepost(dup, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    assert err.value.column == "id" and err.value.row == len(dup) + 1
    bad = movies.astype({"y": object})
    bad.loc[3, "y"] = "seven"
    with pytest.raises(DataError) as err:
        prepost(bad, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    assert err.value.column == "y" and err.value.row == 5


def test_level_changes_interval_width(movies):
    r95 = prepost(movies, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    r90 = prepost(movies, outcome="y", subject="id", wave="wave", pre="pre", post="post", level=0.90)
    assert r90.ci[0] > r95.ci[0] and r90.ci[1] < r95.ci[1]
    assert r90.estimate == r95.estimate and r90.level == 0.90
    # t-based: the 90 % half-width is t(0.95, 9) * se
    assert r90.ci[1] - r90.estimate == pytest.approx(stats.t.ppf(0.95, 9) * r90.se)


def test_summary_and_plot(movies):
    r = prepost(movies, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    assert "interval" in r.summary("en").sentence
    assert r.mde is not None and 0 < r.mde < r.estimate  # a d_z of 1.5 is well above the MDE
    ax = r.plot()
    assert len(ax.lines) == 1  # ten people: only the means (with intervals), no line per person
    assert len(r.plot(individual_min=10).lines) == 11  # asked for: ten people and the mean
    assert set(r.to_frame().columns) >= {"estimate", "ci_low", "ci_high", "diag_attrition"}


def test_plot_draws_one_line_per_person_only_in_groups_of_twenty_or_more():
    rng = np.random.default_rng(3)
    for n, per_person in ((19, 0), (20, 20), (400, 300)):  # 300: the max_lines sample
        pre = rng.normal(10, 2, n)
        r = prepost(
            _long(pre, pre + rng.normal(0.3, 2, n)),
            outcome="y",
            subject="id",
            wave="wave",
            pre="pre",
            post="post",
        )
        ax = r.plot()
        assert len(ax.lines) == per_person + 1, n  # + the mean line
        if not per_person:
            # the means' intervals instead: two vertical segments around the two means
            (bars,) = ax.collections
            segs = bars.get_segments()
            assert len(segs) == 2
            assert segs[0][0, 1] < pre.mean() < segs[0][1, 1]
