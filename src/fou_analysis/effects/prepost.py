"""Pre/post comparison on the same people (paired differences).

Estimator
    The mean paired change ``post - pre`` over subjects observed at both waves, with a t-based
    interval (df = n - 1). Standardised effect sizes:

    - Cohen's d_z = mean change / sd of changes, with an exact interval by inverting the
      noncentral t distribution of the paired t statistic (Cumming & Finch 2001; Lakens 2013,
      eq. 6–7);
    - Hedges' g_av = J · mean change / √((s_pre² + s_post²)/2) (the average-variance standardiser,
      comparable to a between-group d), J = 1 − 3/(4·df − 1) with df = n − 1 and the approximate
      variance of Borenstein, Hedges, Higgins & Rothstein (2009, *Introduction to Meta-Analysis*,
      eq. 4.28 and 4.30): V_d = (1/n + d²/(2n)) · 2(1 − r), V_g = J² V_d, normal interval.

Assumptions
    Without a comparison group the change is **not** a causal effect: regression to the mean
    (people often enrol when things are at their worst), maturation (people change anyway),
    history (things that happened between the waves) and test effects all move the score. Pairs
    are analysed only when both waves are observed; if those lost differ from those kept, the mean
    change is biased (attrition). The t interval assumes roughly normal changes or a moderate n.

Diagnostics
    Attrition (share of subjects seen at either wave but not both; warn above 20 %), the Wilcoxon
    signed-rank test as a distribution-free check of the sign of the change, and the number of
    pairs.

Reproduces
    Lakens (2013, *Frontiers in Psychology* 4:863), the movie-ratings example (10 people, two
    related measures): t(9) = 4.74, p = .001, 95 % CI of the mean difference [0.52, 1.48],
    Cohen's d_z = 1.50 (tests/effects/test_prepost.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import optimize, stats

from fou_analysis.effects._aliases import aliases
from fou_analysis.effects._result import Diagnostic, EffectResult, tidy_frame

# the function, not the module attribute: effects/__init__ may export a function named `power`
from fou_analysis.effects.power import mde as _design_mde
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.formatting import format_p, format_percent

ATTRITION_WARN = 0.20
# Fewest pairs for which the plot draws one line per person: a judgement, four times the
# report's default small-cell limit (5). Lines of 20 or more people overlap enough that one
# cannot be told from the rest by a reader who knows only roughly how someone scored.
INDIVIDUAL_LINES_MIN = 20

NOTES = (
    "A pre/post change on the same people is not a causal effect: without a comparison group, "
    "regression to the mean, maturation, history (events between the waves) and test effects "
    "cannot be separated from the effect of the initiative.",
    "Only people observed at both waves are compared; if those who dropped out differ from those "
    "who stayed, the mean change is biased.",
    "The interval assumes the changes are roughly normal or the number of pairs moderate (t-based).",
)


@dataclass(frozen=True, repr=False)
class PrePostResult(EffectResult):
    """Result of :func:`prepost`; adds effect sizes, the pairs and the attrition table.

    Attributes
    ----------
    d_z, d_z_ci
        Cohen's d_z and its noncentral-t interval.
    g_av, g_av_ci
        Hedges' g_av (average-variance standardiser, small-sample corrected) and its interval.
    pairs
        One row per paired subject: ``subject, pre, post, change``.
    attrition
        Counts ``stage, n, share``: observed pre, observed post, paired, only pre, only post.
    """

    d_z: float = float("nan")
    d_z_ci: tuple[float, float] = (float("nan"), float("nan"))
    g_av: float = float("nan")
    g_av_ci: tuple[float, float] = (float("nan"), float("nan"))
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    attrition: pd.DataFrame = field(default_factory=pd.DataFrame)

    # no comparison group: the contrast is with the same people before, not a counterfactual
    contrast: ClassVar[Mapping[str, str]] = {
        "nb": "etter enn før (samme personer; ikke en årsakseffekt)",
        "en": "after than before (same people; not a causal effect)",
    }

    def plot(
        self, ax: Any = None, *, max_lines: int = 300, individual_min: int | None = None, lang: str = "en"
    ) -> Any:
        """Paired before/after plot: the mean change in colour, with individual lines in large groups.

        One grey line per person is drawn only when there are at least ``individual_min`` pairs
        (default :data:`INDIVIDUAL_LINES_MIN`, 20); in a larger group at most ``max_lines``
        of them, sampled. Below that the figure shows only the mean at each wave with its
        t interval: in a small group anyone who knows a participant can find their line, and
        the lines together publish every person's two scores. Text in ``lang`` ("nb" or "en").
        """
        from fou_analysis.formatting import format_number
        from fou_analysis.plotting import localise, method_name, new_axes, outcome_label, words

        ax = new_axes(ax, (4.5, 4))
        p = self.pairs
        k = self.labels.scale
        means = np.array([p["pre"].mean(), p["post"].mean()]) * k
        if len(p) >= (INDIVIDUAL_LINES_MIN if individual_min is None else individual_min):
            shown = p if len(p) <= max_lines else p.sample(max_lines, random_state=0)
            for pre, post in zip(shown["pre"], shown["post"], strict=True):
                ax.plot([0, 1], [pre * k, post * k], color="grey", alpha=0.35, lw=0.8)
        elif len(p) >= 2:
            half = (
                stats.t.ppf(0.5 + self.level / 2, len(p) - 1) * p[["pre", "post"]].std(ddof=1).to_numpy() * k
            )
            ax.errorbar([0, 1], means, yerr=half / np.sqrt(len(p)), fmt="none", ecolor="C0", elinewidth=1.5)
        ax.plot([0, 1], means, color="C0", lw=3, marker="o")
        ax.set_xticks([0, 1], [words("pre", lang), words("post", lang)])
        ax.set_xlim(-0.2, 1.2)
        ax.set_ylabel(outcome_label(self.labels, self.outcome, lang))
        change = format_number(self.estimate * k, self.labels.decimals, lang)
        if lang == "nb":
            ax.set_title(f"{method_name(self.method, lang)}: gjennomsnittlig endring {change} (n = {self.n})")
        else:
            ax.set_title(f"{method_name(self.method, lang)}: mean change {change} (n = {self.n})")
        return localise(ax, lang)


def _ncp_root(t: float, df: float, p: float) -> float:
    """The noncentrality ``ncp`` with ``P(T ≤ t | df, ncp) = p``, for ``t ≥ 0``.

    The cdf falls monotonically in ``ncp``. The root is bracketed by stepping outwards from
    ``ncp = t`` in steps of the large-sample sd of a t statistic, ``s = √(1 + t²/(2·df))``,
    growing by half each time (a quarter of it after a point where ``scipy.stats.nct.cdf`` is
    NaN), so that the bracket stays where the cdf is finite. The earlier fixed bracket
    ``t ± (10 + 2|t|)`` reached noncentralities at which the cdf is NaN, and ``brentq`` failed
    (e.g. t = −7, df = 14 or t = 20, df = 49).
    Returns NaN when no finite bracket is found (the caller then falls back).
    """
    f = lambda ncp: float(stats.nct.cdf(t, df, ncp)) - p  # noqa: E731 - monotone in ncp
    inner, f_inner = t, f(t)
    if f_inner == 0:
        return float(t)
    direction = -1.0 if f_inner < 0 else 1.0  # below p: the root lies at a smaller ncp
    step = float(np.sqrt(1 + t * t / (2 * df)))
    for _ in range(80):
        outer = inner + direction * step
        f_outer = f(outer)
        if not np.isfinite(f_outer):  # overshot into the region scipy cannot evaluate
            step /= 4
            continue
        if np.sign(f_outer) != np.sign(f_inner):
            lo, hi = sorted((inner, outer))
            try:
                return float(optimize.brentq(f, lo, hi, xtol=1e-10))
            except ValueError:  # NaN inside the bracket
                return float("nan")
        inner, f_inner, step = outer, f_outer, step * 1.5
    return float("nan")


def _ncp_interval(t: float, df: float, level: float) -> tuple[float, float]:
    """Interval for the noncentrality parameter of a t statistic (inversion of the nct cdf).

    Exact inversion (see :func:`_ncp_root`); a negative ``t`` by symmetry,
    ``P(T ≤ t | ncp) = P(T ≥ −t | −ncp)``. Fallback where ``scipy`` cannot evaluate the cdf
    near the root (only for extreme t relative to df): the large-sample interval
    ``t ± z·√(1 + t²/(2·df))`` (the normal approximation to the distribution of a noncentral t
    statistic, as in the usual large-sample variance of d_z, ``1/n + d_z²/(2n)``).
    """
    if t < 0:
        lo, hi = _ncp_interval(-t, df, level)
        return -hi, -lo
    lo_p, hi_p = 0.5 + level / 2, 0.5 - level / 2
    lo, hi = _ncp_root(t, df, lo_p), _ncp_root(t, df, hi_p)
    if np.isnan(lo) or np.isnan(hi):
        half = stats.norm.ppf(lo_p) * np.sqrt(1 + t * t / (2 * df))
        lo, hi = (t - half if np.isnan(lo) else lo), (t + half if np.isnan(hi) else hi)
    return lo, hi


def _check_columns(data: pd.DataFrame, cols: dict[str, str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame")
    for arg, col in cols.items():
        if col not in data.columns:
            raise SpecificationError(f"{arg}={col!r} is not a column of the data")


@aliases("prepost")
def prepost(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    pre: Any,
    post: Any,
    level: float = 0.95,
) -> PrePostResult:
    """Mean paired change between two waves, with effect sizes and the attrition behind the pairs.

    Parameters
    ----------
    data
        Long data, one row per subject × wave.
    outcome, unit, time
        Column names: the score, the person identifier, the wave label. Older names
        ``subject`` (for ``unit``) and ``wave`` (for ``time``): still accepted (no warning for
        now); giving both spellings is a :class:`~fou_analysis.SpecificationError`.
    pre, post
        The values of ``time`` that mark the baseline and the follow-up.
    level
        Confidence level of the intervals.

    Returns
    -------
    PrePostResult
        ``estimate`` is the mean of ``post - pre``; ``d_z``, ``g_av`` with intervals; ``pairs``;
        ``attrition``; diagnostics (attrition, Wilcoxon signed-rank); ``mde`` from the paired
        design formula at this number of pairs and the observed sd of changes.

    Notes
    -----
    ``t = mean(Δ) / (sd(Δ)/√n)``, CI ``mean(Δ) ± t_{df, 1-α/2} sd(Δ)/√n``, df = n − 1.
    d_z = mean(Δ)/sd(Δ), interval = ncp interval of t / √n.
    g_av = J · mean(Δ)/√((s_pre² + s_post²)/2), J = 1 − 3/(4(n − 1) − 1).
    Rows with a missing outcome count as not observed at that wave.
    No ``covariates`` argument, on purpose: each person is compared with themselves, so there
    is no comparison group whose make-up a covariate could adjust for.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"id": [1, 1, 2, 2, 3, 3, 4], "t": ["a", "b"] * 3 + ["a"],
    ...                   "y": [3.0, 4.0, 2.0, 4.0, 5.0, 5.5, 1.0]})
    >>> r = prepost(d, outcome="y", unit="id", time="t", pre="a", post="b")
    >>> r.n, round(r.estimate, 2)
    (3, 1.17)
    """
    _check_arguments(data, outcome, unit, time, pre=pre, post=post, level=level)
    scores = _scores_at_waves(data, outcome, unit, time, pre, post)
    pairs, attrition, n_any = _pairs_and_attrition(scores, pre, post)
    n = len(pairs)
    if n < 2:
        raise DataError(
            f"only {n} subject(s) observed at both waves; at least 2 pairs are needed", column=unit
        )
    diff = pairs["change"].to_numpy()
    tt = _paired_t(diff, level)
    sizes = _effect_sizes(pairs, tt, level)
    mde = _design_mde(design="paired", n=n, sd=tt["sd"], alpha=1 - level) if tt["sd"] > 0 and n >= 2 else None
    return PrePostResult(
        method="prepost",
        estimand="mean paired change (post - pre)",
        outcome=outcome,
        estimate=tt["mean"],
        se=float(tt["se"]),
        ci=(float(tt["ci"][0]), float(tt["ci"][1])),
        p_value=tt["p"],
        n=n,
        diagnostics=tuple(_diagnostics(n, n_any, diff, tt["p"], level)),
        notes=NOTES,
        table=_table(pairs, tt, sizes),
        mde=mde,
        level=level,
        inference={"dist": "t", "df": float(tt["df"])},
        d_z=float(sizes["d_z"]),
        d_z_ci=(float(sizes["d_z_ci"][0]), float(sizes["d_z_ci"][1])),
        g_av=float(sizes["g_av"]),
        g_av_ci=(float(sizes["g_av_ci"][0]), float(sizes["g_av_ci"][1])),
        pairs=pairs,
        attrition=attrition,
    )


def _check_arguments(
    data: pd.DataFrame, outcome: str, unit: str, time: str, *, pre: Any, post: Any, level: float
) -> None:
    """Columns exist, the level is a probability, and ``pre``/``post`` are two waves of the data."""
    _check_columns(data, {"outcome": outcome, "subject": unit, "wave": time})
    if not (0 < level < 1):
        raise SpecificationError(f"level must lie strictly between 0 and 1, not {level!r}")
    if pre == post:
        raise SpecificationError("pre and post must be different wave values")
    waves = set(data[time].dropna().unique().tolist())
    for arg, val in (("pre", pre), ("post", post)):
        if val not in waves:
            raise SpecificationError(f"{arg}={val!r} does not occur in column {time!r}")


def _scores_at_waves(
    data: pd.DataFrame, outcome: str, unit: str, time: str, pre: Any, post: Any
) -> pd.DataFrame:
    """``subject, wave, y`` at the two waves; a non-numeric score or a repeated subject × wave is a DataError."""
    y = pd.to_numeric(data[outcome], errors="coerce")
    bad = y.isna() & data[outcome].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"non-numeric outcome value {data[outcome].iloc[i]!r}", row=i + 2, column=outcome)
    d = pd.DataFrame({"subject": data[unit], "wave": data[time], "y": y})
    d = d[d["wave"].isin([pre, post])]
    dup = d.duplicated(["subject", "wave"], keep="first")
    if dup.any():
        i = int(data.index.get_indexer([d.index[dup.to_numpy()][0]])[0])
        raise DataError(
            f"subject {d.loc[dup, 'subject'].iloc[0]!r} has more than one row at wave "
            f"{d.loc[dup, 'wave'].iloc[0]!r}",
            row=i + 2,
            column=unit,
        )
    return d.dropna(subset=["y", "subject"])


def _pairs_and_attrition(d: pd.DataFrame, pre: Any, post: Any) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The pairs (``subject, pre, post, change``), the attrition table, and how many were seen at all."""
    seen_pre = set(d.loc[d["wave"] == pre, "subject"])
    seen_post = set(d.loc[d["wave"] == post, "subject"])
    wide = d.pivot(index="subject", columns="wave", values="y").dropna()
    pairs = pd.DataFrame(
        {
            "subject": wide.index.to_numpy(),
            "pre": wide[pre].to_numpy(dtype=float),
            "post": wide[post].to_numpy(dtype=float),
        }
    )
    pairs["change"] = pairs["post"] - pairs["pre"]
    n = len(pairs)
    n_any = len(seen_pre | seen_post)
    attrition = pd.DataFrame(
        {
            "stage": ["observed_pre", "observed_post", "paired", "only_pre", "only_post"],
            "n": [len(seen_pre), len(seen_post), n, len(seen_pre - seen_post), len(seen_post - seen_pre)],
        }
    )
    attrition["share"] = attrition["n"] / n_any if n_any else np.nan
    return pairs, attrition, n_any


