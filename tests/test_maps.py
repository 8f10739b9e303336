"""Map building, classification, local Leaflet assets, buurt profile and exports (fixtures)."""

from __future__ import annotations

import json
import re
import warnings
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon

from geo.sources.tiles import basemap_reachable
from wijkradar import Settings
from wijkradar.dataversion import data_version, data_version_label
from wijkradar.escape import html_text
from wijkradar.render.assets import AssetError, inline_leaflet, install_static, leaflet_dir
from wijkradar.render.export import ranking_csv, ranking_gpkg, ranking_table
from wijkradar.render.maps import (
    NO_SCORE_FILL,
    PALETTES,
    STATUS_STYLES,
    build_map,
    class_colours,
    classify,
    fmt_number,
    map_geometry,
    map_table,
    map_values,
    standalone_html,
    top_factors,
)
from wijkradar.render.report import buurt_profile_html, indicator_profile

EVIL = '<img src=x onerror="alert(1)">'


def _grid(n: int = 3) -> gpd.GeoDataFrame:
    """n x n squares of 500 m in RD New, with a wiggly shared edge between the first two."""
    polys, codes = [], []
    for i in range(n):
        for j in range(n):
            x0, y0 = 150_000 + 500 * i, 450_000 + 500 * j
            polys.append(Polygon([(x0, y0), (x0 + 500, y0), (x0 + 500, y0 + 500), (x0, y0 + 500)]))
            codes.append(f"BU0001{i}{j}00")
    wiggle = [(150_500 + (3 if k % 2 else -3), 450_000 + 25 * k) for k in range(21)]
    polys[0] = Polygon([(150_000, 450_000), *wiggle, (150_000, 450_500)])
    both = Polygon([(150_000, 450_000), (151_000, 450_000), (151_000, 450_500), (150_000, 450_500)])
    polys[n] = both.difference(polys[0])
    frame = gpd.GeoDataFrame(
        {
            "buurtnaam": [f"Buurt {c}" for c in codes],
            "wijkcode": [f"WK0001{c[6]}0" for c in codes],
            "wijknaam": [f"Wijk {c[6]}" for c in codes],
        },
        geometry=polys,
        crs=28992,
        index=pd.Index(codes, name="buurtcode"),
    )
    frame.loc[codes[4], "buurtnaam"] = EVIL
    return frame


def _data_and_scores():
    buurten = _grid()
    codes = list(buurten.index)
    rng = np.random.default_rng(0)
    buurten["inwoners"] = [50, 400, 800, 900, 1200, 700, 60, 1500, 300]
    buurten["eenzaam"] = rng.uniform(10, 30, len(codes)).round(1)
    states = pd.DataFrame("aanwezig", index=buurten.index, columns=["inwoners", "eenzaam"])
    states.loc[codes[2], "eenzaam"] = "onderdrukt"
    states.loc[codes[3], "eenzaam"] = "wijkwaarde"
    buurten.loc[codes[2], "eenzaam"] = np.nan
    catalogue = pd.DataFrame(
        {
            "label": ["Aantal inwoners", "Eenzaam"],
            "domain": ["Bevolking", "Sociaal"],
            "unit": ["aantal", "%"],
            "direction": ["neutraal", "hoger_slechter"],
            "kind": ["registratie", "modelschatting"],
            "tabel": ["85984NED", "50090NED"],
            "periode": ["2024", "2020"],
        },
        index=pd.Index(["inwoners", "eenzaam"], name="id"),
    )
    data = SimpleNamespace(
        buurten=buurten,
        states=states,
        catalogue=catalogue,
        indicator_ids=["inwoners", "eenzaam"],
        reference=pd.DataFrame(
            {"inwoners": [5000.0, 1.8e7], "eenzaam": [20.0, 19.0]}, index=["gemeente", "nederland"]
        ),
        trend=pd.DataFrame(
            {
                "code": [codes[4], codes[4]],
                "period": ["2016", "2020"],
                "indicator": ["eenzaam", "eenzaam"],
                "value": [18.0, 21.0],
            }
        ),
        provenance=[{"titel": EVIL, "tabel": "X", "periode": "2020", "opgehaald": "nu"}],
        gemeentecode="GM0001",
        gemeentenaam="Testgemeente",
        jaar=2024,
    )
    small = buurten["inwoners"] < 100
    score = pd.Series(np.linspace(20, 90, len(codes)), index=buurten.index).where(~small)
    scores = pd.DataFrame(
        {
            "buurtnaam": buurten["buurtnaam"],
            "wijknaam": buurten["wijknaam"],
            "score": score,
            "rang": score.rank(ascending=False),
            "rang_laag": score.rank(ascending=False) - 1,
            "rang_hoog": score.rank(ascending=False) + 1,
            "kans_top": 0.5,
            "robuust_top": pd.array([False] * len(codes), dtype="boolean"),
            "zekerheid": 1.0,
            "reden": np.where(small, "geen score: minder dan 100 inwoners", ""),
            "te_klein": small,
            "n_geimputeerd": [0, 0, 0, 1, 0, 0, 0, 0, 0],
            "geimputeerd": "",
            "domein__Sociaal": score,
            "bijdrage__eenzaam": score,
        }
    )
    scores.attrs["top_k"] = 3
    return data, scores


