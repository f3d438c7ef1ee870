"""HTML safety of reports: every table escaped in one place, and a Content-Security-Policy.

Text in a report comes from case plans and data (initiative and partner names, the logic
model, outcome labels, data categories, raw file names). None of it may reach the HTML as
markup: a ``<script>`` or ``<img onerror=...>`` in a plan would otherwise run in the browser
of every reader of ``report.html``.

* :func:`style_table` is the one way a table reaches a report: a pandas ``Styler`` whose cells
  *and* row/column labels are escaped (``Styler`` does not escape by default, unlike
  ``DataFrame.to_html``). :func:`table_html` is the same as an HTML string, for sections that
  assemble HTML themselves.
* :func:`add_csp` is applied to every exported report. It removes the ``<script>`` elements
  the nbconvert template adds (require.js, MathJax and mermaid from a CDN, their inline
  loaders) and inserts a Content-Security-Policy ``<meta>`` as the first element of
  ``<head>``. A report is static: tables, text and inline PNG figures. It needs no script, no
  mathematics rendering, no diagram library and no network, so the policy is
  ``default-src 'none'`` (no script of any kind, no fetch, no frame, no form) with
  ``img-src data:`` for the inline figures and ``style-src 'unsafe-inline'`` for the
  template's and pandas' inline CSS. The policy is the guarantee; removing the template's
  scripts keeps the browser from logging blocked requests and the file from naming a CDN.

Figures are PNG images (inert); :func:`fou_analysis.report.set_style` turns off matplotlib's
``$...$`` mathtext so a ``$`` in a label is drawn as text rather than parsed.

This is hand-written because nbconvert has no option to emit a CSP, and the HTML sanitisers
it could use (``bleach``, ``nh3``) are not dependencies; escaping is ``html.escape`` (via
pandas' ``escape="html"``), the standard library's.
"""

from __future__ import annotations

import html as _html
import re

import pandas as pd
from pandas.api.types import is_object_dtype, is_scalar
from pandas.io.formats.style import Styler

__all__ = ["CSP", "add_csp", "escape", "style_table", "table_html"]

#: The Content-Security-Policy of every exported report (see the module docstring).
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{_html.escape(CSP)}"/>'


def escape(text: object) -> str:
    """Escape any value as HTML text (``&``, ``<``, ``>``, quotes).

    Examples
    --------
    >>> escape('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return _html.escape(str(text), quote=True)


def style_table(
    df: pd.DataFrame, *, index: bool = False, na_rep: str = "–", caption: str | None = None
) -> Styler:
    """A ``Styler`` for a report table with every cell and label escaped.

    Parameters
    ----------
    df
        The table as readers see it (already formatted; this does not format numbers).
    index
        Show the row labels (hidden by default, as in every report table).
    na_rep
        What a missing cell shows.
    caption
        Text shown above the table (escaped; e.g. a note on what suppressed cells mean).

    Returns
    -------
    pandas.io.formats.style.Styler
        Displays in a notebook and renders with ``.to_html()``.

    Examples
    --------
    >>> df = pd.DataFrame({"<b>name</b>": ["<script>alert(1)</script>"]})
    >>> out = style_table(df).to_html()
    >>> "<script>" in out, "&lt;script&gt;alert(1)&lt;/script&gt;" in out, "&lt;b&gt;name" in out
    (False, True, True)
    """
    styler = (
        _textify(df)
        .style.format(escape="html", na_rep=na_rep)
        .format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
    )
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(_html.escape(caption))
    return styler


def _text_or_scalar(x: object) -> object:
    # Styler escapes only ``str`` values: lists, dicts, bytes and other objects would otherwise
    # render through their ``str()`` unescaped. Numbers, dates and missing values stay as they are.
    if isinstance(x, bytes) or not is_scalar(x):
        return str(x)
    return x


def _textify(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for i in range(out.shape[1]):
        if is_object_dtype(out.dtypes.iloc[i]):
            out.isetitem(i, out.iloc[:, i].map(_text_or_scalar))
    for axis in ("index", "columns"):
        labels = getattr(out, axis)
        if not isinstance(labels, pd.MultiIndex) and is_object_dtype(labels.dtype):
            labels = pd.Index([_text_or_scalar(x) for x in labels], name=labels.name)
        # Styler does not escape the names of the axes: escape them here.
        setattr(out, axis, labels.set_names([None if n is None else escape(n) for n in labels.names]))
    return out


def table_html(df: pd.DataFrame, *, index: bool = False, na_rep: str = "–") -> str:
    """A report table as an HTML string, every cell and label escaped.

    Examples
    --------
    >>> out = table_html(pd.DataFrame({"<a>": ["<i>x</i>"]}))
    >>> "&lt;i&gt;x&lt;/i&gt;" in out, "&lt;a&gt;" in out, "<i>" in out
    (True, True, False)
    """
    return df.to_html(index=index, border=0, na_rep=na_rep, escape=True)


def add_csp(document: str) -> str:
    """Make an exported report static: drop every ``<script>`` and add the CSP ``<meta>``.

    The ``<meta>`` goes right after ``<head>`` (a policy applies only to what follows it); a
    document without ``<head>`` gets it in front.

    Examples
    --------
    >>> out = add_csp('<html><head><script src="https://cdn/x.js"></script></head><body>ok</body></html>')
    >>> "<script" in out, out.index("Content-Security-Policy") < out.index("ok")
    (False, True)
    """
    stripped = _SCRIPT.sub("", document)
    m = _HEAD.search(stripped)
    if m is None:
        return _CSP_META + stripped
    return stripped[: m.end()] + _CSP_META + stripped[m.end() :]
