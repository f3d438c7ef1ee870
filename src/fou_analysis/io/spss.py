"""Reader for SPSS (``.sav``, ``.zsav``, ``.por``) and Stata (``.dta``) files via pyreadstat.

pyreadstat returns numeric codes as floats and the metadata separately; this reader puts the
value labels into ``df.attrs["fou"]["labels"]`` (keys as ``int`` when the codes are whole
numbers), the variable labels into ``variable_labels``, and turns a labelled numeric column
whose values are all whole numbers into ``Int64`` so that codes compare equal to the label keys.
Unlabelled numeric columns keep pyreadstat's dtype. SPSS user-missing codes are read as missing
(pyreadstat's default). Any pyreadstat failure (truncated file, wrong format) becomes a
:class:`~fou_analysis.DataError` naming the file.

Crash isolation: the C library under pyreadstat (ReadStat) can *segfault* on a damaged file
(one flipped byte in a variable record of ``.sav`` is enough — see
``tests/fixtures/bad/crashes_readstat.sav``), which would kill a notebook kernel or ``fou run``
without naming the file. Where ``os.fork`` exists the file is therefore first parsed in a forked
child (``output_format="dict"``, no pandas in the child); a child killed by a signal becomes a
``DataError``. This doubles the parse time of a typically small file; ``isolate=False`` skips it.
"""

from __future__ import annotations

import faulthandler
import os
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError
from fou_analysis.io._common import as_path, make_meta, read_bytes, simple_row_map

_READERS = {".sav": "read_sav", ".zsav": "read_sav", ".por": "read_por", ".dta": "read_dta"}


def _key(k: Any) -> Any:
    if isinstance(k, float) and k.is_integer():
        return int(k)
    return k


def _crashes(reader: Any, path: str) -> int | None:
    """Parse in a forked child; return the signal that killed it, or ``None``."""
    if not hasattr(os, "fork"):
        return None
    pid = os.fork()
    if pid == 0:  # child: parse and leave without running any parent clean-up
        code = 0
        try:
            faulthandler.disable()  # a crash is the expected outcome here, not news for stderr
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            reader(path, output_format="dict")
        except BaseException:  # noqa: BLE001 - any Python-level failure is reported by the parent's read
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else None


def read_spss(path: str | os.PathLike[str], *, isolate: bool = True) -> pd.DataFrame:
    """Read an SPSS or Stata file with its value and variable labels.

    Parameters
    ----------
    path
        ``.sav``, ``.zsav``, ``.por`` or ``.dta`` file.
    isolate
        Parse first in a forked child so that a crash of the C reader on a damaged file becomes
        a :class:`~fou_analysis.DataError` (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Codes as values; ``attrs["fou"]`` holds ``labels``, ``variable_labels``, ``file_label``.

    Raises
    ------
    DataError
        Unknown extension, unreadable or truncated file.

    Examples
    --------
    >>> df = read_spss("survey.sav")  # doctest: +SKIP
    >>> df.attrs["fou"]["labels"]["kjonn"]  # doctest: +SKIP
    {1: 'Kvinne', 2: 'Mann'}
    """
    import pyreadstat  # local: heavy C extension, only needed here

    p = as_path(path)
    ext = p.suffix.lower()
    if ext not in _READERS:
        raise DataError(f"not an SPSS/Stata file extension ({ext or 'none'}); expected .sav or .dta", file=p)
    data = read_bytes(p)  # existence check and hash; pyreadstat reads the file itself
    if not data:
        raise DataError("the file is empty", file=p)
    reader = getattr(pyreadstat, _READERS[ext])
    if isolate:
        sig = _crashes(reader, str(p))
        if sig is not None:
            raise DataError(
                f"the {ext} file is damaged: the SPSS/Stata reader crashed on it (signal {sig})", file=p
            )
    try:
        df, meta = reader(str(p))
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError, ValueError, UnicodeError) as exc:
        raise DataError(
            f"cannot read the {ext} file (truncated, corrupted or another format): {exc}", file=p
        ) from exc
    labels: dict[str, dict[Any, str]] = {}
    for col, mapping in (meta.variable_value_labels or {}).items():
        labels[col] = {_key(k): str(v) for k, v in mapping.items()}
    cols = {}
    for col in df.columns:
        s = df[col]
        if col in labels and pd.api.types.is_float_dtype(s):
            vals = s.dropna().to_numpy()
            if np.all(np.isfinite(vals)) and np.all(np.abs(vals) < 2**53) and np.all(vals == np.round(vals)):
                s = s.round().astype("Int64")
        elif pd.api.types.is_object_dtype(s) and s.map(lambda v: v is None or isinstance(v, str)).all():
            s = s.replace("", None).astype("str")
        cols[col] = s
    out = pd.DataFrame(cols, index=pd.RangeIndex(len(df)))
    var_labels = {
        c: str(lab) for c, lab in zip(meta.column_names, meta.column_labels or [], strict=False) if lab
    }
    out.attrs["fou"] = make_meta(
        p,
        data,
        "stata" if ext == ".dta" else "spss",
        labels=labels,
        variable_labels=var_labels,
        checkbox={},
        file_label=getattr(meta, "file_label", None),
        encoding=getattr(meta, "file_encoding", None),
        row_map=simple_row_map(len(out), first_row=1),
    )
    return out
