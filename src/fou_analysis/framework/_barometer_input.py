"""Checks of the barometer's long answers: every bad side, item or score is named by row and column."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError
from fou_analysis.framework.barometer_items import BAROMETER_ITEMS, SIDES

#: The wave of answers that have no ``wave`` column.
NO_WAVE = "__all__"


def validated(df: pd.DataFrame, src: str) -> pd.DataFrame:
    """The answers as a clean frame, or a :class:`DataError` naming the first bad row."""
    n = len(df)
    if "source_row" in df.columns:
        rows = pd.to_numeric(df["source_row"], errors="coerce").to_numpy()
    else:
        rows = np.arange(n) + 2  # as a person counts lines in the file (header = row 1)
    file = src or None

    def fail(mask: np.ndarray, column: str, what: Any) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            row = int(rows[i]) if np.isfinite(rows[i]) else None
            raise DataError(what(i) if callable(what) else what, file=file, row=row, column=column)

    for col in ("partnership", "respondent"):
        missing = df[col].isna().to_numpy() | (df[col].astype(str).str.strip() == "").to_numpy()
        fail(missing, col, f"{col} is missing")
    if "wave" in df.columns:
        fail(df["wave"].isna().to_numpy(), "wave", "wave is missing")

    side_raw = df["side"]
    side = side_raw.astype("string").str.strip().str.casefold()
    fail(
        (~side.isin(SIDES)).fillna(True).to_numpy(),
        "side",
        lambda i: f"side {side_raw.iloc[i]!r} is not one of {', '.join(SIDES)}",
    )
    item_raw = df["item"]
    item = item_raw.astype("string").str.strip()
    fail(
        (~item.isin(list(BAROMETER_ITEMS))).fillna(True).to_numpy(),
        "item",
        lambda i: f"item {item_raw.iloc[i]!r} is not a barometer item (lik_1 … dri_3)",
    )
    score_raw = df["score"]
    blank = score_raw.isna() | (score_raw.astype("string").str.strip() == "").fillna(True)
    score = pd.to_numeric(score_raw.where(~blank), errors="coerce").astype(float)
    fail(
        (score.isna() & ~blank).to_numpy(),
        "score",
        lambda i: f"score {score_raw.iloc[i]!r} is not a number",
    )
    val = score.to_numpy()
    with np.errstate(invalid="ignore"):
        outside = (val < 1) | (val > 5)
        fractional = np.isfinite(val) & (val != np.round(val))
    fail(outside, "score", lambda i: f"score {score_raw.iloc[i]!r} is outside the scale 1–5")
    fail(fractional, "score", lambda i: f"score {score_raw.iloc[i]!r} is not a whole number 1–5")

    out = pd.DataFrame(
        {
            "partnership": df["partnership"].astype(str).str.strip().to_numpy(),
            "wave": df["wave"].to_numpy() if "wave" in df.columns else NO_WAVE,
            "side": side.astype(str).to_numpy(),
            "respondent": df["respondent"].astype(str).str.strip().to_numpy(),
            "item": item.astype(str).to_numpy(),
            "score": val,
        }
    )
    out["dimension"] = out["item"].map(BAROMETER_ITEMS)
    who = ["partnership", "wave", "respondent"]
    first_side = out.groupby(who, sort=False)["side"].transform("first")
    fail(
        (out["side"] != first_side).to_numpy(),
        "side",
        "this respondent is on both sides of the partnership (kommune and partner)",
    )
    fail(
        out.duplicated([*who, "item"]).to_numpy(),
        "item",
        "this respondent answered this item twice (in the same partnership and wave)",
    )
    return out
