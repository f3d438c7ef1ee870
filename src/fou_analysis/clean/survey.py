"""Survey instruments: from answer labels to codes to a scale score.

An :class:`Instrument` describes a multi-item scale as it appears in a case plan (YAML)::

    name: wellbeing
    items: [w1, w2, w3, w4, w5, w6, w7]
    min: 1
    max: 5
    reverse: [w3]
    missing_codes: [9, -1]        # "Vet ikke" / "Ikke relevant"
    min_answered: 0.8             # a fraction of the items, or a count (an int >= 1)
    score: sum                    # or mean
    labels: {nb: Trivsel, en: Wellbeing}

Scoring rules (:func:`score_instrument`)
---------------------------------------
1. Missing codes (``missing_codes``) become missing (NaN). Logged with the number of cells.
2. Values outside ``[min, max]`` become missing. Logged separately, with the number of cells.
3. Reverse-keyed items are reversed as ``min + max - x`` *for the score only*; the item columns in
   the returned frame keep the direction in which they were asked, so they can still be read
   against the questionnaire.
4. A respondent with fewer than ``min_answered`` items answered gets no score (NaN, logged).
   Otherwise ``score="mean"`` is the mean of the answered items and ``score="sum"`` is the
   *prorated* sum: the mean of the answered items times the number of items, so that a person
   who skipped one item is on the same 0..full-length scale as everyone else (the "half rule"
   generalised; Newman 2014, *Organizational Research Methods* 17(4)). Prorating assumes the
   skipped items are missing at random within the person; set ``min_answered`` to all items to
   switch it off.

Nothing here fits a model; :mod:`fou_analysis.clean.reliability` checks whether the items hang
together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fou_analysis.clean._common import ensure_log, file_row, log_name, require_columns, source_of
from fou_analysis.clean.log import CleaningLog
from fou_analysis.exceptions import DataError, SpecificationError


class Instrument(BaseModel):
    """A multi-item scale and its scoring rule (constructible from a plain dict / YAML).

    ``min_answered``: an ``int`` >= 1 is a number of items; a ``float`` in (0, 1] is a share of
    the items (so ``1`` means one item, ``1.0`` means all items). Default: all items.

    Examples
    --------
    >>> inst = Instrument.model_validate(
    ...     {"name": "trivsel", "items": ["q1", "q2", "q3"], "min": 1, "max": 5, "reverse": ["q3"]}
    ... )
    >>> inst.required_items()
    3
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str
    items: tuple[str, ...]
    min: float
    max: float
    reverse: tuple[str, ...] = ()
    missing_codes: tuple[float, ...] = ()
    min_answered: int | float | None = None
    score: Literal["sum", "mean"] = "sum"
    labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("items")
    @classmethod
    def _items_unique(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(v) < 1:
            raise ValueError("an instrument needs at least one item")
        dup = sorted({x for x in v if v.count(x) > 1})
        if dup:
            raise ValueError(f"items listed twice: {dup}")
        return v

    @model_validator(mode="after")
    def _check(self) -> Instrument:
        if not self.min < self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        stray = [r for r in self.reverse if r not in self.items]
        if stray:
            raise ValueError(f"reverse items not among the items: {stray}")
        m = self.min_answered
        if m is not None:
            if isinstance(m, bool):
                raise ValueError("min_answered must be a number")
            if isinstance(m, int) and not 1 <= m <= len(self.items):
                raise ValueError(f"min_answered={m} must be between 1 and {len(self.items)} items")
            if isinstance(m, float) and not 0 < m <= 1:
                raise ValueError(f"min_answered={m} as a share must be in (0, 1]")
        return self

    def required_items(self) -> int:
        """Number of items a respondent must answer to get a score."""
        k = len(self.items)
        m = self.min_answered
        if m is None:
            return k
        if isinstance(m, int):
            return m
        return max(1, math.ceil(m * k - 1e-9))

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.name


def as_instrument(instrument: Instrument | Mapping[str, Any]) -> Instrument:
    """Accept an :class:`Instrument` or the dict it was written as in a case plan."""
    if isinstance(instrument, Instrument):
        return instrument
    if isinstance(instrument, Mapping):
        try:
            return Instrument.model_validate(dict(instrument))
        except ValueError as exc:  # pydantic.ValidationError is a ValueError
            raise SpecificationError(f"invalid instrument {instrument.get('name', '?')!r}: {exc}") from exc
    raise SpecificationError(f"instrument must be an Instrument or a dict, not {type(instrument).__name__}")


def _norm_label(x: Any) -> Any:
    return x.strip().casefold() if isinstance(x, str) else x


def recode(
    df: pd.DataFrame,
    mapping: Mapping[Any, float],
    *,
    columns: list[str] | tuple[str, ...],
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Turn answer labels into numeric codes.

    Labels are matched after stripping spaces and ignoring case (``" Helt enig"`` matches
    ``"helt enig"``). Missing cells stay missing. A label that is not in ``mapping`` is an error
    (a new answer option must be coded on purpose, not guessed).

    Parameters
    ----------
    df
        The survey table (not modified).
    mapping
        Label -> code, e.g. ``{"Helt uenig": 1, ..., "Helt enig": 5, "Vet ikke": 9}``.
    columns
        The columns to recode.
    log, source
        Cleaning log to append to, and the file name to record.

    Returns
    -------
    pandas.DataFrame
        A copy with ``columns`` as float codes.

    Raises
    ------
    DataError
        A label not in ``mapping``: names the file, the row and the column.
    """
    src = source_of(df, source)
    require_columns(df, columns, source=src, argument="columns")
    lookup = {_norm_label(k): float(v) for k, v in mapping.items()}
    out = df.copy()
    changed = 0
    for col in columns:
        values = df[col]
        notna = values.notna().to_numpy()
        normed = values.map(_norm_label)
        coded = normed.map(lookup)
        bad = notna & coded.isna().to_numpy()
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"answer {values.iloc[pos]!r} is not in the recoding map ({len(mapping)} labels); "
                f"{int(bad.sum())} cell(s) affected",
                file=src or None,
                row=file_row(df, pos),
                column=col,
            )
        out[col] = coded.astype("float64")
        changed += int(notna.sum())
    n = len(df)
    ensure_log(log).add(
        log_name(src),
        "recode labels to codes",
        rows_in=n,
        rows_out=n,
        changed=changed,
        reason=f"labels -> codes in {len(columns)} column(s): {', '.join(columns)}",
    )
    return out


def _numbers(df: pd.DataFrame, col: str, src: str, message: str) -> pd.Series:
    """Column ``col`` as numbers; a cell that is not one is a :class:`DataError` (file, row, column).

    ``message`` is formatted with ``value`` (the cell's repr).
    """
    s = df[col]
    num = pd.to_numeric(s, errors="coerce")
    bad = s.notna().to_numpy() & num.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError(
            message.format(value=repr(s.iloc[pos])), file=src or None, row=file_row(df, pos), column=col
        )
    return num


def _numeric_items(df: pd.DataFrame, items: tuple[str, ...], src: str) -> pd.DataFrame:
    msg = "item value {value} is not a number: recode labels to codes first (clean.recode)"
    block = {col: _numbers(df, col, src, msg).astype("float64") for col in items}
    return pd.DataFrame(block, index=df.index)


def clean_items(
    df: pd.DataFrame, instrument: Instrument, *, src: str = ""
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Items as floats with missing codes and out-of-range values set to NaN.

    Returns the cleaned block and the boolean masks of cells set missing for each reason.
    """
    block = _numeric_items(df, instrument.items, src)
    values = block.to_numpy()
    miss = (
        np.isin(values, np.asarray(instrument.missing_codes, dtype=float))
        if instrument.missing_codes
        else (np.zeros_like(values, dtype=bool))
    )
    with np.errstate(invalid="ignore"):
        out_of_range = ~miss & ~np.isnan(values) & ((values < instrument.min) | (values > instrument.max))
    values = np.where(miss | out_of_range, np.nan, values)
    return pd.DataFrame(values, index=block.index, columns=block.columns), miss, out_of_range


def oriented(block: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Reverse-keyed items turned (``min + max - x``) so that all items point the same way."""
    out = block.copy()
    for col in instrument.reverse:
        out[col] = instrument.min + instrument.max - out[col]
    return out


def score_instrument(
    df: pd.DataFrame,
    instrument: Instrument | Mapping[str, Any],
    *,
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Clean an instrument's items and add its score column ``<instrument.name>``.

    See the module docstring for the rules. Three log entries are written (missing codes,
    out of range, score); each entry's ``changed`` is exactly the number of cells it set missing.

    Parameters
    ----------
    df
        Survey table with one column per item (numeric codes; use :func:`recode` first).
    instrument
        An :class:`Instrument` or its dict form.
    log, source
        Cleaning log to append to and the file name to record (default ``attrs['fou']['source']``).

    Returns
    -------
    pandas.DataFrame
        A copy: item columns cleaned (missing codes and out-of-range values -> NaN, direction as
        asked), plus the score column.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 5, 9], "q2": [2, 4, 3], "q3": [5, 1, 3]})
    >>> inst = {"name": "s", "items": ["q1", "q2", "q3"], "min": 1, "max": 5, "reverse": ["q3"],
    ...         "missing_codes": [9], "min_answered": 2}
    >>> score_instrument(df, inst)["s"].tolist()
    [4.0, 14.0, 9.0]
    """
    inst = as_instrument(instrument)
    src = source_of(df, source)
    require_columns(df, inst.items, source=src, argument="instrument.items")
    if inst.name in df.columns:
        raise SpecificationError(f"score column {inst.name!r} already exists in {src or 'the data'}")
    log = ensure_log(log)
    name = log_name(src)
    n = len(df)

    block, miss, oor = clean_items(df, inst, src=src)
    codes = ", ".join(f"{c:g}" for c in inst.missing_codes) or "none"
    log.add(
        name,
        f"{inst.name}: missing codes",
        rows_in=n,
        rows_out=n,
        changed=int(miss.sum()),
        reason=f"answer codes meaning 'no answer' ({codes}) set to missing",
        step_nb=f"{inst.name}: koder for manglende svar",
        reason_nb=f"svarkoder som betyr «vet ikke»/«ikke svar» ({codes if inst.missing_codes else 'ingen'}) satt til manglende",
    )
    log.add(
        name,
        f"{inst.name}: out of range",
        rows_in=n,
        rows_out=n,
        changed=int(oor.sum()),
        reason=f"values outside {inst.min:g}..{inst.max:g} set to missing",
        step_nb=f"{inst.name}: utenfor skalaen",
        reason_nb=f"verdier utenfor {inst.min:g}–{inst.max:g} satt til manglende",
    )

    turned = oriented(block, inst)
    answered = turned.notna().sum(axis=1)
    need = inst.required_items()
    mean = turned.mean(axis=1, skipna=True)
    score = mean if inst.score == "mean" else mean * len(inst.items)
    too_few = answered < need
    score = score.where(~too_few)
    rev = f"; reverse-keyed: {', '.join(inst.reverse)}" if inst.reverse else ""
    rule = "mean of answered items" if inst.score == "mean" else "sum, prorated when items are missing"
    log.add(
        name,
        f"{inst.name}: score",
        rows_in=n,
        rows_out=n,
        changed=int(too_few.sum()),
        reason=f"score = {rule}; no score when fewer than {need} of {len(inst.items)} items answered{rev}",
        step_nb=f"{inst.name}: skåre",
        reason_nb=(
            f"skåre = {'gjennomsnitt av besvarte ledd' if inst.score == 'mean' else 'sum, justert når ledd mangler'}; "
            f"ingen skåre når færre enn {need} av {len(inst.items)} ledd er besvart"
        ),
    )
    out = df.copy()
    for col in inst.items:
        out[col] = block[col]
    out[inst.name] = score.astype("float64")
    return out


def set_missing_codes(
    df: pd.DataFrame,
    codes: Mapping[str, Sequence[Any]],
    *,
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Set answer codes that mean "don't know" / "not relevant" to missing, column by column.

    The single-question counterpart of rule 1 of :func:`score_instrument` (which does the same
    for a scale's items): for questions that are not items of an instrument, each with its own
    codes. One log entry per column, ``changed`` = cells set missing.

    Parameters
    ----------
    df
        Survey table (not modified).
    codes
        ``{column: [code, ...]}``, e.g. ``{"aktivitet_dager": [-1], "utgift_spart": [9]}``.
    log, source
        Cleaning log and file name (default ``attrs['fou']['source']``).

    Returns
    -------
    pandas.DataFrame
        A copy with the codes set to NaN.

    Examples
    --------
    >>> set_missing_codes(pd.DataFrame({"q": [1, 9, 3]}), {"q": [9]})["q"].tolist()
    [1.0, nan, 3.0]
    """
    src = source_of(df, source)
    require_columns(df, list(codes), source=src, argument="codes")
    log = ensure_log(log)
    out = df.copy()
    for col, col_codes in codes.items():
        hit = out[col].isin(col_codes)
        out.loc[hit, col] = np.nan
        log.add(
            log_name(src),
            f"missing codes in {col}",
            rows_in=len(out),
            rows_out=len(out),
            changed=int(hit.sum()),
            reason=f"codes {col_codes} mean 'don't know' → missing",
            step_nb=f"koder for manglende svar i {col}",
            reason_nb=f"kodene {col_codes} betyr «vet ikke» → manglende",
        )
    return out


def set_out_of_range_missing(
    df: pd.DataFrame,
    ranges: Mapping[str, tuple[float, float] | Sequence[float]],
    *,
    log: CleaningLog | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Set values outside each column's ``[low, high]`` to missing (range check), column by column.

    The single-question counterpart of rule 2 of :func:`score_instrument`. A cell that is not a
    number is an error (file, row, column), not silently missing. One log entry per column,
    ``changed`` = cells set missing.

    Parameters
    ----------
    df
        Survey table (not modified).
    ranges
        ``{column: (low, high)}``, bounds included, e.g. ``{"aktivitet_dager": (0, 7)}``.
    log, source
        Cleaning log and file name (default ``attrs['fou']['source']``).

    Returns
    -------
    pandas.DataFrame
        A copy; the checked columns are numeric, out-of-range values NaN.

    Raises
    ------
    DataError
        A cell in a checked column is not a number.

    Examples
    --------
    >>> set_out_of_range_missing(pd.DataFrame({"d": [0, 8, 7]}), {"d": (0, 7)})["d"].tolist()
    [0.0, nan, 7.0]
    """
    src = source_of(df, source)
    require_columns(df, list(ranges), source=src, argument="ranges")
    log = ensure_log(log)
    out = df.copy()
    for col, bounds in ranges.items():
        lo, hi = bounds
        v = _numbers(df, col, src, f"value {{value}} is not a number (range check {lo}–{hi})")
        bad = v.notna() & ((v < lo) | (v > hi))
        out[col] = v.where(~bad)
        log.add(
            log_name(src),
            f"range check {col}",
            rows_in=len(out),
            rows_out=len(out),
            changed=int(bad.sum()),
            reason=f"outside {lo}–{hi} → missing",
            step_nb=f"verdikontroll {col}",
            reason_nb=f"utenfor {lo}–{hi} → manglende",
        )
    return out
