"""The registry of every co-creation initiative (``cases/portfolio.yaml``, issue #11.4).

Staff reported far more innovation initiatives than leadership knew of. The registry lists all of
them — measured or not — with sector, partners, form of co-creation, stage, hand-over status, a
one-paragraph story, the quality-of-life domains it aims at, the evidence it has and, where a case
plan exists, a link to it (``case:``). The schema is pydantic with unknown fields rejected and a
suggestion for the closest valid name, like case plans (:mod:`fou_analysis.config`).

Entries with ``invented: true`` are invented examples (the demo registry); the report marks them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from fou_analysis.config import (
    DOMAINS,
    STAGES,
    Handover,
    Project,
    Story,
    Text,
    _Strict,
    did_you_mean,
    validation_problems,
)
from fou_analysis.exceptions import SpecificationError
from fou_analysis.io import atomic_write_text

#: Municipal sectors, key → (bokmål, English).
SECTORS: dict[str, tuple[str, str]] = {
    "helse_omsorg": ("Helse og omsorg", "Health and care"),
    "oppvekst": ("Oppvekst og utdanning", "Childhood and education"),
    "kultur_fritid": ("Kultur og fritid", "Culture and leisure"),
    "arbeid_inkludering": ("Arbeid og inkludering", "Work and inclusion"),
    "naering": ("Næring og samfunnsutvikling", "Business and community development"),
    "miljo_klima": ("Miljø og klima", "Environment and climate"),
    "teknisk": ("Teknikk og eiendom", "Technical services and property"),
    "tverrsektoriell": ("Tverrsektoriell", "Cross-sector"),
}
#: Forms of co-creation, key → (bokmål, English).
FORMS: dict[str, tuple[str, str]] = {
    "sosial_entreprenor": ("Partnerskap med sosial entreprenør", "Partnership with a social entrepreneur"),
    "frivillighet": ("Samarbeid med frivillige organisasjoner", "Cooperation with voluntary organisations"),
    "innbyggere": ("Samskaping med innbyggere", "Co-creation with citizens"),
    "innovasjonspartnerskap": (
        "Innovasjonspartnerskap (anskaffelse)",
        "Innovation partnership (procurement)",
    ),
    "tjenestekjop": ("Tjenestekjøp", "Service purchase"),
    "interkommunalt": ("Interkommunalt samarbeid", "Intermunicipal cooperation"),
    "forskning": ("Forsknings- og utviklingssamarbeid", "Research and development partnership"),
    "intern": ("Intern innovasjon i kommunen", "In-house innovation in the municipality"),
}
#: The evidence an initiative has, weakest first, key → (bokmål, English).
EVIDENCE: dict[str, tuple[str, str]] = {
    "none": ("Ingen måling ennå", "No measurement yet"),
    "counts": ("Tellinger (aktivitet, deltakere)", "Counts (activity, participants)"),
    "user_feedback": ("Brukererfaringer", "User feedback"),
    "before_after": ("Før–etter-måling", "Before–after measurement"),
    "comparison_group": ("Sammenligningsgruppe", "Comparison group"),
    "randomised": ("Randomisert forsøk", "Randomised trial"),
}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class Initiative(_Strict):
    """One initiative in the registry."""

    slug: str
    name: str
    municipality: list[str] = Field(min_length=1)  # municipality numbers (2024 structure)
    sector: Literal[tuple(SECTORS)]  # type: ignore[valid-type]
    partners: list[str] = Field(default_factory=list)  # organisations, never persons
    form: Literal[tuple(FORMS)] | None = None  # type: ignore[valid-type]
    stage: Literal[tuple(STAGES)]  # type: ignore[valid-type]
    handover: Handover | None = None
    story: Text | None = None  # one paragraph: what it is and what it changes
    domains: list[Literal[tuple(DOMAINS)]] = Field(default_factory=list)  # type: ignore[valid-type]
    evidence: Literal[tuple(EVIDENCE)] = "none"  # type: ignore[valid-type]
    case: str | None = None  # slug of the case plan cases/<case>.yaml, when measured
    stories: list[Story] = Field(default_factory=list)
    contact_role: str | None = None  # a role ("enhetsleder"), never a name
    invented: bool = False  # an invented example (demo registry)

    @field_validator("municipality", "partners", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p.strip() for p in re.split(r"[,;]", v) if p.strip()]
        if isinstance(v, int):
            return [f"{v:04d}"]
        return v

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(f"slug {v!r}: use lowercase letters, digits, '-' and '_'")
        return v

    @field_validator("municipality")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not re.fullmatch(r"\d{4}", c)]
        if bad:
            raise ValueError(f"municipality numbers have four digits: {bad}")
        return v

    @model_validator(mode="after")
    def _story_text(self) -> Initiative:
        if self.story is not None:
            from fou_analysis.config import _refuse_personal_data

            _refuse_personal_data({"(nb)": self.story.nb, "(en)": self.story.en}, "story")
        return self

    @property
    def measured(self) -> bool:
        """Whether a case plan measures the initiative."""
        return self.case is not None


class Registry(_Strict):
    """``cases/portfolio.yaml``: every initiative the project knows of."""

    initiatives: list[Initiative] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Registry:
        slugs = [i.slug for i in self.initiatives]
        dup = sorted({s for s in slugs if slugs.count(s) > 1})
        if dup:
            raise ValueError(f"duplicate initiative slug(s): {dup}")
        return self

    def get(self, slug: str) -> Initiative:
        for i in self.initiatives:
            if i.slug == slug:
                return i
        raise SpecificationError(
            f"no initiative {slug!r} in the registry" + did_you_mean(slug, [i.slug for i in self.initiatives])
        )


def _where(loc: tuple[Any, ...], data: Any) -> str:
    if len(loc) >= 2 and loc[0] == "initiatives" and isinstance(loc[1], int) and isinstance(data, dict):
        items = data.get("initiatives") or []
        entry = items[loc[1]] if loc[1] < len(items) else None
        name = entry.get("slug") if isinstance(entry, dict) else None
        head = f"initiative {name!r}" if name else f"initiative {loc[1] + 1}"
        rest = ".".join(str(p) for p in loc[2:])
        return f"{head}: {rest}" if rest else head
    return ".".join(str(p) for p in loc) or "(top level)"


def parse_registry(data: Any, *, source: str = "<registry>") -> Registry:
    """Validate a registry given as a dict; errors name the source, entry, field and a suggestion."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SpecificationError(f"{source}: the registry must be a mapping with 'initiatives:'")
    try:
        return Registry.model_validate(data)
    except ValidationError as e:
        lines = validation_problems(Registry, e, data, source, lambda loc: _where(loc, data))
        raise SpecificationError("\n".join(lines)) from None


