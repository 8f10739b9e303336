"""Rendering: maps, printable reports, Dutch number formats, exports and static assets.

The modules are imported one by one (``from wijkradar.render.report import ...``), so the HTML
report does not load folium and a CSV export does not load the map code.
"""

import lazy_loader

__all__ = ["assets", "export", "format", "geopackage", "maps", "offline", "report", "templates"]

# ``wijkradar.render.maps`` etc. also work as attributes, imported on first use
__getattr__, _, _ = lazy_loader.attach(__name__, submodules=__all__)


def __dir__() -> list[str]:
    return list(__all__)
