"""Benchmarks for the difference-in-differences family (run on demand; prints figures).

    .venv/bin/python benchmarks/bench_did.py            # both parts
    .venv/bin/python benchmarks/bench_did.py wild       # wild cluster bootstrap vs wildboottest
    .venv/bin/python benchmarks/bench_did.py twfe       # 10^6-row TWFE, time and peak memory

1. Wild cluster bootstrap, 9,999 draws, TWFE on a 357-municipality × 16-year panel with 30
   treated municipalities: ``did(se="wild")`` against ``wildboottest`` 0.3.2 (dummy-variable
   model) in the same run; p-values should agree up to Monte Carlo error
   (sd of the difference ≈ sqrt(2 p (1 − p) / 9999)). Target ≤ 1 s (peer ≈ 18 s).
2. TWFE at register scale: 1,000,000 person-month rows (50,000 persons × 20 months) with person
   and month effects and person-clustered SEs, run in a subprocess to measure its peak RSS.
   Target ≤ 5 s and ≤ 1.5 GB. For scale, statsmodels with dummy variables on 10,000 rows.

Timings depend on machine load (the report states it: ``os.getloadavg``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd


def _municipal_panel(seed: int = 0, units: int = 357, years: int = 16, treated: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), years)
    year = np.tile(np.arange(2009, 2009 + years), units)
    tr = (unit < treated).astype(int)
    post = (year >= 2017).astype(int)
    e = np.empty((units, years))
    e[:, 0] = rng.normal(size=units)
    for s in range(1, years):
        e[:, s] = 0.5 * e[:, s - 1] + rng.normal(size=units) * np.sqrt(0.75)
    y = rng.normal(size=units)[unit] + 0.05 * (year - 2009) + 0.25 * tr * post + e.ravel()
    return pd.DataFrame({"kommune": unit, "year": year, "treated": tr, "post": post, "y": y})


def bench_wild() -> None:
    from fou_analysis.effects.did import did

    df = _municipal_panel()
    t0 = time.perf_counter()
    res = did(
        df,
        outcome="y",
        treated="treated",
        post="post",
        unit="kommune",
        time="year",
        se="wild",
        reps=9999,
        seed=1,
    )
    ours = time.perf_counter() - t0
    print(
        f"[wild] fou did(se='wild'), 9,999 draws, {df.kommune.nunique()} clusters: {ours:.2f} s, "
        f"p = {res.p_value:.4f}, CI by inversion = ({res.ci[0]:.4f}, {res.ci[1]:.4f})"
    )
    try:
        import statsmodels.formula.api as smf
        from wildboottest.wildboottest import wildboottest
    except ImportError:
        print("[wild] wildboottest not installed: no comparison")
        return
    df["d"] = df["treated"] * df["post"]
    model = smf.ols("y ~ d + C(kommune) + C(year)", data=df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        peer = wildboottest(model, param="d", cluster=df["kommune"], B=9999, seed=2, show=False)
        theirs = time.perf_counter() - t0
    p_peer = float(peer["p-value"].iloc[0])
    sd = np.sqrt(2 * res.p_value * (1 - res.p_value) / 9999)
    print(
        f"[wild] wildboottest 0.3.2 (incl. numba compile): {theirs:.2f} s, p = {p_peer:.4f}; "
        f"difference {res.p_value - p_peer:+.4f} (MC sd {sd:.4f}); speed-up ×{theirs / ours:.0f}"
    )


_CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
from fou_analysis.effects.did import did
persons, months = 50_000, 20
rng = np.random.default_rng(0)
person = np.repeat(np.arange(persons), months)
month = np.tile(np.arange(months), persons)
treated = (person < persons // 4).astype(np.int8)
post = (month >= 12).astype(np.int8)
y = rng.normal(size=persons)[person] + 0.02 * month + 0.1 * treated * post + rng.normal(size=person.size)
df = pd.DataFrame({"person": person, "month": month, "treated": treated, "post": post, "y": y})
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
res = did(df, outcome="y", treated="treated", post="post", unit="person", time="month", se="cluster")
sec = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": len(df), "seconds": sec, "peak_mb": peak / 1024, "data_mb": base / 1024,
                  "estimate": res.estimate, "se": res.se}))
"""


def bench_twfe() -> None:
    out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"[twfe] {r['rows']:,} rows, person + month FE, cluster by person: {r['seconds']:.2f} s, "
        f"peak RSS {r['peak_mb']:.0f} MB (of which {r['data_mb']:.0f} MB before the fit: Python, "
        f"libraries, data); estimate {r['estimate']:.4f} (planted 0.1), se {r['se']:.4f}"
    )
    import statsmodels.formula.api as smf

    from fou_analysis.effects.did import did

    rng = np.random.default_rng(1)
    persons, months = 500, 20
    person = np.repeat(np.arange(persons), months)
    month = np.tile(np.arange(months), persons)
    df = pd.DataFrame(
        {
            "person": person,
            "month": month,
            "treated": (person < 125).astype(int),
            "post": (month >= 12).astype(int),
        }
    )
    df["y"] = rng.normal(size=persons)[person] + 0.1 * df.treated * df.post + rng.normal(size=len(df))
    df["d"] = df.treated * df.post
    t0 = time.perf_counter()
    ref = smf.ols("y ~ d + C(person) + C(month)", data=df).fit(
        cov_type="cluster", cov_kwds={"groups": df["person"].to_numpy()}, use_t=True
    )
    sm_sec = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = did(df, outcome="y", treated="treated", post="post", unit="person", time="month")
    our_sec = time.perf_counter() - t0
    print(
        f"[twfe] 10,000 rows: statsmodels dummies {sm_sec:.2f} s vs fou {our_sec:.3f} s; "
        f"|Δse| = {abs(ref.bse['d'] - res.se):.1e}"
    )


if __name__ == "__main__":
    parts = sys.argv[1:] or ["wild", "twfe"]
    print(f"load average (1, 5, 15 min): {os.getloadavg()}, cpus: {os.cpu_count()}")
    if "wild" in parts:
        bench_wild()
    if "twfe" in parts:
        bench_twfe()
