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

import contextlib
import csv
import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ._model import SourceData, now_iso
from ._odata import POINT_ESTIMATE, health_frames, map_indicators, rows_to_frame
from .errors import DataFormatError, SourceError, missing_crs
from .indicators import by_source
from .limits import FileLimits, call_with_time_limit, check_xlsx_archive

__all__ = [
    "FileSource",
    "read_source_file",
    "read_kaart",
    "file_sha256",
    "table_kind",
    "atomic_write",
    "csv_delimiter",
    "unquote_formula",
    "FORMULA_PREFIXES",
]

GEO_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".parquet", ".fgb"}
EXCEL_SUFFIXES = {".xlsx", ".xls"}
TABLE_SUFFIXES = {".csv", ".txt"} | EXCEL_SUFFIXES


@dataclass
class FileSource:
    """What one local file contributes.

    Attributes
    ----------
    path : Path
        The file.
    kind : str
        ``kaart``, ``kerncijfers`` or ``gezondheid``.
    geometry : GeoDataFrame or None
        The buurten, for a kaart file.
    data : SourceData or None
        The indicator values, for a table (or a kaart file with figures).
    """

    path: Path
    kind: str  # "kaart", "kerncijfers" or "gezondheid"
    geometry: gpd.GeoDataFrame | None = None
    data: SourceData | None = None


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[Path]:
    """A fresh temporary path beside ``path``, renamed over ``path`` when the block succeeds.

    Every file Wijkradar writes (cache, exports, profiles, backups) goes through here, so a
    reader never sees half a file and a failed write leaves the old one as it was.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is created when missing.

    Yields
    ------
    Path
        Where to write, in the same folder (so the rename is atomic). The name is unique (two
        sessions may write the same file at once) and ends in ``path``'s own suffix, because
        some writers pick the format by extension (GDAL's GeoPackage driver, Excel). The file
        does not exist yet: the writer creates it, so its mode follows the umask (``mkstemp``
        would give 0600).

    Examples
    --------
    >>> with atomic_write(folder / "scores.csv") as tmp:  # doctest: +SKIP
    ...     frame.to_csv(tmp)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def csv_delimiter(first_line: str) -> str:
    """The delimiter of a CSV file from its header line: ``;`` or ``,``.

    Dutch Excel and CBS StatLine save with ``;`` (the comma is the decimal separator), other
    tools with ``,``; the header names no decimals, so the more frequent of the two wins (a tie,
    e.g. one column, is ``,``).

    Parameters
    ----------
    first_line : str
        The header line of the file.

    Returns
    -------
    str
        ``;`` or ``,``.

    Examples
    --------
    >>> csv_delimiter("id;naam;thema")
    ';'
    >>> csv_delimiter('"WijkenEnBuurten","AantalInwoners_5"')
    ','
    """
    return ";" if first_line.count(";") > first_line.count(",") else ","


#: Exports put ``'`` before text starting with these (``wijkradar.escape.spreadsheet_cell``,
#: which keeps its own copy so the CLI's ``--help`` loads no pandas; a test keeps them equal).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def unquote_formula(value):
    """Undo an export's ``'`` before a formula character, so export -> import round-trips.

    The text stays text: nothing evaluates it, and exports prefix it again. A text that itself
    starts with ``'`` and a formula character comes back without its ``'`` (the export's guard
    is idempotent, so the two cannot be told apart).

    Parameters
    ----------
    value : object
        One cell as read.

    Returns
    -------
    object
        The text without the guard; anything else unchanged.

    Examples
    --------
    >>> unquote_formula("'=1+1")
    '=1+1'
    >>> unquote_formula("'t Zand")
    "'t Zand"
    """
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, for provenance.

    Parameters
    ----------
    path : Path
        The file, read in 1 MiB chunks.

    Returns
    -------
    str
        The hex digest.
    """
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_source_file(
    path: str | Path, *, jaar: int | None = None, limits: FileLimits | None = None
) -> FileSource:
    """Read one ``--van`` file and tell what it holds.

    Parameters
    ----------
    path : str or Path
        A CBS Wijk- en buurtkaart (GeoPackage, GeoJSON, ...), StatLine/OData CSV, kwb
        download or RIVM export.
    jaar : int, optional
        Indeling year; picks the health monitor period.
    limits : FileLimits, optional
        Size, row, feature and time caps (default :class:`~geo.limits.FileLimits`); sizes
        are checked before parsing.

    Returns
    -------
    FileSource
        Its kind (``"kaart"``, ``"kerncijfers"`` or ``"gezondheid"``), geometry and data.

    Raises
    ------
    DataFormatError
        Unknown format, missing columns, unreadable file, over a limit; the message names
        the file.
    """
    p = Path(path)
    try:
        return _read_source_file(p, jaar, limits or FileLimits())
    except DataFormatError as exc:
        if str(p) in str(exc):
            raise
        raise DataFormatError(f"{p}: {exc}") from None


