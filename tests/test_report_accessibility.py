"""The exported report: every image has an alt text in the report's language (from the recorded
figure title, else the heading above), the page title is the case name, and print CSS is there."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from fou_analysis.report.accessibility import add_alt_text, add_print_css
from fou_analysis.report.figure_text import cell_key
from fou_analysis.report.runner import FIGURE_TEXT_LOG, export_html

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()


def _notebook(tmp_path: Path, lang: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": {"lang": lang}}
    head = nbformat.v4.new_code_cell("show_heading()")
    head.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<h2>Effekter</h2>"})]
    figs = nbformat.v4.new_code_cell("draw_two()")
    figs.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG}) for _ in range(2)]
    untitled = nbformat.v4.new_code_cell("draw_untitled()")
    untitled.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG})]
    nb.cells += [head, figs, untitled]
    path = tmp_path / "40_report.ipynb"
    nbformat.write(nb, path)
    log = [
        {"source": path.name, "cell": cell_key("draw_two()"), "text": "A", "figure_title": "Frafall <før>"},
        {"source": path.name, "cell": cell_key("draw_two()"), "text": "B", "figure_title": "Sensitivitet"},
        {"source": "other.ipynb", "cell": cell_key("draw_untitled()"), "text": "C", "figure_title": "Nope"},
    ]
    (tmp_path / FIGURE_TEXT_LOG).write_text("\n".join(json.dumps(r) for r in log) + "\n", encoding="utf-8")
    return path


def _alts(html: str) -> list[str]:
    return [re.search(r'alt="([^"]*)"', tag).group(1) for tag in re.findall(r"<img\b[^>]*>", html)]


@pytest.mark.parametrize("lang,word", [("nb", "Figur"), ("en", "Figure")])
def test_every_image_gets_an_alt_in_the_report_language(tmp_path: Path, lang: str, word: str) -> None:
    html = export_html(_notebook(tmp_path, lang), hide_code=True, title="Noen AS – <demens>")
    alts = _alts(html)
    assert alts == [f"{word}: Frafall &lt;før&gt;", f"{word}: Sensitivitet", f"{word}: Effekter"]
    assert "No description has been provided" not in html
    assert re.search(r"<title>\s*Noen AS – &lt;demens&gt;\s*</title>", html)
    assert "40_report" not in re.search(r"<title>.*?</title>", html, re.S).group(0)
    assert "@media print" in html and "page-break-before: always" in html
    assert html.index("@media print") < html.index("</head>")


def test_alt_text_without_any_heading_or_title_is_the_bare_word() -> None:
    doc = '<img src="data:," alt="No description has been provided for this image"/>'
    assert add_alt_text(doc, "nb") == '<img src="data:," alt="Figur"/>'
    # an alt someone wrote on purpose is kept
    assert add_alt_text('<img alt="Kart" src="x">', "nb") == '<img alt="Kart" src="x">'


def test_print_css_wraps_tables_and_fits_figures() -> None:
    out = add_print_css("<html><head><title>x</title></head><body/></html>")
    css = out[out.index("@media print") :]
    for rule in ("table-layout: auto", "word-break: break-word", "max-width: 100%", "size: A4"):
        assert rule in css, rule
