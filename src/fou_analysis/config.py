"""Case plans (``cases/<slug>.yaml``): the measurement plan of one initiative.

A plan names the initiative and its partners, the logic model, the raw files and their formats,
the processed tables and how each is prepared, the outcomes with their indicators and the design
that estimates each, and the value inputs (investment, impact map). The schema is a pydantic model
with ``extra="forbid"``, so a typo in a field name is an error that names the file, the field and
the closest valid name — never silently ignored.

Paths are resolved from an explicit project root (``Project``), never from ``__file__``. A case
is named by its slug only (``^[a-z0-9][a-z0-9_-]*$``, at most 64 characters): ``Project`` builds
every case folder (``cases/``, ``data/raw/``, ``data/processed/``, ``reports/``) from a checked
slug, so no argument (``../../outside/x``, an absolute path) can place a file outside them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fou_analysis.exceptions import SpecificationError

DESIGNS = (
    "prepost",
    "did",
    "event_study",
    "staggered_did",
    "synthetic_control",
    "synthetic_did",
    "its",
    "weighting",
    "survival",
)
#: Designs whose estimate is a contrast with a counterfactual (deadweight already netted out);
#: ``prepost`` is the exception: a before/after change on the same people.
COUNTERFACTUAL_DESIGNS = frozenset(DESIGNS) - {"prepost"}
#: A case name: the file name of its plan and the folder name of its data and reports.
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
SLUG_MAX_LENGTH = 64


def check_slug(slug: object) -> str:
    """Return ``slug`` if it is a valid case name, else raise :class:`SpecificationError`.

    A valid case name is lower-case ASCII letters, digits, ``-`` and ``_``, starts with a letter
    or digit and is at most 64 characters: never a path.

    Examples
    --------
    >>> check_slug("noen")
    'noen'
    >>> check_slug("../../outside/x")
    Traceback (most recent call last):
    ...
    fou_analysis.exceptions.SpecificationError: '../../outside/x' is not a case name: ...
    """
    if isinstance(slug, str) and len(slug) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(slug):
        return slug
    text = str(slug)
    shown = text if len(text) <= 80 else text[:77] + "..."
    hint = ""
    stem = Path(text).stem
    if text.endswith((".yaml", ".yml")) and SLUG_PATTERN.fullmatch(stem):
        hint = f" (for the plan cases/{stem}.yaml, give the case name {stem!r})"
    raise SpecificationError(
        f"{shown!r} is not a case name: a case is named by its slug (lower-case letters, digits, "
        f"'-' and '_', starting with a letter or digit, at most {SLUG_MAX_LENGTH} characters), "
        f"never by a path{hint}"
    )


FORMATS = ("csv", "nettskjema", "surveyxact", "spss", "jsonstat", "ssb_csv", "xlsx", "parquet")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in Norwegian bokmål and English."""

    nb: str
    en: str

    def get(self, lang: str) -> str:
        return self.nb if lang == "nb" else self.en


class Partner(_Strict):
    name: str
    role: Text
    kind: Literal["municipality", "social_enterprise", "ngo", "intermunicipal", "research", "other"]


class LogicModel(_Strict):
    inputs: list[Text]
    activities: list[Text]
    outputs: list[Text]
    outcomes: list[Text]


class ColumnCheck(_Strict):
    """What a raw column must hold.

    Applied when the file is read (``fou run`` and ``fou validate`` alike, see
    :func:`fou_analysis.io.validation.check_columns`): a declared ``type`` parses the column
    (decimal comma included), then the range, allowed values and uniqueness are checked.
    """

    type: Literal["int", "float", "str", "date"] | None = None
    required: bool = True
    nullable: bool = True
    min: float | None = None
    max: float | None = None
    allowed: list[str | int | float] | None = None
    unique: bool = False


