"""Event study: two-way fixed effects with relative-time (lead and lag) dummies.

Estimator
    ``y_it = α_i + λ_t + Σ_{k ≠ ref} β_k 1[t − G_i = k] + u_it`` for units first treated in
    period ``G_i`` (never-treated units have all dummies zero), with ``k`` from ``−leads`` to
    ``lags`` and ``ref`` (default −1) left out as the reference period. With ``binned=True`` the
    endpoints collect everything beyond them (``k ≤ −leads``, ``k ≥ lags``); with
    ``binned=False`` rows of treated units outside the window are dropped. Unit and time effects
    are absorbed exactly (``_fe.py``).

    ``estimate`` = the average of the post-treatment coefficients ``β_0 … β_lags`` (equal weights
    per event time), with its standard error from ``a'Va``. The per-period coefficients are in
    ``table``/``event_table``.

Standard errors
    As in :func:`fou_analysis.effects.did` (statsmodels conventions, K counting the absorbed
    dummies): ``classical | hc1 | cluster`` (default cluster by unit; t/F with G − 1 df).

Assumptions
    Parallel trends, no anticipation (beyond the reference period), SUTVA, and — because TWFE
    event-study coefficients mix cohorts — effects that do not differ between adoption cohorts
    (Sun & Abraham 2021); with several cohorts compare with ``staggered_did``.

Diagnostics
    ``pre_trend``: joint Wald test (F with q and df_inference degrees of freedom) that all lead
    coefficients are zero (p < 0.05 → fail, < 0.10 → warn); ``clusters`` / ``treated_clusters``
    as in ``did``; ``cohorts`` (several adoption cohorts → info pointing to staggered_did).

Published result reproduced
    None directly; the coefficients equal a statsmodels dummy-variable fit
    (``tests/effects/test_event_study.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects import _did_common as dc
from fou_analysis.effects._aliases import aliases
from fou_analysis.effects._covariates import expand_covariates
from fou_analysis.effects._fe import Absorber, ols_absorbed
from fou_analysis.effects._options import OPTIONS, allowed_text
from fou_analysis.effects._result import Diagnostic, EffectResult, cov_frame, tidy_frame
from fou_analysis.exceptions import DataError, SpecificationError


@dataclass(frozen=True, repr=False)
class EventStudyResult(EffectResult):
    """Result of :func:`event_study`.

    Extra attributes: ``event_table`` (tidy, one row per event time including the reference
    with estimate 0; columns ``event_time``, ``reference``, ``binned``), ``pretrend_test``
    (dict ``statistic``, ``df_num``, ``df_den``, ``p_value``), ``reference``, ``clusters``,
    ``treated_clusters``.
    """

    event_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    pretrend_test: dict[str, float] = field(default_factory=dict)
    reference: int = -1
    clusters: int | None = None
    treated_clusters: int | None = None

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Coefficients by event time with their intervals; the reference period is hollow."""
        from fou_analysis.formatting import format_number
        from fou_analysis.plotting import localise, new_axes, outcome_label, words

        ax = new_axes(ax, (6.5, 3.5))
        t = self.event_table
        k = self.labels.scale
        est = t[~t["reference"]]
        ax.errorbar(
            est["event_time"],
            est["estimate"] * k,
            yerr=[(est["estimate"] - est["ci_low"]) * k, (est["ci_high"] - est["estimate"]) * k],
            fmt="o",
            capsize=3,
            color="C0",
            label=f"{int(round(self.level * 100))} % {words('interval', lang)}",
        )
        ref = t[t["reference"]]
        ax.plot(
            ref["event_time"],
            [0] * len(ref),
            "o",
            mfc="white",
            color="C0",
            label=words("reference_period", lang),
        )
        ax.axhline(0, color="grey", lw=1)
        ax.axvline(-0.5, color="grey", lw=1, ls="--")
        ax.set_xlabel(words("periods_since_start", lang))
        ax.set_ylabel(outcome_label(self.labels, self.outcome, lang))
        p = self.pretrend_test.get("p_value", float("nan"))
        if lang == "nb":
            ax.set_title(
                f"Hendelsesstudie (test av ulik trend før oppstart: p = {format_number(p, 3, lang)})"
            )
        else:
            ax.set_title(f"Event study (pre-trend test p = {p:.3f})")
        ax.legend(frameon=False)
        return localise(ax, lang)


