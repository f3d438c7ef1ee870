"""Codes shared by the SSB readers: regions, KOSTRA aggregates, time periods, status symbols.

- ``K-5006`` is municipality 5006 in SSB's "summed to today's municipality" aggregation; the
  reader strips the prefix (region ``5006``) and keeps ``region_aggregation = "K"``. The special
  groups ``K-Rest``, ``K-21-22`` and ``K-23`` become ``Rest``, ``21-22`` and ``23`` (the
  ``group_code`` values of the package's municipality table).
- KOSTRA aggregates: ``EAK`` (Norway), ``EAKUO`` (Norway without Oslo), ``EKAxx`` (county
  totals), ``EKGxx`` (KOSTRA groups) are flagged ``is_aggregate``.
- Time codes: ``2021`` (year), ``2024K1`` (quarter), ``2023M09`` (month), ``2023H1``
  (half-year), ``2023U05`` (ISO week) → ``period_start``; other codes give NaT.
- Status symbols: ``.`` not possible to give a figure, ``..`` missing / too uncertain,
  ``:`` suppressed for confidentiality, ``-`` nil, ``*`` provisional (on a value).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

SYMBOLS = ("..", ":", ".", "-", "…")
_AGGREGATE = re.compile(r"(?:EAK|EAKUO|EKA\d{2}|EKG\d{2})")
_PERIOD = re.compile(r"(\d{4})(?:([KMHU])(\d{1,2}))?")
REGION_DIMENSIONS = {"region", "kokkommuneregion0000", "kokfylkesregion0000", "kommune", "fylke"}


def split_region(code: str) -> tuple[str, str | None]:
    """``"K-5006"`` → ``("5006", "K")``; other codes unchanged with no aggregation flag."""
    if code.startswith("K-") and len(code) > 2:
        return code[2:], "K"
    return code, None


def is_aggregate(code: str) -> bool:
    return bool(_AGGREGATE.fullmatch(code))


def is_region_dimension(name: str, codes: Sequence[str]) -> bool:
    if name.strip().lower() in REGION_DIMENSIONS:
        return True
    return (
        bool(codes)
        and any(c.startswith("K-") for c in codes)
        and all(c.startswith("K-") or is_aggregate(c) or c.isdigit() for c in codes)
    )


def is_period(code: str) -> bool:
    m = _PERIOD.fullmatch(code.strip())
    return bool(m) and 1800 <= int(m.group(1)) <= 2200


def period_start(code: str) -> pd.Timestamp:
    """First day of a period code, NaT when the code is not a known period form."""
    m = _PERIOD.fullmatch(code.strip())
    if not m:
        return pd.NaT
    year, kind, num = int(m.group(1)), m.group(2), m.group(3)
    if not 1700 <= year <= 2200:  # outside datetime64[ns] or clearly not a period
        return pd.NaT
    try:
        if kind is None:
            return pd.Timestamp(year, 1, 1)
        n = int(num)
        if kind == "K" and 1 <= n <= 4:
            return pd.Timestamp(year, 3 * n - 2, 1)
        if kind == "M" and 1 <= n <= 12:
            return pd.Timestamp(year, n, 1)
        if kind == "H" and n in (1, 2):
            return pd.Timestamp(year, 1 if n == 1 else 7, 1)
        if kind == "U" and 1 <= n <= 53:
            return pd.Timestamp.fromisocalendar(year, n, 1)
    except ValueError:
        return pd.NaT
    return pd.NaT


def period_starts(codes: Sequence[str]) -> pd.Series:
    cache = {c: period_start(c) for c in set(codes)}
    return pd.Series([cache[c] for c in codes], dtype="datetime64[ns]")
