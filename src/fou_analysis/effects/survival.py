"""Time to event: Kaplan–Meier curves, the log-rank test and a Cox model for a group effect.

Estimator
    Kaplan–Meier survival per group (statsmodels ``SurvfuncRight``, Greenwood standard errors)
    with pointwise log(−log) intervals (Kalbfleisch & Prentice; Stata's ``sts list`` default);
    medians with the statsmodels cloglog interval where the curve reaches 0.5; the log-rank
    test (statsmodels ``survdiff``); a Cox proportional hazards model (statsmodels ``PHReg``,
    Efron ties by default, as R's ``coxph``) of the group indicator and ``covariates``.
    ``estimate`` is the log hazard ratio of the group (the second of the two sorted group values,
    e.g. 1 against 0) adjusted for the covariates; the table also gives the hazard ratio.

Assumptions
    Proportional hazards (the hazard ratio is constant over time); non-informative censoring
    (people who leave follow-up have the same prognosis as those who stay); the groups are
    comparable given the covariates for a causal reading (no unmeasured confounding) — with
    a non-randomised group this is a strong assumption.

Diagnostics
    Proportional hazards: Pearson correlation of each term's Schoenfeld residuals with the rank of
    the event time and its t-test (a simple form of Grambsch & Therneau 1994); number of events
    and censoring share; events per model term.

Reproduces
    The 6-MP leukaemia trial (Freireich et al. 1963; data in Gehan 1965, Cox 1972): log-rank
    χ² = 16.79 (Kleinbaum & Klein, *Survival Analysis*, 3rd ed., ch. 2), Cox coefficient 1.572,
    se 0.412, HR 4.82 with Efron ties (Venables & Ripley, *MASS*, 4th ed., §13.3) and 1.509,
    se 0.410, HR 4.52 with Breslow ties (Kleinbaum & Klein ch. 3); KM for the control group at
    week 1: 0.9048 (se 0.0641, 95 % CI 0.6700 to 0.9753) (G. Rodríguez, WWS 509 notes)
    (tests/effects/test_survival.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects._aliases import aliases
from fou_analysis.effects._options import check_option
from fou_analysis.effects._result import EffectResult, Labels, cov_frame, normal_p, tidy_frame
from fou_analysis.effects._survival_diagnostics import diagnostics

# the function, not the module attribute: effects/__init__ may export a function named `power`
from fou_analysis.effects.power import mde as _design_mde
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.formatting import format_number

NOTES = (
    "Proportional hazards: the hazard ratio is assumed constant over follow-up (see the "
    "proportional-hazards diagnostic).",
    "Non-informative censoring: people whose follow-up ends without the event have the same "
    "prognosis as those still followed.",
    "The hazard ratio is causal only if the groups are comparable given the covariates (no "
    "unmeasured confounding); outside a randomised trial this is a strong assumption.",
)


@dataclass(frozen=True, repr=False)
class SurvivalResult(EffectResult):
    """Result of :func:`survival`; adds curves, medians, the log-rank test and Cox details.

    Attributes
    ----------
    km
        Kaplan–Meier curves: ``group, time, survival, std_error, ci_low, ci_high, at_risk, events``.
    medians
        Median survival per group (``median, ci_low, ci_high``; NaN where not reached).
    logrank
        ``{"chi2": ..., "df": ..., "p_value": ...}`` (empty without a group).
    hazard_ratio, hazard_ratio_ci
        ``exp(estimate)`` and its interval.
    ph_test
        Per Cox term: ``correlation`` of Schoenfeld residuals with the event-time rank, ``p_value``.
    events, censored_share
        Number of events and the share censored.
    """

    km: pd.DataFrame = field(default_factory=pd.DataFrame)
    medians: pd.DataFrame = field(default_factory=pd.DataFrame)
    logrank: dict = field(default_factory=dict)
    hazard_ratio: float = float("nan")
    hazard_ratio_ci: tuple[float, float] = (float("nan"), float("nan"))
    ph_test: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: int = 0
    censored_share: float = float("nan")

    def sentence(self, lang: str = "nb") -> str:
        """Plain language in hazard ratios (a log hazard ratio means nothing to most readers)."""
        base = super().sentence(lang)  # validates lang; reused for the closing clauses
        nb = lang == "nb"
        outcome = self.labels.outcome.get(lang) or self.outcome
        outcome = outcome[:1].upper() + outcome[1:]
        hr, (lo, hi) = self.hazard_ratio, self.hazard_ratio_ci
        if not np.isfinite(hr):
            return base

        def f(x: float) -> str:
            return format_number(x, 2, lang)

        change = abs(1 - hr) * 100
        more = hr > 1
        if nb:
            s = (
                f"{outcome}: hasardratio {f(hr)} (95 % intervall {f(lo)} til {f(hi)}), det vil si "
                f"{change:.0f} % {'høyere' if more else 'lavere'} rate i tiltaksgruppen enn i sammenligningsgruppen."
            )
        else:
            s = (
                f"{outcome}: hazard ratio {f(hr)} (95 % interval {f(lo)} to {f(hi)}), that is a "
                f"{change:.0f} % {'higher' if more else 'lower'} rate in the initiative group than in the comparison group."
            )
        if self.significant:
            s += (
                " Intervallet omfatter ikke 1 (ingen forskjell)."
                if nb
                else " The interval does not include 1 (no difference)."
            )
        else:
            s += (
                " Intervallet omfatter 1: dataene kan ikke skille dette fra ingen forskjell."
                if nb
                else " The interval includes 1: the data cannot tell this apart from no difference."
            )
            if self.mde is not None and np.isfinite(self.mde):
                m = float(np.exp(-abs(self.mde)))
                s += (
                    f" Med dette utvalget kunne bare hasardratioer under {f(m)} (eller over {f(1 / m)}) ha blitt oppdaget."
                    if nb
                    else f" With this sample only hazard ratios below {f(m)} (or above {f(1 / m)}) could have been detected."
                )
        s += self._assumption_warning(lang)
        return s

    def plot(
        self,
        ax: Any = None,
        *,
        min_at_risk: int = 5,
        lang: str = "en",
        group_names: Mapping[Any, str] | None = None,
    ) -> Any:
        """Kaplan–Meier step curves with pointwise intervals, one per group.

        Each curve stops where fewer than ``min_at_risk`` people (default 5, the report's
        small-cell limit) are still at risk: past that point every step is one or two identifiable
        people's event times, and the estimate is too uncertain to read anyway. A group smaller
        than ``min_at_risk`` (at its first event) is not drawn at all; its legend entry says so.
        Only an uncut curve is extended flat to the group's last follow-up time.

        The curves are unadjusted (Kaplan–Meier ignores covariates), so the title carries no
        hazard ratio — the adjusted one is in the summary — and a note under the axes says so.
        Groups are named by ``group_names`` (value -> name), else a 0/1 group reads
        "Sammenligning"/"Deltakere" ("comparison"/"treated"), else the group's value.
        """
        import matplotlib.pyplot as plt

        from fou_analysis.plotting import localise, outcome_label

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
        nb = lang == "nb"
        for i, (g, k) in enumerate(self.km.groupby("group", sort=False)):
            name = _group_name(g, group_names, lang)
            keep = k["at_risk"] >= min_at_risk  # at risk only falls with time: a prefix
            if not keep.any():
                note = (
                    f"færre enn {min_at_risk} i risiko: ikke tegnet"
                    if nb
                    else f"fewer than {min_at_risk} at risk: not drawn"
                )
                ax.plot([], [], color=f"C{i}", label=f"{name} ({note})")
                continue
            cut = not keep.all()
            k = k[keep]
            # extend an uncut curve flat to the group's last follow-up time (censored tail)
            end = k["time"].max()
            if not cut and "max_time" in self.medians:
                end = self.medians.loc[g, "max_time"]
            t = np.r_[0.0, k["time"].to_numpy(), max(end, k["time"].max())]
            s = np.r_[1.0, k["survival"].to_numpy(), k["survival"].iloc[-1]]
            lo = np.r_[1.0, k["ci_low"].to_numpy(), k["ci_low"].iloc[-1]]
            hi = np.r_[1.0, k["ci_high"].to_numpy(), k["ci_high"].iloc[-1]]
            ax.step(t, s, where="post", color=f"C{i}", label=name)
            ax.fill_between(t, lo, hi, step="post", color=f"C{i}", alpha=0.15, lw=0)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(outcome_label(self.labels, self.outcome, lang))
        ax.set_ylabel("andel uten hendelsen" if nb else "share without the event")
        ax.set_title("Kaplan–Meier")
        ax.annotate(
            "Kurvene er ujusterte (uten kovariater)." if nb else "Curves are unadjusted (no covariates).",
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -30),
            textcoords="offset points",
            fontsize="small",
            color="grey",
            va="top",
        )
        if len(self.km["group"].unique()) > 1:
            ax.legend(frameon=False)
        return localise(ax, lang)


def _group_name(value: Any, names: Mapping[Any, str] | None, lang: str) -> str:
    """A group's legend entry: the given name, comparison/treated for 0/1, else the value."""
    from fou_analysis.plotting import words

    if names and value in names:
        return str(names[value])
    if isinstance(value, bool | int | float | np.integer | np.floating) and value in (0, 1):
        return words("treated" if value == 1 else "comparison", lang)
    return "" if value is None else str(value)