@aliases("event_study")
def event_study(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment_start: str,
    leads: int = 4,
    lags: int = 4,
    reference: int = -1,
    se: str = "cluster",
    cluster: str | None = None,
    binned: bool = True,
    level: float = 0.95,
    covariates: str | Sequence[str] = (),
) -> EventStudyResult:
    """TWFE event study with a joint pre-trend test.

    Parameters
    ----------
    data
        Panel, one row per unit and period.
    outcome, unit, time
        Columns; ``time`` must be numeric (year, month number, period index).
    treatment_start
        Column with the unit's first treated period (same scale as ``time``); 0 or missing
        means never treated.
        Older name ``first_treated``: still accepted (no warning for now); giving both is a
        :class:`~fou_analysis.SpecificationError`.
    leads, lags
        Event times from ``−leads`` to ``lags`` get their own coefficient.
    reference
        Event time left out (normalised to zero); default −1, the last period before the start.
    se
        ``"classical"``, ``"hc1"`` or ``"cluster"`` (default; clusters by ``unit`` unless
        ``cluster`` is given). For few clusters use ``did(se="wild")`` on the pooled effect.
    binned
        Bin the endpoints (``≤ −leads``, ``≥ lags``); otherwise drop treated rows outside.
    level
        Confidence level.
    covariates
        Time-varying controls added to the regression: column names (text columns become
        dummies) or a patsy right-hand side such as ``"age + C(sex)"``; a list and the same
        formula give the same estimate. Controls that are constant within a unit are absorbed
        by the unit effects.

    Returns
    -------
    EventStudyResult
        ``estimate`` is the mean of the post-period coefficients (event times 0 … lags).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"u": np.repeat(np.arange(30), 8), "t": np.tile(np.arange(8), 30)})
    >>> d["g"] = np.where(d.u < 10, 5, 0)
    >>> d["y"] = rng.normal(size=len(d)) + 1.0 * ((d.g > 0) & (d.t >= d.g))
    >>> res = event_study(d, outcome="y", unit="u", time="t", treatment_start="g", leads=3, lags=2)
    >>> res.event_table["event_time"].tolist()
    [-3, -2, -1, 0, 1, 2]
    """
    first_treated = treatment_start  # the body keeps the older name
    _check_arguments(se=se, leads=leads, lags=lags, reference=reference)
    data, covariates = expand_covariates(data, covariates)
    inp = _prepare(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        first_treated=first_treated,
        cluster=cluster,
        covariates=covariates,
        se=se,
    )
    win = _event_window(inp, leads=leads, lags=lags, binned=binned)
    des = _design(win, covariates, leads=leads, lags=lags, reference=reference, binned=binned)
    clus = win.df[inp.cl_col].to_numpy() if se == "cluster" else None
    fit = _fit(win, des, unit=unit, se=se, clus=clus)
    table = _event_table(fit, des, leads=leads, lags=lags, reference=reference, binned=binned, level=level)
    post_idx, est, se_val, ci, p = _pooled_effect(fit, des, level)
    lead_idx = [j for j, k in enumerate(des.times) if k < 0]
    pre = _joint_test(fit.coef[lead_idx], fit.vcov[np.ix_(lead_idx, lead_idx)], fit.df_inference)
    units = pd.Series(win.treated_unit).groupby(win.df[unit].to_numpy()).max()
    n_cl = n_tcl = None
    if clus is not None:
        n_cl, n_tcl = dc.cluster_counts(win.treated_unit, clus)
    diags = _diagnostics(pre, len(lead_idx), n_cl, n_tcl, se=se, all_treated=bool(units.all()), g=inp.g)
    notes = _notes(
        win,
        n_post=len(post_idx),
        missing=des.missing,
        dropped=inp.dropped,
        leads=leads,
        lags=lags,
        reference=reference,
        binned=binned,
    )
    return EventStudyResult(
        method="event_study",
        estimand="ATT (mean over post-treatment event times)",
        outcome=outcome,
        estimate=est,
        se=se_val,
        ci=(float(ci[0]), float(ci[1])),
        p_value=p,
        n=len(win.y),
        n_treated=int(units.sum()),
        n_control=int((~units.astype(bool)).sum()),
        diagnostics=tuple(diags),
        notes=tuple(notes),
        table=table,
        mde=dc.mde(se_val),
        level=level,
        inference={"dist": "t", "df": float(fit.df_inference)},
        cov=cov_frame(fit.vcov, des.names),
        event_table=table,
        pretrend_test=pre,
        reference=reference,
        clusters=n_cl,
        treated_clusters=n_tcl,
    )


