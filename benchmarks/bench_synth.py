"""Speed of synthetic control's in-space placebo, workbench vs pysyncon (run on demand).

    .venv/bin/python benchmarks/bench_synth.py                    # peer measured where installed
    make bench-peers                                              # once: .venv-bench/ with pysyncon
    .venv-bench/bin/python benchmarks/bench_synth.py [--rounds 3] [--peer-fits 3] [--units 357]

Panel: a simulated factor model with 357 municipalities (Norway's count in 2020-2023) x 16
years, treatment from the 12th year (11 pre-periods, 2008-2018); unit 0 treated, its loadings
inside the donors' hull, a planted effect of -2.0. Both sides fit on the outcome in every
pre-period with V fixed to the identity (pysyncon: ``Synth.fit(X0, X1, Z0, Z1, custom_V=ones)``,
its SLSQP inner solver; workbench: the exact active-set simplex solver).

Every measurement is a fresh process (``_fresh.py``) that imports its library, builds the
panel, warms up on a 30-unit panel (first-call costs), then times:

* ``fou``: the whole call ``synthetic_control(..., placebo=True, leave_one_out=False)``, i.e.
  the treated fit plus 356 placebo re-fits (each with 355 donors);
* ``pysyncon``: ``--peer-fits`` fits (the treated unit, then placebo units 1, 2, ...), each
  timed; its ``seconds`` is the mean per fit x 357, the time of a full placebo run
  extrapolated linearly (a full run would take 10-20 minutes per round).

The sides alternate for ``--rounds`` rounds (fou, pysyncon, fou, ...); median and minimum,
CPU time, the step's own peak memory above the resident size before it and the process peak
(``VmHWM``, ``_memory.py``) are printed, with the 1-minute load before each measurement.
``--threads 1`` caps BLAS threads in both sides' processes: on the shared 2-core machine at
load 4-5 one pysyncon fit took 17 s with OpenBLAS's default threads and 3.8 s with one (at
load < 3 the default was no slower), so compare runs with the same setting.
Agreement: pre-RMSPE of the treated unit and of the placebo units the peer fitted (the
workbench's exact solution must not be larger), and the treated unit's donor weights (largest
absolute and total absolute difference). Target: about 1 s for the full placebo; ratio
>= 1,000x. The machine may be shared: compare the sides within a run.
"""

from __future__ import annotations

import argparse
import json

import _fresh
import numpy as np
import pandas as pd

WARM_UNITS = 30


