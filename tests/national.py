"""The synthesized national scoring frame (bench and validity tests), built from ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo import map_indicators, rows_to_frame
from geo.indicators import by_source


def _health_2020(path: Path) -> pd.DataFrame:
    """The 2020 rows for 18+ of the health table, read in batches and filtered in Arrow.

    Only an eighth of the 139k rows is needed; reading the whole table first costs 125 MB
    more peak memory (its strings), batches keep that to one batch at a time.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    parts = []
    for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
        keep = pc.and_(
            pc.equal(batch["Perioden"], "2020JJ00"), pc.equal(batch["Leeftijd"], "20300")
        )
        parts.append(batch.filter(keep))
    frame = pa.Table.from_batches(parts).to_pandas()
    del parts
    _release_arrow_memory()
    return frame


def _release_arrow_memory() -> None:
    """Give the freed buffers of Arrow's memory pool back to the system (it keeps them)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def national_frame(shared: Path) -> pd.DataFrame:
    """All-NL buurt frame: 2020 health monitor (50090NED) + 2024 kerncijfers subset.

    The two use different indelingen; they are joined on buurtcode and unmatched cells stay
    NaN (the scoring imputes them). This is a synthesized national frame for timing only.
    """
    h = _health_2020(
        shared / "gezondheid" / "rivm_cbs_50090NED_gezondheid_wijk_buurt_2012_2016_2020_NL.parquet"
    )
    h = rows_to_frame(h)
    h = h[h["WijkenEnBuurten"].str.startswith("BU")].set_index("WijkenEnBuurten")
    health, _ = map_indicators(h, by_source("gezondheid"))
    k = pd.read_csv(
        shared / "kerncijfers" / "cbs_85984NED_2024_buurten_subset_plus_politie_47018NED_NL.csv",
        dtype=str,
    )
    k = rows_to_frame(k).set_index("WijkenEnBuurten")
    kern, _ = map_indicators(k, by_source("kerncijfers"))
    del h, k
    _release_arrow_memory()  # the source strings (Arrow-backed) are garbage now
    frame = health.join(kern, how="outer")
    frame["inwoners"] = frame["inwoners"].fillna(500.0)
    # indicators this CSV does not carry are 'not published': NaN columns
    ids = [i.id for i in by_source("kerncijfers")]
    return frame.reindex(columns=list(dict.fromkeys([*frame.columns, *ids])))


def national_geometry(shared: Path):
    """The coarse 2014 national buurt geometry (scale fixture), RD New, usable polygons only."""
    import geopandas as gpd

    g = gpd.read_parquet(
        shared / "geo" / "LEGACY_cbs_buurten_2014_NL_coarse_q1e3_decoded_from_topojson.parquet"
    )
    _release_arrow_memory()  # Arrow's buffers of the file: not needed now
    g = g[g.geometry.notna() & ~g.geometry.is_empty].to_crs(28992)
    g["geometry"] = g.geometry.make_valid(method="structure", keep_collapsed=False)
    g = g[g.geom_type.isin(["Polygon", "MultiPolygon"]) & (g.area > 0)]
    return g.set_index("statcode").rename_axis("buurtcode")
