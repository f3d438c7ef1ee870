"""Result types shared by every effect estimator.

Every design returns an :class:`EffectResult` (or a subclass that adds design-specific fields):
one number with its uncertainty, the assumptions it rests on in words (``notes``), a named
diagnostic for each assumption (``diagnostics``), and a tidy per-term / per-period table.

``summary(lang)`` returns a :class:`fou_analysis.summary.Summary` that renders as text (``str``) and HTML (in a
notebook), and carries a plain-language sentence a municipal reader understands. The sentence
never presents noise as a finding: when the interval contains zero it says so and, where the
estimator supplied it, states the minimum detectable effect.

The tidy table schema is fixed for every result:
``term, estimate, std_error, statistic, p_value, ci_low, ci_high`` (extra columns allowed).
:meth:`EffectResult.to_frame` is *the* table of a result (those columns plus ``n`` and a
``headline`` flag, the headline row first); ``table``, ``model_table`` and ``key_numbers()``
are views of it kept for existing code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from fou_analysis.formatting import check_lang, format_number
from fou_analysis.summary import Summary  # re-exported: fou_analysis.effects.Summary

Verdict = Literal["ok", "warn", "fail", "info"]

TIDY_COLUMNS = ("term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high")


@dataclass(frozen=True)
class Diagnostic:
    """One named check of an assumption.

    ``verdict`` is ``"ok"`` (assumption looks fine), ``"warn"`` (doubtful: read the number with
    care), ``"fail"`` (the assumption is contradicted by the data: the estimate should not be
    read as causal), or ``"info"`` (a figure to report, no verdict).
    """

    name: str
    value: float | str | None
    verdict: Verdict
    detail: str = ""
    detail_nb: str = ""

    def text(self, lang: str = "en") -> str:
        if lang == "nb" and self.detail_nb:
            return self.detail_nb
        return self.detail

    def label(self, lang: str = "en") -> str:
        """The check's name as a reader sees it (:func:`fou_analysis.effects._checks.check_label`)."""
        from fou_analysis.effects._checks import check_label

        return check_label(self.name, lang)

    def value_text(self, lang: str = "en") -> str | float | None:
        """``value`` as a reader sees it: a word value in ``lang``
        (:func:`fou_analysis.effects._checks.value_label`), numbers and ``None`` unchanged."""
        if not isinstance(self.value, str):
            return self.value
        from fou_analysis.effects._checks import value_label

        return value_label(self.value, lang)


@dataclass(frozen=True)
class Labels:
    """How to talk about an outcome in plain language.

    ``scale`` multiplies the estimate before it is shown (e.g. 100 to turn a share into
    "per 100"); ``unit`` is the unit after scaling, per language (e.g. ``{"en": "young people
    per 100", "nb": "unge per 100"}``); ``outcome`` names the outcome per language.
    ``higher_is_better`` decides the words "better/worse".
    """

    outcome: Mapping[str, str] = field(default_factory=dict)
    unit: Mapping[str, str] = field(default_factory=dict)
    scale: float = 1.0
    decimals: int = 1
    higher_is_better: bool = True


def _nonzero_interval(ci: tuple[float, float]) -> bool:
    low, high = ci
    return bool(np.isfinite(low) and np.isfinite(high) and (low > 0 or high < 0))


