"""AppTest for issue 15: share links keep every map setting, Werklijst, search, Uitleg."""

from __future__ import annotations

from tests.test_app import _app, _one, _param


def seed_registry(settings, data, scores, *, top: int = 3) -> dict:
    """A wijkteam for every buurt, a running initiative in each of the ``top`` buurten."""
    from geo.registry import Registry

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    centres = data.buurten.to_crs(28992).geometry.centroid
    best = list(scores.sort_values("rang").index[:top])
    with Registry(settings.registry_url) as reg:
        reg.save("wijkteam", {"id": "WT1", "naam": "Wijkteam Amersfoort-Noord", "fte": 6}, user="t")
        for code in data.buurten.index:
            reg.save("wijkteam_buurt", {"buurtcode": code, "wijkteam_id": "WT1"}, user="t")
        for i, code in enumerate(best):
            reg.save(
                "initiatief",
                {
                    "id": f"INI{i}",
                    "naam": f"Buurtkamer {i}",
                    "thema": "eenzaamheid/ontmoeting",
                    "status": "lopend",
                    "x": round(centres[code].x, 1),
                    "y": round(centres[code].y, 1),
                    "buurtcode": code,
                },
                user="t",
            )
        reg.save(
            "locatie",
            {
                "id": "LOC1",
                "soort": "wijkcentrum",
                "naam": "Wijkcentrum De Kubus",
                "x": round(centres[best[0]].x + 200, 1),
                "y": round(centres[best[0]].y, 1),
            },
            user="t",
        )
    return {"best": best}


def test_share_link_keeps_every_map_setting(monkeypatch, app_env):
    params = {
        "gemeente": "GM0307",
        "kaart": "eenzaam",
        "klassen": "natural_breaks",
        "aantal": "7",
        "palet": "viridis",
        "achtergrond": "geen",
        "lagen": "wijken,clusters",
        "profiel": "eenzaamheid",
    }
    at = _app(monkeypatch, app_env, **params)
    assert _one(at.selectbox, "Klassenindeling").value == "natural_breaks"
    assert _one(at.slider, "Klassen").value == 7
    assert _one(at.selectbox, "Kleuren").value == "viridis"
    assert _one(at.selectbox, "Achtergrond").value == "geen"
    assert _one(at.checkbox, "Clusters").value is True
    assert _one(at.checkbox, "Namen").value is False
    for key, value in params.items():
        assert _param(at, key) == value, key
    # a change goes into the link, and back to the default drops it
    _one(at.selectbox, "Kleuren").set_value("cividis").run()
    assert _param(at, "palet") == "cividis"
    _one(at.slider, "Klassen").set_value(5).run()
    assert _param(at, "aantal") is None
    assert any(p.proto.popover.label == "Link naar deze weergave" for p in at.get("popover"))
    code_blocks = [c.value for c in at.code]
    assert any("palet=cividis" in c and "klassen=natural_breaks" in c for c in code_blocks)
    # the caption explains the clusters in plain Dutch, without jargon
    assert not any("Moran" in c.value for c in at.caption)


def test_kaart_search_selects_the_buurt(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, gemeente="GM0307")
    search = _one(at.selectbox, "Zoek een buurt")
    assert search.value is None
    assert any("(wijk " in o for o in search.options)  # name and wijk, to tell twins apart
    search.select_index(3).run()
    assert not at.exception
    chosen = _one(at.selectbox, "Zoek een buurt").value
    assert chosen is not None and chosen.startswith("BU0307")
    assert _param(at, "buurt") == chosen


