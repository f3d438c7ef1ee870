"""Names of diagnostic checks as a reader sees them, in Norwegian (bokmål) and English.

A :class:`~fou_analysis.effects._result.Diagnostic` keeps a short machine name (``pre_trend``)
for tables, ``diag_*`` columns and evidence grading; reports show :func:`check_label` instead,
so a check id never reaches a report as code. One mapping for every design.
"""

from __future__ import annotations

import re

from fou_analysis.formatting import check_lang

__all__ = ["CHECK_LABELS", "DATA_NOTES_NB", "VALUE_LABELS", "check_label", "note_text", "value_label"]

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
    "overlap": {"nb": "Overlapp i tilbøyelighetsskåren", "en": "Propensity score overlap"},
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


def _nb_notes() -> dict[str, str]:
    from importlib import import_module

    # the modules, not the functions of the same name that ``fou_analysis.effects`` exports
    prepost, survival, weighting, staggered, did_module = (
        import_module(f"fou_analysis.effects.{m}")
        for m in ("prepost", "survival", "weighting", "staggered_did", "did")
    )
    nb = {
        prepost.NOTES: (
            "En før–etter-endring hos de samme personene er ikke en årsakseffekt: uten sammenligningsgruppe "
            "kan regresjon mot gjennomsnittet, modning, hendelser mellom målingene og testeffekter ikke "
            "skilles fra effekten av tiltaket.",
            "Bare personer målt begge ganger sammenlignes; hvis de som falt fra skiller seg fra dem som ble "
            "igjen, blir den gjennomsnittlige endringen skjev.",
            "Intervallet forutsetter at endringene er omtrent normalfordelte eller at antallet par er "
            "moderat (t-basert).",
        ),
        weighting.NOTES: (
            "Ingen umålte felles årsaker: alt som påvirker både deltakelse og utfall er blant "
            "kontrollvariablene; vekting kan ikke justere for det som ikke er målt.",
            "Overlapp: personer med de samme kjennetegnene kunne vært i begge grupper (tilbøyelighetsskårer "
            "strengt mellom 0 og 1); se kontrollene for overlapp.",
            "Modellen for tilbøyelighetsskåren (logistisk, som spesifisert) er riktig; med den dobbelt "
            "robuste metoden er det nok at enten den eller utfallsmodellen er riktig.",
            "Én persons deltakelse endrer ikke en annen persons utfall (ingen smitteeffekter).",
        ),
        survival.NOTES: (
            "Proporsjonale hasarder: hasardratioen antas konstant gjennom oppfølgingen (se kontrollen av "
            "proporsjonale hasarder).",
            "Ikke-informativ sensurering: personer hvis oppfølging slutter uten hendelsen har samme "
            "prognose som dem som fortsatt følges.",
            "Hasardratioen er en årsakseffekt bare hvis gruppene er sammenlignbare gitt kontrollvariablene "
            "(ingen umålte felles årsaker); utenfor en randomisert studie er det en sterk forutsetning.",
        ),
        staggered.COVARIATE_NOTES: (
            "Betingede parallelle trender: blant enheter med de samme verdiene på kontrollvariablene i "
            "basisperioden ville hver kohorts utfall uten tiltaket ha endret seg som sammenligningsenhetenes.",
            "Overlapp: hver kohort har sammenligningsenheter med lignende kjennetegn (tilbøyelighetsskårer "
            "klart under 1); se kontrollen av overlapp.",
            "Hver ATT(g,t) er dobbelt robust (Sant'Anna og Zhao 2020): en logistisk modell for "
            "tilbøyelighetsskåren og en lineær regresjon av endringen i utfallet på kontrollvariablene i "
            "basisperioden; estimatet er konsistent hvis en av de to modellene er riktig.",
        ),
    }
    nb[(did_module.NOTE_RI_DEFAULT,)] = (
        "Én behandlet (eller ubehandlet) klynge: klyngerobuste standardfeil er upålitelige "
        "(MacKinnon & Webb 2017), så p-verdi og intervall er beregnet ved randomiseringsinferens "
        "(se='ri', valgt som standard; en 'se' i planen overstyrer dette).",
    )
    out: dict[str, str] = {}
    for en, nb_texts in nb.items():
        out.update(zip(en, nb_texts, strict=True))
    return out


