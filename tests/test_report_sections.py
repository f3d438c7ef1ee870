"""Report sections: small cells are suppressed in published tables; numbers formatted per language."""

from __future__ import annotations

import pandas as pd
import pytest

from fou_analysis.config import Project, load_plan
from fou_analysis.exceptions import DataError
from fou_analysis.report import descriptive_tables, fmt_number, t
from fou_analysis.report.sections import value_map_table


@pytest.fixture
def plan(tmp_path):
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "cases", tmp_path / "cases")
    return load_plan("noen", project=Project.at(tmp_path))


def test_small_cells_are_hidden_with_secondary_suppression(plan) -> None:
    # 3 men in the Noen group: primary suppression, and one more cell in its row and column
    df = pd.DataFrame(
        {
            "gruppe": ["Noen"] * 3 + ["Noen"] * 20 + ["Sammenligning"] * 30 + ["Sammenligning"] * 25,
            "kjonn": ["M"] * 3 + ["K"] * 20 + ["M"] * 30 + ["K"] * 25,
        }
    )
    ((title, table, note),) = descriptive_tables(plan, {"followup": df}, "en")
    row = table.set_index("Group").loc["Noen"]  # the plan's English words for the categories
    assert row["Men"] == "–"  # 3 < 5
    assert row["Women"] == "–"  # else 23 - 20 = 3 recoverable from the total
    assert table.set_index("Group").loc["Total", "Total"] == "78"
    assert "Suppressed" in note and title.startswith("People with dementia")


def test_no_suppression_when_all_cells_are_large(plan) -> None:
    df = pd.DataFrame({"gruppe": ["Noen"] * 12 + ["Sammenligning"] * 14, "kjonn": ["M", "K"] * 13})
    ((_, table, _),) = descriptive_tables(plan, {"followup": df}, "nb")
    assert "–" not in table.to_numpy().ravel().tolist()
    assert "Totalt" in table["Gruppe"].tolist()


@pytest.mark.parametrize(
    ("lang", "header", "groups", "columns"),
    [
        ("nb", "Gruppe", ["Noen", "Sammenligning", "Totalt"], ["Gruppe", "Kvinner", "Menn", "Totalt"]),
        ("en", "Group", ["Noen", "Comparison", "Total"], ["Group", "Women", "Men", "Total"]),
    ],
)
def test_categories_and_row_header_in_the_plans_words(plan, lang, header, groups, columns) -> None:
    df = pd.DataFrame({"gruppe": ["Noen"] * 12 + ["Sammenligning"] * 14, "kjonn": ["M", "K"] * 13})
    ((_, table, _),) = descriptive_tables(plan, {"followup": df}, lang)
    assert list(table.columns) == columns and table[header].tolist() == groups
    # a value the plan does not name is shown as it is in the data
    df2 = df.assign(gruppe=["Annen"] * len(df))
    ((_, t2, _),) = descriptive_tables(plan, {"followup": df2}, lang)
    assert t2[header].tolist()[0] == "Annen"


def test_norwegian_number_format() -> None:
    assert fmt_number(12345.678, 1, "nb") == "12\u00a0345,7"
    assert fmt_number(12345.678, 1, "en") == "12,345.7"
    assert fmt_number(float("nan"), 1, "en") == "–"


def test_report_text_exists_in_both_languages_and_rejects_others() -> None:
    assert t("logic_model", "nb") == "Endringslogikk" and t("logic_model", "en") == "Logic model"
    with pytest.raises(ValueError):
        t("logic_model", "de")


def test_value_map_table_formats_shares_as_percent() -> None:
    by = pd.DataFrame(
        {"stakeholder": ["A"], "outcome": ["o"], "deadweight": [0.25], "present_value": [1234567.0]}
    )
    out = value_map_table(by, "nb")
    assert out.loc[0, "Dødvekt"] == "25 %"
    assert out.loc[0, "Nåverdi (kr)"] == "1\u00a0234\u00a0567"


@pytest.mark.parametrize("category", ["Totalt", "total ", "Sum"])
def test_a_category_named_like_the_total_is_refused_not_overwritten(plan, category) -> None:
    df = pd.DataFrame({"gruppe": ["Noen"] * 12 + [category] * 14, "kjonn": ["M", "K"] * 13})
    with pytest.raises(DataError, match=f"category {category!r} is named like a total") as err:
        descriptive_tables(plan, {"followup": df}, "nb")
    assert err.value.column == "gruppe"
    df = pd.DataFrame({"gruppe": ["Noen", "Sammenligning"] * 13, "kjonn": ["K"] * 13 + ["Total"] * 13})
    with pytest.raises(DataError, match="'Total'") as err:
        descriptive_tables(plan, {"followup": df}, "en")
    assert err.value.column == "kjonn"
