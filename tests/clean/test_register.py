"""Person-level register helpers: spells, first treatment, balanced panels."""

import numpy as np
import pandas as pd
import pytest

from fou_analysis import DataError, SpecificationError
from fou_analysis.clean import CleaningLog, balanced_panel, first_treated, status_spells


def test_status_spells_split_on_change_gap_and_person():
    df = pd.DataFrame(
        {
            "id": [2, 1, 1, 1, 1, 1, 2],
            "ym": [201912, 201911, 201912, 202001, 202002, 202004, 202001],
            "st": [4, 1, 1, 1, 2, 2, 4],
        }
    )
    sp = status_spells(df, person="id", period="ym", status="st")
    assert sp.values.tolist() == [
        [1, 1, 201911, 202001, 3],  # crosses the year boundary: 201912 -> 202001 is consecutive
        [1, 2, 202002, 202002, 1],
        [1, 2, 202004, 202004, 1],  # a gap (202003 missing) starts a new spell
        [2, 4, 201912, 202001, 2],
    ]
    assert sp["months"].sum() == len(df)


def test_status_spells_dates_and_errors():
    df = pd.DataFrame({"id": [1, 1], "m": pd.to_datetime(["2020-01-01", "2020-02-01"]), "st": [3, 3]})
    sp = status_spells(df, person="id", period="m", status="st")
    assert sp["months"].tolist() == [2] and sp["start"].iloc[0] == pd.Timestamp("2020-01-01")
    with pytest.raises(DataError) as exc:
        status_spells(
            pd.DataFrame({"id": [1], "ym": [202013], "st": [1]}), person="id", period="ym", status="st"
        )
    assert exc.value.column == "ym"
    with pytest.raises(DataError, match="more than once"):
        status_spells(
            pd.DataFrame({"id": [1, 1], "ym": [202001, 202001], "st": [1, 2]}),
            person="id",
            period="ym",
            status="st",
        )


def test_first_treated_from_flag_and_from_start_column():
    df = pd.DataFrame(
        {
            "id": [1, 1, 1, 2, 2, 3],
            "t": [2019, 2020, 2021, 2020, 2021, 2021],
            "d": [0, 1, 1, 0, 0, 1],
            "start": [np.nan, 2020, 2020, np.nan, np.nan, 2021],
        }
    )
    ft = first_treated(df, person="id", period="t", treated_flag="d")
    assert ft.set_index("id")["first_treated"].to_dict() == {1: 2020, 2: 0, 3: 2021}
    ft2 = first_treated(df, person="id", start_col="start")
    assert ft2.set_index("id")["first_treated"].to_dict() == {1: 2020, 2: 0, 3: 2021}
    with pytest.raises(SpecificationError):
        first_treated(df, person="id", period="t", treated_flag="d", start_col="start")


def test_balanced_panel_drops_units_with_gaps():
    df = pd.DataFrame(
        {"k": ["a", "a", "a", "b", "b", "c", "c", "c"], "t": [1, 2, 3, 1, 3, 1, 2, 3], "y": range(8)}
    )
    log = CleaningLog()
    out = balanced_panel(df, unit="k", time="t", log=log, source="panel.csv")
    assert out["k"].unique().tolist() == ["a", "c"]
    e = log.entries[0]
    assert (e.rows_in, e.rows_out, e.dropped) == (8, 6, 2)
    assert log.details[0]["k"].tolist() == ["b"]
    sub = balanced_panel(df, unit="k", time="t", times=[1, 3])
    assert sorted(sub["k"].unique()) == ["a", "b", "c"] and len(sub) == 6
