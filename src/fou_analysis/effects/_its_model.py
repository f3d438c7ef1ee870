"""Interrupted time series internals: result type, design matrix, covariances, diagnostics.

The estimator and its documentation live in :mod:`fou_analysis.effects.its`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.effects._result import Diagnostic, EffectResult
from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import format_number, format_p, format_significant


@dataclass(frozen=True, repr=False)
class ItsResult(EffectResult):
    """Interrupted time series result.

    Extra attributes
    ----------------
    fitted
        Per period: ``time, observed, fitted, counterfactual, post``.
    family
        ``"gaussian"`` or ``"poisson"``.
    hac_lags
        Lags used for the HAC covariance (``None`` with ``cov="model"``).
    intervention_start
        First period of the intervention.
    """

    fitted: pd.DataFrame = field(default_factory=pd.DataFrame)
    family: str = "gaussian"
    hac_lags: int | None = None
    intervention_start: Any = None

    # one series, no comparison: the contrast is the pre-change trend carried forward, which
    # measures the change at that date (e.g. longer opening hours), not the initiative as such
    contrast: ClassVar[Mapping[str, str]] = {
        "nb": "enn trenden før endringen tilsa",
        "en": "than the trend before the change predicted",
    }

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Observed points, fitted segments and the counterfactual trend after the start."""
        from fou_analysis.plotting import localise, method_name, new_axes, outcome_label, words

        ax = new_axes(ax, (6, 3.5))
        k = self.labels.scale
        f = self.fitted
        post = f["post"].to_numpy()
        ax.scatter(f["time"], f["observed"] * k, s=10, color="grey", label=words("observed", lang))
        ax.plot(f["time"][~post], f["fitted"][~post] * k, color="C0", label=words("fitted", lang))
        ax.plot(f["time"][post], f["fitted"][post] * k, color="C0")
        ax.plot(
            f["time"][post],
            f["counterfactual"][post] * k,
            color="C0",
            ls="--",
            label=words("counterfactual", lang),
        )
        ax.axvline(self.intervention_start, color="grey", ls=":", lw=1)
        ax.set_xlabel(words("time", lang))
        ax.set_ylabel(outcome_label(self.labels, self.outcome, lang))
        ax.legend(frameon=False)
        ax.set_title(method_name("its", lang))
        return localise(ax, lang)


