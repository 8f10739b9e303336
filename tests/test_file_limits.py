"""Issue #14 (8): ``--van`` files and the app's file import are capped per kind before parsing.

Every oversized or hostile file here is generated in ``tmp_path``; the caps are lowered to
the fixture's size instead of writing large files.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.errors import DataFormatError
from geo.gemeente import cache_path
from geo.io import read_source_file
from geo.limits import FILE_KINDS, FileLimits
from wijkradar import cli
from wijkradar.config import ENV_VARS, Settings
from wijkradar.pipeline import build_from_files, fetch_gemeente

STATLINE = "WijkenEnBuurten;SoortRegio_2;AantalInwoners_5\n"
RIVM = "ID;WijkenEnBuurten;Perioden;Marges;Leeftijd;GoedErvarenGezondheid_4\n"
KWB = "gwb_code_10;gwb_code;regio;a_inw\n"
HEADERS = {"kerncijfers": STATLINE, "gezondheid": RIVM, "kwb": KWB}


def small_kaart(path: Path, n: int = 2, *, layer: str = "buurten") -> Path:
    """A Wijk- en buurtkaart-like layer of ``n`` square buurten of GM0999."""
    frame = gpd.GeoDataFrame(
        {
            "buurtcode": [f"BU099901{i:02d}" for i in range(n)],
            "buurtnaam": [f"Buurt {i}" for i in range(n)],
            "wijkcode": ["WK099901"] * n,
            "gemeentecode": ["GM0999"] * n,
            "gemeentenaam": ["Testdorp"] * n,
            "aantal_inwoners": [100 + i for i in range(n)],
        },
        geometry=[box(150000 + 100 * i, 450000, 150100 + 100 * i, 450100) for i in range(n)],
        crs="EPSG:28992",
    )
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_file(path, **({"layer": layer} if path.suffix == ".gpkg" else {}))
    return path


def never_ending_gpkg(path: Path) -> Path:
    """A small GeoPackage whose buurten layer is a view that GDAL never finishes opening.

    The view joins a recursive CTE that counts to 10^15 and yields no row.
    """
    small_kaart(path, layer="echt")
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE VIEW buurten AS
          WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 1e15)
          SELECT e.fid AS fid, e.buurtcode AS buurtcode, e.geom AS geom
          FROM echt AS e, r WHERE r.i = -1;
        INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
          VALUES ('buurten', 'features', 'buurten', 28992);
        INSERT INTO gpkg_geometry_columns
          (table_name, column_name, geometry_type_name, srs_id, z, m)
          VALUES ('buurten', 'geom', 'POLYGON', 28992, 0, 0);
        """
    )
    con.commit()
    con.close()
    return path


# -- settings -------------------------------------------------------------------------------
def test_settings_give_the_same_defaults_and_env_overrides():
    assert Settings.from_env({}).file_limits == FileLimits()
    env = {
        "WIJKRADAR_FILE_MAX_CSV_BYTES": "1234",
        "WIJKRADAR_FILE_MAX_GEZONDHEID_BYTES": "99",
        "WIJKRADAR_FILE_MAX_FEATURES": "7",
        "WIJKRADAR_FILE_READ_SECONDS": "2.5",
    }
    limits = Settings.from_env(env).file_limits
    assert (limits.csv_bytes, limits.gezondheid_bytes) == (1234, 99)
    assert (limits.max_features, limits.read_seconds) == (7, 2.5)
    # every variable a message names exists
    names = set(ENV_VARS.values())
    assert {f"WIJKRADAR_FILE_MAX_{k.upper()}_BYTES" for k in FILE_KINDS} <= names
    assert {"WIJKRADAR_FILE_MAX_ROWS", "WIJKRADAR_FILE_READ_SECONDS"} <= names
    with pytest.raises(ValueError):
        Settings.from_env({"WIJKRADAR_FILE_MAX_KAART_BYTES": "0"})


def test_readme_documents_every_file_limit():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for var in ENV_VARS.values():
        if var.startswith("WIJKRADAR_FILE_"):
            assert var in readme, var


