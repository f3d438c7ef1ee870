"""Cleaning: survey instruments and scales, register harmonisation, the cleaning log.

Every step that drops, recodes or imputes writes a :class:`CleaningLog` entry
(``rows_in == rows_out + dropped``; ``changed`` = cells set missing or recoded).
"""

from fou_analysis.clean.log import CleaningLog, LogEntry
from fou_analysis.clean.municipalities import HarmonisedTable, harmonise_municipalities, municipality_codes
from fou_analysis.clean.register import balanced_panel, first_treated, status_spells
from fou_analysis.clean.register_aggregate import aggregate_register
from fou_analysis.clean.reliability import ReliabilityResult, reliability
from fou_analysis.clean.rows import keep_rows
from fou_analysis.clean.submissions import detect_duplicates, drop_test_submissions
from fou_analysis.clean.survey import (
    Instrument,
    recode,
    score_instrument,
    set_missing_codes,
    set_out_of_range_missing,
)
from fou_analysis.clean.waves import LinkedWaves, link_waves

__all__ = [
    "CleaningLog",
    "HarmonisedTable",
    "Instrument",
    "LinkedWaves",
    "LogEntry",
    "ReliabilityResult",
    "aggregate_register",
    "balanced_panel",
    "detect_duplicates",
    "drop_test_submissions",
    "first_treated",
    "harmonise_municipalities",
    "keep_rows",
    "link_waves",
    "municipality_codes",
    "recode",
    "reliability",
    "score_instrument",
    "set_missing_codes",
    "set_out_of_range_missing",
    "status_spells",
]
