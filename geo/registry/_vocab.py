"""Vocabularies of the registry: themes, statuses and kinds.

Pure data (no database imports), so analysis code can use it without SQLAlchemy.
"""

from __future__ import annotations

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
