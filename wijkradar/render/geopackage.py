"""A GeoPackage for QGIS: scores, indicators with their value states, sources and metadata.

One file, written atomically, with these layers (EPSG:28992 for the polygons):

``scores``
    Buurt polygons with ``score``, ``rang``, ``rang_laag``/``rang_hoog``, ``kans_top``,
    ``robuust_top``, ``zekerheid``, ``reden``,
    domain scores (``domein_*``), contributions (``bijdrage_*``) and ``dataversie``.
``indicatoren``
    Buurt polygons with every indicator value, its state (``<id>_status``: aanwezig,
    onderdrukt, ontbreekt, wijkwaarde, ...) and, where the source publishes them, the 95%
    bounds (``<id>_ondergrens``, ``<id>_bovengrens``). Buurten without a score because of
    the minimum population show no value (status ``niet getoond: te weinig inwoners``).
``bronnen``
    One row per source: bron, tabel, titel, periode, url, opgehaald, opmerkingen.
``catalogus``
    One row per indicator: label, domein, eenheid, richting, soort, tabel, periode,
    onderdrukking (the source's suppression rule).
``metadata``
    Key/value table: profiel (name and full YAML), the data version (JSON and its parts:
    tables, periods, fetch time, content hash), gemeente, year, Wijkradar version and
    creation time.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.io import atomic_write

from ..dataversion import data_version, data_version_label

__all__ = ["write_geopackage", "LAYERS", "HIDDEN_STATE"]

LAYERS = ("scores", "indicatoren", "bronnen", "catalogus", "metadata")
HIDDEN_STATE = "niet getoond: te weinig inwoners"
_CATALOGUE_NAMES = {
    "label": "label",
    "domain": "domein",
    "unit": "eenheid",
    "direction": "richting",
    "kind": "soort",
    "tabel": "tabel",
    "periode": "periode",
    "suppression": "onderdrukking",
}


def _flat_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=lambda c: c.replace("__", "_") if c != "geometry" else c)


def _hidden(result: pd.DataFrame) -> pd.Series:
    """Buurten whose indicators may not be shown (disclosure control).

    ``te_klein`` from :func:`models.score_buurten` when present; otherwise (a ranking table
    without it) every buurt without a score, which covers them and hides nothing else that
    has a value to show.
    """
    if "te_klein" in result.columns:
        return result["te_klein"].fillna(True).astype(bool)
    return result["score"].isna()


def indicator_layer(data, result: pd.DataFrame) -> gpd.GeoDataFrame:
    """Indicator values with states and bounds per buurt of ``result`` (see module doc)."""
    index = result.index
    hidden = _hidden(result).reindex(index).fillna(True).to_numpy()
    cols: dict[str, Any] = {"buurtnaam": data.buurten["buurtnaam"].reindex(index)}
    lower = getattr(data, "lower", pd.DataFrame())
    upper = getattr(data, "upper", pd.DataFrame())
    for ind in data.indicator_ids:
        value = data.buurten[ind].reindex(index).astype(float)
        state = data.states[ind].reindex(index).astype(str).where(lambda s: s != "nan", "")
        cols[ind] = value.mask(hidden)
        cols[f"{ind}_status"] = state.mask(hidden, HIDDEN_STATE)
        for bound, name in ((lower, "ondergrens"), (upper, "bovengrens")):
            if ind in bound.columns and bound[ind].notna().any():
                cols[f"{ind}_{name}"] = bound[ind].reindex(index).astype(float).mask(hidden)
    frame = pd.DataFrame(cols, index=index)
    frame.index.name = "buurtcode"
    return gpd.GeoDataFrame(
        frame.join(data.buurten[["geometry"]]), geometry="geometry", crs=data.buurten.crs
    )


def _metadata(data, result: pd.DataFrame, version: dict[str, Any]) -> pd.DataFrame:
    from wijkradar import __version__

    rows = {
        "gemeentecode": data.gemeentecode,
        "gemeentenaam": data.gemeentenaam,
        "jaar": str(data.jaar),
        "profiel": str(result.attrs.get("profile", "")),
        "profiel_yaml": str(result.attrs.get("profile_yaml", "")),
        "top_k": str(result.attrs.get("top_k", "")),
        "dataversie": data_version_label(version),
        "dataversie_json": json.dumps(version, ensure_ascii=False),
        "inhoud_sha256": version["inhoud_sha256"],
        "opgehaald": str(version.get("opgehaald", "")),
        "bronnen": "; ".join(
            f"{b['bron']}: {b['tabel']} ({b['periode']}), opgehaald {b['opgehaald']}"
            for b in version["bronnen"]
        ),
        "waarschuwingen": "\n".join(
            [*getattr(data, "warnings", []), *map(str, result.attrs.get("warnings", []))]
        ),
        "wijkradar_versie": __version__,
        "gemaakt": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return pd.DataFrame({"sleutel": list(rows), "waarde": list(rows.values())})


def write_geopackage(result: pd.DataFrame, data, path: str | Path) -> Path:
    """Write the layers of the module doc to ``path`` (atomically: a temp file, then rename).

    Parameters
    ----------
    result : DataFrame
        Scores indexed by buurtcode: the output of ``score_gemeente`` or a ranking table
        made from it (its rows decide which buurten are written). ``attrs`` may carry
        ``profile``, ``profile_yaml``, ``warnings`` and ``data_version``.
    data : GemeenteData
        The loaded gemeente (polygons, indicators, states, provenance).
    path : str or Path
        The ``.gpkg`` file.

    Returns
    -------
    Path
        ``path``.
    """
    import pyogrio

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    version = result.attrs.get("data_version") or data_version(data)
    scores = result.drop(columns=["te_klein"], errors="ignore").copy()
    scores.index.name = "buurtcode"
    scores["dataversie"] = data_version_label(version)
    scores_gdf = gpd.GeoDataFrame(
        _flat_columns(scores).join(data.buurten[["geometry"]]),
        geometry="geometry",
        crs=data.buurten.crs,
    )
    sources = pd.DataFrame(
        [
            {
                "bron": str(p.get("bron", "")),
                "tabel": str(p.get("tabel", "")),
                "titel": str(p.get("titel", "")),
                "periode": str(p.get("periode", "")),
                "url": str(p.get("url", "")),
                "opgehaald": str(p.get("opgehaald", "")),
                "opmerkingen": "; ".join(map(str, p.get("opmerkingen", []) or [])),
            }
            for p in data.provenance
        ]
    )
    catalogue = data.catalogue.reindex(columns=list(_CATALOGUE_NAMES)).rename(
        columns=_CATALOGUE_NAMES
    )
    catalogue = catalogue.astype(object).where(catalogue.notna(), "").astype(str)
    catalogue.index.name = "indicator"
    layers: list[tuple[str, pd.DataFrame]] = [
        ("scores", scores_gdf.reset_index()),
        ("indicatoren", indicator_layer(data, result).reset_index()),
        ("bronnen", sources),
        ("catalogus", catalogue.reset_index()),
        ("metadata", _metadata(data, result, version)),
    ]
    with atomic_write(out) as tmp:  # the GPKG driver creates the file itself
        for name, frame in layers:
            frame = frame.copy()
            frame.attrs = {}
            spatial = isinstance(frame, gpd.GeoDataFrame)
            pyogrio.write_dataframe(
                frame, tmp, layer=name, driver="GPKG", promote_to_multi=True if spatial else None
            )
    return out
