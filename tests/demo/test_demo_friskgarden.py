"""Friskgården demo data: register extract, participants, SSB JSON-stat NEET table, planted effects."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fou_analysis import demo
from fou_analysis.demo import _ssb_neet, friskgarden

FIXTURES = Path(__file__).parent / "fixtures"
OWNERS_2019 = {5004, 5039, 5041, 5053}
ALL_2019 = OWNERS_2019 | {5038, 5037}
ALL_2020 = {5006, 5041, 5053, 5038, 5037}


@pytest.fixture(scope="module")
def register(raw: Path) -> pd.DataFrame:
    return pd.read_csv(raw / "friskgarden" / "register_personmaaned.csv", dtype={"lopenr": str})


@pytest.fixture(scope="module")
def deltakere(raw: Path) -> pd.DataFrame:
    frame = pd.read_csv(raw / "friskgarden" / "deltakere.csv", dtype=str)
    frame["start"] = pd.to_datetime(frame["startdato"], format="%d.%m.%Y")
    return frame


@pytest.fixture(scope="module")
def neet(raw: Path) -> dict:
    return json.loads((raw / "friskgarden" / "ssb_neet_kommune.json").read_text(encoding="utf-8"))


def test_register_layout_and_codes_valid_in_each_month(raw: Path, register: pd.DataFrame) -> None:
    header = (raw / "friskgarden" / "register_personmaaned.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header == "lopenr,kommunenr,aarmnd,status,fodselsaar,kjonn"
    assert register["lopenr"].str.fullmatch(r"P\d{6}").all()
    assert register["lopenr"].nunique() == 750
    assert register.groupby("lopenr").size().eq(84).all()
    assert register["aarmnd"].min() == 201901 and register["aarmnd"].max() == 202512
    assert set(register["status"]) == {1, 2, 3, 4}
    assert set(register["kjonn"]) == {1, 2}
    assert set(register.loc[register["aarmnd"] < 202001, "kommunenr"]) == ALL_2019
    assert set(register.loc[register["aarmnd"] >= 202001, "kommunenr"]) == ALL_2020


def test_participants_enter_in_staggered_half_year_cohorts(
    register: pd.DataFrame, deltakere: pd.DataFrame
) -> None:
    assert len(deltakere) == 150 and set(deltakere["lopenr"]) <= set(register["lopenr"])
    cohorts = deltakere["start"].dt.to_period("M").value_counts()
    assert len(cohorts) == 10 and (cohorts == 15).all()
    assert set(deltakere["start"].dt.month) == {1, 8}
    assert deltakere["start"].dt.year.between(2020, 2024).all()
    first = register[register["lopenr"].isin(deltakere["lopenr"])].groupby("lopenr").first()
    assert set(first["kommunenr"]) <= OWNERS_2019
    merged = deltakere.set_index("lopenr").join(first)
    age = merged["start"].dt.year - merged["fodselsaar"]
    assert age.between(16, 25).all()


def test_probability_model_never_needs_clipping() -> None:
    # p = alpha + gamma + 0.08·D must stay in (0, 1) for the planted +8 pp to be exact.
    gamma = friskgarden.month_effects()
    assert 0.12 + gamma.min() > 0 and 0.80 + gamma.max() + friskgarden.EFFECT < 1


def _twfe(register: pd.DataFrame, entry: pd.Series) -> float:
    y = register["status"].isin([1, 2]).astype(float)
    first = register["lopenr"].map(entry).fillna(999999)
    frame = pd.DataFrame({"y": y, "d": (register["aarmnd"] >= first).astype(float)})
    for col in ("y", "d"):
        v = frame[col]
        frame[col] = (
            v
            - v.groupby(register["lopenr"]).transform("mean")
            - v.groupby(register["aarmnd"]).transform("mean")
            + v.mean()
        )
    return float((frame["y"] * frame["d"]).sum() / (frame["d"] ** 2).sum())


@pytest.mark.simulation
def test_two_way_fixed_effects_recover_the_planted_8_points(
    register: pd.DataFrame, deltakere: pd.DataFrame
) -> None:
    # The effect is constant across cohorts and time, so TWFE is unbiased here. One sample's
    # estimate has sd ≈ 0.021 (persistent status); the mean over 4 seeds has sd ≈ 0.011: allow 0.035.
    estimates = []
    for seed in (101, 102, 103, 104):
        frames = friskgarden.register(seed)
        d = frames["deltakere"]
        start = pd.to_datetime(d["startdato"], format="%d.%m.%Y")
        estimates.append(
            _twfe(
                frames["register_personmaaned"],
                pd.Series((start.dt.year * 100 + start.dt.month).to_numpy(), index=d["lopenr"]),
            )
        )
    assert np.mean(estimates) == pytest.approx(0.08, abs=0.035)
    entry = pd.Series(
        (deltakere["start"].dt.year * 100 + deltakere["start"].dt.month).to_numpy(), index=deltakere["lopenr"]
    )
    assert _twfe(register, entry) == pytest.approx(0.08, abs=0.065)


def test_participants_are_selected_on_level(register: pd.DataFrame, deltakere: pd.DataFrame) -> None:
    pre = register[register["aarmnd"] < 202001]
    active = pre["status"].isin([1, 2]).groupby(pre["lopenr"].isin(deltakere["lopenr"])).mean()
    assert active[False] - active[True] > 0.1


def test_jsonstat_has_the_structure_of_the_real_ssb_response(neet: dict) -> None:
    real = json.loads((FIXTURES / "dataset_05300.json").read_text(encoding="utf-8"))
    assert set(neet) == set(real)
    assert (
        neet["class"] == "dataset" and neet["version"] == "2.0" and neet["source"] == "Statistisk sentralbyrå"
    )
    assert neet["id"] == ["Region", "ContentsCode", "Tid"]
    assert len(neet["value"]) == int(np.prod(neet["size"]))
    for dim, size in zip(neet["id"], neet["size"], strict=True):
        cat = neet["dimension"][dim]["category"]
        assert sorted(cat["index"].values()) == list(range(size)) and set(cat["label"]) == set(cat["index"])
    assert neet["role"] == {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]}
    assert list(neet["dimension"]["Tid"]["category"]["index"]) == [str(y) for y in range(2010, 2026)]
    assert set(neet["dimension"]["ContentsCode"]["category"]["unit"]) == {"AndelNEET", "Personer1529"}
    assert set(neet["status"].values()) == {":", ".."}
    assert all(neet["value"][int(k)] is None for k in neet["status"])


def _cube(neet: dict) -> tuple[list[str], np.ndarray]:
    regions = list(neet["dimension"]["Region"]["category"]["index"])
    values = np.array([np.nan if v is None else v for v in neet["value"]], dtype=float)
    return regions, values.reshape(neet["size"])


def test_codes_have_values_only_in_their_valid_years(neet: dict) -> None:
    regions, cube = _cube(neet)
    status = {int(k) for k in neet["status"]}
    codes = _ssb_neet.municipality_codes().set_index("code")
    years = np.arange(2010, 2026)
    for r, code in enumerate(regions):
        valid = (years >= codes.at[code, "start"]) & (years <= codes.at[code, "end"])
        for c in range(2):
            flat = (r * 2 + c) * len(years) + np.arange(len(years))
            has_value = ~np.isnan(cube[r, c])
            flagged = np.array([i in status for i in flat])
            assert not (has_value & ~valid).any(), code
            assert (has_value | flagged)[valid].all(), code
    labels = neet["dimension"]["Region"]["category"]["label"]
    assert labels["1702"] == "Steinkjer (-2017)" and labels["5004"] == "Steinkjer (2018-2019)"
    assert labels["5006"] == "Steinkjer" and labels["3001"] == "Halden (2020-2023)"
    # every code of the grouping file except Svalbard, the shelf and 'Uoppgitt' is a region
    with resources.files("fou_analysis.data").joinpath("kommuner_1994_2024.csv").open(encoding="utf-8") as fh:
        grouping = pd.read_csv(fh, comment="#", dtype=str)
    expected = set(grouping.loc[~grouping["group_code"].isin(["21-22", "23"]), "code"]) - {"9999"}
    assert set(regions) == expected


def test_number_of_municipalities_per_year_matches_the_reforms(neet: dict) -> None:
    regions, cube = _cube(neet)
    codes = _ssb_neet.municipality_codes().set_index("code")
    count = {
        y: sum(codes.at[c, "start"] <= y <= codes.at[c, "end"] for c in regions)
        for y in (2010, 2017, 2018, 2020, 2024)
    }
    # Norway had 430 municipalities in 2010, 426 in 2017, 422 in 2018, 356 in 2020, 357 in 2024.
    assert count == {2010: 430, 2017: 426, 2018: 422, 2020: 356, 2024: 357}


def _unit_rate(neet: dict, members: dict[str, str]) -> pd.DataFrame:
    regions, cube = _cube(neet)
    rows = []
    for code, unit in members.items():
        r = regions.index(code)
        for k, year in enumerate(range(2010, 2026)):
            if not np.isnan(cube[r, 1, k]):
                rows.append((unit, year, cube[r, 0, k] * cube[r, 1, k], cube[r, 1, k]))
    frame = pd.DataFrame(rows, columns=["unit", "year", "neet", "persons"]).groupby(["unit", "year"]).sum()
    return (frame["neet"] / frame["persons"]).unstack("unit")


@pytest.mark.simulation
def test_steinkjer_gap_to_its_documented_counterfactual(neet: dict) -> None:
    # Rebuild 2024 units by population-weighting the historical codes; rates carry one decimal,
    # the counterfactual has N(0, 0.1²) noise: pre-period gap |mean| < 0.1 and each year < 0.4;
    # post-period mean gap within 0.15 of −1.5.
    members = {"1702": "5006", "1724": "5006", "5004": "5006", "5039": "5006", "5006": "5006"}
    members |= {
        "1719": "5037",
        "5037": "5037",
        "1721": "5038",
        "5038": "5038",
        "1714": "5035",
        "5035": "5035",
    }
    members |= {"0427": "3420", "3420": "3420"}
    rates = _unit_rate(neet, members)
    weights = demo.PLANTED["friskgarden"]["neet_synthetic_control"]["donor_weights"]
    synthetic = sum(w * rates[u] for u, w in weights.items())
    gap = rates["5006"] - synthetic
    assert abs(gap.loc[:2020].mean()) < 0.1 and gap.loc[:2020].abs().max() < 0.4
    assert gap.loc[2021:].mean() == pytest.approx(-1.5, abs=0.15)


def test_merged_municipalities_reconstruct_the_2024_unit(neet: dict) -> None:
    truth = demo.generate("friskgarden")["truth_neet_by_unit"].set_index(["unit", "year"])["rate"]
    rates = _unit_rate(neet, {"1702": "5006", "1724": "5006", "5004": "5006", "5039": "5006", "5006": "5006"})
    assert np.allclose(rates["5006"].to_numpy(), truth.loc["5006"].to_numpy(), atol=0.1)
    regions, cube = _cube(neet)
    # Steinkjer and Verran had different rates before 2020 (the split is not a copy)
    assert not np.allclose(cube[regions.index("1702"), 0, :8], cube[regions.index("1724"), 0, :8])


def test_no_suppressed_or_missing_cells_on_steinkjer_or_donors(neet: dict) -> None:
    regions = list(neet["dimension"]["Region"]["category"]["index"])
    per_region = 2 * 16
    flagged = {regions[int(k) // per_region] for k in neet["status"]}
    assert not flagged & (set(_ssb_neet.TREATED_CODES) | set(_ssb_neet.DONOR_CODES))
    suppressed = {regions[int(k) // per_region] for k, v in neet["status"].items() if v == ":"}
    assert len(suppressed) >= 3
