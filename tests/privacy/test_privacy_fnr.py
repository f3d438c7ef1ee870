"""valid_fnr: check digits, D/H/test numbers, the 2032 rule and calendar dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fou_analysis.privacy import synthetic_fnr, valid_fnr
from fou_analysis.privacy.fnr import K1_WEIGHTS, K2_WEIGHTS


def _numbers(kind: str = "fnr", n: int = 300) -> list[str]:
    """Numbers built by our own check-digit code over many dates and all centuries."""
    out = []
    day = date(1860, 1, 1)
    individual = {1860: 600, 1900: 100, 1950: 950, 2005: 700}
    while len(out) < n:
        century = max(y for y in individual if y <= day.year)
        number = synthetic_fnr(day, individual[century] + len(out) % 50, kind=kind)
        if number is not None:
            out.append(number)
        day += timedelta(days=571)
        if day.year > 2030:
            day = date(1860 + len(out) % 40, 1 + len(out) % 12, 1)
    return out


@pytest.mark.parametrize("kind", ["fnr", "d", "h", "test"])
def test_numbers_with_correct_check_digits_are_valid(kind: str) -> None:
    numbers = _numbers(kind)
    assert all(valid_fnr(x) for x in numbers)
    assert all(valid_fnr(x, allow_2032=False) for x in numbers)


def test_every_single_digit_error_is_caught_by_the_standard_rule() -> None:
    for number in _numbers(n=60):
        for pos in range(11):
            for digit in "0123456789":
                if digit == number[pos]:
                    continue
                changed = number[:pos] + digit + number[pos + 1 :]
                assert not valid_fnr(changed, allow_2032=False), (number, changed)


def test_check_digit_ten_means_no_number() -> None:
    # Find nine digits whose K1 would be 10: no eleven-digit completion may be valid.
    first9 = next(
        f"0101{y:02d}{i:03d}"
        for y in range(100)
        for i in range(0, 500)
        if (11 - sum(w * int(c) for w, c in zip(K1_WEIGHTS, f"0101{y:02d}{i:03d}", strict=True)) % 11) == 10
    )
    assert synthetic_fnr(date(1900 + int(first9[4:6]), 1, 1), int(first9[6:9])) is None
    assert not any(valid_fnr(first9 + f"{k:02d}", allow_2032=False) for k in range(100))


def test_2032_rule_accepts_remainders_0_to_3_only_when_allowed() -> None:
    first9 = "150585123"
    s1 = sum(w * int(c) for w, c in zip(K1_WEIGHTS, first9, strict=True))
    found = {}
    for k1 in range(10):
        r1 = (s1 + k1) % 11
        k2 = (11 - sum(w * int(c) for w, c in zip(K2_WEIGHTS, first9 + str(k1), strict=True)) % 11) % 11
        if k2 < 10:
            found[r1] = f"{first9}{k1}{k2}"
    assert 0 in found and any(1 <= r <= 3 for r in found) and any(r > 3 for r in found)
    for r1, number in found.items():
        assert valid_fnr(number, allow_2032=True) is (r1 <= 3)
        assert valid_fnr(number, allow_2032=False) is (r1 == 0)


def test_dates_must_exist_in_the_century_given_by_the_individual_number() -> None:
    leap_2000 = synthetic_fnr(date(2000, 2, 29), 501)  # 500–999 with year 00 → 2000, a leap year
    assert leap_2000 is not None and valid_fnr(leap_2000)
    # the same date digits with an individual number for 1900–1999: 29.02.1900 did not exist
    first9 = "290200" + "123"
    from fou_analysis.privacy.fnr import check_digits

    digits = check_digits(first9)
    assert digits is not None
    assert not valid_fnr(f"{first9}{digits[0]}{digits[1]}")
    for bad in ("310485", "300285", "000185", "011385", "320185"):
        digits = check_digits(bad + "123")
        if digits is not None:
            assert not valid_fnr(f"{bad}123{digits[0]}{digits[1]}"), bad


def test_variant_flags_and_input_forms() -> None:
    d = synthetic_fnr(date(1985, 5, 15), 123, kind="d")
    h = synthetic_fnr(date(1985, 5, 15), 123, kind="h")
    t = synthetic_fnr(date(1985, 5, 15), 123, kind="test")
    assert d and h and t
    assert (
        not valid_fnr(d, allow_d=False)
        and not valid_fnr(h, allow_h=False)
        and not valid_fnr(t, allow_test=False)
    )
    plain = synthetic_fnr(date(1985, 5, 15), 123)
    assert plain and valid_fnr(f"{plain[:6]} {plain[6:]}") and valid_fnr(f" {plain} ")
    assert (
        not valid_fnr(f"{plain[:6]}-{plain[6:]}") and not valid_fnr(plain + "0") and not valid_fnr(plain[:-1])
    )
    assert not valid_fnr(None) and not valid_fnr(3.5) and not valid_fnr("abcdefghijk") and not valid_fnr("")
    assert plain[0] != "0" and valid_fnr(int(plain))  # an int is zero-padded to 11 digits


@pytest.mark.reference
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # @navikt/fnrvalidator README (npm, MIT): "Alle fødselsnumre som forekommer her er
        # autogenererte" — an H-number and a Test-Norge number (month + 80).
        ("13527248013", True),
        ("10915596784", True),
        # NAV test code (navikt, Kotlin test "skal tillate helsyntetiske nummer fra dolly"):
        # fully synthetic Dolly numbers (month + 40) and their D-number twins, incl. 29.02.2020.
        ("15507600333", True),
        ("55507608360", True),
        ("29422059278", True),
        ("69422056629", True),
        # the same numbers with the last digit changed must fail
        ("10915596785", False),
        ("29422059279", False),
    ],
)
def test_publicly_documented_synthetic_numbers(number: str, expected: bool) -> None:
    assert valid_fnr(number) is expected
