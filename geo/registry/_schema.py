"""The registry schema: tables, versioned migrations and the importable entities."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Connection

from ._vocab import (
    AUTO_KEY_PREFIX,
    IMPORT_KINDS,
    ImportKind,
)

# -- schema -----------------------------------------------------------------------------------
metadata = MetaData()


#: Header of the ``version`` column (the optimistic-locking counter, a code mechanic kept in
#: English in the database) in exported files, where users see it; imports read both names.
VERSION_HEADER = "versie"


def _bookkeeping() -> list[Column]:
    return [
        Column("version", Integer, nullable=False, server_default="1"),
        Column("gewijzigd", DateTime(timezone=True)),
        Column("gewijzigd_door", String(100)),
    ]


initiatief = Table(
    "initiatief",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("naam", String(300), nullable=False),
    Column("organisatie", String(200)),
    Column("thema", String(40), nullable=False),
    Column("doelgroep", String(200)),
    Column("status", String(20), nullable=False),
    Column("subsidie", Float),
    Column("startdatum", Date),
    Column("einddatum", Date),
    Column("adres", String(300)),
    Column("x", Float),
    Column("y", Float),
    Column("buurtcode", String(10)),
    Column("notities", Text),
    *_bookkeeping(),
)
wijkteam = Table(
    "wijkteam",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("adres", String(300)),
    Column("x", Float),
    Column("y", Float),
    Column("fte", Float, nullable=False),
    Column("notities", Text),
    *_bookkeeping(),
)
wijkteam_buurt = Table(
    "wijkteam_buurt",
    metadata,
    Column("buurtcode", String(10), primary_key=True),  # one wijkteam per buurt
    Column("wijkteam_id", String(64), ForeignKey("wijkteam.id"), nullable=False),
    *_bookkeeping(),
)
locatie = Table(
    "locatie",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("soort", String(30), nullable=False),
    Column("naam", String(200), nullable=False),
    Column("adres", String(300)),
    Column("x", Float),
    Column("y", Float),
    Column("buurtcode", String(10)),
    *_bookkeeping(),
)
audit = Table(
    "audit",
    metadata,
    Column("nr", Integer, primary_key=True, autoincrement=True),
    Column("tijd", DateTime(timezone=True), nullable=False),
    Column("gebruiker", String(100), nullable=False),
    Column("actie", String(20), nullable=False),
    Column("entiteit", String(30), nullable=False),
    Column("sleutel", String(64)),
    Column("voor", Text),
    Column("na", Text),
)
buurtnotitie = Table(
    "buurtnotitie",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("buurtcode", String(10), nullable=False),
    Column("datum", Date, nullable=False),
    Column("soort", String(20), nullable=False),
    # "cijfers kloppen niet met wat we zien": the figures contradict what people see
    Column("cijfers_kloppen_niet", Boolean, nullable=False, server_default="0"),
    Column("tekst", Text, nullable=False),
    *_bookkeeping(),
)
Index("buurtnotitie_buurtcode_idx", buurtnotitie.c.buurtcode)
gebied = Table(
    "gebied",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("soort", String(30), nullable=False),
    # the member buurtcodes, sorted and separated by spaces (one row: one version)
    Column("buurtcodes", Text, nullable=False),
    Column("notities", Text),
    *_bookkeeping(),
)
schema_info = Table(
    "wijkradar_schema",
    metadata,
    Column("sleutel", String(30), primary_key=True),
    Column("waarde", String(100), nullable=False),
)


def _migrate_1(conn: Connection) -> None:
    metadata.create_all(
        conn, tables=[initiatief, wijkteam, wijkteam_buurt, locatie, audit, schema_info]
    )


def _migrate_2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[buurtnotitie, gebied])


#: Versioned migrations, applied in order inside one transaction.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initiatief, wijkteam, wijkteam_buurt, locatie, audit", _migrate_1),
    (2, "buurtnotitie, gebied", _migrate_2),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass(frozen=True, kw_only=True)
class Entity(ImportKind):
    """An importable entity: its import kind (fields, point, label) with its database table.

    Coordinates are handled apart from the fields.

    Attributes
    ----------
    table : Table
        The SQLAlchemy table.
    fields : dict of str to FieldSpec
        The import columns and how they are checked.
    point : bool
        Whether rows have a location (``x``/``y`` or an address).
    label : str
        Dutch plural for messages and the app, e.g. ``initiatieven``.
    """

    table: Table


#: The tables of the import kinds of :data:`IMPORT_KINDS`.
_TABLES = {
    "initiatief": initiatief,
    "wijkteam": wijkteam,
    "wijkteam_buurt": wijkteam_buurt,
    "locatie": locatie,
    "buurtnotitie": buurtnotitie,
    "gebied": gebied,
}
ENTITIES: dict[str, Entity] = {
    name: Entity(table=_TABLES[name], **vars(kind)) for name, kind in IMPORT_KINDS.items()
}


def _key(entity: str) -> str:
    return list(ENTITIES[entity].table.primary_key.columns)[0].name


#: Marks a record whose key was generated (removed before writing).
GENERATED = "_id_aangemaakt"


def new_key(entity: str) -> str:
    """A new, unique id for a row of ``entity`` (``INI-3f9a1c2b``).

    Parameters
    ----------
    entity : str
        A key of ``ENTITIES``; gives the prefix.

    Returns
    -------
    str
        The id, e.g. ``INI-3f9a1c2b``.
    """
    return f"{AUTO_KEY_PREFIX[entity]}-{uuid.uuid4().hex[:8]}"