def _km_frame(time: np.ndarray, event: np.ndarray, label: Any, level: float) -> tuple[pd.DataFrame, dict]:
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(time, event)
    s, se = sf.surv_prob, sf.surv_prob_se
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(-log) interval: exp(-exp(log(-log S) ± z se / (S |log S|)))
        ll = np.log(-np.log(s))
        half = z * se / (s * np.abs(np.log(s)))
        lo = np.exp(-np.exp(ll + half))
        hi = np.exp(-np.exp(ll - half))
    lo = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, lo))
    hi = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, hi))
    frame = pd.DataFrame(
        {
            "group": label,
            "time": sf.surv_times,
            "survival": s,
            "std_error": se,
            "ci_low": lo,
            "ci_high": hi,
            "at_risk": sf.n_risk,
            "events": sf.n_events,
        }
    )
    med = sf.quantile(0.5) if np.min(s) <= 0.5 else np.nan
    try:
        with warnings.catch_warnings():
            # statsmodels takes log(-log S) at S = 0 or 1 while searching the interval
            warnings.simplefilter("ignore", RuntimeWarning)
            mlo, mhi = sf.quantile_ci(0.5, alpha=1 - level)
    except (ValueError, IndexError):
        mlo, mhi = np.nan, np.nan
    return frame, {
        "group": label,
        "n": len(time),
        "events": int(event.sum()),
        "median": float(med),
        "ci_low": float(mlo) if np.isfinite(mlo) else np.nan,  # not reached: NaN, as R's NA
        "ci_high": float(mhi) if np.isfinite(mhi) else np.nan,
        "max_time": float(np.max(time)),
    }


