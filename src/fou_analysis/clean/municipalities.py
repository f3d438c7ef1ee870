"""Harmonise municipality codes 1994–2024 to the 2024 structure (SSB classification 131).

Rules (:func:`harmonise_municipalities`)
---------------------------------------
* **Codes** may be text or numbers, with or without the leading zero and with a ``K-``/``K.``
  prefix (``301``, ``"0301"``, ``"K-0301"``). A code that is not in SSB's table is an error
  naming the code, the row and the file.
* **Validity**: each code must be valid in the row's year (5006 Steinkjer exists from 2020, so
  ``5006`` in 2017 is wrong). How the first year of codes still valid in 2024 is derived is
  described in :mod:`fou_analysis.clean._kommuner`. Default: error; ``invalid_year="flag"``
  maps the row anyway and reports it.
* **Mapping**: each code goes to the 2024 municipality SSB groups it under. Counts are summed
  within (2024 code, year). A **rate** is never averaged: it is re-weighted by its
  denominator, ``sum(rate * den) / sum(den)`` over the rows where both are known; a rate
  without its denominator is an error (row, column).
* **Split municipalities** (SSB group ``K.Rest``: Snillfjord, Tysfjord, Halsa, Hemne, Hitra,
  Agdenes, Meldal, Orkdal, Narvik, Hamarøy, Ballangen and 9999 *Uoppgitt*) cannot be assigned to
  one 2024 municipality, so they never are: ``rest="flag"`` (default) keeps their rows under
  the code ``Rest`` and lists them in the report and warnings; ``rest="drop"`` drops them
  (logged); ``rest="error"`` raises :class:`DataError`.
* **Ålesund/Haram**: 1507 Ålesund (2020–2023) also held what became 1580 Haram in 2024, so
  mapping 1507 to 1508 inflates Ålesund for 2020–2023 and leaves a gap in Haram.
  ``split_policy="flag"`` (default) maps 1507 to 1508, sets ``split_flag`` on those rows and
  adds a warning; ``split_policy="stable_unit"`` merges 1508 and 1580 into one unit
  ``1508+1580`` for every year, a series that is comparable over time.
* Svalbard (``21-22``) and the continental shelf (``23``) keep their SSB group codes.

Output: a :class:`HarmonisedTable` with the aggregated frame (columns: ``code`` (2024 code),
``kommune_name``, ``year``, the ``by`` columns, counts, denominators, rates, ``source_codes``,
``split_flag``), a per-original-code ``report`` and the :class:`CleaningLog`. Columns that are
neither counts, rates, denominators nor ``by`` are not carried over (they cannot be summed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from fou_analysis.clean._common import as_tuple, ensure_log, file_row, log_name, require_columns, source_of
from fou_analysis.clean._kommuner import (
    NON_MUNICIPAL,
    REST,
    SPLITS,
    check_option,
    code_table,
    normalise_codes,
)
from fou_analysis.clean.log import CleaningLog
from fou_analysis.exceptions import DataError, SpecificationError


@dataclass(frozen=True)
class HarmonisedTable:
    """Result of :func:`harmonise_municipalities`: ``data``, ``report``, ``log``, ``warnings``."""

    data: pd.DataFrame
    report: pd.DataFrame
    log: CleaningLog
    warnings: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        return self.data.copy()


def _log_flags(log: CleaningLog, name: str, n: int, *, n_rest: int, n_split: int) -> None:
    """Log rows kept but flagged, so the published log shows them (no rows dropped)."""
    if n_rest:
        log.add(
            name,
            "flag split municipalities (Rest)",
            rows_in=n,
            rows_out=n,
            changed=n_rest,
            reason="codes of municipalities split between several 2024 municipalities kept under 'Rest', not assigned",
            step_nb="merk delte kommuner (Rest)",
            reason_nb="koder for kommuner som ble delt mellom flere 2024-kommuner, holdt under 'Rest', ikke fordelt",
        )
    if n_split:
        sp = SPLITS[0]
        log.add(
            name,
            "flag Ålesund/Haram split",
            rows_in=n,
            rows_out=n,
            changed=n_split,
            reason=f"{sp['note']}: mapped to {sp['parts'][0]} with split_flag; use split_policy='stable_unit'",
            step_nb="merk delingen Ålesund/Haram",
            reason_nb=f"1507 Ålesund (2020–2023) omfattet også dagens Haram: ført til {sp['parts'][0]} med split_flag",
        )


def municipality_codes() -> pd.DataFrame:
    """SSB's municipality codes 1994–2024 with their 2024 group and valid years.

    Columns ``code, name, group_code, group_name, first_year, last_year, first_year_basis``;
    ``first_year`` is ``-inf`` for codes in use before 1994 and ``last_year`` ``inf`` for codes
    valid in 2024. See :mod:`fou_analysis.clean._kommuner` for how start years are derived.

    Examples
    --------
    >>> t = municipality_codes().set_index("code")
    >>> row = t.loc["5004"]
    >>> (row["group_code"], int(row["first_year"]), int(row["last_year"]))
    ('5006', 2018, 2019)
    """
    return code_table()


def _years_text(years: pd.Series) -> str:
    lo, hi = int(years.min()), int(years.max())
    return str(lo) if lo == hi else f"{lo}–{hi}"


def map_codes(
    codes: pd.Series,
    years: pd.Series,
    *,
    split_policy: str = "flag",
) -> pd.DataFrame:
    """Map normalised codes + years to 2024 groups (no aggregation, no checks raised).

    Returns a frame aligned with ``codes`` with ``known``, ``valid_year``, ``group``,
    ``group_name``, ``name`` (historical), ``split_flag``, ``rule``.
    """
    tbl = code_table().set_index("code")
    known = codes.isin(tbl.index).to_numpy()
    sub = tbl.reindex(codes.to_numpy())
    yr = years.to_numpy(dtype=float)
    valid = known & (yr >= sub["first_year"].to_numpy()) & (yr <= sub["last_year"].to_numpy())
    group = sub["group_code"].to_numpy(dtype=object)
    gname = sub["group_name"].to_numpy(dtype=object)
    rule = np.where(
        group == codes.to_numpy(), "same code", "merged/renumbered into 2024 municipality"
    ).astype(object)
    rule[group == REST] = "Rest: split municipality, not assigned"
    rule[np.isin(group, list(NON_MUNICIPAL))] = "not a municipality (Svalbard / continental shelf)"
    split_flag = np.zeros(len(codes), dtype=bool)
    for sp in SPLITS:
        held = (codes.to_numpy() == sp["code"]) & (yr >= sp["years"][0]) & (yr <= sp["years"][1])
        if split_policy == "stable_unit":
            in_unit = np.isin(group, sp["parts"])
            group[in_unit] = sp["unit"]
            gname[in_unit] = sp["name"]
            rule[in_unit] = f"stable unit {sp['unit']} ({sp['note']})"
        else:
            split_flag |= held
            rule[held] = f"split: {sp['note']}; mapped to {sp['parts'][0]}, flagged"
    rule[known & ~valid] = "code not valid in this year"
    return pd.DataFrame(
        {
            "known": known,
            "valid_year": valid,
            "group": group,
            "group_name": gname,
            "name": sub["name"].to_numpy(dtype=object),
            "split_flag": split_flag,
            "rule": rule,
        },
        index=codes.index,
    )


def harmonise_municipalities(
    data: pd.DataFrame,
    *,
    code: str,
    year: str,
    counts: Sequence[str] | str = (),
    rates: Mapping[str, str] | None = None,
    by: Sequence[str] | str = (),
    rest: Literal["flag", "drop", "error"] = "flag",
    split_policy: Literal["flag", "stable_unit"] = "flag",
    invalid_year: Literal["error", "flag"] = "error",
    log: CleaningLog | None = None,
    source: str = "",
) -> HarmonisedTable:
    """Map historical municipality codes to the 2024 structure and aggregate.

    Parameters
    ----------
    data
        One row per (municipality code, year[, by ...]) (not modified).
    code, year
        Column names of the municipality code and the year (in the output they hold the 2024
        code and the year).
    counts
        Columns summed within (2024 code, year).
    rates
        ``{rate column: denominator column}``, e.g. ``{"neet_share": "population"}``; rates are
        re-weighted by the denominator; the denominator is summed and kept.
    by
        Extra grouping columns kept in the output (e.g. sex, age group).
    rest
        What to do with split municipalities (SSB ``K.Rest``): ``"flag"``, ``"drop"``, ``"error"``.
    split_policy
        Ålesund/Haram: ``"flag"`` or ``"stable_unit"`` (``1508+1580`` for all years).
    invalid_year
        A code used in a year it was not valid: ``"error"`` or ``"flag"``.
    log, source
        Cleaning log (a new one when None) and the file name for errors.

    Returns
    -------
    HarmonisedTable

    Examples
    --------
    >>> df = pd.DataFrame({"knr": [1702, 1724, 5006], "aar": [2017, 2017, 2020], "n": [10, 2, 13]})
    >>> harmonise_municipalities(df, code="knr", year="aar", counts=["n"]).data[["knr", "aar", "n"]].values.tolist()
    [['5006', 2017, 12], ['5006', 2020, 13]]
    """
    src = source_of(data, source)
    check_option("rest", rest, ("flag", "drop", "error"))
    check_option("split_policy", split_policy, ("flag", "stable_unit"))
    check_option("invalid_year", invalid_year, ("error", "flag"))
    cols = _Columns(code, year, list(as_tuple(counts)), dict(rates or {}), list(as_tuple(by)))
    cols.check(data, src)
    log = ensure_log(log)
    name = log_name(src)
    n = len(data)

    codes, years = _codes_and_years(data, cols, src)
    m = map_codes(codes, years, split_policy=split_policy)
    _refuse_unknown_codes(data, codes, m, cols, src)
    warnings = _check_valid_years(data, codes, years, m, cols, src, invalid_year)
    is_rest = (m["group"] == REST).to_numpy()
    warnings += _rest_and_split_warnings(data, codes, m, is_rest, cols, src, rest)
    report = _code_report(codes, years, m, rest)

    changed = int((m["group"].to_numpy() != codes.to_numpy()).sum())
    log.add(
        name,
        "harmonise municipality codes",
        rows_in=n,
        rows_out=n,
        changed=changed,
        reason=f"{changed} row(s) recoded from historical codes to the 2024 structure (SSB classification 131)",
        step_nb="harmoniser kommunenummer",
        reason_nb=f"{changed} rad(er) omkodet fra historiske koder til 2024-inndelingen (SSBs klassifikasjon 131)",
    )
    _log_flags(
        log, name, n, n_rest=int(is_rest.sum()) if rest == "flag" else 0, n_split=int(m["split_flag"].sum())
    )

    work = _work_frame(data, codes, years, m, cols, src)
    if rest == "drop" and is_rest.any():
        work = _drop_rest(work, codes, is_rest, log, name)
    out = _aggregate(work, data, cols)
    merged_missing = [c for c in cols.counts if work[c].isna().any()]
    if merged_missing:
        warnings.append(
            f"missing values in count column(s) {merged_missing} were treated as absent when summing"
        )
    log.add(
        name,
        "aggregate to 2024 municipalities",
        rows_in=len(work),
        rows_out=len(out),
        reason="rows of codes merged into one 2024 municipality combined per year: counts summed, rates "
        "re-weighted by their denominators",
        step_nb="slå sammen til 2024-kommuner",
        reason_nb="koder som inngår i samme 2024-kommune slått sammen per år: antall summert, andeler vektet "
        "med nevnerne",
    )
    return HarmonisedTable(data=out, report=report.reset_index(drop=True), log=log, warnings=tuple(warnings))


# --------------------------------------------------------------------------- the steps
@dataclass(frozen=True)
class _Columns:
    """The columns :func:`harmonise_municipalities` works on, as its caller named them."""

    code: str
    year: str
    counts: list[str]
    rates: dict[str, str]
    by: list[str]

    @property
    def denominators(self) -> list[str]:
        return list(dict.fromkeys(self.rates.values()))

    @property
    def summed(self) -> list[str]:
        """Counts and denominators, each once: the columns summed within (2024 code, year)."""
        return list(dict.fromkeys(self.counts + self.denominators))

    def check(self, data: pd.DataFrame, src: str) -> None:
        """Every named column exists, and no column is both a key and a value."""
        require_columns(data, [self.code], source=src, argument="code")
        require_columns(data, [self.year], source=src, argument="year")
        require_columns(data, self.counts, source=src, argument="counts")
        require_columns(data, self.by, source=src, argument="by")
        require_columns(data, list(self.rates), source=src, argument="rates")
        require_columns(data, list(self.rates.values()), source=src, argument="rates (denominator)")
        clash = {self.code, self.year} & set(self.counts + self.by + list(self.rates) + self.denominators)
        if clash:
            raise SpecificationError(f"column(s) {sorted(clash)} cannot be both key and value")


def _codes_and_years(data: pd.DataFrame, cols: _Columns, src: str) -> tuple[pd.Series, pd.Series]:
    """Normalised codes and whole-number years; a missing code or a broken year is a DataError."""
    codes = normalise_codes(data[cols.code])
    if codes.isna().any():
        pos = int(np.flatnonzero(codes.isna().to_numpy())[0])
        raise DataError(
            "missing municipality code", file=src or None, row=file_row(data, pos), column=cols.code
        )
    years = pd.to_numeric(data[cols.year], errors="coerce")
    bad_year = years.isna().to_numpy() | (years.to_numpy(dtype=float) % 1 != 0)
    if bad_year.any():
        pos = int(np.flatnonzero(bad_year)[0])
        raise DataError(
            f"year {data[cols.year].iloc[pos]!r} is not a whole number",
            file=src or None,
            row=file_row(data, pos),
            column=cols.year,
        )
    return codes, years.astype("int64")


def _refuse_unknown_codes(
    data: pd.DataFrame, codes: pd.Series, m: pd.DataFrame, cols: _Columns, src: str
) -> None:
    """A code not in SSB's table is a DataError naming it, its row and up to ten others."""
    if m["known"].all():
        return
    unknown = codes[~m["known"]]
    pos = int(np.flatnonzero(~m["known"].to_numpy())[0])
    others = sorted(set(unknown) - {unknown.iloc[0]})
    more = f" (other unknown codes: {', '.join(others[:10])})" if others else ""
    raise DataError(
        f"municipality code {unknown.iloc[0]!r} is not in SSB's table of codes 1994–2024{more}",
        file=src or None,
        row=file_row(data, pos),
        column=cols.code,
    )


