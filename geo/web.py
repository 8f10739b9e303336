"""Geometry for the web map: coverage-preserving simplification, WGS84, rounded coordinates."""

from __future__ import annotations

import geopandas as gpd
import shapely

from .errors import missing_crs

__all__ = ["simplify_for_web"]


def simplify_for_web(buurten: gpd.GeoDataFrame, *, tolerance: float = 10.0) -> gpd.GeoDataFrame:
    """Buurt polygons for the web map: coverage-simplified in RD New, then WGS84 at ~1 m.

    Shared edges are simplified once, so neighbours keep sharing them; rounding to 1e-5
    degrees keeps identical vertices identical.

    Parameters
    ----------
    buurten : GeoDataFrame
        Buurt polygons with a CRS.
    tolerance : float
        In metres (roughly the square root of the smallest triangle area kept, as in
        Visvalingam-Whyatt).

    Returns
    -------
    GeoDataFrame
        The same rows and columns, simplified, in WGS84 (EPSG:4326).
    """
    if buurten.crs is None:
        raise missing_crs("buurten")
    cols = [c for c in ("buurtnaam", "wijkcode", "wijknaam") if c in buurten.columns]
    geo = buurten[[*cols, "geometry"]].copy()
    if geo.crs.to_epsg() != 28992:
        geo = geo.to_crs(28992)
    geo["geometry"] = geo.geometry.make_valid(method="structure", keep_collapsed=False)
    simplified = geo.geometry.simplify_coverage(tolerance)
    geo = geo.set_geometry(simplified).to_crs(4326)
    # pointwise: only rounds coordinates, so shared vertices stay shared and it never fails
    geo["geometry"] = shapely.set_precision(geo.geometry.array, 1e-5, mode="pointwise")
    return geo
