"""Benchmarks (``make bench``): prints a table and writes bench/results.json.

Needs ../shared/data (set WIJKRADAR_SHARED_DATA to point elsewhere). Figures are medians over
repeated runs with min-max spread; targets are printed beside them, not asserted.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gemeente import cache_path, read_cache  # noqa: E402
from geo.indicators import by_source  # noqa: E402
from models import score_buurten  # noqa: E402
from tests.loopback import LoopbackServer, build_data, shared_data_dir  # noqa: E402
from tests.national import national_frame, national_geometry  # noqa: E402
from wijkradar.config import Settings  # noqa: E402
from wijkradar.pipeline import fetch_gemeente  # noqa: E402
from wijkradar.profiles import shipped_profile  # noqa: E402
from wijkradar.render.maps import build_map, map_geometry, map_values, top_factors  # noqa: E402
from wijkradar.scoring import score_gemeente  # noqa: E402
from wijkradar.validity import load_reference  # noqa: E402

RESULTS: list[dict] = []


def measure(name: str, fn, *, repeat: int = 5, target: str = "", note: str = "") -> object:
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    row = {
        "name": name,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "repeat": repeat,
        "target": target,
        "note": note,
    }
    RESULTS.append(row)
    print(
        f"{name:<48} {row['median_s']:8.3f} s  [{row['min_s']:.3f}-{row['max_s']:.3f}]  "
        f"{target:<12} {note}",
        flush=True,
    )
    return value


def _html_size(m) -> int:
    return len(m.get_root().render().encode("utf-8"))


def bench_maps(gemeenten: dict, profile) -> None:
    """Map HTML: Wijkradar's map against GeoDataFrame.explore() on the same frame."""
    for name, data in gemeenten.items():
        scores = score_gemeente(data, profile, seed=1, draws=200)
        geo_frame = data.buurten.join(scores[["score", "rang"]])

        def ours(data=data, scores=scores):
            geometry = map_geometry(data.buurten)
            m = build_map(
                geometry,
                map_values(scores, data, "score"),
                scores=scores,
                factors=top_factors(scores, data.catalogue),
                leaflet_js="/app/static/vendor/leaflet/leaflet.js",
                leaflet_css="/app/static/vendor/leaflet/leaflet.css",
                tile_url="https://example.invalid/{z}/{x}/{y}.png",
                wijken=False,  # like explore(): the choropleth with its tooltips only
            )
            return _html_size(m)

        size = measure(f"map HTML {name}: build + render", ours, repeat=5, target="< 1 MB")
        RESULTS[-1]["bytes"] = size
        try:
            import matplotlib  # noqa: F401  (explore() needs it for the colour map)
        except ImportError:
            print("  explore() baseline skipped: matplotlib not installed (pip install .[bench])")
            continue
        base = measure(
            f"map HTML {name}: GeoDataFrame.explore()",
            lambda g=geo_frame: _html_size(g.explore(column="score", scheme="quantiles", k=5)),
            repeat=3,
            note="baseline",
        )
        RESULTS[-1]["bytes"] = base
        ratio = base / size
        time_ratio = RESULTS[-1]["median_s"] / RESULTS[-2]["median_s"]
        print(
            f"  {name}: {size / 1e3:.0f} kB vs explore() {base / 1e3:.0f} kB "
            f"({ratio:.1f}x smaller); build {time_ratio:.1f}x faster (explore() shows every "
            "column: not like for like; see bench/mapsize.py)"
        )
        RESULTS[-2]["ratio_vs_explore_size"] = ratio
        RESULTS[-2]["ratio_vs_explore_time"] = time_ratio


def bench_app_redraw(srv: LoopbackServer, s: Settings) -> None:
    """Weight change -> re-score -> redrawn Kaart page for Amersfoort (AppTest, one session)."""
    import os

    from streamlit.testing.v1 import AppTest

    os.environ.update(srv.env())
    os.environ["WIJKRADAR_DATA_DIR"] = str(s.data_dir)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["gemeente"] = "GM0307"
    at.run()
    weights = iter(np.linspace(0.2, 2.9, 40))

    def redraw():
        at.session_state["url_gewichten"] = f"d.Sociaal:{next(weights):.2f}"
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].value)

    measure(
        "app: weight change -> re-score + map (Amersfoort)",
        redraw,
        repeat=7,
        target="< 1 s",
        note="AppTest script run, 1000 MC draws; browser paint not included",
    )