def _read_source_file(p: Path, jaar: int | None, limits: FileLimits) -> FileSource:
    if not p.is_file():
        raise DataFormatError(f"{p}: bestand niet gevonden")
    suffix = p.suffix.lower()
    if suffix in GEO_SUFFIXES:
        limits.check_size(p, "kaart")
        if suffix == ".json" and _looks_like_odata_json(p):
            raise DataFormatError(
                f"{p}: OData-JSON wordt niet ondersteund; exporteer de tabel als CSV"
            )
        return _kaart_source(p, limits)
    if suffix in TABLE_SUFFIXES:
        table = _read_table(p, limits)
        kind = table_kind(p, table.columns)
        if kind == "gezondheid":
            return FileSource(p, "gezondheid", data=_health_source(p, table, jaar))
        if kind == "kerncijfers":
            return FileSource(p, "kerncijfers", data=_odata_kerncijfers(p, table))
        return FileSource(p, "kerncijfers", data=_kwb_kerncijfers(p, table))
    raise DataFormatError(
        f"{p}: bestandstype {suffix or '(geen)'} wordt niet ondersteund; gebruik een van: "
        + ", ".join(sorted(GEO_SUFFIXES | TABLE_SUFFIXES))
    )


def table_kind(path: Path, columns: Iterable[object]) -> str:
    """Which table a header row belongs to: ``"gezondheid"``, ``"kerncijfers"`` or ``"kwb"``.

    Parameters
    ----------
    path : Path
        The file, for the message.
    columns : iterable
        The column names of the header row.

    Returns
    -------
    str
        ``"gezondheid"`` (RIVM export: ``WijkenEnBuurten``, ``Marges``, ``Perioden``),
        ``"kerncijfers"`` (StatLine/OData export) or ``"kwb"`` (``gwb_code_10``).

    Raises
    ------
    DataFormatError
        Not a known CBS/RIVM table; the message lists the first columns found.
    """
    cols = [str(c) for c in columns]
    if "WijkenEnBuurten" in cols:
        return "gezondheid" if {"Marges", "Perioden"} <= set(cols) else "kerncijfers"
    if "gwb_code_10" in cols or "gwb_code" in cols:
        return "kwb"
    raise DataFormatError(
        f"{path}: geen bekende CBS/RIVM-tabel: verwacht een kolom 'WijkenEnBuurten' "
        f"(StatLine/OData-export) of 'gwb_code_10' (kwb-download); gevonden: "
        + ", ".join(cols[:10])
    )


def _looks_like_odata_json(p: Path) -> bool:
    with p.open("rb") as fh:
        head = fh.read(2048)
    return b'"odata.metadata"' in head or b'"value"' in head[:64]


def _read_table(p: Path, limits: FileLimits, *, by_kind: bool = True) -> pd.DataFrame:
    """A table of strings within ``limits``, checked before parsing.

    First the cap of the suffix; then, with ``by_kind``, the header row must be a known
    table (:func:`table_kind`) and the file within that kind's cap before the body is read.
    """
    excel = p.suffix.lower() in EXCEL_SUFFIXES
    limits.check_size(p, "xlsx" if excel else "csv")
    if excel:
        if p.suffix.lower() == ".xlsx":
            check_xlsx_archive(p, max_unpacked=limits.xlsx_unpacked_bytes)  # zip bombs
        # openpyxl cannot be interrupted from a thread: read in a child with a time limit
        return call_with_time_limit(
            _read_excel, p, limits, by_kind, seconds=limits.read_seconds, name=str(p)
        )
    try:
        with p.open("rb") as fh:
            first_bytes = fh.readline(1 << 20)
        try:
            first = first_bytes.decode("utf-8-sig")
        except UnicodeDecodeError:
            first = None
        if by_kind and first is not None:  # otherwise the whole-file decode below says so
            sep = csv_delimiter(first)
            header = next(csv.reader([first.rstrip("\r\n")], delimiter=sep), [])
            limits.check_size(p, table_kind(p, header))
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataFormatError(
                f"{p}: niet als UTF-8 opgeslagen; sla de export op als CSV (UTF-8)"
            ) from None
        sep = csv_delimiter(text.split("\n", 1)[0])
        table = pd.read_csv(
            StringIO(text),
            dtype=str,
            sep=sep,
            keep_default_na=False,
            na_values=[""],
            nrows=limits.max_rows + 1,
        )
    except DataFormatError:
        raise
    except Exception as exc:  # pandas raises many types for broken files
        raise DataFormatError(
            f"{p}: tabel kan niet worden gelezen ({' '.join(str(exc).split())})"
        ) from None
    limits.check_rows(p, len(table))
    return table


