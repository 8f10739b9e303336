"""Network clients: the only modules in Wijkradar that talk to the internet."""

from ._cache import FetchStats, ResponseCache
from ._http import BadRequest, HttpClient, NotFound, same_host
from .cbs import fetch_health, fetch_kerncijfers, fetch_odata_rows
from .locatieserver import Geocoded, geocode
from .pdok import fetch_wfs_features
from .tiles import basemap_reachable

__all__ = [
    "HttpClient",
    "NotFound",
    "BadRequest",
    "same_host",
    "ResponseCache",
    "FetchStats",
    "fetch_odata_rows",
    "fetch_kerncijfers",
    "fetch_health",
    "fetch_wfs_features",
    "geocode",
    "Geocoded",
    "basemap_reachable",
]
