"""Aggregate a large person-month register extract to municipality x year, out of memory.

:func:`aggregate_register` reads CSV or Parquet files with DuckDB — never into pandas — so an
extract of tens of millions of person-months is processed within a fixed memory limit
(``memory_limit``, default 1 GB; DuckDB spills to ``temp_directory`` beyond it) on
``threads`` cores (default 2).

Steps (each logged):

1. Read the extract once and reduce it in DuckDB to one row per (code as written, year
   [, month], person) with the month counts — a few hundred thousand rows for ten million
   person-months. Periods that are not ``YYYYMM`` and missing codes are errors naming the file
   and column. Codes are normalised (``301``, ``"K-0301"`` -> ``"0301"``) on the distinct
   values only.
2. Map each distinct (code, year) with the *same rules* as
   :func:`~fou_analysis.clean.municipalities.harmonise_municipalities` (unknown codes and codes
   used outside their valid years are errors naming code and file; split municipalities
   ``Rest`` flagged/dropped/refused per ``rest``; Ålesund/Haram per ``split_policy``).
3. Aggregate by 2024 municipality and year (or month): ``person_months``, ``persons``
   (distinct persons; a person who moved between two codes of the same 2024 municipality
   counts once), ``positive_months`` (status in ``positive_status``, e.g. 1 = work and
   2 = education), ``share_positive = positive_months / known_status_months``, plus
   ``unknown_status_months``, ``source_codes`` and ``split_flag``.

Benchmark: ``benchmarks/bench_register.py`` (10 million person-months, against pandas).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from fou_analysis.clean._kommuner import REST, check_option, normalise_codes
from fou_analysis.clean.log import CleaningLog
from fou_analysis.clean.municipalities import _log_flags, map_codes
from fou_analysis.exceptions import DataError, SpecificationError

PathLike = str | os.PathLike[str]


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _files(path_or_paths: PathLike | Sequence[PathLike]) -> tuple[list[str], str]:
    paths = [path_or_paths] if isinstance(path_or_paths, (str, os.PathLike)) else list(path_or_paths)
    if not paths:
        raise SpecificationError("no register files given")
    files = [os.fspath(p) for p in paths]
    kinds = set()
    for f in files:
        if not any(ch in f for ch in "*?[") and not Path(f).is_file():
            raise DataError("register file not found", file=f)
        low = f.lower()
        kinds.add("parquet" if low.endswith((".parquet", ".pq")) else "csv")
    if len(kinds) > 1:
        raise SpecificationError("give either CSV or Parquet files, not a mix")
    return files, kinds.pop()


def aggregate_register(
    path_or_paths: PathLike | Sequence[PathLike],
    *,
    code: str = "kommunenr",
    period: str = "aarmnd",
    status: str = "status",
    person: str = "lopenr",
    by: Literal["year", "month"] = "year",
    positive_status: Sequence[int] = (1, 2),
    rest: Literal["flag", "drop", "error"] = "flag",
    split_policy: Literal["flag", "stable_unit"] = "flag",
    invalid_year: Literal["error", "flag"] = "error",
    memory_limit: str = "1GB",
    threads: int = 2,
    temp_directory: PathLike | None = None,
) -> tuple[pd.DataFrame, CleaningLog]:
    """Aggregate a person-month register extract (CSV/Parquet) to 2024 municipality x year.

    Parameters
    ----------
    path_or_paths
        One file, a list of files or a glob (CSV with header, or Parquet).
    code, period, status, person
        Column names: municipality code (historical codes allowed), month as ``YYYYMM``
        integer (or a date in Parquet), status code, person identifier.
    by
        ``"year"`` (default) or ``"month"``.
    positive_status
        Status codes counted as positive (default 1 = work, 2 = education).
    rest, split_policy, invalid_year
        As in :func:`~fou_analysis.clean.municipalities.harmonise_municipalities`.
    memory_limit, threads, temp_directory
        DuckDB resource limits and spill folder (default: a fresh temporary folder).

    Returns
    -------
    (pandas.DataFrame, CleaningLog)
        One row per (2024 municipality, year[, month]).
    """
    check_option("by", by, ("year", "month"))
    check_option("rest", rest, ("flag", "drop", "error"))
    check_option("split_policy", split_policy, ("flag", "stable_unit"))
    check_option("invalid_year", invalid_year, ("error", "flag"))
    files, kind = _files(path_or_paths)
    source = files[0] if len(files) == 1 else f"{files[0]} (+{len(files) - 1} more)"
    pos = [int(s) for s in positive_status]
    import duckdb  # imported here: nothing heavy at package import

    with tempfile.TemporaryDirectory(prefix="fou-duckdb-") as tmp:
        con = duckdb.connect(":memory:", config={"memory_limit": memory_limit, "threads": int(threads)})
        try:
            con.execute(f"SET temp_directory = {_q(os.fspath(temp_directory or tmp))}")
            query = _Query(
                files=tuple(files),
                kind=kind,
                source=source,
                code=code,
                period=period,
                status=status,
                person=person,
                by=by,
                positive=tuple(pos),
                rest=rest,
                split_policy=split_policy,
                invalid_year=invalid_year,
            )
            return _run(con, query)
        finally:
            con.close()


def _locate(con, reader: str, condition: str) -> str | None:
    """The first file holding a row that meets ``condition`` (error path only)."""
    row = con.execute(f"SELECT filename FROM {reader} WHERE {condition} LIMIT 1").fetchone()
    return None if row is None else str(row[0])


@dataclass(frozen=True, kw_only=True)
class _Query:
    """What :func:`aggregate_register` was asked for: files, columns and the mapping rules."""

    files: tuple[str, ...]
    kind: str  # "csv" or "parquet"
    source: str  # the name used in the log
    code: str
    period: str
    status: str
    person: str
    by: str  # "year" or "month"
    positive: tuple[int, ...]
    rest: str
    split_policy: str
    invalid_year: str

    def reader(self, text_code: bool = False) -> str:
        """DuckDB's reader over the files (with ``filename``); ``text_code`` reads CSV codes as text."""
        flist = "[" + ", ".join(_q(f) for f in self.files) + "]"
        if self.kind == "parquet":
            return f"read_parquet({flist}, filename = true)"
        types = f", types = {{{_q(self.code)}: 'VARCHAR'}}" if text_code else ""
        return f"read_csv({flist}, header = true, filename = true{types})"

    @property
    def raw_code(self) -> str:
        return f"CAST({_ident(self.code)} AS VARCHAR)"


