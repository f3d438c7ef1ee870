"""Benchmark: aggregate a 10-million-row person-month register extract, workbench vs pandas.

Run on demand (not part of the test suite)::

    .venv/bin/python benchmarks/bench_register.py            # 10 million rows, CSV and Parquet
    .venv/bin/python benchmarks/bench_register.py --rows 1000000 --formats csv

It writes a synthetic extract (columns ``lopenr, kommunenr, aarmnd, status``; months 2015-01 to
2024-12; historical municipality codes that change with the year — Steinkjer 1702/5004/5006,
Verran 1724/5039, Halden 0101/3001/3101, Ålesund 1504/1507/1508, Snillfjord 1613/5012 (split),
Tromsø 1902/5401/5501 …) with DuckDB into a temporary folder, then runs each path in a *fresh*
Python process, one after the other:

* ``workbench``: :func:`fou_analysis.clean.aggregate_register` (DuckDB, memory_limit 1GB, 2 threads;
  harmonises codes with the validity checks, aggregates to 2024 municipality x year);
* ``pandas``: ``read_csv``/``read_parquet`` + ``map`` of the code to its 2024 group +
  ``groupby(...).agg(size, nunique, sum)`` — the plain baseline (no validity checks).

Wall time is measured by the parent around the child process (interpreter start and imports
included); peak memory is the child's own peak resident set size (``VmHWM``, ``_memory.py``:
not ``getrusage(RUSAGE_SELF).ru_maxrss``, which carries the parent's peak — here the DuckDB
generation — into the child).
Both paths must produce the same totals. Targets: workbench >= 3x faster, peak RSS <= 2 GB.
The machine may be shared: figures are indicative.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Each kind of person lives in one place; the code depends on the year (CASE below).
_CODE_SQL = """
CASE kind
  WHEN 0 THEN CASE WHEN y <= 2017 THEN '1702' WHEN y <= 2019 THEN '5004' ELSE '5006' END
  WHEN 1 THEN CASE WHEN y <= 2017 THEN '1724' WHEN y <= 2019 THEN '5039' ELSE '5006' END
  WHEN 2 THEN CASE WHEN y <= 2019 THEN '0101' WHEN y <= 2023 THEN '3001' ELSE '3101' END
  WHEN 3 THEN '0301'
  WHEN 4 THEN CASE WHEN y <= 2017 THEN '1601' ELSE '5001' END
  WHEN 5 THEN CASE WHEN y <= 2017 THEN '1613' WHEN y <= 2019 THEN '5012' ELSE '5059' END
  WHEN 6 THEN CASE WHEN y <= 2019 THEN '1504' WHEN y <= 2023 THEN '1507' ELSE '1508' END
  WHEN 7 THEN CASE WHEN y <= 2019 THEN '1201' ELSE '4601' END
  WHEN 8 THEN CASE WHEN y <= 2019 THEN '1902' WHEN y <= 2023 THEN '5401' ELSE '5501' END
  ELSE CASE WHEN y <= 2019 THEN '1001' ELSE '4204' END