def default_hac_lags(n: int) -> int:
    """Newey & West (1994) rule of thumb: floor(4 (T/100)^(2/9))."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def _design(
    t: np.ndarray, t0: int, *, slope_change: bool, seasonality: Any, months: np.ndarray | None
) -> pd.DataFrame:
    post = (t >= t0).astype(float)
    X = {"intercept": np.ones_like(t, dtype=float), "trend": t.astype(float), "level_change": post}
    if slope_change:
        X["slope_change"] = (t - t0) * post
    if seasonality is not None:
        if seasonality == "month":
            for mth in range(2, 13):
                X[f"month_{mth}"] = (months == mth).astype(float)
        else:
            p = float(seasonality)
            for k in (1, 2):
                if 2 * k < p:  # sin(pi t) is zero at integer t
                    X[f"sin{k}"] = np.sin(2 * np.pi * k * t / p)
                if 2 * k <= p:
                    X[f"cos{k}"] = np.cos(2 * np.pi * k * t / p)
    return pd.DataFrame(X)


def _ar1_cov(y, X, params, offset, family) -> tuple[np.ndarray, float]:
    """Sandwich covariance with AR(1)-correlated (Pearson) residuals.

    rho is the lag-1 autocorrelation of the Pearson residuals, corrected for its downward
    small-sample bias: + (1 + 3 rho) / T (Kendall 1954) + k / T (estimated regressors).
    """
    T, k = X.shape
    eta = X @ params + (0.0 if offset is None else offset)
    if family == "gaussian":
        mu, w = eta, np.ones(T)
    else:
        mu = np.exp(eta)
        w = mu
    r = (y - mu) / np.sqrt(w)
    rho = float((r[1:] @ r[:-1]) / (r @ r))
    rho = float(np.clip(rho + (1 + 3 * rho) / T + k / T, -0.99, 0.99))
    disp = float(r @ r) / (T - k)
    sd = np.sqrt(disp * w)
    lag = np.abs(np.subtract.outer(np.arange(T), np.arange(T)))
    C = np.outer(sd, sd) * rho**lag
    Binv = np.linalg.inv(X.T @ (w[:, None] * X))
    return Binv @ (X.T @ C @ X) @ Binv, rho


def _fit(y, X, offset, family, cov, lags):
    import statsmodels.api as sm

    if family == "gaussian":
        model = sm.OLS(y, X)
        if cov == "hac":
            return model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
        return model.fit(use_t=True)
    model = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset)
    if cov == "hac":
        return model.fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return model.fit(scale="X2")


@dataclass(frozen=True)
class ItsSeries:
    """One prepared series: rows sorted by time, the outcome, the intervention position ``t0``.

    ``offset`` is log(exposure) or None; ``months`` the month of year (seasonality="month") or None.
    """

    df: pd.DataFrame
    time: str
    y: np.ndarray
    offset: np.ndarray | None
    months: np.ndarray | None
    post_mask: np.ndarray
    t0: int
    intervention_start: Any
    family: str
    seasonality: Any

    @property
    def T(self) -> int:
        """Number of periods."""
        return len(self.df)

    @property
    def n_pre(self) -> int:
        """Periods before the intervention."""
        return self.t0

    @property
    def n_post(self) -> int:
        """Periods from the intervention on."""
        return len(self.df) - self.t0


def _diagnostics(
    s: ItsSeries, fit_v: np.ndarray, *, cov: str, placebo_start: Any, level: float
) -> list[Diagnostic]:
    """Residual autocorrelation, a placebo date in the pre-period, and the series length."""
    out = [_residual_check(s, fit_v, cov)]
    placebo = _placebo_check(s, cov=cov, placebo_start=placebo_start, level=level)
    if placebo is not None:
        out.append(placebo)
    verdict = "ok" if s.n_pre >= 8 and s.n_post >= 8 else "warn"
    out.append(
        Diagnostic(
            "series_length",
            s.T,
            verdict,
            f"{s.n_pre} pre- and {s.n_post} post-intervention periods"
            + ("." if verdict == "ok" else "; fewer than 8 on a side makes the trend and HAC se fragile."),
            f"{s.n_pre} perioder før og {s.n_post} etter.",
        )
    )
    return out


def _residual_check(s: ItsSeries, fit_v: np.ndarray, cov: str) -> Diagnostic:
    """Ljung-Box and Durbin-Watson on the (Pearson) residuals."""
    from statsmodels.stats.diagnostic import acorr_ljungbox
    from statsmodels.stats.stattools import durbin_watson

    y = s.y
    resid = (y - fit_v) if s.family == "gaussian" else (y - fit_v) / np.sqrt(fit_v)
    lb_lag = max(1, min(10, s.T // 5))
    lb = acorr_ljungbox(resid, lags=[lb_lag])
    lb_p = float(lb["lb_pvalue"].iloc[0])
    dw = float(durbin_watson(resid))
    verdict = "ok" if lb_p >= 0.05 else ("warn" if cov == "model" else "info")
    return Diagnostic(
        "residual_autocorrelation",
        lb_p,
        verdict,
        f"Ljung-Box p = {lb_p:.3g} at lag {lb_lag}, Durbin-Watson {dw:.2f}"
        + (
            "."
            if lb_p >= 0.05
            else "; residuals are autocorrelated"
            + (
                " - model-based standard errors are too small; use cov='hac' or 'ar1'."
                if cov == "model"
                else " - the standard errors allow for this (HAC / AR(1) sandwich)."
            )
        ),
        f"Ljung-Box p = {format_p(lb_p, 'nb')}, Durbin-Watson {format_number(dw, 2, 'nb')}.",
    )


def _placebo_check(s: ItsSeries, *, cov: str, placebo_start: Any, level: float) -> Diagnostic | None:
    """A fake level change inside the pre-period, fitted on pre-period data only (None when too short)."""
    t0, time, y, family = s.t0, s.time, s.y, s.family
    pre = s.df.iloc[:t0]
    if placebo_start is None:
        ps_pos = t0 // 2
    else:
        hit = np.flatnonzero(np.asarray(pre[time] >= placebo_start))
        if len(hit) == 0:
            raise SpecificationError(
                f"placebo_start {placebo_start!r} is not inside the pre-intervention period"
            )
        ps_pos = int(hit[0])
    if not (ps_pos >= 3 and t0 - ps_pos >= 2):
        return None
    Xp = _design(
        np.arange(t0),
        ps_pos,
        slope_change=False,
        seasonality=s.seasonality,
        months=None if s.months is None else s.months[:t0],
    )
    if Xp.shape[1] >= t0 - 1:
        return None
    off_p = None if s.offset is None else s.offset[:t0]
    rp = _fit(y[:t0], Xp, off_p, family, "model" if cov == "ar1" else cov, default_hac_lags(t0))
    b, p = float(rp.params["level_change"]), float(rp.pvalues["level_change"])
    if cov == "ar1":
        Vp, _ = _ar1_cov(y[:t0], Xp.to_numpy(), rp.params.to_numpy(), off_p, family)
        j = list(Xp.columns).index("level_change")
        zp = b / math.sqrt(Vp[j, j])
        p = float(
            2 * (stats.t(t0 - Xp.shape[1]).sf(abs(zp)) if family == "gaussian" else stats.norm.sf(abs(zp)))
        )
    alpha = 1 - level
    return Diagnostic(
        "placebo_date",
        p,
        "ok" if p >= alpha else "warn",
        f"A fake start at {pre[time].iloc[ps_pos]} (pre-period only, level change only) gives "
        f"{b:.3g} (p = {p:.3g})"
        + (
            "."
            if p >= alpha
            else "; a 'significant' fake break suggests the pre-trend is not linear or another event happened."
        ),
        f"Falsk starttidspunkt gir {format_significant(b, 3, 'nb')} (p = {format_p(p, 'nb')}).",
    )
