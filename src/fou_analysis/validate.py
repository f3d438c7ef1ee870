"""``fou validate CASE``: a dry run of everything that can fail before estimation, every problem at once.

Checks, collecting rather than stopping:

1. the plan parses (unknown fields, designs, references between raw files, tables and
   outcomes — named by id, with "did you mean");
2. every raw file and codebook exists ("did you mean" from the files in the raw folder);
3. each outcome's ``args`` against its design: argument names against the signature of
   ``fou_analysis.effects.<design>`` (:func:`inspect.signature`; the older names in
   :data:`fou_analysis.effects._options.ALIASES` accepted too), required arguments present,
   choice options (``se``, ``control``, ``method`` …) against
   :data:`fou_analysis.effects._options.OPTIONS`, the table the designs check themselves, and
   the other arguments against the design's type hints (pydantic, strict: ``"12"`` is not 12);
4. the value section: the plan's value-bank file exists and loads, every ``proxy_id`` is in the
   bank ("did you mean" with the id's label), every ``effect:`` quantity names an outcome, the
   break-even row exists, and the impact map loads as ``fou run`` will load it;
5. the data, through the same code ``fou run`` uses: :func:`fou_analysis.pipeline.prepare`
   with ``write=False`` reads every raw file (declared column types parsed, column rules and
   unique keys checked, see :func:`fou_analysis.io.validation.check_columns`) and runs every
   recipe; its problems are collected, not raised;
6. every column an outcome's arguments (or a ``describe`` cross-table, or ``themes``) name exists in the
   prepared table ("did you mean" from that table's columns), and the values the design looks
   up in it (``pre``/``post`` waves, the treated unit) occur there;
7. the ``barometer`` section: its raw file exists (step 2), every column with the item prefix
   is a barometer item, and the export scores as ``fou run`` will score it
   (:func:`fou_analysis.pipeline.barometer`: side, wave and respondent columns, side codes,
   scores 1–5).

The rule, enforced by ``tests/test_validate_corpus.py``: a plan that passes ``fou validate``
does not fail in ``fou run`` for a reason validate could have seen.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from fou_analysis.config import CasePlan, Project, did_you_mean, load_plan
from fou_analysis.exceptions import FouError, SpecificationError
from fou_analysis.pipeline.recipes import get_recipe


def validate_case(case: str, *, project: Project | None = None, check_content: bool = True) -> list[str]:
    """Return the list of problems (empty when the case is ready to run).

    ``check_content=False`` checks the plan, the design arguments, the value section and that
    the raw files exist, without reading them (fast; used by ``fou run`` before it starts).
    """
    project = project or Project.at(".")
    try:
        plan = load_plan(case, project=project)
    except FouError as e:
        return str(e).splitlines()
    problems: list[str] = []
    try:
        from fou_analysis.pipeline import load_project_recipes

        load_project_recipes(project)  # recipes/*.py: their names must be known below
    except FouError as e:
        problems.append(str(e))
    problems += _check_files(plan, project)
    problems += _check_design_args(plan)
    problems += _check_value(plan, project)
    if not check_content:
        for t in plan.tables:  # with content, pipeline.prepare reports unknown recipes
            try:
                get_recipe(t.recipe)
            except FouError as e:
                problems.append(f"{_where(plan)}: table {t.id!r}: {e}")
        return problems
    from fou_analysis import pipeline

    missing = {r.id for r in plan.raw if not (project.raw_dir(plan.slug) / r.path).exists()}
    found: list[str] = []
    prepared = pipeline.prepare(plan, project, write=False, problems=found)
    # a missing file is already listed, with a suggestion, by _check_files
    problems += [p for p in found if not any(f"raw file for {m!r} is missing" in p for m in missing)]
    problems += _check_tables(plan, prepared.tables)
    problems += _check_barometer(plan, project, missing)
    return problems


def _where(plan: CasePlan) -> str:
    return f"cases/{plan.slug}.yaml"


# --------------------------------------------------------------------------- files
def _check_files(plan: CasePlan, project: Project) -> list[str]:
    raw_dir = project.raw_dir(plan.slug)
    present = sorted(p.name for p in raw_dir.iterdir()) if raw_dir.is_dir() else []
    problems = []
    for r in plan.raw:
        path = raw_dir / r.path
        if not path.exists():
            hint = did_you_mean(r.path, present)
            problems.append(
                f"{path}: missing raw file for {r.id!r} (declared in {_where(plan)})"
                + (
                    hint
                    or (f"; files there: {', '.join(present)}" if present else "")
                    or ("; the folder is empty" if raw_dir.is_dir() else f"; there is no folder {raw_dir}")
                )
            )
        if r.codebook and not (raw_dir / r.codebook).exists():
            problems.append(
                f"{raw_dir / r.codebook}: missing codebook for {r.id!r}" + did_you_mean(r.codebook, present)
            )
    return problems


# --------------------------------------------------------------------------- designs
def _design(name: str) -> Any:
    from fou_analysis import effects

    return getattr(effects, name)


def _check_design_args(plan: CasePlan) -> list[str]:
    """Argument names, required arguments and option values of every outcome, without data."""
    from fou_analysis.effects._options import ALIASES, COLUMN_ARGS, OPTIONS, allowed_text

    problems = []
    for o in plan.outcomes:
        head = f"{_where(plan)}: outcome {o.id!r}"
        args, problem = _canonical_args(o.design, o.args)
        if problem:
            problems.append(f"{head}: {problem}")
        params = list(inspect.signature(_design(o.design)).parameters.values())[1:]  # [0] is the data
        names = [p.name for p in params]
        open_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
        misspelt = set()
        older = ALIASES.get(o.design, {})
        for k in args:
            if k not in names and not open_kw:
                hint = did_you_mean(k, [*names, *older])
                misspelt |= {
                    older.get(n, n) for n in [*names, *older] if hint.startswith(f" (did you mean {n!r}")
                }
                problems.append(
                    f"{head}: {o.design} has no argument {k!r}"
                    + (hint or f"; its arguments: {', '.join(names)}")
                )
        for p in params:
            required = p.default is inspect.Parameter.empty and p.kind in (
                inspect.Parameter.KEYWORD_ONLY,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
            )
            if required and p.name not in args and p.name not in misspelt:
                was = [k for k, v in older.items() if v == p.name]
                also = f" or its older name {was[0]!r}" if was else ""
                problems.append(f"{head}: {o.design} needs the argument {p.name!r}{also} (under args)")
        for name, allowed in OPTIONS.get(o.design, {}).items():
            if name in args and args[name] not in allowed:
                problems.append(
                    f"{head}: {name} must be {allowed_text(allowed)}, not {args[name]!r}"
                    + did_you_mean(args[name], allowed)
                )
        hints = typing.get_type_hints(_design(o.design))
        for k, v in args.items():
            if k in hints and k not in OPTIONS.get(o.design, {}) and k not in COLUMN_ARGS.get(o.design, ()):
                try:
                    TypeAdapter(hints[k]).validate_python(v, strict=True)
                except ValidationError as e:
                    why = "; ".join(dict.fromkeys(err["msg"] for err in e.errors()))
                    problems.append(f"{head}: {k} {v!r} does not fit the design ({why})")
        for name in COLUMN_ARGS.get(o.design, ()):
            v = args.get(name)
            if v is None:
                continue
            items = v if isinstance(v, list) else [v]
            if not all(isinstance(c, str) for c in items) or (isinstance(v, list) and name not in _LIST_ARGS):
                problems.append(f"{head}: {name} must name a column, not {v!r}")
    return problems


def _canonical_args(design: str, args: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A plan's ``args`` under the designs' common names (older names are accepted, as the
    designs accept them), and the problem when an older name and its new name are both given."""
    from fou_analysis.effects._aliases import canonical_args
    from fou_analysis.effects._options import ALIASES

    try:
        return canonical_args(design, args), None
    except SpecificationError as err:
        mapping = ALIASES.get(design, {})
        return {mapping.get(k, k): v for k, v in args.items()}, str(err)


