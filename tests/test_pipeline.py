"""Pipeline recipes: what they keep, drop and log; the register panel's period arithmetic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from fou_analysis import demo, pipeline
from fou_analysis.clean import CleaningLog
from fou_analysis.config import Project, load_plan
from fou_analysis.exceptions import DataError, SpecificationError

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_recipe_lists_the_known_ones() -> None:
    with pytest.raises(SpecificationError, match="known recipes: .*loans_clean"):
        pipeline.get_recipe("loans_clen")


def _register() -> dict[str, pd.DataFrame]:
    reg = pd.DataFrame(
        {
            "lopenr": ["A"] * 4 + ["B"] * 4,
            "aarmnd": [202001, 202002, 202007, 202008] * 2,
            "status": [4, 1, 2, 4, 4, 4, 4, 3],
        }
    )
    part = pd.DataFrame({"lopenr": ["A"], "startdato": ["15.08.2020"]})
    return {"register": reg, "participants": part}


def test_register_panel_months() -> None:
    log = CleaningLog()
    params = {
        "person": "lopenr",
        "period": "aarmnd",
        "status": "status",
        "start": "startdato",
        "frequency": "month",
    }
    panel = pipeline.get_recipe("register_panel")(_register(), params, log)
    a = panel[panel.lopenr == "A"].set_index("period")
    # period 1 = January 2019, so August 2020 = 12 + 8 = 20
    assert a["first_treated"].iloc[0] == 20
    assert a.loc[20, "treated_now"] == 1 and a.loc[19, "treated_now"] == 0
    assert a.loc[14, "in_work_edu"] == 1.0 and a.loc[13, "in_work_edu"] == 0.0
    assert (panel.loc[panel.lopenr == "B", "first_treated"] == 0).all()


def test_register_panel_half_years_average_months() -> None:
    params = {
        "person": "lopenr",
        "period": "aarmnd",
        "status": "status",
        "start": "startdato",
        "frequency": "halfyear",
    }
    panel = pipeline.get_recipe("register_panel")(_register(), params, CleaningLog())
    a = panel[panel.lopenr == "A"].set_index("period")
    assert a.loc[3, "in_work_edu"] == pytest.approx(0.5)  # 2020H1: Jan none, Feb work
    assert a["first_treated"].iloc[0] == 4  # 2020H2


def test_register_panel_logs_invalid_months() -> None:
    src = _register()
    src["register"].loc[0, "aarmnd"] = 202013
    log = CleaningLog()
    params = {"person": "lopenr", "period": "aarmnd", "status": "status", "start": "startdato"}
    pipeline.get_recipe("register_panel")(src, params, log)
    entry = log.to_frame().iloc[0]
    assert (entry["rows_in"], entry["rows_out"], entry["dropped"]) == (8, 7, 1)


def test_loans_with_an_impossible_date_name_file_row_and_column() -> None:
    df = pd.DataFrame(
        {
            "Utlån-ID": ["1", "2"],
            "Gjenstand": ["x", "y"],
            "Kategori": ["Ski", "Ski"],
            "Låner": ["L-1", "L-2"],
            "Aldersgruppe": ["6-12", "6-12"],
            "Utlånt": ["01.02.2023", "31.02.2023"],
            "Levert": ["", ""],
        }
    )
    df.attrs["fou"] = {"source": "/data/raw/utstyrsbu/utlan.csv"}
    with pytest.raises(DataError) as e:
        pipeline.get_recipe("loans_clean")({"loans": df}, {}, CleaningLog())
    assert "utlan.csv" in str(e.value) and "row 3" in str(e.value) and "Utlånt" in str(e.value)


@pytest.fixture(scope="module")
def noen(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("noen")
    shutil.copytree(ROOT / "cases", root / "cases")
    demo.write_demo(root, cases=["noen"])
    return Project.at(root)


def test_instrument_reliability_recovers_the_planted_scale(noen: Project) -> None:
    """The demo's ZBI-12 items follow a one-factor model with alpha ≈ 0.86 (demo.PLANTED)."""
    plan = load_plan("noen", project=noen)
    rel = pipeline.compute_reliability(plan, {s: pipeline.read_raw(plan, noen, s) for s in ("carer_survey",)})
    planted = demo.PLANTED["noen"]["caregiver_burden"]["cronbach_alpha_approx"]
    assert rel["zbi"].k == 12
    assert rel["zbi"].alpha == pytest.approx(planted, abs=0.05)  # sampling sd of alpha at n=270 ≈ 0.01


