"""Find personal data in text, reports, notebooks and tables before they are published.

What is found (robust patterns only — a check that cries wolf gets switched off):

* ``fnr`` / ``d_number`` / ``h_number`` / ``fnr_test``: numbers that pass
  :func:`~fou_analysis.privacy.valid_fnr` (check digits and a real date; the 2032 rule is
  accepted, so new-style numbers are not missed), in the spellings people and software produce:
  eleven digits; ``DDMMYY NNNNN`` with any Unicode space (NBSP, narrow NBSP, figure and thin
  spaces, zero-width characters), a dash, ``.`` or ``/`` between the parts (``DDMMYY NNN NN``,
  ``DD.MM.YY NNNNN`` too); groupings ``150 485 101 80`` and thousand separators
  ``15 048 510 180`` / ``15.048.510.180`` / ``15,048,510,180``; a float's ``.0``; ten digits that
  lost a leading zero (birth days 01–09), which are zero-padded before the check; any script's
  decimal digits. Only the check digits decide, so amounts, dates, years, p-values, municipality
  codes and hashes are not flagged (random eleven digits pass 0.73 % of the time: 1,469 of
  200,000 seeded draws, Monte Carlo s.e. 0.02 points). Digits inside longer digit or letter
  runs (hashes, decimals such as ``0.01234567891``) and the tail of a longer thousand grouping
  (an amount) are not considered.
* ``cpr``: Danish ``DDMMYY-SSSS`` with a real day and month. The mod-11 check is *not* required
  (numbers without it have been issued since 2007): passing it gives ``confidence="high"``,
  failing it ``"low"``.
* ``email``: ``local@domain.tld``, internationalised domains too (``kari@bærum.no``).
* ``phone``: Norwegian numbers with ``+47``/``0047``, or in the phone groupings ``ddd dd ddd`` and
  ``dd dd dd dd`` (any Unicode space between the groups), or eight bare digits right after a
  word like *tlf*, *telefon*, *mobil*, *phone*.
  Amount groupings (``12 345 678``), ISO dates and timestamps do not match.
* ``sensitive_column``: a table column named like a direct identifier (``navn``, ``fnr``,
  ``fodselsnummer``, ``epost``, ``telefon`` …), ``confidence="low"``.

Files: ``.ipynb`` (cell sources and text outputs; images skipped), ``.csv``/``.tsv`` (per cell,
delimiter and encoding sniffed), ``.html`` (base64 payloads skipped) and any other text
(``.md``, ``.txt``). In HTML, notebook outputs and Markdown cells character references are
decoded first (``&#49;`` → ``1``, ``&nbsp;`` → NBSP), as a reader would see them. Values are
masked in findings so the findings themselves can be logged; :func:`mask_identifiers` masks
them in any message.
"""

from __future__ import annotations

import bisect
import csv
import html
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.privacy.fnr import valid_fnr


class PersonalDataError(DataError):
    """Personal data found where none may be (a report, an export)."""

    def __init__(
        self, message: str, *, findings: Iterable[Finding] = (), file: str | PathLike[str] | None = None
    ):
        self.findings = tuple(findings)
        super().__init__(message, file=file)


@dataclass(frozen=True)
class Finding:
    """One piece of possible personal data.

    ``value`` is masked; ``location`` is human-readable (``"line 3, col 7"``,
    ``"cell 4 output 1, line 2, col 1"``, ``"row 12, column 'fnr'"``); ``line``/``column`` are
    1-based where they apply; ``context`` is the surrounding text with the value masked.
    """

    kind: str
    value: str
    location: str
    context: str
    confidence: str = "high"
    line: int | None = None
    column: int | str | None = None
    source: str | None = None