def _check_valid_years(
    data: pd.DataFrame,
    codes: pd.Series,
    years: pd.Series,
    m: pd.DataFrame,
    cols: _Columns,
    src: str,
    invalid_year: str,
) -> list[str]:
    """A code used outside its valid years: a DataError, or (``invalid_year="flag"``) a warning."""
    invalid = ~m["valid_year"].to_numpy()
    if not invalid.any():
        return []
    tbl = code_table().set_index("code")
    pos = int(np.flatnonzero(invalid)[0])
    c, y = codes.iloc[pos], int(years.iloc[pos])
    lo, hi = tbl.loc[c, "first_year"], tbl.loc[c, "last_year"]
    span = f"{'before 1994' if np.isinf(lo) else int(lo)}–{'2024' if np.isinf(hi) else int(hi)}"
    msg = f"municipality code {c} ({tbl.loc[c, 'name']}) was not in use in {y} (valid {span})"
    if invalid_year == "error":
        n_bad = int(invalid.sum())
        raise DataError(
            msg + (f"; {n_bad} such rows" if n_bad > 1 else ""),
            file=src or None,
            row=file_row(data, pos),
            column=cols.code,
        )
    return [f"{int(invalid.sum())} row(s) use a code outside its valid years, e.g. {msg}"]


def _rest_and_split_warnings(
    data: pd.DataFrame,
    codes: pd.Series,
    m: pd.DataFrame,
    is_rest: np.ndarray,
    cols: _Columns,
    src: str,
    rest: str,
) -> list[str]:
    """Warnings for split municipalities (``Rest``; a DataError with ``rest="error"``) and Ålesund/Haram."""
    warnings = []
    if is_rest.any():
        rest_codes = sorted(set(codes[is_rest]))
        if rest == "error":
            pos = int(np.flatnonzero(is_rest)[0])
            raise DataError(
                f"municipality code {codes.iloc[pos]} belongs to a municipality split between several 2024 "
                f"municipalities (SSB group Rest); codes: {', '.join(rest_codes)}",
                file=src or None,
                row=file_row(data, pos),
                column=cols.code,
            )
        warnings.append(
            f"{int(is_rest.sum())} row(s) with split-municipality codes ({', '.join(rest_codes)}) "
            + ("kept under 'Rest', not assigned to any 2024 municipality" if rest == "flag" else "dropped")
        )
    if m["split_flag"].any():
        sp = SPLITS[0]
        warnings.append(
            f"{int(m['split_flag'].sum())} row(s): {sp['note']}; mapped to {sp['parts'][0]} and flagged "
            f"(split_flag). Use split_policy='stable_unit' for a comparable series."
        )
    return warnings


