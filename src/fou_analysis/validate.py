"""``fou validate CASE``: check a case's plan and raw data, and list every problem at once.

Checks, in order, collecting rather than stopping: the plan parses (unknown fields, types,
references between raw files, tables and outcomes); every raw file exists; every raw file reads
with its format's reader; every processed table can be built by its recipe; every outcome's
columns exist in its table. Each problem is one line naming the file, row and column where known.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from fou_analysis.config import ColumnCheck, Project, load_plan
from fou_analysis.exceptions import FouError


def validate_case(case: str, *, project: Project | None = None, check_content: bool = True) -> list[str]:
    """Return the list of problems (empty when the case is ready to run).

    ``check_content=False`` only checks the plan and that the raw files exist (fast; used by
    ``fou run`` before it starts).
    """
    from fou_analysis.pipeline.recipes import get_recipe
    from fou_analysis.pipeline.stages import read_raw

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
    for t in plan.tables:
        try:
            get_recipe(t.recipe)
        except FouError as e:
            problems.append(f"cases/{plan.slug}.yaml: table {t.id!r}: {e}")
    raw_dir = project.raw_dir(plan.slug)
    present = []
    for r in plan.raw:
        path = raw_dir / r.path
        if not path.exists():
            problems.append(f"{path}: missing raw file for {r.id!r} (declared in cases/{plan.slug}.yaml)")
        else:
            present.append(r.id)
        if r.codebook and not (raw_dir / r.codebook).exists():
            problems.append(f"{raw_dir / r.codebook}: missing codebook for {r.id!r}")
    if not check_content or problems:
        return problems
    raw = {}
    for rid in present:
        try:
            raw[rid] = read_raw(plan, project, rid)
        except FouError as e:
            problems.append(str(e))
            continue
        spec = plan.raw_file(rid)
        if spec.columns:
            from fou_analysis import io

            found = io.problems(raw[rid], column_schema(spec.columns), file=raw_dir / spec.path)
            problems += [str(p) for p in found]
    if problems:
        return problems
    from fou_analysis.clean import CleaningLog

    tables = {}
    for t in plan.tables:
        try:
            tables[t.id] = get_recipe(t.recipe)(
                {s: raw.get(s, tables.get(s)) for s in t.sources}, t.params, CleaningLog()
            )
        except FouError as e:
            problems.append(f"table {t.id!r}: {e}")
    for o in plan.outcomes:
        if o.table not in tables:
            continue
        cols = [
            v
            for k, v in o.args.items()
            if k
            in {
                "outcome",
                "treated",
                "treatment",
                "unit",
                "time",
                "subject",
                "wave",
                "duration",
                "event",
                "group",
                "first_treated",
            }
            and isinstance(v, str)
        ]
        cols += [c for c in o.args.get("covariates", []) if isinstance(c, str)]
        missing = [c for c in cols if c not in tables[o.table].columns]
        if missing:
            problems.append(
                f"cases/{plan.slug}.yaml: outcome {o.id!r}: column(s) {', '.join(missing)} not in table {o.table!r}"
            )
    return problems


def _is_number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").notna() | s.isna()


def _is_date(s: pd.Series) -> pd.Series:
    """Dates as readers deliver them: parsed already, or text as dd.mm.yyyy or ISO 8601."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.Series(True, index=s.index)
    txt = s.astype("string")
    ok = (
        pd.to_datetime(txt, format="%d.%m.%Y", errors="coerce").notna()
        | pd.to_datetime(txt, format="ISO8601", errors="coerce").notna()
    )
    return ok | s.isna() | (txt.str.strip() == "")


def column_schema(columns: dict[str, ColumnCheck]) -> pa.DataFrameSchema:
    """A pandera schema from a plan's column checks (type, range, allowed values, uniqueness)."""

    def checks(c: ColumnCheck) -> list[pa.Check]:
        out = []
        if c.min is not None:
            out.append(pa.Check.ge(c.min))
        if c.max is not None:
            out.append(pa.Check.le(c.max))
        if c.allowed is not None:
            out.append(pa.Check.isin(c.allowed))
        if c.type in ("int", "float"):
            out.append(pa.Check(_is_number, element_wise=False, error="not a number"))
        if c.type == "date":
            out.append(pa.Check(_is_date, element_wise=False, error="not a date (dd.mm.yyyy or ISO)"))
        return out

    cols = {
        name: pa.Column(
            None, checks=checks(c), required=c.required, nullable=c.nullable, unique=c.unique, coerce=False
        )
        for name, c in columns.items()
    }
    return pa.DataFrameSchema(cols)
