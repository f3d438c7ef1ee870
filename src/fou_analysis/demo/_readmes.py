"""README texts (Norwegian + English) written next to each case's demo data."""

from __future__ import annotations

from fou_analysis.demo import _noen_survey as ns
from fou_analysis.demo import _ssb_neet as neet
from fou_analysis.demo import _utstyrsbu_survey as us
from fou_analysis.demo import friskgarden as fg
from fou_analysis.demo import noen
from fou_analysis.demo import utstyrsbu as ub

_BANNER = (
    "> **SYNTETISKE DATA / SYNTHETIC DATA.** Generert av `fou_analysis.demo` (seed {seed}). "
    "Ingen av personene finnes; pseudonymene er nøklede hasher av løpenummer. "
    "None of these people exist; pseudonyms are keyed hashes of running numbers.\n"
)


def utstyrsbu(seed: int, facts: dict) -> str:
    season = ", ".join(f"{m}: {v:+g}" for m, v in ub.SEASON.items())
    return f"""# Utstyrsbu (Steinkjer) — demodata / demo data

{_BANNER.format(seed=seed)}
## Norsk

Utstyrsbua i Steinkjer låner ut sports- og friluftsutstyr gratis til barn og unge (siden 2019).

### Filer
| fil | format | innhold |
|---|---|---|
| `utlan.csv` | UTF-8, `;`, overskriftsrad | utlånslogg, én rad per utlån 2019-01-01..2025-12-31 ({facts["utlan_rows"]} rader) |
| `survey_pre.csv` | Nettskjema CSV-rapport (`;`, UTF-8, alle felt i anførselstegn) | brukerundersøkelse høsten 2023 ({facts["pre_rows"]} innsendinger) |
| `survey_post.csv` | som over | brukerundersøkelse våren 2024 ({facts["post_rows"]} innsendinger) |
| `survey_elements.json` | Nettskjema API v3 `elements` | kodebok for begge bølgene |

### Kolonner i `utlan.csv`
`Utlån-ID` løpenummer; `Gjenstand` utstyr; `Kategori` (Ski, Skøyter, Sykkel, Telt, Fiskeutstyr, Fotball,
Friluft); `Låner` lånekortets pseudonym (`L-` + 8 heks-tegn); `Aldersgruppe` (`6-12`, `13-15`, `16-19`,
`20+`); `Utlånt` og `Levert` (`dd.mm.yyyy`; `Levert` tom = ikke levert ennå eller tapt).

### Kolonner i spørreundersøkelsen
`$submission_id`, `$created` (ISO 8601 med tidssone), `pseudonym` (tekst, kobler bølgene), `alder` (1 = 6-12,
2 = 13-15, 3 = 16-19, 4 = 20+), `aktivitet_dager` (dager per uke med fritidsaktivitet, 0..7, −1 = Vet ikke),
`aktiviteter.fotball|ski|friluft|sykkel|annet` (0/1), `livskvalitet` (0–10), `utgift_spart`
(1 = 0 kr, 2 = under 500, 3 = 500–2000, 4 = 2000–5000, 5 = over 5000, 9 = Vet ikke), `kommentar` (valgfri
fritekst: hva er best, eller hva kunne vært bedre; oppdiktede setninger, kodet i temaer med planens
nøkkelordliste), `$answer_time_ms`.

### Innplantede effekter (sanne verdier)
1. **Flytting 01.03.2023**: nye lokaler med lengre åpningstid gir et **nivåskift på +{ub.LEVEL_CHANGE:g} utlån per
   måned** (ingen endring i trend). Antall unike, gyldige utlån per måned er Poisson med forventning
   {ub.BASELINE:g} + {ub.TREND_PER_MONTH:g}·(måneder siden jan. 2019) + sesong + {ub.LEVEL_CHANGE:g}·1[fra mars 2023];
   sesongledd (sum null): {season}.
2. **Spørreundersøkelsen**: gjennomsnittlig parvis endring i `aktivitet_dager` = **+{us.AKTIVITET_CHANGE:g} dager/uke**
   (sd for endringen ≈ {us.AKTIVITET_CHANGE_SD:g}) og i `livskvalitet` = **+{us.LIVSKVALITET_CHANGE:g}** (sd ≈
   {us.LIVSKVALITET_CHANGE_SD:g}). Svarene er latente normalfordelte skårer, avrundet og avkortet til svarskalaen;
   det latente skiftet er kalibrert slik at forventet *observert* endring er nøyaktig den innplantede verdien.
   {us.N_PRE} svarte før, {us.N_LINKED + us.N_POST_ONLY} etter, {us.N_LINKED} kan kobles. Uten kontrollgruppe er
   dette ikke en kausal effekt.

### Feil som rensingen skal fange
{ub.N_DUPLICATES} eksakte dubletter i `utlan.csv`; {ub.N_REVERSED} rader der `Levert` er før `Utlånt`; én dobbel
innsending i hver bølge (samme pseudonym to ganger, den siste noen minutter senere); én testinnsending
(`pseudonym` = `TEST`) i før-bølgen; noen «Vet ikke» (−1).

## English

Utstyrsbu in Steinkjer lends sports and outdoor equipment to children and young people free of charge.
Files and columns as above: `utlan.csv` is the lending log (`;`, UTF-8, dates `dd.mm.yyyy`, empty `Levert` =
not yet returned or lost); the survey files are Nettskjema CSV reports (every field double-quoted,
question columns by external id, codes not labels) with the API v3 elements codebook; `kommentar` is an
optional free-text answer (invented sentences, coded into themes by the plan's keyword codebook).

**Planted effects (true values).** (1) Interrupted time series: on 2023-03-01 Utstyrsbu moved to new premises
with longer opening hours: **level change +{ub.LEVEL_CHANGE:g} loans per month, no slope change**; monthly counts
of unique valid loans are Poisson with mean {ub.BASELINE:g} + {ub.TREND_PER_MONTH:g}·t + season + {ub.LEVEL_CHANGE:g}·post.
(2) Survey: mean paired change in `aktivitet_dager` **+{us.AKTIVITET_CHANGE:g} days/week** (sd ≈
{us.AKTIVITET_CHANGE_SD:g}), `livskvalitet` **+{us.LIVSKVALITET_CHANGE:g}** (sd ≈ {us.LIVSKVALITET_CHANGE_SD:g}); answers are
rounded and clipped latent scores with the latent shift calibrated so the expected *observed* change equals
the planted value. Without a comparison group this is not a causal effect. "Vet ikke" answers (−1) are
missing completely at random.

**Problems for the cleaner.** {ub.N_DUPLICATES} exact duplicate rows and {ub.N_REVERSED} rows with `Levert` before
`Utlånt` in the lending log; one duplicate submission per wave; one test submission (`TEST`) in the pre wave.
"""


