"""The co-creation barometer of a case: plan section, demo files, pipeline.barometer, report
section (nb/en, escaped) and what `fou validate` says about it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from fou_analysis import DataError, SpecificationError, demo, pipeline, report
from fou_analysis.config import Project, load_plan, parse_plan
from fou_analysis.demo.barometer import PLANTED_BAROMETER, barometer_files
from fou_analysis.framework.barometer_items import DIMENSIONS
from fou_analysis.validate import validate_case

ROOT = Path(__file__).resolve().parents[1]
CASES = ("utstyrsbu", "noen", "friskgarden")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("barometer_case")
    shutil.copytree(ROOT / "cases", root / "cases")
    demo.write_demo(root)
    return Project.at(root)


@pytest.fixture(scope="module")
def results(project: Project) -> dict:
    return {c: pipeline.barometer(load_plan(c, project=project), project) for c in CASES}


def _plan_data(case: str = "noen") -> dict:
    return yaml.safe_load((ROOT / "cases" / f"{case}.yaml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- plan
def test_plan_without_the_section_still_validates_and_has_no_barometer(tmp_path: Path) -> None:
    data = _plan_data()
    del data["barometer"]
    data["raw"] = [r for r in data["raw"] if r["id"] != "barometer"]
    plan = parse_plan(data)
    assert plan.barometer is None
    assert pipeline.barometer(plan, Project.at(tmp_path)) is None  # nothing read, nothing shown
    assert str(report.barometer_section(None, "nb")) == ""


def test_plan_section_is_parsed_with_defaults() -> None:
    plan = parse_plan(_plan_data())
    b = plan.barometer
    assert (b.raw, b.partnership, b.side, b.wave) == ("barometer", "Noen", "side", "runde")
    assert (b.respondent, b.prefix, b.missing_codes, b.n_min, b.level) == (
        "$submission_id",
        "barometer.",
        [9],
        3,
        0.95,
    )
    data = _plan_data()
    data["barometer"] = {"raw": "barometer"}
    assert parse_plan(data).barometer_partnership() == "Noen AS"  # the social enterprise partner


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"raw": "barometr"}, "did you mean 'barometer'"),
        ({"raw": "barometer", "partnership": "a", "partnership_column": "b"}, "not both"),
        ({"raw": "barometer", "wav": "runde"}, "did you mean 'wave'"),
        ({"raw": "barometer", "side_codes": {1: "kommunen"}}, "kommune"),
        ({"raw": "barometer", "n_min": 0}, "n_min"),
    ],
)
def test_plan_mistakes_in_the_section_are_named(section: dict, message: str) -> None:
    data = _plan_data()
    data["barometer"] = section
    with pytest.raises(SpecificationError, match="barometer") as err:
        parse_plan(data, source="cases/noen.yaml")
    assert message in str(err.value)


# --------------------------------------------------------------------------- demo
@pytest.mark.parametrize("case", CASES)
def test_demo_writes_and_records_the_barometer_export(project: Project, case: str) -> None:
    folder = project.raw_dir(case)
    marker = json.loads((folder / demo.MARKER).read_text(encoding="utf-8"))["files"]
    for name, data in barometer_files(case).items():
        assert (folder / name).read_bytes() == data
        assert marker[name] == demo.demo_sha256(folder, name)
    assert "barometer.csv" in (folder / "README.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- pipeline
@pytest.mark.simulation
@pytest.mark.parametrize("case", CASES)
def test_pipeline_recovers_the_planted_gaps(results: dict, case: str) -> None:
    """The planted headline gap lies inside its 95 % interval in every wave where both sides are
    shown (one seeded draw: each such check fails with probability ≈ 5 % for a correct interval;
    tests/demo/test_demo_barometer.py bounds the misses over all 40 intervals)."""
    res, planted = results[case], PLANTED_BAROMETER[case]
    assert res.partnerships == [load_plan(case, project=Project.at(ROOT)).barometer_partnership()]
    gaps = res.gaps
    checked = 0
    for _, row in gaps[~gaps["suppressed"]].iterrows():
        if row["dimension"] in planted["latent_gap"]:
            truth = planted["gaps"][row["wave"]][row["dimension"]]
            assert row["ci_low"] <= truth <= row["ci_high"], (row.to_dict(), truth)
            assert abs(truth) > 1  # a real gap, and the interval excludes zero for it
            assert row["ci_low"] > 0 or row["ci_high"] < 0
            checked += 1
    hidden_waves = {w for w, _ in planted["suppressed_at_n_min_3"]}
    assert checked == 2 - len(hidden_waves)
    for w in hidden_waves:
        assert gaps.loc[gaps["wave"] == w, "suppressed"].all()


def test_written_barometer_is_what_the_portfolio_reads(project: Project, tmp_path: Path) -> None:
    from fou_analysis.framework import portfolio

    proj = _copy(project, tmp_path, "friskgarden")
    plan = load_plan("friskgarden", project=proj)
    assert portfolio.collect(proj, ["friskgarden"])[0].barometer is None  # not run: nothing shown
    res = pipeline.barometer(plan, proj, write=True)
    saved = portfolio.collect(proj, ["friskgarden"])[0].barometer
    pd.testing.assert_frame_equal(saved.scores, res.scores)
    pd.testing.assert_frame_equal(saved.gaps, res.gaps)
    # the planted gap (the farm rates readiness for operation higher) shows as strained; the
    # wave-1 farm side (two answers) is not the latest wave, so nothing of it is shown
    rows = portfolio.barometer_rows([SimpleNamespace(slug="friskgarden", plan=plan, barometer=saved)])
    drift = rows.set_index("dimension").loc["drift"]
    assert drift["wave"] == 2 and drift["status"] == "strained" and drift["gap"] < 0
    # said as "the farm gives more": the gap and its interval are both positive, the gap inside
    text = portfolio.barometer_overview_html(
        [SimpleNamespace(slug="friskgarden", plan=plan, barometer=saved)], "en"
    )
    m = re.search(
        r"the partner gives [\d.]+ and the municipality [\d.]+ \(gap ([\d.]+), 95 % interval ([\d.]+) to ([\d.]+)\)",
        text,
    )
    gap, lo, hi = (float(x) for x in m.groups())
    # the text prints the gap with one decimal: half its last digit is the most rounding can move it
    assert 0 < lo <= gap <= hi and gap == pytest.approx(-drift["gap"], abs=0.05)
    # a plan without a barometer removes a stale artefact when the case is run again
    bare = plan.model_copy(update={"barometer": None})
    assert pipeline.barometer(bare, proj, write=True) is None
    assert not (proj.processed_dir("friskgarden") / "barometer.pkl").exists()


def test_pipeline_names_the_plan_when_a_column_is_wrong(project: Project) -> None:
    plan = load_plan("noen", project=project)
    bad = plan.model_copy(update={"barometer": plan.barometer.model_copy(update={"side": "hvem"})})
    with pytest.raises(SpecificationError, match=r"cases/noen.yaml: barometer: .*hvem"):
        pipeline.barometer(bad, project)


# --------------------------------------------------------------------------- report
# words that are English only ("to" is also Norwegian: two)
ENGLISH = {
    "the",
    "and",
    "of",
    "gap",
    "gaps",
    "wave",
    "waves",
    "answers",
    "fewer",
    "than",
    "interval",
    "municipality",
    "change",
    "what",
    "talk",
    "about",
    "not",
    "shown",
    "sides",
    "differ",
    "scale",
    "from",
    "mean",
    "rated",
    "people",
    "clear",
    "dimension",
    "dimensions",
    "statements",
}
NORWEGIAN = {
    "og",
    "runde",
    "svar",
    "færre",
    "enn",
    "forskjell",
    "intervall",
    "kommunen",
    "endring",
    "dimensjon",
}


def _words(fragment: str) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", fragment)
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


@pytest.mark.parametrize("case", CASES)
def test_section_in_nb_has_no_english_words_and_en_no_norwegian(results: dict, case: str) -> None:
    nb = str(report.barometer_section(results[case], "nb"))
    en = str(report.barometer_section(results[case], "en"))
    assert not _words(nb) & ENGLISH, _words(nb) & ENGLISH
    assert not _words(en) & NORWEGIAN, _words(en) & NORWEGIAN
    assert "Samskapingsbarometeret" in nb and "The co-creation barometer" in en


def test_section_shows_both_sides_gaps_changes_and_prompts(results: dict) -> None:
    res = results["friskgarden"]
    nb = str(report.barometer_section(res, "nb"))
    assert nb.count("<table") == 3  # wave 1, wave 2, change
    assert "Runde 1" in nb and "Runde 2" in nb and "Endring fra runde 1 til 2" in nb
    w1 = report.barometer.wave_table(res, "Friskgården", 1, "nb")
    assert (w1["Partneren"] == "færre enn 3 svar").all()  # two answers for the farm in wave 1
    assert (w1["Forskjell (kommunen − partneren)"] == "–").all()
    w2 = report.barometer.wave_table(res, "Friskgården", 2, "nb")
    drift = w2.set_index("Dimensjon").loc["Klar for ordinær drift"]
    g = res.gaps.set_index(["wave", "dimension"]).loc[(2, "drift")]
    assert drift["Forskjell (kommunen − partneren)"] == f"{g['gap']:.1f}".replace(".", ",").replace("-", "−")
    assert "Dette bør dere snakke om" in nb
    assert "Klar for ordinær drift" in nb.split("Dette bør dere snakke om", 1)[1]  # the clear gap's prompt
    ch = report.barometer.change_table(results["utstyrsbu"], "Utstyrsbu", "en").set_index("Dimension")
    drift_change = ch.loc["Ready for ordinary operation", "Municipality"]
    assert drift_change.startswith("+")  # planted: readiness rises by about +0.9 on both sides
    assert len(DIMENSIONS) == len(ch)


def test_section_escapes_text_from_the_data(project: Project, tmp_path: Path) -> None:
    plan = load_plan("noen", project=project)
    evil = plan.model_copy(
        update={"barometer": plan.barometer.model_copy(update={"partnership": "<script>x</script>"})}
    )
    out = str(report.barometer_section(pipeline.barometer(evil, project), "nb"))
    assert "<script>" not in out and "&lt;script&gt;" in out


# --------------------------------------------------------------------------- validate
def _copy(project: Project, tmp_path: Path, case: str) -> Project:
    shutil.copytree(project.root / "cases", tmp_path / "cases")
    shutil.copytree(project.raw_dir(case), tmp_path / "data" / "raw" / case)
    return Project.at(tmp_path)


def test_validate_reports_a_missing_barometer_file(project: Project, tmp_path: Path) -> None:
    p = _copy(project, tmp_path, "noen")
    assert validate_case("noen", project=p) == []
    (p.raw_dir("noen") / "barometer.csv").unlink()
    for content in (True, False):
        problems = validate_case("noen", project=p, check_content=content)
        assert len(problems) == 1, problems
        assert "barometer.csv: missing raw file for 'barometer'" in problems[0]


def test_validate_reports_unknown_items_and_bad_codes(project: Project, tmp_path: Path) -> None:
    p = _copy(project, tmp_path, "noen")
    path = p.raw_dir("noen") / "barometer.csv"
    text = path.read_text(encoding="utf-8").replace('"barometer.til_2"', '"barometer.tl_2"', 1)
    path.write_text(text, encoding="utf-8")
    (p.raw_dir("noen") / "barometer_elements.json").unlink()  # a plain export, no codebook
    data = yaml.safe_load(p.case_file("noen").read_text(encoding="utf-8"))
    for r in data["raw"]:
        if r["id"] == "barometer":
            del r["codebook"]
    data["barometer"]["side_codes"] = {"kommune": "kommune"}  # 'partner' rows are then unknown
    p.case_file("noen").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = "\n".join(validate_case("noen", project=p))
    assert "barometer: column 'barometer.tl_2' is not a barometer item (did you mean 'til_2'?)" in problems
    assert "barometer.csv, row 2, column 'side': side 'partner' is not a known code" in problems
    with pytest.raises(DataError) as err:
        pipeline.barometer(load_plan("noen", project=p), p)
    assert err.value.column == "side" and err.value.row is not None
