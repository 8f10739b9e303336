"""Map size, like for like (issue #16, target 5): Wijkradar's map against ``explore()``.

Every map gets the SAME input geometry (the buurt polygons the pipeline receives, as they
come from the source) and the SAME tooltip fields (buurt, value, rank with its range, main
factors, coverage: what Wijkradar's tooltip shows), and is a choropleth (``explore()`` with
``column=`` and 5 quantile classes). Compared:

- Wijkradar: ``build_map`` on ``map_geometry`` (coverage simplification, compact encoding),
  choropleth and tooltips only (no wijk lines, no name labels);
- ``GeoDataFrame.explore()`` on the input geometry (what a notebook user would write) and on
  Wijkradar's simplified geometry (isolates the encoding);
- a plain ``folium.GeoJson`` with a style function and a ``GeoJsonTooltip``, on both.

Cases: Amersfoort and Almere (CBS 2024 *gegeneraliseerd* polygons, about 6.7 vertices per
buurt: what the shared data holds), all NL (the coarse 2014 national scale fixture, drawn at
the national tolerance of 150 m) and FULL RESOLUTION: the buurten of Baarn (GM0308) from the
CBS Wijk- en buurtkaart 2024 (about 147 vertices per buurt, coordinates to 1e-7 degree, a
valid coverage), read at run time from ../shared/data and never written anywhere. No
full-resolution polygons of Amersfoort, Almere or all NL exist in ../shared/data (see its
PROVENANCE.md, "Gaps"); Baarn is the full-resolution case. Raw and gzip (level 6, what web
servers typically send) sizes in bytes; the target is >= 5x smaller than ``explore()``.

Run alone with ``python bench/mapsize.py`` or through ``make bench`` (bench/run.py).
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench.fetch import loopback_settings  # noqa: E402
from tests.loopback import LoopbackServer, build_data, shared_data_dir  # noqa: E402
from wijkradar.pipeline import build_from_files, fetch_gemeente  # noqa: E402
from wijkradar.profiles import shipped_profile  # noqa: E402
from wijkradar.render.maps import (  # noqa: E402
    MapValues,
    build_map,
    class_colours,
    classify,
    map_geometry,
    map_values,
    top_factors,
)
from wijkradar.scoring import score_gemeente  # noqa: E402

__all__ = ["run", "BAARN_KAART"]

BAARN_KAART = "geo/cbs_wijkenbuurtenkaart_2024_buurten_GM0308_Baarn_schema_sample.geojson"
FIELDS = ["buurt", "waarde", "rang", "factoren", "dekking"]


def _size(html: str) -> tuple[int, int]:
    raw = html.encode("utf-8")
    return len(raw), len(gzip.compress(raw, compresslevel=6, mtime=0))


def _html(m) -> str:
    return m.get_root().render()


def _tips(geometry: gpd.GeoDataFrame, mv: MapValues, scores, factors) -> pd.DataFrame:
    """The texts of Wijkradar's tooltip as columns, for the other maps."""
    out = pd.DataFrame(index=geometry.index)
    out["buurt"] = geometry["buurtnaam"].astype(str)
    out["waarde"] = mv.frame["label"].reindex(out.index).astype(str)
    if scores is not None:
        sc = scores.reindex(out.index)
        out["rang"] = [
            "" if pd.isna(r) else f"{int(r)} ({int(lo)}-{int(hi)})"
            for r, lo, hi in zip(sc["rang"], sc["rang_laag"], sc["rang_hoog"], strict=True)
        ]
        out["dekking"] = (
            (sc["dekking"] * 100).round().map(lambda v: "" if pd.isna(v) else f"{v:.0f}%")
        )
    if factors is not None:
        out["factoren"] = factors.reindex(out.index).fillna("").astype(str)
    return out[[c for c in FIELDS if c in out.columns]]


def _plain_geojson(frame: gpd.GeoDataFrame, fields: list[str]) -> str:
    """folium.GeoJson with a choropleth style function and a GeoJsonTooltip."""
    import folium

    bins = classify(frame["value"], "quantiles", 5)
    colours = class_colours("ylorrd", len(bins))
    cls = np.searchsorted(bins, frame["value"].to_numpy(dtype=float), side="left")
    frame = frame.assign(fill=[colours[min(c, len(colours) - 1)] for c in cls])
    minx, miny, maxx, maxy = frame.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12)
    folium.GeoJson(
        frame[[*fields, "fill", "geometry"]],
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#ffffff",
            "weight": 1,
            "fillOpacity": 0.75,
        },
        tooltip=folium.GeoJsonTooltip(fields=fields),
    ).add_to(m)
    return _html(m)


