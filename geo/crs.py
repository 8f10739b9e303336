"""The coordinate reference systems Wijkradar uses and the extent of the Netherlands in them.

Everything is stored and measured in RD New (Amersfoort / RD New, EPSG:28992); WGS84 only
comes in from users (GeoJSON, lon/lat columns) and goes out to the browser.
"""

from __future__ import annotations

__all__ = ["RD_NEW", "RD_NEW_EPSG", "WGS84_EPSG", "NL_EXTENT_RD", "NL_EXTENT_WGS84"]

#: RD New as an authority string and as an EPSG code.
RD_NEW = "EPSG:28992"
RD_NEW_EPSG = 28992
WGS84_EPSG = 4326

#: (minx, miny, maxx, maxy) in RD New that any Dutch coordinate lies within. EPSG:28992's area
#: of use (onshore, Waddenzee, Wadden Islands and the 12-mile coastal zone; 3.2-7.22 E,
#: 50.75-53.7 N) is x 646 - 284,347 and y 306,671 - 637,111 m in RD New
#: (``pyproj.Transformer.transform_bounds``); this box adds about 10 km on every side (3 km
#: at the top). It replaces two boxes that disagreed: (-7,000, 289,000, 300,000, 629,000), of
#: the registry, cut off the north of the coastal zone above y = 629,000 m, so it is not used.
NL_EXTENT_RD = (-10_000.0, 280_000.0, 310_000.0, 640_000.0)
#: (min lon, min lat, max lon, max lat): the same area of use in WGS84, a little wider.
NL_EXTENT_WGS84 = (3.2, 50.7, 7.3, 53.7)