#: Column arguments that take a list of column names.
_LIST_ARGS = {"covariates", "predictors"}


# --------------------------------------------------------------------------- value
def _check_value(plan: CasePlan, project: Project) -> list[str]:
    from fou_analysis import pipeline, value

    vp = plan.value
    if vp is None:
        return []
    head = f"{_where(plan)}: value"
    problems = []
    bank = None
    try:
        if vp.bank:
            bank_path = project.root / vp.bank
            if not bank_path.exists():
                folder = bank_path.parent
                near = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
                problems.append(
                    f"{head}.bank: {vp.bank!r} does not exist under {project.root}"
                    + did_you_mean(bank_path.name, near)
                )
                return problems
        bank = pipeline.stages.value_bank(plan, project)
        table = bank if bank is not None else value.load_value_bank()
    except FouError as e:
        return [*problems, f"{head}.bank: {e}"]
    ids = list(table["id"])
    labels = dict(zip(table["id"], table["description_en"], strict=True))
    outcome_ids = [o.id for o in plan.outcomes]
    for i, r in enumerate(vp.impact_map):
        row = f"{head}.impact_map[{i}] ({r.text('outcome')!r})"
        if r.proxy_id and r.proxy_id not in ids:
            problems.append(
                f"{row}: unknown value-bank id {r.proxy_id!r}"
                + (did_you_mean(r.proxy_id, ids, labels=labels) or f"; known ids: {', '.join(ids)}")
            )
        q = str(r.quantity)
        if q.startswith("effect:") and q.removeprefix("effect:") not in outcome_ids:
            problems.append(
                f"{row}: quantity {q!r} names no outcome"
                + (
                    did_you_mean(q.removeprefix("effect:"), outcome_ids)
                    or f"; outcomes: {', '.join(outcome_ids)}"
                )
            )
    if vp.break_even_row is not None and not 0 <= vp.break_even_row < len(vp.impact_map):
        problems.append(
            f"{head}.break_even_row: {vp.break_even_row} is not a row of the impact map "
            f"(rows are counted from 0: 0..{len(vp.impact_map) - 1})"
        )
    if problems:
        return problems
    try:  # everything else the run will check when it loads the map
        rows = pipeline.stages.impact_rows(plan)
        value.load_impact_map(rows, bank=bank)
    except FouError as e:
        problems.append(f"{head}.impact_map: {e}")
    return problems


