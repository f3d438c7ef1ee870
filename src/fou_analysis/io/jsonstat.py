"""Reader for JSON-stat 2.0 datasets (SSB's statbank API, PxWeb).

A JSON-stat dataset is a cube: ``id`` names the dimensions, ``size`` their lengths, each
dimension's ``category.index`` orders its codes, and ``value`` holds the cells in **row-major
order** (the last dimension varies fastest). ``value`` and ``status`` may be arrays or sparse
objects (flat index → value/symbol); ``status`` may also be one string for every cell.

The result is a long frame: one column per dimension with its codes (named by the dimension
id, e.g. ``Region``, ``ContentsCode``, ``Tid``), a ``<id>_label`` column with the category
labels, ``value`` (float, JSON ``null`` → NaN) and ``status`` (symbol or missing). A region
dimension gets its ``K-`` prefix stripped into ``region_aggregation`` and KOSTRA aggregate codes
flagged in ``is_aggregate`` (see :mod:`fou_analysis.io._ssb`); the time dimension (``role.time``
or ``Tid``) gets ``period_start``. The older JSON-stat 1.x wrapper ``{"dataset": {...}}`` with
``dimension.id``/``dimension.size`` is accepted too.

Hand-written rather than using ``pyjstat``: that package is not a dependency, fetches over the
network, and does not validate that ``value`` fits ``size`` — which is exactly the error a
truncated download produces.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError
from fou_analysis.io import _ssb, limits
from fou_analysis.io._common import as_path, make_meta, read_bytes


def load_json(path: Any) -> tuple[Any, bytes]:
    """Parse a JSON file, naming the line of a syntax error."""
    data = read_bytes(path)
    if not data.strip():
        raise DataError("the file is empty", file=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"the JSON file is not UTF-8: {exc.reason}", file=path) from exc
    try:
        return json.loads(text), data
    except RecursionError:
        raise DataError("the JSON is nested too deeply to read (hostile or corrupted)", file=path) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, character {exc.colno})", file=path, row=exc.lineno
        ) from exc


def is_jsonstat(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if obj.get("class") == "dataset" or ("dimension" in obj and "value" in obj):
        return True
    return isinstance(obj.get("dataset"), dict) and "dimension" in obj["dataset"]


@limits.guarded
def read_jsonstat(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a JSON-stat 2.0 dataset into a long frame.

    Parameters
    ----------
    path
        The ``.json`` file.

    Returns
    -------
    pandas.DataFrame
        One row per cell, in row-major order; metadata (table label, source, units, dimension
        labels) in ``df.attrs["fou"]``.

    Raises
    ------
    DataError
        Not JSON, not JSON-stat, or an inconsistent cube (``value`` length ≠ product of
        ``size``, missing ``id``/``size``/dimension, unknown status index); a cube declaring
        more than :data:`fou_analysis.io.limits.MAX_JSONSTAT_CELLS` cells; JSON nested too
        deeply.

    Examples
    --------
    >>> df = read_jsonstat("dataset_05300.json")  # doctest: +SKIP
    >>> df.loc[71, ["value", "status"]].tolist()  # doctest: +SKIP
    [nan, '.']
    """
    p = as_path(path)
    obj, data = load_json(p)
    ds = _dataset(obj, p)
    dims = ds["dimension"]
    ids, sizes = _ids_sizes(ds, p)
    n = limits.check_jsonstat_cells(sizes, p)  # before anything of size n is allocated
    codes: list[list[str]] = []
    labels: list[list[str]] = []
    for dim_id, size in zip(ids, sizes, strict=True):
        c, lab = _categories(dims.get(dim_id), dim_id, size, p)
        codes.append(c)
        labels.append(lab)
    values = _values(ds.get("value"), n, p)
    status = _status(ds.get("status"), n, p)
    cols: dict[str, Any] = {}
    time_dims = set((ds.get("role") or {}).get("time") or []) | ({"Tid"} & set(ids))
    extra: dict[str, Any] = {}
    for k, dim_id in enumerate(ids):
        outer, inner = math.prod(sizes[:k]), math.prod(sizes[k + 1 :])
        pos = np.tile(np.repeat(np.arange(sizes[k]), inner), outer)
        code_arr = np.asarray(codes[k], dtype=object)[pos]
        label_arr = np.asarray(labels[k], dtype=object)[pos]
        if _ssb.is_region_dimension(dim_id, codes[k]):
            split = [_ssb.split_region(c) for c in codes[k]]
            cols[dim_id] = pd.Series(np.asarray([s[0] for s in split], dtype=object)[pos], dtype="str")
            cols[f"{dim_id}_label"] = pd.Series(label_arr, dtype="str")
            extra["region_aggregation"] = pd.Series(
                np.asarray([s[1] for s in split], dtype=object)[pos], dtype="str"
            )
            extra["is_aggregate"] = pd.Series(np.asarray([_ssb.is_aggregate(s[0]) for s in split])[pos])
        else:
            cols[dim_id] = pd.Series(code_arr, dtype="str")
            cols[f"{dim_id}_label"] = pd.Series(label_arr, dtype="str")
        if dim_id in time_dims:
            starts = np.asarray(_ssb.period_starts(codes[k]).to_numpy())
            extra["period_start"] = pd.Series(starts[pos])
    cols.update(extra)
    cols["value"] = values
    cols["status"] = pd.Series(status, dtype="str")
    df = pd.DataFrame(cols, index=pd.RangeIndex(n))
    units = {}
    for dim_id in ids:
        unit = ((dims.get(dim_id) or {}).get("category") or {}).get("unit")
        if isinstance(unit, dict):
            units.update(unit)
    df.attrs["fou"] = make_meta(
        p,
        data,
        "json-stat",
        label=ds.get("label"),
        source_org=ds.get("source"),
        updated=ds.get("updated"),
        dimensions=list(ids),
        sizes=list(sizes),
        dimension_labels={d: (dims.get(d) or {}).get("label", d) for d in ids},
        units=units,
        role=ds.get("role") or {},
        labels={},
        variable_labels={},
        row_map=None,
    )
    return df


