"""End-to-end cleaning of a small survey: every step is logged and the log adds up.

For every entry: rows_in == rows_out + dropped, and each step's rows_out is the next step's
input. For the cell-level steps: the number of cells newly set missing equals ``changed``
(recoding labels to codes sets nothing missing; its ``changed`` counts the cells recoded).
"""

import numpy as np
import pandas as pd

from fou_analysis import clean

ITEMS = ["q1", "q2", "q3"]
MAP = {"Helt uenig": 1, "Uenig": 2, "Nøytral": 3, "Enig": 4, "Helt enig": 5, "Vet ikke": 9}
PLAN = {
    "name": "trivsel",
    "items": ITEMS,
    "min": 1,
    "max": 5,
    "reverse": ["q3"],
    "missing_codes": [9],
    "min_answered": 2,
}


def _raw():
    labels = list(MAP)
    rng = np.random.default_rng(7)
    n = 40
    df = pd.DataFrame(
        {
            "pid": [f"p{i % 30:02d}" for i in range(n)],  # 10 duplicate submissions
            "wave": [1] * n,
            "kommentar": ["test" if i in (3, 17) else None for i in range(n)],
        }
    )
    for c in ITEMS:
        vals = rng.choice(labels, size=n).astype(object)
        vals[rng.random(n) < 0.1] = None
        df[c] = vals
    return df


def _nan_count(df, cols):
    return int(df[cols].isna().to_numpy().sum())


def test_every_step_adds_up():
    log = clean.CleaningLog()
    raw = _raw()
    src = "survey_w1.csv"
    a = clean.drop_test_submissions(raw, column="kommentar", pattern="^test$", log=log, source=src)
    b = clean.detect_duplicates(a, id_cols=["pid", "wave"], answer_cols=ITEMS, log=log, source=src)
    c = clean.recode(b, MAP, columns=ITEMS, log=log, source=src)
    assert _nan_count(c, ITEMS) == _nan_count(b, ITEMS)
    assert log.entries[-1].changed == int(b[ITEMS].notna().to_numpy().sum())
    d = clean.score_instrument(c, PLAN, log=log, source=src)
    miss, oor, score = log.entries[-3:]
    assert _nan_count(d, ITEMS) - _nan_count(c, ITEMS) == miss.changed + oor.changed
    assert miss.changed == int((c[ITEMS] == 9).to_numpy().sum()) > 0
    assert int(d["trivsel"].isna().sum()) == score.changed

    post = d.sample(frac=0.7, random_state=1)[["pid", "trivsel"]]
    clean.link_waves(d[["pid", "trivsel"]], post, id_col="pid", log=log, source=src)

    entries = log.to_frame()
    assert (entries["rows_in"] == entries["rows_out"] + entries["dropped"]).all()
    assert (entries[["rows_in", "rows_out", "dropped", "changed"]] >= 0).all().all()
    # the chain: rows out of one row-changing step are the rows into the next
    assert entries["rows_in"].iloc[0] == len(raw)
    assert entries["rows_out"].iloc[0] == len(a) == entries["rows_in"].iloc[1]
    assert entries["rows_out"].iloc[1] == len(b) == a["pid"].nunique() == 29  # p17 only sent a test
    assert len(raw) == len(b) + entries["dropped"].iloc[:2].sum()


def test_register_and_municipality_steps_add_up():
    log = clean.CleaningLog()
    panel = pd.DataFrame(
        {
            "k": ["1702", "1724", "5004", "5039", "1613", "5006", "0301"],
            "y": [2017, 2017, 2018, 2018, 2017, 2020, 2020],
            "n": [1, 2, 3, 4, 5, 6, 7],
        }
    )
    res = clean.harmonise_municipalities(panel, code="k", year="y", counts=["n"], rest="drop", log=log)
    assert res.data["n"].sum() == panel["n"].sum() - 5
    bal = clean.balanced_panel(res.data, unit="k", time="y", log=log)
    assert bal.empty or bal.groupby("k")["y"].nunique().eq(bal["y"].nunique()).all()
    for e in log.entries:
        assert e.rows_in == e.rows_out + e.dropped
