"""Fixtures for the value tests: a factory for impact-map rows and a minimal effect result."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class FakeEffect:
    """Anything with .estimate, .se and .ci is accepted as an effect (duck typing)."""

    estimate: float
    se: float
    ci: tuple[float, float]


BASE_ROW = {
    "stakeholder": "youth",
    "outcome": "in work or school",
    "indicator": "share in work or school after 12 months",
    "quantity": 10,
    "proxy_nok": 1000,
    "proxy_year": 2020,
    "proxy_source": "test source",
    "deadweight": 0,
    "displacement": 0,
    "attribution": 0,
    "drop_off": 0,
    "duration_years": 1,
}


@pytest.fixture
def make_row():
    def _make(**overrides):
        row = dict(BASE_ROW)
        row.update(overrides)
        return row

    return _make


@pytest.fixture
def effect():
    return FakeEffect
