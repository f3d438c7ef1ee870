"""Norwegian national identity numbers (fødselsnummer, D-, H- and test numbers).

Structure: ``DDMMYY`` + individual number (3 digits) + two check digits. ``K1`` uses the weights
3, 7, 6, 1, 8, 9, 4, 5, 2 over the first nine digits and ``K2`` the weights 5, 4, 3, 2, 7, 6, 5, 4,
3, 2 over the first ten; ``k = 11 − (sum mod 11)``, 11 → 0, 10 → no valid number. Equivalently:
with weight 1 on the check digit itself, the weighted sum must be divisible by 11.

Variants: D-number (day + 40), H-number (month + 40; NAV's synthetic "Dolly" numbers use the same
shift), Skatteetaten's Tenor test numbers (month + 80). From 2032 new numbers may have
``(sum + K1) mod 11 ∈ {0, 1, 2, 3}`` for the first check digit (``allow_2032``, default on: a
detector should rather flag too much); K2 is unchanged.

Century: the individual number gives it (000–499 → 1900–1999; 500–749 with year ≥ 54 →
1854–1899; 500–999 with year ≤ 39 → 2000–2039; 900–999 with year ≥ 40 → 1940–1999). The date
must be a real calendar date in that century (29 February only in leap years). Combinations the
ranges do not cover (for example 750–899 with year ≥ 40) are accepted if the date exists in
1900+YY or 2000+YY — lenient on purpose, because the 2032 scheme no longer ties individual
numbers to centuries and a privacy check must not miss real numbers.

Hand-written rather than taken from ``python-stdnum`` to avoid a dependency for ~60 lines and
to support H-, test- and 2032-numbers, which it does not.
"""

from __future__ import annotations

import calendar
from datetime import date

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _normalise(text: object) -> str | None:
    if isinstance(text, int) and not isinstance(text, bool):
        text = f"{text:011d}"
    if not isinstance(text, str):
        return None
    s = text.strip()
    if len(s) == 12 and s[6] == " ":
        s = s[:6] + s[7:]
    if len(s) != 11 or not s.isascii() or not s.isdigit():
        return None
    return s


def check_digits(first9: str) -> tuple[int, int] | None:
    """Standard check digits ``(K1, K2)`` for nine digits, or ``None`` when either would be 10."""
    d = [int(c) for c in first9]
    k1 = (11 - sum(w * x for w, x in zip(K1_WEIGHTS, d, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(w * x for w, x in zip(K2_WEIGHTS, [*d, k1], strict=True)) % 11) % 11
    if k2 == 10:
        return None
    return k1, k2


def _century_years(yy: int, individual: int) -> list[int]:
    if individual <= 499:
        return [1900 + yy]
    if individual <= 749 and yy >= 54:
        return [1800 + yy]
    if individual >= 500 and yy <= 39:
        return [2000 + yy]
    if individual >= 900 and yy >= 40:
        return [1900 + yy]
    return [1900 + yy, 2000 + yy]


def _date_ok(day: int, month: int, years: list[int]) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    return any(day <= calendar.monthrange(y, month)[1] for y in years)


def valid_fnr(
    text: object,
    *,
    allow_2032: bool = True,
    allow_d: bool = True,
    allow_h: bool = True,
    allow_test: bool = True,
) -> bool:
    """Whether ``text`` is a valid Norwegian identity number.

    Parameters
    ----------
    text
        Eleven digits, optionally with one space after the six date digits (``"DDMMYY NNNNN"``).
        An ``int`` is zero-padded to eleven digits; anything else is not valid.
    allow_2032
        Accept the first check digit under the rule announced for numbers issued from 2032,
        ``(weighted sum + K1) mod 11 ∈ {0, 1, 2, 3}``.
    allow_d, allow_h, allow_test
        Accept D-numbers (day + 40), H-numbers (month + 40) and Tenor test numbers (month + 80).

    Returns
    -------
    bool

    Examples
    --------
    >>> from fou_analysis import privacy
    >>> privacy.valid_fnr("10915596784")  # a Test-Norge number (month + 80), synthetic
    True
    >>> privacy.valid_fnr("10915596785")
    False
    """
    s = _normalise(text)
    if s is None:
        return False
    d = [int(c) for c in s]
    r1 = (sum(w * x for w, x in zip(K1_WEIGHTS, d[:9], strict=True)) + d[9]) % 11
    if r1 != 0 and not (allow_2032 and r1 <= 3):
        return False
    if (sum(w * x for w, x in zip(K2_WEIGHTS, d[:10], strict=True)) + d[10]) % 11 != 0:
        return False
    day, month, yy, individual = int(s[0:2]), int(s[2:4]), int(s[4:6]), int(s[6:9])
    if day > 40:
        if not allow_d:
            return False
        day -= 40
    if month > 80:
        if not allow_test:
            return False
        month -= 80
    elif month > 40:
        if not allow_h:
            return False
        month -= 40
    return _date_ok(day, month, _century_years(yy, individual))


def synthetic_fnr(birth: date, individual: int, *, kind: str = "fnr") -> str | None:
    """Build a number with standard check digits (for tests and demos; never a lookup).

    Parameters
    ----------
    birth
        Date of birth.
    individual
        Individual number 0–999 (choose it in the range that matches the century).
    kind
        ``"fnr"``, ``"d"`` (day + 40), ``"h"`` (month + 40) or ``"test"`` (month + 80).

    Returns
    -------
    str or None
        The eleven digits, or ``None`` when a check digit would be 10 (no such number).
    """
    day = birth.day + (40 if kind == "d" else 0)
    month = birth.month + {"fnr": 0, "d": 0, "h": 40, "test": 80}[kind]
    first9 = f"{day:02d}{month:02d}{birth.year % 100:02d}{individual:03d}"
    digits = check_digits(first9)
    if digits is None:
        return None
    return f"{first9}{digits[0]}{digits[1]}"
