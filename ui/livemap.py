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

from ui import cached, state, static
from wijkradar.escape import markdown_text as md
from wijkradar.render.assets import AssetError, install_static
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


def tile_url(basemap: str) -> str | None:
    """The basemap's tile URL, or None (with a notice) when it does not answer."""
    url = state.settings().tile_url(basemap)
    if url and not cached.basemap_ok(url):
        st.info(
            "De achtergrondkaart is niet bereikbaar; de buurten worden zonder achtergrond getoond."
        )
        return None
    return url


def live_map(data, mv: MapValues, *, key: str, **options) -> str | None:
    """Draw (or restyle) the live map of ``mv`` for ``data``; the clicked buurtcode or None.

    ``options`` go to :func:`wijkradar.render.livemap.live_args` (scores, factors, scheme,
    k, palette, tile_url, basemap, wijken, labels, hotspots, types, highlight, height).
    """
    settings = state.settings()
    folder = static.static_dir()
    try:
        install_static(settings, folder)
    except (AssetError, OSError) as exc:
        st.error(f"De kaart kan niet worden getekend: Leaflet is niet geïnstalleerd ({md(exc)}).")
        return None
    geometry = cached.geometry(data.gemeentecode, data.jaar, data.created)
    geo = _geometry(data.gemeentecode, data.jaar, data.created)
    base = static.static_url()
    url = f"{base}/{GEOMETRY_SUBDIR.as_posix()}/{geo.key}.json" if _written(geo, folder) else None
    args = live_args(
        geo,
        geometry,
        mv,
        geometry_url=url,
        leaflet_js=f"{base}/vendor/leaflet/leaflet.js",
        leaflet_css=f"{base}/vendor/leaflet/leaflet.css",
        **options,
    )
    value = _component()(**args, key=key, default=None)
    code = value.get("buurt") if isinstance(value, dict) else None
    return str(code) if code in geo.codes else None
