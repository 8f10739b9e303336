"""fetch_gemeente and the CLI end to end against the loopback server."""

import os
import time

import pytest

from geo.errors import GemeenteNotFoundError, SourceError
from geo.gemeente import cache_path, read_cache
from tests.conftest import settings_for
from tests.loopback import LoopbackServer
from wijkradar import cli
from wijkradar.pipeline import build_from_files, fetch_gemeente, list_gemeenten, load_gemeente


@pytest.mark.parametrize(
    "gm,n,match_health", [("GM0307", 145, 145), ("GM0034", 238, 238)], ids=["Amersfoort", "Almere"]
)
def test_fetch_gemeente_end_to_end(settings, gm, n, match_health):
    data = fetch_gemeente(gm, settings=settings)
    assert len(data.buurten) == n
    assert data.buurten.index.name == "buurtcode" and data.buurten.index.is_unique
    assert data.buurten.crs.to_epsg() == 28992
    assert data.buurten["wijknaam"].notna().all()
    match = data.match.set_index("bron")
    assert match.loc["kerncijfers", "op_buurtcode"] == n
    assert match.loc["gezondheid", "op_buurtcode"] == match_health
    h = match.loc["gezondheid"]
    assert h["op_buurtcode"] + h["via_wijk"] + h["ontbreekt"] == n
    # suppressed buurt values take the wijk's value where the wijk has one
    assert (data.states["eenzaam"] == "wijkwaarde").sum() > 0
    assert data.catalogue.loc["eenzaam", "kind"] == "modelschatting"
    # table and period per indicator
    assert data.catalogue.loc["inwoners", ["tabel", "periode"]].tolist() == ["85984NED", "2024"]
    assert data.catalogue.loc["gezondheid_goed", ["tabel", "periode"]].tolist() == [
        "50150NED",
        "2024",
    ]
    assert data.catalogue.loc["eenzaam", "periode"] == "2020"
    assert (data.states["pct_armoede"] == "niet_gepubliceerd").all()
    assert not data.reference.loc["gemeente"].isna().all()
    assert cache_path(settings.data_dir, gm, 2024).is_file()


def test_almere_health_2024_from_50150(settings):
    data = fetch_gemeente("GM0034", settings=settings)
    assert data.catalogue.loc["gezondheid_goed", "tabel"] == "50150NED"
    assert (data.states["gezondheid_goed"] == "aanwezig").sum() >= 160  # 164 of 238
    assert not data.warnings  # every 2024 buurtcode is in the 2024-indeling monitor


def test_almere_low_match_is_reported_with_the_old_monitor(loopback_data, tmp_path):
    with LoopbackServer(loopback_data.without("50150NED")) as srv:
        data = fetch_gemeente("GM0034", settings=settings_for(srv, tmp_path / "d"))
    assert any("16 van de 238" in w for w in data.warnings)


def test_income_suppression_falls_back_to_the_wijk(settings):
    data = fetch_gemeente("GM0307", settings=settings)
    st = data.states["inkomen_per_inwoner"]
    assert (st == "aanwezig").sum() == 6  # only buurten with >= 2,500 persons
    wijk = st[st == "wijkwaarde"].index
    assert len(wijk) > 100
    ref = fetch_kerncijfers_values(settings, "GM0307")
    for code in wijk[:20]:
        assert data.buurten.loc[code, "inkomen_per_inwoner"] == ref["WK" + code[2:8]]
    # counts never take a wijk value
    assert not (data.states["inwoners"] == "wijkwaarde").any()


def fetch_kerncijfers_values(settings, gm):
    from geo.sources import HttpClient, fetch_kerncijfers

    client = HttpClient(timeout=5, retries=0, backoff=0.0)
    return fetch_kerncijfers(client, settings.cbs_odata_url, gm, 2024).values["inkomen_per_inwoner"]


def test_wijk_fallback_takes_wijk_value(settings):
    data = fetch_gemeente("GM0307", settings=settings)
    wijk_rows = data.states.index[data.states["eenzaam"] == "wijkwaarde"]
    assert len(wijk_rows) > 0
    wijk_values = data.trend[
        (data.trend["period"] == "2020") & (data.trend["indicator"] == "eenzaam")
    ].set_index("code")["value"]
    for code in wijk_rows:
        assert data.buurten.loc[code, "eenzaam"] == wijk_values["WK" + code[2:8]]
    # Counts never fall back to a wijk value.
    assert not (data.states["inwoners"] == "wijkwaarde").any()