def test_fmt_number_is_dutch():
    assert fmt_number(12345.678) == "12.345,7"
    assert fmt_number(float("nan")) == "–"
    assert fmt_number(3.0, 0) == "3"


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_classify_schemes(scheme):
    values = pd.Series([1, 2, 2, 3, 4, 8, 9, 10, 20, np.nan], dtype=float)
    bins = classify(values, scheme, 4)
    assert len(bins) == 4 and np.all(np.diff(bins) > 0)
    assert bins[-1] == 20
    # with few distinct values, k shrinks instead of warning
    assert len(classify(pd.Series([1.0, 1.0, 2.0]), scheme, 5)) <= 2


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numpy_schemes_give_mapclassifys_bounds(scheme, seed):
    """Quantiles and equal intervals skip mapclassify's imports but keep its class bounds."""
    import mapclassify

    rng = np.random.default_rng(seed)
    values = np.round(rng.gamma(2.0, 10.0, 300), int(seed))  # seed 0: many ties
    reference = {"quantiles": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval}
    for k in (2, 3, 5, 7, 9):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = np.unique(reference[scheme](values, k=k).bins)
        got = classify(pd.Series(values), scheme, k)
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_classify_rejects_unknown_scheme():
    with pytest.raises(
        ValueError, match="klassenindeling 'jenks2' is onbekend; kies uit: quantiles"
    ):
        classify(pd.Series([1.0, 2.0]), "jenks2", 3)


def test_map_geometry_keeps_shared_edges():
    grid = _grid()
    geo = map_geometry(grid, tolerance=20.0)
    assert geo.crs.to_epsg() == 4326
    before = sum(len(shapely.get_coordinates(g)) for g in grid.geometry)
    after = sum(len(shapely.get_coordinates(g)) for g in geo.geometry)
    assert after < before  # the wiggle was simplified
    rd = geo.to_crs(28992)
    # no gaps and no overlaps between the simplified neighbours
    union = shapely.union_all(rd.geometry.values)
    assert abs(union.area - rd.area.sum()) < 1e-5 * rd.area.sum()  # ~1 m rounding only
    assert rd.geometry.iloc[0].intersection(rd.geometry.iloc[3]).area < 1.0
    assert rd.geometry.iloc[0].touches(rd.geometry.iloc[3])


def test_map_values_keeps_states_apart_and_hides_small_buurten():
    data, scores = _data_and_scores()
    codes = list(data.buurten.index)
    mv = map_values(scores, data, "eenzaam")
    st = mv.frame["status"]
    assert st[codes[0]] == "geen_score" and np.isnan(mv.frame.loc[codes[0], "value"])
    assert st[codes[6]] == "geen_score"
    assert (
        st[codes[2]] == "onderdrukt" and mv.frame.loc[codes[2], "label"] == "onderdrukt door bron"
    )
    assert st[codes[3]] == "geschat" and "geschat uit wijkwaarde" in mv.frame.loc[codes[3], "label"]
    assert st[codes[4]] == "waarde"
    score = map_values(scores, data, "score").frame["status"]
    # a score resting partly on filled-in values is 'aangevuld', not 'geschat uit wijkwaarde'
    assert score[codes[3]] == "aangevuld" and score[codes[0]] == "geen_score"


