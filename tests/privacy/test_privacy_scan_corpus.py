"""A corpus of spellings of identity numbers and e-mail addresses, each marked found / not found.

Every identity number here is synthetic (:func:`fou_analysis.privacy.synthetic_fnr`): built from a
date and an individual number with computed check digits — never a real person's number. The
corpus is the issue's list of spellings that slipped through (#9.3) plus the report numbers that
must not be mistaken for identity numbers.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from fou_analysis.privacy import scan, synthetic_fnr, valid_fnr


def _first(birth: date, kind: str = "fnr", start: int = 101) -> str:
    for individual in range(start, start + 50):
        number = synthetic_fnr(birth, individual, kind=kind)
        if number is not None:
            return number
    raise AssertionError("no synthetic number found")  # pragma: no cover


FNR = _first(date(1985, 4, 15))  # DDMMYY = 150485
LZ = _first(date(1990, 3, 5))  # birth day 05: starts with a zero
DNR = _first(date(1985, 4, 15), "d")
HNR = _first(date(1985, 4, 15), "h")
TNR = _first(date(1985, 4, 15), "test")
BAD = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)  # second check digit wrong
BAD_K1 = FNR[:9] + str((int(FNR[9]) + 5) % 10) + FNR[10]  # first check digit wrong
assert LZ.startswith("0") and not valid_fnr(BAD) and not valid_fnr(BAD_K1)
assert valid_fnr(FNR) and valid_fnr(DNR) and valid_fnr(HNR) and valid_fnr(TNR)


def spell(n: str, how: str) -> str:
    """One spelling of the eleven digits ``n``."""
    d, m, y, i = n[:2], n[2:4], n[4:6], n[6:]
    return {
        "plain": n,
        "space": f"{n[:6]} {i}",
        "nbsp": f"{n[:6]}\u00a0{i}",
        "narrow_nbsp": f"{n[:6]}\u202f{i}",
        "figure_space": f"{n[:6]}\u2007{i}",
        "thin_space": f"{n[:6]}\u2009{i}",
        "zero_width": f"{n[:6]}\u200b{i}",
        "hyphen": f"{n[:6]}-{i}",
        "en_dash": f"{n[:6]}\u2013{i}",
        "spaced_hyphen": f"{n[:6]} - {i}",
        "dot": f"{n[:6]}.{i}",
        "slash": f"{n[:6]}/{i}",
        "6_3_2": f"{n[:6]} {i[:3]} {i[3:]}",
        "date_dots": f"{d}.{m}.{y} {i}",
        "date_slashes": f"{d}/{m}/{y}-{i}",
        "date_spaces": f"{d} {m} {y} {i}",
        "3_3_3_2": f"{n[:3]} {n[3:6]} {n[6:9]} {n[9:]}",
        "3_3_3_2_nbsp": "\u00a0".join((n[:3], n[3:6], n[6:9], n[9:])),
        "thousands_space": f"{n[:2]} {n[2:5]} {n[5:8]} {n[8:]}",
        "thousands_dot": f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8:]}",
        "thousands_comma": f"{n[:2]},{n[2:5]},{n[5:8]},{n[8:]}",
        "thousands_narrow_nbsp": "\u202f".join((n[:2], n[2:5], n[5:8], n[8:])),
        "thousands_apostrophe": "'".join((n[:2], n[2:5], n[5:8], n[8:])),
        "float": f"{n}.0",
        "float_comma": f"{n},0",
        "float_two_decimals": f"{n}.00",
        "fullwidth": n.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "in_parentheses": f"({n})",
        "after_colon": f"fnr:{n}",
        "json_string": json.dumps({"id": n}),
        "markdown_cell": f"| 3 | {n[:6]}\u00a0{i} |",
        "end_of_sentence": f"nummeret er {n[:6]} {i}.",
    }[how]


SPELLINGS = [
    "plain", "space", "nbsp", "narrow_nbsp", "figure_space", "thin_space", "zero_width", "hyphen",
    "en_dash", "spaced_hyphen", "dot", "slash", "6_3_2", "date_dots", "date_slashes", "date_spaces",
    "3_3_3_2", "3_3_3_2_nbsp", "thousands_space", "thousands_dot", "thousands_comma",
    "thousands_narrow_nbsp", "thousands_apostrophe", "float", "float_comma", "float_two_decimals",
    "fullwidth", "in_parentheses", "after_colon", "json_string", "markdown_cell", "end_of_sentence",
]  # fmt: skip

# (text, expected kinds): the corpus. Found entries name what must be found, not-found entries [].
CORPUS: list[tuple[str, list[str]]] = [
    *[(spell(FNR, how), ["fnr"]) for how in SPELLINGS],
    *[(spell(LZ, how), ["fnr"]) for how in ("plain", "nbsp", "thousands_space", "float")],
    (LZ[1:], ["fnr"]),  # lost its leading zero (read as a number somewhere)
    (LZ[1:] + ".0", ["fnr"]),  # ... and then written as a float
    (f"id {int(LZ)}", ["fnr"]),
    (spell(DNR, "nbsp"), ["d_number"]),
    (spell(HNR, "thousands_dot"), ["h_number"]),
    (spell(TNR, "float"), ["fnr_test"]),
    ("kari@bærum.no", ["email"]),
    ("Skriv til ærlig.åsmund@øvre-eiker.kommune.no.", ["email"]),
    ("kari@xn--brum-roa.no", ["email"]),
    ("ola.nordmann+fou@steinkjer.kommune.no", ["email"]),
    ("Ring 912\u00a034\u00a0567", ["phone"]),
    # not found: the same digits failing the check digits, in every spelling
    *[(spell(BAD, how), []) for how in SPELLINGS],
    *[(spell(BAD_K1, how), []) for how in ("plain", "nbsp", "thousands_space", "float")],
    (FNR[1:], []),  # ten digits that are no identity number when zero-padded (day 01–09 only)
    # not found: ordinary report numbers
    ("Samlet kostnad 1 234 567 890 kr", []),
    ("1.234.567.890 kr", []),
    ("kr 12\u00a0345\u00a0678,50", []),
    ("15.04.1985", []),
    ("2024-03-04T09:00:02+01:00", []),
    ("2024-03-04 09:00:02.123456", []),
    ("2019 2020 2021 2022 2023 2024", []),
    ("p = 0.01504851018", []),
    (f"p-verdi 0.{FNR}", []),
    ("Kommunenr 5006 1702 5004 5007 5053 5054", []),
    (hashlib.sha256(FNR.encode()).hexdigest(), []),
    (f"sha256 ab{FNR}cd", []),
    (f"9{FNR}", []),
    (f"{FNR},5 kr", []),
    ("unix time 1700000000", []),
    ("pandas@2.0 og @steinkjer", []),
]


def test_corpus_is_large_enough() -> None:
    found = [t for t, k in CORPUS if k]
    assert len(found) >= 40 and len(CORPUS) - len(found) >= 40


@pytest.mark.parametrize(
    ("text", "expected"), CORPUS, ids=[f"{i}:{t[:24]!r}" for i, (t, _) in enumerate(CORPUS)]
)
def test_corpus(text: str, expected: list[str]) -> None:
    findings = scan(text)
    assert [f.kind for f in findings] == expected
    for f in findings:  # the whole number is covered by the finding and masked in it
        assert FNR not in f.value and FNR not in f.context and "*" in f.value


@pytest.mark.parametrize(
    "html_text",
    [
        f"<p>&#{ord(FNR[0])};{FNR[1:]}</p>",  # decimal character reference
        f"<p>&#x{ord(FNR[0]):x};{FNR[1:]}</p>",  # hex character reference
        f"<td>{FNR[:6]}&nbsp;{FNR[6:]}</td>",  # named entity (the case that reached a report)
        f"<td>{FNR[:6]}&#8239;{FNR[6:]}</td>",  # narrow no-break space as a reference
        f"<td>{FNR[:6]}<wbr>{FNR[6:]}</td>",  # a line-break hint inside the number
        "<td>kari&#64;b&aelig;rum.no</td>",  # encoded e-mail address
    ],
)
def test_html_character_references_are_decoded_before_scanning(html_text: str, tmp_path: Path) -> None:
    page = f"<!DOCTYPE html><html><body>{html_text}</body></html>"
    assert len(scan(page)) == 1
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    assert len(scan(path)) == 1
    nb = {
        "cells": [{"cell_type": "code", "source": "x", "outputs": [
            {"output_type": "execute_result", "data": {"text/html": [html_text]}}]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    nb_path = tmp_path / "report.ipynb"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    assert len(scan(nb_path)) == 1


def test_random_numbers_are_flagged_exactly_when_their_check_digits_pass() -> None:
    """600 random eleven-digit strings (seeded) in every spelling: flagged iff ``valid_fnr``.

    Random digits rarely form a valid number, so half the draws are synthetic numbers with
    random dates and individual numbers (valid by construction) and half are such numbers with
    one digit changed — always invalid, because every K2 weight (5 4 3 2 7 6 5 4 3 2 1) is
    non-zero mod 11, so no single-digit change keeps the weighted sum divisible by 11."""
    rng = np.random.default_rng(20261203)
    numbers: list[str] = []
    while len(numbers) < 600:
        birth = date(int(rng.integers(1900, 2039)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        kind = str(rng.choice(["fnr", "d", "h", "test"]))
        n = synthetic_fnr(birth, int(rng.integers(0, 1000)), kind=kind)
        if n is None:
            continue
        if len(numbers) % 2:
            pos = int(rng.integers(0, 11))
            n = n[:pos] + str((int(n[pos]) + int(rng.integers(1, 10))) % 10) + n[pos + 1 :]
        numbers.append(n)
    n_valid = 0
    for n in numbers:
        valid = valid_fnr(n)
        n_valid += valid
        for how in SPELLINGS:
            text = f"verdi {spell(n, how)} her"
            assert bool(scan(text)) == valid, (how, text)
    assert n_valid == 300  # both branches exercised


def test_a_quoted_thousand_grouping_in_a_comma_separated_file_is_found(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    grouped = spell(FNR, "thousands_comma")
    path.write_text(
        f'lopenr,id,n\nP000001,"{grouped}",5\nP000002,"{spell(BAD, "thousands_comma")}",5\n', encoding="utf-8"
    )
    assert [(f.kind, f.location) for f in scan(path)] == [("fnr", "row 2, column 'id'")]
