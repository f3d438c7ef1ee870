"""Evidence grades (Maryland SMS) and the reader's n: the mapping, the downgrade rule, the words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _effect_results import effect_result
from fou_analysis import effects
from fou_analysis.effects import Diagnostic
from fou_analysis.effects.evidence import BASE_LEVEL, grade, reader_n
from fou_analysis.exceptions import SpecificationError


def _result(*verdicts: str, n: int = 100, n_treated: int | None = None, n_control: int | None = None):
    diags = tuple(Diagnostic(f"check_{i}", None, v) for i, v in enumerate(verdicts))
    return effect_result(n=n, n_treated=n_treated, n_control=n_control, diagnostics=diags)


@pytest.mark.parametrize(
    ("design", "level"),
    [
        ("prepost", 2),
        ("its", 2),
        ("survival", 2),
        ("did", 3),
        ("event_study", 3),
        ("staggered_did", 3),
        ("synthetic_control", 3),
        ("synthetic_did", 3),
        ("weighting", 3),
        ("rct", 5),
    ],
)
def test_each_design_has_its_documented_base_level(design: str, level: int) -> None:
    g = grade(_result("ok", "warn", "info"), design)
    assert (g.base, g.level, g.failed) == (level, level, ())


def test_every_plan_design_is_graded() -> None:
    from fou_analysis.config import DESIGNS

    assert set(DESIGNS) <= set(BASE_LEVEL)


def test_each_failed_diagnostic_costs_one_level_and_never_below_one() -> None:
    assert grade(_result("fail"), "did").level == 2
    assert grade(_result("fail", "fail"), "did").level == 1
    assert grade(_result("fail", "fail", "fail"), "did").level == 1
    assert grade(_result("fail"), "prepost").level == 1
    g = grade(_result("ok", "fail"), "weighting")
    assert g.failed == ("check_1",)
    # the failed check is named as readers see it (no ids with underscores), in both languages
    assert "check 1" in g.meaning("en") and "level 3" in g.meaning("en") and "check_1" not in g.meaning("en")
    assert "check 1" in g.meaning("nb") and "nivå 3" in g.meaning("nb")
    assert "because a check fails" in g.meaning("en") and "fordi en kontroll" in g.meaning("nb")


def test_the_meaning_counts_the_failed_checks_it_names() -> None:
    """Two failed checks cost two levels; the sentence must not say "a check" before naming two."""
    g = grade(_result("fail", "fail"), "did")
    assert "because checks fail (check 0, check 1)" in g.meaning("en")
    assert "fordi flere kontroller ikke holder (check 0, check 1)" in g.meaning("nb")


def test_unknown_design_is_a_specification_error() -> None:
    with pytest.raises(SpecificationError, match="no evidence level for design 'rdd'"):
        grade(_result(), "rdd")


def test_before_after_is_never_called_causal_and_lists_its_threats() -> None:
    rng = np.random.default_rng(1)
    pre = rng.normal(5, 1, 60)
    df = pd.DataFrame(
        {
            "id": np.tile(np.arange(60), 2),
            "wave": ["pre"] * 60 + ["post"] * 60,
            "y": np.r_[pre, pre + 0.5 + rng.normal(0, 1, 60)],
        }
    )
    res = effects.prepost(df, outcome="y", subject="id", wave="wave", pre="pre", post="post")
    g = grade(res, "prepost")
    assert not g.causal and g.level <= 2
    assert "ikke en årsakseffekt" in g.label("nb") and "not a causal effect" in g.label("en")
    for lang, words in (
        ("nb", ("regresjon mot gjennomsnittet", "modning", "historie")),
        ("en", ("regression to the mean", "maturation", "history")),
    ):
        assert all(w in g.caveat(lang) for w in words)
    assert grade(res, "did").caveat("en") == "" and grade(res, "did").causal
    # the result's own sentence says it too, wherever it is shown (notebooks, portfolio)
    assert "not a causal effect" in res.sentence("en") and "ikke en årsakseffekt" in res.sentence("nb")


def test_badge_is_escaped_and_bilingual() -> None:
    g = grade(_result("fail"), "did")
    g = type(g)(design=g.design, base=g.base, level=g.level, failed=("<script>",))
    b = g.badge("en")
    assert "<script>" not in b and "&lt;script&gt;" in b
    assert "Evidence level 2 of 5" in b and "Evidensnivå 2 av 5" in g.badge("nb")


def test_reader_n_counts_units_in_a_panel_not_unit_periods() -> None:
    panel = _result(n=63_000, n_treated=150, n_control=600)
    rn = reader_n(panel, "staggered_did")
    assert (rn.count, rn.observations) == (750, 63_000)
    assert rn.text("en") == "750 persons (63,000 observations)"
    assert rn.text("nb").startswith("750 personer")
    # a cross-section already counts persons; the panel rule does not apply
    cross = reader_n(_result(n=209, n_treated=70, n_control=139), "weighting")
    assert (cross.count, cross.text("en")) == (209, "209 persons")
    assert reader_n(_result(n=40, n_treated=1, n_control=39), "synthetic_control").unit[1] == "municipalities"


@pytest.mark.parametrize(
    ("cls", "nb", "en"),
    [
        ("ItsResult", "enn trenden før endringen tilsa", "than the trend before the change predicted"),
        ("SyntheticControlResult", "syntetisk sammenligningskommune", "synthetic comparison municipality"),
        ("SyntheticDidResult", "syntetisk sammenligningskommune", "synthetic comparison municipality"),
    ],
)
def test_designs_that_cannot_show_the_counterfactual_do_not_claim_it(cls: str, nb: str, en: str) -> None:
    from fou_analysis.effects import _its_model, _synth_results

    klass = getattr(_its_model, cls, None) or getattr(_synth_results, cls)
    res = klass(
        method="x", estimand="e", outcome="y", estimate=1.0, se=0.5, ci=(0.1, 1.9), p_value=0.04, n=10
    )
    assert nb in res.sentence("nb") and en in res.sentence("en")
    assert "uten tiltaket" not in res.sentence("nb") and "without the initiative" not in res.sentence("en")
    # the designs with a comparison group keep the counterfactual wording
    assert "without the initiative" in _result().sentence("en")