def _ph_test(fit: Any, names: list[str], time: np.ndarray, event: np.ndarray) -> pd.DataFrame:
    """Correlation of Schoenfeld residuals with the rank of event time, per term."""
    res = np.asarray(fit.schoenfeld_residuals)
    ev = event == 1
    r = res[ev]
    ranks = stats.rankdata(time[ev])
    rows = []
    for j, name in enumerate(names):
        col = r[:, j]
        ok = np.isfinite(col)
        if ok.sum() < 3 or np.std(col[ok]) == 0:
            rows.append({"term": name, "correlation": np.nan, "p_value": np.nan})
            continue
        c, p = stats.pearsonr(ranks[ok], col[ok])
        rows.append({"term": name, "correlation": float(c), "p_value": float(p)})
    return pd.DataFrame(rows).set_index("term")


@aliases("survival")
def survival(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    treated: str | None = None,
    covariates: Sequence[str] | str = (),
    level: float = 0.95,
    ties: str = "efron",
) -> SurvivalResult:
    """Kaplan–Meier curves, log-rank test and a Cox model for the effect of ``group``.

    Parameters
    ----------
    data
        One row per person.
    duration
        Follow-up time (positive numbers).
    event
        1 if the event happened at ``duration``, 0 if the follow-up was censored.
    treated
        Two-valued column; the hazard ratio compares the second sorted value with the first.
        Without a group only the overall curve is estimated (``estimate`` is NaN).
        Older name ``group``: still accepted (no warning for now); giving both is a
        :class:`~fou_analysis.SpecificationError`.
    covariates
        Adjustment columns for the Cox model (names, or a patsy right-hand side).
    level
        Confidence level.
    ties
        ``"efron"`` (default, as R) or ``"breslow"`` (as older Stata / SAS defaults).

    Returns
    -------
    SurvivalResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat([0, 1], 100)
    >>> t = rng.exponential(1 / np.exp(0.7 * g))
    >>> d = pd.DataFrame({"t": np.minimum(t, 2), "e": (t < 2).astype(int), "g": g})
    >>> r = survival(d, duration="t", event="e", treated="g")
    >>> bool(0.3 < r.estimate < 1.1)
    True
    """
    group = treated  # the steps below keep the older name
    _check_arguments(data, duration, event, group, ties, level)
    sample = _complete_cases(data, duration, event, group, _covariate_frame(data, covariates))
    status, n = sample.status, len(sample.d)
    n_events = int(status.sum())
    curves = _curves(sample, group, level)
    g, levels = curves.g, curves.levels
    cox = _cox(sample, curves, group, ties, level)
    diags = diagnostics(ph=cox.ph, n_terms=len(cox.names), n_events=n_events, n=n, med_rows=curves.med_rows)
    mde = None
    if g is not None:
        mde = _design_mde(design="logrank", n=n_events, treated_share=float(g.mean()), alpha=1 - level)
    est, se, ci = cox.estimate, cox.se, cox.ci
    return SurvivalResult(
        method="cox_ph" if g is not None else "kaplan_meier",
        estimand=f"log hazard ratio, {group}={levels[1]} vs {levels[0]}"
        if g is not None
        else "survival curve",
        outcome=duration,
        estimate=float(est),
        se=float(se),
        ci=(float(ci[0]), float(ci[1])),
        p_value=normal_p(est, se) if g is not None else float("nan"),
        n=n,
        n_treated=int(g.sum()) if g is not None else None,
        n_control=int((1 - g).sum()) if g is not None else None,
        diagnostics=diags,
        notes=NOTES,
        table=cox.table,
        mde=mde,
        level=level,
        inference={"dist": "normal"},
        cov=cox.cov,
        # the estimate is a log hazard ratio: say so in the plain-language sentence
        labels=Labels(
            outcome={"en": f"log hazard of '{event}'", "nb": f"log-hasard for '{event}'"},
            decimals=2,
            higher_is_better=False,
        ),
        km=curves.km,
        medians=curves.medians,
        logrank=curves.logrank,
        hazard_ratio=float(np.exp(est)),
        hazard_ratio_ci=(float(np.exp(ci[0])), float(np.exp(ci[1]))),
        ph_test=cox.ph,
        events=n_events,
        censored_share=float(1 - n_events / n),
    )


