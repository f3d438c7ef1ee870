"""The impact map: one row per outcome of one stakeholder, as in the SROI Guide's stage 2–4.

Fixed columns (case plan contract, see ARCHITECTURE): ``stakeholder, outcome, indicator,
quantity, proxy_nok, proxy_year, proxy_source, deadweight, displacement, attribution, drop_off,
duration_years``.

Optional columns
----------------
``quantity_multiplier``
    Multiplies the quantity, e.g. participants per year when the quantity is an effect per
    participant (``quantity × multiplier`` is the yearly amount valued). A negative multiplier
    values a *reduction* (e.g. fewer nursing-home days, valued at a cost saved).
``proxy_id``
    A value-bank id. ``proxy_nok``, ``proxy_year`` and ``proxy_source`` may then be blank and are
    filled from the bank (central value); when ``proxy_nok`` comes from the bank, its low and
    high values are kept for simulation.
``quantity_from_effect``
    Flag (1/0, true/false, ja/nei): the quantity is an estimated effect, i.e. a contrast with a
    counterfactual. Set automatically for ``effect:<key>`` quantities. Deadweight is then
    already netted out and is **not** applied again (see :func:`fou_analysis.value.sroi`).
    Set it to ``no`` explicitly for an ``effect:<key>`` quantity that is *not* a counterfactual
    contrast (a before/after change on the same people): deadweight then still applies.
``stakeholder_en``, ``outcome_en``, ``indicator_en``
    The English texts of the row for English reports; blank means the same text as in
    ``stakeholder``, ``outcome``, ``indicator`` (then one text serves both languages).
``<col>_low``, ``<col>_high``
    Ranges for ``quantity``, ``proxy_nok``, ``deadweight``, ``displacement``, ``attribution``
    and ``drop_off``, used by :func:`~fou_analysis.value.simulate` and
    :func:`~fou_analysis.value.tornado`; without them the parameter is fixed.

``quantity`` is a number or a reference ``effect:<key>`` to an effect estimate given later as
``effects={key: result}`` (anything with ``.estimate``, ``.se`` and ``.ci``).

Checks (explicit, so that each error names file, row and column): shares in [0, 1] with
``low <= central <= high``; ``duration_years`` an integer >= 1; every proxy has a number, a
source and a price year; quantities numeric or valid references.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.value.bank import _to_float, load_value_bank, read_commented_csv

REQUIRED_COLUMNS = (
    "stakeholder",
    "outcome",
    "indicator",
    "quantity",
    "proxy_nok",
    "proxy_year",
    "proxy_source",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
    "duration_years",
)
SHARES = ("deadweight", "displacement", "attribution", "drop_off")
RANGED = ("quantity", "proxy_nok", *SHARES)
_EFFECT_REF = re.compile(r"^effect:\s*([A-Za-z0-9_.\-]+)\s*$")
_AMBIGUOUS = re.compile(r"^-?[1-9]\d{0,2}(,\d{3})+$")  # "400,000": thousands or decimals?
_TRUE = {"1", "true", "yes", "ja", "y", "j", "x", "sann"}
_FALSE = {"", "0", "false", "no", "nei", "n", "usann"}


@dataclass(frozen=True)
class ImpactMap:
    """A checked impact map.

    ``table`` has one row per outcome with the fixed columns plus ``row`` (the row number in the
    source, header = 1), ``effect_key`` (``""`` unless the quantity refers to an effect),
    ``quantity_from_effect``, ``quantity_multiplier``, ``proxy_id``, ``proxy_low``,
    ``proxy_high``, ``proxy_note`` (the bank's transferability note), ``proxy_population`` (the
    population the bank value was made for), their Norwegian texts ``proxy_note_nb`` and
    ``proxy_population_nb`` ("" when the bank has none), ``stakeholder_en``, ``outcome_en``,
    ``indicator_en`` (the English texts, the same as the others when none is given) and ``<col>_low`` /
    ``<col>_high`` for every ranged column (equal to the central value when no range is given).
    ``quantity`` is NaN for effect references until they are resolved.
    """

    table: pd.DataFrame
    file: str | None = None
    bank_version: str | None = None

    def __len__(self) -> int:
        return len(self.table)

    @property
    def labels(self) -> list[str]:
        """``"stakeholder: outcome"`` per row."""
        return [f"{s}: {o}" for s, o in zip(self.table["stakeholder"], self.table["outcome"], strict=True)]

    def labels_in(self, lang: str = "nb") -> list[str]:
        """``"stakeholder: outcome"`` per row in ``lang`` (English texts where the map has them)."""
        if lang != "en" or "outcome_en" not in self.table.columns:  # a map checked before _en existed
            return self.labels
        return [
            f"{s}: {o}" for s, o in zip(self.table["stakeholder_en"], self.table["outcome_en"], strict=True)
        ]

    def to_frame(self) -> pd.DataFrame:
        """A copy of the checked table."""
        return self.table.copy()

    def row_position(self, outcome_row: int | str) -> int:
        """Position (0-based) of a row given by position or by a unique outcome name/label."""
        if isinstance(outcome_row, bool) or not isinstance(outcome_row, int | str | np.integer):
            raise SpecificationError(
                f"outcome_row must be a position or an outcome name, not {outcome_row!r}"
            )
        if isinstance(outcome_row, int | np.integer):
            if not 0 <= int(outcome_row) < len(self):
                raise SpecificationError(f"outcome_row {outcome_row} is outside 0..{len(self) - 1}")
            return int(outcome_row)
        hits = [
            i
            for i, (o, lab) in enumerate(zip(self.table["outcome"], self.labels, strict=True))
            if outcome_row in (o, lab)
        ]
        if len(hits) != 1:
            raise SpecificationError(
                f"outcome_row {outcome_row!r} matches {len(hits)} rows; use a position or 'stakeholder: outcome'"
            )
        return hits[0]

    def _repr_html_(self) -> str:
        return self.table.to_html(index=False, border=0, escape=True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value).strip()


def _as_frame(data: Any) -> tuple[pd.DataFrame, int, str | None]:
    """Text frame, rows to add to an index to get a person's row number, file name."""
    if isinstance(data, pd.DataFrame):
        frame = data.reset_index(drop=True)
        return frame.map(_text).astype(object), 2, None
    if isinstance(data, str | os.PathLike):
        frame, n_comment, name = read_commented_csv(data)
        return frame.map(_text).astype(object), n_comment + 2, name
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        if not all(isinstance(r, Mapping) for r in data):
            raise SpecificationError("impact map rows must be mappings (dicts) of column -> value")
        frame = pd.DataFrame([dict(r) for r in data])
        return frame.map(_text).astype(object), 2, None
    raise SpecificationError(
        f"impact map must be a CSV path, a DataFrame or a list of dicts, not {type(data).__name__}"
    )


