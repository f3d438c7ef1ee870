"""Link two survey waves (before/after) on a pseudonym, with an attrition table.

:func:`link_waves` returns a :class:`LinkedWaves`: the paired wide frame (one row per person
present in both waves, columns suffixed ``_pre``/``_post``), an attrition table (n at wave 1,
n at wave 2, linked, lost to follow-up, new at follow-up only) and, for the report, a comparison
at baseline of completers (answered both waves) with drop-outs (wave 1 only): means, the
difference with Welch's t-test (unequal variances; Welch 1947) and the standardised mean
difference (pooled SD). A drop-out rate that differs by baseline level is the first sign that a
pre/post change is partly selection.

Each wave must have at most one row per person (run :func:`detect_duplicates` first).

Survey exports (SurveyXact, Nettskjema invitations) often keep a row for every person invited to
a wave, answered or not. With ``answered=`` the columns that hold answers (e.g. the instrument
scores), a row in which all of them are missing counts as *no answer* to that wave: such a
person is lost to follow-up at wave 2, and the attrition table and the cleaning log state that
one number where the waves are linked (not as a later drop "without a follow-up score").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fou_analysis.clean._common import ensure_log, file_row, log_name, require_columns, source_of
from fou_analysis.clean.log import CleaningLog
from fou_analysis.exceptions import DataError, SpecificationError


@dataclass(frozen=True)
class LinkedWaves:
    """Two waves linked on a person identifier.

    Attributes
    ----------
    paired
        One row per linked person: ``id_col`` plus every other column with suffix ``_pre`` and
        ``_post``.
    attrition
        Columns ``measure, n, share`` with the rows ``wave_1``, ``wave_2``, ``linked``,
        ``lost_to_follow_up``, ``new_at_follow_up`` (share relative to wave 1).
    baseline
        Per numeric baseline variable: completers vs drop-outs (tidy columns + means, SMD).
    """

    paired: pd.DataFrame
    attrition: pd.DataFrame
    baseline: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        return self.attrition.copy()


def _check_unique(df: pd.DataFrame, id_col: str, src: str, wave: str) -> None:
    ids = df[id_col]
    if ids.isna().any():
        pos = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise DataError(
            f"{wave}: missing person identifier", file=src or None, row=file_row(df, pos), column=id_col
        )
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"{wave}: identifier {ids.iloc[pos]!r} occurs more than once; run clean.detect_duplicates first",
            file=src or None,
            row=file_row(df, pos),
            column=id_col,
        )


def _baseline_table(pre: pd.DataFrame, completer: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    from scipy import stats  # lazy: scipy.stats costs seconds to import

    rows = []
    for col in columns:
        x = pd.to_numeric(pre[col], errors="coerce").to_numpy(dtype=float)
        a = x[completer & ~np.isnan(x)]
        b = x[~completer & ~np.isnan(x)]
        row = {
            "term": col,
            "estimate": np.nan,
            "std_error": np.nan,
            "statistic": np.nan,
            "p_value": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "mean_completers": a.mean() if a.size else np.nan,
            "mean_dropouts": b.mean() if b.size else np.nan,
            "n_completers": int(a.size),
            "n_dropouts": int(b.size),
            "smd": np.nan,
        }
        if a.size >= 2 and b.size >= 2:
            va, vb = a.var(ddof=1), b.var(ddof=1)
            diff = a.mean() - b.mean()
            se = float(np.sqrt(va / a.size + vb / b.size))
            row["estimate"] = diff
            row["std_error"] = se
            if se > 0:
                # Welch-Satterthwaite degrees of freedom.
                df_w = (va / a.size + vb / b.size) ** 2 / (
                    (va / a.size) ** 2 / (a.size - 1) + (vb / b.size) ** 2 / (b.size - 1)
                )
                t = diff / se
                q = stats.t.ppf(0.975, df_w)
                row.update(
                    statistic=t,
                    p_value=2 * stats.t.sf(abs(t), df_w),
                    ci_low=diff - q * se,
                    ci_high=diff + q * se,
                )
            pooled = np.sqrt(((a.size - 1) * va + (b.size - 1) * vb) / (a.size + b.size - 2))
            row["smd"] = diff / pooled if pooled > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def link_waves(
    pre_df: pd.DataFrame,
    post_df: pd.DataFrame,
    *,
    id_col: str,
    baseline: Sequence[str] | None = None,
    suffixes: tuple[str, str] = ("_pre", "_post"),
    answered: Sequence[str] | None = None,
    log: CleaningLog | None = None,
    source: str = "",
) -> LinkedWaves:
    """Link a baseline and a follow-up wave on ``id_col``.

    Parameters
    ----------
    pre_df, post_df
        Wave 1 and wave 2, one row per person each (not modified).
    id_col
        The pseudonym column present in both.
    baseline
        Wave-1 columns to compare between completers and drop-outs (default: every numeric
        column of ``pre_df`` except ``id_col``).
    suffixes
        Suffixes of the wave columns in the paired frame.
    answered
        Columns present in both waves that hold answers. A row where all of them are missing is
        an unanswered invitation: not counted as taking part in that wave (at wave 2: lost to
        follow-up). Default: every row counts as an answer.
    log, source
        Cleaning log and file name (default: the sources of the two frames).

    Returns
    -------
    LinkedWaves

    Examples
    --------
    >>> pre = pd.DataFrame({"pid": ["a", "b", "c"], "score": [10, 12, 8]})
    >>> post = pd.DataFrame({"pid": ["a", "c", "d"], "score": [11, 9, 7]})
    >>> lw = link_waves(pre, post, id_col="pid")
    >>> lw.attrition.set_index("measure")["n"].to_dict()
    {'wave_1': 3, 'wave_2': 3, 'linked': 2, 'lost_to_follow_up': 1, 'new_at_follow_up': 1}
    """
    src_pre = source_of(pre_df, source)
    src_post = source_of(post_df, source)
    require_columns(pre_df, [id_col], source=src_pre, argument="id_col")
    require_columns(post_df, [id_col], source=src_post, argument="id_col")
    if len(suffixes) != 2 or suffixes[0] == suffixes[1]:
        raise SpecificationError(f"suffixes must be two different strings, not {suffixes!r}")
    _check_unique(pre_df, id_col, src_pre, "wave 1")
    _check_unique(post_df, id_col, src_post, "wave 2")
    rows_1, rows_2 = len(pre_df), len(post_df)
    if answered is not None:
        answered = list(answered)
        if not answered:
            raise SpecificationError("answered must name at least one column (or be None)")
        require_columns(pre_df, answered, source=src_pre, argument="answered")
        require_columns(post_df, answered, source=src_post, argument="answered")
        pre_df = pre_df.loc[pre_df[answered].notna().any(axis=1)]
        post_df = post_df.loc[post_df[answered].notna().any(axis=1)]

    pre_ids = pre_df[id_col].astype("str")
    post_ids = post_df[id_col].astype("str")
    in_post = pre_ids.isin(set(post_ids)).to_numpy()
    in_pre = post_ids.isin(set(pre_ids)).to_numpy()
    n1, n2, linked = len(pre_df), len(post_df), int(in_post.sum())
    blank_1, blank_2 = rows_1 - n1, rows_2 - n2

    pre_part = pre_df.loc[in_post].assign(**{id_col: pre_ids[in_post].to_numpy()})
    post_part = post_df.loc[in_pre].assign(**{id_col: post_ids[in_pre].to_numpy()})
    pre_part = pre_part.rename(columns={c: f"{c}{suffixes[0]}" for c in pre_part.columns if c != id_col})
    post_part = post_part.rename(columns={c: f"{c}{suffixes[1]}" for c in post_part.columns if c != id_col})
    paired = pre_part.merge(post_part, on=id_col, how="inner", validate="one_to_one").reset_index(drop=True)

    attrition = pd.DataFrame(
        {
            "measure": ["wave_1", "wave_2", "linked", "lost_to_follow_up", "new_at_follow_up"],
            "n": [n1, n2, linked, n1 - linked, n2 - linked],
        }
    )
    attrition["share"] = attrition["n"] / n1 if n1 else np.nan

    if baseline is None:
        baseline = [c for c in pre_df.columns if c != id_col and pd.api.types.is_numeric_dtype(pre_df[c])]
    else:
        require_columns(pre_df, baseline, source=src_pre, argument="baseline")
    base = _baseline_table(pre_df, in_post, list(baseline))

    log = ensure_log(log)
    reason = f"{n1 - linked} person(s) in wave 1 without a follow-up answer (lost to follow-up)"
    reason_nb = f"{n1 - linked} person(er) uten svar ved oppfølging (frafall)"
    if blank_1:
        reason += f"; {blank_1} row(s) without any answer at wave 1"
        reason_nb += f"; {blank_1} rad(er) uten noe svar ved første måling"
    log.add(
        log_name(src_pre),
        "link waves: wave 1",
        rows_in=rows_1,
        rows_out=linked,
        reason=reason,
        step_nb="koble målinger: første måling",
        reason_nb=reason_nb,
    )
    reason = f"{n2 - linked} person(s) answered only the follow-up (no baseline to pair with)"
    reason_nb = f"{n2 - linked} person(er) svarte bare ved oppfølging (ingen førmåling å koble mot)"
    if blank_2:
        reason += f"; {blank_2} follow-up row(s) without any answer (invited, not answered)"
        reason_nb += f"; {blank_2} rad(er) uten noe svar ved oppfølging (invitert, men ikke svart)"
    log.add(
        log_name(src_post),
        "link waves: wave 2",
        rows_in=rows_2,
        rows_out=linked,
        reason=reason,
        step_nb="koble målinger: oppfølging",
        reason_nb=reason_nb,
    )
    notes = ("Baseline comparison: Welch's t-test, completers minus drop-outs; SMD uses the pooled SD.",)
    return LinkedWaves(paired=paired, attrition=attrition, baseline=base, notes=notes)
