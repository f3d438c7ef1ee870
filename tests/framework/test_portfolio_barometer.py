"""Issue #11.6: the barometer overview of the portfolio — both sides' means per partnership (small
sides never shown), clear gaps, and where a partnership is strong, strained or low in plain
words, in nb and en, escaped; one heatmap with a language-aware title."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest
from _barometer_answers import ITEM_DIM, ITEMS, long_answers, stack

from fou_analysis import framework
from fou_analysis.framework import DIMENSION_LABELS, DIMENSIONS, SIDES
from fou_analysis.framework import portfolio_barometer as pb

matplotlib.use("Agg")

NEUTRAL = 3.5
#: planted latent means: likeverd strained (kommune far above partner), tillit strong on both
#: sides, drift low on both sides; every other dimension neutral on both sides
PLANT = {
    "kommune": {"likeverd": 4.6, "tillit": 4.7, "drift": 2.0},
    "partner": {"likeverd": 2.8, "tillit": 4.7, "drift": 2.0},
}


def _answers(rng, partnership: str, n: dict[str, int], wave: int | None = None) -> pd.DataFrame:
    """Long answers; a respondent's dimension score is the latent mean + person noise + item noise
    (sd of a dimension score ≈ 0.6, so with n = 30 a side mean has se ≈ 0.11)."""
    frames = []
    for side in SIDES:
        mu = np.array([PLANT[side].get(d, NEUTRAL) for d in DIMENSIONS])
        m = n[side]
        latent = mu[None, :] + rng.normal(0, 0.4, size=(m, 1))
        item = latent[:, ITEM_DIM] + rng.normal(0, 0.6, size=(m, len(ITEMS)))
        score = np.clip(np.floor(item + 0.5), 1, 5)
        frames.append(
            long_answers(side, partnership, [f"{partnership}-{side}{wave}-{r}" for r in range(m)], score)
        )
    return stack(frames, wave)


def _case(slug: str, name: str, result) -> SimpleNamespace:
    plan = SimpleNamespace(name=SimpleNamespace(get=lambda lang: f"{name} ({lang})"))
    return SimpleNamespace(slug=slug, plan=plan, barometer=result)


@pytest.fixture(scope="module")
def overview() -> list:
    rng = np.random.default_rng(20261203)
    big = framework.barometer(_answers(rng, "Alfa", {"kommune": 30, "partner": 30}))
    # two waves: the latest has only two partner answers, so with the plan's n_min = 2 the
    # barometer shows them, and the portfolio must still hide them
    waves = pd.concat(
        [
            _answers(rng, "Beta", {"kommune": 30, "partner": 30}, wave=1),
            _answers(rng, "Beta", {"kommune": 30, "partner": 2}, wave=2),
        ],
        ignore_index=True,
    )
    small = framework.barometer(waves, n_min=2)
    return [_case("alfa", "Alfa", big), _case("beta", "Beta", small), _case("none", "Ingen", None)]


def test_rows_recover_the_planted_statuses(overview) -> None:
    rows = pb.barometer_rows(overview)
    assert set(rows["case"]) == {"alfa", "beta"}  # a case without barometer results is left out
    alfa = rows[rows["case"] == "alfa"].set_index("dimension")
    assert list(alfa.index) == list(DIMENSIONS)
    assert alfa.loc["likeverd", "status"] == "strained" and alfa.loc["likeverd", "gap"] > 0
    assert alfa.loc["likeverd", "ci_low"] > 0
    assert alfa.loc["tillit", "status"] == "strong"
    assert alfa.loc["drift", "status"] == "low"
    neutral = [d for d in DIMENSIONS if d not in ("likeverd", "tillit", "drift")]
    # neutral dimensions: no planted gap (a 5 % chance each of a clear gap), never strong or low
    assert set(alfa.loc[neutral, "status"]) <= {"middle", "strained"}
    # the numbers are the barometer's own (latest wave), not recomputed
    res = overview[0].barometer
    k = res.scores[(res.scores["side"] == "kommune") & (res.scores["dimension"] == "likeverd")]
    assert alfa.loc["likeverd", "mean_kommune"] == pytest.approx(float(k["mean"].iloc[0]))


def test_a_side_with_fewer_than_three_answers_is_never_shown(overview) -> None:
    res = overview[1].barometer
    latest = res.scores[(res.scores["wave"] == 2) & (res.scores["side"] == "partner")]
    assert (latest["n"] == 2).all() and not latest["suppressed"].any()  # the barometer shows them
    rows = pb.barometer_rows(overview)
    beta = rows[rows["case"] == "beta"]
    assert (beta["wave"] == 2).all()  # latest wave
    assert beta["hidden"].all() and beta["mean_partner"].isna().all() and beta["gap"].isna().all()
    assert (beta["status"] == "hidden").all() and beta["mean_kommune"].notna().all()
    for lang in ("nb", "en"):
        table = pb.barometer_table(overview, lang)
        partner = table[
            (table.iloc[:, 0].str.startswith("Beta")) & (table.iloc[:, 1] == pb.SIDE_LABELS["partner"][lang])
        ]
        few = "færre enn 3 svar" if lang == "nb" else "fewer than 3 answers"
        assert (partner.iloc[0, 2:] == few).all()
        html = pb.barometer_overview_html(overview, lang)
        hidden_means = [pb.format_number(x, 1, lang) for x in latest["mean"]]
        beta_item = re.search(r"<li><b>Beta[^<]*</b>:[^<]*</li>", html).group(0)
        assert not any(m in beta_item for m in hidden_means)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_plain_words_name_strong_strained_and_low(overview, lang: str) -> None:
    html = pb.barometer_overview_html(overview, lang)
    alfa = re.search(r"<li><b>Alfa[^<]*</b>:([^<]*)</li>", html).group(1)
    like = DIMENSION_LABELS["likeverd"][lang].lower()
    trust = DIMENSION_LABELS["tillit"][lang].lower()
    drift = DIMENSION_LABELS["drift"][lang].lower()
    if lang == "nb":
        assert f"Anstrengt på {like}: kommunen gir" in alfa and "95 % intervall" in alfa
        assert re.search(rf"Sterkt på [^.]*{trust}", alfa) and re.search(rf"Lavt på [^.]*{drift}", alfa)
        assert "Strong" not in html and "partner gives" not in html
    else:
        assert f"Strained on {like}: the municipality gives" in alfa and "95 % interval" in alfa
        assert re.search(rf"Strong on [^.]*{trust}", alfa) and re.search(rf"Low on [^.]*{drift}", alfa)
        assert "Sterkt" not in html and "kommunen" not in html
    assert {"nb": "kan ikke rangere", "en": "cannot rank"}[lang] in html  # the caveat, in the page's language


def test_text_from_the_data_is_escaped() -> None:
    rng = np.random.default_rng(1)
    res = framework.barometer(_answers(rng, "<script>x</script>", {"kommune": 5, "partner": 5}))
    html = pb.barometer_overview_html([_case("x", "A & <b>B</b>", res)], "en")
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; &lt;b&gt;B&lt;/b&gt;" in html


def test_no_results_says_so_and_draws_nothing() -> None:
    none = [_case("none", "Ingen", None)]
    assert "Ingen målt tiltak" in pb.barometer_overview_html(none, "nb")
    assert pb.barometer_table(none, "en").empty
    assert pb.barometer_heatmap(none, "en") is None


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_heatmap_shows_shown_cells_only_with_a_language_aware_title(overview, lang: str) -> None:
    fig = pb.barometer_heatmap(overview, lang)
    ax = fig.axes[0]
    rows = pb.barometer_rows(overview)
    shown = int(rows["mean_kommune"].notna().sum() + rows["mean_partner"].notna().sum())
    assert len(ax.texts) == shown  # a number in every shown cell, none in a hidden one
    assert sum(t.get_text().endswith("*") for t in ax.texts) == 2 * int(rows["clear"].sum())
    title = ax.get_title()
    assert ("Samskapingsbarometeret" in title) == (lang == "nb")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [DIMENSION_LABELS[d][lang] for d in DIMENSIONS]
    assert len(ax.get_yticklabels()) == 2 * 2  # two partnerships × two sides
