"""Several effect results side by side: estimate, (se), interval, p, n, method and estimand.

``compare([res_a, res_b], names=["TWFE", "event study"])`` returns a :class:`Comparison`
with one column per result and one row per quantity, in the manner of ``etable`` in pyfixest
or statsmodels' ``summary_col``, for any :class:`~fou_analysis.effects.EffectResult` (those
two tools compare regression models only, and neither knows our result types). It renders as
text (``str``), HTML (``_repr_html_``, every cell escaped) and LaTeX (``to_latex``, special
characters escaped); ``to_frame()`` gives the numbers unformatted. Row labels exist in
Norwegian bokmål and English (``lang``). Intervals are taken at a common ``level`` with
:meth:`~fou_analysis.effects.EffectResult.conf_int` (no refit) when ``level`` is given, else at
each result's own level.

The LaTeX is written directly (a dozen lines) rather than with ``DataFrame.to_latex`` so that
labels, cells and the non-breaking spaces of Norwegian number formatting are escaped one way.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from fou_analysis.effects._result import EffectResult
from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang, format_number

_INFERENCE = {
    "en": {"normal": "normal", "wild": "wild bootstrap", "ri": "randomisation", "placebo": "placebo"},
    "nb": {"normal": "normal", "wild": "wild bootstrap", "ri": "randomisering", "placebo": "placebo"},
}
_LABELS = {
    "en": {
        "outcome": "Outcome",
        "estimate": "Estimate",
        "se": "(std. error)",
        "ci": "{pct} % interval",
        "p_value": "p-value",
        "n": "Observations",
        "method": "Method",
        "inference": "Inference",
        "estimand": "Estimand",
    },
    "nb": {
        "outcome": "Utfall",
        "estimate": "Estimat",
        "se": "(standardfeil)",
        "ci": "{pct} % intervall",
        "p_value": "p-verdi",
        "n": "Observasjoner",
        "method": "Metode",
        "inference": "Inferens",
        "estimand": "Estimand",
    },
}


@dataclass(frozen=True)
class Comparison:
    """Results side by side; see :func:`compare`.

    ``frame`` holds the raw values (rows ``outcome, estimate, se, ci_low, ci_high, level,
    p_value, n, method, inference, se_type, estimand``; one column per result).
    """

    frame: pd.DataFrame
    decimals: int = 3
    lang: str = "en"

    def to_frame(self) -> pd.DataFrame:
        """The unformatted values (a copy)."""
        return self.frame.copy()

    def formatted(self) -> pd.DataFrame:
        """The display table: formatted strings, row labels in ``lang``."""
        f, d, lang = self.frame, self.decimals, self.lang
        levels = {float(v) for v in f.loc["level"] if v is not None and math.isfinite(float(v))}
        same = len(levels) == 1
        lab = _LABELS[lang]
        pct = _pct(next(iter(levels))) if same else ""
        out = {}
        for col in f.columns:
            c = f[col]
            ci = f"[{format_number(c['ci_low'], d, lang)}, {format_number(c['ci_high'], d, lang)}]"
            if not same:
                ci = f"{_pct(c['level'])} %: {ci}"
            out[col] = {
                lab["outcome"]: str(c["outcome"]),
                lab["estimate"]: format_number(c["estimate"], d, lang),
                lab["se"]: f"({format_number(c['se'], d, lang)})",
                (lab["ci"].format(pct=pct) if same else lab["ci"].replace("{pct} % ", "")): ci,
                lab["p_value"]: _p(c["p_value"], lang),
                lab["n"]: format_number(c["n"], 0, lang),
                lab["method"]: str(c["method"]),
                lab["inference"]: _inference(c["inference"], c["se_type"], lang),
                lab["estimand"]: str(c["estimand"]),
            }
        return pd.DataFrame(out)

    def __str__(self) -> str:
        return self.formatted().to_string()

    def __repr__(self) -> str:  # pragma: no cover - console convenience
        return str(self)

    def _repr_html_(self) -> str:
        tab = self.formatted()
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in tab.columns)
        body = "".join(
            f"<tr><th>{html.escape(str(idx))}</th>"
            + "".join(f"<td>{html.escape(str(v))}</td>" for v in row)
            + "</tr>"
            for idx, row in zip(tab.index, tab.to_numpy(), strict=True)
        )
        return (
            f'<table class="fou-compare"><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>'
        )

    def to_latex(self) -> str:
        """A ``tabular`` with every cell and label escaped for LaTeX."""
        tab = self.formatted()
        cols = "l" + "r" * tab.shape[1]
        lines = [f"\\begin{{tabular}}{{{cols}}}", "\\toprule"]
        lines.append(" & ".join([""] + [_tex(c) for c in tab.columns]) + r" \\")
        lines.append("\\midrule")
        for idx, row in zip(tab.index, tab.to_numpy(), strict=True):
            lines.append(" & ".join([_tex(idx)] + [_tex(v) for v in row]) + r" \\")
        lines += ["\\bottomrule", "\\end{tabular}"]
        return "\n".join(lines) + "\n"


def compare(
    results: Sequence[EffectResult] | Mapping[str, EffectResult],
    *,
    names: Sequence[str] | None = None,
    level: float | None = None,
    decimals: int = 3,
    lang: str = "en",
) -> Comparison:
    """Put several effect results side by side.

    Parameters
    ----------
    results
        The results (a sequence, or a mapping from column name to result).
    names
        Column names; default the mapping's keys, else ``(1)``, ``(2)``, …
    level
        A common confidence level for every interval (by ``conf_int``, no refit); default each
        result's own.
    decimals
        Decimals shown for estimate, se and interval.
    lang
        ``"en"`` or ``"nb"`` for row labels and number format.

    Returns
    -------
    Comparison
        ``str()`` text, ``_repr_html_()`` HTML, ``to_latex()``, ``to_frame()``.
    """
    check_lang(lang)
    if isinstance(results, Mapping):
        keys, items = [str(k) for k in results], list(results.values())
    else:
        keys, items = None, list(results)
    if not items:
        raise SpecificationError("compare needs at least one result")
    for i, r in enumerate(items):
        if not isinstance(r, EffectResult):
            raise SpecificationError(f"result {i + 1} is a {type(r).__name__}, not an effect result")
    if names is None:
        names = keys if keys is not None else [f"({i + 1})" for i in range(len(items))]
    names = [str(n) for n in names]
    if len(names) != len(items):
        raise SpecificationError(f"{len(names)} names for {len(items)} results")
    if len(set(names)) != len(names):
        raise SpecificationError(f"names must be distinct: {names}")
    cols = {}
    for name, r in zip(names, items, strict=True):
        ci = r.conf_int(level) if level is not None else r.ci
        cols[name] = {
            "outcome": r.labels.outcome.get(lang) or r.outcome,
            "estimate": r.estimate,
            "se": r.se,
            "ci_low": float(ci[0]),
            "ci_high": float(ci[1]),
            "level": float(level if level is not None else r.level),
            "p_value": r.p_value,
            "n": r.n,
            "method": r.method,
            "inference": dict(r.inference),
            "se_type": getattr(r, "se_type", None),
            "estimand": r.estimand,
        }
    return Comparison(frame=pd.DataFrame(cols, dtype=object), decimals=decimals, lang=lang)


def _inference(inf: Mapping, se_type: str | None, lang: str) -> str:
    dist = inf.get("dist") if isinstance(inf, Mapping) else None
    if dist == "t":
        text = f"t({format_number(inf['df'], 0, lang)})"
    else:
        text = _INFERENCE[lang].get(str(dist), "–")
    return f"{text}, {se_type}" if se_type and se_type not in ("wild", "ri") else text


def _pct(level: float) -> str:
    x = 100 * float(level)
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:g}"


def _p(p: float, lang: str) -> str:
    if p is None or not math.isfinite(float(p)):
        return "–"
    if p < 0.001:
        return "< " + format_number(0.001, 3, lang)
    return format_number(p, 3, lang)


_TEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "\u00a0": "~",
    "\u2212": "$-$",
    "–": "--",
}


def _tex(s: object) -> str:
    return "".join(_TEX.get(ch, ch) for ch in str(s))
