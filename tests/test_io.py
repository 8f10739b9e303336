"""Local file readers on small hand-written fixtures and on the real shared files."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.errors import DataFormatError, GemeenteNotFoundError
from geo.io import read_source_file
from wijkradar.pipeline import build_from_files


@pytest.fixture
def kaart(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "buurtcode": ["BU09990101", "BU09990102", "BU09990199"],
            "buurtnaam": ["Noord", "Zuid & <b>Oost</b>", "Water"],
            "wijkcode": ["WK099901"] * 3,
            "gemeentecode": ["GM0999"] * 3,
            "gemeentenaam": ["Testdorp"] * 3,
            "water": ["NEE", "NEE", "JA"],
            "aantal_inwoners": [1200, -99997, 0],
            "percentage_huishoudens_met_laag_inkomen": [12.0, -99995, -99995],
            "aantal_personen_met_een_alg_bijstandsuitkering_tot": [30, 5, -99995],
            "jaar": [2024] * 3,
        },
        geometry=[
            box(150000, 450000, 151000, 451000),
            box(151000, 450000, 152000, 451000),
            box(152000, 450000, 153000, 451000),
        ],
        crs="EPSG:28992",
    )
    path = tmp_path / "kaart.gpkg"
    frame.to_file(path, layer="buurten")
    return path


def test_kaart_sentinels_become_suppressed_and_water_is_dropped(kaart):
    data = build_from_files([kaart], "GM0999")
    assert list(data.buurten.index) == ["BU09990101", "BU09990102"]
    assert data.buurten.loc["BU09990101", "bijstand_per_1000"] == pytest.approx(25.0)
    assert pd.isna(data.buurten.loc["BU09990102", "pct_hh_laag_inkomen"])
    assert data.states.loc["BU09990102", "pct_hh_laag_inkomen"] == "onderdrukt"
    assert data.states.loc["BU09990102", "inwoners"] == "onderdrukt"
    assert "1 waterbuurten weggelaten" in data.provenance[-1]["opmerkingen"][0]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_kaart_without_crs_is_refused(tmp_path):
    path = tmp_path / "nocrs.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"buurtcode":"BU09990101"},"geometry":{"type":"Point","coordinates":[1,2]}}]}'
    )
    frame = gpd.read_file(path)
    frame = frame.set_crs(None, allow_override=True)
    frame.to_file(tmp_path / "nocrs.gpkg")
    with pytest.raises(DataFormatError, match="geen coördinatenstelsel"):
        read_source_file(tmp_path / "nocrs.gpkg")


def test_no_geometry_file_is_explained(tmp_path):
    csv = tmp_path / "k.csv"
    csv.write_text("WijkenEnBuurten,AantalInwoners_5\nBU09990101,100\n")
    with pytest.raises(DataFormatError, match="geen van de --van-bestanden bevat buurtgrenzen"):
        build_from_files([csv], "GM0999")


def test_gemeente_not_in_file(kaart):
    with pytest.raises(GemeenteNotFoundError, match="geen buurten van GM0307"):
        build_from_files([kaart], "GM0307")


@pytest.mark.parametrize(
    "content,message",
    [
        (b"foo,bar\n1,2\n", "geen bekende CBS/RIVM-tabel"),
        (b"WijkenEnBuurten;AantalInwoners_5\n\xe9\xe9;1\n", "niet als UTF-8"),
        (b"WijkenEnBuurten,AantalInwoners_5\nBU09990101,veel\n", "rij BU09990101: waarde 'veel'"),
    ],
    ids=["unknown-columns", "wrong-encoding", "bad-number"],
)
def test_bad_tables_name_the_problem(kaart, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataFormatError, match=message):
        build_from_files([kaart, path], "GM0999")


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK")
    with pytest.raises(DataFormatError, match="bestandstype .docx wordt niet ondersteund"):
        read_source_file(path)


def test_semicolon_statline_csv_with_padding(kaart, tmp_path):
    path = tmp_path / "statline.csv"
    path.write_text(
        "WijkenEnBuurten;SoortRegio_2;AantalInwoners_5;HuishOnderOfRondSociaalMinimum_88\n"
        "BU09990101;Buurt     ;    1200;     7.5\nBU09990102;Buurt     ;     300;       .\n",
        encoding="utf-8",
    )
    data = build_from_files([kaart, path], "GM0999")
    # the kaart came first and wins for inwoners; the CSV adds the social minimum
    assert data.buurten.loc["BU09990101", "pct_hh_sociaal_minimum"] == pytest.approx(7.5)
    assert data.states.loc["BU09990102", "pct_hh_sociaal_minimum"] == "onderdrukt"


def test_kwb_xlsx_format(shared):
    fs = read_source_file(
        shared / "api_samples" / "cbs_kwb-2023_xlsx_format_sample_GM0344_Utrecht.xlsx"
    )
    v, s = fs.data.values, fs.data.states
    assert fs.kind == "kerncijfers"
    assert v.loc["GM0344", "bijstand_per_1000"] > 0
    buurten = v.index[v.index.str.startswith("BU")]
    assert len(buurten) == 111
    assert (s.loc[buurten, "inkomen_per_inwoner"] == "onderdrukt").all()  # '.' in this release


def test_baarn_kaart_schema_sample(shared):
    fs = read_source_file(
        shared / "geo" / "cbs_wijkenbuurtenkaart_2024_buurten_GM0308_Baarn_schema_sample.geojson"
    )
    assert fs.kind == "kaart" and len(fs.geometry) == 21
    s = fs.data.states
    assert (s["pct_hh_laag_inkomen"] == "onderdrukt").all()  # -99995 everywhere in 2024
    assert (s["inwoners"] == "aanwezig").sum() > 0


def test_mojibake_name_survives(shared):
    data = build_from_files(
        [shared / "geo" / "cbs_buurten_2024_gegeneraliseerd_GM0307_GM0034.gpkg"], "GM0034"
    )
    assert data.buurten.loc["BU00341807", "buurtnaam"] == "LumiÞrepark"


def test_atomic_write_replaces_only_on_success(tmp_path):
    from geo.io import atomic_write

    target = tmp_path / "sub" / "scores.csv"
    with atomic_write(target) as tmp:
        assert tmp.parent == target.parent and tmp.suffix == ".csv" and not tmp.exists()
        tmp.write_text("eerste", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "eerste"
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("writer failed")
    assert target.read_text(encoding="utf-8") == "eerste"  # the old file, untouched
    assert sorted(p.name for p in target.parent.iterdir()) == ["scores.csv"]  # no leftovers


def test_atomic_write_file_mode_follows_the_umask(tmp_path):
    import os

    from geo.io import atomic_write

    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "p.yaml") as tmp:
            tmp.write_text("x", encoding="utf-8")
    finally:
        os.umask(old)
    assert (tmp_path / "p.yaml").stat().st_mode & 0o777 == 0o644


def test_one_delimiter_rule_for_source_and_registry_csv(tmp_path):
    import doctest

    import geo.io
    from geo.io import csv_delimiter
    from geo.registry import read_registry_file

    assert doctest.testmod(geo.io).failed == 0
    assert csv_delimiter("a;b,c;d") == ";" and csv_delimiter("a,b") == ","
    semi = tmp_path / "i.csv"
    semi.write_text("id;naam;thema;status\nA;Koffie, thee;overig;lopend\n", encoding="utf-8")
    frame, _ = read_registry_file(semi, max_bytes=10**6)
    assert frame.loc[0, "naam"] == "Koffie, thee"  # the comma in a cell is not a delimiter
