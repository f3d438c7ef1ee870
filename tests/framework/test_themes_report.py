"""Issue #11.3: the free-text answers of a demo case are coded into the plan's themes and shown as
counts in the case report (small counts hidden, no answer text shown), in nb and en."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fou_analysis import SpecificationError, demo, pipeline
from fou_analysis.config import Project, load_plan
from fou_analysis.demo import _utstyrsbu_survey as us
from fou_analysis.framework import code_themes, themes_section

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("themes")
    shutil.copytree(ROOT / "cases", root / "cases")
    demo.write_demo(root, cases=["utstyrsbu"])
    project = Project.at(root)
    plan = load_plan("utstyrsbu", project=project)
    return plan, pipeline.prepare(plan, project, write=False).tables


def _expected(answers: pd.Series) -> tuple[dict[str, int], int, int]:
    """Counts per theme from the themes each invented phrase was written to fall under."""
    meant = {text: themes for text, themes, _ in us.COMMENTS}
    given = [a for a in answers.dropna().astype(str).str.strip() if a]
    counts = {th: sum(th in meant[a] for a in given) for _, themes, _ in us.COMMENTS for th in themes}
    return counts, sum(not meant[a] for a in given), len(given)


def test_a_demo_case_declares_a_codebook_and_has_free_text(prepared) -> None:
    plan, tables = prepared
    assert plan.themes is not None and plan.themes.column in tables[plan.themes.table].columns
    answers = tables[plan.themes.table][plan.themes.column]
    share = (answers.fillna("").astype(str).str.strip() != "").mean()
    # ≈ COMMENT_SHARE of ~290 submissions: a binomial sd of ≈ 0.03, so 4 sd either side
    assert abs(share - us.COMMENT_SHARE) < 0.12
    # every phrase the demo writes is known, and every theme it is meant for is in the plan
    assert set(answers.dropna()) - {""} <= {t for t, _, _ in us.COMMENTS}
    assert {th for _, ths, _ in us.COMMENTS for th in ths} == {t.id for t in plan.themes.themes}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_plans_codebook_codes_each_phrase_into_the_themes_it_was_written_for(prepared, lang) -> None:
    plan, tables = prepared
    answers = tables[plan.themes.table][plan.themes.column]
    counts, other, total = _expected(answers)
    out = code_themes(answers, plan.themes, lang, n_min=plan.small_cell_min)
    got = out.set_index(out.columns[0]).iloc[:, 0]
    secondary = {c[0] for c in out.attrs["suppressed_cells"] if c[2] == "secondary"}
    shown = 0
    for th in plan.themes.themes:
        label, want = th.label.get(lang), counts[th.id]
        if pd.isna(got[label]):  # hidden: too small, or hidden to protect a small one
            assert want < plan.small_cell_min or label in secondary
        else:
            assert got[label] == want
            shown += 1
    assert shown >= 4  # the demo shows something
    assert got["Annet" if lang == "nb" else "Other"] == other
    assert got["Totalt" if lang == "nb" else "Total"] == total


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_case_report_section_shows_counts_not_answers(prepared, lang: str) -> None:
    plan, tables = prepared
    out = str(themes_section(plan, tables, lang))
    assert ("Temaer i fritekstsvarene" if lang == "nb" else "Themes in the free-text answers") in out
    for th in plan.themes.themes:
        assert html.escape(th.label.get(lang)) in out and html.escape(", ".join(th.keywords)) in out
    for text, _, _ in us.COMMENTS:
        assert html.escape(text) not in out  # no answer is shown
    assert ("Tall under 5 vises ikke" if lang == "nb" else "Counts below 5 are not shown") in out
    no_themes = plan.model_copy(update={"themes": None})
    assert str(themes_section(no_themes, tables, lang)) == ""


def test_a_column_the_plan_names_but_the_table_lacks_is_a_plan_mistake(prepared) -> None:
    plan, tables = prepared
    wrong = plan.model_copy(update={"themes": plan.themes.model_copy(update={"column": "komentar"})})
    with pytest.raises(SpecificationError, match=r"cases/utstyrsbu.yaml: themes: .*komentar"):
        themes_section(wrong, tables, "nb")


def test_text_in_the_codebook_is_escaped(prepared) -> None:
    plan, tables = prepared
    evil = plan.themes.themes[0].model_copy(
        update={"label": plan.themes.themes[0].label.model_copy(update={"nb": "<script>x</script>"})}
    )
    book = plan.themes.model_copy(update={"themes": [evil, *plan.themes.themes[1:]]})
    out = str(themes_section(plan.model_copy(update={"themes": book}), tables, "nb"))
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_hidden_counts_show_as_a_dash_with_the_note() -> None:
    from fou_analysis.config import ThemeCodebook

    plan = load_plan("utstyrsbu", project=Project.at(ROOT))
    book = ThemeCodebook.model_validate(
        {
            "table": "t",
            "column": "c",
            "themes": [
                {"id": "a", "label": {"nb": "Trygghet", "en": "Safety"}, "keywords": ["trygg"]},
                {"id": "b", "label": {"nb": "Venner", "en": "Friends"}, "keywords": ["venn"]},
            ],
        }
    )
    answers = pd.DataFrame({"c": ["trygg her"] * 12 + ["venner"] * 8 + ["annet svar"]})
    out = str(themes_section(plan.model_copy(update={"themes": book}), {"t": answers}, "en"))
    cells = [c.strip() for c in out.split("<td>")[1:]]
    assert cells[0].startswith("Safety") and cells[1].startswith("12<")
    assert cells[3].startswith("Friends") and cells[4].startswith("–<")  # secondary
    assert cells[6].startswith("Other") and cells[7].startswith("–<")  # 1 answer
    assert "below 5" in out