def _code_report(codes: pd.Series, years: pd.Series, m: pd.DataFrame, rest: str) -> pd.DataFrame:
    """One row per original code and rule: its name, where it went, in which years, how many rows."""
    report = (
        pd.DataFrame(
            {
                "code": codes,
                "name": m["name"],
                "mapped_to": m["group"],
                "mapped_name": m["group_name"],
                "year": years,
                "rule": m["rule"],
            }
        )
        .groupby(["code", "rule"], as_index=False, sort=True)
        .agg(
            name=("name", "first"),
            mapped_to=("mapped_to", "first"),
            mapped_name=("mapped_name", "first"),
            years=("year", _years_text),
            rows=("year", "size"),
        )[["code", "name", "mapped_to", "mapped_name", "years", "rows", "rule"]]
    )
    if rest == "drop":
        report.loc[report["mapped_to"] == REST, "rule"] = "Rest: split municipality, dropped"
    return report


def _work_frame(
    data: pd.DataFrame, codes: pd.Series, years: pd.Series, m: pd.DataFrame, cols: _Columns, src: str
) -> pd.DataFrame:
    """Rows keyed by 2024 code and year, values as floats, each rate as numerator/denominator parts.

    A rate without its denominator is a DataError (row, column): it cannot be re-weighted.
    """
    work = pd.DataFrame(
        {
            cols.code: m["group"].to_numpy(),
            "kommune_name": m["group_name"].to_numpy(),
            cols.year: years.to_numpy(),
        },
        index=data.index,
    )
    for c in cols.by:
        work[c] = data[c].to_numpy()
    work["source_codes"] = codes.to_numpy()
    work["split_flag"] = m["split_flag"].to_numpy()
    for c in cols.summed:
        work[c] = pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=float)
    for r, den in cols.rates.items():
        rate = pd.to_numeric(data[r], errors="coerce").to_numpy(dtype=float)
        d = work[den].to_numpy()
        lacking = ~np.isnan(rate) & np.isnan(d)
        if lacking.any():
            pos = int(np.flatnonzero(lacking)[0])
            raise DataError(
                f"rate {r!r} has no denominator ({den!r}) here: a rate cannot be combined across codes without it",
                file=src or None,
                row=file_row(data, pos),
                column=den,
            )
        both = ~np.isnan(rate) & ~np.isnan(d)
        work[f"_num_{r}"] = np.where(both, rate * np.where(both, d, 0), 0.0)
        work[f"_den_{r}"] = np.where(both, d, 0.0)
        work[f"_has_{r}"] = both
    return work


