"""Write the demo data into ``<root>/data/raw/<case>/`` without ever touching real data.

A case folder records what demo wrote in ``.fou-demo.json`` (file → SHA-256). A file counts as
"written by demo" only if it is listed there with an unchanged checksum. Rules:

* empty or missing folder → write everything;
* folder with any file *not* written by demo (real data, or a demo file someone edited) →
  leave the whole folder alone, even with ``overwrite=True``;
* folder holding only demo files → leave it alone unless ``overwrite=True``, then rewrite it;
* with ``missing_only=True``, a folder whose marker lists every file in it gets the demo files
  it lacks (a file added to the demo later, such as the barometer export), generated with the
  marker's seed; no file there is rewritten, an edited one included, and a folder without a
  marker or with a file the marker does not list is left alone.

Files are written atomically (temporary file + rename), so an interrupted run never leaves a
half-written CSV that looks like real data.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from os import PathLike
from pathlib import Path, PurePosixPath

from fou_analysis.demo.generate import CASES, DEFAULT_SEED, _check_case, render
from fou_analysis.exceptions import SpecificationError

MARKER = ".fou-demo.json"
# Placeholders and desktop litter are not data: they neither block nor get removed.
IGNORED = {MARKER, ".gitkeep", ".keep", ".DS_Store", "Thumbs.db"}


class DemoWriteResult(dict):
    """``{case: [paths written]}``; ``skipped`` maps each case left alone to the files that made it so."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: dict[str, list[Path]] = {}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _existing_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in IGNORED)


def recorded_files(folder: str | PathLike[str]) -> dict[str, str]:
    """What demo wrote into ``folder``: ``{relative posix path: SHA-256}`` from its marker.

    Empty when the folder has no (readable) ``.fou-demo.json``: nothing there counts as demo.
    """
    marker = Path(folder) / MARKER
    if not marker.is_file():
        return {}
    try:
        files = json.loads(marker.read_text(encoding="utf-8")).get("files", {})
    except (json.JSONDecodeError, AttributeError, OSError, UnicodeDecodeError):
        return {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def demo_sha256(folder: str | PathLike[str], rel: str) -> str | None:
    """The SHA-256 demo recorded for ``rel`` (a file or a sub-folder of ``folder``), else ``None``.

    A sub-folder (a SurveyXact export) is hashed the way :func:`fou_analysis.io.provenance` hashes
    a folder — one line ``"<path inside the folder>:<sha256>\\n"`` per file, in path order — so the
    result can be compared with a provenance record: equal means the input was demo's, unchanged.
    """
    recorded = recorded_files(folder)
    rel = PurePosixPath(rel).as_posix()
    if rel in recorded:
        return recorded[rel]
    inside = {PurePosixPath(k).relative_to(rel): v for k, v in recorded.items() if k.startswith(rel + "/")}
    if not inside:
        return None
    h = hashlib.sha256()
    for sub in sorted(inside):
        h.update(f"{sub.as_posix()}:{inside[sub]}\n".encode())
    return h.hexdigest()


def _foreign_files(folder: Path, existing: list[Path]) -> list[Path]:
    """Existing files that demo did not write (or that were changed since)."""
    recorded = recorded_files(folder)
    return [p for p in existing if recorded.get(p.relative_to(folder).as_posix()) != _sha(p)]


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _marker_seed(folder: Path) -> int | None:
    try:
        seed = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("seed")
    except (json.JSONDecodeError, AttributeError, OSError, UnicodeDecodeError):
        return None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def _write_marker(folder: Path, seed: int, hashes: dict[str, str]) -> Path:
    marker = {
        "generator": "fou_analysis.demo",
        "seed": seed,
        "synthetic": True,
        "files": dict(sorted(hashes.items())),
    }
    path = folder / MARKER
    _atomic_write(path, (json.dumps(marker, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def _add_missing(folder: Path, existing: list[Path], seed: int, result: DemoWriteResult, case: str) -> None:
    """Write the demo files ``folder`` lacks, if its marker lists every file in it."""
    recorded = recorded_files(folder)
    unlisted = [p for p in existing if p.relative_to(folder).as_posix() not in recorded]
    if not recorded or unlisted:
        result[case] = []
        result.skipped[case] = unlisted or existing
        return
    recorded_seed = _marker_seed(folder)
    seed = seed if recorded_seed is None else recorded_seed
    files = render(case, seed)
    missing = {rel: data for rel, data in files.items() if not (folder / rel).exists()}
    written = []
    for rel, data in missing.items():
        _atomic_write(folder / rel, data)
        written.append(folder / rel)
    if written:
        hashes = {**recorded, **{rel: hashlib.sha256(data).hexdigest() for rel, data in missing.items()}}
        written.append(_write_marker(folder, seed, hashes))
    result[case] = written


def write_demo(
    root: str | PathLike[str],
    *,
    cases: Iterable[str] | None = None,
    overwrite: bool = False,
    seed: int = DEFAULT_SEED,
    missing_only: bool = False,
) -> DemoWriteResult:
    """Write synthetic demo data for the seed cases into ``<root>/data/raw/<case>/``.

    Parameters
    ----------
    root
        Project root; files go to ``<root>/data/raw/<case>/``.
    cases
        Cases to write (default: ``utstyrsbu``, ``noen``, ``friskgarden``).
    overwrite
        Rewrite a folder that holds only files demo wrote earlier. Folders with any other file
        are never touched.
    seed
        Generator seed; the same seed gives byte-identical files.
    missing_only
        In a folder of demo files, add only the files it lacks (with the seed its marker
        records); never rewrite one. Cannot be combined with ``overwrite``.

    Returns
    -------
    DemoWriteResult
        A dict ``{case: [paths written]}`` (empty list for a case left alone) whose ``skipped``
        attribute maps each case left alone to the existing files that caused it.

    Examples
    --------
    >>> import tempfile
    >>> from fou_analysis import demo
    >>> written = demo.write_demo(tempfile.mkdtemp(), cases=["noen"])
    >>> sorted(p.name for p in written["noen"])[:2]
    ['.fou-demo.json', 'README.md']
    """
    selected = list(CASES if cases is None else cases)
    for case in selected:
        _check_case(case)
    if missing_only and overwrite:
        raise SpecificationError("missing_only adds files without rewriting any; it cannot go with overwrite")
    result = DemoWriteResult()
    for case in selected:
        folder = Path(root) / "data" / "raw" / case
        existing = _existing_files(folder)
        if existing and missing_only:
            _add_missing(folder, existing, seed, result, case)
            continue
        if existing:
            foreign = _foreign_files(folder, existing)
            if foreign or not overwrite:
                result[case] = []
                result.skipped[case] = foreign or existing
                continue
        files = render(case, seed)
        for old in existing:  # only demo files reach this point; drop those the new set lacks
            if old.relative_to(folder).as_posix() not in files:
                old.unlink()
        written = []
        for rel, data in files.items():
            path = folder / rel
            _atomic_write(path, data)
            written.append(path)
        marker_path = _write_marker(
            folder, seed, {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
        )
        result[case] = [*written, marker_path]
    return result
