"""Utstyrsbu demo data: exact formats (lending log, Nettskjema CSV + elements) and planted effects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from fou_analysis import demo
from fou_analysis.demo import _utstyrsbu_survey as survey
from fou_analysis.demo._calibrate import expected_round_clip

FIXTURES = Path(__file__).parent / "fixtures"
UTLAN_HEADER = "Utlån-ID;Gjenstand;Kategori;Låner;Aldersgruppe;Utlånt;Levert"


@pytest.fixture(scope="module")
def utlan(raw: Path) -> pd.DataFrame:
    return pd.read_csv(
        raw / "utstyrsbu" / "utlan.csv", sep=";", encoding="utf-8", dtype=str, keep_default_na=False
    )


@pytest.fixture(scope="module")
def waves(raw: Path) -> dict[str, pd.DataFrame]:
    return {
        w: pd.read_csv(
            raw / "utstyrsbu" / f"survey_{w}.csv", sep=";", encoding="utf-8", dtype=str, keep_default_na=False
        )
        for w in ("pre", "post")
    }


def test_lending_log_header_dates_and_codes(raw: Path, utlan: pd.DataFrame) -> None:
    assert (raw / "utstyrsbu" / "utlan.csv").read_text(encoding="utf-8").split("\n", 1)[0] == UTLAN_HEADER
    out = pd.to_datetime(utlan["Utlånt"], format="%d.%m.%Y")
    assert out.min() >= pd.Timestamp("2019-01-01") and out.max() <= pd.Timestamp("2025-12-31")
    back = utlan.loc[utlan["Levert"] != "", "Levert"]
    pd.to_datetime(back, format="%d.%m.%Y")  # every non-empty Levert is dd.mm.yyyy
    assert set(utlan["Kategori"]) == {"Ski", "Skøyter", "Sykkel", "Telt", "Fiskeutstyr", "Fotball", "Friluft"}
    assert set(utlan["Aldersgruppe"]) == {"6-12", "13-15", "16-19", "20+"}
    assert (utlan["Levert"] == "").any()


def test_lending_log_has_the_documented_problems(utlan: pd.DataFrame) -> None:
    assert (
        utlan.duplicated().sum() == demo.PLANTED["utstyrsbu"]["data_problems"]["utlan_exact_duplicate_rows"]
    )
    unique = utlan.drop_duplicates()
    returned = unique[unique["Levert"] != ""]
    reversed_ = pd.to_datetime(returned["Levert"], format="%d.%m.%Y") < pd.to_datetime(
        returned["Utlånt"], format="%d.%m.%Y"
    )
    assert reversed_.sum() == demo.PLANTED["utstyrsbu"]["data_problems"]["utlan_levert_before_utlant"]
    share = (utlan.duplicated().sum() + reversed_.sum()) / len(utlan)
    assert 0.005 < share < 0.015  # "about 1 % of rows with problems"


def test_expected_monthly_counts_have_exactly_the_planted_level_change() -> None:
    truth = demo.generate("utstyrsbu")["truth_monthly"]
    truth = truth.assign(t=np.arange(len(truth)), mon=truth["month"].dt.month)
    fit = smf.ols("expected ~ t + post + C(mon)", data=truth).fit()
    assert fit.params["post"] == pytest.approx(12.0, abs=1e-9)
    assert fit.params["t"] == pytest.approx(0.1, abs=1e-9)
    assert truth.loc[truth["month"] < "2020-01-01", "expected"].mean() == pytest.approx(
        35 + 0.1 * 5.5, abs=1e-9
    )


@pytest.mark.simulation
def test_its_on_the_file_recovers_the_level_change(utlan: pd.DataFrame) -> None:
    # Poisson noise: the level-change estimate has se ≈ 2.8 loans/month; allow 3 se.
    month = pd.to_datetime(utlan.drop_duplicates()["Utlånt"], format="%d.%m.%Y").dt.to_period("M")
    counts = month.value_counts().sort_index().rename("n").to_frame()
    counts["t"] = np.arange(len(counts))
    counts["post"] = (counts.index >= pd.Period("2023-03", "M")).astype(int)
    counts["mon"] = counts.index.month
    fit = smf.ols("n ~ t + post + C(mon)", data=counts).fit()
    assert len(counts) == 84
    assert abs(fit.params["post"] - 12.0) < 3 * fit.bse["post"]


def test_nettskjema_csv_quotes_every_field_like_the_real_export(raw: Path) -> None:
    real = (FIXTURES / "data-123823-2025-08-20-1940.txt").read_text(encoding="utf-8").splitlines()
    field = r'"(?:[^"]|"")*"'
    line_re = re.compile(rf"{field}(?:;{field})*")
    assert all(line_re.fullmatch(line) for line in real)  # the pattern describes the real file
    for wave in ("pre", "post"):
        lines = (raw / "utstyrsbu" / f"survey_{wave}.csv").read_text(encoding="utf-8").splitlines()
        assert all(line_re.fullmatch(line) for line in lines)
        header = [h.strip('"') for h in lines[0].split(";")]
        assert header[:2] == ["$submission_id", "$created"] and header[-1] == "$answer_time_ms"


def test_survey_columns_values_and_timestamps(waves: dict[str, pd.DataFrame]) -> None:
    for wave, frame in waves.items():
        assert list(frame.columns) == list(survey.COLUMNS)
        created = pd.to_datetime(frame["$created"], format="ISO8601", utc=True)  # waves span a DST change
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", c) for c in frame["$created"])
        months = created.dt.tz_convert("Europe/Oslo").dt.month
        assert set(months) <= ({9, 10, 11} if wave == "pre" else {3, 4, 5})
        assert set(frame["aktivitet_dager"]) <= {str(d) for d in range(-1, 8)}
        assert set(frame["utgift_spart"]) <= {"1", "2", "3", "4", "5", "9"}
        assert set(frame["alder"]) <= {"1", "2", "3", "4"}
        lq = frame["livskvalitet"].astype(int)
        assert lq.between(0, 10).all()
        for col in [c for c in frame if c.startswith("aktiviteter.")]:
            assert set(frame[col]) <= {"0", "1"}
    assert (waves["pre"]["aktivitet_dager"] == "-1").any()


def test_survey_sizes_link_duplicates_and_test_submission(waves: dict[str, pd.DataFrame]) -> None:
    pre, post = waves["pre"], waves["post"]
    assert (pre["pseudonym"] == "TEST").sum() == 1 and (post["pseudonym"] == "TEST").sum() == 0
    real_pre = pre[pre["pseudonym"] != "TEST"]
    assert real_pre["pseudonym"].duplicated().sum() == 1
    assert post["pseudonym"].duplicated().sum() == 1
    assert real_pre["pseudonym"].nunique() == 160 and post["pseudonym"].nunique() == 125
    assert len(set(real_pre["pseudonym"]) & set(post["pseudonym"])) == 115
    assert pre["$submission_id"].is_unique and post["$submission_id"].is_unique


def test_elements_codebook_has_the_real_api_structure(raw: Path) -> None:
    real = json.loads((FIXTURES / "elements-123823.json").read_text(encoding="utf-8"))
    ours = json.loads((raw / "utstyrsbu" / "survey_elements.json").read_text(encoding="utf-8"))
    real_keys = list(real[0])
    real_option_keys = list(next(e for e in real if e["answerOptions"])["answerOptions"][0])
    assert all(list(e) == real_keys for e in ours)
    assert all(list(o) == real_option_keys for e in ours for o in e["answerOptions"])
    assert {e["elementType"] for e in ours} <= {e["elementType"] for e in real}
    by_id = {e["externalElementId"]: e for e in ours if e["externalElementId"]}
    assert by_id["pseudonym"]["elementType"] == "QUESTION"
    assert [e["elementType"] for e in (by_id["alder"], by_id["aktivitet_dager"], by_id["utgift_spart"])] == [
        "RADIO"
    ] * 3
    scale = by_id["livskvalitet"]
    assert scale["elementType"] == "LINEAR_SCALE" and (scale["minimumValue"], scale["maximumValue"]) == (
        0,
        10,
    )
    codes = {
        k: {o["externalAnswerOptionId"] for o in by_id[k]["answerOptions"]}
        for k in ("alder", "aktivitet_dager", "utgift_spart")
    }
    assert codes["alder"] == {"1", "2", "3", "4"}
    assert codes["aktivitet_dager"] == {str(d) for d in range(8)} | {"-1"}
    assert codes["utgift_spart"] == {"1", "2", "3", "4", "5", "9"}
    vet_ikke = [
        o["text"] for o in by_id["utgift_spart"]["answerOptions"] if o["externalAnswerOptionId"] == "9"
    ]
    assert vet_ikke == ["Vet ikke"]
    # every checkbox option has its CSV column, and no other aktiviteter.* column exists
    options = {f"aktiviteter.{o['externalAnswerOptionId']}" for o in by_id["aktiviteter"]["answerOptions"]}
    header = (raw / "utstyrsbu" / "survey_pre.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert options == {c.strip('"') for c in header.split(";") if c.startswith('"aktiviteter.')}
    assert (raw / "utstyrsbu" / "survey_elements.json").read_bytes()[-1:] == b"]"  # no newline, as the API


@pytest.mark.simulation
def test_latent_shift_makes_the_expected_observed_change_exact() -> None:
    akt, lq = survey.shifts()
    sd_post = np.hypot(survey.AKT_PRE[1], survey.AKTIVITET_CHANGE_SD)
    change = expected_round_clip(survey.AKT_PRE[0] + akt, sd_post, 0, 7) - expected_round_clip(
        *survey.AKT_PRE, 0, 7
    )
    assert change == pytest.approx(0.6, abs=1e-8)
    # Monte Carlo check of the closed form: 200 000 draws, se of the mean change ≈ 0.0035.
    latent = survey.latent_scores(200_000, np.random.default_rng(7))
    observed = np.clip(np.floor(latent + 0.5), 0, None)
    d_akt = observed["akt_post"].clip(upper=7) - observed["akt_pre"].clip(upper=7)
    d_lq = observed["lq_post"].clip(upper=10) - observed["lq_pre"].clip(upper=10)
    assert d_akt.mean() == pytest.approx(0.6, abs=0.015)
    assert d_lq.mean() == pytest.approx(0.4, abs=0.02)
    assert d_akt.std() == pytest.approx(1.5, abs=0.15) and d_lq.std() == pytest.approx(1.8, abs=0.15)


@pytest.mark.simulation
def test_paired_change_on_the_files_is_near_the_planted_value(waves: dict[str, pd.DataFrame]) -> None:
    # One sample of ~110 pairs: se ≈ 1.5/√110 ≈ 0.14 (0.17 for livskvalitet); allow 3 se.
    def last(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame["pseudonym"] != "TEST"].sort_values("$submission_id", key=lambda s: s.astype(int))
        return frame.drop_duplicates("pseudonym", keep="last").set_index("pseudonym")

    pairs = last(waves["pre"]).merge(
        last(waves["post"]), left_index=True, right_index=True, suffixes=("_pre", "_post")
    )
    for item, planted in (("aktivitet_dager", 0.6), ("livskvalitet", 0.4)):
        pre, post = pairs[f"{item}_pre"].astype(int), pairs[f"{item}_post"].astype(int)
        ok = (pre >= 0) & (post >= 0)
        diff = (post - pre)[ok]
        assert abs(diff.mean() - planted) < 3 * diff.std() / np.sqrt(len(diff))
