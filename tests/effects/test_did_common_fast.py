"""The bincount/lexsort versions of did's helpers (`_did_common.means`, `switched_off`) equal the
plain pandas formulation they replaced (issue #12, speed), on shuffled and sorted panels."""

import numpy as np
import pandas as pd
import pytest

from fou_analysis.effects import _did_common as dc


def _panel(kind, seed=0):
    rng = np.random.default_rng(seed)
    units = np.repeat(np.arange(30), 6)
    periods = np.tile(np.arange(2015, 2021), 30)
    d = (rng.random(units.size) < 0.4).astype(float)  # switches on and off at random
    d[units < 10] = (periods[units < 10] >= 2018).astype(float)  # absorbing for some units
    df = pd.DataFrame({"u": units, "t": periods, "d": d, "y": rng.normal(size=units.size)})
    if kind == "labels":
        df["u"] = "kommune-" + df["u"].astype(str)
        df["t"] = "år " + df["t"].astype(str)
    if kind in ("shuffled", "labels"):
        df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return df


def _switched_off_pandas(units, periods, d):
    f = pd.DataFrame({"u": units, "t": dc.period_index(periods), "d": d}).sort_values(
        ["u", "t"], kind="stable"
    )
    prev = f.groupby("u", sort=False)["d"].shift()
    return np.sort(f.loc[(prev == 1) & (f["d"] == 0), "u"].unique())


@pytest.mark.parametrize("kind", ["sorted", "shuffled", "labels"])
def test_switched_off_equals_pandas(kind):
    df = _panel(kind)
    got = dc.switched_off(df["u"].to_numpy(), df["t"].to_numpy(), df["d"].to_numpy())
    ref = _switched_off_pandas(df["u"].to_numpy(), df["t"].to_numpy(), df["d"].to_numpy())
    assert len(ref) > 0
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("kind", ["sorted", "shuffled", "labels"])
@pytest.mark.parametrize("with_time", [True, False])
def test_means_equal_pandas_groupby(kind, with_time):
    df = _panel(kind)
    group = (df.groupby("u")["d"].transform("max")).to_numpy()
    po = (df["d"].to_numpy() > 0).astype(float)
    got = dc.means(df, df["y"].to_numpy(), group, "t" if with_time else None, po)
    per = df["t"].to_numpy() if with_time else np.where(po == 1, "post", "pre")
    m = pd.DataFrame({"group": group.astype(int), "period": per, "y": df["y"].to_numpy()})
    ref = m.groupby(["group", "period"], as_index=False)["y"].mean().rename(columns={"y": "mean"})
    pd.testing.assert_frame_equal(got, ref, check_exact=False, rtol=1e-12)
