"""Error types shared by the data layer, so callers can tell a data problem from a bug."""

from __future__ import annotations

import re

__all__ = [
    "mask_secrets",
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
