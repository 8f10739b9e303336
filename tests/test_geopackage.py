"""The GeoPackage for QGIS and the data version in every score export."""

import json

import pandas as pd
import pyogrio
import pytest
import yaml

from geo.errors import DataFormatError
from wijkradar import data_version, load_gemeente, write_geopackage
from wijkradar.dataversion import content_hash, data_version_label
from wijkradar.profiles import resolve_profile
from wijkradar.render.export import (
    OLD_COLUMNS,
    ranking_table,
    read_scores,
    rename_old_columns,
    write_scores,
)
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
    assert scores["rang"].equals(result["rang"].reindex(scores.index))
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


def _old_format(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the English score columns files had before the Dutch names."""
    return frame.rename(columns={new: old for old, new in OLD_COLUMNS.items()})


def test_score_files_of_older_versions_still_load(scored, tmp_path):
    data, _, result = scored
    # today's files read back with today's names
    csv = read_scores(write_scores(result, data, tmp_path / "nieuw.csv"))
    assert set(OLD_COLUMNS.values()) <= set(csv.columns)
    assert csv["rang"].equals(result["rang"].reindex(csv.index))
    # a CSV written by an older version: the same header, in English
    old_csv = tmp_path / "oud.csv"
    _old_format(pd.read_csv(tmp_path / "nieuw.csv", dtype=str)).to_csv(old_csv, index=False)
    assert "rank" in pd.read_csv(old_csv, nrows=0).columns
    back = read_scores(old_csv)
    assert list(back.columns) == list(csv.columns)
    pd.testing.assert_frame_equal(back, csv)
    # an older GeoPackage scores layer and an older batch GeoParquet
    gpkg = write_geopackage(result, data, tmp_path / "nieuw.gpkg")
    layer = pyogrio.read_dataframe(gpkg, layer="scores")
    pyogrio.write_dataframe(_old_format(layer), tmp_path / "oud.gpkg", layer="scores")
    old_gpkg = read_scores(tmp_path / "oud.gpkg")
    assert old_gpkg["rang_laag"].equals(layer.set_index("buurtcode")["rang_laag"])
    assert not set(OLD_COLUMNS) & set(old_gpkg.columns)
    old_parquet = tmp_path / "GM0307_2024_oud.parquet"
    _old_format(layer.set_index("buurtcode")).to_parquet(old_parquet)
    batch = read_scores(old_parquet)
    assert batch.crs.to_epsg() == 28992
    assert batch["robuust_top"].equals(layer.set_index("buurtcode")["robuust_top"])


def test_score_csv_reads_back_names_that_look_like_formulas(scored, tmp_path):
    data, _, result = scored
    hostile = result.copy()
    codes = hostile.index[:3]
    hostile.loc[codes, "buurtnaam"] = ["=1+1", "@SUM(A1)", "-Zuid"]
    path = write_scores(hostile, data, tmp_path / "scores.csv")
    raw = pd.read_csv(path, dtype=str).set_index("buurtcode")
    assert raw.loc[codes, "buurtnaam"].str.startswith("'").all()  # guarded in the file
    back = read_scores(path)
    assert back.loc[codes, "buurtnaam"].tolist() == ["=1+1", "@SUM(A1)", "-Zuid"]
    assert back["rang"].equals(hostile["rang"].reindex(back.index))


def test_old_and_new_names_side_by_side_and_bad_files(tmp_path):
    both = pd.DataFrame({"buurtcode": ["BU1"], "rang": [1.0], "rank": [2.0], "p_top_k": [0.5]})
    assert rename_old_columns(both).columns.tolist() == ["buurtcode", "rang", "rank", "kans_top"]
    (tmp_path / "x.csv").write_text("code;rank\nBU1;1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="x.csv: geen kolom 'buurtcode'"):
        read_scores(tmp_path / "x.csv")
    (tmp_path / "kapot.gpkg").write_bytes(b"geen geopackage")
    with pytest.raises(DataFormatError, match="kapot.gpkg: kan het bestand niet lezen"):
        read_scores(tmp_path / "kapot.gpkg")
    with pytest.raises(DataFormatError, match="weg.csv: bestand niet gevonden"):
        read_scores(tmp_path / "weg.csv")
    with pytest.raises(DataFormatError, match=r"scores.xlsx: kies een \.csv"):
        read_scores(tmp_path / "scores.xlsx")
