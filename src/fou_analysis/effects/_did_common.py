"""Helpers shared by the difference-in-differences family (did, event_study, staggered_did).

Input checks that name the column at fault, the cluster diagnostics (few clusters, few treated
clusters), the pre-trend and adoption-timing checks of ``did``, t-based intervals, the minimum
detectable effect and the assumption notes; ``switched_off`` finds units whose treatment stops
again (not absorbing), which ``did`` warns about and ``staggered_did`` refuses.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects._checks import check_label
from fou_analysis.effects._fe import Absorber, factorize, ols_absorbed
from fou_analysis.effects._result import Diagnostic
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.formatting import format_p


def mde(se: float) -> float:
    """Minimum detectable effect, 80 % power, 5 % two-sided: ``(z_0.975 + z_0.80)·se ≈ 2.80·se``."""
    from fou_analysis.effects.power import mde_from_se

    return mde_from_se(se) if np.isfinite(se) and se >= 0 else float("nan")


NOTE_PARALLEL = (
    "Parallel trends: without the initiative, the outcome of the treated group would have changed "
    "by the same amount as that of the comparison group."
)
NOTE_ANTICIPATION = "No anticipation: the outcome did not react before the initiative started."
NOTE_SUTVA = (
    "No spill-over (SUTVA): the initiative did not change the outcome of the comparison group, "
    "and the groups' composition did not change because of it."
)
NOTE_MDE = (
    "Minimum detectable effect (mde) = 2.80 × se: the true effect that a 5 % two-sided test "
    "detects with 80 % power at this sample size (normal approximation)."
)


def check_columns(data: pd.DataFrame, cols: Iterable[str | None], arg_names: Iterable[str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    for col, arg in zip(cols, arg_names, strict=True):
        if col is not None and col not in data.columns:
            raise SpecificationError(f"{arg}={col!r} is not a column of the data")


def complete_rows(
    data: pd.DataFrame, cols: list[str], *, carry: Iterable[str] = ()
) -> tuple[pd.DataFrame, int]:
    """Rows without missing values in ``cols`` (a copy, with the ``carry`` columns too) and the number dropped.

    ``carry`` columns come along but may be missing (event_study's first treated period: missing
    means never treated).
    """
    cols = list(dict.fromkeys(cols))
    sub = data[list(dict.fromkeys([*cols, *carry]))]
    keep = sub[cols].notna().all(axis=1).to_numpy()
    return sub.loc[keep].reset_index(drop=True), int((~keep).sum())


def cluster_counts(treated: np.ndarray, clus: np.ndarray) -> tuple[int, int]:
    """Number of clusters and of clusters with any treated row."""
    cl_treated = pd.Series(treated).groupby(clus).max()
    return len(cl_treated), int(cl_treated.sum())


def numeric(df: pd.DataFrame, col: str) -> np.ndarray:
    try:
        return pd.to_numeric(df[col]).to_numpy(dtype=float)
    except (ValueError, TypeError) as exc:
        raise DataError(f"column must be numeric ({exc})", column=col) from None


def binary(df: pd.DataFrame, col: str) -> np.ndarray:
    x = numeric(df, col)
    bad = ~np.isin(x, (0.0, 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"must be 0/1 (or boolean); found {x[i]!r} in the {i + 1}. complete row", column=col)
    return x


def t_inference(est: float, se: float, df: float, level: float) -> tuple[tuple[float, float], float]:
    if not (se > 0) or not np.isfinite(se):
        return (float("nan"), float("nan")), float("nan")
    q = stats.t.ppf(0.5 + level / 2, df)
    p = float(2 * stats.t.sf(abs(est / se), df))
    return (est - q * se, est + q * se), p


#: At most this many treated (or untreated) clusters: neither the cluster-robust standard error
#: nor the wild cluster bootstrap is reliable (MacKinnon & Webb 2017); randomisation inference
#: (``se="ri"``) is the remedy, and the pipeline uses it by default for ``did`` (TWFE).
SINGLE_CLUSTER = 1
#: Fewer than this many treated (or untreated) clusters: cluster-robust standard errors over-reject.
FEW_TREATED_CLUSTERS = 5


def single_cluster_side(n_clusters: int | None, n_treated_clusters: int | None) -> bool:
    """True when one side has at most :data:`SINGLE_CLUSTER` clusters and neither side is empty.

    That is the situation in which randomisation inference replaces the cluster-robust standard
    error (with an empty side there is no contrast to permute).
    """
    if n_clusters is None or n_treated_clusters is None:
        return False
    g1, g0 = n_treated_clusters, n_clusters - n_treated_clusters
    return min(g1, g0) >= 1 and min(g1, g0) <= SINGLE_CLUSTER


def cluster_diagnostics(n_clusters: int | None, n_treated_clusters: int | None, se: str) -> list[Diagnostic]:
    """Few clusters (< 30) and few treated clusters, with what to do about them.

    With ``se="ri"`` the few-treated-clusters check says what randomisation inference does about
    them instead of recommending it (one treated cluster: "warn", since RI's smallest attainable
    p-value is 1 / #assignments and RI-t can mis-size when that cluster is much larger or smaller
    than the others, MacKinnon & Webb 2020).
    """
    out: list[Diagnostic] = []
    if n_clusters is None:
        return out
    if n_clusters < 30 and se == "cluster":
        out.append(
            Diagnostic(
                "clusters",
                n_clusters,
                "warn",
                f"Only {n_clusters} clusters: cluster-robust standard errors over-reject with fewer than "
                "about 30 clusters. Use se='wild' (wild cluster bootstrap; Webb weights below ~12 clusters).",
                f"Bare {n_clusters} klynger: klyngerobuste standardfeil gir for mange forkastninger med "
                "færre enn omtrent 30 klynger. Bruk se='wild' (wild cluster bootstrap; Webb-vekter under "
                "~12 klynger).",
            )
        )
    else:
        out.append(
            Diagnostic(
                "clusters",
                n_clusters,
                "ok" if n_clusters >= 30 else "info",
                f"{n_clusters} clusters.",
                f"{n_clusters} klynger.",
            )
        )
    if n_treated_clusters is None:
        return out
    g1 = n_treated_clusters
    g0 = n_clusters - g1
    if se == "ri" and min(g1, g0) < FEW_TREATED_CLUSTERS:
        out.append(_ri_treated_clusters(g1, g0))
    elif min(g1, g0) <= SINGLE_CLUSTER:
        out.append(
            Diagnostic(
                "treated_clusters",
                g1,
                "fail",
                f"{g1} treated and {g0} untreated cluster(s): with a single treated (or untreated) "
                "cluster both the cluster-robust standard error and the wild cluster bootstrap are "
                "unreliable (MacKinnon & Webb 2017). Use randomisation inference (se='ri', with unit and time) "
                "or synthetic_control.",
                f"{g1} behandlede og {g0} ubehandlede klynge(r): med én behandlet (eller ubehandlet) "
                "klynge er både klyngerobuste standardfeil og wild cluster bootstrap upålitelige "
                "(MacKinnon & Webb 2017). Bruk randomiseringsinferens (se='ri', med unit og time) eller "
                "syntetisk kontroll.",
            )
        )
    elif min(g1, g0) < FEW_TREATED_CLUSTERS:
        out.append(
            Diagnostic(
                "treated_clusters",
                g1,
                "warn",
                f"Only {min(g1, g0)} {'treated' if g1 <= g0 else 'untreated'} clusters: cluster-robust "
                "standard errors over-reject badly and the wild cluster bootstrap (Rademacher) tends to be "
                "conservative (MacKinnon & Webb 2017); prefer se='wild' with wild_weights='webb' or "
                "randomisation inference (se='ri') and read the interval with care.",
                f"Bare {min(g1, g0)} {'behandlede' if g1 <= g0 else 'ubehandlede'} klynger: klyngerobuste "
                "standardfeil forkaster for ofte, og wild cluster bootstrap (Rademacher) er gjerne "
                "konservativ (MacKinnon & Webb 2017); bruk se='wild' med wild_weights='webb'.",
            )
        )
    else:
        out.append(
            Diagnostic("treated_clusters", g1, "ok", f"{g1} treated clusters.", f"{g1} behandlede klynger.")
        )
    return out


def _ri_treated_clusters(g1: int, g0: int) -> Diagnostic:
    """The few-treated-clusters check when randomisation inference gives the p-value and interval."""
    one = min(g1, g0) <= SINGLE_CLUSTER
    return Diagnostic(
        "treated_clusters",
        g1,
        "warn" if one else "info",
        f"{g1} treated and {g0} untreated cluster(s): the cluster-robust standard error is unreliable "
        "(MacKinnon & Webb 2017), so the p-value and interval come from randomisation inference."
        + (
            " Read them with care: with one treated (or untreated) cluster the test can mis-size when "
            "that cluster is much larger or smaller than the others (MacKinnon & Webb 2020)."
            if one
            else ""
        ),
        f"{g1} behandlede og {g0} ubehandlede klynge(r): klyngerobuste standardfeil er upålitelige "
        "(MacKinnon & Webb 2017), så p-verdi og intervall er beregnet ved randomiseringsinferens."
        + (
            " Les dem med varsomhet: med én behandlet (eller ubehandlet) klynge kan testen bli for streng "
            "eller for liberal når den klyngen er mye større eller mindre enn de andre (MacKinnon & Webb 2020)."
            if one
            else ""
        ),
    )


#: Pre-trend test verdicts: "fail" below PRETREND_FAIL_P, "warn" below PRETREND_WARN_P. A pass is
#: weak evidence only: such tests have low power (Roth 2022), which the diagnostic text says.
PRETREND_FAIL_P = 0.05
PRETREND_WARN_P = 0.10


def pretrend_verdict(p: float) -> str:
    if not np.isfinite(p):
        return "info"
    return "fail" if p < PRETREND_FAIL_P else ("warn" if p < PRETREND_WARN_P else "ok")


def pretrend_text(p: float, what: str) -> tuple[str, str]:
    en = f"{what}: p = {p:.3f}. " + (
        "Pre-treatment trends differ: parallel trends is contradicted by the data."
        if p < PRETREND_FAIL_P
        else "No clear evidence against parallel pre-trends (the test has limited power: "
        "absence of evidence is not evidence of parallel trends, Roth 2022)."
    )
    nb = f"Test av parallelle trender før tiltaket: p = {format_p(p, 'nb')}. " + (
        "Trendene før tiltaket er ulike: forutsetningen om parallelle trender holder ikke."
        if p < PRETREND_FAIL_P
        else "Ingen klare tegn på ulike trender før tiltaket (testen har begrenset styrke)."
    )
    return en, nb


def period_index(values: np.ndarray) -> np.ndarray:
    """A numeric time axis: the values themselves when numeric, else their sorted rank."""
    try:
        return np.asarray(pd.to_numeric(pd.Series(values)), dtype=float)
    except (ValueError, TypeError):
        codes, _ = pd.factorize(pd.Series(values), sort=True)
        return codes.astype(float)


def group_indicator(df, tr, d, unit, post) -> np.ndarray:
    """Treated-group membership per row (ever treated when D_it is given)."""
    if post is not None:
        return tr
    return pd.Series(d).groupby(df[unit].to_numpy()).transform("max").to_numpy()


def means(df, y, group, time, po) -> pd.DataFrame:
    """Mean outcome by group (0/1) and period, sorted by group then period (group sums by bincount)."""
    if time is None:
        per = np.where(po == 1, "post", "pre")
    else:
        per = df[time].to_numpy()
    codes, periods = factorize(per)
    key = group.astype(np.intp) * len(periods) + codes
    count = np.bincount(key, minlength=2 * len(periods))
    total = np.bincount(key, weights=y, minlength=2 * len(periods))
    keep = count > 0
    return pd.DataFrame(
        {
            "group": np.repeat(np.array([0, 1]), len(periods))[keep],
            "period": np.tile(periods, 2)[keep],
            "mean": total[keep] / count[keep],
        }
    )


def pretrend(df, y, group, d, *, unit, time, post, cl_col, se) -> Diagnostic:
    """Treated-group × linear trend in the pre-period, with unit (or group) and time effects."""
    t = period_index(df[time].to_numpy())
    if post is not None:
        pre = binary(df, post) == 0
    else:
        first = (
            pd.Series(np.where(d == 1, t, np.inf)).groupby(df[unit].to_numpy()).transform("min").to_numpy()
        )
        pre = (t < first) & (t < np.max(first[np.isfinite(first)], initial=-np.inf))
    periods = np.unique(t[pre])
    if periods.size < 2 or group[pre].min() == group[pre].max():
        return Diagnostic(
            "pre_trend",
            None,
            "info",
            "Not testable: fewer than two pre-treatment periods.",
            "Kan ikke testes: færre enn to perioder før tiltaket.",
        )
    yp, gp, tp = y[pre], group[pre], t[pre]
    trend = gp * (tp - tp.mean())
    fe = [df[unit].to_numpy()[pre], tp] if unit is not None else [tp]
    x = trend[:, None] if unit is not None else np.column_stack([trend, gp])
    clus = df[cl_col].to_numpy()[pre] if (se == "cluster" and cl_col is not None) else None
    pt_se = "cluster" if clus is not None else ("classical" if se == "classical" else "hc1")
    fit = ols_absorbed(yp, x, ["trend", "group"][: x.shape[1]], Absorber(fe), se=pt_se, cluster=clus)
    _, p = t_inference(float(fit.coef[0]), float(fit.se[0]), fit.df_inference, 0.95)
    en, nb = pretrend_text(p, f"Treated-group × linear trend before the start = {fit.coef[0]:.4g} per period")
    return Diagnostic("pre_trend", p, pretrend_verdict(p), en, nb)


def timing(df, d, unit, time, *, absorbing: bool = True) -> list[Diagnostic]:
    """Different adoption dates; the advice to use staggered_did only when treatment stays on."""
    t = period_index(df[time].to_numpy())
    first = pd.Series(np.where(d == 1, t, np.nan)).groupby(df[unit].to_numpy()).min().dropna()
    k = first.nunique()
    if k <= 1:
        return []
    return [
        Diagnostic(
            "staggered_timing",
            int(k),
            "warn",
            f"Treatment starts at {k} different times: TWFE compares late with early adopters and is biased "
            "when effects differ by cohort or grow over time (Goodman-Bacon 2021). "
            + ("Use staggered_did." if absorbing else "See treatment_switches_off for what to use instead."),
            f"Tiltaket starter på {k} ulike tidspunkt: TWFE er skjev når effekten varierer mellom "
            "kohorter eller over tid (Goodman-Bacon 2021). "
            + (
                "Bruk forskjell-i-forskjeller med trinnvis oppstart (Callaway–Sant'Anna)."
                if absorbing
                else f"Se kontrollen «{check_label('treatment_switches_off', 'nb')}» for hva som kan brukes i stedet."
            ),
        )
    ]


def switched_off(units: np.ndarray, periods: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Units whose 0/1 treatment goes from 1 back to 0 in a later period (sorted unit labels).

    Rows in (unit, period) order (a stable sort; skipped when the rows already are in that
    order, as panels usually are), then a 1 followed by a 0 within the same unit.
    """
    u, labels = factorize(units)
    t = period_index(periods)
    d = np.asarray(d)
    du, dt = np.diff(u), np.diff(t)
    if not np.all((du > 0) | ((du == 0) & (dt >= 0))):
        order = np.lexsort((t, u))
        u, d = u[order], d[order]
        du = np.diff(u)
    off = (du == 0) & (d[:-1] == 1) & (d[1:] == 0)
    return labels[np.unique(u[1:][off])]


