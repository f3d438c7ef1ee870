"""From a survey export of the barometer (one row per submission) to the long answers.

:func:`barometer` takes one row per answer; survey tools export one row per submission with
one column per item. In a Nettskjema form the 24 statements are one radio matrix, so the
export (read by :func:`fou_analysis.io.read_nettskjema`) has the columns ``barometer.lik_1`` …
``barometer.dri_3`` (``<matrix id>.<row id>``), next to a question for the side and, when the
barometer is repeated, one for the wave. A "don't know" code is a skipped item.

The reshaping is :meth:`pandas.DataFrame.melt`; this module adds the checks that name the
*file's* row and column (via the reader's row map), so a wrong code can be found in the export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.clean._common import require_columns, source_of
from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.framework.barometer_items import BAROMETER_ITEMS, SIDES


def barometer_long(
    frame: pd.DataFrame,
    *,
    partnership: str | None = None,
    partnership_column: str | None = None,
    side: str = "side",
    side_codes: Mapping[Any, str] | None = None,
    wave: str | None = None,
    respondent: str = "$submission_id",
    prefix: str = "barometer.",
    missing_codes: Iterable[Any] = (9,),
    source: str = "",
) -> pd.DataFrame:
    """Reshape a barometer export (one row per submission) to the long answers of :func:`barometer`.

    Parameters
    ----------
    frame
        The export as read (e.g. by :func:`fou_analysis.io.read_nettskjema`); item columns are
        named ``prefix + item code``.
    partnership, partnership_column
        The partnership, either one name for every row (a form per partnership) or the column
        that holds it. Give exactly one.
    side
        Column with the respondent's side.
    side_codes
        Code in ``side`` → ``"kommune"`` / ``"partner"`` (default: the codes are those words).
    wave
        Column with the wave (round) of the barometer, if it was repeated.
    respondent
        Column identifying the respondent (default: the submission id).
    prefix
        Prefix of the item columns (the matrix question's id and a dot).
    missing_codes
        Answer codes meaning "don't know / not relevant": read as a skipped item.
    source
        File name for error messages (default: ``frame.attrs["fou"]["source"]``).

    Returns
    -------
    pandas.DataFrame
        ``partnership, [wave,] side, respondent, item, score, source_row`` — ``source_row`` is
        the submission's row in the file, used by :func:`barometer` in error messages.

    Raises
    ------
    DataError
        A side code that is not known, or a score that is not a whole number 1–5 or a missing
        code — naming the file, row and column of the export.
    SpecificationError
        No item column, a missing column, or not exactly one of ``partnership`` /
        ``partnership_column``.

    Examples
    --------
    >>> wide = pd.DataFrame({"$submission_id": [11, 12], "side": ["kommune", "partner"],
    ...                      "barometer.lik_1": [4, 9], "barometer.lik_2": [5, 2]})
    >>> barometer_long(wide, partnership="p1")[["side", "item", "score"]].to_string(index=False)
    '   side  item  score\\nkommune lik_1    4.0\\npartner lik_1    NaN\\nkommune lik_2    5.0\\npartner lik_2    2.0'
    """
    if (partnership is None) == (partnership_column is None):
        raise SpecificationError(
            "give exactly one of partnership= (a name) or partnership_column= (a column)"
        )
    src = source_of(frame, source)
    item_cols = {f"{prefix}{code}": code for code in BAROMETER_ITEMS if f"{prefix}{code}" in frame.columns}
    if not item_cols:
        raise SpecificationError(
            f"no barometer item column (expected names like {prefix}lik_1) in {src or 'the data'}; "
            f"columns: {', '.join(map(str, frame.columns))}"
        )
    needed = (
        [side, respondent] + ([wave] if wave else []) + ([partnership_column] if partnership_column else [])
    )
    require_columns(frame, needed, source=src)
    rows = _file_rows(frame)
    file = src or None

    codes = dict(side_codes) if side_codes is not None else {s: s for s in SIDES}
    bad_target = sorted(set(codes.values()) - set(SIDES))
    if bad_target:
        raise SpecificationError(f"side_codes must map to {', '.join(SIDES)}, not {bad_target}")
    side_raw = frame[side]
    key = side_raw.map(lambda v: v.strip().casefold() if isinstance(v, str) else v)
    sides = key.map(lambda v: codes.get(v, codes.get(str(v))) if pd.notna(v) else None)
    bad = np.flatnonzero(sides.isna().to_numpy())
    if len(bad):
        i = int(bad[0])
        raise DataError(
            f"side {side_raw.iloc[i]!r} is not a known code ({', '.join(map(str, codes))})",
            file=file,
            row=rows[i],
            column=side,
        )

    missing = {float(c) for c in missing_codes}
    scores = {}
    for col in item_cols:
        raw = frame[col]
        val = pd.to_numeric(raw, errors="coerce").astype(float).to_numpy()
        with np.errstate(invalid="ignore"):
            ok = (
                np.isnan(val)
                | ((val >= 1) & (val <= 5) & (val == np.round(val)))
                | np.isin(val, list(missing))
            )
        ok &= ~(
            np.isnan(val)
            & raw.notna().to_numpy()
            & (raw.astype("string").str.strip() != "").fillna(False).to_numpy()
        )
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            raise DataError(
                f"answer {raw.iloc[i]!r} is not a score 1–5 or a 'don't know' code "
                f"({', '.join(str(c) for c in missing_codes)})",
                file=file,
                row=rows[i],
                column=col,
            )
        scores[item_cols[col]] = np.where(np.isin(val, list(missing)), np.nan, val)

    ids = pd.DataFrame(
        {
            "partnership": frame[partnership_column].astype(str).to_numpy()
            if partnership_column
            else partnership,
            **({"wave": frame[wave].to_numpy()} if wave else {}),
            "side": sides.to_numpy(),
            "respondent": frame[respondent].astype(str).to_numpy(),
            "source_row": rows,
        }
    )
    wide = pd.concat([ids, pd.DataFrame(scores)], axis=1)
    long = wide.melt(id_vars=list(ids.columns), value_vars=list(scores), var_name="item", value_name="score")
    cols = ["partnership", *(["wave"] if wave else []), "side", "respondent", "item", "score", "source_row"]
    out = long[cols].reset_index(drop=True)
    out.attrs["fou"] = {"source": src} if src else {}
    return out


def _file_rows(frame: pd.DataFrame) -> np.ndarray:
    """The file row of each frame row, from the reader's row map (else position + 2)."""
    from fou_analysis.io._common import file_row  # the readers' own row-map lookup

    meta = frame.attrs.get("fou") if isinstance(frame.attrs, dict) else None
    row_map = meta.get("row_map") if isinstance(meta, dict) else None
    out = np.arange(len(frame)) + 2
    if row_map:
        for pos, label in enumerate(frame.index):
            r, _ = file_row(row_map, label)
            if r is not None:
                out[pos] = r
    return out
