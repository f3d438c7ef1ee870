"""Run benchmark measurements in fresh processes, alternating the sides, and summarise them.

Shared by the benchmark scripts (``bench_synth.py``, ``bench_value.py``) so that each measures
the same way: every measurement is a new ``python <script> --child <side> ...`` process that
prints one JSON line (its own wall and CPU seconds, its own peak memory from ``_memory.py``);
the parent runs the sides in turn for a number of rounds (ours, peer, ours, peer, ...) so that
a change in the shared machine's load falls on both sides, records the 1-minute load average
before each measurement, and prints median and minimum. Hand-written because ``timeit`` and
``pyperf`` time a statement inside one process (they cannot give a process's own peak memory
or include the peer's imports and first-call costs the same way for both sides).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from statistics import median


def version(package: str) -> str | None:
    """Installed version of ``package``; None when it cannot be imported."""
    if importlib.util.find_spec(package) is None:
        return None
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def load() -> str:
    """The 1, 5 and 15-minute load averages as ``"a/b/c"``."""
    return "{:.2f}/{:.2f}/{:.2f}".format(*os.getloadavg())


def header(tag: str, packages: Sequence[str]) -> None:
    """Print the load, the machine and the versions of ``packages`` (``not installed`` if missing)."""
    versions = ", ".join(f"{p} {version(p) or 'not installed'}" for p in packages)
    print(
        f"[{tag}] load average (1, 5, 15 min) {load()}, cpus {os.cpu_count()}, "
        f"python {sys.version.split()[0]}; {versions}"
    )


def thread_env(threads: int | None) -> dict[str, str] | None:
    """The environment with BLAS/OpenMP threads capped at ``threads`` (None: unchanged)."""
    if threads is None:
        return None
    n = str(threads)
    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    return os.environ | dict.fromkeys(names, n)


def run_child(script: str, args: Sequence[str], env: dict[str, str] | None = None) -> dict:
    """Run ``python script --child *args`` in a fresh process; its last stdout line as a dict."""
    out = subprocess.run(
        [sys.executable, script, "--child", *args], capture_output=True, text=True, check=False, env=env
    )
    if out.returncode != 0:
        raise RuntimeError(f"{script} --child {' '.join(args)} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def alternate(
    tag: str,
    script: str,
    sides: Sequence[str],
    rounds: int,
    child_args: Callable[[str], Sequence[str]] = lambda side: (side,),
    threads: int | None = None,
) -> dict[str, list[dict]]:
    """Measure every side once per round, in turn, each in a fresh process.

    ``threads`` caps the BLAS/OpenMP threads of every child (:func:`thread_env`); None leaves
    the libraries' defaults.

    Each child must print a JSON object with at least ``seconds``, ``cpu_seconds`` and
    ``peak_mb``; ``load1`` (the 1-minute load just before the measurement) is added here.
    """
    runs: dict[str, list[dict]] = {s: [] for s in sides}
    env = thread_env(threads)
    print(
        f"[{tag}] {rounds} rounds alternating {', '.join(sides)}, each a fresh process; BLAS threads: "
        + (str(threads) if threads else "library default")
    )
    for r in range(rounds):
        for side in sides:
            load1 = os.getloadavg()[0]
            m = run_child(script, child_args(side), env) | {"load1": load1}
            runs[side].append(m)
            print(
                f"[{tag}] round {r + 1} {side:22} {m['seconds']:8.3f} s (CPU {m['cpu_seconds']:7.3f} s)  "
                f"step {m.get('step_mb', float('nan')):5.0f} MB  peak {m['peak_mb']:5.0f} MB  (load {load1:.2f})"
            )
    return runs


def summarise(tag: str, runs: dict[str, list[dict]]) -> dict[str, dict[str, float]]:
    """Print and return median/min seconds, median CPU and memory, load range per side."""
    print(
        f"[{tag}] {'side':22} {'median s':>9} {'min s':>8} {'CPU s':>8} {'step MB':>8} {'peak MB':>8}  load"
    )
    out = {}
    for side, ms in runs.items():
        sec = [m["seconds"] for m in ms]
        loads = [m["load1"] for m in ms]
        s = {
            "median": median(sec),
            "min": min(sec),
            "cpu": median(m["cpu_seconds"] for m in ms),
            "step_mb": median(m.get("step_mb", float("nan")) for m in ms),
            "peak_mb": median(m["peak_mb"] for m in ms),
        }
        out[side] = s
        print(
            f"[{tag}] {side:22} {s['median']:9.3f} {s['min']:8.3f} {s['cpu']:8.3f} {s['step_mb']:8.0f} "
            f"{s['peak_mb']:8.0f}  {min(loads):.2f}-{max(loads):.2f}"
        )
    return out


def measure_here(fn: Callable[[], object]) -> tuple[object, dict]:
    """In the child: time ``fn()`` once (wall, CPU of all threads) with its own memory.

    ``step_mb`` is the peak above the resident size just before the call (the peak is reset
    first, ``_memory.reset_peak``); ``peak_mb`` is the whole process's peak (interpreter,
    libraries, data, the call).
    """
    import time

    import _memory

    before_mb = _memory.rss_mb()
    peak_so_far = _memory.peak_mb()
    reset = _memory.reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    step_peak = _memory.peak_mb()
    return result, {
        "seconds": sec,
        "cpu_seconds": cpu,
        "step_mb": step_peak - before_mb if reset else float("nan"),
        "peak_mb": max(peak_so_far, step_peak),
    }
