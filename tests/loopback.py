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

__all__ = ["LoopbackData", "LoopbackServer", "build_data", "parse_filter"]

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


# --------------------------------------------------------------------------------------------
# Data built from ../shared/data
# --------------------------------------------------------------------------------------------
@dataclass
class ODataTable:
    """Rows of one table, as the server returns them."""

    typed: list[dict[str, Any]]
    untyped: list[dict[str, Any]] | None = None
    dimensions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class LoopbackData:
    """Everything the server can serve."""

    odata: dict[str, ODataTable] = field(default_factory=dict)  # opendata.cbs.nl tables
    dataderden: dict[str, ODataTable] = field(default_factory=dict)  # dataderden tables
    wfs: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict)


def _pad(text: str, width: int) -> str:
    return str(text).ljust(width)


_SOORT = {"BU": "Buurt", "WK": "Wijk", "GM": "Gemeente", "NL": "Land"}

# woonikveilig flat CSV column -> 2024 OData topic stem (values are CBS 85984NED figures).
_WOONIKVEILIG = {
    "demografie.inwoners": "AantalInwoners",
    "demografie.inwoners0tot15": "k_0Tot15Jaar",
    "demografie.inwoners65plus": "k_65JaarOfOuder",
    "demografie.huishoudens": "HuishoudensTotaal",
    "demografie.huishoudensgrootte": "GemiddeldeHuishoudensgrootte",
    "demografie.dichtheid": "Bevolkingsdichtheid",
    "demografie.wozWaarde": "GemiddeldeWOZWaardeVanWoningen",
    "demografie.koopwoningen": "Koopwoningen",
    "demografie.eengezinswoning": "PercentageEengezinswoning",
    "demografie.inkomenPerInwoner": "GemiddeldInkomenPerInwoner",
    "demografie.stedelijkheid": "MateVanStedelijkheid",
    "demografie.afstandHuisarts": "AfstandTotHuisartsenpraktijk",
    "demografie.afstandSupermarkt": "AfstandTotGroteSupermarkt",
    "demografie.afstandSchool": "AfstandTotSchool",
    "demografie.scholenBinnen3km": "ScholenBinnen3Km",
}


def _keys_2024(sample_2023: dict[str, Any]) -> dict[str, str]:
    """Topic stem -> key for the synthetic 2024 layout.

    The real 85984NED keys we have (``AantalInwoners_5`` ... ``Bevolkingsdichtheid_34``,
    ``MateVanStedelijkheid_122``) equal the 2023 layout up to position 34 and three positions
    lower after it; the other 2024 positions are assumed to follow the same shift.
    """
    out: dict[str, str] = {}
    for key in sample_2023:
        m = re.match(r"(.+)_(\d+)$", key)
        if not m:
            continue
        stem, pos = m.group(1), int(m.group(2))
        if stem in out:  # repeated stems (Appartement_48/57): keep the first
            continue
        out[stem] = f"{stem}_{pos - 3 if pos > 34 else pos}"
    return out


def _num(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rotterdam_sample(shared: Path) -> dict[str, Any]:
    """The real 85318NED/85618NED rows of BU05990110 (see PROVENANCE.md, api_samples)."""
    name = "cbs_odata_v3_TypedDataSet_rows_85318NED_2022_85618NED_2023_BU05990110.json"
    return json.loads((shared / "api_samples" / name).read_text())


def build_kerncijfers_2024(shared: Path) -> ODataTable:
    """85984NED TypedDataSet rows for GM0307, GM0034, their wijken and buurten, and NL."""
    sample = _rotterdam_sample(shared)
    template = sample["85618NED_2023"]["rows"][0]
    keys = _keys_2024(template)
    flat = pd.read_csv(
        shared / "kerncijfers" / "woonikveilig_snapshot_2024_GM0307_GM0034_flat.csv",
        dtype={"code": str},
    )
    nl = json.loads((shared / "kerncijfers" / "woonikveilig_snapshot_2024_NL00.json").read_text())
    subset = pd.read_csv(
        shared / "kerncijfers" / "cbs_85984NED_2024_buurten_subset_plus_politie_47018NED_NL.csv",
        dtype=str,
        keep_default_na=False,
    )
    subset = subset[subset["WijkenEnBuurten"].str.startswith(("BU0307", "BU0034"))]
    subset = subset.set_index("WijkenEnBuurten")
    gemeentenaam = {"GM0307": "Amersfoort", "GM0034": "Almere"}
    rows = []
    records = flat.to_dict("records")
    nl_demo = nl.get("demografie", nl)
    records.append(
        {
            "code": "NL00",
            "naam": "Nederland",
            **{f"demografie.{k}": v for k, v in nl_demo.items() if isinstance(v, int | float)},
        }
    )
    for i, rec in enumerate(records):
        code = str(rec["code"])
        row: dict[str, Any] = {"ID": i, "WijkenEnBuurten": _pad(code, 10)}
        gm = "GM" + code[2:6] if code[:2] in ("BU", "WK", "GM") else ""
        row["Gemeentenaam_1"] = _pad(gemeentenaam.get(gm, "Nederland"), 40)
        row["SoortRegio_2"] = _pad(_SOORT[code[:2]], 10)
        row["Codering_3"] = _pad(code, 10)
        row["IndelingswijzigingGemeenteWijkBuurt_4"] = "1" if code[:2] in ("BU", "WK") else None
        for stem, key in keys.items():
            if stem in ("IndelingswijzigingGemeenteWijkBuurt",):
                continue
            row[key] = None
        for col, stem in _WOONIKVEILIG.items():
            if col in rec and stem in keys:
                row[keys[stem]] = _num(rec.get(col))
        if code in subset.index:
            for key, val in subset.loc[code].items():
                if key in ("Gemeentenaam_1", "SoortRegio_2", "Codering_3"):
                    continue
                if re.match(r".+_\d+$", key) and key in row and val not in ("", None):
                    row[key] = _num(float(val))
        rows.append(row)
    return ODataTable(typed=rows)


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
        extra = []
        for r in typed_rows:
            for key, sign in (("MOG0095", -1), ("MBG0095", 1)):
                b = dict(r)
                b["Marges"] = key
                for k, v in r.items():
                    if (
                        re.match(r".+_\d+$", k)
                        and k not in ("Gemeentenaam_1", "SoortRegio_2", "Codering_3")
                        and v is not None
                    ):
                        b[k] = round(v + sign * synthetic_bounds, 1)
                extra.append(b)
        typed_rows += extra
        marges += [
            {"Key": "MOG0095", "Title": "Ondergrens 95%-betrouwbaarheidsinterval"},
            {"Key": "MBG0095", "Title": "Bovengrens 95%-betrouwbaarheidsinterval"},
        ]
    return ODataTable(typed=typed_rows, untyped=untyped_rows, dimensions={"Marges": marges})


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
    data.odata["85984NED"] = build_kerncijfers_2024(shared)
    data.odata["85618NED"] = build_kerncijfers_sample(shared, "85618NED_2023")
    data.odata["85318NED"] = build_kerncijfers_sample(shared, "85318NED_2022")
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
        elif entity in table.dimensions:
            rows = table.dimensions[entity]
        else:
            return 404, {"odata.error": {"message": {"value": f"{entity} unknown"}}}
        if "$filter" in query:
            pred = parse_filter(query["$filter"])
            rows = [r for r in rows if pred(r)]
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
