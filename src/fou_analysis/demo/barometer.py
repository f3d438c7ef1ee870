"""Synthetic co-creation barometer answers for the demo cases, as a Nettskjema export.

Each case is one partnership that ran the barometer (a Nettskjema form, one per partnership)
twice, a year apart. Respondents differ between the waves (independent samples). Answers
follow a latent model per respondent ``r`` of side ``s``, dimension ``d`` and item ``i``:

``y = clip(round(μ[s, w, d] + u_r + v_rd + e_ri), 1, 5)``, ``u ~ N(0, 0.5²)``,
``v ~ N(0, 0.4²)``, ``e ~ N(0, 0.6²)``

so an item's (and a dimension score's) *expected observed* value is the mean of a rounded,
clipped normal with sd ``√(0.5² + 0.4² + 0.6²)``, computed exactly
(:func:`fou_analysis.demo._calibrate.expected_round_clip_many`) for :data:`PLANTED_BAROMETER`.
About 3 % of items are skipped and 3 % answered "Vet ikke / ikke relevant" (code 9), both
completely at random, so neither biases a side mean.

Planted: Utstyrsbu — the municipality rates equal partnership (likeverd) higher than the
volunteers do, and readiness for operation (drift) rises on both sides from wave 1 to 2;
Noen — the municipality rates room for action (handlingsrom: rules and contracts clarified)
higher than the organisation; Friskgården — the farm is more confident about ordinary
operation (drift) than the municipality, and in wave 1 only two people answered for the farm
(that side is suppressed by :func:`fou_analysis.framework.barometer`).

``fou demo`` writes the files into ``data/raw/<case>/`` with the case's other files
(:func:`fou_analysis.demo.render` includes :func:`barometer_files` and :func:`readme_section`);
:func:`write_barometer` writes them into a folder of the caller's choosing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fou_analysis.demo._calibrate import expected_round_clip_many
from fou_analysis.demo._common import frame_bytes, iso_oslo, json_bytes, rng_for
from fou_analysis.demo._nettskjema import answer_options, element
from fou_analysis.demo.generate import CASES, DEFAULT_SEED, _check_case
from fou_analysis.framework.barometer_items import BAROMETER_ITEMS, DIMENSIONS, ITEM_TEXT, SCALE, SIDES

SD_PERSON, SD_DIMENSION, SD_ITEM = 0.5, 0.4, 0.6
SD_TOTAL = float(np.sqrt(SD_PERSON**2 + SD_DIMENSION**2 + SD_ITEM**2))
SKIP_SHARE = 0.03
DONT_KNOW_SHARE = 0.03
DONT_KNOW = "9"
WAVES = (1, 2)
WINDOWS = {
    1: (datetime(2024, 10, 1), datetime(2024, 10, 25)),
    2: (datetime(2025, 9, 29), datetime(2025, 10, 24)),
}
#: Latent level of every dimension on both sides in wave 1 (before the planted differences).
BASE = dict(zip(DIMENSIONS, (3.6, 3.9, 3.7, 3.4, 3.6, 3.3, 3.4, 2.7), strict=True))
#: Per case: respondents per wave and side, latent gap kommune − partner (split half on each
#: side), latent change from wave 1 to 2 (both sides).
DESIGN: dict[str, dict[str, Any]] = {
    "utstyrsbu": {
        "n": {1: {"kommune": 10, "partner": 8}, 2: {"kommune": 10, "partner": 8}},
        "latent_gap": {"likeverd": 1.4},
        "latent_change": {"drift": 1.0},
    },
    "noen": {
        "n": {1: {"kommune": 9, "partner": 7}, 2: {"kommune": 8, "partner": 7}},
        "latent_gap": {"handlingsrom": 1.4},
        "latent_change": {},
    },
    "friskgarden": {
        "n": {1: {"kommune": 8, "partner": 2}, 2: {"kommune": 8, "partner": 4}},
        "latent_gap": {"drift": -1.4},
        "latent_change": {},
    },
}
FIRST_ID = {"utstyrsbu": 40_100_000, "noen": 40_300_000, "friskgarden": 40_500_000}
ITEMS = tuple(BAROMETER_ITEMS)
COLUMNS = (
    "$submission_id",
    "$created",
    "side",
    "runde",
    *(f"barometer.{i}" for i in ITEMS),
    "$answer_time_ms",
)


def latent_means(case: str) -> dict[int, dict[str, dict[str, float]]]:
    """``{wave: {side: {dimension: latent mean}}}`` of one case."""
    d = DESIGN[case]
    out: dict[int, dict[str, dict[str, float]]] = {}
    for w in WAVES:
        out[w] = {}
        for side in SIDES:
            sign = 0.5 if side == "kommune" else -0.5
            out[w][side] = {
                dim: BASE[dim]
                + sign * d["latent_gap"].get(dim, 0.0)
                + (w - 1) * d["latent_change"].get(dim, 0.0)
                for dim in DIMENSIONS
            }
    return out


def _expected(mu: float) -> float:
    return float(expected_round_clip_many(np.array([mu]), SD_TOTAL, 1, 5)[0])


def planted(case: str) -> dict[str, Any]:
    """The expected observed side means, gaps and changes of one case (what the barometer estimates)."""
    mu = latent_means(case)
    means = {w: {s: {d: _expected(mu[w][s][d]) for d in DIMENSIONS} for s in SIDES} for w in WAVES}
    n = DESIGN[case]["n"]
    return {
        "files": ["barometer.csv", "barometer_elements.json"],
        "design": "partner survey, both sides, two waves with different respondents",
        "respondents": {w: dict(n[w]) for w in WAVES},
        "latent_gap": dict(DESIGN[case]["latent_gap"]),
        "latent_change": dict(DESIGN[case]["latent_change"]),
        "side_means": means,
        "gaps": {w: {d: means[w]["kommune"][d] - means[w]["partner"][d] for d in DIMENSIONS} for w in WAVES},
        "changes": {s: {d: means[2][s][d] - means[1][s][d] for d in DIMENSIONS} for s in SIDES},
        "suppressed_at_n_min_3": sorted((w, s) for w in WAVES for s in SIDES if n[w][s] < 3),
        "skipped_share": SKIP_SHARE,
        "dont_know_share": DONT_KNOW_SHARE,
        "dont_know_code": int(DONT_KNOW),
    }


#: Planted barometer values per case (sibling of :data:`fou_analysis.demo.PLANTED`).
PLANTED_BAROMETER: dict[str, dict[str, Any]] = {case: planted(case) for case in CASES}


def barometer_answers(case: str, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The export of one case as written: one row per submission, every cell a string.

    Examples
    --------
    >>> df = barometer_answers("noen", seed=1)
    >>> list(df.columns[:5])
    ['$submission_id', '$created', 'side', 'runde', 'barometer.lik_1']
    """
    _check_case(case)
    rng = rng_for(case, seed, 11)
    mu = latent_means(case)
    dim_index = np.array([DIMENSIONS.index(BAROMETER_ITEMS[i]) for i in ITEMS])
    parts = []
    for w in WAVES:
        for side in SIDES:
            m = DESIGN[case]["n"][w][side]
            level = np.array([mu[w][side][d] for d in DIMENSIONS])
            latent = (
                level[None, :]
                + rng.normal(0, SD_PERSON, size=(m, 1))
                + rng.normal(0, SD_DIMENSION, size=(m, len(DIMENSIONS)))
            )
            y = np.clip(
                np.floor(latent[:, dim_index] + rng.normal(0, SD_ITEM, size=(m, len(ITEMS))) + 0.5), 1, 5
            )
            cells = y.astype(int).astype(str).astype(object)
            u = rng.random(cells.shape)
            cells[u < SKIP_SHARE + DONT_KNOW_SHARE] = DONT_KNOW
            cells[u < SKIP_SHARE] = ""
            part = pd.DataFrame(cells, columns=[f"barometer.{i}" for i in ITEMS])
            part.insert(0, "runde", str(w))
            part.insert(0, "side", side)
            parts.append(part)
    df = pd.concat(parts, ignore_index=True)
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    created = []
    for w in df["runde"].astype(int):
        start, end = WINDOWS[w]
        seconds = int(rng.integers(0, int((end - start).total_seconds())))
        created.append(start + timedelta(seconds=seconds))
    order = np.argsort(np.array(created, dtype="datetime64[s]"), kind="stable")
    df = df.iloc[order].reset_index(drop=True)
    created = [created[i] for i in order]
    ids = FIRST_ID[case] + np.cumsum(rng.integers(15, 900, size=len(df)))
    df.insert(0, "$created", [iso_oslo(t) for t in created])
    df.insert(0, "$submission_id", ids.astype(str))
    df["$answer_time_ms"] = rng.integers(120_000, 900_000, size=len(df)).astype(str)
    return df[list(COLUMNS)]