# Separators people (and software) put inside an identity number: every Unicode space except
# line breaks (NBSP U+00A0, narrow NBSP U+202F, figure space U+2007, thin space U+2009 …),
# zero-width characters and the soft hyphen, dashes, "." and "/". Thousand groupings may also
# use "," and apostrophes. One character class, so every pattern below stays linear.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c not in _LINE_BREAKS)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
SPACE = "[" + re.escape(_SPACES + _INVISIBLE) + "]"
SEP = "[" + re.escape(_SPACES + _INVISIBLE + _DASHES + "./") + "]"
THOUSANDS = "[" + re.escape(_SPACES + _INVISIBLE + _DASHES + "./,'\u2019") + "]"
_NB = r"(?<![^\W_])(?<!\d[.,])"  # not inside a word, hash or decimal number
_NA = r"(?![^\W_])(?![.,]\d)"
# The same boundaries written *after* a number's first digit (looking back two characters), so
# each pattern starts with a digit, which the regex engine can skip ahead to.
_NB1 = r"(?<![^\W_]\d)(?<!\d[.,]\d)"
_NB1_GROUP = _NB1 + r"(?<!\d" + THOUSANDS + r"\d)"  # not the tail of a longer grouping (an amount)
_NA_GROUP = _NA + r"(?!" + THOUSANDS + r"\d)"
# (pattern, zero-pad): each spelling separately, so a candidate that fails the check digits
# cannot hide an overlapping one that passes.
FNR_PATTERNS = tuple(
    (re.compile(p), pad)
    for p, pad in (
        (r"\d" + _NB1 + r"\d{10}(?:[.,]0+)?" + _NA, False),  # plain, or a float 15048510180.0
        (r"[1-9]" + _NB1 + r"\d{9}(?:[.,]0+)?" + _NA, True),  # a number that lost its leading zero
        (r"\d" + _NB1 + r"\d{5}" + SEP + r"{1,3}\d{5}" + _NA, False),  # DDMMYY NNNNN, DDMMYY-NNNNN …
        (r"\d" + _NB1 + r"\d{5}(" + SEP + r")\d{3}\1\d{2}" + _NA, False),  # DDMMYY NNN NN
        (r"\d" + _NB1 + r"\d(" + SEP + r")\d\d\1\d\d" + SEP + r"{1,3}\d{5}" + _NA, False),  # DD.MM.YY NNNNN
        (r"\d" + _NB1_GROUP + r"\d\d(" + SEP + r")\d{3}\1\d{3}\1\d{2}" + _NA_GROUP, False),  # 150 485 101 80
        (
            r"\d" + _NB1_GROUP + r"\d(" + THOUSANDS + r")\d{3}\1\d{3}\1\d{3}" + _NA_GROUP,
            False,
        ),  # 15 048 510 180
    )
)
# A run of at least ten digits with separators between them: one fast pass finds such runs and
# only they are tried against the spellings above (a report has few; each try costs a call).
_DIGIT_RUN = re.compile(r"\d(?:" + THOUSANDS + r"{0,3}\d){9,}")
FNR_RE = FNR_PATTERNS[2][0]  # the classic spellings, kept for callers of the old name
CPR_RE = re.compile(_NB + r"([0-3]\d)([01]\d)(\d{2})-(\d{4})" + _NA + r"(?!-\d)")
# Internationalised addresses (kari@bærum.no, IDNA labels with æøå) as well as ASCII ones; the
# top-level domain is letters (any script) or an ``xn--`` label.
EMAIL_RE = re.compile(
    r"(?<![\w.+'-])[\w.%+'-]+@[^\W_][\w-]*(?:\.[^\W_][\w-]*)*\.(?:[^\W\d_]{2,}|[xX][nN]--[\w-]+)(?![\w-])"
)
PHONE_RE = re.compile(
    r"(?:(?<![\w+])(?:\+|00)47(?:"
    + SPACE
    + r"|[.-])?(?P<intl>\d{8}|\d{3}(?P<s1>"
    + SPACE
    + r")\d{2}(?P=s1)\d{3}"
    + r"|\d{2}(?P<s2>"
    + SPACE
    + r")\d{2}(?P=s2)\d{2}(?P=s2)\d{2}))"
    + r"|(?:"
    + _NB
    + r"(?<!\d"
    + SPACE
    + r")(?P<grouped>[2-9]\d\d(?P<s3>"
    + SPACE
    + r")\d{2}(?P=s3)\d{3}"
    + r"|[2-9]\d(?P<s4>"
    + SPACE
    + r")\d{2}(?P=s4)\d{2}(?P=s4)\d{2})"
    + _NA
    + r"(?!"
    + SPACE
    + r"\d))"
    + r"|(?:(?i:tlf|telefon|tel|mobil|mob|phone|ring)\.?:?\s{0,3}(?P<bare>[2-9]\d{7})"
    + _NA
    + r")"
)
SENSITIVE_COLUMNS = {
    "navn",
    "name",
    "fornavn",
    "etternavn",
    "first_name",
    "last_name",
    "fnr",
    "fodselsnummer",
    "fødselsnummer",
    "personnummer",
    "dnr",
    "d_nummer",
    "cpr",
    "epost",
    "e_post",
    "email",
    "e_mail",
    "telefon",
    "tlf",
    "mobil",
    "phone",
    "adresse",
    "address",
}
_BASE64_RE = re.compile(r"(data:[\w/+.-]+;base64,)([A-Za-z0-9+/=\s]+)")


