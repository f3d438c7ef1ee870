"""The checks under each estimate: folded into ``<details>``, the verdict in one line (#10 item 7)."""

from __future__ import annotations

import html
import re

import pytest

from _effect_results import effect_result
from fou_analysis import report
from fou_analysis.effects import Diagnostic, EffectResult


def _result(*diagnostics: Diagnostic) -> EffectResult:
    return effect_result(diagnostics=diagnostics)


MIXED = (
    Diagnostic("convergence", "converged", "ok"),
    Diagnostic("placebo_date", 0.4, "ok"),
    Diagnostic("balance", 0.02, "ok"),
    Diagnostic("n", 12.0, "info"),
    Diagnostic("overlap", 0.9, "warn", "some units are hard to match", "noen enheter er vanskelige å matche"),
    Diagnostic("pre_trend", 0.01, "fail", "trends differ before the start", "trendene er ulike før start"),
)


def _summary(fragment: str) -> str:
    m = re.search(r"<summary>(.*?)</summary>", fragment, flags=re.S)
    assert m, fragment
    return html.unescape(m.group(1))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "nb",
            "✖ Kontroller: 3 holder, 1 til orientering, 1 advarsel, "
            "1 holder ikke (Parallelle trender før tiltaket) – se detaljer",
        ),
        (
            "en",
            "✖ Checks: 3 pass, 1 for information, 1 warning, 1 failed (Parallel pre-trends) – see details",
        ),
    ],
)
def test_summary_counts_each_verdict_and_names_the_failed_check(lang: str, expected: str) -> None:
    out = report.diagnostics_details(_result(*MIXED), lang).body
    assert out.startswith('<details class="fou-checks fou-checks-fail">')
    assert _summary(out) == expected
    # the table stays inside the fold, one row per check, in the report's language
    body = out.split("</summary>", 1)[1]
    assert body.count("<tr") == len(MIXED) + 1  # header + one row per check
    assert ("trendene er ulike før start" if lang == "nb" else "trends differ before the start") in body
    assert ("trends differ" if lang == "nb" else "trendene er") not in out


def test_plural_and_warning_only() -> None:
    res = _result(
        Diagnostic("overlap", 0.9, "warn"), Diagnostic("balance", 0.3, "warn"), Diagnostic("n", 3, "ok")
    )
    assert report.checks_summary(res, "nb") == "Kontroller: 1 holder, 2 advarsler – se detaljer"
    assert report.checks_summary(res, "en") == "Checks: 1 pass, 2 warnings – see details"
    assert 'class="fou-checks fou-checks-warn"' in report.diagnostics_details(res, "en").body


def test_check_names_are_escaped_in_the_summary_and_the_table() -> None:
    evil = _result(Diagnostic("<script>x</script>", "<b>v</b>", "fail", "<i>d</i>"))
    out = report.diagnostics_details(evil, "en").body
    assert "<script>" not in out and "<b>v</b>" not in out and "<i>d</i>" not in out
    assert "&lt;script&gt;" in out.split("</summary>")[0]
    assert "(<script>x</script>)" in _summary(out)


def test_an_estimate_without_checks_says_so() -> None:
    assert "No checks" in report.diagnostics_details(_result(), "en").body
    assert "Ingen kontroller" in report.diagnostics_details(_result(), "nb").body
    assert "<details" not in report.diagnostics_details(_result(), "nb").body
