"""Long barometer answers (what :func:`fou_analysis.framework.barometer` reads) built from simulated
score matrices, shared by the barometer and portfolio-barometer tests; each test simulates its own
latent structure and hands the scores here."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fou_analysis.framework import BAROMETER_ITEMS, DIMENSIONS

#: The 24 items in order, and the index of each item's dimension in ``DIMENSIONS``.
ITEMS = np.array(list(BAROMETER_ITEMS))
ITEM_DIM = np.array([DIMENSIONS.index(BAROMETER_ITEMS[i]) for i in ITEMS])


def long_answers(
    side: str, partnerships: str | Sequence[str], respondents: Sequence[str], score: np.ndarray
) -> pd.DataFrame:
    """One row per respondent and item from ``score`` (respondents × :data:`ITEMS`).

    ``partnerships`` is one name for every respondent or one per respondent.
    """
    k = len(ITEMS)
    return pd.DataFrame(
        {
            "partnership": partnerships if isinstance(partnerships, str) else np.repeat(partnerships, k),
            "side": side,
            "respondent": np.repeat(respondents, k),
            "item": np.tile(ITEMS, len(score)),
            "score": score.ravel(),
        }
    )


def stack(frames: list[pd.DataFrame], wave: object = None) -> pd.DataFrame:
    """The frames one below the other, with a ``wave`` column second when a wave is given."""
    out = pd.concat(frames, ignore_index=True)
    if wave is not None:
        out.insert(1, "wave", wave)
    return out
