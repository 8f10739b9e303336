"""CBS SES-WOA per buurt (table 86092NED, regio-indeling 2024) over OData v3."""

from __future__ import annotations

import pandas as pd

from ..reference import SES_KEYS, SES_WOA_TABLE, ses_from_rows
from ._http import HttpClient
from .cbs import fetch_data_properties, fetch_odata_rows, region_filter

__all__ = ["fetch_ses_woa"]


def fetch_ses_woa(
    client: HttpClient, base_url: str, gemeentecode: str, *, table: str = SES_WOA_TABLE
) -> pd.DataFrame:
    """SES-WOA scores of the buurten of a gemeente (latest period per buurt).

    Parameters
    ----------
    client : HttpClient
    base_url : str
        The configured CBS OData base URL (``WIJKRADAR_CBS_ODATA_URL``).
    gemeentecode : str
        ``GM0307``.
    table : str
        ``86092NED`` (indeling 2024).

    Returns
    -------
    DataFrame
        Indexed by buurtcode: ``ses_woa`` and the sub-scores the table carries; ``attrs`` with
        ``bron``, ``tabel``, ``periode``, ``url``.

    Raises
    ------
    SourceError
        Network, HTTP or payload problems (one line naming the source).
    """
    source = f"CBS SES-WOA {table}"
    # $select the scores the table really has (the sub-score keys are inferred, see
    # geo.reference); without DataProperties every column is fetched
    props = fetch_data_properties(client, base_url, table, source=source)
    known = {str(p.get("Key") or "").strip() for p in props}
    scores = [k for k in SES_KEYS.values() if k in known]
    select = ["WijkenEnBuurten", "Perioden", *scores] if scores else None
    rows, url = fetch_odata_rows(
        client, base_url, table, filter=region_filter(gemeentecode), select=select, source=source
    )
    if not rows:
        out = pd.DataFrame(index=pd.Index([], name="buurtcode"), columns=["ses_woa"], dtype=float)
        out.attrs = {"bron": "CBS SES-WOA", "tabel": table, "periode": "", "opmerkingen": []}
    else:
        out = ses_from_rows(rows)
    out.attrs["tabel"] = table
    out.attrs["url"] = url
    if out.empty:
        out.attrs["opmerkingen"] = [f"{table} gaf geen buurtscores voor {gemeentecode}"]
    return out
