"""Number formatting in Norwegian (bokmål) and English — one definition for every report.

Used by result sentences (``effects``), value summaries (``value``) and report tables (``report``);
it sits at the top of the package, like ``exceptions``, so no layer imports another to format.

Norwegian convention (Språkrådet): a space as the thousands separator, a decimal comma, and "kr"
after the amount ("1 250 000 kr"). A no-break space keeps the groups of a number together in
rendered HTML. English uses a comma separator and "NOK" before the amount.
"""

from __future__ import annotations

import math

from fou_analysis.exceptions import SpecificationError

NBSP = "\u00a0"


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"nb"`` or ``"en"``, else raise :class:`SpecificationError`."""
    if lang not in ("nb", "en"):
        raise SpecificationError(f"lang must be 'nb' or 'en', not {lang!r}")
    return lang


def format_number(x: float | None, decimals: int = 0, lang: str = "nb") -> str:
    """Format a number with the language's separators; ``–`` for missing values.

    Examples
    --------
    >>> format_number(1234567.891, 1, "nb")
    '1\\xa0234\\xa0567,9'
    >>> format_number(1234567.891, 1, "en")
    '1,234,567.9'
    """
    check_lang(lang)
    if x is None or not math.isfinite(float(x)):
        return "–"
    s = f"{float(x):,.{decimals}f}"
    if s.startswith("-"):
        s = "−" + s[1:]  # a true minus sign reads better in reports
    if lang == "nb":
        s = s.replace(",", NBSP).replace(".", ",")
    return s


def format_nok(x: float | None, lang: str = "nb", *, decimals: int = 0, compact: bool = False) -> str:
    """Format an amount of Norwegian kroner.

    ``compact=True`` writes millions and billions in words ("1,3 mill. kr" / "NOK 1.3 million").

    Examples
    --------
    >>> format_nok(1250000, "nb")
    '1\\xa0250\\xa0000\\xa0kr'
    >>> format_nok(1250000, "en", compact=True)
    'NOK\\xa01.25\\xa0million'
    """
    check_lang(lang)
    if x is None or not math.isfinite(float(x)):
        return "–"
    if compact and abs(x) >= 1e6:
        big = abs(x) >= 1e9
        scaled = x / (1e9 if big else 1e6)
        num = format_number(scaled, 2 if abs(scaled) < 10 else 1, lang)
        if lang == "nb":
            return f"{num}{NBSP}{'mrd.' if big else 'mill.'}{NBSP}kr"
        return f"NOK{NBSP}{num}{NBSP}{'billion' if big else 'million'}"
    num = format_number(x, decimals, lang)
    return f"{num}{NBSP}kr" if lang == "nb" else f"NOK{NBSP}{num}"


def format_percent(share: float | None, decimals: int = 0, lang: str = "nb") -> str:
    """Format a share (0.25) as a percentage ("25 %" in both languages, per SI/Språkrådet)."""
    if share is None or not math.isfinite(float(share)):
        return "–"
    return f"{format_number(100 * share, decimals, lang)}{NBSP}%"


def format_significant(x: float | None, digits: int = 3, lang: str = "nb") -> str:
    """Format a number to ``digits`` significant digits (as ``:.3g``) with the language's separators.

    Examples
    --------
    >>> format_significant(0.07412, 3, "nb"), format_significant(258.6, 3, "en")
    ('0,0741', '259')
    >>> format_significant(12345.6, 3, "nb")
    '12\\xa0346'
    >>> format_significant(-1.234e-12, 3, "en")
    '−1.23e−12'
    """
    check_lang(lang)
    if x is None or not math.isfinite(float(x)):
        return "–"
    x = float(x)
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(digits - 1 - magnitude, 0)
    if decimals > 10:  # tiny numbers: scientific notation, the language's decimal mark
        s = f"{x:.{digits - 1}e}".replace("-", "−")  # a true minus sign, as format_number writes
        return s.replace(".", ",") if lang == "nb" else s
    return format_number(x, decimals, lang)


def format_p(p: float | None, lang: str = "nb") -> str:
    """Format a p-value like every other number: three decimals, "< 0,001" below a thousandth.

    Examples
    --------
    >>> format_p(0.0744, "nb"), format_p(0.0744, "en"), format_p(0.00002, "nb")
    ('0,074', '0.074', '<\\xa00,001')
    """
    check_lang(lang)
    if p is None or not math.isfinite(float(p)):
        return "–"
    if p < 0.001:
        return f"<{NBSP}{format_number(0.001, 3, lang)}"
    return format_number(p, 3, lang)
