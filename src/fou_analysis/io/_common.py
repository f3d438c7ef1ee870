"""Helpers shared by the readers: opening raw files read-only, metadata, row numbers.

Every reader opens its raw input once, in binary read-only mode, hashes the bytes it read and
never writes anything next to the file. The metadata every reader attaches lives in
``df.attrs["fou"]`` (a plain dict, see :func:`make_meta`).

Row numbers
-----------
A :class:`DataError` or a validation :class:`~fou_analysis.io.Problem` names the row as a person
counts lines in the file (header = row 1). Readers store a compact *row map* in
``attrs["fou"]["row_map"]``: a list of ``[start, first_row, where]`` segments meaning "the frame
row with index label ``start + k`` came from file row ``first_row + k`` (in sheet/table
``where``, or ``None``)". One segment covers a plain CSV; a record spanning several lines (a
quoted line break) or a new Excel sheet starts a new segment. Because it is keyed on the index
*label*, the map survives filtering as long as the index is not reset.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fou_analysis.exceptions import DataError


def as_path(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a :class:`Path`; reject objects that are not paths."""
    if not isinstance(path, str | os.PathLike):
        raise DataError(f"expected a file path, got {type(path).__name__}")
    return Path(path)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a raw file in binary read-only mode, naming the file in every failure."""
    p = as_path(path)
    if not p.exists():
        raise DataError("file does not exist", file=p)
    if p.is_dir():
        raise DataError("expected a file, found a directory", file=p)
    try:
        with open(p, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", file=p) from exc


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class FouMeta(dict):
    """The ``attrs["fou"]`` dict. A deep copy of it copies only the top level.

    pandas deep-copies ``DataFrame.attrs`` on nearly every operation (each ``df[col]``); with a
    survey's label maps that made a loop over 242 columns 40 times slower. The nested maps are
    therefore shared between a frame and the frames derived from it: treat them as read-only
    (copy before changing one).
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> FouMeta:
        return FouMeta(self)


def make_meta(path: str | os.PathLike[str], data: bytes | None, fmt: str, **extra: Any) -> FouMeta:
    """The ``attrs["fou"]`` dict: source, sha256, format plus reader-specific keys."""
    meta = FouMeta(
        {
            "source": str(path),
            "sha256": None if data is None else sha256_bytes(data),
            "format": fmt,
        }
    )
    meta.update(extra)
    return meta


class RowMap:
    """Builds the segment list described in the module docstring."""

    def __init__(self) -> None:
        self.segments: list[list[Any]] = []
        self._n = 0

    def add(self, file_row: int, where: str | None = None) -> None:
        """Register that the next frame row came from ``file_row``."""
        if self.segments:
            start, first, seg_where = self.segments[-1]
            if seg_where == where and first + (self._n - start) == file_row:
                self._n += 1
                return
        self.segments.append([self._n, file_row, where])
        self._n += 1

    def to_list(self) -> list[list[Any]]:
        return [list(s) for s in self.segments]


def simple_row_map(n_rows: int, first_row: int = 2, where: str | None = None) -> list[list[Any]]:
    """Row map for a table whose data rows follow each other from ``first_row``."""
    return [[0, first_row, where]] if n_rows else []


def file_row(row_map: Sequence[Sequence[Any]] | None, label: Any) -> tuple[int | None, str | None]:
    """Translate a frame index label into ``(file row, where)`` using a row map."""
    if not row_map or not isinstance(label, int | float) or isinstance(label, bool):
        return None, None
    try:
        pos = int(label)
    except (TypeError, ValueError, OverflowError):
        return None, None
    if pos != label or pos < 0:
        return None, None
    found = None
    for seg in row_map:
        if seg[0] <= pos:
            found = seg
        else:
            break
    if found is None:
        return None, None
    return int(found[1]) + pos - int(found[0]), found[2]


def position_of(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, character) of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, byte-in-line) of a byte offset in ``data``."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1