@dataclass(frozen=True)
class _Inputs:
    """Complete rows of the columns used, as arrays; ``g`` is NaN for never-treated units."""

    df: pd.DataFrame
    dropped: int
    y: np.ndarray
    t: np.ndarray
    g: np.ndarray
    cl_col: str


@dataclass(frozen=True)
class _Window:
    """Rows inside the event window with their event time ``e`` (NaN for never-treated units)."""

    df: pd.DataFrame
    y: np.ndarray
    t: np.ndarray
    e: np.ndarray
    treated_unit: np.ndarray
    outside: np.ndarray


@dataclass(frozen=True)
class _Design:
    """Regressors: one dummy per event time present (``times``), then the covariates."""

    x: np.ndarray
    names: list[str]
    times: list[int]
    missing: list[int]


def _check_arguments(*, se: str, leads: int, lags: int, reference: int) -> None:
    """Refuse an unknown ``se`` and an impossible event window."""
    if se not in OPTIONS["event_study"]["se"]:
        raise SpecificationError(
            f"se must be {allowed_text(OPTIONS['event_study']['se'])}, not {se!r}"
            " (for the wild bootstrap use did(se='wild'))"
        )
    if leads < 1 or lags < 0 or not (-leads <= reference <= lags) or reference >= 0:
        raise SpecificationError(
            f"need leads >= 1, lags >= 0 and -leads <= reference < 0 (got {leads}, {lags}, {reference})"
        )


def _prepare(data, *, outcome, unit, time, first_treated, cluster, covariates, se) -> _Inputs:
    """Check the columns, keep complete rows (the first treated period may be missing: never treated)."""
    dc.check_columns(
        data,
        [outcome, unit, time, first_treated, cluster, *covariates],
        ["outcome", "unit", "time", "first_treated", "cluster"] + ["covariates"] * len(covariates),
    )
    cl_col = cluster if cluster is not None else unit
    cols = [outcome, unit, time] + ([cl_col] if se == "cluster" else []) + covariates
    df, dropped = dc.complete_rows(data, cols, carry=[first_treated])
    y = dc.numeric(df, outcome)
    t = dc.numeric(df, time)
    g = dc.numeric(df, first_treated)
    g = np.where(np.isnan(g) | (g == 0), np.nan, g)
    per_unit = pd.Series(g).groupby(df[unit].to_numpy()).nunique(dropna=False)
    if (per_unit > 1).any():
        raise DataError(
            f"must be constant within a unit (unit {per_unit.index[np.argmax(per_unit.to_numpy() > 1)]!r} has "
            "several values)",
            column=first_treated,
        )
    return _Inputs(df=df, dropped=dropped, y=y, t=t, g=g, cl_col=cl_col)


