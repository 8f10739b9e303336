"""Choropleth maps of scores, domain scores and indicators (folium/Leaflet, no CDN).

The map keeps the kinds of "no ordinary value" apart, from the data to the legend:
``geen_score`` (too few inhabitants: nothing is shown for the buurt), ``te_weinig`` (too few
observed values for a score), ``onderdrukt`` (the source suppressed the value),
``niet_gepubliceerd`` (the source has not published the figure for the gemeente yet),
``ontbreekt`` (the source has no value), ``geschat`` (a value estimated from the wijk, drawn in
its class colour with a dashed outline) and ``aangevuld`` (a score partly resting on values
filled in with the gemeente mean, class colour with a double outline).

Geometry is simplified as a coverage (shared edges stay shared) and only the properties the
map shows are embedded, so a gemeente map stays far below 1 MB.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from geo.registry import THEMES
from geo.web import simplify_for_web as map_geometry
from models import pick_method

from ..config import Settings
from ..escape import html_text, script_json
from .assets import inline_leaflet
from .format import decimals_for, fmt_number, fmt_percent

__all__ = [
    "SCHEMES",
    "PALETTES",
    "STATUS_STYLES",
    "MapValues",
    "map_geometry",
    "map_values",
    "classify",
    "class_colours",
    "class_index",
    "map_table",
    "table_html",
    "top_factors",
    "build_map",
    "geometry_payload",
    "category_overlay",
    "category_overlays",
    "WIJK_LEGEND_ROW",
    "value_payload",
    "label_payload",
    "wijk_lines",
    "js_source",
    "FRONTEND_DIR",
    "BASEMAP_ATTRIBUTION",
    "NO_SCORE_PATTERN",
    "CSS",
    "cluster_summary",
    "HOTSPOT_LAYER",
    "QUADRANT_LABELS",
    "standalone_html",
    "fmt_number",
    "decimals_for",
    "add_registry_layers",
    "THEME_COLOURS",
]


def quantile_bins(x: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes, as ``mapclassify.Quantiles`` computes them."""
    return np.percentile(x, np.linspace(100.0 / k, 100.0, k))


