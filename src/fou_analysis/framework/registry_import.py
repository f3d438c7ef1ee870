"""Import initiatives reported by staff (a Nettskjema or CSV/XLSX export of a form, one row per
initiative) into the registry (issue #11.4).

The file is read by :func:`fou_analysis.io.read_table` (Nettskjema, plain CSV or workbook,
detected from the content). Columns are found by name, Norwegian or English, case-insensitive:

==================  ==================================================================
field               accepted column names
==================  ==================================================================
name (required)     ``navn``, ``tiltak``, ``name``, ``initiative``
sector (required)   ``sektor``, ``sector``
stage (required)    ``fase``, ``stage``
municipality        ``kommune``, ``kommunenummer``, ``municipality`` (number or name)
partners            ``partnere``, ``samarbeidspartnere``, ``partners`` (separated by , or ;)
form                ``samskapingsform``, ``form``
story               ``historie``, ``beskrivelse``, ``story``
domains             ``livsomrader``, ``livsområder``, ``domener``, ``domains`` (separated by
                    , or ;) — or Nettskjema checkbox columns ``livsomrader.<domain>`` (0/1)
evidence            ``dokumentasjon``, ``evidens``, ``evidence``
operator            ``driftsansvarlig``, ``operator``
contact_role        ``kontaktrolle``, ``rolle``, ``contact_role``
==================  ==================================================================

Vocabulary answers may be the key (``helse_omsorg``) or the label in either language (``Helse
og omsorg``). A value outside a vocabulary raises :class:`~fou_analysis.DataError` naming the
file, row and column with the closest valid answer. A story, partner or role with what looks
like an identity number, e-mail or phone number is refused the same way (the value masked).
Other columns (``$submission_id``, unrelated questions) are ignored. A story from the form is in
Norwegian only; its English text says so.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fou_analysis.config import DOMAINS, STAGES, Project, did_you_mean
from fou_analysis.exceptions import DataError
from fou_analysis.framework.registry import (
    EVIDENCE,
    FORMS,
    SECTORS,
    Initiative,
    Registry,
    load_registry,
    save_registry,
)
from fou_analysis.io import read_table
from fou_analysis.io._common import file_row
from fou_analysis.privacy.scan import scan

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("navn", "tiltak", "name", "initiative"),
    "sector": ("sektor", "sector"),
    "stage": ("fase", "stage"),
    "municipality": ("kommune", "kommunenummer", "municipality"),
    "partners": ("partnere", "samarbeidspartnere", "partners"),
    "form": ("samskapingsform", "form"),
    "story": ("historie", "beskrivelse", "story"),
    "domains": ("livsomrader", "livsområder", "domener", "domains"),
    "evidence": ("dokumentasjon", "evidens", "evidence"),
    "operator": ("driftsansvarlig", "operator"),
    "contact_role": ("kontaktrolle", "rolle", "contact_role"),
}
REQUIRED = ("name", "sector", "stage")
NOT_TRANSLATED = "(Only in Norwegian, from the staff form) "
_VOCAB = {"sector": SECTORS, "stage": STAGES, "form": FORMS, "evidence": EVIDENCE, "domains": DOMAINS}


@dataclass
class MergeResult:
    """What :func:`merge_initiatives` did: slugs added, replaced and skipped (already there)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    path: Path | None = None


def slugify(name: str) -> str:
    """A registry slug from a name.

    Examples
    --------
    >>> slugify("Språkkafé for nyankomne")
    'sprakkafe-for-nyankomne'
    """
    s = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "tiltak"


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


def _lookup(value: str, vocab: dict[str, tuple[str, str]], *, file: Path, row: Any, column: str) -> str:
    names = {_norm(k): k for k in vocab} | {_norm(v[0]): k for k, v in vocab.items()}
    names |= {_norm(v[1]): k for k, v in vocab.items()}
    names |= {"ide": "ide", "idé": "ide", "drift": "drift"} if vocab is STAGES else {}
    key = names.get(_norm(value))
    if key is None:
        choices = [v[0] for v in vocab.values()]
        raise DataError(
            f"{value!r} is not a known answer; expected one of {', '.join(choices)}"
            + did_you_mean(value, list(vocab) + choices),
            file=file,
            row=row,
            column=column,
        )
    return key


def _municipality_codes(value: str, *, file: Path, row: Any, column: str) -> list[str]:
    from fou_analysis.clean import municipality_codes

    table = municipality_codes()
    now = table[table["last_year"] == float("inf")]
    by_name = {_norm(n): c for n, c in zip(now["name"], now["code"], strict=True)}
    for n, c in zip(now["name"], now["code"], strict=True):  # "Snåase - Snåsa" also as "Snåsa"
        for part in str(n).split(" - "):
            by_name.setdefault(_norm(part), c)
    out = []
    for part in (p.strip() for p in re.split(r"[,;]", value) if p.strip()):
        if re.fullmatch(r"\d{4}", part) and part in set(now["code"]):
            out.append(part)
        elif _norm(part) in by_name:
            out.append(by_name[_norm(part)])
        else:
            raise DataError(
                f"{part!r} is not a municipality (number or name in the 2024 structure)"
                + did_you_mean(part, list(by_name)),
                file=file,
                row=row,
                column=column,
            )
    return out


