"""Preparation recipes: named, parameterised steps that turn raw tables into analysis tables.

A case plan lists its processed tables as ``{id, recipe, sources, params}``; each recipe here
takes the source frames (already read by :mod:`fou_analysis.io`), the params and the
:class:`~fou_analysis.clean.CleaningLog`, and returns one tidy frame. Recipes only compose
functions from :mod:`fou_analysis.clean`; every row they drop or value they change is logged
with its reason. Add a recipe for a new kind of data by writing a function and registering it
with :func:`recipe`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.clean import CleaningLog
from fou_analysis.exceptions import DataError, SpecificationError

Recipe = Callable[[Mapping[str, pd.DataFrame], Mapping[str, Any], CleaningLog], pd.DataFrame]
RECIPES: dict[str, Recipe] = {}


def recipe(name: str) -> Callable[[Recipe], Recipe]:
    def register(fn: Recipe) -> Recipe:
        RECIPES[name] = fn
        return fn

    return register


def get_recipe(name: str) -> Recipe:
    if name not in RECIPES:
        from fou_analysis.config import did_you_mean

        raise SpecificationError(
            f"unknown recipe {name!r}{did_you_mean(name, RECIPES)}; known recipes: {', '.join(sorted(RECIPES))}"
        )
    return RECIPES[name]


def _source_name(df: pd.DataFrame, default: str) -> str:
    meta = df.attrs.get("fou", {}) if hasattr(df, "attrs") else {}
    src = meta.get("source") if isinstance(meta, dict) else None
    return str(src).rsplit("/", 1)[-1] if src else default


def _require(df: pd.DataFrame, cols: list[str], source: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"required column(s) missing: {', '.join(missing)}", file=source, column=missing[0])


def _dates(s: pd.Series, source: str, column: str) -> pd.Series:
    """Parse Norwegian dates (dd.mm.yyyy) unless the reader already did."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    txt = s.astype("string").str.strip().replace("", pd.NA)
    out = pd.to_datetime(txt, format="%d.%m.%Y", errors="coerce")
    bad = txt.notna() & out.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # header is row 1
        raise DataError(f"not a date (dd.mm.yyyy): {txt[bad].iloc[0]!r}", file=source, row=row, column=column)
    return out


def _matches_ids(df: pd.DataFrame, column: str, ids: Any) -> pd.Series:
    """Rows whose ``column`` is one of the identifiers ``ids`` a plan names (e.g. ``test_ids``).

    When the column was pseudonymised as the file was read, the plan's identifiers are
    pseudonymised with the same key first; both sides are normalised as identifiers, so
    ``12345678901`` in the plan matches ``"123 456 789 01"`` or ``12345678901.0`` in the data.
    """
    from fou_analysis import privacy

    ids = list(ids or [])
    if not ids:
        return pd.Series(False, index=df.index)
    meta = df.attrs.get("fou", {})
    if isinstance(meta, dict) and column in meta.get("pseudonymised", ()):
        wanted = {p for p in privacy.pseudonymise(ids, privacy.key_from_env()) if p is not None}
        return df[column].isin(wanted).fillna(False).astype(bool)
    wanted = {n for n in map(privacy.normalise_id, ids) if n is not None}
    return df[column].map(privacy.normalise_id).isin(wanted).astype(bool)


def _keep(
    df: pd.DataFrame, keep: Any, log: CleaningLog, source: str, step: tuple[str, str], reason: tuple[str, str]
) -> pd.DataFrame:
    """Keep the rows where ``keep`` is true and log the rest as dropped, with the reason.

    ``step`` and ``reason`` are ``(English, Norwegian)`` pairs for the reports.
    """
    out = df.loc[keep]
    log.add(
        source,
        step[0],
        rows_in=len(df),
        rows_out=len(out),
        reason=reason[0],
        step_nb=step[1],
        reason_nb=reason[1],
    )
    return out


def _snake(name: str) -> str:
    table = str.maketrans({"å": "a", "ø": "o", "æ": "ae", "Å": "a", "Ø": "o", "Æ": "ae", "-": "_", " ": "_"})
    return name.translate(table).lower()


