"""CBS StatLine OData v3 client: Kerncijfers wijken en buurten and the RIVM health monitor."""

from __future__ import annotations

import logging
from typing import Any

from .._errors import SourceError
from .._model import SourceData
from .._odata import (
    HEALTH_AGE_18PLUS,
    POINT_ESTIMATE,
    health_frames,
    map_indicators,
    rows_to_frame,
)
from ..datasets import HEALTH_TABLES, Dataset, kerncijfers_table
from ..indicators import by_source
from ._http import HttpClient, NotFound

__all__ = [
    "fetch_odata_rows",
    "fetch_dimension",
    "fetch_kerncijfers",
    "fetch_health",
    "region_filter",
]

log = logging.getLogger(__name__)

MAX_PAGES = 500


def region_filter(gemeentecode: str, *, field: str = "WijkenEnBuurten") -> str:
    """OData filter for a gemeente's buurten, wijken, the gemeente itself and NL."""
    digits = gemeentecode[2:]
    parts = [f"startswith({field},'{p}{digits}')" for p in ("BU", "WK", "GM")]
    parts.append(f"startswith({field},'NL0')")
    return "(" + " or ".join(parts) + ")"


def fetch_odata_rows(
    client: HttpClient,
    base_url: str,
    table: str,
    entity: str = "TypedDataSet",
    *,
    filter: str | None = None,
    source: str = "CBS OData",
) -> tuple[list[dict[str, Any]], str]:
    """Fetch all rows of ``{base_url}/{table}/{entity}``, following ``odata.nextLink``.

    Returns
    -------
    rows : list of dict
    url : str
        The first URL requested (for provenance).
    """
    url = f"{base_url.rstrip('/')}/{table}/{entity}"
    first_params: dict[str, str] = {"$format": "json"}
    if filter:
        first_params["$filter"] = filter
    params: dict[str, str] | None = first_params
    first_url = url
    rows: list[dict[str, Any]] = []
    for _page in range(MAX_PAGES):
        # a nextLink must stay on the host we asked (no SSRF, no partial data from elsewhere)
        payload = client.get_json(url, params, source=source, same_host_as=first_url)
        if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
            raise SourceError(
                f"{source}: response from {url} has no 'value' list; is this an OData feed?",
                source=source,
                url=url,
            )
        rows.extend(payload["value"])
        next_link = payload.get("odata.nextLink") or payload.get("@odata.nextLink")
        if not next_link:
            return rows, first_url
        url, params = next_link, None
    raise SourceError(
        f"{source}: more than {MAX_PAGES} pages from {first_url}; stopping",
        source=source,
        url=first_url,
    )


def fetch_dimension(
    client: HttpClient, base_url: str, table: str, dimension: str, *, source: str
) -> list[dict[str, Any]]:
    """Rows of a dimension feed such as ``Marges`` or ``WijkenEnBuurten``."""
    rows, _ = fetch_odata_rows(client, base_url, table, dimension, source=source)
    return rows


def fetch_kerncijfers(
    client: HttpClient, base_url: str, gemeentecode: str, jaar: int
) -> SourceData:
    """Kerncijfers wijken en buurten of ``jaar`` for a gemeente, its wijken and buurten, NL.

    Columns are matched by topic name, so the same code reads 2022, 2023 and 2024 tables.
    """
    ds = kerncijfers_table(jaar)
    source = f"CBS Kerncijfers {ds.id}"
    rows, url = fetch_odata_rows(
        client, base_url, ds.id, filter=region_filter(gemeentecode), source=source
    )
    if not rows:  # not even the NL row: the table or the filter is not what we expect
        raise SourceError(
            f"{source}: no rows for {gemeentecode} (not even Nederland) from {url}; the "
            "table may have changed or be empty",
            source=source,
            url=url,
        )
    frame = rows_to_frame(rows)
    frame = frame.drop_duplicates("WijkenEnBuurten").set_index("WijkenEnBuurten")
    frame.index.name = "code"
    values, states = map_indicators(frame, by_source("kerncijfers"), attr="odata")
    data = SourceData("kerncijfers", ds.id, ds.title, str(jaar), url, values, states)
    if not any(frame.index.str.startswith("BU")):
        data.notes.append(f"{ds.id} returned no buurten for {gemeentecode}")
    return data


def fetch_health(
    client: HttpClient,
    base_url: str,
    gemeentecode: str,
    *,
    jaar: int | None = None,
    tables: tuple[Dataset, ...] = HEALTH_TABLES,
) -> SourceData:
    """RIVM/GGD health monitor (18+) for a gemeente, with 95% bounds where published.

    The first table of ``tables`` the server knows is used (50120NED, then 50090NED). The
    period is the latest one up to ``jaar`` (the latest available when ``jaar`` is None); all
    periods are kept in ``trend``.
    """
    last_error: SourceError | None = None
    for ds in tables:
        source = f"RIVM {ds.id}"
        try:
            marges = _marges(client, base_url, ds.id, source)
            filt = f"{region_filter(gemeentecode)} and Leeftijd eq '{HEALTH_AGE_18PLUS}'"
            rows, url = fetch_odata_rows(client, base_url, ds.id, filter=filt, source=source)
        except NotFound as exc:
            log.info("%s not available (%s); trying the next health table", ds.id, exc)
            last_error = exc
            continue
        return _health_from_rows(rows, ds, url, marges, jaar)
    assert last_error is not None
    raise SourceError(
        f"no health table found on {base_url} (tried {', '.join(d.id for d in tables)})",
        source="RIVM",
        url=last_error.url,
    )


def _marges(client: HttpClient, base_url: str, table: str, source: str) -> dict[str, str]:
    """Map 'point'/'lower'/'upper' to the table's Marges keys."""
    rows = fetch_dimension(client, base_url, table, "Marges", source=source)
    out = {"point": POINT_ESTIMATE}
    for row in rows:
        key = str(row.get("Key", "")).strip()
        title = str(row.get("Title", "")).lower()
        if "ondergrens" in title or key.startswith("MOG"):
            out["lower"] = key
        elif "bovengrens" in title or key.startswith("MBG"):
            out["upper"] = key
        elif "waarde" in title and key:
            out["point"] = key
    return out


def _health_from_rows(
    rows: list[dict[str, Any]], ds: Dataset, url: str, marges: dict[str, str], jaar: int | None
) -> SourceData:
    if not rows:
        raise SourceError(
            f"RIVM {ds.id}: no rows for this gemeente at {url}", source="RIVM", url=url
        )
    frame = rows_to_frame(rows)
    period, frames, states, trend = health_frames(frame, marges, jaar)
    data = SourceData(
        "gezondheid",
        ds.id,
        ds.title,
        period,
        url,
        frames["point"],
        states,
        lower=frames.get("lower"),
        upper=frames.get("upper"),
        trend=trend,
    )
    if "lower" not in frames:
        data.notes.append(f"{ds.id} publishes no 95% bounds; uncertainty uses weights only")
    return data
