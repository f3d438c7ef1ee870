"""Error messages never show an identifier in clear (#9.2): DataError and the ``fou`` command."""

from __future__ import annotations

import subprocess
import sys
import traceback
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from fou_analysis import DataError, privacy
from fou_analysis.clean import CleaningLog
from fou_analysis.pipeline.recipes import get_recipe

FNR = privacy.synthetic_fnr(date(1985, 4, 15), 102)
assert FNR is not None and privacy.valid_fnr(FNR)


def test_mask_identifiers_masks_what_scan_finds_and_nothing_else() -> None:
    text = f"bad value {FNR[:6]}\u00a0{FNR[6:]}; ola@bærum.no; tlf 912 34 567; 2024-03-04; n = 1 234 567"
    masked = privacy.mask_identifiers(text)
    assert len(masked) == len(text)
    assert FNR[:6] not in masked and "ola@bærum.no" not in masked and "912 34 567" not in masked
    assert f"{FNR[:2]}****\u00a0*****" in masked
    assert masked.endswith("; 2024-03-04; n = 1 234 567")  # ordinary numbers untouched
    assert privacy.mask_identifiers("nothing here 12.5") == "nothing here 12.5"


def test_identity_number_in_a_date_column_is_masked_in_the_error() -> None:
    df = pd.DataFrame(
        {
            "pseudonym": ["N-1", "N-2"],
            "gruppe": ["Noen", "Noen"],
            "startdato": ["01.02.2022", FNR],  # typed into the wrong column
            "sykehjem_dato": [None, None],
            "slutt_oppfolging": ["01.02.2024", "01.02.2024"],
        }
    )
    df.attrs["fou"] = {"source": "data/raw/noen/tjenestedata.csv"}
    with pytest.raises(DataError) as info:
        get_recipe("service_records")({"services": df}, {}, CleaningLog())
    err = info.value
    shown = [str(err), err.message, "".join(traceback.format_exception(err))]
    for text in shown:
        assert FNR not in text
    assert "row 3" in str(err) and "'startdato'" in str(err) and "tjenestedata" in str(err)
    assert f"'{FNR[:2]}{'*' * 9}'" in str(err)  # masked, same length
    assert err.row == 3 and err.column == "startdato"


def test_data_error_masks_email_and_phone_too_but_keeps_ordinary_text() -> None:
    err = DataError(
        "not an integer: 'kari@bærum.no' or '+47 912 34 567'", file="a.csv", row=12, column="alder"
    )
    assert "kari@bærum.no" not in str(err) and "912 34 567" not in str(err)
    assert str(err).startswith("file a.csv, row 12, column 'alder': not an integer: 'ka")
    plain = DataError("expected 12 columns, found 13", file="data/raw/noen/tjenestedata.csv", row=4)
    assert str(plain) == "file data/raw/noen/tjenestedata.csv, row 4: expected 12 columns, found 13"


def test_the_command_line_masks_values_quoted_from_the_data(tmp_path: Path) -> None:
    """``fou validate`` lists every problem with the offending value: masked on stderr."""
    from fou_analysis import demo

    root = Path(__file__).resolve().parents[2]
    demo.write_demo(tmp_path, cases=["noen"])
    (tmp_path / "cases").mkdir(exist_ok=True)
    (tmp_path / "cases" / "noen.yaml").write_text((root / "cases" / "noen.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "data" / "raw" / "noen" / "tjenestedata.csv"
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    raw.loc[1, "startdato"] = FNR
    raw.to_csv(path, sep=";", index=False)
    res = subprocess.run(
        [sys.executable, "-m", "fou_analysis.cli", "validate", "noen", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 1
    assert FNR not in res.stderr + res.stdout
    assert "startdato" in res.stderr and f"{FNR[:2]}{'*' * 9}" in res.stderr, res.stderr