# ----------------------------------------------------------------- steps of survival()
@dataclass(frozen=True)
class _Sample:
    """Complete cases: the rows used, their covariates, follow-up ``time`` and event ``status``."""

    d: pd.DataFrame
    xcov: pd.DataFrame
    time: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class _Curves:
    """Kaplan–Meier curves and medians (per group, or ``"all"``), the log-rank test, and the
    group indicator ``g`` (1 for the second sorted value; ``None`` without a group)."""

    km: pd.DataFrame
    medians: pd.DataFrame
    med_rows: list[dict[str, Any]]
    logrank: dict[str, Any]
    g: np.ndarray | None
    levels: list[Any]


@dataclass(frozen=True)
class _Cox:
    """The Cox model: tidy table, PH test, terms, covariance, and the group's log hazard ratio
    (NaN without a group, or without any term)."""

    table: pd.DataFrame
    ph: pd.DataFrame
    names: list[str]
    cov: pd.DataFrame | None
    estimate: float = float("nan")
    se: float = float("nan")
    ci: tuple[float, float] = (float("nan"), float("nan"))


def _check_arguments(
    data: Any, duration: str, event: str, group: str | None, ties: str, level: float
) -> None:
    """Refuse bad options and missing columns before any work."""
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame")
    for arg, col in (("duration", duration), ("event", event), ("treated", group)):
        if col is not None and col not in data.columns:
            raise SpecificationError(f"{arg}={col!r} is not a column of the data")
    check_option("survival", "ties", ties)
    if not (0 < level < 1):
        raise SpecificationError(f"level must lie strictly between 0 and 1, not {level!r}")


def _covariate_frame(data: pd.DataFrame, covariates: Sequence[str] | str) -> pd.DataFrame:
    """The covariates as numeric columns (dummies for text), no intercept; no columns if none."""
    has_cov = bool(covariates) if not isinstance(covariates, str) else bool(covariates.strip())
    if not has_cov:
        return pd.DataFrame(index=data.index)
    from fou_analysis.effects._weighting_core import _design

    return _design(data, covariates).drop(columns="Intercept", errors="ignore")


