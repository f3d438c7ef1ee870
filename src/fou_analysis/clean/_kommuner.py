"""The municipality code table (package data) and the years in which each code was valid.

Source: Statistics Norway (SSB), classification 131 *Kommuneinndeling*, grouping of every code
valid 1994–2024 into the 2024 structure (``data/kommuner_1994_2024.csv``).

The table states ``valid_from``/``valid_to`` only where SSB's name carries them; codes still
valid in 2024 mostly have no start year. Their first year is derived, in this order:

1. the year after the last year of a code *with the same name* in the same 2024 group (or
   among the split municipalities, group ``Rest``) that ended later than 1994 — e.g. Steinkjer 5004 ends 2019, so 5006 starts 2020; Halden 3001 ends 2023, so
   3101 starts 2024 (names compared on any part of a bilingual name such as
   "Trondheim - Tråante");
2. otherwise the year its county number came into use (50 Trøndelag 2018; 30/34/38/42/46/54
   2020; 31/32/33/39/40/55/56 2024);
3. plus a short list of codes whose start neither rule gives (new names, or the 2024 split
   of Ålesund/Haram), from SSB's change lists: 5055 Heim, 5056 Hitra, 5059 Orkland,
   5060 Nærøysund, 1578 Fjord, 1579 Hustadvika (all 2020), 1580 Haram (2024; 1534 Haram ended 2019 and the area was part of 1507 Ålesund 2020–2023).

Codes ending before 2024 take their last year from the table. ``0716u`` (Våle until 2001; the
code 0716 went to Re from 2002) is read as ``0716`` — both belong to 3905 Tønsberg.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from fou_analysis.exceptions import SpecificationError

LAST_YEAR = 2024
FIRST_YEAR = 1994

_COUNTY_START = {"50": 2018, **dict.fromkeys(["30", "34", "38", "42", "46", "54"], 2020)}
_COUNTY_START.update(dict.fromkeys(["31", "32", "33", "39", "40", "55", "56"], 2024))
_KNOWN_START = {
    **dict.fromkeys(["5055", "5056", "5059", "5060", "1578", "1579"], 2020),
    "1580": 2024,
}

#: Municipalities split after a merger: the code that held both parts, its years, the 2024 parts.
SPLITS = (
    {
        "code": "1507",
        "years": (2020, 2023),
        "parts": ("1508", "1580"),
        "unit": "1508+1580",
        "name": "Ålesund + Haram",
        "note": "1507 Ålesund (2020–2023) also held what became 1580 Haram in 2024",
    },
)

NON_MUNICIPAL = {"21-22", "23"}
REST = "Rest"

_CODE_RE = re.compile(r"^\s*(?:K[-.]?)?\s*(\d{1,4})\s*$", re.IGNORECASE)


def _name_parts(name: str) -> set[str]:
    return {p.strip().casefold() for p in str(name).split(" - ") if p.strip()}


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    with resources.files("fou_analysis.data").joinpath("kommuner_1994_2024.csv").open(encoding="utf-8") as fh:
        raw = pd.read_csv(fh, comment="#", dtype=str)
    raw["code"] = raw["code"].str.replace(r"\D", "", regex=True).str.zfill(4)
    vf = pd.to_numeric(raw["valid_from"]).astype("float64")
    vt = pd.to_numeric(raw["valid_to"]).astype("float64")
    # name part -> [(code, group, last year)] of codes that ended in or after 1994
    ended: dict[str, list[tuple[str, str, float]]] = {}
    for code, name, group, t in zip(raw["code"], raw["name"], raw["group_code"], vt, strict=True):
        if not np.isnan(t) and t >= FIRST_YEAR:
            for part in _name_parts(name):
                ended.setdefault(part, []).append((code, group, t))
    first = []
    basis = []
    for code, name, group, f, t in zip(raw["code"], raw["name"], raw["group_code"], vf, vt, strict=True):
        if not np.isnan(f):
            first.append(f)
            basis.append("table")
            continue
        start = float(_COUNTY_START.get(code[:2], FIRST_YEAR))
        why = "county number" if code[:2] in _COUNTY_START else "before 1994"
        if np.isnan(t):
            same = [
                t_end
                for part in _name_parts(name)
                for (c, g, t_end) in ended.get(part, ())
                if c != code and g in (group, REST)
            ]
            if same and max(same) + 1 > start:
                start, why = max(same) + 1, "after same-name predecessor"
            if code in _KNOWN_START:
                start, why = float(_KNOWN_START[code]), "SSB change list"
        first.append(start)
        basis.append(why)
    out = pd.DataFrame(
        {
            "code": raw["code"],
            "name": raw["name"],
            "group_code": raw["group_code"],
            "group_name": raw["group_name"],
            "first_year": np.array(first),
            "last_year": vt.fillna(np.inf).to_numpy(),
            "first_year_basis": basis,
        }
    )
    # 0716 appears twice (Våle until 2001, Re 2002-2019), same group: one row covering both.
    out = (
        out.groupby("code", as_index=False, sort=False)
        .agg(
            name=("name", " / ".join),
            group_code=("group_code", "first"),
            group_name=("group_name", "first"),
            first_year=("first_year", "min"),
            last_year=("last_year", "max"),
            first_year_basis=("first_year_basis", "first"),
        )
        .reset_index(drop=True)
    )
    out.loc[out["first_year"] <= FIRST_YEAR, "first_year"] = -np.inf
    return out


def code_table() -> pd.DataFrame:
    """One row per historical code: group (2024 code), names and first/last valid year.

    ``first_year`` is ``-inf`` when the code existed before 1994; ``last_year`` is ``inf`` for
    codes still valid in 2024.
    """
    return _load().copy()


def normalise_code(value: object) -> str | None:
    """``301``, ``"0301"``, ``"K-0301"``, ``"K.0301"``, ``301.0`` -> ``"0301"``; missing -> None.

    Raises SpecificationError-free: returns the stripped text unchanged when it is not a code,
    so that the caller can report it as an unknown code.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (int, np.integer)):
        return f"{int(value):04d}"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{int(value):04d}"
    text = str(value)
    m = _CODE_RE.match(text)
    return m.group(1).zfill(4) if m else text.strip()


def normalise_codes(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_code` over the distinct values of a Series."""
    uniq = pd.unique(values.to_numpy(dtype=object))
    lookup = {u: normalise_code(u) for u in uniq if not (isinstance(u, float) and np.isnan(u))}
    return values.map(lookup).astype(object)


def check_option(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecificationError(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")
