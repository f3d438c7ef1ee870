"""Synthetic Noen caregiver survey (SurveyXact export: dataset, structure, labels).

ZBI-12 items follow a one-factor model: item ``j`` of person ``i`` at wave ``w`` is
``clip(round(m_iw + d_j + e_ijw), 0, 4)`` with ``e ~ N(0, 0.9²)`` and item offsets ``d_j``
(Cronbach's alpha about 0.85). The person level at intake is
``m_i1 = 1.35 + 0.12·(20 − mmse)/3 + 0.10·(1 − bor_alene) + N(0, 0.7²)`` and the change is

``m_i2 − m_i1 = 0.10 + 0.15·(20 − mmse)/3 + 0.05·(alder − 80)/5 + 0.08·bor_alene
− 0.25·(m_i1 − 1.4) + τ·noen + N(0, 0.35²)``

so the change depends on the observed confounders (age, living alone, MMSE, baseline burden),
on which Noen users are selected. ``τ`` is solved per generated sample so that the average
effect among responding Noen users on the observed 0–48 total (expectation over item noise,
potential outcomes with the same people) is exactly −3.0 points. QoL-AD (13 items, 1–4) has
no group effect. Follow-up response is missing completely at random (80 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

from fou_analysis.demo._calibrate import expected_round_clip_many
from fou_analysis.demo._common import calibrated_round_clip, csv_bytes, rng_for

ZBI_EFFECT = -3.0
ZBI_ITEMS = 12
ZBI_NOISE = 0.9
ZBI_OFFSETS = np.array([0.4, -0.3, 0.1, -0.5, 0.3, 0.0, -0.2, 0.5, -0.4, 0.2, -0.1, 0.0])
QOL_ITEMS = 13
QOL_NOISE = 0.7
QOL_OFFSETS = np.array([0.3, -0.2, 0.1, 0.0, -0.3, 0.2, -0.1, 0.1, 0.0, -0.2, 0.3, -0.1, -0.1])
VET_IKKE_SHARE = 0.02
FOLLOWUP_RESPONSE = 0.80
# kontakt_k -> (choiceValue, label): the column order is not the option order, as in real exports
KONTAKT = {
    "kontakt_1": ("3", "Fastlege"),
    "kontakt_2": ("1", "Hjemmetjenesten"),
    "kontakt_3": ("4", "Demenskoordinator"),
    "kontakt_4": ("2", "Frivillige eller likepersoner"),
}
KONTAKT_P = {
    "kontakt_1": (0.5, 0.5),
    "kontakt_2": (0.7, 0.7),
    "kontakt_3": (0.4, 0.5),
    "kontakt_4": (0.2, 0.45),
}
STATUS = (("1", "Ny"), ("2", "Distribuert"), ("3", "Noen svar"), ("4", "Gjennomført"), ("5", "Frafalt"))


def _zbi_expected_total(level: np.ndarray) -> np.ndarray:
    """Expected ZBI-12 total given person levels (expectation over item noise)."""
    return expected_round_clip_many(level[:, None] + ZBI_OFFSETS[None, :], ZBI_NOISE, 0, 4).sum(axis=1)


def _levels(truth: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    mmse = truth["mmse_inntak"].to_numpy()
    alone = truth["bor_alene"].to_numpy()
    age = truth["alder"].to_numpy()
    n = len(truth)
    m1 = 1.35 + 0.12 * (20 - mmse) / 3 + 0.10 * (1 - alone) + rng.normal(0, 0.7, n)
    dm0 = (
        0.10
        + 0.15 * (20 - mmse) / 3
        + 0.05 * (age - 80) / 5
        + 0.08 * alone
        - 0.25 * (m1 - 1.4)
        + rng.normal(0, 0.35, n)
    )
    q1 = 2.6 + 0.08 * (mmse - 20) / 3 + rng.normal(0, 0.45, n)
    q2 = q1 - 0.10 - 0.05 * (20 - mmse) / 3 + rng.normal(0, 0.25, n)
    responds = rng.random(n) < FOLLOWUP_RESPONSE
    return pd.DataFrame({"m1": m1, "m2_untreated": m1 + dm0, "q1": q1, "q2": q2, "responds": responds})


def solve_tau(levels: pd.DataFrame, noen: np.ndarray) -> float:
    """Latent shift giving an effect of exactly ``ZBI_EFFECT`` on the total among responding Noen users."""
    sel = (noen == 1) & levels["responds"].to_numpy()
    base = levels["m2_untreated"].to_numpy()[sel]
    untreated = _zbi_expected_total(base).mean()

    def gap(tau: float) -> float:
        return _zbi_expected_total(base + tau).mean() - untreated - ZBI_EFFECT

    return float(optimize.brentq(gap, -2.0, 0.0, xtol=1e-8))


def _items(level: np.ndarray, offsets: np.ndarray, noise: float, low: int, high: int, rng) -> np.ndarray:
    latent = level[:, None] + offsets[None, :] + rng.normal(0, noise, size=(len(level), len(offsets)))
    return calibrated_round_clip(latent, low, high)


def caregiver_survey(truth: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """The dataset table (typed, blanks as missing) and the latent truth; also the solved ``τ``."""
    rng = rng_for("noen", seed, 2)
    lv = _levels(truth, rng)
    noen = truth["noen"].to_numpy()
    tau = solve_tau(lv, noen)
    m2 = lv["m2_untreated"].to_numpy() + tau * noen
    n = len(truth)
    alone = truth["bor_alene"].to_numpy()
    rel = np.where(
        alone == 0,
        rng.choice([1, 2, 3], size=n, p=[0.75, 0.20, 0.05]),
        rng.choice([1, 2, 3], size=n, p=[0.05, 0.75, 0.20]),
    )
    waves = []
    for wave, zlevel, qlevel in ((1, lv["m1"].to_numpy(), lv["q1"].to_numpy()), (2, m2, lv["q2"].to_numpy())):
        zbi = _items(zlevel, ZBI_OFFSETS, ZBI_NOISE, 0, 4, rng)
        qol = _items(qlevel, QOL_OFFSETS, QOL_NOISE, 1, 4, rng)
        qol = np.where(rng.random(qol.shape) < VET_IKKE_SHARE, 9, qol)
        frame = pd.DataFrame({"pseudonym": truth["pseudonym"], "wave": wave, "relasjon": rel})
        for j in range(ZBI_ITEMS):
            frame[f"zbi_{j + 1:02d}"] = zbi[:, j]
        for j in range(QOL_ITEMS):
            frame[f"qol_{j + 1:02d}"] = qol[:, j]
        for col, (p_comp, p_noen) in KONTAKT_P.items():
            frame[col] = (rng.random(n) < np.where(noen == 1, p_noen, p_comp)).astype(int)
        answered = np.ones(n, dtype=bool) if wave == 1 else lv["responds"].to_numpy()
        # Non-respondents stay in the export: single-choice blank, multiple-choice 0.
        answer_cols = ["relasjon", *[c for c in frame if c.startswith(("zbi_", "qol_"))]]
        keep = np.broadcast_to(answered[:, None], (n, len(answer_cols)))
        frame[answer_cols] = frame[answer_cols].astype("Int64").where(keep)
        keep = np.broadcast_to(answered[:, None], (n, len(KONTAKT)))
        frame[list(KONTAKT)] = frame[list(KONTAKT)].where(keep, 0)
        for code, _ in STATUS:
            frame[f"stato_{code}"] = 0
        frame["stato_4"] = answered.astype(int)
        frame["stato_2"] = (~answered).astype(int)
        frame["_start"] = truth["startdato"].to_numpy()
        waves.append(frame.sort_values("_start", kind="stable").drop(columns="_start"))
    dataset = pd.concat(waves, ignore_index=True)
    latent = truth[["pseudonym", "noen"]].assign(
        zbi_level_1=lv["m1"],
        zbi_level_2=m2,
        zbi_level_2_untreated=lv["m2_untreated"],
        responds=lv["responds"],
        tau=tau,
    )
    return dataset, latent, tau


def structure_rows() -> list[tuple[str, ...]]:
    """Rows of ``structure.csv``."""
    rows = [
        ("pseudonym", "pseudonym", "Open", "String", "Pseudonym (kobling til tjenestedata)", "", ""),
        ("wave", "wave", "Closed", "Single", "Måling", "", ""),
        ("relasjon", "relasjon", "Closed", "Single", "Hva er din relasjon til personen med demens?", "", ""),
    ]
    for j in range(1, ZBI_ITEMS + 1):
        text = f"Belastning som pårørende (Zarit Burden Interview, kortversjon) - ZBI-12 item {j}"
        rows.append((f"zbi_{j:02d}", f"zbi_{j:02d}", "Closed", "Single", text, "", ""))
    for j in range(1, QOL_ITEMS + 1):
        text = f"Livskvalitet for personen med demens, vurdert av pårørende (QoL-AD) - QoL-AD item {j}"
        rows.append((f"qol_{j:02d}", f"qol_{j:02d}", "Closed", "Single", text, "", ""))
    q = "Hvilke tjenester har dere hatt kontakt med siste måned? (flere kryss er mulig)"
    for col, (value, label) in KONTAKT.items():
        rows.append(("kontakt", col, "Closed", "Multiple", q, value, label))
    for code, label in STATUS:
        rows.append(("statoverall", f"stato_{code}", "Closed", "Multiple", "Samlet status", code, label))
    return rows


def label_rows() -> list[tuple[str, str, str]]:
    """Rows of ``labels.csv`` (no header)."""
    rows = [("wave", "1", "Inntak"), ("wave", "2", "Oppfølging (12 måneder)")]
    rows += [("relasjon", "1", "Ektefelle/samboer"), ("relasjon", "2", "Barn"), ("relasjon", "3", "Annen")]
    zbi_labels = (("0", "Aldri"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "Nesten alltid"))
    qol_labels = (("1", "Dårlig"), ("2", "Middels"), ("3", "Bra"), ("4", "Utmerket"), ("9", "Vet ikke"))
    for j in range(1, ZBI_ITEMS + 1):
        rows += [(f"zbi_{j:02d}", v, lab) for v, lab in zbi_labels]
    for j in range(1, QOL_ITEMS + 1):
        rows += [(f"qol_{j:02d}", v, lab) for v, lab in qol_labels]
    for col in [*KONTAKT, *(f"stato_{c}" for c, _ in STATUS)]:
        rows += [(col, "0", "Ikke valgt"), (col, "1", "Valgt")]
    return rows


def export_bytes(dataset: pd.DataFrame) -> dict[str, bytes]:
    """The three SurveyXact tables as ``;``-separated cp1252 text (LF line ends, as the sample)."""
    from fou_analysis.io.surveyxact import STRUCTURE_COLUMNS as header  # one definition of the format

    cells = dataset.astype(object).where(dataset.notna(), None)
    return {
        "dataset.csv": csv_bytes(
            list(dataset.columns), cells.itertuples(index=False, name=None), sep=";", encoding="cp1252"
        ),
        "structure.csv": csv_bytes(header, structure_rows(), sep=";", encoding="cp1252"),
        "labels.csv": b"".join(";".join(r).encode("cp1252") + b"\n" for r in label_rows()),
    }
