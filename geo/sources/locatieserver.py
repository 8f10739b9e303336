"""PDOK Locatieserver client: addresses to RD New points (``free`` search, type adres)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SourceError
from ._http import HttpClient

__all__ = ["Geocoded", "geocode"]

_POINT = re.compile(r"POINT\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\)")


@dataclass(frozen=True)
class Geocoded:
    """One address found by the Locatieserver.

    Attributes
    ----------
    x, y : float
        RD New coordinates of the address's centroid.
    weergavenaam : str
        The address as the Locatieserver writes it.
    score : float
        The Locatieserver's relevance score.
    """

    x: float
    y: float
    weergavenaam: str
    score: float


def geocode(client: HttpClient, base_url: str, address: str) -> Geocoded | None:
    """The best address match for ``address`` in EPSG:28992, or None when nothing matches.

    Uses ``{base_url}/free?q=...&fq=type:adres&rows=1`` and the ``centroide_rd`` of the first
    document.

    Parameters
    ----------
    client : HttpClient
        The HTTP client (timeouts, retries, byte cap, deadline).
    base_url : str
        The Locatieserver root, e.g. ``https://api.pdok.nl/bzk/locatieserver/search/v3_1``.
    address : str
        Free text, e.g. ``Stadhuisplein 1, Amersfoort``.

    Returns
    -------
    Geocoded or None
        RD coordinates and the matched address; None when nothing matches.

    Raises
    ------
    SourceError
        When the service fails or answers with something that is not a Locatieserver response.
    """
    source = "PDOK Locatieserver"
    url = f"{base_url.rstrip('/')}/free"
    params = {
        "q": address,
        "fq": "type:adres",
        "rows": "1",
        "fl": "id,weergavenaam,centroide_rd,score",
    }
    payload = client.get_json(url, params, source=source)
    response = payload.get("response") if isinstance(payload, dict) else None
    docs = response.get("docs") if isinstance(response, dict) else None
    if not isinstance(docs, list):
        raise SourceError(
            f"{source}: het antwoord van {url} heeft geen response.docs-lijst",
            source=source,
            url=url,
        )
    if not docs:
        return None
    doc = docs[0]
    match = _POINT.match(str(doc.get("centroide_rd", "")))
    if not match:
        raise SourceError(
            f"{source}: document without a centroide_rd POINT for {address!r}",
            source=source,
            url=url,
        )
    return Geocoded(
        x=float(match.group(1)),
        y=float(match.group(2)),
        weergavenaam=str(doc.get("weergavenaam", "")),
        score=float(doc.get("score", 0.0) or 0.0),
    )
