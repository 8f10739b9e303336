"""AppTest of the pages of issue 18: Buurtnotities, Gebieden, Verandering, Andere indexen."""

from __future__ import annotations

from pathlib import Path

from geo.registry import Registry
from tests.hostile import HOSTILE_NAME
from tests.test_app import _app, _one, _param


def _registry(env) -> Registry:
    return Registry(f"sqlite:///{Path(env['WIJKRADAR_DATA_DIR']) / 'registry.sqlite'}")


def test_buurtprofiel_adds_a_note_only_with_a_name_and_shows_the_signal(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/buurtprofiel.py", gemeente="GM0307", buurt="BU03070100")
    assert _one(at.button, "Notitie opslaan").disabled  # no name, no login: read only
    assert any("Nog geen notities" in m.value for m in at.markdown)
    _one(at.sidebar.text_input, "Uw naam").set_value("Buurtnetwerker Noord").run()
    _one(at.text_area, "Notitie").set_value(HOSTILE_NAME)
    _one(at.checkbox, "Signaal").check()
    _one(at.button, "Notitie opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _registry(app_env) as reg:
        notes = reg.table("buurtnotitie")
    assert notes["tekst"].tolist() == [HOSTILE_NAME]
    assert notes["gewijzigd_door"].tolist() == ["Buurtnetwerker Noord"]
    assert bool(notes["cijfers_kloppen_niet"].iloc[0]) is True
    at.run()
    assert any("cijfers niet kloppen" in w.value for w in at.warning)
    assert [t.value for t in at.text] == [HOSTILE_NAME]  # st.text: plain text, verbatim
    assert any("cijfers kloppen niet met wat we zien" in c.value for c in at.caption)


def test_notities_page_searches_downloads_and_refuses_a_stale_edit(monkeypatch, app_env):
    from wijkradar.notes import add_note

    with _registry(app_env) as reg:
        add_note(
            reg,
            buurtcode="BU03071000",
            datum=__import__("datetime").date(2025, 2, 3),
            soort="gesprek",
            tekst="Gesprek in het café over eenzaamheid",
            user="wijkteam",
        )
    at = _app(monkeypatch, app_env, "ui/notities.py", gemeente="GM0307")
    _one(at.text_input, "Zoeken").set_value("cafe").run()
    table = at.dataframe[0].value
    assert table["Notitie"].tolist() == ["Gesprek in het café over eenzaamheid"]
    assert table["Datum"].tolist() == ["3 februari 2025"]
    assert any("Download notities" in b.label for b in at.get("download_button"))
    _one(at.text_input, "Zoeken").set_value("zwembad").run()
    assert any("0 notities gevonden" in c.value for c in at.caption)
    _one(at.text_input, "Zoeken").set_value("eenzaamheid").run()
    _one(at.sidebar.text_input, "Uw naam").set_value("Tweede sessie").run()
    # someone else changes the note after this session opened it
    with _registry(app_env) as reg:
        table = reg.table("buurtnotitie").set_index("id")
        row = table[table["tekst"].str.contains("eenzaamheid")].iloc[0]
        note_id = row.name
        reg.save(
            "buurtnotitie",
            {**reg.get("buurtnotitie", note_id), "tekst": "Intussen aangepast (eenzaamheid)"},
            user="iemand anders",
            version=int(row["version"]),
        )
    at.text_area[-1].set_value("Mijn versie")  # the edit form comes after the add form
    _one(at.button, "Wijziging opslaan").click().run()
    assert any("gewijzigd door iemand anders" in e.value for e in at.error), (
        [e.value for e in at.error],
        [b.label for b in at.button],
        [t.value for t in at.text_area],
    )
    with _registry(app_env) as reg:
        assert reg.get("buurtnotitie", note_id)["tekst"] == "Intussen aangepast (eenzaamheid)"


def test_gebieden_pools_a_selection_saves_it_and_hides_a_tiny_area(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/gebieden.py", gemeente="GM0307")
    assert at.title[0].value == "Eigen gebieden"
    members = ["BU03071000", "BU03071004", "BU03070700", "BU03070701", "BU03070702"]
    _one(at.multiselect, "Buurten").set_value(members).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _one(at.metric, "Inwoners").value != "–"
    score = _one(at.metric, "Score van het gebied").value
    assert score != "–" and "," in score  # Dutch decimal comma
    table = at.dataframe[0].value.set_index("Indicator")
    assert {"Gebied", "Gemeente", "Nederland", "Dekking", "Samengevoegd"} <= set(table.columns)
    assert table.loc["Eenzaam", "Gebied"] != "–"
    assert table.loc["Aantal inwoners", "Samengevoegd"] == "som"
    # saving needs a name in the sidebar (or a login)
    assert _one(at.button, "Gebied opslaan").disabled
    _one(at.sidebar.text_input, "Uw naam").set_value("Programmamanager").run()
    _one(at.text_input, "Naam van het gebied").set_value("Liendert + Kruiskamp")
    _one(at.button, "Gebied opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _registry(app_env) as reg:
        saved = reg.table("gebied")
    assert saved["naam"].tolist() == ["Liendert + Kruiskamp"]
    assert saved["buurtcodes"].iloc[0] == " ".join(sorted(members))
    at.run()
    assert "Opgeslagen gebied" in _one(at.radio, "Gebied").options
    _one(at.radio, "Gebied").set_value("Opgeslagen gebied").run()
    assert at.header[0].value == "Liendert \\+ Kruiskamp"  # escaped for Markdown (an h2)
    _one(at.button, "Dit gebied verwijderen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _registry(app_env) as reg:
        assert reg.table("gebied").empty
        assert reg.audit_log(limit=1).iloc[0]["actie"] == "delete"
    # a single buurt under the minimum population: no indicator is shown
    at = _app(monkeypatch, app_env, "ui/gebieden.py", gemeente="GM0307")
    _one(at.radio, "Gebied").set_value("Nieuw gebied (buurten kiezen)").run()
    _one(at.multiselect, "Buurten").set_value(["BU03073105"]).run()
    assert any("toont geen indicatoren" in w.value for w in at.warning)
    table = at.dataframe[0].value.set_index("Indicator")
    assert (table.drop(index=["Aantal inwoners", "Aantal huishoudens"])["Gebied"] == "–").all()
    assert _one(at.metric, "Score van het gebied").value == "–"


def test_verandering_indicator_and_score(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/verandering.py", gemeente="GM0307")
    assert at.title[0].value == "Verandering"
    van, naar = _one(at.selectbox, "Van"), _one(at.selectbox, "Naar")
    assert (van.value, naar.value) == (van.options[0], naar.options[-1])  # widest span
    _one(at.selectbox, "Wat").set_value("eenzaam").run()
    _one(at.selectbox, "Van").set_value("2016").run()
    end = _one(at.selectbox, "Naar").value
    assert end == _one(at.selectbox, "Naar").options[-1] and end > "2016"
    # the view is in the URL and a link reopens it
    params = {k: _param(at, k) for k in ("verandering", "van", "naar")}
    assert params == {"verandering": "eenzaam", "van": "2016", "naar": end}
    again = _app(monkeypatch, app_env, "ui/verandering.py", gemeente="GM0307", **params)
    assert _one(again.selectbox, "Wat").value == "eenzaam"
    assert _one(again.selectbox, "Van").value == "2016"
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert {"2016", end, "95% 2016", "Verandering (procentpunt)", "Significant"} <= set(
        table.columns
    )
    # the shared monitor extract has no 95% bounds: significance is unknown, never "nee"
    compared = table[table["Significant"] != "–"]
    assert len(compared) > 100
    assert (compared["Significant"] == "onbekend (geen 95%-intervallen)").all()
    small = table[table["Opmerking"] == "niet getoond: te weinig inwoners"]
    assert len(small) > 0 and (small[end] == "–").all()
    assert any("zonder intervallen" in c.value for c in at.caption)
    _one(at.selectbox, "Wat").set_value("score").run()
    assert not at.exception, [e.value for e in at.exception]
    shifts = at.dataframe[0].value
    assert {"Rang 2016", f"Rang {end}", "Verschuiving"} <= set(shifts.columns)
    assert (shifts["Verschuiving"] == shifts["Rang 2016"] - shifts[f"Rang {end}"]).all()
    assert any("kerncijfers van 2024" in c.value for c in at.caption)


def test_andere_indexen_compares_with_ses_woa(monkeypatch, app_env):
    at = _app(monkeypatch, app_env, "ui/indexen.py", gemeente="GM0307")
    assert at.title[0].value == "Andere indexen"
    assert not at.exception, [e.value for e in at.exception]
    assert _one(at.selectbox, "Index").value == "ses_woa"
    rho = _one(at.metric, "Spearman-correlatie").value
    assert rho.startswith("-0,9"), rho  # real SES-WOA 2022 values served as 86092NED
    assert _one(at.metric, "Buurten vergeleken").value == "108"
    table = at.dataframe[0].value
    assert len(table) == 10
    assert table["Verklaring (Wijkradar-indicatoren)"].str.contains("punten").all()
    assert set(table["Wie ziet meer nood"]) <= {"Wijkradar", "SES-WOA totaalscore"}
    assert at.get("vega_lite_chart"), "the scatter plot is drawn"
