"""SROI against cases computed by hand (arithmetic written out next to each assertion)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from fou_analysis import value
from fou_analysis.exceptions import SpecificationError

matplotlib.use("Agg")


@pytest.fixture
def worked_map(make_row):
    """One outcome with every share and a three-year drop-off: the hand-worked example."""
    return value.load_impact_map(
        [
            make_row(
                quantity=10,
                proxy_nok=1000,
                deadweight=0.2,
                displacement=0.1,
                attribution=0.25,
                drop_off=0.5,
                duration_years=3,
            )
        ]
    )


def test_multi_year_with_drop_off_discounting_displacement_attribution(worked_map):
    m = worked_map
    res = value.sroi(m, investment=10_000, discount_rate=0.10, base_year=2020)
    # year 1: 10 × 1000 × 0.8 × 0.9 × 0.75 = 5400; year 2: 5400 × 0.5 = 2700; year 3: 1350
    pv = 5400 / 1.1 + 2700 / 1.1**2 + 1350 / 1.1**3  # = 8154.77...
    assert res.present_value == pytest.approx(pv, rel=1e-12)
    assert res.present_value == pytest.approx(8154.7708, abs=1e-3)
    assert res.npv == pytest.approx(pv - 10_000, rel=1e-12)
    assert res.ratio == pytest.approx(pv / 10_000, rel=1e-12)
    assert res.payback_years is None  # never reaches 10 000
    assert res.by_year["value"].tolist() == pytest.approx([0, 5400, 2700, 1350])
    assert res.by_year["cost"].tolist() == [10_000, 0, 0, 0]
    assert res.by_outcome.loc[0, "impact_year1"] == pytest.approx(5400)
    assert res.by_outcome.loc[0, "impact_undiscounted"] == pytest.approx(9450)
    assert res.by_year["cumulative_net"].iloc[-1] == pytest.approx(res.npv)


def test_two_rows_different_durations_and_interpolated_payback(make_row):
    rows = [
        make_row(outcome="a", quantity=4, proxy_nok=2500, duration_years=2),
        make_row(outcome="b", quantity=1, proxy_nok=6000, deadweight=0.5, drop_off=0.1, duration_years=4),
    ]
    res = value.sroi(value.load_impact_map(rows), investment=20_000, discount_rate=0.0, base_year=2020)
    # a: 10 000 in years 1–2.  b: 6000 × 0.5 = 3000, then 2700, 2430, 2187 (drop-off 10 %).
    assert res.by_year["value"].tolist() == pytest.approx([0, 13_000, 12_700, 2_430, 2_187])
    assert res.present_value == pytest.approx(13_000 + 12_700 + 2_430 + 2_187)
    # cumulative 13 000 after year 1, 25 700 after year 2: payback = 1 + (20 000 − 13 000) / 12 700
    assert res.payback_years == pytest.approx(1 + 7_000 / 12_700)
    assert res.by_outcome["present_value"].tolist() == pytest.approx([20_000, 10_317])
    assert res.by_outcome["share_of_present_value"].sum() == pytest.approx(1.0)


def test_effect_quantity_does_not_subtract_deadweight_twice(make_row, effect):
    row = make_row(
        quantity="effect:work",
        quantity_multiplier=40,
        proxy_nok=400_000,
        proxy_year=2024,
        deadweight=0.3,  # would be wrong to apply: the DiD contrast already removed it
        attribution=0.3,
    )
    m = value.load_impact_map([row])
    res = value.sroi(
        m, investment=1_000_000, effects={"work": effect(0.15, 0.05, (0.05, 0.25))}, discount_rate=0.035
    )
    # 0.15 × 40 × 400 000 × (1 − 0) × (1 − 0) × (1 − 0.3) / 1.035 = 1 680 000 / 1.035
    assert res.present_value == pytest.approx(1_680_000 / 1.035, rel=1e-12)
    assert res.present_value != pytest.approx(1_680_000 * 0.7 / 1.035)
    assert bool(res.by_outcome.loc[0, "deadweight_netted_by_effect"])
    assert res.by_outcome.loc[0, "deadweight"] == 0
    assert res.by_outcome.loc[0, "deadweight_input"] == 0.3
    assert any("already netted out" in n for n in res.notes)
    assert "dødvekt er allerede trukket fra" in str(res.summary("nb"))
    assert "already netted out" in str(res.summary("en"))


def test_numeric_quantity_flagged_as_effect_is_netted_too(make_row):
    m = value.load_impact_map([make_row(quantity=5, quantity_from_effect="ja", deadweight=0.4)])
    res = value.sroi(m, investment=1_000, discount_rate=0.0, base_year=2020)
    assert res.present_value == pytest.approx(5 * 1000)  # deadweight 0.4 not applied


def test_proxies_move_to_base_year_prices(make_row):
    m = value.load_impact_map([make_row(quantity=1, proxy_nok=1000, proxy_year=2015)])
    res = value.sroi(
        m, investment=1_000, discount_rate=0.0, base_year=2020, price_index={2015: 100.0, 2020: 110.0}
    )
    assert res.present_value == pytest.approx(1000 * 110 / 100)  # 1000 kr in 2015 = 1100 kr in 2020
    assert res.base_year == 2020


def test_default_base_year_is_latest_proxy_year(make_row):
    m = value.load_impact_map([make_row(proxy_year=2015), make_row(outcome="b", proxy_year=2019)])
    assert value.sroi(m, investment=1, price_index={2015: 100, 2019: 110}).base_year == 2019


def test_r109_rates_in_sroi(make_row):
    m = value.load_impact_map([make_row(quantity=1, proxy_nok=1000, duration_years=2)])
    res = value.sroi(m, investment=1_000, discount_rate="r109", base_year=2020)
    assert res.present_value == pytest.approx(1000 / 1.04 + 1000 / 1.04**2)


def test_negative_multiplier_values_a_reduction(make_row):
    m = value.load_impact_map([make_row(quantity=0.5, quantity_multiplier=-20, proxy_nok=-1000)])
    # a reduction (−0.5 × 20 = −10 units) valued at a cost saved (−1000 each) = +10 000
    assert value.sroi(m, investment=1, discount_rate=0, base_year=2020).present_value == pytest.approx(10_000)


def test_waterfall_steps_add_up(worked_map):
    m = worked_map
    res = value.sroi(m, investment=10_000, discount_rate=0.1, base_year=2020)
    w = res.waterfall.set_index("step")
    assert w.loc["gross value", "level"] == pytest.approx(10 * 1000 * 3)
    assert w.loc["deadweight", "level"] == pytest.approx(30_000 * 0.8)
    assert w.loc["displacement", "level"] == pytest.approx(30_000 * 0.8 * 0.9)
    assert w.loc["attribution", "level"] == pytest.approx(5400 * 3)
    assert w.loc["present value", "level"] == pytest.approx(res.present_value)
    ax = res.plot()
    assert len(ax.patches) == len(w)


def test_summary_renders_and_has_caveat(make_row):
    res = value.sroi(value.load_impact_map([make_row()]), investment=5_000, base_year=2020)
    nb, en = res.summary("nb"), res.summary("en")
    assert "kan ikke sammenlignes" in nb.sentence
    assert "cannot be compared" in en.sentence
    assert "<table" in nb._repr_html_()
    assert "\u00a0kr" in str(nb)  # Norwegian amounts: "12 345 kr"
    frame = res.to_frame()
    assert frame.loc[0, "ratio"] == pytest.approx(res.ratio)
    with pytest.raises(SpecificationError):
        res.summary("de")


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "a lot"])
def test_investment_must_be_positive(make_row, bad):
    with pytest.raises(SpecificationError, match="investment"):
        value.sroi(value.load_impact_map([make_row()]), investment=bad)


def test_missing_effect_is_a_specification_error(make_row):
    m = value.load_impact_map([make_row(quantity="effect:work")])
    with pytest.raises(SpecificationError, match="work"):
        value.sroi(m, investment=1, base_year=2020)


def test_effect_se_taken_from_ci_when_missing(make_row, effect):
    m = value.load_impact_map([make_row(quantity="effect:x")])
    sim = value.simulate(
        m, investment=1, effects={"x": effect(2.0, float("nan"), (1.0, 3.0))}, draws=20_000, base_year=2020
    )
    # se = (3 − 1) / (2 × 1.95996) ≈ 0.5102; PV = q × 1000 / 1.035 so sd(PV) = 0.5102 × 1000 / 1.035
    sd = sim.draws["present_value"].std()
    assert sd == pytest.approx(
        2 / (2 * 1.959964) * 1000 / 1.035, rel=0.03
    )  # 3 %: MC error of an sd with 20 000 draws is ~0.5 %


def test_inputs_not_modified(make_row):
    rows = [make_row()]
    frame = pd.DataFrame(rows)
    before = frame.copy()
    value.sroi(value.load_impact_map(frame), investment=1, base_year=2020)
    pd.testing.assert_frame_equal(frame, before)
    assert np.isfinite(value.sroi(value.load_impact_map(rows), investment=1, base_year=2020).ratio)


def _plain_frame(make_row):
    """An impact map as a notebook user builds it: a DataFrame with numbers, not text."""
    return pd.DataFrame(
        [
            make_row(
                quantity=10, proxy_nok=1000, deadweight=0.2, attribution=0.25, drop_off=0.5, duration_years=3
            ),
            make_row(
                outcome="fewer sick days", quantity=4.5, proxy_nok=2500, proxy_year=2022, displacement=0.1
            ),
        ]
    )


def test_sroi_accepts_plain_dataframe_same_as_load_impact_map(make_row):
    frame = _plain_frame(make_row)
    via_loader = value.sroi(value.load_impact_map(frame), investment=20_000, discount_rate=0.035)
    direct = value.sroi(frame, investment=20_000, discount_rate=0.035)
    assert direct.present_value == via_loader.present_value
    assert direct.ratio == via_loader.ratio
    pd.testing.assert_frame_equal(direct.by_outcome, via_loader.by_outcome)
    pd.testing.assert_frame_equal(direct.by_year, via_loader.by_year)
    # and it is the hand-computable value for the single-year second row at base_year 2022:
    one = value.sroi(frame.iloc[[1]], investment=1_000, discount_rate=0)
    assert one.present_value == pytest.approx(4.5 * 2500 * 0.9, rel=1e-12)  # 10 125


def test_sroi_plain_dataframe_does_not_modify_input(make_row):
    frame = _plain_frame(make_row)
    before = frame.copy()
    value.sroi(frame, investment=20_000)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("column", "bad", "row"),
    [("deadweight", 1.5, 3), ("proxy_nok", "lots", 2), ("duration_years", None, 3)],
)
def test_sroi_plain_dataframe_bad_value_names_column_and_row(make_row, column, bad, row):
    from fou_analysis.exceptions import DataError

    frame = _plain_frame(make_row).astype(object)
    frame.loc[row - 2, column] = bad  # header = row 1, first record = row 2
    with pytest.raises(DataError) as info:
        value.sroi(frame, investment=20_000)
    assert info.value.column == column
    assert info.value.row == row


def test_sroi_plain_dataframe_missing_column_is_named(make_row):
    from fou_analysis.exceptions import DataError

    frame = _plain_frame(make_row).drop(columns="attribution")
    with pytest.raises(DataError) as info:
        value.sroi(frame, investment=20_000)
    assert info.value.column == "attribution"
