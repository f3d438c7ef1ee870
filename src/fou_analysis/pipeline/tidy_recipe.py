"""The built-in ``tidy`` recipe: a table that is already one row per unit (and period).

For the common case where a delivered file needs no recipe of its own — only new column names,
a few derived columns, rows without an outcome left out, and perhaps a second or third file
joined on — a plan can say so without any Python::

    tables:
      - id: panel
        recipe: tidy
        sources: [scrap_csv, grants_xlsx, firms_sav]      # the first with every key is the spine
        params:
          keys: [firm, year]                               # unique together; [unit, period]
          rename: {firmanr: firm, "år": year}              # for every source …
          # rename: {firms_sav: {fcode: firm}}             # … or for one source
          derive:                                          # in order; later ones may use earlier
            lscrap: log(scrap)
            scrap_last_year: lag(scrap)
            first_grant: first_treated(grant)
            treated_since: (first_grant > 0) & (year >= first_grant)
          filter: notna(lscrap)                            # or a list of expressions

Steps, in order: rename → check that every source is unique on its keys (a duplicate is a
:class:`DataError` naming the file, both rows as a person counts them, and the key values) →
join the other sources to the spine (left join on the keys each source has: one-to-one when it
has every key, many-to-one when it has only some, e.g. a firm-level file joined to a firm × year
panel; checked by ``pandas.merge(validate=...)``) → derive → filter → sort by the keys.

Expressions use the small, safe grammar of :mod:`fou_analysis.pipeline._expr` (``log``, ``exp``,
arithmetic, comparisons, ``& | ~``, ``lag``/``lead`` within ``keys[0]`` ordered by ``keys[1]``,
``first_treated``); they are never passed to :func:`eval`. Every row the filter drops, every
spine row a joined source has no match for, and every value a derivation leaves undefined
(``log`` of 0) is in the cleaning log.

The recipe is an ordinary function, so ``fou validate`` can dry-run it like any other recipe.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis import clean
from fou_analysis.clean import CleaningLog
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.io._common import file_row
from fou_analysis.pipeline._expr import HIDDEN, Evaluation
from fou_analysis.pipeline.recipes import recipe

PARAMS = ("keys", "rename", "derive", "filter")
_ROW = f"{HIDDEN}file_row__"
_MATCH = f"{HIDDEN}match__"


@recipe("tidy")
def tidy(src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog) -> pd.DataFrame:
    """One row per unit (and period): rename, check keys, join sources, derive, filter.

    Parameters
    ----------
    src
        The source frames by plan id, in the plan's order.
    params
        ``keys`` (list, required), ``rename`` (``{old: new}`` for every source, or
        ``{source_id: {old: new}}``), ``derive`` (``{new_column: expression}``), ``filter``
        (an expression, or a list of them; rows where it is not true are dropped).
    log
        The cleaning log; filter drops, unmatched joins and undefined values are added to it.

    Returns
    -------
    pandas.DataFrame
        Sorted by the keys, with a fresh index.

    Raises
    ------
    SpecificationError
        Unknown parameter, key or name in an expression (with a suggestion), an expression
        outside the grammar, a column in two sources.
    DataError
        A missing key value, or two rows with the same keys (naming the file and both rows).

    Examples
    --------
    >>> import pandas as pd
    >>> from fou_analysis.clean import CleaningLog
    >>> d = pd.DataFrame({"unit": [1, 1, 2, 2], "t": [1, 2, 1, 2], "y": [1.0, 2.0, 0.0, 4.0]})
    >>> out = tidy({"d": d}, {"keys": ["unit", "t"], "derive": {"dy": "y - lag(y)"},
    ...            "filter": "notna(dy)"}, CleaningLog())
    >>> out[["unit", "dy"]].values.tolist()
    [[1.0, 1.0], [2.0, 4.0]]
    """
    p = _params(params)
    keys: list[str] = p["keys"]
    frames = _renamed(src, p["rename"])
    for sid, df in frames.items():
        _check_keys(df, [k for k in keys if k in df.columns], sid)
    spine_id = next((sid for sid, df in frames.items() if all(k in df.columns for k in keys)), None)
    if spine_id is None:
        have = {sid: [k for k in keys if k in df.columns] for sid, df in frames.items()}
        raise SpecificationError(
            f"tidy: no source has every key {keys}; keys found per source: {have}. "
            "Rename the key columns (params.rename) so that at least one source has them all."
        )
    spine = frames[spine_id]
    source = _source(spine, spine_id)
    out = spine.assign(**{_ROW: _file_rows(spine)}).reset_index(drop=True)
    for sid, df in frames.items():
        if sid != spine_id:
            out = _join(out, df, sid, spine_id, keys, log, source)
    rows = out[_ROW].to_numpy()
    for name, expr in p["derive"].items():
        if name in out.columns:
            raise SpecificationError(
                f"tidy: derive {name!r}: there is already a column {name!r}; choose a new name"
            )
        ev = Evaluation(out, keys, where=f"tidy: derive {name!r}", rows=rows, file=_path(spine))
        out[name] = ev(expr)
        if ev.undefined:
            log.add(
                source,
                f"derive {name} = {expr}",
                rows_in=len(out),
                rows_out=len(out),
                changed=ev.undefined,
                reason="undefined value (log of a number ≤ 0, division by zero) → missing",
                step_nb=f"avled {name} = {expr}",
                reason_nb="udefinert verdi (log av et tall ≤ 0, deling på null) → manglende",
            )
    for expr in p["filter"]:
        rows = out[_ROW].to_numpy()
        value = Evaluation(out, keys, where="tidy: filter", rows=rows, file=_path(spine))(expr)
        if not set(pd.unique(value.dropna())) <= {0, 1}:
            raise SpecificationError(f"tidy: filter {expr!r} must be true/false (or 0/1) for each row")
        keep = value.fillna(0).astype(bool)
        out = clean.keep_rows(
            out,
            keep.to_numpy(),
            step=(f"keep rows where {expr}", f"behold rader der {expr}"),
            reason=(f"filter: {expr} is not true", f"filter: {expr} er ikke sann"),
            log=log,
            source=source,
        )
    out = out.drop(columns=[_ROW]).sort_values(keys, kind="stable").reset_index(drop=True)
    out.attrs = {}
    return out


# --------------------------------------------------------------------------- parameters
def _params(params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = [k for k in params if k not in PARAMS]
    if unknown:
        hint = difflib.get_close_matches(str(unknown[0]), PARAMS, n=1)
        raise SpecificationError(
            f"tidy: unknown parameter {unknown[0]!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; parameters: {', '.join(PARAMS)}"
        )
    keys = params.get("keys")
    if isinstance(keys, str):
        keys = [keys]
    if not keys or not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise SpecificationError("tidy: params.keys must be a list of column names, e.g. [unit, year]")
    if len(set(keys)) != len(keys):
        raise SpecificationError(f"tidy: params.keys {keys} names a column twice")
    derive = params.get("derive") or {}
    if not isinstance(derive, Mapping) or not all(isinstance(v, str) for v in derive.values()):
        raise SpecificationError("tidy: params.derive must map new column names to expressions (text)")
    filt = params.get("filter") or []
    filt = [filt] if isinstance(filt, str) else filt
    if not isinstance(filt, list) or not all(isinstance(f, str) for f in filt):
        raise SpecificationError("tidy: params.filter must be an expression or a list of expressions")
    rename = params.get("rename") or {}
    if not isinstance(rename, Mapping):
        raise SpecificationError("tidy: params.rename must map old column names to new ones")
    return {"keys": keys, "derive": dict(derive), "filter": filt, "rename": dict(rename)}


def _renamed(src: Mapping[str, pd.DataFrame], rename: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Apply ``{old: new}`` to every source and ``{source_id: {old: new}}`` to one."""
    if not src:
        raise SpecificationError("tidy: the table needs at least one source")
    common = {k: v for k, v in rename.items() if not isinstance(v, Mapping)}
    per = {k: dict(v) for k, v in rename.items() if isinstance(v, Mapping)}
    for sid in per:
        if sid not in src:
            hint = difflib.get_close_matches(str(sid), list(src), n=1)
            raise SpecificationError(
                f"tidy: rename: {sid!r} is not a source of this table"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
    everywhere = {str(c) for df in src.values() for c in df.columns}
    for old, new in [*common.items(), *(i for m in per.values() for i in m.items())]:
        if not isinstance(new, str):
            raise SpecificationError(f"tidy: rename {old!r}: the new name must be text, not {new!r}")
        if old not in everywhere:
            hint = difflib.get_close_matches(str(old), sorted(everywhere), n=1)
            raise SpecificationError(
                f"tidy: rename: no source has a column {old!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
    out = {}
    for sid, df in src.items():
        mapping = {**{k: v for k, v in common.items() if k in df.columns}, **per.get(sid, {})}
        renamed = df.rename(columns=mapping)
        dup = renamed.columns[renamed.columns.duplicated()].tolist()
        if dup:
            raise SpecificationError(f"tidy: after renaming, source {sid!r} has two columns named {dup[0]!r}")
        renamed.attrs = df.attrs
        out[sid] = renamed
    return out


# --------------------------------------------------------------------------- keys and joins
def _path(df: pd.DataFrame) -> str | None:
    meta = df.attrs.get("fou") if isinstance(df.attrs, dict) else None
    return str(meta["source"]) if isinstance(meta, Mapping) and meta.get("source") else None


def _source(df: pd.DataFrame, sid: str) -> str:
    path = _path(df)
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else sid


def _row_map(df: pd.DataFrame) -> Any:
    meta = df.attrs.get("fou") if isinstance(df.attrs, dict) else None
    return meta.get("row_map") if isinstance(meta, Mapping) else None


def _file_rows(df: pd.DataFrame) -> np.ndarray:
    """File row of every frame row (NaN where the reader left no row map)."""
    rm = _row_map(df)
    return np.array([file_row(rm, label)[0] if rm else np.nan for label in df.index], dtype=float)


def _where(df: pd.DataFrame, label: Any) -> str:
    row, sheet = file_row(_row_map(df), label)
    if row is None:
        return f"table row {label} (no file row known)"
    return f"row {row}" + (f" (sheet {sheet})" if sheet else "")


def _check_keys(df: pd.DataFrame, keys: list[str], sid: str) -> None:
    """Every key present and, together, unique: else a DataError naming the file and rows."""
    if not keys:
        return
    file = _path(df) or sid
    missing = df[keys].isna().to_numpy()
    if missing.any():
        pos = int(np.flatnonzero(missing.any(axis=1))[0])
        label, col = df.index[pos], keys[int(np.flatnonzero(missing[pos])[0])]
        raise DataError(
            f"source {sid!r}: key column {col!r} is empty ({_where(df, label)})",
            file=file,
            row=file_row(_row_map(df), label)[0],
            column=col,
        )
    dup = np.flatnonzero(df.duplicated(keys, keep=False).to_numpy())
    if dup.size:
        key_values = df[keys].to_numpy()
        same = dup[(key_values[dup] == key_values[dup[0]]).all(axis=1)]
        a, b = df.index[same[0]], df.index[same[1]]
        values = ", ".join(f"{k}={v!r}" for k, v in zip(keys, key_values[dup[0]].tolist(), strict=True))
        raise DataError(
            f"source {sid!r}: {_where(df, a)} and {_where(df, b)} have the same key ({values}); "
            f"{' + '.join(keys)} must identify one row",
            file=file,
            row=file_row(_row_map(df), b)[0],
            column=", ".join(keys),
        )


def _join(
    out: pd.DataFrame,
    df: pd.DataFrame,
    sid: str,
    spine_id: str,
    keys: list[str],
    log: CleaningLog,
    source: str,
) -> pd.DataFrame:
    on = [k for k in keys if k in df.columns]
    if not on:
        raise SpecificationError(
            f"tidy: source {sid!r} has none of the keys {keys}; rename its key column (params.rename)"
        )
    clash = [c for c in df.columns if c in out.columns and c not in on]
    if clash:
        raise SpecificationError(
            f"tidy: column {clash[0]!r} is in both {spine_id!r} and {sid!r}; rename one of them "
            f"(params.rename: {{{sid}: {{{clash[0]}: new_name}}}})"
        )
    validate = "one_to_one" if len(on) == len(keys) else "many_to_one"
    for k in on:
        if pd.api.types.is_numeric_dtype(out[k]) != pd.api.types.is_numeric_dtype(df[k]):
            raise DataError(
                f"key {k!r} is a number in one source and text in the other ({spine_id!r}, {sid!r}); "
                "make the key the same type in both files",
                file=_path(df) or sid,
                column=k,
            )
    right = df.reset_index(drop=True).assign(**{_MATCH: True})
    try:
        merged = out.merge(right, on=on, how="left", validate=validate)
    except pd.errors.MergeError as e:
        raise DataError(
            f"joining {sid!r} to {spine_id!r} on {', '.join(on)} is not {validate.replace('_', '-')}: {e}",
            file=_path(df) or sid,
            column=", ".join(on),
        ) from None
    unmatched = int(merged[_MATCH].isna().sum())
    log.add(
        source,
        f"join {_source(df, sid)} on {', '.join(on)}",
        rows_in=len(out),
        rows_out=len(merged),
        changed=unmatched,
        reason=f"rows without a match in {_source(df, sid)} keep missing values in its columns",
        step_nb=f"koble på {_source(df, sid)} med {', '.join(on)}",
        reason_nb=f"rader uten treff i {_source(df, sid)} får manglende verdier i kolonnene derfra",
    )
    return merged.drop(columns=_MATCH)
