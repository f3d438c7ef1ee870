"""Reliability of a multi-item scale: Cronbach's alpha and McDonald's omega total.

Estimators
----------
* **Cronbach's alpha** (Cronbach 1951): ``alpha = k/(k-1) * (1 - sum(var_i) / var(total))`` with
  sample variances (ddof = 1) on the complete cases (listwise deletion).
  Interval: **Feldt** (Feldt, Woodruff & Salih 1987), exact under the assumption of
  essentially tau-equivalent, normally distributed items: with ``df1 = n - 1`` and
  ``df2 = (n - 1)(k - 1)``, ``[1 - (1 - alpha) F(1 - a/2), 1 - (1 - alpha) F(a/2)]`` where
  ``F(q)`` is the q-quantile of F(df1, df2). Or a percentile **bootstrap** over respondents
  (``ci_method="bootstrap"``, ``seed``), which drops the distributional assumption.
* **McDonald's omega total** (McDonald 1999, ch. 6) from a one-factor model fitted to the item
  correlation matrix: ``omega = (sum lambda)^2 / ((sum lambda)^2 + sum(1 - lambda^2))``, i.e. the
  reliability of the sum of standardised items, with the model-implied total variance in the
  denominator. The factor model is fitted by **iterated principal-axis factoring** (start:
  squared multiple correlations; repeat: first eigenpair of R with communalities on the
  diagonal, until the communalities change by < 1e-9). A fixed point of this iteration is the
  unweighted-least-squares / "minres" solution (Harman 1976). Hand-written because no
  maintained package in the environment fits a one-factor model on a correlation matrix
  (``factor_analyzer`` is not installed; statsmodels' ``Factor`` needs the data and uses a
  different default). Heywood cases (a communality >= 1) are capped at 0.995 and noted.
* **Item statistics**: item-rest correlation (item vs the sum of the *other* items) and alpha if
  the item is deleted.

Assumptions and diagnostics: alpha is a lower bound of reliability unless the items are
tau-equivalent; omega relaxes this to a congeneric (one-factor) model. A negative item-rest
correlation usually means a reverse-keyed item that was not declared as such. Items are
cleaned (missing codes, out-of-range) and turned (reverse items) exactly as in
:func:`~fou_analysis.clean.survey.score_instrument`.

Reproduces: the textbook example of Real Statistics Using Excel (Zaiontz, "Cronbach's
alpha", Example 1: 15 respondents, 10 Likert items), alpha = 0.592, Feldt 95 % CI
[0.195, 0.840] — numbers confirmed by pingouin and R ``psych::alpha`` (see
``tests/clean/test_reliability.py``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from fou_analysis.clean._common import require_columns, source_of
from fou_analysis.clean.survey import Instrument, as_instrument, clean_items, oriented
from fou_analysis.exceptions import DataError, SpecificationError

_TIDY = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of an n x k matrix without missing values."""
    x = np.asarray(x, dtype=float)
    k = x.shape[1]
    total_var = x.sum(axis=1).var(ddof=1)
    if k < 2 or total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt (1987) interval for alpha from n respondents and k items."""
    from scipy import stats  # lazy: scipy.stats costs seconds to import

    df1, df2 = n - 1, (n - 1) * (k - 1)
    a = 1 - level
    low = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return float(low), float(high)


def one_factor_loadings(
    r: np.ndarray, *, tol: float = 1e-9, max_iter: int = 5000
) -> tuple[np.ndarray, bool, bool]:
    """Fit one factor to a correlation matrix by iterated principal axes (ULS / minres).

    Returns the loadings (sign chosen so that their sum is positive), whether the iteration
    converged, and whether a Heywood case was capped.
    """
    r = np.asarray(r, dtype=float)
    try:
        h = 1 - 1 / np.diag(np.linalg.inv(r))  # squared multiple correlations
    except np.linalg.LinAlgError:
        h = np.max(np.abs(r - np.eye(len(r))), axis=0)
    h = np.clip(h, 0.005, 0.995)
    converged = heywood = False
    lam = np.sqrt(h)
    for _ in range(max_iter):
        rr = r.copy()
        np.fill_diagonal(rr, h)
        vals, vecs = np.linalg.eigh(rr)
        lam = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
        new_h = lam**2
        if np.any(new_h >= 1):
            heywood = True
            new_h = np.minimum(new_h, 0.995)
        if np.max(np.abs(new_h - h)) < tol:
            h = new_h
            converged = True
            break
        h = new_h
    if heywood:
        lam = np.sign(lam) * np.sqrt(np.minimum(lam**2, 0.995))
    if lam.sum() < 0:
        lam = -lam
    return lam, converged, heywood


def omega_total(loadings: np.ndarray) -> float:
    """Omega total of a one-factor model on standardised items."""
    s = float(np.sum(loadings))
    uniq = float(np.sum(1 - np.asarray(loadings) ** 2))
    return s * s / (s * s + uniq)


@dataclass(frozen=True)
class ReliabilitySummary:
    """Text/HTML rendering of a :class:`ReliabilityResult`."""

    title: str
    sentence: str
    table: pd.DataFrame
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [self.title, "=" * len(self.title), self.sentence, "", self.table.to_string(index=False)]
        if self.notes:
            lines += ["", *[f"  - {n}" for n in self.notes]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f'<div class="fou-summary"><h4>{html.escape(self.title)}</h4>'
            f"<p>{html.escape(self.sentence)}</p>{self.table.to_html(index=False, border=0, na_rep='–', escape=True)}"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


@dataclass(frozen=True)
class ReliabilityResult:
    """Reliability of one instrument.

    Attributes: ``instrument`` (name), ``n`` (complete respondents used), ``k`` (items),
    ``alpha`` with ``alpha_ci`` (``ci_method``, ``level``), ``omega_total``, ``loadings`` (Series by
    item), ``items`` (per item: mean, sd, item_rest_r, alpha_if_deleted, loading), ``notes``.
    """

    instrument: str
    n: int
    k: int
    alpha: float
    alpha_ci: tuple[float, float]
    ci_method: str
    level: float
    omega_total: float
    loadings: pd.Series
    items: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per coefficient (``cronbach_alpha``, ``omega_total``)."""
        rows = [
            {
                "term": "cronbach_alpha",
                "estimate": self.alpha,
                "ci_low": self.alpha_ci[0],
                "ci_high": self.alpha_ci[1],
            },
            {"term": "omega_total", "estimate": self.omega_total},
        ]
        df = pd.DataFrame(rows).reindex(columns=_TIDY)
        df["n"] = self.n
        df["k"] = self.k
        return df

    def summary(self, lang: str = "nb") -> ReliabilitySummary:
        lo, hi = self.alpha_ci
        weak = self.items.loc[self.items["item_rest_r"] < 0.3, "item"].tolist()
        if lang == "nb":
            title = f"Reliabilitet: {self.instrument}"
            sentence = (
                f"Cronbachs alfa er {self.alpha:.2f} (95 % KI {lo:.2f}–{hi:.2f}) og McDonalds omega "
                f"{self.omega_total:.2f}, basert på {self.n} svar på {self.k} spørsmål."
            )
            if weak:
                sentence += f" Svakt samsvar med resten av skalaen: {', '.join(weak)}."
        else:
            title = f"Reliability: {self.instrument}"
            sentence = (
                f"Cronbach's alpha is {self.alpha:.2f} (95% CI {lo:.2f}–{hi:.2f}) and McDonald's omega "
                f"{self.omega_total:.2f}, from {self.n} complete responses to {self.k} items."
            )
            if weak:
                sentence += f" Items that fit the rest of the scale poorly: {', '.join(weak)}."
        return ReliabilitySummary(title, sentence, self.items.round(3), self.notes)

    def __repr__(self) -> str:
        return str(self.summary("en"))


