"""Which impact-map rows the base case may use, and which are a scenario.

A value the reader can trust rests on quantities that are either a documented count (a number in
the plan) or an estimated effect that is

* graded at least ``value.min_grade`` on the Maryland Scientific Methods Scale (default 3: a
  comparison group followed before and after; see :mod:`fou_analysis.effects.evidence`), and
* distinguishable from zero (its interval excludes 0).

Every other row (a before/after change, a non-significant estimate) is a **scenario**: valued
and shown separately ("med scenarioer"), never in the headline ratio. The rule lives here, in the
pipeline, because it joins the plan (which design estimated which outcome) with the effect
results; ``value`` itself stays free of plans and ``effects`` free of money.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from fou_analysis.config import CasePlan
from fou_analysis.effects.evidence import grade
from fou_analysis.exceptions import SpecificationError

EVIDENCE_COLUMNS = (
    "row",
    "stakeholder",
    "outcome",
    "outcome_en",
    "source",
    "effect_key",
    "design",
    "grade",
    "significant",
    "base",
    "reason_nb",
    "reason_en",
)


def evidence_rows(plan: CasePlan, effects: Mapping[str, Any] | None) -> pd.DataFrame:
    """One row per impact-map row: where its quantity comes from, its grade, base or scenario.

    Parameters
    ----------
    plan
        The case plan (its ``value.impact_map`` and ``value.min_grade``).
    effects
        ``{outcome_id: EffectResult}`` as returned by :func:`fou_analysis.pipeline.estimate`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EVIDENCE_COLUMNS`; ``row`` is the 0-based position in the plan's impact
        map, ``source`` ``"count"`` or ``"effect"``, ``grade`` the evidence level (``<NA>`` for a
        count), ``base`` whether the row belongs to the base case, ``reason_*`` why, per language.

    Raises
    ------
    SpecificationError
        The plan has no value section, or a row refers to an effect that was not estimated.
    """
    vp = plan.value
    if vp is None:
        raise SpecificationError(f"case {plan.slug!r} has no 'value' section")
    out = []
    for i, r in enumerate(vp.impact_map):
        rec: dict[str, Any] = {
            "row": i,
            "stakeholder": r.text("stakeholder"),
            "outcome": r.text("outcome"),
            "outcome_en": r.text("outcome", "en"),
        }
        ref = str(r.quantity)
        if not ref.startswith("effect:"):
            rec.update(
                source="count",
                effect_key="",
                design="",
                grade=pd.NA,
                significant=pd.NA,
                base=True,
                reason_nb="dokumentert antall",
                reason_en="documented count",
            )
            out.append(rec)
            continue
        key = ref.removeprefix("effect:")
        design = plan.outcome(key).design
        if effects is None or key not in effects:
            raise SpecificationError(
                f"cases/{plan.slug}.yaml: impact map row {i + 1} ({r.text('outcome')}) needs the effect {key!r}, "
                "which was not estimated"
            )
        res = effects[key]
        g = grade(res, design)
        sig = bool(res.significant)
        nb_why, en_why = [], []
        if g.level < vp.min_grade:
            nb_why.append(f"evidensnivå {g.level} er under {vp.min_grade}")
            en_why.append(f"evidence level {g.level} is below {vp.min_grade}")
            if not g.causal:
                nb_why.append("før–etter, ikke en årsakseffekt")
                en_why.append("before–after, not a causal effect")
        if not sig:
            nb_why.append("intervallet omfatter null")
            en_why.append("the interval includes zero")
        base = not nb_why
        rec.update(
            source="effect",
            effect_key=key,
            design=design,
            grade=g.level,
            significant=sig,
            base=base,
            reason_nb=f"effekt, evidensnivå {g.level}, intervallet utelukker null"
            if base
            else "scenario: " + "; ".join(nb_why),
            reason_en=f"effect, evidence level {g.level}, interval excludes zero"
            if base
            else "scenario: " + "; ".join(en_why),
        )
        out.append(rec)
    frame = pd.DataFrame(out, columns=list(EVIDENCE_COLUMNS))
    frame["grade"] = frame["grade"].astype("Int64")
    frame["significant"] = frame["significant"].astype("boolean")
    frame["base"] = frame["base"].astype(bool)
    return frame


__all__ = ["EVIDENCE_COLUMNS", "evidence_rows"]
