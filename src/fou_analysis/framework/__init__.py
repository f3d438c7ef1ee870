"""Frameworks across initiatives: the portfolio of co-creation initiatives and the co-creation
barometer (how both sides of a partnership rate it; :func:`barometer`)."""

from fou_analysis.framework._barometer_result import BarometerResult, BarometerSummary
from fou_analysis.framework.barometer import barometer
from fou_analysis.framework.barometer_export import barometer_long
from fou_analysis.framework.barometer_items import (
    BAROMETER_ITEMS,
    DIMENSION_LABELS,
    DIMENSIONS,
    ITEM_TEXT,
    PROMPTS,
    SIDES,
)

__all__ = [
    "BAROMETER_ITEMS",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "ITEM_TEXT",
    "PROMPTS",
    "SIDES",
    "BarometerResult",
    "BarometerSummary",
    "barometer",
    "barometer_long",
]