class RawFile(_Strict):
    """One raw file (or SurveyXact folder) under ``data/raw/<case>/``."""

    id: str
    path: str
    format: Literal[FORMATS]  # type: ignore[valid-type]
    codebook: str | None = None
    description: Text | None = None
    personal_data: bool = True
    columns: dict[str, ColumnCheck] = Field(default_factory=dict)
    # identifier columns replaced at read time by keyed pseudonyms (HMAC-SHA256; the key comes
    # from the environment variable FOU_PSEUDONYM_KEY and is never stored)
    pseudonymise: list[str] = Field(default_factory=list)
    # column combinations that must be unique together, e.g. [[kommunenr, aar]]; a plain column
    # name is a one-column key (as ``unique: true`` under ``columns``)
    unique: list[list[str]] = Field(default_factory=list)

    @field_validator("unique", mode="before")
    @classmethod
    def _keys(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [[k] if isinstance(k, str) else k for k in v]
        return v

    @field_validator("path", "codebook")
    @classmethod
    def _inside_raw_dir(cls, v: str | None) -> str | None:
        # raw files are read from data/raw/<case>/ only: no absolute path, no '..', no '~'
        if v is None:
            return v
        norm = v.replace("\\", "/")
        parts = norm.split("/")
        if not norm.strip() or norm.startswith(("/", "~")) or ":" in parts[0] or ".." in parts:
            raise ValueError(f"{v!r} must be a path inside data/raw/<case>/ (relative, without '..')")
        return v


class Table(_Strict):
    """A processed table: built from raw files by a named preparation recipe."""

    id: str
    recipe: str
    sources: list[str]
    params: dict[str, Any] = Field(default_factory=dict)
    description: Text | None = None


class OutcomeLabels(_Strict):
    scale: float = 1.0
    decimals: int = 1
    unit: Text | None = None
    higher_is_better: bool = True
    # what a reader counts in "n" (e.g. persons, municipalities); default from the design
    # (fou_analysis.effects.evidence.READER_UNIT)
    n_unit: Text | None = None


class Outcome(_Strict):
    """One outcome, its indicator, and the design that estimates it."""

    id: str
    label: Text
    indicator: Text
    table: str
    design: Literal[DESIGNS]  # type: ignore[valid-type]
    args: dict[str, Any] = Field(default_factory=dict)
    labels: OutcomeLabels = Field(default_factory=OutcomeLabels)
    can_show: Text | None = None
    cannot_show: Text | None = None
    # the design whose result answers the outcome question in the summary; other outcomes with the
    # same ``question`` are robustness checks shown beside it (at most one headline per question)
    headline: bool = False
    # quality-of-life domain (DOMAINS); life satisfaction 0–10 belongs to subjective_wellbeing
    domain: Literal[tuple(DOMAINS)] | None = None  # type: ignore[valid-type]

    # groups several designs that answer one question (default: the outcome is its own question)
    question: str | None = None

    @property
    def question_id(self) -> str:
        """The question this outcome answers: ``question`` or, without one, its own id."""
        return self.question or self.id


class Describe(_Strict):
    """A descriptive cross-table for the report ("who was reached"), small cells suppressed."""

    table: str
    rows: str
    columns: str
    label: Text
    # what the row categories are, as a reader reads it (default: the column name ``rows``)
    rows_label: Text | None = None
    # category values in the reader's language, e.g. {Sykkel: {nb: Sykkel, en: Bicycle}}; a value
    # not listed is shown as it is in the data
    values: dict[str, Text] = Field(default_factory=dict)


#: Outcome domains of the Norwegian quality-of-life framework (Barstad et al., Helsedirektoratet
#: 2016, "Gode liv i Norge", IS-2727; measured by SSB's quality-of-life survey,
#: Livskvalitetsundersøkelsen): an outcome's ``domain`` lets initiatives from different sectors
#: line up. Key → (bokmål, English).
DOMAINS: dict[str, tuple[str, str]] = {
    "health": ("Helse", "Health"),
    "work_education": ("Arbeid og utdanning", "Work and education"),
    "economy": ("Økonomi", "Economy"),
    "social_relations": ("Sosiale relasjoner", "Social relations"),
    "safety": ("Trygghet", "Safety"),
    "participation": ("Deltakelse", "Participation"),
    "subjective_wellbeing": ("Subjektiv livskvalitet", "Subjective wellbeing"),
}
#: Where an initiative stands: idea, pilot, ordinary operation, ended. Key → (bokmål, English).
STAGES: dict[str, tuple[str, str]] = {
    "ide": ("Idé", "Idea"),
    "pilot": ("Pilot", "Pilot"),
    "drift": ("Ordinær drift", "Ordinary operation"),
    "avsluttet": ("Avsluttet", "Ended"),
}
#: The hand-over checklist (#11.2): what must be in place before a project becomes operation.
HANDOVER_CHECKS: dict[str, tuple[str, str]] = {
    "owner_named": ("Eier i drift er navngitt", "Owner in operation named"),
    "funding_beyond_project": ("Finansiering etter prosjektperioden", "Funding beyond the project period"),
    "agreement": ("Avtale er inngått", "Agreement in place"),
    "competence": ("Kompetanse er overført", "Competence transferred"),
    "anchored_in_plans": ("Forankret i kommunens planer", "Anchored in the municipality's plans"),
}


class HandoverChecklist(_Strict):
    """The five conditions of a safe hand-over from project to operation (all ``False`` = unknown)."""

    owner_named: bool = False
    funding_beyond_project: bool = False
    agreement: bool = False
    competence: bool = False
    anchored_in_plans: bool = False

    def missing(self) -> list[str]:
        """Keys of :data:`HANDOVER_CHECKS` not yet in place."""
        return [k for k in HANDOVER_CHECKS if not getattr(self, k)]


class Handover(_Strict):
    """Who runs the initiative after the project, on what money and agreement (#11.2)."""

    operator: str | None = None  # an organisation or unit, never a person's name
    funding_model: Text | None = None
    funding_until: date | None = None
    agreement: Text | None = None
    checklist: HandoverChecklist = Field(default_factory=HandoverChecklist)


def _refuse_personal_data(texts: dict[str, str], what: str) -> None:
    """Raise ``ValueError`` if any text holds an identity number, e-mail or phone number."""
    from fou_analysis.privacy.scan import scan

    for where, text in texts.items():
        found = scan(text)
        if found:
            kinds = ", ".join(sorted({f.kind for f in found}))
            raise ValueError(
                f"{what} {where} contains possible personal data ({kinds}, e.g. {found[0].value}); "
                "remove it — stories name roles, never people or contact details"
            )


class Story(_Strict):
    """A short story from the initiative (#11.3): shown only when ``consent`` is recorded.

    ``told_by`` is a role ("forelder", "parent"), never a name; ``outcome`` is the outcome id (in a
    case plan) it illustrates, ``domain`` the quality-of-life domain (in the registry).
    """

    text: Text
    told_by: Text
    date: date
    consent: bool = False
    outcome: str | None = None
    domain: Literal[tuple(DOMAINS)] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _no_personal_data(self) -> Story:
        _refuse_personal_data(
            {
                "text (nb)": self.text.nb,
                "text (en)": self.text.en,
                "told_by (nb)": self.told_by.nb,
                "told_by (en)": self.told_by.en,
            },
            "story",
        )
        return self


class Theme(_Strict):
    """One theme of a keyword codebook for free-text answers (a keyword matches word starts)."""

    id: str
    label: Text
    keywords: list[str] = Field(min_length=1)


class ThemeCodebook(_Strict):
    """Free-text answers (``table``.``column``) coded into themes, shown as counts (#11.3)."""

    table: str
    column: str
    themes: list[Theme] = Field(min_length=1)


class ImpactRow(_Strict):
    """One row of the impact map (SROI Guide stages 2–4).

    ``stakeholder``, ``outcome`` and ``indicator`` are one text for both report languages or,
    like other plan texts, ``{nb: ..., en: ...}``; :meth:`text` picks the report's language.
    """

    stakeholder: str | Text
    outcome: str | Text
    indicator: str | Text
    quantity: float | str
    quantity_multiplier: float | None = None
    proxy_id: str | None = None
    proxy_nok: float | None = None
    proxy_year: int | None = None
    proxy_source: str | None = None
    deadweight: float = 0.0
    displacement: float = 0.0
    attribution: float = 0.0
    drop_off: float = 0.0
    duration_years: int = 1
    deadweight_low: float | None = None
    deadweight_high: float | None = None
    attribution_low: float | None = None
    attribution_high: float | None = None
    displacement_low: float | None = None
    displacement_high: float | None = None
    drop_off_low: float | None = None
    drop_off_high: float | None = None
    # what the quantity counts, for break-even sentences (e.g. {nb: "utlån", en: "loans"})
    unit: Text | None = None

    def text(self, name: Literal["stakeholder", "outcome", "indicator"], lang: str = "nb") -> str:
        """``stakeholder``, ``outcome`` or ``indicator`` in ``lang`` (the one text if only one is given)."""
        value = getattr(self, name)
        return value if isinstance(value, str) else value.get(lang)


class ValuePlan(_Strict):
    bank: str | None = None  # a value-bank CSV relative to the project root (default: the package's)
    investment_nok: float
    investment_year: int
    base_year: int
    discount_rate: float = 0.035
    discount_rate_low: float | None = None
    discount_rate_high: float | None = None
    public_share: float = 1.0  # share of the investment that is net public spending
    tax_cost: float = 0.20  # cost of tax financing per krone of net public spending (R-109/2021)
    impact_map: list[ImpactRow]
    unpriced: list[Text] = Field(default_factory=list)
    break_even_row: int | None = None
    draws: int = 100_000
    # base case: rows whose quantity is a documented count, or an estimate graded at least
    # ``min_grade`` on the Maryland SMS (3 = comparison group) whose interval excludes zero;
    # other rows are a scenario (fou_analysis.value.evidence_rows)
    min_grade: int = Field(default=3, ge=1, le=5)


class BarometerPlan(_Strict):
    """The co-creation barometer of the case: which raw file holds the answers, and how to read it.

    The raw file is declared under ``raw`` like any other (a Nettskjema export with its
    codebook, usually); these fields are the arguments of
    :func:`fou_analysis.framework.barometer_long` and :func:`fou_analysis.framework.barometer`.
    """

    raw: str
    # one partnership per form (default: the first social-enterprise or NGO partner's name), or
    # the column that names it
    partnership: str | None = None
    partnership_column: str | None = None
    side: str = "side"
    side_codes: dict[str | int, Literal["kommune", "partner"]] | None = None
    wave: str | None = None
    respondent: str = "$submission_id"
    prefix: str = "barometer."
    missing_codes: list[int | str] = Field(default_factory=lambda: [9])
    n_min: int = Field(default=3, ge=1)
    level: float = Field(default=0.95, gt=0, lt=1)

    @model_validator(mode="after")
    def _one_partnership(self) -> BarometerPlan:
        if self.partnership is not None and self.partnership_column is not None:
            raise ValueError("give partnership (a name) or partnership_column (a column), not both")
        return self


class CasePlan(_Strict):
    """The measurement plan of one initiative (``cases/<slug>.yaml``)."""

    slug: str
    name: Text
    summary: Text
    sector: Text
    municipality: str
    partners: list[Partner]
    period: dict[str, date]
    logic_model: LogicModel
    raw: list[RawFile]
    tables: list[Table]
    outcomes: list[Outcome]
    value: ValuePlan | None = None
    describe: list[Describe] = Field(default_factory=list)
    seed: int = 20261128
    small_cell_min: int = 5
    # files that pseudonymise a column of the same name should link on it: below this share of the
    # smaller file's identifiers found in the other file, the cleaning log warns (no rows dropped)
    link_min_share: float = Field(default=0.5, ge=0, le=1)
    # co-creation (issue #11): stage, hand-over to operation, stories, free-text themes
    stage: Literal[tuple(STAGES)] | None = None  # type: ignore[valid-type]
    handover: Handover | None = None
    stories: list[Story] = Field(default_factory=list)
    themes: ThemeCodebook | None = None
    # the co-creation barometer (partner survey of both sides); optional
    barometer: BarometerPlan | None = None

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        try:
            return check_slug(v)
        except SpecificationError as e:
            raise ValueError(str(e)) from None

    @field_validator("period")
    @classmethod
    def _period(cls, v: dict[str, date]) -> dict[str, date]:
        if set(v) != {"start", "end"} or v["start"] >= v["end"]:
            raise ValueError("period needs 'start' < 'end'")
        return v

    @model_validator(mode="after")
    def _references(self) -> CasePlan:
        problems = []
        raw_ids = [r.id for r in self.raw]
        table_ids = [t.id for t in self.tables]
        for ids, what in (
            (raw_ids, "raw file"),
            (table_ids, "table"),
            ([o.id for o in self.outcomes], "outcome"),
        ):
            dup = {i for i in ids if ids.count(i) > 1}
            if dup:
                problems.append(f"duplicate {what} id(s): {sorted(dup)}")
        clash = set(raw_ids) & set(table_ids)
        if clash:
            problems.append(f"table id(s) {sorted(clash)} are also raw file ids; give tables their own names")
        for t in self.tables:
            for s in t.sources:
                if s not in raw_ids and s not in table_ids:
                    problems.append(
                        f"table {t.id!r}: source {s!r} is neither a raw file nor a table"
                        + did_you_mean(s, raw_ids + table_ids)
                    )
        for o in self.outcomes:
            if o.table not in table_ids:
                problems.append(
                    f"outcome {o.id!r}: table {o.table!r} is not defined under 'tables'"
                    + did_you_mean(o.table, table_ids)
                )
        heads: dict[str, list[str]] = {}
        for o in self.outcomes:
            if o.headline:
                heads.setdefault(o.question_id, []).append(o.id)
        for q, ids in heads.items():
            if len(ids) > 1:
                problems.append(
                    f"question {q!r} has {len(ids)} headline outcomes ({', '.join(ids)}); mark one with "
                    "'headline: true', the others are robustness checks"
                )
        for d in self.describe:
            if d.table not in table_ids:
                problems.append(
                    f"describe: table {d.table!r} is not defined under 'tables'"
                    + did_you_mean(d.table, table_ids)
                )
        outcome_ids = [o.id for o in self.outcomes]
        for i, st in enumerate(self.stories):
            if st.outcome is not None and st.outcome not in outcome_ids:
                problems.append(
                    f"story {i + 1}: outcome {st.outcome!r} is not defined under 'outcomes'"
                    + did_you_mean(st.outcome, outcome_ids)
                )
        if self.themes is not None and self.themes.table not in table_ids:
            problems.append(
                f"themes: table {self.themes.table!r} is not defined under 'tables'"
                + did_you_mean(self.themes.table, table_ids)
            )
        if self.barometer is not None and self.barometer.raw not in raw_ids:
            problems.append(
                f"barometer: raw {self.barometer.raw!r} is not a raw file id"
                + did_you_mean(self.barometer.raw, raw_ids)
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def barometer_partnership(self) -> str:
        """The partnership's name in the barometer: the plan's, else the first social-enterprise
        or NGO partner's, else the slug."""
        if self.barometer is not None and self.barometer.partnership:
            return self.barometer.partnership
        for p in self.partners:
            if p.kind in ("social_enterprise", "ngo"):
                return p.name
        return self.slug

    def outcome(self, outcome_id: str) -> Outcome:
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        raise SpecificationError(f"case {self.slug!r} has no outcome {outcome_id!r}")

    def raw_file(self, raw_id: str) -> RawFile:
        for r in self.raw:
            if r.id == raw_id:
                return r
        raise SpecificationError(f"case {self.slug!r} has no raw file {raw_id!r}")


@dataclass(frozen=True)
class Project:
    """Paths of a workbench checkout, from an explicit root."""

    root: Path

    @classmethod
    def at(cls, root: str | Path = ".") -> Project:
        return cls(Path(root).resolve())

    @property
    def cases_dir(self) -> Path:
        return self.root / "cases"

    def case_file(self, slug: str) -> Path:
        return self.cases_dir / f"{check_slug(slug)}.yaml"

    def raw_dir(self, slug: str) -> Path:
        return self.root / "data" / "raw" / check_slug(slug)

    def processed_dir(self, slug: str) -> Path:
        return self.root / "data" / "processed" / check_slug(slug)

    def reports_dir(self, slug: str) -> Path:
        return self.root / "reports" / check_slug(slug)

    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    def case_slugs(self) -> list[str]:
        """Slugs of every case plan (``cases/*.yaml`` except the portfolio registry)."""
        return sorted(p.stem for p in self.cases_dir.glob("*.yaml") if p.stem != "portfolio")


def did_you_mean(word: Any, candidates: Any, *, labels: dict[str, str] | None = None) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``candidates``, or ``""`` when none is close.

    ``labels`` adds a description to the suggestion (e.g. a value-bank id's label).
    """
    names = [str(c) for c in candidates]
    hint = difflib.get_close_matches(str(word), names, n=1, cutoff=0.6)
    if not hint:
        lowered = {n.lower(): n for n in names}
        hint = [lowered[str(word).lower()]] if str(word).lower() in lowered else []
    if not hint:
        return ""
    label = (labels or {}).get(hint[0])
    return f" (did you mean {hint[0]!r}" + (f", {label}" if label else "") + "?)"


#: Plan lists whose entries are named by their ``id`` in errors (``outcome 'neet_rate'``).
_NAMED_LISTS = {"raw": "raw file", "tables": "table", "outcomes": "outcome"}


def _field_path(loc: tuple[Any, ...], data: Any = None) -> str:
    """``outcomes.0.design`` as ``outcome 'neet_rate': design`` when the entry has an id."""
    if (
        data is not None
        and len(loc) >= 2
        and loc[0] in _NAMED_LISTS
        and isinstance(loc[1], int)
        and isinstance(data, dict)
    ):
        entries = data.get(loc[0])
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            head = f"{_NAMED_LISTS[loc[0]]} {entry['id']!r}"
            rest = _field_path(loc[2:])
            return f"{head}: {rest}" if rest else head
    return ".".join(str(p) for p in loc)


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The valid field names at the parent of ``loc`` (for 'did you mean')."""
    m: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(m, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        cand = [a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not cand:
            for a in args:
                cand += [
                    b for b in getattr(a, "__args__", ()) if isinstance(b, type) and issubclass(b, BaseModel)
                ]
        if not cand:
            return []
        m = cand[0]
    return list(getattr(m, "model_fields", {}))


def validation_problems(
    model: type[BaseModel],
    error: ValidationError,
    data: Any,
    source: str,
    where: Callable[[tuple[Any, ...]], str],
) -> list[str]:
    """One readable line per pydantic error: ``source: where: what`` with a "did you mean".

    Shared by plans and the portfolio registry. ``where(loc)`` names the place (by id where the
    document has one). A misspelled field is also a missing one: it is reported once, as the
    misspelling.
    """
    lines: list[str] = []
    errors = error.errors()
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            hint = difflib.get_close_matches(str(loc[-1]), _known_fields(model, loc), n=1)
            misspelt |= {(*loc[:-1], h) for h in hint}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc in misspelt:
            continue
        place = where(loc)
        if err["type"] == "extra_forbidden":
            msg = f"unknown field {str(loc[-1])!r}" + did_you_mean(loc[-1], _known_fields(model, loc))
            place = where(loc[:-1])
        elif err["type"] == "literal_error":
            expected = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
            msg = f"{err.get('input')!r} is not one of {', '.join(expected)}" + did_you_mean(
                err.get("input"), expected
            )
        elif err["type"] == "value_error" and not loc:
            # a whole-document check (cross-references): one line per problem, already worded
            lines += [f"{source}: {m}" for m in str(err["ctx"]["error"]).splitlines()]
            continue
        else:
            msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{source}: {place}: {msg}")
    return lines


def parse_plan(data: dict[str, Any], *, source: str = "<plan>") -> CasePlan:
    """Validate a plan given as a dict; errors name the source, the field and a suggestion."""
    try:
        return CasePlan.model_validate(data)
    except ValidationError as e:
        lines = validation_problems(
            CasePlan, e, data, source, lambda loc: _field_path(loc, data) or "(top level)"
        )
        raise SpecificationError("\n".join(lines)) from None


def load_plan(slug: str, *, project: Project | None = None) -> CasePlan:
    """Load and validate ``cases/<slug>.yaml``.

    Raises
    ------
    SpecificationError
        A name that is not a slug (a path, ``..``, upper case), an unknown case (lists the known
        ones), a YAML syntax error (with line), or an invalid plan (names the field and suggests
        the closest valid name).
    """
    project = project or Project.at(".")
    p = project.case_file(slug)
    if not p.exists():
        known = project.case_slugs()
        hint = difflib.get_close_matches(slug, known, n=1)
        raise SpecificationError(
            f"unknown case {slug!r}: no file {p}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + (f"; known cases: {', '.join(known)}" if known else "")
        )
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecificationError(f"{p}:{where} is not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise SpecificationError(f"{p}: a case plan must be a YAML mapping")
    plan = parse_plan(data, source=str(p))
    if plan.slug != p.stem:
        raise SpecificationError(f"{p}: slug {plan.slug!r} does not match the file name {p.stem!r}")
    return plan
