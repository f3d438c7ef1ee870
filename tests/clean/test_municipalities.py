"""Municipality harmonisation to the 2024 structure (SSB classification 131).

Facts used below (Statistics Norway, Kommuneinndeling; see src/fou_analysis/data/): Steinkjer
1702 (-2017) -> 5004 (2018-19) -> 5006 (2020-, with Verran 1724/5039); Halden 0101 (-2019) ->
3001 (2020-23) -> 3101 (2024); Snillfjord 1613/5012 was split in 2020 (group Rest); Ålesund
1507 (2020-23) also held Haram, which became 1580 in 2024.
"""

import numpy as np
import pandas as pd
import pytest

from fou_analysis import DataError, SpecificationError
from fou_analysis.clean import CleaningLog, harmonise_municipalities
from fou_analysis.clean._kommuner import code_table


def _steinkjer():
    rows = [
        (1702, 2017, 100, 21000),
        (1724, 2017, 20, 2500),
        ("5004", 2018, 110, 21200),
        ("5039", 2018, 19, 2450),
        ("5004", 2019, 105, 21300),
        ("5039", 2019, 18, 2400),
    ] + [("5006", y, 120 + y - 2020, 24000) for y in range(2020, 2025)]
    return pd.DataFrame(rows, columns=["kommunenr", "aar", "neet", "population"])


def test_steinkjer_verran_2017_2024():
    res = harmonise_municipalities(_steinkjer(), code="kommunenr", year="aar", counts=["neet", "population"])
    out = res.data.set_index("aar")
    assert (out["kommunenr"] == "5006").all() and out.index.tolist() == list(range(2017, 2025))
    assert out.loc[2017, "neet"] == 120 and out.loc[2017, "population"] == 23500
    assert out.loc[2018, "neet"] == 129 and out.loc[2019, "population"] == 23700
    assert out.loc[2021, "neet"] == 121
    assert out.loc[2017, "source_codes"] == "1702,1724" and out.loc[2018, "source_codes"] == "5004,5039"
    rep = res.report.set_index("code")
    assert rep.loc["1702", "mapped_to"] == "5006" and rep.loc["5006", "rule"] == "same code"
    assert rep.loc["5004", "years"] == "2018–2019" and rep.loc["5004", "rows"] == 2


def test_halden_renumbered_twice_and_code_formats():
    df = pd.DataFrame(
        {
            "knr": [101, "0101", "K-3001", "K.3001", " 3101 "],
            "year": [2018, 2019, 2020, 2023, 2024],
            "n": [1, 2, 3, 4, 5],
        }
    )
    out = harmonise_municipalities(df, code="knr", year="year", counts="n").data
    assert out["knr"].tolist() == ["3101"] * 5
    assert out["n"].tolist() == [1, 2, 3, 4, 5]
    assert out["kommune_name"].iloc[0] == "Halden"


def test_rate_reweighted_by_population_hand_computed():
    # 2017: Steinkjer 1702 share 0.10 of 21000, Verran 1724 share 0.20 of 2500:
    # (0.10*21000 + 0.20*2500) / 23500 = (2100 + 500) / 23500 = 0.110638...; a blind mean would be 0.15.
    df = pd.DataFrame(
        {"k": ["1702", "1724"], "y": [2017, 2017], "neet_share": [0.10, 0.20], "population": [21000, 2500]}
    )
    out = harmonise_municipalities(df, code="k", year="y", rates={"neet_share": "population"}).data
    assert out["neet_share"].iloc[0] == pytest.approx(2600 / 23500)
    assert out["population"].iloc[0] == 23500


def test_rate_without_denominator_is_an_error():
    df = pd.DataFrame(
        {"k": ["1702", "1724"], "y": [2017, 2017], "neet_share": [0.10, 0.20], "population": [21000, np.nan]}
    )
    with pytest.raises(DataError) as exc:
        harmonise_municipalities(df, code="k", year="y", rates={"neet_share": "population"})
    assert exc.value.column == "population" and exc.value.row == 3


