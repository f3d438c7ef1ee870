"""Readers for data as it really arrives, atomic writers and provenance.

Readers (each returns a tidy :class:`pandas.DataFrame` with metadata in ``df.attrs["fou"]``:
``source``, ``sha256``, ``format`` and, where the format has them, ``labels``
{column: {code: label}}, ``variable_labels`` {column: question text}, ``checkbox``
{column: (question, option)}):

- :func:`read_table` — detects the format and dispatches;
- :func:`read_nettskjema` — Nettskjema CSV report (+ elements codebook) and the older export;
- :func:`read_surveyxact` — SurveyXact dataset/structure/labels folder or ``.xlsx``;
- :func:`read_spss` — SPSS ``.sav`` / Stata ``.dta``;
- :func:`read_jsonstat` — SSB/PxWeb JSON-stat 2.0;
- :func:`read_ssb_csv` — SSB/KOSTRA CSV downloads.

Raw files are opened read-only and never written next to. Bad input raises
:class:`fou_analysis.DataError` naming the file, and the row (header = 1) and column where they
apply. :func:`apply_labels` swaps codes for labels; :func:`problems` / :func:`validate_frame`
check a frame against a pandera schema and list every problem; :func:`write_parquet`,
:func:`read_parquet`, :func:`atomic_write_text`, :func:`atomic_write_bytes`, :func:`sha256` and :func:`provenance` write
derived tables safely and record where they came from.

What is hand-written and why: CSV tokenising is the standard library's :mod:`csv` (strict mode);
around it, encoding detection by trying decodes, delimiter sniffing (:class:`csv.Sniffer`
checked by field counts), line bookkeeping and column typing are written here
(:mod:`._sniff`, :mod:`._convert`) because ``pandas.read_csv`` silently pads short rows, shifts
long ones into the index, turns ``0301`` into 301, guesses day/month order and reports
positions in its own terms — and this package must name the row a person sees. The JSON-stat
reader is hand-written because ``pyjstat`` is not a dependency and does not check that ``value``
fits ``size``. SPSS/Stata go through pyreadstat, workbooks through openpyxl, parquet through
pyarrow, validation through pandera.
"""

from __future__ import annotations

from fou_analysis.io.atomic import atomic_write_bytes, atomic_write_text, provenance, sha256
from fou_analysis.io.jsonstat import read_jsonstat
from fou_analysis.io.labels import apply_labels
from fou_analysis.io.nettskjema import read_nettskjema
from fou_analysis.io.parquet import read_parquet, write_parquet
from fou_analysis.io.spss import read_spss
from fou_analysis.io.ssb_csv import read_ssb_csv
from fou_analysis.io.surveyxact import read_surveyxact
from fou_analysis.io.table import detect_format, read_table
from fou_analysis.io.validation import Problem, problems, validate_frame

__all__ = [
    "Problem",
    "apply_labels",
    "atomic_write_bytes",
    "atomic_write_text",
    "detect_format",
    "problems",
    "provenance",
    "read_jsonstat",
    "read_nettskjema",
    "read_parquet",
    "read_spss",
    "read_ssb_csv",
    "read_surveyxact",
    "read_table",
    "sha256",
    "validate_frame",
    "write_parquet",
]
