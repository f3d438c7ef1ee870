"""suppress: primary and secondary small-cell suppression, rates on small denominators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.privacy import suppress


def _hidden_per_line(mask: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    m = mask.to_numpy()
    return m.sum(axis=1), m.sum(axis=0)


def test_primary_suppression_hides_counts_below_n_min_and_keeps_zeros() -> None:
    t = pd.DataFrame({"a": [0, 4, 5, 100]}, index=["w", "x", "y", "z"])
    out, mask = suppress(t, secondary=False, return_mask=True)
    assert mask["a"].tolist() == [False, True, False, False]
    assert out["a"].isna().tolist() == [False, True, False, False]
    assert out.loc["w", "a"] == 0
    assert suppress(t, secondary=False, suppress_zero=True)["a"].isna().tolist() == [True, True, False, False]
    assert suppress(t, n_min=10, secondary=False)["a"].isna().tolist() == [False, True, True, False]


def test_secondary_suppression_in_a_row_with_margins() -> None:
    # Row x has one small cell; with the row total printed it could be recovered.
    t = pd.DataFrame(
        {"a": [3, 20, 23], "b": [40, 30, 70], "c": [12, 50, 62], "Total": [55, 100, 155]},
        index=["x", "y", "Totalt"],
    )
    out, mask = suppress(t, return_mask=True)
    rows, cols = _hidden_per_line(mask)
    assert mask.loc["x", "a"] and mask.loc["x", "c"]  # c = 12 is the smallest other cell in row x
    assert not mask.loc["x", "Total"] and not mask.loc["Totalt"].any()
    assert all(n != 1 for n in rows) and all(n != 1 for n in cols)
    assert mask.loc["y", "a"] and mask.loc["y", "c"]  # columns a and c then need a second cell each
    reasons = {(r, c): why for r, c, why in out.attrs["suppressed_cells"]}
    assert reasons[("x", "a")] == "primary" and reasons[("x", "c")] == "secondary"
    assert "5" in out.attrs["suppression_note"]


def test_secondary_suppression_in_a_column() -> None:
    t = pd.DataFrame(
        {"menn": [2, 30, 9, 41], "kvinner": [8, 25, 40, 73]}, index=["Snåsa", "Steinkjer", "Inderøy", "Total"]
    )
    out, mask = suppress(t, return_mask=True)
    assert mask.loc["Snåsa", "menn"]
    assert mask.loc["Inderøy", "menn"]  # 9 is the smallest other interior cell in the column
    assert not mask.loc["Total"].any()
    rows, cols = _hidden_per_line(mask)
    assert all(n != 1 for n in rows) and all(n != 1 for n in cols)
    # A hidden cell can no longer be recovered: the column has two unknowns for one total.
    assert out["menn"].isna().sum() == 2


def test_prefers_non_zero_interior_cells_and_iterates_until_stable() -> None:
    t = pd.DataFrame(
        {"a": [1, 0, 7, 8], "b": [6, 9, 0, 15], "c": [0, 9, 3, 12]}, index=["r1", "r2", "r3", "Sum"]
    )
    _, mask = suppress(t, return_mask=True)
    rows, cols = _hidden_per_line(mask)
    assert all(n != 1 for n in rows) and all(n != 1 for n in cols)
    assert not mask.loc["r2", "a"]  # the zero is not chosen while a non-zero cell is available


def test_rates_on_small_or_hidden_denominators_are_suppressed() -> None:
    t = pd.DataFrame({"n": [3, 40, 12], "andel": [33.3, 12.5, 25.0]}, index=["a", "b", "c"])
    out = suppress(t, count_cols=["n"], rate_cols={"andel": "n"}, secondary=False)
    assert out["andel"].isna().tolist() == [True, False, False]
    out = suppress(t, count_cols=["n"], rate_cols={"andel": "n"})
    # column n has one small cell → c (12) hidden too, and its rate with it
    assert out["n"].isna().tolist() == [True, False, True]
    assert out["andel"].isna().tolist() == [True, False, True]


def test_input_is_not_modified_and_labels_survive() -> None:
    t = pd.DataFrame({"kommune": ["Snåsa", "Steinkjer"], "n": [2, 50], "m": [9, 60]})
    before = t.copy()
    out = suppress(t)
    pd.testing.assert_frame_equal(t, before)
    assert out["kommune"].tolist() == ["Snåsa", "Steinkjer"]


def test_bad_requests_and_bad_data() -> None:
    t = pd.DataFrame({"n": [1, 2]})
    with pytest.raises(SpecificationError):
        suppress(t, n_min=0)
    with pytest.raises(SpecificationError):
        suppress(t, count_cols=["x"])
    with pytest.raises(SpecificationError):
        suppress(t, rate_cols={"r": "n"})
    with pytest.raises(DataError, match="negative"):
        suppress(pd.DataFrame({"n": [5, -1]}))