def bench_national(shared: Path, profile) -> None:
    """Load + join all of NL, Moran on the national score, national map, peak memory."""
    import resource

    import geopandas as gpd

    from models.spatial import hotspots
    from wijkradar.render.maps import MapValues, build_map

    def load_join():
        geo = national_geometry(shared)
        frame = national_frame(shared)
        return geo.join(frame, how="left"), frame

    joined, frame = measure(
        "load + join all NL (geometry 2014, health 2020, kerncijfers 2024)",
        load_join,
        repeat=3,
        note="coarse 2014 geometry: scale fixture",
    )
    matched = joined["gezondheid_goed"].notna().mean() if "gezondheid_goed" in joined else 0.0
    print(f"  {len(joined)} buurten with geometry; health matched on code for {matched:.0%}")
    RESULTS[-1]["match_rate_health"] = float(matched)
    scores = score_buurten(joined.drop(columns="geometry"), profile, seed=1, draws=0)
    gdf = gpd.GeoDataFrame({"score": scores["score"]}, geometry=joined.geometry, crs=joined.crs)
    hs = measure(
        "local Moran 999 permutations, national",
        lambda: hotspots(gdf, "score", permutations=999, seed=1),
        repeat=1,
        note=f"{int(gdf['score'].notna().sum())} scored buurten, Queen + KNN islands, FDR",
    )
    print(f"  global Moran's I {hs.attrs['moran_i']:.3f}")

    mv = MapValues(
        title="Prioriteitsscore",
        unit="0-100",
        frame=pd.DataFrame(
            {
                "value": scores["score"],
                "status": np.where(scores["score"].notna(), "waarde", "geen_score"),
                "label": scores["score"].round(1).astype(str),
            },
            index=scores.index,
        ),
    )

    def national_map():
        geometry = map_geometry(
            joined.assign(buurtnaam=joined["statnaam"])[["buurtnaam", "wijkcode", "geometry"]],
            tolerance=150.0,
        )
        m = build_map(geometry, mv, wijken=False, leaflet_js="/l.js", leaflet_css="/l.css")
        return _html_size(m)

    size = measure(
        "map HTML national (simplified for national zoom)",
        national_map,
        repeat=1,
        note="coverage simplification at 150 m, 1e-5 degree precision",
    )
    RESULTS[-1]["bytes"] = size
    opened = _open_in_chromium(joined, mv)
    if opened is not None:
        seconds, paths = opened
        RESULTS.append({"name": "national map opened in chromium", "s": seconds, "paths": paths})
        label = "national map opened in chromium (offline file)"
        print(f"{label:<48} {seconds:8.3f} s  {paths} paths")
    try:
        import matplotlib  # noqa: F401

        base = measure(
            "map HTML national: GeoDataFrame.explore()",
            lambda: _html_size(
                joined.to_crs(4326).explore(column="score" if "score" in joined else None)
            ),
            repeat=1,
            note="baseline",
        )
        RESULTS[-1]["bytes"] = base
        print(
            f"  national: {size / 1e6:.1f} MB vs explore() {base / 1e6:.1f} MB ({base / size:.1f}x)"
        )
    except ImportError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    RESULTS.append({"name": "peak memory (RSS) of the bench process", "peak_mb": peak})
    print(f"{'peak memory (RSS) of the bench process':<48} {peak:8.0f} MB")


def _open_in_chromium(joined, mv) -> tuple[float, int] | None:
    """Open the national map as an offline HTML file in headless chromium; (seconds, paths)."""
    if not Path("/usr/bin/chromium").exists():
        print("  national map not opened: /usr/bin/chromium not installed")
        return None
    from playwright.sync_api import sync_playwright

    from tests.appserver import CHROMIUM_ARGS
    from wijkradar.render.maps import standalone_html

    geometry = map_geometry(
        joined.assign(buurtnaam=joined["statnaam"])[["buurtnaam", "wijkcode", "geometry"]],
        tolerance=150.0,
    )
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "nl.html"
        page_file.write_text(standalone_html(build_map(geometry, mv, wijken=False), Settings()))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 900, "height": 1000})
            t0 = time.perf_counter()
            page.goto(page_file.as_uri())
            page.locator("path.wr-buurt").last.wait_for(state="attached", timeout=120_000)
            seconds = time.perf_counter() - t0
            paths = page.locator("path.wr-buurt").count()
            browser.close()
    return seconds, paths


