"""Synthetic Utstyrsbu data: the lending log (``utlan.csv``) and its planted level change.

Monthly loan counts are Poisson with mean
``35 + 0.1·(months since Jan 2019) + season[month] + 12·1[month ≥ March 2023]`` — a level change
of +12 loans a month when Utstyrsbu moved to new premises with longer opening hours, and no
slope change. Each loan is then given a day in its month, a borrower (from a pool of loan-card
pseudonyms with uneven activity), a category whose mix follows the season, an item and a return
date. Data problems a cleaner must catch are added last (exact duplicate rows, Levert before
Utlånt), so the counts of *unique, valid* loans follow the model above. The survey part is in
:mod:`fou_analysis.demo._utstyrsbu_survey`.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from fou_analysis.demo._common import ddmmyyyy, pseudonyms, rng_for

START = date(2019, 1, 1)
END = date(2025, 12, 31)
INTERVENTION = date(2023, 3, 1)
BASELINE = 35.0
TREND_PER_MONTH = 0.1
LEVEL_CHANGE = 12.0
# Winter (ski, skates) and summer (bikes, tents, fishing) peaks; the twelve effects sum to zero.
SEASON = {
    1: 8.0,
    2: 10.0,
    3: 6.0,
    4: -3.0,
    5: -2.0,
    6: 6.0,
    7: 8.0,
    8: 1.0,
    9: -6.0,
    10: -9.0,
    11: -12.0,
    12: -7.0,
}
N_BORROWERS = 900
N_DUPLICATES = 25
N_REVERSED = 3
AGE_BANDS = ("6-12", "13-15", "16-19", "20+")
AGE_PROBS = (0.36, 0.30, 0.24, 0.10)

# category -> (items, relative weight by month Jan..Dec, mean loan length in days)
CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[float, ...], float]] = {
    "Ski": (
        (
            "Langrennsski 150 cm",
            "Langrennsski 170 cm",
            "Langrennsski 190 cm",
            "Alpinski 130 cm",
            "Skistaver",
            "Skisko str. 38",
        ),
        (9, 9, 7, 2, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 7),
        9.0,
    ),
    "Skøyter": (
        ("Skøyter str. 36", "Skøyter str. 40", "Hockeyskøyter str. 42", "Hockeykølle"),
        (5, 5, 2, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5, 2, 5),
        7.0,
    ),
    "Sykkel": (
        ("Sykkel 20 tommer", "Sykkel 24 tommer", "Sykkel 26 tommer", "Sykkelhjelm", "Sykkelvogn"),
        (0.2, 0.2, 0.5, 3, 5, 6, 6, 5, 3, 1, 0.3, 0.2),
        8.0,
    ),
    "Telt": (
        ("Telt 2-manns", "Telt 4-manns", "Sovepose", "Liggeunderlag"),
        (0.2, 0.2, 0.5, 1, 3, 6, 7, 4, 1.5, 0.5, 0.2, 0.2),
        5.0,
    ),
    "Fiskeutstyr": (
        ("Fiskestang", "Isfiskeutstyr", "Vadere", "Sluker (sett)"),
        (1, 1.5, 1.5, 1, 2.5, 4, 4, 3, 1.5, 0.5, 0.3, 0.5),
        6.0,
    ),
    "Fotball": (
        ("Fotballsko str. 36", "Fotballsko str. 40", "Fotball", "Leggskinn"),
        (0.3, 0.3, 1, 3, 4, 3.5, 2, 3.5, 3.5, 2, 0.5, 0.3),
        14.0,
    ),
    "Friluft": (
        ("Ryggsekk 40 l", "Truger", "Kano", "Primus", "Hodelykt", "Kjelke"),
        (3, 3, 3, 2, 2, 3, 3, 3, 3, 2, 2, 3),
        4.0,
    ),
}


def month_starts() -> list[date]:
    """First day of every month in the lending period."""
    return [d.date() for d in pd.date_range(START, END, freq="MS")]


def expected_monthly(months: list[date]) -> np.ndarray:
    """The model's expected number of (unique, valid) loans in each month."""
    t = np.arange(len(months), dtype=float)
    season = np.array([SEASON[m.month] for m in months])
    post = np.array([m >= INTERVENTION for m in months], dtype=float)
    return BASELINE + TREND_PER_MONTH * t + season + LEVEL_CHANGE * post


