"""Paths of the io test fixtures (a uniquely named module: `from conftest import` is ambiguous
when several test folders have a conftest)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FORMATS = FIXTURES / "formats"
BAD = FIXTURES / "bad"
NETTSKJEMA_CSV = FORMATS / "nettskjema" / "data-123823-2025-08-20-1940.txt"
NETTSKJEMA_CODEBOOK = FORMATS / "nettskjema" / "elements-123823.json"
SX = FORMATS / "surveyxact"
SSB = FORMATS / "ssb"


def snapshot(path: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file under ``path`` (or of ``path`` itself)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
