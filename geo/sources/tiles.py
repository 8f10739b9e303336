"""Basemap tile server check; without an answer the map is drawn without a background."""

from __future__ import annotations

import requests

__all__ = ["basemap_reachable", "SAMPLE_TILE"]

#: A Web Mercator tile over the middle of the Netherlands.
SAMPLE_TILE = {"z": 7, "x": 65, "y": 42}


def basemap_reachable(tile_url: str, *, timeout: float = 3.0) -> bool:
    """True when the tile template answers one sample tile with an image.

    Parameters
    ----------
    tile_url : str
        Tile template with ``{z}``, ``{x}`` and ``{y}``.
    timeout : float
        Seconds to wait for the sample tile.

    Returns
    -------
    bool
        True when the sample tile came back as an image.
    """
    url = tile_url
    for key, value in SAMPLE_TILE.items():
        url = url.replace("{" + key + "}", str(value))
    url = url.replace("{s}", "a")
    try:
        resp = requests.get(url, timeout=timeout, headers={"User-Agent": "wijkradar"})
    except requests.RequestException:
        return False
    return resp.ok and resp.headers.get("Content-Type", "").startswith("image/")
