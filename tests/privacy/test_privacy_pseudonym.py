"""pseudonymise / key_from_env: keyed, deterministic, and never without a proper key."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fou_analysis.exceptions import SpecificationError
from fou_analysis.privacy import key_from_env, normalise_id, pseudonymise, synthetic_fnr

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
    assert out[11] is pd.NA and out[12] is pd.NA  # missing stays missing (not hashed)
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


# --------------------------------------------------------------------------- linking (#9.7)
FNR = "10915596784"  # a Test-Norge number (month + 80), synthetic
LZ = synthetic_fnr(date(1990, 3, 5), 101) or synthetic_fnr(date(1990, 3, 5), 102)
assert LZ is not None and LZ.startswith("0")


@pytest.mark.parametrize(
    "spelling",
    [
        FNR,
        f" {FNR} ",
        "109 155 967 84",
        "109155 96784",
        "109155\u00a096784",
        "109155\u202f96784",
        "109155-96784",
        "109155\u201396784",
        "10.91.55 96784",
        "10.915.596.784",
        f"{FNR}.0",
        f"{FNR},0",
        int(FNR),
        float(FNR),
        np.int64(FNR),
        np.float64(FNR),
        FNR.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
    ids=repr,
)
def test_every_spelling_of_an_identifier_gets_one_pseudonym(spelling: object) -> None:
    expected = "P-" + hmac.new(KEY.encode(), FNR.encode(), hashlib.sha256).hexdigest()[:10]
    assert pseudonymise([spelling], KEY) == [expected]
    assert pseudonymise(pd.Series([spelling], dtype=object), KEY).tolist() == [expected]


@pytest.mark.parametrize("spelling", [LZ, LZ[1:], int(LZ), float(LZ), f"{int(LZ)}.0", f"{LZ[:6]} {LZ[6:]}"])
def test_a_lost_leading_zero_links_when_the_padded_number_is_valid(spelling: object) -> None:
    assert pseudonymise([spelling], KEY) == pseudonymise([LZ], KEY)


def test_numeric_columns_read_from_files_link_with_text_columns() -> None:
    text = pd.Series([FNR, LZ, "123 45"], dtype="string")
    floats = pd.Series([float(FNR), float(LZ), np.nan])  # .sav / a CSV column of floats
    ints = pd.Series([int(FNR), int(LZ), 12345], dtype="Int64")  # .xlsx
    a, b, c = (pseudonymise(s, KEY) for s in (text, floats, ints))
    assert a[:2].tolist() == b[:2].tolist() == c[:2].tolist()
    assert a[2] == c[2]  # "123 45" and 12345: spaces inside digits do not matter
    assert b[2] is pd.NA


def test_distinct_identifiers_stay_distinct_and_text_ids_keep_their_hyphens() -> None:
    assert normalise_id("L-1a2b") == "L-1a2b" and normalise_id("L1a2b") == "L1a2b"
    assert normalise_id("12.5") == "12.5" and normalise_id(12.5) == "12.5"
    assert normalise_id("0123") == "0123"  # leading zeros of short codes are kept
    bad = FNR[:-1] + "5"  # check digit wrong: a ten-digit cut of it is never padded
    assert normalise_id(bad[1:]) == bad[1:]
    values = [FNR, bad, LZ, "L-1a2b", "L1a2b"]
    assert len(set(pseudonymise(values, KEY))) == len(values)
    one, true, one_float = pseudonymise([1, True, 1.0], KEY)  # 1 == True == 1.0 in a dict
    assert one == one_float != true


@pytest.mark.parametrize("blank", ["", "   ", "\u00a0", None, np.nan, pd.NA, pd.NaT, float("nan")], ids=repr)
def test_blanks_are_missing_not_one_shared_pseudonym(blank: object) -> None:
    s = pseudonymise(pd.Series(["a", blank], dtype=object), KEY)
    assert s[0].startswith("P-") and s[1] is pd.NA
    assert pseudonymise(["a", blank], KEY)[1] is None
    assert pseudonymise([blank], KEY, normalise=False) == [None]


def test_normalise_false_hashes_the_stripped_text_as_before() -> None:
    old = "P-" + hmac.new(KEY.encode(), f"{FNR}.0".encode(), hashlib.sha256).hexdigest()[:10]
    assert pseudonymise([f" {FNR}.0 "], KEY, normalise=False) == [old]
    assert pseudonymise([f"{FNR}.0"], KEY) != [old]


def test_the_same_people_in_xlsx_sav_and_csv_files_get_the_same_pseudonyms(tmp_path: Path) -> None:
    """Read by the package's readers: ints from .xlsx, floats from .sav, text from a CSV."""
    import pyreadstat

    from fou_analysis import io

    pd.DataFrame({"id": [int(FNR), int(LZ)], "x": [1, 2]}).to_excel(tmp_path / "a.xlsx", index=False)
    pyreadstat.write_sav(pd.DataFrame({"id": [float(FNR), float(LZ)], "x": [1.0, 2.0]}), tmp_path / "b.sav")
    csv_ids = [f"{FNR[:6]} {FNR[6:]}", LZ]
    pd.DataFrame({"id": csv_ids, "x": [1, 2]}).to_csv(tmp_path / "c.csv", sep=";", index=False)
    frames = [
        io.read_table(tmp_path / "a.xlsx"),
        io.read_spss(tmp_path / "b.sav"),
        io.read_table(tmp_path / "c.csv"),
    ]
    assert frames[0]["id"].dtype.kind == "i" and frames[1]["id"].dtype.kind == "f"  # what made them differ
    pseudonyms = [pseudonymise(f["id"], KEY).tolist() for f in frames]
    assert pseudonyms[0] == pseudonyms[1] == pseudonyms[2] == pseudonymise([FNR, LZ], KEY)