def _event_window(inp: _Inputs, *, leads: int, lags: int, binned: bool) -> _Window:
    """Event time of each row: binned at the endpoints, or treated rows outside the window dropped."""
    df, y, t = inp.df, inp.y, inp.t
    treated_unit = ~np.isnan(inp.g)
    e = np.where(treated_unit, t - inp.g, np.nan)
    if binned:
        e = np.where(treated_unit, np.clip(e, -leads, lags), np.nan)
        outside = np.zeros(len(y), bool)
    else:
        outside = treated_unit & ((e < -leads) | (e > lags))
    if outside.any():
        df, y, t, e, treated_unit = (
            df.loc[~outside].reset_index(drop=True),
            y[~outside],
            t[~outside],
            e[~outside],
            treated_unit[~outside],
        )
    return _Window(df=df, y=y, t=t, e=e, treated_unit=treated_unit, outside=outside)


def _design(win: _Window, covariates, *, leads: int, lags: int, reference: int, binned: bool) -> _Design:
    """Event-time dummies (those with observations) followed by the covariates."""
    times = [k for k in range(-leads, lags + 1) if k != reference]
    x = np.column_stack([(win.e == k).astype(float) for k in times])
    present = x.sum(axis=0) > 0
    missing = [k for k, p in zip(times, present, strict=True) if not p]
    times = [k for k, p in zip(times, present, strict=True) if p]
    x = x[:, present]
    names = [_term(k, leads, lags, binned) for k in times]
    if covariates:  # after the event-time dummies, so their positions (j) are unchanged
        x = np.column_stack([x, *[dc.numeric(win.df, c) for c in covariates]])
        names = [*names, *covariates]
    return _Design(x=x, names=names, times=times, missing=missing)


def _fit(win: _Window, des: _Design, *, unit: str, se: str, clus: np.ndarray | None):
    """OLS with unit and time effects absorbed; collinear dummies explained."""
    try:
        return ols_absorbed(
            win.y, des.x, des.names, Absorber([win.df[unit].to_numpy(), win.t]), se=se, cluster=clus
        )
    except SpecificationError:
        raise SpecificationError(
            "the event-time dummies are collinear with the unit and time effects — typically because "
            "there are no never-treated units; use staggered_did(control='notyet') instead"
        ) from None


def _event_table(fit, des: _Design, *, leads: int, lags: int, reference: int, binned: bool, level: float):
    """One row per event time: the reference with estimate 0, the others with their t-interval."""
    rows = []
    for k in range(-leads, lags + 1):
        if k == reference:
            rows.append(
                {"term": _term(k, leads, lags, binned), "estimate": 0.0, "event_time": k, "reference": True}
            )
            continue
        if k not in des.times:
            continue
        j = des.times.index(k)
        b, s = float(fit.coef[j]), float(fit.se[j])
        ci, p = dc.t_inference(b, s, fit.df_inference, level)
        rows.append(
            {
                "term": des.names[j],
                "estimate": b,
                "std_error": s,
                "statistic": b / s,
                "p_value": p,
                "ci_low": ci[0],
                "ci_high": ci[1],
                "event_time": k,
                "reference": False,
            }
        )
    table = tidy_frame(rows)
    table["binned"] = binned & ((table["event_time"] == -leads) | (table["event_time"] == lags))
    return table


def _pooled_effect(fit, des: _Design, level: float):
    """Mean of the post-treatment coefficients with se ``sqrt(a'Va)``: (post indices, est, se, ci, p)."""
    post_idx = [j for j, k in enumerate(des.times) if k >= 0]
    if not post_idx:
        raise SpecificationError("no post-treatment event times in the data")
    a = np.zeros(len(fit.coef))  # covariates, if any, get weight 0
    a[post_idx] = 1.0 / len(post_idx)
    est = float(a @ fit.coef)
    se_val = float(np.sqrt(a @ fit.vcov @ a))
    ci, p = dc.t_inference(est, se_val, fit.df_inference, level)
    return post_idx, est, se_val, ci, p


