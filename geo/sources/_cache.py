"""A disk cache of HTTP responses with a time-to-live, and request/byte counters.

Why a TTL and not conditional requests: ``If-None-Match``/``If-Modified-Since`` only help when
the server sends ``ETag`` or ``Last-Modified``. Nothing in the stored material (the CBS OData
manuals and notes, public clients of opendata.cbs.nl, dataderden.cbs.nl and the PDOK WFS, the
raw rows in ../shared/data) shows either header on these services, so Wijkradar does not rely
on them (INFERENCE: absent until shown otherwise). Instead each successful response is kept
for ``ttl`` seconds (``WIJKRADAR_HTTP_CACHE_DAYS``, default 7 days): CBS and RIVM publish the
Kerncijfers and the health monitor a few times a year and PDOK a new indeling once a year, so
a week old answer is the published figure in practice. A refresh (``wijkradar fetch
--vernieuw``, the app's "Opnieuw ophalen" button) asks the servers again and renews the cache.

One file per response (the full URL with its query is the key): a JSON header line, then the
body bytes as received. Files are written to a temporary name and renamed, so a reader never
sees half an entry; an unreadable or foreign entry counts as a miss. A 404 is kept too (a
table without ``DataProperties``, a health table the server does not have yet), so a warm
fetch sends nothing at all.

Known limit: pages are cached one by one, so when a multi-page answer was only partly
fetched (a failure on page 2), the next fetch takes page 1 from the cache and asks page 2
anew; should CBS have replaced the table in between, the pages may come from two versions.
With 10,000 rows per OData page a gemeente is one page, so this concerns national pulls.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..io import atomic_write

__all__ = ["ResponseCache", "CachedResponse", "FetchStats"]

log = logging.getLogger(__name__)

_FORMAT = 1


@dataclass(frozen=True)
class CachedResponse:
    """A response body from the cache, with what is needed to decode it again."""

    url: str
    content_type: str
    body: bytes
    fetched: float  # seconds since the epoch
    status: int = 200  # 200, or 404: "not served here" is an answer too (no DataProperties)


class ResponseCache:
    """Responses on disk under ``folder``, valid for ``ttl`` seconds.

    Parameters
    ----------
    folder : Path
        Where the entries live (created on the first write).
    ttl : float
        Seconds an entry is served without asking the server; 0 turns reading off.
    refresh : bool
        Never read (always ask the server) but still write: the ``--vernieuw`` mode.
    clock : callable
        Injected for tests.
    """

    def __init__(
        self,
        folder: str | Path,
        *,
        ttl: float,
        refresh: bool = False,
        clock=time.time,
    ) -> None:
        self.folder = Path(folder)
        self.ttl = float(ttl)
        self.refresh = refresh
        self.clock = clock

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def get(self, url: str) -> CachedResponse | None:
        """The entry of ``url`` if younger than the TTL (None when absent, old or unreadable).

        Parameters
        ----------
        url : str
            The cache key: the URL with its query.

        Returns
        -------
        CachedResponse or None
            The stored response, or None.
        """
        if self.refresh or self.ttl <= 0:
            return None
        try:
            raw = self._path(url).read_bytes()
            head, _, body = raw.partition(b"\n")
            meta = json.loads(head)
            if meta.get("format") != _FORMAT or meta.get("url") != url:
                return None
            fetched = float(meta["fetched"])
            if len(body) != int(meta["bytes"]):
                return None  # truncated on disk
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not 0 <= self.clock() - fetched < self.ttl:
            return None
        status = int(meta.get("status", 200))
        return CachedResponse(url, str(meta.get("content_type", "")), body, fetched, status)

    def put(self, url: str, content_type: str, body: bytes, *, status: int = 200) -> None:
        """Store a response (200, or 404); a read-only or full disk only costs the cache.

        Parameters
        ----------
        url : str
            The cache key: the URL with its query.
        content_type : str
            The response's ``Content-Type``.
        body : bytes
            The response body.
        status : int, default 200
            The HTTP status (200, or 404 to remember that something does not exist).
        """
        path = self._path(url)
        meta = {
            "format": _FORMAT,
            "url": url,
            "fetched": self.clock(),
            "content_type": content_type,
            "bytes": len(body),
            "status": status,
        }
        try:
            with atomic_write(path) as tmp:
                tmp.write_bytes(json.dumps(meta).encode("utf-8") + b"\n" + body)
        except OSError as exc:
            log.warning("response not cached in %s: %s", path.parent, exc)


@dataclass
class FetchStats:
    """What one client did: requests sent, body bytes received, answers from the cache.

    Thread-safe: the sources of one gemeente are fetched in parallel through one client.
    ``bytes`` counts response bodies after decompression (what was parsed), not headers.

    Attributes
    ----------
    requests : int
        Requests sent over the network.
    bytes : int
        Body bytes received (after decompression).
    cached, cached_bytes : int
        Answers, and their bytes, served from the response cache.
    oldest_cached : float or None
        Time (seconds since the epoch) of the oldest cached answer used.
    """

    requests: int = 0
    bytes: int = 0
    cached: int = 0
    cached_bytes: int = 0
    oldest_cached: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def sent(self) -> None:
        """Count a request sent over the network."""
        with self._lock:
            self.requests += 1

    def received(self, size: int) -> None:
        """Count the bytes of a response body received over the network.

        Parameters
        ----------
        size : int
            The body's size in bytes.
        """
        with self._lock:
            self.bytes += size

    def hit(self, entry: CachedResponse) -> None:
        """Count an answer served from the cache.

        Parameters
        ----------
        entry : CachedResponse
            The cached answer (its size and age are counted).
        """
        with self._lock:
            self.cached += 1
            self.cached_bytes += len(entry.body)
            if self.oldest_cached is None or entry.fetched < self.oldest_cached:
                self.oldest_cached = entry.fetched

    def as_dict(self) -> dict[str, object]:
        """Plain numbers (for the CLI line, the bench and the app).

        Returns
        -------
        dict
            ``requests``, ``bytes``, ``cached``, ``cached_bytes`` and ``oldest_cached`` (ISO time in
            UTC, or None).
        """
        with self._lock:
            oldest = (
                datetime.fromtimestamp(self.oldest_cached, UTC).isoformat(timespec="seconds")
                if self.oldest_cached is not None
                else None
            )
            return {
                "requests": self.requests,
                "bytes": self.bytes,
                "cached": self.cached,
                "cached_bytes": self.cached_bytes,
                "oldest_cached": oldest,
            }
