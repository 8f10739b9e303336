"""Readers for local files: the offline route when a municipal network blocks the APIs.

Supported (detected from content, not only the file name):

* CBS Wijk- en buurtkaart (GeoPackage, GeoJSON, GeoParquet, Shapefile) with snake_case
  columns and sentinels -99995/-99997: geometry and Kerncijfers.
* StatLine / OData CSV exports with topic keys (``WijkenEnBuurten``, ``AantalInwoners_5``):
  Kerncijfers, or the health monitor when there are ``Marges``/``Perioden`` columns.
* RIVM health monitor Excel exports of the UntypedDataSet (padded strings, ``'.'``).
* CBS ``kwb-YYYY.xlsx``/csv downloads (short codes ``gwb_code_10``, ``a_inw``, ``p_hh_li``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ._model import SourceData, now_iso
from ._odata import POINT_ESTIMATE, health_frames, map_indicators, rows_to_frame
from .errors import DataFormatError, SourceError, missing_crs
from .indicators import by_source
from .limits import check_xlsx_archive

__all__ = ["FileSource", "read_source_file", "read_kaart", "MAX_FILE_BYTES", "file_sha256"]

MAX_FILE_BYTES = 500 * 1024 * 1024
GEO_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".parquet", ".fgb"}
TABLE_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls"}


@dataclass
class FileSource:
    """What one local file contributes."""

    path: Path
    kind: str  # "kaart", "kerncijfers" or "gezondheid"
    geometry: gpd.GeoDataFrame | None = None
    data: SourceData | None = None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, for provenance."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_source_file(path: str | Path, *, jaar: int | None = None) -> FileSource:
    """Read one ``--from`` file and tell what it holds.

    Raises
    ------
    DataFormatError
        Unknown format, missing columns, unreadable file; the message names the file.
    """
    p = Path(path)
    try:
        return _read_source_file(p, jaar)
    except DataFormatError as exc:
        if str(p) in str(exc):
            raise
        raise DataFormatError(f"{p}: {exc}") from None


def _read_source_file(p: Path, jaar: int | None) -> FileSource:
    if not p.is_file():
        raise DataFormatError(f"{p}: file not found")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataFormatError(
            f"{p}: {size / 1e6:.0f} MB is larger than the limit of {MAX_FILE_BYTES / 1e6:.0f} MB"
        )
    suffix = p.suffix.lower()
    if suffix in GEO_SUFFIXES:
        if suffix == ".json" and _looks_like_odata_json(p):
            raise DataFormatError(f"{p}: OData JSON files are not supported; export CSV")
        return _kaart_source(p)
    if suffix in TABLE_SUFFIXES:
        table = _read_table(p)
        cols = set(table.columns)
        if "WijkenEnBuurten" in cols:
            if {"Marges", "Perioden"} <= cols:
                return FileSource(p, "gezondheid", data=_health_source(p, table, jaar))
            return FileSource(p, "kerncijfers", data=_odata_kerncijfers(p, table))
        if "gwb_code_10" in cols or "gwb_code" in cols:
            return FileSource(p, "kerncijfers", data=_kwb_kerncijfers(p, table))
        raise DataFormatError(
            f"{p}: not a known CBS/RIVM table: expected a 'WijkenEnBuurten' column (StatLine/"
            f"OData export) or 'gwb_code_10' (kwb download); found: "
            + ", ".join(list(map(str, table.columns))[:10])
        )
    raise DataFormatError(
        f"{p}: unsupported file type {suffix or '(none)'}; use one of "
        + ", ".join(sorted(GEO_SUFFIXES | TABLE_SUFFIXES))
    )


def _looks_like_odata_json(p: Path) -> bool:
    with p.open("rb") as fh:
        head = fh.read(2048)
    return b'"odata.metadata"' in head or b'"value"' in head[:64]


def _read_table(p: Path) -> pd.DataFrame:
    try:
        if p.suffix.lower() in (".xlsx", ".xls"):
            if p.suffix.lower() == ".xlsx":
                check_xlsx_archive(p, max_unpacked=2 * MAX_FILE_BYTES)  # zip bombs
            return pd.read_excel(p, dtype=str, sheet_name=0)
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataFormatError(f"{p}: not UTF-8 encoded; save the export as UTF-8 CSV") from None
        first = text.split("\n", 1)[0]
        sep = ";" if first.count(";") > first.count(",") else ","
        from io import StringIO

        return pd.read_csv(
            StringIO(text), dtype=str, sep=sep, keep_default_na=False, na_values=[""]
        )
    except DataFormatError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many types for broken files
        raise DataFormatError(
            f"{p}: tabel kan niet worden gelezen ({' '.join(str(exc).split())})"
        ) from None


def read_kaart(p: str | Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a CBS Wijk- en buurtkaart layer (buurten); refuse layers without a CRS."""
    p = Path(p)
    try:
        if p.suffix.lower() == ".parquet":
            frame = gpd.read_parquet(p)
        else:
            if layer is None and p.suffix.lower() == ".gpkg":
                layers = [str(name) for name, _ in pyogrio.list_layers(p)]
                layer = next((n for n in layers if "buurt" in n.lower()), layers[0])
            frame = gpd.read_file(p, layer=layer)
    except Exception as exc:
        raise DataFormatError(
            f"{p}: geodata kunnen niet worden gelezen ({' '.join(str(exc).split())})"
        ) from None
    if frame.crs is None:
        raise missing_crs(str(p))
    if "buurtcode" not in frame.columns:
        raise DataFormatError(
            f"{p}: no 'buurtcode' column; is this the CBS Wijk- en buurtkaart buurten layer? "
            f"columns: {', '.join(map(str, frame.columns[:10]))}"
        )
    return frame


