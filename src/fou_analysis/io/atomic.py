"""Atomic file writing, hashing and provenance records.

Atomic write: the content goes to a temporary file in the *same directory* (same file system),
is flushed and fsync'ed, then :func:`os.replace` swaps it in. A crash or an exception mid-write
leaves the old file (or no file) — never a half-written one — and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.io._common import as_path

_CHUNK = 1 << 20


@contextlib.contextmanager
def _temp_beside(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; fsync it and swap it in on success."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise SpecificationError(f"cannot write {path}: directory {directory} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically; return the path.

    The file is private (0600) unless ``mode`` is given (e.g. ``0o644`` for a report to share).
    """
    p = as_path(path)
    with _temp_beside(p) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
    return p


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (temporary file + :func:`os.replace`).

    Parameters
    ----------
    path
        Target file; its directory must exist.
    text
        Content.
    encoding
        Text encoding (UTF-8).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    if not isinstance(text, str):
        raise SpecificationError(f"atomic_write_text needs a str, got {type(text).__name__}")
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_with(path: str | os.PathLike[str], writer: Callable[[Path], Any]) -> Path:
    """Let ``writer(tmp_path)`` produce the file, then swap it in atomically.

    For libraries that insist on writing to a path themselves (pyarrow).
    """
    p = as_path(path)
    with _temp_beside(p) as tmp:
        writer(tmp)
    return p


def sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes (read in binary, read-only).

    Raises
    ------
    DataError
        The file does not exist or cannot be read.
    """
    p = as_path(path)
    if not p.is_file():
        raise DataError("file does not exist" if not p.exists() else "not a regular file", file=p)
    h = hashlib.sha256()
    try:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                h.update(chunk)
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", file=p) from exc
    return h.hexdigest()


def _source_record(p: Path) -> dict[str, Any]:
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file())
        h = hashlib.sha256()
        for f in files:
            h.update(f"{f.relative_to(p).as_posix()}:{sha256(f)}\n".encode())
        return {"path": str(p), "sha256": h.hexdigest(), "files": len(files)}
    return {"path": str(p), "sha256": sha256(p), "bytes": p.stat().st_size}


def provenance(
    sources: Iterable[str | os.PathLike[str]],
    *,
    parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A provenance record for a derived table.

    Parameters
    ----------
    sources
        The raw files (or SurveyXact folders) the table was derived from.
    parameters
        JSON-serialisable parameters of the derivation.

    Returns
    -------
    dict
        ``sources`` (path, sha256, bytes), ``package`` and ``version``
        (``fou_analysis.__version__``), ``created_utc`` (ISO 8601) and ``parameters``.

    Raises
    ------
    DataError
        A source does not exist.
    """
    from fou_analysis import __version__

    if isinstance(sources, str | os.PathLike):
        sources = [sources]
    records = []
    for s in sources:
        p = as_path(s)
        if not p.exists():
            raise DataError("provenance source does not exist", file=p)
        records.append(_source_record(p))
    return {
        "sources": records,
        "package": "fou_analysis",
        "version": __version__,
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "parameters": dict(parameters or {}),
    }