def test_build_map_escapes_uses_local_leaflet_and_styles_states(fake_leaflet):
    data, scores = _data_and_scores()
    geo = map_geometry(data.buurten)
    mv = map_values(scores, data, "score")
    m = build_map(
        geo,
        mv,
        scores=scores,
        factors=top_factors(scores, data.catalogue),
        leaflet_js="/app/static/vendor/leaflet/leaflet.js",
        leaflet_css="/app/static/vendor/leaflet/leaflet.css",
        tile_url="http://127.0.0.1:9/{z}/{x}/{y}.png",
    )
    html = m.get_root().render()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    links = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert scripts == ["/app/static/vendor/leaflet/leaflet.js"]
    assert links == ["/app/static/vendor/leaflet/leaflet.css"]
    assert "<img" not in html  # names travel as JSON data, set with textContent
    assert "\\u003cimg src=x onerror=" in html
    assert NO_SCORE_FILL in html
    assert "geen score (te weinig inwoners) (2)" in html
    assert "aangevuld met gemeentegemiddelde (1)" in html
    assert "Achtergrondkaart niet bereikbaar" in html
    payload = json.loads(
        re.search(r"var d = (\{.*?\});\n", html, re.S).group(1)  # type: ignore[union-attr]
    )
    assert len(payload["geom"]) == len(payload["style"]) == len(payload["naam"]) == 9
    assert set(payload) <= {
        "origin",
        "scale",
        "geom",
        "styles",
        "style",
        "labels",
        "naam",
        "waarde",
        "rang",
        "factoren",
        "factorlabels",
        "teksten",
    }
    assert EVIL in payload["naam"]  # raw text: the browser shows it with textContent
    assert payload["rang"][0] is None  # under the minimum population: no rank shown
    # texts several buurten share are sent once; each buurt keeps its own text
    waarde = [payload["teksten"][v] if isinstance(v, int) else v for v in payload["waarde"]]
    assert waarde == mv.frame["label"].reindex(geo.index).tolist()
    assert payload["waarde"].count(0) == 2 and "geen score (te weinig inwoners)" in waarde
    # decoding every ring gives back the (simplified) coordinates within 1e-5
    for text, shape in zip(payload["geom"], geo.geometry, strict=True):
        assert set(text) <= set(_DIGITS + " |")  # plain text in JSON, HTML, JS and Jinja
        polygons = [p.split(" ") for p in text.split("|")]
        assert len(polygons) == len(getattr(shape, "geoms", [shape]))
        flat = np.cumsum(np.array(_varints(polygons[0][0])).reshape(-1, 2), axis=0)
        decoded = flat / payload["scale"] + payload["origin"]
        original = np.asarray(shape.exterior.coords)
        assert np.abs(decoded - original[: len(decoded)]).max() < 2e-5
        assert len(decoded) == len(original) - 1  # open ring: Leaflet adds the closing point

    standalone = standalone_html(m, fake_leaflet)
    assert "<script src" not in standalone.replace("<script src=x", "")
    assert "window.L={};" in standalone
    assert "data:image/png;base64," in standalone
    # the data version goes in the header, as escaped text
    header = standalone_html(m, fake_leaflet, title="Kaart", data_version="GM0307 <b>x</b>")
    assert "<p>dataversie GM0307 &lt;b&gt;x&lt;/b&gt;</p></header>" in header
    assert "dataversie" not in standalone


_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _varints(text: str) -> list[int]:
    """The numbers of a ring: zigzag varints, 5 bits a digit, digits >= 32 continue."""
    out, value, shift = [], 0, 0
    for ch in text:
        digit = _DIGITS.index(ch)
        value |= (digit & 31) << shift
        shift += 5
        if digit < 32:
            out.append(value >> 1 if value % 2 == 0 else -((value + 1) >> 1))
            value, shift = 0, 0
    return out


def test_ring_encoding_round_trips_large_and_negative_numbers():
    from wijkradar.render.maps import _encode_ring

    rng = np.random.default_rng(3)
    values = np.concatenate(
        [[0, -1, 1, -16, 15, 16, -17, 511, -512, 2**40, -(2**40)], rng.integers(-9e5, 9e5, 500)]
    )
    assert _varints(_encode_ring(values)) == values.tolist()
    assert _encode_ring(np.array([0, -1, 1, 15, 16])) == "ABCe" + "gB"  # 0,1,2,30; 32=0+1*32
    assert _encode_ring(np.array([], dtype=int)) == ""