def _dataset(obj: Any, p: Any) -> dict[str, Any]:
    if not is_jsonstat(obj):
        keys = ", ".join(list(obj)[:6]) if isinstance(obj, dict) else type(obj).__name__
        raise DataError(
            f"valid JSON but not a JSON-stat dataset (expected class 'dataset' with id, size, "
            f"dimension and value; found {keys})",
            file=p,
        )
    if obj.get("class") == "dataset" or "dimension" in obj:
        ds = obj
    else:
        ds = obj["dataset"]
    if not isinstance(ds.get("dimension"), dict):
        raise DataError("JSON-stat 'dimension' must be an object", file=p)
    return ds


def _ids_sizes(ds: dict[str, Any], p: Any) -> tuple[list[str], list[int]]:
    ids, sizes = ds.get("id"), ds.get("size")
    if ids is None and sizes is None:  # JSON-stat 1.x keeps them under "dimension"
        ids, sizes = ds["dimension"].get("id"), ds["dimension"].get("size")
    if not isinstance(ids, list) or not ids:
        raise DataError("JSON-stat dataset has no 'id' list naming its dimensions", file=p)
    if not isinstance(sizes, list) or not sizes:
        raise DataError("JSON-stat dataset has no 'size' list", file=p)
    if len(ids) != len(sizes):
        raise DataError(f"'id' names {len(ids)} dimensions but 'size' gives {len(sizes)}", file=p)
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
        raise DataError(f"'size' must hold non-negative whole numbers, found {sizes}", file=p)
    if len(set(ids)) != len(ids):
        raise DataError("'id' names a dimension twice", file=p)
    return [str(i) for i in ids], sizes


def _categories(dim: Any, dim_id: str, size: int, p: Any) -> tuple[list[str], list[str]]:
    if not isinstance(dim, dict):
        raise DataError(f"dimension {dim_id!r} is listed in 'id' but not described in 'dimension'", file=p)
    cat = dim.get("category") or {}
    index, lab = cat.get("index"), cat.get("label") or {}
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        order = sorted(index.items(), key=lambda kv: kv[1])
        if [v for _, v in order] != list(range(len(order))):
            raise DataError(
                f"dimension {dim_id!r}: category.index positions are not 0…{len(order) - 1}", file=p
            )
        codes = [str(k) for k, _ in order]
    elif index is None and isinstance(lab, dict) and len(lab) == 1:
        codes = [str(next(iter(lab)))]
    else:
        raise DataError(f"dimension {dim_id!r} has no category.index", file=p)
    if len(codes) != size:
        raise DataError(f"dimension {dim_id!r} has {len(codes)} categories but size says {size}", file=p)
    labels = [str(lab.get(c, c)) if isinstance(lab, dict) else c for c in codes]
    return codes, labels


def _number(v: Any, i: int, p: Any) -> float:
    if v is None:
        return np.nan
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise DataError(f"value at flat index {i} is not a number: {v!r}", file=p)
    return float(v)


def _values(raw: Any, n: int, p: Any) -> np.ndarray:
    if isinstance(raw, list):
        if len(raw) != n:
            raise DataError(
                f"'value' holds {len(raw)} cells but the product of 'size' is {n} (truncated or inconsistent cube)",
                file=p,
            )
        return np.array([_number(v, i, p) for i, v in enumerate(raw)], dtype=np.float64)
    if isinstance(raw, dict):
        out = np.full(n, np.nan)
        for k, v in raw.items():
            i = _flat_index(k, n, p, "value")
            out[i] = _number(v, i, p)
        return out
    raise DataError("JSON-stat dataset has no 'value' array or object", file=p)


def _flat_index(k: Any, n: int, p: Any, what: str) -> int:
    try:
        i = int(k)
    except (TypeError, ValueError) as exc:
        raise DataError(f"'{what}' key {k!r} is not a flat index", file=p) from exc
    if not 0 <= i < n:
        raise DataError(f"'{what}' index {i} is outside the cube (0…{n - 1})", file=p)
    return i


def _status(raw: Any, n: int, p: Any) -> list[str | None]:
    if raw is None:
        return [None] * n
    if isinstance(raw, str):
        return [raw] * n
    if isinstance(raw, list):
        if len(raw) == 1:
            return [raw[0]] * n
        if len(raw) != n:
            raise DataError(f"'status' holds {len(raw)} symbols but the cube has {n} cells", file=p)
        return [None if s in (None, "") else str(s) for s in raw]
    if isinstance(raw, dict):
        out: list[str | None] = [None] * n
        for k, s in raw.items():
            out[_flat_index(k, n, p, "status")] = None if s in (None, "") else str(s)
        return out
    raise DataError("'status' must be a string, an array or an object", file=p)
