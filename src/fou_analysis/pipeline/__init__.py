"""Orchestration of one case: plan → read → prepare → estimate → value, with saved artefacts.

This layer only composes the public APIs of :mod:`fou_analysis.io`, :mod:`~fou_analysis.clean`,
:mod:`~fou_analysis.effects` and :mod:`~fou_analysis.value` as the case plan says; it holds no
estimator or cleaning logic of its own. The notebooks call it, one stage per notebook, and hand
results to the next notebook through ``data/processed/<case>/`` (parquet tables with provenance,
and pickled result objects, which are internal artefacts, signed so that a planted pickle is
refused (:mod:`fou_analysis.pipeline.artefacts`), and safe to delete).
"""

from fou_analysis.pipeline._barometer import barometer
from fou_analysis.pipeline.project_recipes import load_project_recipes
from fou_analysis.pipeline.recipes import RECIPES, get_recipe, recipe
from fou_analysis.pipeline.stages import (
    Prepared,
    ValueOutputs,
    compute_reliability,
    data_sources,
    estimate,
    instrument_reliability,
    load_artefact,
    load_tables,
    prepare,
    read_raw,
    save_artefact,
    valuate,
)
from fou_analysis.pipeline.tidy_recipe import tidy

#: The recipes that come with the package; project recipes (``recipes/*.py``) may not reuse them.
BUILTIN_RECIPES = frozenset(RECIPES)

__all__ = [
    "BUILTIN_RECIPES",
    "RECIPES",
    "Prepared",
    "ValueOutputs",
    "barometer",
    "compute_reliability",
    "data_sources",
    "estimate",
    "get_recipe",
    "instrument_reliability",
    "load_artefact",
    "load_project_recipes",
    "load_tables",
    "prepare",
    "read_raw",
    "recipe",
    "save_artefact",
    "tidy",
    "valuate",
]
