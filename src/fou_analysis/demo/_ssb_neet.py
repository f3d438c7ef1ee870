"""Synthetic SSB-style NEET table (JSON-stat 2.0) with historical municipality codes.

Model, per 2024 municipality ``g`` and year ``t`` (percent):
``r_gt = a_g + b_g·F1_t + c_g·F2_t + d_g·F3_t + e_gt`` with a national path ``F1`` (slow
decline to 2019, Covid bump 2020–21), a cycle ``F2`` and a trend ``F3``; ``e_gt`` is sampling
noise ``N(0, r(100 − r)/P)`` plus a little idiosyncratic noise, so small municipalities are
noisy. Steinkjer (2024 unit 5006) is instead a convex combination of four donors plus
``N(0, 0.1²)``, minus the PLANTED 1.5 percentage points from 2021 on.

Historical codes: each code appears with values only in the years it was valid (otherwise null
without a status). Where a 2024 municipality was several municipalities earlier, its persons
are split over the codes valid that year and each code gets its own rate, with the
population-weighted mean equal to the 2024 unit's rate, so re-weighting the published rates by
``Personer1529`` reconstructs the 2024-unit series up to rounding (rates have one decimal).
Ålesund's 2020–2023 code 1507 also holds Haram (split off again in 2024), as in reality.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from fou_analysis.demo._common import rng_for

YEARS = list(range(2010, 2026))
TREATED = "5006"
TREATED_CODES = ("1702", "1724", "5004", "5039", "5006")
EFFECT = -1.5
EFFECT_FROM = 2021
DONORS = {"5037": 0.35, "5038": 0.30, "5035": 0.20, "3420": 0.15}
DONOR_NAMES = {"5037": "Levanger", "5038": "Verdal", "5035": "Stjørdal", "3420": "Elverum"}
DONOR_CODES = ("1719", "5037", "1721", "5038", "1714", "5035", "0427", "3420")
STEINKJER_NOISE_SD = 0.1
POPULATION = {"0301": 165000, "4601": 62000, "5001": 52000, "1103": 30000, "5006": 4100, "5037": 3600}
POPULATION |= {"5038": 2800, "5035": 4200, "3420": 3900}
F1 = np.array([0.3, 0.4, 0.3, 0.1, 0.0, 0.1, -0.1, -0.3, -0.5, -0.6, 0.9, 0.4, -0.4, -0.3, -0.1, 0.1])
F2 = np.sin(2 * np.pi * (np.array(YEARS) - 2010) / 9.0)
F3 = (np.array(YEARS) - 2017.5) / 8.0
_NEW_PREFIX = {"50": 2018, **dict.fromkeys(("30", "34", "38", "42", "46", "54"), 2020)}
_NEW_PREFIX |= dict.fromkeys(("31", "32", "33", "39", "40", "55", "56"), 2024)
# Start years the grouping file cannot tell: codes kept through a merger, successors of split ones.
_START_OVERRIDE = {
    "1103": 1994,
    "5001": 2018,
    "5055": 2020,
    "5056": 2020,
    "5059": 2020,
    "1806": 2020,
    "1875": 2020,
}
_START_OVERRIDE["1580"] = 2024
EXTRA_UNITS = {"1507": ("1580",)}  # code -> other 2024 units it held while valid


def municipality_codes() -> pd.DataFrame:
    """Historical municipality codes with their first and last valid year and SSB-style label.

    Read from the package data file ``kommuner_1994_2024.csv``; Svalbard, the continental shelf
    and ``9999`` are left out (not municipalities). ``unit`` is the 2024 municipality, or
    ``Rest:<name>`` for municipalities split between several (their history cannot be
    assigned to one 2024 unit).
    """
    with (
        resources.files("fou_analysis.data")
        .joinpath("kommuner_1994_2024.csv")
        .open("r", encoding="utf-8") as fh
    ):
        k = pd.read_csv(fh, comment="#", dtype=str, keep_default_na=False)
    k = k[~k["group_code"].isin(["21-22", "23"]) & (k["code"] != "9999")].copy()
    vf = pd.to_numeric(k["valid_from"].replace("", None))
    vt = pd.to_numeric(k["valid_to"].replace("", None))
    max_end = vt.groupby(k["group_code"]).transform("max")
    starts = []
    for code, f, to, group_end in zip(k["code"], vf, vt, max_end, strict=True):
        if code in _START_OVERRIDE:
            starts.append(_START_OVERRIDE[code])
        elif pd.notna(f):
            starts.append(max(int(f), 1994))
        else:
            s = _NEW_PREFIX.get(code[:2], 1994)
            if pd.isna(to) and pd.notna(group_end):
                s = max(s, int(group_end) + 1)
            starts.append(s)
    labels = []
    for name, f, to in zip(k["name"], k["valid_from"], k["valid_to"], strict=True):
        labels.append(f"{name} ({f}-{to})" if to else name)
    out = pd.DataFrame(
        {
            "code": k["code"].to_numpy(),
            "unit": np.where(k["group_code"] == "Rest", "Rest:" + k["name"], k["group_code"]),
            "name": k["name"].to_numpy(),
            "label": labels,
            "start": starts,
            "end": vt.fillna(2025).astype(int).to_numpy(),
        }
    )
    return out.sort_values("code", kind="stable").reset_index(drop=True)


def _unit_series(units: list[str], rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rates (percent) and persons 15–29 per unit and year, before splitting over codes."""
    n, t = len(units), len(YEARS)
    base = np.exp(rng.normal(np.log(1200), 1.0, n)).clip(60, 170000)
    pop0 = np.array([POPULATION.get(u, b) for u, b in zip(units, base, strict=True)])
    growth = rng.normal(0.0, 0.008, n)
    pop = pop0[:, None] * (1 + growth[:, None] * (np.array(YEARS)[None, :] - 2024))
    a = rng.normal(7.5, 1.5, n).clip(3, 14)
    b = rng.normal(1.0, 0.35, n)
    c = rng.normal(0.0, 0.5, n)
    d = rng.normal(0.0, 0.6, n)
    mean = a[:, None] + b[:, None] * F1 + c[:, None] * F2 + d[:, None] * F3
    sampling = np.sqrt(np.clip(mean, 0.5, None) * (100 - mean) / pop)
    rate = mean + rng.normal(0.0, 1.0, (n, t)) * sampling + rng.normal(0.0, 0.15, (n, t))
    rate = np.clip(rate, 0.3, 40.0)
    rates = pd.DataFrame(rate, index=units, columns=YEARS)
    pops = pd.DataFrame(pop, index=units, columns=YEARS)
    donor_mix = sum(w * rates.loc[u] for u, w in DONORS.items())
    counterfactual = donor_mix + rng.normal(0.0, STEINKJER_NOISE_SD, t)
    rates.loc[TREATED] = counterfactual + EFFECT * (np.array(YEARS) >= EFFECT_FROM)
    rates.attrs["counterfactual"] = counterfactual
    return rates, pops


