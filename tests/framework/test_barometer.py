"""The co-creation barometer: planted side scores and gaps are recovered, the gap interval has
its stated coverage, bad answers are named by row and column, small sides are suppressed, waves
give changes, and the nb plot and summary speak Norwegian only."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from _barometer_answers import ITEM_DIM, ITEMS, long_answers, stack
from scipy import stats

from fou_analysis import DataError, SpecificationError, framework
from fou_analysis.demo._calibrate import expected_round_clip_many
from fou_analysis.framework import BAROMETER_ITEMS, DIMENSION_LABELS, DIMENSIONS, SIDES
from fou_analysis.framework.barometer_items import ITEM_TEXT, PROMPTS, SIDE_LABELS

matplotlib.use("Agg")

# Latent structure of the simulated answers: a respondent's general level, a respondent ×
# dimension deviation and item noise; answers are the latent value rounded and clipped to 1-5.
SD_PERSON, SD_DIM, SD_ITEM = 0.5, 0.4, 0.6
SD_TOTAL = float(np.sqrt(SD_PERSON**2 + SD_DIM**2 + SD_ITEM**2))


def expected_observed(mu: np.ndarray) -> np.ndarray:
    """Expected observed item (and so dimension) mean for latent means ``mu`` (exact)."""
    return expected_round_clip_many(np.asarray(mu, dtype=float), SD_TOTAL, 1, 5)


def simulate(
    rng: np.random.Generator,
    *,
    n_partnerships: int,
    n: dict[str, int],
    mu: dict[str, np.ndarray],
    wave: object = None,
    skip: float = 0.0,
) -> pd.DataFrame:
    """Long answers for ``n_partnerships`` independent partnerships (vectorised).

    ``mu[side]`` holds the latent mean of the 8 dimensions; ``skip`` is the share of items left
    unanswered completely at random.
    """
    frames = []
    for side in SIDES:
        m = n_partnerships * n[side]
        latent = (
            mu[side][None, :]
            + rng.normal(0, SD_PERSON, size=(m, 1))
            + rng.normal(0, SD_DIM, size=(m, len(DIMENSIONS)))
        )
        item_latent = latent[:, ITEM_DIM] + rng.normal(0, SD_ITEM, size=(m, len(ITEMS)))
        score = np.clip(np.floor(item_latent + 0.5), 1, 5)
        score[rng.random(score.shape) < skip] = np.nan
        resp = np.arange(m)
        frames.append(
            long_answers(
                side, [f"p{i:04d}" for i in resp // n[side]], [f"{side[0]}{wave}-{r}" for r in resp], score
            )
        )
    return stack(frames, wave)


MU_K = np.array([4.2, 3.8, 3.6, 3.4, 3.6, 3.2, 3.4, 2.6])
MU_P = np.array([3.2, 3.7, 3.6, 3.0, 3.7, 3.1, 3.4, 2.8])


def se_from(row: pd.Series, level: float = 0.95) -> float:
    """Half-width / z: a rough standard error, for tolerances only."""
    return float((row["ci_high"] - row["ci_low"]) / (2 * stats.norm.ppf(0.5 + level / 2)))


# ------------------------------------------------------------------------ recovery
def test_recovers_planted_side_scores_and_gaps():
    """With 300 respondents a side, every side mean and gap lies within 4 SE of the truth (the
    exact expected observed mean of the rounded, clipped answers). Coverage counts are a second,
    looser check: at least 13 of 16 side intervals (a correct 95 % interval misses 4 or more
    with probability 0.7 %) and 6 of 8 gap intervals (3 or more misses: 0.6 %)."""
    rng = np.random.default_rng(11)
    data = simulate(
        rng,
        n_partnerships=1,
        n={"kommune": 300, "partner": 300},
        mu={"kommune": MU_K, "partner": MU_P},
        skip=0.05,
    )
    res = framework.barometer(data)
    truth = {"kommune": expected_observed(MU_K), "partner": expected_observed(MU_P)}
    covered = 0
    for _, row in res.scores.iterrows():
        t = truth[row["side"]][DIMENSIONS.index(row["dimension"])]
        assert abs(row["mean"] - t) < 4 * se_from(row), row
        covered += row["ci_low"] <= t <= row["ci_high"]
    assert covered >= 13
    gap_truth = truth["kommune"] - truth["partner"]
    covered = 0
    for _, row in res.gaps.iterrows():
        t = gap_truth[DIMENSIONS.index(row["dimension"])]
        assert abs(row["gap"] - t) < 4 * row["std_error"], row
        covered += row["ci_low"] <= t <= row["ci_high"]
    assert covered >= 6
    likeverd = res.gaps.set_index("dimension").loc["likeverd"]
    assert likeverd["ci_low"] > 0 and likeverd["p_value"] < 1e-6
    assert set(res.scores.columns) >= {"partnership", "side", "dimension", "mean", "ci_low", "ci_high", "n"}
    assert set(res.gaps.columns) >= {"partnership", "dimension", "gap", "ci_low", "ci_high", "p_value"}


def test_intervals_match_scipy_welch_and_t():
    """Side interval = scipy's t.interval on the respondents' dimension scores; gap interval and
    p-value = scipy's Welch ttest_ind (an independent implementation)."""
    rng = np.random.default_rng(5)
    data = simulate(
        rng, n_partnerships=1, n={"kommune": 7, "partner": 5}, mu={"kommune": MU_K, "partner": MU_P}, skip=0.1
    )
    res = framework.barometer(data, level=0.9)
    items = [i for i, d in BAROMETER_ITEMS.items() if d == "tillit"]
    sub = data[data["item"].isin(items)]
    per = sub.groupby(["side", "respondent"])["score"].agg(["mean", "count"])
    per = per[per["count"] >= 2]["mean"]
    k, p = per.loc["kommune"].to_numpy(), per.loc["partner"].to_numpy()
    sc = res.scores.set_index(["side", "dimension"]).loc[("kommune", "tillit")]
    lo, hi = stats.t.interval(0.9, len(k) - 1, loc=k.mean(), scale=stats.sem(k))
    assert sc["n"] == len(k)
    assert sc[["mean", "ci_low", "ci_high"]].to_numpy() == pytest.approx([k.mean(), lo, hi], rel=1e-12)
    ref = stats.ttest_ind(k, p, equal_var=False)
    ci = ref.confidence_interval(0.9)
    gap = res.gaps.set_index("dimension").loc["tillit"]
    assert [gap["gap"], gap["ci_low"], gap["ci_high"], gap["p_value"]] == pytest.approx(
        [k.mean() - p.mean(), ci.low, ci.high, ref.pvalue], rel=1e-10
    )


