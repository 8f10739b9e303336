"""PDOK WFS 2.0 client for the CBS wijken en buurten layers."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from ..crs import NL_EXTENT_RD, RD_NEW
from ..errors import SourceError
from ._http import HttpClient

__all__ = ["fetch_wfs_features", "wfs_url", "gemeente_filter"]

PAGE_SIZE = 1000
MAX_PAGES = 100


def wfs_url(base_url: str, year: int) -> str:
    """WFS endpoint of the wijkenbuurten service of ``year``.

    Parameters
    ----------
    base_url : str
        The PDOK root (``WIJKRADAR_PDOK_URL``).
    year : int
        The indeling year.

    Returns
    -------
    str
        The WFS URL.
    """
    return f"{base_url.rstrip('/')}/cbs/wijkenbuurten/{year}/wfs/v1_0"


def gemeente_filter(gemeentecode: str) -> str:
    """FES 2.0 filter selecting one gemeente by its code.

    Parameters
    ----------
    gemeentecode : str
        ``GM`` + four digits (checked by the caller).

    Returns
    -------
    str
        The FES XML, for the WFS ``FILTER`` parameter.
    """
    return (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">'
        "<fes:PropertyIsEqualTo><fes:ValueReference>gemeentecode</fes:ValueReference>"
        f"<fes:Literal>{gemeentecode}</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>"
    )


def fetch_wfs_features(
    client: HttpClient,
    base_url: str,
    year: int,
    layer: str,
    *,
    gemeentecode: str | None = None,
    properties: list[str] | None = None,
    page_size: int = PAGE_SIZE,
) -> tuple[gpd.GeoDataFrame, str]:
    """Fetch ``wijkenbuurten:{layer}`` features in EPSG:28992, paging with count/startIndex.

    The gemeente filter is sent to the server and checked again on ``gemeentecode``, since
    some deployments ignore filters. ``properties`` limits the attributes (and leaves out the
    geometry), e.g. for the list of gemeenten.

    Parameters
    ----------
    client : HttpClient
        The HTTP client (timeouts, retries, byte cap, deadline).
    base_url : str
        The PDOK root, e.g. ``https://service.pdok.nl``.
    year : int
        Year of the ``wijkenbuurten`` service.
    layer : str
        ``buurten``, ``wijken`` or ``gemeenten``.
    gemeentecode : str, optional
        Only the features of this gemeente.
    properties : list of str, optional
        Only these attributes, without geometry.
    page_size : int
        Features per request.

    Returns
    -------
    frame : GeoDataFrame
        Properties as columns, CRS EPSG:28992.
    url : str
        The endpoint (for provenance).
    """
    url = wfs_url(base_url, year)
    source = f"PDOK wijkenbuurten {year}"
    features: list[dict[str, Any]] = []
    start = 0
    for _ in range(MAX_PAGES):
        params = {
            "service": "WFS",
            "version": "2.0.0",
            "request": "GetFeature",
            "typeNames": f"wijkenbuurten:{layer}",
            "outputFormat": "application/json",
            "srsName": RD_NEW,
            "count": str(page_size),
            "startIndex": str(start),
        }
        if gemeentecode:
            params["FILTER"] = gemeente_filter(gemeentecode)
        if properties:
            params["propertyName"] = ",".join(properties)
        payload = client.get_json(url, params, source=source)
        page = payload.get("features") if isinstance(payload, dict) else None
        if not isinstance(page, list):
            raise SourceError(
                f"{source}: het antwoord heeft geen 'features'-lijst ({url})",
                source=source,
                url=url,
            )
        features.extend(page)
        if len(page) < page_size:
            break
        start += page_size
    else:
        raise SourceError(
            f"{source}: more than {MAX_PAGES} pages; stopping", source=source, url=url
        )
    if not features:
        frame = gpd.GeoDataFrame(
            {"gemeentecode": pd.Series([], dtype=str)}, geometry=[], crs=RD_NEW
        )
        return frame, url
    try:
        frame = gpd.GeoDataFrame.from_features(features, crs=RD_NEW)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SourceError(
            f"{source}: de features zijn geen leesbare GeoJSON ({exc})", source=source, url=url
        ) from None
    _check_rd(frame, source, url)
    if gemeentecode and "gemeentecode" in frame.columns:
        frame = frame[frame["gemeentecode"].astype(str).str.strip() == gemeentecode]
    return frame, url


def _check_rd(frame: gpd.GeoDataFrame, source: str, url: str) -> None:
    valid = frame.geometry[~frame.geometry.is_empty & frame.geometry.notna()]
    if valid.empty:
        return
    minx, miny, maxx, maxy = valid.total_bounds
    bx0, by0, bx1, by1 = NL_EXTENT_RD  # catches lon/lat mix-ups
    if minx < bx0 or miny < by0 or maxx > bx1 or maxy > by1:
        raise SourceError(
            f"{source}: coördinaten ({minx:.1f}, {miny:.1f}, {maxx:.1f}, {maxy:.1f}) liggen niet "
            "in RD New (EPSG:28992); negeerde de server srsName?",
            source=source,
            url=url,
        )