def make_panel(units: int, years: int, start: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    F = rng.normal(size=(years, 3)).cumsum(axis=0)
    L = rng.uniform(0, 1, size=(units, 3))
    L[0] = L[1:6].mean(axis=0)
    Y = 50 + np.linspace(0, 5, years) + L @ F.T + rng.normal(scale=0.3, size=(units, years))
    Y[0, start:] -= 2.0
    u, t = np.meshgrid(np.arange(units), np.arange(years), indexing="ij")
    return pd.DataFrame({"kommune": u.ravel(), "year": 2008 + t.ravel(), "y": Y.ravel()})


def _child_fou(d: pd.DataFrame, start_year: int, peer_fits: int) -> dict:
    from fou_analysis.effects.synthetic_control import synthetic_control

    def run(data: pd.DataFrame):
        return synthetic_control(
            data,
            outcome="y",
            unit="kommune",
            time="year",
            treated=0,
            treatment_start=start_year,
            leave_one_out=False,
        )

    run(d[d["kommune"] < WARM_UNITS])
    res, m = _fresh.measure_here(lambda: run(d))
    plac = res.placebos.set_index("unit")["pre_rmspe"]
    return m | {
        "fits": 1 + len(res.placebos),
        "pre_rmspe": [float(res.pre_rmspe)] + [float(plac.loc[j]) for j in range(1, peer_fits)],
        "weights": {str(k): float(v) for k, v in res.weights.items()},
        "estimate": float(res.estimate),
        "p_value": float(res.p_value),
    }


def _child_pysyncon(d: pd.DataFrame, start_year: int, peer_fits: int) -> dict:
    import pysyncon

    W = d.pivot(index="year", columns="kommune", values="y")
    pre = W.index < start_year
    v = np.ones(int(pre.sum()))

    def fit(j: int, columns) -> tuple[float, np.ndarray, list]:
        X1 = W.loc[pre, j]
        # treated unit: all others are donors; placebo j: all but j and the treated unit
        donors = [c for c in columns if c not in (0, j)]
        X0 = W.loc[pre, donors]
        s = pysyncon.Synth()
        s.fit(X0=X0, X1=X1, Z0=X0, Z1=X1, custom_V=v)
        w = np.asarray(s.W, dtype=float)
        return float(np.sqrt(np.mean((X1.to_numpy() - X0.to_numpy() @ w) ** 2))), w, donors

    fit(0, list(W.columns[:WARM_UNITS]))
    n_fits = len(W.columns)
    rmspe, per_fit, weights = [], [], {}
    peaks, steps = [], []
    for j in range(peer_fits):
        (r, w, donors), m = _fresh.measure_here(lambda j=j: fit(j, list(W.columns)))
        rmspe.append(r)
        per_fit.append((m["seconds"], m["cpu_seconds"]))
        peaks.append(m["peak_mb"])
        steps.append(m["step_mb"])
        if j == 0:
            weights = {str(k): float(x) for k, x in zip(donors, w, strict=True)}
    sec = float(np.mean([p[0] for p in per_fit]))
    cpu = float(np.mean([p[1] for p in per_fit]))
    return {
        "seconds": sec * n_fits,
        "cpu_seconds": cpu * n_fits,
        "step_mb": max(steps),
        "peak_mb": max(peaks),
        "fits": n_fits,
        "per_fit": [p[0] for p in per_fit],
        "pre_rmspe": rmspe,
        "weights": weights,
    }


def child(side: str, args: argparse.Namespace) -> None:
    d = make_panel(args.units, args.years, args.start)
    start_year = 2008 + args.start
    fn = _child_fou if side == "fou" else _child_pysyncon
    print(json.dumps({"side": side} | fn(d, start_year, args.peer_fits)))


def _agreement(ours: dict, peer: dict) -> None:
    units = ["treated 0"] + [f"placebo {j}" for j in range(1, len(peer["pre_rmspe"]))]
    worse = 0
    for name, a, b in zip(units, ours["pre_rmspe"], peer["pre_rmspe"], strict=True):
        worse += a > b * (1 + 1e-9)
        print(
            f"[synth] pre-RMSPE {name:10}: workbench {a:.6f}  pysyncon {b:.6f}  ({(a / b - 1) * 100:+.1f} %)"
        )
    keys = sorted(set(ours["weights"]) | set(peer["weights"]), key=int)
    wo = np.array([ours["weights"].get(k, 0.0) for k in keys])
    wp = np.array([peer["weights"].get(k, 0.0) for k in keys])
    top = lambda w: ", ".join(f"{keys[i]}: {w[i]:.3f}" for i in np.argsort(-w)[:4])  # noqa: E731
    print(f"[synth] treated weights, largest: workbench {top(wo)}; pysyncon {top(wp)}")
    print(
        f"[synth] treated weights: max |difference| {np.abs(wo - wp).max():.3f}, "
        f"total |difference| {np.abs(wo - wp).sum():.3f} (of 2); donors > 0.001: "
        f"workbench {(wo > 1e-3).sum()}, pysyncon {(wp > 1e-3).sum()}"
    )
    print(
        "[synth] agreement: "
        + (
            "workbench pre-RMSPE no larger than pysyncon's on every unit compared"
            if not worse
            else f"workbench pre-RMSPE LARGER on {worse} unit(s)"
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=357)
    ap.add_argument("--years", type=int, default=16)
    ap.add_argument("--start", type=int, default=11, help="index of the first treated year")
    ap.add_argument("--peer-fits", type=int, default=3, help="pysyncon fits timed per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--threads", type=int, default=None, help="cap BLAS/OpenMP threads in both sides' processes"
    )
    ap.add_argument("--child", choices=["fou", "pysyncon"])
    args = ap.parse_args()
    if args.child:
        child(args.child, args)
        return

    peer = _fresh.version("pysyncon")
    _fresh.header("synth", ["numpy", "scipy", "pandas", "pysyncon"])
    print(
        f"[synth] panel {args.units} units x {args.years} years, {args.start} pre-periods; full in-space "
        f"placebo = {args.units} fits; peer: "
        + (
            f"pysyncon {peer} (fixed V), {args.peer_fits} fits per round extrapolated to {args.units}"
            if peer
            else "pysyncon not installed (make bench-peers; run with .venv-bench/bin/python)"
        )
    )
    sides = ["fou", "pysyncon"] if peer else ["fou"]
    extra = [f"--{k}={getattr(args, k.replace('-', '_'))}" for k in ("units", "years", "start", "peer-fits")]
    runs = _fresh.alternate(
        "synth", __file__, sides, args.rounds, lambda side: [side, *extra], threads=args.threads
    )
    print(f"[synth] load after {_fresh.load()}")
    s = _fresh.summarise("synth", runs)
    ours = runs["fou"][0]
    print(
        f"[synth] workbench: {ours['fits']} fits, median {s['fou']['median'] / ours['fits'] * 1000:.2f} ms per fit; "
        f"estimate {ours['estimate']:.3f} (planted -2.0), permutation p {ours['p_value']:.4f}"
    )
    if peer:
        per_fit = [t for m in runs["pysyncon"] for t in m["per_fit"]]
        for r, m in enumerate(runs["pysyncon"]):
            fits = ", ".join(f"{t:.2f}" for t in m["per_fit"])
            print(f"[synth] pysyncon round {r + 1}, s per fit (treated, placebo 1, 2, ...): {fits}")
        print(
            f"[synth] pysyncon {peer}: {len(per_fit)} fits, median {np.median(per_fit):.2f} s per fit "
            f"(min {min(per_fit):.2f}, max {max(per_fit):.2f}); full placebo extrapolated median "
            f"{s['pysyncon']['median']:.0f} s"
        )
        print(
            f"[synth] pysyncon / workbench, full placebo: x{s['pysyncon']['median'] / s['fou']['median']:,.0f} "
            f"(median), x{s['pysyncon']['min'] / s['fou']['min']:,.0f} (min), "
            f"x{s['pysyncon']['cpu'] / s['fou']['cpu']:,.0f} (CPU)"
        )
        _agreement(ours, runs["pysyncon"][0])


if __name__ == "__main__":
    main()