def reliability(
    df: pd.DataFrame,
    instrument: Instrument | Mapping[str, Any],
    *,
    level: float = 0.95,
    ci_method: Literal["feldt", "bootstrap"] = "feldt",
    n_boot: int = 1000,
    seed: int = 20240601,
    source: str = "",
) -> ReliabilityResult:
    """Cronbach's alpha (with CI), omega total and item statistics for an instrument.

    Parameters
    ----------
    df
        Survey table with the item columns (numeric codes).
    instrument
        An :class:`Instrument` or its dict form; missing codes, range and reverse items are used.
    level
        Confidence level of the alpha interval.
    ci_method
        ``"feldt"`` (default) or ``"bootstrap"`` (percentile, ``n_boot`` resamples, ``seed``).
    source
        File name for error messages.

    Returns
    -------
    ReliabilityResult

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=200)
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3 + f + rng.normal(size=200)), 1, 5) for i in range(4)})
    >>> res = reliability(df, {"name": "s", "items": ["q0", "q1", "q2", "q3"], "min": 1, "max": 5})
    >>> 0.6 < res.alpha < 0.9
    True
    """
    inst = as_instrument(instrument)
    src = source_of(df, source)
    require_columns(df, inst.items, source=src, argument="instrument.items")
    if ci_method not in ("feldt", "bootstrap"):
        raise SpecificationError(f"ci_method must be 'feldt' or 'bootstrap', not {ci_method!r}")
    if not 0 < level < 1:
        raise SpecificationError(f"level must be in (0, 1), not {level!r}")
    k = len(inst.items)
    if k < 2:
        raise SpecificationError(f"instrument {inst.name!r} has {k} item; reliability needs at least 2")
    block, _, _ = clean_items(df, inst, src=src)
    block = oriented(block, inst).dropna()
    x = block.to_numpy(dtype=float)
    n = x.shape[0]
    if n < 3:
        raise DataError(
            f"instrument {inst.name!r}: only {n} complete response(s); reliability needs 3+", file=src or None
        )
    notes = [f"Listwise deletion: {len(df) - n} of {len(df)} rows with a missing item left out."]

    alpha = cronbach_alpha(x)
    if ci_method == "feldt":
        ci = feldt_ci(alpha, n, k, level)
    else:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, n, size=(n_boot, n))
        boots = np.array([cronbach_alpha(x[i]) for i in idx])
        boots = boots[np.isfinite(boots)]
        ci = (float(np.quantile(boots, (1 - level) / 2)), float(np.quantile(boots, (1 + level) / 2)))

    total = x.sum(axis=1)
    rows = []
    for j, item in enumerate(inst.items):
        rest = total - x[:, j]
        sd = x[:, j].std(ddof=1)
        r_ir = float(np.corrcoef(x[:, j], rest)[0, 1]) if sd > 0 and rest.std() > 0 else np.nan
        a_del = cronbach_alpha(np.delete(x, j, axis=1)) if k > 2 else np.nan
        rows.append(
            {"item": item, "mean": x[:, j].mean(), "sd": sd, "item_rest_r": r_ir, "alpha_if_deleted": a_del}
        )
    items = pd.DataFrame(rows)

    if k >= 3 and np.all(x.std(axis=0, ddof=1) > 0):
        lam, converged, heywood = one_factor_loadings(np.corrcoef(x, rowvar=False))
        omega = omega_total(lam)
        if not converged:
            notes.append("One-factor model did not converge; omega is approximate.")
        if heywood:
            notes.append("Heywood case: a communality reached 1 and was capped at 0.995.")
    else:
        lam = np.full(k, np.nan)
        omega = float("nan")
        notes.append("Omega needs at least 3 items with variance.")
    loadings = pd.Series(lam, index=list(inst.items), name="loading")
    items["loading"] = lam
    if (items["item_rest_r"] < 0).any():
        neg = items.loc[items["item_rest_r"] < 0, "item"].tolist()
        notes.append(
            f"Negative item-rest correlation ({', '.join(neg)}): is a reverse-keyed item undeclared?"
        )
    notes.append(
        "Alpha CI: Feldt (F distribution)."
        if ci_method == "feldt"
        else f"Alpha CI: percentile bootstrap, {n_boot} resamples."
    )
    return ReliabilityResult(
        instrument=inst.name,
        n=n,
        k=k,
        alpha=alpha,
        alpha_ci=ci,
        ci_method=ci_method,
        level=level,
        omega_total=omega,
        loadings=loadings,
        items=items,
        notes=tuple(notes),
    )
