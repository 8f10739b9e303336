"""AppTest smoke tests of every page, the URL round trip, and source failures."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.loopback import LoopbackServer

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _app(monkeypatch, env, page=None, **params):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _one(widgets, label):
    found = [w for w in widgets if w.label == label or w.label.startswith(label)]
    assert found, f"no widget labelled {label!r}: {[w.label for w in widgets]}"
    return found[0]


def _param(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_kaart_page(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, gemeente="GM0307", profiel="eenzaamheid", kaart="eenzaam")
    assert at.title[0].value == "Kaart"
    assert _one(at.selectbox, "Toon").value == "eenzaam"
    assert _one(at.sidebar.selectbox, "Gemeente").value == "GM0307"
    assert _one(at.sidebar.selectbox, "Scoringsprofiel").value == "eenzaamheid"
    assert {_param(at, "gemeente"), _param(at, "profiel"), _param(at, "kaart")} == {
        "GM0307",
        "eenzaamheid",
        "eenzaam",
    }
    assert any("Kaart downloaden" in b.label for b in at.get("download_button"))
    # switching back to the score removes the parameter again
    _one(at.selectbox, "Toon").set_value("score").run()
    assert _param(at, "kaart") is None


def test_map_pages_say_when_leaflet_or_the_basemap_is_missing(monkeypatch, app_env, tmp_path):
    """ui.mapsetup, used by every page with a map: one Dutch error without Leaflet (the rest
    of the page still works); the buurten without a background, and a notice, when the
    basemap does not answer."""
    pages = (None, "ui/methode.py", "ui/verandering.py", "ui/initiatieven.py")
    no_leaflet = {**app_env, "WIJKRADAR_LEAFLET_DIR": str(tmp_path / "geen-leaflet")}
    for page in pages:
        at = _app(monkeypatch, no_leaflet, page, gemeente="GM0307")
        assert [e.value for e in at.error if "Leaflet is niet geïnstalleerd" in e.value], page
        if page is None:  # Kaart: the table stays, there is no map to download
            assert at.get("arrow_data_frame") or at.dataframe
            assert not any("Kaart downloaden" in b.label for b in at.get("download_button"))
    monkeypatch.delenv("WIJKRADAR_LEAFLET_DIR")
    no_tiles = {**app_env, "WIJKRADAR_BASEMAP_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png"}
    for page in pages:
        at = _app(monkeypatch, no_tiles, page, gemeente="GM0307")
        assert not at.error, page
        assert any("achtergrondkaart is niet bereikbaar" in i.value for i in at.info), page


def test_gemeente_by_name_and_unknown(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, gemeente="amersfoort")
    assert _one(at.sidebar.selectbox, "Gemeente").value == "GM0307"
    at = _app(monkeypatch, app_env, gemeente="GM9999")
    assert any("Onbekende gemeente" in e.value for e in at.error)
    assert any("Kies links een gemeente" in i.value for i in at.info)


def test_query_string_round_trip(monkeypatch, app_env):
    params = {
        "gemeente": "GM0307",
        "profiel": "kansrijke-wijk",
        "gewichten": "d.Sociaal:2,eenzaam:0.5",
        "normalisatie": "zscore",
        "buurt": "BU03070100",
    }
    at = _app(monkeypatch, app_env, "ui/methode.py", **params)
    assert _one(at.slider, "Domein Sociaal").value == 2.0
    assert _one(at.slider, "Eenzaam").value == 0.5
    assert _one(at.selectbox, "Normalisatie").value == "zscore"
    for key, value in params.items():
        assert _param(at, key) == value
    # the same link opened on another page keeps every parameter
    at.switch_page("ui/buurtprofiel.py").run()
    assert not at.exception
    assert _one(at.selectbox, "Buurt").value == "BU03070100"
    for key, value in params.items():
        assert _param(at, key) == value


def test_methode_slider_rescores_and_saves(monkeypatch, app_env, tmp_path):
    at = _app(monkeypatch, app_env, "ui/methode.py", gemeente="GM0307")
    before = at.dataframe[0].value["Buurt"].tolist()
    _one(at.slider, "Domein Gezondheid").set_value(0.0).run()
    _one(at.slider, "Domein Bestaanszekerheid").set_value(0.0).run()
    assert not at.exception
    assert "d.Gezondheid:0" in _param(at, "gewichten")
    after = at.dataframe[0].value["Buurt"].tolist()
    assert after != before
    _one(at.text_input, "Naam van het nieuwe profiel").set_value("sociaal-test").run()
    _one(at.button, "Opslaan in de datamap").click().run()
    assert not at.exception
    saved = Path(app_env["WIJKRADAR_DATA_DIR"]) / "profiles" / "sociaal-test.yaml"
    assert saved.is_file()
    # where the file went and whether the app lists it (the notebook's SavedProfile text)
    said = " ".join(s.value for s in at.success)
    assert "bewaard in" in said and "De app ziet het" in said and "NIET" not in said
    assert _param(at, "profiel") == "sociaal-test"
    assert _param(at, "gewichten") is None
    assert at.dataframe[0].value["Buurt"].tolist() == after


def test_ranglijst_page(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/ranglijst.py", gemeente="GM0307")
    table = at.dataframe[0].value
    assert len(table) == 145
    assert {"score", "rang", "interval", "kans_top", "robuust_top"} <= set(table.columns)
    ranks = table["rang"].dropna().tolist()
    assert ranks == sorted(ranks)
    # Dutch text, as a screen reader reads it: decimal comma, rank with its 90% interval
    assert re.fullmatch(r"\d+,\d", table["score"].iloc[0])
    assert re.fullmatch(r"1 \(90%: \d+–\d+\)", table["interval"].iloc[0])
    assert table["robuust_top"].isin(["ja", "nee", "–"]).all()
    wijk = table["wijknaam"].iloc[0]
    _one(at.multiselect, "Wijk").set_value([wijk]).run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < 145 and set(filtered["wijknaam"]) == {wijk}
    labels = [b.label for b in at.get("download_button")]
    assert "Download CSV" in labels and "Download GeoPackage" in labels


def test_buurtprofiel_hides_small_buurten(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/buurtprofiel.py", gemeente="GM0307")
    assert at.dataframe[0].value["Buurt"].ne("niet getoond").all()
    options = _one(at.selectbox, "Buurt").options
    # find a buurt under the minimum population through the ranking page's logic
    from wijkradar import Settings, load_gemeente
    from wijkradar.profiles import resolve_profile
    from wijkradar.scoring import score_gemeente

    s = Settings.from_env(app_env)
    data = load_gemeente("GM0307", settings=s)
    scores = score_gemeente(data, resolve_profile("kansrijke-wijk", s), seed=1, draws=0)
    small = scores.index[scores["te_klein"]][0]
    assert any(small in o for o in options)
    at = _app(monkeypatch, app_env, "ui/buurtprofiel.py", gemeente="GM0307", buurt=small)
    assert any("Geen score" in w.value for w in at.warning)
    assert at.dataframe[0].value["Buurt"].eq("niet getoond").all()


def test_vergelijken_page(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/vergelijken.py", gemeente="GM0307")
    side = at.dataframe[0].value
    assert side.shape[1] == 4  # two buurten, gemeente, Nederland
    assert "Score" in side.index
    spearman = at.dataframe[1].value
    assert spearman.shape == (2, 2)
    assert spearman.iloc[0, 0] == "1,00"  # Dutch text, as a screen reader reads it


def test_vergelijken_with_an_unreadable_profile_says_so_without_traceback(monkeypatch, app_env):
    saved = Path(app_env["WIJKRADAR_DATA_DIR"]) / "profiles" / "kapot.yaml"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text("naam: kapot\nindicatoren:\n  eenzaam: 2\n", encoding="utf-8")
    try:
        at = _app(monkeypatch, app_env, "ui/vergelijken.py", gemeente="GM0307", profiel="kapot")
    finally:
        saved.unlink()
    errors = [e.value for e in at.error]
    assert any("Het profiel kan niet worden gelezen" in e and "kapot" in e for e in errors)
    assert not any("ProfileError" in e or "Traceback" in e for e in errors)
    assert not at.dataframe  # nothing is compared on a profile that cannot be read


def test_app_says_which_source_failed(fresh_app, monkeypatch):
    srv, env = fresh_app
    srv.inject("/pdok/cbs/wijkenbuurten/2024/wfs/v1_0", "500", times=10_000)
    at = _app(monkeypatch, env, gemeente="GM0034")
    assert any("Bron niet bereikbaar: PDOK" in e.value for e in at.error)
    assert any("Bestanden importeren" in e.label for e in at.expander)
    # without the gemeente list, the code can still be typed
    assert _one(at.sidebar.text_input, "Gemeentecode").value == "GM0034"


EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_initiatieven_page(monkeypatch, app_env):
    from geo.registry import Registry
    from wijkradar import Settings

    settings = Settings.from_env(app_env)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with Registry(settings.registry_url) as reg:
        reg.save(
            "initiatief",
            {
                "id": "X1",
                "naam": EVIL,
                "thema": "eenzaamheid/ontmoeting",
                "status": "lopend",
                "x": 155_100,
                "y": 463_100,
                "notities": "'; drop table initiatief; --",
            },
            user="test",
        )
        reg.save("wijkteam", {"id": "T1", "naam": "Wijkteam Noord", "fte": 4.5}, user="test")
    at = _app(monkeypatch, app_env, "ui/initiatieven.py", gemeente="GM0307")
    assert at.title[0].value == "Initiatieven en wijkteams"
    assert "1 initiatieven, 1 wijkteams" in at.caption[-1].value or any(
        "1 initiatieven, 1 wijkteams" in c.value for c in at.caption
    )
    # the map tab: a skip link past the map to the named table with the same data (WCAG 2.4.1)
    html = [e.proto.body for e in at.get("html")]
    assert any('href="#tabel-bij-de-kaart"' in h and "Kaart overslaan" in h for h in html)
    table_heading = [h for h in at.subheader if h.value == "Tabel bij de kaart"]
    assert len(table_heading) == 1 and table_heading[0].proto.anchor == "tabel-bij-de-kaart"
    tables = [d.value for d in at.dataframe]
    assert any("toelichting" in t.columns for t in tables)  # the gap list
    log = [t for t in tables if "actie" in t.columns][0]
    log = log[log["entiteit"].isin(["initiatief", "wijkteam"])]  # profile saves are logged too
    assert (log["gebruiker"] == "test").all() and len(log) == 2
    assert (log["actie"] == "toegevoegd").all()  # the action in Dutch, not the code 'insert'
    # nothing can be edited without a name for the audit trail
    assert all(b.disabled for b in at.button if b.label == "Wijzigingen opslaan")
    _one(at.sidebar.text_input, "Uw naam").set_value("Anna").run()
    assert not at.exception
    assert not all(b.disabled for b in at.button if b.label == "Wijzigingen opslaan")
    with Registry(settings.registry_url) as reg:
        assert reg.get("initiatief", "X1")["notities"] == "'; drop table initiatief; --"


def _app_with_login(monkeypatch, env):
    """The app on GM0307 with an OIDC login configured and nobody signed in."""
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-only",
        "client_id": "wijkradar",
        "client_secret": "test-only",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.query_params["gemeente"] = "GM0307"
    at.run()
    return at


def test_with_a_login_configured_only_signed_in_users_edit(monkeypatch, app_env):
    at = _app_with_login(monkeypatch, app_env)
    at.switch_page("ui/initiatieven.py").run()
    assert not at.exception
    assert any(b.label == "Inloggen" for b in at.sidebar.button)
    assert not [t for t in at.sidebar.text_input if t.label.startswith("Uw naam")]
    saves = [b for b in at.button if b.label == "Wijzigingen opslaan"]
    assert saves and all(b.disabled for b in saves)
    assert all(b.disabled for b in at.button if b.label == "Importeren")


def test_refresh_with_a_failing_source_keeps_the_cache_and_names_it(fresh_app, monkeypatch):
    from geo.gemeente import cache_path

    srv, env = fresh_app
    at = _app(monkeypatch, env, gemeente="GM0307")
    cache = cache_path(Path(env["WIJKRADAR_DATA_DIR"]), "GM0307", 2024)
    before = cache.read_bytes()
    srv.inject("/odata/", "truncated", times=10_000)
    _one(at.sidebar.button, "Opnieuw ophalen").click().run()
    assert not at.exception
    assert any(
        "Bron niet bereikbaar: CBS Kerncijfers 85984NED" in e.value and "cache" in e.value
        for e in at.error
    )
    assert at.title[0].value == "Kaart" and _one(at.selectbox, "Toon").value == "score"
    assert cache.read_bytes() == before


def _rendered_links(markdown_text: str) -> list[str]:
    """Links and images a Markdown renderer (CommonMark + linkify) makes of ``markdown_text``."""
    pytest.importorskip("linkify_it")
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"linkify": True}).enable("linkify").render(markdown_text)
    return [t for t in ("<a ", "<img ", "<script") if t in html]


def test_query_values_reach_messages_only_as_escaped_markdown(monkeypatch, app_env):
    """#14 problem 7: ?gemeente= and ?profiel= cannot put links or images into the app."""
    at = _app(
        monkeypatch,
        app_env,
        gemeente="[klik](https://evil.example)",
        profiel="![x](https://evil.example/x.png)",
    )
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    assert any("evil" in text for text in shown), shown
    for text in shown:
        assert _rendered_links(text) == [], text


