"""Network clients against the loopback server (real formats built from ../shared/data)."""

import pandas as pd
import pytest

from geo.errors import SourceError
from geo.sources import HttpClient, fetch_health, fetch_kerncijfers, fetch_odata_rows
from geo.sources.cbs import region_filter
from geo.sources.pdok import fetch_wfs_features
from tests.loopback import LoopbackData, LoopbackServer, ODataTable, build_data, parse_filter


def client(**kw):
    kw.setdefault("retries", 2)
    return HttpClient(timeout=kw.pop("timeout", 5), backoff=0.0, sleep=lambda s: None, **kw)


def test_filter_parser_respects_padding_and_precedence():
    pred = parse_filter("(startswith(W,'BU0307') or W eq 'GM0307    ') and L eq '20300'")
    assert pred({"W": "BU03070100", "L": "20300"})
    assert pred({"W": "GM0307    ", "L": "20300"})
    assert not pred({"W": "GM0307", "L": "20300"})  # exact match needs the padding
    assert not pred({"W": "BU03070100", "L": "80200"})


def test_odata_paging_follows_next_link(server):
    rows, url = fetch_odata_rows(
        client(), server.odata_url, "85984NED", filter=region_filter("GM0307")
    )
    pages = [r for r in server.requests if "85984NED/TypedDataSet" in r]
    assert len(pages) == 2  # 145 buurten + 33 wijken + gemeente + NL with 100 rows per page
    codes = {r["WijkenEnBuurten"].strip() for r in rows}
    assert sum(c.startswith("BU0307") for c in codes) == 145
    assert "GM0307" in codes and "NL00" in codes
    assert len(rows) == len(codes)


def test_kerncijfers_2024_values_and_padding(server):
    data = fetch_kerncijfers(client(), server.odata_url, "GM0307", 2024)
    assert data.table == "85984NED" and data.period == "2024"
    assert "BU03070100" in data.values.index  # stripped
    assert data.values.loc["GM0307", "inwoners"] == pytest.approx(161852)
    bu = data.values.index.str.startswith("BU")
    # income per inwoner only where >= 2,500 persons: 6 of 145 buurten, the rest suppressed
    assert data.values.loc[bu, "inkomen_per_inwoner"].notna().sum() == 6
    assert (data.states.loc[bu, "inkomen_per_inwoner"] == "onderdrukt").sum() == 139
    assert data.values.loc["GM0307", "inkomen_per_inwoner"] == pytest.approx(37.7)
    # a column empty for the whole gemeente is 'not published', not a privacy suppression
    assert (data.states["pct_armoede"] == "niet_gepubliceerd").all()
    # the household poverty measures are gone from the 2024 layout
    assert "pct_hh_sociaal_minimum" not in data.values.columns
    # bijstand per 1,000 from real wijk counts (PDOK 2024 wijk attributes)
    wk = data.values.index.str.startswith("WK")
    assert data.values.loc[wk, "bijstand_per_1000"].notna().sum() >= 30


def test_kerncijfers_2025_layout_has_income_empty_at_every_level(server):
    data = fetch_kerncijfers(client(), server.odata_url, "GM0059", 2025)
    assert data.table == "86165NED"
    assert data.values.loc["GM0059", "inwoners"] == pytest.approx(28200)
    for ind in ("inkomen_per_inwoner", "pct_armoede", "bijstand_per_1000", "pct_jeugdzorg"):
        assert (data.states[ind] == "niet_gepubliceerd").all(), ind
    assert any("not published" in n for n in data.notes)
    # 85984NED has no rows for this gemeente here: nothing is carried over
    assert not data.tables


def _vintage_server_data(flag: str, name_2023: str) -> LoopbackData:
    """A 2024 table with empty income and a 2023 table with it, for one gemeente."""

    def row(code, **topics):
        return {
            "ID": 0,
            "WijkenEnBuurten": code.ljust(10),
            "SoortRegio_2": {"BU": "Buurt", "WK": "Wijk", "GM": "Gemeente"}[code[:2]].ljust(10),
            "IndelingswijzigingGemeenteWijkBuurt_4": flag if code != "GM0999" else "1",
            "AantalInwoners_5": 1000,
            **topics,
        }

    codes = ["GM0999", "WK099901", "BU09990101", "BU09990102"]
    new = ODataTable(
        typed=[
            row(c, GemiddeldInkomenPerInwoner_78=None, PersonenInArmoede_81=None) for c in codes
        ],
        dimensions={
            "WijkenEnBuurten": [
                {"Key": c.ljust(10), "Title": n}
                for c, n in zip(codes, ["Gem", "Wijk 1", "Noord", "Zuid"], strict=True)
            ]
        },
    )
    old = ODataTable(
        typed=[
            row(c, GemiddeldInkomenPerInwoner_81=v, HuishoudensMetEenLaagInkomen_87=8.0)
            for c, v in zip(codes, [30.0, 29.0, 25.0, 33.0], strict=True)
        ],
        dimensions={
            "WijkenEnBuurten": [
                {"Key": c.ljust(10), "Title": n}
                for c, n in zip(codes, ["Gem", "Wijk 1", name_2023, "Zuid"], strict=True)
            ]
        },
    )
    return LoopbackData(odata={"85984NED": new, "85618NED": old})


