"""Every figure of every design and value result in Norwegian: no English words left over.

Each figure is drawn with ``lang="nb"`` and every text a reader sees — title, axis labels, tick
labels, legend entries, annotations — is checked against a list of English words our figures
used to show (``LEFTOVERS``). Texts are split into whole words, so Norwegian words that contain
an English one ("oppstart", "intervall") are not flagged, and the list leaves out English words
that are Norwegian words too ("test", "start", "band", "uniform", "million", "present", "score",
"data", "rate"). "pre", "post" and the group codes "0"/"1" are checked as whole tick or legend
texts, where they were English (or meaningless) on their own.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from fou_analysis import effects, value
from fou_analysis.effects import Labels
from fou_analysis.plotting import number_formatter, tick_number

LEFTOVERS = (
    "treated",
    "comparison",
    "control",
    "controls",
    "share",
    "event",
    "deadweight",
    "displacement",
    "attribution",
    "npv",
    "value",
    "investment",
    "effect",
    "time",
    "before",
    "after",
    "month",
    "year",
    "years",
    "survival",
    "probability",
    "observed",
    "fitted",
    "counterfactual",
    "synthetic",
    "gap",
    "interval",
    "reference",
    "period",
    "periods",
    "relative",
    "density",
    "draws",
    "weights",
    "balance",
    "standardised",
    "difference",
    "differences",
    "mean",
    "change",
    "without",
    "initiative",
    "parallel",
    "trends",
    "study",
    "shown",
    "placebos",
    "prices",
    "cumulative",
    "low",
    "high",
    "quantity",
    "gross",
    "discounting",
    "propensity",
    "interrupted",
    "series",
    "unadjusted",
    "curves",
)
#: Whole-text leftovers: tick or legend texts that were English on their own.
WHOLE = ("pre", "post")
#: Legend entries that were group codes, not names (Kaplan–Meier showed "0" and "1").
CODES = ("0", "1")

NB = Labels(outcome={"nb": "utfallet", "en": "the outcome"}, unit={"nb": "poeng", "en": "points"})


def _texts(fig) -> list[str]:
    """Every visible text of a figure: titles, labels, ticks, legends, annotations."""
    fig.canvas.draw()  # tick labels are made at draw time
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_title("left"), ax.get_title("right"), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts]
        leg = ax.get_legend()
        if leg is not None:
            out += [f"legend:{t.get_text()}" for t in leg.get_texts()]
    return [t for t in out if t]


def _english(texts: list[str]) -> list[str]:
    found = []
    for t in texts:
        legend = t.startswith("legend:")
        t = t.removeprefix("legend:")
        words = re.findall(r"[A-Za-zÆØÅæøå]+", t.lower())
        found += [f"{w!r} in {t!r}" for w in words if w in LEFTOVERS]
        if t.strip().lower() in WHOLE or (legend and t.strip() in CODES):
            found.append(f"{t!r}")
    return found


# ----------------------------------------------------------------------------------- data
def _panel(seed=0, n=12, T=8, start=5):
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n):
        first = start if u < n // 2 else 0
        for t in range(1, T + 1):
            d = int(first and t >= first)
            rows.append((u, t, first, d, int(u < n // 2), int(t >= start), rng.normal() + 0.3 * t + 1.0 * d))
    return pd.DataFrame(rows, columns=["unit", "t", "first", "d", "g", "post", "y"])


def _figures():
    """(name, function drawing one figure on a new axes) for every plot of every result."""
    rng = np.random.default_rng(1)
    panel = _panel()
    pp = pd.DataFrame(
        [(i, w, rng.normal() + (w == "post") * 0.5) for i in range(30) for w in ("pre", "post")],
        columns=["id", "wave", "y"],
    )
    did2 = panel.assign(period=np.where(panel["post"] == 1, "post", "pre"))
    cs = pd.concat(
        [_panel(seed=s).assign(unit=lambda f, s=s: f["unit"] + 100 * s) for s in range(3)], ignore_index=True
    )
    stag = cs.assign(first=np.where(cs["unit"] % 12 < 3, 4, np.where(cs["unit"] % 12 < 6, 6, 0)))
    T = 24
    its_df = pd.DataFrame({"t": np.arange(T), "y": 10 + 0.1 * np.arange(T) - 2 * (np.arange(T) >= 12)})
    its_df["y"] += rng.normal(0, 0.3, T)
    n = 200
    x = rng.normal(size=n)
    wt = pd.DataFrame(
        {"x": x, "z": rng.normal(size=n), "a": (rng.uniform(size=n) < 1 / (1 + np.exp(-x))).astype(int)}
    )
    wt["y"] = wt["x"] + 0.5 * wt["a"] + rng.normal(size=n)
    surv = pd.DataFrame({"grp": np.repeat([0, 1], 40), "age": rng.normal(size=80)})
    surv["days"] = rng.exponential(np.where(surv["grp"] == 1, 200, 100)).round() + 1
    surv["event"] = (rng.uniform(size=80) < 0.7).astype(int)
    F = rng.normal(size=(10, 2)).cumsum(0)
    sc = pd.DataFrame(
        [
            (f"k{u}", 2010 + t, F[t] @ rng.uniform(0, 1, 2) - (u == 0) * (t >= 7) * 1.0)
            for u in range(12)
            for t in range(10)
        ],
        columns=["kommune", "year", "y"],
    )
    sc["d"] = ((sc["kommune"] == "k0") & (sc["year"] >= 2017)).astype(int)
    sc["name"] = sc["kommune"].str.replace("k", "Kommune ", regex=False)

    res = {
        "prepost": effects.prepost(pp, outcome="y", subject="id", wave="wave", pre="pre", post="post"),
        "did_2x2": effects.did(did2, outcome="y", treated="g", post="post", unit="unit", time="t"),
        "event_study": effects.event_study(
            panel, outcome="y", unit="unit", time="t", first_treated="first", leads=3, lags=2
        ),
        "staggered": effects.staggered_did(
            stag, outcome="y", unit="unit", time="t", first_treated="first", reps=49
        ),
        "its": effects.its(its_df, outcome="y", time="t", intervention_start=12),
        "weighting": effects.weighting(wt, outcome="y", treatment="a", covariates=["x", "z"]),
        "survival": effects.survival(surv, duration="days", event="event", group="grp", covariates=["age"]),
        "sc": effects.synthetic_control(
            sc,
            outcome="y",
            unit="kommune",
            time="year",
            treated_unit="k0",
            treatment_start=2017,
            names="name",
        ),
        "sdid": effects.synthetic_did(sc, outcome="y", unit="kommune", time="year", treated="d", reps=20),
    }
    res = {k: r.with_labels(NB) for k, r in res.items()}
    figs = [(k, lambda r=r: r.plot(lang="nb")) for k, r in res.items()]
    figs += [
        ("base_plot", lambda: effects.EffectResult.plot(res["did_2x2"], lang="nb")),
        ("sc_gaps", lambda: res["sc"].plot_gaps(lang="nb")),
        ("sc_placebos", lambda: res["sc"].plot_placebos(lang="nb")),
        ("weighting_overlap", lambda: res["weighting"].plot_overlap(lang="nb")),
    ]

    imap = value.load_impact_map(
        [
            {
                "stakeholder": "unge",
                "outcome": "i arbeid",
                "indicator": "andel i arbeid",
                "quantity": 20,
                "quantity_low": 10,
                "quantity_high": 30,
                "proxy_nok": 250_000,
                "proxy_year": 2024,
                "proxy_source": "test",
                "deadweight": 0.2,
                "deadweight_low": 0.1,
                "deadweight_high": 0.4,
                "displacement": 0.1,
                "attribution": 0.2,
                "attribution_low": 0.1,
                "attribution_high": 0.3,
                "drop_off": 0.2,
                "duration_years": 3,
            }
        ]
    )
    kw = dict(investment=3_000_000, base_year=2024)
    s = value.sroi(imap, **kw)
    sim = value.simulate(imap, **kw, draws=2000, seed=1)
    tor = value.tornado(imap, **kw, discount_rate=(0.02, 0.04, 0.06))
    years = [2024, 2025, 2026]
    cba = value.cost_benefit(
        pd.DataFrame({"valued_outcomes": [0, 2e6, 2e6]}, index=years),
        pd.DataFrame({"investment": [3e6, 0, 0]}, index=years),
        base_year=2024,
        public_share=1.0,
    )
    figs += [
        ("sroi", lambda lang="nb": s.plot(lang=lang)),
        ("simulation_ratio", lambda lang="nb": sim.plot(lang=lang)),
        ("simulation_npv", lambda lang="nb": sim.plot(metric="npv", lang=lang)),
        ("tornado", lambda lang="nb": value.plot_tornado(tor, lang=lang)),
        (
            "tornado_ratio",
            lambda lang="nb": value.plot_tornado(value.tornado(imap, **kw, metric="ratio"), lang=lang),
        ),
        ("cost_benefit", lambda lang="nb": cba.plot(lang=lang)),
    ]
    return figs, res


@pytest.fixture(scope="module")
def figures():
    return _figures()


def test_every_nb_figure_is_free_of_english_leftovers(figures):
    figs, _ = figures
    problems = {}
    for name, draw in figs:
        ax = draw()
        texts = _texts(ax.figure)
        assert texts, f"{name}: no text found (the check would be empty)"
        bad = _english(texts)
        if bad:
            problems[name] = bad
        plt.close(ax.figure)
    assert not problems, problems


def test_the_leftover_check_catches_english(figures):
    """The same design figures in English contain listed words: the check can fail."""
    _, res = figures
    caught = []
    for name, r in res.items():
        ax = r.plot(lang="en")
        if _english(_texts(ax.figure)):
            caught.append(name)
        plt.close(ax.figure)
    assert len(caught) == len(res), set(res) - set(caught)


def test_survival_legend_names_groups_and_title_has_no_adjusted_hr(figures):
    _, res = figures
    ax = res["survival"].plot(lang="nb")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Sammenligning", "Deltakere"]
    assert _english(["legend:0", "legend:1"])  # the old codes would be caught
    assert "HR" not in ax.get_title()
    assert any("ujusterte" in t.get_text() for t in ax.texts)
    ax = res["survival"].plot(lang="en", group_names={0: "waiting list", 1: "course"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["waiting list", "course"]
    plt.close("all")


def test_nb_ticks_have_decimal_comma_and_space_groups(figures):
    assert tick_number(29200, 0, "nb") == "29\u00a0200"
    assert tick_number(2021, 0, "nb") == "2021"  # years are not split
    assert tick_number(0.25, 2, "nb") == "0,25"
    assert tick_number(-1.5, 1, "nb") == "−1,5"
    fmt = number_formatter("nb")
    assert fmt.format_ticks([0.0, 0.5, 1.0]) == ["0,0", "0,5", "1,0"]
    assert fmt.format_ticks([0.0, 1.5e6, 3e6]) == ["0,0", "1,5\u00a0mill.", "3,0\u00a0mill."]
    _, res = figures
    ax = res["sc"].plot(lang="nb")
    ax.figure.canvas.draw()
    y = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert y and not any("." in t for t in y)
    x = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any(t.startswith("20") and len(t) == 4 for t in x)  # years stay "2012"
    assert "Kommune 0" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close("all")


def test_no_figure_shows_a_code_name_in_either_language(figures):
    """Titles and labels name designs in words ("Vekting (dobbelt robust)"), never by their code
    ("weighting_dr", "synthetic_did"): a snake_case word in a figure is a leftover in both
    languages."""
    _, res = figures
    problems = {}
    for name, r in res.items():
        for lang in ("nb", "en"):
            ax = r.plot(lang=lang)
            codes = [
                t for t in _texts(ax.figure) if re.search(r"\b[a-z]+_[a-z_]+\b", t.removeprefix("legend:"))
            ]
            if codes:
                problems[f"{name}/{lang}"] = codes
            plt.close(ax.figure)
    assert not problems, problems


VALUE_FIGURES = ("sroi", "simulation_ratio", "simulation_npv", "tornado", "tornado_ratio", "cost_benefit")


def test_no_value_figure_shows_a_data_key_in_english(figures):
    """The English value figures name streams, parameters and metrics in words, as the Norwegian
    ones do: a snake_case key ("tax_financing_cost", "proxy_nok", "present_value") is a leftover."""
    figs, _ = figures
    problems = {}
    drawn = 0
    for name, draw in figs:
        if name not in VALUE_FIGURES:
            continue
        ax = draw(lang="en")
        drawn += 1
        codes = [t for t in _texts(ax.figure) if re.search(r"\b[a-z]+_[a-z_]+\b", t.removeprefix("legend:"))]
        if codes:
            problems[name] = codes
        plt.close(ax.figure)
    assert drawn == len(VALUE_FIGURES)
    assert not problems, problems
