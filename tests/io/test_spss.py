"""SPSS/Stata reader (synthetic fixtures written with pyreadstat by make_fixtures.py)."""

from __future__ import annotations

import pytest
from io_fixture_paths import FORMATS

from fou_analysis import io


@pytest.mark.parametrize("name", ["survey.sav", "survey.dta"])
def test_values_and_labels(name):
    df = io.read_spss(FORMATS / "spss" / name)
    meta = df.attrs["fou"]
    assert df.shape == (8, 5)
    assert meta["format"] == ("spss" if name.endswith(".sav") else "stata")
    assert meta["labels"]["kjonn"] == {1: "Kvinne", 2: "Mann"}
    assert meta["labels"]["fornoyd"] == {1: "Svært misfornøyd", 5: "Svært fornøyd"}
    assert meta["variable_labels"]["kjonn"] == "Kjønn"
    assert str(df["fornoyd"].dtype) == "Int64" and df["fornoyd"].isna().tolist()[2]
    assert df["kjonn"].tolist() == [1, 2, 2, 1, 1, 2, 1, 2]
    assert df.loc[3, "kommune"] == "Inderøy"
    labelled = io.apply_labels(df)
    assert labelled["kjonn"].tolist()[:2] == ["Kvinne", "Mann"]
    # unlabelled middle points keep their code as text
    got = labelled["fornoyd"].astype(object).where(labelled["fornoyd"].notna(), None).tolist()
    assert got[:5] == ["Svært fornøyd", "4", None, "Svært misfornøyd", "3"]
    assert io.detect_format(FORMATS / "spss" / name) == "spss"
