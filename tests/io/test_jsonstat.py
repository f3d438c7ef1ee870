"""JSON-stat reader on SSB's real table 05300 (dapla-statbank-client, MIT; data © SSB) and shapes
SSB also sends (synthetic values)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from io_fixture_paths import SSB

from fou_analysis import DataError, io


@pytest.fixture(scope="module")
def d05300():
    return io.read_jsonstat(SSB / "dataset_05300.json")


def test_shape_and_columns(d05300):
    assert d05300.shape == (432, 11)  # 6 * 8 * 1 * 9 cells
    assert list(d05300.columns) == [
        "Avstand1", "Avstand1_label", "Kulturtilbud", "Kulturtilbud_label", "ContentsCode",
        "ContentsCode_label", "Tid", "Tid_label", "period_start", "value", "status",
    ]  # fmt: skip


def test_status_at_known_flat_indices(d05300):
    # flat index 71: Avstand1 "01" (under 1 km), Kulturtilbud "08" (Bokhandel), Tid "2021" → "."
    row = d05300.loc[71]
    assert (row["Avstand1"], row["Kulturtilbud"], row["Tid"]) == ("01", "08", "2021")
    assert row["Kulturtilbud_label"] == "Bokhandel"
    assert row["status"] == "." and np.isnan(row["value"])
    # flat index 360: "06" (50 km eller over), "01", "1991" → ".."
    row = d05300.loc[360]
    assert (row["Avstand1_label"], row["Kulturtilbud"], row["Tid"]) == ("50 km eller over", "01", "1991")
    assert row["status"] == ".."
    assert d05300["status"].notna().sum() == 28
    assert d05300["value"].isna().sum() == 28
    assert d05300.loc[0, "value"] == 16.0 and pd.isna(d05300.loc[0, "status"])


def test_row_major_order(d05300):
    sizes = [6, 8, 1, 9]
    pos = [
        d05300["Avstand1"].astype(int) - 1,
        d05300["Kulturtilbud"].astype(int) - 1,
        pd.Series(0, index=d05300.index),
        d05300["Tid"].map({t: i for i, t in enumerate(d05300["Tid"].unique())}),
    ]
    flat = sum(p * math.prod(sizes[k + 1 :]) for k, p in enumerate(pos))
    assert flat.tolist() == list(range(432))


def test_labels_and_metadata(d05300):
    assert d05300["ContentsCode_label"].iloc[0] == "Avstand til nærmeste lokale/sted"
    assert d05300["period_start"].iloc[8] == pd.Timestamp("2021-01-01")
    meta = d05300.attrs["fou"]
    assert meta["label"].startswith("05300: Avstand til nærmeste lokale/sted")
    assert meta["units"] == {"Avstand": {"base": "prosent", "decimals": 0}}
    assert meta["dimension_labels"]["Tid"] == "år"
    assert meta["format"] == "json-stat"


def test_k_regions_months_and_status_array():
    df = io.read_jsonstat(SSB / "jsonstat_k_regions.json")
    assert df["Region"].tolist()[::2] == ["5006", "3001", "Rest", "EAK"]
    assert df["region_aggregation"].tolist()[::2][:3] == ["K", "K", "K"]
    assert pd.isna(df["region_aggregation"].iloc[6])
    assert df["is_aggregate"].tolist() == [False] * 6 + [True] * 2
    assert df["Region_label"].iloc[2] == "Halden (2020-2023)"
    assert df["period_start"].iloc[0] == pd.Timestamp("2023-09-01")
    assert df.loc[3, "status"] == ":" and np.isnan(df.loc[3, "value"])
    assert df.loc[7, "status"] == "*" and df.loc[7, "value"] == 119870.0


def _write(tmp_path, obj, name="x.json"):
    p = tmp_path / name
    p.write_text(json.dumps(obj), encoding="utf-8")
    return p


def test_sparse_value_object_and_single_status(tmp_path):
    obj = {
        "version": "2.0", "class": "dataset", "id": ["Region", "Tid"], "size": [2, 2],
        "dimension": {
            "Region": {"category": {"index": ["K-21-22", "K-23"]}},
            "Tid": {"category": {"index": {"2024K1": 0, "2024K2": 1}}},
        },
        "value": {"0": 1.5, "3": 4}, "status": "*",
    }  # fmt: skip
    df = io.read_jsonstat(_write(tmp_path, obj))
    assert df["Region"].tolist() == ["21-22", "21-22", "23", "23"]
    assert df["Region_label"].tolist() == ["K-21-22", "K-21-22", "K-23", "K-23"]
    assert df["value"].tolist()[0] == 1.5 and np.isnan(df["value"].iloc[1]) and df["value"].iloc[3] == 4.0
    assert df["status"].tolist() == ["*"] * 4
    assert df["period_start"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")] * 2


def test_jsonstat_v1_wrapper(tmp_path):
    obj = {"dataset": {"dimension": {"id": ["Tid"], "size": [2], "Tid": {"category": {"index": {"2020": 0, "2021": 1}}}},
                       "value": [1, None]}}  # fmt: skip
    df = io.read_jsonstat(_write(tmp_path, obj))
    assert df["Tid"].tolist() == ["2020", "2021"] and np.isnan(df["value"].iloc[1])


def test_dimension_size_mismatch_names_dimension(tmp_path):
    obj = {"class": "dataset", "id": ["Tid"], "size": [3],
           "dimension": {"Tid": {"category": {"index": ["2020", "2021"]}}}, "value": [1, 2, 3]}  # fmt: skip
    with pytest.raises(DataError, match="Tid") as ei:
        io.read_jsonstat(_write(tmp_path, obj, "mismatch.json"))
    assert "mismatch.json" in str(ei.value)
