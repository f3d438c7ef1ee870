"""Cleaning table and flow: small person counts are suppressed and cannot be recovered by subtraction."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fou_analysis.clean import CleaningLog
from fou_analysis.report.sections import cleaning_flow, cleaning_table, published_log

N_MIN = 5


@pytest.fixture
def log() -> CleaningLog:
    log = CleaningLog()
    # a.csv: a chain 100 → 97 → 80 → 80 → 72 with one small drop (3) and 2 changed values
    log.add("a.csv", "test submissions", rows_in=100, rows_out=97, reason="marked TEST")
    log.add("a.csv", "duplicates", rows_in=97, rows_out=80, reason="same person twice")
    log.add("a.csv", "recode", rows_in=80, rows_out=80, changed=2, reason="labels")
    log.add("a.csv", "no consent", rows_in=80, rows_out=72, reason="consent withdrawn")
    # b.csv: one step, one small drop
    log.add("b.csv", "outside period", rows_in=50, rows_out=48, reason="dates")
    # c.csv: nothing small
    log.add("c.csv", "duplicates", rows_in=40, rows_out=30, changed=7, reason="same person twice")
    return log


def _feasible_drops(published, run: list[int]) -> dict[int, set[int]]:
    """Every value each hidden drop of a run can take, given the published figures of the run.

    Brute force: try all values of the hidden drops (0 to the first rows-in), rebuild the chain
    r_k = r_0 − (d_1 + … + d_k), keep the combinations that match every published figure.
    """
    df = published.iloc[run]
    r0 = df["rows_in"].iloc[0]
    assert not np.isnan(r0)  # the run's start is always shown
    hidden = [k for k in range(len(run)) if np.isnan(df["dropped"].iloc[k])]
    seen: dict[int, set[int]] = {k: set() for k in hidden}
    for guess in itertools.product(range(int(r0) + 1), repeat=len(hidden)):
        d = df["dropped"].to_numpy(dtype=float).copy()
        d[hidden] = guess
        r = r0 - np.cumsum(d)
        rin = np.r_[r0, r[:-1]]
        ok = (r >= 0).all()
        for col, vals in (("rows_in", rin), ("rows_out", r)):
            shown = df[col].to_numpy(dtype=float)
            ok &= bool(np.all(np.isnan(shown) | (shown == vals)))
        if ok:
            for k, g in zip(hidden, guess, strict=True):
                seen[k].add(g)
    return seen


def test_no_hidden_drop_is_recoverable_from_the_published_log(log) -> None:
    published, hidden = published_log(log, "en", N_MIN)
    true = log.to_frame("en")
    small = (true["dropped"] >= 1) & (true["dropped"] < N_MIN)
    assert hidden.loc[small, "dropped"].all()  # every small drop is hidden
    assert hidden.loc[[0, 3], "dropped"].all()  # a.csv: the 3 and the next smallest drop (8)
    assert not hidden.loc[[1, 2], "dropped"].any()  # 17 and 0 stay visible
    assert not hidden.loc[5].any()  # c.csv: nothing small
    for run in ([0, 1, 2, 3], [4]):
        for k, values in _feasible_drops(published, run).items():
            if small.iloc[run[k]]:
                # not pinned inside 1..4: it could be 0 or at least 5
                assert min(values) <= 0 or max(values) >= N_MIN, (run, k, values)
    # the first rows in and the last rows out of a chain stay visible
    assert published.loc[0, "rows_in"] == 100 and published.loc[3, "rows_out"] == 72


def test_the_checker_itself_would_see_a_drop_given_back_by_subtraction(log) -> None:
    # What the table showed before: every figure except the small drop. The 3 comes straight back.
    true = log.to_frame("en")
    naive = true.copy().astype({c: float for c in ("rows_in", "rows_out", "dropped", "changed")})
    naive.loc[0, "dropped"] = np.nan
    assert _feasible_drops(naive, [0, 1, 2, 3]) == {0: {3}}


def test_cleaning_table_marks_hidden_figures_in_both_languages(log) -> None:
    en = cleaning_table(log, "en", N_MIN)
    nb = cleaning_table(log, "nb", N_MIN)
    assert en.loc[0, "Dropped"] == "–" and en.loc[2, "Values changed"] == "<5"
    assert nb.loc[2, "Endrede verdier"] == "færre enn 5" and nb.loc[0, "Fjernet"] == "–"
    assert en.loc[5, "Values changed"] == "7" and en.loc[1, "Dropped"] == "17"
    assert not any(v in ("3", "2", "97", "8") for v in en.loc[:4, ["Rows out", "Dropped"]].to_numpy().ravel())


def test_cleaning_flow_draws_only_published_numbers(log) -> None:
    published, hidden = published_log(log, "en", N_MIN)
    ax = cleaning_flow(log, "en", n_min=N_MIN)
    shown = {
        float(v) for v in published[["rows_in", "rows_out", "dropped"]].to_numpy().ravel() if not np.isnan(v)
    }
    widths = {round(p.get_width(), 9) for p in ax.patches}
    assert widths <= shown | {0.0}, widths - shown
    texts = " ".join(x.get_text() for x in ax.texts)
    assert "−3" not in texts and "−2" not in texts and "−8" not in texts
    assert "−17" in texts and "−10" in texts
    assert len(ax.get_yticklabels()) == 5  # a: the two hidden drops and the 17; b: its hidden drop; c: the 10


def test_cleaning_table_explains_its_marks_only_when_something_is_hidden(log) -> None:
    assert "below 5" in cleaning_table(log, "en", N_MIN).attrs["suppression_note"]
    assert "under 5" in cleaning_table(log, "nb", N_MIN).attrs["suppression_note"]
    clean = CleaningLog()
    clean.add("c.csv", "duplicates", rows_in=40, rows_out=30, reason="same person twice")
    assert cleaning_table(clean, "nb", N_MIN).attrs["suppression_note"] == ""


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_cleaning_log_is_folded_in_details_with_a_summary_in_the_report_language(log, lang: str) -> None:
    import re

    from fou_analysis.report.sections import cleaning_details

    body = cleaning_details(log, lang, N_MIN).body
    assert body.startswith('<details class="fou-cleaning"><summary>') and body.endswith("</details>")
    assert " open" not in body.split(">", 1)[0]  # folded until the reader opens it
    summary = re.search(r"<summary>(.*?)</summary>", body).group(1)
    published, _ = published_log(log, lang, N_MIN)
    if lang == "nb":
        assert summary.startswith(f"Datarensingen: {len(published)} steg i 3 filer – klikk")
    else:
        assert summary.startswith(f"The cleaning: {len(published)} steps in 3 files – click")
    inside = body.split("</summary>", 1)[1]
    assert inside.count("<table") == 1 and inside.count("<img") == 1  # the table and the flow, folded
    assert all(reason in inside for reason in published["reason"])  # every step's reason is there
    assert "data:image/png;base64," in inside


def test_print_css_opens_folded_details() -> None:
    from fou_analysis.report.accessibility import add_print_css

    out = add_print_css("<html><head></head><body><details><summary>s</summary>x</details></body></html>")
    media = out.split("@media print", 1)[1]
    assert "details::details-content" in media and "content-visibility: visible" in media


def test_cleaning_flow_axis_counts_are_written_the_report_languages_way() -> None:
    big = CleaningLog()
    big.add("a.csv", "duplicates", rows_in=12000, rows_out=9000, reason="same person twice")
    ax = cleaning_flow(big, "nb")
    ax.figure.canvas.draw()
    ticks = [x.get_text() for x in ax.get_xticklabels() if x.get_text()]
    assert "10\u00a0000" in ticks and not any("," in x or "." in x for x in ticks)