@pytest.mark.parametrize(
    "flag,name_2023,carried",
    [("1", "Noord", True), ("3", "Noord", False), ("1", "Oud-Noord", False)],
    ids=["unchanged", "boundary-changed", "code-reused-for-other-name"],
)
def test_vintage_carries_older_values_only_for_unchanged_buurten(flag, name_2023, carried):
    with LoopbackServer(_vintage_server_data(flag, name_2023)) as srv:
        data = fetch_kerncijfers(client(), srv.odata_url, "GM0999", 2024)
    # income was empty in 2024, so it comes from the 2023 table, labelled as such
    assert data.table_of("inkomen_per_inwoner") == "85618NED"
    assert data.period_of("inkomen_per_inwoner") == "2023"
    assert data.period_of("inwoners") == "2024"
    # the old household measure only from tables <= 2023, with its year
    assert data.period_of("pct_hh_laag_inkomen") == "2023"
    value = data.values.loc["BU09990101", "inkomen_per_inwoner"]
    assert (value == pytest.approx(25.0)) if carried else pd.isna(value)
    assert data.values.loc["GM0999", "inkomen_per_inwoner"] == pytest.approx(30.0)
    # a measure empty in both tables stays 'not published'
    assert (data.states["pct_armoede"] == "niet_gepubliceerd").all()


@pytest.mark.parametrize(
    "jaar,table,expected", [(2022, "85318NED", 6.8), (2023, "85618NED", 6.6)], ids=["2022", "2023"]
)
def test_kerncijfers_across_years_by_name(server, jaar, table, expected):
    data = fetch_kerncijfers(client(), server.odata_url, "GM0599", jaar)
    assert data.table == table
    assert data.values.loc["BU05990110", "pct_hh_sociaal_minimum"] == pytest.approx(expected)
    assert data.values.loc["BU05990110", "bijstand_per_1000"] > 0


def test_health_falls_back_to_50090_and_picks_latest_period(loopback_data):
    with LoopbackServer(loopback_data.without("50150NED")) as srv:
        data = fetch_health(client(), srv.dataderden_url, "GM0307", jaar=2024)
        assert any("/dataderden/50120NED/" in r for r in srv.requests)
    assert data.table == "50090NED" and data.period == "2020"
    assert data.lower is None
    assert data.values.loc["GM0307", "eenzaam"] > 0
    assert set(data.trend["period"]) == {"2012", "2016", "2020"}


def test_health_50150_first_with_nl01_padding_and_per_indicator_period(server):
    data = fetch_health(client(), server.dataderden_url, "GM0034", jaar=2024)
    assert data.table == "50150NED" and data.period == "2024"
    assert not any("50090NED" in r for r in server.requests)
    bu = data.values.index.str.startswith("BU")
    assert data.values.loc[bu, "gezondheid_goed"].notna().sum() >= 160  # 164 of 238
    assert data.period_of("gezondheid_goed") == "2024"
    # codes arrive padded beyond 10 characters and are stripped; NL is NL01 here
    assert "BU00340101" in data.values.index and "NL01" in data.values.index
    assert data.values.loc["NL01", "gezondheid_goed"] == pytest.approx(72.8)
    # a topic without 2024 values takes its newest filled period, labelled as such
    assert data.period_of("eenzaam") == "2020"
    assert set(data.trend["period"]) == {"2012", "2016", "2020", "2022", "2024"}


ALMERE_5 = {  # gezondheid/rivm_50150NED_2024_5_almere_buurten_mental_health_HANDCOPIED.csv
    "BU00340101": (20.4, 32.3, 25.8, 35.8, 18.0),
    "BU00340102": (8.8, 18.3, 15.7, 15.3, 11.0),
    "BU00340201": (12.4, 23.1, 17.6, 21.3, 12.4),
    "BU00340202": (9.1, 20.2, 14.5, 13.9, 10.0),
    "BU00340203": (16.5, 26.3, 21.6, 28.2, 14.0),
}


