"""aggregate_register (DuckDB) gives the same numbers as a plain pandas computation."""

import io
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from fou_analysis import DataError, SpecificationError
from fou_analysis.clean import aggregate_register

N_STEINKJER, N_VERRAN, N_MOVER, N_OSLO, N_HALDEN, N_SNILLFJORD = 30, 10, 5, 30, 15, 10
MONTHS = [y * 100 + m for y in range(2016, 2024) for m in range(1, 13)]  # 96 months


def _code(kind: str, ym: int, person: int) -> str:
    y = ym // 100
    if kind == "mover":  # Verran until June 2017, then Steinkjer: same 2024 municipality
        kind = "verran" if ym <= 201706 else "steinkjer"
    if kind == "steinkjer":
        return "1702" if y <= 2017 else "5004" if y <= 2019 else "5006"
    if kind == "verran":
        return "1724" if y <= 2017 else "5039" if y <= 2019 else "5006"
    if kind == "oslo":
        return "0301" if person % 2 else "301"  # leading zero lost in some rows
    if kind == "halden":
        return "0101" if y <= 2019 else "3001"
    return "1613" if y <= 2017 else "5012" if y <= 2019 else "5059"  # Snillfjord, split in 2020


@pytest.fixture(scope="module")
def register_files(tmp_path_factory):
    rng = np.random.default_rng(2024)
    kinds = (
        ["steinkjer"] * N_STEINKJER
        + ["verran"] * N_VERRAN
        + ["mover"] * N_MOVER
        + ["oslo"] * N_OSLO
        + ["halden"] * N_HALDEN
        + ["snillfjord"] * N_SNILLFJORD
    )
    rows = []
    for pid, kind in enumerate(kinds, start=1000):
        for ym in MONTHS:
            rows.append((pid, _code(kind, ym, pid), ym))
    df = pd.DataFrame(rows, columns=["lopenr", "kommunenr", "aarmnd"])
    status = rng.integers(1, 5, size=len(df)).astype("float64")
    status[rng.random(len(df)) < 0.02] = np.nan
    df["status"] = pd.array(status, dtype="Int64")
    folder = tmp_path_factory.mktemp("register")
    csv = folder / "reg.csv"
    df.to_csv(csv, index=False)
    pq = folder / "reg.parquet"
    df.assign(kommunenr=df["kommunenr"].str.zfill(4)).to_parquet(pq, index=False)
    return csv, pq, df


def _pandas_reference(df: pd.DataFrame) -> pd.DataFrame:
    text = resources.files("fou_analysis.data").joinpath("kommuner_1994_2024.csv").read_text(encoding="utf-8")
    table = pd.read_csv(io.StringIO(text), comment="#", dtype=str)
    group = dict(zip(table["code"], table["group_code"], strict=True))
    d = df.assign(
        grp=df["kommunenr"].str.zfill(4).map(group),
        year=df["aarmnd"] // 100,
        pos=df["status"].isin([1, 2]).astype(int),
        unk=df["status"].isna().astype(int),
    )
    return (
        d.groupby(["grp", "year"])
        .agg(
            person_months=("lopenr", "size"),
            persons=("lopenr", "nunique"),
            positive_months=("pos", "sum"),
            unknown=("unk", "sum"),
        )
        .reset_index()
    )


def test_matches_pandas_and_steinkjer_counts(register_files):
    csv, _, df = register_files
    out, log = aggregate_register(csv, memory_limit="256MB", threads=1)
    ref = _pandas_reference(df)
    got = out.rename(columns={"kommunenr": "grp"}).merge(ref, on=["grp", "year"], how="outer", indicator=True)
    assert (got["_merge"] == "both").all() and len(got) == len(ref)
    for col in ["person_months", "persons", "positive_months"]:
        assert (got[f"{col}_x"] == got[f"{col}_y"]).all(), col
    assert (got["unknown_status_months"] == got["unknown"]).all()
    share = got["positive_months_x"] / (got["person_months_x"] - got["unknown"])
    np.testing.assert_allclose(got["share_positive"], share)

    st = out[out["kommunenr"] == "5006"].set_index("year")
    n = N_STEINKJER + N_VERRAN + N_MOVER  # the mover counts once in 2017
    for year in (2017, 2019, 2021):
        assert st.loc[year, "persons"] == n
        assert st.loc[year, "person_months"] == 12 * n
    assert st.loc[2017, "source_codes"] == "1702,1724"
    assert st.loc[2019, "source_codes"] == "5004,5039"
    assert st.loc[2021, "source_codes"] == "5006"
    assert set(out.loc[out["kommunenr"] == "Rest", "year"]) == set(range(2016, 2020))
    for e in log.entries:
        assert e.rows_in == e.rows_out + e.dropped
    assert log.entries[0].rows_in == len(df)


def test_parquet_and_monthly_agree_with_csv(register_files):
    csv, pq, _ = register_files
    a, _ = aggregate_register(csv, threads=1)
    b, _ = aggregate_register(pq, threads=1)
    pd.testing.assert_frame_equal(a, b)
    m, _ = aggregate_register(pq, by="month", threads=1)
    assert m["person_months"].sum() == a["person_months"].sum()
    assert set(m["aarmnd"]) == set(MONTHS)


def test_rest_drop_is_logged(register_files):
    csv, _, df = register_files
    out, log = aggregate_register(csv, rest="drop", threads=1)
    assert "Rest" not in set(out["kommunenr"])
    e = [e for e in log.entries if "Rest" in e.step][0]
    assert e.dropped == N_SNILLFJORD * 48  # 2016-2019 months of Snillfjord persons


def test_errors_name_code_file_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame(
        {"lopenr": [1, 2], "kommunenr": ["0301", "1799"], "aarmnd": [202001, 202001], "status": [1, 2]}
    ).to_csv(bad, index=False)
    with pytest.raises(DataError) as exc:
        aggregate_register(bad, threads=1)
    assert "1799" in str(exc.value) and exc.value.file.endswith("bad.csv")
    with pytest.raises(SpecificationError, match="kommune"):
        aggregate_register(bad, code="kommune", threads=1)
    early = tmp_path / "early.csv"
    pd.DataFrame({"lopenr": [1], "kommunenr": ["5006"], "aarmnd": [201701], "status": [1]}).to_csv(
        early, index=False
    )
    with pytest.raises(DataError, match="5006"):
        aggregate_register(early, threads=1)
    with pytest.raises(DataError):
        aggregate_register(tmp_path / "missing.csv")
