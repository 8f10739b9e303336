"""CBS StatLine OData v3 client: Kerncijfers wijken en buurten and the RIVM health monitor."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._model import SourceData
from .._odata import (
    HEALTH_AGE_18PLUS,
    POINT_ESTIMATE,
    health_frames,
    map_indicators,
    rows_to_frame,
    topic_keys,
)
from .._states import NOT_PUBLISHED, PRESENT, SUPPRESSED, state_dtype
from ..datasets import HEALTH_TABLES, KERNCIJFERS_TABLES, Dataset, kerncijfers_table
from ..errors import SourceError
from ..indicators import Indicator, by_source
from ._http import BadRequest, HttpClient, NotFound

__all__ = [
    "fetch_odata_rows",
    "fetch_dimension",
    "fetch_kerncijfers",
    "fetch_health",
    "fetch_data_properties",
    "region_filter",
    "KERNCIJFERS_DIMENSIONS",
    "HEALTH_DIMENSIONS",
]

log = logging.getLogger(__name__)

MAX_PAGES = 500
#: Dimension keys the Kerncijfers code reads from ``TypedDataSet`` (one region dimension).
KERNCIJFERS_DIMENSIONS = ("WijkenEnBuurten",)
#: Dimension keys of the health tables (50150NED, 50120NED, 50090NED; see PROVENANCE.md).
HEALTH_DIMENSIONS = ("WijkenEnBuurten", "Perioden", "Leeftijd", "Marges")
#: The fields of a dimension feed that the code reads (``$select=Key,Title`` on dimension
#: feeds is what public clients of the live API send, see schemas/ODATA_FORMAT_NOTES.md).
DIMENSION_FIELDS = ("Key", "Title")
#: The ``DataProperties`` fields used to find topics (``Type`` tells topics from groups).
PROPERTY_FIELDS = ("Key", "Title", "Type")
#: Topic stems read besides the indicators: the change-of-indeling flag (carry-over).
_KERNCIJFERS_EXTRA = ("IndelingswijzigingGemeenteWijkBuurt",)


def region_filter(gemeentecode: str, *, field: str = "WijkenEnBuurten") -> str:
    """OData filter for a gemeente's buurten, wijken, the gemeente itself and NL.

    Parameters
    ----------
    gemeentecode : str
        ``GM`` + four digits.
    field : str, default "WijkenEnBuurten"
        The region dimension of the table.

    Returns
    -------
    str
        An OData ``$filter`` expression of ``startswith`` tests.
    """
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
    select: Sequence[str] | None = None,
    source: str = "CBS OData",
) -> tuple[list[dict[str, Any]], str]:
    """Fetch all rows of ``{base_url}/{table}/{entity}``, following ``odata.nextLink``.

    ``select`` asks only for those properties (OData ``$select``; the server then returns
    nothing else, and keeps the option in its ``odata.nextLink``). Should the server refuse
    it (HTTP 400, e.g. a key that the table does not have after all), the rows are fetched
    once more without ``$select``: more bytes, same result.

    Parameters
    ----------
    client : HttpClient
        The HTTP client (timeouts, retries, byte cap, deadline).
    base_url : str
        The OData root, e.g. ``https://opendata.cbs.nl/ODataApi/odata``.
    table : str
        Table id, e.g. ``85984NED``.
    entity : str
        ``TypedDataSet``, ``UntypedDataSet``, ``DataProperties``, a dimension, ...
    filter : str, optional
        An OData ``$filter`` expression.
    select : sequence of str, optional
        Only these properties (``$select``); without it, all.
    source : str
        Name of the source in error messages.

    Returns
    -------
    rows : list of dict
        Every row of every page.
    url : str
        The first URL requested (for provenance).
    """
    if select:
        try:
            return _fetch_pages(client, base_url, table, entity, filter, select, source)
        except BadRequest as exc:
            log.warning("%s: $select refused (%s); fetching every column", source, exc)
    return _fetch_pages(client, base_url, table, entity, filter, None, source)


def _fetch_pages(
    client: HttpClient,
    base_url: str,
    table: str,
    entity: str,
    filter: str | None,
    select: Sequence[str] | None,
    source: str,
) -> tuple[list[dict[str, Any]], str]:
    url = f"{base_url.rstrip('/')}/{table}/{entity}"
    first_params: dict[str, str] = {"$format": "json"}
    if filter:
        first_params["$filter"] = filter
    if select:
        first_params["$select"] = ",".join(dict.fromkeys(select))
    params: dict[str, str] | None = first_params
    first_url = url
    rows: list[dict[str, Any]] = []
    for _page in range(MAX_PAGES):
        # a nextLink must stay on the host we asked (no SSRF, no partial data from elsewhere)
        payload = client.get_json(url, params, source=source, same_host_as=first_url)
        if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
            raise SourceError(
                f"{source}: het antwoord van {url} heeft geen 'value'-lijst; is dit een "
                "OData-feed?",
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
    """``Key`` and ``Title`` of the rows of a dimension feed such as ``Marges``.

    Parameters
    ----------
    client : HttpClient
        The HTTP client.
    base_url : str
        The OData API root.
    table : str
        The table id, e.g. ``50150NED``.
    dimension : str
        The dimension feed, e.g. ``Marges`` or ``Perioden``.
    source : str
        The source's name for messages.

    Returns
    -------
    list of dict
        One dict (``Key``, ``Title``) per row.
    """
    rows, _ = fetch_odata_rows(
        client, base_url, table, dimension, select=DIMENSION_FIELDS, source=source
    )
    return rows


def fetch_data_properties(
    client: HttpClient, base_url: str, table: str, *, source: str
) -> list[dict[str, Any]]:
    """The table's ``DataProperties`` (``Key``, ``Title``, ``Type``); empty when not served.

    Parameters
    ----------
    client : HttpClient
        The HTTP client.
    base_url : str
        The OData API root (``WIJKRADAR_CBS_ODATA_URL`` or the dataderden root).
    table : str
        The table id, e.g. ``85984NED``.
    source : str
        The source's name for messages.

    Returns
    -------
    list of dict
        One dict per property.
    """
    try:
        rows, _ = fetch_odata_rows(
            client, base_url, table, "DataProperties", select=PROPERTY_FIELDS, source=source
        )
    except SourceError as exc:
        log.info("%s: no DataProperties (%s); matching topics by key only", table, exc)
        return []
    return rows


def _gemeente_rows(frame: pd.DataFrame, gemeentecode: str) -> pd.Series:
    digits = gemeentecode[2:]
    codes = frame.index.to_series()
    return codes.str.startswith((f"BU{digits}", f"WK{digits}", f"GM{digits}"))


def _topic_select(
    client: HttpClient,
    base_url: str,
    table: str,
    indicators: Sequence[Indicator],
    dimensions: Sequence[str],
    *,
    source: str,
    extra_stems: Sequence[str] = (),
) -> tuple[list[str] | None, list[dict[str, Any]]]:
    """``$select`` for the topics ``indicators`` need, from the table's ``DataProperties``.

    Returns the select list (None, i.e. every column, when the table serves no
    ``DataProperties``) and the ``DataProperties`` rows.
    """
    props = fetch_data_properties(client, base_url, table, source=source)
    if not props:
        return None, props
    keys = topic_keys(props, indicators, extra_stems=extra_stems)
    return [*dimensions, *keys], props


def _kerncijfers_frame(
    client: HttpClient,
    base_url: str,
    ds: Dataset,
    gemeentecode: str,
    *,
    optional: bool = False,
    indicators: Sequence[Indicator] | None = None,
) -> tuple[pd.DataFrame, str]:
    """Rows of one Kerncijfers table for the gemeente; ``optional``: empty is no error.

    Only the topics of ``indicators`` (default: every Kerncijfers indicator) and the
    indeling flag are asked for (``$select``).
    """
    source = f"CBS Kerncijfers {ds.id}"
    select, _ = _topic_select(
        client,
        base_url,
        ds.id,
        by_source("kerncijfers") if indicators is None else indicators,
        KERNCIJFERS_DIMENSIONS,
        source=source,
        extra_stems=_KERNCIJFERS_EXTRA,
    )
    rows, url = fetch_odata_rows(
        client, base_url, ds.id, filter=region_filter(gemeentecode), select=select, source=source
    )
    if not rows and optional:  # an older table consulted for one indicator: nothing there
        return pd.DataFrame(index=pd.Index([], name="code")), url
    if not rows:  # not even the NL row: the table or the filter is not what we expect
        raise SourceError(
            f"{source}: geen rijen voor {gemeentecode} (zelfs niet voor Nederland) van {url}; "
            "de tabel is misschien veranderd of leeg",
            source=source,
            url=url,
        )
    frame = rows_to_frame(rows)
    frame = frame.drop_duplicates("WijkenEnBuurten").set_index("WijkenEnBuurten")
    frame.index.name = "code"
    return frame, url


def _region_names(
    client: HttpClient, base_url: str, table: str, gemeentecode: str
) -> pd.Series | None:
    """Region code -> name from the table's ``WijkenEnBuurten`` dimension (None if absent)."""
    try:
        rows, _ = fetch_odata_rows(
            client,
            base_url,
            table,
            "WijkenEnBuurten",
            filter=region_filter(gemeentecode, field="Key"),
            select=DIMENSION_FIELDS,
            source=f"CBS Kerncijfers {table}",
        )
    except SourceError:
        return None
    names = {
        str(r.get("Key", "")).strip(): " ".join(str(r.get("Title") or "").split()) for r in rows
    }
    return pd.Series(names, dtype=object) if names else None


