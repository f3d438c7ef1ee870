"""A small staggered-adoption panel shared by tests that need a fitted DiD / event study.

24 units over 10 periods: units 0-3 treated from period 5, units 4-7 from period 7, the rest
never; unit effects, a common trend of 0.2 a period, noise sd 0.7 and a planted effect of 1.0.
Importable from any test (pytest puts ``tests/`` on the path for its ``conftest.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def staggered_panel(seed: int = 0, units: int = 24, periods: int = 10) -> pd.DataFrame:
    """Columns unit, t, first (first treated period, 0 = never), d (treated now), y, and post
    (period 5 onwards, for two-period designs)."""
    rng = np.random.default_rng(seed)
    u = np.repeat(np.arange(units), periods)
    t = np.tile(np.arange(periods), units)
    first = np.select([np.arange(units) < 4, np.arange(units) < 8], [5, 7], 0)[u]
    d = ((first > 0) & (t >= first)).astype(int)
    y = rng.normal(size=units)[u] + 0.2 * t + rng.normal(scale=0.7, size=u.size) + 1.0 * d
    return pd.DataFrame({"unit": u, "t": t, "first": first, "d": d, "y": y, "post": (t >= 5).astype(int)})