def _run(con: Any, q: _Query) -> tuple[pd.DataFrame, CleaningLog]:
    """The steps of :func:`aggregate_register` on an open DuckDB connection."""
    reader, ym = _open(con, q)
    n_rows = _reduce_to_person_rows(con, q, reader, ym)
    log = CleaningLog()
    log.add(
        q.source,
        "read register extract",
        rows_in=n_rows,
        rows_out=n_rows,
        reason=f"person-months read with DuckDB from {len(q.files)} file(s)",
    )
    combos = _map_codes(con, q, reader)
    warnings = _check_codes(con, q, reader, combos)
    combos, n_kept = _log_mapping(log, q, combos, n_rows)
    out = _aggregate_mapped(con, q, combos)
    log.add(
        q.source,
        "aggregate to 2024 municipality x " + q.by,
        rows_in=n_kept,
        rows_out=len(out),
        reason=f"person-months combined per 2024 municipality and {q.by}; positive status = "
        f"{', '.join(map(str, q.positive))}",
    )
    out.attrs["fou"] = {"source": q.source, "warnings": tuple(warnings)}
    return out.reset_index(drop=True), log


def _open(con: Any, q: _Query) -> tuple[str, str]:
    """The reader (CSV codes as text, so leading zeros survive) and the SQL for the YYYYMM month.

    A column the arguments name that the files lack is a SpecificationError listing the columns.
    """
    described = con.execute(f"DESCRIBE SELECT * FROM {q.reader()} LIMIT 0").fetchall()
    types = {row[0]: str(row[1]).upper() for row in described}
    for arg in ("code", "period", "status", "person"):
        col = getattr(q, arg)
        if col not in types:
            cols = ", ".join(k for k in types if k != "filename")
            raise SpecificationError(
                f"column {col!r} (argument {arg!r}) not found in {q.source}; columns: {cols}"
            )
    p = _ident(q.period)
    if any(t in types[q.period] for t in ("DATE", "TIMESTAMP")):
        ym = f"(year({p}) * 100 + month({p}))"
    else:
        ym = f"TRY_CAST({p} AS BIGINT)"
    return q.reader(text_code=q.kind == "csv"), ym


