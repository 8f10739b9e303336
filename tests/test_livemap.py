"""The live map's payloads: geometry once, values per rerun (wijkradar.render.livemap)."""

from __future__ import annotations

import json
import os
import re
import time

from tests.test_maps import EVIL, _data_and_scores
from wijkradar.render.livemap import (
    GEOMETRY_SUBDIR,
    live_args,
    live_geometry,
    prune_geometry,
    write_geometry,
)
from wijkradar.render.maps import FRONTEND_DIR, build_map, map_geometry, map_values, top_factors


def _args(geo, geometry, mv, scores, **kw):
    return live_args(
        geo,
        geometry,
        mv,
        geometry_url=kw.pop("geometry_url", "/app/static/kaart/x.json"),
        leaflet_js="/app/static/vendor/leaflet/leaflet.js",
        leaflet_css="/app/static/vendor/leaflet/leaflet.css",
        scores=scores,
        factors=top_factors(scores, _data_and_scores()[0].catalogue),
        **kw,
    )


def test_reruns_carry_values_and_the_same_classes_as_the_download():
    data, scores = _data_and_scores()
    geometry = map_geometry(data.buurten)
    mv = map_values(scores, data, "score")
    geo = live_geometry(geometry)
    args = _args(geo, geometry, mv, scores, k=3)
    # the geometry is named, not sent: no rings, no names in the rerun
    assert args["geometry"] == {"key": geo.key, "url": "/app/static/kaart/x.json"}
    text = json.dumps(args)
    assert '"geom"' not in text and '"origin"' not in text and "Buurt BU" not in text
    static = json.loads(geo.text)
    assert static["codes"] == list(geometry.index)
    assert len(static["geom"]) == len(static["naam"]) == 9
    assert EVIL in static["naam"]  # a name is data in JSON, shown with textContent
    # the live map colours every buurt as the downloadable map does
    html = build_map(geometry, mv, scores=scores, k=3).get_root().render()
    payload = json.loads(re.search(r"var d = (\{\"origin\".*?\});\n", html, re.S).group(1))  # type: ignore[union-attr]
    b = args["buurten"]
    assert [b["styles"][i] for i in b["style"]] == [payload["styles"][i] for i in payload["style"]]
    assert args["legend"]["rows"][-1]["text"] == "wijkgrens"


def test_version_follows_what_is_drawn_and_the_inline_fallback():
    data, scores = _data_and_scores()
    geometry = map_geometry(data.buurten)
    mv = map_values(scores, data, "score")
    geo = live_geometry(geometry, labels=False)
    five = _args(geo, geometry, mv, scores, k=5)
    assert _args(geo, geometry, mv, scores, k=5)["version"] == five["version"]
    assert _args(geo, geometry, mv, scores, k=3)["version"] != five["version"]
    assert _args(geo, geometry, mv, scores, palette="viridis")["version"] != five["version"]
    inline = _args(geo, geometry, mv, scores, k=5, geometry_url=None)
    assert inline["geometry"] == {"key": geo.key, "data": json.loads(geo.text)}
    assert inline["version"] == five["version"]  # where the geometry comes from is not drawn
    assert _args(geo, geometry, mv, scores, highlight="BU99999999")["highlight"] is None
    code = str(geometry.index[3])
    assert _args(geo, geometry, mv, scores, highlight=code)["highlight"] == code


def test_geometry_file_is_written_once_under_its_content_key(tmp_path):
    data, _scores = _data_and_scores()
    geo = live_geometry(map_geometry(data.buurten))
    path = write_geometry(geo, tmp_path)
    assert path == tmp_path / GEOMETRY_SUBDIR / f"{geo.key}.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(geo.text)
    before = path.stat().st_mtime_ns
    assert write_geometry(geo, tmp_path) == path and path.stat().st_mtime_ns == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary files


def _old_geometry_files(folder, ages_h):
    """Geometry files named as write_geometry names them, last used ``ages_h`` hours ago."""
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    paths = []
    for i, age in enumerate(ages_h):
        p = folder / f"{i:020x}.json"
        p.write_text("{}", encoding="utf-8")
        os.utime(p, (now - age * 3600, now - age * 3600))
        paths.append(p)
    return paths


def test_geometry_folder_stays_bounded(tmp_path):
    """Writing a new geometry prunes files unused for days and beyond the most recent ones."""
    folder = tmp_path / GEOMETRY_SUBDIR
    # 2 used within the grace hour, then 2, 3, ... 9 hours ago, and one unused for 8 days
    old = _old_geometry_files(folder, [0.1, 0.5, 2, 3, 4, 5, 6, 7, 8, 9, 24 * 8])
    foreign = [folder / "eigen.json", folder / "notitie.txt"]  # not ours: never touched
    for p in foreign:
        p.write_text("x", encoding="utf-8")
    stale_tmp = folder / f"{'a' * 20}.{'b' * 8}.tmp"  # a write that died half-way
    fresh_tmp = folder / f"{'c' * 20}.{'d' * 8}.tmp"  # a write in progress
    for p in (stale_tmp, fresh_tmp):
        p.write_text("{", encoding="utf-8")
    os.utime(stale_tmp, (time.time() - 7200, time.time() - 7200))

    data, _scores = _data_and_scores()
    geo = live_geometry(map_geometry(data.buurten))
    path = write_geometry(geo, tmp_path, max_files=4, max_age_days=7)
    left = {p.name for p in folder.iterdir()}
    # the new file, the two in use within the grace hour, and the most recent older one
    want = {path.name, old[0].name, old[1].name, old[2].name, fresh_tmp.name}
    assert left == want | {p.name for p in foreign}

    # a file used again is marked as used and outlives files unused since
    os.utime(path, (time.time() - 3 * 86400, time.time() - 3 * 86400))
    assert write_geometry(geo, tmp_path) == path
    assert time.time() - path.stat().st_mtime < 60
    removed = {p.name for p in prune_geometry(folder, max_files=1, grace_s=0)}
    assert path.exists() and removed == {old[0].name, old[1].name, old[2].name, fresh_tmp.name}
    # removed while a map still points at it: written again on the next rerun
    path.unlink()
    assert write_geometry(geo, tmp_path).read_text(encoding="utf-8") == geo.text
    assert prune_geometry(tmp_path / "missing") == []


def test_frontend_is_local_and_safe_to_inline_in_templates():
    files = sorted(FRONTEND_DIR.glob("*"))
    assert {p.name for p in files} >= {"index.html", "live.js", "helpers.js", "kaart.css"}
    for p in files:
        text = p.read_text(encoding="utf-8")
        # folium renders inlined scripts as Jinja templates: no delimiters may appear
        assert not re.search(r"\{\{|\{%|\{#", text), p.name
        text = text.replace("http://www.w3.org/2000/svg", "")  # a namespace name, not a URL
        assert "http://" not in text and "https://" not in text and "innerHTML" not in text
    html = (FRONTEND_DIR / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    assert re.findall(r'src="([^"]+)"', html) == [
        "helpers.js",
        "buurten.js",
        "legend.js",
        "layers.js",
        "labels.js",
        "a11y.js",
        "live.js",
    ]