def _find_columns(df: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """``{field: column}`` for plain columns and ``{column: domain key}`` for checkbox columns."""
    lowered = {_norm(c): c for c in df.columns}
    found = {f: lowered[a] for f, aliases in COLUMNS.items() for a in aliases if a in lowered}
    boxes = {}
    for c in df.columns:
        head, _, option = str(c).partition(".")
        if option and _norm(head) in COLUMNS["domains"]:
            boxes[c] = option
    return found, boxes


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


def import_registry(
    path: str | os.PathLike[str], *, municipality: str = "5006", **read_kw: Any
) -> list[Initiative]:
    """Read a staff-form export (one row per reported initiative) into registry entries.

    Parameters
    ----------
    path
        Nettskjema CSV, plain CSV or workbook (see the module docstring for the columns).
    municipality
        Municipality number for rows that leave the municipality empty (default 5006 Steinkjer).
    **read_kw
        Passed to :func:`fou_analysis.io.read_table` (e.g. ``codebook=`` for Nettskjema; coded
        answers are then replaced by their labels).

    Returns
    -------
    list of Initiative
        In file order; slugs from the names (``-2``, ``-3`` … for repeated names).

    Raises
    ------
    DataError
        A required column is missing, a required answer is empty, an answer is outside its
        vocabulary, or a text holds possible personal data — naming file, row and column.
    """
    p = Path(path)
    df = read_table(p, **read_kw)
    meta = df.attrs.get("fou", {})
    if meta.get("labels"):
        from fou_analysis.io import apply_labels

        df = apply_labels(df)
    cols, boxes = _find_columns(df)
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        raise DataError(
            "missing column(s) for "
            + ", ".join(f"{f} ({' / '.join(COLUMNS[f][:2])})" for f in missing)
            + f"; columns found: {', '.join(map(str, df.columns))}",
            file=p,
        )
    out: list[Initiative] = []
    seen: dict[str, int] = {}
    for label, rec in df.iterrows():
        row = file_row(meta.get("row_map"), label)[0]

        def val(f: str, rec: Any = rec) -> str | None:
            return _text(rec[cols[f]]) if f in cols else None

        for f in REQUIRED:
            if val(f) is None:
                raise DataError(f"empty answer for {f}", file=p, row=row, column=cols[f])
        for f in ("story", "partners", "contact_role", "operator", "name"):
            text = val(f)
            found = scan(text) if text else []
            if found:
                raise DataError(
                    f"possible personal data ({found[0].kind}: {found[0].value}); "
                    "registry texts name roles and organisations, never people or contact details",
                    file=p,
                    row=row,
                    column=cols[f],
                )
        entry: dict[str, Any] = {"name": val("name")}
        for f in ("sector", "stage", "form", "evidence"):
            if val(f) is not None:
                entry[f] = _lookup(val(f), _VOCAB[f], file=p, row=row, column=cols[f])  # type: ignore[arg-type]
        domains = []
        if val("domains"):
            for part in (x.strip() for x in re.split(r"[,;]", val("domains") or "") if x.strip()):
                domains.append(_lookup(part, DOMAINS, file=p, row=row, column=cols["domains"]))
        for c, option in boxes.items():
            if _text(rec[c]) not in (None, "0", "0.0"):
                domains.append(_lookup(option, DOMAINS, file=p, row=row, column=c))
        if domains:
            entry["domains"] = list(dict.fromkeys(domains))
        entry["municipality"] = (
            _municipality_codes(val("municipality") or "", file=p, row=row, column=cols["municipality"])
            if val("municipality")
            else [municipality]
        )
        if val("partners"):
            entry["partners"] = val("partners")
        if val("story"):
            story = val("story") or ""
            entry["story"] = {"nb": story, "en": NOT_TRANSLATED + story}
        if val("operator"):
            entry["handover"] = {"operator": val("operator")}
        if val("contact_role"):
            entry["contact_role"] = val("contact_role")
        slug = slugify(entry["name"])
        seen[slug] = seen.get(slug, 0) + 1
        entry["slug"] = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
        try:
            out.append(Initiative.model_validate(entry))
        except Exception as e:  # pydantic: a value the vocabulary lookup could not catch
            raise DataError(f"cannot register this row: {e}", file=p, row=row) from None
    return out


def merge_initiatives(
    project: Project, initiatives: list[Initiative], *, replace: bool = False
) -> MergeResult:
    """Merge ``initiatives`` into ``cases/portfolio.yaml`` (written atomically).

    An initiative whose slug is already registered is skipped unless ``replace`` is true; the
    registry's other entries and its leading comment are kept. Nothing is written when nothing
    changes.
    """
    reg = load_registry(project)
    entries = list(reg.initiatives)
    index = {e.slug: i for i, e in enumerate(entries)}
    result = MergeResult()
    for new in initiatives:
        if new.slug in index:
            if not replace:
                result.skipped.append(new.slug)
                continue
            entries[index[new.slug]] = new
            result.replaced.append(new.slug)
        else:
            # staff-reported (real) entries go before the invented demo examples
            pos = next((i for i, e in enumerate(entries) if e.invented), len(entries))
            entries.insert(pos, new)
            index = {e.slug: i for i, e in enumerate(entries)}
            result.added.append(new.slug)
    if result.added or result.replaced:
        result.path = save_registry(project, Registry(initiatives=entries))
    return result
