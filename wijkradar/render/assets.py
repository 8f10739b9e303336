"""Leaflet served from the installed environment, never from a CDN.

Leaflet comes from the npm registry (``package.json``/``package-lock.json``; ``make`` runs
``npm ci``) into ``node_modules/leaflet/dist`` of a checkout; a built wheel carries a copy as
package data (``wijkradar/vendor/leaflet``, see ``setup.py``); ``WIJKRADAR_LEAFLET_DIR`` points
elsewhere. Nothing third-party is committed. The app serves a copy through Streamlit's static
file serving; exported HTML files carry Leaflet inline so they open offline.
"""

from __future__ import annotations

import base64
import filecmp
import re
import shutil
from pathlib import Path

from geo.errors import WijkradarError
from geo.io import atomic_write

from ..config import Settings

__all__ = [
    "AssetError",
    "leaflet_dir",
    "install_static",
    "inline_leaflet",
    "STATIC_SUBDIR",
    "LEAFLET_VERSION",
]

LEAFLET_VERSION = "1.9"
#: Folder under the app's ``static/`` where Leaflet is copied.
STATIC_SUBDIR = Path("vendor") / "leaflet"
_FILES = ("leaflet.js", "leaflet.css")


class AssetError(WijkradarError):
    """Leaflet is not installed where Wijkradar looks for it."""


def leaflet_dir(settings: Settings) -> Path:
    """Folder holding ``leaflet.js``, ``leaflet.css`` and ``images/``; checked.

    Parameters
    ----------
    settings : Settings
        ``leaflet_dir`` says where Leaflet is.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(settings.leaflet_dir)
    missing = [f for f in _FILES if not (folder / f).is_file()]
    if missing:
        raise AssetError(
            f"Leaflet niet gevonden in {folder} (ontbreekt: {', '.join(missing)}); voer in een "
            "broncheckout `make run` of `npm ci` uit, installeer een gebouwd wheel (daar zit "
            "Leaflet in) of zet WIJKRADAR_LEAFLET_DIR op een map met Leaflet (dist)"
        )
    head = (folder / "leaflet.js").read_text(encoding="utf-8", errors="replace")[:200]
    match = re.search(r"Leaflet (\d+\.\d+)", head)
    if match and match.group(1) != LEAFLET_VERSION:
        raise AssetError(
            f"{folder}/leaflet.js is Leaflet {match.group(1)}; "
            f"Wijkradar heeft {LEAFLET_VERSION}.x nodig"
        )
    return folder


def install_static(settings: Settings, static_dir: str | Path) -> Path:
    """Copy Leaflet into ``static_dir/vendor/leaflet`` (only files that differ); return it.

    Parameters
    ----------
    settings : Settings
        ``leaflet_dir`` says where Leaflet is.
    static_dir : str or Path
        The app's static folder (Streamlit ``static/``).

    Returns
    -------
    Path
        ``static_dir/vendor/leaflet``.
    """
    source = leaflet_dir(settings)
    target = Path(static_dir) / STATIC_SUBDIR
    (target / "images").mkdir(parents=True, exist_ok=True)
    pairs = [(source / f, target / f) for f in _FILES]
    pairs += [(p, target / "images" / p.name) for p in sorted((source / "images").glob("*.png"))]
    for src, dst in pairs:
        if not dst.exists() or not filecmp.cmp(src, dst, shallow=False):
            with atomic_write(dst) as tmp:
                shutil.copyfile(src, tmp)
    return target


def inline_leaflet(settings: Settings) -> tuple[str, str]:
    """Leaflet's JavaScript and its CSS with the images as data URIs, for standalone HTML.

    Parameters
    ----------
    settings : Settings
        ``leaflet_dir`` says where Leaflet is.

    Returns
    -------
    js : str
        ``leaflet.js``.
    css : str
        ``leaflet.css`` with its images as data URIs.
    """
    folder = leaflet_dir(settings)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        path = folder / match.group(1)
        if not path.is_file():
            return match.group(0)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    # A literal "</script>" or "</style>" inside the assets would end the element early.
    js = js.replace("</script", "<\\/script")
    css = css.replace("</style", "<\\/style")
    return js, css