def test_almere_mental_health_pinned_through_the_column_mapping(server):
    data = fetch_health(client(), server.dataderden_url, "GM0034", jaar=2024)
    cols = ["hoog_risico_angst_depressie", "veel_stress", "ernstig_eenzaam"]
    cols += ["moeite_rondkomen", "suicidegedachten"]
    for code, expected in ALMERE_5.items():
        got = tuple(float(data.values.loc[code, c]) for c in cols)
        assert got == pytest.approx(expected), code
    for c in cols:
        assert data.period_of(c) == "2024"


def test_health_topics_found_by_title_when_the_key_is_renamed(loopback_data):
    table = loopback_data.dataderden["50150NED"]
    renamed = ODataTable(
        typed=[
            {("Eenzaamheid_99" if k == "Eenzaam_25" else k): v for k, v in r.items()}
            for r in table.typed
        ],
        dimensions=table.dimensions,
        properties=[
            {**p, "Key": "Eenzaamheid_99"} if p["Key"] == "Eenzaam_25" else p
            for p in table.properties
        ],
    )
    data = LoopbackData(dataderden={"50150NED": renamed})
    with LoopbackServer(data) as srv:
        got = fetch_health(client(), srv.dataderden_url, "GM0307", jaar=2024)
    assert got.values["eenzaam"].notna().sum() > 100  # title "Eenzaam" still matches


def test_health_bounds_when_published(shared):
    with LoopbackServer(build_data(shared, synthetic_bounds=2.0)) as srv:
        data = fetch_health(client(), srv.dataderden_url, "GM0307", jaar=2024)
    diff = (data.upper - data.values).stack().dropna()
    assert len(diff) > 100 and diff.round(6).eq(2.0).all()


def test_wfs_filters_and_pages(server):
    frame, _ = fetch_wfs_features(
        client(), server.pdok_url, 2024, "buurten", gemeentecode="GM0034", page_size=100
    )
    assert len(frame) == 238 and frame.crs.to_epsg() == 28992
    pages = [r for r in server.requests if "typeNames=wijkenbuurten%3Abuurten" in r]
    assert len(pages) == 3


@pytest.mark.parametrize(
    "kind,message",
    [
        ("500", "HTTP 500"),
        ("badjson", "ongeldige JSON"),
        ("truncated", "ongeldige JSON"),
        ("html", "JSON verwacht, maar text/html ontvangen"),
        ("404", "niet gevonden"),
    ],
    ids=["http500", "badjson", "truncated", "html", "404"],
)
def test_errors_are_one_line_source_errors(server, kind, message):
    server.inject("85984NED/TypedDataSet", kind, times=10)
    with pytest.raises(SourceError, match=message) as info:
        fetch_kerncijfers(client(), server.odata_url, "GM0307", 2024)
    assert "\n" not in str(info.value)


def test_retry_recovers_from_transient_errors(server):
    server.inject("85984NED/TypedDataSet", "503", times=1)
    server.inject("85984NED/TypedDataSet", "429", times=1)
    waits = []
    c = HttpClient(timeout=5, retries=3, backoff=0.25, sleep=waits.append)
    data = fetch_kerncijfers(c, server.odata_url, "GM0307", 2024)
    assert len(data.values) > 145
    assert waits == [0.25, 0.0]  # exponential backoff, then Retry-After: 0 honoured


def test_timeout_is_retried_then_reported(server):
    server.timeout_seconds = 1.5
    server.inject("85984NED", "timeout", times=5)
    with pytest.raises(
        SourceError, match=r"geen antwoord binnen 0.5 s bij .*\(opgegeven na 2 pogingen\)"
    ):
        fetch_kerncijfers(client(timeout=0.5, retries=1), server.odata_url, "GM0307", 2024)


def test_broken_next_page_fails_cleanly(server):
    server.inject("skip", "500", times=10)  # only the nextLink carries $skip
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch_odata_rows(
            client(retries=1), server.odata_url, "85984NED", filter=region_filter("GM0307")
        )


def test_connection_refused_is_a_source_error():
    with pytest.raises(SourceError, match="kan geen verbinding maken"):
        client(retries=0).get_json("http://127.0.0.1:9/odata", source="CBS")


# -- $select, the response cache and request counts (issue #16, target 6) ---------------------
def _typed_requests(server, table):
    from urllib.parse import parse_qs, urlsplit

    out = []
    for raw in server.requests:
        parts = urlsplit(raw)
        if parts.path.endswith(f"{table}/TypedDataSet"):
            out.append({k: v[0] for k, v in parse_qs(parts.query).items()})
    return out