# --------------------------------------------------------------------------- prepared tables
def _check_tables(plan: CasePlan, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Columns (and looked-up values) that each outcome's arguments name, in its prepared table."""
    from fou_analysis.effects._options import COLUMN_ARGS

    problems = []
    for o in plan.outcomes:
        if o.table not in tables:
            continue  # the table's own problem is listed already
        df = tables[o.table]
        head = f"{_where(plan)}: outcome {o.id!r}"
        args, _ = _canonical_args(o.design, o.args)  # both spellings given: listed by _check_design_args
        cols = [str(c) for c in df.columns]
        for name in COLUMN_ARGS.get(o.design, ()):
            v = args.get(name)
            if name == "covariates" and isinstance(v, str) and v not in df.columns:
                problems.extend(f"{head}: {p}" for p in _formula_problems(df, v))
                continue
            for c in v if isinstance(v, list) else [v]:
                if isinstance(c, str) and c not in df.columns:
                    problems.append(
                        f"{head}: {name} {c!r} is not a column of table {o.table!r}"
                        + (did_you_mean(c, cols) or f"; its columns: {', '.join(cols)}")
                    )
        for col_arg, val_args in _LOOKUPS.get(o.design, {}).items():
            col = args.get(col_arg)
            if not isinstance(col, str) or col not in df.columns:
                continue
            present = df[col].dropna().unique().tolist()
            as_text = {str(x): x for x in present}
            for a in val_args:
                if a in args and args[a] not in present:
                    same = as_text.get(str(args[a]))
                    if same is not None:  # the design compares values exactly: 5006 is not "5006"
                        problems.append(
                            f"{head}: {a} {args[a]!r} does not occur in column {col!r} of table "
                            f"{o.table!r}, which holds {same!r} (write it as {same!r} in the plan)"
                        )
                        continue
                    shown = ", ".join(repr(x) for x in present[:12])
                    problems.append(
                        f"{head}: {a} {args[a]!r} does not occur in column {col!r} of table {o.table!r}"
                        + (did_you_mean(args[a], present) or f"; values there: {shown}")
                    )
    for d in plan.describe:
        if d.table not in tables:
            continue
        cols = [str(c) for c in tables[d.table].columns]
        for what, c in (("rows", d.rows), ("columns", d.columns)):
            if c not in tables[d.table].columns:
                problems.append(
                    f"{_where(plan)}: describe {d.label.en!r}: {what} {c!r} is not a column of table {d.table!r}"
                    + (did_you_mean(c, cols) or f"; its columns: {', '.join(cols)}")
                )
    th = plan.themes
    if th is not None and th.table in tables and th.column not in tables[th.table].columns:
        cols = [str(c) for c in tables[th.table].columns]
        problems.append(
            f"{_where(plan)}: themes: column {th.column!r} is not a column of table {th.table!r}"
            + (did_you_mean(th.column, cols) or f"; its columns: {', '.join(cols)}")
        )
    return problems


def _formula_problems(df: pd.DataFrame, formula: str) -> list[str]:
    """A covariate formula (``"age + C(sex)"``) built on the prepared table as the design will."""
    from fou_analysis.effects._covariates import expand_covariates

    try:
        expand_covariates(df, formula)
    except SpecificationError as err:
        return [str(err)]
    return []


# --------------------------------------------------------------------------- barometer
def _check_barometer(plan: CasePlan, project: Project, missing: set[str]) -> list[str]:
    """Unknown item columns and everything :func:`pipeline.barometer` would refuse in the export."""
    from fou_analysis import pipeline
    from fou_analysis.framework import BAROMETER_ITEMS
    from fou_analysis.io.validation import Problem
    from fou_analysis.pipeline._barometer import unknown_items

    spec = plan.barometer
    if spec is None or spec.raw in missing:
        return []
    found: list[Problem] = []
    try:
        df = pipeline.read_raw(plan, project, spec.raw, problems=found)
    except FouError:
        return []  # the reading problem is listed already (pipeline.prepare)
    head = f"{_where(plan)}: barometer"
    problems = [
        f"{head}: column {c!r} is not a barometer item"
        + did_you_mean(c[len(spec.prefix) :], list(BAROMETER_ITEMS))
        for c in unknown_items(plan, df.columns)
    ]
    try:
        pipeline.barometer(plan, project, frame=df)
    except FouError as e:
        problems.append(str(e) if str(e).startswith(head) else f"{head}: {e}")
    return problems


#: ``{design: {column argument: arguments whose value must occur in that column}}``.
_LOOKUPS = {
    "prepost": {"time": ("pre", "post")},
    "synthetic_control": {"unit": ("treated",)},
}