def _paired_t(diff: np.ndarray, level: float) -> dict[str, Any]:
    """Mean change, its sd and se, the t statistic, p-value and t interval (df = n − 1)."""
    n = diff.size
    mean, sd = float(diff.mean()), float(diff.std(ddof=1))
    df = n - 1
    se = sd / np.sqrt(n)
    tcrit = stats.t.ppf(0.5 + level / 2, df)
    if se > 0:
        t = mean / se
        p = float(2 * stats.t.sf(abs(t), df))
    else:
        t, p = (np.inf if mean else np.nan), (0.0 if mean else 1.0)
    ci = (mean - tcrit * se, mean + tcrit * se)
    return {"mean": mean, "sd": sd, "df": df, "se": se, "t": t, "p": p, "ci": ci}


def _effect_sizes(pairs: pd.DataFrame, tt: dict[str, Any], level: float) -> dict[str, Any]:
    """Cohen's d_z (noncentral-t interval) and Hedges' g_av (Borenstein et al. variance, normal interval)."""
    mean, sd, t, df, n = tt["mean"], tt["sd"], tt["t"], tt["df"], len(pairs)
    d_z = mean / sd if sd > 0 else np.nan
    d_z_ci = (
        tuple(x / np.sqrt(n) for x in _ncp_interval(t, df, level)) if np.isfinite(t) else (np.nan, np.nan)
    )
    s_pre, s_post = pairs["pre"].std(ddof=1), pairs["post"].std(ddof=1)
    s_av = float(np.sqrt((s_pre**2 + s_post**2) / 2))
    r = float(np.corrcoef(pairs["pre"], pairs["post"])[0, 1]) if s_pre > 0 and s_post > 0 else np.nan
    j = 1 - 3 / (4 * df - 1) if df > 1 else np.nan
    d_av = mean / s_av if s_av > 0 else np.nan
    g_av = j * d_av
    v_g = j**2 * (1 / n + d_av**2 / (2 * n)) * 2 * (1 - r)
    z = stats.norm.ppf(0.5 + level / 2)
    g_av_ci = (g_av - z * np.sqrt(v_g), g_av + z * np.sqrt(v_g))
    return {"d_z": d_z, "d_z_ci": d_z_ci, "g_av": g_av, "v_g": v_g, "g_av_ci": g_av_ci}