def test_cache_roundtrip_and_offline_second_run(server, tmp_path):
    s = settings_for(server, tmp_path / "d")
    first = fetch_gemeente("GM0307", settings=s)
    server.inject("/", "500", times=10_000)  # every source down
    second = fetch_gemeente("GM0307", settings=s, refresh=True)  # asks them all again
    assert second.from_cache
    assert "de cache van" in second.warnings[0]
    assert second.buurten.drop(columns="geometry").equals(first.buurten.drop(columns="geometry"))
    assert second.states.equals(first.states)
    assert second.buurten.geometry.geom_equals(first.buurten.geometry).all()


def test_failed_fetch_never_corrupts_the_cache(server, tmp_path):
    s = settings_for(server, tmp_path / "d")
    fetch_gemeente("GM0307", settings=s)
    path = cache_path(s.data_dir, "GM0307", 2024)
    before = path.read_bytes()
    server.inject("50150NED/TypedDataSet", "truncated", times=10)
    fetch_gemeente("GM0307", settings=s, refresh=True)  # falls back to the cache
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.is_file()] == [path.name]  # no temp
    assert not list(path.parent.rglob("*.tmp"))  # nor in the response cache


def test_no_cache_and_source_down_raises(server, tmp_path):
    server.inject("/", "500", times=10_000)
    with pytest.raises(SourceError):
        fetch_gemeente("GM0307", settings=settings_for(server, tmp_path / "d", retries=0))


def test_unknown_gemeente(settings):
    with pytest.raises(GemeenteNotFoundError, match="GM9999 heeft geen buurten"):
        fetch_gemeente("GM9999", settings=settings)
    with pytest.raises(GemeenteNotFoundError, match="is ongeldig"):
        fetch_gemeente("Amersfoort", settings=settings)


def test_load_gemeente_uses_cache(settings):
    fetch_gemeente("GM0307", settings=settings)
    start = time.perf_counter()
    data = load_gemeente("GM0307", settings=settings)
    assert data.from_cache and len(data.buurten) == 145
    assert time.perf_counter() - start < 5  # generous bound; the real figure is in make bench


def _run_cli(server, tmp_path, monkeypatch, argv):
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("WIJKRADAR_HTTP_RETRIES", "0")
    monkeypatch.setenv("WIJKRADAR_HTTP_BACKOFF", "0")
    return cli.main(argv)


def test_cli_fetch_prints_summary(server, tmp_path, monkeypatch, capsys):
    assert _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM0034"]) == 0
    out = capsys.readouterr().out
    assert "GM0034 Almere, indeling 2024: 238 buurten" in out
    assert "50150NED" in out and "100,0%" in out
    # per indicator: table, period and how many buurten have a value
    line = next(x for x in out.splitlines() if x.startswith("gezondheid_goed "))
    assert line.split()[1:4] == ["50150NED", "2024", "164"]
    assert next(x for x in out.splitlines() if x.startswith("eenzaam ")).split()[2] == "2020"


@pytest.mark.parametrize(
    "fault,message",
    [
        ("500", "HTTP 500"),
        ("badjson", "ongeldige JSON"),
        ("html", "JSON verwacht"),
    ],
    ids=["http500", "badjson", "wrong-content-type"],
)
def test_cli_errors_are_one_line(server, tmp_path, monkeypatch, capsys, fault, message):
    server.inject("/", fault, times=10_000)
    code = _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM0307"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("fout: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_cli_unknown_gemeente(server, tmp_path, monkeypatch, capsys):
    assert _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM9999"]) == 1
    assert "GM9999" in capsys.readouterr().err


def test_cli_offline_uses_cache_and_says_so(server, tmp_path, monkeypatch, capsys):
    assert _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM0307"]) == 0
    server.inject("/", "500", times=10_000)
    capsys.readouterr()
    args = ["fetch", "--gemeente", "GM0307", "--vernieuw"]  # ask the (failing) sources again
    assert _run_cli(server, tmp_path, monkeypatch, args) == 0
    out = capsys.readouterr().out
    assert "uit de cache" in out and "de cache van" in out


