"""A small HTTP client with bounded retries, backoff, limits and one-line errors.

Limits (issue #14): every response is read in small pieces with a byte cap (``max_bytes``,
also for compressed bodies) and one overall ``deadline`` per :meth:`HttpClient.get_json` call,
retries and redirects included, so neither a huge body nor a server that drips one byte a
second can tie up the app. Redirects are followed only on the same host; pass
``same_host_as`` for links taken from a response (``odata.nextLink``). Any failure raises:
the caller never gets half a response.

Several threads may share one client (the sources of a gemeente are fetched in parallel): each
thread has its own ``requests.Session`` and the counters in :attr:`HttpClient.stats` are
locked. With a :class:`~geo.sources._cache.ResponseCache` a fresh cached answer is returned
without asking the server (see that module for why a TTL and not conditional requests).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from ..errors import SourceError
from ._cache import CachedResponse, FetchStats, ResponseCache

__all__ = ["HttpClient", "NotFound", "BadRequest", "same_host"]

log = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}
_REDIRECT_STATUS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


class NotFound(SourceError):
    """HTTP 404: the table, layer or year does not exist on that server."""


class BadRequest(SourceError):
    """HTTP 400: the server refused the query (an unknown ``$select`` property, a bad filter)."""


def _host_port(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def same_host(url: str, origin: str) -> bool:
    """True when ``url`` is on the host (and port) of ``origin``; http may become https.

    Parameters
    ----------
    url : str
        The link to check (e.g. ``odata.nextLink``).
    origin : str
        The URL it must stay on.

    Returns
    -------
    bool
        Whether following ``url`` stays on the origin's host.

    Examples
    --------
    >>> same_host("https://opendata.cbs.nl/a?$skip=1", "https://opendata.cbs.nl/ODataApi")
    True
    >>> same_host("http://169.254.169.254/latest", "https://opendata.cbs.nl/ODataApi")
    False
    """
    scheme, host, port = _host_port(url)
    o_scheme, o_host, o_port = _host_port(origin)
    if not host or host != o_host or scheme not in ("http", "https"):
        return False
    if scheme == o_scheme:
        return port == o_port
    return o_scheme == "http" and scheme == "https"  # an upgrade, never a downgrade


class HttpClient:
    """GET JSON with bounded retries, a byte cap and an overall deadline.

    Parameters
    ----------
    timeout : float
        Seconds for connect and for each read.
    retries : int
        Extra attempts after the first one for timeouts, connection errors, 429 and 5xx.
    backoff : float
        First wait in seconds; doubles each retry. ``Retry-After`` is honoured up to
        ``max_wait``.
    max_wait : float
        Upper bound for any single wait.
    max_bytes : int
        Largest response body (after decompression) in bytes.
    deadline : float
        Seconds one :meth:`get_json` call may take in total (retries, redirects and reading
        the body included).
    sleep : callable
        Injected for tests.
    user_agent : str
        The ``User-Agent`` header sent with every request.
    cache : ResponseCache, optional
        Serve fresh cached answers without a request and store new ones.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 30.0,
        max_bytes: int = 100_000_000,
        deadline: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "wijkradar/0.1 (+https://github.com/wijkradar)",
        cache: ResponseCache | None = None,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.sleep = sleep
        self.user_agent = user_agent
        self.cache = cache
        self.stats = FetchStats()
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        """The calling thread's own session (``requests.Session`` is not thread-safe)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.user_agent
            session.headers["Accept"] = "application/json"
            self._local.session = session
        return session

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        source: str = "",
        same_host_as: str | None = None,
    ) -> Any:
        """GET ``url`` and decode JSON; raise :class:`SourceError` with one clear line.

        ``same_host_as``: refuse ``url`` unless it is on that URL's host (for links that
        came from a response, such as ``odata.nextLink``).

        Parameters
        ----------
        url : str
            The URL to get.
        params : mapping, optional
            Query parameters.
        source : str
            The source's name for messages (``CBS``, ``PDOK``, ...).
        same_host_as : str, optional
            Refuse ``url`` unless it is on that URL's host (for links that came from a response,
            such as ``odata.nextLink``).

        Returns
        -------
        object
            The decoded JSON (``Infinity``/``NaN`` refused).
        """
        if same_host_as is not None and not same_host(url, same_host_as):
            raise SourceError(
                f"{source}: een link naar een andere host wordt niet gevolgd ({_short(url)}); "
                f"verwacht {urlsplit(same_host_as).netloc}",
                source=source,
                url=url,
            )
        key = _cache_key(url, params) if self.cache is not None else None
        if self.cache is not None and key is not None:
            entry = self.cache.get(key)
            if entry is not None:
                self.stats.hit(entry)
                if entry.status == 404:
                    raise NotFound(
                        f"{source}: niet gevonden (HTTP 404, onthouden sinds {_when(entry)}) bij "
                        f"{entry.url}",
                        source=source,
                        url=entry.url,
                    )
                return _decode_cached(entry, source)
        end = time.monotonic() + self.deadline
        attempt = 0
        while True:
            wait = self.backoff * (2**attempt)
            try:
                resp = self._get(url, params, end=end, source=source)
            except requests.Timeout:
                problem = f"geen antwoord binnen {self.timeout:g} s"
            except requests.ConnectionError as exc:
                problem = f"kan geen verbinding maken ({_short(exc)})"
            except requests.RequestException as exc:  # invalid URL and the like
                raise SourceError(
                    f"{source}: verzoek mislukt: {_short(exc)}", source=source, url=url
                ) from None
            else:
                with resp:
                    if resp.status_code == 200:
                        body = self._body(resp, end=end, source=source)
                        payload = _decode(resp, body, source)
                        if self.cache is not None and key is not None:
                            self.cache.put(key, resp.headers.get("Content-Type", ""), body)
                        return payload
                    if resp.status_code == 400:
                        raise BadRequest(
                            f"{source}: de server weigert de vraag (HTTP 400) bij {resp.url}"
                            f"{_odata_message(resp, end)}",
                            source=source,
                            url=resp.url,
                        )
                    if resp.status_code == 404:
                        if self.cache is not None and key is not None:
                            self.cache.put(key, "", b"", status=404)
                        raise NotFound(
                            f"{source}: niet gevonden (HTTP 404) bij {resp.url}",
                            source=source,
                            url=resp.url,
                        )
                    problem = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
                    if resp.status_code not in _RETRY_STATUS:
                        raise SourceError(
                            f"{source}: {problem} bij {resp.url}", source=source, url=resp.url
                        )
                    retry_after = resp.headers.get("Retry-After", "")
                    if retry_after.strip().isdigit():
                        wait = float(retry_after)
            wait = min(wait, self.max_wait)
            if attempt >= self.retries or time.monotonic() + wait >= end:
                gave_up = f"opgegeven na {attempt + 1} pogingen"
                if attempt < self.retries:
                    gave_up += f", tijdslimiet {self.deadline:g} s"
                raise SourceError(
                    f"{source}: {problem} bij {url} ({gave_up})", source=source, url=url
                )
            log.warning("%s: %s; retrying in %.1f s", source, problem, wait)
            self.sleep(wait)
            attempt += 1

    def _remaining(self, end: float, source: str, url: str) -> float:
        left = end - time.monotonic()
        if left <= 0:
            raise SourceError(
                f"{source}: geen volledig antwoord binnen {self.deadline:g} s van {_short(url)}",
                source=source,
                url=url,
            )
        return left

    def _get(
        self, url: str, params: Mapping[str, Any] | None, *, end: float, source: str
    ) -> requests.Response:
        """GET with redirects followed by hand: same host only, at most MAX_REDIRECTS."""
        origin = url
        for _hop in range(MAX_REDIRECTS + 1):
            timeout = min(self.timeout, self._remaining(end, source, url))
            self.stats.sent()
            resp = self.session.get(
                url, params=params, timeout=timeout, stream=True, allow_redirects=False
            )
            if resp.status_code not in _REDIRECT_STATUS or "Location" not in resp.headers:
                return resp
            target = urljoin(resp.url, resp.headers["Location"])
            resp.close()
            if not same_host(target, origin):
                raise SourceError(
                    f"{source}: een doorverwijzing naar een andere host is geweigerd "
                    f"({_short(target)})",
                    source=source,
                    url=url,
                )
            url, params = target, None
        raise SourceError(
            f"{source}: meer dan {MAX_REDIRECTS} doorverwijzingen vanaf {_short(origin)}",
            source=source,
            url=origin,
        )

    def _body(self, resp: requests.Response, *, end: float, source: str) -> bytes:
        """The whole body, read in pieces; over ``max_bytes`` or past the deadline fails."""
        too_big = SourceError(
            f"{source}: het antwoord van {_short(resp.url)} is groter dan {self.max_bytes:,} "
            "bytes (WIJKRADAR_HTTP_MAX_BYTES)",
            source=source,
            url=resp.url,
        )
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                self._remaining(end, source, resp.url)
                chunk = resp.raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                self.stats.received(len(chunk))
                if size > self.max_bytes:
                    raise too_big
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            raise SourceError(
                f"{source}: verbinding verbroken tijdens het lezen van {_short(resp.url)} "
                f"({_short(exc)})",
                source=source,
                url=resp.url,
            ) from None
        return b"".join(chunks)


def _decode(resp: requests.Response, body: bytes, source: str) -> Any:
    return _decode_body(resp.headers.get("Content-Type", ""), body, resp.url, source)


def _cache_key(url: str, params: Mapping[str, Any] | None) -> str | None:
    """The full URL with its query (the cache key); None when it cannot be built."""
    try:
        return requests.Request("GET", url, params=params).prepare().url
    except (requests.RequestException, ValueError):
        return None  # the request itself fails the same way, with a clear message


def _when(entry: CachedResponse) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(entry.fetched))


def _decode_cached(entry: CachedResponse, source: str) -> Any:
    return _decode_body(entry.content_type, entry.body, entry.url, source)


def _odata_message(resp: requests.Response, end: float) -> str:
    """``: <message>`` from an OData error body (``odata.error.message.value``), else ''.

    The shape is the OData v3 JSON error of Microsoft's implementations (MS-ODATAJSON
    2.1.28), which the CBS ODataApi is; at most 64 kB are read, within the deadline.
    """
    try:
        raw = resp.raw.read(65536, decode_content=True) if time.monotonic() < end else b""
        err = json.loads(raw).get("odata.error", {})
        text = str(err.get("message", {}).get("value", ""))
    except (ValueError, AttributeError, TypeError, OSError, urllib3.exceptions.HTTPError):
        return ""
    return f": {_short(' '.join(text.split()))}" if text else ""


def _decode_body(ctype: str, body: bytes, url: str, source: str) -> Any:
    if "json" not in ctype:
        raise SourceError(
            f"{source}: JSON verwacht, maar {ctype or 'geen content-type'} ontvangen van {url}",
            source=source,
            url=url,
        )
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(
            f"{source}: ongeldige JSON van {url} ({exc})",
            source=source,
            url=url,
        ) from None
    except RecursionError:
        raise SourceError(
            f"{source}: JSON van {url} is te diep genest", source=source, url=url
        ) from None


def _no_constant(name: str) -> float:
    """JSON has no Infinity or NaN; Python's parser would accept them silently."""
    raise ValueError(f"non-standard JSON value {name}")


def _short(exc: object) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
