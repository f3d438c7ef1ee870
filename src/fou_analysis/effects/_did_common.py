"""Helpers shared by the difference-in-differences family (did, event_study, staggered_did).

Input checks that name the column at fault, the cluster diagnostics (few clusters, few treated
clusters), t-based intervals, the minimum detectable effect and the assumption notes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects._result import Diagnostic
from fou_analysis.exceptions import DataError, SpecificationError

#: (z_{0.975} + z_{0.80}): the MDE at 80 % power in a 5 % two-sided test is this times the SE.
MDE_FACTOR = float(stats.norm.ppf(0.975) + stats.norm.ppf(0.80))

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


def complete_rows(data: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, int]:
    """Rows without missing values in ``cols`` (a copy) and the number dropped."""
    cols = list(dict.fromkeys(cols))
    sub = data[cols]
    keep = sub.notna().all(axis=1).to_numpy()
    return sub.loc[keep].reset_index(drop=True), int((~keep).sum())


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


def cluster_diagnostics(n_clusters: int | None, n_treated_clusters: int | None, se: str) -> list[Diagnostic]:
    """Few clusters (< 30) and few treated clusters, with what to do about them."""
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
    if min(g1, g0) <= 1:
        out.append(
            Diagnostic(
                "treated_clusters",
                g1,
                "fail",
                f"{g1} treated and {g0} untreated cluster(s): with a single treated (or untreated) "
                "cluster both the cluster-robust standard error and the wild cluster bootstrap are "
                "unreliable (MacKinnon & Webb 2017). Use randomisation inference or synthetic_control.",
                f"{g1} behandlede og {g0} ubehandlede klynge(r): med én behandlet (eller ubehandlet) "
                "klynge er både klyngerobuste standardfeil og wild cluster bootstrap upålitelige "
                "(MacKinnon & Webb 2017). Bruk randomiseringsinferens eller syntetisk kontroll.",
            )
        )
    elif min(g1, g0) < 5:
        out.append(
            Diagnostic(
                "treated_clusters",
                g1,
                "warn",
                f"Only {min(g1, g0)} {'treated' if g1 <= g0 else 'untreated'} clusters: cluster-robust "
                "standard errors over-reject badly and the wild cluster bootstrap (Rademacher) tends to be "
                "conservative (MacKinnon & Webb 2017); prefer se='wild' with wild_weights='webb' and read "
                "the interval with care.",
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


def pretrend_verdict(p: float) -> str:
    if not np.isfinite(p):
        return "info"
    return "fail" if p < 0.05 else ("warn" if p < 0.10 else "ok")


def pretrend_text(p: float, what: str) -> tuple[str, str]:
    en = f"{what}: p = {p:.3f}. " + (
        "Pre-treatment trends differ: parallel trends is contradicted by the data."
        if p < 0.05
        else "No clear evidence against parallel pre-trends (the test has limited power: "
        "absence of evidence is not evidence of parallel trends, Roth 2022)."
    )
    nb = f"Test av parallelle trender før tiltaket: p = {p:.3f}. " + (
        "Trendene før tiltaket er ulike: forutsetningen om parallelle trender holder ikke."
        if p < 0.05
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
