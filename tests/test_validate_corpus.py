"""The rule: a plan that passes ``fou validate`` does not fail in ``fou run`` for a reason validate could see.

A corpus of small mutations of the demo plans and data. For each *broken* mutation, validate must
report at least one problem with the expected text (and a "did you mean" where a real candidate
exists), and the run must indeed fail (so validate is not inventing problems). For each
*harmless* mutation, validate must report nothing and the run must succeed. "Run" here is
``pipeline.prepare`` + the estimate of the outcomes the mutation touches (+ ``valuate`` for the
value section) in-process, not the notebooks, to keep the test fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from fou_analysis import demo, pipeline
from fou_analysis.config import Project, load_plan
from fou_analysis.pipeline.stages import estimate_outcome
from fou_analysis.validate import validate_case

ROOT = Path(__file__).resolve().parents[1]
CASES = ("utstyrsbu", "noen", "friskgarden")


@dataclass(frozen=True)
class Mutation:
    """One change to a demo case: to its plan, its raw files, or both."""

    name: str
    case: str
    plan: Callable[[dict[str, Any]], None] = lambda p: None
    data: Callable[[Path], None] = lambda d: None
    expect: tuple[str, ...] = ()  # texts one problem must all contain; () = a harmless mutation
    estimate: tuple[str, ...] = ()  # outcomes whose estimate the run needs
    valuate: bool = False
    describe: bool = False  # the run also builds the report's "who was reached" tables
    extra: dict[str, Any] = field(default_factory=dict)


def _outcome(plan: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in plan["outcomes"] if o["id"] == oid)


def _table(plan: dict[str, Any], tid: str) -> dict[str, Any]:
    return next(t for t in plan["tables"] if t["id"] == tid)


def _raw(plan: dict[str, Any], rid: str) -> dict[str, Any]:
    return next(r for r in plan["raw"] if r["id"] == rid)


def _edit_csv(path: Path, edit: Callable[[list[list[str]]], None], sep: str) -> None:
    cells = [ln.split(sep) for ln in path.read_text(encoding="utf-8").splitlines()]
    edit(cells)
    path.write_text("\n".join(sep.join(c) for c in cells) + "\n", encoding="utf-8")


def _set_cell(path: Path, file_row: int, column: str, value: str, sep: str = ";") -> None:
    def edit(cells: list[list[str]]) -> None:
        cells[file_row - 1][cells[0].index(column)] = value

    _edit_csv(path, edit, sep)


def _decimal_comma_ages(raw_dir: Path, bad: str | None) -> None:
    """Ages written as ``81,5`` (a decimal-comma column), optionally one text cell at file row 6."""

    def edit(cells: list[list[str]]) -> None:
        j = cells[0].index("alder")
        for i, row in enumerate(cells[1:], start=2):
            if row[j]:
                row[j] = f"{row[j]},5" if i % 3 == 0 else row[j]
        if bad is not None:
            cells[5][j] = bad

    _edit_csv(raw_dir / "tjenestedata.csv", edit, ";")


def _float_ages(plan: dict[str, Any]) -> None:
    _raw(plan, "services")["columns"]["alder"]["type"] = "float"


def _duplicate_person_month(raw_dir: Path) -> None:
    path = raw_dir / "register_personmaaned.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")


def _key_person_month(plan: dict[str, Any]) -> None:
    _raw(plan, "register")["unique"] = [["lopenr", "aarmnd"]]


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    """Set (or delete) ``value`` at ``path``; an ``("outcome", id)`` step picks an outcome by id."""

    def mutate(plan: dict[str, Any]) -> None:
        node: Any = plan
        for p in path[:-1]:
            node = _outcome(plan, p[1]) if isinstance(p, tuple) else node[p]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return mutate


_DELETE = object()
LS = ("outcome", "life_satisfaction")
AD = ("outcome", "activity_days")

BROKEN = [
    Mutation(
        "misspelled design argument",
        "utstyrsbu",
        plan=lambda p: _outcome(p, "activity_days")["args"].update(
            subjet=_outcome(p, "activity_days")["args"].pop("subject")
        ),
        expect=("outcome 'activity_days'", "no argument 'subjet'", "did you mean 'subject'"),
        estimate=("activity_days",),
    ),
    Mutation(
        "missing required design argument",
        "utstyrsbu",
        plan=_set([AD, "args", "wave"], _DELETE),
        expect=("outcome 'activity_days'", "needs the argument 'time' or its older name 'wave'"),
        estimate=("activity_days",),
    ),
    Mutation(
        "unknown se",
        "friskgarden",
        plan=_set([("outcome", "work_or_education_twfe"), "args", "se"], "clustr"),
        expect=("outcome 'work_or_education_twfe'", "se must be", "did you mean 'cluster'"),
        estimate=("work_or_education_twfe",),
    ),
    Mutation(
        "unknown control group",
        "friskgarden",
        plan=_set([("outcome", "work_or_education"), "args", "control"], "not_yet"),
        expect=(
            "outcome 'work_or_education'",
            "control must be 'never' or 'notyet'",
            "did you mean 'notyet'",
        ),
        estimate=("work_or_education",),
    ),
    Mutation(
        "unknown design",
        "utstyrsbu",
        plan=_set([AD, "design"], "prepots"),
        expect=("outcome 'activity_days'", "'prepots'", "did you mean 'prepost'"),
    ),
    Mutation(
        "wrong outcome table",
        "utstyrsbu",
        plan=_set([("outcome", "loans_per_month"), "table"], "loans_montly"),
        expect=("outcome 'loans_per_month'", "'loans_montly'", "did you mean 'loans_monthly'"),
    ),
    Mutation(
        "design argument of the wrong type",
        "utstyrsbu",
        plan=_set([("outcome", "loans_per_month"), "args", "seasonality"], "12"),
        expect=("outcome 'loans_per_month'", "seasonality '12' does not fit the design"),
        estimate=("loans_per_month",),
    ),
    Mutation(
        "describe names a column the table lacks",
        "utstyrsbu",
        plan=_set(["describe", 0, "columns"], "kategri"),
        expect=("describe", "'kategri' is not a column of table 'loans_clean'", "did you mean 'kategori'"),
        describe=True,
    ),
    Mutation(
        "unknown column in design arguments",
        "utstyrsbu",
        plan=_set([LS, "args", "outcome"], "livskvalitt"),
        expect=(
            "outcome 'life_satisfaction'",
            "'livskvalitt' is not a column",
            "did you mean 'livskvalitet'",
        ),
        estimate=("life_satisfaction",),
    ),
    Mutation(
        "unknown covariate",
        "noen",
        plan=lambda p: _outcome(p, "nursing_home")["args"]["covariates"].__setitem__(2, "mmse_intak"),
        expect=("outcome 'nursing_home'", "'mmse_intak' is not a column", "did you mean 'mmse_inntak'"),
        estimate=("nursing_home",),
    ),
    Mutation(
        "wave value that does not occur",
        "utstyrsbu",
        plan=_set([LS, "args", "post"], "etter"),
        expect=("outcome 'life_satisfaction'", "post 'etter' does not occur in column 'wave'"),
        estimate=("life_satisfaction",),
    ),
    Mutation(
        "unknown raw file with a near name",
        "utstyrsbu",
        plan=lambda p: _raw(p, "loans").update(path="utlaan.csv"),
        expect=("missing raw file for 'loans'", "did you mean 'utlan.csv'"),
    ),
    Mutation(
        "unknown recipe",
        "utstyrsbu",
        plan=lambda p: _table(p, "loans_monthly").update(recipe="monthly_count"),
        expect=("table 'loans_monthly'", "unknown recipe 'monthly_count'", "did you mean 'monthly_counts'"),
    ),
    Mutation(
        "unknown table source",
        "utstyrsbu",
        plan=lambda p: _table(p, "loans_clean").update(sources=["loan"]),
        expect=("table 'loans_clean'", "source 'loan'", "did you mean 'loans'"),
    ),
    Mutation(
        "text in a decimal-comma column",
        "noen",
        plan=_float_ages,
        data=lambda d: _decimal_comma_ages(d, "ca. 80"),
        expect=("tjenestedata.csv", "row 6", "column 'alder'", "'ca. 80' is not a number"),
        extra={"exactly_one": True},
    ),
    Mutation(
        "text in a whole-number column",
        "noen",
        data=lambda d: _set_cell(d / "tjenestedata.csv", 4, "mmse_inntak", "ca. 5"),
        expect=("tjenestedata.csv", "row 4", "column 'mmse_inntak'", "'ca. 5' is not a whole number"),
        extra={"exactly_one": True},
    ),
    Mutation(
        "duplicate composite key",
        "friskgarden",
        plan=_key_person_month,
        data=_duplicate_person_month,
        expect=("register_personmaaned.csv", "(lopenr, aarmnd)", "appears in rows 2, "),
        extra={"exactly_one": True},
    ),
    Mutation(
        "unknown value-bank id",
        "utstyrsbu",
        plan=_set(["value", "impact_map", 1, "proxy_id"], "wellbey"),
        expect=("unknown value-bank id 'wellbey'", "did you mean 'wellby'", "WELLBY"),
        estimate=("life_satisfaction",),
        valuate=True,
    ),
    Mutation(
        "missing bank file",
        "utstyrsbu",
        plan=_set(["value", "bank"], "data/value_bank_2026.csv"),
        expect=("value.bank", "'data/value_bank_2026.csv' does not exist"),
        estimate=("life_satisfaction",),
        valuate=True,
    ),
    Mutation(
        "bad effect reference",
        "utstyrsbu",
        plan=_set(["value", "impact_map", 1, "quantity"], "effect:life_satisfation"),
        expect=("'effect:life_satisfation' names no outcome", "did you mean 'life_satisfaction'"),
        estimate=("life_satisfaction",),
        valuate=True,
    ),
    Mutation(
        "break-even row outside the map",
        "utstyrsbu",
        plan=_set(["value", "break_even_row"], 2),
        expect=("break_even_row", "not a row of the impact map"),
        estimate=("life_satisfaction",),
        valuate=True,
    ),
]

HARMLESS = [
    Mutation(
        "decimal-comma column declared float",
        "noen",
        plan=_float_ages,
        data=lambda d: _decimal_comma_ages(d, None),
        estimate=("carer_burden", "nursing_home"),
    ),
    Mutation(
        "composite key that holds",
        "friskgarden",
        plan=_key_person_month,
        estimate=("work_or_education",),
    ),
    Mutation(
        "another valid se and an optional argument",
        "friskgarden",
        plan=lambda p: _outcome(p, "work_or_education_twfe")["args"].update(se="hc1", level=0.9),
        estimate=("work_or_education_twfe",),
    ),
    Mutation(
        "another describe cross-table",
        "utstyrsbu",
        plan=lambda p: p["describe"].append(
            {**p["describe"][0], "columns": "aldersgruppe", "rows": "kategori"}
        ),
        describe=True,
    ),
    Mutation(
        "another valid bank id",
        "utstyrsbu",
        plan=_set(["value", "impact_map", 0, "proxy_id"], "caregiver_hour"),
        estimate=("life_satisfaction",),
        valuate=True,
    ),
]


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    demo.write_demo(root, cases=list(CASES))
    return root


def _project(m: Mutation, demo_root: Path, tmp_path: Path) -> Project:
    (tmp_path / "cases").mkdir()
    plan = yaml.safe_load((ROOT / "cases" / f"{m.case}.yaml").read_text(encoding="utf-8"))
    if plan.get("value"):
        plan["value"]["draws"] = 2000  # the run's Monte Carlo only has to run, not to be precise
    m.plan(plan)
    (tmp_path / "cases" / f"{m.case}.yaml").write_text(
        yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8"
    )
    raw_dir = tmp_path / "data" / "raw" / m.case
    shutil.copytree(demo_root / "data" / "raw" / m.case, raw_dir)
    m.data(raw_dir)
    return Project.at(tmp_path)


def _run(m: Mutation, project: Project) -> None:
    """What ``fou run`` does before the report, in-process, for the parts the mutation touches."""
    plan = load_plan(m.case, project=project)
    prepared = pipeline.prepare(plan, project, write=False)
    effects = {oid: estimate_outcome(plan, oid, prepared.tables) for oid in m.estimate}
    if m.valuate:
        pipeline.valuate(plan, project, effects=effects, write=False)
    if m.describe:
        from fou_analysis.report import sections

        sections.descriptive_tables(plan, prepared.tables, "en")


def test_the_corpus_covers_the_issue() -> None:
    assert len(BROKEN) >= 12
    assert len({m.name for m in BROKEN + HARMLESS}) == len(BROKEN) + len(HARMLESS)


@pytest.mark.parametrize("m", BROKEN, ids=[m.name for m in BROKEN])
def test_validate_reports_each_broken_plan_and_the_run_fails(
    m: Mutation, demo_root: Path, tmp_path: Path
) -> None:
    project = _project(m, demo_root, tmp_path)
    problems = validate_case(m.case, project=project)
    text = "\n".join(problems)
    assert any(all(e in p for e in m.expect) for p in problems), text
    assert not any("SchemaError" in p or "Traceback" in p or "pandera" in p for p in problems), text
    if m.extra.get("exactly_one"):
        assert len(problems) == 1, text
    with pytest.raises(Exception):  # noqa: B017, PT011 - the run fails, in whatever way it does today
        _run(m, project)


@pytest.mark.parametrize("m", HARMLESS, ids=[m.name for m in HARMLESS])
def test_a_plan_validate_passes_runs(m: Mutation, demo_root: Path, tmp_path: Path) -> None:
    project = _project(m, demo_root, tmp_path)
    assert validate_case(m.case, project=project) == []
    _run(m, project)