def bench_load(srv: LoopbackServer, s: Settings, *, sessions: int = 4, rounds: int = 3) -> None:
    """Several browser sessions re-scoring at once while editors write to the registry.

    Bounded: ``sessions`` x ``rounds`` page loads (each with new weights, so no cache hit)
    and 4 registry editors x 20 increments of one row. Reports response times, server
    errors and lost updates.
    """
    import asyncio
    import threading

    from playwright.async_api import async_playwright

    from geo.registry import Registry
    from tests.appserver import CHROMIUM_ARGS, running_app
    from tests.editors import run_editors

    env = {**srv.env(), "WIJKRADAR_DATA_DIR": str(s.data_dir), "WIJKRADAR_HTTP_RETRIES": "0"}
    reg = Registry(s.registry_url)
    reg.save(
        "initiatief",
        {"id": "LOAD", "naam": "Teller", "thema": "overig", "status": "lopend", "subsidie": 0},
        user="bench",
    )

    async def session(browser, base: str, k: int, times: list[float], failures: list[str]):
        page = await browser.new_page(viewport={"width": 1200, "height": 900})
        for r in range(rounds):
            weight = 0.5 + 0.1 * (k * rounds + r)
            t0 = time.perf_counter()
            await page.goto(f"{base}/?gemeente=GM0307&gewichten=d.Sociaal:{weight:.2f}")
            frame = page.frame_locator('iframe[title^="Kaart: "]')
            try:
                await (
                    frame.locator("path.wr-buurt")
                    .nth(144)
                    .wait_for(state="attached", timeout=120_000)
                )
            except Exception as exc:  # noqa: BLE001
                failures.append(f"session {k}: {exc}")
                continue
            times.append(time.perf_counter() - t0)
            if await page.locator('[data-testid="stException"]').count():
                failures.append(f"session {k}: exception shown on the page")
        await page.close()

    async def run_sessions(base: str) -> tuple[list[float], list[str]]:
        times: list[float] = []
        failures: list[str] = []
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            await asyncio.gather(
                *(session(browser, base, k, times, failures) for k in range(sessions))
            )
            await browser.close()
        return times, failures

    if not Path("/usr/bin/chromium").exists():
        print("load test skipped: /usr/bin/chromium not installed")
        return
    with running_app(env, s.data_dir / "load-streamlit.log") as base:
        edits: dict = {}
        writer = threading.Thread(
            target=lambda: edits.update(
                run=run_editors(reg, "LOAD", editors=4, increments=20, user="bench")
            )
        )
        writer.start()
        times, failures = asyncio.run(run_sessions(base))
        writer.join(timeout=300)
    conflicts, errors = edits["run"].conflicts, edits["run"].errors
    final = reg.get("initiatief", "LOAD")
    lost = 80 - int(final["subsidie"])
    reg.close()
    times.sort()
    p50 = statistics.median(times) if times else float("nan")
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan")
    RESULTS.append(
        {
            "name": f"load: {sessions} browser sessions x {rounds} re-scored map loads",
            "p50_s": p50,
            "p95_s": p95,
            "page_failures": failures,
            "registry_conflicts_retried": conflicts,
            "registry_errors": errors,
            "lost_updates": lost,
        }
    )
    print(
        f"{'load: ' + str(sessions) + ' sessions x ' + str(rounds) + ' map loads':<48} "
        f"p50 {p50:6.2f} s  p95 {p95:6.2f} s  failures {len(failures)}; registry: 80 edits by "
        f"4 editors, {conflicts} conflicts retried, {lost} lost updates, {len(errors)} errors"
    )


