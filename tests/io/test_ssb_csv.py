"""SSB/KOSTRA CSV downloads in both styles (synthetic values in the real formats, see fixtures README)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from io_fixture_paths import SSB

from fou_analysis import io


@pytest.fixture(scope="module")
def label_style():
    return io.read_ssb_csv(SSB / "kostra_label_style.csv")


def test_label_style_wide_to_long(label_style):
    df = label_style
    assert df.shape == (18, 9)
    assert df.attrs["fou"]["decimal"] == "," and df.attrs["fou"]["delimiter"] == ";"
    assert df.attrs["fou"]["notes"][0].startswith("12362: Utvalgte nøkkeltall")
    first = df.iloc[0]
    assert (first["region"], first["region_label"], first["time"], first["value"]) == (
        "EAK",
        "Landet",
        "2022",
        21034.5,
    )
    assert first["period_start"] == pd.Timestamp("2022-01-01")


def test_label_style_symbols_become_status(label_style):
    df = label_style.set_index(["region", "statistikkvariabel", "time"])
    netto = "Netto driftsutgifter per innbygger, pleie og omsorg (kr)"
    assert df.loc[("5006", netto, "2023"), "status"] == ".."
    assert np.isnan(df.loc[("5006", netto, "2023"), "value"])
    assert df.loc[("5007", netto, "2023"), "status"] == ":"
    assert df.loc[("5014", netto, "2022"), "status"] == "-"
    assert df.loc[("5014", netto, "2023"), "value"] == 26044.7
    assert label_style["status"].notna().sum() == 4


def test_label_style_regions(label_style):
    df = label_style
    assert df.loc[df.region == "5014", "region_label"].iloc[0] == "Frøya"  # ISO-8859-1 ø
    agg = df.drop_duplicates("region").set_index("region")["is_aggregate"]
    assert agg.to_dict() == {"EAK": True, "EAKUO": True, "EKA50": True, "EKG10": True,
                             "5006": False, "5007": False, "5014": False}  # fmt: skip


def test_code_style_k_regions_and_quarters():
    df = io.read_ssb_csv(SSB / "region_code_style.csv")
    assert df.shape == (18, 8)
    assert df.attrs["fou"]["style"] == "code"
    assert df["Region"].unique().tolist() == ["5006", "5007", "Rest", "21-22", "23", "0"]
    assert df.loc[df.Region == "Rest", "region_aggregation"].unique().tolist() == ["K"]
    assert pd.isna(df.loc[df.Region == "0", "region_aggregation"]).all()
    row = df[(df.Region == "0") & (df.time == "2023K4")].iloc[0]
    assert row["value"] == 6570.5 and row["period_start"] == pd.Timestamp("2023-10-01")
    assert df.loc[df.Region == "23", "status"].tolist() == [":", ":", ":"]


def test_long_style(tmp_path):
    p = tmp_path / "long.csv"
    p.write_bytes(
        '"region";"år";"value"\n"K-5006 Steinkjer";"2023M09";"12,5"\n"EAK Landet";"2023M09";".."\n'.encode(
            "latin-1"
        )
    )
    df = io.read_ssb_csv(p)
    assert df["region"].tolist() == ["5006", "EAK"]
    assert df["region_aggregation"].iloc[0] == "K"
    assert df["value"].iloc[0] == 12.5 and df["status"].iloc[1] == ".."
    assert df["period_start"].iloc[0] == pd.Timestamp("2023-09-01")
    assert io.detect_format(p) == "ssb-csv"
