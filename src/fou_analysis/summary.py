"""The summary object every result returns from ``.summary(lang)``: text, HTML and notebook display.

Effect results (``effects``), value results (``value``) and others all hand the reader the same
kind of object — a title, a plain-language sentence, a small table of key numbers, diagnostics and
notes — so it lives at the top of the package, like :mod:`fou_analysis.formatting`, and no layer
imports another's internals to build one (``value`` used to import it from ``effects._result``).
Hand-written rather than statsmodels' ``Summary``: ours carries a sentence, verdict-tagged
diagnostics and escaped HTML, which statsmodels' table-only summary has no place for.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Summary:
    """A result summary that renders as text and HTML.

    ``sentence`` is the plain-language sentence; ``table`` a small frame of the key numbers;
    ``diagnostics`` lines of text, one per check, each with its verdict; ``notes`` the
    assumptions. Every piece of text is HTML-escaped in :meth:`_repr_html_`.

    Examples
    --------
    >>> s = Summary(title="t", sentence="One sentence.", table=pd.DataFrame({"a": [1]}))
    >>> str(s).splitlines()[:3]
    ['t', '=', 'One sentence.']
    """

    title: str
    sentence: str
    table: pd.DataFrame
    diagnostics: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [self.title, "=" * len(self.title), self.sentence, "", self.table.to_string()]
        if self.diagnostics:
            lines += ["", "Diagnostics:"] + [f"  [{v}] {t}" for v, t in self.diagnostics]
        if self.notes:
            lines += ["", "Assumptions:"] + [f"  - {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        diag = "".join(
            f'<li class="diag-{html.escape(v)}"><b>[{html.escape(v)}]</b> {html.escape(t)}</li>'
            for v, t in self.diagnostics
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f'<div class="fou-summary"><h4>{html.escape(self.title)}</h4>'
            f'<p class="fou-sentence">{html.escape(self.sentence)}</p>'
            f"{self.table.to_html(index=False, border=0, na_rep='–', escape=True)}"
            + (f"<ul class='fou-diagnostics'>{diag}</ul>" if diag else "")
            + (f"<ul class='fou-notes'>{notes}</ul>" if notes else "")
            + "</div>"
        )

    def __repr__(self) -> str:  # pragma: no cover - convenience in a console
        return str(self)


__all__ = ["Summary"]
