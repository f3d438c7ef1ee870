"""Figure helpers shared by every ``plot(ax=None, *, lang="en")``: words and number formats.

Every figure a report reader sees exists in Norwegian bokmål and English. :func:`words` holds
the figure vocabulary used by more than one design (axis names, legend entries, method names);
:func:`localise` gives the number ticks the language's format, built on
:func:`fou_analysis.formatting.format_number` (decimal comma and a space between groups of
thousands in Norwegian). Numbers below 10 000 are not grouped (Språkrådet allows "2020", and
years on a time axis must not read "2 020"); an axis reaching a million is written in
millions ("1,5 mill." / "1.5M") so long numbers do not run together. Matplotlib's own locale support follows the
process locale, which a report must not depend on; hence a small formatter class here.

Like :mod:`fou_analysis.formatting` this module sits at the top of the package, so ``effects``,
``value`` and ``report`` can all use it; matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import math
from typing import Any

from fou_analysis.formatting import NBSP, check_lang, format_number

#: ``{key: (nb, en)}`` — figure words used by several designs.
WORDS: dict[str, tuple[str, str]] = {
    "time": ("tid", "time"),
    "period": ("periode", "period"),
    "pre": ("før", "pre"),
    "post": ("etter", "post"),
    "treated": ("Deltakere", "treated"),
    "comparison": ("Sammenligning", "comparison"),
    "observed": ("observert", "observed"),
    "fitted": ("tilpasset", "fitted"),
    "counterfactual": ("uten tiltaket (beregnet)", "counterfactual"),
    "synthetic": ("syntetisk", "synthetic"),
    "gap": ("avvik", "gap"),
    "interval": ("intervall", "interval"),
    "reference_period": ("referanseperiode", "reference period"),
    "periods_since_start": ("perioder relativt til oppstart", "periods relative to the start"),
    "uniform_band": ("samtidig bånd", "uniform band"),
    "density": ("tetthet", "density"),
    "draws": ("trekninger", "draws"),
    "year": ("år", "year"),
}

#: ``{method: (nb, en)}`` — the names of the designs in figure titles.
METHODS: dict[str, tuple[str, str]] = {
    "prepost": ("Før–etter", "Pre–post"),
    "prepost_wilcoxon": ("Før–etter (Wilcoxon)", "Pre–post (Wilcoxon)"),
    "did": ("Forskjell-i-forskjeller", "Difference-in-differences"),
    "event_study": ("Hendelsesstudie", "Event study"),
    "staggered_did": ("Forskjøvet oppstart (Callaway & Sant'Anna)", "Staggered DiD (Callaway & Sant'Anna)"),
    "synthetic_control": ("Syntetisk kontroll", "Synthetic control"),
    "synthetic_did": ("Syntetisk forskjell-i-forskjeller", "Synthetic difference-in-differences"),
    "synthetic_control (sdid framework)": (
        "Syntetisk kontroll (SDID-rammeverk)",
        "Synthetic control (SDID framework)",
    ),
    "did (sdid framework)": (
        "Forskjell-i-forskjeller (SDID-rammeverk)",
        "Difference-in-differences (SDID framework)",
    ),
    "its": ("Avbrutt tidsserie", "Interrupted time series"),
    "weighting": ("Vekting", "Weighting"),
    "weighting_ipw": ("Vekting (IPW)", "Weighting (IPW)"),
    "weighting_dr": ("Vekting (dobbelt robust)", "Weighting (doubly robust)"),
    "survival": ("Overlevelsesanalyse", "Survival analysis"),
}


def words(key: str, lang: str) -> str:
    """The figure word ``key`` in ``lang``."""
    check_lang(lang)
    nb, en = WORDS[key]
    return nb if lang == "nb" else en


def method_name(method: str, lang: str) -> str:
    """A design's name for a figure title (the code itself when unknown)."""
    check_lang(lang)
    if method not in METHODS:
        return method
    nb, en = METHODS[method]
    return nb if lang == "nb" else en


def tick_number(x: float, decimals: int, lang: str) -> str:
    """One tick label: the language's decimal mark, groups of thousands from 10 000 on.

    Examples
    --------
    >>> tick_number(2020, 0, "nb"), tick_number(29200, 0, "nb"), tick_number(0.25, 2, "nb")
    ('2020', '29\\xa0200', '0,25')
    >>> tick_number(29200, 0, "en"), tick_number(-1.5, 1, "en")
    ('29,200', '−1.5')
    """
    s = format_number(x, decimals, lang)
    if abs(x) < 10_000:
        s = s.replace(NBSP, "") if lang == "nb" else s.replace(",", "")
    return s


def _decimals(locs: Any) -> int:
    """The fewest decimals that show every tick location exactly (at most 6)."""
    vals = [float(v) for v in locs if math.isfinite(float(v))]
    for d in range(7):
        if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in vals):
            return d
    return 6


def number_formatter(lang: str) -> Any:
    """A matplotlib tick formatter writing numbers the ``lang`` way (see :func:`tick_number`)."""
    from matplotlib.ticker import Formatter

    check_lang(lang)

    class _NumberFormatter(Formatter):
        def format_ticks(self, values: Any) -> list[str]:
            vals = [float(v) for v in values]
            if vals and max(abs(v) for v in vals) >= 1e6:
                # "1 000 000  2 000 000" runs together under a bar chart: write millions
                scaled = [v / 1e6 for v in vals]
                d = _decimals(scaled)
                unit = f"{NBSP}mill." if lang == "nb" else "M"
                return [tick_number(v, d, lang) + (unit if v else "") for v in scaled]
            d = _decimals(vals)  # one number of decimals for all ticks of an axis
            return [tick_number(v, d, lang) for v in vals]

        def __call__(self, x: float, pos: int | None = None) -> str:
            return tick_number(x, min(_decimals([x]), 3), lang)

    return _NumberFormatter()


def localise(ax: Any, lang: str) -> Any:
    """Give the numeric axes of ``ax`` the language's number format; returns ``ax``.

    Only axes that still have matplotlib's default number formatter are changed, so tick
    labels a figure set itself (categories, bar names, dates) are kept.
    """
    from matplotlib.ticker import ScalarFormatter

    check_lang(lang)
    for axis in (ax.xaxis, ax.yaxis):
        if isinstance(axis.get_major_formatter(), ScalarFormatter):
            axis.set_major_formatter(number_formatter(lang))
    return ax


def new_axes(ax: Any = None, size: tuple[float, float] = (6, 3.5)) -> Any:
    """``ax``, or the axes of a new figure of ``size`` inches."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def outcome_label(labels: Any, outcome: str, lang: str) -> str:
    """The outcome's name in ``lang`` from a :class:`~fou_analysis.effects.Labels`, else the column."""
    return labels.outcome.get(lang) or labels.outcome.get("en") or outcome
