"""The true effects planted in the demo data, machine-readable.

Pipeline tests check that estimates on the demo data recover these values. Every number here is
the value used by the generator (imported from the generator modules, so the two cannot
drift apart); the READMEs written next to the data describe the same numbers in prose.
"""

from __future__ import annotations

from fou_analysis.demo import _noen_survey as noen_survey
from fou_analysis.demo import _ssb_neet as neet
from fou_analysis.demo import _utstyrsbu_survey as ub_survey
from fou_analysis.demo import friskgarden as fg
from fou_analysis.demo import noen
from fou_analysis.demo import utstyrsbu as ub

PLANTED: dict[str, dict] = {
    "utstyrsbu": {
        "monthly_loans": {
            "file": "utlan.csv",
            "design": "interrupted time series (monthly counts of unique valid loans by Utlånt month)",
            "intervention_start": ub.INTERVENTION.isoformat(),
            "level_change": ub.LEVEL_CHANGE,
            "slope_change": 0.0,
            "baseline_jan_2019": ub.BASELINE,
            "trend_per_month": ub.TREND_PER_MONTH,
            "seasonality": dict(ub.SEASON),
            "noise": "Poisson",
        },
        "survey": {
            "files": ["survey_pre.csv", "survey_post.csv", "survey_elements.json"],
            "design": "pre/post, paired by pseudonym",
            "aktivitet_dager_change": ub_survey.AKTIVITET_CHANGE,
            "aktivitet_dager_change_sd": ub_survey.AKTIVITET_CHANGE_SD,
            "livskvalitet_change": ub_survey.LIVSKVALITET_CHANGE,
            "livskvalitet_change_sd": ub_survey.LIVSKVALITET_CHANGE_SD,
            "n_pre": ub_survey.N_PRE,
            "n_post": ub_survey.N_LINKED + ub_survey.N_POST_ONLY,
            "n_linked": ub_survey.N_LINKED,
            "free_text": {
                "column": "kommentar",
                "share_answered": ub_survey.COMMENT_SHARE,
                "phrases": {text: list(themes) for text, themes, _ in ub_survey.COMMENTS},
            },
        },
        "data_problems": {
            "utlan_exact_duplicate_rows": ub.N_DUPLICATES,
            "utlan_levert_before_utlant": ub.N_REVERSED,
            "survey_duplicate_submissions": {"survey_pre.csv": 1, "survey_post.csv": 1},
            "survey_test_submissions": {"survey_pre.csv": 1},
            "survey_vet_ikke_code": "-1",
        },
    },
    "noen": {
        "admission": {
            "file": "tjenestedata.csv",
            "design": "survival (time from startdato to sykehjem_dato, censored at slutt_oppfolging)",
            "hazard_ratio": noen.HAZARD_RATIO,
            "conditional_on": ["alder", "bor_alene", "mmse_inntak"],
            "log_hazard_coefficients": dict(noen.BETA),
            "baseline": {
                "distribution": "Weibull",
                "shape": noen.WEIBULL_SHAPE,
                "scale_per_year": noen.WEIBULL_SCALE,
            },
            "censoring_rate_per_year": noen.CENSOR_RATE,
            "approximate_power": 0.19,
            "power_note": "Schoenfeld approximation with about 100 admissions and 1/3 treated: "
            "about 0.19 at the 5 % level; about 700 admissions would be needed for 0.8.",
        },
        "caregiver_burden": {
            "file": "parorende/dataset.csv",
            "design": "change score, regression adjustment or weighting on observed confounders",
            "zbi12_change_effect": noen_survey.ZBI_EFFECT,
            "estimand": "ATT among Noen users answering both waves, on the 0-48 ZBI-12 total",
            "confounders": ["alder", "bor_alene", "mmse_inntak", "zbi12_baseline"],
            "naive_differs": True,
            "cronbach_alpha_approx": 0.86,
        },
        "quality_of_life": {"qol_ad_change_effect": 0.0, "vet_ikke_code": 9},
        "followup_response_rate": noen_survey.FOLLOWUP_RESPONSE,
    },
    "friskgarden": {
        "work_or_education": {
            "file": "register_personmaaned.csv",
            "design": "staggered difference-in-differences (entry month from deltakere.csv)",
            "effect_pp": round(fg.EFFECT * 100, 6),
            "effect_probability": fg.EFFECT,
            "outcome": "status in {1, 2}",
            "dynamic": "constant from the entry month on, same for all cohorts",
            "n_participants": fg.N_PARTICIPANTS,
            "n_comparison": fg.N_COMPARISON,
            "cohorts": [str(p) for p in fg.COHORT_MONTHS],
        },
        "neet_synthetic_control": {
            "file": "ssb_neet_kommune.json",
            "treated_unit": neet.TREATED,
            "treated_codes": list(neet.TREATED_CODES),
            "effect_pp": neet.EFFECT,
            "effect_from": neet.EFFECT_FROM,
            "donor_weights": dict(neet.DONORS),
            "donor_names": dict(neet.DONOR_NAMES),
            "exclude_from_donors": ["5041", "5053"],
            "counterfactual_noise_sd": neet.STEINKJER_NOISE_SD,
        },
    },
}
