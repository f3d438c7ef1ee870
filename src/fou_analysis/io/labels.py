"""Swap codes for their labels using the ``labels`` a reader stored in ``df.attrs["fou"]``."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import pandas as pd

from fou_analysis.exceptions import SpecificationError
from fou_analysis.io._common import FouMeta


def _lookup(mapping: dict[Any, str], value: Any) -> Any:
    if value in mapping:
        return mapping[value]
    # codes read as numbers match labels keyed by strings and vice versa
    if isinstance(value, float) and value.is_integer() and int(value) in mapping:
        return mapping[int(value)]
    key = str(value)
    if key in mapping:
        return mapping[key]
    return key


def apply_labels(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Return a copy with codes replaced by their labels.

    Parameters
    ----------
    df
        A frame from one of the readers (labels in ``df.attrs["fou"]["labels"]``).
    columns
        Columns to label; default every column that has labels. A named column without labels
        raises :class:`SpecificationError`.

    Returns
    -------
    pandas.DataFrame
        Labelled columns become ``category`` with the categories in the codebook's order
        (codes without a label are kept as their text, after the labelled ones); missing stays
        missing. ``attrs["fou"]["labelled"]`` lists the columns changed.

    Examples
    --------
    >>> labelled = apply_labels(read_nettskjema(csv, codebook=js))  # doctest: +SKIP
    >>> labelled["radio"].tolist()  # doctest: +SKIP
    ['Very happy!', 'Very unhappy!', 'Very unhappy!']
    """
    meta = df.attrs.get("fou") or {}
    labels: dict[str, dict[Any, str]] = meta.get("labels") or {}
    if columns is None:
        targets = [c for c in df.columns if c in labels]
    else:
        targets = list(columns)
        for c in targets:
            if c not in df.columns:
                raise SpecificationError(f"apply_labels: no column {c!r} in the frame")
            if c not in labels:
                raise SpecificationError(f"apply_labels: column {c!r} has no value labels")
    out = df.copy()
    for col in targets:
        mapping = labels[col]
        s = df[col]
        mapped = [None if pd.isna(v) else _lookup(mapping, v) for v in s.tolist()]
        cats = list(dict.fromkeys(mapping.values()))
        extra = sorted({m for m in mapped if m is not None and m not in cats}, key=str)
        out[col] = pd.Categorical(mapped, categories=cats + extra)
    new_meta = FouMeta(copy.deepcopy(dict(meta)))
    new_meta["labelled"] = sorted(set(new_meta.get("labelled", [])) | set(targets))
    out.attrs["fou"] = new_meta
    return out