def _diagnostics(pre, n_leads, n_cl, n_tcl, *, se, all_treated: bool, g: np.ndarray) -> list[Diagnostic]:
    """Joint pre-trend test, clusters, never-treated units and adoption cohorts."""
    diags = []
    if n_leads:
        en, nb = dc.pretrend_text(
            pre["p_value"], f"Joint F-test that all {n_leads} lead coefficients are zero"
        )
        diags.append(Diagnostic("pre_trend", pre["p_value"], dc.pretrend_verdict(pre["p_value"]), en, nb))
    else:
        diags.append(
            Diagnostic(
                "pre_trend",
                None,
                "info",
                "No lead coefficients: pre-trends not testable.",
                "Ingen perioder før tiltaket: trender kan ikke testes.",
            )
        )
    diags += dc.cluster_diagnostics(n_cl, n_tcl, se)
    if all_treated:
        diags.append(
            Diagnostic(
                "never_treated",
                0,
                "warn",
                "No never-treated units: the coefficients are identified only by comparing cohorts and by "
                "the binned endpoints (Borusyak, Jaravel & Spiess 2024); use staggered_did(control='notyet').",
                "Ingen enheter uten tiltaket: koeffisientene identifiseres bare ved å sammenligne kohorter; "
                "bruk staggered_did(control='notyet').",
            )
        )
    cohorts = np.unique(g[~np.isnan(g)]) if np.any(~np.isnan(g)) else np.array([])
    if cohorts.size > 1:
        diags.append(
            Diagnostic(
                "cohorts",
                int(cohorts.size),
                "info",
                f"{cohorts.size} adoption cohorts: TWFE event-study coefficients can mix effects of other event "
                "times when effects differ between cohorts (Sun & Abraham 2021); compare with staggered_did.",
                f"{cohorts.size} kohorter: koeffisientene kan blande effekter fra ulike kohorter "
                "(Sun & Abraham 2021); sammenlign med forskjell-i-forskjeller med trinnvis oppstart.",
            )
        )
    return diags


def _notes(win: _Window, *, n_post, missing, dropped, leads, lags, reference, binned) -> list[str]:
    """Assumptions, what ``estimate`` averages, and what was binned or left out."""
    notes = [
        dc.NOTE_PARALLEL,
        "No anticipation: the outcome did not react before the reference period.",
        dc.NOTE_SUTVA,
        "Effects do not differ between adoption cohorts (else the event-time coefficients mix cohorts).",
        f"estimate = mean of the {n_post} post-treatment coefficients (event times 0 to {lags}"
        + (", the last binned" if binned else "")
        + f"), relative to event time {reference}.",
        dc.NOTE_MDE,
    ]
    if binned:
        notes.append(f"Endpoints binned: event time {-leads} collects all earlier, {lags} all later periods.")
    if win.outside.any():
        notes.append(f"{int(win.outside.sum())} rows of treated units outside the event window were dropped.")
    if missing:
        notes.append(f"No observations at event times {missing}: no coefficient.")
    if dropped:
        notes.append(f"{dropped} rows with missing values were left out.")
    return notes


def _term(k: int, leads: int, lags: int, binned: bool) -> str:
    if binned and k == -leads:
        return f"event_le{k}"
    if binned and k == lags:
        return f"event_ge{k}"
    return f"event_{k}"


def _joint_test(b: np.ndarray, v: np.ndarray, df_den: float) -> dict[str, float]:
    q = len(b)
    if q == 0:
        return {"statistic": float("nan"), "df_num": 0, "df_den": float(df_den), "p_value": float("nan")}
    w = float(b @ np.linalg.pinv(v) @ b) / q
    return {"statistic": w, "df_num": q, "df_den": float(df_den), "p_value": float(stats.f.sf(w, q, df_den))}
