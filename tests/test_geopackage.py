"""The GeoPackage for QGIS and the data version in every score export."""

import json

import pandas as pd
import pyogrio
import pytest
import yaml

from wijkradar import data_version, load_gemeente, write_geopackage
from wijkradar.dataversion import content_hash, data_version_label
from wijkradar.profiles import resolve_profile
from wijkradar.render.export import ranking_table, write_scores
from wijkradar.render.geopackage import HIDDEN_STATE, LAYERS
from wijkradar.scoring import score_gemeente


@pytest.fixture
def scored(settings):
    data = load_gemeente("GM0307", settings=settings)
    profile = resolve_profile("kansrijke-wijk", settings)
    return data, profile, score_gemeente(data, profile, seed=1, draws=50)


def test_data_version_is_recorded_and_stable(settings, scored):
    data, _, result = scored
    version = result.attrs["data_version"]
    assert version == data_version(data)
    assert [b["tabel"] for b in version["bronnen"]] == [p["tabel"] for p in data.provenance]
    assert {b["periode"] for b in version["bronnen"]} >= {"2024"}
    assert len(version["inhoud_sha256"]) == 64
    json.dumps(version)  # serialisable
    cached = load_gemeente("GM0307", settings=settings)  # second load: from the cache
    assert cached.from_cache and content_hash(cached) == version["inhoud_sha256"]
    # the hash changes with one value
    changed = load_gemeente("GM0307", settings=settings)
    code = changed.buurten.index[0]
    changed.buurten.loc[code, "eenzaam"] = (changed.buurten.loc[code, "eenzaam"] or 0) + 1
    assert content_hash(changed) != version["inhoud_sha256"]


def test_geopackage_layers_read_back(scored, tmp_path):
    data, profile, result = scored
    path = write_geopackage(result, data, tmp_path / "uit.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert list(layers) == list(LAYERS)
    assert layers["scores"] == layers["indicatoren"] == "MultiPolygon"
    assert layers["metadata"] is None and layers["bronnen"] is None  # attribute tables
    info = pyogrio.read_info(path, layer="scores")
    assert info["crs"] == "EPSG:28992" and info["features"] == len(data.buurten)

    scores = pyogrio.read_dataframe(path, layer="scores").set_index("buurtcode")
    assert scores["rank"].equals(result["rank"].reindex(scores.index))
    assert any(c.startswith("domein_") for c in scores.columns)
    assert (scores["dataversie"] == data_version_label(result.attrs["data_version"])).all()

    ind = pyogrio.read_dataframe(path, layer="indicatoren").set_index("buurtcode")
    small = result.index[result["te_klein"]]
    big = result.index[~result["te_klein"]]
    assert len(small) > 0
    assert ind.loc[small, data.indicator_ids].isna().all().all()  # disclosure control
    assert (ind.loc[small, "eenzaam_status"] == HIDDEN_STATE).all()
    states = data.states.loc[big, "eenzaam"].astype(str)
    assert ind.loc[big, "eenzaam_status"].equals(states.rename("eenzaam_status"))
    present = big[data.states.loc[big, "eenzaam"] == "aanwezig"]
    pd.testing.assert_series_equal(
        ind.loc[present, "eenzaam"], data.buurten.loc[present, "eenzaam"], check_names=False
    )

    meta = pyogrio.read_dataframe(path, layer="metadata").set_index("sleutel")["waarde"]
    assert yaml.safe_load(meta["profiel_yaml"])["name"] == profile.name
    assert json.loads(meta["dataversie_json"]) == result.attrs["data_version"]
    assert meta["inhoud_sha256"] == result.attrs["data_version"]["inhoud_sha256"]
    assert meta["gemeentecode"] == "GM0307" and meta["jaar"] == str(data.jaar)
    assert "pct_armoede is door de bron (nog) niet gepubliceerd" in meta["waarschuwingen"]
    sources = pyogrio.read_dataframe(path, layer="bronnen")
    assert list(sources["tabel"]) == [p["tabel"] for p in data.provenance]
    cat = pyogrio.read_dataframe(path, layer="catalogus").set_index("indicator")
    assert cat.loc["eenzaam", ["tabel", "periode"]].tolist() == ["50150NED", "2020"]
    assert "2.500" in cat.loc["inkomen_per_inwoner", "onderdrukking"]


def test_every_score_export_carries_the_data_version(scored, tmp_path):
    data, _, result = scored
    label = data_version_label(result.attrs["data_version"])
    csv = pd.read_csv(write_scores(result, data, tmp_path / "s.csv"))
    assert (csv["dataversie"] == label).all()
    table = ranking_table(data, result)  # the app's ranking table: no te_klein column
    gpkg = write_scores(table, data, tmp_path / "r.gpkg")
    assert len(dict(pyogrio.list_layers(gpkg))) == len(LAYERS)
    ind = pyogrio.read_dataframe(gpkg, layer="indicatoren").set_index("buurtcode")
    unscored = table.index[table["score"].isna()]
    assert ind.loc[unscored, data.indicator_ids].isna().all().all()
    assert not (tmp_path / "r.gpkg.tmp.gpkg").exists()
