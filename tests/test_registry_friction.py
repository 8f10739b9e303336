"""Registry friction (issue 15): generated ids, Windows-1252 CSV, Dutch geocoding failures per
row in bounded time, warnings for points outside the gemeente and rows without a location.
"""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.registry import ImportRejected, RowError, decode_legacy, read_registry_file
from tests.test_registry import HEADER, _csv, _import, opened  # noqa: F401 (fixture)
from wijkradar import Settings
from wijkradar.registry import make_geocoder

BUURTEN = gpd.GeoDataFrame(
    {"buurtnaam": ["Centrum", "Oost"]},
    geometry=[box(154_000, 462_000, 156_000, 464_000), box(156_000, 462_000, 158_000, 466_000)],
    crs=28992,
    index=pd.Index(["BU03070000", "BU03070001"], name="buurtcode"),
)


def test_rows_without_id_get_one(tmp_path, opened):  # noqa: F811
    reg = opened(f"sqlite:///{tmp_path / 'r.sqlite'}")
    rows = [
        ",Koffie,Org,eenzaamheid/ontmoeting,,lopend,,,,,155100,463100,",
        ",Koken,Org,gezondheid/bewegen,,lopend,,,,,155200,463200,",
    ]
    report = _import(reg, _csv(tmp_path, rows))
    assert report.added == 2
    ids = list(reg.table("initiatief")["id"])
    assert len(set(ids)) == 2 and all(i.startswith("INI-") for i in ids)
    assert any("2 rijen zonder id kregen een nieuw id" in n for n in report.notes)
    # a file without an id column at all works the same
    no_id = _csv(
        tmp_path,
        ["Wandelen,Org,gezondheid/bewegen,,lopend,,,,,155300,463300,"],
        header=HEADER.removeprefix("id,"),
        name="zonder-id.csv",
    )
    assert _import(reg, no_id).added == 1
    # and the table editor's save of a new row without id
    saved = reg.save("locatie", {"id": None, "soort": "wijkcentrum", "naam": "De Kubus"}, user="t")
    assert saved["id"].startswith("LOC-")


def test_windows_1252_csv_is_read_and_reported(tmp_path, opened, monkeypatch):  # noqa: F811
    reg = opened(f"sqlite:///{tmp_path / 'r.sqlite'}")
    rows = ["W1,Café ’t Hoekje – inloop,Org,eenzaamheid/ontmoeting,,lopend,,,,,155100,463100,"]
    path = _csv(tmp_path, rows, header=HEADER.replace(",", ";"), encoding="cp1252")
    path.write_bytes(path.read_bytes().replace(b",", b";"))
    frame, _first = read_registry_file(path, max_bytes=10**6)
    assert frame.attrs["encoding"] == "Windows-1252"
    assert frame.loc[0, "naam"] == "Café ’t Hoekje – inloop"
    assert decode_legacy(b"caf\xe9 \x81") == ("café \x81", "Latin-1 (ISO-8859-1)")
    from wijkradar import registry as service

    monkeypatch.setattr(service, "load_gemeente", lambda *a, **k: None)
    report = service.import_file(
        Settings(data_dir=tmp_path / "d"), "initiatief", path, user="t", registry=reg
    )
    assert report.notes[0] == "gelezen als Windows-1252 (geen UTF-8)"
    assert reg.table("initiatief").loc[0, "naam"] == "Café ’t Hoekje – inloop"


def test_geocoding_failure_is_reported_per_row_in_dutch_and_fast(tmp_path, opened):  # noqa: F811
    reg = opened(f"sqlite:///{tmp_path / 'r.sqlite'}")
    settings = Settings(
        data_dir=tmp_path / "d",
        locatieserver_url="http://127.0.0.1:9/locatieserver",
        http_retries=3,
        http_backoff=2.0,
    )
    rows = [
        f'A{i},Inloop {i},Org,overig,,lopend,,,,"Stadhuisplein {i}, Amersfoort",,,'
        for i in range(1, 6)
    ] + ["Z,Fout thema,Org,onbekend-thema,,lopend,,,,,155100,463100,"]
    start = time.monotonic()
    with pytest.raises(ImportRejected) as info:
        _import(reg, _csv(tmp_path, rows), geocoder=make_geocoder(settings))
    assert time.monotonic() - start < 10  # no retries with back-off per address
    report = info.value.report()
    addresses = report[report["veld"] == "adres"]
    assert list(addresses["rij"]) == [2, 3, 4, 5, 6]
    assert all("niet bereikbaar" in p for p in addresses["probleem"])
    assert "pogingen" not in str(info.value) and "verbinding maken" not in str(info.value)
    # the rest of the report is there too
    assert (report["veld"] == "thema").sum() == 1
    assert "6 fouten" in str(info.value)
    assert reg.table("initiatief").empty


def test_points_outside_and_rows_without_location_are_warned(tmp_path, opened):  # noqa: F811
    reg = opened(f"sqlite:///{tmp_path / 'r.sqlite'}")
    rows = [
        "IN,Binnen,Org,overig,,lopend,,,,,155100,463100,",
        "UIT,Buiten,Org,overig,,lopend,,,,,120000,480000,",
        "LEEG,Nergens,Org,overig,,lopend,,,,,,,",
    ]
    report = _import(reg, _csv(tmp_path, rows), buurten=BUURTEN)
    assert report.added == 3 and report.assigned == 1
    notes = " | ".join(report.notes)
    assert "rij 3 (Buiten): het punt ligt buiten de gemeente" in notes
    assert "rij 4 (Nergens): geen locatie" in notes and "Binnen" not in notes


def test_file_level_errors_do_not_say_row_0():
    err = RowError(0, "bestand", "", "bestand is leeg")
    assert str(err) == "bestand, veld 'bestand': bestand is leeg"
    rejected = ImportRejected("x.csv", [err])
    assert rejected.report().loc[0, "rij"] == "hele bestand"
    assert "1 fout:" in str(rejected) and "fout(en)" not in str(rejected)


@pytest.mark.parametrize("entity", ["wijkteam", "initiatief", "locatie", "wijkteam_buurt"])
def test_templates_import_as_they_are(entity, tmp_path, opened):  # noqa: F811
    from wijkradar.render.templates import columns_text, template_csv

    reg = opened(f"sqlite:///{tmp_path / 'r.sqlite'}")
    if entity == "wijkteam_buurt":
        reg.save("wijkteam", {"id": "WT-NOORD", "naam": "Noord", "fte": 2}, user="t")
    path = tmp_path / f"{entity}.csv"
    path.write_bytes(template_csv(entity))
    frame, first = read_registry_file(path, max_bytes=10**6)
    report = reg.import_records(entity, frame, user="t", source=path.name, first_row=first)
    assert report.added == 1
    assert "*" in columns_text(entity)


def test_cli_speaks_dutch_and_lists_the_import_columns(tmp_path, monkeypatch, capsys):
    from wijkradar import cli

    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])
    help_text = capsys.readouterr().out
    assert "initiatief: id, naam*, organisatie, thema*" in help_text
    assert "Windows-1252" in help_text
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    empty = tmp_path / "leeg.csv"
    empty.write_text("", encoding="utf-8")
    assert cli.main(["import", "--soort", "initiatief", str(empty)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fout: leeg.csv: import geweigerd") and "error" not in err
    assert "rij 0" not in err and "1 fout:" in err