@pytest.mark.simulation
def test_gap_interval_coverage():
    """Coverage of the 95 % Welch gap interval over 1,000 independent partnerships (8 municipal
    and 6 partner respondents each, 5 % skipped items, planted latent gap 4.2 vs 3.2 on likeverd).

    Monte Carlo error: sd of a coverage estimate from 1,000 replications is
    sqrt(0.95 * 0.05 / 1000) = 0.69 pp, so [0.93, 0.97] is about +-2.9 sd (a correct interval
    fails this test with probability < 0.5 %); a true coverage of 0.90 (sd 0.95 pp) would reach
    0.93 with probability < 0.1 %.
    """
    rng = np.random.default_rng(20261203)
    data = simulate(
        rng,
        n_partnerships=1000,
        n={"kommune": 8, "partner": 6},
        mu={"kommune": MU_K, "partner": MU_P},
        skip=0.05,
    )
    res = framework.barometer(data)
    g = res.gaps[res.gaps["dimension"] == "likeverd"]
    assert len(g) == 1000 and not g["suppressed"].any()
    truth = float(expected_observed(MU_K[:1])[0] - expected_observed(MU_P[:1])[0])
    coverage = float(((g["ci_low"] <= truth) & (truth <= g["ci_high"])).mean())
    assert 0.93 <= coverage <= 0.97, coverage
    # and the estimator is unbiased: mean of 1,000 gaps within 4 MC standard errors of the truth
    assert abs(g["gap"].mean() - truth) < 4 * g["gap"].std() / np.sqrt(len(g))


