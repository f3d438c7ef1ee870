"""R-109/2021 discounting and the cost–benefit analysis, against hand arithmetic.

Source of the rules: Finansdepartementet, rundskriv R-109/2021; DFØ, Veileder i
samfunnsøkonomiske analyser (4 % years 0–40, 3 % 40–75, 2 % beyond; 20 % cost of tax financing).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from fou_analysis import value
from fou_analysis.exceptions import SpecificationError

matplotlib.use("Agg")

# 1.04^40 = 4.8010206..., 1.03^35 = 2.8138625..., 1.02^25 = 1.6406060...
HAND = {
    1: (1 / 1.04, 0.96153846),  # 1 / 1.04
    40: (1 / 1.04**40, 0.20828904),  # 1 / 4.8010206
    41: (1 / (1.04**40 * 1.03), 0.20222237),  # 1 / (4.8010206 × 1.03)
    75: (1 / (1.04**40 * 1.03**35), 0.07402247),  # 1 / (4.8010206 × 2.8138625)
    76: (1 / (1.04**40 * 1.03**35 * 1.02), 0.07257105),  # … × 1.02
    100: (1 / (1.04**40 * 1.03**35 * 1.02**25), 0.04511898),  # … × 1.6406060
}


@pytest.mark.parametrize("t", sorted(HAND))
def test_discount_factor_hand_values(t):
    exact, rounded = HAND[t]
    assert value.r109_discount_factor(t) == pytest.approx(exact, rel=1e-12)
    assert value.r109_discount_factor(t) == pytest.approx(rounded, abs=5e-9)


def test_discount_factor_is_vectorised_and_continuous():
    ts = np.array(sorted(HAND))
    out = value.r109_discount_factor(ts)
    assert isinstance(out, np.ndarray)
    assert out == pytest.approx([HAND[t][0] for t in ts], rel=1e-12)
    assert value.r109_discount_factor(0) == 1.0
    # continuous at the step limits; strictly decreasing
    assert value.r109_discount_factor(40 + 1e-9) == pytest.approx(value.r109_discount_factor(40), rel=1e-9)
    grid = value.r109_discount_factor(np.arange(0, 120))
    assert np.all(np.diff(grid) < 0)


def test_discount_factor_parameters():
    # one constant rate reproduces ordinary discounting
    assert value.r109_discount_factor(10, rates=(0.05,), limits=()) == pytest.approx(1 / 1.05**10)
    # other limits: 4 % for 30 years then 3 %: DF(31) = 1 / (1.04^30 × 1.03)
    assert value.r109_discount_factor(31, limits=(30, 75)) == pytest.approx(1 / (1.04**30 * 1.03))
    with pytest.raises(SpecificationError):
        value.r109_discount_factor(-1)
    with pytest.raises(SpecificationError):
        value.r109_discount_factor(5, rates=(0.04, 0.03), limits=(40, 75))


def _streams():
    years = [2024, 2025, 2026]
    benefits = pd.DataFrame({"fewer_benefits_paid": [0.0, 500_000, 500_000]}, index=years)
    costs = pd.DataFrame({"programme": [600_000.0, 100_000, 100_000]}, index=years)
    return benefits, costs


def test_cost_benefit_hand_computed():
    b, c = _streams()
    res = value.cost_benefit(b, c, base_year=2024, public_share=1.0)
    # net per year: benefits − costs − 0.20 × costs = −720 000, 380 000, 380 000; t = 0, 1, 2
    npv = -720_000 + 380_000 / 1.04 + 380_000 / 1.04**2  # = −3 284.0
    assert res.npv == pytest.approx(npv, rel=1e-12)
    pv_nps = 600_000 + 100_000 / 1.04 + 100_000 / 1.04**2
    assert res.pv_net_public_spending == pytest.approx(pv_nps)
    assert res.pv_tax_financing == pytest.approx(0.2 * pv_nps)
    assert res.npv_per_budget_krone == pytest.approx(npv / pv_nps)
    assert res.streams.loc[2024, "programme"] == -600_000  # costs carry a minus sign
    assert res.streams.loc[2025, "tax_financing_cost"] == pytest.approx(-20_000)
    assert res.streams["t"].tolist() == [0, 1, 2]


def test_public_share_and_net_public_spending():
    b, c = _streams()
    half = value.cost_benefit(b, c, base_year=2024, public_share={"programme": 0.5})
    # tax cost = 0.2 × 0.5 × costs: −660 000, 390 000, 390 000
    assert half.npv == pytest.approx(-660_000 + 390_000 / 1.04 + 390_000 / 1.04**2)
    nps = pd.Series([100_000.0, 0, 0], index=b.index)
    explicit = value.cost_benefit(b, c, base_year=2024, net_public_spending=nps)
    assert explicit.npv == pytest.approx(-620_000 + 400_000 / 1.04 + 400_000 / 1.04**2)
    assert explicit.npv_per_budget_krone == pytest.approx(explicit.npv / 100_000)
    with pytest.raises(SpecificationError, match="public"):
        value.cost_benefit(b, c, base_year=2024)


def test_long_horizon_uses_step_down():
    b = pd.DataFrame({"benefit": [1000.0]}, index=[2074])
    c = pd.DataFrame({"cost": [0.0]}, index=[2024])
    res = value.cost_benefit(b, c, base_year=2024, public_share=1.0)
    # t = 50: DF = 1 / (1.04^40 × 1.03^10)
    assert res.npv == pytest.approx(1000 / (1.04**40 * 1.03**10))


def test_prices_converted_and_horizon():
    b, c = _streams()
    index = {2020: 100.0, 2024: 125.0}
    base = value.cost_benefit(b, c, base_year=2024, public_share=1.0)
    moved = value.cost_benefit(b, c, base_year=2024, public_share=1.0, price_year=2020, price_index=index)
    assert moved.npv == pytest.approx(1.25 * base.npv)  # every amount × 125 / 100
    short = value.cost_benefit(b, c, base_year=2024, public_share=1.0, horizon=2)
    assert short.npv == pytest.approx(-720_000 + 380_000 / 1.04)
    assert any("horizon" in n for n in short.notes)


def test_unpriced_effects_listed_not_added():
    b, c = _streams()
    res = value.cost_benefit(
        b,
        c,
        base_year=2024,
        public_share=1.0,
        unpriced=[("trust between partners", "+", "partner survey"), ("stigma", "−")],
    )
    assert res.unpriced["assessment"].tolist() == ["+", "-"]
    assert res.npv == pytest.approx(value.cost_benefit(b, c, base_year=2024, public_share=1.0).npv)
    text = str(res.summary("nb"))
    assert "trust between partners" in text and "Nullalternativet" in text
    with pytest.raises(SpecificationError, match="assessment"):
        value.cost_benefit(b, c, base_year=2024, public_share=1.0, unpriced={"x": "good"})


def test_cba_outputs_render():
    b, c = _streams()
    res = value.cost_benefit(b, c, base_year=2024, public_share=1.0)
    assert res.to_frame().loc[0, "npv"] == pytest.approx(res.npv)
    assert "ikke samfunnsøkonomisk lønnsomt" in res.sentence("nb")
    assert "not socially profitable" in res.summary("en").sentence
    assert res.plot() is not None
