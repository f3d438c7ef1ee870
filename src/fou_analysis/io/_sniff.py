"""Text decoding, delimiter sniffing and a line-aware CSV parser.

Why hand-written instead of ``pandas.read_csv``: the readers must name the *row as a person
counts lines* (header = 1) and the column of every fault, and must refuse bad input that pandas
silently repairs — a short row is padded with NaN, a long row shifts the first column into the
index, an unclosed quote swallows the rest of the file, bytes that are not valid in the guessed
encoding are replaced. The standard library's :mod:`csv` module (in ``strict`` mode) does the
tokenising; this module adds encoding detection by trying decodes, delimiter detection with
:class:`csv.Sniffer` verified by field-count consistency, and the bookkeeping of line numbers.

Encoding rules, in order: a byte-order mark decides (UTF-8-BOM, UTF-16 LE/BE as SurveyXact
writes); otherwise strict UTF-8; otherwise cp1252 (a superset of ISO-8859-1 for every printable
character, so it also reads SSB's ISO-8859-1 files). Bytes that fit none of them, NUL bytes and
binary content raise :class:`~fou_analysis.DataError` with the row of the first bad byte.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from dataclasses import dataclass, field

from fou_analysis.exceptions import DataError
from fou_analysis.io import _mojibake, limits
from fou_analysis.io._common import byte_position, position_of

DELIMITERS = (";", ",", "\t")


def decode(data: bytes, path: str | os.PathLike[str]) -> tuple[str, str]:
    """Decode raw bytes; return ``(text, encoding)``.

    Raises
    ------
    DataError
        Empty file, binary content, NUL bytes, or bytes valid in no supported encoding.
    """
    if not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise DataError("the file is empty", file=path)
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data
        nul = data.find(b"\x00")
        if nul >= 0:
            if _looks_binary(data):
                raise DataError("the file contains binary content (not a text table)", file=path)
            line, col = byte_position(data, nul)
            raise DataError(
                f"the file contains a NUL byte at character {col} "
                "(corrupted file or UTF-16 without byte-order mark)",
                file=path,
                row=line,
            )
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            line, col = byte_position(body, exc.start)
            raise DataError(
                f"invalid {encoding} bytes at character {col}: {exc.reason}", file=path, row=line
            ) from exc
        try:
            text, encoding = body.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc2:
            line, col = byte_position(body, exc2.start)
            raise DataError(
                f"byte 0x{body[exc2.start]:02X} at character {col} is neither UTF-8 nor "
                "cp1252/ISO-8859-1 text: unknown encoding or corrupted file",
                file=path,
                row=line,
            ) from exc2
    if _looks_binary(text):
        raise DataError("the file contains binary content (not a text table)", file=path)
    if encoding != "cp1252":
        text, encoding = _mojibake.repair(text, encoding, path)
    nul = text.find("\x00")
    if nul >= 0:
        line, col = position_of(text, nul)
        raise DataError(f"the file contains a NUL byte at character {col}", file=path, row=line)
    return text, encoding


def _looks_binary(content: bytes | str) -> bool:
    sample = content[:4096]
    if isinstance(sample, bytes):
        bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    else:
        bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\f\r")
    return bad > max(2, len(sample) // 50)


def _consistency(text: str, delimiter: str, max_records: int = 50) -> tuple[float, int]:
    """Share of the first records whose field count matches the first record's, and that count."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    counts: list[int] = []
    try:
        for rec in reader:
            if rec:
                counts.append(len(rec))
            if len(counts) >= max_records:
                break
    except csv.Error:
        return 0.0, 0
    if not counts:
        return 0.0, 0
    width = counts[0]
    # SurveyXact's structure table has one trailing empty field more than its header.
    ok = sum(1 for c in counts[1:] if c in (width, width + 1))
    return (ok / (len(counts) - 1) if len(counts) > 1 else 1.0), width