def _nb_number(text: str) -> str:
    """A number the English note wrote ("0.07", "-3") as a Norwegian report writes it."""
    from fou_analysis.formatting import format_number

    decimals = len(text.split(".")[1]) if "." in text else 0
    return format_number(float(text), decimals, "nb")


def _nb_list(text: str) -> str:
    """A list the English note wrote ("[-3, 5]", "5041, 5053"): numbers in Norwegian format."""
    return re.sub(r"-?\d+(?:\.\d+)?", lambda m: _nb_number(m.group(0)), text)


#: Notes the designs build from the data (counts, options, lists): English pattern → Norwegian
#: template (``{0}``, ``{1}`` … are the pattern's groups, numbers in Norwegian format). The report's
#: notes and a result's ``summary("nb")`` use them; a note matching none is returned as written.
DATA_NOTES_NB: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (
            r"^(\d+) rows with missing values in the columns used were left out\.$",
            "{0} rader med manglende verdier i kolonnene som brukes, ble utelatt.",
        ),
        (r"^(\d+) rows with missing values were left out\.$", "{0} rader med manglende verdier ble utelatt."),
        (
            r"^(\d+) rows with a missing outcome, unit or time were left out\.$",
            "{0} rader uten utfall, enhet eller tidspunkt ble utelatt.",
        ),
        (
            r"^(\d+) units not observed in every period were dropped \(balanced panel\)\.$",
            "{0} enheter som ikke er observert i alle perioder, ble fjernet (balansert panel).",
        ),
        (
            r"^(\d+) units treated in the first period were dropped \(no pre-period\)\.$",
            "{0} enheter som fikk tiltaket i første periode, ble fjernet (ingen periode før).",
        ),
        (
            r"^Endpoints binned: event time (-?\d+) collects all earlier, (\d+) all later periods\.$",
            "Endepunktene er samlet: hendelsestid {0} samler alle tidligere og {1} alle senere perioder.",
        ),
        (
            r"^(\d+) rows of treated units outside the event window were dropped\.$",
            "{0} rader for enheter med tiltaket utenfor hendelsesvinduet ble fjernet.",
        ),
        (
            r"^No observations at event times (.+): no coefficient\.$",
            "Ingen observasjoner ved hendelsestidene {0}: ingen koeffisient.",
        ),
        (
            r"^Unit and time fixed effects absorbed \(exact partialling-out\); with staggered adoption TWFE "
            r"assumes the same effect for every adoption cohort and period — otherwise use staggered_did\.$",
            "Faste effekter for enhet og tid er fjernet (eksakt); når enhetene starter på ulike tidspunkt, "
            "antar toveis faste effekter samme effekt for alle startkohorter og perioder – ellers passer "
            "forskjøvet DiD (Callaway og Sant'Anna) bedre.",
        ),
    )
)


def _data_note_nb(note: str) -> str | None:
    for pattern, template in DATA_NOTES_NB:
        m = pattern.match(note)
        if m:
            return template.format(*(_nb_list(g) for g in m.groups()))
    return None


def note_text(note: str, lang: str = "nb") -> str:
    """An assumption note of an effect result in ``lang``.

    The designs write their notes in English; the fixed notes of ``prepost``, ``weighting``,
    ``survival`` and ``staggered_did`` (with covariates), and the note of ``did``'s
    randomisation-inference default (``did.NOTE_RI_DEFAULT``), have a Norwegian text here; the
    notes built from the data (counts, options) have one in :data:`DATA_NOTES_NB`. Other notes are
    returned as written.

    Examples
    --------
    >>> from importlib import import_module
    >>> note_text(import_module("fou_analysis.effects.survival").NOTES[0], "nb")[:25]
    'Proporsjonale hasarder: h'
    >>> note_text("12 rows with missing values were left out.", "nb")
    '12 rader med manglende verdier ble utelatt.'
    >>> note_text("Something else.", "nb")
    'Something else.'
    """
    check_lang(lang)
    if lang == "en":
        return note
    fixed = _nb_notes().get(note)
    return fixed if fixed is not None else (_data_note_nb(note) or note)