def barometer_elements(case: str) -> list[dict[str, Any]]:
    """The elements codebook of the case's barometer form (texts in Norwegian, as sent out)."""
    _check_case(case)
    base = 2_700_000 + 10_000 * (CASES.index(case) + 1)
    scale = [(str(k), v["nb"]) for k, v in SCALE.items()] + [(DONT_KNOW, "Vet ikke / ikke relevant")]
    rows = [
        {
            "elementId": base + 100 + j,
            "externalElementId": code,
            "text": ITEM_TEXT[code]["nb"],
            "sequence": j + 1,
        }
        for j, code in enumerate(ITEMS)
    ]
    return [
        element(elementId=base + 1, text="Samskapingsbarometeret", elementType="HEADING", sequence=1),
        element(
            elementId=base + 2,
            description="<p>Syntetiske demodata / synthetic demo data. Svarene er anonyme.</p>\n",
            elementType="TEXT",
            sequence=2,
        ),
        element(
            elementId=base + 3,
            questionId=base + 50,
            text="Hvilken side av samarbeidet representerer du?",
            elementType="RADIO",
            sequence=3,
            isMandatory=True,
            externalElementId="side",
            answerOptions=answer_options(
                base + 500,
                "side",
                [("kommune", "Kommunen"), ("partner", "Partneren (sosial entreprenør eller organisasjon)")],
            ),
        ),
        element(
            elementId=base + 4,
            questionId=base + 51,
            text="Hvilken runde av barometeret svarer du på?",
            elementType="RADIO",
            sequence=4,
            isMandatory=True,
            externalElementId="runde",
            answerOptions=answer_options(
                base + 510, "runde", [("1", "Runde 1 (høsten 2024)"), ("2", "Runde 2 (høsten 2025)")]
            ),
        ),
        element(
            elementId=base + 5,
            questionId=base + 52,
            text="Hvor enig eller uenig er du i disse utsagnene om samarbeidet?",
            elementType="MATRIX_RADIO",
            sequence=5,
            externalElementId="barometer",
            answerOptions=answer_options(base + 520, "barometer", scale),
            subElements=rows,
        ),
    ]


