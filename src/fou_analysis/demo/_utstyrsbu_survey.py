"""Synthetic Utstyrsbu user survey: two Nettskjema waves and their elements codebook.

Each youth has latent scores: days a week with a leisure activity ``N(3.0, 1.4²)`` and life
satisfaction ``N(6.6, 1.8²)`` before; after, the latent score plus a change drawn from
``N(shift, 1.5²)`` and ``N(shift, 1.8²)``. Answers are the latent scores rounded and clipped to
the answer range (0–7, 0–10). ``shift`` is solved (:mod:`fou_analysis.demo._calibrate`) so that
the *expected observed* paired change is exactly the planted +0.6 days and +0.4 points.
"Vet ikke" (−1) answers are missing completely at random (about 3 %), so they do not bias it.

A free-text question (``kommentar``: "what is best about Utstyrsbua, or what could be better?")
is answered by about :data:`COMMENT_SHARE` of respondents in each wave with one of the invented
phrases of :data:`COMMENTS`, drawn with the weights given there from a stream of its own (the
other answers are the same as without it). Each phrase lists the themes of the plan's keyword
codebook (``themes:`` in ``cases/utstyrsbu.yaml``) it was written to fall under.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from fou_analysis.demo._calibrate import latent_shift
from fou_analysis.demo._common import calibrated_round_clip, iso_oslo, rng_for
from fou_analysis.demo._nettskjema import answer_options, element

N_PRE = 160
N_LINKED = 115
N_POST_ONLY = 10
AKTIVITET_CHANGE = 0.6
AKTIVITET_CHANGE_SD = 1.5
LIVSKVALITET_CHANGE = 0.4
LIVSKVALITET_CHANGE_SD = 1.8
AKT_PRE = (3.0, 1.4)
LQ_PRE = (6.6, 1.8)
VET_IKKE_SHARE = 0.03
ACTIVITIES = ("fotball", "ski", "friluft", "sykkel", "annet")
ACTIVITY_BASE = (0.30, 0.35, 0.45, 0.40, 0.15)
SPART_CODES = ("1", "2", "3", "4", "5", "9")
SPART_PROBS = (0.08, 0.20, 0.35, 0.20, 0.07, 0.10)
#: Share of respondents who write something in the free-text field.
COMMENT_SHARE = 0.55
#: Invented free-text answers: (text, themes of the plan's codebook it falls under, weight).
COMMENTS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("Fikk være med vennene mine på tur i helgen.", ("venner", "friluft"), 1.0),
    ("Vi har ikke råd til å kjøpe ski til alle barna.", ("penger", "friluft"), 1.0),
    ("Gratis, så da kunne jeg prøve noe nytt.", ("penger", "mestring"), 1.0),
    ("Lærte å stå på slalom i vinter.", ("mestring",), 1.0),
    ("Hele klassen var med på skidagen, også jeg.", ("venner", "friluft"), 1.0),
    ("Skulle ønske det var åpent i helgene.", ("apent",), 1.0),
    ("Måtte vente lenge på sykkel i mai.", ("apent", "friluft"), 0.8),
    ("Fikk låne hjelm, så jeg følte meg trygg.", ("trygghet",), 0.15),
    ("Bra.", (), 1.0),
    ("Kjempefint tilbud!", (), 0.8),
)
PRE_WINDOW = (datetime(2023, 9, 11), datetime(2023, 11, 17))
POST_WINDOW = (datetime(2024, 3, 4), datetime(2024, 5, 24))
COLUMNS = (
    "$submission_id",
    "$created",
    "pseudonym",
    "alder",
    "aktivitet_dager",
    *(f"aktiviteter.{a}" for a in ACTIVITIES),
    "livskvalitet",
    "utgift_spart",
    "kommentar",
    "$answer_time_ms",
)


def shifts() -> tuple[float, float]:
    """Latent shifts that make the observed mean paired changes equal the planted values."""
    akt = latent_shift(
        AKTIVITET_CHANGE, pre_mean=AKT_PRE[0], pre_sd=AKT_PRE[1], change_sd=AKTIVITET_CHANGE_SD, low=0, high=7
    )
    lq = latent_shift(
        LIVSKVALITET_CHANGE,
        pre_mean=LQ_PRE[0],
        pre_sd=LQ_PRE[1],
        change_sd=LIVSKVALITET_CHANGE_SD,
        low=0,
        high=10,
    )
    return akt, lq


def latent_scores(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Latent pre and post scores for ``n`` youths (the generator behind the answers)."""
    akt_shift, lq_shift = shifts()
    akt_pre = rng.normal(*AKT_PRE, size=n)
    lq_pre = rng.normal(*LQ_PRE, size=n)
    return pd.DataFrame(
        {
            "akt_pre": akt_pre,
            "akt_post": akt_pre + rng.normal(akt_shift, AKTIVITET_CHANGE_SD, size=n),
            "lq_pre": lq_pre,
            "lq_post": lq_pre + rng.normal(lq_shift, LIVSKVALITET_CHANGE_SD, size=n),
        }
    )


