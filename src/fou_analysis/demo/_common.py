"""Shared helpers for the demo generators: seeded RNGs, pseudonyms and exact-format writers.

Every writer returns ``bytes`` so that :func:`fou_analysis.demo.write_demo` can write files
atomically and tests can compare outputs byte for byte. Nothing here reads the clock or the
environment: the same seed always gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

CASE_INDEX = {"utstyrsbu": 1, "noen": 2, "friskgarden": 3}
OSLO = ZoneInfo("Europe/Oslo")


def rng_for(case: str, seed: int, stream: int = 0) -> np.random.Generator:
    """Independent generator per case and stream, so cases do not depend on each other."""
    return np.random.default_rng([int(seed), CASE_INDEX[case], stream])


def pseudonyms(prefix: str, n: int, *, seed: int, salt: str, length: int = 8) -> list[str]:
    """``n`` unique pseudonyms that look like keyed hashes (``L-3f9a1c2b``).

    They *are* keyed hashes (HMAC-SHA256 of a running number under a key derived from the
    seed), so they carry no information about any person.
    """
    key = f"fou-demo/{salt}/{seed}".encode()
    out: list[str] = []
    seen: set[str] = set()
    i = 0
    while len(out) < n:
        digest = hmac.new(key, str(i).encode(), hashlib.sha256).hexdigest()[:length]
        i += 1
        if digest in seen or digest.isdigit():
            # all-digit pseudonyms could be mistaken for numbers by a reader
            continue
        seen.add(digest)
        out.append(f"{prefix}{digest}")
    return out


def ddmmyyyy(values: Iterable[date | pd.Timestamp | None]) -> list[str]:
    """Format dates as ``dd.mm.yyyy``; missing values become empty strings."""
    out = []
    for v in values:
        if v is None or (not isinstance(v, date) and pd.isna(v)):
            out.append("")
        else:
            out.append(f"{v.day:02d}.{v.month:02d}.{v.year:04d}")
    return out


def iso_oslo(ts: datetime) -> str:
    """ISO 8601 with the Oslo UTC offset of that moment, as Nettskjema writes ``$created``."""
    aware = ts.replace(tzinfo=OSLO)
    return aware.isoformat(timespec="seconds")


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sep: str,
    encoding: str = "utf-8",
    quote_all: bool = False,
) -> bytes:
    """Render rows as delimited text with LF line endings.

    ``quote_all`` quotes every field (Nettskjema); otherwise a field is quoted only when it
    holds the separator, a quote or a line break (SurveyXact, register extracts).
    """

    def fmt(value: object) -> str:
        text = "" if value is None else str(value)
        if quote_all or any(ch in text for ch in (sep, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [sep.join(fmt(h) for h in header)]
    lines.extend(sep.join(fmt(v) for v in row) for row in rows)
    return ("\n".join(lines) + "\n").encode(encoding)


def frame_bytes(frame: pd.DataFrame, *, sep: str, encoding: str = "utf-8", quote_all: bool = False) -> bytes:
    """Render a frame whose cells are already formatted strings/ints (no index), LF line ends.

    Quoting follows :func:`csv_bytes` (pandas' minimal quoting is the same rule); pandas does the
    work because the register extract has tens of thousands of rows.
    """
    text = frame.to_csv(
        sep=sep,
        index=False,
        lineterminator="\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        na_rep="",
    )
    return text.encode(encoding)


def json_bytes(obj: object, *, indent: int, trailing_newline: bool) -> bytes:
    """JSON as the sources write it: UTF-8, non-ASCII kept, fixed indent."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    return (text + ("\n" if trailing_newline else "")).encode("utf-8")


def calibrated_round_clip(latent: np.ndarray, low: int, high: int) -> np.ndarray:
    """Round to the nearest integer and clip to ``[low, high]`` (how a latent score is observed)."""
    return np.clip(np.floor(latent + 0.5), low, high).astype(int)
