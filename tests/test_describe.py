"""`fou describe`: a data dictionary that never shows identifiers, rare values or personal data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from fou_analysis import demo, io, pipeline
from fou_analysis.config import Project, load_plan
from fou_analysis.describe import describe_case, describe_frame, format_table, looks_like_identifier

ROOT = Path(__file__).resolve().parents[1]


def _rows(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    return table.set_index("column").to_dict("index")


def test_statistics_of_a_frame() -> None:
    df = pd.DataFrame(
        {
            "alder": [20, 30, 30, 30, 30, 30, None, 41],
            "dato": pd.to_datetime(["2024-01-02"] * 7 + ["2025-03-04"]),
            "gruppe": ["a"] * 5 + ["b"] * 3,
        }
    )
    rows = _rows(describe_frame(df))
    assert rows["alder"] == {
        "type": "float",
        "missing": "1 (12 %)",
        "distinct": "3",
        "p5": "(n < 20)",  # 7 values: the 5th percentile would be the youngest person's age
        "p95": "(n < 20)",
        "examples": "30",  # 20 and 41 occur once: fewer than 5 times, not shown
    }
    assert (rows["dato"]["type"], rows["dato"]["p5"], rows["dato"]["p95"]) == ("date", "(n < 20)", "(n < 20)")
    assert rows["gruppe"]["examples"] == "a" and rows["gruppe"]["p5"] == "–"  # no percentiles for text
    assert _rows(describe_frame(df, min_count=3))["gruppe"]["examples"] == "a, b"


def test_percentiles_replace_the_minimum_and_maximum_and_are_never_one_persons_value() -> None:
    # 41 ages: six aged 18, one each 20..47, six aged 70, and one participant aged 97 (the oldest)
    ages = [18] * 6 + list(range(20, 48)) + [70] * 6 + [97]
    dates = pd.to_datetime(
        ["2024-01-02"] * 5 + [f"2024-02-{d:02d}" for d in range(1, 29)] + ["2024-06-30"] * 8
    )
    df = pd.DataFrame({"alder": ages, "dato": dates, "inntekt": [1000.5 + 17 * i for i in range(41)]})
    table = describe_frame(df)
    rows = _rows(table)
    # inverted_cdf: p5 = the 3rd smallest (ceil(0.05·41) = 3), p95 = the 39th; both held by ≥ 5 people
    assert (rows["alder"]["p5"], rows["alder"]["p95"]) == ("18", "70")
    assert (rows["dato"]["p5"], rows["dato"]["p95"]) == ("2024-01-02", "2024-06-30")
    # every income differs: each percentile would be one person's income
    assert rows["inntekt"]["p5"] == rows["inntekt"]["p95"] == "(< 5 times)"
    text = format_table(table)
    assert "97" not in text and "1000.5" not in text and str(1000.5 + 17 * 40) not in text
    assert "min" not in table.columns and "max" not in table.columns
    # with six aged 70 but a limit of 7, the 95th percentile is a small cell too
    assert _rows(describe_frame(df, min_count=7))["alder"]["p95"] == "(< 7 times)"
    assert _rows(describe_frame(df, min_count=6))["alder"]["p95"] == "70"


def test_examples_carry_codebook_labels() -> None:
    df = pd.DataFrame({"relasjon": [1] * 6 + [2] * 5 + [3], "zbi": [2] * 5 + [1] * 7})
    df.attrs["fou"] = {
        "labels": {"relasjon": {1: "Ektefelle", 2: "Barn", 3: "Annen"}, "zbi": {1: "1", 2: "2"}}
    }
    rows = _rows(describe_frame(df))
    assert rows["relasjon"]["examples"] == "1 (Ektefelle), 2 (Barn)"  # 3 occurs once: not shown
    assert rows["zbi"]["examples"] == "1, 2"  # a label equal to its code is not repeated


def test_identifiers_pseudonymised_columns_and_rare_values_are_never_shown() -> None:
    n = 12
    df = pd.DataFrame(
        {
            "Bruker-ID": [f"{1000 + i}" for i in range(n)],
            "Låner": [f"L-{i:08x}" for i in range(n)],  # code-like values under a harmless name
            "lopenr": range(n),
            "telefon": ["91234567"] * n,
            "kontaktperson": ["Kari Nordmann"] * n,  # listed under pseudonymise in the plan
            "kommentar": [f"Ola var her {i}" for i in range(n)],  # free text: every value rare
            "info": ["skriv til ola@example.no"] * n,  # frequent, but an e-mail address
        }
    )
    table = describe_frame(df, hide=["Kontaktperson"])
    rows = _rows(table)
    for col in ("Bruker-ID", "Låner", "lopenr", "telefon"):
        assert rows[col]["examples"] == "(hidden: identifier)", col
        assert rows[col]["p5"] == rows[col]["p95"] == "–"
    assert rows["kontaktperson"]["examples"] == "(hidden: pseudonymised)"
    assert rows["kommentar"]["examples"] == "(each value < 5 times)"
    assert "@" in rows["info"]["examples"] and "ola@example.no" not in rows["info"]["examples"]
    text = format_table(table)
    for secret in ("L-00000001", "91234567", "Kari", "Ola var", "ola@example.no", "1003"):
        assert secret not in text, secret
    assert rows["lopenr"]["distinct"] == str(n)  # counts are still given


def test_identifier_names() -> None:
    for name in ("id", "Utlån-ID", "bruker_id", "pseudonym", "løpenr", "fødselsnummer", "E-post", "navn"):
        assert looks_like_identifier(name), name
    for name in ("tid", "arbeid", "kategori", "alder", "fritid", "period"):
        assert not looks_like_identifier(name), name


@pytest.fixture
def demo_project(tmp_path: Path) -> Project:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    demo.write_demo(tmp_path, cases=["noen"])
    return Project.at(tmp_path)


def test_describe_case_raw_then_prepared(demo_project: Project) -> None:
    text = describe_case("noen", project=demo_project)
    raw = demo_project.raw_dir("noen")
    services = pd.read_csv(raw / "tjenestedata.csv", sep=";")
    assert (
        f"raw file 'services': tjenestedata.csv (csv), {len(services)} rows × {services.shape[1]} columns"
        in text
    )
    assert "raw file 'carer_survey': parorende (surveyxact)" in text
    assert "table 'followup' (recipe service_records): not prepared yet" in text
    assert "fou run noen" in text
    assert not any(p in text for p in services["pseudonym"])  # no pseudonym leaks
    pipeline.prepare(load_plan("noen", project=demo_project), demo_project)
    text = describe_case("noen", project=demo_project)
    followup = io.read_parquet(demo_project.processed_dir("noen") / "followup.parquet")
    assert (
        f"table 'followup' (recipe service_records), {len(followup)} rows × {followup.shape[1]} columns"
        in text
    )
    assert "not prepared yet" not in text and "fou run noen" not in text
    assert not any(p in text for p in followup["pseudonym"])


def test_missing_raw_file_is_named_and_others_still_described(demo_project: Project) -> None:
    (demo_project.raw_dir("noen") / "tjenestedata.csv").unlink()
    text = describe_case("noen", project=demo_project)
    assert "raw file 'services': tjenestedata.csv (csv): missing — put the delivered file at" in text
    assert "raw file 'carer_survey': parorende (surveyxact), " in text


def _fou(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_cli(demo_project: Project) -> None:
    res = _fou("describe", "noen", "--root", str(demo_project.root))
    assert res.returncode == 0, res.stderr
    assert res.stdout == describe_case("noen", project=demo_project)
    bad = _fou("describe", "neon", "--root", str(demo_project.root))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "unknown case 'neon'" in bad.stderr and "did you mean 'noen'" in bad.stderr
