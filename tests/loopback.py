"""A loopback HTTP server that speaks CBS OData v3 and PDOK WFS 2.0, built from ../shared/data.

Responses have the real formats: padded codes and names, ``odata.nextLink`` paging, JSON
``null`` in TypedDataSet and right-aligned strings with ``'.'`` in UntypedDataSet, GeoJSON
FeatureCollections with camelCase properties and ``count``/``startIndex`` paging. Faults
(timeouts, 429, 500, malformed JSON, wrong content type, a broken next page) can be injected.

Used by the tests and by ``bench/``; never by the application itself.
"""

from __future__ import annotations

import json
import math
import re
import struct
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import geopandas as gpd
import pandas as pd

__all__ = ["LoopbackData", "LoopbackServer", "build_data", "parse_filter", "parse_select"]

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """Where ../shared/data is (override with WIJKRADAR_SHARED_DATA)."""
    import os

    env = os.environ.get("WIJKRADAR_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


# --------------------------------------------------------------------------------------------
# OData $filter: a tiny evaluator for eq / startswith / and / or / not / parentheses
# --------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(\(|\)|,|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*)")


def parse_filter(text: str):
    """Compile an OData v3 filter (subset used by CBS clients) into a row predicate."""
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"bad $filter near {text[pos : pos + 20]!r}")
        tokens.append(m.group(1))
        pos = m.end()
    i = 0

    def peek():
        return tokens[i] if i < len(tokens) else None

    def take(expected=None):
        nonlocal i
        tok = peek()
        if tok is None or (expected and tok != expected):
            raise ValueError(f"bad $filter: expected {expected!r}, got {tok!r}")
        i += 1
        return tok

    def string(tok):
        if not (tok.startswith("'") and tok.endswith("'")):
            raise ValueError(f"bad $filter: expected a string literal, got {tok!r}")
        return tok[1:-1].replace("''", "'")

    def chain(op, operand, combine):
        """Left-associative ``operand (op operand)*``."""
        left = operand()
        while peek() == op:
            take()
            left = (lambda a, b: lambda r: combine(a(r), b(r)))(left, operand())
        return left

    def expr():
        return chain("or", term, lambda x, y: x or y)

    def term():
        return chain("and", factor, lambda x, y: x and y)

    def factor():
        tok = peek()
        if tok == "(":
            take("(")
            inner = expr()
            take(")")
            return inner
        if tok == "not":
            take()
            inner = factor()
            return lambda r: not inner(r)
        if tok == "startswith":
            take()
            take("(")
            fld = take()
            take(",")
            val = string(take())
            take(")")
            return lambda r: str(r.get(fld, "")).startswith(val)
        fld = take()
        take("eq")
        val = string(take())
        return lambda r: str(r.get(fld, "")) == val

    pred = expr()
    if i != len(tokens):
        raise ValueError(f"bad $filter: trailing {tokens[i:]}")
    return pred


def parse_select(
    text: str, rows: list[dict[str, Any]], type_name: str
) -> set[str] | None | dict[str, Any]:
    """The properties an OData v3 ``$select`` asks for, as the CBS ODataApi treats them.

    ``*`` (or an empty option) means every property (None). The server then returns only the
    selected properties of each row and keeps ``$select`` in its ``odata.nextLink`` (public
    clients of the live API rely on both: they read only what they selected, and page with the
    nextLink). A name the entity type does not have makes the whole request fail with HTTP 400
    and an OData v3 JSON error ``{"odata.error": {"code", "message": {"lang", "value"}}}``,
    the error shape of Microsoft's OData v3 implementations (MS-ODATAJSON 2.1.28), which the
    CBS ODataApi is (``odata.metadata``, ``Cbs.OData.*`` types). That dict is returned.
    INFERENCE: the wording of the message and its ``lang`` are not documented for CBS; the
    client only relies on the status. Annotations (``odata.type``) are kept, as in v3 JSON.
    """
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names or "*" in names:
        return None
    known: set[str] = set()
    for row in rows:
        known.update(row)
    for name in names:
        if name not in known:
            return {
                "odata.error": {
                    "code": "",
                    "message": {
                        "lang": "en-US",
                        "value": f"No property '{name}' exists in type '{type_name}' at "
                        f"position {text.find(name)}.",
                    },
                }
            }
    return set(names)


# --------------------------------------------------------------------------------------------
# Data built from ../shared/data
# --------------------------------------------------------------------------------------------
@dataclass
class ODataTable:
    """Rows of one table, as the server returns them."""

    typed: list[dict[str, Any]]
    untyped: list[dict[str, Any]] | None = None
    dimensions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    properties: list[dict[str, Any]] = field(default_factory=list)  # DataProperties


@dataclass
class LoopbackData:
    """Everything the server can serve."""

    odata: dict[str, ODataTable] = field(default_factory=dict)  # opendata.cbs.nl tables
    dataderden: dict[str, ODataTable] = field(default_factory=dict)  # dataderden tables
    wfs: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict)

    def without(self, *tables: str) -> LoopbackData:
        """A copy that does not serve ``tables`` (a server of before 50150NED, ...)."""
        return LoopbackData(
            odata={k: v for k, v in self.odata.items() if k not in tables},
            dataderden={k: v for k, v in self.dataderden.items() if k not in tables},
            wfs=self.wfs,
        )


def _pad(text: str, width: int) -> str:
    return str(text).ljust(width)


_SOORT = {"BU": "Buurt", "WK": "Wijk", "GM": "Gemeente", "NL": "Land"}
_GEMEENTEN = ("GM0307", "GM0034")
_KEY = re.compile(r".+_\d+$")
_STRING_TOPICS = ("Gemeentenaam_1", "SoortRegio_2", "Codering_3")

