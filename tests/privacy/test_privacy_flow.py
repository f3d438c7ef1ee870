"""suppress_flow: bad flow tables are refused; chains break where rows in ≠ the previous rows out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fou_analysis.exceptions import DataError, SpecificationError
from fou_analysis.privacy import suppress_flow


def _flow(**cols) -> pd.DataFrame:
    base = {"source": "a.csv", "rows_in": [100, 97], "rows_out": [97, 80], "dropped": [3, 17], "changed": 0}
    return pd.DataFrame({**base, **cols})


def test_bad_flow_tables() -> None:
    with pytest.raises(SpecificationError, match="lacks"):
        suppress_flow(_flow().drop(columns="changed"))
    with pytest.raises(DataError, match="non-negative") as err:
        suppress_flow(_flow(changed=[0, -2]))
    assert (err.value.row, err.value.column) == (3, "changed")
    with pytest.raises(SpecificationError):
        suppress_flow(_flow(), n_min=0)


def test_steps_that_do_not_chain_are_protected_one_by_one() -> None:
    # second step starts from another table (90 ≠ 97): two runs of one step each
    out, hidden = suppress_flow(_flow(rows_in=[100, 90], rows_out=[97, 73]))
    assert hidden["dropped"].tolist() == [True, False]
    assert hidden["rows_out"].tolist() == [True, False]  # 100 − 97 would give the 3 back
    assert out.loc[1, ["rows_in", "rows_out", "dropped"]].tolist() == [90, 73, 17]
    assert not np.isnan(out.loc[0, "rows_in"])
