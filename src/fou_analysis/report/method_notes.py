"""What each design rests on, in words (nb, en): assumptions, estimand and how the interval was computed.

Used by the methods part of the reviewer appendix (:mod:`fou_analysis.report.appendix`). The texts
restate the "Assumptions", "Standard errors" and "Inference" sections of the module docstrings of
:mod:`fou_analysis.effects` for a report reader, one table per design. Hand-written: these are
texts, not computations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fou_analysis.formatting import check_lang, format_number

#: The assumptions each design rests on (nb, en).
ASSUMPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "prepost": (
        (
            "ingen sammenligningsgruppe: endringen er ikke en årsakseffekt (regresjon mot gjennomsnittet, "
            "modning og historie kan gi samme endring)",
            "no comparison group: the change is not a causal effect (regression to the mean, maturation "
            "and history can produce the same change)",
        ),
        (
            "de som bare svarte én gang, skiller seg ikke fra dem som svarte begge gangene (frafall)",
            "those who answered only once do not differ from those who answered both times (attrition)",
        ),
        ("samme måleinstrument før og etter", "the same instrument before and after"),
        (
            "omtrent normalfordelte endringer eller moderat n (t-intervallet)",
            "roughly normal changes or a moderate n (the t interval)",
        ),
    ),
    "did": (
        (
            "parallelle trender: uten tiltaket ville gruppene utviklet seg likt",
            "parallel trends: without the initiative the groups would have developed alike",
        ),
        ("ingen foregripelse (ingen effekt før start)", "no anticipation (no effect before the start)"),
        ("ingen smitte mellom gruppene (SUTVA)", "no spill-over between the groups (SUTVA)"),
        (
            "ved ulike startdatoer: samme effekt for alle kohorter (ellers forskjøvet DiD)",
            "with different start dates: the same effect for every cohort (else staggered DiD)",
        ),
    ),
    "event_study": (
        ("parallelle trender", "parallel trends"),
        (
            "ingen foregripelse utover referanseperioden",
            "no anticipation beyond the reference period",
        ),
        ("ingen smitte mellom enheter (SUTVA)", "no spill-over between units (SUTVA)"),
        (
            "samme effekt for alle startkohorter (Sun & Abraham 2021)",
            "the same effect for every adoption cohort (Sun & Abraham 2021)",
        ),
    ),
    "staggered_did": (
        (
            "parallelle trender for den valgte sammenligningsgruppen",
            "parallel trends for the chosen comparison group",
        ),
        (
            "ingen foregripelse utover det antall perioder planen oppgir",
            "no anticipation beyond the number of periods the plan states",
        ),
        (
            "tiltaket slås ikke av igjen (en gang behandlet, alltid behandlet)",
            "treatment does not switch off (once treated, always treated)",
        ),
        ("ingen smitte mellom enheter (SUTVA)", "no spill-over between units (SUTVA)"),
    ),
    "synthetic_control": (
        ("ingen foregripelse", "no anticipation"),
        ("ingen smitte til giverenhetene", "no spill-over to the donor units"),
        (
            "utviklingen uten tiltaket er en vektet blanding av givernes (innenfor deres konvekse hylster)",
            "the path without the initiative is a weighted mix of the donors' (inside their convex hull)",
        ),
        (
            "god tilpasning i en lang førperiode",
            "a good fit over a long pre-period",
        ),
        (
            "den behandlede enheten er utbyttbar med giverne (for permutasjonstesten)",
            "the treated unit is exchangeable with the donors (for the permutation test)",
        ),
    ),
    "synthetic_did": (
        (
            "alle behandlede starter samtidig og slutter ikke (blokkdesign)",
            "all treated units start at the same time and do not stop (block design)",
        ),
        ("ingen foregripelse", "no anticipation"),
        ("ingen smitte mellom enheter", "no interference between units"),
        (
            "vektede kontroller og perioder balanserer de behandlede opp til en konstant (faktormodell)",
            "weighted controls and periods balance the treated block up to a constant (factor model)",
        ),
    ),
    "its": (
        (
            "trenden (og sesongen) før tiltaket ville fortsatt uten tiltaket",
            "the trend (and season) before the initiative would have continued without it",
        ),
        (
            "ingen annen endring på samme tidspunkt (historie)",
            "no other change at the same time (history)",
        ),
        (
            "samme målemåte og befolkning gjennom hele serien",
            "the same measurement and population throughout the series",
        ),
        (
            "korrelasjonen i restleddene fanges av kovariansmodellen",
            "the residual correlation is captured by the covariance model",
        ),
    ),
    "weighting": (
        (
            "ingen umålt konfundering: alle felles årsaker til deltakelse og utfall er blant kovariatene",
            "no unmeasured confounding: every common cause of participation and outcome is a covariate",
        ),
        (
            "overlapp: alle kunne ha vært i begge grupper (0 < e(X) < 1)",
            "overlap: everyone could have been in either group (0 < e(X) < 1)",
        ),
        (
            "riktig tilbøyelighetsmodell (IPW) eller én av to riktige modeller (dobbelt robust)",
            "a correct propensity model (IPW) or either of two correct models (doubly robust)",
        ),
        ("ingen smitte mellom personer", "no interference between persons"),
    ),
    "survival": (
        (
            "proporsjonale hasarder (konstant hasardratio over tid)",
            "proportional hazards (a constant hazard ratio over time)",
        ),
        (
            "ikke-informativ sensurering (de som forsvinner ut, har samme prognose)",
            "non-informative censoring (those lost to follow-up have the same prognosis)",
        ),
        (
            "for en årsakstolkning: gruppene er sammenlignbare gitt kovariatene",
            "for a causal reading: the groups are comparable given the covariates",
        ),
    ),
}

#: What each design estimates, in words (nb, en); the estimator's own term follows in brackets.
ESTIMANDS: dict[str, tuple[str, str]] = {
    "prepost": ("gjennomsnittlig endring hos de samme personene", "mean change in the same people"),
    "did": ("gjennomsnittlig effekt for de behandlede (ATT)", "average effect on the treated (ATT)"),
    "event_study": (
        "gjennomsnitt av effektene etter start, periode for periode",
        "mean of the effects after the start, period by period",
    ),
    "staggered_did": (
        "gjennomsnittlig effekt for de behandlede, vektet over startkohorter",
        "average effect on the treated, weighted over adoption cohorts",
    ),
    "synthetic_control": (
        "gjennomsnittlig avvik fra den syntetiske kontrollen etter start",
        "mean gap to the synthetic control after the start",
    ),
    "synthetic_did": (
        "gjennomsnittlig effekt for de behandlede (vektet dobbel differanse)",
        "average effect on the treated (weighted double difference)",
    ),
    "its": ("nivåendring ved tiltaksstart", "level change at the start of the initiative"),
    "weighting": (
        "effekt i den valgte populasjonen (ATT eller ATE)",
        "effect in the chosen population (ATT or ATE)",
    ),
    "survival": ("log hasardratio mellom gruppene", "log hazard ratio between the groups"),
}

_SE = {
    "classical": ("klassiske standardfeil", "classical standard errors"),
    "hc1": (
        "heteroskedastisitetsrobuste standardfeil (HC1)",
        "heteroskedasticity-robust standard errors (HC1)",
    ),
    "cluster": ("klyngerobuste standardfeil (CRVE)", "cluster-robust standard errors (CRVE)"),
    "wild": (
        "restriktert wild cluster bootstrap; intervall ved testinversjon",
        "restricted wild cluster bootstrap; interval by test inversion",
    ),
    "ri": (
        "randomiseringsinferens over klynger; intervall ved testinversjon",
        "randomisation inference over clusters; interval by test inversion",
    ),
}

_ITS_COV = {
    "ar1": (
        "sandwich-kovarians med AR(1)-korrelerte restledd",
        "sandwich covariance with AR(1)-correlated residuals",
    ),
    "hac": ("Newey–West (HAC)", "Newey–West (HAC)"),
    "model": (
        "modellbaserte standardfeil (OLS / kvasi-Poisson)",
        "model-based standard errors (OLS / quasi-Poisson)",
    ),
}


#: ``staggered_did`` with ``covariates``: these replace its first (unconditional) assumption.
STAGGERED_COVARIATE_ASSUMPTIONS: tuple[tuple[str, str], ...] = (
    (
        "parallelle trender gitt kontrollvariablene i basisperioden (betingede parallelle trender)",
        "parallel trends given the covariates in the base period (conditional parallel trends)",
    ),
    (
        "overlapp: hver kohort har sammenlignbare enheter i sammenligningsgruppen (tilbøyelighetsskårer under 1)",
        "overlap: every cohort has comparable units in the comparison group (propensity scores below 1)",
    ),
)


def design_assumptions(design: str, args: Mapping[str, Any] | None = None) -> tuple[tuple[str, str], ...]:
    """The assumptions of ``design`` as the plan's ``args`` use it (nb, en pairs).

    Examples
    --------
    >>> design_assumptions("staggered_did", {"covariates": ["age"]})[0][1][:40]
    'parallel trends given the covariates in '
    """
    items = ASSUMPTIONS.get(design, ())
    if design == "staggered_did" and (args or {}).get("covariates"):
        return STAGGERED_COVARIATE_ASSUMPTIONS + items[1:]
    return items


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "nb" else pair[1]


def inference_text(design: str, result: Any, args: Mapping[str, Any] | None, lang: str) -> str:
    """How one result's interval and p-value were computed, in words, with the level.

    Parameters
    ----------
    design
        The plan's design.
    result
        The effect result (``inference``, ``level``, and ``se_type`` where the design keeps it).
    args
        The outcome's plan arguments (the standard-error option when the result does not keep it).
    lang
        ``"nb"`` or ``"en"``.
    """
    check_lang(lang)
    nb = lang == "nb"
    args = args or {}
    se = str(getattr(result, "se_type", None) or args.get("se") or args.get("cov") or "")
    if design in ("did", "event_study"):
        text = _pick(_SE.get(se or "cluster", (se, se)), lang)
    elif design == "staggered_did":
        text = (
            "analytiske standardfeil fra influensfunksjonene, klynget på enhet"
            if nb
            else "analytic standard errors from the influence functions, clustered by unit"
        )
        if args.get("covariates"):
            text += (
                "; hver ATT(g,t) dobbelt robust gitt kontrollvariablene (Sant'Anna og Zhao 2020)"
                if nb
                else "; each ATT(g,t) doubly robust given the covariates (Sant'Anna & Zhao 2020)"
            )
    elif design == "synthetic_control":
        text = (
            "permutasjonstest med placebo på hver giver (oppløsning 1/(J + 1)); intervall ved testinversjon"
            if nb
            else "permutation test with a placebo on every donor (resolution 1/(J + 1)); interval by test inversion"
        )
    elif design == "synthetic_did":
        kind = se or "placebo"
        text = (
            f"standardfeil ved {'jackknife' if kind == 'jackknife' else 'placebo-omfordeling'}"
            if nb
            else f"{'jackknife' if kind == 'jackknife' else 'placebo'} standard error"
        )
    elif design == "its":
        text = _pick(_ITS_COV.get(se or "ar1", (se, se)), lang)
    elif design == "weighting":
        reps = args.get("bootstrap")
        if reps:
            text = f"bootstrap med {reps} trekk" if nb else f"bootstrap with {reps} resamples"
        else:
            text = (
                "sandwich fra M-estimering (tilbøyelighetsmodellen regnet med)"
                if nb
                else "M-estimation sandwich (the propensity model accounted for)"
            )
    elif design == "survival":
        text = (
            "Cox-modellens standardfeil; log-rank-test" if nb else "Cox model standard errors; log-rank test"
        )
    elif design == "prepost":
        text = "parvis t-test" if nb else "paired t-test"
    else:
        text = se or "–"
    inf = getattr(result, "inference", {}) or {}
    dist = inf.get("dist") if isinstance(inf, Mapping) else None
    if dist == "t" and "df" in inf:
        ref = (
            f"t-fordeling med {format_number(inf['df'], 0, lang)} frihetsgrader"
            if nb
            else (f"t distribution with {format_number(inf['df'], 0, lang)} degrees of freedom")
        )
        text = f"{text}; {ref}"
    elif dist == "normal":
        text = f"{text}; {'normalfordeling' if nb else 'normal distribution'}"
    pct = format_number(100 * float(getattr(result, "level", 0.95)), 0, lang)
    return f"{text}; {pct} % {'intervall' if nb else 'interval'}"


__all__ = ["ASSUMPTIONS", "ESTIMANDS", "design_assumptions", "inference_text"]
