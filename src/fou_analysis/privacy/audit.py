"""Linear-programming audit of a suppressed count table: can a hidden small count be worked out?

An outsider sees the published cells and knows the identities the table obeys: every interior
row and column sums to its margin cell (a row or column labelled like a total), and, where the
table prints no margin in a direction, the line totals are treated as *known from elsewhere*
(they usually are: the group sizes appear in another table or in the text), except totals that
are themselves small counts, which would be suppressed wherever they were printed. Every hidden
cell is a non-negative unknown. For each hidden cell the audit solves two linear programs (HiGHS
via :func:`scipy.optimize.linprog`, stacked as blocks of one block-diagonal LP): the smallest and
the largest value the cell can take subject to those identities. A hidden count
``1 ≤ n < n_min`` is **exposed** when its whole feasible interval lies inside ``[1, n_min − 1]``:
the outsider then knows it exactly (width 0) or knows that a small group of people is there.
It is protected when the interval reaches 0 or ``n_min``.

Why a linear program, and why its bounds are used as they are
    Counts are integers, so the honest question is about the integer solutions. The LP relaxation
    drops integrality, so its interval ``[lo, hi]`` contains the integer interval: on its own a
    relaxed bound could call a cell protected (``lo = 0.5`` "reaches" below 1) when no integer
    solution does. Two things make the LP bound safe here. (1) With integer counts the bounds
    are rounded inwards, ``ceil(lo)`` and ``floor(hi)`` (with a 1e-6 tolerance for solver
    noise): only the integers in between are possible, so an LP interval of width below 1, such
    as ``[2.3, 2.9]`` or ``[2.6, 3.4]``, holds at most one integer and counts as pinned. (2) For
    a two-way table with one level of margins, or a one-way table with a total, the identities
    are the flow-conservation equations of a network (source → row totals → cells → column
    totals → sink), whose constraint matrix is totally unimodular; with integer published values
    every LP vertex is integral, so the rounded LP bounds *are* the integer bounds, not merely
    outer bounds, and "protected" is never claimed on the strength of a fractional solution.
    Tables with nested or several margin levels lose that guarantee; this module handles only
    the two shapes above. Non-integer "counts" (weighted tables) are audited on the unrounded
    LP bounds.

What the outsider is not assumed to know
    The audit does not use the rule "a hidden cell was hidden because it is small" (that alone
    only tells the reader that the cell is 1..n_min−1 *or* one of the cells hidden with it, not
    which), nor bounds from other tables. It is hand-written because no maintained Python
    package audits table suppression (τ-ARGUS and sdcTable are Java/R); scipy provides the solver.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from fou_analysis.exceptions import DataError, SpecificationError

TOTAL_LABELS = ("total", "totalt", "i alt", "sum", "alle", "all")

_TOL = 1e-6
_CHUNK = 8  # cells per stacked LP (16 blocks): past that, one more call costs less than a bigger LP


def is_total_label(label: object, totals: Iterable[str] = TOTAL_LABELS) -> bool:
    """Whether a row or column label marks a margin (case and surrounding spaces ignored)."""
    return isinstance(label, str) and label.strip().lower() in {t.strip().lower() for t in totals}


@dataclass(frozen=True)
class _Identity:
    """One linear identity of the table: ``sum(coef · cell) == rhs``."""

    cells: tuple[tuple[int, int], ...]
    coefs: tuple[float, ...]
    rhs: float
    margin: tuple[int, int] | None  # the margin cell that states the identity, if any


def table_identities(
    values: np.ndarray, margin_rows: np.ndarray, margin_cols: np.ndarray, n_min: int
) -> list[_Identity]:
    """The additive identities an outsider knows about a count block.

    A margin row states, for every column, that the interior rows sum to it; likewise a margin
    column for every row. Without a margin row, the interior column totals count as known from
    elsewhere (a constant) unless it is itself a small count (``1 ≤ total < n_min``: it would be
    suppressed wherever it is published); likewise rows. A line with a single interior cell gets
    no such constant: its "total" would be the cell itself, which nothing could protect. With
    these assumptions hiding every cell always protects every cell, so suppression terminates
    with a protected table.
    """
    n_rows, n_cols = values.shape
    rows_in = np.flatnonzero(~margin_rows)
    cols_in = np.flatnonzero(~margin_cols)
    out: list[_Identity] = []

    def add(line: list[tuple[int, int]], margin: tuple[int, int] | None) -> None:
        if margin is not None:
            out.append(_Identity(tuple(line) + (margin,), (1.0,) * len(line) + (-1.0,), 0.0, margin))
        elif len(line) >= 2:
            known = np.array([values[c] for c in line])
            # a total of 1..n_min-1 would itself be suppressed wherever it is published
            if not np.isnan(known).any() and not 1 <= known.sum() < n_min:
                out.append(_Identity(tuple(line), (1.0,) * len(line), float(known.sum()), None))

    for j in range(n_cols):  # columns: the interior rows sum to the margin row's cell
        line = [(i, j) for i in rows_in]
        for m in np.flatnonzero(margin_rows):
            add(line, (int(m), j))
        if not margin_rows.any() and not margin_cols[j]:
            add(line, None)
    for i in range(n_rows):  # rows: the interior columns sum to the margin column's cell
        line = [(i, j) for j in cols_in]
        for m in np.flatnonzero(margin_cols):
            add(line, (i, int(m)))
        if not margin_cols.any() and not margin_rows[i]:
            add(line, None)
    return out


def check_margins(
    values: np.ndarray, identities: list[_Identity], row_labels: list, col_labels: list
) -> None:
    """A margin that is not the sum of its line is a category named like a total: refuse it."""
    for ident in identities:
        if ident.margin is None:
            continue
        v = np.array([values[c] for c in ident.cells])
        if np.isnan(v).any():
            continue
        if abs(float(np.dot(ident.coefs, v))) > _TOL * max(1.0, float(np.abs(v).max())):
            i, j = ident.margin
            raise DataError(
                f"row {row_labels[i]!r}, column {col_labels[j]!r} is labelled as a total but is not the "
                "sum of its line: a category may not be named like a total "
                f"({', '.join(repr(t) for t in TOTAL_LABELS)}); rename it",
                row=i + 2,
                column=str(col_labels[j]),
            )


class _Problem:
    """The LP of one hidden pattern: variables are the hidden (and missing) cells."""

    def __init__(self, values: np.ndarray, hidden: np.ndarray, identities: list[_Identity]) -> None:
        unknown = hidden | np.isnan(values)
        self.index = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(*np.nonzero(unknown), strict=True))}
        rows, rhs = [], []
        for ident in identities:
            a = np.zeros(len(self.index))
            b = ident.rhs
            for cell, coef in zip(ident.cells, ident.coefs, strict=True):
                k = self.index.get((int(cell[0]), int(cell[1])))
                if k is None:
                    b -= coef * values[cell]
                else:
                    a[k] += coef
            if a.any():
                rows.append(a)
                rhs.append(b)
        self.a_eq = sparse.coo_matrix(np.array(rows)) if rows else None
        self.b_eq = np.array(rhs) if rows else None
        # A cap no bounded cell can reach (network LP: dual potentials are bounded by the number
        # of identities), so that an unbounded cell shows up as "at the cap" instead of making
        # the whole stacked LP unbounded.
        scale = float(np.nansum(np.abs(values))) + 1.0
        self.cap = (len(rows) + 1) ** 2 * scale + 1.0
        finite = values[~np.isnan(values)]
        self.integral = bool(np.all(finite == np.round(finite)))

    def intervals(self, cells: list[tuple[int, int]]) -> list[tuple[float, float]]:
        """Integer-rounded ``[min, max]`` of each hidden cell (``max`` may be ``inf``).

        The 2·k programs (min and max of each cell) are independent, so they are stacked as
        blocks of one block-diagonal LP whose objective is the sum of theirs: its optimum is
        every block's own optimum, and one HiGHS call replaces 2·k (the per-call overhead,
        not the solving, is what costs time on tables this small). Stacks hold at most
        ``_CHUNK`` cells, because on large tables the solver's time grows faster than the stack.
        """
        if len(cells) > _CHUNK:  # the solver's work grows faster than the stack: keep stacks small
            return [b for i in range(0, len(cells), _CHUNK) for b in self.intervals(cells[i : i + _CHUNK])]
        k, n = len(cells), len(self.index)
        if not k:
            return []
        if self.a_eq is None:  # no identity touches a hidden cell: anything from 0 up is possible
            return [(0.0, math.inf)] * k
        blk = self.a_eq
        shift = np.repeat(np.arange(2 * k), blk.nnz)
        a = sparse.csr_matrix(
            (
                np.tile(blk.data, 2 * k),
                (np.tile(blk.row, 2 * k) + shift * blk.shape[0], np.tile(blk.col, 2 * k) + shift * n),
            ),
            shape=(2 * k * blk.shape[0], 2 * k * n),
        )
        c = np.zeros(2 * k * n)
        for m, cell in enumerate(cells):
            c[m * n + self.index[cell]] = 1.0  # block m: minimise the cell
            c[(k + m) * n + self.index[cell]] = -1.0  # block k + m: maximise it
        res = linprog(c, A_eq=a, b_eq=np.tile(self.b_eq, 2 * k), bounds=(0, self.cap), method="highs")
        if res.status != 0:  # the true table is a feasible point, so this is solver trouble
            raise RuntimeError(f"suppression audit: linear program failed ({res.message})")
        x = res.x.reshape(2 * k, n)
        out = []
        for m, cell in enumerate(cells):
            lo, hi = float(x[m, self.index[cell]]), float(x[k + m, self.index[cell]])
            if self.integral:  # integer counts: only the integers inside are possible
                lo, hi = float(math.ceil(lo - _TOL)), float(math.floor(hi + _TOL))
            out.append((lo, math.inf if hi >= self.cap - 0.5 else hi))
        return out

    def exposed(self, cells: list[tuple[int, int]], n_min: int) -> list[tuple[int, int]]:
        """Of ``cells`` (hidden small counts), those whose interval lies inside ``[1, n_min−1]``."""
        bounds = self.intervals(cells)
        return [cell for cell, (lo, hi) in zip(cells, bounds, strict=True) if lo >= 1 and hi <= n_min - 1]


def audit_suppression(
    table: pd.DataFrame,
    hidden: pd.DataFrame,
    n_min: int = 5,
    *,
    count_cols: Iterable[str] | None = None,
    totals: Iterable[str] = TOTAL_LABELS,
    all_cells: bool = False,
) -> pd.DataFrame:
    """Feasible interval of every hidden small count, given what the table publishes.

    Parameters
    ----------
    table
        The **unsuppressed** table (true counts), as given to :func:`fou_analysis.privacy.suppress`.
    hidden
        Boolean mask of hidden cells with the table's index and (at least) its count columns, as
        returned by ``suppress(..., return_mask=True)``.
    n_min
        Smallest count that may be published.
    count_cols
        Columns holding counts (default: the numeric columns of ``table``).
    totals
        Labels that mark margin rows and columns.
    all_cells
        Also compute the interval of hidden cells whose true count is 0 or at least ``n_min``.

    Returns
    -------
    DataFrame
        One row per audited hidden cell: ``row, column, value, lower, upper, exposed``. ``lower``
        and ``upper`` are the integer bounds an outsider can derive (``upper`` may be ``inf``);
        ``exposed`` is true when ``1 ≤ value < n_min`` and ``[lower, upper]`` lies inside
        ``[1, n_min − 1]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from fou_analysis import privacy
    >>> t = pd.DataFrame({"a": [3, 10, 13], "b": [12, 8, 20]}, index=["x", "y", "Total"])
    >>> only_one = pd.DataFrame({"a": [True, False, False], "b": False}, index=t.index)
    >>> privacy.audit_suppression(t, only_one)[["row", "lower", "upper", "exposed"]].values.tolist()
    [['x', 3.0, 3.0, True]]
    """
    if not isinstance(table, pd.DataFrame) or not isinstance(hidden, pd.DataFrame):
        raise SpecificationError("table and hidden must be pandas DataFrames")
    counts = (
        [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
        if count_cols is None
        else list(count_cols)
    )
    missing = [c for c in counts if c not in hidden.columns or c not in table.columns]
    if missing or not hidden.index.equals(table.index):
        raise SpecificationError(f"hidden must have the table's index and count columns (missing: {missing})")
    values = table[counts].to_numpy(dtype=float)
    mask = hidden[counts].to_numpy(dtype=bool)
    margin_rows = np.array([is_total_label(i, totals) for i in table.index])
    margin_cols = np.array([is_total_label(c, totals) for c in counts])
    identities = table_identities(values, margin_rows, margin_cols, n_min)
    check_margins(values, identities, list(table.index), counts)
    problem = _Problem(values, mask, identities)
    cells = [
        (int(i), int(j))
        for i, j in zip(*np.nonzero(mask & ~np.isnan(values)), strict=True)
        if all_cells or 1 <= values[i, j] < n_min
    ]
    rows = []
    for (i, j), (lo, hi) in zip(cells, problem.intervals(cells), strict=True):
        v = float(values[i, j])
        rows.append(
            {
                "row": table.index[i],
                "column": counts[j],
                "value": v,
                "lower": lo,
                "upper": hi,
                "exposed": bool(1 <= v < n_min and lo >= 1 and hi <= n_min - 1),
            }
        )
    return pd.DataFrame(rows, columns=["row", "column", "value", "lower", "upper", "exposed"])
