"""Cached reads for the io tests (the real SurveyXact workbook takes ~3 s to read)."""

from __future__ import annotations

import pytest
from io_fixture_paths import SX, snapshot


@pytest.fixture(scope="session")
def sx_xlsx_read():
    """The real SurveyXact workbook read once, with a snapshot taken before and after."""
    from fou_analysis import io

    path = SX / "ex_survey2.xlsx"
    before = snapshot(SX)
    df = io.read_surveyxact(path)
    return df, before, snapshot(SX)


@pytest.fixture(scope="session")
def sx_semicolon():
    from fou_analysis import io

    return io.read_surveyxact(SX / "ex_survey2_semicolon_ansi")
