"""Speed of synthetic control's in-space placebo, workbench vs pysyncon 1.7 (run on demand).

    .venv/bin/python benchmarks/bench_synth.py [--units 357] [--years 16] [--start 11] [--peer-fits 3]

Panel: a simulated factor model with 357 municipalities (Norway's count in 2020-2023) x 16
years, treatment from the 12th year (11 pre-periods, 2008-2018); unit 0 treated, its loadings inside the donors'
hull. Both sides fit on the outcome in every pre-period with V = identity (pysyncon:
``Synth.fit(X0, X1, Z0, Z1, custom_V=ones)``, SLSQP inner solver; workbench: the exact
active-set simplex solver).

(a) workbench: the whole call ``synthetic_control(..., placebo=True, leave_one_out=False)``,
    i.e. the treated fit plus 356 placebo re-fits (each with 355 donors), timed end to end.
(b) pysyncon: ``--peer-fits`` fits (the treated unit, then placebos) timed one by one and
    extrapolated linearly to the 357 fits of a full placebo run.
Also reported: pre-RMSPE on the treated unit for both (the workbench's must not be larger).
Target: (a) about 1 s; ratio >= 1,000x. The machine may be shared (load printed): figures are
indicative.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from fou_analysis.effects.synthetic_control import synthetic_control


def make_panel(units: int, years: int, start: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    F = rng.normal(size=(years, 3)).cumsum(axis=0)
    L = rng.uniform(0, 1, size=(units, 3))
    L[0] = L[1:6].mean(axis=0)
    Y = 50 + np.linspace(0, 5, years) + L @ F.T + rng.normal(scale=0.3, size=(units, years))
    Y[0, start:] -= 2.0
    u, t = np.meshgrid(np.arange(units), np.arange(years), indexing="ij")
    return pd.DataFrame({"kommune": u.ravel(), "year": 2008 + t.ravel(), "y": Y.ravel()})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=357)
    ap.add_argument("--years", type=int, default=16)
    ap.add_argument("--start", type=int, default=11, help="index of the first treated year")
    ap.add_argument("--peer-fits", type=int, default=3)
    args = ap.parse_args()

    d = make_panel(args.units, args.years, args.start)
    start_year = 2008 + args.start
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    t = time.perf_counter()
    res = synthetic_control(
        d,
        outcome="y",
        unit="kommune",
        time="year",
        treated_unit=0,
        treatment_start=start_year,
        leave_one_out=False,
    )
    ours_total = time.perf_counter() - t
    n_fits = 1 + len(res.placebos)

    peer_rows = []
    try:
        import pysyncon
    except ImportError:  # pragma: no cover - optional peer
        pysyncon = None
    if pysyncon is not None:
        W = d.pivot(index="year", columns="kommune", values="y")
        pre = W.index < start_year
        for j in range(args.peer_fits):
            X1 = W.loc[pre, j]
            # treated unit: all others are donors; placebo j: all but j and the treated unit
            X0 = W.loc[pre, [c for c in W.columns if c not in (0, j)]]
            t = time.perf_counter()
            s = pysyncon.Synth()
            s.fit(X0=X0, X1=X1, Z0=X0, Z1=X1, custom_V=np.ones(int(pre.sum())))
            dt = time.perf_counter() - t
            w = np.asarray(s.W, dtype=float)
            rmspe = float(np.sqrt(np.mean((X1.to_numpy() - X0.to_numpy() @ w) ** 2)))
            peer_rows.append((j, dt, rmspe))

    print(f"panel: {args.units} units x {args.years} years, {args.start} pre-periods; load avg {load:.2f}")
    print()
    print(f"{'':38s}{'seconds':>10s}{'fits':>7s}{'s/fit':>10s}")
    print(
        f"{'workbench full placebo (measured)':38s}{ours_total:10.3f}{n_fits:7d}{ours_total / n_fits:10.5f}"
    )
    if peer_rows:
        per = float(np.mean([r[1] for r in peer_rows]))
        print(f"{'pysyncon per fit (measured, mean)':38s}{per:10.3f}{len(peer_rows):7d}{per:10.5f}")
        extrap = per * n_fits
        print(f"{'pysyncon full placebo (extrapolated)':38s}{extrap:10.1f}{n_fits:7d}{per:10.5f}")
        print()
        print(f"speed ratio (pysyncon / workbench, full placebo): {extrap / ours_total:,.0f}x")
        print(f"pre-RMSPE treated unit: workbench {res.pre_rmspe:.6f}  pysyncon {peer_rows[0][2]:.6f}")
        for j, dt, rm in peer_rows[1:]:
            ours_j = float(res.placebos.loc[res.placebos.unit == j, "pre_rmspe"].iloc[0])
            print(f"pre-RMSPE placebo unit {j}: workbench {ours_j:.6f}  pysyncon {rm:.6f}  ({dt:.2f} s)")
    print(f"estimate {res.estimate:.3f} (planted -2.0), permutation p {res.p_value:.4f}")


if __name__ == "__main__":
    main()