_KWB_NL_FILE = (
    "gezondheid/rivm_50150NED_goed_ervaren_gezondheid_2012_2024_plus_85984NED_subset_NL_"
    "indeling2024.csv"
)
_ALMERE_HANDCOPIED = "gezondheid/rivm_50150NED_2024_5_almere_buurten_mental_health_HANDCOPIED.csv"

#: PDOK wijkenbuurten 2024 wijk attribute (snake_case) -> 85984NED key, for attributes that
#: are the same figure in the same unit (counts stay counts, % stay %). PDOK -99995/-99997
#: become null. Shares that OData publishes as counts (Eenpersoonshuishoudens_30, ...) are
#: NOT derived from PDOK percentages: that would invent rounded counts.
_PDOK_WIJK_TO_KWB = {
    "aantal_inwoners": "AantalInwoners_5",
    "mannen": "Mannen_6",
    "vrouwen": "Vrouwen_7",
    "geboorte_totaal": "GeboorteTotaal_25",
    "sterfte_totaal": "SterfteTotaal_27",
    "aantal_huishoudens": "HuishoudensTotaal_29",
    "gemiddelde_huishoudsgrootte": "GemiddeldeHuishoudensgrootte_33",
    "bevolkingsdichtheid_inwoners_per_km2": "Bevolkingsdichtheid_34",
    "woningvoorraad": "Woningvoorraad_35",
    "gemiddelde_woningwaarde": "GemiddeldeWOZWaardeVanWoningen_39",
    "percentage_eengezinswoning": "PercentageEengezinswoning_40",
    "percentage_meergezinswoning": "PercentageMeergezinswoning_45",
    "percentage_koopwoningen": "Koopwoningen_47",
    "percentage_huurwoningen": "HuurwoningenTotaal_48",
    "perc_huurwoningen_in_bezit_woningcorporaties": "InBezitWoningcorporatie_49",
    "perc_huurwoningen_in_bezit_overige_verhuurders": "InBezitOverigeVerhuurders_50",
    "aantal_personen_met_een_alg_bijstandsuitkering_tot": "PersonenPerSoortUitkeringBijstand_87",
    "aantal_personen_met_een_ao_uitkering_totaal": "PersonenPerSoortUitkeringAO_88",
    "aantal_personen_met_een_ww_uitkering_totaal": "PersonenPerSoortUitkeringWW_89",
    "aantal_personen_met_een_aow_uitkering_totaal": "PersonenPerSoortUitkeringAOW_90",
    "aantal_bedrijfsvestigingen": "BedrijfsvestigingenTotaal_95",
    "personenautos_totaal": "PersonenautoSTotaal_104",
    "huisartsenpraktijk_gemiddelde_afstand_in_km": "AfstandTotHuisartsenpraktijk_110",
    "grote_supermarkt_gemiddelde_afstand_in_km": "AfstandTotGroteSupermarkt_111",
    "kinderdagverblijf_gemiddelde_afstand_in_km": "AfstandTotKinderdagverblijf_112",
    "oppervlakte_totaal_in_ha": "OppervlakteTotaal_115",
    "oppervlakte_land_in_ha": "OppervlakteLand_116",
    "oppervlakte_water_in_ha": "OppervlakteWater_117",
    "omgevingsadressendichtheid": "Omgevingsadressendichtheid_121",
}


def _num(value: Any) -> Any:
    """A JSON number (int where integral) or None, from CSV text, numpy or Python values."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar -> Python
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in ("", "."):
            return None
        value = float(text)
    if isinstance(value, int | float) and value in (-99995, -99997):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return float(value) if isinstance(value, float) else value


def _rotterdam_sample(shared: Path) -> dict[str, Any]:
    """The real 85318NED/85618NED rows of BU05990110 (see PROVENANCE.md, api_samples)."""
    name = "cbs_odata_v3_TypedDataSet_rows_85318NED_2022_85618NED_2023_BU05990110.json"
    return json.loads((shared / "api_samples" / name).read_text())


def _data_properties(path: Path, *, title_col: str = "Title") -> list[dict[str, Any]]:
    """DataProperties rows (Topic entries) from one of the ``schemas/`` files."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = []
    for i, rec in enumerate(frame.to_dict("records")):
        key = rec["Key"]
        if not _KEY.match(key) or key.endswith("_?"):
            continue
        rows.append(
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": i,
                "Position": i,
                "ParentID": None,
                "Type": "Topic",
                "Key": key,
                "Title": rec.get(title_col, ""),
                "Description": rec.get("Description") or None,
                "Datatype": rec.get("Datatype")
                or ("String" if key in _STRING_TOPICS else "Double"),
                "Unit": rec.get("Unit", ""),
                "Decimals": None,
                "Default": "Missing",
            }
        )
    return rows


def _kwb_keys(shared: Path, schema: str) -> list[str]:
    return [r["Key"] for r in _data_properties(shared / "schemas" / schema)]


def _region_names(shared: Path) -> pd.DataFrame:
    """Codes and names of GM0307/GM0034, their wijken and buurten (2024 indeling)."""
    frame = pd.read_csv(shared / _KWB_NL_FILE, dtype={"MeestVoorkomendePostcode_118": str})
    frame = frame[frame["code"].str[2:6].isin([g[2:] for g in _GEMEENTEN])]
    return frame.set_index("code")


def _kwb_row(
    i: int, code: str, gemeentenaam: str, keys: list[str], indeling: str | None
) -> dict[str, Any]:
    row: dict[str, Any] = {"ID": i, "WijkenEnBuurten": _pad(code, 10)}
    row["Gemeentenaam_1"] = _pad(gemeentenaam, 40)
    row["SoortRegio_2"] = _pad(_SOORT[code[:2]], 10)
    row["Codering_3"] = _pad(code, 10)
    for key in keys:
        if key not in row:
            row[key] = None
    row["IndelingswijzigingGemeenteWijkBuurt_4"] = indeling
    row["MeestVoorkomendePostcode_118"] = ".".rjust(10)  # unknown: right-aligned '.'
    return row