def test_loopback_select_returns_only_the_selected_properties(server):
    rows, _ = fetch_odata_rows(
        client(),
        server.odata_url,
        "85984NED",
        filter=region_filter("GM0307"),
        select=["WijkenEnBuurten", "AantalInwoners_5"],
    )
    assert len(rows) == 180  # paging keeps the $select in the nextLink
    assert all(set(r) == {"WijkenEnBuurten", "AantalInwoners_5"} for r in rows)
    queries = _typed_requests(server, "85984NED")
    assert len(queries) == 2 and all(q["$select"] for q in queries)


def test_loopback_unknown_select_property_is_an_odata_400_and_the_client_falls_back(server):
    import requests

    bad = requests.get(
        f"{server.odata_url}/85984NED/TypedDataSet",
        params={"$select": "WijkenEnBuurten,BestaatNiet_999", "$format": "json"},
        timeout=5,
    )
    assert bad.status_code == 400
    err = bad.json()["odata.error"]
    assert set(err) == {"code", "message"} and set(err["message"]) == {"lang", "value"}
    assert "BestaatNiet_999" in err["message"]["value"]
    # the client asks once more without $select: every column, the same rows
    rows, _ = fetch_odata_rows(
        client(retries=0),
        server.odata_url,
        "85984NED",
        filter=region_filter("GM0307"),
        select=["WijkenEnBuurten", "BestaatNiet_999"],
    )
    assert len(rows) == 180 and "Mannen_6" in rows[0]
    queries = _typed_requests(server, "85984NED")
    assert "$select" in queries[-3] and "$select" not in queries[-1]  # 400, then 2 full pages


def test_kerncijfers_and_health_select_only_the_topics_used(server):
    from geo import stem_map

    kern = fetch_kerncijfers(client(), server.odata_url, "GM0307", 2024)
    asked = _typed_requests(server, "85984NED")[0]["$select"].split(",")
    stems = set(stem_map(asked))
    assert asked[0] == "WijkenEnBuurten"
    used = {"AantalInwoners", "GemiddeldInkomenPerInwoner", "IndelingswijzigingGemeenteWijkBuurt"}
    assert used <= stems
    assert "Mannen" not in stems and "Gemeentenaam" not in stems  # not used: not fetched
    assert len(asked) < 40  # of the 121 topics of 85984NED
    health = fetch_health(client(), server.dataderden_url, "GM0307", jaar=2024)
    asked_h = _typed_requests(server, "50150NED")[0]["$select"].split(",")
    assert asked_h[:4] == ["WijkenEnBuurten", "Perioden", "Leeftijd", "Marges"]
    assert "GoedErvarenGezondheid_4" in asked_h and "Eenzaam_25" in asked_h
    assert len(asked_h) < 30
    # the same figures as from full rows (the parsing is the one of map_indicators)
    assert kern.values.loc["GM0307", "inwoners"] == pytest.approx(161852)
    assert health.values["gezondheid_goed"].notna().sum() > 100


def test_select_saves_bytes_against_full_rows(server):
    selected = client()
    fetch_kerncijfers(selected, server.odata_url, "GM0307", 2024)
    full = client()
    fetch_odata_rows(full, server.odata_url, "85984NED", filter=region_filter("GM0307"))
    assert selected.stats.bytes < full.stats.bytes / 2  # DataProperties + names included


def test_response_cache_ttl_refresh_and_404(tmp_path, server):
    from geo.sources import ResponseCache

    now = [1_000_000.0]
    cache = ResponseCache(tmp_path / "http", ttl=3600, clock=lambda: now[0])
    c = client(cache=cache)
    url = f"{server.odata_url}/85984NED/WijkenEnBuurten"
    first = c.get_json(url, {"$format": "json", "$top": "3"})
    n = len(server.requests)
    assert c.get_json(url, {"$format": "json", "$top": "3"}) == first
    assert len(server.requests) == n and c.stats.cached == 1  # within the TTL: no request
    assert c.get_json(url, {"$format": "json", "$top": "4"}) != first  # another query
    now[0] += 3601
    c.get_json(url, {"$format": "json", "$top": "3"})
    assert len(server.requests) == n + 2  # expired: asked again
    refresh = client(cache=ResponseCache(tmp_path / "http", ttl=3600, refresh=True))
    refresh.get_json(url, {"$format": "json", "$top": "3"})
    assert len(server.requests) == n + 3 and refresh.stats.cached == 0
    # "not served here" is remembered too (tables without DataProperties)
    from geo.sources import NotFound

    for _ in range(2):
        with pytest.raises(NotFound):
            c.get_json(f"{server.odata_url}/85618NED/DataProperties")
    assert len(server.requests) == n + 4
    # a damaged entry is a miss, never an error
    for f in (tmp_path / "http").glob("*.json"):
        f.write_bytes(f.read_bytes()[:-5])
    assert c.get_json(url, {"$format": "json", "$top": "3"}) == first
    assert len(server.requests) == n + 5
