"""Speed of the value subpackage (run on demand, prints figures; not part of the test suite).

    .venv/bin/python benchmarks/bench_value.py [--draws 100000] [--rows 5] [--rounds 3]

Target: ``value.simulate`` with 100,000 draws on a realistic impact map (5 outcome rows, ranges
on proxies and shares, one effect quantity, a discount-rate range) in well under a second.

No peer (no Python package computes an SROI with the R-109 rules), so the cases alternate with
each other instead: every measurement is a fresh process (``_fresh.py``) that builds the map,
warms up with 1,000 draws (imports, value bank and price index reads), then times one call with
its own memory (the step's peak above the resident size before it, and the process's peak,
``VmHWM``, ``_memory.py``); ``--rounds`` rounds, median and minimum, the load before each
measurement. The simulations are seeded: the mean ratio must be identical in every process; it
is printed with its Monte Carlo standard error.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

import _fresh
import numpy as np

from fou_analysis import value


@dataclass(frozen=True)
class _Effect:
    estimate: float
    se: float
    ci: tuple[float, float]


def _map(n_rows: int) -> value.ImpactMap:
    rows = []
    for i in range(n_rows):
        rows.append(
            {
                "stakeholder": "youth" if i % 2 else "families",
                "outcome": f"outcome {i}",
                "indicator": "indicator",
                "quantity": "effect:work" if i == 0 else 10 + i,
                "quantity_low": "" if i == 0 else 5 + i,
                "quantity_high": "" if i == 0 else 15 + i,
                "quantity_multiplier": 40 if i == 0 else 1,
                "proxy_id": [
                    "neet_year",
                    "wellby",
                    "ski_rental_season",
                    "caregiver_hour",
                    "nursing_home_place_year",
                ][i % 5],
                "proxy_nok": "",
                "proxy_year": "",
                "proxy_source": "",
                "deadweight": 0.2,
                "deadweight_low": 0.1,
                "deadweight_high": 0.4,
                "displacement": 0.1,
                "displacement_low": 0.0,
                "displacement_high": 0.2,
                "attribution": 0.3,
                "attribution_low": 0.2,
                "attribution_high": 0.5,
                "drop_off": 0.2,
                "drop_off_low": 0.1,
                "drop_off_high": 0.4,
                "duration_years": 1 + i % 5,
            }
        )
    return value.load_impact_map(rows)


CASES = {
    "simulate-pert": "simulate ({draws:,} draws, {rows} rows, PERT)",
    "simulate-triangular": "simulate ({draws:,} draws, triangular)",
    "sroi": "sroi (deterministic)",
    "tornado": "tornado (+-20 % on fixed parameters)",
    "break_even": "break_even",
    "load_impact_map": "load_impact_map (bank look-ups)",
}


def child(case: str, draws: int, rows: int) -> None:
    """One measurement of ``case`` in this fresh process; prints one JSON line."""
    imap = _map(rows)
    effects = {"work": _Effect(0.15, 0.05, (0.052, 0.248))}
    kw = {"investment": 3_000_000, "effects": effects, "base_year": 2024}
    value.simulate(imap, draws=1_000, **kw)  # warm-up (imports, bank and index reads)
    calls = {
        "simulate-pert": lambda: value.simulate(imap, draws=draws, discount_rate=(0.02, 0.035, 0.05), **kw),
        "simulate-triangular": lambda: value.simulate(
            imap, draws=draws, discount_rate=(0.02, 0.035, 0.05), distribution="triangular", **kw
        ),
        "sroi": lambda: value.sroi(imap, **kw),
        "tornado": lambda: value.tornado(imap, relative_swing=0.2, **kw),
        "break_even": lambda: value.break_even(imap, outcome_row=0, **kw),
        "load_impact_map": lambda: _map(rows),
    }
    res, m = _fresh.measure_here(calls[case])
    if case.startswith("simulate"):
        ratio = res.draws["ratio"]
        m |= {
            "ratio_mean": float(ratio.mean()),
            "ratio_mc_se": float(ratio.std(ddof=1) / np.sqrt(len(ratio))),
            "deterministic": float(res.deterministic.ratio),
            "draws": len(ratio),
        }
    print(json.dumps({"side": case} | m))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="cap BLAS/OpenMP threads in the processes")
    ap.add_argument("--child", choices=list(CASES))
    args = ap.parse_args()
    if args.child:
        child(args.child, args.draws, args.rows)
        return
    _fresh.header("value", ["numpy", "scipy", "pandas"])
    print(
        f"[value] peer: none (no Python package computes an SROI with R-109 rules); "
        f"{args.draws:,} draws, {args.rows}-row map; "
        + "; ".join(f"{k} = {v.format(draws=args.draws, rows=args.rows)}" for k, v in CASES.items())
    )
    runs = _fresh.alternate(
        "value",
        __file__,
        list(CASES),
        args.rounds,
        lambda case: [case, f"--draws={args.draws}", f"--rows={args.rows}"],
        threads=args.threads,
    )
    print(f"[value] load after {_fresh.load()}")
    s = _fresh.summarise("value", runs)
    for case in ("simulate-pert", "simulate-triangular"):
        ms = runs[case]
        same = len({m["ratio_mean"] for m in ms}) == 1
        print(
            f"[value] {case}: mean SROI ratio {ms[0]['ratio_mean']:.4f} (Monte Carlo se "
            f"{ms[0]['ratio_mc_se']:.4f}; deterministic {ms[0]['deterministic']:.4f}); "
            f"{'identical' if same else 'DIFFERENT'} in all {len(ms)} processes (seed 0)"
        )
    pert = s["simulate-pert"]
    print(
        f"[value] target simulate {args.draws:,} draws < 1 s: median {pert['median']:.3f} s -> "
        + ("met" if pert["median"] < 1 else "NOT met")
    )


if __name__ == "__main__":
    main()
