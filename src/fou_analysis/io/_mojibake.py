"""Double-encoded UTF-8 ("BjÃ¸rn" for "Bjørn"): repaired when certain, refused when mixed.

A UTF-8 file opened as Windows-1252 (Excel's default on Norwegian Windows) and saved again as
UTF-8 stores every æ, ø, å as two characters: ``Ã¦``, ``Ã¸``, ``Ã¥`` (``Ã†``, ``Ã˜``, ``Ã…``
for capitals). Such a file is valid UTF-8, so it decodes without error and the mojibake reaches
the tables, the municipality names and the report.

Rule (decided here, documented in the README's formats section):

* detect: a decoded text holds ``Ã`` or ``Â`` followed by a UTF-8 continuation byte as
  Windows-1252 or Latin-1 shows it — a pair that ordinary Norwegian text never contains;
* **repair** when the whole text round-trips — ``text.encode("cp1252")`` (or ``"latin-1"``)
  decodes as UTF-8 — and the result has a Norwegian letter (æøåÆØÅ): the file was encoded twice
  as a whole, and undoing it is exact. The repair is logged (logger ``fou_analysis.io``, a
  warning naming the file) and recorded in the encoding the reader reports
  (``attrs["fou"]["encoding"]``, e.g. ``"utf-8 (double-encoded UTF-8, repaired)"``);
* **refuse** (:class:`~fou_analysis.DataError` with the row) when the text does not round-trip
  as a whole: double-encoded and correct text are mixed, and any per-cell guess could damage
  correct text. The message shows only the two-character pair, never the surrounding value.

Hand-written in a few lines because the library that does this in general (``ftfy``) is not a
dependency, and the narrow whole-file rule is the one that cannot corrupt correct text.
"""

from __future__ import annotations

import logging
import os
import re

from fou_analysis.exceptions import DataError
from fou_analysis.io._common import position_of

log = logging.getLogger("fou_analysis.io")

# UTF-8 continuation bytes 0x80-0xBF as Windows-1252 and as Latin-1 display them
_CONTINUATION = "".join(
    sorted(
        {bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0)}
        | {chr(b) for b in range(0x80, 0xC0)}
    )
)
_PAIR = re.compile("[\u00c2\u00c3][" + re.escape(_CONTINUATION) + "]")
_NORWEGIAN = re.compile("[æøåÆØÅ]")


def repair(text: str, encoding: str, path: str | os.PathLike[str]) -> tuple[str, str]:
    """Return ``(text, encoding)``, repaired if the whole text is double-encoded UTF-8.

    Examples
    --------
    >>> repair("navn\\nBjÃ¸rn\\nÃ…se\\n", "utf-8", "x.csv")
    ('navn\\nBjørn\\nÅse\\n', 'utf-8 (double-encoded UTF-8, repaired)')
    >>> repair("navn\\nBjørn\\n", "utf-8", "x.csv")
    ('navn\\nBjørn\\n', 'utf-8')
    """
    m = _PAIR.search(text)
    if m is None:
        return text, encoding
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if _NORWEGIAN.search(fixed):
            log.warning("%s: double-encoded UTF-8 (e.g. 'Ã¸' for 'ø') repaired", path)
            return fixed, f"{encoding} (double-encoded UTF-8, repaired)"
    line, col = position_of(text, m.start())
    pair = m.group()
    try:
        meant = f" (meant {pair.encode('cp1252').decode('utf-8')!r})"
    except UnicodeError:
        meant = ""
    raise DataError(
        f"double-encoded UTF-8 at character {col}: {pair!r}{meant}, while other text in the file is "
        "encoded correctly (mixed encodings); save the file again as UTF-8 from the original",
        file=path,
        row=line,
    )
