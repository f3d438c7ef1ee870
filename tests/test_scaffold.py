"""`fou new-case`: the plan it writes validates as written and teaches every field and design.

The scaffold's examples are commented-out blocks headed ``# [example kind:name]``; these tests
uncomment them the way an editor's "toggle comment" does (remove ``# `` at the block's indent).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from fou_analysis import effects
from fou_analysis.config import (
    DESIGNS,
    CasePlan,
    Describe,
    ImpactRow,
    LogicModel,
    Outcome,
    OutcomeLabels,
    Partner,
    Project,
    Table,
    ValuePlan,
    load_plan,
    parse_plan,
)
from fou_analysis.exceptions import SpecificationError
from fou_analysis.scaffold import TEMPLATE, render_template, scaffold_case

HEADER = re.compile(r"^(?P<indent> *)# \[example (?P<kind>\w+):(?P<name>\w+)\]")


def uncomment(text: str, want) -> str:
    """Uncomment the example blocks for which ``want(kind, name)`` is true."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        m = HEADER.match(lines[i])
        out.append(lines[i])
        i += 1
        if not m:
            continue
        prefix = m["indent"] + "# "
        on = want(m["kind"], m["name"])
        while i < len(lines) and lines[i].startswith(prefix) and not HEADER.match(lines[i]):
            out.append(m["indent"] + lines[i][len(prefix) :] if on else lines[i])
            i += 1
    return "\n".join(out) + "\n"


def blocks(text: str) -> list[tuple[str, str]]:
    return [(m["kind"], m["name"]) for m in map(HEADER.match, text.splitlines()) if m]


def keys(obj: Any) -> set[str]:
    """Every mapping key anywhere in a parsed YAML document."""
    if isinstance(obj, dict):
        return set(map(str, obj)) | set().union(*(keys(v) for v in obj.values()))
    if isinstance(obj, list):
        return set().union(set(), *(keys(v) for v in obj))
    return set()


def test_scaffolded_plan_loads_as_written(tmp_path: Path) -> None:
    project = Project.at(tmp_path)
    path = scaffold_case(project, "ungdomsbase")
    assert path == tmp_path / "cases" / "ungdomsbase.yaml" and project.raw_dir("ungdomsbase").is_dir()
    plan = load_plan("ungdomsbase", project=project)
    assert plan.slug == "ungdomsbase" and plan.name.en == "Ungdomsbase"
    assert plan.value is not None and len(plan.value.impact_map) == 1
    assert plan.value.impact_map[0].quantity == f"effect:{plan.outcomes[0].id}"
    assert [o.design for o in plan.outcomes] == ["prepost"]  # every other design is an example
    with pytest.raises(SpecificationError, match="already exists"):
        scaffold_case(project, "ungdomsbase")


def test_there_is_an_example_outcome_for_every_design() -> None:
    examples = {name for kind, name in blocks(TEMPLATE) if kind == "outcome"}
    assert examples | {"prepost"} == set(DESIGNS)


@pytest.mark.parametrize("design", DESIGNS)
def test_each_design_example_parses_once_uncommented(design: str) -> None:
    text = render_template("ungdomsbase")
    # the example outcome plus the raw files and tables examples may need, nothing else
    on = uncomment(text, lambda kind, name: (kind, name) == ("outcome", design) or kind in ("raw", "table"))
    plan = parse_plan(yaml.safe_load(on), source="scaffold")
    (outcome,) = [o for o in plan.outcomes if o.design == design]
    # the args are the design function's own keyword names, and its required ones are all there
    from fou_analysis.effects._options import ALIASES

    params = inspect.signature(getattr(effects, design)).parameters
    aliases = ALIASES.get(design, {})  # older argument names, still accepted
    assert set(outcome.args) <= set(params) | set(aliases), set(outcome.args) - set(params) - set(aliases)
    given = {aliases.get(a, a) for a in outcome.args}
    required = {n for n, p in params.items() if p.kind is p.KEYWORD_ONLY and p.default is p.empty}
    assert required <= given, required - given
    # and the header says which table it needs, which is the table it uses
    if design != "prepost":
        header = next(ln for ln in text.splitlines() if f"[example outcome:{design}]" in ln)
        assert f"needs table:{outcome.table}" in header


def test_everything_uncommented_parses_and_names_every_field() -> None:
    data = yaml.safe_load(uncomment(render_template("ungdomsbase"), lambda kind, name: True))
    plan = parse_plan(data, source="scaffold")
    assert len(plan.value.impact_map) == 2 and plan.describe and plan.raw[0].pseudonymise
    assert plan.value.bank is not None and plan.raw[0].columns
    seen = keys(data)
    models: list[type[BaseModel]] = [
        CasePlan,
        Partner,
        LogicModel,
        Table,
        Outcome,
        OutcomeLabels,
        Describe,
        ValuePlan,
        ImpactRow,
    ]
    missing = {m.__name__: set(m.model_fields) - seen for m in models}
    assert not any(missing.values()), missing


def test_comments_are_in_norwegian_and_english() -> None:
    headers = [ln for ln in TEMPLATE.splitlines() if HEADER.match(ln)]
    assert len(headers) >= 15
    for ln in headers:
        assert " / " in ln, ln  # "norsk / English"
    for nb, en in (("Rådata", "Raw data"), ("Utfall", "Outcomes"), ("Samfunnsverdi", "Societal value")):
        assert nb in TEMPLATE and en in TEMPLATE
