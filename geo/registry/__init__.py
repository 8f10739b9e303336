"""The registry: initiatives, wijkteams, locations, notes and areas the municipality keeps.

A package with private modules; import only from here (``from geo.registry import Registry``):

- ``_vocab``: themes, statuses and kinds, and the import kinds' fields (:data:`IMPORT_KINDS`);
- ``_errors``: :class:`RegistryError`, :class:`ConflictError`, :class:`ImportRejected`;
- ``_schema``: the SQLAlchemy tables, versioned :data:`MIGRATIONS` and :data:`ENTITIES`;
- ``_validate``: checking import rows (:func:`validate_records`);
- ``_geocode``: coordinates (RD New or WGS84) and the buurt a point lies in;
- ``_store``: the :class:`Registry` database itself;
- ``_files``: reading and writing import files (CSV, Excel, GeoJSON).

The names are imported on first use (PEP 562, through ``lazy_loader``): ``THEMES`` and the
other vocabularies do not load SQLAlchemy; :class:`Registry` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ._errors import ConflictError, ImportRejected, RegistryError, RowError
    from ._files import REGISTRY_FORMATS, decode_legacy, read_registry_file, write_registry_file
    from ._geocode import location_warnings
    from ._schema import (
        ENTITIES,
        MIGRATIONS,
        SCHEMA_VERSION,
        Entity,
        metadata,
        new_key,
        schema_info,
    )
    from ._store import ImportReport, Registry
    from ._validate import parse_amount, parse_buurtcodes, validate_records
    from ._vocab import (
        AUTO_KEY_PREFIX,
        GEBIED_SOORTEN,
        IMPORT_KINDS,
        LOCATIE_SOORTEN,
        MAX_GEBIED_BUURTEN,
        NOTITIE_SOORTEN,
        STATUSES,
        THEMES,
        FieldSpec,
        ImportKind,
    )

__all__ = [
    "Registry",
    "ImportReport",
    "RegistryError",
    "ConflictError",
    "ImportRejected",
    "RowError",
    "ENTITIES",
    "Entity",
    "IMPORT_KINDS",
    "ImportKind",
    "FieldSpec",
    "AUTO_KEY_PREFIX",
    "new_key",
    "THEMES",
    "STATUSES",
    "LOCATIE_SOORTEN",
    "NOTITIE_SOORTEN",
    "GEBIED_SOORTEN",
    "MAX_GEBIED_BUURTEN",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "metadata",
    "schema_info",
    "parse_amount",
    "parse_buurtcodes",
    "validate_records",
    "location_warnings",
    "read_registry_file",
    "write_registry_file",
    "REGISTRY_FORMATS",
    "decode_legacy",
]

__getattr__, _, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "_errors": ["ConflictError", "ImportRejected", "RegistryError", "RowError"],
        "_files": [
            "REGISTRY_FORMATS",
            "decode_legacy",
            "read_registry_file",
            "write_registry_file",
        ],
        "_geocode": ["location_warnings"],
        "_schema": [
            "ENTITIES",
            "MIGRATIONS",
            "SCHEMA_VERSION",
            "Entity",
            "metadata",
            "new_key",
            "schema_info",
        ],
        "_store": ["ImportReport", "Registry"],
        "_validate": ["parse_amount", "parse_buurtcodes", "validate_records"],
        "_vocab": [
            "AUTO_KEY_PREFIX",
            "FieldSpec",
            "IMPORT_KINDS",
            "ImportKind",
            "GEBIED_SOORTEN",
            "LOCATIE_SOORTEN",
            "MAX_GEBIED_BUURTEN",
            "NOTITIE_SOORTEN",
            "STATUSES",
            "THEMES",
        ],
    },
)


def __dir__() -> list[str]:
    return list(__all__)