# -- caps from the suffix, before parsing -----------------------------------------------------
@pytest.mark.parametrize(
    "name,kind",
    [("kaart.gpkg", "kaart"), ("kaart.geojson", "kaart"), ("t.csv", "csv"), ("t.xlsx", "xlsx")],
)
def test_suffix_cap_refuses_before_parsing(tmp_path, name, kind):
    path = tmp_path / name
    path.write_bytes(b"\x00garbage that no reader would accept\xff" * 100)  # 3,900 bytes
    limits = replace(FileLimits(), **{f"{kind}_bytes": 1000})
    with pytest.raises(DataFormatError) as err:
        read_source_file(path, limits=limits)
    msg = str(err.value)
    assert str(path) in msg and "groter dan de limiet van 1.000 bytes" in msg
    assert FILE_KINDS[kind] in msg and f"WIJKRADAR_FILE_MAX_{kind.upper()}_BYTES" in msg
    # within the cap the same bytes reach the parser and fail there, differently
    with pytest.raises(DataFormatError) as err:
        read_source_file(path)
    assert "limiet" not in str(err.value)


# -- caps per table kind, from the header row, before the body -------------------------------
@pytest.mark.parametrize("kind", ["kerncijfers", "gezondheid", "kwb"])
def test_kind_cap_is_checked_on_the_header_before_the_body(tmp_path, kind):
    path = tmp_path / f"{kind}.csv"
    # a real header, then a body that is not even UTF-8: parsing it would fail
    path.write_bytes(HEADERS[kind].encode() + b"\xe9\xe9\xe9;1;2;3\n" * 200)
    size = path.stat().st_size
    tight = replace(FileLimits(), **{f"{kind}_bytes": size - 1})
    with pytest.raises(DataFormatError, match="groter dan de limiet") as err:
        read_source_file(path, limits=tight)
    assert FILE_KINDS[kind] in str(err.value)
    assert f"WIJKRADAR_FILE_MAX_{kind.upper()}_BYTES" in str(err.value)
    # the other kinds' caps do not apply to it
    others = {f"{k}_bytes": size - 1 for k in HEADERS if k != kind}
    with pytest.raises(DataFormatError, match="niet als UTF-8"):
        read_source_file(path, limits=replace(FileLimits(), **others))


def test_unknown_table_is_refused_on_its_header(tmp_path):
    path = tmp_path / "onbekend.csv"
    path.write_bytes(b"foo,bar\n" + b"\xe9,1\n" * 100)  # the body is never decoded
    with pytest.raises(DataFormatError, match="geen bekende CBS/RIVM-tabel.*foo, bar"):
        read_source_file(path)


def test_kind_cap_of_an_excel_file(tmp_path):
    path = tmp_path / "kwb-2024.xlsx"
    pd.DataFrame({"gwb_code_10": ["GM0999"], "regio": ["Testdorp"], "a_inw": ["100"]}).to_excel(
        path, index=False
    )
    assert read_source_file(path).kind == "kerncijfers"
    tight = replace(FileLimits(), kwb_bytes=path.stat().st_size - 1)
    with pytest.raises(DataFormatError, match="kwb-download") as err:
        read_source_file(path, limits=tight)
    assert str(path) in str(err.value)


# -- rows, zip bombs, features ---------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_row_cap(tmp_path, suffix):
    table = pd.DataFrame(
        {"WijkenEnBuurten": [f"BU0999{i:04d}" for i in range(11)], "AantalInwoners_5": "5"}
    )
    path = tmp_path / f"statline{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_excel(path, index=False)
    assert read_source_file(path, limits=replace(FileLimits(), max_rows=11)).kind == "kerncijfers"
    with pytest.raises(DataFormatError, match="meer dan 10 rijen") as err:
        read_source_file(path, limits=replace(FileLimits(), max_rows=10))
    assert str(path) in str(err.value) and "WIJKRADAR_FILE_MAX_ROWS" in str(err.value)