def _reduce_to_person_rows(con: Any, q: _Query, reader: str, ym: str) -> int:
    """One pass over the extract into the temp table ``pm``: one row per (code as written, year
    [, month], person) with its month counts. Returns the number of person-months read; a period
    that is not ``YYYYMM`` is a DataError naming the file. Codes are normalised and mapped
    afterwards, on the few distinct codes."""
    s, i = _ident(q.status), _ident(q.person)
    pos_list = ", ".join(str(v) for v in q.positive) or "NULL"
    bad_period = f"({ym} IS NULL OR {ym} % 100 NOT BETWEEN 1 AND 12)"
    month_key = f", CAST({ym} % 100 AS INTEGER) AS month" if q.by == "month" else ""
    con.execute(
        f"""CREATE TEMP TABLE pm AS
        SELECT {q.raw_code} AS raw_code, CAST({ym} // 100 AS INTEGER) AS year{month_key}, {i} AS person,
               count(*) AS months,
               count(*) FILTER (WHERE CAST({s} AS INTEGER) IN ({pos_list})) AS positive,
               count(*) FILTER (WHERE {s} IS NULL) AS unknown,
               count(*) FILTER (WHERE {bad_period}) AS bad_period
        FROM {reader} GROUP BY ALL"""
    )
    n_rows, n_bad_period = con.execute("SELECT sum(months), sum(bad_period) FROM pm").fetchone()
    n_rows, n_bad_period = int(n_rows or 0), int(n_bad_period or 0)
    if n_bad_period:
        f = _locate(con, reader, bad_period)
        raise DataError(
            f"{n_bad_period} row(s) whose period is not a month as YYYYMM", file=f, column=q.period
        )
    return n_rows


def _map_codes(con: Any, q: _Query, reader: str) -> pd.DataFrame:
    """Each distinct (code as written, year) with its person-months ``n`` and its 2024 mapping."""
    combos = con.execute("SELECT raw_code, year, sum(months) AS n FROM pm GROUP BY ALL").df()
    if combos["raw_code"].isna().any():
        n_null = int(combos.loc[combos["raw_code"].isna(), "n"].sum())
        raise DataError(
            f"{n_null} row(s) without a municipality code",
            file=_locate(con, reader, f"{_ident(q.code)} IS NULL"),
            column=q.code,
        )
    combos["code"] = normalise_codes(combos["raw_code"].astype(object))
    m = map_codes(combos["code"], combos["year"], split_policy=q.split_policy)
    return pd.concat([combos, m], axis=1)


def _check_codes(con: Any, q: _Query, reader: str, combos: pd.DataFrame) -> list[str]:
    """Unknown codes, codes outside their valid years and (``rest="error"``) split municipalities
    are DataErrors naming the code and the file; with ``invalid_year="flag"`` a warning instead."""

    def where(rows: pd.DataFrame) -> str | None:
        values = ", ".join(_q(v) for v in rows["raw_code"].unique()[:50])
        return _locate(con, reader, f"{q.raw_code} IN ({values})")

    if not combos["known"].all():
        bad = combos[~combos["known"]].sort_values("n", ascending=False)
        raise DataError(
            f"municipality code {bad['code'].iloc[0]!r} is not in SSB's table of codes 1994–2024 "
            f"({int(bad['n'].sum())} row(s); codes: {', '.join(sorted(set(bad['code']))[:10])})",
            file=where(bad.iloc[:1]),
            column=q.code,
        )
    warnings = []
    if not combos["valid_year"].all():
        bad = combos[~combos["valid_year"]]
        msg = (
            f"municipality code {bad['code'].iloc[0]} was not in use in {int(bad['year'].iloc[0])} "
            f"({int(bad['n'].sum())} row(s) with codes outside their valid years)"
        )
        if q.invalid_year == "error":
            raise DataError(msg, file=where(bad.iloc[:1]), column=q.code)
        warnings.append(msg)
    is_rest = combos["group"] == REST
    if is_rest.any() and q.rest == "error":
        bad = combos[is_rest]
        raise DataError(
            f"municipality code {bad['code'].iloc[0]} belongs to a split municipality (SSB group Rest); "
            f"{int(bad['n'].sum())} row(s), codes {', '.join(sorted(set(bad['code'])))}",
            file=where(bad.iloc[:1]),
            column=q.code,
        )
    return warnings


