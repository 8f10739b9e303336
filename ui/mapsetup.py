"""What every page with a map needs first: Leaflet served by the app, and a basemap that works.

The Kaart, Methode, Verandering and Initiatieven pages call :func:`map_setup` once and draw
with what it returns; when Leaflet cannot be installed into the app's static folder it shows
the Dutch error and returns None, and a basemap that does not answer is left out with a
notice (the buurten are drawn without a background).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui import cached, state, static
from wijkradar.escape import markdown_text as md
from wijkradar.render.assets import AssetError, install_static

__all__ = ["MapSetup", "map_setup"]


@dataclass(frozen=True)
class MapSetup:
    """Where the app serves Leaflet from and which basemap tiles a map uses.

    Parameters
    ----------
    static_dir : Path
        The app's static folder (Leaflet installed in it).
    static_url : str
        URL path of that folder in the browser.
    tile_url : str or None
        The basemap's tile URL template; None draws no basemap.
    basemap : str
        ``pdok``, ``osm`` or ``geen`` (for the attribution).
    """

    static_dir: Path
    static_url: str
    tile_url: str | None
    basemap: str

    @property
    def leaflet(self) -> dict[str, str]:
        """``leaflet_js`` and ``leaflet_css``: the URLs for ``build_map`` and the live map."""
        return {
            "leaflet_js": f"{self.static_url}/vendor/leaflet/leaflet.js",
            "leaflet_css": f"{self.static_url}/vendor/leaflet/leaflet.css",
        }

    @property
    def tiles(self) -> dict[str, str | None]:
        """``tile_url`` and ``basemap``: the basemap arguments of ``build_map``."""
        return {"tile_url": self.tile_url, "basemap": self.basemap}


def map_setup(basemap: str | None = None) -> MapSetup | None:
    """Install Leaflet into the app's static folder and check the basemap.

    Parameters
    ----------
    basemap : str, optional
        ``pdok``, ``osm`` or ``geen`` (the user's choice); default: the configured basemap.

    Returns
    -------
    MapSetup or None
        What the map needs; None, after a Dutch error on the page, when Leaflet cannot be
        installed. An unreachable basemap gives a notice and no ``tile_url``.
    """
    settings = state.settings()
    folder = static.static_dir()
    try:
        install_static(settings, folder)
    except (AssetError, OSError) as exc:
        st.error(f"De kaart kan niet worden getekend: Leaflet is niet geïnstalleerd ({md(exc)}).")
        return None
    name = basemap or settings.basemap
    url = settings.tile_url(name)
    if url and not cached.basemap_ok(url):
        st.info(
            "De achtergrondkaart is niet bereikbaar; de buurten worden zonder achtergrond getoond."
        )
        url = None
    return MapSetup(static_dir=folder, static_url=static.static_url(), tile_url=url, basemap=name)
