"""The ``fou`` command: demo data, runs, the portfolio, validation, new cases and
the data dictionary.

Every failure a user can cause (unknown case, missing raw file, a typo in a plan, a failing
notebook cell, a privacy finding, a case already running) exits non-zero with one line saying
what is wrong and where — never a traceback. Any other exception (a bug, a full disk) also ends
in one line, naming a private log file (0600, ``data/processed/fou-error-<time>-<pid>.log``)
that holds the traceback. Values that look like identifiers (identity numbers, e-mail
addresses, phone numbers) are masked in every error line (``privacy.mask_identifiers``).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Annotated

import typer

from fou_analysis.config import Project
from fou_analysis.exceptions import FouError, SpecificationError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="fou-workbench: measure the effects and societal value of co-creation initiatives.",
)

RootOpt = Annotated[Path, typer.Option("--root", help="Project root (the folder with cases/ and data/).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Report language: nb (Norwegian bokmål) or en.")]
ReplaceOpt = Annotated[
    bool, typer.Option("--replace", help="Replace registered initiatives with the same slug.")
]
CodebookOpt = Annotated[
    Path | None, typer.Option("--codebook", help="Nettskjema elements JSON (coded answers → labels).")
]
DefaultLangOpt = Annotated[
    str,
    typer.Option(
        "--default-lang",
        envvar="FOU_DEFAULT_LANG",
        help="The language whose report is report.html; the other gets report.<lang>.html.",
    ),
]

_state: dict[str, Path] = {}  # the project root of the running command (for the error log)


def _project(root: Path) -> Project:
    project = Project.at(root)
    _state["root"] = project.root
    return project


def _err(text: str) -> None:
    """Print to stderr with identifiers masked (a value quoted from the data may be one)."""
    from fou_analysis.privacy.scan import mask_identifiers

    typer.echo(mask_identifiers(text), err=True)


def _check_langs(lang: str, default_lang: str) -> None:
    """``--lang`` and ``--default-lang`` must each be a report language."""
    from fou_analysis.report.runner import LANGS

    for value, name in ((lang, "--lang"), (default_lang, "--default-lang")):
        if value not in LANGS:
            _fail(f"{name} must be 'nb' or 'en', not {value!r}")


def _fail(message: str, code: int = 1) -> None:
    _err(f"fou: error: {message}")
    raise typer.Exit(code)


def _error_log(exc: BaseException) -> Path:
    """Write the traceback to a private log file; return its path (see :func:`_write_log`)."""
    try:
        return _write_log("".join(traceback.format_exception(exc)))
    except OSError:
        raise exc from None  # nowhere to write: let Python print it


def _write_log(text: str, tag: str = "") -> Path:
    """Write ``text`` (a traceback) to a private log file; return its path.

    In ``data/processed/`` of the command's project (private, git-ignored), else the system
    temporary directory. The traceback is not masked: the file is 0600 and is for debugging.
    ``tag`` (a case) keeps the logs of several failures in one second apart.
    """
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    candidates = []
    if "root" in _state:
        candidates.append(_state["root"] / "data" / "processed")
    candidates.append(Path(tempfile.gettempdir()))
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"fou-error-{stamp}-{os.getpid()}{'-' + tag if tag else ''}.log"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path
    raise OSError("no folder to write the error log to")


@app.command()
def demo(
    root: RootOpt = Path("."),
    case: Annotated[list[str] | None, typer.Option("--case", help="Only these cases.")] = None,
    missing_only: Annotated[
        bool,
        typer.Option(
            "--missing-only",
            help="Only add what is missing: all files into an empty folder, the demo files a demo "
            "folder lacks (never rewriting one); folders with other files are left alone.",
        ),
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Overwrite existing demo files.")] = False,
) -> None:
    """Write the synthetic demo data into data/raw/<case>/ (never overwrites real files)."""
    from fou_analysis import demo as demo_mod

    project = _project(root)
    cases = case or list(demo_mod.CASES)
    unknown = [c for c in cases if c not in demo_mod.CASES]
    if unknown:
        _fail(f"no demo data for case(s) {', '.join(unknown)}; demo cases: {', '.join(demo_mod.CASES)}")
    if missing_only and overwrite:
        _fail("--missing-only and --overwrite contradict each other; choose one")
    try:
        written = demo_mod.write_demo(
            project.root, cases=cases, overwrite=overwrite, missing_only=missing_only
        )
    except FouError as e:
        _fail(str(e))
    for c, files in written.items():
        if files:
            typer.echo(f"{c}: {len(files)} file(s) written to {project.raw_dir(c)}")
        elif c in written.skipped:
            why = "files demo did not write" if missing_only or overwrite else "files already there"
            shown = ", ".join(p.relative_to(project.raw_dir(c)).as_posix() for p in written.skipped[c][:3])
            more = ", …" if len(written.skipped[c]) > 3 else ""
            typer.echo(f"{c}: left alone ({why}: {shown}{more})")
        else:
            typer.echo(f"{c}: demo data complete; nothing written")


def select_runs(
    cases: list[str] | None, all_cases: list[str], portfolio: bool | None
) -> tuple[list[str], bool]:
    """Which cases to run and whether to render the portfolio.

    No case named: every case, and the portfolio unless ``--no-portfolio``. ``portfolio`` as a
    case name means the portfolio overview (not a case). ``--portfolio`` adds it to named cases.

    Examples
    --------
    >>> select_runs(None, ["a", "b"], None), select_runs(["a"], ["a", "b"], None)
    ((['a', 'b'], True), (['a'], False))
    >>> select_runs(["portfolio"], ["a", "b"], None), select_runs(["a"], ["a"], True)
    (([], True), (['a'], True))
    >>> select_runs(None, ["a"], False)
    (['a'], False)
    """
    from fou_analysis.report.runner import PORTFOLIO

    named = [c for c in (cases or []) if c != PORTFOLIO]
    asked = bool(cases) and PORTFOLIO in cases
    if asked and portfolio is False:
        raise SpecificationError("'portfolio' named as a case but --no-portfolio given; choose one")
    selected = named if cases else list(all_cases)
    wanted = portfolio if portfolio is not None else (not cases or asked)
    return selected, wanted


@app.command()
def run(
    cases: Annotated[
        list[str] | None,
        typer.Argument(help="Cases to run (default: all, plus the portfolio); 'portfolio' = the overview."),
    ] = None,
    root: RootOpt = Path("."),
    lang: LangOpt = "nb",
    default_lang: DefaultLangOpt = "nb",
    portfolio: Annotated[
        bool | None,
        typer.Option(
            "--portfolio/--no-portfolio",
            help="Also render the cross-case overview (default: only when no case is named).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Cases run at the same time, each in its own process (default: CPUs)."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress lines ('[case] step … seconds' on stderr).")
    ] = False,
) -> None:
    """Clean → estimate → value → report for each case; publish reports/<case>/ when clean.

    Cases run in parallel (``-j``), the portfolio after them; a progress line per case and step
    goes to stderr. A failing case does not stop the others; nothing of it is published, the
    portfolio is then not rendered, and the command exits 1 naming each failed case.
    """
    from fou_analysis.config import load_plan
    from fou_analysis.report import batch
    from fou_analysis.report.runner import run_portfolio
    from fou_analysis.validate import validate_case

    _check_langs(lang, default_lang)
    project = _project(root)
    all_cases = project.case_slugs()
    progress = None if quiet else _err
    try:
        selected, with_portfolio = select_runs(cases, all_cases, portfolio)
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
        outcomes = batch.run_cases(
            project,
            selected,
            jobs=jobs or batch.default_jobs(),
            lang=lang,
            default_lang=default_lang,
            progress=progress,
            output=_err,
        )
        for o in outcomes:
            if o.ok:
                typer.echo(f"{o.case}: {o.report}")
        failed = [o for o in outcomes if not o.ok]
        if with_portfolio and not failed:
            out = run_portfolio(
                project,
                all_cases,
                lang=lang,
                default_lang=default_lang,
                progress=None if quiet else lambda step, s: _err(batch.progress_line("portfolio", step, s)),
            )
            typer.echo(f"portfolio: {out.report}")
    except FouError as e:
        _fail(str(e))
    if failed:
        lines = [
            o.error + (f" (traceback in {_write_log(o.traceback, o.case)})" if o.traceback else "")
            for o in failed
        ]
        if len(outcomes) == 1:
            _fail(lines[0])  # one case: one line, as always
        for o, line in zip(failed, lines, strict=True):
            _err(f"fou: error: case {o.case}: {line}")
        skipped = "; the portfolio was not rendered" if with_portfolio else ""
        _fail(
            f"{len(failed)} of {len(outcomes)} case(s) failed: {', '.join(o.case for o in failed)}{skipped}"
        )


@app.command("portfolio")
def portfolio_cmd(
    root: RootOpt = Path("."),
    lang: LangOpt = "nb",
    default_lang: DefaultLangOpt = "nb",
    import_file: Annotated[
        Path | None,
        typer.Option(
            "--import",
            help="First merge a staff-form export (Nettskjema CSV, CSV or XLSX; one row per initiative) "
            "into cases/portfolio.yaml.",
        ),
    ] = None,
    replace: ReplaceOpt = False,
    codebook: CodebookOpt = None,
) -> None:
    """Render reports/portfolio/report.html from cases/portfolio.yaml and existing case results.

    No case is re-run; cases without results are listed as not run. With ``--import FILE`` the
    reported initiatives are merged into the registry first (as ``fou import-initiatives``).
    """
    from fou_analysis.report.runner import run_portfolio

    _check_langs(lang, default_lang)
    project = _project(root)
    if import_file is not None:
        _import_into_registry(project, import_file, replace=replace, codebook=codebook)
    try:
        out = run_portfolio(project, lang=lang, default_lang=default_lang)
    except FouError as e:
        _fail(str(e))
    typer.echo(f"portfolio: {out.report}")


@app.command()
def validate(
    case: Annotated[str, typer.Argument(help="The case slug, e.g. utstyrsbu.")],
    root: RootOpt = Path("."),
) -> None:
    """Check a case's plan and raw data; list every problem; exit 1 if any."""
    from fou_analysis.report.runner import PORTFOLIO
    from fou_analysis.validate import validate_case

    if case == PORTFOLIO:
        _fail("'portfolio' is the registry of initiatives, not a case; 'fou portfolio' renders the overview")
    project = _project(root)
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
        path = scaffold_case(_project(root), slug)
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
    distinct, 5th/95th percentiles, examples; identifiers, rare values and single persons' values
    never shown)."""
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
    replace: ReplaceOpt = False,
    codebook: CodebookOpt = None,
) -> None:
    """Merge reported initiatives into cases/portfolio.yaml (atomically; never overwrites an entry
    without --replace)."""
    _import_into_registry(Project.at(root), file, replace=replace, codebook=codebook)


def _import_into_registry(project: Project, file: Path, *, replace: bool, codebook: Path | None) -> None:
    from fou_analysis.framework.registry_import import import_registry, merge_initiatives

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
    """Console entry point: any exception ends in one line (and a log file for the unexpected)."""
    try:
        app(args=argv, prog_name="fou", standalone_mode=True)
    except FouError as e:  # safety net; commands catch their own
        _err(f"fou: error: {e}")
        sys.exit(1)
    except Exception as e:
        log = _error_log(e)
        first = (str(e).strip().splitlines() or [""])[0]
        _err(f"fou: error: {type(e).__name__}: {first} (traceback in {log})")
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
