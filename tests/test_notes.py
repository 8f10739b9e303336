"""Buurtnotities and eigen gebieden in the registry: migration, audit, conflicts, search, backup."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import insert, select

from geo.registry import (
    ENTITIES,
    MIGRATIONS,
    SCHEMA_VERSION,
    ConflictError,
    ImportRejected,
    Registry,
    parse_buurtcodes,
    schema_info,
)
from tests import test_registry as _registry_tests
from tests.hostile import FORMULAS, HOSTILE
from wijkradar.escape import spreadsheet_cell
from wijkradar.notes import (
    add_note,
    notes_csv,
    notes_for_buurten,
    notes_summary,
    search_notes,
)

# the SQLite + PostgreSQL registry fixtures of the registry tests
db_url = _registry_tests.db_url
opened = _registry_tests.opened
reg = _registry_tests.reg

CODES = ["BU03070001", "BU03070002", "BU03070003"]


def _note(reg, code="BU03070001", tekst="Veel eenzame ouderen bij het winkelcentrum", **kw):
    return add_note(
        reg,
        buurtcode=code,
        datum=kw.pop("datum", date(2025, 3, 1)),
        soort=kw.pop("soort", "observatie"),
        tekst=tekst,
        user=kw.pop("user", "buurtnetwerker"),
        buurtcodes=CODES,
        **kw,
    )


def test_schema_1_database_is_migrated_and_keeps_its_rows(db_url):
    url = db_url
    old = Registry(url, migrate=False)
    with old.engine.begin() as conn:
        version, _, migrate = MIGRATIONS[0]
        assert version == 1
        migrate(conn)
        conn.execute(insert(schema_info).values(sleutel="version", waarde="1"))
        conn.execute(
            insert(ENTITIES["initiatief"].table).values(
                id="OUD", naam="Bestaand", thema="overig", status="lopend", version=3
            )
        )
    assert old.schema_version() == 1
    old.close()
    with Registry(url) as reg2:
        assert reg2.schema_version() == SCHEMA_VERSION >= 2
        assert reg2.get("initiatief", "OUD")["version"] == 3
        assert reg2.table("buurtnotitie").empty and reg2.table("gebied").empty
        _note(reg2)
        assert len(reg2.table("buurtnotitie")) == 1


def test_notes_are_audited_versioned_and_refuse_a_stale_save(reg):
    saved = _note(reg, cijfers_kloppen_niet=True)
    assert saved["version"] == 1 and saved["gewijzigd_door"] == "buurtnetwerker"
    assert saved["cijfers_kloppen_niet"] is True
    assert str(saved["datum"]) == "2025-03-01"
    log = reg.audit_log()
    assert (log["entiteit"] == "buurtnotitie").sum() == 1 and log.iloc[0]["actie"] == "insert"
    # a second session edits the note; the first one saving its stale copy is refused
    reg.save("buurtnotitie", {**saved, "tekst": "Aangevuld"}, user="wijkteam", version=1)
    with pytest.raises(ConflictError, match="gewijzigd door wijkteam"):
        reg.save("buurtnotitie", {**saved, "tekst": "Oud"}, user="buurtnetwerker", version=1)
    assert reg.get("buurtnotitie", saved["id"])["tekst"] == "Aangevuld"
    reg.delete("buurtnotitie", saved["id"], user="wijkteam", version=2)
    assert reg.table("buurtnotitie").empty
    assert reg.audit_log().iloc[0]["actie"] == "delete"


@pytest.mark.parametrize(
    ("field", "kw", "message"),
    [
        ("tekst", {"tekst": "  "}, "verplicht veld is leeg"),
        ("soort", {"soort": "roddel"}, "onbekende waarde; kies uit: observatie, gesprek"),
        ("buurtcode", {"code": "BU03079999"}, "buurtcode komt niet voor in deze gemeente"),
        ("tekst", {"tekst": "x" * 5001}, "te lang"),
    ],
    ids=["empty-text", "unknown-soort", "foreign-buurt", "too-long"],
)
def test_invalid_notes_are_rejected_naming_the_field(reg, field, kw, message):
    with pytest.raises(ImportRejected, match=f"veld '{field}': {message}"):
        _note(reg, **kw)
    assert reg.table("buurtnotitie").empty


def test_search_ignores_case_and_accents_and_finds_by_buurt_name(reg):
    _note(reg, "BU03070001", "Gesprek met bewoners over het café dat sluit", soort="gesprek")
    _note(
        reg, "BU03070002", "Jongeren hangen rond, cijfers tonen weinig", cijfers_kloppen_niet=True
    )
    _note(reg, "BU03070003", "Nieuwe moestuin", datum=date(2024, 6, 1))
    names = {"BU03070001": "Liendert", "BU03070002": "Kruiskamp", "BU03070003": "Schuilenburg"}
    assert search_notes(reg.table("buurtnotitie"), "CAFE")["buurtcode"].tolist() == [CODES[0]]
    assert notes_for_buurten(reg, query="liendert", names=names)["buurtcode"].tolist() == [CODES[0]]
    # every word must match
    assert notes_for_buurten(reg, query="jongeren moestuin").empty
    assert notes_for_buurten(reg, query="kloppen niet")["buurtcode"].tolist() == [CODES[1]]
    flagged = notes_for_buurten(reg, only_flagged=True)
    assert flagged["buurtcode"].tolist() == [CODES[1]]
    recent = notes_for_buurten(reg, CODES[1:], since=date(2025, 1, 1))
    assert recent["buurtcode"].tolist() == [CODES[1]]
    summary = notes_summary(reg.table("buurtnotitie"))
    assert summary.loc[CODES[1], "signalen"] == 1 and summary.loc[CODES[0], "signalen"] == 0
    assert summary.loc[CODES[2], "laatste_datum"] == date(2024, 6, 1)


@pytest.mark.parametrize("text", HOSTILE[:8], ids=[f"hostile{i}" for i in range(8)])
def test_hostile_note_text_is_stored_verbatim(reg, text):
    saved = _note(reg, tekst=text.strip() or "leeg")
    assert reg.get("buurtnotitie", saved["id"])["tekst"] == (text.strip() or "leeg")
    # exports neutralise formula prefixes
    assert not str(spreadsheet_cell(saved["tekst"])).startswith(("=", "+", "@"))


def test_gebied_buurtcodes_are_normalised_and_checked(reg):
    saved = reg.save(
        "gebied",
        {
            "id": "G1",
            "naam": "Liendert + Kruiskamp",
            "soort": "programmagebied",
            "buurtcodes": "bu03070002 + BU03070001; BU03070001",
        },
        user="a",
        buurtcodes=CODES,
    )
    assert saved["buurtcodes"] == "BU03070001 BU03070002"
    with pytest.raises(ImportRejected, match="veld 'buurtcodes': geen buurtcode"):
        reg.save("gebied", {**saved, "id": "G2", "buurtcodes": "Liendert"}, user="a")
    with pytest.raises(ImportRejected, match="komen niet voor in deze gemeente"):
        reg.save(
            "gebied", {**saved, "id": "G3", "buurtcodes": "BU03079999"}, user="a", buurtcodes=CODES
        )
    assert parse_buurtcodes(["BU03070002", "bu03070001"]) == ["BU03070001", "BU03070002"]


def test_backup_with_notes_and_areas_round_trips_exactly(reg, tmp_path, opened, monkeypatch):
    from wijkradar import cli

    first = _note(reg, cijfers_kloppen_niet=True)
    _note(reg, "BU03070002", "Tweede", soort="gesprek")
    reg.save("buurtnotitie", {**first, "tekst": "Bijgewerkt"}, user="b", version=1)
    reg.save(
        "gebied",
        {"id": "G1", "naam": "Noord", "soort": "overig", "buurtcodes": "BU03070001"},
        user="a",
    )
    before = reg.dump()
    assert before["wijkradar_registry"] == SCHEMA_VERSION
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("WIJKRADAR_DATABASE_URL", reg.url)
    backup = tmp_path / "backup.json"
    assert cli.main(["export", "--reservekopie", str(backup)]) == 0
    copy_url = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    monkeypatch.setenv("WIJKRADAR_DATABASE_URL", copy_url)
    assert cli.main(["import", "--reservekopie", str(backup)]) == 0
    after = opened(copy_url).dump()
    for name in ("buurtnotitie", "gebied"):
        assert after["tables"][name] == before["tables"][name], name
    assert after["tables"]["audit"][:-1] == before["tables"]["audit"]
    copy = opened(copy_url)
    assert copy.get("buurtnotitie", first["id"])["cijfers_kloppen_niet"] is True
    with copy.engine.connect() as conn:
        assert conn.execute(select(schema_info.c.waarde)).scalar() == str(SCHEMA_VERSION)


@pytest.mark.parametrize("formula", FORMULAS, ids=[f"f{i}" for i in range(len(FORMULAS))])
def test_notes_csv_neutralises_formulas(reg, formula):
    _note(reg, tekst=f"x{formula}")  # the stored text may not be blank after stripping
    _note(reg, tekst=formula.strip() or "x", soort="gesprek")
    notes = notes_for_buurten(reg)
    data = notes_csv(notes, {"BU03070001": "=Liendert"})
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(frame.columns[:3]) == ["buurtcode", "buurt", "datum"]
    for column in ("tekst", "buurt"):
        assert not frame[column].str.startswith(("=", "+", "-", "@", "\t", "\r")).any()


def test_werklijst_shows_the_registry_notes_escaped(reg):
    from tests.hostile import HOSTILE_NAME
    from tests.test_werklijst import _fixture
    from wijkradar.werklijst import worklist, worklist_csv, worklist_html

    data, scores, tables, top = _fixture()
    other = next(c for c in data.buurten.index if c != top)
    for code in (top, other):
        add_note(
            reg,
            buurtcode=code,
            datum=date(2025, 1, 5),
            soort="observatie",
            tekst="Oudere notitie",
            user="a",
        )
    add_note(
        reg,
        buurtcode=top,
        datum=date(2025, 11, 20),
        soort="gesprek",
        tekst="=" + HOSTILE_NAME,
        cijfers_kloppen_niet=True,
        user="a",
    )
    tables = {**tables, "buurtnotitie": reg.table("buurtnotitie")}
    rows = worklist(data, scores, tables, top=3)
    text = rows.loc[top, "buurtnotities"]
    assert text.startswith("2 notities, 1 signaal (cijfers kloppen niet); laatste 20-11-2025: =")
    unnoted = [c for c in rows.index if c not in (top, other)]
    assert all(rows.loc[c, "buurtnotities"] == "geen" for c in unnoted)
    html = worklist_html(rows, data, profile_name="p")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert html.count("<td class='notes'></td>") == len(rows)  # the handwriting column stays
    cells = list(csv.reader(io.StringIO(worklist_csv(rows).decode("utf-8-sig"))))
    col = cells[0].index("Buurtnotities (register)")
    assert all(not r[col].startswith(("=", "+", "@")) for r in cells[1:])
    assert worklist(data, scores, None, top=3)["buurtnotities"].eq("register niet bereikbaar").all()


def test_notes_import_and_export_files_round_trip(reg, tmp_path):
    from geo.registry import read_registry_file, write_registry_file

    src = tmp_path / "notities.csv"
    src.write_text(
        "id;buurtcode;datum;soort;cijfers_kloppen_niet;tekst\n"
        "N1;BU03070001;20-11-2025;gesprek;ja;Gesprek met de huisarts\n"
        "N2;BU03070002;2025-11-21;observatie;;Veel leegstand\n",
        encoding="utf-8",
    )
    frame, first = read_registry_file(src, max_bytes=10**6)
    report = reg.import_records(
        "buurtnotitie", frame, user="import", source=src.name, first_row=first
    )
    assert (report.added, report.updated) == (2, 0)
    rows = reg.table("buurtnotitie").set_index("id")
    assert (
        bool(rows.loc["N1", "cijfers_kloppen_niet"]) and not rows.loc["N2", "cijfers_kloppen_niet"]
    )
    assert str(rows.loc["N1", "datum"]) == "2025-11-20"
    out = write_registry_file(reg.table("buurtnotitie"), "buurtnotitie", tmp_path / "uit.csv")
    again, first = read_registry_file(out, max_bytes=10**6)
    report = reg.import_records(
        "buurtnotitie", again, user="import", source=out.name, first_row=first
    )
    assert (report.added, report.updated) == (0, 2)
    bad = tmp_path / "fout.csv"
    bad.write_text(
        "id,buurtcode,datum,soort,cijfers_kloppen_niet,tekst\nN3,BU03070001,morgen,gesprek,misschien,x\n",
        encoding="utf-8",
    )
    frame, first = read_registry_file(bad, max_bytes=10**6)
    with pytest.raises(
        ImportRejected, match="rij 2, veld 'datum'.*rij 2, veld 'cijfers_kloppen_niet'"
    ):
        reg.import_records("buurtnotitie", frame, user="import", source=bad.name, first_row=first)
    assert "N3" not in set(reg.table("buurtnotitie")["id"])
