"""Network clients against the loopback server (real formats built from ../shared/data)."""

import pytest

from geo._errors import SourceError
from geo.sources import HttpClient, fetch_health, fetch_kerncijfers, fetch_odata_rows
from geo.sources.cbs import region_filter
from geo.sources.pdok import fetch_wfs_features
from tests.loopback import LoopbackServer, build_data, parse_filter


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
    # income columns exist in 85984NED but were not yet published for buurten: suppressed
    assert (
        data.states.loc[data.values.index.str.startswith("BU"), "pct_hh_sociaal_minimum"]
        == "onderdrukt"
    ).all()


@pytest.mark.parametrize(
    "jaar,table,expected", [(2022, "85318NED", 6.8), (2023, "85618NED", 6.6)], ids=["2022", "2023"]
)
def test_kerncijfers_across_years_by_name(server, jaar, table, expected):
    data = fetch_kerncijfers(client(), server.odata_url, "GM0599", jaar)
    assert data.table == table
    assert data.values.loc["BU05990110", "pct_hh_sociaal_minimum"] == pytest.approx(expected)
    assert data.values.loc["BU05990110", "bijstand_per_1000"] > 0


def test_health_falls_back_to_50090_and_picks_latest_period(server):
    data = fetch_health(client(), server.dataderden_url, "GM0307", jaar=2024)
    assert data.table == "50090NED" and data.period == "2020"
    assert any("/dataderden/50120NED/" in r for r in server.requests)
    assert data.lower is None
    assert data.values.loc["GM0307", "eenzaam"] > 0
    assert set(data.trend["period"]) == {"2012", "2016", "2020"}


def test_health_bounds_when_published(shared):
    with LoopbackServer(build_data(shared, synthetic_bounds=2.0)) as srv:
        data = fetch_health(client(), srv.dataderden_url, "GM0307", jaar=2020)
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
        ("badjson", "malformed JSON"),
        ("truncated", "malformed JSON"),
        ("html", "expected JSON but got text/html"),
        ("404", "not found"),
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
        SourceError, match=r"timed out after 0.5 s at .*\(gave up after 2 attempts\)"
    ):
        fetch_kerncijfers(client(timeout=0.5, retries=1), server.odata_url, "GM0307", 2024)


def test_broken_next_page_fails_cleanly(server):
    server.inject("skip", "500", times=10)  # only the nextLink carries $skip
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch_odata_rows(
            client(retries=1), server.odata_url, "85984NED", filter=region_filter("GM0307")
        )


def test_connection_refused_is_a_source_error():
    with pytest.raises(SourceError, match="cannot connect"):
        client(retries=0).get_json("http://127.0.0.1:9/odata", source="CBS")
