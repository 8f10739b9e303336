"""Spatial weights choices and Getis-Ord Gi* on a synthetic grid of buurten."""

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from models import SPATIAL_WEIGHTS, gi_star, hotspots, spatial_weights


@pytest.fixture
def grid():
    # 8 x 8 squares of 500 m; high values in the south-west corner, low in the north-east
    rng = np.random.default_rng(5)
    cells, values, codes = [], [], []
    for i in range(8):
        for j in range(8):
            cells.append(box(i * 500, j * 500, (i + 1) * 500, (j + 1) * 500))
            values.append(80.0 - 6 * (i + j) + rng.normal(0, 2))
            codes.append(f"BU0999{i}{j}00")
    frame = gpd.GeoDataFrame({"score": values}, geometry=cells, crs=28992, index=codes)
    frame.index.name = "buurtcode"
    frame.loc["BU09993300", "score"] = np.nan  # no score: left out, no class
    return frame


@pytest.mark.parametrize(
    "kind,inner", [("queen", 8), ("rook", 4), ("knn", 6)], ids=list(SPATIAL_WEIGHTS)
)
def test_weights_kinds(grid, kind, inner):
    w = spatial_weights(grid, kind)
    assert w.cardinalities["BU09994400"] == inner  # an inner cell
    assert set(w.neighbors) == set(grid.index)
    with pytest.raises(ValueError, match="kies uit: queen, rook, knn"):
        spatial_weights(grid, "afstand")


def test_gi_star_finds_the_hot_and_cold_corners(grid):
    out = gi_star(grid, "score", permutations=499, seed=1)
    assert out.index.equals(grid.index)
    assert out.loc["BU09990000", "klasse"] == "hotspot" and out.loc["BU09990000", "gi_z"] > 0
    assert out.loc["BU09997700", "klasse"] == "coldspot" and out.loc["BU09997700", "gi_z"] < 0
    assert out["klasse"].isna().sum() == 1 and np.isnan(out.loc["BU09993300", "gi_z"])
    again = gi_star(grid, "score", permutations=499, seed=1)
    assert out["p_sim"].equals(again["p_sim"])  # the seed fixes the permutations


@pytest.mark.parametrize("kind", list(SPATIAL_WEIGHTS))
def test_local_moran_with_other_weights(grid, kind):
    out = hotspots(grid, "score", permutations=499, seed=1, weights=kind)
    assert out.loc["BU09990000", "kwadrant"] == "hoog-hoog"
    assert out.loc["BU09997700", "kwadrant"] == "laag-laag"
    assert out.attrs["moran_i"] > 0.5
