"""The browser checks of the report test can fail: on hand-made pages with a console error, an
uncaught exception, a missing image and a Content-Security-Policy violation, each is reported."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import chromium_cdp
import pytest

pytestmark = pytest.mark.skipif(not chromium_cdp.available(), reason=chromium_cdp.INSTALL_HINT)


def _png_1x1() -> str:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0\0\x80\0"))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(png).decode()


@pytest.fixture(scope="module")
def browser():
    with chromium_cdp.Chromium() as chromium:
        yield chromium


def test_a_clean_page_has_no_errors_and_its_image_decodes(tmp_path: Path, browser) -> None:
    page_file = tmp_path / "ok.html"
    page_file.write_text(
        f'<html lang="nb"><body><p>Anslag 1\u00a0234,5</p><img src="data:image/png;base64,{_png_1x1()}"></body></html>',
        encoding="utf-8",
    )
    page = browser.open(page_file)
    assert page.errors == []
    assert [i["naturalWidth"] for i in page.images] == [1]
    assert page.text == "Anslag 1\u00a0234,5" and page.lang == "nb"


def test_errors_and_broken_images_are_reported(tmp_path: Path, browser) -> None:
    page_file = tmp_path / "bad.html"
    page_file.write_text(
        '<html><body><script>console.error("boom")</script><img src="missing.png">'
        '<script>throw new Error("oops")</script></body></html>',
        encoding="utf-8",
    )
    page = browser.open(page_file)
    text = "\n".join(page.errors)
    assert "console.error: boom" in text and "Error: oops" in text and "missing.png" in text
    assert [i["naturalWidth"] for i in page.images] == [0]


def test_csp_violations_are_reported(tmp_path: Path, browser) -> None:
    page_file = tmp_path / "csp.html"
    page_file.write_text(
        '<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'"></head>'
        f'<body><img src="data:image/png;base64,{_png_1x1()}"><script>var x = 1;</script></body></html>',
        encoding="utf-8",
    )
    page = browser.open(page_file)
    assert any(e.startswith("CSP violation: img-src") for e in page.errors), page.errors
    assert any(e.startswith("CSP violation: script-src") for e in page.errors), page.errors


def _checks_details() -> str:
    """The checks under an estimate as the report folds them (``report.diagnostics_details``)."""
    from _effect_results import effect_result
    from fou_analysis import report
    from fou_analysis.effects import Diagnostic

    res = effect_result(
        diagnostics=(Diagnostic("pre_trend", 0.01, "fail", "trends differ"), Diagnostic("n", 12.0, "ok")),
    )
    return report.diagnostics_details(res, "nb").body


@pytest.mark.parametrize("folded", ["cleaning", "checks"])
def test_print_css_opens_the_folded_cleaning_log(tmp_path: Path, browser, folded: str) -> None:
    """#10: the cleaning log and the checks under each estimate are folded in <details> on screen
    and printed open (the report's own print CSS, in Chromium with print media emulated)."""
    import json
    import time

    from fou_analysis.report.accessibility import add_print_css

    body = (
        '<details class="fou-cleaning"><summary>Datarensingen</summary><table><tr><td>rad</td></tr></table></details>'
        if folded == "cleaning"
        else _checks_details()
    )
    page_file = tmp_path / "details.html"
    page_file.write_text(
        add_print_css(f'<html lang="nb"><head></head><body>{body}</body></html>'),
        encoding="utf-8",
    )
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.send("Page.enable", session=session)
    browser._events(time.monotonic())
    browser.send("Page.navigate", {"url": page_file.resolve().as_uri()}, session=session)
    browser._events(time.monotonic() + 60, until="Page.loadEventFired")
    seen = {}
    for media in ("screen", "print"):
        browser.send("Emulation.setEmulatedMedia", {"media": media}, session=session)
        got = browser.send(
            "Runtime.evaluate",
            {
                "expression": "JSON.stringify(document.querySelector('td').checkVisibility())",
                "returnByValue": True,
            },
            session=session,
        )
        seen[media] = json.loads(got["result"]["value"])
    browser.send("Target.closeTarget", {"targetId": target})
    assert seen == {"screen": False, "print": True}