def _drop_rest(
    work: pd.DataFrame, codes: pd.Series, is_rest: np.ndarray, log: CleaningLog, name: str
) -> pd.DataFrame:
    """Drop the rows of split municipalities (``rest="drop"``), logged with their codes as detail."""
    kept = work.loc[~is_rest]
    log.add(
        name,
        "drop split municipalities (Rest)",
        rows_in=len(work),
        rows_out=len(kept),
        reason="codes of municipalities split between several 2024 municipalities cannot be assigned",
        step_nb="fjern delte kommuner (Rest)",
        reason_nb="koder for kommuner som ble delt mellom flere 2024-kommuner, kan ikke fordeles",
        detail=pd.DataFrame({"position": np.flatnonzero(is_rest), "code": codes[is_rest].to_numpy()}),
    )
    return kept


def _aggregate(work: pd.DataFrame, data: pd.DataFrame, cols: _Columns) -> pd.DataFrame:
    """Sum counts and denominators within (2024 code, name, year, by); re-weight each rate."""
    keys = [cols.code, "kommune_name", cols.year, *cols.by]
    agg: dict[str, tuple[str, object]] = {
        "source_codes": ("source_codes", lambda s: ",".join(sorted(set(s)))),
        "split_flag": ("split_flag", "any"),
    }
    for c in cols.summed:
        agg[c] = (c, lambda s: s.sum(min_count=1))
    for r in cols.rates:
        agg[f"_num_{r}"] = (f"_num_{r}", "sum")
        agg[f"_den_{r}"] = (f"_den_{r}", "sum")
        agg[f"_has_{r}"] = (f"_has_{r}", "any")
    out = work.groupby(keys, as_index=False, sort=True, dropna=False).agg(**agg)
    for r in cols.rates:
        out[r] = np.where(
            out[f"_has_{r}"] & (out[f"_den_{r}"] > 0),
            out[f"_num_{r}"] / out[f"_den_{r}"].where(out[f"_den_{r}"] > 0),
            np.nan,
        )
        out = out.drop(columns=[f"_num_{r}", f"_den_{r}", f"_has_{r}"])
    out = out[keys + cols.summed + list(cols.rates) + ["source_codes", "split_flag"]].reset_index(drop=True)
    for c in cols.summed:
        if pd.api.types.is_integer_dtype(data[c]) and out[c].notna().all():
            out[c] = out[c].astype("int64")  # keep whole counts whole
    return out
