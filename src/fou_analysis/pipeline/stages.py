"""The stages of a case run: read, prepare, estimate, value (each saves its artefacts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fou_analysis.clean import CleaningLog
from fou_analysis.config import CasePlan, Project
from fou_analysis.exceptions import DataError, FouError, SpecificationError
from fou_analysis.io.validation import Problem
from fou_analysis.pipeline import artefacts
from fou_analysis.pipeline.recipes import get_recipe


@dataclass
class Prepared:
    """The processed tables of a case and the cleaning log that produced them."""

    tables: dict[str, pd.DataFrame]
    log: CleaningLog
    raw_rows: dict[str, int] = field(default_factory=dict)


@dataclass
class ValueOutputs:
    """SROI, Monte Carlo, tornado and break-even for a case."""

    sroi: Any
    simulation: Any
    tornado: pd.DataFrame
    break_even: Any
    impact_map: Any
    #: value's notes (English) on rows whose before/after quantity keeps its deadweight
    notes: tuple[str, ...] = ()
    cba: Any = None
    #: per impact-map row: source, evidence grade, base or scenario (pipeline.base_case)
    evidence: pd.DataFrame | None = None
    #: every row valued, scenarios included (None when every row is in the base case)
    scenario: Any = None
    #: no row meets the evidence rule: the numbers above are the scenario's
    base_empty: bool = False
    #: the break-even row is a scenario row, so break-even is computed with scenarios
    break_even_scenario: bool = False
    min_grade: int = 3


# --------------------------------------------------------------------------- reading
def read_raw(
    plan: CasePlan,
    project: Project,
    raw_id: str,
    *,
    problems: list[Problem] | None = None,
    pseudonymise: bool = True,
) -> pd.DataFrame:
    """Read one raw file of the plan with the reader its format names, typed and checked.

    The plan's column rules (``raw[].columns``, ``raw[].unique``) are applied here, so that
    ``fou run`` and ``fou validate`` see the same typed frame: declared types are parsed (decimal
    comma included) and ranges, allowed values and keys checked by
    :func:`fou_analysis.io.validation.check_columns`.

    Parameters
    ----------
    plan, project, raw_id
        The case, the checkout and the raw file's id in the plan.
    problems
        ``None`` (``fou run``): a broken rule raises. A list (``fou validate``): the problems are
        appended to it and the typed frame is returned (unparseable cells missing).
    pseudonymise
        ``False`` skips the plan's ``pseudonymise`` step (no key needed); only for callers that
        never show those columns' values (``fou describe``).

    Raises
    ------
    DataError
        The file is missing or unreadable, or (``problems is None``) breaks a column rule; the
        error names the file and the first problem's row and column and lists them all.
    """
    from fou_analysis import io
    from fou_analysis.io.validation import check_columns, raise_problems

    spec = plan.raw_file(raw_id)
    path = project.raw_dir(plan.slug) / spec.path
    if not path.exists():
        raise DataError(
            f"raw file for {raw_id!r} is missing (run 'fou demo' for demo data, or put the delivered file there)",
            file=path,
        )
    if spec.format == "nettskjema":
        codebook = project.raw_dir(plan.slug) / spec.codebook if spec.codebook else None
        df = io.read_nettskjema(path, codebook=codebook)
    elif spec.format == "surveyxact":
        df = io.read_surveyxact(path)
    elif spec.format == "spss":
        df = io.read_spss(path)
    elif spec.format == "jsonstat":
        df = io.read_jsonstat(path)
    elif spec.format == "ssb_csv":
        df = io.read_ssb_csv(path)
    elif spec.format == "parquet":
        df = io.read_parquet(path)
    else:
        df = io.read_table(path)
    if spec.pseudonymise and pseudonymise:
        df = _pseudonymise(df, spec.pseudonymise, path)
    if spec.columns or spec.unique:
        # rows are lines of the dataset file: name it, not the SurveyXact folder
        file = (df.attrs.get("fou", {}).get("files") or {}).get("dataset", path)
        df, found = check_columns(df, spec.columns, keys=spec.unique, file=file)
        if problems is None:
            raise_problems(found)
        else:
            problems.extend(found)
    return df


def _pseudonymise(df: pd.DataFrame, columns: list[str], path: Path) -> pd.DataFrame:
    """Replace identifier columns by keyed pseudonyms before anything else sees them.

    The same key gives the same pseudonym in every file of a case, so files still link. The
    columns are listed in ``attrs["fou"]["pseudonymised"]``, so a recipe can pseudonymise the
    identifiers a plan names (``test_ids``) with the same key before matching them.
    """
    from fou_analysis import privacy

    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"column(s) to pseudonymise not found: {', '.join(missing)}", file=path, column=missing[0]
        )
    key = privacy.key_from_env()
    out = df.copy()
    for c in columns:
        out[c] = privacy.pseudonymise(df[c], key)
    meta = out.attrs.get("fou")
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta["pseudonymised"] = sorted({*meta.get("pseudonymised", ()), *columns})
    out.attrs["fou"] = meta
    return out


def check_linking(
    plan: CasePlan, raw: Mapping[str, pd.DataFrame], log: CleaningLog, *, min_share: float | None = None
) -> list[tuple[str, str, str, float]]:
    """Warn in the cleaning log when files that should link share too few identifiers.

    Files that pseudonymise a column of the same name are meant to link on it. When fewer than
    ``min_share`` of the smaller file's distinct identifiers are found in the other file, the
    identifiers were probably written differently (or pseudonymised with another key): a
    warning entry (no rows dropped) goes into the cleaning log, which the report shows.
    ``min_share`` defaults to the plan's ``link_min_share`` (0.5).

    Returns
    -------
    list of (raw id, raw id, column, share)
        The pairs that were warned about.
    """
    from itertools import combinations

    if min_share is None:
        min_share = plan.link_min_share
    by_column: dict[str, list[str]] = {}
    for spec in plan.raw:
        for c in spec.pseudonymise:
            if spec.id in raw and c in raw[spec.id].columns:
                by_column.setdefault(c, []).append(spec.id)
    warned = []
    for column, ids in by_column.items():
        for a, b in combinations(ids, 2):
            sets = {r: set(raw[r][column].dropna()) for r in (a, b)}
            small, other = sorted((a, b), key=lambda r: len(sets[r]))
            if not sets[small]:
                continue
            shared = len(sets[small] & sets[other])
            share = shared / len(sets[small])
            if share >= min_share:
                continue
            warned.append((small, other, column, share))
            f_small, f_other = plan.raw_file(small).path, plan.raw_file(other).path
            n, pct = len(sets[small]), f"{100 * share:.0f} %"
            log.add(
                f"{f_small} + {f_other}",
                f"link check on {column}",
                rows_in=len(raw[small]),
                rows_out=len(raw[small]),
                reason=(
                    f"warning: only {shared} of {n} identifiers in {f_small} ({pct}) are found in {f_other}; "
                    "check that both files write the identifiers the same way and were pseudonymised "
                    "with the same key"
                ),
                step_nb=f"koblingskontroll på {column}",
                reason_nb=(
                    f"advarsel: bare {shared} av {n} identifikatorer i {f_small} ({pct}) finnes i {f_other}; "
                    "sjekk at begge filene skriver identifikatorene likt og er pseudonymisert med samme nøkkel"
                ),
            )
    return warned


# --------------------------------------------------------------------------- artefacts
def _artefact_dir(plan: CasePlan, project: Project) -> Path:
    return project.processed_dir(plan.slug)


def save_artefact(plan: CasePlan, project: Project, name: str, obj: Any) -> Path:
    """Save an in-memory result for the next notebook: a signed pickle, written atomically.

    See :mod:`fou_analysis.pipeline.artefacts` (why signed, and what is refused on loading).
    """
    return artefacts.save(project, plan.slug, name, obj)


def load_artefact(plan: CasePlan, project: Project, name: str) -> Any:
    """Load a result saved by :func:`save_artefact`; a file this project did not sign is refused
    (:class:`~fou_analysis.DataError`) before anything in it is deserialised."""
    try:
        return artefacts.load(project, plan.slug, name)
    except FileNotFoundError:
        path = _artefact_dir(plan, project) / f"{name}.pkl"
        raise SpecificationError(
            f"{path} does not exist: run the earlier notebook (or 'fou run {plan.slug}') first"
        ) from None


def load_tables(plan: CasePlan, project: Project) -> dict[str, pd.DataFrame]:
    from fou_analysis import io

    out = {}
    for t in plan.tables:
        path = _artefact_dir(plan, project) / f"{t.id}.parquet"
        if not path.exists():
            raise SpecificationError(f"{path} does not exist: run 10_clean (or 'fou run {plan.slug}') first")
        out[t.id] = io.read_parquet(path)
    return out


def data_sources(plan: CasePlan, project: Project) -> list[dict[str, Any]]:
    """The raw files the prepared tables were built from, and whether each is demo data.

    Read from the provenance written next to each prepared table (``<table>.provenance.json``),
    so the answer describes the inputs behind the numbers, not whatever lies in the raw folder now.
    A source is demo data only if ``fou demo`` recorded it (``data/raw/<case>/.fou-demo.json``)
    with the very SHA-256 the provenance holds: a demo file edited since counts as real.

    Returns
    -------
    list of dict
        One per source, in plan order: ``name`` (path inside ``data/raw/<case>/``), ``sha256``,
        ``demo`` (bool), ``modified`` (UTC date of the file as it is now, ``None`` unless it still
        has the recorded checksum) and ``changed`` (the file is gone or differs from the one used).
        Empty when no table has been prepared yet.
    """
    import datetime as dt
    import json

    from fou_analysis import demo, io
    from fou_analysis.io.parquet import sidecar_path

    raw_dir = project.raw_dir(plan.slug)
    cut = f"/data/raw/{plan.slug}/"
    out: dict[str, dict[str, Any]] = {}
    for t in plan.tables:
        side = sidecar_path(_artefact_dir(plan, project) / f"{t.id}.parquet")
        try:
            records = json.loads(side.read_text(encoding="utf-8")).get("sources", [])
        except (OSError, ValueError, AttributeError):
            continue
        for rec in records:
            if not isinstance(rec, dict) or "path" not in rec or "sha256" not in rec:
                continue
            posix = Path(rec["path"]).as_posix()
            name = posix.split(cut, 1)[1] if cut in posix else Path(posix).name
            if name in out:
                continue
            current = raw_dir / name
            try:
                now = io.provenance([current])["sources"][0]["sha256"] if current.exists() else None
            except DataError:
                now = None
            modified = None
            if now == rec["sha256"]:
                files = [current] if current.is_file() else [f for f in current.rglob("*") if f.is_file()]
                stamp = max(f.stat().st_mtime for f in files) if files else current.stat().st_mtime
                modified = dt.datetime.fromtimestamp(stamp, dt.UTC).date()
            out[name] = {
                "name": name,
                "sha256": str(rec["sha256"]),
                "demo": demo.demo_sha256(raw_dir, name) == rec["sha256"],
                "modified": modified,
                "changed": now != rec["sha256"],
            }
    return list(out.values())


# --------------------------------------------------------------------------- stages
def prepare(
    plan: CasePlan, project: Project, *, write: bool = True, problems: list[str] | None = None
) -> Prepared:
    """Read every raw file and build every processed table the plan names.

    Tables are written to ``data/processed/<case>/<table>.parquet`` atomically with provenance
    (source hashes, package version, recipe and parameters) when ``write``. The project's own
    recipes (``recipes/*.py`` under the project root) are imported first.

    With a ``problems`` list (``fou validate``'s dry run, use with ``write=False``), a raw file or
    recipe that fails adds its problem to the list instead of raising; tables built from a
    failed source are skipped, and the returned tables are those that could be built.
    """
    from fou_analysis import io
    from fou_analysis.pipeline.project_recipes import load_project_recipes

    try:
        load_project_recipes(project)
    except FouError as e:
        if problems is None:
            raise
        problems.append(str(e))
    log = CleaningLog()
    if write:
        artefacts.workspace(project, plan.slug)
    raw: dict[str, pd.DataFrame] = {}
    for r in plan.raw:
        if problems is None:
            raw[r.id] = read_raw(plan, project, r.id)
            continue
        found: list[Problem] = []
        try:
            df = read_raw(plan, project, r.id, problems=found)
        except FouError as e:
            problems.append(str(e))
            continue
        problems += [str(p) for p in found]
        if not found:
            raw[r.id] = df
    raw_rows = {k: len(v) for k, v in raw.items()}
    check_linking(plan, raw, log)
    tables: dict[str, pd.DataFrame] = {}
    for t in plan.tables:
        if problems is not None and not all(s in raw or s in tables for s in t.sources):
            continue  # a source already has a problem listed
        sources = {s: (raw[s] if s in raw else tables[s]) for s in t.sources}
        try:
            fn = get_recipe(t.recipe)
            tables[t.id] = fn(sources, t.params, log)
        except FouError as e:
            if problems is None:
                raise
            problems.append(f"table {t.id!r} (recipe {t.recipe!r}): {e}")
            continue
        if write:
            paths = [project.raw_dir(plan.slug) / plan.raw_file(s).path for s in t.sources if s in raw]
            prov = io.provenance(
                sources=paths,
                parameters={"case": plan.slug, "table": t.id, "recipe": t.recipe, "params": t.params},
            )
            io.write_parquet(tables[t.id], _artefact_dir(plan, project) / f"{t.id}.parquet", provenance=prov)
    prepared = Prepared(tables=tables, log=log, raw_rows=raw_rows)
    try:
        reliability = compute_reliability(plan, {**raw, **tables})
    except FouError as e:
        if problems is None:
            raise
        problems.append(f"reliability of the instruments: {e}")
        reliability = {}
    if write:
        save_artefact(plan, project, "cleaning", prepared)
        save_artefact(plan, project, RELIABILITY, reliability)
    return prepared


#: The artefact holding the instruments' reliability (saved by :func:`prepare`).
RELIABILITY = "reliability"


def compute_reliability(plan: CasePlan, frames: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Cronbach's alpha and McDonald's omega for every instrument a table's recipe scores.

    Computed from the table's first source as read (``frames``: the raw frames, and tables
    built earlier, by id), at the baseline wave (all rows when the table has no ``wave``), after
    missing codes and out-of-range answers are set to missing, as
    :func:`clean.score_instrument` does. A table whose source is missing from ``frames`` (a
    dry run where it failed to read) is skipped.

    Returns
    -------
    dict
        ``{instrument name: clean.ReliabilityResult}``; empty when no recipe scores an instrument.
    """
    from fou_analysis import clean
    from fou_analysis.clean.survey import as_instrument

    out: dict[str, Any] = {}
    for t in plan.tables:
        specs = t.params.get("instruments")
        if not specs or t.sources[0] not in frames:
            continue
        survey = frames[t.sources[0]]
        wave = t.params.get("wave")
        if wave is not None and wave in survey.columns:
            survey = survey[pd.to_numeric(survey[wave], errors="coerce") == t.params.get("baseline_wave", 1)]
        for spec in specs:
            inst = as_instrument(spec)
            items = clean.score_instrument(survey, inst)  # missing codes and out-of-range → NaN
            out[inst.name] = clean.reliability(items, inst)
    return out


def instrument_reliability(plan: CasePlan, project: Project) -> dict[str, Any]:
    """The instruments' reliability as :func:`prepare` computed and saved it.

    Read from the signed artefact in ``data/processed/<case>/``, so a report can be rendered
    (and published) without the raw files or the pseudonymisation key.

    Returns
    -------
    dict
        ``{instrument name: clean.ReliabilityResult}`` (see :func:`compute_reliability`).

    Raises
    ------
    SpecificationError
        The case has not been prepared (or was prepared by a version that did not save it):
        run ``fou run CASE`` (or 10_clean) first.
    """
    return load_artefact(plan, project, RELIABILITY)


def _labels(outcome: Any) -> Any:
    from fou_analysis.effects import Labels

    lab = outcome.labels
    return Labels(
        outcome={"nb": outcome.label.nb, "en": outcome.label.en},
        unit={"nb": lab.unit.nb, "en": lab.unit.en} if lab.unit else {},
        scale=lab.scale,
        decimals=lab.decimals,
        higher_is_better=lab.higher_is_better,
    )


def estimate_outcome(plan: CasePlan, outcome_id: str, tables: Mapping[str, pd.DataFrame]) -> Any:
    """Estimate one outcome with the design its plan entry names."""
    from fou_analysis import effects

    o = plan.outcome(outcome_id)
    fn = getattr(effects, o.design, None)
    if fn is None:
        raise SpecificationError(f"outcome {o.id!r}: design {o.design!r} is not available")
    args = dict(o.args)
    res = fn(tables[o.table], **args)
    if o.design == "did" and "se" not in args:
        res = _ri_when_one_treated_cluster(fn, tables[o.table], args, res)
    return res.with_labels(_labels(o))


def _ri_when_one_treated_cluster(fn: Any, data: pd.DataFrame, args: dict[str, Any], res: Any) -> Any:
    """``did`` with ``se="ri"`` when the plan sets no ``se`` and there is one treated cluster.

    With one treated (or one untreated) cluster the cluster-robust standard error and the wild
    bootstrap are unreliable (MacKinnon & Webb 2017; ``did``'s ``treated_clusters`` check says so
    and points to ``se="ri"``). The report then uses randomisation inference by default and says
    why in a note (:data:`fou_analysis.effects.did.NOTE_RI_DEFAULT`, nb and en). An ``se`` in the
    plan always wins. Randomisation inference needs two-way fixed effects and treatment assigned to
    whole clusters; where ``did`` refuses it (a 2×2 model, treatment varying within a cluster and
    period) the cluster-robust result is kept with its warning.
    """
    from dataclasses import replace

    from fou_analysis.effects.did import NOTE_RI_DEFAULT

    if res.design != "twfe" or not res.single_cluster_side:
        return res
    try:
        ri = fn(data, **args, se="ri")
    except SpecificationError:
        return res
    return replace(ri, notes=(*ri.notes, NOTE_RI_DEFAULT))


def estimate(
    plan: CasePlan, project: Project, *, tables: Mapping[str, pd.DataFrame] | None = None, write: bool = True
) -> dict[str, Any]:
    """Estimate every outcome of the plan; returns ``{outcome_id: EffectResult}``."""
    tables = tables if tables is not None else load_tables(plan, project)
    results = {o.id: estimate_outcome(plan, o.id, tables) for o in plan.outcomes}
    if write:
        artefacts.workspace(project, plan.slug)
        save_artefact(plan, project, "effects", results)
        from fou_analysis import io

        frame = pd.concat(
            [r.to_frame(headline_only=True).assign(outcome_id=k) for k, r in results.items()],
            ignore_index=True,
        )
        io.write_parquet(
            frame,
            _artefact_dir(plan, project) / "effects.parquet",
            provenance=io.provenance(sources=[], parameters={"case": plan.slug, "stage": "estimate"}),
        )
    return results


def impact_rows(plan: CasePlan) -> list[dict[str, Any]]:
    """The plan's impact map as rows for :func:`value.load_impact_map`.

    Whether a row's deadweight is netted by its effect is decided in ``value`` from the effect's
    design (a before/after estimate keeps it), not here. ``stakeholder``, ``outcome`` and
    ``indicator`` hold the Norwegian text, ``<name>_en`` the English one.
    """
    vp = plan.value
    if vp is None:
        raise SpecificationError(f"case {plan.slug!r} has no 'value' section")
    texts = ("stakeholder", "outcome", "indicator")
    rows = []
    for r in vp.impact_map:
        row = {k: ("" if v is None else v) for k, v in r.model_dump(exclude={"unit", *texts}).items()}
        for name in texts:  # Norwegian (or the one text) in the column, English beside it
            row[name], row[f"{name}_en"] = r.text(name, "nb"), r.text(name, "en")
        rows.append(row)
    return rows


def value_bank(plan: CasePlan, project: Project) -> pd.DataFrame | None:
    """The plan's own value bank (``value.bank``), or ``None`` for the package's bank."""
    from fou_analysis import value

    vp = plan.value
    if vp is None or not vp.bank:
        return None
    bank_path = project.root / vp.bank
    if not bank_path.exists():
        raise SpecificationError(
            f"cases/{plan.slug}.yaml: value.bank {vp.bank!r} does not exist under {project.root}"
        )
    return value.load_value_bank(bank_path)


def valuate(
    plan: CasePlan, project: Project, *, effects: Mapping[str, Any] | None = None, write: bool = True
) -> ValueOutputs:
    """Value the plan's impact map with SROI, Monte Carlo, tornado and break-even.

    The base case (``sroi``, ``simulation``, ``tornado``, ``cba``) uses only rows whose quantity
    is a documented count or an estimate graded at least ``value.min_grade`` whose interval
    excludes zero (:func:`fou_analysis.pipeline.base_case.evidence_rows`, kept in ``evidence``).
    When some rows fall short, ``scenario`` values every row ("with scenarios"). When no row
    qualifies, the base case is empty (``base_empty``) and every number is the scenario's.
    """
    from fou_analysis.pipeline.base_case import evidence_rows

    if plan.value is None:
        raise SpecificationError(f"case {plan.slug!r} has no 'value' section")
    vp = plan.value
    effects = effects if effects is not None else load_artefact(plan, project, "effects")
    rows = impact_rows(plan)
    ev = evidence_rows(plan, effects)
    bank = value_bank(plan, project)
    base_pos = [int(i) for i in ev.loc[ev["base"], "row"]]
    base_empty = not base_pos
    everything = _value_set(plan, rows, effects, bank)
    if base_empty or len(base_pos) == len(rows):
        base, scenario = everything, None
    else:
        base = _value_set(plan, [rows[i] for i in base_pos], effects, bank)
        scenario = everything
    be = None
    be_scenario = False
    if vp.break_even_row is not None:
        if vp.break_even_row in base_pos and not base_empty:
            be = _break_even(plan, base, base_pos.index(vp.break_even_row), effects)
        else:
            be = _break_even(plan, everything, vp.break_even_row, effects)
            be_scenario = True
    out = ValueOutputs(
        sroi=base.sroi,
        simulation=base.simulation,
        tornado=base.tornado,
        break_even=be,
        impact_map=base.impact_map,
        notes=everything.sroi.before_after_notes("en"),
        cba=base.cba,
        evidence=ev,
        scenario=scenario,
        base_empty=base_empty,
        break_even_scenario=be_scenario,
        min_grade=vp.min_grade,
    )
    if write:
        save_artefact(plan, project, "value", out)
    return out


@dataclass
class ValueSet:
    """SROI, Monte Carlo, tornado and R-109 view of one set of impact-map rows."""

    impact_map: Any
    sroi: Any
    simulation: Any
    tornado: pd.DataFrame
    cba: Any
    rows: list[dict[str, Any]] = field(default_factory=list)


def _value_set(plan: CasePlan, rows: list[dict[str, Any]], effects: Mapping[str, Any], bank: Any) -> ValueSet:
    from fou_analysis import value

    vp = plan.value
    imap = value.load_impact_map(rows, bank=bank)
    rate_range = (
        (vp.discount_rate_low, vp.discount_rate, vp.discount_rate_high)
        if vp.discount_rate_low is not None and vp.discount_rate_high is not None
        else None
    )
    sroi = value.sroi(
        imap,
        investment=vp.investment_nok,
        discount_rate=vp.discount_rate,
        effects=effects,
        base_year=vp.base_year,
    )
    sim = value.simulate(
        imap,
        investment=vp.investment_nok,
        effects=effects,
        draws=vp.draws,
        seed=plan.seed,
        discount_rate=rate_range or vp.discount_rate,
        base_year=vp.base_year,
    )
    torn = value.tornado(
        imap,
        investment=vp.investment_nok,
        effects=effects,
        discount_rate=rate_range or vp.discount_rate,
        base_year=vp.base_year,
    )
    return ValueSet(
        impact_map=imap, sroi=sroi, simulation=sim, tornado=torn, cba=_cost_benefit(plan, sroi), rows=rows
    )


def _break_even(plan: CasePlan, vs: ValueSet, position: int, effects: Mapping[str, Any]) -> Any:
    """Break-even of one row of a value set; the sentence names the unit of its quantity."""
    from fou_analysis import value

    vp = plan.value
    row = vp.impact_map[vp.break_even_row]
    quantity_unit = {"nb": row.unit.nb, "en": row.unit.en} if row.unit else {}
    effect_unit: dict[str, str] = {}
    ref = str(row.quantity)
    if ref.startswith("effect:"):
        unit = plan.outcome(ref.removeprefix("effect:")).labels.unit
        effect_unit = {"nb": unit.nb, "en": unit.en} if unit else {}
    return value.break_even(
        vs.impact_map,
        investment=vp.investment_nok,
        outcome_row=position,
        effects=effects,
        discount_rate=vp.discount_rate,
        base_year=vp.base_year,
        quantity_unit=quantity_unit,
        effect_unit=effect_unit,
    )


def _cost_benefit(plan: CasePlan, sroi: Any) -> Any:
    """The same streams under the Norwegian rules (R-109): step-down discounting, 20 % tax cost.

    Benefits are the SROI impacts per year (real, base-year prices; against the zero
    alternative, i.e. net of deadweight/attribution as in the value map); the investment is the
    cost in year 0, of which ``public_share`` is net public spending.
    """
    from fou_analysis import value

    vp = plan.value
    by = sroi.by_year
    years = vp.investment_year + by["year"].to_numpy()
    benefits = pd.DataFrame({"valued_outcomes": by["value"].to_numpy()}, index=years)
    costs = pd.DataFrame(
        {"investment": [vp.investment_nok if y == 0 else 0.0 for y in by["year"]]}, index=years
    )
    unpriced = {u.nb: "+" for u in vp.unpriced}
    return value.cost_benefit(
        benefits,
        costs,
        base_year=vp.base_year,
        public_share=vp.public_share,
        tax_cost=vp.tax_cost,
        unpriced=unpriced,
    )
