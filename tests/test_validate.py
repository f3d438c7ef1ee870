"""`fou validate`: every problem in a case's raw data listed at once, naming file, row and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fou_analysis import demo
from fou_analysis.config import Project
from fou_analysis.validate import validate_case

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    demo.write_demo(tmp_path, cases=["noen", "utstyrsbu"])
    return Project.at(tmp_path)


@pytest.mark.parametrize("case", ["noen", "utstyrsbu"])
def test_demo_data_validate_clean(project: Project, case: str) -> None:
    assert validate_case(case, project=project) == []


def test_every_problem_is_listed_with_file_row_and_column(project: Project) -> None:
    path = project.raw_dir("noen") / "tjenestedata.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    i_mmse, i_kjonn, i_start = header.index("mmse_inntak"), header.index("kjonn"), header.index("startdato")
    cells = [ln.split(";") for ln in lines]
    cells[4][i_mmse] = "45"  # file row 5: MMSE is 0-30
    cells[7][i_kjonn] = "X"  # file row 8
    cells[9][i_start] = "31.02.2023"  # file row 10: no such date
    path.write_text("\n".join(";".join(c) for c in cells) + "\n", encoding="utf-8")
    problems = validate_case("noen", project=project)
    text = "\n".join(problems)
    assert len(problems) >= 3, text
    assert any("row 5" in p and "mmse_inntak" in p and "tjenestedata.csv" in p for p in problems), text
    assert any("row 8" in p and "kjonn" in p for p in problems), text
    assert any("startdato" in p for p in problems), text


def test_missing_raw_file_is_listed(project: Project) -> None:
    (project.raw_dir("utstyrsbu") / "survey_post.csv").unlink()
    (project.raw_dir("utstyrsbu") / "utlan.csv").unlink()
    problems = validate_case("utstyrsbu", project=project)
    assert len(problems) == 2
    assert all("missing raw file" in p for p in problems)


def test_run_reads_declared_types_and_stops_at_a_bad_cell_naming_it(project: Project) -> None:
    from fou_analysis import pipeline
    from fou_analysis.config import load_plan
    from fou_analysis.exceptions import DataError

    plan = load_plan("noen", project=project)
    typed = pipeline.read_raw(plan, project, "services")
    assert typed["mmse_inntak"].dtype.kind == "i"  # declared int, parsed when read
    path = project.raw_dir("noen") / "tjenestedata.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    j = lines[0].split(";").index("mmse_inntak")
    cells = lines[4].split(";")
    cells[j] = "ca. 5"  # file row 5
    lines[4] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        pipeline.read_raw(plan, project, "services")
    assert (e.value.file, e.value.row, e.value.column) == (str(path), 5, "mmse_inntak")
    assert "'ca. 5'" in str(e.value)
    assert validate_case("noen", project=project) == [str(e.value)]  # validate: the same one problem


def _rename_args(path: Path, old_to_new: dict[str, str]) -> None:
    """Rename design arguments in the outcomes' ``args`` only (other sections use such words too)."""
    import yaml

    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    seen = set()
    for outcome in plan["outcomes"]:
        args = outcome.get("args") or {}
        for old, new in old_to_new.items():
            if old in args:
                args[new] = args.pop(old)
                seen.add(old)
    assert seen == set(old_to_new), set(old_to_new) - seen
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("case", "renames"),
    [
        ("utstyrsbu", {"subject": "unit", "wave": "time", "intervention_start": "treatment_start"}),
        ("noen", {"treatment": "treated", "group": "treated"}),
    ],
)
def test_plans_with_the_common_argument_names_validate_clean(project: Project, case: str, renames) -> None:
    _rename_args(project.root / "cases" / f"{case}.yaml", renames)
    assert validate_case(case, project=project) == []


def test_an_older_name_and_its_new_name_together_are_listed(project: Project) -> None:
    path = project.root / "cases" / "utstyrsbu.yaml"
    text = path.read_text(encoding="utf-8")
    assert "subject: pseudonym," in text
    path.write_text(
        text.replace("subject: pseudonym,", "subject: pseudonym, unit: pseudonym,", 1), encoding="utf-8"
    )
    problems = validate_case("utstyrsbu", project=project)
    assert any("give 'unit' or its older name 'subject', not both" in p for p in problems), problems


def test_covariates_as_a_formula_validate_and_a_bad_one_is_listed(project: Project) -> None:
    path = project.root / "cases" / "noen.yaml"
    text = path.read_text(encoding="utf-8")
    listed = "covariates: [alder, bor_alene, mmse_inntak, zbi_t0]"
    assert listed in text
    path.write_text(
        text.replace(listed, 'covariates: "alder + bor_alene + mmse_inntak + zbi_t0"'), encoding="utf-8"
    )
    assert validate_case("noen", project=project) == []
    path.write_text(text.replace(listed, 'covariates: "alder + C(no_such_column)"'), encoding="utf-8")
    problems = validate_case("noen", project=project)
    assert any("outcome 'carer_burden'" in p and "no_such_column" in p for p in problems), problems


def test_a_themes_column_missing_from_its_table_is_listed(project: Project) -> None:
    path = project.root / "cases" / "utstyrsbu.yaml"
    text = path.read_text(encoding="utf-8")
    assert "column: kommentar" in text
    path.write_text(text.replace("column: kommentar", "column: komentar"), encoding="utf-8")
    problems = validate_case("utstyrsbu", project=project)
    assert any("themes: column 'komentar'" in p and "kommentar" in p for p in problems), problems


def test_a_surveyxact_cell_problem_names_the_dataset_file_not_the_folder(project: Project) -> None:
    from fou_analysis import pipeline
    from fou_analysis.config import ColumnCheck, load_plan

    plan = load_plan("noen", project=project)
    raw = pipeline.read_raw(plan, project, "carer_survey")
    col = next(c for c in raw.columns if raw[c].dtype.kind in "iu" and raw[c].nunique() > 1)
    allowed = [int(raw[col].min())]
    plan = plan.model_copy(
        update={
            "raw": [
                r.model_copy(update={"columns": {col: ColumnCheck(allowed=allowed)}})
                if r.id == "carer_survey"
                else r
                for r in plan.raw
            ]
        }
    )
    found: list = []
    pipeline.read_raw(plan, project, "carer_survey", problems=found)
    dataset = raw.attrs["fou"]["files"]["dataset"]
    assert found and all(p.file == dataset for p in found), [str(p) for p in found]
    assert Path(dataset).parent == project.raw_dir("noen") / "parorende"