def registry_path(project: Project) -> Path:
    """``cases/portfolio.yaml`` of the project."""
    return project.cases_dir / "portfolio.yaml"


def load_registry(project: Project, *, check_cases: bool = True) -> Registry:
    """Load and validate ``cases/portfolio.yaml`` (an empty registry when the file is missing).

    Parameters
    ----------
    project
        The project whose registry to read.
    check_cases
        Check that every ``case:`` names an existing case plan.

    Raises
    ------
    SpecificationError
        Invalid YAML, an unknown field (with a suggestion), a value outside a vocabulary, a
        duplicate slug, or a ``case:`` without a plan.
    """
    path = registry_path(project)
    if not path.exists():
        return Registry()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecificationError(f"{path}:{where} is not valid YAML: {getattr(e, 'problem', e)}") from None
    reg = parse_registry(data, source=str(path))
    if check_cases:
        known = project.case_slugs()
        bad = [
            f"{path}: initiative {i.slug!r}: case {i.case!r} has no plan cases/{i.case}.yaml"
            + did_you_mean(i.case, known)
            for i in reg.initiatives
            if i.case is not None and i.case not in known
        ]
        if bad:
            raise SpecificationError("\n".join(bad))
    return reg


HEADER = """\
# The portfolio registry: every co-creation initiative the FoU project knows of, measured or not
# (schema: fou_analysis.framework.registry; `fou import-initiatives FILE` merges a staff-form export).
# An entry with `case:` has a measurement plan cases/<case>.yaml and is measured by `fou run`.
# Entries with `invented: true` are INVENTED EXAMPLES for the demo, not real initiatives.
"""
INVENTED_MARK = (
    "  # ---- OPPDIKTEDE EKSEMPLER / INVENTED EXAMPLES (invented: true) — not real initiatives ----"
)


def _header(path: Path) -> str:
    if not path.exists():
        return HEADER
    lines = []
    for ln in path.read_text(encoding="utf-8").splitlines():
        if not ln.startswith("#"):
            break
        lines.append(ln)
    return "\n".join(lines) + "\n" if lines else HEADER


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (``domains: [health, safety]``)."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> Any:
    flat = all(isinstance(x, str | int | float | bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _list)


def dump_registry(registry: Registry, header: str = HEADER) -> str:
    """The registry as YAML: ``header``, then one block per entry; invented examples under a
    comment that says so."""
    out = [header.rstrip("\n"), "initiatives:"]
    marked = False
    for item in registry.initiatives:
        if item.invented and not marked:
            out.append(INVENTED_MARK)
            marked = True
        entry = item.model_dump(mode="json", exclude_defaults=True)
        entry["stage"] = item.stage
        chunk = yaml.dump([entry], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        out += ["  " + ln for ln in chunk.splitlines()]
    return "\n".join(out) + "\n"


def save_registry(project: Project, registry: Registry) -> Path:
    """Write ``cases/portfolio.yaml`` atomically, keeping the file's leading comment."""
    path = registry_path(project)
    text = dump_registry(registry, _header(path))
    parse_registry(yaml.safe_load(text), source=str(path))  # what is written reads back
    return atomic_write_text(path, text)
