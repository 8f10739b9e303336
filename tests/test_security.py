"""Issue #14: hostile input through every output context, exports, secrets, numbers, limits.

Each test names the numbered problem of the issue it guards. The hostile corpus lives in
``tests/hostile.py``; map rendering is covered in ``test_maps.py``, the real browser in
``test_browser.py``.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from geo import mask_secrets
from geo.registry import Registry, RegistryError, parse_amount, read_registry_file, validate_records
from tests.hostile import FORMULAS
from wijkradar.render.export import ranking_csv, table_csv, write_table


# -- 3. every write in the audit trail, also from the command line ------------------------------
def _audit_log(data_dir):
    from wijkradar.config import Settings
    from wijkradar.registry import open_registry

    with open_registry(Settings(data_dir=data_dir)) as reg:
        return reg.audit_log()


def _audited_cli(monkeypatch, env, argv):
    import importlib

    from wijkradar import cli

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    registry = importlib.import_module("wijkradar.registry")
    monkeypatch.setattr(registry, "os_user", lambda: "tester")
    return cli.main(argv)


def test_3_cli_fetch_is_audited_like_the_app_refresh(server, tmp_path, monkeypatch):
    env = {**server.env(), "WIJKRADAR_DATA_DIR": str(tmp_path / "d")}
    env["WIJKRADAR_HTTP_RETRIES"] = "0"
    assert _audited_cli(monkeypatch, env, ["fetch", "--gemeente", "GM0307"]) == 0
    log = _audit_log(tmp_path / "d")
    assert len(log) == 1
    line = log.iloc[0]
    # the line ui/common.py writes after "Opnieuw ophalen": log_write("ophalen", "gemeente", key)
    assert (line["gebruiker"], line["actie"], line["entiteit"], line["sleutel"]) == (
        "tester",
        "ophalen",
        "gemeente",
        "GM0307-2024",
    )
    # a source fails: the old cache is used, nothing is written, so nothing is logged
    server.inject("/", "500", times=10_000)
    argv = ["fetch", "--gemeente", "GM0307", "--vernieuw"]  # ask the failing sources again
    assert _audited_cli(monkeypatch, env, argv) == 0
    assert len(_audit_log(tmp_path / "d")) == 1


def test_3_cli_fetch_from_files_is_audited_like_the_app_import(tmp_path, monkeypatch):
    from tests.test_file_limits import small_kaart

    kaart = small_kaart(tmp_path / "kaart.gpkg")
    env = {"WIJKRADAR_DATA_DIR": str(tmp_path / "d")}
    assert (
        _audited_cli(monkeypatch, env, ["fetch", "--gemeente", "GM0999", "--van", str(kaart)]) == 0
    )
    line = _audit_log(tmp_path / "d").iloc[0]
    assert (line["actie"], line["entiteit"], line["sleutel"]) == (
        "import",
        "gemeente",
        "GM0999-2024",
    )
    assert json.loads(line["na"]) == {"bestanden": ["kaart.gpkg"]}


def test_3_cli_fetch_says_when_the_audit_line_fails(tmp_path, monkeypatch, capsys):
    from tests.test_file_limits import small_kaart

    kaart = small_kaart(tmp_path / "kaart.gpkg")
    env = {
        "WIJKRADAR_DATA_DIR": str(tmp_path / "d"),
        "WIJKRADAR_DATABASE_URL": "postgresql+psycopg://wr:geheim@127.0.0.1:1/wr",
    }
    code = _audited_cli(monkeypatch, env, ["fetch", "--gemeente", "GM0999", "--van", str(kaart)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("fout: de cache is bijgewerkt, maar het logboek niet")
    assert "geheim" not in err and err.count("\n") == 1


# -- 4. formula injection in exports ------------------------------------------------------------
def _formula_cells(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_4_table_exports_neutralise_formulas(tmp_path):
    frame = pd.DataFrame({"naam": FORMULAS, "getal": range(len(FORMULAS))})
    frame["negatief"] = -2.5
    back = pd.read_csv(io.BytesIO(table_csv(frame)), dtype=object, keep_default_na=False)
    assert _formula_cells(back["naam"]) == []
    assert list(back["naam"]) == ["'" + f for f in FORMULAS]
    assert set(back["negatief"]) == {"-2.5"}  # numbers stay numbers
    xlsx = write_table(frame, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # strings, never formulas
    assert _formula_cells(c.value for c in cells if c.data_type == "s") == []
    csv = write_table(frame, tmp_path / "t.csv")
    assert _formula_cells(pd.read_csv(csv, dtype=object)["naam"]) == []
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        write_table(frame, tmp_path / "t.txt")


def test_4_ranking_csv_neutralises_buurt_and_wijk_names():
    table = pd.DataFrame(
        {"buurtnaam": FORMULAS, "wijknaam": list(reversed(FORMULAS)), "score": 1.0},
        index=pd.Index([f"BU0000000{i}" for i in range(len(FORMULAS))], name="buurtcode"),
    )
    back = pd.read_csv(io.BytesIO(ranking_csv(table)), dtype=object)
    assert _formula_cells(back["buurtnaam"]) == [] and _formula_cells(back["wijknaam"]) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_4_registry_export_is_formula_safe_and_round_trips(tmp_path, suffix):
    from wijkradar import Settings
    from wijkradar.registry import export_file

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    with Registry(url) as reg:
        for i, name in enumerate(FORMULAS):
            reg.save(
                "initiatief",
                {"id": f"F{i}", "naam": name, "thema": "overig", "status": "lopend"},
                user="t",
            )
        out = export_file(
            Settings(data_dir=tmp_path, database_url=url), "initiatief", tmp_path / f"e{suffix}"
        )
        if suffix == ".xlsx":
            sheet = openpyxl.load_workbook(out).active
            cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
            assert all(c.data_type != "f" for c in cells)
            assert _formula_cells(c.value for c in cells) == []
        else:
            assert _formula_cells(pd.read_csv(out, dtype=object)["naam"]) == []
        frame, _first = read_registry_file(out, max_bytes=10**6)
        # the ' added by the export is removed again on import: names round-trip exactly
        assert sorted(frame["naam"]) == sorted(reg.table("initiatief")["naam"])


# -- 5. secrets in messages ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "postgres://wijkradar:Geheim123@db.example:5432/wijkradar",
        "postgresql://wijkradar:Geheim123@127.0.0.1:1/wijkradar",
        "postgresql+nodriver://wijkradar:Geheim123@db/w",
        "wijkradar:Geheim123@db/wijkradar",
        "postgresql+psycopg://wijkradar:Geheim123@127.0.0.1:1/wijkradar",
    ],
)
def test_5_database_url_password_never_in_messages(url):
    with pytest.raises(RegistryError) as info:
        Registry(url).close()
    assert "Geheim123" not in str(info.value)


def test_5_mask_secrets():
    assert (
        mask_secrets("a postgresql+psycopg://u:p%40ss@h/db b")
        == "a postgresql+psycopg://u:***@h/db b"
    )
    assert "abc" not in mask_secrets("host=h password=abc user=u")
    assert mask_secrets("https://example.org/a:b") == "https://example.org/a:b"


# -- 9. amounts ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 2.000", 2000.0),
        ("€2.000,-", 2000.0),
        ("1.500,50", 1500.5),
        ("2,000.00", 2000.0),
        ("1,000,000", 1_000_000.0),
        ("1.234.567", 1_234_567.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("0,500", 0.5),
        ("2 000,50", 2000.5),
        ("EUR 350", 350.0),
        ("1500", 1500.0),
        (1500, 1500.0),
    ],
)
def test_9_amounts_are_parsed_exactly(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["2,000", "1.5.3", "12,50.1", "twee", "1e3", "€", "2.000.5"])
def test_9_ambiguous_or_malformed_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_9_bad_amount_gives_a_row_report_not_a_wrong_number():
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "naam": ["a", "b", "c"],
            "thema": "overig",
            "status": "lopend",
            "subsidie": ["€ 2.000", "2,000", "1.500,50"],
        }
    )
    records, errors = validate_records("initiatief", frame)
    assert records[0]["subsidie"] == 2000.0 and records[2]["subsidie"] == 1500.5
    assert [(e.row, e.field) for e in errors] == [(3, "subsidie")]
    assert "dubbelzinnig" in errors[0].message


# -- 6. HTTP client limits -----------------------------------------------------------------------
def _client(**kw):
    from geo.sources import HttpClient

    kw.setdefault("retries", 0)
    return HttpClient(timeout=kw.pop("timeout", 5), backoff=0.0, sleep=lambda s: None, **kw)


def test_6_same_host():
    from geo.sources import same_host

    assert same_host("https://a.nl/x?$skip=5", "https://a.nl/ODataApi/odata")
    assert same_host("https://a.nl:443/x", "http://a.nl/x")  # upgrade to https
    assert not same_host("http://a.nl/x", "https://a.nl/x")  # no downgrade
    assert not same_host("http://169.254.169.254/latest/meta-data", "https://a.nl/x")
    assert not same_host("https://a.nl.evil.example/x", "https://a.nl/x")
    assert not same_host("https://a.nl:8443/x", "https://a.nl/x")
    assert not same_host("file:///etc/passwd", "https://a.nl/x")


def test_6_slow_drip_ends_at_the_deadline(server):
    import time

    from geo.errors import SourceError
    from geo.sources import fetch_odata_rows

    server.inject("/85984NED/TypedDataSet", "drip")
    start = time.monotonic()
    with pytest.raises(SourceError, match=r"geen volledig antwoord binnen 1\.5 s"):
        fetch_odata_rows(_client(deadline=1.5), server.odata_url, "85984NED")
    assert time.monotonic() - start < 4


def test_6_huge_body_is_cut_off_at_the_byte_cap(server):
    from geo.errors import SourceError
    from geo.sources import fetch_odata_rows

    server.inject("/85984NED/TypedDataSet", "huge")
    with pytest.raises(SourceError, match="groter dan 1,000,000 bytes"):
        fetch_odata_rows(_client(max_bytes=1_000_000), server.odata_url, "85984NED")


def test_6_redirects_only_on_the_same_host(server):
    from geo.errors import SourceError
    from geo.sources import fetch_odata_rows

    server.inject("/85984NED/TypedDataSet", "redirect-offsite")
    with pytest.raises(SourceError, match="doorverwijzing naar een andere host"):
        fetch_odata_rows(_client(), server.odata_url, "85984NED", filter="1 eq 2")
    server.inject("/85984NED/TypedDataSet", "redirect-same")
    rows, _url = fetch_odata_rows(
        _client(), server.odata_url, "85984NED", filter="startswith(WijkenEnBuurten,'GM0307')"
    )
    assert len(rows) == 1


def test_6_cross_host_next_link_fails_the_fetch_and_caches_nothing(server, tmp_path):
    from geo.errors import SourceError
    from geo.gemeente import cache_path
    from tests.conftest import settings_for
    from wijkradar import fetch_gemeente

    port = server.base.rsplit(":", 1)[1]
    server.nextlink_base = f"http://localhost:{port}"
    settings = settings_for(server, tmp_path / "data", retries=0)
    with pytest.raises(SourceError, match="andere host"):
        fetch_gemeente("GM0307", settings=settings)
    assert not any(r.startswith("/odata") and "skip" in r for r in server.requests[-1:])
    assert not cache_path(settings.data_dir, "GM0307", 2024).exists()
    assert not any((tmp_path / "data").rglob("*.parquet"))


# -- 10. failures end in a clear message ---------------------------------------------------------
def _cli(monkeypatch, env, argv):
    from wijkradar import cli

    dead = "http://127.0.0.1:9"  # nothing listens: never the internet
    for var in ("CBS_ODATA_URL", "CBS_DATADERDEN_URL", "PDOK_URL", "PDOK_LOCATIESERVER_URL"):
        monkeypatch.setenv(f"WIJKRADAR_{var}", dead)
    monkeypatch.setenv("WIJKRADAR_HTTP_RETRIES", "0")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return cli.main(argv)


@pytest.mark.parametrize("draws", ["-1", "10000000"])
def test_10_draws_out_of_range_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys, draws):
    code = _cli(
        monkeypatch,
        {"WIJKRADAR_DATA_DIR": str(tmp_path)},
        ["score", "--gemeente", "GM0307", "--trekkingen", draws, "--uit", str(tmp_path / "s.csv")],
    )
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("fout: draws") and len(err.strip().splitlines()) == 1
    assert "ValueError" not in err


def test_10_terminal_escapes_from_input_are_not_printed_raw(tmp_path, monkeypatch, capsys):
    code = _cli(
        monkeypatch,
        {"WIJKRADAR_DATA_DIR": str(tmp_path)},
        ["score", "--gemeente", "GM0307", "--profiel", "\x1b[31mrood\x1b[0m", "--uit", "x.csv"],
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "\x1b" not in captured.err + captured.out and "\\x1b[31mrood" in captured.err


def _team_csv(tmp_path, rows, name="teams.csv"):
    path = tmp_path / name
    path.write_text("\n".join(["id,naam,fte,x,y", *rows]) + "\n", encoding="utf-8")
    return path


def test_10_replace_with_an_empty_file_needs_ja(tmp_path, monkeypatch, capsys):
    env = {"WIJKRADAR_DATA_DIR": str(tmp_path / "d")}
    full = _team_csv(tmp_path, ["T1,Noord,2,155000,463000"])
    assert _cli(monkeypatch, env, ["import", "--soort", "wijkteam", str(full)]) == 0
    empty = _team_csv(tmp_path, [], name="leeg.csv")
    argv = ["import", "--soort", "wijkteam", str(empty), "--vervang"]
    assert _cli(monkeypatch, env, argv) == 1
    err = capsys.readouterr().err
    assert "geen rijen" in err and "--ja" in err and len(err.strip().splitlines()) == 1
    with Registry(f"sqlite:///{tmp_path / 'd' / 'registry.sqlite'}") as reg:
        assert reg.count("wijkteam") == 1
    assert _cli(monkeypatch, env, [*argv, "--ja"]) == 0
    with Registry(f"sqlite:///{tmp_path / 'd' / 'registry.sqlite'}") as reg:
        assert reg.count("wijkteam") == 0


def test_10_referenced_wijkteam_is_not_deleted_and_says_why(tmp_path):
    from geo.registry import read_registry_file

    with Registry(f"sqlite:///{tmp_path / 'r.sqlite'}") as reg:
        reg.save("wijkteam", {"id": "T1", "naam": "Noord", "fte": 2.0}, user="t")
        reg.save("wijkteam", {"id": "T2", "naam": "Zuid", "fte": 2.0}, user="t")
        reg.save("wijkteam_buurt", {"buurtcode": "BU03070100", "wijkteam_id": "T1"}, user="t")
        with pytest.raises(RegistryError, match=r"T1 \(1 buurten\).*niets gewijzigd"):
            reg.delete("wijkteam", "T1", user="t", version=1)
        frame, first = read_registry_file(_team_csv(tmp_path, ["T2,Zuid,3,,"]), max_bytes=10**6)
        with pytest.raises(RegistryError, match="T1"):
            reg.import_records("wijkteam", frame, user="t", source="t.csv", replace=True)
        assert reg.count("wijkteam") == 2 and reg.get("wijkteam", "T2")["fte"] == 2.0


def test_10_wijkteam_import_with_a_gemeente_assigns_no_buurtcode(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from geo.registry import read_registry_file

    buurten = gpd.GeoDataFrame(
        {"buurtnaam": ["A"]},
        geometry=[box(154_000, 462_000, 156_000, 464_000)],
        crs=28992,
        index=pd.Index(["BU03070100"], name="buurtcode"),
    )
    frame, first = read_registry_file(
        _team_csv(tmp_path, ["T1,Noord,2,155000,463000"]), max_bytes=10**6
    )
    with Registry(f"sqlite:///{tmp_path / 'r.sqlite'}") as reg:
        report = reg.import_records(
            "wijkteam", frame, user="t", source="t.csv", first_row=first, buurten=buurten
        )
        assert report.added == 1 and reg.count("wijkteam") == 1


def test_10_created_files_follow_the_umask(tmp_path):
    import os
    import stat

    from wijkradar.profiles import save_profile, shipped_profile

    old = os.umask(0o027)
    try:
        path = save_profile(shipped_profile("kansrijke-wijk"), tmp_path / "p" / "x.yaml")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_10_cache_files_follow_the_umask(settings):
    import os
    import stat

    from geo.gemeente import cache_path
    from wijkradar import fetch_gemeente

    old = os.umask(0o022)
    try:
        fetch_gemeente("GM0307", settings=settings)
    finally:
        os.umask(old)
    path = cache_path(settings.data_dir, "GM0307", 2024)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


# -- 8. uploads that tie up the server -----------------------------------------------------------
def _profile_bytes() -> bytes:
    from models import profile_yaml
    from wijkradar.profiles import shipped_profile

    return profile_yaml(shipped_profile("kansrijke-wijk")).encode("utf-8")


def test_8_profile_upload_limits():
    from models import ProfileError
    from wijkradar.profiles import MAX_PROFILE_BYTES, parse_profile_upload

    assert parse_profile_upload(_profile_bytes(), source="p.yaml").name == "kansrijke-wijk"
    huge = _profile_bytes() + b"\n# " + b"x" * MAX_PROFILE_BYTES
    with pytest.raises(ProfileError, match="te groot"):
        parse_profile_upload(huge, source="groot.yaml")
    deep = b"a: " + b"[" * 50_000 + b"]" * 50_000
    with pytest.raises(ProfileError, match="te diep genest"):
        parse_profile_upload(deep, source="diep.yaml")
    laughs = b'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    with pytest.raises(ProfileError, match="aliassen"):
        parse_profile_upload(laughs, source="lach.yaml")
    with pytest.raises(ProfileError, match="UTF-8"):
        parse_profile_upload(b"\xff\xfe", source="bin.yaml")


def _zip_bomb(path, size=60_000_000):
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b" " * 1_000_000
            for _ in range(size // len(block)):
                fh.write(block)
    return path


def test_8_xlsx_zip_bomb_is_refused_before_parsing(tmp_path):
    from geo.registry import ImportRejected

    bomb = _zip_bomb(tmp_path / "bom.xlsx")
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(ImportRejected, match="zip-bom"):
        read_registry_file(bomb, max_bytes=20_000_000)


def test_8_deeply_nested_geojson_and_too_many_features(tmp_path, monkeypatch):
    import geo.limits
    from geo.registry import ImportRejected

    deep = tmp_path / "diep.geojson"
    deep.write_text(
        '{"type": "FeatureCollection", "features": ' + "[" * 200_000 + "]" * 200_000 + "}"
    )
    with pytest.raises(ImportRejected, match="te diep genest"):
        read_registry_file(deep, max_bytes=10**7)
    many = tmp_path / "veel.geojson"
    feature = '{"type":"Feature","geometry":null,"properties":{"id":"x"}}'
    many.write_text('{"type":"FeatureCollection","features":[' + ",".join([feature] * 11) + "]}")
    monkeypatch.setattr(geo.limits, "MAX_ROWS", 10)  # the reader looks the limit up per file
    with pytest.raises(ImportRejected, match="11 features, meer dan 10"):
        read_registry_file(many, max_bytes=10**7)


def test_8_xlsx_parsing_is_time_bounded(tmp_path, monkeypatch):
    import geo.limits
    from geo.registry import ImportRejected

    path = tmp_path / "t.xlsx"
    pd.DataFrame({"id": ["A"], "naam": ["a"], "thema": ["overig"], "status": ["lopend"]}).to_excel(
        path, index=False
    )
    assert len(read_registry_file(path, max_bytes=10**7)[0]) == 1
    monkeypatch.setattr(geo.limits, "PARSE_SECONDS", 0.0)
    with pytest.raises(ImportRejected, match="langer dan 0 s"):
        read_registry_file(path, max_bytes=10**7)


def test_8_one_coordinate_transformer_per_import(monkeypatch):
    import pyproj

    from geo.registry import validate_records

    built = []
    from_crs = pyproj.Transformer.from_crs
    monkeypatch.setattr(
        pyproj.Transformer, "from_crs", lambda *a, **k: built.append(a) or from_crs(*a, **k)
    )
    frame = pd.DataFrame(
        {
            "id": [f"P{i}" for i in range(500)],
            "naam": "p",
            "thema": "overig",
            "status": "lopend",
            "lon": [5.38 + i * 1e-5 for i in range(500)],
            "lat": 52.15,
        }
    )
    records, errors = validate_records("initiatief", frame)
    assert not errors and all(r["x"] is not None for r in records)
    assert len(built) <= 1  # at most one (none when an earlier import built it already)


def test_10_zero_rows_from_cbs_is_a_clear_source_error(server, tmp_path):
    from geo.errors import SourceError
    from tests.conftest import settings_for
    from wijkradar import fetch_gemeente

    server.inject("/85984NED/TypedDataSet", "empty", times=100)
    with pytest.raises(SourceError, match=r"85984NED: geen rijen voor GM0307"):
        fetch_gemeente("GM0307", settings=settings_for(server, tmp_path / "d", retries=0))


def test_10_null_and_point_geometry_from_pdok_are_dropped_with_a_note(server, tmp_path):
    import geopandas as gpd

    from models import hotspots
    from tests.conftest import settings_for
    from wijkradar import fetch_gemeente, load_gemeente
    from wijkradar.profiles import shipped_profile
    from wijkradar.render.maps import build_map, map_geometry, map_values
    from wijkradar.scoring import score_gemeente

    server.renames["BU03070100"] = {"geometry": None}
    server.renames["BU03070101"] = {"geometry": {"type": "Point", "coordinates": [155e3, 463e3]}}
    settings = settings_for(server, tmp_path / "d", retries=0)
    fetched = fetch_gemeente("GM0307", settings=settings)
    notes = [n for p in fetched.provenance for n in p.get("opmerkingen", [])]
    assert "2 buurten zonder geldig vlak weggelaten (BU03070100, BU03070101)" in notes
    data = load_gemeente("GM0307", settings=settings)  # from the cache
    assert len(data.buurten) == 143 and "BU03070100" not in data.buurten.index
    scores = score_gemeente(data, shipped_profile("kansrijke-wijk"), seed=1, draws=10)
    build_map(map_geometry(data.buurten), map_values(scores, data, "score"), scores=scores)
    frame = gpd.GeoDataFrame(
        {"score": scores["score"]}, geometry=data.buurten.geometry, crs=data.buurten.crs
    )
    assert len(hotspots(frame, "score", permutations=99, seed=1)) == 143


def test_10_disk_full_during_import_is_a_clear_message_and_writes_nothing(tmp_path):
    from sqlalchemy import event

    from geo.registry import read_registry_file

    rows = [f"T{i},Team {i} {'x' * 80},2,155000,463000" for i in range(3000)]
    frame, first = read_registry_file(_team_csv(tmp_path, rows), max_bytes=10**7)
    with Registry(f"sqlite:///{tmp_path / 'r.sqlite'}") as reg:
        reg.save("wijkteam", {"id": "A", "naam": "Al", "fte": 1.0}, user="t")
        pages = reg.engine.connect().exec_driver_sql("pragma page_count").scalar()
        reg.engine.dispose()

        @event.listens_for(reg.engine, "connect")
        def _small_disk(dbapi_connection, _record):  # the database cannot grow much further
            dbapi_connection.execute(f"pragma max_page_count = {pages + 3}")

        with pytest.raises(RegistryError, match="vol.*niets opgeslagen"):
            reg.import_records("wijkteam", frame, user="t", source="t.csv", first_row=first)
        assert reg.count("wijkteam") == 1


def test_10_infinity_from_a_source_or_a_profile_is_refused(server):
    from geo import to_number
    from geo.errors import DataFormatError, SourceError
    from geo.sources import fetch_odata_rows
    from models import ProfileError, parse_profile, profile_yaml
    from wijkradar.profiles import shipped_profile

    server.inject("/85984NED/TypedDataSet", "infinity")
    with pytest.raises(SourceError, match="non-standard JSON value Infinity"):
        fetch_odata_rows(_client(), server.odata_url, "85984NED")
    with pytest.raises(DataFormatError, match="geen eindig getal"):
        to_number(pd.Series(["12", "Infinity"], name="AantalInwoners_5"))
    import yaml

    raw = yaml.safe_load(profile_yaml(shipped_profile("kansrijke-wijk")))
    raw["concentration"] = float("inf")
    with pytest.raises((ProfileError, ValueError)):
        parse_profile(raw, source="p.yaml")


# -- 7. Markdown: a guard on the pages' source --------------------------------------------------
def test_7_pages_put_no_unescaped_names_or_errors_into_markdown():
    """Every f-string value in st.write/markdown/caption/... that looks like a name, a
    description or an error message goes through escape.markdown_text (imported as md)."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    funcs = {"write", "markdown", "caption", "warning", "info", "error", "success", "subheader"}
    funcs |= {"header", "title", "toast", "expander"}
    texty = re.compile(r"\bexc\b|naam|name|descr|reden|note|wanted|upload|titel|label|user")
    constant = {"d.titel", "d.url", "d.wat"}  # the built-in download list (our own links)
    constant.add("reg.engine.dialect.name")  # 'sqlite' or 'postgresql'
    safe_calls = {"md", "markdown_text", "plural", "len", "int", "fmt_number", "fmt_count"}
    found = []
    for path in [root / "app.py", *sorted((root / "ui").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in funcs or not node.args:
                continue
            for sub in ast.walk(node.args[0]):
                if not isinstance(sub, ast.FormattedValue):
                    continue
                value = sub.value
                if isinstance(value, ast.Call) and getattr(value.func, "id", "") in safe_calls:
                    continue
                text = ast.unparse(value)
                if texty.search(text) and text not in constant:
                    found.append(f"{path.name}:{sub.lineno}: {text}")
    assert found == []


def test_10_registry_in_a_read_only_data_folder_is_viewable_and_refuses_writes(tmp_path):
    """A SQLite registry (WAL) in a read-only folder opens read-only; a write says why it fails."""
    import os
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    src, ro = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    ro.mkdir()
    with Registry(f"sqlite:///{src / 'registry.sqlite'}") as reg:
        reg.save("wijkteam", {"id": "T1", "naam": "Noord", "fte": 2.0}, user="t")
    done = subprocess.run(["mount", "--bind", "-o", "ro", str(src), str(ro)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount read-only: {done.stderr.decode().strip()}")
    try:
        with Registry(f"sqlite:///{ro / 'registry.sqlite'}") as reg:
            assert reg.read_only
            assert reg.tables()["wijkteam"]["naam"].tolist() == ["Noord"]
            assert reg.get("wijkteam", "T1")["fte"] == 2.0
            assert len(reg.audit_log()) == 1
            with pytest.raises(
                RegistryError, match="De datamap is alleen-lezen; wijzigen kan niet"
            ):
                reg.save("wijkteam", {"id": "T2", "naam": "Zuid", "fte": 1.0}, user="t")
            with pytest.raises(RegistryError, match="alleen-lezen"):
                reg.delete("wijkteam", "T1", user="t", version=1)
            assert reg.count("wijkteam") == 1
    finally:
        subprocess.run(["umount", str(ro)], check=False)
    with Registry(f"sqlite:///{src / 'registry.sqlite'}") as reg:
        assert not reg.read_only and reg.count("wijkteam") == 1
