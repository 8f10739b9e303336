"""The joined data of one gemeente, and its on-disk cache (one atomic GeoArrow file)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ._states import state_dtype
from .errors import CacheError
from .io import atomic_write
from .join import IDENTITY_COLUMNS

__all__ = ["GemeenteData", "write_cache", "read_cache", "cache_path", "CACHE_SCHEMA"]

CACHE_SCHEMA = 2  # 2: per-indicator table/period, niet_gepubliceerd
_META_KEY = b"wijkradar"


@dataclass
class GemeenteData:
    """Everything Wijkradar knows about the buurten of one gemeente for one indeling year.

    Attributes
    ----------
    gemeentecode : str
        ``GM`` + four digits.
    gemeentenaam : str
        The gemeente's name.
    jaar : int
        The indeling year of the buurten.
    buurten : GeoDataFrame
        Indexed by ``buurtcode``; identity columns, one column per indicator, EPSG:28992.
    states : DataFrame
        Same index; per indicator the state of each value (see ``geo._states``).
    lower, upper : DataFrame
        95% bounds where the source publishes them (health), else NaN.
    catalogue : DataFrame
        Indexed by indicator id: label, domain, unit, direction, kind, tabel, periode.
    provenance : list of dict
        One record per source: bron, tabel, titel, periode, url, opgehaald, opmerkingen.
    match : DataFrame
        Join report per source (match rate against the geometry's buurtcodes).
    reference : DataFrame
        Gemeente and NL values per indicator (rows ``gemeente``/``nederland``).
    trend : DataFrame
        Long frame ``code, period, indicator, value`` of the health monitor years.
    warnings : list of str
        Dutch warnings from loading (e.g. a source that failed).
    created : str
        When the data were fetched or built (ISO time).
    from_cache : bool
        Whether this copy was read from the cache.
    """

    gemeentecode: str
    gemeentenaam: str
    jaar: int
    buurten: gpd.GeoDataFrame
    states: pd.DataFrame
    lower: pd.DataFrame
    upper: pd.DataFrame
    catalogue: pd.DataFrame
    provenance: list[dict[str, Any]]
    match: pd.DataFrame
    reference: pd.DataFrame
    trend: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    created: str = ""
    from_cache: bool = False
    #: Set when a refresh failed and this cached copy was returned instead (not persisted).
    failed_source: str = ""
    #: Requests sent, bytes received and answers from the response cache by the fetch that
    #: made this object (see ``geo.sources._cache.FetchStats``; not persisted).
    fetch_stats: dict[str, Any] = field(default_factory=dict)

    @property
    def indicator_ids(self) -> list[str]:
        """Indicator columns present in :attr:`buurten`."""
        return [c for c in self.catalogue.index if c in self.buurten.columns]

    def indicators(self) -> pd.DataFrame:
        """Indicator values as a plain DataFrame indexed by buurtcode.

        Returns
        -------
        DataFrame
            The columns of :attr:`indicator_ids`, without geometry.
        """
        return pd.DataFrame(self.buurten[self.indicator_ids])


def cache_path(data_dir: str | Path, gemeentecode: str, jaar: int) -> Path:
    """Where the cache file of a gemeente and year lives.

    Parameters
    ----------
    data_dir : str or Path
        The data folder.
    gemeentecode : str
        E.g. ``GM0307``.
    jaar : int
        The indeling year.

    Returns
    -------
    Path
        ``data_dir/cache/<gemeentecode>_<jaar>.parquet``.
    """
    return Path(data_dir) / "cache" / f"{gemeentecode}_{jaar}.parquet"


def write_cache(data: GemeenteData, path: str | Path) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, then rename).

    Parameters
    ----------
    data : GemeenteData
        The joined gemeente.
    path : str or Path
        The cache file (GeoParquet); its folder is created.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = data.indicator_ids
    frame = data.buurten.copy()
    for col in ids:
        frame[f"state__{col}"] = data.states[col].astype(str)
        frame[f"lower__{col}"] = data.lower[col] if col in data.lower else float("nan")
        frame[f"upper__{col}"] = data.upper[col] if col in data.upper else float("nan")
    frame = frame.reset_index()
    table = pa.table(frame.to_arrow(index=False, geometry_encoding="WKB"))
    meta = {
        "schema": CACHE_SCHEMA,
        "gemeentecode": data.gemeentecode,
        "gemeentenaam": data.gemeentenaam,
        "jaar": data.jaar,
        "created": data.created,
        "warnings": data.warnings,
        "provenance": data.provenance,
        "catalogue": json.loads(data.catalogue.reset_index().to_json(orient="records")),
        "match": json.loads(data.match.to_json(orient="records")),
        "reference": json.loads(data.reference.to_json(orient="split")),
        "trend": json.loads(data.trend.to_json(orient="split", index=False)),
    }
    md = dict(table.schema.metadata or {})
    md[_META_KEY] = json.dumps(meta).encode("utf-8")
    table = table.replace_schema_metadata(md)
    with atomic_write(path) as tmp:
        pq.write_table(table, str(tmp))
    return path


def read_cache(path: str | Path) -> GemeenteData:
    """Read a cache file written by :func:`write_cache`.

    Parameters
    ----------
    path : str or Path
        A cache file.

    Returns
    -------
    GemeenteData
        The gemeente as written, with ``from_cache`` set.

    Raises
    ------
    CacheError
        When the file is missing, unreadable or of another schema version.
    """
    path = Path(path)
    if not path.is_file():
        raise CacheError(f"geen cache in {path}")
    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[_META_KEY])
        frame = gpd.GeoDataFrame.from_arrow(table)
    except Exception as exc:
        raise CacheError(
            f"cache {path} kan niet worden gelezen ({' '.join(str(exc).split())}); "
            "verwijder het bestand en haal de gegevens opnieuw op"
        ) from None
    if meta.get("schema") != CACHE_SCHEMA:
        raise CacheError(
            f"cache {path} heeft schemaversie {meta.get('schema')}, verwacht {CACHE_SCHEMA}; "
            "haal de gegevens opnieuw op"
        )
    frame = frame.set_index("buurtcode")
    catalogue = pd.DataFrame(meta["catalogue"]).set_index("id")
    ids = [c for c in catalogue.index if c in frame.columns]
    states = pd.DataFrame({c: frame[f"state__{c}"] for c in ids}, index=frame.index)
    states = states.astype(state_dtype)
    lower = pd.DataFrame({c: frame[f"lower__{c}"] for c in ids}, index=frame.index)
    upper = pd.DataFrame({c: frame[f"upper__{c}"] for c in ids}, index=frame.index)
    keep = IDENTITY_COLUMNS + ids + ["geometry"]
    buurten = gpd.GeoDataFrame(frame[keep], geometry="geometry", crs=frame.crs)
    ref = meta["reference"]
    trend = meta["trend"]
    return GemeenteData(
        gemeentecode=meta["gemeentecode"],
        gemeentenaam=meta["gemeentenaam"],
        jaar=int(meta["jaar"]),
        buurten=buurten,
        states=states,
        lower=lower,
        upper=upper,
        catalogue=catalogue,
        provenance=meta["provenance"],
        # caches written before the key was Dutch say "match_rate"
        match=pd.DataFrame(meta["match"]).rename(columns={"match_rate": "aandeel_op_buurtcode"}),
        reference=pd.DataFrame(ref["data"], index=ref["index"], columns=ref["columns"]),
        trend=pd.DataFrame(trend["data"], columns=trend["columns"]),
        warnings=list(meta.get("warnings", [])),
        created=meta.get("created", ""),
        from_cache=True,
    )
