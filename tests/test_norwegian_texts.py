"""Norwegian all through: every check a design reports has a reader's name in nb and en, and
numbers in text use one format per language (p-values like every other number)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fou_analysis.effects._checks import CHECK_LABELS, check_label, value_label
from fou_analysis.formatting import NBSP, format_number, format_p, format_percent, format_significant

SRC = Path(__file__).resolve().parents[1] / "src" / "fou_analysis" / "effects"


def _check_names_in_source() -> set[str]:
    names = set()
    for path in SRC.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'Diagnostic\(\s*"([a-z_0-9]+)"', text))
    return names


def test_every_check_a_design_reports_has_a_label_in_both_languages() -> None:
    names = _check_names_in_source()
    assert len(names) >= 25  # the scan found the checks (a broken pattern would find none)
    missing = sorted(n for n in names if n not in CHECK_LABELS)
    assert missing == [], f"add these to effects/_checks.py CHECK_LABELS: {missing}"
    for name, labels in CHECK_LABELS.items():
        assert set(labels) == {"nb", "en"}, name
        assert "_" not in labels["nb"] and "_" not in labels["en"], name


def test_unknown_checks_and_values_never_show_underscores() -> None:
    assert check_label("some_new_check", "nb") == "Some new check"
    assert value_label("converged", "nb") == "konvergerte"
    with pytest.raises(ValueError):
        check_label("pre_trend", "de")


@pytest.mark.parametrize("p", [0.0744, 0.5, 0.001, 0.0123456])
def test_p_values_are_formatted_like_other_numbers(p: float) -> None:
    assert format_p(p, "nb") == format_number(p, 3, "nb")
    assert "." not in format_p(p, "nb") and "," in format_p(p, "nb")
    assert format_p(p, "en") == format_number(p, 3, "en")


def test_significant_digits_and_percent_in_norwegian() -> None:
    assert format_significant(29.2, 3, "nb") == "29,2"  # not "29,200" (twenty-nine thousand in English)
    assert format_significant(-0.001234, 3, "nb") == "−0,00123"
    assert format_significant(1234.6, 3, "en") == "1,235"
    assert format_percent(0.36, 0, "nb") == f"36{NBSP}%"


def test_norwegian_diagnostic_texts_use_the_norwegian_number_format() -> None:
    from fou_analysis.effects._did_common import pretrend_text

    en, nb = pretrend_text(0.0744, "Joint test")
    assert "p = 0,074" in nb and "p = 0.074" in en


@pytest.mark.parametrize(
    "note,lang,expected",
    [
        ("VERIFY: the rate.", "nb", "MÅ KONTROLLERES. Merknad i verdibanken (på engelsk): The rate."),
        ("VERIFY the rate.", "en", "VERIFY before publishing. The rate."),
        ("ILLUSTRATIVE: a range.", "nb", "ILLUSTRASJON. Merknad i verdibanken (på engelsk): A range."),
        ("", "nb", ""),
    ],
)
def test_value_bank_flag_is_said_once_in_the_report_language(note: str, lang: str, expected: str) -> None:
    from fou_analysis.report.headlines import _validity_text

    assert _validity_text(note, lang) == expected
    assert "VERIFY: VERIFY" not in _validity_text("VERIFY: VERIFY", lang)


def test_fixed_assumption_notes_have_a_norwegian_text() -> None:
    from importlib import import_module

    from fou_analysis.effects._checks import note_text

    for name in ("prepost", "weighting", "survival"):
        notes = import_module(f"fou_analysis.effects.{name}").NOTES
        for note in notes:
            nb = note_text(note, "nb")
            assert nb != note and note_text(note, "en") == note
            assert not any(w in f" {nb} " for w in (" the ", " and ", " of ", " is ")), nb


def test_notes_built_from_the_data_have_a_norwegian_text() -> None:
    """#10: the notes a design builds from its data (rows left out, binned endpoints, the TWFE
    warning) reach ``summary("nb")`` in Norwegian, with the count in Norwegian format."""
    import numpy as np

    from _panels import staggered_panel
    from fou_analysis.effects import did, event_study
    from fou_analysis.effects._checks import DATA_NOTES_NB

    df = staggered_panel()
    df.loc[[3, 17, 40], "y"] = np.nan
    twfe = did(df, outcome="y", treated="d", post=None, unit="unit", time="t")
    es = event_study(df.dropna(), outcome="y", unit="unit", time="t", first_treated="first", leads=2, lags=2)
    for res, expected in (
        (twfe, ["3 rader med manglende verdier i kolonnene som brukes, ble utelatt.", "forskjøvet DiD"]),
        (es, ["Endepunktene er samlet: hendelsestid −2 samler alle tidligere og 2 alle senere perioder."]),
    ):
        data_notes = [n for n in res.notes if any(p.match(n) for p, _ in DATA_NOTES_NB)]
        assert data_notes, res.notes  # the design wrote the note this test is about
        nb = res.summary("nb").notes
        for text in expected:
            assert any(text in n for n in nb), (text, nb)
        english = set(data_notes) & set(nb)
        assert not english, english
    assert not any("staggered_did" in n for n in twfe.summary("nb").notes)