# --------------------------------------------------------------------------- Utstyrsbu
@recipe("loans_clean")
def loans_clean(src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog) -> pd.DataFrame:
    """Lending log: snake_case columns, dates parsed, exact duplicates and impossible dates dropped."""
    (df,) = src.values()
    source = _source_name(df, "loans")
    df = df.rename(columns={c: _snake(c) for c in df.columns})
    _require(df, ["utlan_id", "utlant", "levert", "kategori", "laner"], source)
    df = df.assign(
        utlant=_dates(df["utlant"], source, "Utlånt"), levert=_dates(df["levert"], source, "Levert")
    )
    dup = df.duplicated(keep="first")
    df = _keep(
        df,
        ~dup,
        log,
        source,
        ("drop exact duplicate rows", "fjern identiske rader"),
        ("the same loan exported twice", "samme utlån eksportert to ganger"),
    )
    bad = df["levert"].notna() & (df["levert"] < df["utlant"])
    df = _keep(
        df,
        ~bad,
        log,
        source,
        ("drop loans returned before they were lent", "fjern utlån levert før de ble lånt ut"),
        ("Levert before Utlånt (registration error)", "Levert før Utlånt (registreringsfeil)"),
    )
    return df.reset_index(drop=True)


@recipe("monthly_counts")
def monthly_counts(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """Loans per calendar month (months with no loans count as 0) for interrupted time series."""
    loans = loans_clean(src, {}, CleaningLog())  # same cleaning; logged once under the 'loans' table
    date = params.get("date", "utlant")
    months = pd.period_range(params["start"], params["end"], freq="M")
    per = loans[date].dt.to_period("M")
    inside = per.isin(months)
    _keep(
        loans,
        inside,
        log,
        _source_name(next(iter(src.values())), "loans"),
        ("keep loans inside the study period", "behold utlån i studieperioden"),
        (
            f"loan date outside {params['start']}–{params['end']}",
            f"utlånsdato utenfor {params['start']}–{params['end']}",
        ),
    )
    counts = per[inside].value_counts().reindex(months, fill_value=0).sort_index()
    return pd.DataFrame({"month": counts.index.to_timestamp(), "loans": counts.to_numpy(dtype=float)})


@recipe("survey_waves")
def survey_waves(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """Stack survey waves: drop test and duplicate submissions, set missing codes and out-of-range to NaN."""
    from fou_analysis import clean

    waves: Mapping[str, str] = params["waves"]
    id_col = params.get("id", "pseudonym")
    parts = []
    for raw_id, df in src.items():
        source = _source_name(df, raw_id)
        _require(df, [id_col], source)
        df = df.copy()
        df[id_col] = df[id_col].astype("string").str.strip()
        test = _matches_ids(df, id_col, params.get("test_ids", [])) | df[id_col].isna()
        df = _keep(
            df,
            ~test,
            log,
            source,
            ("drop test submissions", "fjern testsvar"),
            ("marked as test or without pseudonym", "merket som test eller uten pseudonym"),
        )
        order = "$created" if "$created" in df.columns else None
        df = clean.detect_duplicates(
            df, id_cols=[id_col], time_col=order, keep="last", log=log, source=source
        )
        for col, codes in dict(params.get("missing_codes", {})).items():
            if col in df.columns:
                hit = df[col].isin(codes)
                df.loc[hit, col] = np.nan
                log.add(
                    source,
                    f"missing codes in {col}",
                    rows_in=len(df),
                    rows_out=len(df),
                    changed=int(hit.sum()),
                    reason=f"codes {codes} mean 'don't know' → missing",
                    step_nb=f"koder for manglende svar i {col}",
                    reason_nb=f"kodene {codes} betyr «vet ikke» → manglende",
                )
        for col, (lo, hi) in dict(params.get("ranges", {})).items():
            if col in df.columns:
                v = pd.to_numeric(df[col], errors="coerce")
                bad = v.notna() & ((v < lo) | (v > hi))
                df[col] = v.where(~bad)
                log.add(
                    source,
                    f"range check {col}",
                    rows_in=len(df),
                    rows_out=len(df),
                    changed=int(bad.sum()),
                    reason=f"outside {lo}–{hi} → missing",
                    step_nb=f"verdikontroll {col}",
                    reason_nb=f"utenfor {lo}–{hi} → manglende",
                )
        parts.append(df.assign(wave=waves[raw_id]))
    out = pd.concat(parts, ignore_index=True)
    return out


# --------------------------------------------------------------------------- Noen AS
@recipe("service_records")
def service_records(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """Service records → time (years) to nursing-home admission, censored at end of follow-up."""
    (df,) = src.values()
    source = _source_name(df, "services")
    _require(df, ["pseudonym", "gruppe", "startdato", "sykehjem_dato", "slutt_oppfolging"], source)
    start = _dates(df["startdato"], source, "startdato")
    nh = _dates(df["sykehjem_dato"], source, "sykehjem_dato")
    end = _dates(df["slutt_oppfolging"], source, "slutt_oppfolging")
    stop = nh.fillna(end)
    out = df.assign(
        startdato=start,
        sykehjem_dato=nh,
        slutt_oppfolging=end,
        treated=(df["gruppe"].astype("string") == params.get("treated_group", "Noen")).astype(int),
        admitted=nh.notna().astype(int),
        years=(stop - start).dt.days / 365.25,
    )
    bad = out["years"].isna() | (out["years"] <= 0)
    out = _keep(
        out,
        ~bad,
        log,
        source,
        ("drop records with no positive follow-up time", "fjern forløp uten oppfølgingstid"),
        ("end or admission on/before start date", "slutt eller innleggelse på/før startdato"),
    )
    return out.reset_index(drop=True)


@recipe("carer_change")
def carer_change(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """Carer survey: score instruments per wave, link intake and follow-up, add covariates."""
    from fou_analysis import clean

    survey, services = src.values()
    source = _source_name(survey, "carer_survey")
    id_col, wave = params.get("id", "pseudonym"), params.get("wave", "wave")
    _require(survey, [id_col, wave], source)
    scored = survey.copy()
    names = []
    for spec in params["instruments"]:
        inst = clean.Instrument(**spec) if not isinstance(spec, clean.Instrument) else spec
        scored = clean.score_instrument(scored, inst, log=log, source=source)
        names.append(inst.name)
    w = pd.to_numeric(scored[wave], errors="coerce")
    pre = scored.loc[w == params.get("baseline_wave", 1), [id_col, *names]]
    post = scored.loc[w == params.get("followup_wave", 2), [id_col, *names]]
    # A follow-up row with no score is an unanswered invitation: lost to follow-up, counted where
    # the waves are linked (one attrition figure), not as a later drop.
    linked = clean.link_waves(pre, post, id_col=id_col, answered=names, log=log, source=source)
    paired = linked.paired if hasattr(linked, "paired") else linked
    out = pd.DataFrame({id_col: paired[id_col]})
    for nme in names:
        out[f"{nme}_t0"] = paired[f"{nme}_pre"] if f"{nme}_pre" in paired else paired[f"{nme}_x"]
        out[f"{nme}_t1"] = paired[f"{nme}_post"] if f"{nme}_post" in paired else paired[f"{nme}_y"]
        out[f"{nme}_change"] = out[f"{nme}_t1"] - out[f"{nme}_t0"]
    changes = [f"{nme}_change" for nme in names]
    out = _keep(
        out,
        out[changes].notna().any(axis=1),
        log,
        source,
        (
            "drop carers with no instrument scored at both waves",
            "fjern pårørende uten samme skåre begge ganger",
        ),
        (
            "answered both waves, but no instrument has a score at both (too few items answered)",
            "svarte begge ganger, men ingen skåre finnes begge ganger (for få ledd besvart)",
        ),
    )
    svc = services[[id_col, "treated", "alder", "bor_alene", "mmse_inntak"]]
    n = len(out)
    out = out.merge(svc, on=id_col, how="inner", validate="one_to_one")
    log.add(
        source,
        "link to service records",
        rows_in=n,
        rows_out=len(out),
        reason="pseudonym not found in service records",
        step_nb="koble til tjenestedata",
        reason_nb="pseudonym finnes ikke i tjenestedata",
    )
    return out


# --------------------------------------------------------------------------- Friskgården
@recipe("register_panel")
def register_panel(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """Person-month register → person × period panel with the share of months in work/education.

    ``frequency`` is ``month`` (period 1 = January 2019) or ``halfyear`` (period 1 = 2019H1).
    ``first_treated`` is the period of entry (0 = never treated); ``treated_now`` the
    time-varying treatment indicator used by two-way fixed effects. With half-years, an entry
    after the first month of a half-year makes that period partly treated: use months when
    entries do not fall on period boundaries.
    """
    register, participants = src.values()
    source = _source_name(register, "register")
    person, period, status = params["person"], params["period"], params["status"]
    _require(register, [person, period, status], source)
    ym = pd.to_numeric(register[period], errors="coerce")
    ok = ym.between(190001, 210012) & ((ym % 100).between(1, 12))
    reg = _keep(
        register,
        ok,
        log,
        source,
        ("drop rows with an invalid month", "fjern rader med ugyldig måned"),
        (f"{period} not YYYYMM", f"{period} er ikke ÅÅÅÅMM"),
    )
    ym = ym[ok].astype(int)
    year, month = ym // 100, ym % 100
    origin = int(params.get("origin_year", 2019))
    monthly = params.get("frequency", "month") == "month"
    if params.get("frequency", "month") not in ("month", "halfyear"):
        raise SpecificationError(
            f"register_panel: frequency must be 'month' or 'halfyear', not {params['frequency']!r}"
        )

    def index(y: pd.Series, m: pd.Series) -> pd.Series:
        return (y - origin) * 12 + m if monthly else (y - origin) * 2 + (m > 6).astype(int) + 1

    half = index(year, month)
    pos = reg[status].isin(params.get("positive_status", [1, 2])).astype(float)
    panel = (
        pd.DataFrame(
            {person: reg[person].to_numpy(), "period": half.to_numpy(), "in_work_edu": pos.to_numpy()}
        )
        .groupby([person, "period"], as_index=False)["in_work_edu"]
        .mean()
    )
    psrc = _source_name(participants, "participants")
    _require(participants, [person, params.get("start", "startdato")], psrc)
    start = _dates(participants[params.get("start", "startdato")], psrc, params.get("start", "startdato"))
    first = index(start.dt.year, start.dt.month)
    ft = pd.Series(first.to_numpy(), index=participants[person].to_numpy())
    panel["first_treated"] = panel[person].map(ft).fillna(0).astype(int)
    panel["treated_now"] = (
        (panel["first_treated"] > 0) & (panel["period"] >= panel["first_treated"])
    ).astype(int)
    return panel


@recipe("jsonstat_panel")
def jsonstat_panel(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """SSB JSON-stat table → municipality × year panel in the 2024 structure (rates re-weighted)."""
    from fou_analysis import clean

    (df,) = src.values()
    source = _source_name(df, "jsonstat")
    region, time, contents = params["region"], params["time"], params["contents"]
    _require(df, [region, time, contents, "value"], source)
    wide = df.pivot_table(
        index=[region, time], columns=contents, values="value", aggfunc="first"
    ).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns=dict(params.get("rename", {})))
    rate = params.get("rename", {}).get(params["rate"], params["rate"])
    den = params.get("rename", {}).get(params["denominator"], params["denominator"])
    wide = _keep(
        wide,
        wide[[rate, den]].notna().all(axis=1),
        log,
        source,
        ("drop cells without a figure", "fjern celler uten tall"),
        (
            "code not valid that year, or suppressed (':') / missing ('..') in SSB's table",
            "koden gjaldt ikke det året, eller tallet er prikket (':') / mangler ('..') i SSBs tabell",
        ),
    )
    wide = wide.assign(
        year=pd.to_numeric(wide[time]).astype(int),
        region=wide[region].astype("string").str.replace("K-", "", regex=False),
    )
    harm = clean.harmonise_municipalities(
        wide,
        code="region",
        year="year",
        counts=(den,),
        rates={rate: den},
        rest="drop",
        split_policy=params.get("split_policy", "stable_unit"),
        source=source,
    )
    out = harm.data if hasattr(harm, "data") else harm
    if hasattr(harm, "log"):
        log.extend(harm.log)
    code_col = "region"
    out = out[[code_col, "year", rate, den]].copy()
    years = sorted(out["year"].unique())
    complete = out.groupby(code_col)["year"].transform("nunique") == len(years)
    out = _keep(
        out,
        complete,
        log,
        source,
        ("keep municipalities with every year", "behold kommuner med alle år"),
        ("a balanced panel is needed for synthetic control", "syntetisk kontroll krever et balansert panel"),
    )
    if "treated_unit" in params:
        out["treated"] = (
            (out[code_col] == str(params["treated_unit"])) & (out["year"] >= int(params["treatment_start"]))
        ).astype(int)
    # The 2024 name per unit, so results can show "Levanger", not "5037" (synthetic control's donors).
    from fou_analysis.clean.municipalities import code_table

    codes = code_table()
    names = dict(zip(codes["group_code"], codes["group_name"], strict=True))
    out["region_name"] = out[code_col].map(names).astype("string")
    return out.reset_index(drop=True)
