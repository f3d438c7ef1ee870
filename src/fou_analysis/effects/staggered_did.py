"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) group-time ATTs.

Estimator
    For each adoption cohort ``g`` (units first treated in period ``g``) and period ``t`` the
    unconditional 2×2 DiD on a balanced panel
    ``ATT(g,t) = E[Y_t − Y_b | G = g] − E[Y_t − Y_b | C]`` with the long difference from the base
    period ``b = g − 1 − anticipation`` for ``t ≥ g − anticipation``, and ``b = t − 1`` (the
    previous period: "varying" base, as the R package ``did``) for the pre-periods, whose
    ATT(g,t) are placebos. Controls ``C``: never-treated units (``control="never"``), or
    never-treated plus not-yet-treated units with ``G > max(t, b) + anticipation``, ``G ≠ g``
    (``control="notyet"``).

    Aggregations: *simple* ``θ = Σ w_gt ATT(g,t)`` over post cells (``t ≥ g``) with
    ``w_gt ∝ P(G = g)`` (cohort size) — this is ``estimate``; *dynamic* ``θ(e)``: cohort-size
    weighted mean of ``ATT(g, g+e)`` for each event time ``e``.

Standard errors
    Analytic, from the influence functions: for unit ``i``,
    ``ψ_i = n/n_g (ΔY_i − mean_g) · 1[G_i=g] − n/n_C (ΔY_i − mean_C) · 1[i∈C]`` and
    ``se = sqrt(Σψ²)/n`` (clustered by unit). Aggregated IFs add the term for the estimated
    cohort-size weights (as ``did::aggte``). The R package reports multiplier-bootstrap SEs by
    default; the analytic ones agree up to bootstrap noise. ``reps``/``seed`` drive a
    multiplier bootstrap (Rademacher) of the IFs for a *uniform* (sup-t) band on the dynamic
    aggregation (columns ``cband_low``, ``cband_high``).

Covariates
    ``covariates`` (a list of columns or a formula, as in the other designs): conditional
    parallel trends. Each ATT(g,t) is then the doubly robust DiD of Sant'Anna & Zhao (2020,
    *Journal of Econometrics* 219(1), 101–122, eq. 3.1) on the cohort and its controls, with the
    covariates' values in the cell's base period ``b`` (so time-varying covariates enter before
    treatment): a logit propensity score of being in the cohort and a linear regression of
    ``Y_t − Y_b`` on the covariates among the controls; consistent if either model is right
    (Callaway & Sant'Anna 2021, their doubly robust estimand; R ``did``'s ``est_method = "dr"``).
    Propensity scores are capped at ``1 − 1e-6`` and controls with a score ≥ 0.995 are left out,
    as in R's ``DRDID::drdid_panel`` (``trim.level``). The cell's
    influence function includes the estimation of both models, so the aggregations, SEs,
    uniform band and pre-trend test below use it unchanged (:mod:`._staggered_dr`). Without
    covariates nothing changes: the unconditional estimator, bit for bit.
    Extra assumption: **overlap** — every cohort has comparable controls (propensity scores
    bounded away from 1); diagnostic ``overlap`` (range of the propensity scores over the cells;
    warns above 0.99 or on trimming, fails at a score of 1 or a non-converged logit).

Assumptions
    Parallel trends (for the chosen control group; with covariates conditional on them, plus
    overlap), no anticipation beyond ``anticipation`` periods, irreversible treatment (once
    treated, always treated; checked when ``treated`` is given), SUTVA.

Diagnostics
    ``pre_trend``: Wald test (χ² with the IF covariance) that all pre-period placebo ATT(g,t) are
    zero; ``never_treated`` (count), ``cohorts`` (groups, and cells without controls);
    ``dropped_units`` for units not observed in every period or treated in the first period;
    ``overlap`` with covariates.

