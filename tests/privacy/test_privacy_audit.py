"""audit_suppression: LP bounds of hidden counts; suppress leaves no small count pinned.

The property test draws random tables rich in small cells and zeros. It is deterministic (a
fixed seed), so there is no Monte Carlo error in the pass/fail verdict. The share of tables the
line rule alone leaves exposed estimates that rule's failure rate on such tables: 75 of 400
(19 %, Monte Carlo SE √(p(1−p)/400) ≈ 2 points); the assertion only needs it to be above zero.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.privacy import audit_suppression, suppress

N_TABLES = 1000
N_COMPARED = 400  # tables also run through the line rule alone (keeps the test under ~20 s)


def _random_table(rng: np.random.Generator, margins: bool = True) -> pd.DataFrame:
    """A 2×2 to 6×6 count table: about a third zeros, a third 1–4, a third 5–40."""
    r, c = (int(x) for x in rng.integers(2, 7, size=2))
    kind = rng.choice(3, size=(r, c), p=[0.3, 0.35, 0.35])
    counts = np.where(
        kind == 0, 0, np.where(kind == 1, rng.integers(1, 5, (r, c)), rng.integers(5, 41, (r, c)))
    )
    t = pd.DataFrame(counts, index=[f"r{i}" for i in range(r)], columns=[f"c{j}" for j in range(c)])
    if margins:
        t["Total"] = t.sum(axis=1)
        t.loc["Total"] = t.sum(axis=0)
    return t


def _brute_force_interval(table: pd.DataFrame, mask: pd.DataFrame, cell: tuple[str, str]) -> tuple[int, int]:
    """Integer bounds of a hidden cell by enumerating every table consistent with what is shown.

    Needs margins in the last row and column and a visible grand total (which caps every cell).
    """
    vals, hid = table.to_numpy().astype(np.int32), mask.to_numpy()
    assert not hid[-1, -1]
    cells = list(zip(*np.nonzero(hid), strict=True))
    caps = []
    for i, j in cells:
        known = [vals[-1, -1]]
        known += [vals[i, -1]] if not hid[i, -1] and j != vals.shape[1] - 1 else []
        known += [vals[-1, j]] if not hid[-1, j] and i != vals.shape[0] - 1 else []
        caps.append(int(min(known)))
    grid = np.stack(np.meshgrid(*[np.arange(c + 1) for c in caps], indexing="ij"), -1).reshape(-1, len(cells))
    v = np.broadcast_to(vals, (len(grid), *vals.shape)).copy()
    for k, (i, j) in enumerate(cells):
        v[:, i, j] = grid[:, k]
    rows_ok = (v[:, :, :-1].sum(axis=2) == v[:, :, -1]).all(axis=1)
    cols_ok = (v[:, :-1, :].sum(axis=1) == v[:, -1, :]).all(axis=1)
    seen = v[rows_ok & cols_ok, table.index.get_loc(cell[0]), table.columns.get_loc(cell[1])]
    return int(seen.min()), int(seen.max())


def test_audit_finds_a_count_pinned_by_a_visible_zero_and_agrees_with_brute_force() -> None:
    # Every line has two hidden cells (the line rule is satisfied), yet the visible zeros and
    # totals leave b/y only the values 2 or 3: a small count pinned inside [1, 4].
    t = pd.DataFrame(
        {"a": [1, 0, 7, 8], "b": [6, 9, 0, 15], "c": [0, 9, 3, 12]},
        index=["x", "y", "z", "Total"],
    )
    t["Total"] = t.sum(axis=1)
    mask = pd.DataFrame(False, index=t.index, columns=t.columns)
    for cell in [("x", "a"), ("x", "c"), ("z", "a"), ("z", "c")]:
        mask.loc[cell] = True
    audit = audit_suppression(t, mask).set_index(["row", "column"])
    assert audit.loc[("z", "c"), "exposed"]  # 3, known to be 2 or 3
    for cell in [("x", "a"), ("z", "c")]:
        lo, hi = _brute_force_interval(t, mask, cell)
        assert (audit.loc[cell, "lower"], audit.loc[cell, "upper"]) == (lo, hi)


def test_lp_bounds_equal_integer_bounds_on_small_random_tables() -> None:
    # Total unimodularity of a table with margins: the rounded LP bounds are the integer bounds.
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 25:
        t = pd.DataFrame(rng.integers(0, 6, size=(2, 3)), index=["p", "q"], columns=["a", "b", "c"])
        t["Total"] = t.sum(axis=1)
        t.loc["Total"] = t.sum(axis=0)
        mask = pd.DataFrame(rng.random(t.shape) < 0.35, index=t.index, columns=t.columns)
        if not 1 <= mask.to_numpy().sum() <= 4 or mask.iloc[-1, -1]:
            continue
        audit = audit_suppression(t, mask, all_cells=True)
        for row in audit.itertuples():
            lo, hi = _brute_force_interval(t, mask, (row.row, row.column))
            assert (row.lower, row.upper) == (lo, hi), (t, mask, row)
            checked += 1


def test_suppress_leaves_no_small_count_pinned_in_random_tables() -> None:
    rng = np.random.default_rng(20261203)
    exposed_before, hidden_before, hidden_after, audited, hopeless = 0, 0, 0, 0, 0
    start = time.process_time()
    for k in range(N_TABLES):
        t = _random_table(rng, margins=k % 5 != 0)  # every 5th table: totals known from elsewhere
        if k < N_COMPARED:  # the line rule alone, for comparison
            _, old = suppress(t, audit=False, return_mask=True)
            exposed_before += bool(audit_suppression(t, old)["exposed"].any())
            hidden_before += int(old.to_numpy().sum())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _, new = suppress(t, return_mask=True)
        after = audit_suppression(t, new)
        audited += len(after)
        if k < N_COMPARED:
            assert (new | ~old).all().all()  # the audit only adds cells
            hidden_after += int(new.to_numpy().sum())
        if caught:  # only where nothing could help: with every cell hidden it is still pinned
            everything = pd.DataFrame(True, index=t.index, columns=t.columns)
            assert audit_suppression(t, everything)["exposed"].any(), t
            assert k % 5 == 0  # tables with printed margins can always be protected
            hopeless += 1
            continue
        assert not after["exposed"].any(), (t, new, after)
    seconds = time.process_time() - start
    print(
        f"\n{N_TABLES} tables, {audited} hidden small counts audited; of the first {N_COMPARED}, the line "
        f"rule alone left {exposed_before} exposed (hidden cells {hidden_before} → {hidden_after} with the "
        f"audit); {hopeless} margin-free tables unprotectable; {seconds:.1f} s CPU"
    )
    # The test can fail: the line rule alone does leave small counts pinned in some tables.
    assert exposed_before >= 3
    assert audited > 3 * N_TABLES
    assert hopeless < N_TABLES // 50


def test_one_way_table_with_a_total() -> None:
    t = pd.DataFrame({"n": [3, 0, 40, 12, 55]}, index=["Snåsa", "Verran", "Steinkjer", "Inderøy", "Totalt"])
    out, mask = suppress(t, return_mask=True)
    assert mask.loc["Snåsa", "n"] and mask.loc["Inderøy", "n"] and not mask.loc["Totalt", "n"]
    audit = audit_suppression(t, mask)
    assert audit["lower"].tolist() == [0.0] and audit["upper"].tolist() == [15.0]
    # a zero is hidden only when no non-zero cell is left to hide
    assert not mask.loc["Verran", "n"]


def test_category_named_like_a_total_is_refused() -> None:
    t = pd.DataFrame({"menn": [2, 30, 9], "kvinner": [8, 25, 40]}, index=["Snåsa", "Totalt", "Inderøy"])
    with pytest.raises(DataError, match="'Totalt'.*named like a total"):
        suppress(t)


def test_audit_rejects_a_mask_that_does_not_fit_the_table() -> None:
    t = pd.DataFrame({"a": [3, 10]}, index=["x", "y"])
    with pytest.raises(SpecificationError):
        audit_suppression(t, pd.DataFrame({"b": [True, False]}, index=["x", "y"]))


def test_a_cell_with_nothing_published_around_it_is_unbounded() -> None:
    t = pd.DataFrame({"a": [3, 10, 13], "b": [12, 8, 20], "Total": [15, 18, 33]}, index=["x", "y", "Total"])
    everything = pd.DataFrame(True, index=t.index, columns=t.columns)
    audit = audit_suppression(t, everything, all_cells=True)
    assert len(audit) == 9 and (audit["lower"] == 0).all() and np.isinf(audit["upper"]).all()
    # publish only the grand total: every cell is then capped by it
    grand = everything.copy()
    grand.loc["Total", "Total"] = False
    assert (audit_suppression(t, grand, all_cells=True)["upper"] == 33).all()


def test_weighted_counts_are_audited_on_unrounded_bounds() -> None:
    t = pd.DataFrame({"a": [2.5, 10.0], "b": [7.5, 3.0]}, index=["x", "y"])
    t["Total"] = t.sum(axis=1)
    t.loc["Total"] = t.sum(axis=0)
    mask = pd.DataFrame(False, index=t.index, columns=t.columns)
    mask.loc[["x", "y"], ["a", "b"]] = True
    audit = audit_suppression(t, mask, all_cells=True).set_index(["row", "column"])
    # y/a can reach min(row total 13, column total 12.5); rounding down to 12 would be wrong here
    assert audit.loc[("y", "a"), "upper"] == pytest.approx(12.5)
    assert audit.loc[("x", "a"), "lower"] == pytest.approx(0.0)
