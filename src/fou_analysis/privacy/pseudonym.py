"""Keyed pseudonyms (HMAC-SHA256) for linking records without storing identities.

A keyed hash, unlike a plain hash, cannot be reversed by hashing every possible fødselsnummer
(there are only about 10^8 valid ones): without the key nobody can recompute the mapping. The key
must never enter the repository, the data folders or any output — read it from the environment
with :func:`key_from_env` and keep it with the data owner.

Identifiers are normalised before hashing (:func:`normalise_id`), so that the same person links
across files however a program wrote the number: ``12345678901``, ``123 456 789 01``,
``123456-78901``, the float ``12345678901.0`` an SPSS file or a CSV of floats gives, the ``int``
an ``.xlsx`` cell gives, and a ten-digit value that lost its leading zero but is a valid identity
number once padded all get one pseudonym. Blank cells are missing, not a shared pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import numbers
import os
import re
import sys
from collections.abc import Iterable

import pandas as pd

from fou_analysis.exceptions import SpecificationError
from fou_analysis.privacy.fnr import valid_fnr

MIN_KEY_BYTES = 16

# Separators inside a numeric identifier: every Unicode space, zero-width characters, dashes,
# "." and "/". Removed only when what is left is all digits (text identifiers keep theirs).
_SEPARATORS = re.compile(
    "["
    + re.escape(
        "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
        + "\u200b\u200c\u200d\u2060\ufeff\u00ad-\u2010\u2011\u2012\u2013\u2014\u2015\u2212./"
    )
    + "]"
)
# A float written as text: "12345678901.0", "12345678901,00". Three zeros are left alone:
# "12.000" may be twelve thousand with a thousand separator.
_FLOAT_TEXT = re.compile(r"(\d+)[.,](?:0{1,2}|0{4,})")
_DECIMAL_TEXT = re.compile(r"\d+[.,]\d{1,2}")  # "12.5" is a decimal number, not 125


def normalise_id(value: object) -> str | None:
    """The canonical text of an identifier, as hashed by :func:`pseudonymise`.

    * missing (``None``, NaN, ``pd.NA``, ``NaT``) and blank text → ``None``;
    * integers (Python or NumPy) → their digits; whole floats → their integer digits
      (``12345678901.0`` → ``"12345678901"``), other floats → ``str()``;
    * text is stripped; a float written as text loses its ``.0`` (``"12.5"`` stays a decimal);
      spaces (any Unicode space), dashes, dots and slashes are removed when only digits remain (``"123 456 789-01"`` →
      ``"12345678901"``; ``"L-1a2b"`` is kept as it is); non-ASCII digits become ASCII;
    * ten digits that form a valid identity number once zero-padded (birth days 01–09, whose
      leading zero a spreadsheet or a numeric column drops) are padded to eleven.

    Examples
    --------
    >>> from fou_analysis.privacy.pseudonym import normalise_id
    >>> [normalise_id(v) for v in (10915596784.0, "109 155 967 84", " L-1a2b ", "  ", None)]
    ['10915596784', '10915596784', 'L-1a2b', None, None]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, numbers.Integral):
        text = str(int(value))
    elif isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return None
        text = str(int(f)) if f.is_integer() else str(f)
    else:
        if not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value):
            return None
        text = str(value).strip()
        if not text:
            return None
        m = _FLOAT_TEXT.fullmatch(text)
        if m:
            digits = m.group(1)
        elif _DECIMAL_TEXT.fullmatch(text):
            digits = ""
        else:
            digits = _SEPARATORS.sub("", text)
        if digits.isdecimal():
            text = "".join(str(int(c)) for c in digits)  # any script's digits → ASCII
    if len(text) == 10 and text.isdigit() and valid_fnr("0" + text):
        text = "0" + text
    return text


def _key_bytes(key: bytes | str) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise SpecificationError("key must be bytes or str")
    if len(key) == 0:
        raise SpecificationError("key is empty: pseudonymisation needs a secret key")
    if len(key) < MIN_KEY_BYTES:
        raise SpecificationError(
            f"key is {len(key)} bytes; use at least {MIN_KEY_BYTES} bytes (e.g. secrets.token_hex(32))"
        )
    return bytes(key)


def pseudonymise(
    values: Iterable[object] | pd.Series,
    key: bytes | str,
    *,
    prefix: str = "P-",
    length: int = 10,
    normalise: bool = True,
) -> pd.Series | list[str | None]:
    """Replace identifiers by keyed pseudonyms ``prefix + first length hex digits of HMAC-SHA256``.

    Parameters
    ----------
    values
        Identifiers (a Series keeps its index and name; any other iterable gives a list). Each
        value is normalised with :func:`normalise_id` (so ``12345678901``, ``"123 456 789 01"``
        and ``12345678901.0`` get one pseudonym); missing and blank values stay missing
        (``pd.NA`` in a Series, ``None`` in a list) and are never hashed.
    key
        The secret key (bytes, or str encoded as UTF-8), at least 16 bytes. Never stored.
    prefix
        Text put in front of the hash.
    length
        Number of hex digits kept (8–64). Ten digits (40 bits) make collisions unlikely below
        about a million identifiers; check ``nunique`` when linking large registers.
    normalise
        ``False`` hashes ``str(value).strip()`` as it is (pseudonyms made before normalisation
        existed); blanks are still missing.

    Returns
    -------
    Series or list
        Same length and order as ``values``; a Series has the ``string`` dtype.

    Examples
    --------
    >>> from fou_analysis import privacy
    >>> privacy.pseudonymise(["a", "b"], "not-a-real-key-0123456789")[0][:2]
    'P-'
    """
    k = _key_bytes(key)
    if not isinstance(length, int) or not 8 <= length <= 64:
        raise SpecificationError(f"length must be an integer from 8 to 64, not {length!r}")

    def one(v: object) -> str | None:
        if normalise:
            text = normalise_id(v)
        elif v is None or (not isinstance(v, str) and pd.isna(v)):
            text = None
        else:
            text = str(v).strip() or None
        if text is None:
            return None
        digest = hmac.new(k, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{prefix}{digest[:length]}"

    # A register repeats each person on many rows: hash each distinct value once. The type is
    # part of the key because 1 == 1.0 == True in a dict, but True is not the identifier "1".
    cache: dict[tuple[type, object], str | None] = {}

    def cached(v: object) -> str | None:
        try:
            k = (type(v), v)
            if k not in cache:
                cache[k] = one(v)
            return cache[k]
        except TypeError:  # unhashable
            return one(v)

    if isinstance(values, pd.Series):
        return pd.Series([cached(v) for v in values], index=values.index, name=values.name, dtype="string")
    return [cached(v) for v in values]


def key_from_env(var: str = "FOU_PSEUDONYM_KEY") -> bytes:
    """Read the pseudonymisation key from an environment variable.

    Raises
    ------
    SpecificationError
        When the variable is unset, empty or shorter than 16 bytes, saying how to set it.
    """
    value = os.environ.get(var)
    if not value:
        raise SpecificationError(
            f"environment variable {var} is not set: set it to a secret of at least {MIN_KEY_BYTES} bytes "
            f"(for example: export {var}=$(python -c 'import secrets; print(secrets.token_hex(32))')) "
            "and keep it outside the repository"
        )
    return _key_bytes(value)