def test_cli_warm_fetch_within_ttl_sends_nothing_and_reports_it(
    server, tmp_path, monkeypatch, capsys
):
    assert _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM0307"]) == 0
    cold = capsys.readouterr().out.splitlines()[-1]
    sent = len(server.requests)
    assert cold.startswith("netwerk: ") and f"{sent} verzoeken" in cold and "0 antwoorden" in cold
    assert _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM0307"]) == 0
    warm = capsys.readouterr().out
    assert len(server.requests) == sent  # nothing asked: every answer is younger than 7 days
    assert "netwerk: 0 verzoeken, 0 kB ontvangen" in warm and "uit de bewaarde" in warm
    monkeypatch.setenv("WIJKRADAR_HTTP_CACHE_DAYS", "0")  # no reuse: everything again
    assert _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM0307"]) == 0
    assert len(server.requests) == 2 * sent
    assert _run_cli(server, tmp_path, monkeypatch, ["fetch", "--gemeente", "GM0307"]) == 0
    assert len(server.requests) == 3 * sent


def test_from_files_builds_same_shape(shared, loopback_data, tmp_path):
    with LoopbackServer(loopback_data.without("50150NED")) as srv:  # the 50090NED route
        net = fetch_gemeente("GM0307", settings=settings_for(srv, tmp_path / "d"))
    files = [
        shared / "geo" / "cbs_buurten_2024_gegeneraliseerd_GM0307_GM0034.gpkg",
        shared / "kerncijfers" / "cbs_85984NED_2024_buurten_subset_plus_politie_47018NED_NL.csv",
        shared / "gezondheid" / "rivm_cbs_50090NED_2012_2016_2020_GM0307_GM0034_untyped_raw.csv",
    ]
    local = build_from_files(files, "GM0307")
    assert list(local.buurten.index) == list(net.buurten.index)
    assert local.buurten.crs == net.buurten.crs
    # the Untyped export and the Typed API give the same health figures
    assert local.buurten["eenzaam"].equals(net.buurten["eenzaam"])
    assert local.states["eenzaam"].equals(net.states["eenzaam"])
    # register counts agree where the complete-case CSV has the buurt
    both = local.states["inwoners"] == "aanwezig"
    assert both.sum() == 135
    assert (local.buurten.loc[both, "inwoners"] == net.buurten.loc[both, "inwoners"]).all()


