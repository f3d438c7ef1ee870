"""A safe little expression language for plan files: ``log(scrap)``, ``lag(y)``, ``a > 0 & b``.

Used by the ``tidy`` recipe's ``derive`` and ``filter``. An expression is parsed with Python's
:mod:`ast` and evaluated node by node over the columns of one frame. Only this grammar is
accepted; anything else (attribute access, subscripts, lambdas, comprehensions, keyword
arguments, calls to other functions, unknown names) is a :class:`SpecificationError` that quotes
the expression — nothing is ever handed to :func:`eval`:

- names: columns of the table (or columns derived earlier); numbers, strings, ``True``/``False``;
- arithmetic ``+ - * / **`` and unary ``-``/``+``;
- comparisons ``== != < <= > >=`` (chains allowed);
- logic ``&  |  ~`` (also ``and or not``); 0/1 columns count as booleans;
- functions ``log exp sqrt abs`` (element-wise), ``notna isna``, ``lag(col[, k]) lead(col[, k])``
  (the value ``k`` periods before/after in the same unit: ``keys[0]`` is the unit, ``keys[1]``
  the period), and ``first_treated(col)`` (per unit, the first period where ``col`` is 1; 0 when
  never).

Why hand-written: ``pandas.eval``/``DataFrame.eval`` accept attribute access and method calls
(``@`` locals, ``.str`` accessors) and with the ``python`` engine evaluate arbitrary code, so a
plan file could run code; they also have no notion of a panel, so ``lag``/``lead`` within a unit
and ``first_treated`` cannot be written in them. A whitelist over :mod:`ast` is small and says
exactly what is allowed.

Values that are undefined (``log`` of a number ≤ 0, division by zero, overflow) become missing
and are counted, so that the caller can put them in the cleaning log.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.exceptions import DataError, SpecificationError

ELEMENTWISE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": np.log,
    "exp": np.exp,
    "sqrt": np.sqrt,
    "abs": np.abs,
}
PANEL_FUNCTIONS = ("lag", "lead", "first_treated")
FUNCTIONS = (*ELEMENTWISE, "notna", "isna", *PANEL_FUNCTIONS)

_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
HIDDEN = "__fou_"  # bookkeeping columns of the caller, not names an expression may use
GRAMMAR = (
    "allowed: column names, numbers, + - * / **, == != < <= > >=, & | ~ (and/or/not), "
    f"and the functions {', '.join(f + '()' for f in FUNCTIONS)}"
)


class Evaluation:
    """Evaluate expressions over ``frame``; ``keys`` say which columns are unit and period.

    Parameters
    ----------
    frame
        The table; its columns are the names an expression may use.
    keys
        The table's key columns; ``lag``, ``lead`` and ``first_treated`` need at least two
        (unit, period).
    where
        How to name the expression's origin in errors, e.g. ``"tidy: derive 'y'"``.
    rows
        File row (as a person counts) of each frame row, for errors naming a row; optional.
    file
        The file those rows are in.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        keys: Sequence[str],
        *,
        where: str,
        rows: np.ndarray | None = None,
        file: str | None = None,
    ) -> None:
        self.frame = frame
        self.keys = list(keys)
        self.where = where
        self.rows = rows
        self.file = file
        self.undefined = 0  # values made missing (log of ≤ 0, division by zero, overflow)
        self._expr = ""

    # ------------------------------------------------------------------ entry point
    def __call__(self, expression: str) -> pd.Series:
        """The expression's value for every row (a Series aligned with the frame)."""
        if not isinstance(expression, str) or not expression.strip():
            raise SpecificationError(f"{self.where}: the expression must be a non-empty text")
        self._expr = expression
        try:
            tree = ast.parse(expression.strip(), mode="eval")
        except RecursionError:
            raise SpecificationError(f"{self.where}: the expression is nested too deeply") from None
        except SyntaxError as e:
            raise SpecificationError(
                f"{self.where}: {expression!r} is not a valid expression ({e.msg}, at character {e.offset})"
            ) from None
        value = self._eval(tree.body)
        if not isinstance(value, pd.Series):  # a constant
            value = pd.Series(value, index=self.frame.index)
        if value.dtype == bool:
            return value.astype("int64")
        return value

    # ------------------------------------------------------------------ nodes
    def _fail(self, node: ast.AST, why: str) -> SpecificationError:
        return SpecificationError(
            f"{self.where}: {why} in {self._expr!r} (at {ast.unparse(node)!r}); {GRAMMAR}"
        )

    def _eval(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool | int | float | str):
                return node.value
            raise self._fail(node, f"the constant {node.value!r} is not allowed")
        if isinstance(node, ast.Name):
            return self._column(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.UnaryOp):
            v = self._eval(node.operand)
            if isinstance(node.op, ast.USub):
                return -self._number(v, node.operand)
            if isinstance(node.op, ast.UAdd):
                return self._number(v, node.operand)
            b = self._bool(v, node.operand)  # Invert or Not
            return ~b if isinstance(b, pd.Series) else not b
        if isinstance(node, ast.BoolOp):
            vals = [self._bool(self._eval(v), v) for v in node.values]
            out = vals[0]
            for v in vals[1:]:
                out = (out & v) if isinstance(node.op, ast.And) else (out | v)
            return out
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise self._fail(node, f"{type(node).__name__} is not allowed")

    def _column(self, node: ast.Name) -> Any:
        name = node.id
        if name in self.frame.columns and not name.startswith(HIDDEN):
            s = self.frame[name]
            if pd.api.types.is_bool_dtype(s) and not s.isna().any():
                return s.astype(bool)
            if pd.api.types.is_numeric_dtype(s):
                return pd.Series(s.to_numpy(dtype=float, na_value=np.nan), index=s.index)
            return s
        if name in FUNCTIONS:
            raise self._fail(node, f"{name} is a function: write {name}(column)")
        cols = [str(c) for c in self.frame.columns if not str(c).startswith(HIDDEN)]
        hint = difflib.get_close_matches(name, cols, n=1)
        raise SpecificationError(
            f"{self.where}: unknown name {name!r} in {self._expr!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; columns: {', '.join(cols)}"
        )

    def _number(self, v: Any, node: ast.AST) -> Any:
        if isinstance(v, pd.Series):
            if pd.api.types.is_bool_dtype(v):
                return v.astype(float)
            if not pd.api.types.is_numeric_dtype(v):
                raise self._fail(node, "arithmetic needs numbers, but this is a text column")
            return v
        if isinstance(v, str):
            raise self._fail(node, "arithmetic needs numbers, not text")
        return float(v)

    def _bool(self, v: Any, node: ast.AST) -> Any:
        """Booleans; 0/1 numbers count as booleans, missing counts as false."""
        if isinstance(v, pd.Series):
            if v.dtype == bool:
                return v
            if pd.api.types.is_numeric_dtype(v):
                ok = v.isna() | v.isin([0, 1])
                if ok.all():
                    return v.fillna(0).astype(bool)
            raise self._fail(node, "&, |, ~, and, or, not need true/false or 0/1 values")
        if isinstance(v, bool) or v in (0, 1):
            return bool(v)
        raise self._fail(node, "&, |, ~, and, or, not need true/false or 0/1 values")

    def _binop(self, node: ast.BinOp) -> Any:
        left, right = self._eval(node.left), self._eval(node.right)
        if isinstance(node.op, ast.BitAnd | ast.BitOr):
            a, b = self._bool(left, node.left), self._bool(right, node.right)
            return (a & b) if isinstance(node.op, ast.BitAnd) else (a | b)
        fn = _ARITH.get(type(node.op))
        if fn is None:
            raise self._fail(node, f"the operator {type(node.op).__name__} is not allowed")
        a, b = self._number(left, node.left), self._number(right, node.right)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            try:
                out = fn(a, b)
            except ZeroDivisionError:  # two constants
                raise self._fail(node, "division by zero") from None
            except OverflowError:  # two constants, e.g. 10 ** 10 ** 10
                raise self._fail(node, "the number is too large") from None
        if isinstance(out, pd.Series):  # 0/0, x/0, (-8) ** 0.5: undefined → missing, counted
            given = np.isfinite(np.asarray(a, dtype=float)) & np.isfinite(np.asarray(b, dtype=float))
            undefined = given & ~np.isfinite(out.to_numpy(dtype=float))
            self.undefined += int(undefined.sum())
            out = out.where(~undefined)
        return out

    def _compare(self, node: ast.Compare) -> Any:
        out: Any = True
        left = self._eval(node.left)
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = self._eval(comp)
            fn = _COMPARE.get(type(op))
            if fn is None:
                raise self._fail(node, f"the comparison {type(op).__name__} is not allowed")
            try:
                res = fn(left, right)
            except TypeError:
                raise self._fail(node, "cannot compare text with numbers") from None
            if isinstance(res, pd.Series):
                res = res.fillna(False).astype(bool)  # missing compares as false
            out = res if out is True else (out & res)
            left = right
        return out

    # ------------------------------------------------------------------ functions
    def _call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = ast.unparse(node.func)
            hint = difflib.get_close_matches(what, FUNCTIONS, n=1)
            raise self._fail(
                node, f"unknown function {what!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
        if node.keywords:
            raise self._fail(node, "keyword arguments are not allowed")
        name = node.func.id
        nargs = (1, 2) if name in ("lag", "lead") else (1,)
        if len(node.args) not in nargs or any(isinstance(a, ast.Starred) for a in node.args):
            raise self._fail(node, f"{name}() takes {' or '.join(map(str, nargs))} argument(s)")
        arg = self._eval(node.args[0])
        if name in ELEMENTWISE:
            x = self._number(arg, node.args[0])
            if not isinstance(x, pd.Series):
                x = pd.Series(x, index=self.frame.index, dtype=float)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                out = ELEMENTWISE[name](x.to_numpy(dtype=float))
            undefined = ~np.isfinite(out) & np.isfinite(x.to_numpy(dtype=float))
            self.undefined += int(undefined.sum())
            return pd.Series(np.where(undefined, np.nan, out), index=self.frame.index)
        if name in ("notna", "isna"):
            s = arg if isinstance(arg, pd.Series) else pd.Series(arg, index=self.frame.index)
            return s.notna() if name == "notna" else s.isna()
        unit, period = self._panel_keys(node)
        if name == "first_treated":
            return self._first_treated(arg, node, unit, period)
        k = 1
        if len(node.args) == 2:
            k_node = node.args[1]
            if not (isinstance(k_node, ast.Constant) and type(k_node.value) is int and k_node.value > 0):
                raise self._fail(node, f"the second argument of {name}() must be a whole number ≥ 1")
            k = k_node.value
        return self._shift(arg, unit, period, k if name == "lag" else -k)

    def _panel_keys(self, node: ast.Call) -> tuple[pd.Series, pd.Series]:
        if len(self.keys) < 2:
            raise self._fail(
                node,
                f"{node.func.id}() needs two keys, the unit and the period (keys: [unit, period])",  # type: ignore[attr-defined]
            )
        unit, period = self.frame[self.keys[0]], self.frame[self.keys[1]]
        if pd.DataFrame({"u": unit, "p": period}).duplicated().any():
            raise self._fail(
                node,
                f"{node.func.id}() needs one row per {self.keys[0]} and {self.keys[1]}",  # type: ignore[attr-defined]
            )
        return unit, period

    def _shift(self, arg: Any, unit: pd.Series, period: pd.Series, k: int) -> pd.Series:
        """Value ``k`` periods earlier (k > 0) or later (k < 0) in the same unit; missing if absent.

        Periods are the sorted distinct values of the period key, so a unit's gap year gives a
        missing lag rather than the value two periods back.
        """
        s = arg if isinstance(arg, pd.Series) else pd.Series(arg, index=self.frame.index)
        order = {p: i for i, p in enumerate(sorted(period.unique()))}
        rank = period.map(order).to_numpy()
        lookup = pd.Series(s.to_numpy(), index=pd.MultiIndex.from_arrays([unit.to_numpy(), rank]))
        target = pd.MultiIndex.from_arrays([unit.to_numpy(), rank - k])
        return pd.Series(lookup.reindex(target).to_numpy(), index=self.frame.index)

    def _first_treated(self, arg: Any, node: ast.Call, unit: pd.Series, period: pd.Series) -> pd.Series:
        if not pd.api.types.is_numeric_dtype(period):
            raise self._fail(node, f"first_treated() needs a numeric period ({self.keys[1]!r} is text)")
        s = self._number(arg, node.args[0])
        if not isinstance(s, pd.Series):
            raise self._fail(node, "first_treated() needs a column")
        bad = s.notna() & ~s.isin([0, 1])
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"{self.where}: first_treated() needs 0/1 values, found {s.iloc[pos]!r}",
                file=self.file,
                row=self.row_of(pos),
                column=ast.unparse(node.args[0]),
            )
        from fou_analysis.clean import first_treated

        # a missing flag counts as not treated in that period (the grammar's rule for notna())
        flags = pd.DataFrame(
            {"unit": unit.to_numpy(), "period": period.to_numpy(), "flag": (s == 1).to_numpy()}
        )
        per_unit = first_treated(
            flags, person="unit", period="period", treated_flag="flag", source=self.file or ""
        )
        first = pd.Series(per_unit["first_treated"].to_numpy(), index=per_unit["unit"].to_numpy())
        out = pd.Series(unit.map(first).to_numpy(dtype=float), index=self.frame.index)
        if (out == out.round()).all():
            return out.astype("int64")
        return out

    def row_of(self, position: int) -> int | None:
        """File row of the frame row at ``position`` (None when unknown)."""
        if self.rows is None:
            return None
        r = self.rows[position]
        return None if pd.isna(r) else int(r)
