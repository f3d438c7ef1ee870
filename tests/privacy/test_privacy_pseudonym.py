"""pseudonymise / key_from_env: keyed, deterministic, and never without a proper key."""

from __future__ import annotations

import hashlib
import hmac
import re

import numpy as np
import pandas as pd
import pytest

from fou_analysis.exceptions import SpecificationError
from fou_analysis.privacy import key_from_env, pseudonymise

KEY = "test-key-not-secret-0123456789"


def test_is_hmac_sha256_with_prefix_and_length() -> None:
    expected = "P-" + hmac.new(KEY.encode(), b"12345", hashlib.sha256).hexdigest()[:10]
    assert pseudonymise(["12345"], KEY) == [expected]
    out = pseudonymise(["a"], KEY, prefix="L-", length=8)[0]
    assert re.fullmatch(r"L-[0-9a-f]{8}", out)


def test_deterministic_per_key_and_different_across_keys() -> None:
    values = [f"id{i}" for i in range(500)]
    a = pseudonymise(values, KEY)
    assert a == pseudonymise(values, KEY.encode())
    b = pseudonymise(values, KEY + "x")
    assert all(x != y for x, y in zip(a, b, strict=True))
    assert len(set(a)) == len(a)


def test_series_keep_index_and_missing_values() -> None:
    s = pd.Series(["a", None, np.nan, " a "], index=[10, 11, 12, 13], name="fnr")
    out = pseudonymise(s, KEY)
    assert isinstance(out, pd.Series) and out.name == "fnr" and list(out.index) == [10, 11, 12, 13]
    assert out[11] is None and out[12] is None
    assert out[10] == out[13]  # surrounding spaces do not change the pseudonym
    assert s.tolist()[0] == "a"  # input untouched


@pytest.mark.parametrize("key", ["", b"", "short", b"fifteen-bytes!!"])
def test_empty_or_short_keys_are_refused(key: str | bytes) -> None:
    with pytest.raises(SpecificationError, match="key"):
        pseudonymise(["a"], key)


def test_bad_length_is_refused() -> None:
    with pytest.raises(SpecificationError):
        pseudonymise(["a"], KEY, length=4)


def test_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOU_PSEUDONYM_KEY", raising=False)
    with pytest.raises(SpecificationError, match="FOU_PSEUDONYM_KEY is not set"):
        key_from_env()
    monkeypatch.setenv("FOU_PSEUDONYM_KEY", "too-short")
    with pytest.raises(SpecificationError, match="at least 16 bytes"):
        key_from_env()
    monkeypatch.setenv("MY_KEY", KEY)
    assert key_from_env("MY_KEY") == KEY.encode()