# ------------------------------------------------------------------------ bad input
def _small(rng=None) -> pd.DataFrame:
    rng = rng or np.random.default_rng(2)
    return simulate(
        rng, n_partnerships=1, n={"kommune": 4, "partner": 4}, mu={"kommune": MU_K, "partner": MU_P}
    )


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("score", 6, "outside the scale"),
        ("score", 0, "outside the scale"),
        ("score", 2.5, "whole number"),
        ("score", "fire", "not a number"),
        ("item", "lik_9", "not a barometer item"),
        ("side", "bruker", "not one of kommune, partner"),
    ],
)
def test_bad_answers_name_row_and_column(column, value, words):
    data = _small().astype({column: object})
    data.loc[17, column] = value
    data.attrs["fou"] = {"source": "barometer.csv"}
    with pytest.raises(DataError, match=words) as err:
        framework.barometer(data)
    assert err.value.row == 19  # position 17 = line 19 of a file with a header
    assert err.value.column == column
    assert err.value.file == "barometer.csv"


def test_source_row_is_used_and_missing_scores_are_allowed():
    data = _small()
    data.loc[3, "score"] = np.nan  # a skipped item is fine
    framework.barometer(data)
    data["source_row"] = np.arange(len(data)) + 100
    data.loc[30, "score"] = 7
    with pytest.raises(DataError) as err:
        framework.barometer(data)
    assert err.value.row == 130


def test_respondent_on_both_sides_and_double_answers_are_errors():
    data = _small()
    twice = pd.concat([data, data.iloc[[5]]], ignore_index=True)
    with pytest.raises(DataError, match="twice") as err:
        framework.barometer(twice)
    assert err.value.row == len(data) + 2
    both = data.copy()
    both.loc[both.index[-1], "respondent"] = both.loc[0, "respondent"]
    with pytest.raises(DataError, match="both sides"):
        framework.barometer(both)


def test_bad_options_are_specification_errors():
    with pytest.raises(SpecificationError):
        framework.barometer(_small(), n_min=0)
    with pytest.raises(SpecificationError):
        framework.barometer(_small(), level=95)
    with pytest.raises(SpecificationError, match="score"):
        framework.barometer(_small().drop(columns="score"))


# ------------------------------------------------------------------------ suppression
def test_two_respondents_on_a_side_are_suppressed_and_no_gap_is_computed():
    rng = np.random.default_rng(8)
    data = simulate(
        rng, n_partnerships=1, n={"kommune": 6, "partner": 2}, mu={"kommune": MU_K, "partner": MU_P}
    )
    res = framework.barometer(data)
    partner = res.scores[res.scores["side"] == "partner"]
    assert partner["suppressed"].all() and (partner["n"] == 2).all()
    assert partner[["mean", "ci_low", "ci_high"]].isna().all().all()
    kommune = res.scores[res.scores["side"] == "kommune"]
    assert not kommune["suppressed"].any() and kommune["mean"].notna().all()
    assert (
        res.gaps["suppressed"].all() and res.gaps[["gap", "ci_low", "ci_high", "p_value"]].isna().all().all()
    )
    # nothing published lets the hidden side be worked out: no overall rows, no gap values
    tidy = res.to_frame()
    assert set(tidy["side"].dropna()) <= set(SIDES)
    assert tidy.loc[tidy["term"] == "gap", "estimate"].isna().all()
    shown = framework.barometer(data, n_min=2)
    assert not shown.scores["suppressed"].any() and shown.gaps["gap"].notna().all()