Cross-checks
    ATT(g,t) and SEs equal the ``differences`` package (``ATTgt``, analytic SEs) on simulated
    panels (``tests/effects/test_staggered_did.py``), with covariates against its doubly robust
    ``est_method="dr-mle"`` (ATT(g,t) to 1e-10, SEs to 1e-6 relative: the package's logit
    covariance comes from the last IRLS step). Once, outside the test suite (``csdid`` 0.4.3 in
    a throwaway environment; not a dependency): ATT(g,t), SEs and the simple ATT equal to 1e-15
    with and without covariates, never- and not-yet-treated controls (where a covariate
    separates a cohort, csdid returns no ATT(g,t) and the ``overlap`` check here fails). The
    ``mpdta`` data of the R package (simple ATT −0.0400, se 0.0118) are not available offline,
    so that number is not reproduced here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects import _did_common as dc
from fou_analysis.effects import _staggered_agg as agg
from fou_analysis.effects._aliases import aliases
from fou_analysis.effects._covariates import Covariates, expand_covariates
from fou_analysis.effects._options import check_option
from fou_analysis.effects._result import EffectResult, normal_ci, normal_p, tidy_frame
from fou_analysis.effects._staggered_dr import DRCell, dr_att
from fou_analysis.exceptions import DataError, SpecificationError

#: The assumption and method notes with covariates (fixed texts, so that ``effects._checks`` has
#: them in Norwegian); the first replaces the unconditional parallel-trends note.
COVARIATE_NOTES = (
    "Conditional parallel trends: among units with the same covariate values in the base period, "
    "each cohort's outcome would without the initiative have changed like that of its comparison units.",
    "Overlap: every cohort has comparison units with similar covariates (propensity scores clearly "
    "below 1); see the overlap check.",
    "Each ATT(g,t) is doubly robust (Sant'Anna & Zhao 2020): a logit propensity score and a linear "
    "regression of the outcome change on the covariates in the base period; consistent if either "
    "model is right.",
)


