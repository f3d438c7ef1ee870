"""Reading workbooks with openpyxl (read-only), every failure turned into a DataError."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from fou_analysis.exceptions import DataError


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
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except damaged as exc:
        raise DataError(
            f"not a readable .xlsx workbook (corrupted or another format): {exc}", file=path
        ) from exc
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    except damaged as exc:
        raise DataError(f"the workbook is damaged: {exc}", file=path) from exc
    finally:
        wb.close()
