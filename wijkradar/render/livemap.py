"""The live map: geometry sent to the browser once, values on every rerun.

The Kaart and Methode pages show the map with a Streamlit component (``ui/livemap.py``,
frontend in ``wijkradar/render/kaart``). What does not change while a user moves a slider
(buurt rings and names, label points, wijk boundaries) is :func:`live_geometry`: the app
writes it once as a JSON file in its static folder, keyed by a hash of its content, and the
browser loads it once; files no map used for a week, or beyond the 64 most recently used, are
removed (:func:`prune_geometry`). What changes (classes, colours, tooltip texts, legend, category
layers, the searched buurt, the basemap) is :func:`live_args`: a few kB for a gemeente. The
browser restyles the polygons it already has instead of building a new map.

The downloadable file is still :func:`wijkradar.render.maps.standalone_html` of
:func:`wijkradar.render.maps.build_map`, built only when the user asks for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Collection
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .maps import (
    BASEMAP_ATTRIBUTION,
    NO_SCORE_PATTERN,
    WIJK_LEGEND_ROW,
    MapValues,
    category_overlays,
    geometry_payload,
    label_payload,
    value_payload,
    wijk_lines,
)

__all__ = [
    "LiveGeometry",
    "live_geometry",
    "live_args",
    "write_geometry",
    "prune_geometry",
    "GEOMETRY_SUBDIR",
]

#: Folder under the app's ``static/`` where the geometry files go.
GEOMETRY_SUBDIR = Path("kaart")
#: Bounds of that folder (see :func:`prune_geometry`): at most this many files that no map
#: used within ``GEOMETRY_GRACE_S``, none unused for ``GEOMETRY_MAX_AGE_DAYS``.
GEOMETRY_MAX_FILES = 64
GEOMETRY_MAX_AGE_DAYS = 7.0
#: A file used this recently is never removed: a browser may still be loading it.
GEOMETRY_GRACE_S = 3600.0
_GEOMETRY_NAME = re.compile(r"[0-9a-f]{20}\.json|[0-9a-f]{20}\.[0-9a-f]{8}\.tmp")
_TILE_NOTICE = "Achtergrondkaart niet bereikbaar; de kaart toont alleen de buurten."


class LiveGeometry:
    """The static part of a live map: ``key`` (content hash), ``text`` (JSON) and ``bounds``.

    Parameters
    ----------
    payload : dict
        What the browser needs once: rings, names, codes, label points, wijk lines.
    bounds : list of float
        ``[minx, miny, maxx, maxy]`` in degrees.
    """

    def __init__(self, payload: dict, bounds: list[float]) -> None:
        self.text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        self.key = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:20]
        self.bounds = bounds
        self.codes = list(payload["codes"])


def live_geometry(geometry: gpd.GeoDataFrame, *, labels: bool = True) -> LiveGeometry:
    """Rings, names, codes, label points and wijk lines of ``geometry``, once per gemeente.

    Parameters
    ----------
    geometry : geopandas.GeoDataFrame
        Buurt polygons from :func:`wijkradar.render.maps.map_geometry` (EPSG:4326, ``buurtnaam``,
        optionally ``wijkcode``/``wijknaam``).
    labels : bool
        Whether to compute label points (buurt and wijk names).

    Returns
    -------
    LiveGeometry
        The JSON text the browser loads and its content key.
    """
    payload = geometry_payload(geometry)
    payload["codes"] = [str(c) for c in geometry.index]
    payload["labels"] = label_payload(geometry) if labels else {"buurt": [], "wijk": []}
    payload["wijken"] = wijk_lines(geometry) if "wijkcode" in geometry.columns else None
    bounds = [round(float(v), 6) for v in geometry.total_bounds]
    return LiveGeometry(payload, bounds)


def write_geometry(
    geo: LiveGeometry,
    static_dir: str | Path,
    *,
    max_files: int = GEOMETRY_MAX_FILES,
    max_age_days: float = GEOMETRY_MAX_AGE_DAYS,
) -> Path:
    """Write ``geo`` as ``static_dir/kaart/<key>.json`` unless it is there; return the path.

    The name is the content hash, so a file once written never changes; it is written to a
    temporary name first and renamed, so a browser never reads half a file. A file found is
    marked as used (its modification time, renewed at most every quarter of
    ``GEOMETRY_GRACE_S``); after writing a new file the folder is pruned
    (:func:`prune_geometry`), so it stays bounded however many gemeenten and years are shown.

    Parameters
    ----------
    geo : LiveGeometry
        From :func:`live_geometry`.
    static_dir : str or Path
        The app's static folder.
    max_files, max_age_days : int, float
        Bounds of the folder, passed to :func:`prune_geometry`.

    Returns
    -------
    Path
        The file.
    """
    folder = Path(static_dir) / GEOMETRY_SUBDIR
    path = folder / f"{geo.key}.json"
    if path.is_file():
        try:
            if time.time() - path.stat().st_mtime > GEOMETRY_GRACE_S / 4:
                os.utime(path)  # in use: pruning leaves it alone
        except OSError:  # pruned by another process meanwhile, or read-only: write it again
            pass
        if path.is_file():
            return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{hashlib.sha256(str(id(geo)).encode()).hexdigest()[:8]}.tmp")
    tmp.write_text(geo.text, encoding="utf-8")
    tmp.replace(path)
    prune_geometry(folder, keep={geo.key}, max_files=max_files, max_age_days=max_age_days)
    return path


def prune_geometry(
    folder: str | Path,
    *,
    keep: Collection[str] = (),
    max_files: int = GEOMETRY_MAX_FILES,
    max_age_days: float = GEOMETRY_MAX_AGE_DAYS,
    grace_s: float = GEOMETRY_GRACE_S,
) -> list[Path]:
    """Remove geometry files of :func:`write_geometry` that no map uses any more.

    Only files named like this module names them are considered (``<key>.json`` and
    abandoned ``<key>.<id>.tmp``); anything else in ``folder`` is left alone, as are the
    files of ``keep`` and every file used (modified) within ``grace_s``: a browser may still
    be loading it. Of the others, files unused for ``max_age_days`` go, and beyond
    ``max_files`` (counting the kept and recent ones) the least recently used go. A removed
    file that a map asks for again is simply written again.

    Parameters
    ----------
    folder : str or Path
        The geometry folder (``static/kaart``).
    keep : collection of str
        Keys (content hashes) never to remove, e.g. the geometry just written.
    max_files : int
        At most this many geometry files stay (more only while used within ``grace_s``).
    max_age_days : float
        Files unused for longer are removed.
    grace_s : float
        Files used within this many seconds are never removed.

    Returns
    -------
    list of Path
        The files removed.
    """
    now = time.time()
    try:
        with os.scandir(folder) as listing:
            entries = [e for e in listing if _GEOMETRY_NAME.fullmatch(e.name)]
    except OSError:
        return []
    files = []
    for e in entries:
        try:
            files.append((e.stat().st_mtime, e))
        except OSError:  # removed meanwhile
            continue
    files.sort(key=lambda f: f[0], reverse=True)  # most recently used first
    removed = []
    jsons = 0
    for mtime, e in files:
        age = now - mtime
        is_json = e.name.endswith(".json")
        jsons += is_json
        if age < grace_s or (is_json and e.name.split(".")[0] in keep):
            continue
        if is_json and age <= max_age_days * 86400 and jsons <= max_files:
            continue
        try:
            if os.stat(e.path).st_mtime != mtime:  # used again since the listing
                continue
            os.unlink(e.path)
        except OSError:  # pruned by another process, read-only or busy: next write
            continue
        removed.append(Path(e.path))
    return removed


def live_args(
    geo: LiveGeometry,
    geometry: gpd.GeoDataFrame,
    mv: MapValues,
    *,
    geometry_url: str | None,
    leaflet_js: str,
    leaflet_css: str,
    scores: pd.DataFrame | None = None,
    factors: pd.Series | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = "ylorrd",
    tile_url: str | None = None,
    basemap: str = "pdok",
    wijken: bool = True,
    labels: bool = True,
    hotspots: pd.DataFrame | None = None,
    types: pd.Series | None = None,
    highlight: str | None = None,
    height: int = 620,
    route: str = "Dezelfde gegevens staan in de tabel onder de kaart.",
) -> dict:
    """The arguments of one rerun of the live map: values only, plus where the geometry is.

    Parameters
    ----------
    geo : LiveGeometry
        From :func:`live_geometry` of ``geometry``.
    geometry : geopandas.GeoDataFrame
        The same buurt polygons (fixes the order of the buurten).
    mv : MapValues
        What the map shows (:func:`wijkradar.render.maps.map_values`).
    geometry_url : str or None
        URL of the file :func:`write_geometry` wrote; None sends the geometry inline (when
        the static folder cannot be written).
    leaflet_js, leaflet_css : str
        URLs of the app's own copy of Leaflet.
    scores, factors, scheme, k, palette, tile_url, basemap
        As for :func:`wijkradar.render.maps.build_map`.
    wijken, labels, hotspots, types, highlight
        As for :func:`wijkradar.render.maps.build_map`.
    height : int
        Height of the map in pixels.
    route : str
        As for :func:`wijkradar.render.maps.build_map`.

    Returns
    -------
    dict
        JSON-ready component arguments; ``version`` is a hash of what is drawn, which the
        browser puts on its ``body`` once it has painted it.
    """
    values = value_payload(
        geometry, mv, scores=scores, factors=factors, scheme=scheme, k=k, palette=palette
    )
    legend = values["legend"]
    if wijken and "wijkcode" in geometry.columns:
        legend = {**legend, "rows": [*legend["rows"], WIJK_LEGEND_ROW]}
    title = f"Kaart: {mv.title} per buurt"
    args = {
        "geometry": {"key": geo.key, "url": geometry_url}
        if geometry_url
        else {"key": geo.key, "data": json.loads(geo.text)},
        "bounds": geo.bounds,
        "leaflet_js": leaflet_js,
        "leaflet_css": leaflet_css,
        "tiles": {
            "url": tile_url,
            "attribution": BASEMAP_ATTRIBUTION.get(basemap, "Achtergrondkaart"),
            "notice": _TILE_NOTICE,
        }
        if tile_url
        else None,
        "buurten": values["buurten"],
        "legend": legend,
        "overlays": category_overlays(hotspots, types),
        "wijken": bool(wijken),
        "namen": bool(labels),
        "highlight": highlight if highlight in geo.codes else None,
        "title": title,
        "label": f"{title}. {route}",
        "pattern": NO_SCORE_PATTERN,
        "height": int(height),
    }
    drawn = {k: v for k, v in args.items() if k != "geometry"}
    args["version"] = hashlib.sha256(
        json.dumps(drawn, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()[:16]
    return args