def _log_mapping(log: CleaningLog, q: _Query, combos: pd.DataFrame, n_rows: int) -> tuple[pd.DataFrame, int]:
    """Log the recoding and the flags; drop split municipalities when ``rest="drop"``.

    Returns the mapping rows kept and the number of person-months they hold.
    """
    is_rest = combos["group"] == REST
    changed = int(combos.loc[combos["group"] != combos["code"], "n"].sum())
    log.add(
        q.source,
        "harmonise municipality codes",
        rows_in=n_rows,
        rows_out=n_rows,
        changed=changed,
        reason=f"{changed} person-month(s) recoded from historical codes to the 2024 structure",
    )
    _log_flags(
        log,
        q.source,
        n_rows,
        n_rest=int(combos.loc[is_rest, "n"].sum()) if q.rest == "flag" else 0,
        n_split=int(combos.loc[combos["split_flag"], "n"].sum()),
    )
    if not (is_rest.any() and q.rest == "drop"):
        return combos, n_rows
    n_kept = n_rows - int(combos.loc[is_rest, "n"].sum())
    log.add(
        q.source,
        "drop split municipalities (Rest)",
        rows_in=n_rows,
        rows_out=n_kept,
        reason=f"codes {', '.join(sorted(set(combos.loc[is_rest, 'code'])))} cannot be assigned to one 2024 municipality",
    )
    return combos[~is_rest], n_kept


def _aggregate_mapped(con: Any, q: _Query, combos: pd.DataFrame) -> pd.DataFrame:
    """Join ``pm`` to the code mapping in DuckDB and aggregate per 2024 municipality and year (month)."""
    mapping = pd.DataFrame(
        {
            "raw_code": combos["raw_code"].astype(str).to_numpy(),
            "year": combos["year"].astype("int64").to_numpy(),
            "grp": combos["group"].astype(str).to_numpy(),
            "grp_name": combos["group_name"].astype(str).to_numpy(),
            "split_flag": combos["split_flag"].astype(bool).to_numpy(),
        }
    )
    con.register("code_map", mapping)
    time_keys = "p.year" if q.by == "year" else "p.year, p.month"
    out = con.execute(
        f"""SELECT m.grp AS grp, m.grp_name AS grp_name, {time_keys},
                   sum(p.months) AS person_months,
                   count(DISTINCT p.person) AS persons,
                   sum(p.positive) AS positive_months,
                   sum(p.unknown) AS unknown_status_months,
                   bool_or(m.split_flag) AS split_flag
            FROM pm p JOIN code_map m ON p.raw_code = m.raw_code AND p.year = m.year
            GROUP BY ALL ORDER BY ALL"""
    ).df()
    src_codes = combos.groupby(["group", "year"])["code"].agg(lambda v: ",".join(sorted(set(v))))
    out["source_codes"] = [src_codes.get((g, y), "") for g, y in zip(out["grp"], out["year"], strict=True)]
    known = out["person_months"] - out["unknown_status_months"]
    out["share_positive"] = np.where(known > 0, out["positive_months"] / known.where(known > 0), np.nan)
    out = out.rename(columns={"grp": q.code, "grp_name": "kommune_name"})
    if q.by == "month":
        out.insert(2, q.period, out["year"] * 100 + out["month"])
    keys = [q.code, "kommune_name", "year"] + (["month", q.period] if q.by == "month" else [])
    counts = ["person_months", "persons", "positive_months", "unknown_status_months"]
    out = out[keys + counts + ["share_positive", "source_codes", "split_flag"]]
    return out.astype({**dict.fromkeys(counts, "int64"), "year": "int64", "split_flag": bool})
