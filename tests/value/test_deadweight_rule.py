"""The deadweight rule lives in ``value``: an effect quantity nets deadweight out, unless the effect
is a before/after change (``prepost``: no comparison group), which keeps it — whoever calls value.

Expected numbers are written out by hand next to each assertion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fou_analysis import effects, value


def _prepost_effect() -> effects.EffectResult:
    """A real ``effects.prepost`` fit: 30 people, each +2 from wave 1 to wave 2 (plus noise)."""
    rng = np.random.default_rng(3)
    pre = rng.normal(10, 1, 30)
    data = pd.DataFrame(
        {
            "id": np.tile(np.arange(30), 2),
            "wave": np.repeat([1, 2], 30),
            "score": np.concatenate([pre, pre + 2 + rng.normal(0, 0.5, 30)]),
        }
    )
    return effects.prepost(data, outcome="score", unit="id", time="wave", pre=1, post=2)


def _did_effect(estimate: float) -> effects.EffectResult:
    return effects.EffectResult(
        method="did", estimand="ATT", outcome="y", estimate=estimate, se=0.1, ci=(estimate - 0.2, estimate + 0.2),
        p_value=0.01, n=100,
    )  # fmt: skip


def _row(make_row, key: str, **kw):
    return make_row(quantity=f"effect:{key}", proxy_nok=1000, deadweight=0.4, **kw)


def test_sroi_called_directly_keeps_deadweight_for_a_before_after_effect(make_row) -> None:
    pp = _prepost_effect()
    assert pp.method == "prepost"  # the design the rule reads
    m = value.load_impact_map([_row(make_row, "change")])
    res = value.sroi(m, investment=1_000, discount_rate=0.0, effects={"change": pp})
    # estimate × 1000 kr × (1 − 0.4), one year, undiscounted
    assert res.present_value == pytest.approx(pp.estimate * 1000 * 0.6, rel=1e-12)
    bo = res.by_outcome.iloc[0]
    assert bo["deadweight"] == 0.4 and not bo["deadweight_netted_by_effect"]
    assert bo["deadweight_kept_before_after"] and bo["quantity_design"] == "prepost"
    assert any(
        "before–after change with no comparison group, so deadweight is subtracted" in n for n in res.notes
    )
    assert any("uten sammenligningsgruppe, så dødvekt er trukket fra" in n for n in res.notes_nb)
    assert not any("already netted out and was not subtracted" in n for n in res.notes)
    assert res.before_after_notes("nb") and "0,4" in res.before_after_notes("nb")[0]


def test_sroi_called_directly_nets_deadweight_for_a_did_effect_as_before(make_row) -> None:
    m = value.load_impact_map([_row(make_row, "work")])
    res = value.sroi(m, investment=1_000, discount_rate=0.0, effects={"work": _did_effect(2.0)})
    assert res.present_value == pytest.approx(2.0 * 1000, rel=1e-12)  # deadweight 0.4 not applied
    bo = res.by_outcome.iloc[0]
    assert bo["deadweight"] == 0 and bo["deadweight_netted_by_effect"]
    assert not bo["deadweight_kept_before_after"] and bo["quantity_design"] == "did"
    assert res.before_after_notes("en") == ()


def test_an_effect_that_does_not_say_its_design_is_netted_as_before(make_row, effect) -> None:
    m = value.load_impact_map([_row(make_row, "x")])
    res = value.sroi(m, investment=1_000, discount_rate=0.0, effects={"x": effect(2.0, 0.1, (1.8, 2.2))})
    assert res.present_value == pytest.approx(2000) and res.by_outcome.loc[0, "quantity_design"] == ""


def test_tornado_and_break_even_apply_the_same_rule(make_row) -> None:
    """Every value entry point goes through the same preparation: the prepost row keeps 0.4."""
    pp = _prepost_effect()
    dw_range = {"deadweight_low": 0.2, "deadweight_high": 0.6}
    rows = [
        _row(make_row, "change", outcome="a", **dw_range),
        _row(make_row, "work", outcome="b", **dw_range),
    ]
    m = value.load_impact_map(rows)
    eff = {"change": pp, "work": _did_effect(2.0)}
    e = pp.estimate
    pv = e * 1000 * 0.6 + 2.0 * 1000
    assert value.sroi(m, investment=1_000, discount_rate=0.0, effects=eff).present_value == pytest.approx(pv)
    torn = value.tornado(m, investment=1_000, discount_rate=0.0, effects=eff).set_index("parameter")
    # row a's deadweight moves the NPV: e × 1000 × (1 − 0.2 | 0.6) + 2000 − 1000
    a = torn.loc["youth: a — deadweight"]
    assert (a["metric_low"], a["metric_high"]) == pytest.approx((e * 800 + 1000, e * 400 + 1000))
    assert "youth: b — deadweight" not in torn.index  # netted by the DiD: no deadweight to vary
    be = value.break_even(m, investment=1_000, outcome_row=0, discount_rate=0.0, effects=eff)
    # break-even yearly quantity of row a: (1000 − 2000) / (1000 × 0.6) per unit
    assert be.quantity_per_year == pytest.approx((1_000 - 2_000) / 600)


def test_the_pipeline_leaves_the_rule_to_value() -> None:
    """``impact_rows`` passes the plan's rows through; no design logic in the pipeline."""
    import inspect

    from fou_analysis.pipeline import stages

    src = inspect.getsource(stages)
    assert "COUNTERFACTUAL_DESIGNS" not in src and '"quantity_from_effect"' not in src