def build_kerncijfers_2024(shared: Path) -> ODataTable:
    """85984NED TypedDataSet rows for GM0307, GM0034, their wijken and buurten, and NL00.

    Keys: exactly the 121 topics of ``schemas/cbs_85984NED_2024_DataProperties_RECONSTRUCTED``.
    Values, all real 85984NED figures: the flattened 85984NED subset of the woonikveilig pull
    (income per inwoner only where CBS published it: >= 2,500 persons), the complete-case
    buurt subset (household and age counts), the PDOK 2024 wijk attributes (same figure, same
    unit) and the five hand-copied Almere buurten (bijstand, one-person households). Every
    other cell is JSON ``null``: the poverty, jeugdzorg and Wmo columns are empty here because
    these fixtures do not hold them, which the product must treat like an unpublished column.

    Fixture inferences (marked): ``IndelingswijzigingGemeenteWijkBuurt_4`` of buurten and the
    gemeenten is ``'1'`` (unchanged since 2023; the PDOK wijk attribute gives the real code
    for wijken); the complete-case subset's ``MateVanStedelijkheid_122`` is not used because
    the schema has ``MateVanStedelijkheid_120`` (the values come from the flattened file).
    """
    keys = _kwb_keys(shared, "cbs_85984NED_2024_DataProperties_RECONSTRUCTED.csv")
    regions = _region_names(shared)
    subset = pd.read_csv(
        shared / "kerncijfers" / "cbs_85984NED_2024_buurten_subset_plus_politie_47018NED_NL.csv",
        dtype=str,
        keep_default_na=False,
    )
    subset = subset[subset["WijkenEnBuurten"].str.startswith(("BU0307", "BU0034"))]
    subset = subset.set_index("WijkenEnBuurten")
    pdok = pd.read_csv(
        shared / "kerncijfers" / "pdok_wijkenbuurten_2024_wijken_attributes_GM0307_GM0034.csv"
    ).set_index("wijkcode")
    almere = pd.read_csv(shared / _ALMERE_HANDCOPIED, dtype=str).set_index("buurtcode")
    nl = json.loads((shared / "kerncijfers" / "woonikveilig_snapshot_2024_NL00.json").read_text())
    rows = []
    nl_row = _kwb_row(0, "NL00", "Nederland", keys, ".")
    demo = nl["demografie"]
    for col, key in (
        ("inwoners", "AantalInwoners_5"),
        ("inwoners65plus", "k_65JaarOfOuder_12"),
        ("inwoners0tot15", "k_0Tot15Jaar_8"),
        ("huishoudens", "HuishoudensTotaal_29"),
        ("huishoudensgrootte", "GemiddeldeHuishoudensgrootte_33"),
        ("dichtheid", "Bevolkingsdichtheid_34"),
        ("wozWaarde", "GemiddeldeWOZWaardeVanWoningen_39"),
        ("koopwoningen", "Koopwoningen_47"),
        ("eengezinswoning", "PercentageEengezinswoning_40"),
        ("inkomenPerInwoner", "GemiddeldInkomenPerInwoner_78"),
        ("stedelijkheid", "MateVanStedelijkheid_120"),
        ("adressendichtheid", "Omgevingsadressendichtheid_121"),
        ("oppervlakteLandHa", "OppervlakteLand_116"),
        ("afstandHuisarts", "AfstandTotHuisartsenpraktijk_110"),
        ("afstandSupermarkt", "AfstandTotGroteSupermarkt_111"),
        ("afstandSchool", "AfstandTotSchool_113"),
        ("scholenBinnen3km", "ScholenBinnen3Km_114"),
    ):
        nl_row[key] = _num(demo.get(col))
    rows.append(nl_row)
    for i, (code, rec) in enumerate(regions.iterrows(), start=1):
        indeling: str | None = "1"  # fixture inference, see the docstring
        if code in pdok.index:
            indeling = str(int(pdok.loc[code, "indelingswijziging_wijken_en_buurten"]))
        row = _kwb_row(i, code, str(rec["gemeentenaam"]), keys, indeling)
        for key in keys:
            if key in rec.index and key != "MeestVoorkomendePostcode_118":
                row[key] = _num(rec[key])
        postcode = rec.get("MeestVoorkomendePostcode_118")
        if isinstance(postcode, str) and postcode.strip():
            row["MeestVoorkomendePostcode_118"] = postcode.strip().rjust(10)
        if code in subset.index:
            for key, val in subset.loc[code].items():
                if key in keys and key not in _STRING_TOPICS and row.get(key) is None:
                    row[key] = _num(val)
        if code in pdok.index:
            for col, key in _PDOK_WIJK_TO_KWB.items():
                if row.get(key) is None and key in keys:
                    row[key] = _num(pdok.loc[code, col])
        if code in almere.index:
            for key, val in almere.loc[code].items():
                if key in keys and row.get(key) is None:
                    row[key] = _num(val)
        rows.append(row)
    names = [
        {
            "Key": _pad("NL00", 10),
            "Title": "Nederland",
            "Municipality": None,
            "DetailRegionCode": "NL00",
        }
    ] + [
        {
            "Key": _pad(code, 10),
            "Title": str(rec["name"]),
            "Description": None,
            "Municipality": "GM" + code[2:6],
            "DetailRegionCode": code,
        }
        for code, rec in regions.iterrows()
    ]
    props = _data_properties(
        shared / "schemas" / "cbs_85984NED_2024_DataProperties_RECONSTRUCTED.csv"
    )
    return ODataTable(typed=rows, dimensions={"WijkenEnBuurten": names}, properties=props)


