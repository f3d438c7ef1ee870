"""Parquet tables with provenance: written atomically, read back with their metadata.

:func:`write_parquet` stores the provenance JSON in the parquet schema metadata under
``fou_provenance`` *and* in a sidecar ``<stem>.provenance.json`` next to the table (both written
atomically), so a person can read the provenance without a parquet reader. The reader metadata in
``df.attrs["fou"]`` (labels, variable labels, checkbox map) is kept under ``fou_attrs`` so the
labels survive the round trip; codes keep their type (label maps are stored as pairs).

Reproducible bytes: the same table written from the same inputs gives the same file, wherever
the project lives and whenever it runs. So what is embedded in the parquet file is the *stable*
provenance (:func:`stable_provenance`): the run time (``created_utc``) is left out and source
paths are stored relative to the table's folder (``../../raw/<case>/x.csv``). The full record,
with the run time and absolute paths, is in the sidecar, which :func:`read_parquet` returns when
it agrees with the embedded record.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.io._common import FouMeta, as_path
from fou_analysis.io.atomic import atomic_write_text, atomic_write_with, sha256

PROVENANCE_KEY = b"fou_provenance"
ATTRS_KEY = b"fou_attrs"
#: provenance keys that differ between two runs on the same inputs; kept in the sidecar only
VOLATILE_KEYS = ("created_utc",)


def _relative_to(path: str, folder: Path) -> str:
    """``path`` relative to ``folder`` (POSIX separators) when both are absolute, else unchanged."""
    if not (os.path.isabs(path) and folder.is_absolute()):
        return path
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive (Windows): nothing relative to say
        return path


def stable_provenance(provenance: dict[str, Any], folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The part of a provenance record that is the same for every run on the same inputs.

    Parameters
    ----------
    provenance
        A record from :func:`fou_analysis.io.provenance` (or any dict).
    folder
        The folder of the table the record belongs to; absolute source paths become relative to it.

    Returns
    -------
    dict
        ``provenance`` without :data:`VOLATILE_KEYS`, with ``sources[].path`` relative.

    Examples
    --------
    >>> rec = {"created_utc": "2026-01-01T00:00:00+00:00", "sources": [{"path": "/p/data/raw/c/x.csv"}]}
    >>> stable_provenance(rec, "/p/data/processed/c")
    {'sources': [{'path': '../../raw/c/x.csv'}]}
    """
    base = Path(os.path.abspath(folder))
    out = {k: v for k, v in provenance.items() if k not in VOLATILE_KEYS}
    sources = out.get("sources")
    if isinstance(sources, list):
        out["sources"] = [
            {**s, "path": _relative_to(s["path"], base)}
            if isinstance(s, dict) and isinstance(s.get("path"), str)
            else s
            for s in sources
        ]
    return out


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, _dt.datetime | _dt.date | pd.Timestamp):
        return obj.isoformat()
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    raise TypeError(f"{type(obj).__name__} is not JSON-serialisable")


def _dumps(obj: Any, what: str) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise SpecificationError(f"{what} must be JSON-serialisable: {exc}") from exc


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """``data/x.parquet`` → ``data/x.provenance.json``."""
    p = as_path(path)
    return p.with_name(f"{p.stem}.provenance.json")


def _encode_attrs(meta: Any, folder: Path) -> str | None:
    """JSON of the reader metadata worth keeping, or ``None`` when it cannot be stored.

    Best effort: a frame whose ``attrs`` hold something JSON cannot represent is still written,
    only without its labels (the provenance is what must not be lost). An absolute ``source``
    is stored relative to ``folder`` (flagged by ``source_relative``) so the bytes do not depend
    on where the project lives.
    """
    if not isinstance(meta, dict):
        return None
    out: dict[str, Any] = {k: meta[k] for k in ("format", "source", "sha256", "variable_labels") if k in meta}
    if isinstance(out.get("source"), str) and os.path.isabs(out["source"]):
        out["source"] = _relative_to(out["source"], Path(os.path.abspath(folder)))
        out["source_relative"] = not os.path.isabs(out["source"])
    labels, checkbox, matrix = meta.get("labels") or {}, meta.get("checkbox") or {}, meta.get("matrix") or {}
    try:
        out["labels"] = {str(c): [[k, v] for k, v in m.items()] for c, m in labels.items()}
        out["checkbox"] = {str(c): list(v) for c, v in checkbox.items()}
        out["matrix"] = {str(c): list(v) for c, v in matrix.items()}
        return json.dumps(out, ensure_ascii=False, sort_keys=True, default=_json_default)
    except (AttributeError, TypeError, ValueError):
        return None


