"""The registry: initiatives, wijkteams and locations the municipality keeps (SQLAlchemy 2).

SQLite in the data folder by default (WAL mode), PostgreSQL when ``WIJKRADAR_DATABASE_URL``
says so. Points are stored as RD New (EPSG:28992) ``x``/``y`` in both. Every write happens in
one transaction and lands in the audit trail; every row has a ``version`` used for optimistic
concurrency, so two sessions editing the same row cannot silently overwrite each other.

Schema migrations are explicit and versioned (:data:`MIGRATIONS`); a database written by a
newer Wijkradar is refused, never modified.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
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

from .errors import DataFormatError, SourceError, WijkradarError, mask_secrets

__all__ = [
    "Registry",
    "RegistryError",
    "ConflictError",
    "ImportRejected",
    "RowError",
    "ENTITIES",
    "THEMES",
    "STATUSES",
    "LOCATIE_SOORTEN",
    "NOTITIE_SOORTEN",
    "GEBIED_SOORTEN",
    "SCHEMA_VERSION",
    "parse_buurtcodes",
    "validate_records",
]

THEMES = (
    "eenzaamheid/ontmoeting",
    "gezondheid/bewegen",
    "geldzorgen",
    "jeugd en gezin",
    "mantelzorg",
    "taal en meedoen",
    "overig",
)
STATUSES = ("aangevraagd", "toegekend", "afgewezen", "lopend", "afgerond")
LOCATIE_SOORTEN = ("informatiewinkel", "wijkcentrum", "huisarts", "bibliotheek", "school", "overig")
#: Kinds of buurtnotitie (local knowledge of buurtnetwerkers and wijkteams).
NOTITIE_SOORTEN = ("observatie", "gesprek", "signaal", "overig")
#: Kinds of eigen gebied (a custom pool of buurten).
GEBIED_SOORTEN = ("programmagebied", "wijkteamgebied", "overig")
#: A custom area may hold at most this many buurten (a whole large gemeente fits).
MAX_GEBIED_BUURTEN = 1000
#: Plausible extents of the Netherlands, with a margin.
RD_EXTENT = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
WGS84_EXTENT = (3.2, 50.7, 7.3, 53.7)


class RegistryError(WijkradarError):
    """The registry database cannot be used (unreachable, newer schema, ...)."""


class ConflictError(RegistryError):
    """Someone else changed the row since it was read (optimistic concurrency)."""


@dataclass(frozen=True)
class RowError:
    """One problem in an import file: 1-based ``row`` as the user sees it, and the field."""

    row: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        where = "bestand" if self.row == 0 else f"rij {self.row}"
        value = f" (waarde: '{self.value}')" if self.value else ""
        return f"{where}, veld '{self.field}': {self.message}{value}"


class ImportRejected(DataFormatError):
    """An import file was rejected as a whole; :attr:`errors` lists every problem found."""

    def __init__(self, source: str, errors: list[RowError], *, limit: int = 5) -> None:
        shown = "; ".join(str(e) for e in errors[:limit])
        more = f" (en {len(errors) - limit} meer)" if len(errors) > limit else ""
        n = f"{len(errors)} {'fout' if len(errors) == 1 else 'fouten'}"
        super().__init__(f"{source}: import geweigerd, er is niets opgeslagen. {n}: {shown}{more}")
        self.source = source
        self.errors = errors

    def report(self) -> pd.DataFrame:
        """The errors as a table (rij, veld, waarde, probleem)."""
        return pd.DataFrame(
            [
                {
                    "rij": "hele bestand" if e.row == 0 else e.row,
                    "veld": e.field,
                    "waarde": e.value,
                    "probleem": e.message,
                }
                for e in self.errors
            ],
            columns=["rij", "veld", "waarde", "probleem"],
        )


# -- schema -----------------------------------------------------------------------------------
metadata = MetaData()


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


@dataclass(frozen=True)
class FieldSpec:
    """How an import column is read and checked."""

    kind: str  # text, choice, number, date, code, flag, codes
    required: bool = False
    choices: tuple[str, ...] = ()
    max_len: int = 300


@dataclass(frozen=True)
class Entity:
    """An importable entity: its table, key and fields (coordinates are handled apart)."""

    table: Table
    fields: dict[str, FieldSpec]
    point: bool = True
    label: str = ""


ENTITIES: dict[str, Entity] = {
    "initiatief": Entity(
        initiatief,
        {
            "id": FieldSpec("text", True, max_len=64),
            "naam": FieldSpec("text", True),
            "organisatie": FieldSpec("text", max_len=200),
            "thema": FieldSpec("choice", True, THEMES),
            "doelgroep": FieldSpec("text", max_len=200),
            "status": FieldSpec("choice", True, STATUSES),
            "subsidie": FieldSpec("number"),
            "startdatum": FieldSpec("date"),
            "einddatum": FieldSpec("date"),
            "adres": FieldSpec("text"),
            "buurtcode": FieldSpec("code"),
            "notities": FieldSpec("text", max_len=5000),
        },
        label="initiatieven",
    ),
    "wijkteam": Entity(
        wijkteam,
        {
            "id": FieldSpec("text", True, max_len=64),
            "naam": FieldSpec("text", True, max_len=200),
            "adres": FieldSpec("text"),
            "fte": FieldSpec("number", True),
            "notities": FieldSpec("text", max_len=5000),
        },
        label="wijkteams",
    ),
    "wijkteam_buurt": Entity(
        wijkteam_buurt,
        {
            "buurtcode": FieldSpec("code", True),
            "wijkteam_id": FieldSpec("text", True, max_len=64),
        },
        point=False,
        label="toewijzing van buurten aan wijkteams",
    ),
    "locatie": Entity(
        locatie,
        {
            "id": FieldSpec("text", True, max_len=64),
            "soort": FieldSpec("choice", True, LOCATIE_SOORTEN),
            "naam": FieldSpec("text", True, max_len=200),
            "adres": FieldSpec("text"),
            "buurtcode": FieldSpec("code"),
        },
        label="locaties",
    ),
    "buurtnotitie": Entity(
        buurtnotitie,
        {
            "id": FieldSpec("text", True, max_len=64),
            "buurtcode": FieldSpec("code", True),
            "datum": FieldSpec("date", True),
            "soort": FieldSpec("choice", True, NOTITIE_SOORTEN),
            "cijfers_kloppen_niet": FieldSpec("flag"),
            "tekst": FieldSpec("text", True, max_len=5000),
        },
        point=False,
        label="buurtnotities",
    ),
    "gebied": Entity(
        gebied,
        {
            "id": FieldSpec("text", True, max_len=64),
            "naam": FieldSpec("text", True, max_len=200),
            "soort": FieldSpec("choice", True, GEBIED_SOORTEN),
            "buurtcodes": FieldSpec("codes", True, max_len=11 * MAX_GEBIED_BUURTEN),
            "notities": FieldSpec("text", max_len=5000),
        },
        point=False,
        label="eigen gebieden",
    ),
}


def _key(entity: str) -> str:
    return list(ENTITIES[entity].table.primary_key.columns)[0].name


#: Entities whose ``id`` is made up when a row leaves it empty (prefix per entity).
AUTO_KEY_PREFIX = {"initiatief": "INI", "wijkteam": "WT", "locatie": "LOC"}
#: Marks a record whose key was generated (removed before writing).
GENERATED = "_id_aangemaakt"


def new_key(entity: str) -> str:
    """A new, unique id for a row of ``entity`` (``INI-3f9a1c2b``)."""
    return f"{AUTO_KEY_PREFIX[entity]}-{uuid.uuid4().hex[:8]}"


def location_warnings(
    entity: str,
    records: list[dict[str, Any]],
    *,
    first_row: int = 2,
    buurten=None,
    rows: bool = True,
) -> list[str]:
    """Dutch warnings for rows that will not show on the map or count in the gaps.

    An initiative or location without coordinates, address or buurtcode has no place; a
    point outside the gemeente's buurten (when ``buurten`` is given) gets no buurt.
    """
    if not ENTITIES[entity].point:
        return []
    out = []
    inside = _inside(records, buurten) if buurten is not None else None
    for i, rec in enumerate(records):
        name = rec.get("naam") or rec.get(_key(entity))
        label = f"rij {first_row + i} ({name})" if rows else str(name)
        if rec.get("x") is None and not rec.get("adres") and not rec.get("buurtcode"):
            out.append(
                f"{label}: geen locatie (geen coördinaten, adres of buurtcode); staat niet op "
                "de kaart en telt niet mee in de dekking en de gaten"
            )
        elif inside is not None and rec.get("x") is not None and not inside[i]:
            out.append(f"{label}: het punt ligt buiten de gemeente en krijgt geen buurt")
    return out


def _inside(records: list[dict[str, Any]], buurten) -> list[bool]:
    import shapely

    area = shapely.union_all(buurten.to_crs(28992).geometry.values)
    return [
        rec.get("x") is None or bool(area.covers(shapely.Point(rec["x"], rec["y"])))
        for rec in records
    ]


# -- validation -------------------------------------------------------------------------------
def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text_value = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text_value, fmt).date()
        except ValueError:
            continue
    raise ValueError("geen geldige datum; gebruik JJJJ-MM-DD of DD-MM-JJJJ")


_TRUE = {"ja", "j", "true", "waar", "1", "x", "yes", "y"}
_FALSE = {"nee", "n", "false", "onwaar", "0", "no"}


def _parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text_value = str(value).strip().lower()
    if text_value in _TRUE:
        return True
    if text_value in _FALSE:
        return False
    raise ValueError("geen ja/nee; gebruik ja of nee")


def _is_buurtcode(code: str) -> bool:
    return len(code) == 10 and code.startswith("BU") and code[2:].isdigit()


def parse_buurtcodes(value: Any) -> list[str]:
    """Buurtcodes from a list or a text separated by spaces, commas, semicolons or ``+``.

    Returns the codes upper-cased, sorted and without duplicates.

    Raises
    ------
    ValueError
        When a part is not a buurtcode (``BU`` + 8 digits) or there is none (Dutch message).
    """
    if isinstance(value, str):
        parts = value.replace(",", " ").replace(";", " ").replace("+", " ").split()
    else:
        parts = [str(v) for v in value]
    codes = sorted({p.strip().upper() for p in parts if p.strip()})
    bad = [c for c in codes if not _is_buurtcode(c)]
    if bad:
        raise ValueError(f"geen buurtcode (BU + 8 cijfers): {', '.join(bad[:5])}")
    if not codes:
        raise ValueError("geen buurtcodes")
    return codes


_AMBIGUOUS = re.compile(r"[1-9]\d{0,2},\d{3}")  # 2,000: two thousand or two?
_AMOUNT_FORMATS = [
    # (pattern, thousands separator, decimal separator); the first match wins
    (re.compile(r"\d+"), "", ""),
    (re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"), ".", ","),  # Dutch: 2.000, 1.500,50
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"), ",", "."),  # international: 2,000.00
    (re.compile(r"\d+,\d+"), "", ","),  # decimal comma: 12,5
    (re.compile(r"\d+\.\d+"), "", "."),  # decimal point: 12.5
    (re.compile(r"[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?:[,.]\d+)?"), " ", ""),  # 2 000,50
]
_CURRENCY = re.compile(r"^(?:€|eur(?:o)?\b)\s*|\s*(?:€|eur(?:o)?)$", re.IGNORECASE)


def parse_amount(value: Any) -> float:
    """A number from a file cell in Dutch or international notation, or ``ValueError``.

    ``€ 2.000`` and ``2.000`` are 2000 (Dutch thousands dots), ``1.500,50`` is 1500.5,
    ``2,000.00`` and ``1,000,000`` are international, ``12,5`` and ``12.5`` are 12.5. A
    notation that could mean two things (``2,000``: 2 or 2000?) is refused, never guessed.

    Examples
    --------
    >>> [parse_amount(v) for v in ("€ 2.000", "1.500,50", "2,000.00", "12,5", 7)]
    [2000.0, 1500.5, 2000.0, 12.5, 7.0]
    """
    if isinstance(value, bool):
        raise ValueError("geen getal")
    if isinstance(value, int | float):
        return float(value)
    raw = _CURRENCY.sub("", str(value).strip()).strip()
    sign = -1.0 if raw.startswith("-") else 1.0
    raw = re.sub(r",-+$", "", raw.lstrip("+-").strip())  # € 2.000,- (no cents)
    if _AMBIGUOUS.fullmatch(raw):
        raise ValueError(
            "dubbelzinnig getal: duizendtallen of decimalen? Schrijf bijvoorbeeld 2000, 2.000 "
            "of 2,0"
        )
    for pattern, thousands, decimal in _AMOUNT_FORMATS:
        if pattern.fullmatch(raw):
            text = raw
            if thousands == " ":
                text = re.sub(r"[ \u00a0\u202f]", "", text).replace(",", ".")
            else:
                if thousands:
                    text = text.replace(thousands, "")
                if decimal:
                    text = text.replace(decimal, ".")
            return sign * float(text)
    raise ValueError("geen getal; schrijf bijvoorbeeld 2000, 2.000, 1.500,50 of 12,5")


def _parse_number(value: Any) -> float:
    number = parse_amount(value)
    if not math.isfinite(number):
        raise ValueError("geen eindig getal")
    if number < 0:
        raise ValueError("mag niet negatief zijn")
    return number


def _to_rd(x: float, y: float) -> tuple[float, float] | None:
    """RD New coordinates for a point given in RD New or WGS84 (lon/lat or lat/lon)."""
    bx0, by0, bx1, by1 = RD_EXTENT
    if bx0 <= x <= bx1 and by0 <= y <= by1:
        return x, y
    lx0, ly0, lx1, ly1 = WGS84_EXTENT
    for lon, lat in ((x, y), (y, x)):
        if lx0 <= lon <= lx1 and ly0 <= lat <= ly1:
            rx, ry = _wgs84_to_rd().transform(lon, lat)
            return float(rx), float(ry)
    return None


@functools.lru_cache(maxsize=1)
def _wgs84_to_rd():
    """One WGS84 -> RD New transformer for every row (building one costs ~30 ms)."""
    from pyproj import Transformer

    return Transformer.from_crs(4326, 28992, always_xy=True)


def validate_records(
    entity: str,
    frame: pd.DataFrame,
    *,
    first_row: int = 2,
    buurtcodes: Iterable[str] | None = None,
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Check and convert rows for ``entity``; returns (records, errors).

    Coordinates come from ``x``/``y`` (RD New or WGS84, detected and checked against the
    Netherlands' extent) or ``lon``/``lat``. ``first_row`` is the file row number of the first
    record (2 for a CSV/Excel sheet with a header row, 1 for GeoJSON features).
    """
    spec = ENTITIES[entity]
    errors: list[RowError] = []
    columns = {str(c).strip().lower(): c for c in frame.columns}
    key = _key(entity)
    # an empty id is generated (AUTO_KEY_PREFIX), so the column itself may be left out too
    missing = [
        f
        for f, s in spec.fields.items()
        if s.required and f not in columns and not (f == key and entity in AUTO_KEY_PREFIX)
    ]
    if missing:
        return [], [
            RowError(1, f, "", f"verplichte kolom ontbreekt (kolommen: {', '.join(columns)})")
            for f in missing
        ]
    known = set(spec.fields) | {"x", "y", "lon", "lat", "version"}
    for extra in sorted(set(columns) - known):
        errors.append(RowError(1, extra, "", f"onbekende kolom; toegestaan: {', '.join(known)}"))
    codes = set(buurtcodes) if buurtcodes is not None else None
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for i, row in enumerate(frame.to_dict("records")):
        rownr = first_row + i
        get = {name: row[col] for name, col in columns.items()}
        rec: dict[str, Any] = {}
        for name, fs in spec.fields.items():
            value = get.get(name)
            shown = "" if _blank(value) else str(value)[:80]
            if _blank(value):
                if name == key and entity in AUTO_KEY_PREFIX:
                    rec[name] = new_key(entity)
                    rec[GENERATED] = True
                    continue
                if fs.required:
                    errors.append(RowError(rownr, name, shown, "verplicht veld is leeg"))
                rec[name] = False if fs.kind == "flag" else None
                continue
            try:
                if fs.kind == "text":
                    v = str(value).strip()
                    if isinstance(value, float) and value.is_integer():
                        v = str(int(value))
                    if len(v) > fs.max_len:
                        raise ValueError(f"te lang ({len(v)} tekens, maximaal {fs.max_len})")
                    rec[name] = v
                elif fs.kind == "choice":
                    v = str(value).strip().lower()
                    if v not in fs.choices:
                        raise ValueError(f"onbekende waarde; kies uit: {', '.join(fs.choices)}")
                    rec[name] = v
                elif fs.kind == "number":
                    rec[name] = _parse_number(value)
                elif fs.kind == "date":
                    rec[name] = _parse_date(value)
                elif fs.kind == "code":
                    v = str(value).strip().upper()
                    if not _is_buurtcode(v):
                        raise ValueError("geen buurtcode (BU + 8 cijfers)")
                    if codes is not None and v not in codes:
                        raise ValueError("buurtcode komt niet voor in deze gemeente en dit jaar")
                    rec[name] = v
                elif fs.kind == "flag":
                    rec[name] = _parse_flag(value)
                elif fs.kind == "codes":
                    members = parse_buurtcodes(value)
                    if len(members) > MAX_GEBIED_BUURTEN:
                        raise ValueError(
                            f"te veel buurten ({len(members)}, maximaal {MAX_GEBIED_BUURTEN})"
                        )
                    unknown = [c for c in members if codes is not None and c not in codes]
                    if unknown:
                        raise ValueError(
                            "buurtcode(s) komen niet voor in deze gemeente en dit jaar: "
                            + ", ".join(unknown[:5])
                        )
                    rec[name] = " ".join(members)
            except ValueError as exc:
                errors.append(RowError(rownr, name, shown, str(exc)))
        if rec.get("startdatum") and rec.get("einddatum") and rec["einddatum"] < rec["startdatum"]:
            errors.append(
                RowError(rownr, "einddatum", str(rec["einddatum"]), "ligt vóór de startdatum")
            )
        if spec.point:
            x, y = get.get("x", get.get("lon")), get.get("y", get.get("lat"))
            rec["x"] = rec["y"] = None
            if not _blank(x) or not _blank(y):
                try:
                    fx, fy = _parse_coordinate(x), _parse_coordinate(y)
                    rd = _to_rd(fx, fy)
                    if rd is None:
                        raise ValueError(
                            "ligt buiten Nederland (verwacht RD New of WGS84 lengte/breedte)"
                        )
                    rec["x"], rec["y"] = rd
                except ValueError as exc:
                    errors.append(RowError(rownr, "x/y", f"{x}, {y}", str(exc)))
        k = rec.get(key)
        if k is not None:
            if k in seen:
                errors.append(
                    RowError(rownr, key, str(k), f"dubbele sleutel (ook in rij {seen[k]})")
                )
            seen[k] = rownr
        version = get.get("version")
        if not _blank(version):
            try:
                rec["version"] = int(float(str(version)))
            except (TypeError, ValueError):
                errors.append(RowError(rownr, "version", str(version), "geen geheel getal"))
        records.append(rec)
    return records, errors