def test_xlsx_zip_bomb_is_refused_before_pandas(tmp_path):
    path = tmp_path / "kwb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * 3_000_000)
    assert path.stat().st_size < 20_000
    with pytest.raises(DataFormatError, match="zip-bom") as err:
        read_source_file(path)  # 3 MB packed 300 times: the ratio check
    assert str(path) in str(err.value)
    with pytest.raises(DataFormatError, match="meer dan de limiet van 1,000,000"):
        read_source_file(path, limits=replace(FileLimits(), xlsx_unpacked_bytes=1_000_000))


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet"])
def test_feature_cap(tmp_path, suffix):
    path = small_kaart(tmp_path / f"kaart{suffix}", n=6)
    assert len(read_source_file(path, limits=replace(FileLimits(), max_features=6)).geometry) == 6
    with pytest.raises(DataFormatError, match="meer dan 5 objecten") as err:
        read_source_file(path, limits=replace(FileLimits(), max_features=5))
    assert str(path) in str(err.value) and "WIJKRADAR_FILE_MAX_FEATURES" in str(err.value)


# -- time limit on GDAL ----------------------------------------------------------------------
def test_geometry_reading_is_time_bounded_and_the_reader_is_stopped(tmp_path):
    path = never_ending_gpkg(tmp_path / "kaart.gpkg")
    assert path.stat().st_size < 1_000_000
    start = time.monotonic()
    with pytest.raises(DataFormatError) as err:
        read_source_file(path, limits=replace(FileLimits(), read_seconds=2))
    assert time.monotonic() - start < 30
    msg = str(err.value)
    assert str(path) in msg and "langer dan 2 s" in msg and "niets opgeslagen" in msg
    assert "WIJKRADAR_FILE_READ_SECONDS" in msg
    assert not [p for p in multiprocessing.active_children() if p.name == "wijkradar-lezen"]


def test_a_slow_import_writes_nothing(tmp_path):
    """Through the app's and the CLI's route: settings -> fetch_gemeente(files=...)."""
    kaart = never_ending_gpkg(tmp_path / "kaart.gpkg")
    settings = Settings(data_dir=tmp_path / "d", file_read_seconds=1)
    with pytest.raises(DataFormatError, match="langer dan 1 s"):
        fetch_gemeente("GM0999", settings=settings, files=[kaart])
    assert not cache_path(settings.data_dir, "GM0999", 2024).exists()


def test_a_good_kaart_is_read_in_time_and_completely(tmp_path):
    data = build_from_files([small_kaart(tmp_path / "kaart.gpkg", n=3)], "GM0999")
    assert list(data.buurten.index) == ["BU09990100", "BU09990101", "BU09990102"]
    assert data.buurten.crs.to_epsg() == 28992


def test_cli_from_over_a_limit_is_one_dutch_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("WIJKRADAR_FILE_MAX_KAART_BYTES", "1000")
    kaart = small_kaart(tmp_path / "kaart.gpkg")
    assert cli.main(["fetch", "--gemeente", "GM0999", "--van", str(kaart)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fout: ") and err.count("\n") == 1
    assert "kaart.gpkg" in err and "groter dan de limiet" in err and "Traceback" not in err
    assert not (tmp_path / "d" / "cache").exists()


def test_the_reading_child_does_not_run_the_main_script(tmp_path, monkeypatch):
    """Streamlit runs the page as ``__main__``; multiprocessing would run it again in the child."""
    import sys
    import types

    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    kaart = small_kaart(tmp_path / "kaart.gpkg")
    assert len(read_source_file(kaart).geometry) == 2
    assert not marker.exists()
    assert sys.modules["__main__"] is page


def test_reference_uploads_follow_the_configured_caps(tmp_path):
    """SES-WOA/Leefbaarometer files (Methode, Indexen) go through the same suffix caps."""
    from wijkradar.validity import load_reference

    path = tmp_path / "lbm.csv"
    path.write_text("buurtcode,lbm\n" + "".join(f"BU0999{i:04d},4.1\n" for i in range(50)))
    settings = Settings(data_dir=tmp_path / "d", file_max_csv_bytes=100)
    with pytest.raises(DataFormatError, match="groter dan de limiet") as err:
        load_reference("GM0999", settings=settings, files=[path])
    assert "lbm.csv" in str(err.value) and "WIJKRADAR_FILE_MAX_CSV_BYTES" in str(err.value)
    frame, _ = load_reference("GM0999", settings=Settings(data_dir=tmp_path / "d"), files=[path])
    assert frame is not None and len(frame) == 50