def _diagnostics(n: int, n_any: int, diff: np.ndarray, p: float, level: float) -> list[Diagnostic]:
    """Attrition, the Wilcoxon signed-rank check of the t-test, and the missing comparison group."""
    diags = []
    lost = 1 - n / n_any if n_any else 0.0
    diags.append(
        Diagnostic(
            "attrition",
            round(lost, 4),
            "warn" if lost > ATTRITION_WARN else "ok",
            f"{n} of {n_any} people seen at either wave were seen at both ({lost:.0%} lost)"
            + (
                "; more than 20 % lost: the pairs may not represent everyone."
                if lost > ATTRITION_WARN
                else "."
            ),
            f"{n} av {n_any} personer ble målt begge ganger ({format_percent(lost, 0, 'nb')} frafall)"
            + (
                "; over 20 % frafall: parene representerer kanskje ikke alle."
                if lost > ATTRITION_WARN
                else "."
            ),
        )
    )
    nonzero = diff[diff != 0]
    if len(nonzero) >= 1:
        w = stats.wilcoxon(diff, zero_method="wilcox")
        w_p = float(w.pvalue)
        agree = (w_p < 1 - level) == (p < 1 - level)
        diags.append(
            Diagnostic(
                "wilcoxon_signed_rank",
                round(w_p, 4),
                "ok" if agree else "warn",
                f"Wilcoxon signed-rank p = {w_p:.3g} (t-test p = {p:.3g}); "
                + (
                    "both tests agree."
                    if agree
                    else "the tests disagree: the changes may be skewed or have outliers."
                ),
                f"Wilcoxon-test p = {format_p(w_p, 'nb')} (t-test p = {format_p(p, 'nb')}); "
                + ("testene er enige." if agree else "testene er uenige: endringene kan være skjeve."),
            )
        )
    diags.append(
        Diagnostic(
            "comparison_group",
            "none",
            "info",
            "No comparison group: the change is not a causal effect.",
            "Ingen sammenligningsgruppe: endringen er ikke en årsakseffekt.",
        )
    )
    return diags


def _table(pairs: pd.DataFrame, tt: dict[str, Any], sizes: dict[str, Any]) -> pd.DataFrame:
    """The tidy table: mean change (t), d_z, g_av, and the two wave means."""
    df = tt["df"]
    return tidy_frame(
        [
            {
                "term": "mean_change",
                "estimate": tt["mean"],
                "std_error": tt["se"],
                "statistic": tt["t"],
                "p_value": tt["p"],
                "ci_low": tt["ci"][0],
                "ci_high": tt["ci"][1],
                "df": df,
            },
            {
                "term": "cohens_d_z",
                "estimate": sizes["d_z"],
                "ci_low": sizes["d_z_ci"][0],
                "ci_high": sizes["d_z_ci"][1],
                "df": df,
            },
            {
                "term": "hedges_g_av",
                "estimate": sizes["g_av"],
                "std_error": float(np.sqrt(sizes["v_g"])),
                "ci_low": sizes["g_av_ci"][0],
                "ci_high": sizes["g_av_ci"][1],
                "df": df,
            },
            {"term": "mean_pre", "estimate": float(pairs["pre"].mean())},
            {"term": "mean_post", "estimate": float(pairs["post"].mean())},
        ]
    )