def _parse_flag(text: str, *, file: str | None, row: int, column: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise DataError(f"not a yes/no flag: {text!r}", file=file, row=row, column=column)


def _number(text: str, *, file: str | None, row: int, column: str, required: bool = True) -> float:
    if text == "":
        if required:
            raise DataError("value is missing", file=file, row=row, column=column)
        return float("nan")
    if _AMBIGUOUS.match(text):
        raise DataError(
            f"ambiguous number {text!r}: write thousands without a separator or with spaces (400000 or 400 000), "
            "and decimals with a point or a comma (0.25 or 0,25)",
            file=file,
            row=row,
            column=column,
        )
    x = _to_float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    if not math.isfinite(x):
        raise DataError(f"not a number: {text!r}", file=file, row=row, column=column)
    return x


def _range(
    rec: Mapping[str, str], col: str, central: float, *, file: str | None, row: int, share: bool
) -> tuple[float, float]:
    lo_t, hi_t = rec.get(f"{col}_low", ""), rec.get(f"{col}_high", "")
    if lo_t == "" and hi_t == "":
        return central, central
    if lo_t == "" or hi_t == "":
        missing = f"{col}_low" if lo_t == "" else f"{col}_high"
        raise DataError("give both ends of the range or neither", file=file, row=row, column=missing)
    lo = _number(lo_t, file=file, row=row, column=f"{col}_low")
    hi = _number(hi_t, file=file, row=row, column=f"{col}_high")
    if share:
        for c, v in ((f"{col}_low", lo), (f"{col}_high", hi)):
            if not 0 <= v <= 1:
                raise DataError(f"a share must be between 0 and 1, got {v}", file=file, row=row, column=c)
    if math.isfinite(central) and not lo <= central <= hi:
        raise DataError(
            f"need {col}_low <= {col} <= {col}_high ({lo}, {central}, {hi})", file=file, row=row, column=col
        )
    if not lo <= hi:
        raise DataError(f"need {col}_low <= {col}_high", file=file, row=row, column=f"{col}_low")
    return lo, hi


def load_impact_map(data: Any, *, bank: Any = None) -> ImpactMap:
    """Read and check an impact map.

    Parameters
    ----------
    data
        A CSV path (``#`` comment lines first allowed), a DataFrame, or a list of dicts.
    bank
        The value bank for ``proxy_id`` look-ups: a bank CSV path or frame; ``None`` uses the
        bank shipped with the package.

    Returns
    -------
    ImpactMap

    Raises
    ------
    DataError
        Bad content. The error names the file (for a CSV), the row as a person counts it
        (header = 1; for frames and lists the row the record would have in a CSV) and the column.
    SpecificationError
        ``data`` of an unusable type.

    Examples
    --------
    >>> m = load_impact_map([{
    ...     "stakeholder": "youth", "outcome": "in work or school", "indicator": "share in work",
    ...     "quantity": "effect:work", "quantity_multiplier": 40, "proxy_id": "neet_year",
    ...     "proxy_nok": "", "proxy_year": "", "proxy_source": "", "deadweight": 0.2,
    ...     "displacement": 0.1, "attribution": 0.3, "drop_off": 0.2, "duration_years": 3}])
    >>> m.table.loc[0, "effect_key"], float(m.table.loc[0, "proxy_nok"]), int(m.table.loc[0, "proxy_year"])
    ('work', 400000.0, 2010)
    """
    frame, offset, file = _as_frame(data)
    header_row = offset - 1
    for col in REQUIRED_COLUMNS:
        if col not in frame.columns:
            raise DataError("required column is missing", file=file, row=header_row, column=col)
    frame = frame[~(frame == "").all(axis=1)]
    if frame.empty:
        raise DataError("the impact map has no rows", file=file, row=header_row + 1)
    bank_table: pd.DataFrame | None = None
    bank_version: str | None = None
    records = []
    for idx, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        row = int(idx) + offset
        out: dict[str, Any] = {"row": row}
        for col in ("stakeholder", "outcome"):
            if rec[col] == "":
                raise DataError(f"{col} must not be empty", file=file, row=row, column=col)
            out[col] = rec[col]
        out["indicator"] = rec["indicator"]
        for col in ("stakeholder", "outcome", "indicator"):
            out[f"{col}_en"] = str(rec.get(f"{col}_en", "") or "").strip() or out[col]

        # quantity: a number or effect:<key>
        q_text = rec["quantity"]
        match = _EFFECT_REF.match(q_text)
        if match:
            out["quantity"], out["effect_key"] = float("nan"), match.group(1)
        elif q_text.lower().startswith("effect:"):
            raise DataError(
                f"bad effect reference {q_text!r}; write effect:<key>", file=file, row=row, column="quantity"
            )
        else:
            try:
                out["quantity"] = _number(q_text, file=file, row=row, column="quantity")
            except DataError as err:
                raise DataError(
                    f"quantity must be a number or effect:<key>, not {q_text!r}",
                    file=file,
                    row=row,
                    column="quantity",
                ) from err
            out["effect_key"] = ""
        flag = _parse_flag(
            rec.get("quantity_from_effect", ""), file=file, row=row, column="quantity_from_effect"
        )
        explicit = str(rec.get("quantity_from_effect", "")).strip() != ""
        out["quantity_from_effect"] = flag if explicit else bool(match)
        m_text = rec.get("quantity_multiplier", "")
        out["quantity_multiplier"] = (
            1.0 if m_text == "" else _number(m_text, file=file, row=row, column="quantity_multiplier")
        )
        if match and (rec.get("quantity_low", "") or rec.get("quantity_high", "")):
            raise DataError(
                "an effect quantity takes its range from the effect's interval; leave quantity_low/high blank",
                file=file,
                row=row,
                column="quantity_low",
            )
        out["quantity_low"], out["quantity_high"] = _range(
            rec, "quantity", out["quantity"], file=file, row=row, share=False
        )

        # proxy: from the map, or from the bank
        proxy_id = rec.get("proxy_id", "")
        out["proxy_id"] = proxy_id
        bank_rec = None
        if proxy_id:
            if bank_table is None:
                bank_table = load_value_bank(bank)
                versions = sorted(set(bank_table["bank_version"]))
                bank_version = ", ".join(versions)
            hit = bank_table[bank_table["id"] == proxy_id]
            if hit.empty:
                raise DataError(f"unknown value-bank id {proxy_id!r}", file=file, row=row, column="proxy_id")
            bank_rec = hit.iloc[0]
        p_text = rec["proxy_nok"]
        from_bank = bank_rec is not None and p_text == ""
        if from_bank:
            out["proxy_nok"] = float(bank_rec["nok_central"])
            lo_b, hi_b = float(bank_rec["nok_low"]), float(bank_rec["nok_high"])
        else:
            out["proxy_nok"] = _number(p_text, file=file, row=row, column="proxy_nok")
        lo, hi = _range(rec, "proxy_nok", out["proxy_nok"], file=file, row=row, share=False)
        if from_bank and not (rec.get("proxy_nok_low", "") or rec.get("proxy_nok_high", "")):
            lo, hi = lo_b, hi_b
        out["proxy_low"], out["proxy_high"] = lo, hi
        y_text = rec["proxy_year"]
        if y_text == "" and bank_rec is not None:
            out["proxy_year"] = int(bank_rec["price_year"])
        else:
            if y_text == "":
                raise DataError("every proxy needs a price year", file=file, row=row, column="proxy_year")
            y = _number(y_text, file=file, row=row, column="proxy_year")
            if y != int(y) or not 1900 <= y <= 2200:
                raise DataError(
                    f"price year must be a year, not {y_text!r}", file=file, row=row, column="proxy_year"
                )
            out["proxy_year"] = int(y)
        s_text = rec["proxy_source"]
        if s_text == "" and bank_rec is not None:
            s_text = f"{bank_rec['source']} [value bank {bank_rec['bank_version']}: {proxy_id}]"
        if s_text == "":
            raise DataError("every proxy needs a source", file=file, row=row, column="proxy_source")
        out["proxy_source"] = s_text
        out["proxy_note"] = "" if bank_rec is None else str(bank_rec["transferability"])
        out["proxy_population"] = "" if bank_rec is None else str(bank_rec["population"])
        # Norwegian texts ("" when the bank has none: the report then shows the English, marked)
        out["proxy_note_nb"] = "" if bank_rec is None else str(bank_rec.get("transferability_nb", "") or "")
        out["proxy_population_nb"] = "" if bank_rec is None else str(bank_rec.get("population_nb", "") or "")

        for col in SHARES:
            v = _number(rec[col], file=file, row=row, column=col)
            if not 0 <= v <= 1:
                raise DataError(f"a share must be between 0 and 1, got {v}", file=file, row=row, column=col)
            out[col] = v
            out[f"{col}_low"], out[f"{col}_high"] = _range(rec, col, v, file=file, row=row, share=True)
        d = _number(rec["duration_years"], file=file, row=row, column="duration_years")
        if d != int(d) or d < 1:
            raise DataError(
                f"duration_years must be a whole number of years >= 1, got {rec['duration_years']!r}",
                file=file,
                row=row,
                column="duration_years",
            )
        out["duration_years"] = int(d)
        records.append(out)

    order = [
        "row",
        "stakeholder",
        "outcome",
        "indicator",
        "stakeholder_en",
        "outcome_en",
        "indicator_en",
        "quantity",
        "quantity_low",
        "quantity_high",
        "effect_key",
        "quantity_from_effect",
        "quantity_multiplier",
        "proxy_id",
        "proxy_nok",
        "proxy_low",
        "proxy_high",
        "proxy_year",
        "proxy_source",
        "proxy_note",
        "proxy_population",
        "proxy_note_nb",
        "proxy_population_nb",
        *[c for s in SHARES for c in (s, f"{s}_low", f"{s}_high")],
        "duration_years",
    ]
    table = pd.DataFrame(records)[order]
    table["duration_years"] = table["duration_years"].astype("int64")
    table["proxy_year"] = table["proxy_year"].astype("int64")
    table["quantity_from_effect"] = table["quantity_from_effect"].astype(bool)
    return ImpactMap(table=table, file=file, bank_version=bank_version)


__all__ = ["ImpactMap", "load_impact_map", "REQUIRED_COLUMNS", "SHARES", "RANGED"]
