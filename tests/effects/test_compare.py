"""`effects.compare`: several results side by side as text, escaped HTML and LaTeX."""

import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects import Comparison, compare, did, prepost
from fou_analysis.exceptions import SpecificationError


@pytest.fixture(scope="module")
def fits():
    rng = np.random.default_rng(8)
    u = np.repeat(np.arange(20), 6)
    t = np.tile(np.arange(6), 20)
    d = ((u < 3) & (t >= 3)).astype(int)
    df = pd.DataFrame({"u": u, "t": t, "d": d, "y": rng.normal(size=20)[u] + rng.normal(size=u.size) + d})
    kw = {"outcome": "y", "treated": "d", "post": None, "unit": "u", "time": "t"}
    n = 12
    pre = rng.normal(10, 2, n)
    long = pd.DataFrame(
        {
            "id": np.tile(np.arange(n), 2),
            "w": ["a"] * n + ["b"] * n,
            "y": np.r_[pre, pre + 1 + rng.normal(size=n)],
        }
    )
    return (
        did(df, **kw, se="cluster"),
        did(df, **kw, se="ri"),
        prepost(long, outcome="y", subject="id", wave="w", pre="a", post="b"),
    )


def test_frame_holds_each_results_numbers(fits):
    cmp = compare(fits, names=["TWFE", "RI", "before/after"])
    assert isinstance(cmp, Comparison)
    f = cmp.to_frame()
    assert list(f.columns) == ["TWFE", "RI", "before/after"]
    for col, r in zip(f.columns, fits, strict=True):
        assert f.loc["estimate", col] == r.estimate and f.loc["se", col] == r.se
        assert (f.loc["ci_low", col], f.loc["ci_high", col]) == r.ci
        assert f.loc["p_value", col] == r.p_value and f.loc["n", col] == r.n
        assert f.loc["method", col] == r.method and f.loc["estimand", col] == r.estimand
    # the RI column differs from the cluster column only in its inference
    assert f.loc["estimate", "TWFE"] == f.loc["estimate", "RI"]
    assert f.loc["ci_low", "TWFE"] != f.loc["ci_low", "RI"]


def test_common_level_uses_conf_int(fits):
    f = compare(fits, level=0.9).to_frame()
    for col, r in zip(f.columns, fits, strict=True):
        assert (f.loc["ci_low", col], f.loc["ci_high", col]) == pytest.approx(r.conf_int(0.9))
    assert list(f.columns) == ["(1)", "(2)", "(3)"]
    assert "90 % interval" in str(compare(fits, level=0.9))


def test_text_in_both_languages(fits):
    en, nb = str(compare(fits[:1])), str(compare(fits[:1], lang="nb"))
    assert "Estimate" in en and "(std. error)" in en and "t(19), cluster" in en
    assert "Estimat" in nb and "standardfeil" in nb and "95 % intervall" in nb
    est = fits[0].estimate
    assert (
        f"{est:.3f}".replace("-", "\u2212") in en
        and f"{est:.3f}".replace(".", ",").replace("-", "\u2212") in nb
    )


def test_html_and_latex_escape_names(fits):
    cmp = compare({"<script>alert(1)</script>": fits[0], "A & B_%": fits[2]})
    page = cmp._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &amp; B_%" in page
    tex = cmp.to_latex()
    assert tex.startswith("\\begin{tabular}{lrr}") and tex.rstrip().endswith("\\end{tabular}")
    assert r"A \& B\_\%" in tex and "<script>" not in tex
    assert r"95 \% interval" in tex
    assert tex.count(r"\\") == 1 + len(cmp.formatted())


def test_errors(fits):
    with pytest.raises(SpecificationError, match="2 names for 3"):
        compare(fits, names=["a", "b"])
    with pytest.raises(SpecificationError, match="distinct"):
        compare(fits[:2], names=["a", "a"])
    with pytest.raises(SpecificationError, match="not an effect result"):
        compare([fits[0], 3.0])
    with pytest.raises(SpecificationError):
        compare([])