def test_summary_never_shows_a_suppressed_side():
    rng = np.random.default_rng(9)
    data = simulate(
        rng, n_partnerships=1, n={"kommune": 6, "partner": 2}, mu={"kommune": MU_K, "partner": MU_P}
    )
    table = framework.barometer(data).summary("en").table
    assert (table["Partner"] == "–").all() and (table["Municipality"] != "–").all()


# ------------------------------------------------------------------------ waves
def test_waves_give_scores_per_wave_and_the_change_between_first_and_last():
    """Drift rises by 1.0 on the latent scale on both sides between wave 1 and 3 (different
    respondents); the change is recovered within 4 SE of its exact expected observed value."""
    rng = np.random.default_rng(21)
    n = {"kommune": 250, "partner": 200}
    lift = np.zeros(len(DIMENSIONS))
    lift[DIMENSIONS.index("drift")] = 1.0
    waves = [
        simulate(
            rng,
            n_partnerships=1,
            n=n,
            mu={"kommune": MU_K + k * lift / 2, "partner": MU_P + k * lift / 2},
            wave=w,
        )
        for k, w in enumerate((1, 2, 3))
    ]
    res = framework.barometer(pd.concat(waves, ignore_index=True))
    assert res.has_waves and sorted(res.scores["wave"].unique()) == [1, 2, 3]
    assert len(res.scores) == 3 * 2 * 8 and len(res.gaps) == 3 * 8
    ch = res.changes.set_index(["side", "dimension"])
    assert (ch["first_wave"] == 1).all() and (ch["last_wave"] == 3).all()
    for side, mu in (("kommune", MU_K), ("partner", MU_P)):
        for d in DIMENSIONS:
            j = DIMENSIONS.index(d)
            truth = float(expected_observed(mu[j : j + 1] + lift[j])[0] - expected_observed(mu[j : j + 1])[0])
            row = ch.loc[(side, d)]
            assert abs(row["change"] - truth) < 4 * row["std_error"], (side, d)
        assert ch.loc[(side, "drift"), "ci_low"] > 0
    assert "change" in set(res.to_frame()["term"])
    assert "klar for ordinær drift hos kommunen +" in str(res.summary("nb"))
    assert "ready for ordinary operation for the partner +" in str(res.summary("en"))
    with pytest.raises(SpecificationError, match="wave"):
        res.plot(lang="nb", wave=7)


def test_without_waves_there_is_no_wave_column_and_no_change():
    res = framework.barometer(_small())
    assert "wave" not in res.scores.columns and "wave" not in res.gaps.columns
    assert res.changes.empty


# ------------------------------------------------------------------------ reliability
def test_reliability_uses_clean_reliability_and_needs_ten_complete_sets():
    from fou_analysis.clean import reliability

    rng = np.random.default_rng(4)
    data = simulate(
        rng, n_partnerships=1, n={"kommune": 20, "partner": 15}, mu={"kommune": MU_K, "partner": MU_P}
    )
    rel = framework.barometer(data).reliability.set_index("dimension")
    wide = data.pivot_table(index="respondent", columns="item", values="score")
    items = ["lik_1", "lik_2", "lik_3"]
    ref = reliability(wide[items].dropna(), {"name": "x", "items": items, "min": 1, "max": 5})
    assert rel.loc["likeverd", "alpha"] == pytest.approx(ref.alpha)
    assert rel.loc["likeverd", "n"] == 35
    few = framework.barometer(_small())
    assert few.reliability["alpha"].isna().all()
    assert any("Reliability" in n for n in few.notes)


# ------------------------------------------------------------------------ text and plot
def _english_only_words() -> set[str]:
    def words(texts):
        return {w.casefold() for t in texts for w in re.findall(r"\w+", t)}

    en = [v["en"] for v in DIMENSION_LABELS.values()] + [v["en"] for v in SIDE_LABELS.values()]
    en += ["Mean (1 = strongly disagree, 5 = strongly agree)", "wave", "fewer than 3 answers: not shown"]
    nb = [v["nb"] for v in DIMENSION_LABELS.values()] + [v["nb"] for v in SIDE_LABELS.values()]
    return words(en) - words(nb) - {"1", "3", "5"}


