"""The live map of the Kaart and Methode pages: a Streamlit component that keeps the map.

The frontend (``wijkradar/render/kaart``: plain JavaScript, Leaflet from the app's own static
files) loads the buurt geometry once and restyles its polygons on every rerun; see
:mod:`wijkradar.render.livemap`. A click on a buurt comes back as its buurtcode.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from ui import cached, static
from ui.mapsetup import MapSetup
from wijkradar.render.livemap import (
    GEOMETRY_SUBDIR,
    LiveGeometry,
    live_args,
    live_geometry,
    write_geometry,
)
from wijkradar.render.maps import FRONTEND_DIR, MapValues


@functools.cache
def _component():
    """The map component, declared at its first use in a script run.

    Not at import: ``wijkradar app`` imports this module in its preload thread
    (:mod:`ui.warmup`), where Streamlit does not register a component (no script run).
    """
    return components.declare_component("kaart", path=str(FRONTEND_DIR))


@st.cache_resource(show_spinner=False, max_entries=8)
def _geometry(gm: str, jaar: int, created: str) -> LiveGeometry:
    return live_geometry(cached.geometry(gm, jaar, created))


def _written(geo: LiveGeometry, folder: Path) -> bool:
    """Write the geometry file into the static ``folder``; False when it cannot be written."""
    try:
        if folder.parent.name == "_app":  # an installed wheel: nothing is written into it
            raise OSError("the app's static folder is part of the installation")
        write_geometry(geo, folder)
    except OSError:  # a read-only install: the geometry travels with the arguments
        return False
    return True


def warm(data) -> None:
    """Prepare the live map of ``data`` before a visit (:mod:`ui.warmup`): geometry and file."""
    _written(_geometry(data.gemeentecode, data.jaar, data.created), static.static_dir())


def live_map(data, mv: MapValues, setup: MapSetup, *, key: str, **options) -> str | None:
    """Draw (or restyle) the live map of ``mv`` for ``data``; the clicked buurtcode or None.

    ``setup`` (:func:`ui.mapsetup.map_setup`) gives Leaflet's URLs, the static folder and
    the basemap. ``options`` go to :func:`wijkradar.render.livemap.live_args` (scores,
    factors, scheme, k, palette, wijken, labels, hotspots, types, highlight, height).
    """
    folder = setup.static_dir
    geometry = cached.geometry(data.gemeentecode, data.jaar, data.created)
    geo = _geometry(data.gemeentecode, data.jaar, data.created)
    name = f"{GEOMETRY_SUBDIR.as_posix()}/{geo.key}.json"
    url = f"{setup.static_url}/{name}" if _written(geo, folder) else None
    args = live_args(geo, geometry, mv, geometry_url=url, **setup.leaflet, **setup.tiles, **options)
    value = _component()(**args, key=key, default=None)
    code = value.get("buurt") if isinstance(value, dict) else None
    return str(code) if code in geo.codes else None
