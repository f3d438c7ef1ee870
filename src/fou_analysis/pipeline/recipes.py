"""Preparation recipes: named, parameterised steps that turn raw tables into analysis tables.

A case plan lists its processed tables as ``{id, recipe, sources, params}``; each recipe here
takes the source frames (already read by :mod:`fou_analysis.io`), the params and the
:class:`~fou_analysis.clean.CleaningLog`, and returns one tidy frame. Recipes compose functions
from :mod:`fou_analysis.clean` (test submissions, duplicates, missing codes, range checks,
scores, linked waves, first treatment, balanced panels, municipality harmonisation) and add only
what is specific to one kind of data (which dates are impossible, how a period is numbered);
their own filters go through :func:`fou_analysis.clean.keep_rows`, so every row they drop or
value they change is logged with its reason, in English and bokmål. Add a recipe for a new kind
of data by writing a function and registering it with :func:`recipe`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis import clean
from fou_analysis.clean import CleaningLog
from fou_analysis.clean.survey import as_instrument
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
    df = clean.keep_rows(
        df,
        ~dup,
        step=("drop exact duplicate rows", "fjern identiske rader"),
        reason=("the same loan exported twice", "samme utlån eksportert to ganger"),
        log=log,
        source=source,
    )
    bad = df["levert"].notna() & (df["levert"] < df["utlant"])
    df = clean.keep_rows(
        df,
        ~bad,
        step=("drop loans returned before they were lent", "fjern utlån levert før de ble lånt ut"),
        reason=(
            "return date (column Levert) before the loan date (column Utlånt): a registration error",
            "Levert før Utlånt (registreringsfeil)",
        ),
        log=log,
        source=source,
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
    clean.keep_rows(
        loans,
        inside,
        step=("keep loans inside the study period", "behold utlån i studieperioden"),
        reason=(
            f"loan date outside {params['start']}–{params['end']}",
            f"utlånsdato utenfor {params['start']}–{params['end']}",
        ),
        log=log,
        source=_source_name(next(iter(src.values())), "loans"),
    )
    counts = per[inside].value_counts().reindex(months, fill_value=0).sort_index()
    return pd.DataFrame({"month": counts.index.to_timestamp(), "loans": counts.to_numpy(dtype=float)})


@recipe("survey_waves")
def survey_waves(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """Stack survey waves: drop test and duplicate submissions, set missing codes and out-of-range to NaN.

    Each step is :mod:`fou_analysis.clean`'s (:func:`~fou_analysis.clean.drop_test_submissions`
    with the plan's ``test_ids``, :func:`~fou_analysis.clean.detect_duplicates`,
    :func:`~fou_analysis.clean.set_missing_codes`,
    :func:`~fou_analysis.clean.set_out_of_range_missing`), per wave. ``missing_codes`` and
    ``ranges`` name questions that a wave may lack (asked only at follow-up): those are skipped.
    """
    waves: Mapping[str, str] = params["waves"]
    id_col = params.get("id", "pseudonym")
    parts = []
    for raw_id, df in src.items():
        source = _source_name(df, raw_id)
        _require(df, [id_col], source)
        df = df.copy()
        df[id_col] = df[id_col].astype("string").str.strip()
        df = clean.drop_test_submissions(
            df, column=id_col, ids=params.get("test_ids", []), drop_missing=True, log=log, source=source
        )
        order = "$created" if "$created" in df.columns else None
        df = clean.detect_duplicates(
            df, id_cols=[id_col], time_col=order, keep="last", log=log, source=source
        )
        codes = {c: v for c, v in dict(params.get("missing_codes", {})).items() if c in df.columns}
        df = clean.set_missing_codes(df, codes, log=log, source=source)
        ranges = {c: v for c, v in dict(params.get("ranges", {})).items() if c in df.columns}
        df = clean.set_out_of_range_missing(df, ranges, log=log, source=source)
        parts.append(df.assign(wave=waves[raw_id]))
    return pd.concat(parts, ignore_index=True)


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
    out = clean.keep_rows(
        out,
        ~bad,
        step=("drop records with no positive follow-up time", "fjern forløp uten oppfølgingstid"),
        reason=("end or admission on/before start date", "slutt eller innleggelse på/før startdato"),
        log=log,
        source=source,
    )
    return out.reset_index(drop=True)


@recipe("carer_change")
def carer_change(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """Carer survey: score instruments per wave, link intake and follow-up, add covariates."""
    survey, services = src.values()
    source = _source_name(survey, "carer_survey")
    id_col, wave = params.get("id", "pseudonym"), params.get("wave", "wave")
    _require(survey, [id_col, wave], source)
    scored = survey.copy()
    names = []
    for spec in params["instruments"]:
        inst = as_instrument(spec)
        scored = clean.score_instrument(scored, inst, log=log, source=source)
        names.append(inst.name)
    w = pd.to_numeric(scored[wave], errors="coerce")
    pre = scored.loc[w == params.get("baseline_wave", 1), [id_col, *names]]
    post = scored.loc[w == params.get("followup_wave", 2), [id_col, *names]]
    # A follow-up row with no score is an unanswered invitation: lost to follow-up, counted where
    # the waves are linked (one attrition figure), not as a later drop.
    linked = clean.link_waves(pre, post, id_col=id_col, answered=names, log=log, source=source)
    paired = linked.paired
    out = pd.DataFrame({id_col: paired[id_col]})
    for nme in names:
        out[f"{nme}_t0"] = paired[f"{nme}_pre"]
        out[f"{nme}_t1"] = paired[f"{nme}_post"]
        out[f"{nme}_change"] = out[f"{nme}_t1"] - out[f"{nme}_t0"]
    changes = [f"{nme}_change" for nme in names]
    out = clean.keep_rows(
        out,
        out[changes].notna().any(axis=1),
        step=(
            "drop carers with no instrument scored at both waves",
            "fjern pårørende uten samme skåre begge ganger",
        ),
        reason=(
            "answered both waves, but no instrument has a score at both (too few items answered)",
            "svarte begge ganger, men ingen skåre finnes begge ganger (for få ledd besvart)",
        ),
        log=log,
        source=source,
    )
    svc = services[[id_col, "treated", "alder", "bor_alene", "mmse_inntak"]]
    out = clean.keep_rows(
        out,
        out[id_col].isin(svc[id_col]),
        step=("link to service records", "koble til tjenestedata"),
        reason=("pseudonym not found in service records", "pseudonym finnes ikke i tjenestedata"),
        log=log,
        source=source,
    )
    return out.merge(svc, on=id_col, how="inner", validate="one_to_one")


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
    reg = clean.keep_rows(
        register,
        ok,
        step=("drop rows with an invalid month", "fjern rader med ugyldig måned"),
        reason=(f"{period} not YYYYMM", f"{period} er ikke ÅÅÅÅMM"),
        log=log,
        source=source,
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
    start_col = params.get("start", "startdato")
    _require(participants, [person, start_col], psrc)
    start = _dates(participants[start_col], psrc, start_col)
    entry = participants[[person]].assign(entry_period=index(start.dt.year, start.dt.month))
    first = clean.first_treated(entry, person=person, start_col="entry_period", source=psrc)
    ft = pd.Series(first["first_treated"].to_numpy(), index=first[person].to_numpy())
    panel["first_treated"] = panel[person].map(ft).fillna(0).astype(int)  # not a participant: never
    panel["treated_now"] = (
        (panel["first_treated"] > 0) & (panel["period"] >= panel["first_treated"])
    ).astype(int)
    return panel


@recipe("jsonstat_panel")
def jsonstat_panel(
    src: Mapping[str, pd.DataFrame], params: Mapping[str, Any], log: CleaningLog
) -> pd.DataFrame:
    """SSB JSON-stat table → municipality × year panel in the 2024 structure (rates re-weighted)."""
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
    wide = clean.keep_rows(
        wide,
        wide[[rate, den]].notna().all(axis=1),
        step=("drop cells without a figure", "fjern celler uten tall"),
        reason=(
            "code not valid that year, or suppressed (':') / missing ('..') in SSB's table",
            "koden gjaldt ikke det året, eller tallet er prikket (':') / mangler ('..') i SSBs tabell",
        ),
        log=log,
        source=source,
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
        log=log,
        source=source,
    )
    code_col = "region"
    out = clean.balanced_panel(
        harm.data[[code_col, "year", rate, den]],
        unit=code_col,
        time="year",
        purpose=(
            "a balanced panel is needed for synthetic control",
            "syntetisk kontroll krever et balansert panel",
        ),
        log=log,
        source=source,
    ).copy()
    if "treated_unit" in params:
        out["treated"] = (
            (out[code_col] == str(params["treated_unit"])) & (out["year"] >= int(params["treatment_start"]))
        ).astype(int)
    # The 2024 name per unit, so results can show "Levanger", not "5037" (synthetic control's donors).
    codes = clean.municipality_codes()
    names = dict(zip(codes["group_code"], codes["group_name"], strict=True))
    out["region_name"] = out[code_col].map(names).astype("string")
    return out.reset_index(drop=True)