def test_werklijst_page(monkeypatch, app_env):
    from wijkradar import Settings, load_gemeente
    from wijkradar.profiles import resolve_profile
    from wijkradar.scoring import score_gemeente

    at = _app(monkeypatch, app_env, gemeente="GM0307")  # fills the cache
    settings = Settings.from_env(app_env)
    data = load_gemeente("GM0307", settings=settings)
    scores = score_gemeente(data, resolve_profile("kansrijke-wijk", settings), seed=42, draws=0)
    seeded = seed_registry(settings, data, scores)
    at = _app(monkeypatch, app_env, "ui/werklijst.py", gemeente="GM0307")
    assert at.title[0].value == "Werklijst"
    table = at.dataframe[0].value
    assert len(table) == 10
    assert list(table["Rang"]) == sorted(table["Rang"])
    assert table["Reden 1"].str.len().gt(0).all()
    assert set(table["Wijkteam"]) == {"Wijkteam Amersfoort-Noord"}
    assert "Buurtkamer 0" in table["Initiatieven binnen 1 km"].iloc[0]
    labels = [b.label for b in at.get("download_button")]
    assert "Printbare werklijst (HTML, A4)" in labels and "Werklijst als CSV (Excel)" in labels
    _one(at.number_input, "Aantal buurten").set_value(4).run()
    four = at.dataframe[0].value
    assert len(four) == 4 and _param(at, "top") == "4"
    assert four.index[0] == seeded["best"][0]


#: Every source and the basemap on a closed port of this machine: nothing answers.
UNREACHABLE = {
    "WIJKRADAR_CBS_ODATA_URL": "http://127.0.0.1:9/odata",
    "WIJKRADAR_CBS_DATADERDEN_URL": "http://127.0.0.1:9/dataderden",
    "WIJKRADAR_PDOK_URL": "http://127.0.0.1:9/pdok",
    "WIJKRADAR_BASEMAP_URL": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",
    "WIJKRADAR_OSM_URL": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",
    "WIJKRADAR_PDOK_LOCATIESERVER_URL": "http://127.0.0.1:9/locatieserver",
    "WIJKRADAR_HTTP_RETRIES": "0",
}