def _times(n: int, window: tuple[datetime, datetime], rng: np.random.Generator) -> list[datetime]:
    days = (window[1] - window[0]).days
    day = rng.integers(0, days + 1, size=n)
    sec = rng.integers(8 * 3600, 22 * 3600, size=n)
    return sorted(window[0] + timedelta(days=int(d), seconds=int(s)) for d, s in zip(day, sec, strict=True))


def _answers(people: pd.DataFrame, wave: str, rng: np.random.Generator) -> pd.DataFrame:
    n = len(people)
    akt = calibrated_round_clip(people[f"akt_{wave}"].to_numpy(), 0, 7)
    lq = calibrated_round_clip(people[f"lq_{wave}"].to_numpy(), 0, 10)
    akt_text = np.where(rng.random(n) < VET_IKKE_SHARE, "-1", akt.astype(str))
    out = {"pseudonym": people["laaner"].to_numpy(), "alder": people["alder_kode"].astype(str).to_numpy()}
    out["aktivitet_dager"] = akt_text
    for name, base in zip(ACTIVITIES, ACTIVITY_BASE, strict=True):
        p = np.clip(base * (0.5 + akt / 7.0), 0.02, 0.95)
        out[f"aktiviteter.{name}"] = (rng.random(n) < p).astype(int).astype(str)
    out["livskvalitet"] = lq.astype(str)
    out["utgift_spart"] = rng.choice(SPART_CODES, size=n, p=SPART_PROBS)
    return pd.DataFrame(out)


def _finish(answers: pd.DataFrame, window, first_id: int, rng: np.random.Generator) -> pd.DataFrame:
    n = len(answers)
    answers = answers.iloc[rng.permutation(n)].reset_index(drop=True)
    created = _times(n, window, rng)
    ids = first_id + np.cumsum(rng.integers(40, 2500, size=n))
    answers.insert(0, "$created", [iso_oslo(t) for t in created])
    answers.insert(0, "$submission_id", ids.astype(str))
    answers["$answer_time_ms"] = rng.integers(45_000, 420_000, size=n).astype(str)
    return answers


def _duplicate(wave: pd.DataFrame, rng: np.random.Generator, position: int) -> pd.DataFrame:
    """The same youth submits again some minutes later, changing an answer."""
    src = wave.iloc[position].copy()
    created = datetime.fromisoformat(src["$created"]).replace(tzinfo=None) + timedelta(
        minutes=int(rng.integers(3, 40))
    )
    src["$created"] = iso_oslo(created)
    src["$submission_id"] = str(int(src["$submission_id"]) + int(rng.integers(1, 30)))
    src["livskvalitet"] = str(min(10, int(src["livskvalitet"]) + 1))
    src["$answer_time_ms"] = str(int(rng.integers(30_000, 200_000)))
    rows = pd.concat([wave, src.to_frame().T], ignore_index=True)
    return rows.sort_values("$submission_id", key=lambda s: s.astype(int), kind="stable").reset_index(
        drop=True
    )


