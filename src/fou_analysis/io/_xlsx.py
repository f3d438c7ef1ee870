"""Reading workbooks with openpyxl (read-only), every failure turned into a DataError.

The container and the sheets' declared sizes are checked against :mod:`fou_analysis.io.limits`
before openpyxl opens the file, and rows are streamed with a count that stops at the caps.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from fou_analysis.exceptions import DataError
from fou_analysis.io import limits


def read_workbook(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """All sheets of a workbook as lists of row tuples (openpyxl, read-only)."""
    import openpyxl  # local: only needed for workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    # ParseError (a SyntaxError) comes from damaged XML inside the zip container
    damaged = (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
        EOFError,
        ParseError,
        zlib.error,
        InvalidFileException,
    )
    limits.check_xlsx_container(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except damaged as exc:
        raise DataError(
            f"not a readable .xlsx workbook (corrupted or another format): {exc}", file=path
        ) from exc
    try:
        return _stream(wb, path)
    except DataError:  # a cap: already says what is wrong (and DataError is a ValueError)
        raise
    except damaged as exc:
        raise DataError(f"the workbook is damaged: {exc}", file=path) from exc
    finally:
        wb.close()


def _stream(wb: Any, path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows, stopping as soon as a cap is passed (whatever the sheet declared)."""
    sheets: dict[str, list[tuple[Any, ...]]] = {}
    cells = 0
    for ws in wb.worksheets:
        rows: list[tuple[Any, ...]] = []
        for r in ws.iter_rows(values_only=True):
            if len(rows) >= limits.MAX_XLSX_ROWS:
                raise DataError(
                    f"sheet {ws.title!r} has more than {limits.MAX_XLSX_ROWS:,} rows, the limit "
                    "(Excel's own; fou_analysis.io.limits.MAX_XLSX_ROWS)",
                    file=path,
                )
            limits.check_columns(len(r), path, row=len(rows) + 1, where=f"sheet {ws.title!r} has ")
            cells += len(r)
            if cells > limits.MAX_XLSX_CELLS:
                raise DataError(
                    f"the workbook has more than {limits.MAX_XLSX_CELLS:,} cells, the limit "
                    "(fou_analysis.io.limits.MAX_XLSX_CELLS); export the data as CSV instead",
                    file=path,
                )
            rows.append(tuple(r))
        sheets[ws.title] = rows
    return sheets
