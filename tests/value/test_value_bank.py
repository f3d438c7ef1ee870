"""The value bank and the price index: sources, ranges, verify flags, and that numbers come
from the bank (never from code)."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from fou_analysis import value
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.value.bank import BANK_COLUMNS


def _bank_text() -> str:
    return resources.files("fou_analysis").joinpath("data", "value_bank.csv").read_text(encoding="utf-8")


def test_bank_loads_with_full_rows():
    bank = value.load_value_bank()
    assert list(bank.columns)[: len(BANK_COLUMNS)] == list(BANK_COLUMNS)
    assert bank["id"].is_unique
    assert (bank["source"].str.len() > 60).all()  # a full citation, not a name
    assert (bank["nok_low"] <= bank["nok_central"]).all() and (bank["nok_central"] <= bank["nok_high"]).all()
    assert bank["bank_version"].nunique() == 1
    assert f"bank_version {bank['bank_version'].iloc[0]}" in _bank_text().splitlines()[0]
    for ident in (
        "wellby",
        "neet_year",
        "neet_lifetime_age20",
        "dementia_care_year",
        "nursing_home_place_year",
        "ski_rental_season",
        "caregiver_hour",
        "vsl",
    ):
        assert ident in set(bank["id"])


def test_verify_and_illustrative_marks_survive():
    bank = value.load_value_bank().set_index("id")
    for ident in ("wellby", "nursing_home_place_year", "caregiver_hour"):
        assert "VERIFY" in bank.loc[ident, "transferability"]
    assert "ILLUSTRATIVE" in bank.loc["ski_rental_season", "transferability"]
    assert "rounded range" in bank.loc["neet_year", "transferability"]


@pytest.mark.reference
def test_bank_numbers_match_their_sources():
    bank = value.load_value_bank().set_index("id")
    # HM Treasury (2021) Wellbeing guidance: GBP 13 000 (10 000–16 000) per WELLBY, 2019 prices,
    # at the stated 11.2 NOK/GBP (Norges Bank 2019 annual average, verify).
    w = bank.loc["wellby"]
    assert (w.nok_low, w.nok_central, w.nok_high, w.price_year) == (
        10_000 * 11.2,
        13_000 * 11.2,
        16_000 * 11.2,
        2019,
    )
    # Falch (2012): NOK 7.1 million per 20-year-old outside work.
    assert bank.loc["neet_lifetime_age20", "nok_central"] == 7_100_000
    # Vista Analyse (2010): about NOK 400 000 per person per year.
    assert bank.loc["neet_year", "nok_central"] == 400_000
    # REDIC (Vossius et al. 2015): NOK 358 000 per person per year, 2013-NOK.
    assert (bank.loc["dementia_care_year", "nok_central"], bank.loc["dementia_care_year", "price_year"]) == (
        358_000,
        2013,
    )
    # R-109 / DFØ: value of a statistical life NOK 30 million, 2012 prices.
    assert (bank.loc["vsl", "nok_central"], bank.loc["vsl", "price_year"]) == (30_000_000, 2012)


def test_bank_value_and_base_year():
    v = value.bank_value("dementia_care_year")
    assert (v.central, v.price_year) == (358_000, 2013)
    moved = value.bank_value("dementia_care_year", base_year=2024, price_index={2013: 100.0, 2024: 140.0})
    assert moved.central == pytest.approx(358_000 * 1.4) and moved.price_year == 2024
    assert moved.low == pytest.approx(v.low * 1.4)
    with pytest.raises(SpecificationError, match="unknown value-bank id"):
        value.bank_value("nope")


def test_changing_the_bank_changes_the_result(tmp_path, make_row):
    """Proves the value is read from the bank: double one number in a copy, the PV doubles."""
    copy = tmp_path / "bank.csv"
    text = _bank_text()
    bank = value.load_value_bank()
    central = int(bank.set_index("id").loc["neet_year", "nok_central"])
    high = int(bank.set_index("id").loc["neet_year", "nok_high"])
    line = next(x for x in text.splitlines() if x.startswith("neet_year,"))
    new_line = line.replace(f",{central},{high},", f",{2 * central},{2 * high},")
    assert new_line != line
    copy.write_text(text.replace(line, new_line), encoding="utf-8")
    row = make_row(proxy_id="neet_year", proxy_nok="", proxy_year="", proxy_source="")
    a = value.sroi(value.load_impact_map([row]), investment=1, discount_rate=0)
    b = value.sroi(value.load_impact_map([row], bank=copy), investment=1, discount_rate=0)
    assert b.present_value == pytest.approx(2 * a.present_value)


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda r: r.update(nok_low=r["nok_high"] + 1), "nok_central"),
        (lambda r: r.update(source=""), "source"),
        (lambda r: r.update(price_year="twenty"), "price_year"),
        (lambda r: r.update(nok_central="x"), "nok_central"),
    ],
)
def test_bad_bank_rows(tmp_path, change, column):
    bank = value.load_value_bank()
    rows = bank.to_dict("records")
    change(rows[1])
    path = tmp_path / "bad_bank.csv"
    path.write_text("# a comment line\n" + pd.DataFrame(rows).to_csv(index=False), encoding="utf-8")
    with pytest.raises(DataError) as err:
        value.load_value_bank(path)
    assert (err.value.file, err.value.row, err.value.column) == (
        str(path),
        4,
        column,
    )  # comment, header, row 0, row 1


def test_duplicate_id(tmp_path):
    bank = value.load_value_bank()
    path = tmp_path / "dup.csv"
    pd.concat([bank, bank.iloc[[0]]]).to_csv(path, index=False)
    with pytest.raises(DataError, match="duplicated id"):
        value.load_value_bank(path)


def test_price_index_file():
    text = resources.files("fou_analysis").joinpath("data", "price_index.csv").read_text(encoding="utf-8")
    assert "VERIFY against SSB table 03014" in text and "03014" in text.splitlines()[0]
    kpi = value.load_price_index()
    assert kpi.index.tolist() == list(range(2010, 2026))
    assert kpi.loc[2015] == 100.0
    assert kpi.is_monotonic_increasing


def test_to_base_year_arithmetic():
    idx = {2010: 80.0, 2020: 100.0, 2024: 120.0}
    assert value.to_base_year(1000, 2020, 2024, idx) == pytest.approx(1200)  # 1000 × 120 / 100
    assert value.to_base_year(1000, 2024, 2010, idx) == pytest.approx(1000 * 80 / 120)
    out = value.to_base_year(pd.Series([1.0, 2.0]), pd.Series([2010, 2020]), 2024, idx)
    assert out.tolist() == pytest.approx([1.5, 2.4])
    # package KPI: consistent with the file
    kpi = value.load_price_index()
    assert value.to_base_year(100, 2015, 2024) == pytest.approx(100 * kpi.loc[2024] / kpi.loc[2015])
    with pytest.raises(SpecificationError, match="1990"):
        value.to_base_year(1, 1990, 2024)


def test_every_bank_row_has_norwegian_texts_and_an_old_bank_without_them_still_loads():
    """#10: the nb report shows the bank's Norwegian population and validity texts; a bank written
    before the nb columns existed loads, with "" there (the report then marks the English)."""
    from fou_analysis.value.bank import NB_COLUMNS

    bank = value.load_value_bank()
    assert list(bank.columns) == [*BANK_COLUMNS, *NB_COLUMNS]
    assert (bank[list(NB_COLUMNS)].apply(lambda s: s.str.len()) > 3).all().all()
    assert bank.attrs["nb_missing"] == []
    # flagged rows keep the flag in English (it drives the report's VERIFY mark) and say so in nb
    verify = bank[bank["transferability"].str.contains("VERIFY")]
    assert not verify.empty and not verify["transferability_nb"].str.contains("VERIFY").any()
    old = bank[list(BANK_COLUMNS)].astype(str)
    loaded = value.load_value_bank(old)
    assert (loaded[list(NB_COLUMNS)] == "").all().all()
    assert loaded.attrs["nb_missing"] == bank["id"].tolist()
    pd.testing.assert_frame_equal(loaded[list(BANK_COLUMNS)], bank[list(BANK_COLUMNS)], check_like=True)
