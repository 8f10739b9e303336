"""Buurt types and the diagnostics for choosing k."""

import numpy as np
import pandas as pd
import pytest

from models import buurt_type_diagnostics, buurt_types


@pytest.fixture
def three_groups():
    rng = np.random.default_rng(3)
    centres = [(0.2, 0.8, 0.5), (0.8, 0.2, 0.5), (0.5, 0.5, 0.9)]
    x = np.vstack([rng.normal(c, 0.04, (25, 3)) for c in centres])
    idx = pd.Index([f"BU0999{i:04d}" for i in range(len(x))], name="buurtcode")
    return pd.DataFrame(x.clip(0, 1), index=idx, columns=["a", "b", "c"])


def test_diagnostics_find_the_true_number_of_types(three_groups):
    diag = buurt_type_diagnostics(three_groups, ks=range(2, 9), seed=0)
    assert list(diag.index) == list(range(2, 9))
    assert diag.attrs["k_silhouette"] == 3
    assert diag["inertia"].is_monotonic_decreasing  # the elbow curve
    # the elbow: the drop from 2 to 3 dwarfs the drop from 3 to 4
    drops = -diag["inertia"].diff()
    assert drops[3] > 5 * drops[4]
    assert diag.loc[3, "davies_bouldin"] == diag["davies_bouldin"].min()
    assert diag["kleinste_type"].max() <= 25


def test_diagnostics_agree_with_buurt_types(three_groups):
    types, desc = buurt_types(three_groups, k=3, seed=0)
    assert sorted(desc["aantal"]) == [25, 25, 25]
    assert types.notna().all()


def test_diagnostics_skip_impossible_k(three_groups):
    small = three_groups.iloc[:4]
    assert list(buurt_type_diagnostics(small, ks=[1, 2, 3, 4, 5]).index) == [2, 3]
    with pytest.raises(ValueError, match="no k"):
        buurt_type_diagnostics(small, ks=[10])