def _mask(value: str) -> str:
    keep = 2
    out, seen = [], 0
    for ch in value:
        if ch.isalnum():
            out.append(ch if seen < keep else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def _cpr_check(digits: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0


def _fnr_kind(digits: str) -> str:
    if int(digits[0]) >= 4:
        return "d_number"
    if int(digits[2]) >= 8:
        return "fnr_test"
    if int(digits[2]) >= 4:
        return "h_number"
    return "fnr"


def _matches(text: str) -> Iterator[tuple[str, int, int, str]]:
    """``(kind, start, end, confidence)`` for every hit in one piece of text."""
    for run in _DIGIT_RUN.finditer(text):
        # every spelling lies inside one run; look-behinds still see the text before the run and
        # look-aheads two characters after it
        start, end = run.start(), min(len(text), run.end() + 2)
        for pattern, pad in FNR_PATTERNS:
            for m in pattern.finditer(text, start, end):
                # int() reads any script's decimal digits; a float's ".0" follows the digits kept
                digits = "".join(str(int(c)) for c in m.group() if c.isdecimal())[: 10 if pad else 11]
                if pad:
                    digits = "0" + digits
                if valid_fnr(digits):
                    yield _fnr_kind(digits), m.start(), m.end(), "high"
    for m in CPR_RE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            digits = "".join(m.groups())
            yield "cpr", m.start(), m.end(), "high" if _cpr_check(digits) else "low"
    for m in EMAIL_RE.finditer(text):
        yield "email", m.start(), m.end(), "high"
    for m in PHONE_RE.finditer(text):
        group = next(g for g in ("intl", "grouped", "bare") if m.group(g) is not None)
        start = m.start() if group == "intl" else m.start(group)
        yield "phone", start, m.end(group), "high" if group != "bare" else "low"


def _hits(text: str) -> list[tuple[str, int, int, str]]:
    """Non-overlapping hits in order (the first and shortest wins where two overlap)."""
    hits = []
    taken: list[tuple[int, int]] = []
    for kind, start, end, confidence in sorted(_matches(text), key=lambda h: (h[1], h[2])):
        if any(s <= start < e for s, e in taken):  # e.g. a phone inside an already found fnr
            continue
        taken.append((start, end))
        hits.append((kind, start, end, confidence))
    return hits


def _masked(text: str, hits: list[tuple[str, int, int, str]]) -> str:
    chars = list(text)
    for _, start, end, _ in hits:
        chars[start:end] = _mask(text[start:end])
    return "".join(chars)


def mask_identifiers(text: str) -> str:
    """``text`` with every possible identifier masked: identity numbers, e-mail, phone, CPR.

    The same detection and masking as :func:`scan` (two characters kept, the rest ``*``; the
    length is kept). :class:`~fou_analysis.DataError` uses it for every message, so a value typed
    into the wrong column never reaches a terminal, a log or a notebook in clear.

    Examples
    --------
    >>> from fou_analysis import privacy
    >>> privacy.mask_identifiers("not a date: '10915596784' (mail ola@example.no)")
    "not a date: '10*********' (mail ol*@*******.**)"
    """
    if not text:
        return text
    hits = _hits(text)
    return _masked(text, hits) if hits else text


def _scan_text(text: str, *, prefix: str = "", source: str | None = None) -> list[Finding]:
    hits = _hits(text)
    if not hits:
        return []
    # Contexts come from a copy with *every* hit masked (masks keep the length), so a finding's
    # context never shows another finding in clear.
    masked = _masked(text, hits)
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    findings = []
    for kind, start, end, confidence in hits:
        line = bisect.bisect_right(line_starts, start)
        col = start - line_starts[line - 1] + 1
        context = masked[max(0, start - 25) : min(len(text), end + 25)].replace("\n", " ")
        where = f"{prefix}line {line}, col {col}"
        findings.append(Finding(kind, masked[start:end], where, context, confidence, line, col, source))
    return findings


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _scan_notebook(path: Path) -> list[Finding]:
    try:
        nb = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise DataError(f"not a valid notebook (JSON): {exc.msg}", file=path, row=exc.lineno) from exc
    findings: list[Finding] = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        if cell.get("cell_type") == "markdown":  # rendered as HTML: "&#49;" shows as "1"
            src = html.unescape(src)
        findings += _scan_text(src, prefix=f"cell {i} source, ", source=str(path))
        for j, out in enumerate(cell.get("outputs", []), start=1):
            texts = []
            if "text" in out:
                texts.append(out["text"])
            for mime, payload in out.get("data", {}).items():
                if mime.startswith("text/") or mime in ("application/json",):
                    texts.append(payload if not isinstance(payload, dict) else json.dumps(payload))
            if "traceback" in out:
                texts.append(out["traceback"])
            for t in texts:
                t = html.unescape(_WBR_RE.sub("", "".join(t) if isinstance(t, list) else str(t)))
                findings += _scan_text(_strip_base64(t), prefix=f"cell {i} output {j}, ", source=str(path))
    return findings


def _strip_base64(text: str) -> str:
    return _BASE64_RE.sub(lambda m: m.group(1) + re.sub(r"[^\s]", "x", m.group(2)), text)


_WBR_RE = re.compile(r"<wbr\s*/?>", re.IGNORECASE)  # a line-break hint inside a word or number
_DRAWING_RE = re.compile(r"<(svg|script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def _scan_html(text: str, *, source: str | None = None) -> list[Finding]:
    """HTML: character references decoded and ``<wbr>`` removed first (``&#49;`` is what a reader
    sees as ``1``, ``&nbsp;`` a space), base64 payloads skipped; inside <svg>, <script> and
    <style> (drawing coordinates, code) only the rigid patterns count — phone groupings like
    ``40 50 60 70`` are coordinates. Locations refer to the decoded text."""
    text = _strip_base64(html.unescape(_WBR_RE.sub("", text)))
    zones = [(m.start(), m.end()) for m in _DRAWING_RE.finditer(text)]
    findings = _scan_text(text, source=source)
    if not zones:
        return findings
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def in_zone(f: Finding) -> bool:
        pos = line_starts[(f.line or 1) - 1] + int(f.column or 1) - 1
        return any(a <= pos < b for a, b in zones)

    return [
        f for f in findings if not (f.kind == "phone" and not f.value.startswith(("+", "00")) and in_zone(f))
    ]


def _scan_csv(path: Path) -> list[Finding]:
    text = _read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(rows, [])
    findings = []
    for name in header:
        key = re.sub(r"[^a-zæøå_]", "", name.strip().lower().replace("-", "_").replace(" ", "_"))
        if key in SENSITIVE_COLUMNS:
            findings.append(
                Finding(
                    "sensitive_column", name, f"column {name!r}", f"header: {name}", "low", 1, name, str(path)
                )
            )
    # Fast path for large extracts: one pass over the whole text with delimiters turned into line
    # breaks (so "5,<number>" across two cells is not read as a decimal) and one as it is (so a
    # quoted "15,048,510,180" in a comma-separated file is not cut apart); cells are only
    # visited if either matched.
    if next(_matches(text.replace(delimiter, "\n")), None) is None and next(_matches(text), None) is None:
        return findings
    for r, row in enumerate(rows, start=2):
        for c, cell in enumerate(row):
            col = header[c] if c < len(header) else c + 1
            for f in _scan_text(cell, source=str(path)):
                findings.append(
                    Finding(
                        f.kind,
                        f.value,
                        f"row {r}, column {col!r}",
                        f.context,
                        f.confidence,
                        r,
                        col,
                        str(path),
                    )
                )
    return findings


def _as_path(obj: str | PathLike[str]) -> Path | None:
    if isinstance(obj, PathLike):
        return Path(obj)
    if isinstance(obj, str) and "\n" not in obj and len(obj) < 1024:
        try:
            p = Path(obj)
            if p.is_file():
                return p
        except OSError:
            return None
    return None


def scan(text_or_path: str | PathLike[str]) -> list[Finding]:
    """Find possible personal data in a string or a file.

    Parameters
    ----------
    text_or_path
        Text to scan, or a path (``pathlib.Path`` or a string naming an existing file).
        ``.ipynb`` is scanned cell by cell (sources and text outputs), ``.csv``/``.tsv`` cell by
        cell, ``.html`` with embedded base64 payloads skipped, anything else as text.

    Returns
    -------
    list of Finding
        In order of appearance; empty when nothing was found.

    Examples
    --------
    >>> from fou_analysis import privacy
    >>> [f.kind for f in privacy.scan("Kontakt: ola@example.no, tlf. 912 34 567")]
    ['email', 'phone']
    >>> privacy.scan("Budsjett 12 345 678 kr per 2023-01-01")
    []
    """
    path = _as_path(text_or_path)
    if path is None:
        if isinstance(text_or_path, PathLike):
            raise SpecificationError(f"no such file: {text_or_path}")
        text = str(text_or_path)
        return _scan_html(text) if _looks_like_html(text) else _scan_text(_strip_base64(text))
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        return _scan_notebook(path)
    if suffix in (".csv", ".tsv"):
        return _scan_csv(path)
    text = _read_text(path)
    if suffix in (".html", ".htm") or _looks_like_html(text):
        return _scan_html(text, source=str(path))
    return _scan_text(_strip_base64(text), source=str(path))


def check_report(path_or_text: str | PathLike[str], *, min_confidence: str = "low") -> None:
    """Raise :class:`PersonalDataError` if a report contains possible personal data.

    Parameters
    ----------
    path_or_text
        The rendered report (file or text).
    min_confidence
        ``"low"`` (default) fails on every finding; ``"high"`` ignores low-confidence ones
        (CPR-like numbers without a valid check digit, bare eight-digit phone numbers, column
        names).

    Raises
    ------
    PersonalDataError
        Listing every finding (masked) with its location.
    """
    if min_confidence not in ("low", "high"):
        raise SpecificationError(f"min_confidence must be 'low' or 'high', not {min_confidence!r}")
    findings = [f for f in scan(path_or_text) if min_confidence == "low" or f.confidence == "high"]
    if not findings:
        return
    lines = "; ".join(f"{f.kind} at {f.location} ({f.value})" for f in findings[:20])
    more = f"; and {len(findings) - 20} more" if len(findings) > 20 else ""
    path = _as_path(path_or_text)
    raise PersonalDataError(
        f"{len(findings)} possible personal data finding(s): {lines}{more}", findings=findings, file=path
    )
