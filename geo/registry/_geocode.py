"""Points of registry rows: RD New / WGS84 coordinates, checks and point-in-polygon buurten."""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from ..crs import NL_EXTENT_RD, NL_EXTENT_WGS84
from ._schema import ENTITIES, _key


def location_warnings(
    entity: str,
    records: list[dict[str, Any]],
    *,
    first_row: int = 2,
    buurten=None,
    rows: bool = True,
) -> list[str]:
    """Dutch warnings for rows that will not show on the map or count in the gaps.

    An initiative or location without coordinates, address or buurtcode has no place; a
    point outside the gemeente's buurten (when ``buurten`` is given) gets no buurt.

    Parameters
    ----------
    entity : str
        A key of ``ENTITIES``; only entities with a location are checked.
    records : list of dict
        Validated rows (:func:`validate_records`).
    first_row : int
        File row number of the first record, for the messages.
    buurten : GeoDataFrame, optional
        The gemeente's buurten; points outside them are reported.
    rows : bool
        Name rows by file row number (an import) instead of by id.

    Returns
    -------
    list of str
        One Dutch warning per row without a place on the map.
    """
    if not ENTITIES[entity].point:
        return []
    out = []
    inside = _inside(records, buurten) if buurten is not None else None
    for i, rec in enumerate(records):
        name = rec.get("naam") or rec.get(_key(entity))
        label = f"rij {first_row + i} ({name})" if rows else str(name)
        if rec.get("x") is None and not rec.get("adres") and not rec.get("buurtcode"):
            out.append(
                f"{label}: geen locatie (geen coördinaten, adres of buurtcode); staat niet op "
                "de kaart en telt niet mee in de dekking en de gaten"
            )
        elif inside is not None and rec.get("x") is not None and not inside[i]:
            out.append(f"{label}: het punt ligt buiten de gemeente en krijgt geen buurt")
    return out


def _inside(records: list[dict[str, Any]], buurten) -> list[bool]:
    import shapely

    area = shapely.union_all(buurten.to_crs(28992).geometry.values)
    return [
        rec.get("x") is None or bool(area.covers(shapely.Point(rec["x"], rec["y"])))
        for rec in records
    ]


def _to_rd(x: float, y: float) -> tuple[float, float] | None:
    """RD New coordinates for a point given in RD New or WGS84 (lon/lat or lat/lon)."""
    bx0, by0, bx1, by1 = NL_EXTENT_RD
    if bx0 <= x <= bx1 and by0 <= y <= by1:
        return x, y
    lx0, ly0, lx1, ly1 = NL_EXTENT_WGS84
    for lon, lat in ((x, y), (y, x)):
        if lx0 <= lon <= lx1 and ly0 <= lat <= ly1:
            rx, ry = _wgs84_to_rd().transform(lon, lat)
            return float(rx), float(ry)
    return None


@functools.lru_cache(maxsize=1)
def _wgs84_to_rd():
    """One WGS84 -> RD New transformer for every row (building one costs ~30 ms)."""
    from pyproj import Transformer

    return Transformer.from_crs(4326, 28992, always_xy=True)


def _assign_buurten(records, buurten) -> int:
    """Give points without a buurtcode the buurt they lie in; count the assignments."""
    import geopandas as gpd
    import shapely

    todo = [
        (i, r) for i, r in enumerate(records) if r.get("x") is not None and not r.get("buurtcode")
    ]
    if not todo:
        return 0
    points = gpd.GeoDataFrame(
        {"i": [i for i, _ in todo]},
        geometry=shapely.points([(r["x"], r["y"]) for _, r in todo]),
        crs=28992,
    )
    polys = buurten[["geometry"]].to_crs(28992).reset_index(names="_code")
    hits = gpd.sjoin(points, polys, how="left", predicate="within")
    hits = hits[~hits.index.duplicated()]
    assigned = 0
    for idx, row in hits.iterrows():
        i = int(points.loc[idx, "i"])
        if pd.isna(row.get("_code")):
            continue  # outside the gemeente: kept as a point without a buurt
        records[i]["buurtcode"] = str(row["_code"])
        assigned += 1
    return assigned