@dataclass(frozen=True)
class EffectResult:
    """The result of one effect estimate.

    Attributes
    ----------
    method
        Short name of the estimator, e.g. ``"did"``.
    estimand
        What is estimated, e.g. ``"ATT"``, ``"mean paired change"``.
    outcome
        The outcome column (or its label).
    estimate, se, ci, p_value
        The point estimate, its standard error, the 95 % interval ``(low, high)``, the p-value
        of the null of no effect. ``se`` may be NaN for designs whose inference is by
        permutation (synthetic control); the interval and p-value then come from that.
    n, n_treated, n_control
        Observations used (and treated / comparison units where the design has them).
    diagnostics
        One :class:`Diagnostic` per assumption.
    notes
        The assumptions the estimate rests on, in words (English; ``summary("nb")`` shows the
        Norwegian text where :func:`fou_analysis.effects._checks.note_text` has one).
    table
        Tidy frame (``TIDY_COLUMNS``) per term or per period: the design's detail rows, which
        :meth:`to_frame` (the one tidy table of every result) lists after the headline row.
    mde
        Minimum detectable effect (80 % power, 5 % two-sided) at this sample size, if known.
    labels
        :class:`Labels` for plain-language text.
    level
        Confidence level of ``ci``.
    inference
        How ``ci`` was computed, so that :meth:`conf_int` can give another level without
        refitting: ``{"dist": "t", "df": df}``, ``{"dist": "normal"}``, or a design-specific
        entry (bootstrap, permutation and placebo draws are kept on the result).
    cov
        Covariance matrix of the model's coefficients (a square frame labelled by term) where
        the model has one; ``None`` elsewhere.
    """

    method: str
    estimand: str
    outcome: str
    estimate: float
    se: float
    ci: tuple[float, float]
    p_value: float
    n: int
    n_treated: int | None = None
    n_control: int | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    notes: tuple[str, ...] = ()
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(TIDY_COLUMNS)))
    mde: float | None = None
    labels: Labels = field(default_factory=Labels)
    level: float = 0.95
    inference: Mapping[str, Any] = field(default_factory=dict)
    cov: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    # ----------------------------------------------------------------- convenience
    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """Interval for ``estimate`` at another confidence level, without refitting.

        Uses the reference distribution of the fit (t with the design's df, or normal) with
        ``se``; designs whose interval comes from draws (bootstrap, permutation, placebo) invert
        their kept draws at the new level. ``conf_int(self.level)`` equals ``ci``.
        """
        from scipy import stats

        from fou_analysis.exceptions import SpecificationError

        if not (isinstance(level, float | int) and 0 < level < 1):
            raise SpecificationError(f"level must be between 0 and 1, not {level!r}")
        dist = self.inference.get("dist")
        if dist == "t":
            q = float(stats.t.ppf(0.5 + level / 2, self.inference["df"]))
        elif dist == "normal":
            q = float(stats.norm.ppf(0.5 + level / 2))
        else:
            raise SpecificationError(
                f"{type(self).__name__} does not record how its interval was computed ({dist!r}); refit "
                "with the level you need"
            )
        if not (self.se > 0) or not math.isfinite(self.se):
            return (math.nan, math.nan)
        return (self.estimate - q * self.se, self.estimate + q * self.se)

    @property
    def significant(self) -> bool:
        """True when the interval excludes zero."""
        return _nonzero_interval(self.ci)

    @property
    def worst_verdict(self) -> Verdict:
        order = {"info": 0, "ok": 0, "warn": 1, "fail": 2}
        worst = max((order[d.verdict] for d in self.diagnostics), default=0)
        return {0: "ok", 1: "warn", 2: "fail"}[worst]  # type: ignore[return-value]

    def with_labels(self, labels: Labels) -> EffectResult:
        """Return a copy with plain-language labels attached."""
        return replace(self, labels=labels)

    # ----------------------------------------------------------------- rendering
    #: What the estimate is contrasted with, per language (pre/post designs override this).
    contrast: ClassVar[Mapping[str, str]] = {"nb": "enn uten tiltaket", "en": "than without the initiative"}

    def sentence(self, lang: str = "nb") -> str:
        """One plain-language sentence about the estimate (``lang`` ``"nb"`` or ``"en"``).

        Form: "<Outcome>: <size> <unit> higher/lower than without the initiative (95 % interval
        a to b)." followed by what the interval allows us to say, the minimum detectable effect
        when the interval includes zero, and a warning when an assumption fails a diagnostic.
        """
        check_lang(lang)
        lab = self.labels
        k = lab.scale
        est, low, high = self.estimate * k, self.ci[0] * k, self.ci[1] * k
        d = lab.decimals
        outcome = lab.outcome.get(lang) or self.outcome
        outcome = outcome[:1].upper() + outcome[1:]
        unit = lab.unit.get(lang, "")
        pct = int(round(self.level * 100))
        nb = lang == "nb"
        if not np.isfinite(est):
            return (
                f"{outcome}: effekten kunne ikke beregnes med disse dataene."
                if nb
                else f"{outcome}: the effect could not be estimated from these data."
            )
        size = " ".join(x for x in (format_number(abs(est), d, lang), unit) if x)
        word = ("høyere" if est > 0 else "lavere") if nb else ("higher" if est > 0 else "lower")
        interval = f"{format_number(low, d, lang)} {'til' if nb else 'to'} {format_number(high, d, lang)}"
        s = f"{outcome}: {size} {word} {self.contrast[lang]} ({pct} % {'intervall' if nb else 'interval'} {interval})."
        if self.significant:
            s += (
                " Intervallet omfatter ikke null, så tilfeldigheter alene er en lite sannsynlig forklaring."
                if nb
                else " The interval does not include zero, so chance alone is an unlikely explanation."
            )
        else:
            s += (
                " Intervallet omfatter null: dataene kan ikke skille dette fra ingen effekt."
                if nb
                else " The interval includes zero: the data cannot tell this apart from no effect."
            )
            if self.mde is not None and np.isfinite(self.mde):
                mde = " ".join(x for x in (format_number(abs(self.mde) * k, d, lang), unit) if x)
                s += (
                    f" Med dette utvalget kunne bare effekter på minst {mde} ha blitt oppdaget."
                    if nb
                    else f" With this sample only effects of at least {mde} could have been detected."
                )
        return s + self._assumption_warning(lang)

    def _assumption_warning(self, lang: str) -> str:
        """The clause a sentence ends with when a diagnostic says an assumption fails."""
        if self.worst_verdict != "fail":
            return ""
        if lang == "nb":
            return " Obs: en forutsetning for metoden holder ikke (se diagnostikk)."
        return " Note: an assumption of the method fails (see diagnostics)."

    def key_numbers(self) -> pd.DataFrame:
        """The headline numbers as a one-row frame (a view kept for the summary and older code:
        the headline row of :meth:`to_frame` with ``se`` for ``std_error``)."""
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "estimand": self.estimand,
                    "outcome": self.outcome,
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci[0],
                    "ci_high": self.ci[1],
                    "p_value": self.p_value,
                    "n": self.n,
                    "n_treated": self.n_treated,
                    "n_control": self.n_control,
                    "mde": self.mde,
                }
            ]
        )

    def summary(self, lang: str = "nb") -> Summary:
        """Text-and-HTML summary: sentence, key numbers, diagnostics, assumptions."""
        sentence = self.sentence(lang)
        tab = self.key_numbers().round(4)
        diags = tuple((d.verdict, f"{d.label(lang)}: {d.text(lang)}".rstrip(": ")) for d in self.diagnostics)
        title = f"{self.method} — {self.labels.outcome.get(lang) or self.outcome}"
        from fou_analysis.effects._checks import note_text

        notes = tuple(note_text(n, lang) for n in self.notes)
        return Summary(title=title, sentence=sentence, table=tab, diagnostics=diags, notes=notes)

    def _detail_table(self) -> pd.DataFrame:
        """The design's per-term / per-period rows that :meth:`to_frame` lists after the headline.

        ``table`` by default; a design whose model has more terms (DiD: every coefficient,
        covariates included) returns those.
        """
        return self.table

    def to_frame(self, *, headline_only: bool = False) -> pd.DataFrame:
        """The one tidy table of the result: the headline estimate first, then the design's terms.

        Columns, the same on every result: ``term, estimate, std_error, statistic, p_value,
        ci_low, ci_high, n`` (``n``: observations behind the fit), then ``headline`` (``True``
        on the first row, the estimate the report shows), ``method, estimand, outcome``, any
        design-specific columns of the detail rows (event time, cohort …), and on the headline
        row only ``se, n_treated, n_control, mde`` and one ``diag_<name>`` verdict per diagnostic.

        ``table`` (and :class:`~fou_analysis.effects.DidResult`'s ``model_table``) are the
        detail rows of this table, and :meth:`key_numbers` its headline row under the older
        column names; both stay for the code that reads them.

        Parameters
        ----------
        headline_only
            Only the headline row (one row per result, as the report's effects table needs).

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> r = EffectResult(method="x", estimand="ATT", outcome="y", estimate=2.0, se=0.5,
        ...                  ci=(1.0, 3.0), p_value=0.01, n=40)
        >>> r.to_frame()[["term", "estimate", "std_error", "statistic", "n", "headline"]]
          term  estimate  std_error  statistic   n  headline
        0  ATT       2.0        0.5        4.0  40      True
        """
        detail = self._detail_table()
        detail = tidy_frame(detail) if detail is not None and len(detail) else tidy_frame([])
        same = detail.index[detail["estimate"].to_numpy(dtype=float) == self.estimate]
        term: Any = self.estimand
        stat = self.estimate / self.se if math.isfinite(self.se) and self.se > 0 else float("nan")
        if len(same):
            term = detail.at[same[0], "term"]
            if pd.notna(detail.at[same[0], "statistic"]):
                stat = float(detail.at[same[0], "statistic"])
            detail = detail.drop(index=same[0])
        head: dict[str, Any] = {
            "term": term,
            "estimate": self.estimate,
            "std_error": self.se,
            "statistic": stat,
            "p_value": self.p_value,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "n": self.n,
            "headline": True,
        }
        tail = {"se": self.se, "n_treated": self.n_treated, "n_control": self.n_control, "mde": self.mde}
        tail.update({f"diag_{d.name}": d.verdict for d in self.diagnostics})
        rows = pd.DataFrame([head])
        if not headline_only and len(detail):
            rest = detail.copy()
            if "n" not in rest.columns:
                rest["n"] = self.n
            rest["n"] = rest["n"].fillna(self.n)
            rest["headline"] = False
            rows = pd.concat([rows, rest], ignore_index=True, sort=False)
        rows["headline"] = rows["headline"].astype(bool)
        rows["method"], rows["estimand"], rows["outcome"] = self.method, self.estimand, self.outcome
        for k, v in tail.items():
            rows[k] = [v] + [None] * (len(rows) - 1)
        first = [*TIDY_COLUMNS, "n", "headline", "method", "estimand", "outcome"]
        extra = [c for c in rows.columns if c not in first and c not in tail]
        return rows[first + extra + list(tail)]

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Point estimate with its interval (designs override this with their standard plot)."""
        from fou_analysis.plotting import localise, method_name, new_axes, outcome_label

        check_lang(lang)
        ax = new_axes(ax, (5, 1.8))
        k = self.labels.scale
        ax.errorbar(
            [self.estimate * k],
            [0],
            xerr=[[(self.estimate - self.ci[0]) * k], [(self.ci[1] - self.estimate) * k]],
            fmt="o",
            capsize=4,
        )
        ax.axvline(0, color="grey", lw=1, ls="--")
        ax.set_yticks([])
        ax.set_xlabel(outcome_label(self.labels, self.outcome, lang))
        ax.set_title(method_name(self.method, lang))
        return localise(ax, lang)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(method={self.method!r}, outcome={self.outcome!r}, "
            f"estimate={self.estimate:.4g}, se={self.se:.4g}, ci=({self.ci[0]:.4g}, {self.ci[1]:.4g}), "
            f"p={self.p_value:.3g}, n={self.n})"
        )

    def _repr_html_(self) -> str:
        return self.summary("en")._repr_html_()


def tidy_frame(rows: list[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Build a tidy table with the fixed column order (missing columns filled with NaN)."""
    df = pd.DataFrame(rows)
    for c in TIDY_COLUMNS:
        if c not in df.columns:
            df[c] = np.nan
    rest = [c for c in df.columns if c not in TIDY_COLUMNS]
    return df[list(TIDY_COLUMNS) + rest].reset_index(drop=True)


def cov_frame(vcov: np.ndarray, names: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """A covariance matrix as a square frame labelled by term."""
    names = [str(n) for n in names]
    return pd.DataFrame(np.asarray(vcov, float), index=names, columns=names)


def normal_ci(estimate: float, se: float, level: float = 0.95) -> tuple[float, float]:
    """Normal-approximation interval."""
    from scipy import stats

    z = stats.norm.ppf(0.5 + level / 2)
    return (estimate - z * se, estimate + z * se)


def normal_p(estimate: float, se: float) -> float:
    from scipy import stats

    if not (se > 0) or not math.isfinite(se):
        return float("nan")
    return float(2 * stats.norm.sf(abs(estimate / se)))
