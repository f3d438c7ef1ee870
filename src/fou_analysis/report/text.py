"""Report text in Norwegian bokmål (``nb``) and English (``en``), and number formatting."""

from __future__ import annotations

from fou_analysis.exceptions import SpecificationError
from fou_analysis.formatting import check_lang, format_nok, format_number

TEXT: dict[str, tuple[str, str]] = {
    # key: (nb, en)
    "sector": ("Sektor", "Sector"),
    "period": ("Periode", "Period"),
    "partners": ("Partnere i samskapingen", "Partners in the co-creation"),
    "inputs": ("Innsats", "Inputs"),
    "activities": ("Aktiviteter", "Activities"),
    "outputs": ("Resultater", "Outputs"),
    "outcomes": ("Effekter", "Outcomes"),
    "logic_model": ("Endringslogikk", "Logic model"),
    "data_overview": ("Data og datarensing", "Data and cleaning"),
    "file": ("Fil", "File"),
    "step": ("Steg", "Step"),
    "rows": ("Rader", "Rows"),
    "rows_in": ("Rader inn", "Rows in"),
    "rows_out": ("Rader ut", "Rows out"),
    "dropped": ("Fjernet", "Dropped"),
    "changed": ("Endrede verdier", "Values changed"),
    "reason": ("Grunn", "Reason"),
    "no_rows_dropped": ("Ingen rader fjernet", "No rows dropped"),
    "cleaning_flow": ("Fra rådata til analyse", "From raw data to analysis"),
    "outcome": ("Utfall", "Outcome"),
    "design": ("Metode", "Design"),
    "estimate": ("Anslag", "Estimate"),
    "ci95": ("95 % intervall", "95 % interval"),
    "mde": ("Minste påvisbare effekt", "Minimum detectable effect"),
    "assumptions": ("Forutsetninger", "Assumptions"),
    "check": ("Kontroll", "Check"),
    "value": ("Verdi", "Value"),
    "verdict": ("Vurdering", "Verdict"),
    "meaning": ("Betydning", "Meaning"),
    "indicator": ("Indikator", "Indicator"),
    "can_show": ("Dette kan metoden vise", "What the design can show"),
    "cannot_show": ("Dette kan den ikke vise", "What it cannot show"),
    "verdict_ok": ("holder", "holds"),
    "verdict_info": ("til orientering", "for information"),
    "verdict_warn": ("usikker", "doubtful"),
    "verdict_fail": ("holder ikke", "fails"),
    "assumption_warn": (
        "En forutsetning er usikker – les tallet med forsiktighet:",
        "An assumption is doubtful – read the number with care:",
    ),
    "assumption_fail": (
        "En forutsetning holder ikke – tallet bør ikke leses som en effekt:",
        "An assumption fails – the number should not be read as an effect:",
    ),
    "effects": ("Effekter", "Effects"),
    "societal_value": ("Samfunnsverdi", "Societal value"),
    "plain_summary": ("Kort fortalt", "In brief"),
    "about_initiative": ("Om tiltaket", "About the initiative"),
    "honesty_note": (
        "Tallene bygger på syntetiske demodata og viser hvordan rapporten ser ut; de sier ingenting om de virkelige tiltakene.",
        "The numbers come from synthetic demo data and show what the report looks like; they say nothing about the real initiatives.",
    ),
    "data_origin": ("Hvor dataene kommer fra", "Where the data come from"),
    "data_files": ("Tallene bygger på disse filene", "The numbers are based on these files"),
    "data_demo_files": (
        "Syntetiske demodata fra «fou demo», som ikke sier noe om de virkelige tiltakene",
        "Synthetic demo data from 'fou demo', which say nothing about the real initiatives",
    ),
    "data_modified": ("endret", "modified"),
    "data_changed": (
        "filen er endret eller flyttet etter at tabellene ble laget – kjør saken på nytt",
        "the file has changed or moved since the tables were made – run the case again",
    ),
    "data_unknown": (
        "Datagrunnlaget er ikke registrert ennå (ingen ferdige tabeller; kjør «fou run» først).",
        "The data behind the numbers are not recorded yet (no prepared tables; run 'fou run' first).",
    ),
    "design_prepost": ("før–etter (samme personer)", "before–after (same people)"),
    "design_did": ("forskjell-i-forskjeller", "difference-in-differences"),
    "design_event_study": ("hendelsesstudie", "event study"),
    "design_staggered_did": (
        "forskjell-i-forskjeller med trinnvis oppstart (Callaway–Sant'Anna)",
        "staggered difference-in-differences (Callaway–Sant'Anna)",
    ),
    "design_synthetic_control": ("syntetisk kontroll", "synthetic control"),
    "design_synthetic_did": ("syntetisk forskjell-i-forskjeller", "synthetic difference-in-differences"),
    "design_its": ("avbrutt tidsserie", "interrupted time series"),
    "design_weighting": ("vekting på tilbøyelighet (propensity score)", "propensity-score weighting"),
    "design_survival": ("forløpsanalyse (Kaplan–Meier, Cox)", "survival analysis (Kaplan–Meier, Cox)"),
    "value_map": ("Verdikart", "Value map"),
    "sroi_caveat": (
        "SROI-forholdstall kan ikke sammenlignes mellom organisasjoner: de avhenger av hvilke utfall som er tatt med og hvordan de er verdsatt.",
        "SROI ratios are not comparable across organisations: they depend on which outcomes were included and how they were valued.",
    ),
    "unpriced": ("Ikke prissatte virkninger", "Non-priced effects"),
    "portfolio": ("Porteføljeoversikt", "Portfolio overview"),
}


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang`` (``nb`` or ``en``)."""
    check_lang(lang)
    if key not in TEXT:
        raise SpecificationError(f"no report text for {key!r}")
    nb, en = TEXT[key]
    return nb if lang == "nb" else en


# One formatter for the whole package (fou_analysis.formatting); these are the report's names.
fmt_number = format_number


def fmt_nok(x: float, lang: str = "nb") -> str:
    return format_nok(x, lang)
