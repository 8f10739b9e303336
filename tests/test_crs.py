"""One extent of the Netherlands: it covers EPSG:28992's area of use, and everyone uses it."""

from __future__ import annotations

import pandas as pd
from pyproj import CRS, Transformer

from geo.crs import NL_EXTENT_RD, NL_EXTENT_WGS84, RD_NEW_EPSG, WGS84_EPSG
from geo.registry import validate_records


def test_extents_cover_the_area_of_use_of_rd_new():
    area = CRS.from_epsg(RD_NEW_EPSG).area_of_use
    to_rd = Transformer.from_crs(WGS84_EPSG, RD_NEW_EPSG, always_xy=True)
    minx, miny, maxx, maxy = to_rd.transform_bounds(
        area.west, area.south, area.east, area.north, densify_pts=51
    )
    x0, y0, x1, y1 = NL_EXTENT_RD
    assert x0 < minx and y0 < miny and maxx < x1 and maxy < y1
    lon0, lat0, lon1, lat1 = NL_EXTENT_WGS84
    assert lon0 <= area.west and lat0 <= area.south and area.east <= lon1
    assert area.north <= lat1


def test_registry_accepts_a_point_in_the_northern_coastal_zone():
    # the 12-mile coastal zone north of Rottumerplaat (y > 629,000 m): inside EPSG:28992's area
    # of use, but refused by the registry's old, narrower box
    frame = pd.DataFrame(
        {
            "id": ["P1"],
            "naam": ["post"],
            "thema": ["overig"],
            "status": ["lopend"],
            "x": [228_000.0],
            "y": [632_000.0],
        }
    )
    records, errors = validate_records("initiatief", frame)
    assert not errors
    assert records[0]["x"] == 228_000.0 and records[0]["y"] == 632_000.0
