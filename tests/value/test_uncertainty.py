"""Monte Carlo, tornado and break-even."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from fou_analysis import value
from fou_analysis.exceptions import SpecificationError

matplotlib.use("Agg")

INDEX = {2015: 100.0, 2020: 110.0}


@pytest.fixture
def ranged_map(make_row):
    rows = [
        make_row(
            outcome="work",
            quantity="effect:work",
            quantity_multiplier=40,
            proxy_nok=400_000,
            proxy_nok_low=300_000,
            proxy_nok_high=500_000,
            proxy_year=2015,
            deadweight=0.3,
            attribution=0.3,
            attribution_low=0.2,
            attribution_high=0.5,
            drop_off=0.2,
            duration_years=3,
        ),
        make_row(
            outcome="wellbeing",
            quantity=20,
            quantity_low=10,
            quantity_high=25,
            proxy_nok=100_000,
            deadweight=0.2,
            deadweight_low=0.1,
            deadweight_high=0.4,
            drop_off=0.5,
            duration_years=2,
        ),
    ]
    return value.load_impact_map(rows)


def _kw(effect):
    return {"effects": {"work": effect(0.15, 0.05, (0.052, 0.248))}, "base_year": 2020, "price_index": INDEX}


def test_reproducible_with_seed(ranged_map, effect):
    a = value.simulate(ranged_map, investment=3e6, draws=5_000, seed=7, **_kw(effect))
    b = value.simulate(ranged_map, investment=3e6, draws=5_000, seed=7, **_kw(effect))
    c = value.simulate(ranged_map, investment=3e6, draws=5_000, seed=8, **_kw(effect))
    np.testing.assert_array_equal(a.draws.to_numpy(), b.draws.to_numpy())
    assert not np.array_equal(a.draws["present_value"], c.draws["present_value"])


def test_collapsed_ranges_give_the_deterministic_value(effect, make_row):
    """Every range collapsed: each draw equals sroi()'s year-by-year table (the closed form and
    the explicit table are two independent implementations)."""
    rows = [
        make_row(
            outcome="work",
            quantity="effect:work",
            quantity_multiplier=40,
            proxy_nok=400_000,
            proxy_year=2015,
            deadweight=0.3,
            displacement=0.1,
            attribution=0.3,
            drop_off=0.2,
            duration_years=5,
        ),
        make_row(
            outcome="wellbeing",
            quantity=20,
            proxy_nok=100_000,
            deadweight=0.2,
            drop_off=0.5,
            duration_years=2,
        ),
        make_row(outcome="flat", quantity=3, proxy_nok=5_000, duration_years=4),  # drop-off 0 (g ≠ 1 branch)
    ]
    m = value.load_impact_map(rows)
    fixed = {"work": effect(0.15, 0.0, (0.15, 0.15))}
    det = value.sroi(m, investment=3e6, discount_rate=0.04, effects=fixed, base_year=2020, price_index=INDEX)
    sim = value.simulate(
        m, investment=3e6, draws=1_000, discount_rate=0.04, effects=fixed, base_year=2020, price_index=INDEX
    )
    assert sim.draws["present_value"].to_numpy() == pytest.approx(
        np.full(1_000, det.present_value), rel=1e-12
    )
    assert sim.deterministic.present_value == pytest.approx(det.present_value)
    # r = 0 and drop-off 0 makes g = 1 exactly (the other branch of the closed form)
    det0 = value.sroi(m, investment=3e6, discount_rate=0.0, effects=fixed, base_year=2020, price_index=INDEX)
    sim0 = value.simulate(
        m, investment=3e6, draws=10, discount_rate=0.0, effects=fixed, base_year=2020, price_index=INDEX
    )
    assert sim0.draws["present_value"].to_numpy() == pytest.approx(np.full(10, det0.present_value), rel=1e-12)


def test_probability_monotone_in_investment(ranged_map, effect):
    probs = [
        value.simulate(ranged_map, investment=inv, draws=4_000, **_kw(effect)).prob_value_exceeds_cost
        for inv in (1e6, 3e6, 5e6, 7e6, 9e6)
    ]
    assert all(a >= b for a, b in zip(probs, probs[1:], strict=False))
    assert probs[0] > probs[-1]


@pytest.mark.simulation
def test_effect_draws_follow_the_sampling_distribution(effect, make_row):
    """PV is linear in the effect, so mean(PV) → PV(estimate) and sd(PV) → PV(estimate) · se / estimate.
    Tolerance: 4 Monte Carlo standard errors of the mean (sd/√n) and 3 % for the sd (its MC
    relative error with 20 000 draws is about 0.5 %)."""
    m = value.load_impact_map(
        [
            make_row(
                quantity="effect:e", quantity_multiplier=10, proxy_nok=1_000, duration_years=3, drop_off=0.1
            )
        ]
    )
    eff = {"e": effect(2.0, 0.5, (1.02, 2.98))}
    det = value.sroi(m, investment=1, effects=eff, base_year=2020)
    sim = value.simulate(m, investment=1, effects=eff, draws=20_000, seed=1, base_year=2020)
    pv = sim.draws["present_value"]
    expected_sd = det.present_value * 0.5 / 2.0
    assert abs(pv.mean() - det.present_value) < 4 * expected_sd / np.sqrt(len(pv))
    assert pv.std() == pytest.approx(expected_sd, rel=0.03)


@pytest.mark.simulation
@pytest.mark.parametrize(("distribution", "weights"), [("pert", (1, 4, 1)), ("triangular", (1, 1, 1))])
def test_bounded_distributions_have_their_means(make_row, distribution, weights):
    """PERT mean = (low + 4·mode + high)/6; triangular mean = (low + mode + high)/3. PV is linear in
    the proxy; tolerance 4 MC standard errors."""
    lo, mode, hi = 500.0, 1_000.0, 3_000.0
    m = value.load_impact_map([make_row(proxy_nok=mode, proxy_nok_low=lo, proxy_nok_high=hi)])
    sim = value.simulate(
        m, investment=1, draws=20_000, seed=3, distribution=distribution, base_year=2020, discount_rate=0
    )
    mean_proxy = (weights[0] * lo + weights[1] * mode + weights[2] * hi) / sum(weights)
    pv = sim.draws["present_value"]
    assert abs(pv.mean() - 10 * mean_proxy) < 4 * pv.std() / np.sqrt(len(pv))
    assert pv.min() >= 10 * lo and pv.max() <= 10 * hi


def test_ranges_override_and_discount_range(ranged_map, effect):
    base = value.simulate(ranged_map, investment=3e6, draws=2_000, **_kw(effect))
    wide = value.simulate(
        ranged_map,
        investment=3e6,
        draws=2_000,
        ranges={"attribution": (0.0, 0.9)},
        discount_rate=(0.0, 0.035, 0.1),
        **_kw(effect),
    )
    iv = lambda s: s.intervals.set_index("metric").loc["ratio"]  # noqa: E731
    assert iv(wide).ci_high - iv(wide).ci_low > iv(base).ci_high - iv(base).ci_low
    assert wide.draws["discount_rate"].between(0, 0.1).all() and wide.draws["discount_rate"].std() > 0
    with pytest.raises(SpecificationError):
        value.simulate(ranged_map, investment=3e6, draws=100, ranges={"colour": (0, 1)}, **_kw(effect))


def test_simulation_outputs_render(ranged_map, effect):
    sim = value.simulate(ranged_map, investment=3e6, draws=2_000, **_kw(effect))
    assert "Sannsynligheten" in sim.summary("nb").sentence and "probability" in sim.summary("en").sentence
    row = sim.to_frame().iloc[0]
    assert row["ratio_ci_low"] < row["ratio_median"] < row["ratio_ci_high"]
    assert sim.plot() is not None and sim.plot(metric="npv") is not None


def test_tornado_order_and_values(make_row):
    m = value.load_impact_map(
        [
            make_row(
                quantity=10,
                proxy_nok=1000,
                proxy_nok_low=800,
                proxy_nok_high=1200,
                attribution=0.25,
                attribution_low=0.2,
                attribution_high=0.3,
            )
        ]
    )
    tor = value.tornado(m, investment=5_000, discount_rate=0.0, base_year=2020)
    pv = 10 * 1000 * 0.75
    # proxy ±200 of 1000 → swing 0.4·PV; attribution 0.2–0.3 → (0.8 − 0.7)/0.75·PV = 0.133·PV
    assert tor["column"].tolist() == ["proxy_nok", "attribution"]
    assert tor.loc[0, "swing"] == pytest.approx(0.4 * pv)
    assert tor.loc[1, "swing"] == pytest.approx(pv * 0.1 / 0.75)
    assert tor.loc[0, "metric_low"] == pytest.approx(10 * 800 * 0.75 - 5_000)
    assert (tor["base"] == pv - 5_000).all()
    assert tor["swing"].is_monotonic_decreasing
    # ±20 % for fixed parameters adds the quantity (swing 0.4·PV, ties keep map order) and the
    # shares that are not 0; the rate range appears as its own parameter
    tor2 = value.tornado(
        m,
        investment=5_000,
        discount_rate=(0.0, 0.03, 0.06),
        relative_swing=0.2,
        base_year=2020,
        metric="ratio",
    )
    assert {"quantity", "discount_rate"} <= set(tor2["column"])
    assert tor2["swing"].is_monotonic_decreasing
    ax = value.plot_tornado(tor2)
    assert len(ax.patches) == 2 * len(tor2)


def test_tornado_uses_effect_interval(effect, make_row):
    m = value.load_impact_map([make_row(quantity="effect:e", deadweight=0.5)])
    tor = value.tornado(
        m, investment=1, effects={"e": effect(2.0, 0.5, (1.02, 2.98))}, base_year=2020, discount_rate=0
    )
    row = tor.set_index("column").loc["quantity"]
    assert (row.low, row.high) == pytest.approx((2 - 1.959964 * 0.5, 2 + 1.959964 * 0.5), rel=1e-5)
    assert "deadweight" not in set(tor["column"])  # netted by the effect: never varied


def test_break_even_gives_zero_npv(ranged_map, effect, make_row):
    kw = _kw(effect)
    be = value.break_even(
        ranged_map, investment=9e6, outcome_row="work", unit={"nb": "unge", "en": "young people"}, **kw
    )
    # plug the break-even number of participants back into the map
    t = ranged_map.to_frame()
    rows = []
    for r in t.to_dict("records"):
        rec = {
            k: r[k]
            for k in (
                "stakeholder",
                "outcome",
                "indicator",
                "proxy_nok",
                "proxy_year",
                "proxy_source",
                "deadweight",
                "displacement",
                "attribution",
                "drop_off",
                "duration_years",
                "quantity_multiplier",
            )
        }
        rec["quantity"] = f"effect:{r['effect_key']}" if r["effect_key"] else r["quantity"]
        rows.append(rec)
    rows[0]["quantity_multiplier"] = be.multiplier
    res = value.sroi(value.load_impact_map(rows), investment=9e6, **kw)
    assert res.npv == pytest.approx(0, abs=1e-6 * 9e6)
    assert be.multiplier > 40  # NPV < 0 at 40 participants, so more are needed
    assert "hvis minst" in be.sentence("nb") and "unge" in be.sentence("nb")
    assert "at least" in be.summary("en").sentence
    assert set(be.to_frame()["parameter"]) == {"quantity_per_year", "multiplier", "effect_per_unit"}

    # a plain quantity row: NPV(quantity*) = 0
    m = value.load_impact_map([make_row(quantity=3, proxy_nok=1000, duration_years=2, drop_off=0.5)])
    be2 = value.break_even(m, investment=10_000, outcome_row=0, base_year=2020)
    m2 = value.load_impact_map(
        [make_row(quantity=be2.quantity_per_year, proxy_nok=1000, duration_years=2, drop_off=0.5)]
    )
    assert value.sroi(m2, investment=10_000, base_year=2020).npv == pytest.approx(0, abs=1e-6)