def _decode_attrs(raw: dict[str, Any], folder: Path) -> dict[str, Any]:
    out = dict(raw)
    if out.pop("source_relative", False) and isinstance(out.get("source"), str):
        out["source"] = os.path.normpath(Path(os.path.abspath(folder)) / out["source"])
    out["labels"] = {c: {k: v for k, v in pairs} for c, pairs in (raw.get("labels") or {}).items()}
    out["checkbox"] = {c: tuple(v) for c, v in (raw.get("checkbox") or {}).items()}
    out["matrix"] = {c: tuple(v) for c, v in (raw.get("matrix") or {}).items()}
    return out


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str], *, provenance: dict[str, Any]) -> Path:
    """Write ``df`` to parquet atomically with its provenance.

    Parameters
    ----------
    df
        The table (not modified).
    path
        Target ``.parquet`` file; its directory must exist.
    provenance
        A JSON-serialisable dict, usually from :func:`fou_analysis.io.provenance`.

    Returns
    -------
    pathlib.Path
        The parquet path. The sidecar is :func:`sidecar_path` of it and holds ``provenance`` as
        given; the parquet file embeds :func:`stable_provenance` of it, so its bytes depend
        only on the table and its inputs.

    Raises
    ------
    SpecificationError
        ``provenance`` is not a JSON-serialisable dict, or the directory does not exist.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not isinstance(provenance, dict):
        raise SpecificationError("provenance must be a dict (see fou_analysis.io.provenance)")
    prov_json = _dumps(provenance, "provenance")
    folder = as_path(path).parent
    stable_json = _dumps(stable_provenance(provenance, folder), "provenance")
    attrs_json = _encode_attrs(df.attrs.get("fou"), folder)
    plain = df.copy(deep=False)
    plain.attrs = {}
    try:
        table = pa.Table.from_pandas(plain, preserve_index=None)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise SpecificationError(f"cannot store this frame as parquet: {exc}") from exc
    meta = dict(table.schema.metadata or {})
    meta[PROVENANCE_KEY] = stable_json.encode("utf-8")
    if attrs_json is not None:
        meta[ATTRS_KEY] = attrs_json.encode("utf-8")
    table = table.replace_schema_metadata(meta)
    p = atomic_write_with(path, lambda tmp: pq.write_table(table, tmp))
    atomic_write_text(sidecar_path(p), prov_json + "\n")
    return p


def read_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a parquet table written by :func:`write_parquet`, provenance in ``attrs``.

    Returns
    -------
    pandas.DataFrame
        ``attrs["fou"]`` holds ``provenance`` (dict or ``None`` for a foreign parquet file; the
        sidecar's full record when its stable part matches the embedded one, else the embedded),
        the stored labels, ``source`` (this file) and ``sha256`` (of this file).

    Raises
    ------
    DataError
        Missing or unreadable file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = as_path(path)
    if not p.is_file():
        raise DataError("file does not exist", file=p)
    try:
        table = pq.read_table(p)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise DataError(f"not a readable parquet file: {exc}", file=p) from exc
    meta = table.schema.metadata or {}
    try:
        prov = json.loads(meta[PROVENANCE_KEY]) if PROVENANCE_KEY in meta else None
        stored = json.loads(meta[ATTRS_KEY]) if ATTRS_KEY in meta else {}
    except json.JSONDecodeError as exc:
        raise DataError(f"damaged provenance metadata: {exc.msg}", file=p) from exc
    prov = _full_provenance(p, prov)
    df = table.to_pandas()
    fou = _decode_attrs(stored, p.parent)
    fou["derived_from"] = {k: fou.pop(k) for k in ("source", "sha256", "format") if k in fou}
    fou.update(source=str(p), sha256=sha256(p), format="parquet", provenance=prov)
    df.attrs = {"fou": FouMeta(fou)}
    return df


def _full_provenance(path: Path, embedded: dict[str, Any] | None) -> dict[str, Any] | None:
    """The sidecar's record (with run time and absolute paths) if it describes this table."""
    side = sidecar_path(path)
    if embedded is None or not side.is_file():
        return embedded
    try:
        full = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return embedded
    if isinstance(full, dict) and stable_provenance(full, path.parent) == embedded:
        return full
    return embedded
