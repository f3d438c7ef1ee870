"""The ``fou`` command: demo data, runs, validation, new cases and the data dictionary.

Every failure a user can cause (unknown case, missing raw file, a typo in a plan, a failing
notebook cell) exits non-zero with one line saying what is wrong and where — never a traceback.
Everything printed to stderr has identifiers masked (``privacy.mask_identifiers``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from fou_analysis.config import Project
from fou_analysis.exceptions import FouError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="fou-workbench: measure the effects and societal value of co-creation initiatives.",
)

RootOpt = Annotated[Path, typer.Option("--root", help="Project root (the folder with cases/ and data/).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Report language: nb (Norwegian bokmål) or en.")]


def _err(text: str) -> None:
    """Print to stderr with identifiers masked (a value quoted from the data may be one)."""
    from fou_analysis.privacy.scan import mask_identifiers

    typer.echo(mask_identifiers(text), err=True)


def _fail(message: str, code: int = 1) -> None:
    _err(f"fou: error: {message}")
    raise typer.Exit(code)


@app.command()
def demo(
    root: RootOpt = Path("."),
    case: Annotated[list[str] | None, typer.Option("--case", help="Only these cases.")] = None,
    missing_only: Annotated[
        bool, typer.Option("--missing-only", help="Only cases whose raw folder is empty or missing.")
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Overwrite existing demo files.")] = False,
) -> None:
    """Write the synthetic demo data into data/raw/<case>/ (never overwrites real files)."""
    from fou_analysis import demo as demo_mod

    project = Project.at(root)
    cases = case or list(demo_mod.CASES)
    unknown = [c for c in cases if c not in demo_mod.CASES]
    if unknown:
        _fail(f"no demo data for case(s) {', '.join(unknown)}; demo cases: {', '.join(demo_mod.CASES)}")
    if missing_only:
        cases = [c for c in cases if not any(project.raw_dir(c).glob("*"))]
    if not cases:
        typer.echo("demo data already present for every case; nothing written")
        return
    try:
        written = demo_mod.write_demo(project.root, cases=cases, overwrite=overwrite)
    except FouError as e:
        _fail(str(e))
    for c, files in written.items():
        typer.echo(f"{c}: {len(files)} file(s) written to {project.raw_dir(c)}")


@app.command()
def run(
    cases: Annotated[
        list[str] | None, typer.Argument(help="Cases to run (default: all, plus the portfolio).")
    ] = None,
    root: RootOpt = Path("."),
    lang: LangOpt = "nb",
    portfolio: Annotated[bool, typer.Option(help="Also run the cross-case portfolio overview.")] = True,
) -> None:
    """Clean → estimate → value → report for each case; write reports/<case>/report.html."""
    from fou_analysis.config import load_plan
    from fou_analysis.report.runner import run_case, run_portfolio
    from fou_analysis.validate import validate_case

    if lang not in ("nb", "en"):
        _fail(f"--lang must be 'nb' or 'en', not {lang!r}")
    project = Project.at(root)
    all_cases = project.case_slugs()
    selected = list(cases) if cases else all_cases
    try:
        for c in selected:
            load_plan(c, project=project)
            problems = validate_case(c, project=project, check_content=False)
            if problems:
                _fail(
                    f"case {c!r}: {problems[0]}"
                    + (
                        f" (and {len(problems) - 1} more; run 'fou validate {c}')"
                        if len(problems) > 1
                        else ""
                    )
                )
        for c in selected:
            out = run_case(project, c, lang=lang)
            typer.echo(f"{c}: {out.report}")
        if portfolio and not cases:
            out = run_portfolio(project, all_cases, lang=lang)
            typer.echo(f"portfolio: {out.report}")
    except FouError as e:
        _fail(str(e))


@app.command()
def validate(
    case: Annotated[str, typer.Argument(help="The case slug, e.g. utstyrsbu.")],
    root: RootOpt = Path("."),
) -> None:
    """Check a case's plan and raw data; list every problem; exit 1 if any."""
    from fou_analysis.validate import validate_case

    project = Project.at(root)
    try:
        problems = validate_case(case, project=project)
    except FouError as e:
        _fail(str(e))
    if problems:
        for p in problems:
            _err(f"- {p}")
        _fail(f"case {case!r}: {len(problems)} problem(s)")
    from fou_analysis.pipeline import load_project_recipes

    typer.echo(f"project recipes (recipes/*.py): {', '.join(load_project_recipes(project)) or 'none'}")
    typer.echo(f"case {case!r}: plan and raw data OK")


@app.command("new-case")
def new_case(
    slug: Annotated[str, typer.Argument(help="Short lowercase name, e.g. 'ungdomsbase'.")],
    root: RootOpt = Path("."),
) -> None:
    """Scaffold cases/<slug>.yaml for a new initiative."""
    from fou_analysis.scaffold import scaffold_case

    try:
        path = scaffold_case(Project.at(root), slug)
    except FouError as e:
        _fail(str(e))
    typer.echo(
        f"wrote {path}; fill in the plan, put raw files in data/raw/{slug}/, "
        f"then 'fou describe {slug}' and 'fou validate {slug}'"
    )


@app.command()
def describe(
    case: Annotated[str, typer.Argument(help="The case slug, e.g. utstyrsbu.")],
    root: RootOpt = Path("."),
) -> None:
    """Print the data dictionary: each raw file's and prepared table's columns (type, missing,
    distinct, min/max, examples; identifiers and rare values never shown)."""
    from fou_analysis.describe import describe_case

    try:
        text = describe_case(case, project=Project.at(root))
    except FouError as e:
        _fail(str(e))
    typer.echo(text, nl=False)


@app.command("import-initiatives")
def import_initiatives(
    file: Annotated[
        Path, typer.Argument(help="Staff-form export (Nettskjema CSV, CSV or XLSX), one row per initiative.")
    ],
    root: RootOpt = Path("."),
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace registered initiatives with the same slug.")
    ] = False,
    codebook: Annotated[
        Path | None, typer.Option("--codebook", help="Nettskjema elements JSON (coded answers → labels).")
    ] = None,
) -> None:
    """Merge reported initiatives into cases/portfolio.yaml (atomically; never overwrites an entry
    without --replace)."""
    from fou_analysis.framework.registry_import import import_registry, merge_initiatives

    project = Project.at(root)
    try:
        found = import_registry(file, **({"codebook": codebook} if codebook else {}))
        result = merge_initiatives(project, found, replace=replace)
    except FouError as e:
        _fail(str(e))
    typer.echo(
        f"{len(found)} initiative(s) in {file}: {len(result.added)} added, {len(result.replaced)} replaced, "
        f"{len(result.skipped)} already registered"
    )
    if result.skipped:
        typer.echo(f"kept (use --replace to overwrite): {', '.join(result.skipped)}")
    if result.path is not None:
        typer.echo(f"wrote {result.path}")


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        app(args=argv, prog_name="fou", standalone_mode=True)
    except FouError as e:  # pragma: no cover - safety net; commands catch their own
        _err(f"fou: error: {e}")
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
