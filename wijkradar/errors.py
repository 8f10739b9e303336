"""The whole Wijkradar error hierarchy in one place, for the edges (command line, app, notebooks).

Every error Wijkradar raises on purpose is a :class:`WijkradarError` (defined in
:mod:`geo.errors`, the dependency-free root). The command line and the app catch it and show
its Dutch message, without class name or traceback; anything else is a bug. The errors of the
database registry, the HTTP client and the assets are imported on first use, so that
``from wijkradar.errors import WijkradarError`` loads neither SQLAlchemy nor requests.

Examples
--------
>>> from wijkradar.errors import ProfileError, WijkradarError
>>> issubclass(ProfileError, WijkradarError)
True
"""

from __future__ import annotations

import errno
import importlib
from typing import TYPE_CHECKING, Any

from geo.errors import (
    CacheError,
    DataFormatError,
    GemeenteNotFoundError,
    SourceError,
    WijkradarError,
    mask_secrets,
    missing_crs,
)
from models.errors import ProfileError

if TYPE_CHECKING:
    from geo.registry import ConflictError, ImportRejected, RegistryError
    from geo.sources import BadRequest, NotFound

    from .launch import AppNotFoundError
    from .render.assets import AssetError

__all__ = [
    "WijkradarError",
    "SourceError",
    "NotFound",
    "BadRequest",
    "DataFormatError",
    "ImportRejected",
    "GemeenteNotFoundError",
    "CacheError",
    "ProfileError",
    "RegistryError",
    "ConflictError",
    "AssetError",
    "AppNotFoundError",
    "mask_secrets",
    "missing_crs",
    "error_message",
]

#: error classes whose modules need heavy imports (SQLAlchemy, requests): loaded on first use
_LAZY = {
    "NotFound": "geo.sources",
    "BadRequest": "geo.sources",
    "ImportRejected": "geo.registry",
    "RegistryError": "geo.registry",
    "ConflictError": "geo.registry",
    "AssetError": "wijkradar.render.assets",
    "AppNotFoundError": "wijkradar.launch",
}


def error_message(exc: BaseException) -> str:
    r"""What the edges show for ``exc``: its message on one line, secrets masked, no class name.

    Common operating-system errors (disk full, no permission) get plain Dutch words.

    Parameters
    ----------
    exc : BaseException
        Usually a :class:`WijkradarError`, whose message is already Dutch.

    Returns
    -------
    str
        One line.

    Examples
    --------
    >>> error_message(SourceError("CBS OData niet bereikbaar:\n postgres://u:geheim@db/w"))
    'CBS OData niet bereikbaar: postgres://u:***@db/w'
    """
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"schijf vol bij het schrijven van {exc.filename or ''}: maak ruimte vrij".strip()
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return f"kan {exc.filename or ''} niet schrijven: {exc.strerror} (controleer de rechten)"
    if isinstance(exc, RecursionError):
        return "invoer is te diep genest"
    if isinstance(exc, MemoryError):
        return "te weinig geheugen voor deze invoer"
    text = str(exc) or "onbekende fout"
    if isinstance(exc, KeyError):
        text = f"niet gevonden: {text}"
    return mask_secrets(" ".join(text.split()))


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


def __dir__() -> list[str]:
    return list(__all__)