def test_example_gemeente_works_without_any_source(monkeypatch, tmp_path):
    env = {**UNREACHABLE, "WIJKRADAR_DATA_DIR": str(tmp_path / "d")}
    at = _app(monkeypatch, env, gemeente="voorbeeld")
    assert at.title[0].value == "Kaart"
    assert any(i.value.startswith("Voorbeeld, momentopname van") for i in at.info)
    assert any("Amersfoort (voorbeeld)" in c.value.replace("\\", "") for c in at.caption)
    assert _param(at, "gemeente") == "voorbeeld"
    assert any(
        b.label == "Kaart downloaden (HTML, werkt offline)" for b in at.get("download_button")
    )
    at.switch_page("ui/werklijst.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 10
    # and back to a real gemeente
    _one(at.sidebar.button, "Andere gemeente kiezen").click().run()
    assert _param(at, "gemeente") == "GM0307"


def test_an_unreachable_source_is_remembered_between_pages(monkeypatch, fresh_app):
    srv, env = fresh_app
    srv.inject("/pdok/", "500", times=10_000)
    at = _app(monkeypatch, env, gemeente="GM0034")
    assert any("Bron niet bereikbaar: PDOK" in e.value for e in at.error)
    assert any("vanzelf opnieuw" in c.value for c in at.caption)
    assert any("wijk-en-buurtkaart" in m.value for m in at.markdown)  # where to download
    asked = len(srv.requests)
    assert asked > 0
    at.switch_page("ui/ranglijst.py").run()
    at.switch_page("ui/kaart.py").run()
    assert any("Bron niet bereikbaar: PDOK" in e.value for e in at.error)
    assert len(srv.requests) == asked  # no new attempt, so no new wait
    _one(at.button, "Nu opnieuw proberen").click().run()
    assert len(srv.requests) > asked
    _one(at.button, "Voorbeeldgemeente openen").click().run()
    assert not at.exception
    assert _param(at, "gemeente") == "voorbeeld"
    assert any(i.value.startswith("Voorbeeld, momentopname") for i in at.info)


def test_buurtprofiel_speaks_one_robust_truth_and_plain_dutch(monkeypatch, app_env):
    from wijkradar import Settings, load_gemeente
    from wijkradar.profiles import resolve_profile
    from wijkradar.scoring import score_gemeente

    settings = Settings.from_env(app_env)
    at = _app(monkeypatch, app_env, gemeente="GM0307")
    data = load_gemeente("GM0307", settings=settings)
    scores = score_gemeente(data, resolve_profile("kansrijke-wijk", settings), seed=42, draws=1000)
    flags = scores["robuust_top"].fillna(False).astype(bool)
    assert flags.any() and not flags[scores["rang"].notna()].all()
    for code in [flags.idxmax(), scores["rang"].idxmax()]:
        robust = bool(flags[code])
        at = _app(monkeypatch, app_env, "ui/buurtprofiel.py", gemeente="GM0307", buurt=code)
        metric = next(m for m in at.metric if m.label.startswith("Kans in top"))
        assert metric.proto.help.startswith("Robuust" if robust else "Niet robuust"), code
    imputed = scores.index[(scores["n_geimputeerd"] > 0) & ~scores["te_klein"]]
    if len(imputed):
        at = _app(monkeypatch, app_env, "ui/buurtprofiel.py", gemeente="GM0307", buurt=imputed[0])
        note = next(i.value for i in at.info if "ingevuld volgens het profiel" in i.value)
        text = note.replace("\\", "")
        ids = str(scores.loc[imputed[0], "geimputeerd"]).split(",")
        assert all(str(data.catalogue.loc[i, "label"]) in text for i in ids)
        assert not [i for i in ids if "_" in i and i in text], "indicator ids in the note"
        assert "indicator(en)" not in note
    # bar charts and the trend are Altair charts with full labels
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 2
    assert all('"labelLimit": 0' in c.proto.spec for c in charts[:2])


def test_uitleg_page_explains_and_offers_templates(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/uitleg.py")
    assert at.title[0].value == "Uitleg"
    text = " ".join(m.value for m in at.markdown)
    for words in ("geen** oordeel", "90%-interval", "Robuust", "CC BY 4.0", "Windows-1252"):
        assert words in text, words
    assert "wijk-en-buurtkaart-2024" in text and "?gemeente=voorbeeld" in text
    labels = [b.label for b in at.get("download_button")]
    from geo.registry import ENTITIES

    assert len([b for b in labels if b.startswith("Sjabloon voor")]) == len(ENTITIES)
    tables = [d.value for d in at.dataframe]
    assert all(
        list(t.columns) == ["kolom", "verplicht", "soort", "toegestaan", "voorbeeld"]
        for t in tables
    )
    ini = tables[0].set_index("kolom")
    assert ini.loc["naam", "verplicht"] == "ja" and ini.loc["id", "verplicht"].startswith("nee")
    assert "eenzaamheid/ontmoeting" in ini.loc["thema", "toegestaan"]


def test_importeren_tab_lists_columns_and_a_template(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/initiatieven.py", gemeente="GM0307")
    assert any(b.label.startswith("Sjabloon downloaden") for b in at.get("download_button"))
    assert any("kolom" in d.value.columns and "verplicht" in d.value.columns for d in at.dataframe)


def test_no_english_placeholders_and_honest_methode(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/ranglijst.py", gemeente="GM0307")
    assert _one(at.multiselect, "Wijk").proto.placeholder == "Alle wijken"
    at = _app(monkeypatch, app_env, "ui/methode.py", gemeente="GM0307")
    text = " ".join(m.value for m in at.markdown)
    # the loopback health table has no Marges feed: the text must not claim they vary
    assert "variëren binnen hun 95%-marges" not in text
    assert "95%-marges" in text
    preview = at.dataframe[0].value
    assert set(preview["Robuust"]) <= {"ja", "nee"} and preview["Score"].str.contains(",").all()
