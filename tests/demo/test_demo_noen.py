"""Noen demo data: service records, SurveyXact caregiver export, and the planted effects."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.duration.hazard_regression import PHReg

from fou_analysis.demo import _noen_survey, noen

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "pseudonym;gruppe;alder;kjonn;bor_alene;mmse_inntak;startdato;sykehjem_dato;slutt_oppfolging"


def _records(text: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype={"sykehjem_dato": str}, keep_default_na=False)
    for col in ("startdato", "slutt_oppfolging"):
        frame[col] = pd.to_datetime(frame[col], format="%d.%m.%Y")
    frame["admitted"] = frame["sykehjem_dato"] != ""
    frame["years"] = (frame["slutt_oppfolging"] - frame["startdato"]).dt.days / 365.25
    frame["noen"] = (frame["gruppe"] == "Noen").astype(int)
    return frame


@pytest.fixture(scope="module")
def records(raw: Path) -> pd.DataFrame:
    text = (raw / "noen" / "tjenestedata.csv").read_text(encoding="utf-8")
    assert text.split("\n", 1)[0] == HEADER
    return _records(text)


@pytest.fixture(scope="module")
def dataset(raw: Path) -> pd.DataFrame:
    return pd.read_csv(raw / "noen" / "parorende" / "dataset.csv", sep=";", encoding="cp1252")


def test_service_records_values_and_censoring(records: pd.DataFrame) -> None:
    assert (records["gruppe"].value_counts() == pd.Series({"Sammenligning": 180, "Noen": 90})).all()
    assert set(records["kjonn"]) == {"K", "M"} and set(records["bor_alene"]) == {0, 1}
    assert records["mmse_inntak"].between(0, 30).all()
    assert records["startdato"].between("2021-01-01", "2024-12-31").all()
    assert (records["slutt_oppfolging"] <= "2025-12-31").all() and (records["years"] >= 0).all()
    admitted = records[records["admitted"]]
    assert (
        pd.to_datetime(admitted["sykehjem_dato"], format="%d.%m.%Y") == admitted["slutt_oppfolging"]
    ).all()
    censored = records[~records["admitted"]]
    assert (censored["slutt_oppfolging"] == "2025-12-31").mean() > 0.5  # most reach the end of the study
    assert (censored["slutt_oppfolging"] < "2025-12-31").any()  # some die or move


def test_selection_noen_users_are_older_alone_more_and_lower_mmse(records: pd.DataFrame) -> None:
    means = records.groupby("gruppe")[["alder", "bor_alene", "mmse_inntak"]].mean()
    assert means.loc["Noen", "alder"] > means.loc["Sammenligning", "alder"] + 1
    assert means.loc["Noen", "bor_alene"] > means.loc["Sammenligning", "bor_alene"] + 0.1
    assert means.loc["Noen", "mmse_inntak"] < means.loc["Sammenligning", "mmse_inntak"] - 1


@pytest.mark.simulation
def test_cox_model_recovers_the_planted_hazard_ratio_pooled_over_seeds() -> None:
    # One demo sample has ~110 admissions (power ≈ 0.2, as documented); pooling 8 seeds gives
    # ~850 admissions, se(log HR) ≈ 0.075; allow 3 se around log(0.8).
    frames = []
    for seed in range(1, 9):
        text = io.StringIO()
        noen.service_records(seed)[0].to_csv(text, sep=";", index=False)
        frames.append(_records(text.getvalue()))
    data = pd.concat(frames, ignore_index=True)
    exog = data[["noen", "alder", "bor_alene", "mmse_inntak"]].astype(float)
    fit = PHReg(data["years"].to_numpy(), exog, status=data["admitted"].astype(int).to_numpy()).fit()
    log_hr, se = fit.params[0], fit.bse[0]
    assert abs(log_hr - np.log(0.8)) < 3 * se
    assert se < 0.1


def test_power_statement_matches_the_schoenfeld_formula() -> None:
    # 700 events with 1/3 treated: z = sqrt(700·2/9)·|log 0.8| ≈ 2.78 → power ≈ 0.80.
    assert noen.approximate_power(700, 1 / 3) == pytest.approx(0.80, abs=0.02)
    assert noen.approximate_power(100, 1 / 3) < 0.25


def test_surveyxact_tables_have_the_real_format(raw: Path, dataset: pd.DataFrame) -> None:
    folder = raw / "noen" / "parorende"
    real_header = (FIXTURES / "surveyxact_structure.csv").read_bytes().split(b"\n", 1)[0]
    structure_bytes = (folder / "structure.csv").read_bytes()
    assert structure_bytes.split(b"\n", 1)[0] == real_header
    assert b"\r\n" not in structure_bytes and not structure_bytes.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        structure_bytes.decode("utf-8")  # cp1252 bytes for æøå, as the semicolon_ansi export
    structure = pd.read_csv(
        folder / "structure.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False
    )
    labels = pd.read_csv(folder / "labels.csv", sep=";", encoding="cp1252", header=None, dtype=str)
    real_labels = pd.read_csv(
        FIXTURES / "surveyxact_labels.csv", sep=";", encoding="cp1252", header=None, dtype=str
    )
    assert labels.shape[1] == real_labels.shape[1] == 3
    assert list(dataset.columns) == list(structure["variableName"])
    single = structure[structure["subType"] == "Single"]
    assert (single["choiceValue"] == "").all() and set(single["questionType"]) == {"Closed"}
    kontakt = structure[structure["questionName"] == "kontakt"]
    assert list(kontakt["variableName"]) == ["kontakt_1", "kontakt_2", "kontakt_3", "kontakt_4"]
    assert list(kontakt["choiceValue"]) != sorted(kontakt["choiceValue"])  # not in option order
    assert set(labels.loc[labels[0] == "qol_01", 1]) == {"1", "2", "3", "4", "9"}
    assert "ZBI-12 item 1" in structure.loc[structure["variableName"] == "zbi_01", "questionText"].iloc[0]


def test_caregiver_answers_ranges_waves_and_missing(dataset: pd.DataFrame) -> None:
    zbi = dataset.filter(like="zbi_")
    qol = dataset.filter(like="qol_")
    assert set(zbi.stack().dropna().unique()) <= {0, 1, 2, 3, 4}
    assert set(qol.stack().dropna().unique()) <= {1, 2, 3, 4, 9}
    assert 0.01 < (qol == 9).to_numpy().mean() / qol.notna().to_numpy().mean() < 0.035
    w1, w2 = dataset[dataset["wave"] == 1], dataset[dataset["wave"] == 2]
    assert len(w1) == len(w2) == 270
    answered = w2["stato_4"] == 1
    assert 0.72 < answered.mean() < 0.88
    assert w2.loc[~answered, "zbi_01"].isna().all() and (w2.loc[~answered, "kontakt_1"] == 0).all()
    assert w1["zbi_01"].notna().all()


def _cronbach(items: pd.DataFrame) -> float:
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())


def test_zbi_reliability_is_realistic(dataset: pd.DataFrame) -> None:
    intake = dataset[dataset["wave"] == 1].filter(like="zbi_")
    assert 0.80 < _cronbach(intake) < 0.92
    total = intake.sum(axis=1)
    assert total.between(0, 48).all() and 10 < total.mean() < 25


def test_solved_shift_gives_exactly_the_planted_att() -> None:
    _, persons = noen.service_records(5)
    _, latent, tau = _noen_survey.caregiver_survey(persons, 5)
    sel = (latent["noen"] == 1) & latent["responds"]
    treated = _noen_survey._zbi_expected_total(latent.loc[sel, "zbi_level_2"].to_numpy())
    untreated = _noen_survey._zbi_expected_total(latent.loc[sel, "zbi_level_2_untreated"].to_numpy())
    assert (treated - untreated).mean() == pytest.approx(-3.0, abs=1e-6)
    assert tau < 0


def _change_frame(records: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    total = data.filter(like="zbi_").sum(axis=1, min_count=12)
    wide = pd.DataFrame({"pseudonym": data["pseudonym"], "wave": data["wave"], "total": total})
    wide = wide.pivot(index="pseudonym", columns="wave", values="total").dropna()
    out = records.set_index("pseudonym").join(wide.rename(columns={1: "zbi1", 2: "zbi2"}), how="inner")
    return out.assign(change=out["zbi2"] - out["zbi1"])


@pytest.mark.simulation
def test_adjusted_zbi_effect_is_recovered_and_differs_from_naive(
    records: pd.DataFrame, dataset: pd.DataFrame
) -> None:
    # Regression adjustment has se ≈ 0.8 points per sample; over 8 seeds the mean has se ≈ 0.3,
    # allow 1.0. The naive difference is biased towards zero by selection (about +1.4 points).
    adjusted, naive = [], []
    for seed in range(11, 19):
        text = io.StringIO()
        recs, persons = noen.service_records(seed)
        recs.to_csv(text, sep=";", index=False)
        data, _, _ = _noen_survey.caregiver_survey(persons, seed)
        frame = _change_frame(_records(text.getvalue()), data)
        adjusted.append(
            smf.ols("change ~ noen + alder + bor_alene + mmse_inntak + zbi1", frame).fit().params["noen"]
        )
        naive.append(smf.ols("change ~ noen", frame).fit().params["noen"])
    assert np.mean(adjusted) == pytest.approx(-3.0, abs=1.0)
    assert np.mean(naive) - np.mean(adjusted) > 0.7
    frame = _change_frame(records, dataset)
    fit = smf.ols("change ~ noen + alder + bor_alene + mmse_inntak + zbi1", frame).fit()
    assert abs(fit.params["noen"] + 3.0) < 3 * fit.bse["noen"]


@pytest.mark.simulation
def test_qol_ad_has_no_group_effect_pooled_over_seeds() -> None:
    # QoL-AD change is generated without a group term; pooled estimate should be near 0 (se ≈ 0.3).
    estimates = []
    for seed in range(11, 15):
        recs, persons = noen.service_records(seed)
        data, _, _ = _noen_survey.caregiver_survey(persons, seed)
        qol = data.filter(like="qol_").where(lambda x: x != 9)
        total = qol.mean(axis=1) * 13
        wide = (
            pd.DataFrame({"p": data["pseudonym"], "w": data["wave"], "t": total})
            .pivot(index="p", columns="w", values="t")
            .dropna()
        )
        frame = persons.set_index("pseudonym").join(wide, how="inner")
        frame["change"] = frame[2] - frame[1]
        estimates.append(
            smf.ols("change ~ noen + alder + bor_alene + mmse_inntak", frame).fit().params["noen"]
        )
    assert abs(np.mean(estimates)) < 0.6
