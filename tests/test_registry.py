"""Registry on SQLite and PostgreSQL: migrations, transactional imports, conflicts, geocoding."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from sqlalchemy import text, update

from geo.errors import SourceError
from geo.registry import (
    SCHEMA_VERSION,
    ConflictError,
    ImportRejected,
    Registry,
    RegistryError,
    metadata,
    read_registry_file,
    schema_info,
    write_registry_file,
)
from geo.sources import HttpClient, geocode
from wijkradar import Settings
from wijkradar.registry import import_file, make_geocoder

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "id,naam,organisatie,thema,doelgroep,status,subsidie,startdatum,einddatum,adres,x,y,notities"
)
GOOD = [
    "IB-1,Koffie in de wijk,Indebuurt033,eenzaamheid/ontmoeting,ouderen,lopend,1500,2024-01-15,"
    "2024-12-31,,155100,463100,",
    'IB-2,Samen koken,Indebuurt033,gezondheid/bewegen,gezinnen,toegekend,"1.250,50",01-03-2024,,'
    ",5.3876,52.1561,",
    "IB-3,Geldcafé,Stichting X,geldzorgen,,aangevraagd,,,,,,,alleen buurtcode bekend",
]


def _postgres_url() -> str | None:
    return os.environ.get("WIJKRADAR_TEST_POSTGRES_URL")


def _fresh_postgres(url: str) -> None:
    try:
        with Registry(url, migrate=False) as reg, reg.engine.begin() as conn:
            metadata.drop_all(conn)
    except RegistryError as exc:
        pytest.skip(f"PostgreSQL at {url} not reachable: {exc}")
    except Exception as exc:  # driver-level connection errors
        if os.environ.get("WIJKRADAR_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required but not usable: {exc}")
        pytest.skip(f"PostgreSQL at {url} not usable: {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    url = _postgres_url()
    if not url:
        if os.environ.get("WIJKRADAR_REQUIRE_POSTGRES"):
            pytest.fail("WIJKRADAR_REQUIRE_POSTGRES is set but WIJKRADAR_TEST_POSTGRES_URL is not")
        pytest.skip("no PostgreSQL server: set WIJKRADAR_TEST_POSTGRES_URL (CI starts one)")
    _fresh_postgres(url)
    return url


@pytest.fixture
def opened():
    """Registry factory; every registry is closed after the test."""
    registries = []

    def make(url):
        registries.append(Registry(url))
        return registries[-1]

    yield make
    for r in registries:
        r.close()


@pytest.fixture
def reg(db_url, opened):
    return opened(db_url)


def _csv(tmp_path, rows, header=HEADER, name="ini.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def _import(reg, path, **kw):
    frame, first = read_registry_file(path, max_bytes=kw.pop("max_bytes", 1_000_000))
    return reg.import_records(
        "initiatief", frame, user="tester", source=path.name, first_row=first, **kw
    )


def _snapshot(reg):
    return reg.table("initiatief").to_json(date_format="iso"), len(reg.audit_log())


def test_migrations_create_schema_and_refuse_a_newer_database(db_url, opened):
    reg = opened(db_url)
    assert reg.schema_version() == SCHEMA_VERSION
    assert opened(db_url).migrate() == SCHEMA_VERSION  # idempotent
    with reg.engine.begin() as conn:
        conn.execute(update(schema_info).values(waarde="99"))
    with pytest.raises(RegistryError, match="schemaversie 99, nieuwer dan deze Wijkradar"):
        Registry(db_url)
    assert reg.schema_version() == 99  # untouched


def test_import_good_file_detects_crs_parses_dutch_formats_and_audits(reg, tmp_path):
    report = _import(reg, _csv(tmp_path, GOOD))
    assert (report.added, report.updated) == (3, 0)
    rows = reg.table("initiatief").set_index("id")
    assert rows.loc["IB-1", "x"] == 155100 and rows.loc["IB-1", "version"] == 1
    # WGS84 lon/lat converted to RD New (Amersfoort centre is about 155000, 463000)
    assert 154_000 < rows.loc["IB-2", "x"] < 157_000 and 462_000 < rows.loc["IB-2", "y"] < 465_000
    assert rows.loc["IB-2", "subsidie"] == pytest.approx(1250.5)
    assert str(rows.loc["IB-2", "startdatum"]) == "2024-03-01"
    assert pd.isna(rows.loc["IB-3", "x"])
    log = reg.audit_log()
    assert set(log["actie"]) == {"insert", "import"} and (log["gebruiker"] == "tester").all()
    # importing again updates instead of duplicating
    assert _import(reg, _csv(tmp_path, GOOD)).updated == 3
    assert reg.table("initiatief").set_index("id").loc["IB-1", "version"] == 2


BAD = {
    "missing column": (
        HEADER.replace(",status", ""),
        [
            r.replace(",lopend", "").replace(",toegekend", "").replace(",aangevraagd", "")
            for r in GOOD
        ],
        "status",
        "verplichte kolom",
    ),
    "unknown theme": (
        HEADER,
        [GOOD[0].replace("eenzaamheid/ontmoeting", "sport")],
        "thema",
        "onbekende waarde",
    ),
    "unknown status": (HEADER, [GOOD[0].replace("lopend", "bezig")], "status", "onbekende waarde"),
    "bad date": (
        HEADER,
        [GOOD[0].replace("2024-01-15", "15 jan")],
        "startdatum",
        "geen geldige datum",
    ),
    "end before start": (
        HEADER,
        [GOOD[0].replace("2024-12-31", "2023-12-31")],
        "einddatum",
        "vóór de startdatum",
    ),
    "outside NL": (
        HEADER,
        [GOOD[0].replace("155100,463100", "2.35,48.85")],
        "x/y",
        "buiten Nederland",
    ),
    "nan coordinate": (
        HEADER,
        [GOOD[0].replace("155100,463100", "nan,463100")],
        "x/y",
        "geen eindig",
    ),
    "inf coordinate": (HEADER, [GOOD[0].replace("155100,463100", "inf,inf")], "x/y", "geen eindig"),
    "half a point": (HEADER, [GOOD[0].replace("155100,463100", "155100,")], "x/y", "allebei"),
    "duplicate id": (HEADER, [GOOD[0], GOOD[0].replace("Koffie", "Thee")], "id", "dubbele sleutel"),
    "negative subsidy": (HEADER, [GOOD[0].replace(",1500,", ",-5,")], "subsidie", "negatief"),
    "bad buurtcode": (HEADER + ",buurtcode", [GOOD[2] + ",BU123"], "buurtcode", "geen buurtcode"),
    "huge field": (HEADER, [GOOD[0].replace("Koffie in de wijk", "x" * 5000)], "naam", "te lang"),
    "ragged row": (HEADER, [GOOD[0] + ",extra"], "rij", "velden"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_rejected_as_a_whole(reg, tmp_path, case):
    _import(reg, _csv(tmp_path, GOOD[1:], name="first.csv"))
    before = _snapshot(reg)
    header, rows, field, message = BAD[case]
    # a valid change comes first: it must not be written either
    valid = [GOOD[1].replace("Samen koken", "Gewijzigd")] if header == HEADER else []
    path = _csv(tmp_path, [*valid, *rows], header=header)
    with pytest.raises(ImportRejected) as err:
        _import(reg, path)
    assert any(e.field == field and message in e.message for e in err.value.errors), err.value
    assert "er is niets opgeslagen" in str(err.value)
    assert _snapshot(reg) == before  # nothing written, not even the valid rows
    assert {"rij", "veld", "probleem"} <= set(err.value.report().columns)


def test_wrong_encoding_and_size_limit(reg, tmp_path):
    # a Windows-1252 CSV is read (tests/test_registry_friction.py); other formats must be UTF-8
    latin = tmp_path / "latin.geojson"
    latin.write_bytes('{"type": "FeatureCollection", "features": [], "x": "café"}'.encode("cp1252"))
    with pytest.raises(ImportRejected, match="geen UTF-8"):
        _import(reg, latin)
    with pytest.raises(ImportRejected, match="limiet"):
        _import(reg, _csv(tmp_path, GOOD, name="big.csv"), max_bytes=100)
    bomb = tmp_path / "bomb.xlsx"
    import zipfile

    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/big.xml", b"0" * 5_000_000)
    with pytest.raises(ImportRejected, match="zip-bom"):
        _import(reg, bomb, max_bytes=100_000)
    assert reg.count("initiatief") == 0


def test_concurrent_edits_conflict_instead_of_losing_a_change(reg, tmp_path):
    _import(reg, _csv(tmp_path, GOOD))
    a = reg.get("initiatief", "IB-1")
    b = reg.get("initiatief", "IB-1")
    saved = reg.save(
        "initiatief", {**a, "naam": "Koffie en thee"}, user="anna", version=a["version"]
    )
    assert saved["version"] == a["version"] + 1
    with pytest.raises(ConflictError, match="gewijzigd door anna"):
        reg.save("initiatief", {**b, "status": "afgerond"}, user="bram", version=b["version"])
    row = reg.get("initiatief", "IB-1")
    assert row["naam"] == "Koffie en thee" and row["status"] == "lopend"
    with pytest.raises(ConflictError):
        reg.delete("initiatief", "IB-1", user="bram", version=b["version"])
    reg.delete("initiatief", "IB-1", user="anna", version=row["version"])
    assert reg.get("initiatief", "IB-1") is None
    assert reg.audit_log(limit=1).iloc[0]["actie"] == "delete"


def test_kill_mid_import_leaves_the_database_as_it_was(db_url, tmp_path, opened):
    reg = opened(db_url)
    _import(reg, _csv(tmp_path, GOOD))
    before = _snapshot(reg)
    rows = [f"K-{i},Naam {i},Org,overig,,lopend,,,,,155000,463000," for i in range(400)]
    path = _csv(tmp_path, rows, name="many.csv")
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from sqlalchemy import event
        from geo.registry import Registry
        from geo.registry import read_registry_file
        reg = Registry({db_url!r})
        @event.listens_for(reg.engine, "after_cursor_execute")
        def die(conn, cursor, statement, *args):
            # the 400 rows are written (one bulk insert), the audit lines not yet: well
            # inside the import transaction
            if statement.lstrip().upper().startswith("INSERT INTO INITIATIEF"):
                os.kill(os.getpid(), signal.SIGKILL)
        frame, first = read_registry_file({str(path)!r}, max_bytes=10**7)
        reg.import_records("initiatief", frame, user="kill", source="many.csv", first_row=first)
        print("not killed")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    after = opened(db_url)
    assert _snapshot(after) == before
    if after.engine.dialect.name == "sqlite":
        with after.engine.connect() as conn:
            assert conn.execute(text("pragma integrity_check")).scalar() == "ok"


def test_export_import_round_trip(reg, tmp_path, opened):
    _import(reg, _csv(tmp_path, GOOD))
    original = reg.table("initiatief").drop(columns=["gewijzigd", "gewijzigd_door", "version"])
    for suffix in (".csv", ".xlsx", ".geojson"):
        path = write_registry_file(reg.table("initiatief"), "initiatief", tmp_path / f"e{suffix}")
        other = opened(f"sqlite:///{tmp_path / f'copy{suffix}.sqlite'}")
        frame, first = read_registry_file(path, max_bytes=10**6)
        other.import_records("initiatief", frame, user="t", source=path.name, first_row=first)
        copy = other.table("initiatief").drop(columns=["gewijzigd", "gewijzigd_door", "version"])
        for col in ("x", "y"):
            assert copy[col].fillna(0).to_numpy() == pytest.approx(
                original[col].fillna(0).to_numpy(), abs=0.01
            ), suffix
        pd.testing.assert_frame_equal(
            copy.drop(columns=["x", "y"]), original.drop(columns=["x", "y"]), check_dtype=False
        )


def test_export_header_versie_and_old_files_with_version(reg, tmp_path):
    """The locking counter is exported as ``versie``; files with ``version`` still import."""
    _import(reg, _csv(tmp_path, GOOD))
    path = write_registry_file(reg.table("initiatief"), "initiatief", tmp_path / "e.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "versie" in header and "version" not in header
    # an export of an older Wijkradar: English header, a counter that is out of date
    old = tmp_path / "oud.csv"
    text = path.read_bytes().decode("utf-8")
    old.write_bytes(text.replace(",versie", ",version").replace(",1\r\n", ",0\r\n").encode())
    with pytest.raises(ConflictError, match="versie 1, u had versie 0"):
        _import(reg, old)
    report = _import(reg, path)  # the current counter: an update, no conflict
    assert report.updated == 3
    assert (reg.table("initiatief")["version"] == 2).all()


def test_locatieserver_client(server):
    client = HttpClient(timeout=5, retries=0, backoff=0)
    hit = geocode(client, server.locatieserver_url, "Stadhuisplein 1, Amersfoort")
    assert hit is not None and (hit.x, hit.y) == (155_040.0, 463_080.0)
    assert "3811LM" in hit.weergavenaam
    assert geocode(client, server.locatieserver_url, "Nergensstraat 99, Nergenshuizen") is None
    server.inject("/locatieserver/", "500")
    with pytest.raises(SourceError, match="PDOK Locatieserver"):
        geocode(client, server.locatieserver_url, "Stadhuisplein 1, Amersfoort")
    server.inject("/locatieserver/", "html")
    with pytest.raises(SourceError):
        geocode(client, server.locatieserver_url, "Stadhuisplein 1, Amersfoort")


def test_import_geocodes_addresses_and_assigns_buurten(server, tmp_path, opened):
    settings = Settings.from_env(
        {**server.env(), "WIJKRADAR_DATA_DIR": str(tmp_path / "d"), "WIJKRADAR_HTTP_RETRIES": "0"}
    )
    reg = opened(f"sqlite:///{tmp_path / 'r.sqlite'}")
    buurten = gpd.GeoDataFrame(
        {"buurtnaam": ["Centrum", "Oost"]},
        geometry=[box(154_000, 462_000, 156_000, 464_000), box(156_000, 462_000, 158_000, 466_000)],
        crs=28992,
        index=pd.Index(["BU03070000", "BU03070001"], name="buurtcode"),
    )
    rows = [
        'A,Inloop stadhuis,Gemeente,overig,,lopend,,,,"Stadhuisplein 1, Amersfoort",,,',
        'B,Buurtmoestuin,Indebuurt033,gezondheid/bewegen,,lopend,,,,"Voorbeeldstraat 12, Amersfoort",,,',
    ]
    frame, first = read_registry_file(_csv(tmp_path, rows), max_bytes=10**6)
    report = reg.import_records(
        "initiatief",
        frame,
        user="t",
        source="x.csv",
        first_row=first,
        buurten=buurten,
        geocoder=make_geocoder(settings),
    )
    assert (report.geocoded, report.assigned) == (2, 2)
    assert reg.table("initiatief").set_index("id")["buurtcode"].to_dict() == {
        "A": "BU03070000",
        "B": "BU03070001",
    }
    bad = _csv(tmp_path, [rows[0].replace("Stadhuisplein 1", "Nergensstraat 99")], name="b.csv")
    frame, first = read_registry_file(bad, max_bytes=10**6)
    with pytest.raises(ImportRejected, match="adres niet gevonden"):
        reg.import_records(
            "initiatief",
            frame,
            user="t",
            source="b.csv",
            first_row=first,
            geocoder=make_geocoder(settings),
        )


def test_import_file_via_settings_uses_the_gemeente(server, tmp_path, opened):
    env = {**server.env(), "WIJKRADAR_DATA_DIR": str(tmp_path / "d"), "WIJKRADAR_HTTP_RETRIES": "0"}
    settings = Settings.from_env(env)
    report = import_file(
        settings, "initiatief", _csv(tmp_path, GOOD), user="cli", gemeente="GM0307"
    )
    assert report.added == 3 and report.assigned >= 1
    rows = opened(settings.registry_url).table("initiatief").set_index("id")
    assert str(rows.loc["IB-1", "buurtcode"]).startswith("BU0307")


def test_geojson_and_xlsx_readers(tmp_path):
    gj = tmp_path / "l.geojson"
    gj.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point",'
        '"coordinates":[5.387,52.156]},"properties":{"id":"L1","soort":"wijkcentrum","naam":"De Kubus"}},'
        '{"type":"Feature","geometry":{"type":"LineString","coordinates":[[5,52],[5.1,52.1]]},'
        '"properties":{"id":"L2"}}]}'
    )
    with pytest.raises(ImportRejected, match="alleen Point"):
        read_registry_file(gj, max_bytes=10**6)
    broken = tmp_path / "b.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(ImportRejected, match="geen geldige JSON"):
        read_registry_file(broken, max_bytes=10**6)
    not_excel = tmp_path / "n.xlsx"
    not_excel.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(ImportRejected, match="Excel"):
        read_registry_file(not_excel, max_bytes=10**6)


def test_cli_import_export_gaps(server, tmp_path, monkeypatch, capsys):
    from wijkradar import cli

    env = {**server.env(), "WIJKRADAR_DATA_DIR": str(tmp_path / "d"), "WIJKRADAR_HTTP_RETRIES": "0"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert cli.main(["fetch", "--gemeente", "GM0307"]) == 0
    src = _csv(tmp_path, GOOD)
    assert cli.main(["import", "--soort", "initiatief", str(src), "--gemeente", "GM0307"]) == 0
    assert "3 nieuw, 0 bijgewerkt" in capsys.readouterr().out
    out = tmp_path / "export.geojson"
    assert cli.main(["export", "--soort", "initiatief", str(out)]) == 0
    assert out.read_text().count('"Feature"') == 3
    bad = _csv(tmp_path, [GOOD[0].replace("lopend", "bezig")], name="bad.csv")
    assert cli.main(["import", "--soort", "initiatief", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fout: bad.csv: import geweigerd") and "rij 2, veld 'status'" in err
    assert len(err.strip().splitlines()) == 1
    gaps = tmp_path / "gaps.csv"
    assert cli.main(["gaps", "--gemeente", "GM0307", "--uit", str(gaps)]) == 0
    table = pd.read_csv(gaps)
    assert {"buurtcode", "buurtnaam", "rang", "soort", "toelichting"} <= set(table.columns)
    assert len(table) > 0 and table["buurtcode"].str.startswith("BU0307").all()
    assert table["dataversie"].str.startswith("GM0307 indeling 2024; 85984NED").all()


def test_backup_round_trips_exactly(reg, tmp_path, opened, monkeypatch, db_url):
    from wijkradar import cli

    _import(reg, _csv(tmp_path, GOOD))
    reg.save(
        "wijkteam", {"id": "T1", "naam": "Noord", "fte": 3.5, "x": 155000, "y": 463000}, user="a"
    )
    reg.save("wijkteam_buurt", {"buurtcode": "BU03070001", "wijkteam_id": "T1"}, user="a")
    reg.save("locatie", {"id": "L1", "soort": "wijkcentrum", "naam": "De Kubus"}, user="a")
    row = reg.get("initiatief", "IB-1")
    reg.save("initiatief", {**row, "naam": "Nieuwe naam"}, user="b", version=row["version"])
    before = reg.dump()

    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("WIJKRADAR_DATABASE_URL", db_url)
    backup = tmp_path / "backup.json"
    assert cli.main(["export", "--reservekopie", str(backup)]) == 0
    # restoring into a non-empty registry is refused unless --vervang
    assert cli.main(["import", "--reservekopie", str(backup)]) == 1
    copy_url = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    monkeypatch.setenv("WIJKRADAR_DATABASE_URL", copy_url)
    assert cli.main(["import", "--reservekopie", str(backup)]) == 0
    after = opened(copy_url).dump()
    assert after["tables"]["audit"][:-1] == before["tables"]["audit"]
    assert after["tables"]["audit"][-1]["actie"] == "restore"
    for name in ("initiatief", "wijkteam", "wijkteam_buurt", "locatie"):
        assert after["tables"][name] == before["tables"][name], name
    # and back over the original, replacing it
    monkeypatch.setenv("WIJKRADAR_DATABASE_URL", db_url)
    assert cli.main(["import", "--reservekopie", str(backup), "--vervang"]) == 0
    again = opened(db_url).dump()
    assert again["tables"]["initiatief"] == before["tables"]["initiatief"]
    assert opened(db_url).audit_log(limit=1).iloc[0]["actie"] == "restore"


def test_many_concurrent_editors_lose_no_update(reg, tmp_path):
    """6 sessions increment the same row 20 times each, re-reading on conflict: no lost update."""
    from tests.editors import run_editors

    reg.save(
        "initiatief",
        {"id": "C", "naam": "Teller", "thema": "overig", "status": "lopend", "subsidie": 0},
        user="setup",
    )
    run = run_editors(reg, "C", editors=6, increments=20, user="sessie")
    assert run.errors == []
    row = reg.get("initiatief", "C")
    assert row["subsidie"] == 120 and row["version"] == 121
    updates = reg.audit_log()
    assert (updates["actie"] == "update").sum() == 120


def test_postgis_geom_columns_when_the_extension_is_installed(reg):
    """On PostgreSQL with PostGIS (as CI sets up) points are also real geometries for GIS tools."""
    if reg.engine.dialect.name != "postgresql":
        assert not reg.spatial()
        return
    with reg.engine.connect() as conn:
        has_postgis = conn.execute(
            text("select 1 from pg_extension where extname='postgis'")
        ).first()
    if not has_postgis:
        assert not reg.spatial()  # plain PostgreSQL: x/y only
        return
    assert reg.spatial()
    reg.save(
        "initiatief",
        {
            "id": "G",
            "naam": "Punt",
            "thema": "overig",
            "status": "lopend",
            "x": 155100,
            "y": 463100,
        },
        user="t",
    )
    with reg.engine.connect() as conn:
        srid, inside = conn.execute(
            text(
                "select ST_SRID(geom), ST_Within(geom, ST_MakeEnvelope(155000, 463000, 156000, "
                "464000, 28992)) from initiatief where id = 'G'"
            )
        ).one()
    assert (srid, inside) == (28992, True)
    assert reg.dump()["tables"]["initiatief"][0].get("geom") is None  # not part of backups
