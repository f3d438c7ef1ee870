"""Memory of *this* process from ``/proc/self/status`` (Linux), for benchmarks run in a fresh process.

Why not ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries the peak of the process
image before ``exec`` into it, so a child started by a large parent reports the parent's peak
(the README once showed 825 MB for a TWFE fit whose own peak was 555 MB). ``VmHWM`` belongs to
the current address space only, and writing ``5`` to ``/proc/self/clear_refs`` resets it to the
current resident size, so the peak of one step can be measured on its own.
"""

from __future__ import annotations


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # kB
    return float("nan")


def rss_mb() -> float:
    """Resident set size now (MB)."""
    return _status_mb("VmRSS")


def peak_mb() -> float:
    """Peak resident set size of this process since start or the last :func:`reset_peak` (MB)."""
    return _status_mb("VmHWM")


def reset_peak() -> bool:
    """Reset the peak to the current resident size; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False
