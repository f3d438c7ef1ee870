"""Finish an exported report for readers: alt text on every figure, a page title, print CSS.

nbconvert's HTML export gives every image the English placeholder "No description has been
provided for this image" and takes the page ``<title>`` from the notebook's file name
("40_report"). A report is read on screen by municipal readers (some with screen readers) and
printed on A4 by referees. This module post-processes the exported HTML (after
:func:`fou_analysis.report.html_safety.add_csp`):

* :func:`add_alt_text` gives each ``<img>`` an ``alt`` in the report's language: "Figur: <the
  figure's title>" from the titles the figure-text recorder wrote while the figure was drawn
  (:mod:`fou_analysis.report.figure_text`), else "Figur: <the nearest heading above it>".
* :func:`add_print_css` adds one ``<style>`` block (the CSP allows inline styles) whose
  ``@media print`` rules wrap wide tables, fit figures to the page and start each ``h2``
  section on a new page, and open folded ``<details>`` blocks (the cleaning log) on paper
  (``::details-content``; ``details > *`` for browsers without it).

Hand-written with regular expressions on the exported string (nbconvert has no alt-text hook
for the lab template, and BeautifulSoup would re-serialise the whole document).
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Sequence

__all__ = ["PRINT_CSS", "add_alt_text", "add_print_css", "figure_word"]

#: Styles for print (and figures that never overflow on screen either).
PRINT_CSS = """
img { max-width: 100%; height: auto; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 10pt; }
  table { table-layout: auto; width: 100% !important; max-width: 100%; border-collapse: collapse; }
  th, td { word-break: break-word; overflow-wrap: anywhere; white-space: normal !important; }
  img { max-width: 100% !important; height: auto !important; page-break-inside: avoid; break-inside: avoid; }
  h2 { page-break-before: always; break-before: page; }
  h2:first-of-type { page-break-before: auto; break-before: auto; }
  h2, h3, h4 { page-break-after: avoid; break-after: avoid; }
  details { display: block; }
  details > * { display: block; }
  .fou-first-screen { min-height: 0 !important; }
  details::details-content { content-visibility: visible; display: block; }
  details > summary { list-style: none; font-weight: bold; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
}
""".strip()

_PLACEHOLDER = "No description has been provided for this image"
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r'\salt\s*=\s*("[^"]*"|\'[^\']*\'|[^\s>]+)', re.IGNORECASE)
_HEADING = re.compile(r"<h([1-4])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def figure_word(lang: str) -> str:
    """ "Figur" (nb) or "Figure" (en)."""
    return "Figur" if lang == "nb" else "Figure"


def _heading_text(fragment: str) -> str:
    text = _html.unescape(_TAG.sub("", fragment))
    return " ".join(text.replace("¶", " ").split())


def add_alt_text(document: str, lang: str, titles: Sequence[str] = ()) -> str:
    """Give every ``<img>`` an ``alt`` in ``lang``, replacing nbconvert's English placeholder.

    Parameters
    ----------
    document
        The exported HTML.
    lang
        ``"nb"`` or ``"en"``.
    titles
        Figure titles in the order the images appear ("" where a figure has none). An image
        without a title is described by the nearest heading above it.

    Examples
    --------
    >>> doc = '<h3>Frafall</h3><img src="data:," alt="No description has been provided for this image">'
    >>> add_alt_text(doc, "nb")
    '<h3>Frafall</h3><img src="data:," alt="Figur: Frafall">'
    >>> add_alt_text('<img src="data:,">', "en", ["Effect <by> year"])
    '<img src="data:," alt="Figure: Effect &lt;by&gt; year">'
    """
    word = figure_word(lang)
    headings = [(m.start(), _heading_text(m.group(2))) for m in _HEADING.finditer(document)]
    out, pos, n = [], 0, 0
    for m in _IMG.finditer(document):
        tag = m.group(0)
        existing = _ALT.search(tag)
        keep = existing is not None and _html.unescape(existing.group(1).strip("\"'")) not in (
            "",
            _PLACEHOLDER,
        )
        if not keep:
            title = titles[n].strip() if n < len(titles) else ""
            if not title:
                above = [h for at, h in headings if at < m.start() and h]
                title = above[-1] if above else ""
            alt = f"{word}: {title}" if title else word
            bare = _ALT.sub("", tag)
            tag = re.sub(r"^<img\b", f'<img alt="{_html.escape(alt, quote=True)}"', bare, count=1)
            tag = _move_alt_last(tag)
        out.append(document[pos : m.start()])
        out.append(tag)
        pos = m.end()
        n += 1
    out.append(document[pos:])
    return "".join(out)


def _move_alt_last(tag: str) -> str:
    # Keep ``src`` first, as nbconvert writes it: put the alt before the closing bracket.
    m = re.match(r'^<img alt="([^"]*)"', tag)
    if m is None:
        return tag
    rest = "<img" + tag[m.end() :]
    end = "/>" if rest.rstrip().endswith("/>") else ">"
    body = rest.rstrip()[: -len(end)].rstrip()
    return f'{body} alt="{m.group(1)}"{end}'


def add_print_css(document: str) -> str:
    """Insert :data:`PRINT_CSS` as a ``<style>`` block at the end of ``<head>``.

    Examples
    --------
    >>> out = add_print_css("<html><head></head><body></body></html>")
    >>> "@media print" in out and out.index("<style") < out.index("</head>")
    True
    """
    block = f'<style type="text/css" id="fou-print">\n{PRINT_CSS}\n</style>'
    m = _HEAD_END.search(document)
    if m is None:
        return block + document
    return document[: m.start()] + block + document[m.start() :]
