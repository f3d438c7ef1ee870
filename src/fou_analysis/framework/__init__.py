"""Frameworks across initiatives: the portfolio of co-creation initiatives, the registry of every
initiative (:func:`load_registry`, :func:`import_registry` for a staff-form export), hand-over to
operation and stories (:mod:`.handover`, :mod:`.stories`), and the co-creation barometer (how both
sides of a partnership rate it; :func:`barometer`)."""

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
from fou_analysis.framework.handover import cocreation_section, handover_html
from fou_analysis.framework.registry import Initiative, Registry, load_registry, save_registry
from fou_analysis.framework.registry_import import import_registry, merge_initiatives
from fou_analysis.framework.stories import code_themes, outcome_stories, story_cards, themes_section

__all__ = [
    "BAROMETER_ITEMS",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "ITEM_TEXT",
    "PROMPTS",
    "SIDES",
    "BarometerResult",
    "BarometerSummary",
    "Initiative",
    "Registry",
    "barometer",
    "barometer_long",
    "cocreation_section",
    "code_themes",
    "handover_html",
    "import_registry",
    "load_registry",
    "merge_initiatives",
    "outcome_stories",
    "save_registry",
    "story_cards",
    "themes_section",
]