def noen_readme(seed: int, facts: dict) -> str:
    b = noen.BETA
    kontakt = "; ".join(f"`{c}` = valg {v} {lab}" for c, (v, lab) in ns.KONTAKT.items())
    return f"""# Noen AS — demodata / demo data

{_BANNER.format(seed=seed)}
## Norsk

Noen AS er en sosial entreprenør som gir aktivitetstilbud til hjemmeboende personer med demens.
Sammenligningsgruppen er lignende hjemmeboende personer med demens som får ordinære kommunale tjenester.

### Filer
| fil | format | innhold |
|---|---|---|
| `tjenestedata.csv` | UTF-8, `;` | én rad per person ({facts["persons"]}: {noen.N_NOEN} Noen, {noen.N_COMPARISON} sammenligning) |
| `parorende/dataset.csv`, `structure.csv`, `labels.csv` | SurveyXact-eksport, `;`, cp1252 | pårørendeundersøkelsen ({facts["survey_rows"]} rader) |

### Kolonner i `tjenestedata.csv`
`pseudonym` (`N-` + 8 heks-tegn); `gruppe` (`Noen`/`Sammenligning`); `alder` (år ved inntak); `kjonn` (`K`/`M`);
`bor_alene` (0/1); `mmse_inntak` (MMSE 0–30 ved inntak); `startdato`; `sykehjem_dato` (tom = ikke innlagt);
`slutt_oppfolging` (31.12.2025, tidligere ved død/flytting, eller lik `sykehjem_dato` for innlagte). Datoer `dd.mm.yyyy`.

### Variabler i pårørendeundersøkelsen
`pseudonym` (kobler til tjenestedata); `wave` (1 = inntak, 2 = oppfølging 12 måneder senere); `relasjon`
(1 ektefelle/samboer, 2 barn, 3 annen); `zbi_01`..`zbi_12` (Zarit Burden Interview, kortversjon, 0–4, sum 0–48;
bare itemkoder, ingen itemtekst); `qol_01`..`qol_13` (QoL-AD vurdert av pårørende, 1–4, 9 = Vet ikke i ca. 2 % av
cellene); `kontakt_1`..`kontakt_4` (flervalg 0/1; {kontakt}: rekkefølgen følger ikke valgnumrene, se
`structure.csv`); `stato_1`..`stato_5` (SurveyXacts samlede status: 4 = Gjennomført, 2 = Distribuert). Ikke-svar
på oppfølgingen (ca. {100 - ns.FOLLOWUP_RESPONSE * 100:.0f} %) står som rader med blanke enkeltvalg og 0 i flervalg.

### Innplantede effekter (sanne verdier)
1. **Sykehjemsinnleggelse**: hasardratio Noen mot sammenligning = **{noen.HAZARD_RATIO:g}** betinget på kovariater.
   Weibull-modell, form {noen.WEIBULL_SHAPE:g}, skala {noen.WEIBULL_SCALE:g} per år^k; log-hasard
   = log({noen.HAZARD_RATIO:g})·Noen + {b["alder"]:g}·(alder − 80) + {b["bor_alene"]:g}·bor_alene {b["mmse_inntak"]:+g}·(MMSE − 20).
   Død/flytting: eksponentiell, {noen.CENSOR_RATE:g} per år. Seleksjon: Noen-brukere er eldre, bor oftere alene og
   har lavere MMSE. **Studien er for liten til å påvise dette sikkert**: med ca. {facts["events"]} innleggelser og
   1/3 i Noen-gruppen er styrken ca. {facts["power"]:.2f} (Schoenfeld, 5 % nivå); ca. 700 innleggelser trengs
   for 80 % styrke. NB: Vossius, Rokstad mfl. (PLOS ONE 2019) fant **ingen** utsettelse av sykehjemsinnleggelse
   for dagaktivitetstilbud for personer med demens — utsatt innleggelse er et *scenario*, ikke en antakelse.
2. **Pårørendebelastning**: endring i ZBI-12-sum (oppfølging − inntak) er **{abs(ns.ZBI_EFFECT):g} poeng lavere** for
   Noen enn for sammenligning etter justering for alder, bor_alene, mmse_inntak og ZBI ved inntak. Den naive
   forskjellen er mindre (seleksjon: Noen-brukere har dårligere prognose). Itemene følger en énfaktormodell
   (Cronbachs alfa ≈ 0,86).
3. **QoL-AD**: **ingen effekt** (0).

## English

Noen AS is a social enterprise offering activities to home-dwelling people with dementia; the comparison group
receives ordinary municipal services. `tjenestedata.csv` holds one row per person (columns above);
`parorende/` is a SurveyXact export (dataset, structure with `questionName;variableName;questionType;subType;
questionText;choiceValue;choiceText`, labels without header) in cp1252 with `;`.

**Planted effects (true values).** (1) Nursing-home admission hazard ratio Noen vs comparison **{noen.HAZARD_RATIO:g}**
conditional on age, living alone and MMSE (Weibull proportional hazards as above; censoring by death/moving and
on 31.12.2025). The study is **too small to detect this reliably**: about {facts["events"]} admissions give power ≈
{facts["power"]:.2f}. Vossius/Rokstad et al. (PLOS ONE 2019) found no delay in admission for dementia day care,
so delayed admission is a scenario, not an assumption. (2) ZBI-12 total change (follow-up − intake) is
**{abs(ns.ZBI_EFFECT):g} points lower** for Noen after adjusting for the observed confounders (age, bor_alene,
mmse_inntak, baseline ZBI); the latent shift is solved so that the effect among responding Noen users on the
observed 0–48 total is exactly {ns.ZBI_EFFECT:g}; the naive difference is smaller because Noen users are selected
on a worse prognosis. One-factor items, Cronbach's alpha ≈ 0.86. (3) QoL-AD: no effect. Follow-up
non-response is completely at random; non-respondents remain in the export with blank answers.
"""