def switch_off(df: pd.DataFrame, d: np.ndarray, unit: str, time: str) -> list[Diagnostic]:
    """Warn when treatment is not absorbing: what TWFE then compares, and what to do instead.

    Only the number of units is given: the text reaches published reports, and unit labels can
    be (pseudonymised) people.
    """
    off = switched_off(df[unit].to_numpy(), df[time].to_numpy(), d)
    if off.size == 0:
        return []
    k = len(off)
    return [
        Diagnostic(
            "treatment_switches_off",
            k,
            "warn",
            f"Treatment switches off again for {k} unit(s) (treated, then untreated later, e.g. a one-year "
            "grant). TWFE then also compares these units' later untreated periods with "
            "their own treated periods, so the estimate mixes the effect of switching on with the effect of "
            "switching off, and assumes the effect ends the moment treatment stops. If the effect may last, "
            "define treatment as 'treated since the first time' (tidy recipe: first_treated(...)) or use "
            "event_study; staggered_did cannot be used for such units (it assumes treatment, once started, "
            "stays on).",
            f"Tiltaket slås av igjen for {k} enhet(er) (behandlet, så ubehandlet senere, f.eks. et ettårig "
            "tilskudd). TWFE sammenligner da også disse enhetenes senere ubehandlede "
            "perioder med deres egne behandlede perioder, slik at anslaget blander effekten av å slå tiltaket "
            "på med effekten av å slå det av, og forutsetter at effekten opphører straks tiltaket stopper. "
            "Kan effekten vare, definer behandling som «behandlet siden første gang» (tidy-oppskriften: "
            "first_treated(...)) eller bruk event_study; staggered_did kan ikke brukes for slike enheter "
            "(den forutsetter at et tiltak som har startet, fortsetter).",
        )
    ]