def test_wijk_lines_decode_to_the_wijk_boundaries():
    from wijkradar.render.maps import wijk_lines

    data, _scores = _data_and_scores()
    geo = map_geometry(data.buurten)
    lines = wijk_lines(geo)
    assert set(lines) == {"origin", "scale", "lines", "style"}
    boundaries = geo.dissolve("wijkcode").boundary
    assert len(lines["lines"]) == sum(len(getattr(b, "geoms", [b])) for b in boundaries)
    for text, line in zip(lines["lines"], boundaries, strict=True):
        assert set(text) <= set(_DIGITS)
        flat = np.cumsum(np.array(_varints(text)).reshape(-1, 2), axis=0)
        decoded = flat / lines["scale"] + lines["origin"]
        original = np.asarray(line.coords)
        assert len(decoded) == len(original)  # the last point stays: the line is closed
        assert np.abs(decoded - original).max() < 2e-5


def test_leaflet_assets(fake_leaflet, tmp_path):
    target = install_static(fake_leaflet, tmp_path / "static")
    assert (target / "leaflet.js").read_text().endswith("window.L={};")
    assert (target / "images" / "layers.png").is_file()
    install_static(fake_leaflet, tmp_path / "static")  # idempotent
    js, css = inline_leaflet(fake_leaflet)
    assert "url(data:image/png;base64," in css
    missing = Settings(leaflet_dir=tmp_path / "nowhere")
    with pytest.raises(AssetError, match="Leaflet niet gevonden"):
        leaflet_dir(missing)
    old = tmp_path / "old"
    old.mkdir()
    (old / "leaflet.js").write_text("/* Leaflet 1.7.1 */")
    (old / "leaflet.css").write_text("")
    with pytest.raises(AssetError, match="heeft 1.9"):
        leaflet_dir(Settings(leaflet_dir=old))


def test_buurt_profile_html_is_escaped_and_discloses_nothing_for_small_buurten():
    data, scores = _data_and_scores()
    codes = list(data.buurten.index)
    page = buurt_profile_html(data, scores, codes[4], profile_name="test<script>")
    assert "<script" not in page
    assert EVIL not in page and "&lt;img" in page
    assert "Trend gezondheidsmonitor" in page
    label = data_version_label(scores.attrs.get("data_version") or data_version(data))
    assert f"<p>dataversie {html_text(label)}</p>" in page  # which data the page shows
    small = buurt_profile_html(data, scores, codes[0], profile_name="p")
    assert "Geen score" in small and "niet getoond" in small
    table = indicator_profile(data, scores, codes[0])
    assert (table["Buurt"] == "niet getoond").all()
    table = indicator_profile(data, scores, codes[2])
    assert table.loc["eenzaam", "Status"] == "onderdrukt door bron"
    counts = indicator_profile(data, scores, codes[1])
    assert counts.loc["inwoners", "Buurt"] == "400"  # counts without decimals
    assert counts.loc["inwoners", "Nederland"] == "18.000.000"


def test_ranking_exports_round_trip(tmp_path):
    data, scores = _data_and_scores()
    table = ranking_table(data, scores)
    assert table["rang"].dropna().is_monotonic_increasing
    csv = tmp_path / "r.csv"
    csv.write_bytes(ranking_csv(table))
    back = pd.read_csv(csv, index_col="buurtcode")
    assert list(back.index) == list(table.index)
    gpkg = tmp_path / "r.gpkg"
    gpkg.write_bytes(ranking_gpkg(data, table))
    frame = gpd.read_file(gpkg, layer="scores")
    assert len(frame) == 9 and frame.crs.to_epsg() == 28992
    assert "domein_Sociaal" in frame.columns


def test_basemap_reachable(server):
    assert basemap_reachable(server.tile_url)
    assert not basemap_reachable("http://127.0.0.1:9/{z}/{x}/{y}.png", timeout=1)
    assert not basemap_reachable(f"{server.base}/pdok/nothing/{{z}}/{{x}}/{{y}}.png")