def test_cli_from_files(shared, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    code = cli.main(
        [
            "fetch",
            "--gemeente",
            "GM0034",
            "--van",
            str(shared / "geo" / "cbs_buurten_2024_gegeneraliseerd_GM0307_GM0034.gpkg"),
            str(shared / "gezondheid" / "rivm_cbs_50090NED_2012_2016_2020_GM0307_GM0034_typed.csv"),
        ]
    )
    assert code == 0
    assert "238 buurten" in capsys.readouterr().out
    assert read_cache(cache_path(tmp_path / "d", "GM0034", 2024)).gemeentenaam == "Almere"
    assert not os.environ.get("WIJKRADAR_CBS_ODATA_URL", "").startswith("https://x")


def test_fetch_reports_progress(settings):
    steps = []
    data = fetch_gemeente("GM0307", settings=settings, progress=lambda f, s: steps.append((f, s)))
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("PDOK" in s for _, s in steps) and any("CBS" in s for _, s in steps)
    assert data.failed_source == ""


def test_refresh_with_source_down_names_the_source(server, tmp_path):
    s = settings_for(server, tmp_path / "d", retries=0)
    fetch_gemeente("GM0307", settings=s)
    server.inject("/odata/", "500", times=100)
    data = fetch_gemeente("GM0307", settings=s, refresh=True)
    assert data.from_cache and data.failed_source.startswith("CBS Kerncijfers")


def test_list_gemeenten_with_names_and_cached_fallback(server, tmp_path):
    s = settings_for(server, tmp_path / "d", retries=0)
    names = list_gemeenten(2024, settings=s)
    assert names["GM0307"] == "Amersfoort" and names["GM0034"] == "Almere"
    assert names.index.is_unique and len(names) > 300
    assert not any("geometry" in r for r in server.requests if "gemeenten" in r)
    server.inject("gemeenten", "500", times=100)
    assert list_gemeenten(2024, settings=s).equals(names)
    empty = settings_for(server, tmp_path / "other", retries=0)
    with pytest.raises(SourceError, match="PDOK"):
        list_gemeenten(2024, settings=empty)


def test_cli_batch_writes_geoparquet_per_gemeente(server, tmp_path, monkeypatch, capsys):
    import geopandas as gpd

    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("WIJKRADAR_HTTP_RETRIES", "0")
    out = tmp_path / "batch"
    code = cli.main(
        [
            "batch",
            "--gemeenten",
            "GM0307",
            "GM0034",
            "GM9999",
            "--trekkingen",
            "20",
            "--uit",
            str(out),
        ]
    )
    assert code == 1  # GM9999 failed, the others were written
    assert "2 van 3 gemeenten geschreven" in capsys.readouterr().out
    frame = gpd.read_parquet(out / "GM0307_2024_kansrijke-wijk.parquet")
    assert len(frame) == 145 and frame.crs.to_epsg() == 28992 and "rang_laag" in frame
    summary = (out / "batch.csv").read_text()
    assert "GM0034,ok,238" in summary and "GM9999,fout" in summary


def _without_times(provenance):
    return [{k: v for k, v in p.items() if k != "opgehaald"} for p in provenance]


def test_parallel_fetch_gives_the_same_data_as_one_by_one(server, tmp_path):
    seq = fetch_gemeente("GM0307", settings=settings_for(server, tmp_path / "a", fetch_workers=1))
    par = fetch_gemeente("GM0307", settings=settings_for(server, tmp_path / "b", fetch_workers=4))
    assert seq.fetch_stats["requests"] == par.fetch_stats["requests"] > 0
    assert seq.fetch_stats["bytes"] == par.fetch_stats["bytes"]
    assert par.buurten.drop(columns="geometry").equals(seq.buurten.drop(columns="geometry"))
    assert par.buurten.geometry.geom_equals(seq.buurten.geometry).all()
    for attr in ("states", "lower", "upper", "catalogue", "match", "reference", "trend"):
        assert getattr(par, attr).equals(getattr(seq, attr)), attr
    assert par.warnings == seq.warnings
    assert _without_times(par.provenance) == _without_times(seq.provenance)


def test_parallel_fetch_one_source_down_degrades_as_before(server, tmp_path):
    s = settings_for(server, tmp_path / "d", retries=0)
    fetch_gemeente("GM0307", settings=s)
    server.inject("50150NED", "500", times=100)  # RIVM down, PDOK and CBS fine
    data = fetch_gemeente("GM0307", settings=s, refresh=True)
    assert data.from_cache and data.failed_source == "RIVM 50150NED"
    assert "bron niet bereikbaar" in data.warnings[0]
    assert data.fetch_stats["requests"] > 0 and data.fetch_stats["cached"] == 0
    # without a cache the error of that source is raised (the Dutch note comes from the edge)
    with pytest.raises(SourceError, match="RIVM 50150NED"):
        fetch_gemeente("GM0307", settings=settings_for(server, tmp_path / "e", retries=0))


def test_parallel_fetch_reports_the_first_source_in_order_when_several_fail(server, tmp_path):
    server.inject("50150NED", "500", times=100)
    server.inject("wijkenbuurten", "500", times=100)
    with pytest.raises(SourceError, match="PDOK"):  # geometry first, as one by one
        fetch_gemeente("GM0307", settings=settings_for(server, tmp_path / "d", retries=0))


def test_parallel_fetch_unknown_gemeente_wins_over_other_failures(server, tmp_path):
    server.inject("/odata/", "500", times=100)  # CBS down as well
    with pytest.raises(GemeenteNotFoundError, match="GM9999"):
        fetch_gemeente("GM9999", settings=settings_for(server, tmp_path / "d", retries=0))


def test_old_cache_with_english_match_key_is_read_with_the_dutch_name(server, tmp_path):
    """Caches written before the join report key became Dutch still load."""
    import json

    import pyarrow.parquet as pq

    s = settings_for(server, tmp_path / "d")
    fetch_gemeente("GM0307", settings=s)
    path = cache_path(tmp_path / "d", "GM0307", 2024)
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"wijkradar"])
    for row in meta["match"]:
        row["match_rate"] = row.pop("aandeel_op_buurtcode")
    old = table.replace_schema_metadata(
        {**table.schema.metadata, b"wijkradar": json.dumps(meta).encode()}
    )
    pq.write_table(old, path)
    assert (
        "aandeel_op_buurtcode"
        not in json.loads(pq.read_table(path).schema.metadata[b"wijkradar"])["match"][0]
    )
    match = read_cache(path).match
    assert "match_rate" not in match.columns
    assert match["aandeel_op_buurtcode"].between(0, 1).all()
