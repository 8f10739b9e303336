"""Score exports shared by the CLI and the app: CSV and GeoPackage, written atomically."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from .dataversion import data_version, data_version_label
from .geopackage import write_geopackage

__all__ = ["ranking_table", "write_scores", "ranking_csv", "ranking_gpkg", "RANKING_COLUMNS"]

RANKING_COLUMNS = [
    "buurtnaam",
    "wijknaam",
    "score",
    "rank",
    "rank_low",
    "rank_high",
    "p_top_k",
    "robust",
    "confidence",
    "reden",
]


def ranking_table(data, scores: pd.DataFrame) -> pd.DataFrame:
    """The ranking columns and domain scores, best rank first (unscored buurten last)."""
    domains = [c for c in scores.columns if c.startswith("domein__")]
    table = scores[[c for c in RANKING_COLUMNS if c in scores.columns] + domains].copy()
    table.index.name = "buurtcode"
    return table.sort_values(["rank", "buurtnaam"], na_position="last")


def write_scores(result: pd.DataFrame, data, path: str | Path) -> Path:
    """Write ``result`` as CSV or (by extension) GeoPackage; atomic.

    The CSV has a ``dataversie`` column (source tables, periods, fetch date, content hash);
    the GeoPackage has the layers of :func:`wijkradar.geopackage.write_geopackage`.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".gpkg"):
        raise ValueError(f"{out}: use a .csv or .gpkg file name")
    if suffix == ".gpkg":  # scores, indicators with states, sources, metadata (QGIS)
        return write_geopackage(result, data, out)
    result = result.copy()
    result.index.name = "buurtcode"
    version = result.attrs.get("data_version")
    if version is None and data is not None:
        version = data_version(data)
    if version is not None:  # which data this file was computed from, on every row
        result["dataversie"] = data_version_label(version)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp" + out.suffix)
    result.to_csv(tmp, float_format="%.6g")
    tmp.replace(out)
    return out


def _as_bytes(result: pd.DataFrame, data, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_scores(result, data, Path(tmp) / f"scores{suffix}").read_bytes()


def ranking_csv(table: pd.DataFrame) -> bytes:
    """CSV bytes of a ranking table (UTF-8)."""
    return _as_bytes(table, None, ".csv")


def ranking_gpkg(data, table: pd.DataFrame) -> bytes:
    """GeoPackage bytes of a ranking table with the buurt polygons (EPSG:28992)."""
    return _as_bytes(table, data, ".gpkg")
