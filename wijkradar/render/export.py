"""Exports shared by the CLI and the app: CSV, xlsx and GeoPackage, written atomically.

Every CSV/xlsx cell goes through :func:`wijkradar.escape.spreadsheet_frame`: text starting
with ``= + - @`` (or tab/CR) gets a ``'`` so no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from geo.errors import DataFormatError
from geo.io import atomic_write, unquote_formula

from ..dataversion import data_version, data_version_label
from ..escape import spreadsheet_frame
from .geopackage import write_geopackage

__all__ = [
    "ranking_table",
    "write_scores",
    "ranking_csv",
    "ranking_gpkg",
    "write_table",
    "table_csv",
    "RANKING_COLUMNS",
    "OLD_COLUMNS",
    "read_scores",
    "rename_old_columns",
    "sources_table",
]

#: RFC 4180 line ends: the csv module then quotes every cell holding a CR or LF, so a
#: spreadsheet cannot mistake a CR inside a name for a new row (that may start with ``=``).
CSV_EOL = "\r\n"

RANKING_COLUMNS = [
    "buurtnaam",
    "wijknaam",
    "score",
    "rang",
    "rang_laag",
    "rang_hoog",
    "kans_top",
    "robuust_top",
    "zekerheid",
    "dekking",
    "aandeel_aangevuld",
    "reden",
]

#: English score columns of files written before the columns were renamed to Dutch (CSV,
#: GeoPackage and batch GeoParquet): the one place that maps them to today's names on read.
OLD_COLUMNS = {
    "rank": "rang",
    "rank_low": "rang_laag",
    "rank_high": "rang_hoog",
    "p_top_k": "kans_top",
    "robust": "robuust_top",
    "confidence": "zekerheid",
}


def rename_old_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the English score columns of older files renamed (:data:`OLD_COLUMNS`).

    A column is only renamed when its Dutch name is not there already, so a file that has
    both keeps both as they are.

    Parameters
    ----------
    frame : DataFrame
        A score table as read from a file.

    Returns
    -------
    DataFrame
        The same rows, with today's column names.

    Examples
    --------
    >>> rename_old_columns(pd.DataFrame({"score": [50.0], "rank": [1.0]})).columns.tolist()
    ['score', 'rang']
    """
    names = {old: new for old, new in OLD_COLUMNS.items() if new not in frame.columns}
    return frame.rename(columns=names)


