"""Synthetic Noen AS data: service records with time to nursing-home admission.

People: 90 Noen users and 180 comparison persons (ordinary municipal services), start dates
uniform over 2021–2024. Selection: Noen users are older (+3 years), more often live alone
(62 % vs 40 %) and have lower MMSE at intake (19.5 vs 21.5).

Admission: Weibull proportional hazards, ``h(t | x) = λ k t^(k−1) exp(x'β)`` with ``k = 1.2``,
``λ = 0.16`` per year^k, and ``x'β = log(0.80)·noen + 0.04·(alder − 80) + 0.35·bor_alene
− 0.08·(mmse − 20)``: the PLANTED hazard ratio for Noen is 0.80 conditional on the covariates.
Competing end of follow-up (death or moving) is exponential with rate 0.10 per year and
administrative censoring is 31.12.2025. For admitted persons ``slutt_oppfolging`` equals
``sykehjem_dato`` (follow-up in the service ends at admission).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from fou_analysis.demo._common import ddmmyyyy, pseudonyms, rng_for

N_NOEN = 90
N_COMPARISON = 180
HAZARD_RATIO = 0.80
WEIBULL_SHAPE = 1.2
WEIBULL_SCALE = 0.16  # λ, per year^k
BETA = {"alder": 0.04, "bor_alene": 0.35, "mmse_inntak": -0.08}
CENSOR_RATE = 0.10  # death or moving away, per year
STUDY_END = date(2025, 12, 31)
START_FROM = date(2021, 1, 1)
START_TO = date(2024, 12, 31)
COLUMNS = (
    "pseudonym",
    "gruppe",
    "alder",
    "kjonn",
    "bor_alene",
    "mmse_inntak",
    "startdato",
    "sykehjem_dato",
    "slutt_oppfolging",
)


def persons(seed: int) -> pd.DataFrame:
    """Covariates with the selection described in the module docstring (typed, not formatted)."""
    rng = rng_for("noen", seed, 0)
    n = N_NOEN + N_COMPARISON
    noen = np.r_[np.ones(N_NOEN, dtype=int), np.zeros(N_COMPARISON, dtype=int)]
    alder = np.clip(np.rint(rng.normal(80.0 + 3.0 * noen, 6.0)), 62, 99).astype(int)
    bor_alene = (rng.random(n) < np.where(noen == 1, 0.62, 0.40)).astype(int)
    mmse = np.clip(np.rint(rng.normal(21.5 - 2.0 * noen, 3.5)), 10, 30).astype(int)
    kjonn = np.where(rng.random(n) < 0.60, "K", "M")
    span = (START_TO - START_FROM).days
    start = [START_FROM + timedelta(days=int(d)) for d in rng.integers(0, span + 1, size=n)]
    ids = pseudonyms("N-", n, seed=seed, salt="noen-person")
    frame = pd.DataFrame(
        {
            "pseudonym": ids,
            "noen": noen,
            "alder": alder,
            "kjonn": kjonn,
            "bor_alene": bor_alene,
            "mmse_inntak": mmse,
            "startdato": start,
        }
    )
    return frame.iloc[rng.permutation(n)].reset_index(drop=True)


def linear_predictor(people: pd.DataFrame) -> np.ndarray:
    """``x'β`` of the admission hazard, including the planted log hazard ratio."""
    return (
        np.log(HAZARD_RATIO) * people["noen"].to_numpy()
        + BETA["alder"] * (people["alder"].to_numpy() - 80)
        + BETA["bor_alene"] * people["bor_alene"].to_numpy()
        + BETA["mmse_inntak"] * (people["mmse_inntak"].to_numpy() - 20)
    )


def service_records(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``tjenestedata.csv`` as written, and the typed truth (times in years, event flag)."""
    people = persons(seed)
    rng = rng_for("noen", seed, 1)
    n = len(people)
    lp = linear_predictor(people)
    # inverse of S(t) = exp(-λ t^k e^lp)
    t_adm = (-np.log(rng.random(n)) / (WEIBULL_SCALE * np.exp(lp))) ** (1.0 / WEIBULL_SHAPE)
    t_cens = rng.exponential(1.0 / CENSOR_RATE, size=n)
    t_admin = np.array([(STUDY_END - s).days / 365.25 for s in people["startdato"]])
    t_end = np.minimum(np.minimum(t_adm, t_cens), t_admin)
    event = (t_adm <= np.minimum(t_cens, t_admin)).astype(int)
    end_dates = [
        min(s + timedelta(days=round(t * 365.25)), STUDY_END)
        for s, t in zip(people["startdato"], t_end, strict=True)
    ]
    adm_dates = [d if e else None for d, e in zip(end_dates, event, strict=True)]

    written = pd.DataFrame(
        {
            "pseudonym": people["pseudonym"],
            "gruppe": np.where(people["noen"] == 1, "Noen", "Sammenligning"),
            "alder": people["alder"],
            "kjonn": people["kjonn"],
            "bor_alene": people["bor_alene"],
            "mmse_inntak": people["mmse_inntak"],
            "startdato": ddmmyyyy(people["startdato"]),
            "sykehjem_dato": ddmmyyyy(adm_dates),
            "slutt_oppfolging": ddmmyyyy(end_dates),
        }
    )
    truth = people.assign(
        linear_predictor=lp,
        time_years=[(d - s).days / 365.25 for d, s in zip(end_dates, people["startdato"], strict=True)],
        event=event,
    )
    return written, truth


def approximate_power(events: float, share_treated: float, hazard_ratio: float = HAZARD_RATIO) -> float:
    """Power of a two-sided 5 % Cox test (Schoenfeld 1983): Φ(√(D p(1−p))·|log HR| − 1.96)."""
    from scipy import stats

    z = np.sqrt(events * share_treated * (1 - share_treated)) * abs(np.log(hazard_ratio))
    return float(stats.norm.cdf(z - stats.norm.ppf(0.975)))
