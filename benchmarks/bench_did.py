"""Benchmarks for the difference-in-differences family against peers (run on demand; prints figures).

    .venv/bin/python benchmarks/bench_did.py            # both parts, ours only where a peer is missing
    make bench-peers                                    # once: .venv-bench/ with the pinned peers
    .venv-bench/bin/python benchmarks/bench_did.py twfe --reps 5
    .venv-bench/bin/python benchmarks/bench_did.py wild --reps 3

Peers come from ``benchmarks/requirements-peers.txt`` (never from requirements.lock); each part
says which peer and version it ran against, or that the peer is not installed.

1. ``wild``: wild cluster bootstrap, 9,999 draws, TWFE on a 357-municipality × 16-year panel
   with 30 treated municipalities: ``did(se="wild")`` against ``wildboottest`` (dummy-variable
   model), alternating ours, peer, ours, … in one process; the peer's first call includes its
   numba compilation. p-values agree up to Monte Carlo error (sd of the difference ≈
   ``sqrt(2 p (1 − p) / 9999)``).
2. ``twfe``: 1,000,000 person-month rows (50,000 persons × 20 months), person and month fixed
   effects, person-clustered SE. The data are written to a parquet file first; every
   measurement is a FRESH process (``--child``) that imports its library, warms up on 2 % of the
   persons (first-call costs: lazy imports, thread pools), reads the parquet file and times one
   fit (wall time, and CPU time of all its threads). Sides, alternating for ``--reps`` rounds: ``fou`` (the TWFE engine ``effects._fe``:
   codes, absorption, cluster SE, from the DataFrame's columns), ``pyfixest``
   (``feols("y ~ treated:post | person + month", vcov={"CRV1": "person"})`` with
   ``ssc(k_fixef="full")``, i.e. the fixed effects counted in K as statsmodels and ``did`` do) and
   ``fou-did`` (the whole ``did(...)`` call, with its diagnostics: pre-trend fit, switch-off and
   timing checks, group means). Memory: the child's own ``VmHWM`` (``_memory.py``; not
   ``ru_maxrss``, which carries the parent's peak into a child), reset just before the fit, so
   ``fit MB`` is the fit's own peak above the resident size before it; ``peak MB`` is the whole
   process (Python, libraries, data, fit). Coefficient and SE must agree to 1e-6 (relative).
   ``--statsmodels``: for scale, statsmodels with dummy variables on 10,000 rows.

Timings depend on machine load: the load average is printed before and after, and with each
measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _fresh import load as _load
from _fresh import version as _version


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


def bench_wild(reps: int) -> None:
    from fou_analysis.effects.did import did

    df = _municipal_panel()
    version = _version("wildboottest")
    print(
        f"[wild] load before {_load()}; peer: " + (f"wildboottest {version}" if version else "not installed")
    )
    if version:
        import statsmodels.formula.api as smf
        from wildboottest.wildboottest import wildboottest

        df["d"] = df["treated"] * df["post"]
        model = smf.ols("y ~ d + C(kommune) + C(year)", data=df)
    ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
    for r in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
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
        ours.append(time.perf_counter() - t0)
        ours_cpu.append(time.process_time() - c0)
        print(
            f"[wild] round {r + 1} fou did(se='wild'): {ours[-1]:.2f} s (CPU {ours_cpu[-1]:.2f} s), "
            f"p = {res.p_value:.4f} (load {_load()})"
        )
        if not version:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0, c0 = time.perf_counter(), time.process_time()
            peer = wildboottest(model, param="d", cluster=df["kommune"], B=9999, seed=2, show=False)
            theirs.append(time.perf_counter() - t0)
            theirs_cpu.append(time.process_time() - c0)
        p_peer = float(peer["p-value"].iloc[0])
        note = " (incl. numba compile)" if r == 0 else ""
        print(
            f"[wild] round {r + 1} wildboottest: {theirs[-1]:.2f} s (CPU {theirs_cpu[-1]:.2f} s){note}, "
            f"p = {p_peer:.4f} (load {_load()})"
        )
    print(
        f"[wild] fou: median {np.median(ours):.2f} s, min {min(ours):.2f} s, CPU median {np.median(ours_cpu):.2f} s; CI by inversion = "
        f"({res.ci[0]:.4f}, {res.ci[1]:.4f})"
    )
    if version:
        sd = np.sqrt(2 * res.p_value * (1 - res.p_value) / 9999)
        warm = theirs[1:] or theirs
        print(
            f"[wild] wildboottest {version}: median {np.median(theirs):.2f} s, min {min(theirs):.2f} s, "
            f"first {theirs[0]:.2f} s, CPU median {np.median(theirs_cpu):.2f} s; p difference {res.p_value - p_peer:+.4f} (MC sd {sd:.4f}); "
            f"speed-up median ×{np.median(theirs) / np.median(ours):.0f} "
            f"(after compilation ×{np.median(warm) / np.median(ours):.0f}; CPU "
            f"×{np.median(theirs_cpu) / np.median(ours_cpu):.0f}); load after {_load()}"
        )


def _person_months(persons: int, months: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(persons), months)
    month = np.tile(np.arange(months), persons)
    treated = (person < persons // 4).astype(np.int8)
    post = (month >= months * 3 // 5).astype(np.int8)
    y = rng.normal(size=persons)[person] + 0.02 * month + 0.1 * treated * post + rng.normal(size=person.size)
    return pd.DataFrame({"person": person, "month": month, "treated": treated, "post": post, "y": y})


def _fit_function(side: str):
    """The timed call of one side: DataFrame in, (coefficient, SE) out."""
    if side == "pyfixest":
        import pyfixest as pf

        ssc = pf.ssc(k_fixef="full")

        def fit(df: pd.DataFrame) -> tuple[float, float]:
            m = pf.feols("y ~ treated:post | person + month", data=df, vcov={"CRV1": "person"}, ssc=ssc)
            return float(m.coef().iloc[0]), float(m.se().iloc[0])

    elif side == "fou":
        from fou_analysis.effects import _fe

        def fit(df: pd.DataFrame) -> tuple[float, float]:
            d = (df["treated"].to_numpy() * df["post"].to_numpy()).astype(float)
            ab = _fe.Absorber([df["person"].to_numpy(), df["month"].to_numpy()])
            f = _fe.ols_absorbed(
                df["y"].to_numpy(float),
                d[:, None],
                ["treated:post"],
                ab,
                se="cluster",
                cluster=df["person"].to_numpy(),
            )
            return float(f.coef[0]), float(f.se[0])

    else:
        from fou_analysis.effects.did import did

        def fit(df: pd.DataFrame) -> tuple[float, float]:
            r = did(
                df, outcome="y", treated="treated", post="post", unit="person", time="month", se="cluster"
            )
            return r.estimate, r.se

    return fit


def twfe_child(side: str, path: str) -> None:
    """One measurement in this fresh process; prints one JSON line."""
    import _memory

    fit = _fit_function(side)
    imports_mb = _memory.rss_mb()
    df = pd.read_parquet(path)
    data_mb = _memory.rss_mb() - imports_mb
    small = df[df["person"] % 50 == 0].reset_index(drop=True)
    fit(small)  # warm-up: first-call costs are not part of the fit
    del small
    before_mb = _memory.rss_mb()
    peak_so_far = _memory.peak_mb()
    reset = _memory.reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    est, se = fit(df)
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    fit_peak = _memory.peak_mb()
    print(
        json.dumps(
            {
                "side": side,
                "rows": len(df),
                "seconds": sec,
                "cpu_seconds": cpu,
                "fit_mb": fit_peak - before_mb if reset else float("nan"),
                "peak_mb": max(peak_so_far, fit_peak),
                "imports_mb": imports_mb,
                "data_mb": data_mb,
                "estimate": est,
                "se": se,
            }
        )
    )


def bench_twfe(reps: int, persons: int, months: int) -> None:
    peer = _version("pyfixest")
    sides = ["fou", "pyfixest", "fou-did"] if peer else ["fou", "fou-did"]
    print(
        f"[twfe] {persons * months:,} rows ({persons:,} persons × {months} months), person + month FE, "
        f"cluster by person; peer: "
        + (
            f"pyfixest {peer}"
            if peer
            else "pyfixest not installed (make bench-peers; run with .venv-bench/bin/python)"
        )
        + f"; numpy {np.__version__}, pandas {pd.__version__}"
    )
    runs: dict[str, list[dict]] = {s: [] for s in sides}
    with tempfile.TemporaryDirectory(prefix="fou-bench-twfe-") as tmp:
        path = Path(tmp) / "panel.parquet"
        _person_months(persons, months).to_parquet(path)
        print(
            f"[twfe] load before {_load()}; {reps} rounds alternating {', '.join(sides)}, each a fresh process"
        )
        for r in range(reps):
            for side in sides:
                load = os.getloadavg()[0]
                out = subprocess.run(
                    [sys.executable, __file__, "--child", side, "--file", str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                m = json.loads(out.stdout.strip().splitlines()[-1]) | {"load1": load}
                runs[side].append(m)
                print(
                    f"[twfe] round {r + 1} {side:8} {m['seconds']:6.3f} s (CPU {m['cpu_seconds']:6.3f} s)  "
                    f"fit {m['fit_mb']:5.0f} MB  "
                    f"peak {m['peak_mb']:5.0f} MB  (load {load:.2f})"
                )
    print(f"[twfe] load after {_load()}")
    print(
        f"[twfe] {'side':8} {'median s':>9} {'min s':>7} {'CPU s':>6} {'fit MB':>7} {'peak MB':>8} {'imports MB':>10}"
        "  estimate, se"
    )
    for side, ms in runs.items():
        sec = [m["seconds"] for m in ms]
        print(
            f"[twfe] {side:8} {np.median(sec):9.3f} {min(sec):7.3f} {np.median([m['cpu_seconds'] for m in ms]):6.3f} "
            f"{np.median([m['fit_mb'] for m in ms]):7.0f} "
            f"{np.median([m['peak_mb'] for m in ms]):8.0f} {np.median([m['imports_mb'] for m in ms]):10.0f}  "
            f"{ms[0]['estimate']:.10f}, {ms[0]['se']:.10f}"
        )
    if peer:
        ref = runs["pyfixest"][0]
        for side in ("fou", "fou-did"):
            ours = runs[side]
            d_est = abs(ours[0]["estimate"] - ref["estimate"]) / abs(ref["estimate"])
            d_se = abs(ours[0]["se"] - ref["se"]) / ref["se"]
            ratio_med = np.median([m["seconds"] for m in runs["pyfixest"]]) / np.median(
                [m["seconds"] for m in ours]
            )
            ratio_min = min(m["seconds"] for m in runs["pyfixest"]) / min(m["seconds"] for m in ours)
            ratio_cpu = np.median([m["cpu_seconds"] for m in runs["pyfixest"]]) / np.median(
                [m["cpu_seconds"] for m in ours]
            )
            mem = np.median([m["fit_mb"] for m in ours]) / np.median([m["fit_mb"] for m in runs["pyfixest"]])
            print(
                f"[twfe] {side} vs pyfixest {peer}: ×{ratio_med:.1f} faster (median), ×{ratio_min:.1f} (min), "
                f"×{ratio_cpu:.1f} less CPU; "
                f"fit memory {mem:.2f}× the peer's; relative difference estimate {d_est:.1e}, se {d_se:.1e} "
                f"({'agree' if max(d_est, d_se) <= 1e-6 else 'DISAGREE'} to 1e-6)"
            )


def _statsmodels_scale() -> None:
    import statsmodels.formula.api as smf

    from fou_analysis.effects.did import did

    df = _person_months(500, 20, seed=1)
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
        f"[twfe] 10,000 rows: statsmodels dummies {sm_sec:.2f} s vs fou did {our_sec:.3f} s; "
        f"|Δse| = {abs(ref.bse['d'] - res.se):.1e}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parts", nargs="*", help="wild, twfe (default: both)")
    ap.add_argument("--reps", type=int, default=None, help="rounds (twfe: 5, wild: 3)")
    ap.add_argument("--persons", type=int, default=50_000)
    ap.add_argument("--months", type=int, default=20)
    ap.add_argument(
        "--statsmodels", action="store_true", help="twfe: also time statsmodels dummies on 10,000 rows"
    )
    ap.add_argument("--child", choices=["fou", "fou-did", "pyfixest"])
    ap.add_argument("--file")
    args = ap.parse_args()
    if args.child:
        twfe_child(args.child, args.file)
        return
    parts = args.parts or ["wild", "twfe"]
    if set(parts) - {"wild", "twfe"}:
        ap.error(f"parts are wild and twfe, not {parts}")
    print(f"load average (1, 5, 15 min): {_load()}, cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
    if "wild" in parts:
        bench_wild(args.reps or 3)
    if "twfe" in parts:
        bench_twfe(args.reps or 5, args.persons, args.months)
        if args.statsmodels:
            _statsmodels_scale()


if __name__ == "__main__":
    main()