def build_kerncijfers_2025(shared: Path) -> ODataTable:
    """86165NED: the real raw rows of 18 northern gemeenten and NL00, with its real keys.

    The fixture has no 2025 rows for Amersfoort or Almere, so the table returns none for them
    (a client then uses 85984NED for every indicator). Income, poverty, bijstand, jeugdzorg
    and Wmo are empty at every level, as in the real table.
    """
    props = _data_properties(shared / "schemas" / "cbs_86165NED_2025_DataProperties.csv")
    keys = [r["Key"] for r in props]
    raw = pd.read_csv(
        shared / "kerncijfers" / "cbs_86165NED_2025_TypedDataSet_raw_18_gemeenten_noord.csv",
        dtype=str,
        keep_default_na=False,
    )
    sample = json.loads(
        (
            shared / "api_samples" / "cbs_odata_v3_TypedDataSet_row_86165NED_2025_NL00.json"
        ).read_text()
    )
    rows = list(sample["data"]["records"])
    names = [{"Key": _pad("NL00", 10), "Title": "Nederland", "DetailRegionCode": "NL00"}]
    string_keys = set(_STRING_TOPICS) | {
        "IndelingswijzigingGemeenteWijkBuurt_4",
        "MeestVoorkomendePostcode_118",
        "WijkenEnBuurten",
    }
    for rec in raw.to_dict("records"):
        row: dict[str, Any] = {"ID": int(rec["ID"])}
        for key in ["WijkenEnBuurten", *keys]:
            val = rec.get(key, "")
            row[key] = val if key in string_keys else _num(val)
        rows.append(row)
        code = rec["WijkenEnBuurten"].strip()
        names.append(
            {
                "Key": rec["WijkenEnBuurten"],
                "Title": rec.get("Naam_gebied", ""),  # the repository's name column
                "Municipality": "GM" + code[2:6] if not code.startswith("NL") else None,
                "DetailRegionCode": code,
            }
        )
    return ODataTable(typed=rows, dimensions={"WijkenEnBuurten": names}, properties=props)


def build_kerncijfers_sample(shared: Path, key: str) -> ODataTable:
    """The real 85318NED (2022) / 85618NED (2023) rows of BU05990110, Rotterdam."""
    sample = _rotterdam_sample(shared)
    block = sample[key]
    return ODataTable(typed=block["rows"], dimensions={"WijkenEnBuurten": block["names"]})


def build_health_50090(shared: Path, *, synthetic_bounds: float | None = None) -> ODataTable:
    """50090NED rows for GM0307/GM0034 from the typed and the raw Untyped CSV.

    With ``synthetic_bounds`` it also emits lower/upper rows (value -/+ that many points)
    under Marges MOG0095/MBG0095, to exercise the bounds path; those rows are synthetic.
    """
    folder = shared / "gezondheid"
    typed = pd.read_csv(
        folder / "rivm_cbs_50090NED_2012_2016_2020_GM0307_GM0034_typed.csv",
        dtype={"Leeftijd": str},
        keep_default_na=True,
    )
    raw = pd.read_csv(
        folder / "rivm_cbs_50090NED_2012_2016_2020_GM0307_GM0034_untyped_raw.csv",
        dtype=str,
        keep_default_na=False,
    )
    drop = ["bronbestand"]
    typed = typed.drop(columns=drop)
    raw = raw.drop(columns=drop)
    typed_rows = [
        {k: _num(v) if not isinstance(v, str) else v for k, v in r.items()}
        for r in typed.to_dict("records")
    ]
    untyped_rows = [
        {k: (v if v != "" else None) for k, v in r.items()} for r in raw.to_dict("records")
    ]
    marges = [{"Key": "MW00000", "Title": "Waarde", "Description": None}]
    if synthetic_bounds is not None:
        typed_rows += _synthetic_bounds(typed_rows, synthetic_bounds)
        marges += [
            {"Key": "MOG0095", "Title": "Ondergrens 95%-betrouwbaarheidsinterval"},
            {"Key": "MBG0095", "Title": "Bovengrens 95%-betrouwbaarheidsinterval"},
        ]
    return ODataTable(typed=typed_rows, untyped=untyped_rows, dimensions={"Marges": marges})


#: 50150NED key -> 50090NED key of the same survey question (titles compared by hand).
#: Used ONLY to fill the test fixture, see :func:`build_health_50150`.
_HEALTH_50090_FOR_50150 = {
    "EenOfMeerLangdurigeAandoeningen_5": "EenOfMeerLangdurigeAandoeningen_16",
    "HoogRisicoAngststoornisOfDepressie_14": "HoogRisicoOpAngstOfDepressie_25",
    "HeelVeelStressAfg4Weken_17": "HeelVeelStressInAfgelopen4Weken_26",
    "MatigVeelRegieOverHetEigenLeven_24": "MatigVeelRegieOverEigenLeven_27",
    "Eenzaam_25": "Eenzaam_28",
    "SterkEenzaam_26": "ErnstigZeerErnstigEenzaam_29",
    "EmotioneelEenzaam_27": "EmotioneelEenzaam_30",
    "SociaalEenzaam_28": "SociaalEenzaam_31",
    "Mantelzorger_30": "Mantelzorger_32",
    "Vrijwilligerswerk_31": "Vrijwilligerswerk_33",
    "MoeiteMetRondkomen_32": "MoeiteMetRondkomen_38",
    "Overgewicht_33": "Overgewicht_9",
    "ErnstigOvergewichtObesitas_34": "ErnstigOvergewicht_10",
    "RooktTabak_35": "Roker_11",
    "OvermatigDrinken_37": "OvermatigeDrinker_15",
    "VoldoetAanDeBeweegrichtlijn_40": "VoldoetAanBeweegrichtlijn_5",
}
HEALTH_PERIODS = ("2012JJ00", "2016JJ00", "2020JJ00", "2022JJ00", "2024JJ00")
#: Pad width of region codes in 50150NED. Known: codes are padded even for buurten (an exact
#: ``eq`` on 'BU03070100' fails); the width 12 is an unverified claim (ODATA_FORMAT_NOTES).
HEALTH_CODE_WIDTH = 12