def _indeling_unchanged(frame: pd.DataFrame) -> pd.Series:
    """Codes whose ``IndelingswijzigingGemeenteWijkBuurt`` is 1 (same code and area)."""
    col = next((c for c in frame.columns if c.startswith("IndelingswijzigingGemeente")), None)
    if col is None:
        return pd.Series(False, index=frame.index)
    flag = frame[col].astype("object").map(lambda v: str(v).strip() if v is not None else "")
    return flag == "1"


def fetch_kerncijfers(
    client: HttpClient,
    base_url: str,
    gemeentecode: str,
    jaar: int,
    *,
    lookback: int = 2,
) -> SourceData:
    """Kerncijfers wijken en buurten for a gemeente, its wijken and buurten, and NL.

    Columns are matched by topic name, so the same code reads the 2019-2025 tables. Each
    indicator comes from the newest table (``jaar``, then up to ``lookback`` years back) in
    which it is filled for the gemeente: income, poverty, uitkeringen, jeugdzorg and Wmo
    arrive 1.5-2 years after the population figures. A value of an older table is carried to
    the ``jaar`` indeling only for regions that every newer table marks as unchanged
    (``IndelingswijzigingGemeenteWijkBuurt`` = 1) and whose name is the same in both tables
    (codes are reused for other areas); other regions get no value from it (the join then uses
    the wijk's value where it may). Indicators empty in every table tried get the state
    ``niet_gepubliceerd``.

    Parameters
    ----------
    client : HttpClient
        The HTTP client (timeouts, retries, byte cap, deadline).
    base_url : str
        The CBS OData root.
    gemeentecode : str
        The gemeente, e.g. ``"GM0307"``.
    jaar : int
        Indeling year: the Kerncijfers table of that year comes first.
    lookback : int
        How many older tables may fill indicators not yet published in ``jaar``.

    Returns
    -------
    SourceData
        Values and states per region code and indicator, provenance per table.
    """
    ds = kerncijfers_table(jaar)
    indicators = by_source("kerncijfers")
    frame, url = _kerncijfers_frame(client, base_url, ds, gemeentecode)
    values, states = map_indicators(frame, indicators, attr="odata")
    local = _gemeente_rows(values, gemeentecode).to_numpy()
    filled = {c for c in values.columns if values.loc[local, c].notna().any()}
    data = SourceData("kerncijfers", ds.id, ds.title, str(jaar), url, values, states)
    if not any(frame.index.str.startswith("BU")):
        data.notes.append(f"{ds.id} returned no buurten for {gemeentecode}")
    wanted = [i for i in indicators if i.id not in filled]
    carry = pd.Series(True, index=frame.index)  # regions unchanged from the older table on
    newer = frame
    names_new: pd.Series | None = None
    for year in range(jaar - 1, jaar - lookback - 1, -1):
        if not wanted or year not in KERNCIJFERS_TABLES:
            break
        carry = carry & _indeling_unchanged(newer).reindex(carry.index, fill_value=False)
        old_ds = KERNCIJFERS_TABLES[year]
        try:
            old_frame, _ = _kerncijfers_frame(
                client, base_url, old_ds, gemeentecode, optional=True, indicators=wanted
            )
        except SourceError as exc:
            data.notes.append(f"{old_ds.id} ({year}) not read: {exc}")
            break
        newer = old_frame
        if old_frame.empty:
            continue
        old_values, _ = map_indicators(old_frame, wanted, attr="odata")
        old_local = _gemeente_rows(old_values, gemeentecode).to_numpy()
        found = [
            i
            for i in wanted
            if i.id in old_values and old_values.loc[old_local, i.id].notna().any()
        ]
        if not found:
            continue
        if names_new is None:
            names_new = _region_names(client, base_url, ds.id, gemeentecode)
        names_old = _region_names(client, base_url, old_ds.id, gemeentecode)
        keep = carry.reindex(old_values.index, fill_value=False).to_numpy(dtype=bool).copy()
        if names_new is not None and names_old is not None:
            same = names_new.reindex(old_values.index) == names_old.reindex(old_values.index)
            keep = keep & same.fillna(False).to_numpy(dtype=bool)
        else:
            keep[:] = False
            data.notes.append(f"{old_ds.id}: no region names to check reused codes; not used")
        for ind in found:
            col = old_values[ind.id].where(keep)
            values[ind.id] = col.reindex(values.index)
            states[ind.id] = np.where(values[ind.id].notna(), PRESENT, SUPPRESSED)
            data.tables[ind.id] = old_ds.id
            data.periods[ind.id] = str(year)
            wanted.remove(ind)
            dropped = int((~keep & old_values[ind.id].notna().to_numpy()).sum())
            if dropped:
                data.notes.append(
                    f"{ind.id} from {old_ds.id} ({year}): {dropped} regions changed or renamed "
                    "since; not carried over"
                )
    states = states.astype(object)
    for col in values.columns:
        if local.any() and values.loc[local, col].isna().all():
            states[col] = NOT_PUBLISHED
            data.notes.append(f"{col}: not published (yet) for {gemeentecode} in {ds.id}")
    data.values, data.states = values, states.astype(state_dtype)
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

    The first table of ``tables`` the server knows is used (50150NED, then 50120NED, then
    50090NED). Topics are matched by key stem, the catalogue's aliases and the table's
    ``DataProperties`` titles (50150NED renamed most keys). Each indicator takes the newest
    period up to ``jaar`` with values for the gemeente; all periods are kept in ``trend``.

    Parameters
    ----------
    client : HttpClient
        The HTTP client (timeouts, retries, byte cap, deadline).
    base_url : str
        The CBS dataderden OData root.
    gemeentecode : str
        The gemeente, e.g. ``"GM0307"``.
    jaar : int, optional
        Newest period to use (default: no limit, the newest published).
    tables : tuple of Dataset
        Candidate tables, newest first.

    Returns
    -------
    SourceData
        Point estimates, states, lower and upper bounds, and all periods in ``trend``.
    """
    last_error: SourceError | None = None
    for ds in tables:
        source = f"RIVM {ds.id}"
        try:
            marges = _marges(client, base_url, ds.id, source)
            select, props = _topic_select(
                client, base_url, ds.id, by_source("gezondheid"), HEALTH_DIMENSIONS, source=source
            )
            filt = f"{region_filter(gemeentecode)} and Leeftijd eq '{HEALTH_AGE_18PLUS}'"
            rows, url = fetch_odata_rows(
                client, base_url, ds.id, filter=filt, select=select, source=source
            )
        except NotFound as exc:
            log.info("%s not available (%s); trying the next health table", ds.id, exc)
            last_error = exc
            continue
        return _health_from_rows(rows, ds, url, marges, jaar, props)
    assert last_error is not None
    raise SourceError(
        f"geen gezondheidstabel gevonden op {base_url} (geprobeerd: "
        f"{', '.join(d.id for d in tables)})",
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
    rows: list[dict[str, Any]],
    ds: Dataset,
    url: str,
    marges: dict[str, str],
    jaar: int | None,
    properties: list[dict[str, Any]] | None = None,
) -> SourceData:
    if not rows:
        raise SourceError(
            f"RIVM {ds.id}: geen rijen voor deze gemeente bij {url}", source="RIVM", url=url
        )
    frame = rows_to_frame(rows)
    period, frames, states, trend, periods = health_frames(
        frame, marges, jaar, properties=properties
    )
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
        periods={k: v for k, v in periods.items() if v != period},
    )
    if "lower" not in frames:
        data.notes.append(f"{ds.id} publishes no 95% bounds; uncertainty uses weights only")
    return data
