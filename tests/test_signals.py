"""Wrong signals a targeting tool must never give (issue 15): each test failed on the old code."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from streamlit_folium import generate_leaflet_string

from tests.conftest import add_indicator
from tests.test_maps import EVIL, _data_and_scores
from wijkradar.render.maps import (
    HOTSPOT_LAYER,
    PALETTES,
    build_map,
    map_geometry,
    map_values,
    standalone_html,
    top_factors,
)
from wijkradar.render.report import buurt_profile_html, nearby_display


def _payload(html: str) -> dict:
    return json.loads(re.search(r"var d = (\{.*?\});\n", html, re.S).group(1))  # type: ignore[union-attr]


def _with_good_health():
    """The fixture plus 'ervaren gezondheid goed' (hoger_beter), highest in buurt 8."""
    data, scores = _data_and_scores()
    codes = list(data.buurten.index)
    add_indicator(
        data,
        "gezond",
        np.linspace(60, 90, len(codes)),
        label="Ervaren gezondheid goed of zeer goed",
        domain="Gezondheid",
        unit="%",
        kind="modelschatting",
        tabel="50120NED",
    )
    return data, scores, codes


def test_higher_is_better_indicator_marks_the_low_values_dark():
    data, scores, codes = _with_good_health()
    mv = map_values(scores, data, "gezond")
    assert mv.higher_is_worse is False
    html = build_map(map_geometry(data.buurten), mv, scores=scores, palette="ylorrd").get_root()
    payload = _payload(html.render())
    fill = [payload["styles"][s].get("fillColor") for s in payload["style"]]
    ramp = PALETTES["ylorrd"]
    healthiest, least_healthy = codes.index(codes[8]), codes.index(codes[1])  # 0, 6 are small
    # the healthiest buurt is light, the least healthy (with a value) is dark
    assert ramp.index(fill[healthiest]) < ramp.index(fill[least_healthy])
    assert "Hoger is gunstiger" in html.render()
    # a 'higher is worse' indicator keeps dark = high
    mv2 = map_values(scores, data, "eenzaam")
    assert mv2.higher_is_worse is True


def test_one_robust_truth_in_the_printable_profile():
    data, scores = _data_and_scores()
    code = list(data.buurten.index)[4]
    scores["robuust_top"] = np.array([True] * len(scores))  # numpy bools, as the scorer returns
    page = buurt_profile_html(data, scores, code, profile_name="p")
    assert "Robuust<b>ja" in page
    scores["robuust_top"] = pd.array([True] * len(scores), dtype="boolean")
    assert "Robuust<b>ja" in buurt_profile_html(data, scores, code, profile_name="p")


def _svg_rings(page: str) -> dict[str, list[np.ndarray]]:
    """Rings per fill colour from the locator SVG."""
    out: dict[str, list[np.ndarray]] = {}
    for d, fill in re.findall(r'<path d="([^"]*)" fill="([^"]+)"', page):
        for ring in re.findall(r"M([^MZ]+)Z", d):
            pts = np.array([[float(v) for v in p.split(",")] for p in ring.split()])
            out.setdefault(fill, []).append(pts)
    return out


def test_locator_map_draws_whole_polygons():
    data, scores = _data_and_scores()
    code = list(data.buurten.index)[4]
    rings = _svg_rings(buurt_profile_html(data, scores, code, profile_name="p"))
    selected = rings["#d7301f"]
    assert len(selected) == 1
    poly = shapely.Polygon(selected[0])
    # the square buurt of 500 m is drawn as a square of real area, not a line
    assert len(selected[0]) >= 4
    others = [shapely.Polygon(r) for r in rings["#eeeeee"]]
    assert poly.area == pytest.approx(np.median([o.area for o in others]), rel=0.05)
    assert all(len(r) >= 3 for r in rings["#eeeeee"])
    # together the outlines cover the gemeente's square without gaps
    union = shapely.union_all([poly, *others])
    assert union.area == pytest.approx(9 * poly.area, rel=0.05)


def test_offline_map_holds_one_map_and_a_header(fake_leaflet):
    data, scores = _data_and_scores()
    m = build_map(
        map_geometry(data.buurten),
        map_values(scores, data, "score"),
        scores=scores,
        factors=top_factors(scores, data.catalogue),
        leaflet_js="/app/static/vendor/leaflet/leaflet.js",
    )
    before = m.get_root().render()
    generate_leaflet_string(m)  # what st_folium does to the map before the download
    page = standalone_html(
        m, fake_leaflet, title=f"Prioriteitsscore {EVIL}", details=["Testgemeente", "profiel x"]
    )
    assert page.count("L.map(") == 1
    assert page.count("var d = ") == before.count("var d = ")
    assert page.count('class="folium-map"') == 1
    assert "<title>Prioriteitsscore &lt;img" in page
    assert '<header class="wr-kop"><h1>Prioriteitsscore &lt;img' in page
    assert "Testgemeente · profiel x" in page
    assert EVIL not in page
    # the app's map was not changed by the download
    assert "/app/static/vendor/leaflet/leaflet.js" in m.get_root().render()


def test_layer_toggles_show_their_layer_with_a_legend():
    data, scores = _data_and_scores()
    codes = list(data.buurten.index)
    hot = pd.DataFrame(
        {"kwadrant": ["hoog-hoog"] * 3 + ["laag-laag"] * 2 + ["niet significant"] * 4},
        index=codes,
    )
    types = pd.Series([1, 2, 1, 2, 3, 3, 1, 2, 3], index=codes, dtype=float)
    html = (
        build_map(
            map_geometry(data.buurten),
            map_values(scores, data, "score"),
            scores=scores,
            hotspots=hot,
            types=types,
        )
        .get_root()
        .render()
    )
    layers = set(re.findall(r"(wijkradar_layer_\w+)\.addTo\(map_", html))
    assert len(layers) == 3  # wijkgrenzen, hotspots and types are on the map when ticked
    assert HOTSPOT_LAYER in html
    assert "groep buurten met hoge scores (3)" in html  # legend with plain words and counts
    assert "Type 3 (3)" in html
    assert "Moran" not in html


def test_labels_and_highlight():
    data, scores = _data_and_scores()
    codes = list(data.buurten.index)
    geo = map_geometry(data.buurten)
    html = build_map(geo, map_values(scores, data, "score"), scores=scores, highlight=codes[5])
    text = html.get_root().render()
    labels = json.loads(re.search(r"var d = (\{\"buurt\".*?\});\n", text, re.S).group(1))  # type: ignore[union-attr]
    assert {x[2] for x in labels["buurt"]} == set(data.buurten["buurtnaam"])
    assert {x[2] for x in labels["wijk"]} == {"Wijk 0", "Wijk 1", "Wijk 2"}
    for lat, lon, name in labels["buurt"]:
        code = data.buurten.index[data.buurten["buurtnaam"] == name][0]
        assert geo.geometry[code].buffer(1e-4).contains(shapely.Point(lon, lat))
    assert "Gezochte buurt" in text and "wr-gezocht" in text
    x0, y0, x1, y1 = geo.loc[[codes[5]]].total_bounds
    assert f"[[{y0}, {x0}], [{y1}, {x1}]]" in text  # the map zooms to the buurt


def test_nearby_initiatives_in_plain_dutch():
    frame = pd.DataFrame(
        {
            "naam": ["a", "b"],
            "thema": ["geldzorgen", "overig"],
            "status": ["lopend", "lopend"],
            "organisatie": [None, "x"],
            "afstand_m": [0.0, 671.0],
        }
    )
    shown = nearby_display(frame)
    assert list(shown.columns) == ["Initiatief", "Thema", "Status", "Organisatie", "Afstand"]
    assert list(shown["Afstand"]) == ["in de buurt", "671 m"]
    assert shown.loc[0, "Organisatie"] == ""


def test_methode_text_is_honest_about_bounds():
    from wijkradar.render.report import bounds_text

    data, _scores = _data_and_scores()
    data.lower = pd.DataFrame(np.nan, index=data.buurten.index, columns=["eenzaam"])
    assert "publiceert geen 95%-marges" in bounds_text(data)
    data.lower.iloc[0, 0] = 10.0
    text = bounds_text(data)
    assert "variëren binnen die marge" in text and "Eenzaam" in text


def test_gap_explanations_use_dutch_numbers():
    from models.access import find_gaps
    from wijkradar.render.format import fmt_number

    data, scores = _data_and_scores()
    access = pd.Series(0.1234, index=data.buurten.index)
    gaps = find_gaps(
        data.buurten, scores, initiatieven=None, access=access, top_band=0.5, number=fmt_number
    )
    text = " ".join(gaps.astype(str).agg(" ".join, axis=1))
    assert "toegang 0,12 per 1.000 inwoners" in text and "0.12" not in text
