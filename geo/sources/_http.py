"""A small HTTP client with bounded retries, backoff, limits and one-line errors.

Limits (issue #14): every response is read in small pieces with a byte cap (``max_bytes``,
also for compressed bodies) and one overall ``deadline`` per :meth:`HttpClient.get_json` call,
retries and redirects included, so neither a huge body nor a server that drips one byte a
second can tie up the app. Redirects are followed only on the same host; pass
``same_host_as`` for links taken from a response (``odata.nextLink``). Any failure raises:
the caller never gets half a response.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from ..errors import SourceError

__all__ = ["HttpClient", "NotFound", "same_host"]

log = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}
_REDIRECT_STATUS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


class NotFound(SourceError):
    """HTTP 404: the table, layer or year does not exist on that server."""


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
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "application/json"

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
        """
        if same_host_as is not None and not same_host(url, same_host_as):
            raise SourceError(
                f"{source}: refused to follow a link to another host ({_short(url)}); "
                f"expected {urlsplit(same_host_as).netloc}",
                source=source,
                url=url,
            )
        end = time.monotonic() + self.deadline
        attempt = 0
        while True:
            wait = self.backoff * (2**attempt)
            try:
                resp = self._get(url, params, end=end, source=source)
            except requests.Timeout:
                problem = f"timed out after {self.timeout:g} s"
            except requests.ConnectionError as exc:
                problem = f"cannot connect ({_short(exc)})"
            except requests.RequestException as exc:  # invalid URL and the like
                raise SourceError(
                    f"{source}: request failed: {_short(exc)}", source=source, url=url
                ) from None
            else:
                with resp:
                    if resp.status_code == 200:
                        return _decode(resp, self._body(resp, end=end, source=source), source)
                    if resp.status_code == 404:
                        raise NotFound(
                            f"{source}: not found (HTTP 404) at {resp.url}",
                            source=source,
                            url=resp.url,
                        )
                    problem = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
                    if resp.status_code not in _RETRY_STATUS:
                        raise SourceError(
                            f"{source}: {problem} at {resp.url}", source=source, url=resp.url
                        )
                    retry_after = resp.headers.get("Retry-After", "")
                    if retry_after.strip().isdigit():
                        wait = float(retry_after)
            wait = min(wait, self.max_wait)
            if attempt >= self.retries or time.monotonic() + wait >= end:
                gave_up = f"gave up after {attempt + 1} attempts"
                if attempt < self.retries:
                    gave_up += f", deadline of {self.deadline:g} s"
                raise SourceError(
                    f"{source}: {problem} at {url} ({gave_up})", source=source, url=url
                )
            log.warning("%s: %s; retrying in %.1f s", source, problem, wait)
            self.sleep(wait)
            attempt += 1

    def _remaining(self, end: float, source: str, url: str) -> float:
        left = end - time.monotonic()
        if left <= 0:
            raise SourceError(
                f"{source}: no complete answer within {self.deadline:g} s from {_short(url)}",
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
            resp = self.session.get(
                url, params=params, timeout=timeout, stream=True, allow_redirects=False
            )
            if resp.status_code not in _REDIRECT_STATUS or "Location" not in resp.headers:
                return resp
            target = urljoin(resp.url, resp.headers["Location"])
            resp.close()
            if not same_host(target, origin):
                raise SourceError(
                    f"{source}: refused a redirect to another host ({_short(target)})",
                    source=source,
                    url=url,
                )
            url, params = target, None
        raise SourceError(
            f"{source}: more than {MAX_REDIRECTS} redirects from {_short(origin)}",
            source=source,
            url=origin,
        )

    def _body(self, resp: requests.Response, *, end: float, source: str) -> bytes:
        """The whole body, read in pieces; over ``max_bytes`` or past the deadline fails."""
        too_big = SourceError(
            f"{source}: response from {_short(resp.url)} is larger than {self.max_bytes:,} "
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
                if size > self.max_bytes:
                    raise too_big
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            raise SourceError(
                f"{source}: connection broken while reading {_short(resp.url)} ({_short(exc)})",
                source=source,
                url=resp.url,
            ) from None
        return b"".join(chunks)


def _decode(resp: requests.Response, body: bytes, source: str) -> Any:
    ctype = resp.headers.get("Content-Type", "")
    if "json" not in ctype:
        raise SourceError(
            f"{source}: expected JSON but got {ctype or 'no content type'} from {resp.url}",
            source=source,
            url=resp.url,
        )
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(
            f"{source}: malformed JSON from {resp.url} ({exc})",
            source=source,
            url=resp.url,
        ) from None
    except RecursionError:
        raise SourceError(
            f"{source}: JSON from {resp.url} is nested too deeply", source=source, url=resp.url
        ) from None


def _no_constant(name: str) -> float:
    """JSON has no Infinity or NaN; Python's parser would accept them silently."""
    raise ValueError(f"non-standard JSON value {name}")


def _short(exc: object) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
