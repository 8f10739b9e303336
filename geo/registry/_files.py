"""Registry import/export files: CSV (UTF-8, ``,`` or ``;``), Excel (.xlsx) and GeoJSON points.

Readers refuse a file as a whole with a clear message (file, row, field) when it is too large,
not UTF-8, not parseable, or a zip bomb; they never return half a file.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pandas as pd

from .. import limits
from ..errors import DataFormatError
from ..io import atomic_write, csv_delimiter, unquote_formula
from ..limits import Deadline, check_xlsx_archive
from ._errors import ImportRejected, RowError
from ._schema import ENTITIES, VERSION_HEADER

__all__ = ["read_registry_file", "write_registry_file", "REGISTRY_FORMATS", "decode_legacy"]

REGISTRY_FORMATS = (".csv", ".xlsx", ".geojson", ".json")
#: An .xlsx may unpack to at most this many times the size limit (zip bomb guard).
XLSX_EXPANSION = 10


def decode_legacy(raw: bytes) -> tuple[str, str]:
    """Text of a non-UTF-8 CSV and the encoding used: Windows-1252, else Latin-1.

    Windows-1252 is what Excel writes on a Dutch Windows; the few bytes it does not define
    (0x81, 0x8d, 0x8f, 0x90, 0x9d) mean the file is Latin-1 (ISO-8859-1), which reads any byte.

    Parameters
    ----------
    raw : bytes
        The file's bytes (not valid UTF-8).

    Returns
    -------
    text : str
        The decoded text.
    encoding : str
        ``Windows-1252`` or ``Latin-1 (ISO-8859-1)``, for the import report.
    """
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1 (ISO-8859-1)"


def _reject(path: Path, message: str, field: str = "bestand") -> ImportRejected:
    return ImportRejected(str(path.name), [RowError(0, field, "", message)])


def read_registry_file(path: str | Path, *, max_bytes: int) -> tuple[pd.DataFrame, int]:
    """Read an import file into a frame of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx``, ``.geojson`` or ``.json`` file.
    max_bytes : int
        Largest accepted file (``WIJKRADAR_IMPORT_MAX_BYTES``); an ``.xlsx`` may unpack to ten
        times this.

    Returns
    -------
    frame : DataFrame
        The cells as strings, one row per record.
    first_row : int
        File row number of the first record (2 below a header row, 1 for GeoJSON).

    Raises
    ------
    ImportRejected
        Too large, wrong encoding, unreadable, or an unsupported extension.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in REGISTRY_FORMATS:
        raise _reject(
            path, f"onbekend bestandstype {suffix!r}; gebruik {', '.join(REGISTRY_FORMATS)}"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise _reject(path, f"bestand is {size:,} bytes, meer dan de limiet van {max_bytes:,}")
    if size == 0:
        raise _reject(path, "bestand is leeg")
    if suffix == ".xlsx":
        return _unquote_formulas(_read_xlsx(path, max_bytes)), 2
    raw = path.read_bytes()
    encoding = "UTF-8"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if suffix != ".csv":
            raise _reject(
                path,
                f"bestand is geen UTF-8 (byte 0x{raw[exc.start]:02x} op positie {exc.start}); "
                "sla het op als UTF-8",
            ) from None
        # Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)" as Windows-1252
        text, encoding = decode_legacy(raw)
    if "\x00" in text:
        raise _reject(path, "bestand bevat nul-tekens; is het een binair bestand?")
    if suffix == ".csv":
        frame = _unquote_formulas(_read_csv(path, text))
        frame.attrs["encoding"] = encoding
        return frame, 2
    return _read_geojson(path, text), 1


def _unquote_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell through :func:`geo.io.unquote_formula` (export -> import round-trips)."""
    out = frame.copy()
    for column in out.columns:
        values = [unquote_formula(v) for v in out[column]]  # no type inference: cells as read
        out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def _read_csv(path: Path, text: str) -> pd.DataFrame:
    delimiter = csv_delimiter(text.split("\n", 1)[0])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise _reject(path, f"CSV kan niet worden gelezen: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) > limits.MAX_ROWS + 1:
        raise _reject(path, f"meer dan {limits.MAX_ROWS:,} rijen; splits het bestand")
    if not rows:
        raise _reject(path, "geen kopregel")
    header = [h.strip() for h in rows[0]]
    if len(set(h.lower() for h in header)) != len(header) or any(not h for h in header):
        raise _reject(path, f"kopregel heeft lege of dubbele kolomnamen: {header}")
    errors = [
        RowError(i + 2, "rij", "", f"{len(r)} velden, de kopregel heeft er {len(header)}")
        for i, r in enumerate(rows[1:])
        if len(r) != len(header)
    ]
    if errors:
        raise ImportRejected(path.name, errors)
    return pd.DataFrame(rows[1:], columns=header, dtype=object)


def _read_xlsx(path: Path, max_bytes: int) -> pd.DataFrame:
    """The first sheet, streamed (openpyxl read-only): row cap, time limit, cached values only."""
    import openpyxl

    try:
        check_xlsx_archive(path, max_unpacked=XLSX_EXPANSION * max_bytes)
    except DataFormatError as exc:
        raise _reject(path, str(exc).removeprefix(f"{path.name}: ")) from None
    deadline = Deadline(path.name)
    rows: list[tuple] = []
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            for i, row in enumerate(sheet.iter_rows(values_only=True)):
                if i % 1000 == 0:
                    deadline.check()
                if i > limits.MAX_ROWS:
                    raise _reject(path, f"meer dan {limits.MAX_ROWS:,} rijen; splits het bestand")
                rows.append(row)
        finally:
            book.close()
    except DataFormatError as exc:
        if isinstance(exc, ImportRejected):
            raise
        raise _reject(path, str(exc).removeprefix(f"{path.name}: ")) from None
    except Exception as exc:  # openpyxl raises many types for broken files
        raise _reject(
            path, f"Excel-bestand kan niet worden gelezen: {' '.join(str(exc).split())}"
        ) from None
    rows = [r for r in rows if any(v is not None and str(v).strip() != "" for v in r)]
    if not rows:
        raise _reject(path, "geen kopregel")
    width = max(len(r) for r in rows)
    header = [("" if v is None else str(v)).strip() for v in rows[0]] + [""] * (
        width - len(rows[0])
    )
    while header and not header[-1]:  # empty trailing header cells, if only formatting
        col = len(header) - 1
        if any(len(r) > col and r[col] not in (None, "") for r in rows[1:]):
            break
        header.pop()
    body = [list(r[: len(header)]) + [None] * (len(header) - len(r)) for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    if frame.columns.duplicated().any() or any(not h for h in header):
        raise _reject(path, f"kopregel heeft lege of dubbele kolomnamen: {header}")
    return frame


def _read_geojson(path: Path, text: str) -> pd.DataFrame:
    try:
        data = json.loads(text)
    except RecursionError:
        raise _reject(path, "JSON is te diep genest") from None
    except json.JSONDecodeError as exc:
        raise _reject(
            path, f"geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}): {exc.msg}"
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _reject(path, "verwacht een GeoJSON FeatureCollection")
    crs = json.dumps(data.get("crs", "")).upper()
    rd = "28992" in crs
    if crs.strip('"') and not rd and "4326" not in crs and "CRS84" not in crs:
        raise _reject(
            path, f"onbekend coördinatenstelsel {data.get('crs')}; gebruik WGS84 of EPSG:28992"
        )
    features = data.get("features") or []
    if not isinstance(features, list):
        raise _reject(path, "'features' is geen lijst")
    if len(features) > limits.MAX_ROWS:
        raise _reject(
            path, f"{len(features):,} features, meer dan {limits.MAX_ROWS:,}; splits het bestand"
        )
    rows, errors = [], []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict) or not isinstance(feat.get("properties") or {}, dict):
            errors.append(RowError(i + 1, "feature", "", "geen geldige GeoJSON-feature"))
            continue
        props = dict(feat.get("properties") or {})
        geom = feat.get("geometry")
        if geom is not None:
            coords = geom.get("coordinates") if isinstance(geom, dict) else None
            if not isinstance(geom, dict) or geom.get("type") != "Point":
                errors.append(
                    RowError(i + 1, "geometry", str(geom)[:60], "alleen Point-geometrieën")
                )
                continue
            if (
                not isinstance(coords, list)
                or len(coords) < 2
                or not all(isinstance(c, int | float) and math.isfinite(c) for c in coords[:2])
            ):
                errors.append(
                    RowError(i + 1, "geometry", str(coords)[:60], "ongeldige coördinaten")
                )
                continue
            props["x"], props["y"] = coords[0], coords[1]
        rows.append(props)
    if errors:
        raise ImportRejected(path.name, errors)
    return pd.DataFrame(rows, dtype=object)


def write_registry_file(frame: pd.DataFrame, entity: str, path: str | Path) -> Path:
    """Export rows of ``entity`` to CSV, Excel or GeoJSON (WGS84 points), atomically.

    Parameters
    ----------
    frame : DataFrame
        Rows of ``entity`` as the registry returns them.
    entity : str
        A key of ``ENTITIES``: the columns to write.
    path : str or Path
        ``.csv``, ``.xlsx`` or ``.geojson``; the suffix picks the format.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    spec = ENTITIES[entity]
    cols = [c for c in [*spec.fields, "x", "y", "version"] if c in frame.columns]
    # the optimistic-locking counter is read back on import, under its Dutch header
    out = frame[cols].rename(columns={"version": VERSION_HEADER})
    if suffix not in REGISTRY_FORMATS:
        raise DataFormatError(
            f"{path}: bestandstype niet ondersteund; gebruik een van: {', '.join(REGISTRY_FORMATS)}"
        )
    with atomic_write(path) as tmp:
        _write(out, suffix, tmp)
    return path


def _write(out: pd.DataFrame, suffix: str, tmp: Path) -> None:
    if suffix == ".csv":
        # CRLF (RFC 4180): cells holding a CR or LF are quoted, so they stay one cell
        out.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
    elif suffix == ".xlsx":
        out.to_excel(tmp, index=False, engine="openpyxl")
    elif suffix in (".geojson", ".json"):
        from pyproj import Transformer

        tr = Transformer.from_crs(28992, 4326, always_xy=True)
        features = []
        for rec in out.to_dict("records"):
            x, y = rec.pop("x", None), rec.pop("y", None)
            geom = None
            if x is not None and y is not None and not (pd.isna(x) or pd.isna(y)):
                lon, lat = tr.transform(x, y)
                geom = {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
            props = {k: (None if _isna(v) else _plain(v)) for k, v in rec.items()}
            features.append({"type": "Feature", "geometry": geom, "properties": props})
        tmp.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            encoding="utf-8",
        )


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value