def read_scores(path: str | Path, *, layer: str = "scores") -> pd.DataFrame:
    """Read a score file Wijkradar wrote, of this version or an older one, by buurtcode.

    Reads the CSV of ``score``/the Ranglijst (and ``nationaal.csv`` of ``batch``), a
    GeoPackage layer or the GeoParquet of ``batch``; the English score columns of older
    versions get their Dutch names (:func:`rename_old_columns`). Text cells of a CSV lose the
    ``'`` the export put before a formula character (:func:`geo.io.unquote_formula`),
    so names read back as they were.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.gpkg`` or ``.parquet``.
    layer : str
        The GeoPackage layer.

    Returns
    -------
    DataFrame
        Indexed by ``buurtcode`` (a GeoDataFrame for GeoPackage and GeoParquet).

    Raises
    ------
    DataFormatError
        When the file is missing, unreadable, of another kind or has no ``buurtcode``.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".gpkg", ".parquet"):
        raise DataFormatError(f"{p.name}: kies een .csv-, .gpkg- of .parquet-bestand met scores")
    if not p.is_file():
        raise DataFormatError(f"{p.name}: bestand niet gevonden ({p.parent})")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(p, dtype={"buurtcode": str})
            for column in frame.columns:  # undo the formula guard on text cells
                if pd.api.types.is_string_dtype(frame[column]):
                    frame[column] = frame[column].map(unquote_formula)
        else:
            import geopandas as gpd

            frame = gpd.read_parquet(p) if suffix == ".parquet" else gpd.read_file(p, layer=layer)
    except (OSError, ValueError, RuntimeError):  # pyogrio's errors are RuntimeErrors
        raise DataFormatError(
            f"{p.name}: kan het bestand niet lezen; is het een {suffix[1:]}-bestand van Wijkradar?"
        ) from None
    if frame.index.name != "buurtcode":
        if "buurtcode" not in frame.columns:
            raise DataFormatError(f"{p.name}: geen kolom 'buurtcode'")
        frame = frame.set_index("buurtcode")
    return rename_old_columns(frame)


def ranking_table(data, scores: pd.DataFrame) -> pd.DataFrame:
    """The ranking columns, domain scores and reach, best rank first (unscored buurten last).

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente the scores belong to.
    scores : DataFrame
        Output of ``score_gemeente``.

    Returns
    -------
    DataFrame
        One row per buurt, best rank first.
    """
    domains = [c for c in scores.columns if c.startswith(("domein__", "bereik"))]
    table = scores[[c for c in RANKING_COLUMNS if c in scores.columns] + domains].copy()
    table.index.name = "buurtcode"
    return table.sort_values(["rang", "buurtnaam"], na_position="last")


def sources_table(data) -> pd.DataFrame:
    """Per indicator: label, source table, period, unit and the source's suppression rule.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente the scores belong to.

    Returns
    -------
    DataFrame
        Indexed by indicator id.
    """
    cat = data.catalogue
    cols = {
        "label": "omschrijving",
        "tabel": "tabel",
        "periode": "periode",
        "unit": "eenheid",
        "suppression": "onderdrukking",
    }
    table = cat[[c for c in cols if c in cat.columns]].rename(columns=cols)
    table.index.name = "indicator"
    return table


def write_scores(result: pd.DataFrame, data, path: str | Path) -> Path:
    """Write ``result`` as CSV or (by extension) GeoPackage; atomic.

    The CSV has a ``dataversie`` column (source tables, periods, fetch date, content hash);
    the GeoPackage has the layers of :func:`wijkradar.render.geopackage.write_geopackage`.

    Parameters
    ----------
    result : DataFrame
        Output of ``score_gemeente``.
    data : GemeenteData or None
        The gemeente, for the data version and the sources file (``.bronnen.csv``).
    path : str or Path
        ``.csv`` or ``.gpkg``.

    Returns
    -------
    Path
        ``path``.
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
    with atomic_write(out) as tmp:
        spreadsheet_frame(result).to_csv(tmp, float_format="%.6g", lineterminator=CSV_EOL)
        if data is not None and hasattr(data, "catalogue"):  # table and period per indicator
            write_table(sources_table(data), out.with_name(out.stem + ".bronnen.csv"), index=True)
    return out


def _as_bytes(result: pd.DataFrame, data, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_scores(result, data, Path(tmp) / f"scores{suffix}").read_bytes()


def ranking_csv(table: pd.DataFrame) -> bytes:
    """CSV bytes of a ranking table (UTF-8).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ranking_table`.

    Returns
    -------
    bytes
        The CSV, formula-safe.
    """
    return _as_bytes(table, None, ".csv")


def ranking_gpkg(data, table: pd.DataFrame) -> bytes:
    """GeoPackage bytes of a ranking table with the buurt polygons (EPSG:28992).

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente the scores belong to.
    table : DataFrame
        Output of :func:`ranking_table`.

    Returns
    -------
    bytes
        The GeoPackage file.
    """
    return _as_bytes(table, data, ".gpkg")


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool = False) -> Path:
    """Write ``frame`` as CSV (UTF-8) or xlsx (by extension), formula-safe and atomic.

    Parameters
    ----------
    frame : DataFrame
        The table.
    path : str or Path
        ``.csv`` or ``.xlsx``.
    index : bool
        Also write the index.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        When the extension is neither ``.csv`` nor ``.xlsx``.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"{out}: use a .csv or .xlsx file name")
    safe = spreadsheet_frame(frame)
    with atomic_write(out) as tmp:
        if suffix == ".csv":
            safe.to_csv(tmp, index=index, lineterminator=CSV_EOL)
        else:
            safe.to_excel(tmp, index=index, engine="openpyxl")
    return out


def table_csv(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    """CSV bytes (UTF-8) of ``frame`` for a download button, formula-safe.

    Parameters
    ----------
    frame : DataFrame
        The table.
    index : bool
        Also write the index.

    Returns
    -------
    bytes
        The CSV.
    """
    return spreadsheet_frame(frame).to_csv(index=index, lineterminator=CSV_EOL).encode("utf-8")
