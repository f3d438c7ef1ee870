"""Speed of the value subpackage (run on demand, prints figures; not part of the test suite).

    .venv/bin/python benchmarks/bench_value.py [--draws 100000] [--rows 5] [--repeat 5]

Target: ``value.simulate`` with 100 000 draws on a realistic impact map (5 outcome rows, ranges
on proxies and shares, one effect quantity, a discount-rate range) in well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

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


def _time(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    imap = _map(args.rows)
    effects = {"work": _Effect(0.15, 0.05, (0.052, 0.248))}
    kw = {"investment": 3_000_000, "effects": effects, "base_year": 2024}
    value.simulate(imap, draws=1_000, **kw)  # warm-up (imports, bank and index reads)

    cases = {
        f"simulate ({args.draws:,} draws, {args.rows} rows, PERT)": lambda: value.simulate(
            imap, draws=args.draws, discount_rate=(0.02, 0.035, 0.05), **kw
        ),
        f"simulate ({args.draws:,} draws, triangular)": lambda: value.simulate(
            imap, draws=args.draws, discount_rate=(0.02, 0.035, 0.05), distribution="triangular", **kw
        ),
        "sroi (deterministic)": lambda: value.sroi(imap, **kw),
        "tornado (±20 % on fixed parameters)": lambda: value.tornado(imap, relative_swing=0.2, **kw),
        "break_even": lambda: value.break_even(imap, outcome_row=0, **kw),
        "load_impact_map (bank look-ups)": lambda: _map(args.rows),
    }
    print(f"{'case':55s} {'median s':>10s} {'min s':>10s}")
    for name, fn in cases.items():
        times = _time(fn, args.repeat)
        print(f"{name:55s} {statistics.median(times):10.4f} {min(times):10.4f}")


if __name__ == "__main__":
    main()
