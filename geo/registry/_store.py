"""The registry database (SQLAlchemy 2): reads, imports, edits, audit and backup.

SQLite in the data folder by default (WAL mode), PostgreSQL when ``WIJKRADAR_DATABASE_URL``
says so. Points are stored as RD New (EPSG:28992) ``x``/``y`` in both. Every write happens in
one transaction and lands in the audit trail; every row has a ``version`` used for optimistic
concurrency, so two sessions editing the same row cannot silently overwrite each other.

Schema migrations are explicit and versioned (:data:`MIGRATIONS`); a database written by a
newer Wijkradar is refused, never modified.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import delete as sa_delete
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from ..errors import DataFormatError, SourceError, mask_secrets
from ._errors import ConflictError, ImportRejected, RegistryError, RowError
from ._geocode import _assign_buurten, location_warnings
from ._schema import (
    ENTITIES,
    GENERATED,
    MIGRATIONS,
    SCHEMA_VERSION,
    _key,
    audit,
    buurtnotitie,
    gebied,
    initiatief,
    locatie,
    schema_info,
    wijkteam,
    wijkteam_buurt,
)
from ._validate import validate_records


# -- the registry -----------------------------------------------------------------------------
def _jsonable(record: dict[str, Any] | None) -> str | None:
    if record is None:
        return None
    return json.dumps(
        {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in record.items()},
        ensure_ascii=False,
        sort_keys=True,
    )


@dataclass
class ImportReport:
    """What an import did.

    Attributes
    ----------
    entity : str
        The entity imported into.
    source : str
        The file name.
    added, updated, removed : int
        Rows added, changed and (with ``replace``) deleted.
    geocoded : int
        Rows whose address was turned into coordinates.
    assigned : int
        Rows that got their buurt by point-in-polygon.
    notes : list of str
        Dutch warnings (rows without a location, points outside the gemeente, the encoding).
    """

    entity: str
    source: str
    added: int = 0
    updated: int = 0
    geocoded: int = 0
    assigned: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)


class Registry:
    """The registry database.

    Parameters
    ----------
    url : str
        SQLAlchemy URL: ``sqlite:///path/registry.sqlite`` or ``postgresql+psycopg://...``.
    migrate : bool
        Create or upgrade the schema (default). A database of a newer schema is refused.
    """

    #: Message for a write to a registry opened read-only (its data folder is read-only).
    READ_ONLY = "De datamap is alleen-lezen; wijzigen kan niet."

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.read_only = False
        ro_path = _read_only_sqlite(url)
        if ro_path is not None:
            # WAL needs the -wal/-shm files next to the database; in a read-only folder they
            # cannot be created, so open the file immutable (read-only) for viewing.
            self.read_only = True
            url = f"sqlite:///file:{ro_path}?immutable=1&uri=true"
        try:
            self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            shown = repr(mask_secrets(url)) if "://" in url else "(geen URL, niet getoond)"
            hint = ""
            if url.startswith("postgres://") or url.startswith("postgresql://"):
                hint = "; gebruik postgresql+psycopg://gebruiker:wachtwoord@host/database"
            raise RegistryError(
                f"register-URL {shown} is niet bruikbaar: {mask_secrets(str(exc))}{hint}"
            ) from None
        if self.engine.dialect.name == "sqlite" and not self.read_only:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate and not self.read_only:
            try:
                self.migrate()
            except Exception:
                self.close()
                raise

    def _begin(self):
        """A write transaction; refused with a clear message when the registry is read-only."""
        if self.read_only:
            raise RegistryError(self.READ_ONLY)
        return self.engine.begin()

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --
    def schema_version(self) -> int:
        """Schema version of the database (0 when empty).

        Returns
        -------
        int
            The version recorded in ``schema_info``; 0 for an empty database.
        """
        try:
            with self.engine.connect() as conn:
                if not self.engine.dialect.has_table(conn, schema_info.name):
                    return 0
                value = conn.execute(
                    select(schema_info.c.waarde).where(schema_info.c.sleutel == "version")
                ).scalar()
        except OperationalError as exc:
            raise RegistryError(
                f"registerdatabase {self._safe_url()} niet bereikbaar: {mask_secrets(str(exc))}"
            ) from None
        return int(value or 0)

    def migrate(self) -> int:
        """Apply pending migrations in one transaction; return the schema version.

        Returns
        -------
        int
            The schema version after migrating.
        """
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise RegistryError(
                f"registerdatabase {self._safe_url()} heeft schemaversie {current}, nieuwer dan "
                f"deze Wijkradar ({SCHEMA_VERSION}); installeer een nieuwere Wijkradar. De "
                "database is niet gewijzigd."
            )
        if current == SCHEMA_VERSION:
            self._ensure_spatial()
            return current
        with self._begin() as conn:
            for version, _what, step in MIGRATIONS:
                if version > current:
                    step(conn)
            values = {"sleutel": "version", "waarde": str(SCHEMA_VERSION)}
            if current == 0:
                conn.execute(insert(schema_info).values(**values))
            else:
                conn.execute(
                    update(schema_info)
                    .where(schema_info.c.sleutel == "version")
                    .values(waarde=values["waarde"])
                )
        self._ensure_spatial()
        return SCHEMA_VERSION

    #: Tables with a point that get a PostGIS ``geom`` column when PostGIS is installed.
    SPATIAL_TABLES = ("initiatief", "wijkteam", "locatie")

    def spatial(self) -> bool:
        """Whether the database has PostGIS and the ``geom`` columns (for QGIS and SQL).

        Returns
        -------
        bool
            True on PostgreSQL with PostGIS and the generated ``geom`` columns.
        """
        if self.engine.dialect.name != "postgresql":
            return False
        with self.engine.connect() as conn:
            found = conn.execute(
                text(
                    "select count(*) from information_schema.columns where column_name = 'geom' "
                    "and table_name in ('initiatief', 'wijkteam', 'locatie')"
                )
            ).scalar()
        return bool(found == len(self.SPATIAL_TABLES))

    def _ensure_spatial(self) -> None:
        """On PostgreSQL with PostGIS installed, add generated ``geom`` point columns (RD New).

        The columns are derived from ``x``/``y`` (so the application never writes them) and
        indexed with GiST, so GIS tools can read the registry directly. Plain PostgreSQL and
        SQLite keep ``x``/``y`` only. The database administrator installs the extension
        (``create extension postgis``); Wijkradar does not need superuser rights.
        """
        if self.engine.dialect.name != "postgresql":
            return
        with self._begin() as conn:
            if not conn.execute(
                text("select 1 from pg_extension where extname = 'postgis'")
            ).first():
                return
            for name in self.SPATIAL_TABLES:
                present = conn.execute(
                    text(
                        "select 1 from information_schema.columns "
                        "where table_name = :t and column_name = 'geom'"
                    ),
                    {"t": name},
                ).first()
                if present:
                    continue
                conn.execute(
                    text(
                        f"alter table {name} add column geom geometry(Point, 28992) generated "
                        "always as (case when x is not null and y is not null then "
                        "ST_SetSRID(ST_MakePoint(x, y), 28992) end) stored"
                    )
                )
                conn.execute(text(f"create index {name}_geom_idx on {name} using gist (geom)"))

    def _safe_url(self) -> str:
        return mask_secrets(self.engine.url.render_as_string(hide_password=True))

    # -- reading --
    def table(self, entity: str) -> pd.DataFrame:
        """All rows of ``entity`` (sorted by key), bookkeeping columns included.

        Parameters
        ----------
        entity : str
            A key of ``ENTITIES`` (``initiatief``, ``wijkteam``, ...).

        Returns
        -------
        DataFrame
            One row per record, columns as in the database table.
        """
        spec = ENTITIES[entity]
        with self.engine.connect() as conn:
            rows = conn.execute(select(spec.table).order_by(*spec.table.primary_key)).mappings()
            frame = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in spec.table.c])
        return frame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every entity table by name (see :meth:`table`).

        Returns
        -------
        dict of str to DataFrame
            Entity name -> :meth:`table`.
        """
        return {name: self.table(name) for name in ENTITIES}

    def get(self, entity: str, key: str) -> dict[str, Any] | None:
        """One row as a dict, or None.

        Parameters
        ----------
        entity : str
            A key of ``ENTITIES`` (``initiatief``, ``wijkteam``, ...).
        key : str
            The row's key.

        Returns
        -------
        dict or None
            The row, or None when there is no row with that key.
        """
        t = ENTITIES[entity].table
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c[_key(entity)] == key)).mappings().first()
        return dict(row) if row else None

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit trail, newest first.

        Parameters
        ----------
        limit : int, optional
            Newest lines to return; all when not given.

        Returns
        -------
        DataFrame
            One row per audit line, with the columns of the ``audit`` table.
        """
        query = select(audit).order_by(audit.c.nr.desc())
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings()
            return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in audit.c])

    # -- writing --
    def _audit(self, conn, user, action, entity, key, before, after) -> None:
        conn.execute(
            insert(audit).values(
                tijd=datetime.now(UTC),
                gebruiker=user or "onbekend",
                actie=action,
                entiteit=entity,
                sleutel=key,
                voor=_jsonable(before),
                na=_jsonable(after),
            )
        )

    def record(
        self,
        *,
        user: str,
        action: str,
        entity: str,
        key: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Add a line to the audit trail for a write outside the registry tables.

        For example a profile saved in the data folder or a gemeente imported from files.

        Parameters
        ----------
        user : str
            Who did it.
        action : str
            What was done, e.g. ``save`` or ``refresh`` (at most 20 characters are kept).
        entity : str
            What kind of thing, e.g. ``profiel`` or ``gemeente``.
        key : str, optional
            Which one, e.g. the profile name.
        before, after : dict, optional
            The state before and after, as JSON-ready data.
        """
        with self._begin() as conn:
            self._audit(
                conn,
                user[:100],
                action[:20],
                entity[:30],
                None if key is None else key[:64],
                before,
                after,
            )

    def _write_many(self, conn, entity, records, user) -> tuple[int, int]:
        """Insert or update validated records inside ``conn``; returns (added, updated).

        New rows and their audit lines go in as two bulk inserts (one statement each,
        executemany); existing rows are updated one by one with their version check.
        """
        t = ENTITIES[entity].table
        key = _key(entity)
        keys = [r[key] for r in records]
        current: dict[Any, dict[str, Any]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = conn.execute(select(t).where(t.c[key].in_(chunk)).with_for_update())
            current.update({row[key]: dict(row) for row in rows.mappings()})
        now = datetime.now(UTC)
        new = [dict(r) for r in records if r[key] not in current]
        updated = 0
        for rec in records:
            if rec[key] in current:
                self._write(conn, entity, dict(rec), user, current=current[rec[key]])
                updated += 1
        if new:
            columns = sorted({c for r in new for c in r} - {"version"})
            conn.execute(
                insert(t),
                [
                    {
                        **{c: r.get(c) for c in columns},
                        "version": 1,
                        "gewijzigd": now,
                        "gewijzigd_door": user,
                    }
                    for r in new
                ],
            )
            conn.execute(
                insert(audit),
                [
                    {
                        "tijd": now,
                        "gebruiker": user or "onbekend",
                        "actie": "insert",
                        "entiteit": entity,
                        "sleutel": r[key],
                        "voor": None,
                        "na": _jsonable({k: v for k, v in r.items() if k != "version"}),
                    }
                    for r in new
                ],
            )
        return len(new), updated

    def _write(self, conn, entity, rec, user, *, current: dict[str, Any] | None = None) -> str:
        """Insert or update one validated record inside ``conn``; returns 'added'/'updated'."""
        t = ENTITIES[entity].table
        key = _key(entity)
        expected = rec.pop("version", None)
        if current is None:
            current = (
                conn.execute(select(t).where(t.c[key] == rec[key]).with_for_update())
                .mappings()
                .first()
            )
        now = datetime.now(UTC)
        if current is None:
            values = {**rec, "version": 1, "gewijzigd": now, "gewijzigd_door": user}
            conn.execute(insert(t).values(**values))
            self._audit(conn, user, "insert", entity, rec[key], None, rec)
            return "added"
        before = dict(current)
        if expected is not None and expected != before["version"]:
            raise ConflictError(
                f"{entity} {rec[key]!r} is gewijzigd door {before['gewijzigd_door']} op "
                f"{before['gewijzigd']:%d-%m-%Y %H:%M} (versie {before['version']}, u had "
                f"versie {expected}); laad opnieuw en breng uw wijziging opnieuw aan"
            )
        result = conn.execute(
            update(t)
            .where(t.c[key] == rec[key], t.c.version == before["version"])
            .values(**rec, version=before["version"] + 1, gewijzigd=now, gewijzigd_door=user)
        )
        if result.rowcount != 1:
            raise ConflictError(f"{entity} {rec[key]!r} is tegelijk gewijzigd; probeer opnieuw")
        self._audit(conn, user, "update", entity, rec[key], before, rec)
        return "updated"

    def save(
        self,
        entity: str,
        record: dict[str, Any],
        *,
        user: str,
        version: int | None = None,
        buurtcodes: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Validate and insert or update one record (``version`` = the version that was read).

        Parameters
        ----------
        entity : str
            A key of ``ENTITIES`` (``initiatief``, ``wijkteam``, ...).
        record : dict
            The fields of the row; an empty key gets a new one where the entity allows it.
        user : str
            Who saves, for ``gewijzigd_door`` and the audit trail.
        version : int, optional
            The version that was read; None for a new row.
        buurtcodes : iterable of str, optional
            The gemeente's buurtcodes, to check ``buurtcode`` against.

        Returns
        -------
        dict
            The row as stored (with its new version).

        Raises
        ------
        ImportRejected
            When a field is invalid (with the field named).
        ConflictError
            When the row changed since ``version`` was read.
        """
        record = {k: v for k, v in record.items() if k not in ("gewijzigd", "gewijzigd_door")}
        records, errors = validate_records(
            entity, pd.DataFrame([record]), first_row=1, buurtcodes=buurtcodes
        )
        if errors:
            raise ImportRejected(f"{entity} {record.get(_key(entity))!r}", errors)
        rec = records[0]
        rec.pop(GENERATED, None)
        if version is not None:
            rec["version"] = version
        with self._begin() as conn:
            self._write(conn, entity, rec, user)
        saved = self.get(entity, rec[_key(entity)])
        assert saved is not None
        return saved

    def delete(self, entity: str, key: str, *, user: str, version: int) -> None:
        """Delete a row if it still has ``version``; audited.

        Parameters
        ----------
        entity : str
            A key of ``ENTITIES`` (``initiatief``, ``wijkteam``, ...).
        key : str
            The row's key.
        user : str
            Who deletes, for the audit trail.
        version : int
            The version that was read; another version means someone changed the row meanwhile
            (:class:`ConflictError`).
        """
        t = ENTITIES[entity].table
        k = _key(entity)
        with _integrity(f"{entity} {key!r} niet verwijderd"), self._begin() as conn:
            current = conn.execute(select(t).where(t.c[k] == key)).mappings().first()
            if current is None:
                return
            if entity == "wijkteam":
                _refuse_referenced(conn, [key])
            result = conn.execute(sa_delete(t).where(t.c[k] == key, t.c.version == version))
            if result.rowcount != 1:
                raise ConflictError(
                    f"{entity} {key!r} is gewijzigd door {current['gewijzigd_door']} (versie "
                    f"{current['version']}, u had versie {version}); niet verwijderd"
                )
            self._audit(conn, user, "delete", entity, key, dict(current), None)

    def import_records(
        self,
        entity: str,
        frame: pd.DataFrame,
        *,
        user: str,
        source: str,
        first_row: int = 2,
        buurten=None,
        geocoder: Callable[[str], tuple[float, float] | None] | None = None,
        replace: bool = False,
        confirm_empty: bool = False,
    ) -> ImportReport:
        """Validate every row, then write all of them in one transaction (or nothing).

        Parameters
        ----------
        entity : str
            A key of ``ENTITIES`` (``initiatief``, ``wijkteam``, ...).
        frame : DataFrame
            The rows as read from the file (strings), one column per field.
        user : str
            Who imports, for the audit trail.
        source : str
            The file name, for messages and the audit trail.
        first_row : int, default 2
            The file's row number of the first frame row (2: after a header line).
        buurten : GeoDataFrame, optional
            Buurt polygons (EPSG:28992, indexed by buurtcode): codes are checked against them
            and points without a buurtcode get one by point-in-polygon.
        geocoder : callable, optional
            Address -> (x, y) in RD New, or None; used for rows with an address and no point.
        replace : bool
            Delete the rows of ``entity`` that the file does not contain (a full restore).
        confirm_empty : bool
            With ``replace``, a file without rows empties the table only when this is True
            (``--ja``); otherwise it is refused.

        Returns
        -------
        ImportReport
            What was added, updated, removed, geocoded and assigned a buurt, with notes.
        """
        codes = list(buurten.index) if buurten is not None else None
        if replace and len(frame) == 0 and not confirm_empty:
            raise RegistryError(
                f"{source}: het bestand heeft geen rijen; vervangen zou alle {entity}-rijen "
                "verwijderen. Er is niets gewijzigd (geef --ja als dat echt de bedoeling is)"
            )
        records, errors = validate_records(entity, frame, first_row=first_row, buurtcodes=codes)
        report = ImportReport(entity, source)
        spec = ENTITIES[entity]
        if spec.point:
            # every address is looked up even when other rows have errors, so the report is
            # complete; once the service is unreachable the rest is not tried (bounded time)
            down: str | None = None
            for i, rec in enumerate(records):
                if rec.get("x") is None and rec.get("adres") and geocoder is not None:
                    if down is not None:
                        errors.append(RowError(first_row + i, "adres", rec["adres"], down))
                        continue
                    try:
                        found = geocoder(rec["adres"])
                    except SourceError as exc:
                        down = (
                            f"adres niet opgezocht: {exc.source or 'de adreszoeker'} is niet "
                            "bereikbaar; vul x/y in of probeer het later opnieuw"
                        )
                        errors.append(RowError(first_row + i, "adres", rec["adres"], down))
                        continue
                    if found is None:
                        errors.append(
                            RowError(
                                first_row + i,
                                "adres",
                                rec["adres"],
                                "adres niet gevonden; controleer straat, huisnummer en plaats of "
                                "vul x/y in",
                            )
                        )
                        continue
                    rec["x"], rec["y"] = found
                    report.geocoded += 1
            if buurten is not None and not errors:
                report.notes += location_warnings(
                    entity, records, first_row=first_row, buurten=buurten
                )
                if "buurtcode" in spec.table.c:
                    report.assigned = _assign_buurten(records, buurten)
            elif not errors:
                report.notes += location_warnings(entity, records, first_row=first_row)
        generated = sum(bool(r.pop(GENERATED, False)) for r in records)
        if generated:
            report.notes.append(
                f"{generated} {'rij' if generated == 1 else 'rijen'} zonder id kregen een nieuw id"
            )
        if entity == "wijkteam_buurt" and not errors:
            with self.engine.connect() as conn:
                teams = set(conn.execute(select(wijkteam.c.id)).scalars())
            for i, rec in enumerate(records):
                if rec["wijkteam_id"] not in teams:
                    errors.append(
                        RowError(
                            first_row + i, "wijkteam_id", rec["wijkteam_id"], "onbekend wijkteam"
                        )
                    )
        if errors:
            raise ImportRejected(source, errors)
        key = _key(entity)
        with _integrity(f"{source} niet geïmporteerd"), self._begin() as conn:
            report.added, report.updated = self._write_many(conn, entity, records, user)
            if replace:
                t = spec.table
                keep = [r[key] for r in records]
                gone = conn.execute(select(t).where(t.c[key].not_in(keep))).mappings().all()
                if entity == "wijkteam":
                    _refuse_referenced(conn, [row[key] for row in gone])
                for row in gone:
                    conn.execute(sa_delete(t).where(t.c[key] == row[key]))
                    self._audit(conn, user, "delete", entity, row[key], dict(row), None)
                if gone:
                    report.removed = len(gone)
                    report.notes.append(
                        f"{len(gone)} {'rij' if len(gone) == 1 else 'rijen'} verwijderd "
                        "(volledige vervanging)"
                    )
            self._audit(
                conn,
                user,
                "import",
                entity,
                None,
                None,
                {"bron": source, "nieuw": report.added, "bijgewerkt": report.updated},
            )
        return report

    # -- backup --
    def dump(self) -> dict[str, Any]:
        """Every row of every table (audit trail included) as JSON-ready data.

        Returns
        -------
        dict
            ``wijkradar_registry`` (the schema version) and ``tables`` (table name -> list of
            rows), for :meth:`restore`.
        """
        out: dict[str, Any] = {"wijkradar_registry": SCHEMA_VERSION, "tables": {}}
        with self.engine.connect() as conn:
            for t in (*(e.table for e in ENTITIES.values()), audit):
                rows = conn.execute(select(t).order_by(*t.primary_key)).mappings()
                out["tables"][t.name] = [
                    {k: _json_value(v) for k, v in dict(r).items()} for r in rows
                ]
        return out

    def restore(self, dump: dict[str, Any], *, user: str, replace: bool = False) -> dict[str, int]:
        """Load a :meth:`dump` exactly (versions and audit trail kept), in one transaction.

        Refuses a non-empty registry unless ``replace``; every entity row is validated first.

        Parameters
        ----------
        dump : dict
            A :meth:`dump` (as read from ``export --reservekopie``).
        user : str
            Who restores, for the audit trail.
        replace : bool, default False
            Replace the rows of a non-empty registry.

        Returns
        -------
        dict of str to int
            Rows restored per table.
        """
        version = dump.get("wijkradar_registry") if isinstance(dump, dict) else None
        if version is None or not isinstance(dump.get("tables"), dict):
            raise DataFormatError(
                "geen reservekopie van een Wijkradar-register "
                "(sleutel 'wijkradar_registry' ontbreekt)"
            )
        if int(version) > SCHEMA_VERSION:
            raise RegistryError(
                f"reservekopie heeft schemaversie {version}, nieuwer dan deze Wijkradar "
                f"({SCHEMA_VERSION}); installeer een nieuwere Wijkradar"
            )
        tables = dump["tables"]
        errors: list[RowError] = []
        for name in ENTITIES:
            rows = tables.get(name, [])
            fields = (
                [*ENTITIES[name].fields, "x", "y"]
                if ENTITIES[name].point
                else list(ENTITIES[name].fields)
            )
            frame = pd.DataFrame(rows, columns=fields).reindex(columns=fields)
            _, errs = validate_records(name, frame, first_row=1)
            errors += [RowError(e.row, f"{name}.{e.field}", e.value, e.message) for e in errs]
        if errors:
            raise ImportRejected("backup", errors)
        counts = {}
        with _integrity("backup niet teruggezet"), self._begin() as conn:
            present = sum(
                int(conn.execute(select(func.count()).select_from(e.table)).scalar() or 0)
                for e in ENTITIES.values()
            )
            if present and not replace:
                raise RegistryError(
                    f"het register bevat al {present} rijen; zet de reservekopie terug in een "
                    "leeg register of vervang de inhoud (--vervang)"
                )
            order = [
                "wijkteam_buurt",
                "initiatief",
                "locatie",
                "wijkteam",
                "buurtnotitie",
                "gebied",
            ]
            for name in order:
                conn.execute(sa_delete(ENTITIES[name].table))
            conn.execute(sa_delete(audit))
            for t in (wijkteam, wijkteam_buurt, initiatief, locatie, buurtnotitie, gebied, audit):
                rows = [_from_json(t, r) for r in tables.get(t.name, [])]
                if rows:
                    conn.execute(insert(t), rows)
                counts[t.name] = len(rows)
            if conn.dialect.name == "postgresql" and counts.get("audit"):
                # explicit audit numbers were inserted: move the serial past them
                conn.execute(
                    text(
                        "select setval(pg_get_serial_sequence('audit', 'nr'), "
                        "(select max(nr) from audit))"
                    )
                )
            self._audit(conn, user, "restore", "register", None, None, counts)
        return counts

    def count(self, entity: str) -> int:
        """Number of rows of ``entity``.

        Parameters
        ----------
        entity : str
            A key of ``ENTITIES`` (``initiatief``, ``wijkteam``, ...).

        Returns
        -------
        int
            The number of rows.
        """
        t = ENTITIES[entity].table
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)

    def ping(self) -> None:
        """Raise :class:`RegistryError` when the database does not answer."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("select 1"))
        except OperationalError as exc:
            raise RegistryError(
                f"registerdatabase {self._safe_url()} niet bereikbaar: {mask_secrets(str(exc))}"
            ) from None


@contextlib.contextmanager
def _integrity(what: str) -> Iterator[None]:
    """Turn a constraint violation or a full disk into a :class:`RegistryError`; no write."""
    try:
        yield
    except OperationalError as exc:
        detail = str(exc.orig).splitlines()[0] if exc.orig is not None else "database error"
        if "full" in detail.lower() or "no space" in detail.lower():
            raise RegistryError(
                f"{what}: de schijf of de database is vol ({detail}). Er is niets opgeslagen; "
                "maak ruimte vrij en probeer het opnieuw"
            ) from None
        raise RegistryError(
            f"{what}: databasefout ({mask_secrets(detail)}); er is niets opgeslagen"
        ) from None
    except IntegrityError as exc:
        detail = str(exc.orig).splitlines()[0] if exc.orig is not None else "constraint"
        raise RegistryError(
            f"{what}: de database weigert dit ({detail}); verwijzingen tussen tabellen "
            "kloppen dan niet, bijvoorbeeld buurten die nog aan een wijkteam hangen. Er is "
            "niets gewijzigd"
        ) from None


def _refuse_referenced(conn: Connection, team_ids: list[str]) -> None:
    """Refuse to delete wijkteams that buurten still point at (naming them)."""
    if not team_ids:
        return
    used = conn.execute(
        select(wijkteam_buurt.c.wijkteam_id, func.count())
        .where(wijkteam_buurt.c.wijkteam_id.in_(team_ids))
        .group_by(wijkteam_buurt.c.wijkteam_id)
    ).all()
    if used:
        listed = ", ".join(f"{team} ({n} buurten)" for team, n in used)
        raise RegistryError(
            f"wijkteam {listed} heeft nog buurten in wijkteam_buurt; verwijder of verplaats die "
            "koppelingen eerst. Er is niets gewijzigd"
        )


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # timestamps are written in UTC; SQLite hands them back without a zone
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _from_json(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A dumped row back to Python values of the column types."""
    out = {}
    for col in table.c:
        value = row.get(col.name)
        if value is not None and isinstance(col.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(col.type, Date):
            value = date.fromisoformat(value)
        out[col.name] = value
    return out


def _read_only_sqlite(url: str) -> str | None:
    """Path of an existing SQLite file in a folder that cannot be written, else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + "file:") or "?" in url:
        return None
    path = url[len(prefix) :]
    if not path or path == ":memory:" or not os.path.isfile(path):
        return None
    folder = os.path.dirname(os.path.abspath(path))
    return None if os.access(folder, os.W_OK) else os.path.abspath(path)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
