"""Error types shared by the data layer, so callers can tell a data problem from a bug."""

from __future__ import annotations

__all__ = [
    "WijkradarError",
    "SourceError",
    "DataFormatError",
    "GemeenteNotFoundError",
    "CacheError",
]


class WijkradarError(Exception):
    """Base class of every error Wijkradar raises on purpose."""


class SourceError(WijkradarError):
    """A remote source (CBS, RIVM, PDOK) failed: network, HTTP status, timeout or bad payload.

    Parameters
    ----------
    message : str
        One line saying what failed and how to fix it.
    source : str
        Short name of the source, e.g. ``"CBS OData"``.
    url : str, optional
        The URL that failed.
    """

    def __init__(self, message: str, *, source: str = "", url: str = "") -> None:
        super().__init__(message)
        self.source = source
        self.url = url


class DataFormatError(WijkradarError, ValueError):
    """A file or response has the wrong shape: missing columns, bad codes, no CRS, ..."""


class GemeenteNotFoundError(WijkradarError, ValueError):
    """The gemeente code is malformed or not known for the requested year."""


class CacheError(WijkradarError):
    """The on-disk cache is missing or unreadable."""