def _axes_texts(ax) -> list[str]:
    texts = [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    texts += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
    texts += [t.get_text() for t in ax.get_legend().get_texts()]
    texts += [t.get_text() for t in ax.texts]
    return [t for t in texts if t]


def test_plot_in_nb_has_no_english_labels():
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(6)
    a = simulate(
        rng, n_partnerships=1, n={"kommune": 5, "partner": 2}, mu={"kommune": MU_K, "partner": MU_P}, wave=1
    )
    b = simulate(
        rng, n_partnerships=1, n={"kommune": 5, "partner": 4}, mu={"kommune": MU_K, "partner": MU_P}, wave=2
    )
    res = framework.barometer(pd.concat([a, b], ignore_index=True))
    english = _english_only_words()
    for wave in (1, 2):  # wave 1 has a suppressed side, so its note is drawn too
        fig, ax = plt.subplots()
        out = res.plot(lang="nb", ax=ax, wave=wave)
        assert out is ax
        texts = _axes_texts(ax)
        found = {w.casefold() for t in texts for w in re.findall(r"\w+", t)} & english
        assert not found, found
        joined = " ".join(texts)
        assert all(DIMENSION_LABELS[d]["nb"] in joined for d in DIMENSIONS)
        assert "Kommunen" in joined and "Partneren" in joined and "Gjennomsnitt" in joined
        plt.close(fig)
    fig, ax = plt.subplots()
    res.plot(lang="en", ax=ax)
    assert "Municipality" in _axes_texts(ax) and "Equal partnership" in " ".join(_axes_texts(ax))
    plt.close(fig)


def test_plot_several_partnerships_one_panel_each():
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(7)
    data = simulate(
        rng, n_partnerships=3, n={"kommune": 4, "partner": 3}, mu={"kommune": MU_K, "partner": MU_P}
    )
    res = framework.barometer(data)
    axes = res.plot(lang="en")
    assert len(axes) == 3 and [a.get_title() for a in axes] == ["p0000", "p0001", "p0002"]
    plt.close(axes[0].figure)
    _, ax = plt.subplots()
    with pytest.raises(SpecificationError):
        res.plot(ax=ax)
    plt.close("all")


def test_summary_names_the_largest_gap_prompts_and_escapes_html():
    rng = np.random.default_rng(12)
    data = simulate(
        rng, n_partnerships=1, n={"kommune": 40, "partner": 40}, mu={"kommune": MU_K, "partner": MU_P}
    )
    data["partnership"] = "<script>alert(1)</script>"
    res = framework.barometer(data)
    nb, en = res.summary("nb"), res.summary("en")
    assert "likeverd" in str(nb) and PROMPTS["likeverd"]["nb"] in str(nb)
    assert PROMPTS["likeverd"]["en"] in str(en) and "equal partnership" in str(en)
    clear = res.gaps[(res.gaps["ci_low"] > 0) | (res.gaps["ci_high"] < 0)]["dimension"]
    assert len(nb.prompts) == len(clear)
    assert "Welch-intervaller" in str(nb) and "interval" not in " ".join(nb.notes).replace("intervall", "")
    assert any("Cronbach" in n for n in en.notes)
    html = en._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    with pytest.raises(SpecificationError):
        res.summary("de")


def test_every_item_has_both_texts_and_three_items_per_dimension():
    assert len(BAROMETER_ITEMS) == 24
    assert all(list(BAROMETER_ITEMS.values()).count(d) == 3 for d in DIMENSIONS)
    assert set(ITEM_TEXT) == set(BAROMETER_ITEMS)
    assert all(t["nb"] and t["en"] and t["nb"] != t["en"] for t in ITEM_TEXT.values())
    assert set(PROMPTS) == set(DIMENSIONS) == set(DIMENSION_LABELS)
