"""The root of Wijkradar's one error hierarchy, so callers can tell a data problem from a bug.

Every error Wijkradar raises on purpose derives from :class:`WijkradarError`: the data layer's
errors below, :class:`models.errors.ProfileError`, the registry's, the HTTP client's and the
asset errors of the application layer. The command line and the app catch
:class:`WijkradarError` at their edges and show its message (Dutch, one line) without a class
name or traceback. This module imports nothing but the standard library, so every layer may
import it (``models`` imports nothing else from ``geo``). :mod:`wijkradar.errors` re-exports
the whole hierarchy for the edges.
"""

from __future__ import annotations

import re

__all__ = [
    "mask_secrets",
    "WijkradarError",
    "SourceError",
    "DataFormatError",
    "GemeenteNotFoundError",
    "CacheError",
    "missing_crs",
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


def missing_crs(what: str) -> DataFormatError:
    """The error for a layer without a CRS: one type and one message wherever it is found.

    Parameters
    ----------
    what : str
        The layer or file, as the user knows it (a path, ``"buurten"``).

    Returns
    -------
    DataFormatError
        To be raised by the caller.

    Examples
    --------
    >>> str(missing_crs("buurten.geojson"))
    'buurten.geojson: geen coördinatenstelsel (CRS); stel het in (EPSG:28992 voor RD New)'
    """
    return DataFormatError(
        f"{what}: geen coördinatenstelsel (CRS); stel het in (EPSG:28992 voor RD New)"
    )


class GemeenteNotFoundError(WijkradarError, ValueError):
    """The gemeente code is malformed or not known for the requested year."""


class CacheError(WijkradarError):
    """The on-disk cache is missing or unreadable."""


_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][\w+.-]*://[^\s:/?#@'\"]*:)[^\s@'\"]*@")
_KEY_VALUE = re.compile(r"(?P<head>\b(?:password|passwd|pwd)\s*=\s*)[^\s&;'\"]+", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """``text`` with passwords in URLs (``user:pw@host``) and ``password=...`` replaced by ***.

    Parameters
    ----------
    text : str
        A message that may hold a database URL or connection string.

    Returns
    -------
    str
        ``text`` with the passwords replaced by ``***``.

    Examples
    --------
    >>> mask_secrets("postgres://wijkradar:geheim@db:5432/w is not a valid URL")
    'postgres://wijkradar:***@db:5432/w is not a valid URL'
    >>> mask_secrets("host=db password=geheim")
    'host=db password=***'
    """
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + "***@", text)
    return _KEY_VALUE.sub(lambda m: m.group("head") + "***", text)