def build_health_50150(shared: Path, *, synthetic_bounds: float | None = None) -> ODataTable:
    """50150NED (indeling 2024) rows for GM0307/GM0034, their wijken and buurten, and NL01.

    Real: the dimensions and their codes, the padding, ``NL01``, the topic keys of
    ``schemas/rivm_50150NED_2024_DataProperties_PARTIAL.csv`` (titles are that file's
    paraphrases), ``GoedErvarenGezondheid_4`` for every period (woonikveilig pull of the live
    table; NL01 and its ``EenOfMeerLangdurigeAandoeningen_5`` from the NL snapshot) and the five
    hand-copied Almere buurten of 2024 (``_14``, ``_15``, ``_17``, ``_26``, ``_32``).

    TEST FIXTURE INFERENCE: the other topics are copied from 50090NED (indeling 2020) for the
    periods 2012/2016/2020 and only for region codes that exist unchanged in both indelingen;
    RIVM re-estimated those years on the 2024 codes, so the real values differ somewhat. They
    are not published for 2022/2024 here (null), so a client must take each topic's newest
    filled period. Wijk rows carry no ``_4`` values (the source nulled them). Only the point
    estimate ``MW00000`` is served unless ``synthetic_bounds`` adds MOG0095/MBG0095 rows
    (value -/+ that many points; synthetic).
    """
    props = _data_properties(shared / "schemas" / "rivm_50150NED_2024_DataProperties_PARTIAL.csv")
    keys = [r["Key"] for r in props]
    regions = _region_names(shared)
    nl = json.loads((shared / "kerncijfers" / "woonikveilig_snapshot_2024_NL00.json").read_text())
    old = pd.read_csv(
        shared / "gezondheid" / "rivm_cbs_50090NED_2012_2016_2020_GM0307_GM0034_typed.csv",
        dtype={"Leeftijd": str},
    )
    old = old[(old["Leeftijd"].str.strip() == "20300") & (old["Marges"].str.strip() == "MW00000")]
    old["code"] = old["WijkenEnBuurten"].str.strip()
    old["period"] = old["Perioden"].str.strip()
    old = old.set_index(["code", "period"])
    almere = pd.read_csv(shared / _ALMERE_HANDCOPIED, dtype={"buurtcode": str}).set_index(
        "buurtcode"
    )
    codes = ["NL01", *regions.index]
    rows: list[dict[str, Any]] = []
    for period in HEALTH_PERIODS:
        year = period[:4]
        for code in codes:
            row: dict[str, Any] = {
                "ID": len(rows),
                "Leeftijd": "20300",
                "Marges": "MW00000",
                "WijkenEnBuurten": _pad(code, HEALTH_CODE_WIDTH),
                "Perioden": period,
                "Gemeentenaam_1": _pad(
                    "Nederland" if code == "NL01" else regions.loc[code, "gemeentenaam"], 40
                ),
                "SoortRegio_2": _pad(_SOORT[code[:2]], 10),
                "Codering_3": _pad(code, 10),
            }
            for key in keys:
                if key not in row and key not in _STRING_TOPICS:
                    row[key] = None
            if code == "NL01":
                trend = nl["gezondheid"]["trend"].get(year, {})
                row["GoedErvarenGezondheid_4"] = _num(trend.get("goedErvarenGezondheid"))
                row["EenOfMeerLangdurigeAandoeningen_5"] = _num(trend.get("langdurigeAandoening"))
            else:
                row["GoedErvarenGezondheid_4"] = _num(
                    regions.loc[code, f"GoedErvarenGezondheid_4_{year}"]
                )
            old_code = code
            if (old_code, period) in old.index:  # fixture inference, see the docstring
                src = old.loc[(old_code, period)]
                for new_key, old_key in _HEALTH_50090_FOR_50150.items():
                    if row.get(new_key) is None and old_key in src.index:
                        row[new_key] = _num(src[old_key])
            if year == "2024" and code in almere.index:
                for key in almere.columns:
                    if key in keys:
                        row[key] = _num(almere.loc[code, key])
            rows.append(row)
    marges = [
        {"Key": "MW00000", "Title": "Waarde", "Description": None},
        {"Key": "MOG0095", "Title": "Ondergrens 95%-interval", "Description": None},
        {"Key": "MBG0095", "Title": "Bovengrens 95%-interval", "Description": None},
    ]
    if synthetic_bounds is not None:
        rows += _synthetic_bounds(rows, synthetic_bounds)
    dims = {
        "Marges": marges,
        "Leeftijd": [{"Key": "20300", "Title": "18 jaar of ouder", "Description": None}],
        "Perioden": [{"Key": p, "Title": p[:4], "Description": None} for p in HEALTH_PERIODS],
        "WijkenEnBuurten": [
            {
                "Key": _pad(c, HEALTH_CODE_WIDTH),
                "Title": "Nederland" if c == "NL01" else str(regions.loc[c, "name"]),
                "Description": None,
            }
            for c in codes
        ],
    }
    return ODataTable(typed=rows, dimensions=dims, properties=props)


def _synthetic_bounds(rows: list[dict[str, Any]], width: float) -> list[dict[str, Any]]:
    """SYNTHETIC MOG0095/MBG0095 rows: the point value -/+ ``width`` (bounds path tests only)."""
    extra = []
    for r in rows:
        for key, sign in (("MOG0095", -1), ("MBG0095", 1)):
            b = dict(r)
            b["Marges"] = key
            for k, v in r.items():
                if _KEY.match(k) and k not in _STRING_TOPICS and isinstance(v, int | float):
                    b[k] = round(v + sign * width, 1)
            extra.append(b)
    return extra