def sniff_delimiter(text: str, candidates: tuple[str, ...] = DELIMITERS) -> str:
    """Pick the delimiter: :class:`csv.Sniffer` first, verified by field-count consistency."""
    sample = text[:20000]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters="".join(candidates)).delimiter
    except csv.Error:
        guess = None
    if guess in candidates:
        share, width = _consistency(sample, guess)
        if share >= 0.95 and width > 1:
            return guess
    best, best_key = ",", (-1.0, 0)
    for cand in candidates:
        share, width = _consistency(sample, cand)
        key = (share if width > 1 else 0.0, width)
        if key > best_key:
            best, best_key = cand, key
    return best


@dataclass
class Records:
    """Parsed records with the file row (physical line) each one starts on."""

    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def parse_records(text: str, path: str | os.PathLike[str], delimiter: str) -> Records:
    """Tokenise ``text``; blank lines are skipped, every record keeps its starting line."""
    first_line = text[: text.find("\n") if "\n" in text else len(text)]
    limits.check_columns(first_line.count(delimiter) + 1, path, row=1, where="the first line has ")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out = Records()
    prev = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start = prev + 1
            msg = str(exc)
            if "end of data" in msg or "unexpected end" in msg:
                msg = "a quoted field is never closed (unbalanced double quote)"
            elif "expected after" in msg:
                msg = (
                    f"{msg} — a quoted field ends too early: a double quote inside it is not "
                    "doubled, or an opening quote is not closed"
                )
            raise DataError(f"cannot parse the line: {msg}", file=path, row=start) from exc
        start = prev + 1
        prev = reader.line_num
        limits.check_columns(len(rec), path, row=start, where="the record has ")
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            continue
        out.rows.append(rec)
        out.lines.append(start)
    return out


@dataclass
class Table:
    """A header plus rectangular string rows, each with its file row."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    header_line: int = 1

    def column(self, j: int) -> list[str]:
        return [r[j] for r in self.rows]


def rectangular(
    records: Records,
    path: str | os.PathLike[str],
    *,
    header_index: int = 0,
    allow_trailing_empty: bool = False,
    require_rows: bool = True,
) -> Table:
    """Check field counts against the header and return a :class:`Table`.

    ``allow_trailing_empty`` accepts one extra empty field at the end of a row (and of the
    header), as SurveyXact writes in its structure table.
    """
    if len(records.rows) <= header_index:
        raise DataError("the file has no header row", file=path)
    header = [h.strip() for h in records.rows[header_index]]
    header_line = records.lines[header_index]
    if allow_trailing_empty and len(header) > 1 and header[-1] == "":
        header = header[:-1]
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    for rec, line in zip(records.rows[header_index + 1 :], records.lines[header_index + 1 :], strict=True):
        if len(rec) != width:
            if allow_trailing_empty and len(rec) == width + 1 and rec[-1].strip() == "":
                rec = rec[:-1]
            else:
                if len(rec) < width:
                    detail, column = f"the row ends before column {header[len(rec)]!r}", header[len(rec)]
                else:
                    detail, column = f"extra value(s) after the last column {header[-1]!r}", header[-1]
                raise DataError(
                    f"expected {width} fields as in the header, found {len(rec)}: {detail}",
                    file=path,
                    row=line,
                    column=column,
                )
        rows.append(rec)
        lines.append(line)
    header, rows = _drop_unnamed_empty(header, rows, path, header_line)
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in seen:
            raise DataError(
                f"duplicate column name (columns {seen[name] + 1} and {j + 1})",
                file=path,
                row=header_line,
                column=name,
            )
        seen[name] = j
    if require_rows and not rows:
        raise DataError("the file has a header but no data rows", file=path, row=header_line)
    return Table(header=header, rows=rows, lines=lines, header_line=header_line)


def _drop_unnamed_empty(
    header: list[str], rows: list[list[str]], path: str | os.PathLike[str], header_line: int
) -> tuple[list[str], list[list[str]]]:
    """Drop columns with no name and no values (a trailing delimiter); refuse unnamed data."""
    keep = []
    for j, name in enumerate(header):
        if name:
            keep.append(j)
            continue
        if any(r[j].strip() for r in rows):
            raise DataError(
                f"column {j + 1} holds data but has no name in the header", file=path, row=header_line
            )
    if len(keep) == len(header):
        return header, rows
    if not keep:
        raise DataError("the header row has no column names", file=path, row=header_line)
    return [header[j] for j in keep], [[r[j] for j in keep] for r in rows]
