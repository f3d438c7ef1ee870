"""Societal value: SROI, Norwegian cost–benefit rules (R-109), the value bank, uncertainty.

Every kroner value comes from the value bank (``fou_analysis/data/value_bank.csv``, versioned,
each number with a full citation) or from the case's impact map — never from code.

Typical flow::

    from fou_analysis import value
    imap = value.load_impact_map("cases/friskgarden_impact_map.csv")
    res = value.sroi(imap, investment=2_500_000, effects={"work": did_result})
    sim = value.simulate(imap, investment=2_500_000, effects={"work": did_result})
    tor = value.tornado(imap, investment=2_500_000, effects={"work": did_result})
    be = value.break_even(imap, investment=2_500_000, outcome_row=0, effects={"work": did_result})
"""

from fou_analysis.formatting import format_nok, format_number, format_percent
from fou_analysis.value.bank import BankValue, bank_value, load_price_index, load_value_bank, to_base_year
from fou_analysis.value.impact_map import ImpactMap, load_impact_map
from fou_analysis.value.r109 import CbaResult, cost_benefit, r109_discount_factor
from fou_analysis.value.sensitivity import BreakEven, break_even, plot_tornado, tornado
from fou_analysis.value.sroi import SroiResult, sroi
from fou_analysis.value.uncertainty import SimulationResult, simulate

__all__ = [
    "BankValue",
    "BreakEven",
    "CbaResult",
    "ImpactMap",
    "SimulationResult",
    "SroiResult",
    "bank_value",
    "break_even",
    "cost_benefit",
    "format_nok",
    "format_number",
    "format_percent",
    "load_impact_map",
    "load_price_index",
    "load_value_bank",
    "plot_tornado",
    "r109_discount_factor",
    "simulate",
    "sroi",
    "to_base_year",
    "tornado",
]
