"""Impact-map checks: every error names the file, the row a person sees (header = 1) and the column."""

from __future__ import annotations

import pandas as pd
import pytest

from fou_analysis import value
from fou_analysis.exceptions import DataError, SpecificationError


def _write(tmp_path, rows, *, comment_lines=0, name="impact_map.csv"):
    path = tmp_path / name
    frame = pd.DataFrame(rows)
    text = "".join(f"# comment {i}\n" for i in range(comment_lines)) + frame.to_csv(index=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("override", "column", "message"),
    [
        ({"attribution": 1.2}, "attribution", "between 0 and 1"),
        ({"deadweight": -0.1}, "deadweight", "between 0 and 1"),
        ({"proxy_source": ""}, "proxy_source", "source"),
        ({"proxy_year": ""}, "proxy_year", "price year"),
        ({"duration_years": 0}, "duration_years", ">= 1"),
        ({"duration_years": 2.5}, "duration_years", "whole number"),
        ({"quantity": "many"}, "quantity", "effect:<key>"),
        ({"quantity": "effect:"}, "quantity", "effect reference"),
        ({"proxy_nok": "abc"}, "proxy_nok", "not a number"),
        ({"drop_off": ""}, "drop_off", "missing"),
        (
            {"attribution_low": 0.5, "attribution_high": 0.6, "attribution": 0.2},
            "attribution",
            "attribution_low",
        ),
        ({"attribution_low": 0.1}, "attribution_high", "both ends"),
        ({"proxy_id": "no_such_value"}, "proxy_id", "unknown value-bank id"),
        ({"quantity_from_effect": "maybe"}, "quantity_from_effect", "flag"),
        ({"proxy_nok": "400,000"}, "proxy_nok", "ambiguous"),
    ],
)
def test_bad_cell_names_file_row_column(tmp_path, make_row, override, column, message):
    rows = [make_row(), make_row(outcome="second", **override)]
    path = _write(tmp_path, rows)
    with pytest.raises(DataError, match=message) as err:
        value.load_impact_map(path)
    assert err.value.file == str(path)
    assert err.value.row == 3  # header = 1, first data row = 2, the bad row = 3
    assert err.value.column == column
    assert "row 3" in str(err.value) and "impact_map.csv" in str(err.value)


def test_comment_lines_are_counted(tmp_path, make_row):
    path = _write(tmp_path, [make_row(attribution=2)], comment_lines=2)
    with pytest.raises(DataError) as err:
        value.load_impact_map(path)
    assert err.value.row == 4  # 2 comment lines, header on line 3, data on line 4


def test_missing_column_points_at_header(tmp_path, make_row):
    row = make_row()
    del row["displacement"]
    path = _write(tmp_path, [row])
    with pytest.raises(DataError) as err:
        value.load_impact_map(path)
    assert (err.value.row, err.value.column) == (1, "displacement")


def test_frame_rows_are_counted_as_in_a_csv(make_row):
    frame = pd.DataFrame([make_row(), make_row(), make_row(duration_years=0)])
    with pytest.raises(DataError) as err:
        value.load_impact_map(frame)
    assert (err.value.file, err.value.row, err.value.column) == (None, 4, "duration_years")


def test_valid_map_round_trip(tmp_path, make_row):
    rows = [
        make_row(attribution=0.3, attribution_low=0.2, attribution_high=0.5),
        make_row(
            outcome="work",
            quantity="effect:work",
            quantity_multiplier=40,
            proxy_id="neet_year",
            proxy_nok="",
            proxy_year="",
            proxy_source="",
        ),
    ]
    m = value.load_impact_map(_write(tmp_path, rows))
    t = m.to_frame()
    assert len(m) == 2 and m.file.endswith("impact_map.csv")
    assert t["row"].tolist() == [2, 3]
    assert t.loc[0, ["attribution_low", "attribution", "attribution_high"]].tolist() == [0.2, 0.3, 0.5]
    assert t.loc[0, "deadweight_low"] == t.loc[0, "deadweight_high"] == 0  # no range: fixed
    assert t.loc[1, "effect_key"] == "work" and bool(t.loc[1, "quantity_from_effect"])
    assert t.loc[1, "quantity_multiplier"] == 40
    # filled from the bank: central value, its price year and citation; low/high kept
    bank = value.load_value_bank().set_index("id")
    assert t.loc[1, "proxy_nok"] == bank.loc["neet_year", "nok_central"]
    assert t.loc[1, "proxy_low"] == bank.loc["neet_year", "nok_low"]
    assert t.loc[1, "proxy_high"] == bank.loc["neet_year", "nok_high"]
    assert t.loc[1, "proxy_year"] == bank.loc["neet_year", "price_year"]
    assert "Vista Analyse" in t.loc[1, "proxy_source"]
    assert m.bank_version == bank.loc["neet_year", "bank_version"]


def test_explicit_proxy_overrides_bank_central(make_row):
    m = value.load_impact_map(
        [make_row(proxy_id="neet_year", proxy_nok=350_000, proxy_year=2012, proxy_source="")]
    )
    t = m.table
    assert t.loc[0, "proxy_nok"] == 350_000 and t.loc[0, "proxy_year"] == 2012
    assert t.loc[0, "proxy_low"] == t.loc[0, "proxy_high"] == 350_000  # bank range not used for an override
    assert "Vista Analyse" in t.loc[0, "proxy_source"]


def test_decimal_comma_and_blank_lines(tmp_path, make_row):
    path = tmp_path / "m.csv"
    frame = pd.DataFrame([make_row(attribution="0,25")])
    path.write_text(frame.to_csv(index=False, sep=",", quoting=1) + "\n\n", encoding="utf-8")
    assert value.load_impact_map(path).table.loc[0, "attribution"] == 0.25


def test_bad_input_type_and_empty_map(make_row):
    with pytest.raises(SpecificationError):
        value.load_impact_map(42)
    with pytest.raises(DataError, match="no rows"):
        value.load_impact_map(pd.DataFrame(columns=list(make_row())))


def test_row_position_lookup(make_row):
    m = value.load_impact_map([make_row(outcome="a"), make_row(outcome="b")])
    assert m.row_position("b") == 1 and m.row_position("youth: a") == 0
    with pytest.raises(SpecificationError):
        m.row_position("c")
    with pytest.raises(SpecificationError):
        m.row_position(5)
