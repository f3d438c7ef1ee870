"""Impact-map texts in both report languages: ``{nb, en}`` in the plan, one text still valid."""

from __future__ import annotations

import pytest

from fou_analysis import value
from fou_analysis.config import ImpactRow
from fou_analysis.report.sections import value_map_table
from fou_analysis.value.sroi_result import before_after_notes

ROW = {
    "quantity": 100,
    "proxy_nok": 1500,
    "proxy_year": 2024,
    "proxy_source": "rental prices",
    "attribution": 0.1,
    "deadweight": 0.0,
}


def _rows(**texts: object) -> list[dict]:
    """One impact-map row as ``pipeline.impact_rows`` makes it from a plan row with ``texts``."""
    r = ImpactRow(**ROW, **texts)
    out = {
        k: ("" if v is None else v)
        for k, v in r.model_dump(exclude={"unit", "stakeholder", "outcome", "indicator"}).items()
    }
    for name in ("stakeholder", "outcome", "indicator"):
        out[name], out[f"{name}_en"] = r.text(name, "nb"), r.text(name, "en")
    return [out]


def test_a_single_text_still_validates_and_serves_both_languages() -> None:
    r = ImpactRow(**ROW, stakeholder="Familier", outcome="Sparte utgifter", indicator="Utlån")
    assert r.text("outcome", "nb") == r.text("outcome", "en") == "Sparte utgifter"
    m = value.load_impact_map(
        [
            {
                **ROW,
                "stakeholder": "Familier",
                "outcome": "Sparte utgifter",
                "indicator": "Utlån",
                "displacement": 0,
                "drop_off": 0,
                "duration_years": 1,
            }
        ]
    )
    assert m.labels_in("en") == m.labels == ["Familier: Sparte utgifter"]


def test_english_texts_reach_the_english_value_texts_only() -> None:
    rows = _rows(
        stakeholder={"nb": "Familier", "en": "Families"},
        outcome={"nb": "Sparte utgifter", "en": "Money saved"},
        indicator={"nb": "Utlån", "en": "Loans"},
    )
    m = value.load_impact_map(rows)
    assert m.labels_in("nb") == ["Familier: Sparte utgifter"] and m.labels_in("en") == [
        "Families: Money saved"
    ]
    s = value.sroi(m, investment=1_000_000, discount_rate=0)
    en, nb = str(s.summary("en")), str(s.summary("nb"))
    assert "Families: Money saved" in en and "Familier" not in en and "Sparte" not in en
    assert "Familier: Sparte utgifter" in nb and "Families" not in nb
    table_en = value_map_table(s.by_outcome, "en")
    assert list(table_en["Stakeholder"]) == ["Families"] and list(table_en["Outcome"]) == ["Money saved"]
    assert list(value_map_table(s.by_outcome, "nb")["Utfall"]) == ["Sparte utgifter"]
    be = value.break_even(m, investment=1_000_000, outcome_row=0, discount_rate=0.0)
    assert "'Families: Money saved'" in be.sentence("en") and "«Familier: Sparte utgifter»" in be.sentence(
        "nb"
    )


def test_results_made_before_english_texts_fall_back_to_the_one_text() -> None:
    m = value.load_impact_map(_rows(stakeholder="S", outcome="O", indicator="I"))
    s = value.sroi(m, investment=1_000, discount_rate=0)
    old = s.by_outcome.drop(columns=["stakeholder_en", "outcome_en", "indicator_en"])
    old = old.assign(deadweight_kept_before_after=True)
    assert before_after_notes(old, "en")[0].startswith("S: O:")
    assert list(value_map_table(old, "en")["Outcome"]) == ["O"]


@pytest.mark.parametrize("bad", [{"nb": "Familier"}, {"nb": "a", "en": "b", "de": "c"}])
def test_a_half_or_unknown_language_text_is_a_plan_error(bad: dict) -> None:
    with pytest.raises(ValueError):
        ImpactRow(**ROW, stakeholder=bad, outcome="o", indicator="i")


def test_tornado_bars_name_the_outcome_in_the_figures_language() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = _rows(
        stakeholder={"nb": "Familier", "en": "Families"},
        outcome={"nb": "Sparte utgifter", "en": "Money saved"},
        indicator="Utlån",
    )
    df = value.tornado(value.load_impact_map(rows), investment=100_000, relative_swing=0.2)
    names = {}
    for lang in ("nb", "en"):
        ax = value.plot_tornado(df, lang=lang)
        names[lang] = [t.get_text() for t in ax.get_yticklabels()]
        plt.close(ax.figure)
    assert names["en"] and all("Families: Money saved — " in n for n in names["en"] if "rate" not in n)
    assert all("Familier: Sparte utgifter — " in n for n in names["nb"] if "rente" not in n)
    assert not any("Familier" in n or "Sparte" in n for n in names["en"])