def test_login_guards_every_write_and_shipped_profiles_stay(monkeypatch, app_env):
    """#14 problem 3: with [auth] and nobody signed in, nothing can be written."""
    at = _app_with_login(monkeypatch, app_env)
    assert _one(at.sidebar.button, "Opnieuw ophalen").disabled
    at.switch_page("ui/methode.py").run()
    assert not at.exception
    assert _one(at.button, "Opslaan in de datamap").disabled
    assert any("Log in" in i.value for i in at.info)


def test_profile_saves_are_audited_and_cannot_replace_a_shipped_profile(monkeypatch, app_env):
    from geo.registry import Registry
    from wijkradar import Settings

    at = _app(monkeypatch, app_env, "ui/methode.py", gemeente="GM0307")
    _one(at.text_input, "Naam van het nieuwe profiel").set_value("kansrijke-wijk").run()
    _one(at.button, "Opslaan in de datamap").click().run()
    assert not at.exception
    assert any("meegeleverd profiel" in e.value for e in at.error)
    profiles = Path(app_env["WIJKRADAR_DATA_DIR"]) / "profiles"
    assert not (profiles / "kansrijke-wijk.yaml").exists()
    _one(at.text_input, "Naam van het nieuwe profiel").set_value("audit-test").run()
    _one(at.button, "Opslaan in de datamap").click().run()
    assert (profiles / "audit-test.yaml").is_file()
    with Registry(Settings.from_env(app_env).registry_url) as reg:
        log = reg.audit_log()
    assert ((log["entiteit"] == "profiel") & (log["sleutel"] == "audit-test")).any()


