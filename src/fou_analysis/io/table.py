"""``read_table``: detect a file's format from its extension and content, then dispatch.

=====================  =====================================================================
input                   reader
=====================  =====================================================================
folder                  SurveyXact export (dataset/structure/labels files), else DataError
``.json``               JSON-stat dataset (:func:`read_jsonstat`); other JSON → DataError
``.sav .zsav .por``     :func:`read_spss`
``.dta``                :func:`read_spss` (Stata)
``.xlsx .xlsm``         SurveyXact workbook when it has Dataset/Structure/Labels sheets, else
                        the first sheet as a plain table
text (``.csv .txt``…)   Nettskjema (header ``$submission_id`` or ``NR``/``Opprettet``), SSB
                        download (title line ``NNNNN:``, ``statistikkvariabel``/``ContentsCode``
                        or region + period columns), else a plain delimited table
=====================  =====================================================================

Keyword arguments go to the chosen reader (e.g. ``codebook=`` for Nettskjema, ``sheet=`` for a
plain workbook).
"""

from __future__ import annotations

import csv
import io as _io
import os
import zipfile
import zlib
from typing import Any

import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.io import limits
from fou_analysis.io._common import as_path, read_bytes
from fou_analysis.io._sniff import decode, parse_records, sniff_delimiter
from fou_analysis.io.jsonstat import read_jsonstat
from fou_analysis.io.nettskjema import looks_like_nettskjema, read_nettskjema
from fou_analysis.io.plain import read_csv_plain, read_excel_plain
from fou_analysis.io.spss import read_spss
from fou_analysis.io.ssb_csv import looks_like_ssb, read_ssb_csv
from fou_analysis.io.surveyxact import find_tables, read_surveyxact

_SPSS = {".sav", ".zsav", ".por", ".dta"}
_XLSX = {".xlsx", ".xlsm"}


def detect_format(path: str | os.PathLike[str]) -> str:
    """Name of the reader :func:`read_table` would use.

    Returns one of ``surveyxact``, ``surveyxact-xlsx``, ``json-stat``, ``spss``, ``xlsx``,
    ``nettskjema``, ``ssb-csv``, ``csv``.
    """
    p = as_path(path)
    if not p.exists():
        raise DataError("file or folder does not exist", file=p)
    if p.is_dir():
        found = find_tables(p)
        if len(found) < 2:
            raise DataError(
                "directory is not a SurveyXact export (expected dataset, structure and labels files)",
                file=p,
            )
        return "surveyxact"
    ext = p.suffix.lower()
    if ext == ".json":
        return "json-stat"
    if ext in _SPSS:
        return "spss"
    if ext in _XLSX:
        return "surveyxact-xlsx" if _is_surveyxact_workbook(p) else "xlsx"
    data = read_bytes(p)
    if data[:4] == b"PK\x03\x04":
        raise DataError("the file is a zip archive (an .xlsx saved under another name?)", file=p)
    text, _ = decode(data, p)
    head = text[:20000]
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    delimiter = sniff_delimiter(head)
    try:
        rows = parse_records(_complete_lines(head), p, delimiter).rows
    except DataError:
        # the sample may end inside a quoted multi-line field; the reader will judge the file
        rows = [next(csv.reader([first], delimiter=delimiter), [])]
    header = [h.strip() for h in rows[0]] if rows else []
    if looks_like_nettskjema(header):
        return "nettskjema"
    header_ssb = next((r for r in rows if len([f for f in r if f.strip()]) >= 2), header)
    if looks_like_ssb([h.strip() for h in header_ssb], first):
        return "ssb-csv"
    return "csv"


def _complete_lines(head: str) -> str:
    """Cut a sample at its last line break so a partial last record is not parsed."""
    cut = head.rfind("\n")
    return head if cut < 0 else head[: cut + 1]


def _is_surveyxact_workbook(p: Any) -> bool:
    data = read_bytes(p)
    try:
        with zipfile.ZipFile(_io.BytesIO(data)) as zf:
            wb = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"not a readable .xlsx workbook (corrupted or another format): {exc}", file=p
        ) from exc
    low = wb.lower()
    return 'name="structure"' in low and 'name="labels"' in low and 'name="dataset' in low


@limits.guarded
def read_table(path: str | os.PathLike[str], **kw: Any) -> pd.DataFrame:
    """Read any supported input, detecting its format.

    Parameters
    ----------
    path
        File or SurveyXact folder.
    **kw
        Passed to the reader chosen (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        As returned by the specific reader; ``attrs["fou"]["format"]`` names it.

    Raises
    ------
    DataError
        Nonexistent path, unsupported or malformed input.
    SpecificationError
        A keyword the chosen reader does not take.

    Examples
    --------
    >>> read_table("ex_survey2_semicolon_ansi").attrs["fou"]["format"]  # doctest: +SKIP
    'surveyxact'
    """
    fmt = detect_format(path)
    readers = {
        "surveyxact": read_surveyxact,
        "surveyxact-xlsx": read_surveyxact,
        "json-stat": read_jsonstat,
        "spss": read_spss,
        "xlsx": read_excel_plain,
        "nettskjema": read_nettskjema,
        "ssb-csv": read_ssb_csv,
        "csv": read_csv_plain,
    }
    reader = readers[fmt]
    try:
        return reader(path, **kw)
    except TypeError as exc:
        if "unexpected keyword" in str(exc) or "positional argument" in str(exc):
            raise SpecificationError(
                f"{fmt} reader ({reader.__name__}) does not take {sorted(kw)}: {exc}"
            ) from exc
        raise