def neet_table(seed: int) -> dict[str, object]:
    """Long tables by code and by 2024 unit, plus the JSON-stat document."""
    rng = rng_for("friskgarden", seed, 5)
    codes = municipality_codes()
    units = sorted(codes["unit"].unique())
    rates, pops = _unit_series(units, rng)

    # Split each unit's persons over the codes valid in a year, with code-specific rates.
    row_of = {u: i for i, u in enumerate(units)}
    rate_arr, pop_arr = rates.to_numpy(), pops.to_numpy()
    unit_name = dict(zip(codes["code"], codes["name"], strict=True))
    code_list, unit_list = list(codes["code"]), list(codes["unit"])
    weight_draw = rng.uniform(0.15, 0.6, len(codes))
    offset_draw = rng.normal(0.0, 0.8, len(codes))
    weight, offset = {}, {}
    for i, (code, unit) in enumerate(zip(code_list, unit_list, strict=True)):
        main = unit.startswith("Rest:") or unit_name.get(unit) == unit_name[code]
        weight[code] = 1.0 if main else float(weight_draw[i])
        offset[code] = float(offset_draw[i])
    starts, ends = codes["start"].to_numpy(), codes["end"].to_numpy()
    rows = []
    for k, year in enumerate(YEARS):
        by_unit: dict[str, list[str]] = {}
        for i in np.flatnonzero((starts <= year) & (ends >= year)):
            by_unit.setdefault(unit_list[i], []).append(code_list[i])
        for unit in sorted(by_unit):
            grp = by_unit[unit]
            w = np.array([weight[c] for c in grp])
            share = w / w.sum()
            off = np.array([offset[c] for c in grp]) if len(grp) > 1 else np.zeros(1)
            off = off - np.sum(share * off)
            u = row_of[unit]
            for code, sh, o in zip(grp, share, off, strict=True):
                persons = sh * pop_arr[u, k]
                neet = persons * (rate_arr[u, k] + o)
                for extra in EXTRA_UNITS.get(code, ()):
                    persons += pop_arr[row_of[extra], k]
                    neet += pop_arr[row_of[extra], k] * rate_arr[row_of[extra], k]
                rows.append((code, year, neet / persons, persons))
    long = pd.DataFrame(rows, columns=["code", "year", "rate", "persons"])
    long["rate"] = long["rate"].clip(0.2, 45.0).round(1)
    long["persons"] = long["persons"].round().astype(int)
    unit_long = rates.stack().rename("rate").to_frame().join(pops.stack().rename("persons"))
    unit_long.index.names = ["unit", "year"]
    return {
        "codes": codes,
        "by_code": long,
        "by_unit": unit_long.reset_index(),
        "counterfactual": rates.attrs["counterfactual"],
    }