def _complete_cases(
    data: pd.DataFrame, duration: str, event: str, group: str | None, xcov: pd.DataFrame
) -> _Sample:
    """Rows with every needed value; positive durations and 0/1 events
    (:class:`~fou_analysis.DataError` naming the first bad row), and at least one event."""
    needed = [duration, event] + ([group] if group else [])
    keep = data[needed].notna().all(axis=1).to_numpy() & data.index.isin(xcov.index)
    d = data.loc[keep]
    xcov = xcov.loc[d.index]
    t = pd.to_numeric(d[duration], errors="coerce")
    bad = t.isna() | (t <= 0)
    if bad.any():
        i = int(data.index.get_loc(t.index[bad.to_numpy()][0]))
        raise DataError(
            f"duration must be a positive number, found {d[duration][bad].iloc[0]!r}",
            row=i + 2,
            column=duration,
        )
    ev = pd.to_numeric(
        d[event].astype(float) if pd.api.types.is_bool_dtype(d[event]) else d[event], errors="coerce"
    )
    bad = ~ev.isin([0, 1])
    if bad.any():
        i = int(data.index.get_loc(ev.index[bad.to_numpy()][0]))
        raise DataError(f"event must be coded 0/1, found {d[event][bad].iloc[0]!r}", row=i + 2, column=event)
    status = ev.to_numpy(dtype=float)
    if int(status.sum()) == 0:
        raise DataError("no events: survival cannot be compared", column=event)
    return _Sample(d=d, xcov=xcov, time=t.to_numpy(dtype=float), status=status)


def _curves(sample: _Sample, group: str | None, level: float) -> _Curves:
    """Kaplan–Meier per group and the log-rank test (one overall curve without a group)."""
    time, status = sample.time, sample.status
    km_parts, med_rows, logrank = [], [], {}
    g = None
    levels: list[Any] = []
    if group is not None:
        levels = sorted(sample.d[group].unique().tolist())
        if len(levels) != 2:
            raise SpecificationError(f"group={group!r} must have exactly two values, found {len(levels)}")
        g = (sample.d[group] == levels[1]).to_numpy(dtype=float)
        for lev, mask in ((levels[0], g == 0), (levels[1], g == 1)):
            f, m = _km_frame(time[mask], status[mask], lev, level)
            km_parts.append(f)
            med_rows.append(m)
        from statsmodels.duration.survfunc import survdiff

        chi2, p = survdiff(time, status, g)
        logrank = {"chi2": float(chi2), "df": 1, "p_value": float(p)}
    else:
        f, m = _km_frame(time, status, "all", level)
        km_parts.append(f)
        med_rows.append(m)
    return _Curves(
        km=pd.concat(km_parts, ignore_index=True),
        medians=pd.DataFrame(med_rows).set_index("group"),
        med_rows=med_rows,
        logrank=logrank,
        g=g,
        levels=levels,
    )


def _cox(sample: _Sample, curves: _Curves, group: str | None, ties: str, level: float) -> _Cox:
    """Cox model of the group indicator and the covariates (nothing to fit without either)."""
    exog_parts, names = [], []
    if curves.g is not None:
        exog_parts.append(curves.g[:, None])
        names.append(f"{group}[{curves.levels[1]}]")
    if sample.xcov.shape[1]:
        exog_parts.append(sample.xcov.to_numpy(dtype=float))
        names += list(sample.xcov.columns)
    if not exog_parts:
        return _Cox(
            table=tidy_frame([]), ph=pd.DataFrame(columns=["correlation", "p_value"]), names=names, cov=None
        )
    from statsmodels.duration.hazard_regression import PHReg

    time, status = sample.time, sample.status
    ev_times = time[status == 1]
    # Without tied event times the Efron and Breslow partial likelihoods are identical;
    # statsmodels' Breslow code is about twice as fast, which matters in simulations.
    use = "breslow" if len(np.unique(ev_times)) == len(ev_times) else ties
    fit = PHReg(time, np.hstack(exog_parts), status=status, ties=use).fit()
    params, bse = np.asarray(fit.params), np.asarray(fit.bse)
    z = stats.norm.ppf(0.5 + level / 2)
    out = _Cox(
        table=_cox_table(names, params, bse, z),
        ph=_ph_test(fit, names, time, status),
        names=names,
        cov=cov_frame(np.asarray(fit.cov_params()), names),
    )
    if curves.g is None:
        return out
    est, se = float(params[0]), float(bse[0])
    return replace(out, estimate=est, se=se, ci=(est - z * se, est + z * se))


def _cox_table(names: list[str], params: np.ndarray, bse: np.ndarray, z: float) -> pd.DataFrame:
    """Tidy rows per Cox term, with the hazard ratio and its interval."""
    rows = []
    for j, name in enumerate(names):
        lo, hi = params[j] - z * bse[j], params[j] + z * bse[j]
        rows.append(
            {
                "term": name,
                "estimate": params[j],
                "std_error": bse[j],
                "statistic": params[j] / bse[j],
                "p_value": normal_p(params[j], bse[j]),
                "ci_low": lo,
                "ci_high": hi,
                "hazard_ratio": np.exp(params[j]),
                "hr_ci_low": np.exp(lo),
                "hr_ci_high": np.exp(hi),
            }
        )
    return tidy_frame(rows)
