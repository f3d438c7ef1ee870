"""Names of diagnostic checks as a reader sees them, in Norwegian (bokmål) and English.

A :class:`~fou_analysis.effects._result.Diagnostic` keeps a short machine name (``pre_trend``)
for tables, ``diag_*`` columns and evidence grading; reports show :func:`check_label` instead,
so a check id never reaches a report as code. One mapping for every design.
"""

from __future__ import annotations

from fou_analysis.formatting import check_lang

__all__ = ["CHECK_LABELS", "VALUE_LABELS", "check_label", "value_label"]

#: Machine name → ``{"nb": ..., "en": ...}``.
CHECK_LABELS: dict[str, dict[str, str]] = {
    "attrition": {"nb": "Frafall", "en": "Attrition"},
    "balance": {"nb": "Balanse mellom gruppene", "en": "Balance between groups"},
    "bootstrap": {"nb": "Bootstrap", "en": "Bootstrap"},
    "censoring": {"nb": "Sensurering", "en": "Censoring"},
    "clusters": {"nb": "Antall klynger", "en": "Number of clusters"},
    "cohorts": {"nb": "Kohorter", "en": "Cohorts"},
    "common_support": {"nb": "Felles støtte", "en": "Common support"},
    "comparison_group": {"nb": "Sammenligningsgruppe", "en": "Comparison group"},
    "complete_cases": {"nb": "Komplette rader", "en": "Complete cases"},
    "convex_hull": {"nb": "Innenfor donorenes spenn", "en": "Within the donors' range"},
    "dropped_units": {"nb": "Utelatte enheter", "en": "Dropped units"},
    "effective_controls": {"nb": "Effektivt antall kontrollenheter", "en": "Effective number of controls"},
    "effective_sample_size": {"nb": "Effektiv utvalgsstørrelse", "en": "Effective sample size"},
    "events_per_term": {"nb": "Hendelser per modelledd", "en": "Events per model term"},
    "few_treated": {"nb": "Få behandlede enheter", "en": "Few treated units"},
    "independence": {"nb": "Uavhengige rader", "en": "Independent rows"},
    "inference": {"nb": "Usikkerhetsberegning", "en": "Inference"},
    "interval": {"nb": "Intervall", "en": "Interval"},
    "leave_one_out": {"nb": "Utelat én donor om gangen", "en": "Leave one donor out"},
    "max_weight_share": {"nb": "Største enkeltvekt", "en": "Largest single weight"},
    "median_survival": {"nb": "Median tid til hendelse", "en": "Median time to event"},
    "never_treated": {"nb": "Aldri behandlede enheter", "en": "Never-treated units"},
    "permutation_resolution": {"nb": "Oppløsning i permutasjonstesten", "en": "Permutation test resolution"},
    "placebo_date": {"nb": "Falskt starttidspunkt (placebo)", "en": "Placebo start date"},
    "placebo_replications": {"nb": "Placebo-tildelinger", "en": "Placebo replications"},
    "pre_fit": {"nb": "Tilpasning før tiltaket", "en": "Pre-period fit"},
    "pre_trend": {"nb": "Parallelle trender før tiltaket", "en": "Parallel pre-trends"},
    "propensity_model": {"nb": "Modell for tilbøyelighetsskåren", "en": "Propensity score model"},
    "proportional_hazards": {"nb": "Proporsjonale hasarder", "en": "Proportional hazards"},
    "randomisation_inference": {"nb": "Randomiseringsinferens", "en": "Randomisation inference"},
    "residual_autocorrelation": {"nb": "Autokorrelasjon i residualene", "en": "Residual autocorrelation"},
    "series_length": {"nb": "Lengde på tidsserien", "en": "Length of the series"},
    "staggered_timing": {"nb": "Trinnvis oppstart", "en": "Staggered start"},
    "treated_clusters": {"nb": "Behandlede klynger", "en": "Treated clusters"},
    "treatment_switches_off": {"nb": "Tiltaket avsluttes for noen", "en": "Treatment switches off"},
    "weights": {"nb": "Donorvekter", "en": "Donor weights"},
    "wilcoxon_signed_rank": {"nb": "Wilcoxon-test (fortegnsrang)", "en": "Wilcoxon signed-rank test"},
    "wild_bootstrap": {"nb": "Wild bootstrap", "en": "Wild bootstrap"},
}


def check_label(name: str, lang: str = "nb") -> str:
    """The reader's name of a check; an unknown name is shown without underscores.

    Examples
    --------
    >>> check_label("pre_trend", "nb"), check_label("pre_trend", "en")
    ('Parallelle trender før tiltaket', 'Parallel pre-trends')
    >>> check_label("new_check", "en")
    'New check'
    """
    check_lang(lang)
    known = CHECK_LABELS.get(name)
    if known is not None:
        return known[lang]
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


#: Word values some checks report (``"converged"``) → ``{"nb": ..., "en": ...}``.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "converged": {"nb": "konvergerte", "en": "converged"},
    "not converged": {"nb": "konvergerte ikke", "en": "not converged"},
    "sandwich": {"nb": "sandwich", "en": "sandwich"},
    "bootstrap": {"nb": "bootstrap", "en": "bootstrap"},
    "none": {"nb": "ingen", "en": "none"},
}


def value_label(value: str, lang: str = "nb") -> str:
    """A check's word value in ``lang`` (unknown words unchanged).

    Examples
    --------
    >>> value_label("converged", "nb"), value_label("anything", "nb")
    ('konvergerte', 'anything')
    """
    check_lang(lang)
    known = VALUE_LABELS.get(value)
    return value if known is None else known[lang]