def test_reliability_is_saved_at_preparation_and_renders_without_the_raw_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing needs neither the raw files nor the pseudonymisation key (#12)."""
    from fou_analysis import report

    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    demo.write_demo(tmp_path, cases=["noen"])
    project = Project.at(tmp_path)
    plan = load_plan("noen", project=project)
    with pytest.raises(SpecificationError, match="fou run noen"):
        pipeline.instrument_reliability(plan, project)  # not prepared yet
    raw = {s: pipeline.read_raw(plan, project, s) for s in ("carer_survey",)}
    expected = pipeline.compute_reliability(plan, raw)
    pipeline.prepare(plan, project)
    shutil.rmtree(project.raw_dir("noen"))
    monkeypatch.delenv("FOU_PSEUDONYM_KEY", raising=False)
    saved = pipeline.instrument_reliability(plan, project)
    assert set(saved) == {"zbi", "qol"}
    for name, r in expected.items():
        assert (saved[name].n, saved[name].k) == (r.n, r.k)
        assert saved[name].alpha == r.alpha and saved[name].omega_total == r.omega_total
    for lang in ("nb", "en"):
        table = report.reliability_table(saved, lang)
        assert table["Instrument"].tolist() == ["zbi", "qol"]
        assert table["n"].tolist() == [str(expected["zbi"].n), str(expected["qol"].n)]


def test_every_cleaning_step_keeps_the_row_invariant(noen: Project) -> None:
    plan = load_plan("noen", project=noen)
    prepared = pipeline.prepare(plan, noen, write=False)
    log = prepared.log.to_frame()
    assert len(log) >= 5
    assert (log["rows_in"] == log["rows_out"] + log["dropped"]).all()


def test_attrition_is_stated_once_where_the_waves_are_linked(noen: Project) -> None:
    """#10: the log's lost-to-follow-up figure is the number of carers dropped for having no
    follow-up answer, counted from the raw export's status (SurveyXact "Distribuert", not
    "Gjennomført"), and no later step drops carers for a missing follow-up again."""
    from fou_analysis.pipeline import read_raw

    plan = load_plan("noen", project=noen)
    raw = read_raw(plan, noen, "carer_survey")
    unanswered = int(((raw["wave"] == 2) & (raw["stato_4"] == 0)).sum())
    assert unanswered > 0  # the demo plants 20 % non-response at follow-up
    prepared = pipeline.prepare(plan, noen, write=False)
    for lang in ("en", "nb"):
        log = prepared.log.to_frame(lang)
        link = log[log["step"] == ("link waves: wave 1" if lang == "en" else "koble målinger: første måling")]
        (entry,) = link.itertuples()
        assert entry.dropped == unanswered
        lost = "lost to follow-up" if lang == "en" else "frafall"
        assert entry.reason.startswith(f"{unanswered} ") and lost in entry.reason
        later = log.iloc[link.index[0] + 2 :]
        assert later["dropped"].sum() == 0, later[["step", "dropped", "reason"]]
    assert len(prepared.tables["carer_change"]) == (raw["wave"] == 1).sum() - unanswered


def test_identifier_columns_are_pseudonymised_at_read_time(
    noen: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from fou_analysis.pipeline import read_raw

    path = noen.case_file("noen")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    original = path.read_text(encoding="utf-8")
    data["raw"][0]["pseudonymise"] = ["pseudonym"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        plan = load_plan("noen", project=noen)
        monkeypatch.delenv("FOU_PSEUDONYM_KEY", raising=False)
        with pytest.raises(SpecificationError, match="FOU_PSEUDONYM_KEY"):
            read_raw(plan, noen, "services")
        monkeypatch.setenv("FOU_PSEUDONYM_KEY", "a-test-key-that-is-long-enough")
        raw = pd.read_csv(noen.raw_dir("noen") / "tjenestedata.csv", sep=";", dtype=str)
        first = read_raw(plan, noen, "services")
        again = read_raw(plan, noen, "services")
        assert not set(first["pseudonym"]) & set(raw["pseudonym"])  # no original identifier survives
        assert first["pseudonym"].str.startswith("P-").all()
        assert first["pseudonym"].tolist() == again["pseudonym"].tolist()  # same key, same pseudonym
        assert first["pseudonym"].nunique() == raw["pseudonym"].nunique()  # still one per person
        monkeypatch.setenv("FOU_PSEUDONYM_KEY", "another-key-that-is-long-enough")
        assert read_raw(plan, noen, "services")["pseudonym"].tolist() != first["pseudonym"].tolist()
    finally:
        path.write_text(original, encoding="utf-8")
