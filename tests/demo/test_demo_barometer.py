"""Demo barometer answers: written as a Nettskjema export, read back with the codebook, reshaped
by framework.barometer_long, and the barometer recovers the planted gaps within their intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fou_analysis import DataError, demo, framework, io
from fou_analysis.demo.barometer import PLANTED_BAROMETER, barometer_files, write_barometer

CASES = ("utstyrsbu", "noen", "friskgarden")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("barometer")
    write_barometer(root)
    return root


@pytest.fixture(scope="module")
def results(written: Path) -> dict[str, framework.BarometerResult]:
    out = {}
    for case in CASES:
        df = io.read_nettskjema(
            written / case / "barometer.csv", codebook=written / case / "barometer_elements.json"
        )
        out[case] = framework.barometer(framework.barometer_long(df, partnership=case, wave="runde"))
    return out


def test_export_is_deterministic_and_part_of_the_demo_set():
    assert barometer_files("noen", seed=3) == barometer_files("noen", seed=3)
    assert barometer_files("noen", seed=3) != barometer_files("noen", seed=4)
    rendered = demo.render("noen", seed=3)
    for name, data in barometer_files("noen", seed=3).items():
        assert rendered[name] == data
    assert demo.PLANTED_BAROMETER is PLANTED_BAROMETER


def test_read_back_has_the_planted_respondents_and_missing_answers(written: Path):
    case = "utstyrsbu"
    df = io.read_nettskjema(
        written / case / "barometer.csv", codebook=written / case / "barometer_elements.json"
    )
    n = PLANTED_BAROMETER[case]["respondents"]
    assert len(df) == sum(n[w][s] for w in (1, 2) for s in ("kommune", "partner"))
    long = framework.barometer_long(df, partnership=case, wave="runde")
    assert len(long) == len(df) * 24
    # 9 = "Vet ikke" and empty cells both become missing scores: about 6 % of the answers
    share = long["score"].isna().mean()
    assert 0.02 < share < 0.12
    assert long["source_row"].min() == 2 and long["source_row"].max() == len(df) + 1


@pytest.mark.simulation
def test_barometer_recovers_the_planted_gaps(results):
    """Each case's planted headline gap lies inside its 95 % interval in every wave where both
    sides are shown; over all 40 shown intervals (3 cases x 2 waves x 8 dimensions, less the
    suppressed wave), at most 7 miss their planted value (expected 2 at 95 %; for a correct
    interval P(8 or more misses) = binom.sf(7, 40, 0.05) = 0.07 %)."""
    misses = total = 0
    for case in CASES:
        planted = PLANTED_BAROMETER[case]
        gaps = results[case].gaps
        for _, row in gaps[~gaps["suppressed"]].iterrows():
            truth = planted["gaps"][row["wave"]][row["dimension"]]
            inside = row["ci_low"] <= truth <= row["ci_high"]
            misses += not inside
            total += 1
            if row["dimension"] in planted["latent_gap"]:
                assert inside, (case, row.to_dict(), truth)
    assert total == 40
    assert misses <= 7  # a correct interval misses 8 or more of 40 with probability 0.07 %


def test_the_small_side_is_suppressed_where_it_was_planted(results):
    gaps = results["friskgarden"].gaps
    assert gaps.loc[gaps["wave"] == 1, "suppressed"].all()
    assert not gaps.loc[gaps["wave"] == 2, "suppressed"].any()
    assert PLANTED_BAROMETER["friskgarden"]["suppressed_at_n_min_3"] == [(1, "partner")]


@pytest.mark.simulation
def test_barometer_recovers_the_planted_change(results):
    """Utstyrsbu's readiness for operation (drift) rises on both sides; the planted change lies
    inside both 95 % intervals."""
    ch = results["utstyrsbu"].changes.set_index(["side", "dimension"])
    for side in ("kommune", "partner"):
        truth = PLANTED_BAROMETER["utstyrsbu"]["changes"][side]["drift"]
        row = ch.loc[(side, "drift")]
        assert row["ci_low"] <= truth <= row["ci_high"]
        assert truth > 0.5


def test_a_bad_code_in_the_export_names_file_row_and_column(written: Path, tmp_path: Path):
    src = written / "noen" / "barometer.csv"
    lines = src.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(";")
    col = header.index('"barometer.til_2"')
    cells = lines[4].split(";")
    cells[col] = '"7"'
    lines[4] = ";".join(cells)
    bad = tmp_path / "barometer.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    df = io.read_nettskjema(bad)  # without the codebook the reader lets the 7 through
    with pytest.raises(DataError) as err:
        framework.barometer_long(df, partnership="noen", wave="runde")
    assert (err.value.row, err.value.column) == (5, "barometer.til_2")
    assert err.value.file == str(bad)
    with pytest.raises(DataError) as err:  # with the codebook the reader itself refuses it
        io.read_nettskjema(bad, codebook=written / "noen" / "barometer_elements.json")
    assert err.value.row == 5


def test_side_codes_and_partnership_column():
    import pandas as pd

    wide = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "hvem": [1, 2, 3],
            "prosjekt": ["a", "a", "b"],
            "barometer.lik_1": [4, 3, np.nan],
        }
    )
    long = framework.barometer_long(
        wide.iloc[:2],
        partnership_column="prosjekt",
        side="hvem",
        side_codes={1: "kommune", 2: "partner"},
        respondent="id",
    )
    assert list(long["side"]) == ["kommune", "partner"] and list(long["partnership"]) == ["a", "a"]
    with pytest.raises(DataError) as err:
        framework.barometer_long(
            wide, partnership="x", side="hvem", side_codes={1: "kommune", 2: "partner"}, respondent="id"
        )
    assert (err.value.row, err.value.column) == (4, "hvem")
