"""Import templates: the columns of each registry import kind, and a CSV to fill in.

One source for the Importeren tab, the Uitleg page, ``wijkradar import --help`` and the
README: the columns come from :data:`geo.registry.IMPORT_KINDS`, so they cannot drift apart.
:func:`columns_text` (for ``--help``) loads neither pandas nor SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.registry import AUTO_KEY_PREFIX, IMPORT_KINDS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["import_columns", "template_csv", "columns_text", "EXAMPLES"]

_KINDS = {
    "text": "tekst",
    "choice": "keuze",
    "number": "getal",
    "date": "datum (JJJJ-MM-DD of DD-MM-JJJJ)",
    "code": "buurtcode (BU + 8 cijfers)",
    "flag": "ja/nee",
    "codes": "buurtcodes, gescheiden door komma's",
}
_POINT = {
    "x": ("x", "coördinaat: RD New (x) of WGS84 (lengtegraad)", "155100"),
    "y": ("y", "coördinaat: RD New (y) of WGS84 (breedtegraad)", "463100"),
}
#: One plausible example row per kind (made up, for the template only).
EXAMPLES: dict[str, dict[str, str]] = {
    "initiatief": {
        "id": "",
        "naam": "Koffie in de wijk",
        "organisatie": "Buurthuis De Linde",
        "thema": "eenzaamheid/ontmoeting",
        "doelgroep": "ouderen",
        "status": "lopend",
        "subsidie": "1500",
        "startdatum": "2026-01-15",
        "einddatum": "2026-12-31",
        "adres": "Stadhuisplein 1, Amersfoort",
        "buurtcode": "",
        "notities": "",
    },
    "wijkteam": {"id": "", "naam": "Wijkteam Noord", "adres": "", "fte": "4,5", "notities": ""},
    "wijkteam_buurt": {"buurtcode": "BU03070000", "wijkteam_id": "WT-NOORD"},
    "locatie": {
        "id": "",
        "soort": "wijkcentrum",
        "naam": "Wijkcentrum De Kubus",
        "adres": "",
        "buurtcode": "",
    },
}


def _columns(entity: str) -> list[str]:
    spec = IMPORT_KINDS[entity]
    return [*spec.fields, *(["x", "y"] if spec.point else [])]


_FIELDS = ("kolom", "verplicht", "soort", "toegestaan", "voorbeeld")


def _column_rows(entity: str) -> list[dict[str, str]]:
    """The rows of :func:`import_columns` as plain dicts (no pandas)."""
    spec = IMPORT_KINDS[entity]
    example = EXAMPLES.get(entity, {})
    rows = []
    for name, fs in spec.fields.items():
        required = "ja" if fs.required else "nee"
        if fs.required and name == "id" and entity in AUTO_KEY_PREFIX:
            required = "nee (leeg = nieuw id)"
        rows.append(
            {
                "kolom": name,
                "verplicht": required,
                "soort": _KINDS.get(fs.kind, fs.kind),
                "toegestaan": ", ".join(fs.choices) if fs.choices else "",
                "voorbeeld": example.get(name, ""),
            }
        )
    if spec.point:
        for col, kind, value in _POINT.values():
            rows.append(
                {
                    "kolom": col,
                    "verplicht": "nee (of een adres)",
                    "soort": kind,
                    "toegestaan": "",
                    "voorbeeld": value if not example.get("adres") else "",
                }
            )
    return rows


def import_columns(entity: str) -> pd.DataFrame:
    """The columns of an import kind: name, required, kind, allowed values, example.

    Parameters
    ----------
    entity : str
        A key of ``ENTITIES`` of the registry, e.g. ``initiatief`` or ``wijkteam_buurt``.

    Returns
    -------
    DataFrame
        One row per column: ``kolom``, ``verplicht``, ``soort``, ``toegestaan`` and
        ``voorbeeld`` (Dutch texts for the app and the CLI help).

    Examples
    --------
    >>> import_columns("wijkteam_buurt")["kolom"].tolist()
    ['buurtcode', 'wijkteam_id']
    """
    import pandas as pd

    return pd.DataFrame(_column_rows(entity), columns=list(_FIELDS))


def template_csv(entity: str) -> bytes:
    """A CSV to fill in: the header and an example row (UTF-8 with BOM, opens in Excel).

    Kinds without an example in :data:`EXAMPLES` get the header only.

    Parameters
    ----------
    entity : str
        A key of ``ENTITIES`` of the registry, e.g. ``initiatief`` or ``wijkteam_buurt``.

    Returns
    -------
    bytes
        The CSV, UTF-8 with BOM.
    """
    import pandas as pd

    from .export import table_csv

    table = import_columns(entity)
    rows = (
        [dict(zip(table["kolom"], table["voorbeeld"], strict=True))] if entity in EXAMPLES else []
    )
    frame = pd.DataFrame(rows, columns=_columns(entity))
    return b"\xef\xbb\xbf" + table_csv(frame)


def columns_text(entity: str) -> str:
    """The columns in one line for ``--help``: required ones marked with ``*``.

    Parameters
    ----------
    entity : str
        A key of ``ENTITIES`` of the registry, e.g. ``initiatief`` or ``wijkteam_buurt``.

    Returns
    -------
    str
        The column names, comma-separated, required ones followed by ``*``.
    """
    return ", ".join(
        f"{r['kolom']}{'*' if r['verplicht'] == 'ja' else ''}" for r in _column_rows(entity)
    )