def _read_excel(p: Path, limits: FileLimits, by_kind: bool) -> pd.DataFrame:
    """The first sheet as strings (run in a child process: header, kind cap, body, row cap)."""
    try:
        if by_kind and p.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.load_workbook(p, read_only=True, data_only=True)
            try:
                header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                book.close()
            limits.check_size(p, table_kind(p, [h for h in header if h is not None]))
        table = pd.read_excel(p, dtype=str, sheet_name=0, nrows=limits.max_rows + 1)
    except DataFormatError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many types for broken files
        raise DataFormatError(
            f"{p}: tabel kan niet worden gelezen ({' '.join(str(exc).split())})"
        ) from None
    limits.check_rows(p, len(table))
    return table


def read_kaart(
    p: str | Path, *, layer: str | None = None, limits: FileLimits | None = None
) -> gpd.GeoDataFrame:
    """Read a CBS Wijk- en buurtkaart layer (buurten); refuse layers without a CRS.

    GDAL cannot be interrupted from a thread, so the layer is read in a child process that
    is stopped after ``limits.read_seconds``; a layer of more than ``limits.max_features``
    features is refused before its geometry is read (when the driver knows the count).

    Parameters
    ----------
    p : str or Path
        GeoPackage, GeoJSON, Shapefile, FlatGeobuf or GeoParquet.
    layer : str, optional
        Layer name; default the first layer with "buurt" in its name, else the first.
    limits : FileLimits, optional
        Feature and time caps (default :class:`~geo.limits.FileLimits`).

    Returns
    -------
    geopandas.GeoDataFrame
        The layer, with its CRS and a ``buurtcode`` column.

    Raises
    ------
    DataFormatError
        Unreadable, too many features, too slow, no CRS or no ``buurtcode``; the message
        names the file.
    """
    p = Path(p)
    limits = limits or FileLimits()
    frame = call_with_time_limit(
        _read_geodata, p, layer, limits.max_features, seconds=limits.read_seconds, name=str(p)
    )
    if frame.crs is None:
        raise missing_crs(str(p))
    if "buurtcode" not in frame.columns:
        raise DataFormatError(
            f"{p}: geen kolom 'buurtcode'; is dit de laag buurten van de CBS Wijk- en "
            f"buurtkaart? kolommen: {', '.join(map(str, frame.columns[:10]))}"
        )
    return frame


def _read_geodata(p: Path, layer: str | None, max_features: int) -> gpd.GeoDataFrame:
    """One layer of ``p`` (run in a child process by :func:`read_kaart`)."""
    try:
        if p.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(p).metadata.num_rows
            _check_features(p, rows, max_features)
            frame = gpd.read_parquet(p)
        else:
            import pyogrio  # GDAL only for these formats: 25 MB not loaded with geo

            if layer is None and p.suffix.lower() == ".gpkg":
                layers = [str(name) for name, _ in pyogrio.list_layers(p)]
                layer = next((n for n in layers if "buurt" in n.lower()), layers[0])
            count = pyogrio.read_info(p, layer=layer).get("features", -1)
            _check_features(p, count, max_features)  # -1: the driver does not know cheaply
            frame = gpd.read_file(p, layer=layer, max_features=max_features + 1)
    except DataFormatError:
        raise
    except Exception as exc:
        raise DataFormatError(
            f"{p}: geodata kunnen niet worden gelezen ({' '.join(str(exc).split())})"
        ) from None
    _check_features(p, len(frame), max_features)
    return frame


def _check_features(p: Path, count: int, max_features: int) -> None:
    if count > max_features:
        cap = f"{max_features:,}".replace(",", ".")
        raise DataFormatError(
            f"{p}: meer dan {cap} objecten in de kaartlaag (de hele Wijk- en buurtkaart heeft "
            "er ruim 14.500); er is niets ingelezen. Laat de beheerder "
            "WIJKRADAR_FILE_MAX_FEATURES verhogen als dit klopt"
        )


def _kaart_source(p: Path, limits: FileLimits) -> FileSource:
    frame = read_kaart(p, limits=limits)
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