def test_every_script_file_is_inlined_once_per_map(fake_leaflet):
    """Legend, buurten, labels, a11y, tile notice and every layer share one copy of the code."""
    from streamlit_folium import generate_leaflet_string

    from wijkradar.render.maps import _JS_FILES, add_registry_layers, js_source

    data, scores = _data_and_scores()
    codes = list(data.buurten.index)
    geo = map_geometry(data.buurten)
    hot = pd.DataFrame({"kwadrant": ["hoog-hoog"] * 3 + ["laag-laag"] * 6}, index=codes)
    types = pd.Series([1, 2, 3] * 3, index=codes)
    m = build_map(
        geo,
        map_values(scores, data, "score"),
        scores=scores,
        hotspots=hot,
        types=types,
        highlight=codes[2],
        tile_url="http://127.0.0.1:9/{z}/{x}/{y}.png",
    )
    # a map without registry layers still carries no code it does not call
    functions = {
        "helpers.js": "function wrTip(",
        "buurten.js": "function wrBuurten(",
        "legend.js": "function wrLegend(",
        "layers.js": "function wrTextLayer(",
        "labels.js": "function wrLabels(",
        "a11y.js": "function wrA11y(",
    }
    assert set(functions) == set(_JS_FILES)
    bare = build_map(geo, map_values(scores, data, "score"), wijken=False, labels=False)
    bare_html = bare.get_root().render()
    assert "function wrLabels(" not in bare_html and "function wrTextLayer(" not in bare_html
    assert bare_html.count("function wrTip(") == 1
    ini = pd.DataFrame(
        [{"naam": "a", "thema": "geldzorgen", "status": "lopend", "x": 150_200.0, "y": 450_200.0}]
    )
    add_registry_layers(m, geo, initiatieven=ini)
    html = m.get_root().render()
    streamlit = generate_leaflet_string(m)  # the script st_folium runs (not the header)
    offline = standalone_html(m, fake_leaflet)
    for text in (html, streamlit, offline):
        for name, function in functions.items():
            assert text.count(function) == 1, name
        assert text.count(js_source("helpers.js")) == 1
        # compact: no comments or indentation of the source files
        assert "/* Wijkradar map helpers" not in text and "var el = document" not in text
    # five layers, two legends, labels, a11y, tile notice and buurten: one copy, many calls
    assert html.count("wrTextLayer(d)") >= 5 and html.count("wrLegend(map_") >= 3


def test_registry_layers_escape_user_text_and_add_a_theme_legend():
    from wijkradar.render.maps import add_registry_layers

    data, scores = _data_and_scores()
    geo = map_geometry(data.buurten)
    m = build_map(geo, map_values(scores, data, "score"), scores=scores)
    ini = pd.DataFrame(
        [
            {
                "naam": EVIL,
                "thema": "geldzorgen",
                "status": "lopend",
                "organisatie": "<b>o</b>",
                "x": 150_200.0,
                "y": 450_200.0,
            },
            {
                "naam": "zonder punt",
                "thema": "overig",
                "status": "lopend",
                "organisatie": None,
                "x": None,
                "y": None,
            },
        ]
    )
    teams = pd.DataFrame(
        [{"id": "T1", "naam": "Team <i>Noord</i>", "fte": 2.0, "x": 150_600.0, "y": 450_600.0}]
    )
    tw = pd.DataFrame({"buurtcode": list(data.buurten.index[:3]), "wijkteam_id": "T1"})
    add_registry_layers(m, geo, initiatieven=ini, wijkteams=teams, toewijzing=tw)
    html = m.get_root().render()
    assert EVIL not in html and "<b>o</b>" not in html and "<i>Noord</i>" not in html
    assert "\\u003cb\\u003eo\\u003c/b\\u003e" in html  # data in JSON, not markup
    payloads = [json.loads(p) for p in re.findall(r"var d = (\{.*?\});\n", html, re.S)]
    points = [
        f["properties"]["tip"]
        for p in payloads
        for f in p.get("features", [])
        if f["geometry"]["type"] == "Point"
    ]
    # the initiative with a point and the wijkteam, texts raw (shown with textContent)
    assert points == [
        {"title": EVIL, "lines": ["geldzorgen · lopend", "<b>o</b>"]},
        {"title": "Team <i>Noord</i>", "lines": ["Wijkteam"]},
    ]
    assert "Initiatieven" in html and "geldzorgen" in html
    # the layer control comes after the layers it lists
    assert html.rindex("L.control.layers") > html.rindex("L.circleMarker")


def _json_payloads(html: str) -> list:
    return [json.loads(p) for p in re.findall(r"var d = (\{.*?\});\n", html, re.S)]