def test_split_municipality_snillfjord_flagged_dropped_or_refused():
    df = pd.DataFrame({"k": ["1613", "5012", "5006"], "y": [2017, 2018, 2020], "n": [5, 6, 7]})
    flagged = harmonise_municipalities(df, code="k", year="y", counts=["n"])
    rest = flagged.data[flagged.data["k"] == "Rest"]
    assert rest["n"].tolist() == [5, 6] and set(rest["source_codes"]) == {"1613", "5012"}
    assert any("Rest" in w for w in flagged.warnings)
    assert flagged.report.set_index("code").loc["1613", "rule"].startswith("Rest")
    flag_entry = [e for e in flagged.log.entries if e.step == "flag split municipalities (Rest)"][0]
    assert (flag_entry.changed, flag_entry.dropped) == (2, 0)

    log = CleaningLog()
    dropped = harmonise_municipalities(df, code="k", year="y", counts=["n"], rest="drop", log=log)
    assert dropped.data["k"].tolist() == ["5006"]
    drop_entry = [e for e in log.entries if "Rest" in e.step][0]
    assert (drop_entry.rows_in, drop_entry.rows_out, drop_entry.dropped) == (3, 1, 2)

    with pytest.raises(DataError, match="1613"):
        harmonise_municipalities(df, code="k", year="y", counts=["n"], rest="error")


def _alesund():
    return pd.DataFrame(
        {
            "k": ["1504", "1534", "1507", "1507", "1508", "1580"],
            "y": [2019, 2019, 2020, 2023, 2024, 2024],
            "pop": [47000, 9000, 66000, 67000, 58000, 9500],
        }
    )


def test_alesund_haram_flag_policy():
    res = harmonise_municipalities(_alesund(), code="k", year="y", counts="pop")
    out = res.data
    flagged = out[out["split_flag"]]
    assert flagged["k"].tolist() == ["1508", "1508"] and flagged["y"].tolist() == [2020, 2023]
    assert out.loc[(out["k"] == "1580") & (out["y"] == 2019), "pop"].item() == 9000
    assert any("1580 Haram" in w for w in res.warnings)
    assert [e.changed for e in res.log.entries if "Haram" in e.step] == [2]


def test_alesund_haram_stable_unit():
    out = harmonise_municipalities(
        _alesund(), code="k", year="y", counts="pop", split_policy="stable_unit"
    ).data
    assert set(out["k"]) == {"1508+1580"}
    assert out.set_index("y")["pop"].to_dict() == {2019: 56000, 2020: 66000, 2023: 67000, 2024: 67500}
    assert not out["split_flag"].any()


def test_unknown_code_names_code_row_and_file():
    df = pd.DataFrame({"k": ["0301", "1799"], "y": [2020, 2020], "n": [1, 2]})
    df.attrs["fou"] = {"source": "data/raw/friskgarden/neet.csv"}
    with pytest.raises(DataError) as exc:
        harmonise_municipalities(df, code="k", year="y", counts=["n"])
    assert (
        "1799" in str(exc.value) and exc.value.row == 3 and exc.value.file == "data/raw/friskgarden/neet.csv"
    )


def test_code_not_valid_in_year():
    df = pd.DataFrame({"k": ["5006", "1702"], "y": [2017, 2017], "n": [1, 2]})
    with pytest.raises(DataError, match="5006.*2017"):
        harmonise_municipalities(df, code="k", year="y", counts=["n"])
    res = harmonise_municipalities(df, code="k", year="y", counts=["n"], invalid_year="flag")
    assert res.data["n"].tolist() == [3] and res.warnings
    # Halden 3101 is a 2024 code; 0301 Oslo is valid throughout; 1702 ended 2017
    for k, y in [("3101", 2023), ("1702", 2018), ("5004", 2020), ("1580", 2021)]:
        with pytest.raises(DataError):
            harmonise_municipalities(pd.DataFrame({"k": [k], "y": [y]}), code="k", year="y")


def test_missing_columns_and_bad_options():
    df = _steinkjer()
    with pytest.raises(SpecificationError, match="befolkning"):
        harmonise_municipalities(df, code="kommunenr", year="aar", counts=["befolkning"])
    with pytest.raises(SpecificationError):
        harmonise_municipalities(df, code="kommunenr", year="aar", rest="guess")


def test_log_rows_and_input_untouched():
    df = _steinkjer()
    before = df.copy()
    log = CleaningLog()
    harmonise_municipalities(df, code="kommunenr", year="aar", counts=["neet"], log=log)
    pd.testing.assert_frame_equal(df, before)
    for e in log.entries:
        assert e.rows_in == e.rows_out + e.dropped
    assert log.entries[0].changed == 6  # 1702, 1724, 5004 x2, 5039 x2 recoded


@pytest.mark.reference
def test_code_table_matches_ssb_grouping():
    # Statistics Norway, classification 131: 360 groups incl. Rest, 21-22, 23 (README of the data).
    t = code_table()
    assert t["group_code"].nunique() == 360
    st = t[t["group_code"] == "5006"].set_index("code")
    assert sorted(st.index) == ["1702", "1724", "5004", "5006", "5039"]
    assert st.loc["5006", "first_year"] == 2020 and st.loc["5004", "last_year"] == 2019
