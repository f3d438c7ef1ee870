"""The value bank (unit values with sources) and the price index for fixed prices.

Every kroner value used to value an outcome comes from the bank (``data/value_bank.csv``) or from
the case's impact map, never from code. The bank is a versioned CSV: comment lines starting with
``#`` first (they state the version and the rules), then one row per unit value with a low,
central and high value, the price year, the population it was estimated for, a full citation
(``source``) and a note on how well it transfers to the case (``transferability``; values that
must be checked before publishing say *VERIFY* there). ``population_nb`` and
``transferability_nb`` (optional, :data:`NB_COLUMNS`) hold the Norwegian texts a report shows.

Fixed prices (kroneår): :func:`to_base_year` moves an amount from its price year to a base year
with the consumer price index, ``amount × KPI[base] / KPI[from]``. The package ships SSB's KPI
(table 03014, 2015 = 100, annual averages) in ``data/price_index.csv``; pass your own index to
use another deflator.

Why hand-written: the files are small, and explicit checks give errors that name the file, the
row as a person counts it (header = 1, comment lines included) and the column.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError

BANK_COLUMNS = (
    "id",
    "description_en",
    "description_nb",
    "unit",
    "nok_low",
    "nok_central",
    "nok_high",
    "price_year",
    "population",
    "source",
    "transferability",
    "bank_version",
)
_REQUIRED_TEXT = ("id", "unit", "source", "bank_version")
#: Norwegian texts for reports. Optional: a bank without them (or a row with them empty) loads with
#: "" there, and a Norwegian report shows the English text marked as English.
NB_COLUMNS = ("population_nb", "transferability_nb")

PathOrFrame = str | PathLike[str] | pd.DataFrame


def _package_file(name: str) -> Any:
    return resources.files("fou_analysis").joinpath("data", name)


def read_commented_csv(path: str | PathLike[str] | Any) -> tuple[pd.DataFrame, int, str]:
    """Read a CSV whose first lines may be ``#`` comments, every cell as text.

    Returns the frame, the number of comment lines and the file name used in errors. Blank lines
    are kept as all-empty rows and dropped by the caller, so that ``index + n_comment + 2`` is
    the row number a person sees in an editor.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8") if hasattr(path, "read_text") else None
        if text is None:
            text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise DataError("file not found", file=name) from err
    lines = text.splitlines()
    n_comment = 0
    for line in lines:
        if line.startswith("#"):
            n_comment += 1
        else:
            break
    from io import StringIO

    body = "\n".join(lines[n_comment:])
    if not body.strip():
        raise DataError("the file has no header row", file=name, row=n_comment + 1)
    frame = pd.read_csv(
        StringIO(body), dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8"
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, n_comment, name


def _to_float(value: Any) -> float:
    if isinstance(value, str):
        value = value.strip().replace("\u00a0", "").replace(" ", "")
        if value == "":
            return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def load_value_bank(path: str | PathLike[str] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and check the value bank.

    Parameters
    ----------
    path
        A CSV file in the bank's format, an already loaded frame, or ``None`` for the bank
        shipped with the package (``fou_analysis/data/value_bank.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per unit value with the columns of ``BANK_COLUMNS`` then ``NB_COLUMNS`` (numbers
        as floats, ``price_year`` as int; Norwegian texts "" where the bank has none).
        ``frame.attrs["file"]`` names the file it came from; ``frame.attrs["nb_missing"]`` lists
        the ids without a Norwegian text.

    Raises
    ------
    DataError
        A missing column, an empty id/source/unit/version, a duplicated id, a non-numeric value,
        ``nok_low <= nok_central <= nok_high`` violated, or a non-integer price year; the error
        names the file, row (header = 1, comment lines counted) and column.

    Examples
    --------
    >>> bank = load_value_bank()
    >>> bank.set_index("id").loc["wellby", "price_year"]
    np.int64(2019)
    """
    if isinstance(path, pd.DataFrame):
        raw = path.astype(str).replace({"nan": "", "None": ""})
        raw.columns = [str(c).strip() for c in raw.columns]
        n_comment, name = 0, "<value bank frame>"
    else:
        src = _package_file("value_bank.csv") if path is None else path
        raw, n_comment, name = read_commented_csv(src)
        if path is None:
            name = "fou_analysis/data/value_bank.csv"
    for col in BANK_COLUMNS:
        if col not in raw.columns:
            raise DataError("required column is missing", file=name, row=n_comment + 1, column=col)
    for col in NB_COLUMNS:  # older banks have no Norwegian texts
        if col not in raw.columns:
            raw[col] = ""
    raw = raw[~(raw[list(BANK_COLUMNS)].apply(lambda s: s.str.strip()) == "").all(axis=1)]
    columns = (*BANK_COLUMNS, *NB_COLUMNS)
    out: dict[str, list[Any]] = {c: [] for c in columns}
    seen: dict[str, int] = {}
    for idx, rec in zip(raw.index, raw.to_dict("records"), strict=True):
        row = int(idx) + n_comment + 2
        for col in _REQUIRED_TEXT:
            if not str(rec[col]).strip():
                raise DataError(f"{col} must not be empty", file=name, row=row, column=col)
        ident = str(rec["id"]).strip()
        if ident in seen:
            raise DataError(
                f"duplicated id {ident!r} (first in row {seen[ident]})", file=name, row=row, column="id"
            )
        seen[ident] = row
        nums = {}
        for col in ("nok_low", "nok_central", "nok_high"):
            nums[col] = _to_float(rec[col])
            if not np.isfinite(nums[col]):
                raise DataError(f"not a number: {rec[col]!r}", file=name, row=row, column=col)
        if not nums["nok_low"] <= nums["nok_central"] <= nums["nok_high"]:
            raise DataError(
                "need nok_low <= nok_central <= nok_high", file=name, row=row, column="nok_central"
            )
        year = _to_float(rec["price_year"])
        if not (np.isfinite(year) and year == int(year) and 1900 <= year <= 2200):
            raise DataError(
                f"price year must be a year, not {rec['price_year']!r}",
                file=name,
                row=row,
                column="price_year",
            )
        for col in columns:
            if col in nums:
                out[col].append(nums[col])
            elif col == "price_year":
                out[col].append(int(year))
            else:
                out[col].append(str(rec[col]).strip())
    bank = pd.DataFrame(out, columns=list(columns))
    bank["price_year"] = bank["price_year"].astype("int64")
    bank.attrs["file"] = name
    no_nb = (bank[list(NB_COLUMNS)] == "").any(axis=1)
    bank.attrs["nb_missing"] = bank.loc[no_nb, "id"].tolist()
    return bank


def load_price_index(index: Any = None) -> pd.Series:
    """The consumer price index as a Series ``year -> index value``.

    ``index`` may be ``None`` (SSB KPI shipped with the package), a path to a CSV with columns
    ``year`` and ``kpi`` (``#`` comment lines first allowed), a Series indexed by year, a frame
    with ``year`` and ``kpi`` columns, or a mapping ``{year: value}``.
    """
    if isinstance(index, pd.Series):
        s = index.copy()
    elif isinstance(index, Mapping):
        s = pd.Series(dict(index))
    elif isinstance(index, pd.DataFrame) or index is None or isinstance(index, str | os.PathLike):
        if isinstance(index, pd.DataFrame):
            frame, n_comment, name = index.astype(str), 0, "<price index frame>"
        else:
            src = _package_file("price_index.csv") if index is None else index
            frame, n_comment, name = read_commented_csv(src)
        for col in ("year", "kpi"):
            if col not in frame.columns:
                raise DataError("required column is missing", file=name, row=n_comment + 1, column=col)
        years, values = [], []
        for idx, (y, v) in enumerate(zip(frame["year"], frame["kpi"], strict=True)):
            if str(y).strip() == "" and str(v).strip() == "":
                continue
            yf, vf = _to_float(y), _to_float(v)
            row = idx + n_comment + 2
            if not (np.isfinite(yf) and yf == int(yf)):
                raise DataError(f"not a year: {y!r}", file=name, row=row, column="year")
            if not (np.isfinite(vf) and vf > 0):
                raise DataError(
                    f"index value must be a positive number, not {v!r}", file=name, row=row, column="kpi"
                )
            years.append(int(yf))
            values.append(vf)
        s = pd.Series(values, index=years)
    else:
        raise SpecificationError(f"price_index: cannot use an object of type {type(index).__name__}")
    s.index = s.index.astype("int64")
    s = s.astype(float).sort_index()
    s.name = "kpi"
    if not (np.isfinite(s.to_numpy()).all() and (s > 0).all()):
        raise SpecificationError("price_index: every index value must be a positive number")
    return s


def to_base_year(
    amount: float | np.ndarray | pd.Series,
    from_year: int | np.ndarray | pd.Series,
    base_year: int,
    index: Any = None,
) -> Any:
    """Move an amount from its price year to ``base_year`` prices with the consumer price index.

    ``amount × KPI[base_year] / KPI[from_year]``; vectorised over ``amount`` and ``from_year``.

    Parameters
    ----------
    amount
        Kroner in ``from_year`` prices.
    from_year
        The price year of ``amount``.
    base_year
        The base year (kroneår) of the analysis.
    index
        Price index (see :func:`load_price_index`); ``None`` uses SSB's KPI shipped with the
        package.

    Raises
    ------
    SpecificationError
        If a year is not in the index.

    Examples
    --------
    >>> round(to_base_year(100.0, 2015, 2015), 6)
    100.0
    """
    years = np.atleast_1d(np.asarray(from_year)).astype("int64")
    if np.all(years == int(base_year)):
        return amount * 1.0
    kpi = load_price_index(index)
    needed = set(years.tolist()) | {int(base_year)}
    missing = sorted(needed - set(kpi.index.tolist()))
    if missing:
        raise SpecificationError(
            f"price index has no value for year(s) {missing} (it covers {kpi.index.min()}–{kpi.index.max()}); "
            "pass price_index= with those years or choose another base_year"
        )
    factor = kpi.loc[int(base_year)] / kpi.reindex(years).to_numpy()
    if np.ndim(from_year) == 0:
        factor = float(factor[0])
    elif isinstance(amount, pd.Series):
        factor = pd.Series(factor, index=amount.index)
    return amount * factor


@dataclass(frozen=True)
class BankValue:
    """One unit value from the bank, possibly moved to a base year."""

    id: str
    low: float
    central: float
    high: float
    price_year: int
    unit: str
    source: str
    transferability: str
    bank_version: str
    description_en: str = ""
    description_nb: str = ""


def bank_value(
    id: str,
    *,
    base_year: int | None = None,
    bank: PathOrFrame | None = None,
    price_index: Any = None,
) -> BankValue:
    """Look up one unit value (low, central, high) in the value bank.

    Parameters
    ----------
    id
        The bank id, e.g. ``"wellby"``.
    base_year
        If given, the three values are moved to this year's prices with :func:`to_base_year`
        and ``price_year`` becomes ``base_year``.
    bank
        A bank file or frame; ``None`` uses the bank shipped with the package.
    price_index
        Price index for the conversion (default SSB KPI).

    Examples
    --------
    >>> v = bank_value("neet_year")
    >>> (v.low, v.central, v.high, v.price_year)
    (300000.0, 400000.0, 500000.0, 2010)
    """
    table = (
        bank
        if isinstance(bank, pd.DataFrame) and "nok_central" in bank and bank["nok_central"].dtype.kind == "f"
        else None
    )
    table = table if table is not None else load_value_bank(bank)
    hit = table[table["id"] == id]
    if hit.empty:
        raise SpecificationError(f"unknown value-bank id {id!r}; known ids: {', '.join(table['id'])}")
    rec = hit.iloc[0]
    values = np.array([rec["nok_low"], rec["nok_central"], rec["nok_high"]], dtype=float)
    year = int(rec["price_year"])
    if base_year is not None:
        values = to_base_year(values, year, int(base_year), price_index)
        year = int(base_year)
    return BankValue(
        id=str(rec["id"]),
        low=float(values[0]),
        central=float(values[1]),
        high=float(values[2]),
        price_year=year,
        unit=str(rec["unit"]),
        source=str(rec["source"]),
        transferability=str(rec["transferability"]),
        bank_version=str(rec["bank_version"]),
        description_en=str(rec["description_en"]),
        description_nb=str(rec["description_nb"]),
    )