def test_ranglijst_reach_filter_impact_and_coverage(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/ranglijst.py", gemeente="GM0307")
    table = at.dataframe[0].value
    assert {"dekking", "bereik__pct_0_15", "bereik_aantal__pct_0_15"} <= set(table.columns)
    assert table["dekking"].dropna().between(0, 1).all()
    _one(at.selectbox, "Alleen buurten met veel").set_value("bereik__pct_0_15").run()
    assert not at.exception
    many = at.dataframe[0].value
    threshold = table["bereik__pct_0_15"].quantile(0.75)
    assert 0 < len(many) < 60 and (many["bereik__pct_0_15"] >= threshold).all()
    _one(at.selectbox, "Alleen buurten met veel").set_value(None).run()
    _one(at.selectbox, "Impactweergave").set_value("bereik_aantal__pct_0_15").run()
    assert not at.exception
    imp = at.dataframe[0].value
    ranks = imp["impact_rang"].dropna().tolist()
    assert ranks[:5] == [1.0, 2.0, 3.0, 4.0, 5.0]
    first = imp.iloc[0]
    score = float(first["score"].replace(",", "."))  # shown as Dutch text: 88,2
    count = first["bereik_aantal__pct_0_15"]
    # the score text has one decimal: allow its rounding
    assert first["impact"] == pytest.approx(score / 100 * count, abs=0.1 + 0.0005 * count)
    assert imp["score"].tolist() != table["score"].tolist()  # another order, same scores


def test_methode_shows_validity_with_ses_woa(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/methode.py", gemeente="GM0307")
    headers = [h.value for h in at.subheader]
    assert "Hoe goed klopt de score?" in headers and "Nood en bereik" in headers
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rho met SES-WOA"] == "-0,93"
    assert metrics["Dekking"].endswith("%")
    shown = at.dataframe[1].value
    assert set(shown["Onderdeel"]) == {"score", "Gezondheid", "Bestaanszekerheid", "Sociaal"}
    assert any("86092NED" in c.value for c in at.caption)
    # no domain runs against deprivation in the shipped profile
    assert not [w for w in at.warning if "tegen achterstand" in w.value]


def test_methode_validity_offline_example_asks_for_a_file(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/methode.py", gemeente="voorbeeld")
    assert "Hoe goed klopt de score?" in [h.value for h in at.subheader]
    assert any("upload een SES" in c.value for c in at.caption)
    assert {m.label: m.value for m in at.metric}["Rho met SES-WOA"] == "–"


@pytest.mark.parametrize("weights", ["d.Sociaal:inf", "d.Gezondheid:nan,eenzaam:1e999"])
def test_non_finite_weights_in_the_link_are_ignored(monkeypatch, app_env, weights):
    """#14 problem 10: ?gewichten=d.Sociaal:inf crashed every page."""
    at = _app(monkeypatch, app_env, "ui/ranglijst.py", gemeente="GM0307", gewichten=weights)
    assert at.title[0].value == "Ranglijst" and at.dataframe


@pytest.fixture
def read_only_data(loopback_data, tmp_path):
    """A data folder with GM0307 cached, bind-mounted read-only (needs root; else skip)."""
    import os
    import subprocess

    from wijkradar import Settings, fetch_gemeente

    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    src, ro = tmp_path / "src", tmp_path / "ro"
    ro.mkdir()
    with LoopbackServer(loopback_data) as srv:
        env = {**srv.env(), "WIJKRADAR_DATA_DIR": str(ro), "WIJKRADAR_HTTP_RETRIES": "0"}
        fetch_gemeente(
            "GM0307", settings=Settings.from_env({**env, "WIJKRADAR_DATA_DIR": str(src)})
        )
        from geo.registry import Registry

        with Registry(f"sqlite:///{src / 'registry.sqlite'}") as reg:
            reg.save("wijkteam", {"id": "T1", "naam": "Noord", "fte": 2.0}, user="t")
        done = subprocess.run(
            ["mount", "--bind", "-o", "ro", str(src), str(ro)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot bind-mount read-only: {done.stderr.decode().strip()}")
        try:
            yield env
        finally:
            # A cached registry engine may still hold the file open: detach lazily then.
            if subprocess.run(["umount", str(ro)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(ro)], check=False)


def test_read_only_data_folder_works_for_viewing(monkeypatch, read_only_data):
    """#14 problem 10: a read-only data folder crashed every page (Errno 30)."""
    pages = (None, "ui/ranglijst.py", "ui/buurtprofiel.py", "ui/methode.py", "ui/initiatieven.py")
    for page in pages:
        at = _app(monkeypatch, read_only_data, page, gemeente="GM0307")
        assert at.title and not at.exception
        shown = [e.value for e in (*at.error, *at.caption, *at.warning)]
        assert not any("niet bereikbaar" in str(v) for v in shown), (page, shown)


PAGES = [
    "ui/ranglijst.py",
    "ui/werklijst.py",
    "ui/buurtprofiel.py",
    "ui/vergelijken.py",
    "ui/initiatieven.py",
    "ui/notities.py",
    "ui/gebieden.py",
    "ui/methode.py",
]


@pytest.mark.parametrize("gm", ["GM0307", "GM0034"], ids=["Amersfoort", "Almere"])
@pytest.mark.parametrize("profiel", ["kansrijke-wijk", "eenzaamheid", "geldzorgen"])
def test_every_shipped_profile_on_every_page(monkeypatch, app_env, gm, profiel):
    """Against the real 2024 layouts: scores on every page, notes for what was left out."""
    at = _app(monkeypatch, app_env, gemeente=gm, profiel=profiel)
    assert not at.error, [e.value for e in at.error]
    notes = [e.label for e in at.expander if e.label.startswith("Opmerkingen bij de score")]
    assert notes, [e.label for e in at.expander]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])


def test_map_download_is_built_only_when_asked(monkeypatch, app_env):
    """Reruns of Kaart (a slider move) never render the standalone HTML; the button defers it."""
    import wijkradar.render.maps

    built: list[int] = []
    real = wijkradar.render.maps.standalone_html
    monkeypatch.setattr(
        wijkradar.render.maps, "standalone_html", lambda *a, **kw: built.append(1) or real(*a, **kw)
    )
    at = _app(monkeypatch, app_env, gemeente="GM0307")
    _one(at.slider, "Klassen").set_value(3).run()
    assert not at.exception
    button = _one(at.get("download_button"), "Kaart downloaden")
    assert built == []
    assert button.proto.url == "" and button.proto.deferred_file_id  # made on the click


def test_the_sidebar_is_drawn_once_on_every_page(monkeypatch, app_env):
    """app.py draws the sidebar (gemeente, year, profile, name) once, for every page."""
    at = _app(monkeypatch, app_env, gemeente="GM0307")
    for page in ["ui/kaart.py", *PAGES, "ui/verandering.py", "ui/indexen.py", "ui/uitleg.py"]:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        labels = [w.label for w in (*at.sidebar.selectbox, *at.sidebar.text_input)]
        for label in ("Indelingsjaar", "Gemeente (", "Scoringsprofiel", "Uw naam"):
            assert sum(x.startswith(label) for x in labels) == 1, (page, labels)
        assert _one(at.sidebar.selectbox, "Gemeente").value == "GM0307"
