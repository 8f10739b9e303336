"""The synthesized national scoring frame (bench and validity tests), built from ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo import map_indicators, rows_to_frame
from geo.indicators import by_source


def national_frame(shared: Path) -> pd.DataFrame:
    """All-NL buurt frame: 2020 health monitor (50090NED) + 2024 kerncijfers subset.

    The two use different indelingen; they are joined on buurtcode and unmatched cells stay
    NaN (the scoring imputes them). This is a synthesized national frame for timing only.
    """
    h = pd.read_parquet(
        shared / "gezondheid" / "rivm_cbs_50090NED_gezondheid_wijk_buurt_2012_2016_2020_NL.parquet"
    )
    h = h[(h["Perioden"] == "2020JJ00") & (h["Leeftijd"] == "20300")]
    h = rows_to_frame(h)
    h = h[h["WijkenEnBuurten"].str.startswith("BU")].set_index("WijkenEnBuurten")
    health, _ = map_indicators(h, by_source("gezondheid"))
    k = pd.read_csv(
        shared / "kerncijfers" / "cbs_85984NED_2024_buurten_subset_plus_politie_47018NED_NL.csv",
        dtype=str,
    )
    k = rows_to_frame(k).set_index("WijkenEnBuurten")
    kern, _ = map_indicators(k, by_source("kerncijfers"))
    frame = health.join(kern, how="outer")
    frame["inwoners"] = frame["inwoners"].fillna(500.0)
    # indicators this CSV does not carry are 'not published': NaN columns
    ids = [i.id for i in by_source("kerncijfers")]
    return frame.reindex(columns=list(dict.fromkeys([*frame.columns, *ids])))