def bench_validity(shared: Path, data, almere, reference, profile, nl: pd.DataFrame) -> None:
    """Validity figures: rho with SES-WOA (Amersfoort, Utrecht province), coverage, exclusions.

    Not timings: these say how well the default profile measures need on the shared data
    (SES-WOA of the province of Utrecht table; its zeros are read as unknown).
    """
    from geo.reference import read_reference_file
    from models import national_ranks, validity_report
    from models.profile import Domain, IndicatorWeight, ScoringProfile
    from wijkradar.validity import validate_gemeente

    def record(name: str, **values) -> None:
        RESULTS.append({"name": name, **values})
        shown = ", ".join(
            f"{k} {v:+.3f}" if isinstance(v, float) and k.startswith("rho") else f"{k} {v}"
            for k, v in values.items()
        )
        print(f"{name:<48} {shown}", flush=True)

    report, _ = validate_gemeente(data, profile, reference=reference)
    domains = {r.onderdeel: r.rho for r in report.directions.itertuples() if r.onderdeel != "score"}
    record(
        "validity: Amersfoort default profile vs SES-WOA",
        rho=report.rho_score,
        n=int(report.correlations.loc[0, "n"]),
        target=report.target,
        meets_target=bool(report.meets_target),
        flagged=report.flagged,
        rho_domains={k: round(float(v), 3) for k, v in domains.items()},
    )
    for name, gm in (("Amersfoort", data), ("Almere", almere)):
        cov = validate_gemeente(gm, profile, reference=None)[0].coverage
        record(
            f"validity: coverage {name}",
            dekking=round(cov["dekking"], 3),
            buurten_onder_50=cov["buurten_onder"],
            weggelaten_gewicht=round(cov["weggelaten_gewicht"], 3),
        )
    utrecht = read_reference_file(
        shared
        / "kerncijfers"
        / "nelleke20_buurten_provincie_utrecht_2022codes_ses_woa_leefbaarometer_nabijheid.csv"
    )
    need = profile.without_empty_domains(nl.columns[nl.notna().any()])
    scores = score_buurten(nl, need, draws=0)
    province = validity_report(scores, utrecht)
    # the same profile with composition mistaken for need (as shipped before #19)
    wrong = ScoringProfile.model_construct(
        **{
            **need.model_dump(),
            "reach": [],
            "domains": [
                *need.domains,
                Domain.model_construct(
                    name="Jeugd en gezin (samenstelling)",
                    weight=1.0,
                    indicators=[IndicatorWeight(id=i) for i in ("pct_0_15", "pct_hh_met_kinderen")],
                ),
            ],
        }
    )
    before = validity_report(score_buurten(nl, wrong, draws=0), utrecht)
    record(
        "validity: Utrecht province, national frame",
        rho=province.rho_score,
        rho_with_composition_as_need=before.rho_score,
        n=int(province.correlations.loc[0, "n"]),
        flagged_with_composition=before.flagged,
    )
    ranks = national_ranks(scores)
    per_gm = ranks.groupby("gemeentecode").agg(
        low=("lage_dekking", "first"), dekking=("dekking_gemeente", "first")
    )
    inwoners = nl["inwoners"].groupby(ranks["gemeentecode"]).sum()
    low = per_gm[per_gm["low"]]
    record(
        "validity: national frame, gemeenten under 50% observed",
        gemeenten=f"{len(low)} of {len(per_gm)}",
        inwoners=int(inwoners.reindex(low.index).sum()),
        left_out_of_national_ranks=int(ranks["lage_dekking"].sum()),
        examples={
            gm: round(float(per_gm.loc[gm, "dekking"]), 2)
            for gm in ("GM0363", "GM0034", "GM0479")
            if gm in per_gm.index
        },
    )


