"""Effects and value tables exported as CSV and XLSX; the pre-publication scan covers them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from _demo_project import demo_project
from fou_analysis import pipeline
from fou_analysis.config import Project, load_plan
from fou_analysis.privacy import PersonalDataError, valid_fnr
from fou_analysis.report.runner import scan_outputs
from fou_analysis.report.tables import case_tables, export_tables

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def noen(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Demo data for noen, run through prepare → estimate → value (artefacts saved)."""
    return demo_project(tmp_path_factory.mktemp("noen"), "noen", valuate=True)


def test_tables_carry_the_saved_results(noen: Project, tmp_path: Path) -> None:
    plan = load_plan("noen", project=noen)
    files = export_tables(plan, noen, tmp_path / "tables")
    names = sorted(p.name for p in files)
    assert names == sorted(
        f"{t}.{ext}" for t in ("effects", "sroi_by_outcome", "impact_map") for ext in ("csv", "xlsx")
    )
    effects = pipeline.load_artefact(plan, noen, "effects")
    valued = pipeline.load_artefact(plan, noen, "value")
    eff = pd.read_csv(tmp_path / "tables" / "effects.csv")
    assert list(eff["outcome_id"]) == [o.id for o in plan.outcomes] == list(effects)
    for row in eff.itertuples():
        r = effects[row.outcome_id]
        assert row.estimate == pytest.approx(r.estimate, rel=1e-12)
        assert (row.ci_low, row.ci_high) == pytest.approx(r.ci, rel=1e-12)
    sroi = pd.read_csv(tmp_path / "tables" / "sroi_by_outcome.csv")
    # the rows add up to the report's present value and ratio
    assert sroi["present_value"].sum() == pytest.approx(valued.sroi.present_value, rel=1e-9)
    assert sroi["present_value"].sum() / valued.sroi.investment == pytest.approx(valued.sroi.ratio, rel=1e-9)
    imp = pd.read_csv(tmp_path / "tables" / "impact_map.csv")
    assert len(imp) == len(valued.impact_map.to_frame()) == len(sroi)
    for name in ("effects", "sroi_by_outcome", "impact_map"):
        csv = pd.read_csv(tmp_path / "tables" / f"{name}.csv")
        xlsx = pd.read_excel(tmp_path / "tables" / f"{name}.xlsx")
        pd.testing.assert_frame_equal(csv, xlsx, check_dtype=False)
        assert (
            tmp_path / "tables" / f"{name}.csv"
        ).stat().st_mode & 0o777 == 0o600  # private until published


def test_workbooks_are_identical_on_rerun(noen: Project, tmp_path: Path) -> None:
    """The save time openpyxl stamps into a workbook would make every rerun differ."""
    import time

    plan = load_plan("noen", project=noen)
    first = {p.name: p.read_bytes() for p in export_tables(plan, noen, tmp_path / "a")}
    time.sleep(1.1)  # zip timestamps have a 2-second resolution; core.xml has seconds
    again = {p.name: p.read_bytes() for p in export_tables(plan, noen, tmp_path / "b")}
    assert first == again
    pd.testing.assert_frame_equal(
        pd.read_excel(tmp_path / "a" / "effects.xlsx"),
        pd.read_csv(tmp_path / "a" / "effects.csv"),
        check_dtype=False,
    )


def test_no_results_yet_means_no_tables(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    project = Project.at(tmp_path)
    plan = load_plan("utstyrsbu", project=project)
    assert case_tables(plan, project) == {}
    assert export_tables(plan, project, tmp_path / "tables") == []


def _fnr() -> str:
    base = "010190123"
    return next(f"{base}{k:02d}" for k in range(100) if valid_fnr(f"{base}{k:02d}"))


@pytest.mark.parametrize("kind", ["csv", "xlsx text", "xlsx number"])
def test_scan_covers_table_exports(tmp_path: Path, kind: str) -> None:
    fnr = _fnr()
    stage = tmp_path / "stage"
    (stage / "tables").mkdir(parents=True)
    (stage / "report.html").write_text("<html><body><p>Rapport</p></body></html>", encoding="utf-8")
    value: object = int(fnr) if kind == "xlsx number" else f"deltaker {fnr}"
    df = pd.DataFrame({"outcome_id": ["a", "b"], "note": ["ok", value]})
    if kind == "csv":
        df.to_csv(stage / "tables" / "effects.csv", index=False)
    else:
        df.to_excel(stage / "tables" / "effects.xlsx", index=False)
    with pytest.raises(PersonalDataError) as e:
        scan_outputs(stage)
    msg = str(e.value)
    assert "tables/effects." in msg and fnr not in msg and "fnr" in msg
    # and a clean set passes
    df.loc[1, "note"] = "ok"
    for p in (stage / "tables").iterdir():
        p.unlink()
    df.to_excel(stage / "tables" / "effects.xlsx", index=False)
    df.to_csv(stage / "tables" / "effects.csv", index=False)
    scan_outputs(stage)