def build_wfs(shared: Path) -> dict[tuple[int, str], list[dict[str, Any]]]:
    """wijkenbuurten 2024 buurten/wijken features (EPSG:28992) with camelCase properties."""
    gpkg = shared / "geo" / "cbs_buurten_2024_gegeneraliseerd_GM0307_GM0034.gpkg"
    buurten = gpd.read_file(gpkg, layer="buurten")
    wijken = gpd.read_file(gpkg, layer="wijken_dissolved")
    flat = pd.read_csv(
        shared / "kerncijfers" / "woonikveilig_snapshot_2024_GM0307_GM0034_flat.csv",
        dtype={"code": str},
    ).set_index("code")
    inw = flat["demografie.inwoners"]

    def features(frame: gpd.GeoDataFrame, layer: str, code_col: str, props: list[str]):
        out = []
        for rec, geom in zip(
            frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True
        ):
            p = {k: rec[k] for k in props}
            p["water"] = "NEE"
            val = inw.get(rec[code_col])
            p["aantalInwoners"] = None if pd.isna(val) else int(val)
            p["jrstatcode"] = f"2024{rec[code_col]}"
            p["jaar"] = 2024
            out.append(
                {
                    "type": "Feature",
                    "id": f"{layer}.{uuid.uuid5(uuid.NAMESPACE_URL, rec[code_col])}",
                    "geometry": json.loads(gpd.GeoSeries([geom]).to_json())["features"][0][
                        "geometry"
                    ],
                    "properties": p,
                }
            )
        return out

    # The gemeente list: the 2023 gemeenten file stands in for 2024 (the same 342 gemeenten).
    gemeenten = gpd.read_file(
        shared / "geo" / "pdok_wijkenbuurten_2023_gemeenten_NL_simplified.geojson"
    )
    gemeente_features = [
        {
            "type": "Feature",
            "id": str(rec["id"]),
            "geometry": None,
            "properties": {
                "gemeentecode": rec["gemeentecode"],
                "gemeentenaam": rec["gemeentenaam"],
                "water": rec["water"],
            },
        }
        for rec in gemeenten.drop(columns="geometry").to_dict("records")
    ]
    return {
        (2024, "gemeenten"): gemeente_features,
        (2024, "buurten"): features(
            buurten,
            "buurten",
            "buurtcode",
            ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam"],
        ),
        (2024, "wijken"): features(
            wijken, "wijken", "wijkcode", ["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam"]
        ),
    }


UTRECHT_SES = "nelleke20_buurten_provincie_utrecht_2022codes_ses_woa_leefbaarometer_nabijheid.csv"


def build_ses_woa(shared: Path) -> ODataTable:
    """86092NED (SES-WOA, indeling 2024) TypedDataSet rows for the Amersfoort buurten.

    Values: the real SES-WOA total scores of the province of Utrecht table (all 145 Amersfoort
    codes equal the 2024 codes); its zeros are missing upstream and are served as null, as CBS
    does. ``GemiddeldeScore_29`` (total) is a real 86092NED key; the sub-score keys ``_31``,
    ``_33``, ``_35`` are INFERRED from the next edition's layout and served as null (no real
    sub-score values exist in ../shared/data). The period is not kept in that file:
    ``2022JJ00`` (its indeling year) is an inference.
    """
    frame = pd.read_csv(shared / "kerncijfers" / UTRECHT_SES, dtype={"buurt_code": str})
    frame = frame[frame["buurt_code"].str.startswith("BU0307")]
    rows = []
    for i, rec in enumerate(frame.to_dict("records")):
        value = rec["social_economische_score_gemiddeld"]
        rows.append(
            {
                "ID": i,
                "WijkenEnBuurten": _pad(rec["buurt_code"], 10),
                "Perioden": "2022JJ00",
                "GemiddeldeScore_29": None if value == 0 or pd.isna(value) else float(value),
                "GemiddeldeScore_31": None,
                "GemiddeldeScore_33": None,
                "GemiddeldeScore_35": None,
            }
        )
    return ODataTable(typed=rows)