def jsonstat(table: dict[str, object], seed: int) -> dict:
    """The JSON-stat 2.0 document with ``:`` (suppressed) and ``..`` (missing) cells."""
    rng = rng_for("friskgarden", seed, 6)
    codes: pd.DataFrame = table["codes"]  # type: ignore[assignment]
    long: pd.DataFrame = table["by_code"]  # type: ignore[assignment]
    region = list(codes["code"])
    pos = {c: i for i, c in enumerate(region)}
    t = len(YEARS)
    values: list[float | int | None] = [None] * (len(region) * 2 * t)
    for code, year, rate, persons in long.itertuples(index=False, name=None):
        base = pos[code] * 2 * t + (year - YEARS[0])
        values[base] = float(rate)
        values[base + t] = int(persons)
    status: dict[int, str] = {}
    protected = set(TREATED_CODES) | set(DONOR_CODES)
    mean_persons = long.groupby("code")["persons"].mean().sort_values(kind="stable")
    tiny = [c for c in mean_persons.index if c not in protected][:5]
    for code in tiny:
        yrs = long.loc[long["code"] == code, "year"].to_numpy()
        for year in rng.choice(yrs, size=min(3, len(yrs)), replace=False):
            status[pos[code] * 2 * t + int(year) - YEARS[0]] = ":"
    candidates = long[~long["code"].isin(protected | set(tiny))].reset_index(drop=True)
    for i in rng.choice(len(candidates), size=6, replace=False):
        code, year = candidates.at[i, "code"], int(candidates.at[i, "year"])
        status[pos[code] * 2 * t + int(rng.integers(0, 2)) * t + year - YEARS[0]] = ".."
    for idx in status:
        values[idx] = None
    label_by_code = dict(zip(codes["code"], codes["label"], strict=True))
    return {
        "class": "dataset",
        "label": "99901: Personer 15-29 år utenfor arbeid, utdanning og opplæring (NEET), etter region, "
        "statistikkvariabel og år (SYNTETISKE DEMODATA)",
        "source": "Statistisk sentralbyrå",
        "updated": "2026-03-02T07:00:00Z",
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [len(region), 2, t],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": pos, "label": {c: label_by_code[c] for c in region}},
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"AndelNEET": 0, "Personer1529": 1},
                    "label": {
                        "AndelNEET": "Andel utenfor arbeid, utdanning og opplæring (NEET)",
                        "Personer1529": "Personer 15-29 år",
                    },
                    "unit": {
                        "AndelNEET": {"base": "prosent", "decimals": 1},
                        "Personer1529": {"base": "personer", "decimals": 0},
                    },
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {str(y): i for i, y in enumerate(YEARS)},
                    "label": {str(y): str(y) for y in YEARS},
                },
            },
        },
        "value": values,
        "status": {str(k): v for k, v in sorted(status.items())},
        "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
        "version": "2.0",
        "extension": {"px": {"infofile": "None", "tableid": "99901", "decimals": 1}},
    }