def _strings(obj) -> set[str]:
    if isinstance(obj, str):
        return {obj}
    if isinstance(obj, dict):
        return set().union(*(_strings(v) for v in obj.values()), set())
    if isinstance(obj, list):
        return set().union(*(_strings(v) for v in obj), set())
    return set()


def test_hostile_names_reach_every_map_element_only_as_json_data(fake_leaflet):
    """Template, JS and HTML payloads in buurt, indicator, initiative, team and location names."""
    from tests.hostile import HOSTILE, HOSTILE_NAME
    from wijkradar.render.maps import add_registry_layers

    data, scores = _data_and_scores()
    names = (HOSTILE * 2)[: len(data.buurten)]
    data.buurten["buurtnaam"] = names
    data.catalogue.loc["eenzaam", "label"] = HOSTILE_NAME
    geo = map_geometry(data.buurten)
    codes = list(data.buurten.index)
    hot = pd.DataFrame({"kwadrant": ["hoog-hoog"] * 3 + [None] * 6}, index=codes)
    types = pd.Series([1, 2, 3] * 3, index=codes)
    m = build_map(
        geo,
        map_values(scores, data, "eenzaam"),
        scores=scores,
        factors=top_factors(scores, data.catalogue),
        hotspots=hot,
        types=types,
        tile_url="http://127.0.0.1:9/{z}/{x}/{y}.png",
    )
    ini = pd.DataFrame(
        {
            "naam": HOSTILE,
            "thema": "geldzorgen",
            "status": "lopend",
            "organisatie": list(reversed(HOSTILE)),
            "x": 150_200.0,
            "y": 450_200.0,
        }
    )
    teams = pd.DataFrame([{"id": "T1", "naam": HOSTILE_NAME, "x": 150_600.0, "y": 450_600.0}])
    locs = pd.DataFrame({"naam": HOSTILE, "soort": HOSTILE, "x": 150_700.0, "y": 450_700.0})
    tw = pd.DataFrame({"buurtcode": codes[:3], "wijkteam_id": "T1"})
    add_registry_layers(m, geo, initiatieven=ini, wijkteams=teams, locaties=locs, toewijzing=tw)
    for html in (m.get_root().render(), standalone_html(m, fake_leaflet)):
        # nothing was evaluated as a template, and no markup or script end came through
        for bad in ("{{", "{%", "{#", "Koffie 49", "<img", "</script><script>alert"):
            assert bad not in html
        texts = _strings(_json_payloads(html))
        assert set(HOSTILE) <= texts  # every payload arrives unchanged, as data
        assert HOSTILE_NAME in texts
        # tooltip label of the indicator (with its source table and period when known)
        assert any(t.startswith(f"{HOSTILE_NAME} (%") for t in texts)


def test_not_published_thin_and_filled_in_are_kept_apart_up_to_the_legend(fake_leaflet):
    """#21 item 3 and #13 item 6: each state has its own status, label and legend row."""
    data, scores = _data_and_scores()
    codes = list(data.buurten.index)
    data.states["eenzaam"] = "niet_gepubliceerd"
    data.buurten["eenzaam"] = np.nan
    mv = map_values(scores, data, "eenzaam")
    assert (mv.frame.loc[codes[1:6], "status"] == "niet_gepubliceerd").all()
    assert mv.frame.loc[codes[1], "label"] == "nog niet gepubliceerd"
    assert mv.source == "bron 50090NED, 2020"
    scores.loc[codes[5], ["score", "reden"]] = [np.nan, "geen score (te weinig gegevens)"]
    scores.loc[codes[3], "geimputeerd"] = "eenzaam"
    sv = map_values(scores, data, "score").frame
    assert sv.loc[codes[5], "status"] == "te_weinig"
    assert sv.loc[codes[5], "label"] == "geen score (te weinig gegevens)"
    assert sv.loc[codes[3], "label"].endswith("(aangevuld met gemeentegemiddelde)")
    html = build_map(map_geometry(data.buurten), mv, scores=scores).get_root().render()
    assert "nog niet gepubliceerd (7)" in html  # 9 buurten, 2 too small
    html = build_map(map_geometry(data.buurten), map_values(scores, data, "score"), scores=scores)
    html = html.get_root().render()
    assert "geen score (te weinig gegevens) (1)" in html
    # 'waarom hoog' marks the contribution that rests on a filled-in value
    assert top_factors(scores, data.catalogue)[codes[3]] == "Eenzaam (aangevuld)"
    assert top_factors(scores, data.catalogue)[codes[4]] == "Eenzaam"