def _parse_coordinate(value: Any) -> float:
    if _blank(value):
        raise ValueError("x en y moeten allebei gevuld zijn")
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError("coördinaat is geen getal") from None
    if not math.isfinite(number):
        raise ValueError("coördinaat is geen eindig getal")
    return number


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
    """What an import did."""

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
            shown = repr(mask_secrets(url)) if "://" in url else "(not a URL, not shown)"
            hint = ""
            if url.startswith("postgres://") or url.startswith("postgresql://"):
                hint = "; use postgresql+psycopg://user:password@host/database"
            raise RegistryError(
                f"registry URL {shown} cannot be used: {mask_secrets(str(exc))}{hint}"
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
        """Schema version of the database (0 when empty)."""
        try:
            with self.engine.connect() as conn:
                if not self.engine.dialect.has_table(conn, schema_info.name):
                    return 0
                value = conn.execute(
                    select(schema_info.c.waarde).where(schema_info.c.sleutel == "version")
                ).scalar()
        except OperationalError as exc:
            raise RegistryError(
                f"registry database {self._safe_url()} unreachable: {exc}"
            ) from None
        return int(value or 0)

    def migrate(self) -> int:
        """Apply pending migrations in one transaction; return the schema version."""
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise RegistryError(
                f"registry database {self._safe_url()} has schema version {current}, newer than "
                f"this Wijkradar ({SCHEMA_VERSION}); upgrade Wijkradar. The database was not "
                "changed."
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
        """Whether the database has PostGIS and the ``geom`` columns (for QGIS and SQL)."""
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
        """All rows of ``entity`` (sorted by key), bookkeeping columns included."""
        spec = ENTITIES[entity]
        with self.engine.connect() as conn:
            rows = conn.execute(select(spec.table).order_by(*spec.table.primary_key)).mappings()
            frame = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in spec.table.c])
        return frame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every entity table by name (see :meth:`table`)."""
        return {name: self.table(name) for name in ENTITIES}

    def get(self, entity: str, key: str) -> dict[str, Any] | None:
        """One row as a dict, or None."""
        t = ENTITIES[entity].table
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c[_key(entity)] == key)).mappings().first()
        return dict(row) if row else None

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit trail, newest first."""
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
        """Delete a row if it still has ``version``; audited."""
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
        """Every row of every table (audit trail included) as JSON-ready data."""
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
        """
        version = dump.get("wijkradar_registry") if isinstance(dump, dict) else None
        if version is None or not isinstance(dump.get("tables"), dict):
            raise DataFormatError("not a Wijkradar registry backup (no 'wijkradar_registry' key)")
        if int(version) > SCHEMA_VERSION:
            raise RegistryError(
                f"backup has schema version {version}, newer than this Wijkradar "
                f"({SCHEMA_VERSION}); upgrade Wijkradar"
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
                    f"the registry already holds {present} rows; restore into an empty "
                    "database or pass replace (--vervang) to overwrite it"
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
        """Number of rows of ``entity``."""
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
                f"registry database {self._safe_url()} unreachable: {exc}"
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


def _assign_buurten(records, buurten) -> int:
    """Give points without a buurtcode the buurt they lie in; count the assignments."""
    import geopandas as gpd
    import shapely

    todo = [
        (i, r) for i, r in enumerate(records) if r.get("x") is not None and not r.get("buurtcode")
    ]
    if not todo:
        return 0
    points = gpd.GeoDataFrame(
        {"i": [i for i, _ in todo]},
        geometry=shapely.points([(r["x"], r["y"]) for _, r in todo]),
        crs=28992,
    )
    polys = buurten[["geometry"]].to_crs(28992).reset_index(names="_code")
    hits = gpd.sjoin(points, polys, how="left", predicate="within")
    hits = hits[~hits.index.duplicated()]
    assigned = 0
    for idx, row in hits.iterrows():
        i = int(points.loc[idx, "i"])
        if pd.isna(row.get("_code")):
            continue  # outside the gemeente: kept as a point without a buurt
        records[i]["buurtcode"] = str(row["_code"])
        assigned += 1
    return assigned


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