END
"""


def _version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


def generate(folder: Path, rows: int, formats: list[str]) -> dict[str, Path]:
    import duckdb

    con = duckdb.connect(config={"memory_limit": "1GB", "threads": 2})
    query = f"""
        SELECT lopenr, {_CODE_SQL} AS kommunenr, y * 100 + m AS aarmnd, status FROM (
          SELECT 100000 + i // 120 AS lopenr, CAST(hash(i // 120) % 10 AS INTEGER) AS kind,
                 2015 + (i % 120) // 12 AS y, (i % 12) + 1 AS m,
                 CAST(1 + hash(i * 7 + 3) % 4 AS INTEGER) AS status
          FROM range({rows}) t(i))
    """
    out = {}
    if "csv" in formats:
        out["csv"] = folder / "register.csv"
        con.execute(f"COPY ({query}) TO '{out['csv']}' (HEADER, DELIMITER ',')")
    if "parquet" in formats:
        out["parquet"] = folder / "register.parquet"
        con.execute(f"COPY ({query}) TO '{out['parquet']}' (FORMAT parquet)")
    con.close()
    return out


def run_workbench(path: str) -> dict:
    from fou_analysis.clean import aggregate_register

    out, _ = aggregate_register(path, memory_limit="1GB", threads=2)
    return {
        "groups": len(out),
        "person_months": int(out["person_months"].sum()),
        "persons": int(out["persons"].sum()),
        "positive_months": int(out["positive_months"].sum()),
    }


def run_pandas(path: str) -> dict:
    import io
    from importlib import resources

    import pandas as pd

    text = resources.files("fou_analysis.data").joinpath("kommuner_1994_2024.csv").read_text(encoding="utf-8")
    table = pd.read_csv(io.StringIO(text), comment="#", dtype=str)
    group = dict(zip(table["code"], table["group_code"], strict=True))
    if path.endswith(".parquet"):
        df = pd.read_parquet(path)
    else:
        df = pd.read_csv(path, dtype={"kommunenr": str})
    df["grp"] = df["kommunenr"].str.zfill(4).map(group)
    df["year"] = df["aarmnd"] // 100
    df["pos"] = df["status"].isin([1, 2])
    out = df.groupby(["grp", "year"]).agg(
        person_months=("lopenr", "size"), persons=("lopenr", "nunique"), positive_months=("pos", "sum")
    )
    return {
        "groups": len(out),
        "person_months": int(out["person_months"].sum()),
        "persons": int(out["persons"].sum()),
        "positive_months": int(out["positive_months"].sum()),
    }


def child(which: str, path: str) -> None:
    import _memory

    t0 = time.perf_counter()
    result = run_workbench(path) if which == "workbench" else run_pandas(path)
    result["compute_s"] = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_s"] = usage.ru_utime + usage.ru_stime  # all threads, imports included
    result["peak_rss_mb"] = _memory.peak_mb()  # this process's own peak
    print(json.dumps(result))


def measure(which: str, path: Path, repeat: int) -> dict:
    """Best (lowest wall time) of ``repeat`` fresh-process runs."""
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", which, "--file", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - t0
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["wall_s"] = wall
        if best is None or wall < best["wall_s"]:
            best = result
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--formats", default="csv,parquet")
    ap.add_argument("--repeat", type=int, default=2, help="fresh-process runs per path; the fastest is shown")
    ap.add_argument("--child", choices=["workbench", "pandas"])
    ap.add_argument("--file")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.file)
        return
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    with tempfile.TemporaryDirectory(prefix="fou-bench-") as tmp:
        t0 = time.perf_counter()
        files = generate(Path(tmp), args.rows, formats)
        gen = time.perf_counter() - t0
        sizes = {k: os.path.getsize(v) / 1e6 for k, v in files.items()}
        print(
            f"generated {args.rows:,} person-months in {gen:.1f} s: "
            + ", ".join(f"{k} {v:.0f} MB" for k, v in sizes.items())
        )
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'format':8} {'path':10} {'wall s':>8} {'compute s':>10} {'CPU s':>8} {'peak RSS MB':>12}")
        for fmt, path in files.items():
            res = {w: measure(w, path, args.repeat) for w in ("workbench", "pandas")}
            for w, r in res.items():
                print(
                    f"{fmt:8} {w:10} {r['wall_s']:8.2f} {r['compute_s']:10.2f} {r['cpu_s']:8.2f} {r['peak_rss_mb']:12.0f}"
                )
            keys = ("groups", "person_months", "persons", "positive_months")
            same = all(res["workbench"][k] == res["pandas"][k] for k in keys)
            wb, pdr = res["workbench"], res["pandas"]
            print(
                f"{fmt:8} pandas/workbench: wall {pdr['wall_s'] / wb['wall_s']:.1f}x, "
                f"compute {pdr['compute_s'] / wb['compute_s']:.1f}x, CPU {pdr['cpu_s'] / wb['cpu_s']:.1f}x, "
                f"peak RSS {pdr['peak_rss_mb'] / wb['peak_rss_mb']:.1f}x; same totals: {same}"
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        print(f"duckdb {_version('duckdb')}, pandas {_version('pandas')}, pyarrow {_version('pyarrow')}")


if __name__ == "__main__":
    main()
