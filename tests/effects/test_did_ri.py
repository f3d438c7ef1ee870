"""`did(..., se="ri")`: randomisation inference across clusters (RI-t, MacKinnon & Webb 2020)."""

import itertools

import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects._ri import count_assignments
from fou_analysis.effects.did import did
from fou_analysis.exceptions import SpecificationError


def _panel(n_units, n_periods, d_of, effect, rng, start=None):
    u = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(n_periods), n_units)
    d = d_of(u, t).astype(int)
    y = rng.normal(size=n_units)[u] + 0.2 * t + rng.normal(size=u.size) + effect * d
    return pd.DataFrame({"u": u, "t": t, "d": d, "y": y})


def _fit(df, **kw):
    return did(df, outcome="y", treated="d", post=None, unit="u", time="t", **kw)


def test_one_treated_unit_large_effect_reaches_the_smallest_attainable_p():
    # 1 treated among 50 units: 50 assignments, exact p >= 1/50 = 0.02.
    rng = np.random.default_rng(7)
    df = _panel(50, 8, lambda u, t: (u == 0) & (t >= 4), effect=5.0, rng=rng)
    res = _fit(df, se="ri")
    assert res.ri["enumerated"] and res.ri["reps"] == 50
    assert res.p_value <= 0.02
    assert res.ci[0] < 5.0 < res.ci[1]
    assert res.ci[0] > 0
    # the cluster-robust fit's estimate and se are the ones reported
    cl = _fit(df, se="cluster")
    assert res.estimate == pytest.approx(cl.estimate, rel=1e-12)
    assert res.se == pytest.approx(cl.se, rel=1e-12)
    diag = {d.name: d for d in cl.diagnostics}
    assert diag["treated_clusters"].verdict == "fail"
    assert "se='ri'" in diag["treated_clusters"].detail and "se='ri'" in diag["treated_clusters"].detail_nb


def _brute_p(df, delta, stat="t"):
    """p-value of the sharp null δ by refitting did for every assignment of the patterns."""
    units = np.sort(df["u"].unique())
    pattern = df.pivot(index="u", columns="t", values="d")
    treated = [u for u in units if pattern.loc[u].any()]
    ys = df["y"] - delta * df["d"]
    obs = _fit(df.assign(y=ys), se="cluster")
    obs_stat = abs(obs.estimate / obs.se) if stat == "t" else abs(obs.estimate)
    stats_ = []
    for perm in itertools.permutations(units, len(treated)):
        new = {dest: pattern.loc[src] for src, dest in zip(treated, perm, strict=True)}
        dnew = np.array([new[u][t] if u in new else 0 for u, t in zip(df["u"], df["t"], strict=True)])
        r = _fit(df.assign(y=ys, d=dnew), se="cluster")
        stats_.append(abs(r.estimate / r.se) if stat == "t" else abs(r.estimate))
    # ordered permutations count each distinct assignment equally often (patterns are distinct)
    return float(np.mean(np.array(stats_) >= obs_stat * (1 - 1e-9)))


def test_exact_enumeration_equals_brute_force_refits():
    # 7 units, two treated with different timing: 7·6 = 42 distinct assignments
    rng = np.random.default_rng(3)
    df = _panel(7, 6, lambda u, t: ((u == 0) & (t >= 2)) | ((u == 1) & (t >= 4)), effect=1.0, rng=rng)
    res = _fit(df, se="ri")
    assert res.ri["enumerated"] and res.ri["reps"] == 42 == count_assignments(7, [1, 1])
    assert res.p_value == pytest.approx(_brute_p(df, 0.0), abs=1e-12)
    assert res.ri["p_value_coef"] == pytest.approx(_brute_p(df, 0.0, stat="coef"), abs=1e-12)
    # test inversion: just inside each end not rejected, just outside rejected (by brute force)
    alpha = 1 - res.level
    for end, side in ((res.ci[0], -1), (res.ci[1], +1)):
        assert np.isfinite(end)
        eps = 1e-3 * res.se
        assert _brute_p(df, end - side * eps) > alpha
        assert _brute_p(df, end + side * eps) <= alpha


def test_random_assignments_are_seeded_and_counted():
    rng = np.random.default_rng(11)
    df = _panel(40, 6, lambda u, t: (u < 4) & (t >= 3), effect=0.0, rng=rng)
    assert count_assignments(40, [4]) == 91_390  # > cap: sampled
    a = _fit(df, se="ri", reps=999, seed=5)
    b = _fit(df, se="ri", reps=999, seed=5)
    c = _fit(df, se="ri", reps=999, seed=6)
    assert not a.ri["enumerated"] and a.ri["reps"] == 1000  # 999 draws + the observed assignment
    assert a.p_value == b.p_value and a.ci == b.ci
    assert a.p_value != c.p_value or a.ci != c.ci
    # the p-value's floor with the observed assignment included
    assert a.p_value >= 1 / 1000


def test_ri_refuses_2x2_and_within_cluster_variation():
    rng = np.random.default_rng(0)
    df = _panel(10, 4, lambda u, t: (u < 2) & (t >= 2), effect=0.0, rng=rng)
    df["post"] = (df["t"] >= 2).astype(int)
    df["tr"] = (df["u"] < 2).astype(int)
    with pytest.raises(SpecificationError, match="unit and time"):
        did(df, outcome="y", treated="tr", post="post", se="ri", cluster="u")
    df["region"] = df["u"] // 5  # units 0-4 in one cluster, only 0-1 treated
    with pytest.raises(SpecificationError, match="differs within cluster"):
        _fit(df, se="ri", cluster="region")
