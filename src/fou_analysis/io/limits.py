"""Caps on hostile input files, checked before the memory is spent.

A small file can declare a huge table: a 40 kB JSON-stat cube with a sparse ``value`` object can
declare 10⁹ cells (8 GB of floats before a single value is read), and a 2 MB ``.xlsx`` can hold
30 million rows (its XML compresses a thousandfold). Every reader therefore checks what a file
*declares* against the caps below before allocating, and stops streaming when a cap is passed;
a file beyond a cap raises :class:`~fou_analysis.DataError` naming the file and the cap.

=========================  ============  ==================================================
cap                         value         why this value
=========================  ============  ==================================================
``MAX_JSONSTAT_CELLS``      10,000,000    product of a cube's ``size``; SSB's statbank API
                                          returns far smaller tables per query, and a 10 M
                                          cell cube already makes a frame of several GB
``MAX_COLUMNS``             16,384        CSV and worksheet columns; Excel's own limit
``MAX_XLSX_ROWS``           1,048,576     rows of one worksheet; Excel's own limit
``MAX_XLSX_CELLS``          20,000,000    cells of one workbook (declared and as read)
``MAX_XLSX_UNCOMPRESSED``   512 MiB       total declared uncompressed size of the zip
                                          entries of a workbook (``zipfile`` refuses to
                                          inflate an entry past its declared size)
=========================  ============  ==================================================

Exhaustion that no cap foresees — ``RecursionError`` from deeply nested JSON, ``MemoryError``
— is turned into a ``DataError`` naming the file by :func:`guarded` around each public reader.
Hand-written: neither openpyxl nor the standard library's ``json`` has such limits.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fou_analysis.exceptions import DataError

MAX_JSONSTAT_CELLS = 10_000_000
MAX_COLUMNS = 16_384
MAX_XLSX_ROWS = 1_048_576
MAX_XLSX_CELLS = 20_000_000
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024

__all__ = [
    "MAX_COLUMNS",
    "MAX_JSONSTAT_CELLS",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_UNCOMPRESSED",
    "check_columns",
    "check_jsonstat_cells",
    "check_xlsx_container",
    "guarded",
]

F = TypeVar("F", bound=Callable[..., Any])


def _n(x: int) -> str:
    return f"{x:,}"


def guarded(fn: F) -> F:
    """Turn ``RecursionError`` and ``MemoryError`` inside a reader into a ``DataError``.

    The file is the reader's first argument.
    """

    @functools.wraps(fn)
    def wrapper(path: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(path, *args, **kwargs)
        except RecursionError:
            raise DataError(
                "the file is nested too deeply to read (hostile or corrupted)", file=path
            ) from None
        except MemoryError:
            raise DataError(
                "the file is too large to read into memory (hostile, corrupted, or needs splitting)",
                file=path,
            ) from None

    return wrapper  # type: ignore[return-value]


def check_jsonstat_cells(sizes: list[int], path: Any) -> int:
    """The number of cells a JSON-stat cube declares; refused above ``MAX_JSONSTAT_CELLS``."""
    n = 1
    for s in sizes:
        n *= s
        if n > MAX_JSONSTAT_CELLS:  # stop multiplying: sizes can be astronomically large
            shown = " × ".join(_n(x) for x in sizes)
            raise DataError(
                f"the JSON-stat cube declares {shown} cells, more than the limit of "
                f"{_n(MAX_JSONSTAT_CELLS)} (fou_analysis.io.limits.MAX_JSONSTAT_CELLS); "
                "download the table in smaller parts",
                file=path,
            )
    return n


def check_columns(n_columns: int, path: Any, *, row: int | None = None, where: str = "") -> None:
    """Refuse a record or sheet row wider than ``MAX_COLUMNS``."""
    if n_columns > MAX_COLUMNS:
        raise DataError(
            f"{where}{_n(n_columns)} columns, more than the limit of {_n(MAX_COLUMNS)} "
            "(fou_analysis.io.limits.MAX_COLUMNS)",
            file=path,
            row=row,
        )


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def check_xlsx_container(path: Path) -> None:
    """Check a workbook's zip container and declared sheet sizes before openpyxl opens it.

    Refuses a workbook whose entries declare more than ``MAX_XLSX_UNCOMPRESSED`` bytes in all,
    or a worksheet whose ``<dimension>`` declares more rows, columns or cells than the caps.
    A damaged container is left for openpyxl to report.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_XLSX_UNCOMPRESSED:
            raise DataError(
                f"the workbook unpacks to {_n(total)} bytes, more than the limit of "
                f"{_n(MAX_XLSX_UNCOMPRESSED)} (fou_analysis.io.limits.MAX_XLSX_UNCOMPRESSED); "
                "export the sheet as CSV instead",
                file=path,
            )
        cells = 0
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                with zf.open(info) as fh:
                    head = fh.read(16384)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
                return  # damaged: openpyxl names the problem
            m = _DIMENSION.search(head)
            if m is None:
                continue
            c1, r1, c2, r2 = m.groups()
            if c2 is None:  # a single cell, e.g. "A1"
                c2, r2 = c1, r1
            rows = int(r2 or 0) - int(r1 or 1) + 1 if r2 else 0
            cols = _column_number(c2) - _column_number(c1 or b"A") + 1 if c2 else 0
            sheet = info.filename.rsplit("/", 1)[-1]
            if rows > MAX_XLSX_ROWS:
                raise DataError(
                    f"worksheet {sheet} declares {_n(rows)} rows, more than the limit of "
                    f"{_n(MAX_XLSX_ROWS)} (Excel's own; fou_analysis.io.limits.MAX_XLSX_ROWS)",
                    file=path,
                )
            check_columns(cols, path, where=f"worksheet {sheet} declares ")
            cells += max(rows, 0) * max(cols, 0)
            if cells > MAX_XLSX_CELLS:
                raise DataError(
                    f"the workbook declares {_n(cells)} cells (worksheet dimensions), more than the "
                    f"limit of {_n(MAX_XLSX_CELLS)} (fou_analysis.io.limits.MAX_XLSX_CELLS); if the "
                    "sheets are smaller, delete the empty rows and columns in Excel and save again",
                    file=path,
                )