def _compare(name: str, raw: gpd.GeoDataFrame, mv, scores, factors, tolerance: float) -> dict:
    """Sizes of the five maps of one case; prints one block."""
    web = map_geometry(raw, tolerance=tolerance)
    ours = build_map(
        web,
        mv,
        scores=scores,
        factors=factors,
        wijken=False,
        labels=False,
        leaflet_js="/app/static/vendor/leaflet/leaflet.js",
        leaflet_css="/app/static/vendor/leaflet/leaflet.css",
        tile_url="https://example.invalid/{z}/{x}/{y}.png",
    )
    tips = _tips(raw, mv, scores, factors)
    fields = list(tips.columns)
    value = mv.frame["value"].reindex(raw.index)
    full = gpd.GeoDataFrame(tips.assign(value=value), geometry=raw.geometry).to_crs(4326)
    simple = gpd.GeoDataFrame(tips.assign(value=value), geometry=web.geometry, crs=web.crs)

    def explore(frame: gpd.GeoDataFrame) -> str:
        m = frame.explore(column="value", scheme="quantiles", k=5, tooltip=fields, popup=False)
        return _html(m)

    sizes = {
        "wijkradar": _size(_html(ours)),
        "explore_input": _size(explore(full)),
        "explore_simplified": _size(explore(simple)),
        "geojson_input": _size(_plain_geojson(full, fields)),
        "geojson_simplified": _size(_plain_geojson(simple, fields)),
    }
    vertices = int(np.sum([len(np.asarray(g.exterior.coords)) for g in _polygons(raw)]))
    row = {
        "name": f"map size {name}",
        "buurten": len(raw),
        "vertices_input": vertices,
        "vertices_per_buurt": vertices / max(len(raw), 1),
        "fields": fields,
        **{f"{k}_bytes": v[0] for k, v in sizes.items()},
        **{f"{k}_gzip": v[1] for k, v in sizes.items()},
    }
    ours_raw, ours_gz = sizes["wijkradar"]
    row["ratio_vs_explore"] = sizes["explore_input"][0] / ours_raw
    row["ratio_vs_explore_gzip"] = sizes["explore_input"][1] / ours_gz
    print(
        f"map size {name}: {len(raw)} buurten, {row['vertices_per_buurt']:.1f} vertices per "
        f"buurt (exteriors), tooltip {', '.join(fields)}",
        flush=True,
    )
    for key, (b, gz) in sizes.items():
        print(
            f"  {key:<20} {b / 1e3:>9.1f} kB  gzip {gz / 1e3:>8.1f} kB   "
            f"{b / ours_raw:>5.1f}x / gzip {gz / ours_gz:>5.1f}x of Wijkradar's"
        )
    print(
        f"  -> Wijkradar is {row['ratio_vs_explore']:.1f}x smaller than explore() "
        f"(gzip {row['ratio_vs_explore_gzip']:.1f}x); target >= 5x"
    )
    return row


def _polygons(frame: gpd.GeoDataFrame):
    for g in frame.geometry:
        if g is None or g.is_empty:
            continue
        yield from getattr(g, "geoms", [g])


def _gemeenten(shared: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        LoopbackServer(build_data(shared), page_size=10_000) as srv,
    ):
        s = loopback_settings(srv, Path(tmp))
        for gm, name in (("GM0307", "Amersfoort"), ("GM0034", "Almere")):
            out[name] = fetch_gemeente(gm, settings=s)
    # full resolution: the CBS Wijk- en buurtkaart 2024 buurten of Baarn, geometry and
    # attributes read from the shared file at run time (build_from_files, as --van does)
    out["Baarn (full resolution)"] = build_from_files([shared / BAARN_KAART], "GM0308")
    return out


def run(shared: Path | None = None) -> list[dict]:
    """Compare map sizes for each case; return the result rows."""
    shared = shared or shared_data_dir()
    profile = shipped_profile("kansrijke-wijk")
    rows = []
    for name, data in _gemeenten(shared).items():
        raw = data.buurten[["buurtnaam", "wijkcode", "geometry"]]
        if name.startswith("Baarn"):
            # Baarn's kaart has composition only (income, benefits and distances are all
            # -99995), which no profile may score: map an indicator, tooltip buurt + value
            small = pd.DataFrame({"te_klein": False}, index=raw.index)
            mv = map_values(small, data, "pct_65plus")
            rows.append(_compare(name, raw, mv, None, None, tolerance=10.0))
            continue
        scores = score_gemeente(data, profile, seed=1, draws=200)
        mv = map_values(scores, data, "score")
        factors = top_factors(scores, data.catalogue)
        rows.append(_compare(name, raw, mv, scores, factors, tolerance=10.0))
    rows.append(_national(shared, profile))
    return rows


def _national(shared: Path, profile) -> dict:
    """All NL: the 2014 scale fixture, scored on the synthesized national frame."""
    from bench.run import national_geometry
    from models import score_buurten
    from tests.national import national_frame

    geo = national_geometry(shared)
    frame = national_frame(shared)
    joined = geo.join(frame, how="left")
    scores = score_buurten(joined.drop(columns="geometry"), profile, seed=1, draws=0)
    mv = MapValues(
        title="Prioriteitsscore",
        unit="0-100",
        frame=pd.DataFrame(
            {
                "value": scores["score"],
                "status": np.where(scores["score"].notna(), "waarde", "geen_score"),
                "label": scores["score"].round(1).astype(str),
            },
            index=scores.index,
        ),
    )
    raw = joined.assign(buurtnaam=joined["statnaam"])[["buurtnaam", "wijkcode", "geometry"]]
    return _compare("all NL (2014 fixture)", raw, mv, None, None, tolerance=150.0)


if __name__ == "__main__":
    run()
