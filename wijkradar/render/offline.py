"""Working without the sources: where to download the files, and not waiting twice.

:class:`UnreachableMemory` remembers that a source failed, so the app does not retry (and wait
for the time-outs) on every page switch; after ``ttl`` seconds it tries again by itself.
:data:`DOWNLOADS` says where a user gets the files for the ``--van`` import by hand.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["DOWNLOADS", "Download", "UnreachableMemory", "RETRY_AFTER_S"]

#: How long an unreachable source is remembered (seconds).
RETRY_AFTER_S = 300.0


@dataclass(frozen=True)
class Download:
    """A file a user can download by hand for the import.

    Attributes
    ----------
    titel : str
        What the file is, in Dutch.
    url : str
        Where to download it.
    wat : str
        What to choose on that page, in Dutch.
    """

    titel: str
    url: str
    wat: str


DOWNLOADS = (
    Download(
        "CBS Wijk- en buurtkaart 2024 (verplicht: de buurtgrenzen)",
        "https://www.cbs.nl/nl-nl/dossier/nederland-regionaal/geografische-data/"
        "wijk-en-buurtkaart-2024",
        "Download de GeoPackage (wijkenbuurten_2024); Wijkradar leest de laag 'buurten'.",
    ),
    Download(
        "CBS Kerncijfers wijken en buurten 2024 (StatLine, 85984NED)",
        "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/85984NED/table",
        "Kies uw gemeente en haar wijken en buurten, en download als CSV "
        "(met de onderwerpsleutels).",
    ),
    Download(
        "RIVM/GGD'en Gezondheid per wijk en buurt (StatLine, 50090NED)",
        "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/50090NED/table",
        "Kies 18 jaar en ouder en uw gemeente; download als CSV of Excel.",
    ),
)


class UnreachableMemory:
    """Remember failures per key for ``ttl`` seconds (thread-safe).

    Parameters
    ----------
    ttl : float
        Seconds a failure is remembered (:data:`RETRY_AFTER_S` by default).
    clock : callable
        Returns the time in seconds; injected for tests.

    Examples
    --------
    >>> memory = UnreachableMemory(ttl=60, clock=lambda: 0.0)
    >>> memory.remember("GM0307", OSError("down"))
    >>> memory.failure("GM0307")[1]
    OSError('down')
    """

    def __init__(self, ttl: float = RETRY_AFTER_S, clock: Callable[[], float] = time.time):
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._failed: dict[Hashable, tuple[float, BaseException]] = {}

    def remember(self, key: Hashable, exc: BaseException) -> None:
        """Note that ``key`` failed with ``exc`` now.

        Parameters
        ----------
        key : hashable
            What failed, e.g. a gemeentecode or a source name.
        exc : BaseException
            The error it failed with.
        """
        with self._lock:
            self._failed[key] = (self._clock(), exc)

    def failure(self, key: Hashable) -> tuple[float, BaseException] | None:
        """(time of the failure, exception) while it is remembered, else None.

        Parameters
        ----------
        key : hashable
            What failed, e.g. a gemeentecode or a source name.

        Returns
        -------
        tuple of (float, BaseException) or None
            When it failed and how, or None.
        """
        with self._lock:
            hit = self._failed.get(key)
            if hit is not None and self._clock() - hit[0] >= self.ttl:
                del self._failed[key]
                return None
            return hit

    def retry_in(self, key: Hashable) -> float:
        """Seconds until ``key`` is tried again (0 when it is not remembered).

        Parameters
        ----------
        key : hashable
            What failed, e.g. a gemeentecode or a source name.

        Returns
        -------
        float
            Seconds, 0 or more.
        """
        hit = self.failure(key)
        return 0.0 if hit is None else max(0.0, self.ttl - (self._clock() - hit[0]))

    def forget(self, key: Hashable | None = None) -> None:
        """Forget ``key`` (or everything), so the next call tries the source again.

        Parameters
        ----------
        key : hashable, optional
            What to forget; everything when not given.
        """
        with self._lock:
            if key is None:
                self._failed.clear()
            else:
                self._failed.pop(key, None)
