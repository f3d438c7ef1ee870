"""``fou describe CASE``: the data dictionary a researcher looks at first.

For every raw file of a case plan (as its reader delivers it) and every prepared table in
``data/processed/<case>/``, one line per column: type, missing values, distinct values, the 5th and
95th percentiles (numbers and dates only) and up to three example values.

Privacy by default, because this output lands in terminals, notes and e-mails:

* no examples, and no percentiles, for columns listed under ``raw[].pseudonymise`` or that
  look like identifiers (named like one — ``id``, ``pseudonym``, ``lopenr``, ``fnr``, ``navn`` … —
  or holding code-like values such as ``L-b5c7fab3``);
* examples are the most frequent values, and only values seen at least ``small_cell_min`` times
  (the plan's small-cell limit, default 5): a free-text answer or a rare value is never shown;
* no minimum or maximum: each is one person's value (the oldest participant's age, the latest
  sign-up date), often of a person others can point out. The 5th and 95th percentiles take their
  place, and under the same rule as the examples and as :func:`fou_analysis.privacy.suppress`'s
  small cells (a count ``0 < n < small_cell_min`` is not published): a percentile is shown only
  when at least :data:`QUANTILE_MIN_N` values are present and the percentile's value (an observed
  value, ``inverted_cdf``, never an interpolation between two persons' values) is held by at least
  ``small_cell_min`` of them, so the value printed is never a single person's. Otherwise the cell
  says why it is empty;
* every example is scanned with :func:`fou_analysis.privacy.scan` and what it finds is masked.

The summary statistics are pandas' own (``isna``, ``nunique``, ``value_counts``, sorting for the
percentiles); only the plain-text layout is written here, so the output has no dependency beyond
the package's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from fou_analysis.config import CasePlan, Project, load_plan
from fou_analysis.exceptions import FouError

#: Name parts that mark a column as an identifier (compared after :func:`_norm`).
ID_PARTS = frozenset(
    {"id", "pseudonym", "pseudo", "lopenr", "lnr", "lopenummer", "person", "personid", "pid", "uuid", "key"}
)
_CODE_LIKE = re.compile(r"^[A-Za-z]{0,4}[-_]?[0-9A-Fa-f]{6,}$")
_HEADER = ("column", "type", "missing", "distinct", "p5", "p95", "examples")
_MAX_EXAMPLE = 24
#: The percentiles shown instead of the minimum and maximum (header, probability).
QUANTILES = (("p5", 0.05), ("p95", 0.95))
#: Fewer non-missing values than this: no percentiles (at n < 20 the 5th percentile is the minimum).
QUANTILE_MIN_N = 20


def _norm(name: object) -> str:
    table = str.maketrans({"å": "a", "ø": "o", "æ": "ae"})
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower().translate(table)).strip("_")


def looks_like_identifier(name: object, values: pd.Series | None = None) -> bool:
    """Whether a column looks like it identifies people (by its name or its values).

    Parameters
    ----------
    name
        The column name; matched case-insensitively against the identifier names of
        :mod:`fou_analysis.privacy.scan` (``fnr``, ``navn``, ``epost`` …) and :data:`ID_PARTS`
        (``id``, ``pseudonym``, ``lopenr`` …), also as a part (``Utlån-ID``, ``bruker_id``).
    values
        The column; text columns where nine in ten values are code-like (a few letters and six or
        more hex digits, e.g. ``L-b5c7fab3``) count as identifiers too.

    Examples
    --------
    >>> looks_like_identifier("Utlån-ID"), looks_like_identifier("fødselsnummer")
    (True, True)
    >>> looks_like_identifier("Låner", pd.Series(["L-b5c7fab3", "L-e954fbd4"]))
    True
    >>> looks_like_identifier("kategori", pd.Series(["Ski", "Sykkel"]))
    False
    """
    from fou_analysis.privacy.scan import SENSITIVE_COLUMNS

    n = _norm(name)
    parts = set(n.split("_"))
    if n in {_norm(c) for c in SENSITIVE_COLUMNS} or parts & (ID_PARTS | SENSITIVE_COLUMNS):
        return True
    if values is not None and not pd.api.types.is_numeric_dtype(values):
        text = values.dropna().astype(str)
        if len(text) and text.str.fullmatch(_CODE_LIKE).mean() >= 0.9:
            return True
    return False


def _type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_float_dtype(s):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if isinstance(s.dtype, pd.CategoricalDtype):
        return "category"
    kinds = {type(v).__name__ for v in s.dropna().head(1000)}
    return "str" if kinds <= {"str"} else "mixed" if len(kinds) > 1 else next(iter(kinds), "str")


def _fmt(v: Any) -> str:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v == v.normalize() else v.isoformat(sep=" ")
    if isinstance(v, float):
        return f"{v:.6g}"
    text = " ".join(str(v).split())
    return text if len(text) <= _MAX_EXAMPLE else text[: _MAX_EXAMPLE - 1] + "…"


def _example(v: Any, labels: dict[Any, Any]) -> str:
    """A value as shown, with its label from the codebook when the reader gave one."""
    label = labels.get(v, labels.get(str(v))) if labels else None
    if label is None and isinstance(v, float) and v.is_integer():
        label = labels.get(int(v)) if labels else None
    return _fmt(v) if label is None or str(label) == _fmt(v) else f"{_fmt(v)} ({_fmt(label)})"


def _pct(k: int, n: int) -> str:
    p = 100 * k / n
    return "<1 %" if 0 < p < 1 else ">99 %" if 99 < p < 100 else f"{p:.0f} %"


def _mask(text: str) -> str:
    """``text`` with whatever :func:`fou_analysis.privacy.scan` finds masked (same length)."""
    from fou_analysis import privacy

    # the newline keeps scan from reading a value that happens to name a file as a path
    for f in privacy.scan(text + "\n"):
        if f.line == 1 and isinstance(f.column, int):
            start = f.column - 1
            text = text[:start] + f.value + text[start + len(f.value) :]
    return text


def describe_frame(df: pd.DataFrame, *, hide: Iterable[str] = (), min_count: int = 5) -> pd.DataFrame:
    """One row per column of ``df``: type, missing, distinct, p5, p95 and examples.

    Examples carry their label when the reader found a codebook (``attrs["fou"]["labels"]``).

    Parameters
    ----------
    df
        A table as read or prepared (not modified).
    hide
        Columns whose values must not be shown (e.g. the plan's ``pseudonymise`` list); compared
        case- and accent-insensitively. Columns that :func:`looks_like_identifier` are hidden too.
    min_count
        Only values seen at least this often are shown as examples or percentiles (the plan's
        ``small_cell_min``).

    Returns
    -------
    pandas.DataFrame
        Columns ``column, type, missing, distinct, p5, p95, examples`` as display strings.

    Examples
    --------
    >>> df = pd.DataFrame({"bruker_id": range(6), "alder": [20, 30, 30, 30, 30, 30]})
    >>> describe_frame(df).loc[:, ["column", "p5", "p95", "examples"]].to_dict("records")
    [{'column': 'bruker_id', 'p5': '–', 'p95': '–', 'examples': '(hidden: identifier)'}, {'column': 'alder', 'p5': '(n < 20)', 'p95': '(n < 20)', 'examples': '30'}]
    """
    hidden = {_norm(h) for h in hide}
    meta = df.attrs.get("fou") if isinstance(df.attrs.get("fou"), dict) else {}
    value_labels = meta.get("labels") or {}
    rows = []
    n = len(df)
    for col in df.columns:
        s = df[col]
        missing = int(s.isna().sum())
        row = {
            "column": str(col),
            "type": _type(s),
            "missing": f"{missing} ({_pct(missing, n)})" if n else "0",
            "distinct": str(int(s.nunique(dropna=True))),
            "p5": "–",
            "p95": "–",
        }
        if _norm(col) in hidden:
            row["examples"] = "(hidden: pseudonymised)"
        elif looks_like_identifier(col, s):
            row["examples"] = "(hidden: identifier)"
        else:
            if row["type"] in ("int", "float", "date") and s.notna().any():
                row.update(_percentiles(s, min_count))
            counts = s.dropna().astype(str).value_counts() if row["type"] == "mixed" else s.value_counts()
            labels = value_labels.get(col) or {}
            common = [_mask(_example(v, labels)) for v, c in counts.items() if c >= min_count][:3]
            if not s.notna().any():
                row["examples"] = "(all missing)"
            else:
                row["examples"] = ", ".join(common) if common else f"(each value < {min_count} times)"
        rows.append(row)
    return pd.DataFrame(rows, columns=list(_HEADER))


def _percentiles(s: pd.Series, min_count: int) -> dict[str, str]:
    """The 5th and 95th percentiles as shown: observed values held by at least ``min_count`` rows.

    Examples
    --------
    >>> _percentiles(pd.Series([1] * 6 + [2] * 20 + [3] * 4), 5)
    {'p5': '1', 'p95': '(< 5 times)'}
    """
    values = s.dropna().sort_values(ignore_index=True)
    n = len(values)
    if n < max(QUANTILE_MIN_N, min_count):
        return {name: f"(n < {max(QUANTILE_MIN_N, min_count)})" for name, _ in QUANTILES}
    out = {}
    for name, q in QUANTILES:
        value = values.iloc[max(math.ceil(q * n) - 1, 0)]  # inverted_cdf: an observed value
        out[name] = _fmt(value) if int((values == value).sum()) >= min_count else f"(< {min_count} times)"
    return out


def format_table(table: pd.DataFrame) -> str:
    """A left-aligned plain-text table with a header rule."""
    cells = [list(table.columns)] + table.astype(str).to_numpy().tolist()
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(table.columns))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _hidden_columns(plan: CasePlan) -> set[str]:
    return {c for r in plan.raw for c in r.pseudonymise}


def describe_case(case: str, *, project: Project | None = None) -> str:
    """The data dictionary of a case as plain text: raw files first, then prepared tables.

    A raw file that is missing or cannot be read gets one line saying so (the others are still
    described); prepared tables that do not exist yet are named with how to make them.

    Raises
    ------
    SpecificationError
        Unknown case or an invalid plan (as :func:`fou_analysis.config.load_plan`).
    """
    from fou_analysis import io
    from fou_analysis.pipeline import read_raw

    project = project or Project.at(".")
    plan = load_plan(case, project=project)
    hide = _hidden_columns(plan)
    raw_dir, processed = project.raw_dir(plan.slug), project.processed_dir(plan.slug)
    out = [f"Case {plan.slug!r}: {plan.name.en}", "", f"Raw files ({raw_dir})", ""]
    for spec in plan.raw:
        title = f"raw file {spec.id!r}: {spec.path} ({spec.format})"
        if not (raw_dir / spec.path).exists():
            out += [f"{title}: missing — put the delivered file at {raw_dir / spec.path}", ""]
            continue
        try:
            df = read_raw(plan, project, spec.id, pseudonymise=False)
        except FouError as e:
            out += [f"{title}: cannot be read — {e}", ""]
            continue
        out += [f"{title}, {len(df)} rows × {df.shape[1]} columns", _table(df, hide, plan), ""]
    out += [f"Prepared tables ({processed})", ""]
    made = 0
    for t in plan.tables:
        path = processed / f"{t.id}.parquet"
        if not path.exists():
            out.append(f"table {t.id!r} (recipe {t.recipe}): not prepared yet")
            continue
        made += 1
        try:
            df = io.read_parquet(path)
        except FouError as e:
            out += [f"table {t.id!r}: cannot be read — {e}", ""]
            continue
        out += [
            f"table {t.id!r} (recipe {t.recipe}), {len(df)} rows × {df.shape[1]} columns",
            _table(df, hide, plan),
            "",
        ]
    if made < len(plan.tables):
        out += ["", f"Make the prepared tables with 'fou run {plan.slug}' (or notebook 10_clean)."]
    return "\n".join(out).rstrip() + "\n"


def _table(df: pd.DataFrame, hide: set[str], plan: CasePlan) -> str:
    return format_table(describe_frame(df, hide=hide, min_count=plan.small_cell_min))
