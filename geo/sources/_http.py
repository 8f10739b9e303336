"""A small HTTP client with bounded retries, backoff and one-line errors."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from .._errors import SourceError

__all__ = ["HttpClient", "NotFound"]

log = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}


class NotFound(SourceError):
    """HTTP 404: the table, layer or year does not exist on that server."""


class HttpClient:
    """GET JSON with bounded retries.

    Parameters
    ----------
    timeout : float
        Seconds for connect and read.
    retries : int
        Extra attempts after the first one for timeouts, connection errors, 429 and 5xx.
    backoff : float
        First wait in seconds; doubles each retry. ``Retry-After`` is honoured up to
        ``max_wait``.
    max_wait : float
        Upper bound for any single wait.
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
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "wijkradar/0.1 (+https://github.com/wijkradar)",
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "application/json"

    def get_json(
        self, url: str, params: Mapping[str, Any] | None = None, *, source: str = ""
    ) -> Any:
        """GET ``url`` and decode JSON; raise :class:`SourceError` with one clear line."""
        attempt = 0
        while True:
            wait = self.backoff * (2**attempt)
            try:
                resp = self.session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout:
                problem = f"timed out after {self.timeout:g} s"
            except requests.ConnectionError as exc:
                problem = f"cannot connect ({_short(exc)})"
            except requests.RequestException as exc:  # invalid URL and the like
                raise SourceError(
                    f"{source}: request failed: {_short(exc)}", source=source, url=url
                ) from None
            else:
                if resp.status_code == 200:
                    return _decode(resp, source)
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
            if attempt >= self.retries:
                raise SourceError(
                    f"{source}: {problem} at {url} (gave up after {attempt + 1} attempts)",
                    source=source,
                    url=url,
                )
            wait = min(wait, self.max_wait)
            log.warning("%s: %s; retrying in %.1f s", source, problem, wait)
            self.sleep(wait)
            attempt += 1


def _decode(resp: requests.Response, source: str) -> Any:
    ctype = resp.headers.get("Content-Type", "")
    if "json" not in ctype:
        raise SourceError(
            f"{source}: expected JSON but got {ctype or 'no content type'} from {resp.url}",
            source=source,
            url=resp.url,
        )
    try:
        return json.loads(resp.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(
            f"{source}: malformed JSON from {resp.url} ({exc.__class__.__name__}: {exc})",
            source=source,
            url=resp.url,
        ) from None


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