@dataclass(frozen=True, repr=False)
class StaggeredResult(EffectResult):
    """Result of :func:`staggered_did`.

    Extra attributes: ``group_time`` (tidy, one row per ATT(g,t) with ``group``, ``time``,
    ``base_period``, ``event_time``, ``post``, ``n_group``, ``n_controls``), ``dynamic`` (tidy per
    event time with uniform band ``cband_low``/``cband_high``), ``pretrend_test`` (dict
    ``statistic``, ``df``, ``p_value``), ``control``, ``critical_value`` (sup-t), ``covariates``
    (the expanded covariate columns; empty for the unconditional estimator).
    """

    group_time: pd.DataFrame = field(default_factory=pd.DataFrame)
    dynamic: pd.DataFrame = field(default_factory=pd.DataFrame)
    pretrend_test: dict[str, float] = field(default_factory=dict)
    control: str = "never"
    critical_value: float = float("nan")
    covariates: tuple[str, ...] = ()

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Dynamic aggregation: θ(e) by event time, pointwise intervals and the uniform band."""
        from fou_analysis.formatting import format_number
        from fou_analysis.plotting import localise, new_axes, outcome_label, words

        ax = new_axes(ax, (6.5, 3.5))
        nb = lang == "nb"
        d = self.dynamic
        k = self.labels.scale
        pre = d["event_time"] < 0
        for mask, colour, label in (
            (pre, "C0", "før" if nb else "before"),
            (~pre, "C1", "etter" if nb else "after"),
        ):
            s = d[mask]
            ax.errorbar(
                s["event_time"],
                s["estimate"] * k,
                yerr=[(s["estimate"] - s["ci_low"]) * k, (s["ci_high"] - s["estimate"]) * k],
                fmt="o",
                capsize=3,
                color=colour,
                label=label,
            )
        ax.fill_between(
            d["event_time"],
            d["cband_low"] * k,
            d["cband_high"] * k,
            color="grey",
            alpha=0.15,
            label=words("uniform_band", lang),
        )
        ax.axhline(0, color="grey", lw=1)
        ax.axvline(-0.5, color="grey", lw=1, ls="--")
        ax.set_xlabel(words("periods_since_start", lang))
        ax.set_ylabel(outcome_label(self.labels, self.outcome, lang))
        if nb:
            ctrl = "aldri behandlede" if self.control == "never" else "ennå ikke behandlede"
            est = format_number(self.estimate * k, self.labels.decimals, lang)
            ax.set_title(f"Callaway & Sant'Anna, {ctrl} som sammenligning: ATT = {est}")
        else:
            ax.set_title(f"Callaway & Sant'Anna, {self.control} controls: ATT = {self.estimate * k:.3g}")
        ax.legend(frameon=False)
        return localise(ax, lang)


@aliases("staggered_did")
def staggered_did(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment_start: str,
    treated: str | None = None,
    control: str = "never",
    covariates: Covariates | None = (),
    anticipation: int = 0,
    pretrend_window: int = 8,
    reps: int = 999,
    seed: int = 0,
    level: float = 0.95,
) -> StaggeredResult:
    """Callaway & Sant'Anna (2021) DiD for staggered adoption, optionally conditional on covariates.

    Parameters
    ----------
    data
        Panel, one row per unit and period.
    outcome, unit, time
        Columns; ``time`` numeric with evenly spaced periods.
    treatment_start
        First treated period per unit (same scale as ``time``); 0 or missing = never treated.
        Units first treated after the last period count as never treated.
        Older name ``first_treated``: still accepted (no warning for now); giving both is a
        :class:`~fou_analysis.SpecificationError`.
    treated
        Optional 0/1 column with the treatment in each period. When given, it is checked to be
        absorbing (once 1, 1 in every later period of the unit) and to start in the period
        ``first_treated`` names; a unit whose treatment switches off again (e.g. a one-year
        grant) is a :class:`SpecificationError`, because ``first_treated`` describes such a unit
        as treated ever after.
    control
        ``"never"`` or ``"notyet"``.
    covariates
        Column names or a formula right-hand side (``"age + C(region)"``), as in the other
        designs. When given, each ATT(g,t) is the doubly robust estimator of Sant'Anna & Zhao
        (2020) with the covariates' values in the cell's base period (parallel trends
        conditional on them; see *Covariates* in the module docstring). Rows missing a
        covariate are left out like rows missing the outcome. None/empty: the unconditional
        estimator, exactly as without the argument.
    anticipation
        Periods before ``first_treated`` in which units may already react.
    pretrend_window
        Joint Wald test (influence-function covariance) of the pre-period placebo effects: over
        every pre-period ATT(g,t) when there are at most min(24, n/20) of them; otherwise over
        the dynamic (event-time) effects of this many periods before the start, because a Wald
        test over hundreds of cells has a near-singular covariance and rejects regardless.
    reps, seed
        Multiplier-bootstrap draws and seed for the uniform band of the dynamic aggregation.
    level
        Confidence level.

    Returns
    -------
    StaggeredResult
        ``estimate``: simple aggregation (cohort-size weighted mean of post-period ATT(g,t)).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"u": np.repeat(np.arange(60), 6), "t": np.tile(np.arange(1, 7), 60)})
    >>> d["g"] = np.select([d.u < 20, d.u < 40], [3, 5], 0)
    >>> d["y"] = rng.normal(size=len(d)) + 2.0 * ((d.g > 0) & (d.t >= d.g))
    >>> res = staggered_did(d, outcome="y", unit="u", time="t", treatment_start="g")
    >>> bool(abs(res.estimate - 2.0) < 0.6)
    True
    """
    first_treated = treatment_start  # the body keeps the older name
    check_option("staggered_did", "control", control)
    if anticipation < 0:
        raise SpecificationError("anticipation must be >= 0")
    dc.check_columns(data, [outcome, unit, time, first_treated], ["outcome", "unit", "time", "first_treated"])
    data, xnames = expand_covariates(data, covariates)
    if treated is not None:
        _check_absorbing(data, unit, time, first_treated, treated)
    panel = _balanced_panel(
        data, outcome, unit, time, first_treated=first_treated, xnames=xnames, anticipation=anticipation
    )
    g, n = panel.g, panel.y.shape[0]
    never = ~np.isfinite(g)
    if control == "never" and never.sum() == 0:
        raise SpecificationError("no never-treated units: use control='notyet'")
    groups = np.unique(g[np.isfinite(g)])
    if groups.size == 0:
        raise SpecificationError("no treated cohorts with a pre-period in the data")
    gt, psi_gt, no_control, dr_cells = _group_time(panel, groups, control, anticipation)
    post = gt["post"].to_numpy()
    if not post.any():
        raise SpecificationError("no post-treatment periods in the data")
    est, psi_simple = agg.aggregate(gt, psi_gt, post, g)  # simple aggregation
    se_val = float(np.sqrt((psi_simple**2).sum()) / n)
    ci, p = normal_ci(est, se_val, level), normal_p(est, se_val)
    dyn, dyn_psi, crit = _dynamic(gt, psi_gt, g, n, reps=reps, seed=seed, level=level)
    pre_test = _pretrend_test(
        gt, psi_gt, dyn, dyn_psi, anticipation=anticipation, pretrend_window=pretrend_window, n=n
    )
    diags = agg.diagnostics(pre_test, int(never.sum()), groups, no_control, control, panel.n_dropped)
    if dr_cells:
        diags.append(agg.overlap_diagnostic(dr_cells))
    dyn_t = tidy_frame(dyn)
    return StaggeredResult(
        method="staggered_did",
        estimand="ATT (simple aggregation of ATT(g,t))",
        outcome=outcome,
        estimate=float(est),
        se=se_val,
        ci=(float(ci[0]), float(ci[1])),
        p_value=p,
        n=int(panel.y.size),
        n_treated=int(np.isfinite(g).sum()),
        n_control=int(never.sum()),
        diagnostics=tuple(diags),
        notes=tuple(_notes(control, anticipation, xnames, panel.notes)),
        table=dyn_t,
        mde=dc.mde(se_val),
        level=level,
        inference={"dist": "normal"},
        group_time=_group_time_table(gt, level),
        dynamic=dyn_t,
        pretrend_test=pre_test,
        control=control,
        critical_value=crit,
        covariates=tuple(xnames),
    )


@dataclass(frozen=True)
class _Panel:
    """Balanced wide panel: outcome ``y`` and covariates ``x`` (units × periods [× k]), cohorts ``g``."""

    y: np.ndarray
    x: np.ndarray | None
    g: np.ndarray
    periods: np.ndarray
    notes: list[str]
    n_dropped: int


def _balanced_panel(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    *,
    first_treated: str,
    xnames: list[str],
    anticipation: int,
) -> _Panel:
    """Complete rows, one cohort per unit, units seen in every period and not treated from the start."""
    notes: list[str] = []
    # dict.fromkeys: a covariate may also be the outcome (its base-period value) or another column
    sub = data[list(dict.fromkeys([outcome, unit, time, first_treated, *xnames]))]
    ok = sub[list(dict.fromkeys([outcome, unit, time, *xnames]))].notna().all(axis=1).to_numpy()
    df = sub.loc[ok].reset_index(drop=True)
    if (~ok).any():
        what = "an outcome, unit, time or covariate" if xnames else "outcome, unit or time"
        notes.append(f"{int((~ok).sum())} rows with a missing {what} were left out.")
    tnum = dc.numeric(df, time)
    gnum = dc.numeric(df, first_treated)
    gnum = np.where(np.isnan(gnum) | (gnum == 0), np.inf, gnum)
    xcols = {f"x{i}": dc.numeric(df, c) for i, c in enumerate(xnames)}
    df = pd.DataFrame({"u": df[unit].to_numpy(), "t": tnum, "g": gnum, "y": dc.numeric(df, outcome), **xcols})
    if df.duplicated(["u", "t"]).any():
        raise DataError("several rows for the same unit and period", column=time)
    g_unit = df.groupby("u")["g"].agg(["min", "max"])
    if (g_unit["min"] != g_unit["max"]).any():
        raise DataError("must be constant within a unit", column=first_treated)
    wide = df.pivot(index="u", columns="t", values="y")
    periods = wide.columns.to_numpy(dtype=float)
    complete = wide.notna().all(axis=1)
    n_incomplete = int((~complete).sum())
    wide = wide.loc[complete]
    g = g_unit["min"].reindex(wide.index).to_numpy()
    g = np.where(g > periods.max(), np.inf, g)
    early = np.isfinite(g) & (g - anticipation <= periods.min())
    n_early = int(early.sum())
    wide, g = wide.loc[~early], g[~early]
    if n_incomplete:
        notes.append(f"{n_incomplete} units not observed in every period were dropped (balanced panel).")
    if n_early:
        notes.append(f"{n_early} units treated in the first period were dropped (no pre-period).")
    x = None
    if xnames:
        x = np.stack(
            [df.pivot(index="u", columns="t", values=c).loc[wide.index].to_numpy(float) for c in xcols],
            axis=2,
        )
    return _Panel(wide.to_numpy(dtype=float), x, g, periods, notes, n_incomplete + n_early)


def _group_time(
    panel: _Panel, groups: np.ndarray, control: str, anticipation: int
) -> tuple[pd.DataFrame, np.ndarray, int, list[DRCell]]:
    """Every ATT(g,t) with its influence function (units × cells); cells without controls are counted."""
    ymat, g, periods = panel.y, panel.g, panel.periods
    n = ymat.shape[0]
    never = ~np.isfinite(g)
    pos = {float(p): i for i, p in enumerate(periods)}
    cells, infl, dr_cells = [], [], []
    no_control = 0
    for gg in groups:
        in_g = g == gg
        start = gg - anticipation
        base_post = periods[periods < start].max()
        for j, t in enumerate(periods):
            if t >= start:
                b = base_post
            elif j == 0:
                continue
            else:
                b = periods[j - 1]
            if control == "never":
                ctrl = never
            else:
                ctrl = (never | (g > max(t, b) + anticipation)) & ~in_g
            if ctrl.sum() == 0:
                no_control += 1
                continue
            delta = ymat[:, pos[float(t)]] - ymat[:, pos[float(b)]]
            if panel.x is None:
                att, psi = _unconditional_cell(delta, in_g, ctrl, n)
            else:
                att, psi, cell = _dr_cell(delta, panel.x[:, pos[float(b)], :], in_g, ctrl, n)
                if not np.isfinite(att):
                    raise SpecificationError(
                        f"ATT({gg:g},{t:g}): the propensity score cannot be estimated (the covariates "
                        "separate the cohort from its controls or do not vary); use fewer or coarser covariates"
                    )
                dr_cells.append(cell)
            cells.append(
                {
                    "group": gg,
                    "time": t,
                    "base_period": b,
                    "event_time": t - gg,
                    "post": t >= gg,
                    "estimate": att,
                    "n_group": int(in_g.sum()),
                    "n_controls": int(ctrl.sum()),
                }
            )
            infl.append(psi)
    if not cells:
        raise SpecificationError("no group-time cell has a control group")
    gt = pd.DataFrame(cells)
    psi_gt = np.column_stack(infl)  # n × cells
    gt["std_error"] = np.sqrt((psi_gt**2).sum(axis=0)) / n
    pg = {gg: float(np.mean(g == gg)) for gg in groups}
    gt["pg"] = gt["group"].map(pg)
    return gt, psi_gt, no_control, dr_cells


def _unconditional_cell(
    delta: np.ndarray, in_g: np.ndarray, ctrl: np.ndarray, n: int
) -> tuple[float, np.ndarray]:
    """2×2 DiD of the long differences, cohort minus controls, and its influence function."""
    mg, mc = delta[in_g].mean(), delta[ctrl].mean()
    psi = np.zeros(n)
    psi[in_g] = n / in_g.sum() * (delta[in_g] - mg)
    psi[ctrl] -= n / ctrl.sum() * (delta[ctrl] - mc)
    return mg - mc, psi


def _dr_cell(
    delta: np.ndarray, x_base: np.ndarray, in_g: np.ndarray, ctrl: np.ndarray, n: int
) -> tuple[float, np.ndarray, DRCell]:
    """Doubly robust ATT(g,t) on the cohort and its controls, influence function on all ``n`` units."""
    sample = in_g | ctrl
    x = np.column_stack([np.ones(int(sample.sum())), x_base[sample]])
    cell = dr_att(delta[sample], x, in_g[sample].astype(float))
    psi = np.zeros(n)
    psi[sample] = n / sample.sum() * cell.influence
    return cell.att, psi, cell


def _dynamic(
    gt: pd.DataFrame, psi_gt: np.ndarray, g: np.ndarray, n: int, *, reps: int, seed: int, level: float
) -> tuple[pd.DataFrame, np.ndarray, float]:
    """Event-time aggregation θ(e) with pointwise intervals and the sup-t uniform band."""
    dyn_rows, dyn_psi = [], []
    for e in np.sort(gt["event_time"].unique()):
        th, ps = agg.aggregate(gt, psi_gt, gt["event_time"].to_numpy() == e, g)
        dyn_rows.append(
            {
                "term": f"event_{e:g}",
                "event_time": e,
                "estimate": th,
                "std_error": float(np.sqrt((ps**2).sum()) / n),
            }
        )
        dyn_psi.append(ps)
    dyn = pd.DataFrame(dyn_rows)
    psi = np.column_stack(dyn_psi)
    crit = agg.sup_t(psi, dyn["std_error"].to_numpy(), n, reps, seed, level)
    z = stats.norm.ppf(0.5 + level / 2)
    dyn["statistic"] = dyn["estimate"] / dyn["std_error"]
    dyn["p_value"] = 2 * stats.norm.sf(np.abs(dyn["statistic"]))
    dyn["ci_low"], dyn["ci_high"] = (
        dyn["estimate"] - z * dyn["std_error"],
        dyn["estimate"] + z * dyn["std_error"],
    )
    dyn["cband_low"] = dyn["estimate"] - crit * dyn["std_error"]
    dyn["cband_high"] = dyn["estimate"] + crit * dyn["std_error"]
    return dyn, psi, crit


def _group_time_table(gt: pd.DataFrame, level: float) -> pd.DataFrame:
    """The tidy ATT(g,t) table with normal intervals."""
    z = stats.norm.ppf(0.5 + level / 2)
    gt = gt.copy()
    gt["term"] = [f"ATT({a:g},{b:g})" for a, b in zip(gt["group"], gt["time"], strict=True)]
    gt["statistic"] = gt["estimate"] / gt["std_error"]
    gt["p_value"] = 2 * stats.norm.sf(np.abs(gt["statistic"]))
    gt["ci_low"], gt["ci_high"] = gt["estimate"] - z * gt["std_error"], gt["estimate"] + z * gt["std_error"]
    return tidy_frame(gt.drop(columns=["pg"]))


def _pretrend_test(
    gt: pd.DataFrame,
    psi_gt: np.ndarray,
    dyn: pd.DataFrame,
    dyn_psi: np.ndarray,
    *,
    anticipation: int,
    pretrend_window: int,
    n: int,
) -> dict[str, Any]:
    """Wald test that the pre-period placebo effects are zero (cells, or event times when many).

    With many pre-period ATT(g,t) (monthly data) the test uses the dynamic aggregation's event
    times (the last ``pretrend_window`` before the start): with monthly data there are hundreds
    of those cells, their influence-function covariance is near-singular, and a Wald test over
    them rejects whatever the truth (seen: chi2 = 5e12 on 385 cells where the data-generating
    process had exactly parallel trends). The cell-level test is kept where it is
    well-conditioned (few cells relative to units).
    """
    pre_cells = (gt["time"] < gt["group"] - anticipation).to_numpy()
    if pre_cells.sum() <= min(24, n // 20):
        pre_test = agg.wald(gt["estimate"].to_numpy()[pre_cells], psi_gt[:, pre_cells], n)
        pre_test["scope"] = "cells"
    else:
        et = dyn["event_time"].to_numpy()
        pre_e = (et < -anticipation) & (et >= -(pretrend_window + anticipation))
        pre_test = agg.wald(dyn["estimate"].to_numpy()[pre_e], dyn_psi[:, pre_e], n)
        pre_test["scope"] = "event_times"
    return pre_test


def _notes(control: str, anticipation: int, xnames: list[str], notes_extra: list[str]) -> list[str]:
    """The assumptions and the method in words (the fixed covariate notes also in nb, ``effects._checks``)."""
    notes = [
        "Parallel trends: without the initiative each cohort's outcome would have changed like that of the "
        + ("never-treated units." if control == "never" else "not-yet-treated and never-treated units."),
        f"No anticipation: units did not react more than {anticipation} period(s) before their start.",
        "Irreversible treatment: once a unit has started it stays treated.",
        dc.NOTE_SUTVA,
        "estimate = simple aggregation: cohort-size weighted mean of the post-treatment ATT(g,t); "
        "standard errors analytic from influence functions (clustered by unit), normal intervals.",
        "Pre-period ATT(g,t) compare each period with the previous one (varying base period).",
        dc.NOTE_MDE,
    ]
    if xnames:  # conditional parallel trends instead of the unconditional assumption
        notes[0:1] = COVARIATE_NOTES
    return notes + list(notes_extra)


def _check_absorbing(data: pd.DataFrame, unit: str, time: str, first_treated: str, treated: str) -> None:
    """Treatment must stay on once started, and start where ``first_treated`` says."""
    dc.check_columns(data, [treated], ["treated"])
    sub = data[[unit, time, first_treated, treated]].dropna(subset=[unit, time, treated])
    d = dc.binary(sub, treated)
    off = dc.switched_off(sub[unit].to_numpy(), sub[time].to_numpy(), d)
    if off.size:
        shown = ", ".join(str(u) for u in off[:5]) + (f" … ({off.size} in all)" if off.size > 5 else "")
        raise SpecificationError(
            f"staggered_did cannot be used here: treatment ({treated!r}) switches off again for {off.size} "
            f"unit(s) ({shown}), but first_treated assumes that treatment, once started, stays on "
            "(absorbing). Define treatment as 'treated since the first time', or use did (it warns what its "
            "estimate then means) or event_study. / staggered_did kan ikke brukes her: tiltaket slås av "
            f"igjen for {off.size} enhet(er), men first_treated forutsetter at et tiltak som har startet, "
            "fortsetter."
        )
    t = dc.numeric(sub, time)
    start = pd.Series(np.where(d == 1, t, np.nan)).groupby(sub[unit].to_numpy()).min()
    g = pd.Series(dc.numeric(sub, first_treated)).groupby(sub[unit].to_numpy()).first()
    g = g.where(g.notna() & (g != 0) & (g <= np.nanmax(t)))
    differ = ~((start.isna() & g.isna()) | (start == g))
    if differ.any():
        u = differ[differ].index[0]

        def show(v: object) -> str:
            return "never" if pd.isna(v) else f"{v:g}" if isinstance(v, float | np.floating) else str(v)

        raise DataError(
            f"unit {show(u)}: {treated!r} is first 1 in period {show(start[u])}, but {first_treated!r} "
            f"says {show(g[u])} (0/missing = never)",
            column=first_treated,
        )
