"""scan / check_report: find identity numbers and contact data; leave ordinary numbers alone."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fou_analysis.exceptions import DataError
from fou_analysis.privacy import PersonalDataError, check_report, scan, synthetic_fnr

FNR = synthetic_fnr(date(1985, 5, 15), 123)
DNR = synthetic_fnr(date(1985, 5, 15), 123, kind="d")
assert FNR and DNR


def kinds(text: str) -> list[str]:
    return [f.kind for f in scan(text)]


def test_finds_fnr_with_and_without_space_and_d_numbers() -> None:
    assert kinds(f"Pasient {FNR} kom inn") == ["fnr"]
    assert kinds(f"nr. {FNR[:6]} {FNR[6:]}.") == ["fnr"]
    assert kinds(f"nr. {FNR[:6]}-{FNR[6:]}") == ["fnr"]
    assert kinds(f"D-nummer: {DNR}") == ["d_number"]
    assert kinds("Test-Norge 10915596784") == ["fnr_test"]


def test_invalid_eleven_digit_numbers_are_not_flagged() -> None:
    wrong = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)
    assert scan(f"ordrenr {wrong}") == []


def test_fnr_inside_hashes_decimals_and_longer_numbers_is_ignored() -> None:
    assert scan(f"sha256 ab{FNR}cd") == []
    assert scan(f"p = 0.{FNR}") == []
    assert scan(f"9{FNR}") == [] and scan(f"{FNR}7") == []
    assert scan(f"{FNR},5 kr") == []


def test_location_context_and_masking() -> None:
    text = f"første linje\nandre linje med {FNR} og ola@example.no\n"
    findings = scan(text)
    assert [(f.kind, f.line, f.column) for f in findings] == [("fnr", 2, 17), ("email", 2, 32)]
    for f in findings:
        assert FNR not in f.value and FNR not in f.context and "ola@example.no" not in f.context
        assert f.location.startswith("line 2, col")
    assert findings[0].value == FNR[:2] + "*" * 9


def test_danish_cpr_flagged_with_confidence_by_check_digit() -> None:
    # 070761-4285 passes the mod-11 check (weights 4,3,2,7,6,5,4,3,2,1): 0+21+0+49+36+5+16+6+16+5 = 154 = 14·11
    high = scan("CPR 070761-4285")
    low = scan("CPR 070761-4286")
    assert [(f.kind, f.confidence) for f in high] == [("cpr", "high")]
    assert [(f.kind, f.confidence) for f in low] == [("cpr", "low")]
    assert scan("kode 991399-1234") == []  # no such day/month


def test_emails_and_norwegian_phone_numbers() -> None:
    assert kinds("skriv til kari.nordmann+fou@steinkjer.kommune.no i dag") == ["email"]
    for phone in (
        "+47 912 34 567",
        "+4791234567",
        "0047 91 23 45 67",
        "912 34 567",
        "91 23 45 67",
        "tlf. 91234567",
        "Mobil: 41234567",
    ):
        assert kinds(f"ring {phone} nå") == ["phone"], phone


@pytest.mark.parametrize(
    "text",
    [
        "Samlet kostnad 12 345 678 kr",
        "kr 1 234 567,89 i 2023",
        "2023-01-01",
        "2023-06-01T20:57:15+02:00 og 2024-03-04T09:00:02+01:00",
        "Periode 01.01.2023-31.12.2023",
        "aarmnd 202312, lopenr P000123, submission 29400000",
        "n = 12345678 rader",
        "p-verdi 0.00012345678901",
        "ISBN 978-82-15-03456-7",
        "Kommunenr 5006, 1702 og 5004",
        "N-f6508b98 L-3f9a1c2b",
    ],
)
def test_ordinary_report_numbers_are_not_flagged(text: str) -> None:
    assert scan(text) == []


def test_scans_notebook_sources_and_text_outputs_but_not_images(tmp_path: Path) -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Rapport\n", "ingen personopplysninger\n"]},
            {
                "cell_type": "code",
                "source": "x = 1",
                "outputs": [
                    {"output_type": "stream", "text": ["ok\n", f"fant {FNR}\n"]},
                    {
                        "output_type": "display_data",
                        "data": {"image/png": "iVBOR" + FNR + "==", "text/plain": ["<Figure>"]},
                    },
                    {"output_type": "execute_result", "data": {"text/html": ["<td>ola@example.no</td>"]}},
                ],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "report.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    findings = scan(path)
    assert [(f.kind, f.location) for f in findings] == [
        ("fnr", "cell 2 output 1, line 2, col 6"),
        ("email", "cell 2 output 3, line 1, col 5"),
    ]


def test_scans_csv_cells_and_flags_identifier_columns(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(f"id;Navn;fnr\n1;x;{FNR}\n2;y;\n", encoding="cp1252")
    findings = scan(path)
    assert [(f.kind, f.location) for f in findings] == [
        ("sensitive_column", "column 'Navn'"),
        ("sensitive_column", "column 'fnr'"),
        ("fnr", "row 2, column 'fnr'"),
    ]
    assert findings[-1].line == 2 and findings[-1].column == "fnr"


def test_html_base64_payloads_are_skipped_and_text_is_scanned(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(
        f'<img src="data:image/png;base64,AAAA+{FNR}/BBBB"><p>Kontakt 912 34 567</p>', encoding="utf-8"
    )
    assert [f.kind for f in scan(path)] == ["phone"]
    md = tmp_path / "notes.md"
    md.write_text("Nothing here.\n", encoding="utf-8")
    assert scan(md) == [] and scan(str(md)) == []


def test_check_report_raises_with_findings_and_passes_clean_text(tmp_path: Path) -> None:
    check_report("Effekten var 3,0 poeng (95 % KI 1,4 til 4,6), n = 270.")
    path = tmp_path / "r.md"
    path.write_text(f"a\nb {FNR}\n", encoding="utf-8")
    with pytest.raises(PersonalDataError) as info:
        check_report(path)
    err = info.value
    assert isinstance(err, DataError) and err.file == str(path)
    assert len(err.findings) == 1 and "fnr at line 2, col 3" in str(err) and FNR not in str(err)
    check_report("CPR 070761-4286", min_confidence="high")  # low-confidence finding ignored
    with pytest.raises(PersonalDataError):
        check_report("CPR 070761-4286")


def test_comma_separated_numbers_next_to_an_fnr_cell_are_still_found(tmp_path: Path) -> None:
    # protects the whole-text fast path: "5,<fnr>" must not be read as the decimal 5,<digits>
    path = tmp_path / "extract.csv"
    path.write_text(f"lopenr,n,id\nP000001,5,{FNR}\n", encoding="utf-8")
    assert [(f.kind, f.location) for f in scan(path)] == [("fnr", "row 2, column 'id'")]


def test_html_drawings_do_not_look_like_phone_numbers_but_identity_numbers_still_count() -> None:
    html = (
        "<!DOCTYPE html><html><body><p>Resultat</p>"
        '<svg><path d="M 40 50 60 70 L 80 90"/></svg>'
        f'<script>var data = {{"hover": "{FNR}"}};</script>'
        "<p>Ring 91 23 45 67</p></body></html>"
    )
    assert [f.kind for f in scan(html)] == ["fnr", "phone"]
    assert scan("M 40 50 60 70 L") != []  # the same digits in plain text are a phone pattern
