"""``fou new-case SLUG``: write a commented plan that teaches the plan format.

The plan names every section and field of :class:`fou_analysis.config.CasePlan` with comments in
Norwegian and English: the active part (a before/after survey outcome and a ``value`` section
with one impact-map row) validates as written, and each design has a commented example outcome
on generic column names (blocks headed ``[example kind:name]``) that parses once uncommented.
"""

from __future__ import annotations

import re
from pathlib import Path

from fou_analysis.config import Project
from fou_analysis.exceptions import SpecificationError

TEMPLATE = """\
# Måleplan for {slug} / Measurement plan for {slug}.
#
# Fyll inn feltene og kjør `fou validate {slug}`; den lister alt som mangler.
# Fill in the fields and run `fou validate {slug}`; it lists everything that is missing.
# Komplette eksempler / complete examples: cases/utstyrsbu.yaml, cases/noen.yaml, cases/friskgarden.yaml.
#
# Blokker merket [example ...] er kommentert ut. Bruk en ved å fjerne «# » foran linjene
# (i de fleste editorer: merk linjene og «toggle comment»), og slett det du ikke trenger.
# Blocks marked [example ...] are commented out. Use one by removing "# " in front of its lines
# (in most editors: select the lines and "toggle comment"), and delete what you do not need.
# Et utfall-eksempel trenger tabellen det nevner («needs table:...») / an outcome example needs
# the table it names ("needs table:...").

slug: {slug}
name: {nb: "{title}", en: "{title}"}     # tiltakets navn / name of the initiative
summary: {nb: "Hva tiltaket gjør, for hvem.", en: "What the initiative does, for whom."}
sector: {nb: "Sektor", en: "Sector"}
municipality: "0000"      # kommunenummer (2024-inndeling) / municipality number (2024 structure)
partners:                 # kind: municipality | social_enterprise | ngo | intermunicipal | research | other
  - {name: "Kommunen", kind: municipality, role: {nb: "Rolle i samskapingen", en: "Role in the co-creation"}}
  - {name: "Sosial entreprenør", kind: social_enterprise, role: {nb: "Rolle", en: "Role"}}
period: {start: 2024-01-01, end: 2025-12-31}   # måleperioden / the period measured

# Endringslogikk: innsats → aktiviteter → resultater → effekter.
# Logic model: inputs → activities → outputs → outcomes.
logic_model:
  inputs: [{nb: "Innsatsfaktorer (penger, folk, lokaler)", en: "Inputs (money, people, premises)"}]
  activities: [{nb: "Aktiviteter", en: "Activities"}]
  outputs: [{nb: "Resultater (antall)", en: "Outputs (counts)"}]
  outcomes: [{nb: "Effekter for brukerne", en: "Outcomes for users"}]

# Rådata: én oppføring per levert fil (eller SurveyXact-mappe) i data/raw/{slug}/.
# Raw data: one entry per delivered file (or SurveyXact folder) in data/raw/{slug}/.
# format: csv | nettskjema | surveyxact | spss | jsonstat | ssb_csv | xlsx | parquet
# Se kolonnene slik de leses / see the columns as read: `fou describe {slug}`.
raw:
  - id: survey_pre
    path: survey_pre.csv
    format: nettskjema
    codebook: survey_elements.json   # Nettskjema sin elements-JSON / Nettskjema's elements JSON
    description: {nb: "Spørreskjema før", en: "Survey before"}
    personal_data: true               # false for offentlig statistikk / false for public statistics
    # [example field:pseudonymise] identifikatorer byttes med nøkkel-hash ved innlesing (krever FOU_PSEUDONYM_KEY) / identifiers replaced by keyed hashes when read (needs FOU_PSEUDONYM_KEY)
    # pseudonymise: [epost]

    # [example field:columns] hva kolonnene må inneholde, sjekkes av `fou validate` / what the columns must hold, checked by `fou validate`
    # columns:
    #   pseudonym: {nullable: false}
    #   score: {type: float, min: 0, max: 10}
    #   kjonn: {allowed: [K, M], required: false}

  - {id: survey_post, path: survey_post.csv, format: nettskjema, codebook: survey_elements.json}
  # [example raw:panel_data] en ryddig tabell, én rad per enhet og periode / a tidy table, one row per unit and period
  # - id: panel_data
  #   path: panel.csv
  #   format: csv
  #   description: {nb: "Enhet × periode", en: "Unit × period"}

  # [example raw:series_data] en tidsserie, én rad per måned / a time series, one row per month
  # - {id: series_data, path: series.csv, format: csv}

  # [example raw:persons_data] én rad per person / one row per person
  # - {id: persons_data, path: persons.csv, format: csv, personal_data: true}

  # [example raw:barometer_data] samskapingsbarometeret, Nettskjema-eksport / the co-creation barometer, a Nettskjema export
  # - {id: barometer_data, path: barometer.csv, format: nettskjema, codebook: barometer_elements.json}

# Bearbeidede tabeller: hver lages av en oppskrift (recipe) fra rådata eller andre tabeller.
# Processed tables: each is made by a recipe from raw files or other tables. Built-in recipes are
# listed in src/fou_analysis/pipeline/recipes.py (e.g. `tidy` for a table that is already tidy);
# a project's own recipes live in recipes/*.py, registered with @fou_analysis.pipeline.recipe("name").
tables:
  - id: survey
    recipe: survey_waves
    sources: [survey_pre, survey_post]
    params: {waves: {survey_pre: pre, survey_post: post}, id: pseudonym}
    description: {nb: "Svar før og etter, koblet per person", en: "Answers before and after, linked per person"}
  # [example table:panel] enhet × periode for did, event_study, staggered_did, synthetic_control, synthetic_did / unit × period
  # - {id: panel, recipe: tidy, sources: [panel_data]}

  # [example table:series] for its / for its
  # - {id: series, recipe: tidy, sources: [series_data]}

  # [example table:persons] for weighting, survival / for weighting, survival
  # - {id: persons, recipe: tidy, sources: [persons_data]}

# Utfall: hva som måles, hvordan, og designet som anslår effekten. Kolonnenavnene under `args`
# er generiske: bytt dem med kolonnene i din tabell (se `fou describe {slug}`).
# Outcomes: what is measured, how, and the design that estimates the effect. The column names
# under `args` are generic: replace them with your table's columns (see `fou describe {slug}`).
# design: prepost | did | event_study | staggered_did | synthetic_control | synthetic_did | its | weighting | survival
outcomes:
  - id: main_outcome
    label: {nb: "utfall", en: "outcome"}
    indicator: {nb: "Hvordan det måles", en: "How it is measured"}
    table: survey
    design: prepost           # før–etter på de samme personene / before–after on the same people
    args: {outcome: score, subject: pseudonym, wave: wave, pre: pre, post: post}
    labels: {scale: 1, decimals: 1, unit: {nb: "poeng", en: "points"}, higher_is_better: true, n_unit: {nb: "personer", en: "persons"}}
    headline: true            # hovedeffekten i porteføljen / the headline effect in the portfolio
    question: main_outcome    # samme spørsmål, andre metoder: én headline per spørsmål / one headline per question
    domain: subjective_wellbeing  # livskvalitetsområde / quality-of-life domain: health | work_education | economy | social_relations | safety | participation | subjective_wellbeing
    can_show: {nb: "Endring hos de samme personene fra før til etter.", en: "Change in the same people from before to after."}
    cannot_show: {nb: "Hva som ville skjedd uten tiltaket (ingen sammenligningsgruppe).", en: "What would have happened without the initiative (no comparison group)."}

  # [example outcome:did] forskjell-i-forskjeller, 2×2 eller toveis faste effekter (TWFE) / difference-in-differences, 2×2 or two-way fixed effects; needs table:panel
  # - id: effect_did
  #   label: {nb: "utfall (forskjell-i-forskjeller)", en: "outcome (difference-in-differences)"}
  #   indicator: {nb: "Endring hos deltakere mot sammenligning", en: "Change in participants against comparison"}
  #   table: panel
  #   design: did
  #   args: {outcome: outcome, treated: treated, post: post, unit: unit, time: period, se: cluster}
  #   # TWFE: post: null, og/and treated = 1 i periodene enheten får tiltaket / in the periods the unit is treated

  # [example outcome:event_study] hendelsesstudie: ledd før og etter oppstart / event study: leads and lags around entry; needs table:panel
  # - id: effect_event
  #   label: {nb: "utfall rundt oppstart", en: "outcome around entry"}
  #   indicator: {nb: "Per periode relativt til oppstart", en: "Per period relative to entry"}
  #   table: panel
  #   design: event_study
  #   args: {outcome: outcome, unit: unit, time: period, first_treated: first_treated, leads: 4, lags: 8}

  # [example outcome:staggered_did] trinnvis oppstart (Callaway–Sant'Anna) / staggered entry (Callaway–Sant'Anna); needs table:panel
  # - id: effect_staggered
  #   label: {nb: "utfall (trinnvis oppstart)", en: "outcome (staggered entry)"}
  #   indicator: {nb: "Per enhet og periode", en: "Per unit and period"}
  #   table: panel
  #   design: staggered_did
  #   args: {outcome: outcome, unit: unit, time: period, first_treated: first_treated, control: notyet}   # control: never | notyet

  # [example outcome:synthetic_control] syntetisk kontroll for én kommune / synthetic control for one municipality; needs table:panel
  # - id: effect_synth
  #   label: {nb: "kommunetall (syntetisk kontroll)", en: "municipal rate (synthetic control)"}
  #   indicator: {nb: "SSB-tall per kommune og år", en: "Statistics Norway figure per municipality and year"}
  #   table: panel
  #   design: synthetic_control
  #   args: {outcome: outcome, unit: unit, time: period, treated_unit: "0000", treatment_start: 2024}
  #   labels: {decimals: 2, higher_is_better: false}

  # [example outcome:synthetic_did] syntetisk forskjell-i-forskjeller / synthetic difference-in-differences; needs table:panel
  # - id: effect_sdid
  #   label: {nb: "kommunetall (syntetisk DiD)", en: "municipal rate (synthetic DiD)"}
  #   indicator: {nb: "SSB-tall per kommune og år", en: "Statistics Norway figure per municipality and year"}
  #   table: panel
  #   design: synthetic_did
  #   args: {outcome: outcome, unit: unit, time: period, treated: treated}

  # [example outcome:its] avbrutt tidsserie: nivå- og trendbrudd ved oppstart / interrupted time series: level and slope change at the start; needs table:series
  # - id: effect_its
  #   label: {nb: "antall per måned", en: "count per month"}
  #   indicator: {nb: "Antall per kalendermåned", en: "Count per calendar month"}
  #   table: series
  #   design: its
  #   args: {outcome: count, time: month, intervention_start: "2024-03-01", seasonality: 12}   # family: poisson for små tall / for small counts

  # [example outcome:weighting] vekting på tilbøyelighet, med sammenligningsgruppe / propensity-score weighting, with a comparison group; needs table:persons
  # - id: effect_weighting
  #   label: {nb: "utfall (vektet sammenligning)", en: "outcome (weighted comparison)"}
  #   indicator: {nb: "Deltakere mot lignende ikke-deltakere", en: "Participants against similar non-participants"}
  #   table: persons
  #   design: weighting
  #   args: {outcome: outcome, treatment: treated, covariates: [age, baseline], estimand: ATT, method: dr}   # method: ipw | dr

  # [example outcome:survival] tid til en hendelse (Kaplan–Meier, Cox) / time to an event (Kaplan–Meier, Cox); needs table:persons
  # - id: effect_survival
  #   label: {nb: "tid til hendelse", en: "time to event"}
  #   indicator: {nb: "År fra start til hendelsen (sensurert ved slutt på oppfølging)", en: "Years from start to the event (censored at end of follow-up)"}
  #   table: persons
  #   design: survival
  #   args: {duration: years, event: event, group: treated, covariates: [age]}
  #   labels: {decimals: 2, unit: {nb: "(log hasardratio)", en: "(log hazard ratio)"}, higher_is_better: false}

# [example section:describe] krysstabell over hvem som ble nådd, små celler skjult / cross-table of who was reached, small cells hidden
# describe:
#   - table: survey
#     rows: wave
#     columns: kjonn
#     label: {nb: "Svar etter runde og kjønn", en: "Answers by wave and sex"}
#     rows_label: {nb: "Runde", en: "Wave"}   # overskrift for radene / header of the rows
#     values: {K: {nb: "Kvinner", en: "Women"}, M: {nb: "Menn", en: "Men"}}   # kategorier i leserens språk / categories in the reader's language

# [example section:barometer] samskapingsbarometeret i rapporten (begge sider vurderer samarbeidet) / the co-creation barometer in the report (both sides rate the partnership)
# barometer:
#   raw: barometer_data              # rådata-id / raw file id
#   partnership: "Ungdomsbasen"      # eller partnership_column: <kolonne> / or partnership_column: <column>
#   side: side                       # kolonnen med kommune/partner / the column with kommune/partner
#   side_codes: {kommune: kommune, partner: partner}
#   wave: runde                      # runde, om barometeret gjentas / wave, if the barometer is repeated
#   respondent: $submission_id
#   prefix: "barometer."             # matrisespørsmålets id og punktum / the matrix question's id and a dot
#   missing_codes: [9]               # «vet ikke» / "don't know"
#   n_min: 3                         # sider med færre svar vises ikke / sides with fewer answers are not shown
#   level: 0.95

# Samfunnsverdi (SROI og R-109): investering og verdikart. Slett hele `value:` om tiltaket ikke verdsettes.
# Societal value (SROI and R-109): investment and impact map. Delete all of `value:` if the initiative is not valued.
value:
  investment_nok: 1000000     # samlet investering / total investment (NOK)
  investment_year: 2024       # prisår for investeringen / price year of the investment
  base_year: 2024             # alle beløp i dette årets kroner / all amounts in this year's kroner
  discount_rate: 0.04         # R-109: 4 % de første 40 årene / the first 40 years
  discount_rate_low: 0.02
  discount_rate_high: 0.06
  public_share: 1.0           # andel netto offentlig finansiert / share that is net public spending
  tax_cost: 0.20              # skattefinansieringskostnad (R-109/2021) / cost of tax financing
  draws: 100000               # Monte Carlo-trekk / draws
  min_grade: 3                # grunnberegning: evidensnivå ≥ 3 og intervall uten null / base case: grade >= 3, interval excludes zero
  # [example field:bank] egen verdibank-CSV i stedet for pakkens / a value-bank CSV of your own instead of the package's
  # bank: data/value_bank.csv

  impact_map:
    # Én rad per interessent og utfall. quantity: et tall, eller "effect:<utfall-id>" for å bruke
    # det anslåtte effekten (ganget med quantity_multiplier). proxy_id fra verdibanken
    # (src/fou_analysis/data/value_bank.csv), eller proxy_nok + proxy_year + proxy_source.
    # One row per stakeholder and outcome. quantity: a number, or "effect:<outcome id>" to use the
    # estimated effect (times quantity_multiplier). proxy_id from the value bank, or proxy_nok +
    # proxy_year + proxy_source.
    # stakeholder/outcome/indicator: én tekst, eller {nb, en} for engelske rapporter / one text, or {nb, en} for English reports
    - stakeholder: {nb: "Brukerne", en: "Users"}
      outcome: {nb: "Høyere livstilfredshet", en: "Higher life satisfaction"}
      indicator: {nb: "Endring (0–10) × brukere per år", en: "Change (0–10) × users per year"}
      quantity: "effect:main_outcome"
      quantity_multiplier: 100         # brukere per år / users per year
      proxy_id: wellby
      deadweight: 0.5                  # hva som ville skjedd uansett / what would have happened anyway
      deadweight_low: 0.3
      deadweight_high: 0.8
      attribution: 0.3                 # andel som skyldes andre / share due to others
      attribution_low: 0.1
      attribution_high: 0.5
      displacement: 0.0                # fortrengning / displacement
      drop_off: 0.5                    # årlig avtagning / yearly drop-off
      duration_years: 2
      unit: {nb: "WELLBY", en: "WELLBYs"}   # hva mengden teller / what the quantity counts
    # [example field:impact_row] en rad med egen verdsetting i stedet for verdibanken / a row with its own price instead of the value bank
    # - stakeholder: "Kommunen"
    #   outcome: "Sparte tjenester"
    #   indicator: "Færre vedtak per år"
    #   quantity: 10
    #   proxy_nok: 50000
    #   proxy_year: 2024
    #   proxy_source: "Kilde med full referanse / source with full citation"
    #   deadweight: 0.2
    #   displacement: 0.0
    #   displacement_low: 0.0
    #   displacement_high: 0.2
    #   attribution: 0.0
    #   drop_off: 0.2
    #   drop_off_low: 0.1
    #   drop_off_high: 0.4
    #   duration_years: 3

  unpriced:                            # virkninger som ikke prissettes / effects not priced
    - {nb: "Ikke prissatt virkning", en: "Non-priced effect"}
  break_even_row: 0                    # raden break-even-analysen ser på / the row break-even looks at

seed: 20261128                         # tilfeldige tall (bootstrap, Monte Carlo) / random numbers
small_cell_min: 5                      # celler under dette skjules i publiserte tabeller / cells below are hidden in published tables
link_min_share: 0.5                    # varsle når under denne andelen av id-ene finnes i begge filer / warn when fewer shared ids than this between linked files

# Samskaping: fase, overføring til drift, historier og fritekst-temaer (valgfritt).
# Co-creation: stage, hand-over to operation, stories and free-text themes (optional).
# [example section:cocreation] fase: ide | pilot | drift | avsluttet / stage: idea | pilot | operation | ended
# stage: pilot
# handover:
#   operator: "Kommunens enhet eller organisasjonen som skal drive tiltaket"   # aldri et personnavn / never a person's name
#   funding_model: {nb: "Hvordan tiltaket finansieres", en: "How the initiative is funded"}
#   funding_until: 2026-12-31
#   agreement: {nb: "Avtalen som gjelder", en: "The agreement in place"}
#   checklist: {owner_named: false, funding_beyond_project: false, agreement: false, competence: false, anchored_in_plans: false}
# stories:                             # vises bare med samtykke; en rolle, aldri et navn / shown only with consent; a role, never a name
#   - text: {nb: "Kort historie.", en: "Short story."}
#     told_by: {nb: "deltaker", en: "participant"}
#     date: 2025-01-15
#     consent: true
#     outcome: main_outcome
#     domain: subjective_wellbeing
# themes:                              # fritekstsvar kodet med nøkkelord / free-text answers coded by keywords
#   table: survey
#   column: comment
#   themes:
#     - {id: safety, label: {nb: "Trygghet", en: "Safety"}, keywords: ["trygg", "safe"]}
"""


def render_template(slug: str) -> str:
    """The commented plan for ``slug`` (valid as written; the examples are commented out)."""
    return TEMPLATE.replace("{slug}", slug).replace("{title}", slug.replace("_", " ").title())


def scaffold_case(project: Project, slug: str) -> Path:
    """Write ``cases/<slug>.yaml`` from :data:`TEMPLATE` and create ``data/raw/<slug>/``.

    Raises
    ------
    SpecificationError
        The slug is not lowercase letters, digits and ``_`` (2–40 characters), or the plan exists.
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", slug):
        raise SpecificationError(
            f"case slug {slug!r} must be lowercase letters, digits or '_' (2–40 characters)"
        )
    path = project.case_file(slug)
    if path.exists():
        raise SpecificationError(f"{path} already exists; edit it instead")
    from fou_analysis import io

    path.parent.mkdir(parents=True, exist_ok=True)
    io.atomic_write_text(path, render_template(slug))
    (project.raw_dir(slug)).mkdir(parents=True, exist_ok=True)
    return path