def _kaart_source(p: Path) -> FileSource:
    frame = read_kaart(p)
    frame["buurtcode"] = frame["buurtcode"].astype(str).str.strip()
    attrs = frame.drop(columns=frame.geometry.name).set_index("buurtcode")
    values, states = map_indicators(attrs, by_source("kerncijfers"), attr="kaart", by_stem=False)
    values.index.name = states.index.name = "code"
    data = None
    if not values.empty and len(values.columns):
        jaar = _first(attrs, "jaar")
        data = SourceData(
            "kerncijfers",
            "Wijk- en buurtkaart",
            f"CBS Wijk- en buurtkaart ({p.name})",
            str(jaar or "onbekend"),
            str(p.resolve()),
            values,
            states,
        )
        data.notes.append(f"sha256 {file_sha256(p)[:16]}")
    return FileSource(p, "kaart", geometry=frame, data=data)


def _first(frame: pd.DataFrame, col: str) -> object:
    if col in frame.columns and len(frame):
        return frame[col].iloc[0]
    return None


def _odata_kerncijfers(p: Path, table: pd.DataFrame) -> SourceData:
    frame = rows_to_frame(table.drop(columns=[c for c in table.columns if c == "ID"]))
    frame = frame.drop_duplicates("WijkenEnBuurten").set_index("WijkenEnBuurten")
    frame.index.name = "code"
    values, states = map_indicators(frame, by_source("kerncijfers"), attr="odata")
    data = SourceData(
        "kerncijfers",
        "StatLine-export",
        f"CBS Kerncijfers ({p.name})",
        "onbekend",
        str(p.resolve()),
        values,
        states,
        fetched_at=now_iso(),
    )
    data.notes.append(f"sha256 {file_sha256(p)[:16]}")
    return data


def _health_source(p: Path, table: pd.DataFrame, jaar: int | None) -> SourceData:
    frame = rows_to_frame(table)
    marges = {"point": POINT_ESTIMATE}
    keys = set(frame["Marges"].dropna().unique())
    for key in keys:
        if key.startswith("MOG"):
            marges["lower"] = key
        elif key.startswith("MBG"):
            marges["upper"] = key
    try:
        period, frames, states, trend, periods = health_frames(frame, marges, jaar)
    except SourceError as exc:
        raise DataFormatError(f"{p}: {exc}") from None
    data = SourceData(
        "gezondheid",
        "RIVM-export",
        f"RIVM Gezondheid per wijk en buurt ({p.name})",
        period,
        str(p.resolve()),
        frames["point"],
        states,
        lower=frames.get("lower"),
        upper=frames.get("upper"),
        trend=trend,
        periods=periods,
    )
    data.notes.append(f"sha256 {file_sha256(p)[:16]}")
    return data


def _kwb_kerncijfers(p: Path, table: pd.DataFrame) -> SourceData:
    code_col = "gwb_code_10" if "gwb_code_10" in table.columns else "gwb_code"
    frame = table.copy()
    frame[code_col] = frame[code_col].astype(str).str.strip()
    frame = frame.drop_duplicates(code_col).set_index(code_col)
    frame.index.name = "code"
    values, states = map_indicators(frame, by_source("kerncijfers"), attr="kwb", by_stem=False)
    data = SourceData(
        "kerncijfers",
        "kwb-download",
        f"CBS Kerncijfers ({p.name})",
        "onbekend",
        str(p.resolve()),
        values,
        states,
    )
    data.notes.append(f"sha256 {file_sha256(p)[:16]}")
    return data