def build_data(
    shared: Path | None = None, *, synthetic_bounds: float | None = None
) -> LoopbackData:
    """Build every table and layer the server serves from ``shared``."""
    shared = shared or shared_data_dir()
    data = LoopbackData()
    data.odata["86165NED"] = build_kerncijfers_2025(shared)
    data.odata["85984NED"] = build_kerncijfers_2024(shared)
    data.odata["85618NED"] = build_kerncijfers_sample(shared, "85618NED_2023")
    data.odata["85318NED"] = build_kerncijfers_sample(shared, "85318NED_2022")
    data.dataderden["50150NED"] = build_health_50150(shared, synthetic_bounds=synthetic_bounds)
    data.odata["86092NED"] = build_ses_woa(shared)
    data.dataderden["50090NED"] = build_health_50090(shared, synthetic_bounds=synthetic_bounds)
    data.wfs = build_wfs(shared)
    return data


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------
def _png_1x1(rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00" + bytes(rgb))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


#: Example addresses for the loopback Locatieserver (approximate points, for tests only).
EXAMPLE_ADDRESSES = {
    "stadhuisplein 1, amersfoort": (155_040.0, 463_080.0, "Stadhuisplein 1, 3811LM Amersfoort"),
    "voorbeeldstraat 12, amersfoort": (
        156_300.0,
        464_600.0,
        "Voorbeeldstraat 12, 3812AA Amersfoort",
    ),
}

#: The loopback basemap tile: one light grey pixel.
TILE_PNG = _png_1x1((235, 235, 235))


def _renamed(feature: dict[str, Any], renames: dict[str, dict[str, Any]]) -> dict[str, Any]:
    props = feature.get("properties") or {}
    for key in ("buurtcode", "wijkcode"):
        extra = renames.get(str(props.get(key)))
        if extra and not (key == "wijkcode" and "buurtcode" in props):
            extra = dict(extra)
            geometry = extra.pop("geometry", feature.get("geometry"))  # e.g. None or a Point
            return {**feature, "geometry": geometry, "properties": {**props, **extra}}
    return feature


@dataclass
class Fault:
    """Misbehave on requests whose path contains ``match``, ``times`` times."""

    match: str
    kind: str  # "500", "429", "503", "timeout", "badjson", "truncated", "html", "404",
    # "drip", "huge", "redirect-offsite", "redirect-same", "empty", "infinity"
    times: int = 1


class LoopbackServer:
    """Threaded loopback server; use as a context manager.

    Base URLs: ``odata_url`` (CBS), ``dataderden_url`` (RIVM), ``pdok_url`` (PDOK).
    """

    def __init__(self, data: LoopbackData, *, page_size: int = 100, delay: float = 0.0) -> None:
        self.data = data
        #: Locatieserver address book: lower-case query -> (x, y, weergavenaam) in RD New.
        self.addresses: dict[str, tuple[float, float, str]] = dict(EXAMPLE_ADDRESSES)
        self.page_size = page_size
        self.delay = delay
        self.faults: list[Fault] = []
        self.requests: list[str] = []
        #: (path, body bytes) of every answer sent, for bytes per source in bench/fetch.py.
        self.sent: list[tuple[str, int]] = []
        #: False: answer as if ``$select`` were not sent (full rows), the baseline of what a
        #: client without ``$select`` receives; the real services honour it (bench only).
        self.honour_select = True
        self.timeout_seconds = 2.0
        #: Security tests (issue #14): "drip" sends the body at one byte per ``drip_seconds``,
        #: "huge" streams ``huge_bytes`` without Content-Length, "redirect-offsite" and
        #: ``nextlink_base`` point at another host name for this same server (localhost).
        self.drip_seconds = 0.2
        self.huge_bytes = 50_000_000
        self.nextlink_base: str | None = None
        #: Hostile (or other) names served instead of the real ones: code -> properties,
        #: e.g. ``{"BU03070000": {"buurtnaam": "..."}}``; applied to PDOK WFS features. The
        #: key "geometry" replaces the feature's geometry (None, a Point, ...).
        self.renames: dict[str, dict[str, Any]] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def odata_url(self) -> str:
        return f"{self.base}/odata"

    @property
    def dataderden_url(self) -> str:
        return f"{self.base}/dataderden"

    @property
    def pdok_url(self) -> str:
        return f"{self.base}/pdok"

    @property
    def locatieserver_url(self) -> str:
        return f"{self.base}/locatieserver"

    @property
    def tile_url(self) -> str:
        return f"{self.base}/tiles/{{z}}/{{x}}/{{y}}.png"

    def env(self) -> dict[str, str]:
        """Environment variables pointing Wijkradar at this server."""
        return {
            "WIJKRADAR_CBS_ODATA_URL": self.odata_url,
            "WIJKRADAR_CBS_DATADERDEN_URL": self.dataderden_url,
            "WIJKRADAR_PDOK_URL": self.pdok_url,
            "WIJKRADAR_BASEMAP_URL": self.tile_url,
            "WIJKRADAR_OSM_URL": self.tile_url,
            "WIJKRADAR_PDOK_LOCATIESERVER_URL": self.locatieserver_url,
        }

    def inject(self, match: str, kind: str, times: int = 1) -> None:
        self.faults.append(Fault(match, kind, times))

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- request handling ---------------------------------------------------------------------
    def _fault_for(self, path: str) -> str | None:
        for fault in self.faults:
            if fault.match in path and fault.times > 0:
                fault.times -= 1
                return fault.kind
        return None

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                return

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server.requests.append(self.path)
                if server.delay:
                    time.sleep(server.delay)
                fault = server._fault_for(self.path)
                if fault == "timeout":
                    time.sleep(server.timeout_seconds)
                    return self._send(200, b"{}")
                if fault in ("500", "503", "404"):
                    return self._send(int(fault), b'{"error": "injected"}')
                if fault == "429":
                    return self._send(
                        429, b"slow down", headers={"Retry-After": "0"}, ctype="text/plain"
                    )
                if fault == "html":
                    return self._send(
                        200, b"<html><body>Proxy login</body></html>", ctype="text/html"
                    )
                if fault == "redirect-offsite":
                    port = server._httpd.server_address[1]
                    location = f"http://localhost:{port}{self.path}"
                    return self._send(302, b"", headers={"Location": location})
                if fault == "redirect-same":
                    return self._send(302, b"", headers={"Location": server.base + self.path})
                if fault == "huge":
                    return self._stream(server.huge_bytes)
                if fault == "empty":  # a valid OData page without rows
                    return self._send(200, b'{"odata.metadata": "", "value": []}')
                if fault == "infinity":  # Python's json accepts this; JSON does not
                    return self._send(200, b'{"value": [{"AantalInwoners_5": Infinity}]}')
                if self.path.startswith("/tiles/"):
                    return self._send(200, TILE_PNG, ctype="image/png")
                try:
                    status, payload = server._route(self.path)
                except ValueError as exc:
                    status, payload = 400, {"odata.error": {"message": {"value": str(exc)}}}
                body = json.dumps(payload).encode("utf-8")
                if fault == "badjson":
                    body = b'{"value": [ {"ID": 1,, } ]'
                elif fault == "truncated":
                    body = body[: max(1, len(body) // 2)]
                if fault == "drip":
                    return self._drip(status, body)
                return self._send(status, body)

            def _drip(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(server.drip_seconds)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _stream(self, size: int) -> None:
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json;charset=utf-8")
                    self.end_headers()
                    block = b" " * 65536
                    for _ in range(size // len(block)):
                        self.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(
                self,
                status: int,
                body: bytes,
                *,
                headers: dict[str, str] | None = None,
                ctype: str = "application/json;charset=utf-8",
            ) -> None:
                try:
                    server.sent.append((self.path, len(body)))
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def _route(self, raw_path: str) -> tuple[int, Any]:
        parts = urlsplit(raw_path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        segs = [s for s in parts.path.split("/") if s]
        if segs[:1] in (["odata"], ["dataderden"]) and len(segs) >= 2:
            tables = self.data.odata if segs[0] == "odata" else self.data.dataderden
            table = tables.get(segs[1])
            if table is None:
                return 404, {"odata.error": {"message": {"value": f"table {segs[1]} unknown"}}}
            return self._odata(segs, query, table, parts.path)
        if segs[:1] == ["pdok"] and len(segs) == 6 and segs[1:3] == ["cbs", "wijkenbuurten"]:
            return self._wfs(int(segs[3]), query)
        if segs == ["locatieserver", "free"]:
            return self._locatieserver(query)
        return 404, {"error": f"no route for {parts.path}"}

    def _odata(
        self, segs: list[str], query: dict[str, str], table: ODataTable, path: str
    ) -> tuple[int, Any]:
        base = f"{self.base}/{segs[0]}/{segs[1]}"
        if len(segs) == 2:
            names = [
                "TableInfos",
                "UntypedDataSet",
                "TypedDataSet",
                "DataProperties",
                "CategoryGroups",
                *table.dimensions,
            ]
            return 200, {
                "odata.metadata": f"{base}/$metadata",
                "value": [{"name": n, "url": f"{base}/{n}"} for n in names],
            }
        entity = segs[2]
        if entity == "TypedDataSet":
            rows = table.typed
        elif entity == "UntypedDataSet":
            if table.untyped is None:
                return 404, {"odata.error": {"message": {"value": "no UntypedDataSet"}}}
            rows = table.untyped
        elif entity == "DataProperties" and table.properties:
            rows = table.properties
        elif entity in table.dimensions:
            rows = table.dimensions[entity]
        else:
            return 404, {"odata.error": {"message": {"value": f"{entity} unknown"}}}
        chosen = None
        if "$select" in query and self.honour_select:
            chosen = parse_select(query["$select"], rows, f"Cbs.OData.{entity}")
            if isinstance(chosen, dict):
                return 400, chosen
        if "$filter" in query:
            pred = parse_filter(query["$filter"])
            rows = [r for r in rows if pred(r)]
        if chosen is not None:
            rows = [
                {k: v for k, v in r.items() if k in chosen or k.startswith("odata.")} for r in rows
            ]
        skip = int(query.get("$skip", "0"))
        top = int(query.get("$top", str(len(rows))))
        window = rows[skip : skip + top]
        page = window[: self.page_size]
        payload: dict[str, Any] = {
            "odata.metadata": f"{base}/$metadata#Cbs.OData.{entity}",
            "value": page,
        }
        if len(window) > self.page_size:
            nxt = dict(query)
            nxt["$skip"] = str(skip + self.page_size)
            nxt["$top"] = (
                str(top - self.page_size)
                if "$top" in query
                else str(len(rows) - skip - self.page_size)
            )
            base_url = self.nextlink_base or self.base
            payload["odata.nextLink"] = f"{base_url}{path}?{urlencode(nxt, quote_via=quote)}"
        return 200, payload

    def _locatieserver(self, query: dict[str, str]) -> tuple[int, Any]:
        """The Locatieserver v3.1 ``free`` response shape (Solr: response.docs)."""
        q = " ".join(query.get("q", "").lower().split())
        hit = self.addresses.get(q)
        docs = []
        if hit is not None:
            x, y, name = hit
            docs.append(
                {
                    "id": f"adr-{uuid.uuid5(uuid.NAMESPACE_URL, name).hex}",
                    "weergavenaam": name,
                    "centroide_rd": f"POINT({x} {y})",
                    "score": 9.5,
                }
            )
        return 200, {
            "response": {
                "numFound": len(docs),
                "start": 0,
                "maxScore": 9.5 if docs else 0.0,
                "numFoundExact": True,
                "docs": docs,
            }
        }

    def _wfs(self, year: int, query: dict[str, str]) -> tuple[int, Any]:
        q = {k.lower(): v for k, v in query.items()}
        if q.get("request", "").lower() != "getfeature":
            return 400, {"error": "only GetFeature"}
        layer = q.get("typenames", "").split(":")[-1]
        feats = self.data.wfs.get((year, layer))
        if feats is None:
            return 404, {"error": f"no layer {layer} for {year}"}
        flt = q.get("filter")
        if flt:
            m = re.search(
                r"<fes:ValueReference>(\w+)</fes:ValueReference>\s*"
                r"<fes:Literal>([^<]*)</fes:Literal>",
                flt,
            )
            if not m:
                return 400, {"error": "unsupported FILTER"}
            fld, val = m.group(1), m.group(2)
            feats = [f for f in feats if str(f["properties"].get(fld)) == val]
        wanted = [p for p in q.get("propertyname", "").split(",") if p]
        if wanted:
            feats = [
                {**f, "geometry": None, "properties": {k: f["properties"].get(k) for k in wanted}}
                for f in feats
            ]
        start = int(q.get("startindex", "0"))
        count = int(q.get("count", "1000"))
        page = feats[start : start + count]
        if self.renames:
            page = [_renamed(f, self.renames) for f in page]
        return 200, {
            "type": "FeatureCollection",
            "numberMatched": len(feats),
            "numberReturned": len(page),
            "timeStamp": "2026-11-23T12:00:00Z",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
            "features": page,
        }