def barometer_files(case: str, seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """The export and its codebook as ``{file name: bytes}`` (deterministic for a seed)."""
    return {
        "barometer.csv": frame_bytes(barometer_answers(case, seed), sep=";", quote_all=True),
        "barometer_elements.json": json_bytes(barometer_elements(case), indent=2, trailing_newline=False),
    }


def write_barometer(
    directory: str | PathLike[str], *, cases: Iterable[str] | None = None, seed: int = DEFAULT_SEED
) -> dict[str, list[Path]]:
    """Write the barometer export of each case to ``<directory>/<case>/`` (atomically).

    ``fou demo`` writes the same files into ``data/raw/<case>/`` itself (and records them in
    its marker); this function is for a folder of the caller's choosing. Existing files of the
    same name are replaced.

    Examples
    --------
    >>> import tempfile
    >>> out = write_barometer(tempfile.mkdtemp(), cases=["noen"])
    >>> sorted(p.name for p in out["noen"])
    ['barometer.csv', 'barometer_elements.json']
    """
    from fou_analysis.io import atomic_write_bytes

    selected = list(CASES if cases is None else cases)
    for case in selected:
        _check_case(case)
    out: dict[str, list[Path]] = {}
    for case in selected:
        folder = Path(directory) / case
        folder.mkdir(parents=True, exist_ok=True)
        out[case] = [
            atomic_write_bytes(folder / name, data) for name, data in barometer_files(case, seed).items()
        ]
    return out


def readme_section(case: str) -> str:
    """The README paragraph (Norwegian and English) on the case's barometer files and planted gaps."""
    from fou_analysis.framework.barometer_items import DIMENSION_LABELS

    _check_case(case)
    d = DESIGN[case]
    pl = PLANTED_BAROMETER[case]

    def gaps(lang: str) -> str:
        return ", ".join(
            f"{DIMENSION_LABELS[dim][lang].lower()} {pl['gaps'][2][dim]:+.2f}" for dim in d["latent_gap"]
        )

    def changes(lang: str) -> str:
        return ", ".join(
            f"{DIMENSION_LABELS[dim][lang].lower()} {pl['changes']['kommune'][dim]:+.2f}"
            for dim in d["latent_change"]
        )

    n = "; ".join(f"runde {w}: {n['kommune']} + {n['partner']}" for w, n in pl["respondents"].items())
    n_en = "; ".join(f"wave {w}: {n['kommune']} + {n['partner']}" for w, n in pl["respondents"].items())
    hidden = [w for w, s in pl["suppressed_at_n_min_3"]]
    return (
        "\n## Samskapingsbarometeret / The co-creation barometer\n\n"
        "`barometer.csv` og `barometer_elements.json`: Nettskjema-eksport av samskapingsbarometeret "
        "(24 utsagn, 1–5, 9 = vet ikke), besvart av kommunen og partneren i to runder "
        f"(svar kommune + partner, {n}). Innplantet forskjell kommunen − partneren (forventet "
        f"observert verdi, runde 2): {gaps('nb')}"
        + (f"; endring fra runde 1 til 2 på begge sider: {changes('nb')}" if d["latent_change"] else "")
        + (
            f"; partneren har under 3 svar i runde {', '.join(map(str, hidden))} og vises ikke"
            if hidden
            else ""
        )
        + ".\n\n"
        "`barometer.csv` and `barometer_elements.json`: a Nettskjema export of the co-creation barometer "
        "(24 statements, 1–5, 9 = don't know), answered by the municipality and the partner in two waves "
        f"(answers municipality + partner, {n_en}). Planted gap municipality − partner (expected "
        f"observed value, wave 2): {gaps('en')}"
        + (f"; change from wave 1 to 2 on both sides: {changes('en')}" if d["latent_change"] else "")
        + (
            f"; the partner has fewer than 3 answers in wave {', '.join(map(str, hidden))} and is not shown"
            if hidden
            else ""
        )
        + ".\n"
    )