def borrowers(seed: int) -> pd.DataFrame:
    """Loan-card pseudonyms with their age band and an activity weight."""
    rng = rng_for("utstyrsbu", seed, 1)
    ids = pseudonyms("L-", N_BORROWERS, seed=seed, salt="utstyrsbu-laaner")
    band = rng.choice(len(AGE_BANDS), size=N_BORROWERS, p=AGE_PROBS)
    weight = rng.gamma(0.8, 1.0, size=N_BORROWERS)
    return pd.DataFrame(
        {"laaner": ids, "alder_kode": band + 1, "aldersgruppe": [AGE_BANDS[b] for b in band], "vekt": weight}
    )


def loans(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lending log as written (with its data problems) and the true monthly series.

    Returns
    -------
    (log, truth)
        ``log`` has the file's columns with dates as ``dd.mm.yyyy`` strings; ``truth`` has one row
        per month: ``month``, ``expected`` (model mean), ``loans`` (unique valid loans drawn),
        ``post`` (1 from March 2023).
    """
    rng = rng_for("utstyrsbu", seed, 0)
    months = month_starts()
    mu = expected_monthly(months)
    counts = rng.poisson(mu)
    pool = borrowers(seed)
    p_borrower = pool["vekt"].to_numpy() / pool["vekt"].sum()
    cats = list(CATEGORIES)

    rows = []
    for m, n in zip(months, counts, strict=True):
        days_in_month = (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).day
        day = np.sort(rng.integers(1, days_in_month + 1, size=n))
        w = np.array([CATEGORIES[c][1][m.month - 1] for c in cats])
        cat_idx = rng.choice(len(cats), size=n, p=w / w.sum())
        who = rng.choice(len(pool), size=n, p=p_borrower)
        for d, c, b in zip(day, cat_idx, who, strict=True):
            items, _, mean_len = CATEGORIES[cats[c]]
            item = items[rng.integers(len(items))]
            out = date(m.year, m.month, int(d))
            length = 1 + rng.poisson(mean_len - 1)
            back: date | None = out + timedelta(days=int(length))
            if back > END or rng.random() < 0.01:  # not yet returned, or lost
                back = None
            rows.append((cats[c], item, int(b), out, back))

    log = pd.DataFrame(rows, columns=["Kategori", "Gjenstand", "b", "Utlånt", "Levert"])
    log.insert(0, "Utlån-ID", np.arange(10001, 10001 + len(log)))
    log["Låner"] = pool["laaner"].to_numpy()[log["b"]]
    log["Aldersgruppe"] = pool["aldersgruppe"].to_numpy()[log["b"]]

    # Data problems. Levert typed before Utlånt (a slip of the month or day):
    returned = np.flatnonzero(log["Levert"].notna().to_numpy())
    bad = rng.choice(returned, size=N_REVERSED, replace=False)
    for i in bad:
        log.at[i, "Levert"] = log.at[i, "Utlånt"] - timedelta(days=int(rng.integers(3, 40)))
    written = pd.DataFrame(
        {
            "Utlån-ID": log["Utlån-ID"],
            "Gjenstand": log["Gjenstand"],
            "Kategori": log["Kategori"],
            "Låner": log["Låner"],
            "Aldersgruppe": log["Aldersgruppe"],
            "Utlånt": ddmmyyyy(log["Utlånt"]),
            "Levert": ddmmyyyy(log["Levert"]),
        }
    )
    # Exact duplicate rows (double registration), placed right after their original.
    dup = np.sort(rng.choice(len(written), size=N_DUPLICATES, replace=False))
    order = np.sort(np.concatenate([np.arange(len(written)), dup]), kind="stable")
    written = written.iloc[order].reset_index(drop=True)

    truth = pd.DataFrame(
        {
            "month": pd.to_datetime(months),
            "expected": mu,
            "loans": counts,
            "post": [int(m >= INTERVENTION) for m in months],
        }
    )
    return written, truth
