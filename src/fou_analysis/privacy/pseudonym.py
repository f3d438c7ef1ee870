"""Keyed pseudonyms (HMAC-SHA256) for linking records without storing identities.

A keyed hash, unlike a plain hash, cannot be reversed by hashing every possible fødselsnummer
(there are only about 10^8 valid ones): without the key nobody can recompute the mapping. The key
must never enter the repository, the data folders or any output — read it from the environment
with :func:`key_from_env` and keep it with the data owner.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

import pandas as pd

from fou_analysis.exceptions import SpecificationError

MIN_KEY_BYTES = 16


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
    values: Iterable[object] | pd.Series, key: bytes | str, *, prefix: str = "P-", length: int = 10
) -> pd.Series | list[str | None]:
    """Replace identifiers by keyed pseudonyms ``prefix + first length hex digits of HMAC-SHA256``.

    Parameters
    ----------
    values
        Identifiers (a Series keeps its index and name; any other iterable gives a list). Each
        value is converted with ``str()`` and stripped of surrounding spaces; missing values
        (None/NaN) stay missing.
    key
        The secret key (bytes, or str encoded as UTF-8), at least 16 bytes. Never stored.
    prefix
        Text put in front of the hash.
    length
        Number of hex digits kept (8–64). Ten digits (40 bits) make collisions unlikely below
        about a million identifiers; check ``nunique`` when linking large registers.

    Returns
    -------
    Series or list
        Same length and order as ``values``.

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
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        digest = hmac.new(k, str(v).strip().encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{prefix}{digest[:length]}"

    if isinstance(values, pd.Series):
        return pd.Series([one(v) for v in values], index=values.index, name=values.name, dtype=object)
    return [one(v) for v in values]


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
