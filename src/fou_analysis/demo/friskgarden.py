"""Synthetic Friskgården register extract: person-months with activity status.

For person ``i`` in month ``t`` the probability of being in work or education (status 1 or 2) is

``p_it = α_i + γ_t + 0.08·D_it``

(a linear probability model, so the planted +8 percentage points hold exactly on the
probability scale; ``p_it`` stays inside (0.05, 0.97), so nothing is clipped). ``α_i`` is the
person's propensity (comparison youth ``N(0.60, 0.13²)``, participants ``N(0.40, 0.12²)``,
truncated to [0.12, 0.80]: selection on level, parallel trends hold), ``γ_t`` the common month
effect (seasonality, a 2020 Covid dip, a slow upward trend) and ``D_it = 1`` from the entry month
on. Status persistence comes from a latent Gaussian AR(1) per person (ρ = 0.92 a month): each
month's uniform ``Φ(z_it)`` is exactly uniform, so ``P(status ∈ {1,2}) = p_it`` while people keep
their status for months. Work vs education and benefits vs nothing are split the same way.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from fou_analysis.demo._common import ddmmyyyy, frame_bytes, rng_for

N_PARTICIPANTS = 150
N_COMPARISON = 600
EFFECT = 0.08
RHO = 0.92
MONTHS = pd.period_range("2019-01", "2025-12", freq="M")
# home municipality -> {year: code valid that year}
CODES = {
    "Steinkjer": {2019: 5004, 2020: 5006},
    "Verran": {2019: 5039, 2020: 5006},
    "Snåsa": {2019: 5041},
    "Inderøy": {2019: 5053},
    "Verdal": {2019: 5038},
    "Levanger": {2019: 5037},
}
HOME_P = {
    "participant": {"Steinkjer": 0.55, "Verran": 0.10, "Snåsa": 0.12, "Inderøy": 0.23},
    "comparison": {
        "Steinkjer": 0.25,
        "Verran": 0.05,
        "Snåsa": 0.05,
        "Inderøy": 0.10,
        "Verdal": 0.27,
        "Levanger": 0.28,
    },
}
# Ten half-year intake cohorts 2020–2024; the first intake month of each half-year.
COHORT_MONTHS = [pd.Period(f"{y}-{m:02d}", freq="M") for y in range(2020, 2025) for m in (1, 8)]


def code_in(home: str, year: int) -> int:
    """The municipality code valid in ``year`` for a home municipality."""
    valid = [y for y in CODES[home] if y <= year]
    return CODES[home][max(valid)]


def month_effects() -> np.ndarray:
    """γ_t: seasonality (summer jobs), Covid dip from March 2020, slow upward trend."""
    season = {
        1: -0.02,
        2: -0.01,
        3: 0.0,
        4: 0.0,
        5: 0.01,
        6: 0.03,
        7: 0.04,
        8: 0.02,
        9: 0.0,
        10: -0.01,
        11: -0.02,
        12: -0.04,
    }
    covid = {
        "2020-03": -0.06,
        "2020-04": -0.07,
        "2020-05": -0.05,
        "2020-06": -0.04,
        "2020-07": -0.03,
        "2020-08": -0.02,
        "2020-09": -0.02,
        "2020-10": -0.01,
        "2020-11": -0.02,
        "2020-12": -0.02,
        "2021-01": -0.02,
        "2021-02": -0.01,
    }
    g = []
    for k, p in enumerate(MONTHS):
        g.append(season[p.month] + covid.get(str(p), 0.0) + 0.0004 * k)
    return np.array(g)


def _persistent_uniform(rng: np.random.Generator, n: int, t: int) -> np.ndarray:
    z = np.empty((n, t))
    z[:, 0] = rng.standard_normal(n)
    scale = np.sqrt(1 - RHO**2)
    for k in range(1, t):
        z[:, k] = RHO * z[:, k - 1] + scale * rng.standard_normal(n)
    return stats.norm.cdf(z)


def register(seed: int) -> dict[str, pd.DataFrame]:
    """The register extract, the participant list and a typed truth table (one row per person)."""
    rng = rng_for("friskgarden", seed, 0)
    n = N_PARTICIPANTS + N_COMPARISON
    part = np.r_[np.ones(N_PARTICIPANTS, dtype=bool), np.zeros(N_COMPARISON, dtype=bool)]
    alpha = np.where(part, rng.normal(0.40, 0.12, n), rng.normal(0.60, 0.13, n)).clip(0.12, 0.80)
    homes = np.empty(n, dtype=object)
    for group, mask in (("participant", part), ("comparison", ~part)):
        names, probs = zip(*HOME_P[group].items(), strict=True)
        homes[mask] = rng.choice(names, size=int(mask.sum()), p=probs)
    cohort = np.full(n, -1)
    cohort[part] = rng.permutation(
        np.repeat(np.arange(len(COHORT_MONTHS)), N_PARTICIPANTS // len(COHORT_MONTHS))
    )
    entry = [COHORT_MONTHS[c] if c >= 0 else None for c in cohort]
    entry_day = np.where(part, rng.integers(1, 29, n), 0)
    ref_year = np.array([e.year if e is not None else 2022 for e in entry])
    age_at_ref = np.where(part, rng.integers(16, 26, n), rng.integers(16, 26, n))
    fodselsaar = ref_year - age_at_ref
    kjonn = np.where(rng.random(n) < np.where(part, 0.60, 0.52), 1, 2)

    t = len(MONTHS)
    month_idx = np.arange(t)
    entry_idx = np.array([MONTHS.get_loc(e) if e is not None else t + 1 for e in entry])
    treated = month_idx[None, :] >= entry_idx[:, None]
    p = alpha[:, None] + month_effects()[None, :] + EFFECT * treated
    active = _persistent_uniform(rng, n, t) < p
    age = np.array([m.year for m in MONTHS])[None, :] - fodselsaar[:, None]
    p_edu = np.select([age <= 19, age <= 22], [0.75, 0.45], 0.25)
    edu = _persistent_uniform(rng, n, t) < p_edu
    p_benefit = np.where(part, 0.55, 0.35)[:, None]
    benefit = _persistent_uniform(rng, n, t) < p_benefit
    status = np.where(active, np.where(edu, 2, 1), np.where(benefit, 3, 4))

    order = rng.permutation(n)  # lopenr carries no information about group
    lopenr = np.empty(n, dtype=object)
    lopenr[order] = [f"P{k + 1:06d}" for k in range(n)]
    years = np.array([m.year for m in MONTHS])
    code_by_person_year = {h: {y: code_in(h, y) for y in range(2019, 2026)} for h in CODES}
    kommunenr = np.array([[code_by_person_year[h][y] for y in years] for h in homes])
    aarmnd = np.array([m.year * 100 + m.month for m in MONTHS])

    sort = np.argsort(lopenr.astype(str))
    reg = pd.DataFrame(
        {
            "lopenr": np.repeat(lopenr[sort], t),
            "kommunenr": kommunenr[sort].ravel(),
            "aarmnd": np.tile(aarmnd, n),
            "status": status[sort].ravel(),
            "fodselsaar": np.repeat(fodselsaar[sort], t),
            "kjonn": np.repeat(kjonn[sort], t),
        }
    )
    pidx = np.flatnonzero(part)
    pidx = pidx[np.argsort(lopenr[pidx].astype(str))]
    start_dates = [date(entry[i].year, entry[i].month, int(entry_day[i])) for i in pidx]
    deltakere = pd.DataFrame({"lopenr": lopenr[pidx], "startdato": ddmmyyyy(start_dates)})
    truth = pd.DataFrame(
        {
            "lopenr": lopenr,
            "participant": part,
            "alpha": alpha,
            "home": homes,
            "entry_month": [str(e) if e is not None else "" for e in entry],
        }
    )
    return {"register_personmaaned": reg, "deltakere": deltakere, "truth_persons": truth}


def register_bytes(frames: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """The two register files as ``,``-separated UTF-8 text."""
    return {
        "register_personmaaned.csv": frame_bytes(frames["register_personmaaned"], sep=","),
        "deltakere.csv": frame_bytes(frames["deltakere"], sep=","),
    }