def friskgarden_readme(seed: int, facts: dict) -> str:
    donors = ", ".join(f"{neet.DONOR_NAMES[c]} {c} ({w:g})" for c, w in neet.DONORS.items())
    return f"""# Friskgården LMS — demodata / demo data

{_BANNER.format(seed=seed)}
## Norsk

Friskgården LMS gir døgnkontinuerlig oppfølging av unge utenfor arbeid og skole; eid av Inn-Trøndelag-kommunene
Steinkjer, Snåsa, Inderøy og (til 2020) Verran.

### Filer
| fil | format | innhold |
|---|---|---|
| `register_personmaaned.csv` | UTF-8, `,` | pseudonymisert registeruttrekk, én rad per person og måned 201901..202512 ({facts["register_rows"]} rader) |
| `deltakere.csv` | UTF-8, `,` | `lopenr,startdato` for {fg.N_PARTICIPANTS} deltakere (`dd.mm.yyyy`) |
| `ssb_neet_kommune.json` | JSON-stat 2.0 som SSBs statistikkbank | NEET-andel og personer 15–29 år per kommune 2010–2025 |

### Kolonner
`lopenr` (`P000123`); `kommunenr` (koden som gjaldt den måneden: Steinkjer 5004 i 2019 og 5006 fra 2020, Verran
5039 i 2019 og deretter 5006, Snåsa 5041, Inderøy 5053, Verdal 5038, Levanger 5037); `aarmnd` (ÅÅÅÅMM);
`status` (1 arbeid, 2 utdanning, 3 ytelse, 4 ingen); `fodselsaar`; `kjonn` (1 mann, 2 kvinne).
{fg.N_PARTICIPANTS} deltakere og {fg.N_COMPARISON} sammenligningsungdommer, 16–25 år. Oppstart i ti halvårskohorter
2020–2024 (januar og august), {fg.N_PARTICIPANTS // len(fg.COHORT_MONTHS)} per kohort.

JSON-stat-filen har dimensjonene `Region` (historiske kommunekoder, gyldige det året: verdier bare i
gyldighetsårene, ellers null uten status; etiketter som `Steinkjer (-2017)`), `ContentsCode` (`AndelNEET` prosent,
`Personer1529` nevneren) og `Tid` 2010–2025. Symboler: `:` = prikket (noen få celler i svært små kommuner),
`..` = mangler (noen få celler). Sammenslåtte kommuners personer er fordelt på de historiske kodene slik at
befolkningsvektede andeler gir 2024-kommunens serie (opp til avrunding).

### Innplantede effekter (sanne verdier)
1. **Arbeid eller utdanning** (status 1 eller 2) øker med **+{fg.EFFECT * 100:g} prosentpoeng fra oppstartsmåneden**,
   konstant og lik for alle kohorter: P(arbeid/utdanning) = α_i + γ_t + {fg.EFFECT:g}·D_it (lineær
   sannsynlighetsmodell uten avkorting). α_i: deltakere N(0,40; 0,12²), sammenligning N(0,60; 0,13²) — seleksjon på
   nivå, parallelle trender holder. γ_t: sesong, koronadipp fra mars 2020, svak trend. Status er vedvarende
   (latent AR(1), ρ = {fg.RHO:g} per måned).
2. **NEET i Steinkjer** (2024-kommune 5006) er **{abs(neet.EFFECT):g} prosentpoeng lavere fra {neet.EFFECT_FROM}** enn
   kontrafaktisk. Kontrafaktisk = konveks kombinasjon av {donors} + N(0; {neet.STEINKJER_NOISE_SD:g}²). Andre
   kommuner følger en faktormodell. Snåsa og Inderøy har ingen innplantet effekt, men bør holdes utenfor
   donorpoolen fordi de også eier Friskgården. Ingen prikkede/manglende celler for Steinkjer eller donorene.

## English

Person-month register extract (`,`, UTF-8), participant list with staggered entry dates, and an SSB-style
JSON-stat 2.0 NEET table with historical municipality codes (values only in the years a code was valid).

**Planted effects (true values).** (1) Being in work or education rises by **+{fg.EFFECT * 100:g} percentage points from
the entry month on**, constant and equal for all cohorts, on top of individual propensity (participants lower:
selection on level, parallel trends hold), common month effects (seasonality, a 2020 Covid dip) and a
person-level random effect. (2) Steinkjer's (5006) NEET share is **{abs(neet.EFFECT):g} percentage points lower from
{neet.EFFECT_FROM} on** than its counterfactual, a convex combination of {donors} plus N(0, {neet.STEINKJER_NOISE_SD:g}²)
noise. Other municipalities follow a three-factor model with sampling noise; merged municipalities' persons
are split over their historical codes so that population-weighted rates rebuild the 2024-unit series.
Ålesund's 1507 (2020–2023) also holds Haram, as in reality.
"""
