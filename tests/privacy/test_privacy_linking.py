"""Pseudonymised files still link (#9.7): plan test ids, and a warning when files do not link."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from fou_analysis import demo, pipeline, privacy, report
from fou_analysis.clean import CleaningLog
from fou_analysis.config import Project, load_plan

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-test-key-that-is-long-enough"


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("utstyrsbu")
    demo.write_demo(root, cases=["utstyrsbu"])
    return root


def _project(demo_root: Path, tmp_path: Path, *, pseudonymise: bool) -> Project:
    """A copy of the demo project whose plan pseudonymises both survey waves' ``pseudonym``."""
    shutil.copytree(demo_root, tmp_path, dirs_exist_ok=True)
    (tmp_path / "cases").mkdir(exist_ok=True)
    plan = yaml.safe_load((ROOT / "cases" / "utstyrsbu.yaml").read_text(encoding="utf-8"))
    if pseudonymise:
        for raw in plan["raw"]:
            if raw["id"] in ("survey_pre", "survey_post"):
                raw["pseudonymise"] = ["pseudonym"]
    (tmp_path / "cases" / "utstyrsbu.yaml").write_text(
        yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return Project.at(tmp_path)


def _survey(project: Project) -> tuple[pd.DataFrame, CleaningLog, dict[str, pd.DataFrame]]:
    plan = load_plan("utstyrsbu", project=project)
    table = next(t for t in plan.tables if t.id == "survey")
    raw = {s: pipeline.read_raw(plan, project, s) for s in table.sources}
    log = CleaningLog()
    return pipeline.get_recipe("survey_waves")(raw, table.params, log), log, raw


def _dropped_as_test(log: CleaningLog) -> int:
    df = log.to_frame()
    return int(df.loc[df["step"] == "drop test submissions", "dropped"].sum())


def test_plan_test_ids_are_dropped_after_pseudonymisation(
    demo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOU_PSEUDONYM_KEY", KEY)
    plain, plain_log, _ = _survey(_project(demo_root, tmp_path / "plain", pseudonymise=False))
    pseudo, pseudo_log, raw = _survey(_project(demo_root, tmp_path / "pseudo", pseudonymise=True))
    assert raw["survey_pre"]["pseudonym"].str.startswith("P-").all()  # pseudonymised at read time
    test_pseudonym = privacy.pseudonymise(["TEST"], KEY)[0]
    assert (raw["survey_pre"]["pseudonym"] == test_pseudonym).sum() >= 1  # the demo's test submission
    assert test_pseudonym not in set(pseudo["pseudonym"])
    assert _dropped_as_test(pseudo_log) == _dropped_as_test(plain_log) >= 1
    assert len(pseudo) == len(plain)  # same rows kept, only the identifiers differ
    assert pseudo.groupby("wave").size().to_dict() == plain.groupby("wave").size().to_dict()


def test_plan_test_ids_match_however_the_data_writes_them() -> None:
    from fou_analysis.clean.submissions import matches_ids as _matches_ids

    df = pd.DataFrame({"id": ["123 456 789 01", "12345678902", None, "L-1"]})
    assert _matches_ids(df, "id", [12345678901]).tolist() == [True, False, False, False]
    assert _matches_ids(df, "id", []).tolist() == [False] * 4


def test_files_that_do_not_link_give_a_warning_in_the_report(
    demo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOU_PSEUDONYM_KEY", KEY)
    project = _project(demo_root, tmp_path, pseudonymise=True)
    plan = load_plan("utstyrsbu", project=project)
    raw = {s: pipeline.read_raw(plan, project, s) for s in ("survey_pre", "survey_post")}
    log = CleaningLog()
    assert pipeline.stages.check_linking(plan, raw, log) == []  # the demo's waves share ~90 % of ids
    assert len(log) == 0

    # the post wave written with upper-case pseudonyms: nothing links any more
    path = project.raw_dir("utstyrsbu") / "survey_post.csv"
    text = path.read_text(encoding="utf-8")
    post = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    for old in post["pseudonym"]:
        text = text.replace(f'"{old}"', f'"{old.upper()}"')
    path.write_text(text, encoding="utf-8")
    prepared = pipeline.prepare(plan, project, write=False)
    entries = [e for e in prepared.log.entries if e.step == "link check on pseudonym"]
    assert len(entries) == 1 and entries[0].dropped == 0
    en = report.cleaning_table(prepared.log, "en").to_string()
    nb = report.cleaning_table(prepared.log, "nb").to_string()
    assert "warning: only" in en and "survey_post.csv" in en
    assert "advarsel: bare" in nb and "koblingskontroll på pseudonym" in nb


def test_linking_threshold_is_half_of_the_smaller_file() -> None:
    plan = load_plan("utstyrsbu", project=Project.at(ROOT))
    plan = plan.model_copy(
        update={
            "raw": [
                r.model_copy(update={"pseudonymise": ["pid"]}) if r.id in ("survey_pre", "survey_post") else r
                for r in plan.raw
            ]
        }
    )
    small = pd.DataFrame({"pid": ["a", "b", "c", "d", None, None]})  # 4 distinct ids
    for shared, warned in ((2, False), (1, True)):
        big = pd.DataFrame({"pid": [*"abcd"[:shared], *[f"x{i}" for i in range(20)]]})
        got = pipeline.stages.check_linking(plan, {"survey_pre": small, "survey_post": big}, CleaningLog())
        assert bool(got) == warned, shared
        if warned:
            assert got[0][:3] == ("survey_pre", "survey_post", "pid") and got[0][3] == pytest.approx(0.25)


def test_linking_threshold_comes_from_the_plan() -> None:
    plan = load_plan("utstyrsbu", project=Project.at(ROOT))
    assert plan.link_min_share == 0.5  # old plans keep the default
    plan = plan.model_copy(
        update={
            "link_min_share": 0.2,
            "raw": [
                r.model_copy(update={"pseudonymise": ["pid"]}) if r.id in ("survey_pre", "survey_post") else r
                for r in plan.raw
            ],
        }
    )
    small = pd.DataFrame({"pid": ["a", "b", "c", "d"]})
    big = pd.DataFrame({"pid": ["a", *[f"x{i}" for i in range(20)]]})  # 1 of 4 = 0.25 ≥ 0.2: no warning
    assert pipeline.stages.check_linking(plan, {"survey_pre": small, "survey_post": big}, CleaningLog()) == []
    got = pipeline.stages.check_linking(
        plan, {"survey_pre": small, "survey_post": big}, CleaningLog(), min_share=0.5
    )
    assert got and got[0][3] == pytest.approx(0.25)