# -- accessibility (WCAG 2.1 AA) ---------------------------------------------------------------
def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


@pytest.mark.parametrize("palette", list(PALETTES))
@pytest.mark.parametrize("k", [3, 4, 5, 6, 7])
def test_map_classes_stay_apart_for_colour_vision_deficiencies(palette, k):
    """Adjacent classes differ by >= 6 CAM02-UCS units under full deuteranopia, protanopia
    and tritanopia (Machado et al. 2009 simulation, as in colorspacious), and under normal
    vision; the lightest class also stands apart from the white "geen gegevens" fill.

    About 1 unit is a just-noticeable difference for large patches; 6 keeps neighbouring
    buurten of adjacent classes apart at map scale. (The table below the map and the
    tooltips carry the same information without colour, WCAG 1.4.1.)
    """
    colorspacious = pytest.importorskip("colorspacious")
    colours = np.array([_rgb(c) for c in class_colours(palette, k)])
    white = _rgb(STATUS_STYLES["ontbreekt"][1]["fillColor"])  # type: ignore[arg-type]
    for cvd in (None, "deuteranomaly", "protanomaly", "tritanomaly"):
        if cvd is None:
            seen, seen_white = colours, white
        else:
            space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
            seen = np.clip(colorspacious.cspace_convert(colours, space, "sRGB1"), 0, 1)
            seen_white = np.clip(colorspacious.cspace_convert(white, space, "sRGB1"), 0, 1)
        adjacent = [colorspacious.deltaE(seen[i], seen[i + 1]) for i in range(k - 1)]
        assert min(adjacent) >= 6.0, (palette, k, cvd, np.round(adjacent, 1))
        assert colorspacious.deltaE(seen[0], seen_white) >= 6.0, (palette, k, cvd)


def test_map_is_dutch_named_zoomable_and_hatches_geen_score(fake_leaflet):
    data, scores = _data_and_scores()
    mv = map_values(scores, data, "score")
    m = build_map(map_geometry(data.buurten), mv, scores=scores, k=3)
    html = m.get_root().render()
    assert "user-scalable=no" not in html and "maximum-scale" not in html
    assert "<title>Kaart: Prioriteitsscore per buurt · Wijkradar</title>" in html
    assert "setAttribute('lang','nl')" in html and "frameElement" in html
    assert NO_SCORE_FILL == "url(#wr-geen-score)" and '"fillColor":"url(#wr-geen-score)"' in html
    assert "repeating-linear-gradient" in html  # the legend swatch shows the same hatch
    assert '"weight":1.4' in html  # the lightest class has the stronger outline
    table = map_table(mv, data.buurten["buurtnaam"], scores=scores, k=3)
    standalone = standalone_html(m, fake_leaflet, table=table)
    assert standalone.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert "<caption>Tabel bij de kaart</caption>" in standalone
    assert "&lt;img src=x" in standalone and "<img src=x" not in standalone
    assert standalone.count('<th scope="row">') == 9


def test_map_table_has_what_the_map_shows():
    data, scores = _data_and_scores()
    mv = map_values(scores, data, "score")
    table = map_table(mv, data.buurten["buurtnaam"], scores=scores, k=3)
    assert list(table.columns) == ["Buurt", "Prioriteitsscore", "Klasse", "Status", "Rang"]
    assert sorted(table.index) == sorted(data.buurten.index)
    scored = table[table["Rang"].notna()]
    # highest value first; the value text is the map's (Dutch) label, with its class bounds
    assert list(scored["Rang"]) == sorted(scored["Rang"])
    assert scored["Klasse"].iloc[0].startswith("3 van 3 (")
    assert scored["Klasse"].iloc[-1].startswith("1 van 3 (")
    assert "," in scored["Prioriteitsscore"].iloc[0]
    small = table[table["Status"] == "geen score (te weinig inwoners)"]
    assert len(small) == 2 and (small["Klasse"] == "–").all() and small["Rang"].isna().all()
    assert (table["Status"] == "aangevuld met gemeentegemiddelde").sum() == 1