def surveys(borrowers: pd.DataFrame, loan_log: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """Pre and post waves as written, plus the latent truth for the linked youths."""
    rng = rng_for("utstyrsbu", seed, 2)
    active = set(loan_log.loc[loan_log["Utlånt"].str.endswith("2023"), "Låner"])
    eligible = borrowers[borrowers["laaner"].isin(active)].reset_index(drop=True)
    chosen = eligible.iloc[rng.choice(len(eligible), size=N_PRE + N_POST_ONLY, replace=False)].reset_index(
        drop=True
    )
    people = pd.concat([chosen, latent_scores(len(chosen), rng)], axis=1)
    pre_people = people.iloc[:N_PRE]
    post_people = pd.concat([people.iloc[:N_LINKED], people.iloc[N_PRE:]], ignore_index=True)

    pre = _finish(_answers(pre_people, "pre", rng), PRE_WINDOW, 29_400_000, rng)
    post = _finish(_answers(post_people, "post", rng), POST_WINDOW, 31_200_000, rng)
    pre = _duplicate(pre, rng, int(rng.integers(10, N_PRE - 10)))
    post = _duplicate(post, rng, int(rng.integers(10, N_LINKED - 10)))
    text_rng = rng_for("utstyrsbu", seed, 3)  # its own stream: the other answers do not change
    pre["kommentar"] = comments(len(pre), text_rng)
    post["kommentar"] = comments(len(post), text_rng)

    test = pre.iloc[0].copy()
    test["pseudonym"] = "TEST"
    test["$created"] = iso_oslo(PRE_WINDOW[0] - timedelta(days=3, hours=-10))
    test["$submission_id"] = str(int(pre["$submission_id"].iloc[0]) - 5_731)
    test["$answer_time_ms"] = "21113"
    pre = pd.concat([test.to_frame().T, pre], ignore_index=True)

    truth = people.assign(
        wave_pre=[i < N_PRE for i in range(len(people))],
        wave_post=[i < N_LINKED or i >= N_PRE for i in range(len(people))],
    )
    return {"survey_pre": pre[list(COLUMNS)], "survey_post": post[list(COLUMNS)], "truth_survey": truth}


def comments(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` free-text answers: empty, or one of :data:`COMMENTS` drawn by its weight."""
    weights = np.array([w for _, _, w in COMMENTS])
    pick = rng.choice(len(COMMENTS), size=n, p=weights / weights.sum())
    answered = rng.random(n) < COMMENT_SHARE
    return [COMMENTS[i][0] if a else "" for i, a in zip(pick, answered, strict=True)]


def elements() -> list[dict]:
    """The elements codebook covering both waves (the same form was used twice)."""
    age_opts = [("1", "6-12 år"), ("2", "13-15 år"), ("3", "16-19 år"), ("4", "20 år eller eldre")]
    day_opts = [(str(d), f"{d} dager" if d != 1 else "1 dag") for d in range(8)] + [("-1", "Vet ikke")]
    act_labels = ("Fotball", "Ski", "Friluftsliv/tur", "Sykling", "Annet")
    spart_opts = [
        ("1", "0 kr"),
        ("2", "Under 500 kr"),
        ("3", "500-2000 kr"),
        ("4", "2000-5000 kr"),
        ("5", "Over 5000 kr"),
        ("9", "Vet ikke"),
    ]
    return [
        element(
            elementId=2410001, text="Utstyrsbu - spørreskjema til brukere", elementType="HEADING", sequence=1
        ),
        element(
            elementId=2410002,
            description="<p>Syntetiske demodata / synthetic demo data. Svarene kobles med lånekortets pseudonym.</p>\n",
            elementType="TEXT",
            sequence=2,
        ),
        element(
            elementId=2410003,
            questionId=2520001,
            text="Skriv inn pseudonymet som står på lånekortet ditt (f.eks. L-1a2b3c4d)",
            elementType="QUESTION",
            sequence=3,
            isMandatory=True,
            externalElementId="pseudonym",
            maxNumberOfCharacters=20,
        ),
        element(
            elementId=2410004,
            questionId=2520002,
            text="Hvor gammel er du?",
            elementType="RADIO",
            sequence=4,
            isMandatory=True,
            externalElementId="alder",
            answerOptions=answer_options(6100001, "alder", age_opts),
        ),
        element(
            elementId=2410005,
            questionId=2520003,
            text="Hvor mange dager i uka driver du med en fritidsaktivitet?",
            elementType="RADIO",
            sequence=5,
            externalElementId="aktivitet_dager",
            answerOptions=answer_options(6100011, "aktivitet_dager", day_opts),
        ),
        element(
            elementId=2410006,
            questionId=2520004,
            text="Hvilke aktiviteter driver du med? (flere kryss er mulig)",
            elementType="CHECKBOX",
            sequence=6,
            maxSelectedAnswerOptions=0,
            externalElementId="aktiviteter",
            answerOptions=answer_options(
                6100031, "aktiviteter", list(zip(ACTIVITIES, act_labels, strict=True))
            ),
        ),
        element(
            elementId=2410007,
            questionId=2520005,
            text="Alt i alt, hvor fornøyd er du med livet ditt for tiden? (0 = svært misfornøyd, 10 = svært fornøyd)",
            elementType="LINEAR_SCALE",
            sequence=7,
            linearScaleType="ALL",
            isHorizontal=True,
            isRangeMarksShown=True,
            externalElementId="livskvalitet",
            minimumValue=0,
            maximumValue=10,
            minimumValueText="Svært misfornøyd",
            maximumValueText="Svært fornøyd",
        ),
        element(
            elementId=2410008,
            questionId=2520006,
            text="Omtrent hvor mye har familien din spart ved å låne i stedet for å kjøpe utstyr?",
            elementType="RADIO",
            sequence=8,
            externalElementId="utgift_spart",
            answerOptions=answer_options(6100041, "utgift_spart", spart_opts),
        ),
        element(
            elementId=2410009,
            questionId=2520007,
            text="Hva er det beste med Utstyrsbua – eller hva kunne vært bedre? (valgfritt)",
            elementType="QUESTION",
            sequence=9,
            externalElementId="kommentar",
        ),
    ]