def bench_registry_import(data, rows: int = 100_000) -> None:
    """Registry import throughput: a 100k-row CSV with WGS84 points, validated, assigned to
    Amersfoort's buurten by point-in-polygon and written in one transaction (SQLite)."""
    from geo.registry import Registry, read_registry_file

    rng = np.random.default_rng(0)
    lon = rng.uniform(5.33, 5.44, rows)
    lat = rng.uniform(52.13, 52.19, rows)
    lines = ["id,naam,thema,status,subsidie,lon,lat"] + [
        f'R{i},Initiatief {i},overig,lopend,"1.250,50",{lon[i]:.6f},{lat[i]:.6f}'
        for i in range(rows)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rijen.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

        def run(n=[0]):  # noqa: B006 (a fresh database per repeat)
            n[0] += 1
            with Registry(f"sqlite:///{tmp}/r{n[0]}.sqlite") as reg:
                frame, first = read_registry_file(path, max_bytes=10**9)
                return reg.import_records(
                    "initiatief",
                    frame,
                    user="bench",
                    source=path.name,
                    first_row=first,
                    buurten=data.buurten,
                )

        report = measure(f"registry import {rows:,} rows (CSV, WGS84, buurt)", run, repeat=2)
        seconds = RESULTS[-1]["median_s"]
        RESULTS[-1]["rows_per_s"] = round(rows / seconds)
        print(
            f"{'  -> import throughput':<48} {rows / seconds:8,.0f} rows/s "
            f"({report.assigned:,} assigned to a buurt)",
            flush=True,
        )


def main() -> int:
    shared = shared_data_dir()
    if not (shared / "PROVENANCE.md").is_file():
        print(f"bench needs ../shared/data (not found at {shared})", file=sys.stderr)
        return 2
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}"
    )
    profile = shipped_profile("kansrijke-wijk")
    with (
        tempfile.TemporaryDirectory() as tmp,
        LoopbackServer(build_data(shared), page_size=10_000) as srv,
    ):
        s = Settings(
            cbs_odata_url=srv.odata_url,
            cbs_dataderden_url=srv.dataderden_url,
            pdok_url=srv.pdok_url,
            data_dir=Path(tmp),
        )
        for gm, name in (("GM0307", "Amersfoort"), ("GM0034", "Almere")):
            measure(
                f"fetch {name} from loopback sources",
                lambda gm=gm: fetch_gemeente(gm, settings=s, refresh=True),
                repeat=3,
                note="loopback, no network latency",
            )
            path = cache_path(s.data_dir, gm, 2024)
            measure(f"load cached {name}", lambda p=path: read_cache(p), repeat=10, target="< 1 s")
        data = read_cache(cache_path(s.data_dir, "GM0307", 2024))
        almere = read_cache(cache_path(s.data_dir, "GM0034", 2024))
        bench_maps({"Amersfoort": data, "Almere": almere}, profile)
        ses, _ = load_reference("GM0307", settings=s)  # 86092NED from the loopback
        bench_app_redraw(srv, s)
        bench_load(srv, s)
        __import__("bench.browser", fromlist=["run"]).bench_browser(
            srv, s, RESULTS, shared, national_geometry
        )
    measure(
        "score Amersfoort + 1000 MC draws",
        lambda: score_gemeente(data, profile, seed=1, draws=1000),
        repeat=3,
    )
    nl = national_frame(shared)
    measure(
        f"score national ({len(nl)} buurten) + 1000 MC draws",
        lambda: score_buurten(nl, profile, seed=1, draws=1000),
        repeat=3,
        target="< 5 s",
        note="synthesized: 2020 health + 2024 kerncijfers joined on code",
    )
    lower = nl[[c for c in nl.columns if c in {i.id for i in by_source("gezondheid")}]] - 2.0
    upper = lower + 4.0
    measure(
        "score national + 1000 draws, health within 95% bounds",
        lambda: score_buurten(nl, profile, seed=1, draws=1000, lower=lower, upper=upper),
        repeat=3,
        target="< 5 s",
        note="bounds synthetic (+/-2 points)",
    )
    bench_registry_import(data)
    bench_national(shared, profile)
    bench_validity(shared, data, almere, ses, profile, nl)
    RESULTS.extend(__import__("bench.fetch", fromlist=["run"]).run(shared))  # target 6
    RESULTS.extend(__import__("bench.mapsize", fromlist=["run"]).run(shared))  # target 5
    RESULTS.extend(__import__("bench.scoring", fromlist=["run"]).run(shared))  # targets 3, 4
    RESULTS.extend(__import__("bench.startup", fromlist=["run"]).run())  # #16 item 2
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps({"machine": platform.platform(), "results": RESULTS}, indent=2))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
