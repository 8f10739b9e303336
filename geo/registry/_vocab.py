"""Vocabularies of the registry: themes, statuses and kinds.

Pure data (no database imports), so analysis code can use it without SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class FieldSpec:
    """How an import column is read and checked.

    Attributes
    ----------
    kind : str
        ``text``, ``choice``, ``number``, ``date``, ``code`` (a buurtcode), ``flag`` or
        ``codes`` (buurtcodes).
    required : bool
        Whether every row needs a value.
    choices : tuple of str
        The allowed values of a ``choice``.
    max_len : int
        The longest text accepted.
    """

    kind: str  # text, choice, number, date, code, flag, codes
    required: bool = False
    choices: tuple[str, ...] = ()
    max_len: int = 300


@dataclass(frozen=True)
class ImportKind:
    """What can be imported of one kind: its fields, whether rows have a point, a Dutch label.

    The database table that goes with it is in ``_schema.ENTITIES``; this half needs no
    SQLAlchemy, so ``wijkradar import --help`` can list the columns without loading it.

    Attributes
    ----------
    fields : dict of str to FieldSpec
        The import columns and how they are checked.
    point : bool
        Whether rows have a location (``x``/``y`` or an address).
    label : str
        Dutch plural for messages and the app, e.g. ``initiatieven``.
    """

    fields: dict[str, FieldSpec]
    point: bool = True
    label: str = ""


IMPORT_KINDS: dict[str, ImportKind] = {
    "initiatief": ImportKind(
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
    "wijkteam": ImportKind(
        {
            "id": FieldSpec("text", True, max_len=64),
            "naam": FieldSpec("text", True, max_len=200),
            "adres": FieldSpec("text"),
            "fte": FieldSpec("number", True),
            "notities": FieldSpec("text", max_len=5000),
        },
        label="wijkteams",
    ),
    "wijkteam_buurt": ImportKind(
        {
            "buurtcode": FieldSpec("code", True),
            "wijkteam_id": FieldSpec("text", True, max_len=64),
        },
        point=False,
        label="toewijzing van buurten aan wijkteams",
    ),
    "locatie": ImportKind(
        {
            "id": FieldSpec("text", True, max_len=64),
            "soort": FieldSpec("choice", True, LOCATIE_SOORTEN),
            "naam": FieldSpec("text", True, max_len=200),
            "adres": FieldSpec("text"),
            "buurtcode": FieldSpec("code"),
        },
        label="locaties",
    ),
    "buurtnotitie": ImportKind(
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
    "gebied": ImportKind(
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
#: Entities whose ``id`` is made up when a row leaves it empty (prefix per entity).
AUTO_KEY_PREFIX = {"initiatief": "INI", "wijkteam": "WT", "locatie": "LOC"}
