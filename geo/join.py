"""Joining sources onto the buurt geometry by buurtcode, with the wijk fallback."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ._model import SourceData
from ._states import MISSING, SUPPRESSED, WIJK, state_dtype
from .errors import DataFormatError, missing_crs
from .indicators import get_indicator

__all__ = ["normalise_buurten", "join_source", "IDENTITY_COLUMNS", "wijkcode_of"]

IDENTITY_COLUMNS = ["buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "jaar"]


def wijkcode_of(buurtcodes: pd.Index | pd.Series) -> pd.Index:
    """``WK`` + the 6 digits of gemeente and wijk, from buurt codes.

    Parameters
    ----------
    buurtcodes : Index or Series
        Buurtcodes such as ``BU03070000``.

    Returns
    -------
    Index
        The wijkcodes (``WK030700``), in the same order.
    """
    return pd.Index(["WK" + str(c)[2:8] for c in buurtcodes])


def normalise_buurten(
    frame: gpd.GeoDataFrame,
    *,
    gemeentecode: str,
    jaar: int,
    wijknamen: pd.Series | None = None,
    gemeentenaam: str | None = None,
) -> tuple[gpd.GeoDataFrame, int]:
    """Bring a buurt layer (PDOK WFS or Wijk- en buurtkaart) to the Wijkradar shape.

    Keeps the gemeente's land buurten (``water == 'JA'`` dropped), indexes by ``buurtcode``,
    projects to EPSG:28992 and repairs invalid polygons.

    Parameters
    ----------
    frame : GeoDataFrame
        The buurt layer as read (``buurtcode`` and, where the source has them, ``buurtnaam``,
        ``wijknaam``, ``gemeentecode``, ``water``), with a CRS.
    gemeentecode : str
        The gemeente to keep, e.g. ``GM0307``.
    jaar : int
        The indeling year, kept as a column.
    wijknamen : Series, optional
        Wijkcode -> wijk name (e.g. from the PDOK wijken layer); wins over the layer's own
        ``wijknaam``.
    gemeentenaam : str, optional
        The gemeente's name; taken from the layer's ``gemeentenaam`` when not given, else the
        code.

    Returns
    -------
    frame : GeoDataFrame
        Index ``buurtcode``; columns :data:`IDENTITY_COLUMNS` and ``geometry``.
    dropped_water : int
        How many water buurten were dropped.
    """
    if frame.crs is None:
        raise missing_crs("buurtlaag")
    f = frame.copy()
    f["buurtcode"] = f["buurtcode"].astype(str).str.strip()
    if "gemeentecode" not in f.columns:
        f["gemeentecode"] = "GM" + f["buurtcode"].str[2:6]
    f["gemeentecode"] = f["gemeentecode"].astype(str).str.strip()
    f = f[f["gemeentecode"] == gemeentecode]
    dropped = 0
    if "water" in f.columns:
        water = f["water"].astype(str).str.strip().str.upper() == "JA"
        dropped = int(water.sum())
        f = f[~water]
    # a buurt must be an area: null, empty, point or line geometry (a broken source) is
    # dropped and named in attrs["zonder_vlak"], never cached for the map to crash on
    kinds = f.geometry.geom_type.fillna("")
    area = f.geometry.notna() & ~f.geometry.is_empty & kinds.isin(["Polygon", "MultiPolygon"])
    no_area = sorted(f.loc[~area, "buurtcode"])
    f = f[area]
    if f["buurtcode"].duplicated().any():
        dup = f.loc[f["buurtcode"].duplicated(), "buurtcode"].iloc[0]
        raise DataFormatError(f"de buurtlaag bevat buurtcode {dup} meer dan eens")
    f = f.to_crs("EPSG:28992")
    invalid = ~f.geometry.is_valid
    if invalid.any():
        f.loc[invalid, f.geometry.name] = f.geometry[invalid].make_valid()
    f["wijkcode"] = wijkcode_of(f["buurtcode"]).to_numpy()
    if "wijknaam" not in f.columns:
        f["wijknaam"] = pd.NA
    if wijknamen is not None:
        f["wijknaam"] = f["wijkcode"].map(wijknamen).fillna(f["wijknaam"])
    if "buurtnaam" not in f.columns:
        f["buurtnaam"] = f["buurtcode"]
    if gemeentenaam is None and "gemeentenaam" in f.columns and len(f):
        gemeentenaam = str(f["gemeentenaam"].iloc[0]).strip()
    f["gemeentenaam"] = gemeentenaam or gemeentecode
    f["jaar"] = int(jaar)
    for col in ("buurtnaam", "wijknaam", "gemeentenaam"):
        f[col] = f[col].astype("string").str.strip()
    f = f.set_index("buurtcode").sort_index()
    f.index.name = "buurtcode"
    out = gpd.GeoDataFrame(
        f[IDENTITY_COLUMNS + [f.geometry.name]], geometry=f.geometry.name, crs="EPSG:28992"
    )
    if out.geometry.name != "geometry":
        out = out.rename_geometry("geometry")
    out.attrs["zonder_vlak"] = no_area
    return out, dropped


def join_source(
    buurtcodes: pd.Index, source: SourceData
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame], dict[str, object]]:
    """Join one source onto the geometry's buurtcodes.

    Buurten found in the source take its value (``aanwezig``, ``onderdrukt`` or
    ``niet_gepubliceerd``). Buurten not in the source, and buurten whose value the source
    suppressed (income below 2,500 persons, small-area estimates), take their wijk's value
    when the wijk has one and the indicator allows it (rates, never counts: ``wijkwaarde``);
    otherwise ``ontbreekt`` (no row) or ``onderdrukt`` stays.

    Parameters
    ----------
    buurtcodes : Index
        The buurtcodes of the geometry (the index of the result).
    source : SourceData
        One fetched or read source, indexed by region code.

    Returns
    -------
    values, states : DataFrame
        Indexed by ``buurtcodes``.
    bounds : dict
        ``lower``/``upper`` frames aligned the same way (empty dict when absent).
    report : dict
        ``bron, tabel, periode, buurten, op_buurtcode, via_wijk, ontbreekt, aandeel_op_buurtcode``.
    """
    cols = list(source.values.columns)
    idx = pd.Index(buurtcodes, name="buurtcode")
    in_source = idx.isin(source.values.index)
    wijk = wijkcode_of(idx)
    wijk_in_source = wijk.isin(source.values.index) & ~in_source

    values = source.values.reindex(idx)
    states = source.states.reindex(idx).astype(object)
    states.loc[~in_source, :] = MISSING
    fallback_cols = [c for c in cols if get_indicator(c).wijk_fallback]
    bounds: dict[str, pd.DataFrame] = {}
    for name in ("lower", "upper"):
        frame = getattr(source, name)
        if frame is not None:
            bounds[name] = frame.reindex(idx)
    wijk_known = wijk.isin(source.values.index)
    for col in fallback_cols:
        # no buurt row, or a buurt value the source suppressed: the wijk's value stands in
        need = (~in_source | (states[col] == SUPPRESSED).to_numpy()) & wijk_known
        if not need.any():
            continue
        wvals = source.values[col].reindex(wijk[need]).to_numpy()
        ok = ~np.isnan(wvals.astype(float))
        rows = idx[need][ok]
        values.loc[rows, col] = wvals[ok]
        states.loc[rows, col] = WIJK
        for name, frame in bounds.items():
            src = getattr(source, name)
            if col in src.columns:
                frame.loc[rows, col] = src[col].reindex(wijk[need][ok]).to_numpy()
    states = states.astype(state_dtype)
    n = len(idx)
    report: dict[str, object] = {
        "bron": source.name,
        "tabel": source.table,
        "periode": source.period,
        "buurten": n,
        "op_buurtcode": int(in_source.sum()),
        "via_wijk": int(wijk_in_source.sum()) if fallback_cols else 0,
        "ontbreekt": int(n - in_source.sum() - (wijk_in_source.sum() if fallback_cols else 0)),
        "aandeel_op_buurtcode": float(in_source.sum() / n) if n else 0.0,
    }
    return values, states, bounds, report
