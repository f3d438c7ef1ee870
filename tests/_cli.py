"""Run the ``fou`` command line in a subprocess (shared by the CLI tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fou(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m fou_analysis.cli ARGS`` in *cwd*, output captured as text (5-minute timeout)."""
    return subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