def equal_interval_bins(x: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width, as ``mapclassify.EqualInterval``."""
    return np.linspace(x.min(), x.max(), k + 1)[1:]


def natural_breaks_bins(x: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` Fisher-Jenks classes (``mapclassify.FisherJenks``)."""
    # mapclassify loads scipy.stats, scikit-learn and matplotlib.pyplot (about a second):
    # imported only for this scheme, so the default map does not wait for it
    import mapclassify

    return np.asarray(mapclassify.FisherJenks(x, k=k).bins, dtype=float)


#: Classification schemes (id -> upper class bounds of values ``x`` in ``k`` classes; labels in
#: the app).
SCHEMES = {
    "quantiles": quantile_bins,
    "natural_breaks": natural_breaks_bins,
    "equal_interval": equal_interval_bins,
}

#: Colour-blind-safe sequential palettes, light (low need) to dark (high need); labels in ui.
PALETTES = {
    "ylorrd": [
        "#ffffcc",
        "#ffeda0",
        "#fed976",
        "#feb24c",
        "#fd8d3c",
        "#fc4e2a",
        "#e31a1c",
        "#bd0026",
        "#800026",
    ],
    "viridis": [
        "#fde725",
        "#addc30",
        "#5ec962",
        "#28ae80",
        "#21918c",
        "#2c728e",
        "#3b528b",
        "#472d7b",
        "#440154",
    ],
    "cividis": [
        "#fee838",
        "#e4cf5b",
        "#c4b56c",
        "#a69d75",
        "#8a8779",
        "#707173",
        "#575d6d",
        "#3b496c",
        "#00224e",
    ],
}

#: Okabe-Ito: categorical colours for buurt types and hotspot quadrants.
CATEGORICAL = ["#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"]
QUADRANT_COLOURS = {
    "hoog-hoog": "#d55e00",
    "laag-laag": "#0072b2",
    "hoog-laag": "#e69f00",
    "laag-hoog": "#56b4e9",
}
#: Plain Dutch for the local Moran quadrants (what a hotspot outline means).
QUADRANT_LABELS = {
    "hoog-hoog": "groep buurten met hoge scores",
    "laag-laag": "groep buurten met lage scores",
    "hoog-laag": "hoge score tussen lage scores",
    "laag-hoog": "lage score tussen hoge scores",
}
HOTSPOT_LAYER = "Clusters (hoge en lage scores bij elkaar)"


def cluster_summary(hotspots: pd.DataFrame) -> str:
    """What the cluster layer (local Moran with FDR) says, in plain Dutch.

    Uses the global Moran's I and its permutation p-value in ``hotspots.attrs``.

    Parameters
    ----------
    hotspots : DataFrame
        Output of :func:`models.hotspots`.

    Returns
    -------
    str
        One or two Dutch sentences.
    """
    moran = float(hotspots.attrs.get("moran_i", float("nan")))
    p = float(hotspots.attrs.get("moran_p", float("nan")))
    counts = hotspots["kwadrant"].value_counts() if "kwadrant" in hotspots else pd.Series()
    high, low = int(counts.get("hoog-hoog", 0)), int(counts.get("laag-laag", 0))
    if np.isfinite(moran) and np.isfinite(p) and moran > 0 and p < 0.05:
        overall = (
            "Buurten met een hoge score liggen in deze gemeente vaker naast elkaar dan je bij "
            f"toeval zou verwachten (de kans dat dit toeval is, is {fmt_percent(p, 1)})."
        )
    else:
        overall = (
            "Hoge en lage scores liggen in deze gemeente niet duidelijk bij elkaar; de "
            "buurten verschillen vooral van hun directe buren."
        )
    return (
        f"{overall} Omlijnd: {high} "
        f"{'buurt' if high == 1 else 'buurten'} in een groep met hoge scores, {low} in een groep "
        "met lage scores (rekening gehouden met toevalstreffers bij veel buurten)."
    )


TYPE_LAYER = "Buurttypen"

#: "geen score" is hatched, not a flat grey that could pass for a class colour (WCAG 1.4.1):
#: an SVG pattern (``_A11y`` adds it to the map) and the same hatch as CSS for the legend.
NO_SCORE_PATTERN = "wr-geen-score"
NO_SCORE_FILL = f"url(#{NO_SCORE_PATTERN})"
NO_SCORE_SWATCH = "repeating-linear-gradient(45deg, #4d4d4d 0 1.5px, #e6e6e6 1.5px 4.5px)"
#: Status id -> (legend label, Leaflet path style without the fill colour of a class).
STATUS_STYLES: dict[str, tuple[str, dict[str, object]]] = {
    "geschat": (
        "geschat uit wijkwaarde",
        {"color": "#000000", "weight": 2, "dashArray": "4 3", "fillOpacity": 0.8},
    ),
    "aangevuld": (
        "aangevuld met gemeentegemiddelde",
        {"color": "#6a3d9a", "weight": 2.5, "dashArray": "1 2 6 2", "fillOpacity": 0.8},
    ),
    "geen_score": (
        "geen score (te weinig inwoners)",
        {"fillColor": NO_SCORE_FILL, "color": "#616161", "weight": 0.6, "fillOpacity": 0.9},
    ),
    "te_weinig": (
        "geen score (te weinig gegevens)",
        {"fillColor": "#d9d9d9", "color": "#616161", "weight": 0.6, "fillOpacity": 0.55},
    ),
    "niet_gepubliceerd": (
        "nog niet gepubliceerd",
        {
            "fillColor": "#f0f0f0",
            "color": "#757575",
            "weight": 1,
            "dashArray": "8 4",
            "fillOpacity": 0.6,
        },
    ),
    "onderdrukt": (
        "onderdrukt door bron",
        {
            "fillColor": "#ffffff",
            "color": "#424242",
            "weight": 1.2,
            "dashArray": "1 3",
            "fillOpacity": 0.85,
        },
    ),
    "ontbreekt": (
        "geen gegevens",
        {"fillColor": "#ffffff", "color": "#9e9e9e", "weight": 0.6, "fillOpacity": 0.4},
    ),
}
_VALUE_STYLE = {"color": "#5f5f5f", "weight": 0.6, "fillOpacity": 0.8}
#: Statuses drawn in their class colour (a value with a caveat), not in a fixed fill.
_VALUE_STATUSES = ("geschat", "aangevuld")
#: Legend swatch border per status (the map's dash patterns do not exist in CSS).
_LEGEND_BORDER = {"onderdrukt": "dotted", "aangevuld": "double", "niet_gepubliceerd": "dashed"}
#: The lightest class is close to the (light) basemap: a darker, thicker outline keeps its
#: buurten apart from the background (WCAG 1.4.11).
_LIGHTEST_STYLE = {"color": "#333333", "weight": 1.4}


@dataclass
class MapValues:
    """What the map shows per buurt: numeric ``value``, ``status`` and a text ``label``.

    Attributes
    ----------
    title : str
        The legend's title.
    unit : str
        The unit of ``value`` (sets decimals and the legend).
    frame : DataFrame
        Per buurtcode: ``value``, ``status`` and ``label`` (the tooltip text).
    higher_is_worse : bool
        Whether dark (the worrying end) marks high values.
    """

    title: str
    unit: str
    frame: pd.DataFrame  # value, status, label
    higher_is_worse: bool = True
    #: Source table and period of an indicator ("85984NED, 2024"); empty for scores.
    source: str = ""
    #: Replaces the legend's default reading note (e.g. for maps of change).
    note: str | None = None


def map_values(scores: pd.DataFrame, data, column: str) -> MapValues:
    """Values of ``column`` (``score``, ``domein__<naam>`` or an indicator id) with states.

    Buurten under the minimum population (``te_klein``) show nothing, whatever the column.

    Parameters
    ----------
    scores : DataFrame
        Output of ``score_gemeente``.
    data : GemeenteData
        The loaded gemeente (indicator values, states and catalogue).
    column : str
        ``score``, ``domein__<naam>`` or an indicator id.

    Returns
    -------
    MapValues
        Title, unit and per buurt ``value``, ``status`` and ``label``.
    """
    small = scores["te_klein"].reindex(data.buurten.index).fillna(True).astype(bool)
    source = ""
    if column == "score" or column.startswith("domein__"):
        value = scores[column].reindex(data.buurten.index).astype(float)
        status = pd.Series("waarde", index=value.index, dtype=object)
        if column == "score":
            imputed = scores["n_geimputeerd"].reindex(value.index).fillna(0) > 0
            status[imputed] = "aangevuld"
            title, unit = "Prioriteitsscore", "0-100"
        else:
            title, unit = f"Domeinscore {column.removeprefix('domein__')}", "0-100"
        status[value.isna()] = "ontbreekt"
        thin = scores["reden"].reindex(value.index).fillna("") == "geen score (te weinig gegevens)"
        status[thin] = "te_weinig"
        higher = True
    else:
        if column not in data.buurten.columns:
            raise KeyError(f"unknown indicator {column!r}")
        value = data.buurten[column].astype(float)
        state = data.states[column].astype(str)
        status = pd.Series("waarde", index=value.index, dtype=object)
        status[state == "wijkwaarde"] = "geschat"
        status[state == "onderdrukt"] = "onderdrukt"
        status[state == "niet_gepubliceerd"] = "niet_gepubliceerd"
        status[(state == "ontbreekt") | value.isna() & (status == "waarde")] = "ontbreekt"
        value = value.where(status.isin(["waarde", "geschat"]))
        cat = data.catalogue.loc[column]
        title, unit = str(cat["label"]), str(cat["unit"])
        # "hoger_beter" (e.g. good self-rated health): a low value is the worrying one
        higher = str(cat["direction"]) != "hoger_beter"
        if "tabel" in cat.index:
            source = f"bron {cat['tabel']}, {cat['periode']}"
    status[small] = "geen_score"
    value = value.where(~small)
    decimals = decimals_for(unit)
    label = value.map(lambda v: fmt_number(v, decimals))
    for key, (text, _style) in STATUS_STYLES.items():
        if key in _VALUE_STATUSES:
            label[status == key] = label[status == key] + f" ({text})"
        else:
            label[status == key] = text
    frame = pd.DataFrame({"value": value, "status": status, "label": label})
    return MapValues(title=title, unit=unit, frame=frame, higher_is_worse=higher, source=source)


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5) -> np.ndarray:
    """Upper class bounds of the non-missing ``values`` with a scheme of :data:`SCHEMES`.

    Parameters
    ----------
    values : Series
        The values; missing ones are ignored.
    scheme : str
        A key of :data:`SCHEMES`.
    k : int
        Number of classes.

    Returns
    -------
    numpy.ndarray
        The upper bounds of the classes, lowest first.
    """
    bounds = pick_method(SCHEMES, scheme, "klassenindeling")
    x = values.dropna().to_numpy(dtype=float)
    if x.size == 0:
        return np.array([])
    k = int(max(1, min(k, np.unique(x).size, 9)))
    if k == 1:
        return np.array([x.max()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns on ties; k is reduced above
        bins = bounds(x, k)
    return np.unique(np.asarray(bins, dtype=float))


def class_index(values: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """0-based class of each value for the upper class ``bins`` (NaN gets class 0).

    Parameters
    ----------
    values : numpy.ndarray
        The values.
    bins : numpy.ndarray
        Upper class bounds (:func:`classify`).

    Returns
    -------
    numpy.ndarray
        The class of each value.
    """
    values = np.asarray(values, dtype=float)
    if not len(bins):
        return np.zeros(len(values), dtype=int)
    cls = np.searchsorted(bins, values, side="left")
    return np.clip(cls, 0, len(bins) - 1)


def map_table(
    mv: MapValues,
    names: pd.Series,
    *,
    scores: pd.DataFrame | None = None,
    scheme: str = "quantiles",
    k: int = 5,
) -> pd.DataFrame:
    """What the map shows, as a table: the keyboard and screen-reader route to the map.

    One row per buurt (index: buurtcode) with the same value text, class and state as the
    map and its legend, and the rank when ``scores`` are given; highest value first.

    Parameters
    ----------
    mv : MapValues
        What the map shows.
    names : Series
        Buurt names by buurtcode.
    scores : DataFrame, optional
        Output of ``score_gemeente``, for the rank column.
    scheme : str
        A key of :data:`SCHEMES`, as on the map.
    k : int
        Number of classes, as on the map.

    Returns
    -------
    DataFrame
        One row per buurt with Dutch column names.
    """
    frame = mv.frame.reindex(names.index)
    bins = classify(frame["value"], scheme, k)
    value = frame["value"].to_numpy(dtype=float)
    cls = class_index(value, bins)
    lower = frame["value"].min()
    decimals = decimals_for(mv.unit)
    klasse = []
    for c, v in zip(cls, value, strict=True):
        if not np.isfinite(v) or not len(bins):
            klasse.append("–")
            continue
        lo = lower if c == 0 else bins[c - 1]
        bounds = f"{fmt_number(lo, decimals)} – {fmt_number(bins[c], decimals)}"
        klasse.append(f"{c + 1} van {len(bins)} ({bounds})")
    status_text = {key: text for key, (text, _style) in STATUS_STYLES.items()}
    status = frame["status"].fillna("ontbreekt").astype(str)
    out = pd.DataFrame(
        {
            "Buurt": names.astype(str),
            mv.title: frame["label"].fillna("–").astype(str),
            "Klasse": klasse,
            "Status": status.map(lambda s: status_text.get(s, "aanwezig")),
        },
        index=names.index,
    )
    if scores is not None:
        out["Rang"] = scores["rang"].reindex(names.index).astype("Int64")
    order = np.lexsort(
        (names.astype(str).str.casefold().to_numpy(), -np.nan_to_num(value, nan=-np.inf))
    )
    out = out.iloc[order]
    out.index.name = "buurtcode"
    return out


def _lightest(mv: MapValues, n: int) -> int:
    """Index of the lightest class: the first, or the last when low values are worrying."""
    return 0 if mv.higher_is_worse else max(n - 1, 0)


def class_colours(palette: str, n: int) -> list[str]:
    """``n`` class colours of ``palette``, light (low) to dark (high).

    Parameters
    ----------
    palette : str
        A key of :data:`PALETTES`.
    n : int
        Number of classes.

    Returns
    -------
    list of str
        Hex colours.
    """
    ramp = PALETTES[palette]
    if n == 0:
        return []
    if n == 1:
        return [ramp[len(ramp) // 2]]
    idx = np.round(np.linspace(1, len(ramp) - 1, n)).astype(int)
    return [ramp[i] for i in idx]


def top_factors(scores: pd.DataFrame, catalogue: pd.DataFrame, n: int = 3) -> pd.Series:
    """The ``n`` indicators contributing most to each buurt's score, as Dutch text.

    A contribution that rests on a filled-in value (missing-value policy) is marked
    "(aangevuld)": the buurt's own figure is unknown.

    Parameters
    ----------
    scores : DataFrame
        Output of ``score_gemeente`` (its ``bijdrage__<id>`` columns).
    catalogue : DataFrame
        The indicator catalogue, for the Dutch labels.
    n : int
        How many indicators per buurt.

    Returns
    -------
    Series
        Per buurtcode the labels, comma-separated, largest first; empty without a score.
    """
    cols = [c for c in scores.columns if c.startswith("bijdrage__")]
    labels = catalogue["label"].to_dict()
    out = pd.Series("", index=scores.index, dtype=object)
    if not cols:
        return out
    contrib = scores[cols].to_numpy(dtype=float)
    ids = [c.removeprefix("bijdrage__") for c in cols]
    names = [labels.get(i, i) for i in ids]
    filled = (
        scores["geimputeerd"].fillna("").astype(str)
        if "geimputeerd" in scores.columns
        else pd.Series("", index=scores.index)
    )
    for i, row in enumerate(contrib):
        if np.all(np.isnan(row)):
            continue
        order = np.argsort(-np.nan_to_num(row, nan=-np.inf))[:n]
        imputed = set(filled.iloc[i].split(","))
        out.iloc[i] = ", ".join(
            names[j] + (" (aangevuld)" if ids[j] in imputed else "")
            for j in order
            if np.isfinite(row[j]) and row[j] > 0
        )
    return out


def _legend(
    mv: MapValues,
    bins: np.ndarray,
    colours: list[str],
    counts: dict,
    *,
    lowest: float | None = None,
) -> dict:
    """Legend as data: a title and rows of (swatch style, text); shown with ``textContent``."""
    rows = []
    lower = mv.frame["value"].min() if lowest is None else lowest
    decimals = decimals_for(mv.unit)
    for i, (upper, colour) in enumerate(zip(bins, colours, strict=True)):
        lo = lower if i == 0 else bins[i - 1]
        text = f"{fmt_number(lo, decimals)} – {fmt_number(upper, decimals)}"
        swatch = {"background": colour}
        if i == _lightest(mv, len(bins)) and len(bins) > 1:
            swatch["border"] = f"2px solid {_LIGHTEST_STYLE['color']}"
        rows.append({"swatch": swatch, "text": text})
    for key, (text, style) in STATUS_STYLES.items():
        if not counts.get(key):
            continue
        fill = style.get("fillColor", colours[len(colours) // 2] if colours else "#ffffff")
        if fill == NO_SCORE_FILL:
            fill = NO_SCORE_SWATCH
        border = _LEGEND_BORDER.get(key, "dashed" if "dashArray" in style else "solid")
        width = "3px" if border == "double" else "2px"
        rows.append(
            {
                "swatch": {"background": fill, "border": f"{width} {border} {style['color']}"},
                "text": f"{text} ({counts[key]})",
            }
        )
    title = f"{mv.title} ({mv.source})" if mv.source else mv.title
    note = (
        mv.note
        if mv.note
        else "Hoger is gunstiger: donker = lage waarde (meer zorg)"
        if not mv.higher_is_worse
        else "Donker = hoge waarde"
        if mv.unit not in ("0-100",)
        else "Donker = meer nood"
    )
    return {"title": title, "note": note, "rows": rows}


#: The map's browser code lives in JavaScript files next to the live map component
#: (``wijkradar/render/kaart``): the folium map inlines each file it needs once
#: (:class:`_Scripts`), its elements only call the functions; the component loads them as
#: files. Texts from data only ever reach the page through ``textContent``; data arrive as
#: :func:`wijkradar.escape.script_json`.
FRONTEND_DIR = Path(__file__).resolve().parent / "kaart"
#: The files of the folium map's code, in the order the live map's ``index.html`` loads them.
_JS_FILES = ("helpers.js", "buurten.js", "legend.js", "layers.js", "labels.js", "a11y.js")


@cache
def js_source(*names: str) -> str:
    """The JavaScript files ``names`` of :data:`FRONTEND_DIR`, joined and compacted.

    Comments and needless whitespace go (``rjsmin``); strings and code stay as written.

    Parameters
    ----------
    *names : str
        File names in :data:`FRONTEND_DIR`, in the order they are joined.

    Returns
    -------
    str
        The compacted source, one file per line.
    """
    import rjsmin  # small and pure Python; only maps need it

    return "\n".join(rjsmin.jsmin((FRONTEND_DIR / n).read_text(encoding="utf-8")) for n in names)


class _Scripts(MacroElement):
    """The map's browser code, once: the union of the files its elements name in ``js_files``.

    The first child of the map, so its functions exist before any element calls them; it
    looks at the elements when the map is rendered, so later layers (registry layers) count.
    It is part of the map's script (not the page header), as ``st_folium`` runs only that.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.source() }}\n{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "WijkradarScripts"

    def source(self) -> str:
        """The compacted code of every file an element of the map needs, in load order."""
        needed = {f for el in _walk(self._parent) for f in getattr(el, "js_files", ())}
        return js_source(*(f for f in _JS_FILES if f in needed))


def _with_scripts(m: folium.Map) -> None:
    """Give ``m`` its :class:`_Scripts` element (first child), unless it has one."""
    if not any(isinstance(el, _Scripts) for el in m._children.values()):
        m.add_child(_Scripts(), index=0)


def _call_template(function: str) -> Template:
    """The script of an element that calls ``function(map, data)`` (code in :class:`_Scripts`).

    The element's ``data_json`` (from :func:`script_json`) is the data; its parent is the map.
    """
    return Template(
        "{% macro script(this, kwargs) %}(function(){var d = {{ this.data_json }};\n"
        + function
        + "({{ this._parent.get_name() }},d);})();\n{% endmacro %}"
    )


def _layer_template(function: str) -> Template:
    """The script of a layer (in the layer control) that ``function(data)`` returns."""
    return Template(
        "{% macro script(this, kwargs) %}var {{ this.get_name() }} = (function(){"
        "var d = {{ this.data_json }};\nreturn " + function + "(d);})();\n{% endmacro %}"
    )


class _Control(MacroElement):
    """A Leaflet control: a legend (title + swatch rows) built with ``textContent``."""

    _template = _call_template("wrLegend")
    js_files = ("helpers.js", "legend.js")

    def __init__(self, legend: dict, *, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "WijkradarControl"
        self.data_json = script_json({**legend, "position": position, "css_class": css_class})


class _CompactChoropleth(MacroElement):
    """The buurt polygons in a compact form, with their tooltips.

    Rings are quantised to 1e-5 degree, delta-encoded and written as short text
    (:func:`geometry_payload`), styles come from one table and tooltip parts from arrays
    (texts many buurten share from one more table). Texts are JSON data, shown with
    ``textContent`` (``wrBuurten`` in ``kaart/buurten.js``).

    Like for like, over 5x smaller than ``GeoDataFrame.explore()`` (``bench/mapsize.py``);
    every buurt is one SVG path with class ``wr-buurt``.
    """

    _template = _call_template("wrBuurten")
    js_files = ("helpers.js", "buurten.js")

    def __init__(self, payload: dict) -> None:
        super().__init__()
        self._name = "WijkradarChoropleth"
        self.data_json = script_json(payload)


class _TextLayer(Layer):
    """GeoJSON features whose tooltips travel as data and are set with ``textContent``.

    Each feature's properties hold ``style`` (a Leaflet path style; points become circle
    markers) and optionally ``tip`` (``{"title": ..., "rows": [[label, value]], "lines": []}``).
    Used for hotspots, buurt types, wijkteam areas, initiatives and locations.
    """

    _template = _layer_template("wrTextLayer")
    js_files = ("helpers.js", "layers.js")

    def __init__(
        self, features: list[dict], *, name: str, show: bool = True, interactive: bool = True
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "WijkradarLayer"
        data = {"type": "FeatureCollection", "features": features, "interactive": interactive}
        self.data_json = script_json(data)


class _LineLayer(Layer):
    """Lines from :func:`wijk_lines`, as one path that takes no pointer events."""

    _template = _layer_template("wrLines")
    js_files = ("buurten.js",)

    def __init__(self, lines: dict, *, name: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "WijkradarLayer"
        self.data_json = script_json(lines)


def _features(frame: gpd.GeoDataFrame, styles: Sequence[dict], tips: Sequence[Any]) -> list:
    """GeoJSON features (EPSG:4326) with a style and a tooltip each."""
    shapes = frame.geometry.to_crs(4326) if frame.crs is not None else frame.geometry
    out = []
    for geom, style, tip in zip(shapes, styles, tips, strict=True):
        if geom is None or geom.is_empty:
            continue
        props: dict = {"style": style}
        if tip is not None:
            props["tip"] = tip
        out.append(
            {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}
        )
    return out


#: The 64 digits of the ring encoding (URL-safe base64's): no quote, backslash, brace or
#: angle bracket, so a ring is plain text in JSON, HTML, JavaScript and Jinja alike.
_DIGITS = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
)


def _encode_ring(values: np.ndarray) -> str:
    """Integers as zigzag varints: 5 bits a digit, least significant first.

    Digits 0-31 end a number, digits 32-63 say that more of it follows (``wrRing`` in
    ``kaart/buurten.js`` reads them). Zigzag maps 0, -1, 1, -2, ... to 0, 1, 2, 3, ..., so
    a small delta of either sign takes one or two characters instead of up to six.
    """
    v = np.asarray(values, dtype=np.int64)
    if not v.size:
        return ""
    z = ((v << 1) ^ (v >> 63)).astype(np.uint64)
    width = max(1, -(-int(z.max()).bit_length() // 5))
    shifts = np.arange(width, dtype=np.uint64) * np.uint64(5)
    groups = (z[:, None] >> shifts) & np.uint64(31)
    count = np.maximum(1, np.count_nonzero(z[:, None] >> shifts, axis=1))
    position = np.arange(width)
    more = position[None, :] < (count - 1)[:, None]
    digits = groups.astype(np.intp) + 32 * more
    return _DIGITS[digits[position[None, :] < count[:, None]]].tobytes().decode("ascii")


def _deltas(q: np.ndarray) -> np.ndarray:
    """Quantised points ``q`` (n x 2) as x, y, x, y, ... deltas; repeated points dropped."""
    q = q.astype(np.int64)
    d = np.vstack([q[:1], np.diff(q, axis=0)])
    keep = np.ones(len(d), dtype=bool)
    keep[1:] = np.any(d[1:] != 0, axis=1)
    return d[keep].ravel()


#: Coordinates of the map payloads are quantised to ``1 / _SCALE`` degree (about 1 m).
_SCALE = 1e5


def _origin(geometry: gpd.GeoDataFrame) -> tuple[float, float]:
    """The south-west corner of ``geometry``: the first point of every line is a delta from it."""
    minx, miny = (float(v) for v in geometry.total_bounds[:2])
    return minx, miny


def _encode_coords(coords, origin: tuple[float, float], *, ring: bool = False) -> str:
    """A line or ring quantised to ``1 / _SCALE`` degree, delta-encoded from ``origin``, as text.

    Written with :func:`_encode_ring` as x, y, x, y, ...; repeated points are dropped. A
    ``ring`` is left open (no closing point: Leaflet closes rings itself and wants them open).
    """
    q = np.round((np.asarray(coords)[:, :2] - origin) * _SCALE)
    if ring and len(q) > 3 and (q[0] == q[-1]).all():
        q = q[:-1]
    return _encode_ring(_deltas(q))


def _encode_geometry(geom, origin: tuple[float, float]) -> str:
    """A buurt's shape as text: polygons joined by ``|``, the rings of a polygon by a space.

    Each ring is written by :func:`_encode_coords` (open, the first point from ``origin``).
    """
    if geom is None or geom.is_empty:
        return ""
    polys = []
    for poly in getattr(geom, "geoms", [geom]):
        if not hasattr(poly, "exterior"):
            continue
        rings = [
            _encode_coords(r.coords, origin, ring=True) for r in [poly.exterior, *poly.interiors]
        ]
        polys.append(" ".join(rings))
    return "|".join(polys)


def geometry_payload(geometry: gpd.GeoDataFrame) -> dict:
    """The static part of the buurt layer: rings and buurt names.

    Rings are quantised to 1e-5 degree, delta-encoded and written as short text (see
    :func:`_encode_geometry`): about 2.3 characters per coordinate instead of 5 or 6.

    ``geometry`` comes from :func:`map_geometry` (EPSG:4326, ``buurtnaam``). The live map
    sends this once per gemeente; reruns send only :func:`value_payload`.

    Parameters
    ----------
    geometry : geopandas.GeoDataFrame
        Buurt polygons in EPSG:4326 with a ``buurtnaam`` column.

    Returns
    -------
    dict
        ``origin``, ``scale``, ``geom`` (one text per buurt) and ``naam``, in the order of
        ``geometry``.
    """
    origin = _origin(geometry)
    return {
        "origin": list(origin),
        "scale": _SCALE,
        "geom": [_encode_geometry(g, origin) for g in geometry.geometry],
        "naam": [str(n) for n in geometry["buurtnaam"]],
    }


def _value_payload(geo, mv: MapValues, styles, sc, factors, small) -> dict:
    """What changes with the values: the style table and the tooltip texts per buurt."""
    keys = [json.dumps(st, sort_keys=True) for st in styles]
    table = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(table)}
    payload: dict = {
        "styles": [json.loads(k) for k in table],
        "style": [index[k] for k in keys],
        "labels": [
            "Buurt",
            f"{mv.title} ({mv.unit}{'; ' + mv.source if mv.source else ''})",
            "Rang (1 = hoogste nood)",
            "Belangrijkste factoren",
            "Dekking (gewicht op waargenomen cijfers)",
        ],
        "waarde": [None if pd.isna(v) else str(v) for v in geo["label"]],
    }
    if sc is not None:
        payload["rang"] = [
            None
            if s or pd.isna(r)
            else [int(r), None if pd.isna(lo) else int(lo), None if pd.isna(hi) else int(hi)]
            for r, lo, hi, s in zip(
                sc["rang"], sc["rang_laag"], sc["rang_hoog"], small, strict=True
            )
        ]
        if "dekking" in sc.columns:
            payload["dekking"] = [
                None if s or pd.isna(c) else fmt_percent(c)
                for c, s in zip(sc["dekking"], small, strict=True)
            ]
        if factors is not None:
            texts = factors.reindex(geo.index).fillna("").astype(str)
            parts = [
                [p for p in t.split(", ") if p] if not s else []
                for t, s in zip(texts, small, strict=True)
            ]
            labels = list(dict.fromkeys(p for ps in parts for p in ps))
            pos = {p: i for i, p in enumerate(labels)}
            payload["factorlabels"] = labels
            payload["factoren"] = [[pos[p] for p in ps] for ps in parts]
    _share_texts(payload, ("waarde", "dekking"))
    return payload


def _share_texts(payload: dict, keys: Sequence[str]) -> None:
    """Texts that several buurten show go once into ``payload["teksten"]``.

    In the columns ``keys`` such a text becomes its index in that table (most frequent
    first); other texts and None stay as they are (``wrText`` in ``kaart/buurten.js`` reads
    both). "geen score (te weinig inwoners)" is then sent once, not for every small buurt.
    """
    counts = Counter(t for k in keys for t in payload.get(k, ()) if t is not None)
    table = [t for t, n in counts.most_common() if n > 1]
    if not table:
        return
    pos = {t: i for i, t in enumerate(table)}
    for k in keys:
        if k in payload:
            payload[k] = [t if t is None else pos.get(t, t) for t in payload[k]]
    payload["teksten"] = table


class _TileNotice(MacroElement):
    """Tells the user, on the map, when basemap tiles cannot be loaded."""

    _template = Template(
        "{% macro script(this, kwargs) %}wrTileNotice({{ this._parent.get_name() }},"
        "{{ this.tiles.get_name() }},{{ this.message_json }});\n{% endmacro %}"
    )
    js_files = ("layers.js",)

    def __init__(self, tiles: folium.TileLayer, message: str) -> None:
        super().__init__()
        self._name = "WijkradarTileNotice"
        self.tiles = tiles
        self.message_json = script_json(message)


class _A11y(MacroElement):
    """Accessibility of the map document (WCAG 2.1 AA), added after every layer.

    Sets ``lang="nl"`` and a Dutch title on the map document and, inside the app, on the
    iframe that holds it (``st_folium`` names it after the component); names the map
    container (``role="region"``) and points to the table with the same data; keeps the buurt
    paths out of the Tab order (the table is the keyboard route); adds the hatch pattern that
    "geen score" buurten are filled with. Texts travel as JSON data (:func:`script_json`)
    and are set with ``setAttribute``/``textContent``.
    """

    _template = _call_template("wrA11y")
    js_files = ("a11y.js",)

    def __init__(self, title: str, label: str) -> None:
        super().__init__()
        self._name = "WijkradarA11y"
        self.data_json = script_json({"title": title, "label": label, "pattern": NO_SCORE_PATTERN})


_NO_ZOOM = re.compile(r",\s*maximum-scale=1\.0,\s*user-scalable=no")


class _Map(folium.Map):
    """``folium.Map`` whose page may be zoomed (WCAG 1.4.4).

    folium's header sets ``maximum-scale=1.0, user-scalable=no`` on the viewport, which
    stops users from zooming the page (in the app's map iframe and in downloaded files).
    """

    def render(self, **kwargs):  # noqa: D102 (folium's render, then the viewport fixed)
        out = super().render(**kwargs)
        header = _figure(self).header
        element = header._children.get(self.get_name())
        text = getattr(element, "_template_str", None)
        if text:
            header.add_child(Element(_NO_ZOOM.sub("", text)), name=self.get_name())
        return out


def _line_swatch(border_top: str) -> dict:
    """Legend swatch style for a line layer (a short line instead of a filled box)."""
    return {"background": "transparent", "border": "none", "borderTop": border_top, "height": "0"}


#: The legend row of the wijk boundaries.
WIJK_LEGEND_ROW = {"swatch": _line_swatch("2px solid #212121"), "text": "wijkgrens"}


#: The map's styles (legend, notices, labels, focus); the live map component links the file.
CSS = "<style>\n" + (FRONTEND_DIR / "kaart.css").read_text(encoding="utf-8") + "</style>\n"

BASEMAP_ATTRIBUTION = {
    "pdok": 'Achtergrond: <a href="https://www.pdok.nl">PDOK</a> BRT-Achtergrondkaart, '
    "&copy; Kadaster",
    "osm": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers',
}


def value_payload(
    geometry: gpd.GeoDataFrame,
    mv: MapValues,
    *,
    scores: pd.DataFrame | None = None,
    factors: pd.Series | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = "ylorrd",
    fixed_bins: Sequence[float] | None = None,
    fixed_colours: Sequence[str] | None = None,
) -> dict:
    """What the buurt layer shows of ``mv``: classes, colours, tooltip texts and the legend.

    The part of a map that changes when weights, classes or colours change; the geometry
    (:func:`geometry_payload`) does not. Arguments as for :func:`build_map`.

    Parameters
    ----------
    geometry : geopandas.GeoDataFrame
        Buurt polygons from :func:`map_geometry`; fixes the order of the buurten.
    mv : MapValues
        Values, states and labels (:func:`map_values`).
    scores : pandas.DataFrame, optional
        Scores with ``rang``, ``rang_laag``, ``rang_hoog``, ``te_klein`` (and ``dekking``).
    factors : pandas.Series, optional
        Main factors per buurt (:func:`top_factors`).
    scheme, k, palette : str, int, str
        Classification scheme, number of classes, colour palette.
    fixed_bins, fixed_colours : sequence, optional
        All class bounds (lowest first) and one colour per class, instead of classifying.

    Returns
    -------
    dict
        ``buurten`` (``styles`` table, ``style`` index per buurt, tooltip ``labels``,
        ``waarde``, and ``rang``/``dekking``/``factoren`` when known) and ``legend``
        (``title``, ``note``, ``rows``).
    """
    geo = geometry[[]].join(mv.frame, how="left")
    lowest = None
    if fixed_bins is not None and fixed_colours is not None:
        lowest = float(fixed_bins[0])
        bins = np.asarray(fixed_bins[1:], dtype=float)
        colours = list(fixed_colours)
    else:
        bins = classify(geo["value"], scheme, k)
        colours = class_colours(palette, len(bins))
        if not mv.higher_is_worse:  # dark always marks the worrying end
            colours = colours[::-1]
    value = geo["value"].to_numpy(dtype=float)
    cls = class_index(value, bins)
    light = _lightest(mv, len(bins))
    fill = [
        colours[c] if np.isfinite(v) and colours else NO_SCORE_FILL
        for c, v in zip(cls, value, strict=True)
    ]
    status = geo["status"].fillna("ontbreekt").to_numpy()
    sc = scores.reindex(geo.index) if scores is not None else None
    small = (
        sc["te_klein"].fillna(True).astype(bool).to_numpy()
        if sc is not None
        else np.zeros(len(geo), dtype=bool)
    )
    styles = [
        {
            **_VALUE_STYLE,
            "fillColor": fc,
            **(_LIGHTEST_STYLE if c == light and len(bins) > 1 else {}),
        }
        if st == "waarde"
        else {**_VALUE_STYLE, **STATUS_STYLES[st][1], "fillColor": fc}
        if st in _VALUE_STATUSES
        else {**_VALUE_STYLE, **STATUS_STYLES[st][1]}
        for fc, st, c in zip(fill, status, cls, strict=True)
    ]
    counts = pd.Series(status).value_counts().to_dict()
    return {
        "buurten": _value_payload(geo, mv, styles, sc, factors, small),
        "legend": _legend(mv, bins, colours, counts, lowest=lowest),
    }


def build_map(
    geometry: gpd.GeoDataFrame,
    mv: MapValues,
    *,
    scores: pd.DataFrame | None = None,
    factors: pd.Series | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = "ylorrd",
    tile_url: str | None = None,
    basemap: str = "pdok",
    leaflet_js: str = "",
    leaflet_css: str = "",
    wijken: bool = True,
    hotspots: pd.DataFrame | None = None,
    types: pd.Series | None = None,
    height: int = 620,
    labels: bool = True,
    highlight: str | None = None,
    fixed_bins: Sequence[float] | None = None,
    fixed_colours: Sequence[str] | None = None,
    route: str = "Dezelfde gegevens staan in de tabel onder de kaart.",
) -> folium.Map:
    """A folium map of ``mv`` on ``geometry`` (from :func:`map_geometry`).

    ``leaflet_js``/``leaflet_css`` are the URLs the browser loads Leaflet from (the app's
    static files); use :func:`standalone_html` for a file that opens offline. ``labels``
    adds wijk names (zoomed out) and buurt names (zoomed in); ``highlight`` is a buurtcode
    that gets a thick outline and that the map zooms to (the buurt search).
    ``route`` tells keyboard and screen-reader users where the same data is as text (the map
    region's accessible name).
    ``fixed_bins`` (all class bounds, lowest first) with ``fixed_colours`` (one per class)
    replace the classification, so several maps share one legend (change over time).

    Parameters
    ----------
    geometry : GeoDataFrame
        Buurt polygons from :func:`map_geometry` (``buurtnaam``, ``wijkcode``, ...).
    mv : MapValues
        Value, status and label per buurt (:func:`map_values`).
    scores : DataFrame, optional
        Output of ``score_buurten``: rank and interval in the tooltips; buurten marked
        ``te_klein`` show no figures.
    factors : Series, optional
        The main contributing indicators per buurt (text, :func:`top_factors`), for the
        tooltips.
    scheme : str
        Classification, a key of :data:`SCHEMES`.
    k : int
        Number of classes.
    palette : str
        A key of :data:`PALETTES`; dark always marks the worrying end.
    tile_url : str, optional
        Basemap tile template; None draws no basemap.
    basemap : str
        ``pdok`` or ``osm``, for the attribution.
    leaflet_js, leaflet_css : str
        URLs the browser loads Leaflet from (the app's static files); use
        :func:`standalone_html` for a file that opens offline.
    wijken : bool
        Draw the wijk boundaries (needs ``wijkcode``).
    hotspots : DataFrame, optional
        Output of :func:`models.hotspots`: a layer with the significant quadrants.
    types : Series, optional
        Type number per buurt (:func:`models.buurt_types`): a layer with the types.
    height : int
        Height of the map in pixels.
    labels : bool
        Add wijk names (zoomed out) and buurt names (zoomed in).
    highlight : str, optional
        A buurtcode that gets a thick outline and that the map zooms to (the buurt search).
    fixed_bins : sequence of float, optional
        All class bounds, lowest first; with ``fixed_colours`` they replace the
        classification, so several maps share one legend (change over time).
    fixed_colours : sequence of str, optional
        One colour per class of ``fixed_bins``.
    route : str
        Where keyboard and screen-reader users find the same data as text (the accessible
        name of the map region).

    Returns
    -------
    folium.Map
        The map; ``m.get_root().render()`` gives its HTML.
    """
    values = value_payload(
        geometry,
        mv,
        scores=scores,
        factors=factors,
        scheme=scheme,
        k=k,
        palette=palette,
        fixed_bins=fixed_bins,
        fixed_colours=fixed_colours,
    )
    payload = {**geometry_payload(geometry), **values["buurten"]}
    minx, miny, maxx, maxy = geometry.total_bounds
    m = _Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=12,
        tiles=None,
        control_scale=True,
        height=height,
    )
    tiles = None
    if tile_url:
        tiles = folium.TileLayer(
            tile_url,
            attr=BASEMAP_ATTRIBUTION.get(basemap, "Achtergrondkaart"),
            name="Achtergrondkaart",
            max_zoom=19,
            control=False,
        )
        tiles.add_to(m)
        _TileNotice(
            tiles, "Achtergrondkaart niet bereikbaar; de kaart toont alleen de buurten."
        ).add_to(m)
    _figure(m).header.add_child(Element(CSS), name="wijkradar_css")

    _CompactChoropleth(payload).add_to(m)

    if wijken and "wijkcode" in geometry.columns:
        _LineLayer(wijk_lines(geometry), name="Wijkgrenzen").add_to(m)
    for layer in category_overlays(hotspots, types):
        _category_layer(m, geometry, layer)
    legend = values["legend"]
    if wijken and "wijkcode" in geometry.columns:
        legend["rows"].append(WIJK_LEGEND_ROW)
    _Control(legend, position="bottomright", css_class="wr-legend").add_to(m)
    title = f"Kaart: {mv.title} per buurt"
    _figure(m).title = html_text(f"{title} · Wijkradar")
    _A11y(title, f"{title}. {route}").add_to(m)
    if labels:
        _Labels(label_payload(geometry)).add_to(m)
    bounds = [[miny, minx], [maxy, maxx]]
    if highlight is not None and highlight in geometry.index:
        target = geometry.loc[[highlight]]
        style = {"color": "#000000", "weight": 5, "fill": False, "className": "wr-gezocht"}
        tip = {"title": str(target["buurtnaam"].iloc[0]), "lines": ["gezochte buurt"]}
        _TextLayer(_features(target, [style], [tip]), name="Gezochte buurt").add_to(m)
        hx0, hy0, hx1, hy1 = target.total_bounds
        bounds = [[hy0, hx0], [hy1, hx1]]
    if hotspots is not None or types is not None or wijken:
        folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(bounds, max_zoom=15)
    _use_local_leaflet(m, leaflet_js, leaflet_css)
    _with_scripts(m)
    return m


def category_overlay(labels: pd.Series, name: str, colours: dict) -> dict | None:
    """A category layer (clusters, buurt types) as data: which buurten, styles, tooltips.

    Parameters
    ----------
    labels : pandas.Series
        Category text per buurtcode; buurten whose text is not in ``colours`` are left out.
    name : str
        Layer name (also the tooltip row label and the legend title).
    colours : dict
        Category text -> colour, in legend order.

    Returns
    -------
    dict or None
        ``name``, ``codes``, ``styles``, ``tips`` and ``legend``; None when no buurt has a
        category.
    """
    labels = labels[labels.isin(list(colours))]
    if labels.empty:
        return None
    rows = [
        {
            "swatch": {"background": colour, "opacity": "0.7", "border": f"3px solid {colour}"},
            "text": f"{text} ({int((labels == text).sum())})",
        }
        for text, colour in colours.items()
        if (labels == text).any()
    ]
    return {
        "name": name,
        "codes": [str(c) for c in labels.index],
        "styles": [
            {"color": colours[c], "weight": 3, "fillColor": colours[c], "fillOpacity": 0.35}
            for c in labels
        ],
        "tips": [{"rows": [[name, str(c)]]} for c in labels],
        "legend": {"title": name, "rows": rows},
    }


def wijk_lines(geometry: gpd.GeoDataFrame) -> dict:
    """Wijk boundaries as compact lines with their style (no tooltip).

    Each line is quantised and written as text like the buurt rings (:func:`geometry_payload`),
    its last point kept; ``wrLines`` in ``kaart/buurten.js`` draws them as one path.

    Parameters
    ----------
    geometry : geopandas.GeoDataFrame
        Buurt polygons in EPSG:4326 with a ``wijkcode`` column.

    Returns
    -------
    dict
        ``origin``, ``scale``, ``lines`` (one text per line) and ``style``.
    """
    boundaries = geometry.dissolve("wijkcode").boundary
    origin = _origin(geometry)
    lines = [
        _encode_coords(line.coords, origin)
        for shape in boundaries
        if shape is not None and not shape.is_empty
        for line in getattr(shape, "geoms", [shape])
    ]
    return {
        "origin": list(origin),
        "scale": _SCALE,
        "lines": lines,
        "style": {"color": "#212121", "weight": 2},
    }


def category_overlays(hotspots: pd.DataFrame | None, types: pd.Series | None) -> list[dict]:
    """The cluster layer (local Moran quadrants) and the buurt-type layer, as data.

    Parameters
    ----------
    hotspots : pandas.DataFrame or None
        With a ``kwadrant`` column per buurtcode.
    types : pandas.Series or None
        Buurt type number per buurtcode.

    Returns
    -------
    list of dict
        :func:`category_overlay` results of the layers that have buurten.
    """
    out = []
    if hotspots is not None and "kwadrant" in hotspots.columns:
        quadrant = hotspots["kwadrant"].map(QUADRANT_LABELS)
        colours_q = {QUADRANT_LABELS[q]: c for q, c in QUADRANT_COLOURS.items()}
        out.append(category_overlay(quadrant, HOTSPOT_LAYER, colours_q))
    if types is not None:
        names = types.dropna().astype(int).astype(str)
        colours_t = {f"Type {t}": CATEGORICAL[(int(t) - 1) % 7] for t in sorted(names.unique())}
        out.append(category_overlay("Type " + names, TYPE_LAYER, colours_t))
    return [o for o in out if o is not None]


def _category_layer(m, geometry, layer: dict) -> None:
    sub = geometry.loc[layer["codes"], ["geometry"]]
    # the user ticked this layer: it is shown (and ticked in the layer control) at once
    name = layer["name"]
    _TextLayer(_features(sub, layer["styles"], layer["tips"]), name=name, show=True).add_to(m)
    _Control(layer["legend"], position="bottomleft", css_class="wr-legend").add_to(m)


def label_payload(geometry: gpd.GeoDataFrame) -> dict:
    """Label points (inside each shape) for buurt names and, if known, wijk names.

    Parameters
    ----------
    geometry : geopandas.GeoDataFrame
        Buurt polygons with ``buurtnaam`` (and ``wijkcode``/``wijknaam`` for wijk names).

    Returns
    -------
    dict
        ``buurt`` and ``wijk``: lists of ``[lat, lon, name]``.
    """
    rd = geometry.to_crs(28992)

    def points(frame: gpd.GeoSeries, names) -> list:
        pts = frame.representative_point().to_crs(4326)
        return [
            [round(p.y, 6), round(p.x, 6), str(n)]
            for p, n in zip(pts, names, strict=True)
            if p is not None and not p.is_empty and str(n).strip()
        ]

    payload = {"buurt": points(rd.geometry, rd["buurtnaam"].fillna("")), "wijk": []}
    if "wijknaam" in rd.columns and "wijkcode" in rd.columns:
        wijken = rd[["wijkcode", "wijknaam", "geometry"]].dissolve("wijkcode", aggfunc="first")
        payload["wijk"] = points(wijken.geometry, wijken["wijknaam"].fillna(""))
    return payload


class _Labels(MacroElement):
    """Wijk names from zoom 11 to 13 and buurt names from zoom 14 (set with textContent)."""

    _template = _call_template("wrLabels")
    js_files = ("helpers.js", "labels.js")

    def __init__(self, payload: dict) -> None:
        super().__init__()
        self._name = "WijkradarLabels"
        self.data_json = script_json(payload)


def _figure(m: folium.Map) -> Figure:
    root = m.get_root()
    assert isinstance(root, Figure)
    return root


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _drop_cdn_assets(m: folium.Map) -> None:
    """Remove the CDN scripts and styles every element but the map itself declares."""
    for el in _walk(m):
        if el is not m and hasattr(el, "default_js"):
            el.default_js = []
        if el is not m and hasattr(el, "default_css"):
            el.default_css = []


def _use_local_leaflet(m: folium.Map, js_url: str, css_url: str) -> None:
    """Point the map at local Leaflet and drop every other (CDN) asset."""
    _drop_cdn_assets(m)
    m.default_js = []
    m.default_css = []
    if js_url:
        m.default_js = [("leaflet", js_url)]
    if css_url:
        m.default_css = [("leaflet_css", css_url)]


def table_html(table: pd.DataFrame, caption: str) -> str:
    """``table`` as an escaped HTML table with a caption and column headers.

    Parameters
    ----------
    table : DataFrame
        The table (e.g. from :func:`map_table`).
    caption : str
        The caption.

    Returns
    -------
    str
        The ``<table>`` element.
    """
    head = "".join(f'<th scope="col">{html_text(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{html_text(v)}</th>' if j == 0 else f"<td>{html_text(v)}</td>"
            for j, v in enumerate("–" if pd.isna(x) else x for x in row)
        )
        + "</tr>"
        for row in table.itertuples(index=False)
    )
    return (
        f'<table class="wr-table"><caption>{html_text(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def standalone_html(
    m: folium.Map,
    settings: Settings,
    *,
    title: str = "",
    details: Sequence[str] = (),
    table: pd.DataFrame | None = None,
    data_version: str = "",
) -> str:
    """The map as one HTML file with Leaflet inline: it opens offline, without any CDN.

    ``title`` and ``details`` (e.g. gemeente, profile, date) become the page title and a
    header above the map. The map itself is not changed: the file is rendered from a copy,
    and scripts left by an earlier render (st_folium renames the elements when it renders)
    are dropped, so the file holds exactly one map. ``table`` (from :func:`map_table`) goes
    below the map as the keyboard and screen-reader route to the same data. The document is
    Dutch (``lang="nl"``) and may be zoomed. ``data_version`` (a
    :func:`wijkradar.dataversion.data_version_label`) goes in the header as its own line.

    Parameters
    ----------
    m : folium.Map
        The map (:func:`build_map`).
    settings : Settings
        Where Leaflet is, to inline it.
    title : str
        Page title.
    details : sequence of str
        Lines of the header (e.g. gemeente, profile, date).
    table : DataFrame, optional
        Output of :func:`map_table`, placed below the map.
    data_version : str
        A :func:`wijkradar.dataversion.data_version_label`, for the header.

    Returns
    -------
    str
        The HTML document.
    """
    js, css = inline_leaflet(settings)
    copy = deepcopy(m)
    _use_local_leaflet(copy, "", "")
    fig = _figure(copy)
    fig.script._children.clear()  # every element adds its script again when rendered
    for name in [k for k in fig.html._children if k.startswith("map_")]:
        del fig.html._children[name]  # map divs of earlier renders under other ids
    for name in ("leaflet", "leaflet_css"):  # links added by an earlier render
        fig.header._children.pop(name, None)
    fig.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline", index=0)
    fig.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline", index=1)
    if title or details or data_version:
        fig.title = html_text(title)
        fig.header.add_child(Element(_HEADER_CSS), name="wijkradar_header_css")
        version = f"<p>dataversie {html_text(data_version)}</p>" if data_version else ""
        head = (
            f'<header class="wr-kop"><h1>{html_text(title)}</h1>'
            f"<p>{html_text(' · '.join(str(d) for d in details if d))}</p>{version}</header>"
        )
        fig.html.add_child(Element(head), name="wijkradar_kop", index=0)
    if table is not None:
        fig.html.add_child(
            Element(f"<main>{table_html(table, 'Tabel bij de kaart')}</main>"), name="wr_table"
        )
    return fig.render().replace("<html>", '<html lang="nl">', 1)


_HEADER_CSS = """<style>
.wr-kop {font: 14px/1.4 system-ui, sans-serif; padding: 8px 12px; color: #212121;}
.wr-kop h1 {font-size: 20px; margin: 0 0 2px 0;}
.wr-kop p {margin: 0; color: #424242;}
</style>"""


#: Colour per initiative theme (Okabe-Ito, colour-blind safe).
THEME_COLOURS = dict(zip(THEMES, [*CATEGORICAL[:6], "#000000"], strict=True))


def _wgs84(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a point, with ``lon``/``lat`` added (from RD New ``x``/``y``)."""
    pts = frame.dropna(subset=["x", "y"]).copy()
    if pts.empty:
        return pts.assign(lon=[], lat=[])
    g = gpd.GeoSeries(gpd.points_from_xy(pts["x"], pts["y"]), crs=28992).to_crs(4326)
    pts["lon"], pts["lat"] = g.x.to_numpy(), g.y.to_numpy()
    return pts


def add_registry_layers(
    m: folium.Map,
    geometry: gpd.GeoDataFrame,
    *,
    initiatieven: pd.DataFrame | None = None,
    locaties: pd.DataFrame | None = None,
    wijkteams: pd.DataFrame | None = None,
    toewijzing: pd.DataFrame | None = None,
) -> folium.Map:
    """Initiatives by theme, wijkteam areas and offices, and locations as map layers.

    Texts that came from a user (names, notes) travel as JSON data and are shown with
    ``textContent`` in the browser: never HTML, JavaScript source or template text.

    Parameters
    ----------
    m : folium.Map
        The map to add to.
    geometry : GeoDataFrame
        The buurt polygons of the map (for the wijkteam areas).
    initiatieven : DataFrame, optional
        The registry's initiatives.
    locaties : DataFrame, optional
        The registry's locations.
    wijkteams : DataFrame, optional
        The registry's wijkteams (office addresses).
    toewijzing : DataFrame, optional
        Buurtcode -> wijkteam, for the areas.

    Returns
    -------
    folium.Map
        ``m``.
    """
    legend: dict = {"title": "", "rows": []}  # one legend for every registry layer (WCAG 1.4.1)
    if initiatieven is not None and not initiatieven.empty:
        pts = _wgs84(initiatieven)
        styles = [
            _point_style(THEME_COLOURS.get(t, "#000000"), 6, "#212121", 1) for t in pts["thema"]
        ]
        tips = [
            {
                "title": _str(rec["naam"]),
                "lines": [
                    f"{_str(rec['thema'])} · {_str(rec['status'])}",
                    _str(rec.get("organisatie")),
                ],
            }
            for rec in pts.to_dict("records")
        ]
        _TextLayer(_point_features(pts, styles, tips), name="Initiatieven (per thema)").add_to(m)
        shown = sorted(set(initiatieven["thema"]) & set(THEME_COLOURS))
        legend["title"] = "Initiatieven"
        legend["rows"] += [
            {"swatch": {"background": THEME_COLOURS[t], "borderRadius": "50%"}, "text": t}
            for t in shown
        ]
    if toewijzing is not None and not toewijzing.empty and "wijkcode" in geometry:
        areas = geometry.join(toewijzing.set_index("buurtcode")["wijkteam_id"], how="inner")
        if not areas.empty:
            dissolved = areas.dissolve("wijkteam_id")
            names: dict = {}
            if wijkteams is not None and not wijkteams.empty:
                names = wijkteams.set_index("id")["naam"].astype(str).to_dict()
            style = {"color": "#0072b2", "weight": 3, "dashArray": "8 4", "fill": False}
            areas_tips = [{"rows": [["Wijkteam", str(names.get(t, t))]]} for t in dissolved.index]
            _TextLayer(
                _features(dissolved, [style] * len(dissolved), areas_tips),
                name="Werkgebieden wijkteams",
                show=False,
            ).add_to(m)
            legend["rows"].append(
                {
                    "swatch": _line_swatch("3px dashed #0072b2"),
                    "text": "werkgebied wijkteam (laag in de lagenkeuze)",
                }
            )
    frames = []
    if wijkteams is not None and not wijkteams.empty:
        frames.append(_wgs84(wijkteams).assign(_soort="Wijkteam"))
    if locaties is not None and not locaties.empty:
        loc = _wgs84(locaties)
        frames.append(loc.assign(_soort=loc["soort"].map(_str)))
    frames = [f for f in frames if not f.empty]
    if frames:
        pts = pd.concat(frames, ignore_index=True)
        style = _point_style("#ffffff", 7, "#000000", 2)
        tips = [
            {"title": _str(n), "lines": [k]}
            for n, k in zip(pts["naam"], pts["_soort"], strict=True)
        ]
        _TextLayer(
            _point_features(pts, [style] * len(pts), tips), name="Wijkteams en locaties"
        ).add_to(m)
        legend["rows"].append(
            {
                "swatch": {
                    "background": "#ffffff",
                    "border": "2px solid #000000",
                    "borderRadius": "50%",
                },
                "text": "wijkteam of locatie",
            }
        )
    if legend["rows"]:
        _Control(legend, position="bottomleft", css_class="wr-legend").add_to(m)
    _layer_control_last(m)
    _drop_cdn_assets(m)
    _with_scripts(m)
    return m


def _str(value) -> str:
    """Text of a cell; missing values become an empty string."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _point_style(fill: str, radius: int, line: str, weight: int) -> dict:
    return {
        "radius": radius,
        "color": line,
        "weight": weight,
        "fill": True,
        "fillColor": fill,
        "fillOpacity": 0.9,
    }


def _point_features(pts: pd.DataFrame, styles: list[dict], tips: list[dict]) -> list[dict]:
    """GeoJSON point features from ``lon``/``lat`` columns (see :func:`_wgs84`)."""
    return [
        {
            "type": "Feature",
            # 1e-6 degree (about 0.1 m): the full float of the projection is noise
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {"style": style, "tip": tip},
        }
        for lon, lat, style, tip in zip(pts["lon"], pts["lat"], styles, tips, strict=True)
    ]


def _layer_control_last(m: folium.Map) -> None:
    """Move the layer control after every layer: its script refers to them by name."""
    controls = [k for k, v in m._children.items() if isinstance(v, folium.LayerControl)]
    for key in controls:
        m._children[key] = m._children.pop(key)
