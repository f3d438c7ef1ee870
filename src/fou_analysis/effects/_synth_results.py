"""Result types of the synthetic-control family (fields and standard plots)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from fou_analysis.effects._result import EffectResult
from fou_analysis.formatting import check_lang
from fou_analysis.plotting import localise, method_name, outcome_label, words


def _axes(ax: Any, size: tuple[float, float] = (6, 3.5)) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


@dataclass(frozen=True, repr=False)
class SyntheticControlResult(EffectResult):
    """Synthetic control (Abadie, Diamond & Hainmueller 2010) with in-space placebos.

    Extra attributes
    ----------------
    weights
        Donor weights (Series indexed by donor, non-negative, summing to one).
    path
        Per period: ``time, observed, synthetic, effect, post``.
    pre_rmspe, post_rmspe
        Root mean squared prediction error (gap) before and after treatment.
    placebos
        One row per donor re-fitted as if treated (the real treated unit excluded from its
        donor pool): ``unit, pre_rmspe, post_rmspe, ratio, mean_effect``.
    placebo_gaps
        Long frame ``unit, time, gap`` of every placebo's path (the spaghetti plot).
    leave_one_out
        One row per donor with non-zero weight: the estimate and pre-RMSPE without it.
    donor_names
        Display name per unit, where the data had them (``names=``).
    n_fitted
        Number of pre-period quantities the weights were fitted to (pre-periods or predictors).
    """

    # a municipal rate against a weighted mix of other municipalities: many things besides one
    # initiative move it, so the sentence names the comparison, not "without the initiative"
    contrast: ClassVar[Mapping[str, str]] = {
        "nb": "enn i en syntetisk sammenligningskommune",
        "en": "than in a synthetic comparison municipality",
    }

    weights: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    path: pd.DataFrame = field(default_factory=pd.DataFrame)
    pre_rmspe: float = math.nan
    post_rmspe: float = math.nan
    placebos: pd.DataFrame = field(default_factory=pd.DataFrame)
    placebo_gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    leave_one_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    treated_unit: Any = None
    treatment_start: Any = None
    donor_names: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    n_fitted: int = 0

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """Interval at another level by inverting the kept placebo ratios (Firpo & Possebom 2018)."""
        from fou_analysis.effects.synthetic_control import _inverted_ci
        from fou_analysis.exceptions import SpecificationError

        if not 0 < level < 1:
            raise SpecificationError(f"level must be between 0 and 1, not {level!r}")
        if self.placebos.empty:
            return (math.nan, math.nan)
        post = self.path["post"].to_numpy(dtype=bool)
        gpost = self.path["effect"].to_numpy(dtype=float)[post]
        lo, hi = _inverted_ci(gpost, self.pre_rmspe, self.placebos["ratio"].to_numpy(dtype=float), 1 - level)
        return (float(lo), float(hi))

    def donor_table(self, lang: str = "en") -> pd.DataFrame:
        """The donors that make up the synthetic unit: weight >= 1 %, largest first, at most 10.

        Columns ``unit, name, weight`` (``lang="en"``) or ``enhet, navn, vekt`` (``"nb"``);
        ``name`` is the unit itself where the data had no names.
        """
        from fou_analysis.effects._synth_diagnostics import top_donors

        check_lang(lang)
        top = top_donors(self.weights, self.donor_names)
        return (
            top.rename(columns={"unit": "enhet", "name": "navn", "weight": "vekt"}) if lang == "nb" else top
        )

    def _treated_name(self) -> str:
        return str(self.donor_names.get(self.treated_unit, self.treated_unit))

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Observed vs synthetic path with a line at the treatment start."""
        ax = _axes(ax)
        k = self.labels.scale
        ax.plot(self.path["time"], self.path["observed"] * k, color="black", label=self._treated_name())
        ax.plot(
            self.path["time"], self.path["synthetic"] * k, color="C0", ls="--", label=words("synthetic", lang)
        )
        ax.axvline(self.treatment_start, color="grey", ls=":", lw=1)
        ax.set_xlabel(words("time", lang))
        ax.set_ylabel(outcome_label(self.labels, self.outcome, lang))
        ax.legend(frameon=False)
        ax.set_title(method_name("synthetic_control", lang))
        return localise(ax, lang)

    def plot_gaps(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Gap (observed minus synthetic) over time."""
        ax = _axes(ax)
        k = self.labels.scale
        ax.plot(self.path["time"], self.path["effect"] * k, color="black")
        ax.axhline(0, color="grey", lw=1)
        ax.axvline(self.treatment_start, color="grey", ls=":", lw=1)
        ax.set_xlabel(words("time", lang))
        ax.set_ylabel(words("gap", lang))
        ax.set_title("Avvik: faktisk minus syntetisk" if lang == "nb" else "Gap: treated minus synthetic")
        return localise(ax, lang)

    def plot_placebos(
        self, ax: Any = None, *, exclude_mspe_above: float | None = 5.0, lang: str = "en"
    ) -> Any:
        """Placebo gaps (grey) and the treated gap (black).

        ``exclude_mspe_above`` drops placebos whose pre-period MSPE exceeds this multiple of
        the treated unit's, as Abadie, Diamond & Hainmueller (2010, fig. 5-7) do (they show
        20x, 5x and 2x cut-offs on the MSPE); ``None`` keeps every placebo.
        """
        ax = _axes(ax)
        k = self.labels.scale
        keep = self.placebos
        if exclude_mspe_above is not None and len(keep):
            keep = keep[keep["pre_rmspe"] ** 2 <= exclude_mspe_above * self.pre_rmspe**2]
        gaps = self.placebo_gaps
        for u in keep["unit"]:
            g = gaps[gaps["unit"] == u]
            ax.plot(g["time"], g["gap"] * k, color="grey", alpha=0.4, lw=0.8)
        ax.plot(self.path["time"], self.path["effect"] * k, color="black", lw=2, label=self._treated_name())
        ax.axhline(0, color="grey", lw=1, ls="--")
        ax.axvline(self.treatment_start, color="grey", ls=":", lw=1)
        ax.set_xlabel(words("time", lang))
        ax.set_ylabel(words("gap", lang))
        if lang == "nb":
            ax.set_title(f"Placebo-enheter ({len(keep)} av {len(self.placebos)} vist)")
        else:
            ax.set_title(f"In-space placebos ({len(keep)} of {len(self.placebos)} shown)")
        return localise(ax, lang)


@dataclass(frozen=True, repr=False)
class SyntheticDidResult(EffectResult):
    """Synthetic difference-in-differences (Arkhangelsky et al. 2021).

    Extra attributes
    ----------------
    unit_weights
        omega, one weight per control unit (Series).
    time_weights
        lambda, one weight per pre-treatment period (Series).
    path
        Per period: ``time, observed`` (mean of treated units), ``synthetic`` (omega-weighted
        controls), ``synthetic_shifted`` (plus the omega intercept, so it runs parallel to the
        treated line before treatment), ``effect`` (treated minus synthetic minus the
        lambda-weighted pre-period difference), ``post``.
    replications
        The placebo or jackknife estimates the standard error was computed from.
    """

    # a municipal rate against a weighted mix of other municipalities: many things besides one
    # initiative move it, so the sentence names the comparison, not "without the initiative"
    contrast: ClassVar[Mapping[str, str]] = {
        "nb": "enn i en syntetisk sammenligningskommune",
        "en": "than in a synthetic comparison municipality",
    }

    unit_weights: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    time_weights: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    path: pd.DataFrame = field(default_factory=pd.DataFrame)
    replications: np.ndarray = field(default_factory=lambda: np.empty(0))
    treatment_start: Any = None

    def plot(self, ax: Any = None, *, lang: str = "en") -> Any:
        """Treated mean vs (shifted) synthetic control, time weights as bars at the bottom."""
        ax = _axes(ax)
        k = self.labels.scale
        p = self.path
        nb = lang == "nb"
        ax.plot(p["time"], p["observed"] * k, color="black", label=words("treated", lang))
        ax.plot(
            p["time"],
            p["synthetic_shifted"] * k,
            color="C0",
            ls="--",
            label="syntetisk kontroll" if nb else "synthetic control",
        )
        ax.axvline(self.treatment_start, color="grey", ls=":", lw=1)
        lo, hi = ax.get_ylim()
        tw = self.time_weights
        if len(tw) and tw.max() > 0:
            ax.bar(
                tw.index,
                tw.to_numpy() / tw.max() * 0.15 * (hi - lo),
                bottom=lo,
                color="C1",
                alpha=0.5,
                label="tidsvekter" if nb else "time weights",
            )
        ax.set_xlabel(words("time", lang))
        ax.set_ylabel(outcome_label(self.labels, self.outcome, lang))
        ax.legend(frameon=False)
        ax.set_title(method_name(self.method, lang))
        return localise(ax, lang)
