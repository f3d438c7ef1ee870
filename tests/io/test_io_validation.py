"""problems()/validate_frame(): every failure listed with file, row (header = 1), column, check."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from io_fixture_paths import NETTSKJEMA_CODEBOOK, NETTSKJEMA_CSV, SX

from fou_analysis import DataError, SpecificationError, io


@pytest.fixture(scope="module")
def ns():
    return io.read_nettskjema(NETTSKJEMA_CSV, codebook=NETTSKJEMA_CODEBOOK)


SCHEMA = pa.DataFrameSchema(
    {
        "radio": pa.Column(int, pa.Check.isin([1])),
        "slider": pa.Column(int, pa.Check.le(5)),
        "respondent_group": pa.Column(str),
    }
)


def test_problems_lists_everything_with_file_rows(ns):
    found = io.problems(ns, SCHEMA)
    assert all(isinstance(p, io.Problem) for p in found)
    assert all(p.file == str(NETTSKJEMA_CSV) for p in found)
    by = {(p.row, p.column) for p in found}
    # radio = -1 in data rows 2 and 3 → file rows 3 and 4; slider 9 in data row 3 → file row 4
    assert by == {(None, "respondent_group"), (3, "radio"), (4, "radio"), (4, "slider")}
    missing = next(p for p in found if p.column == "respondent_group")
    assert "missing" in missing.message
    slider = next(p for p in found if p.column == "slider")
    assert "9" in slider.message and "less_than_or_equal_to(5)" in slider.message
    assert str(slider).startswith(f"file {NETTSKJEMA_CSV}, row 4, column 'slider'")


def test_validate_frame_raises_one_error_listing_all(ns):
    with pytest.raises(DataError) as ei:
        io.validate_frame(ns, SCHEMA, file="survey.txt")
    msg = str(ei.value)
    assert "4 problem(s)" in msg
    assert "row 3, column 'radio'" in msg and "row 4, column 'slider'" in msg
    assert ei.value.file == "survey.txt"


def test_valid_frame_passes_and_single_problem_sets_row(ns):
    ok = pa.DataFrameSchema({"radio": pa.Column(int, pa.Check.isin([1, -1]))})
    assert io.problems(ns, ok) == []
    assert io.validate_frame(ns, ok) is ns
    one = pa.DataFrameSchema({"slider": pa.Column(int, pa.Check.le(5))})
    with pytest.raises(DataError) as ei:
        io.validate_frame(ns, one)
    assert (ei.value.row, ei.value.column) == (4, "slider")


def test_row_numbers_survive_filtering(ns):
    sub = ns[ns["radio"] == -1]
    found = io.problems(sub, pa.DataFrameSchema({"slider": pa.Column(int, pa.Check.le(5))}))
    assert [(p.row, p.column) for p in found] == [(4, "slider")]


def test_split_workbook_rows_name_the_sheet():
    df = io.read_surveyxact(SX / "ex_survey2_split.xlsx")
    schema = pa.DataFrameSchema({"s_2": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4]), nullable=True)})
    found = io.problems(df, schema)
    assert found, "the sample has s_2 = 5 answers"
    second_sheet = [p for p in found if "Dataset(2)" in p.message]
    assert second_sheet and all(2 <= p.row <= 16 for p in second_sheet)
    positions = df.index[df["s_2"].isin([5, 6]).fillna(False)].tolist()
    first = positions[0]
    assert found[0].row == first + 2 and "Dataset(1)" in found[0].message


def test_frame_without_metadata_reports_index():
    df = pd.DataFrame({"x": [1, -1]})
    found = io.problems(df, pa.DataFrameSchema({"x": pa.Column(int, pa.Check.ge(0))}), file="own.csv")
    assert found[0].row is None and "frame index 1" in found[0].message and found[0].file == "own.csv"


def test_schema_must_be_pandera():
    with pytest.raises(SpecificationError):
        io.problems(pd.DataFrame({"x": [1]}), {"x": int})
