"""Browser-side timings of the map (issue #16 items 1, 3, 7), in headless chromium (Playwright).

What a user waits for, measured in the browser rather than in the script run: the first map
painted after a cold server start (started as users start it, ``wijkradar app``, which
preloads the default view; ``streamlit run app.py`` alongside), the first visitor when the
server has been up for a while, a second visitor, the map repainted after a weight slider
(Methode) and after a class-count change (Kaart), five sessions opening the map at once,
and the server's RSS after one and after five sessions.
The restyle of the national map (about 13k buurten) is timed on the component page alone,
fed the messages Streamlit would send.

"Painted" means every buurt path is in the document with the expected fill (class change,
computed in Python from the same data), or the live map put the version of the values it
drew on its ``body`` (after the next animation frame). ``data-wr-ms`` is the live map's own
time from the message to that frame: the browser part of a repaint.

The same first and second visit is also timed for a Streamlit app that writes one line of
text (``[streamlit alone]``): the framework's floor, beside which the map rows are read.

Set ``WIJKRADAR_BENCH_BASELINE`` to a git ref (e.g. the commit before the live map) to run the
same measurements on that version of the app from the same data, in the same run; its code is
unpacked with ``git archive`` into a temporary folder. Targets are printed, not asserted.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP_FRAME = 'iframe[title^="Kaart: "]'
KAART = "/?gemeente=GM0307&profiel=kansrijke-wijk"
#: A first visitor who comes a while after the server started (the usual case) comes after.
LATER_S = 10.0
#: Targets of issue #16 (printed beside the figures).
TARGETS = {
    "cold": "< 3 s",
    "warm": "< 1 s",
    "weight": "< 0.3 s",
    "weight_nl": "< 1 s",
    "rss1": "< 250 MB",
    "rss5": "< 350 MB",
}


def _row(results: list, name: str, samples: list[float], *, target: str = "", note: str = ""):
    """Append and print median and min-max of ``samples`` (seconds)."""
    if not samples:
        results.append({"name": name, "error": note or "no samples"})
        print(f"{name:<48} (no samples) {note}", flush=True)
        return
    row = {
        "name": name,
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "max_s": max(samples),
        "repeat": len(samples),
        "target": target,
        "note": note,
    }
    results.append(row)
    print(
        f"{name:<48} {row['median_s']:8.3f} s  [{row['min_s']:.3f}-{row['max_s']:.3f}]  "
        f"{target:<12} {note}",
        flush=True,
    )


def _rss_mb(port: int) -> float:
    """Resident memory of the app server listening on ``port`` (from /proc)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            status = (proc / "status").read_text()
        except OSError:
            continue
        line = b" ".join(argv)
        if (b"streamlit" in line or b"wijkradar" in line) and str(port).encode() in argv:
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    return float("nan")


def _map_frame(page):
    handle = page.wait_for_selector(MAP_FRAME, state="attached", timeout=180_000)
    frame = handle.content_frame()
    assert frame is not None
    return frame


def _wait_painted(page) -> None:
    frame = _map_frame(page)
    frame.locator("path.wr-buurt").nth(144).wait_for(state="attached", timeout=180_000)


def _wait_fills(page, expected: list[str]) -> None:
    """Until a map frame (the old map swaps in a new one on every rerun) has these fills."""
    page.wait_for_function(
        """(want) => Array.from(document.querySelectorAll('iframe')).some((f) => {
            let doc = null;
            try { doc = f.contentDocument; } catch (e) { return false; }
            if (!doc) { return false; }
            const p = doc.querySelectorAll('path.wr-buurt');
            if (p.length !== want.length) { return false; }
            for (let i = 0; i < p.length; i++) {
                if (p[i].getAttribute('fill') !== want[i]) { return false; } }
            return true; })""",
        arg=expected,
        polling="raf",
        timeout=180_000,
    )


def _browser_ms(frame) -> float | None:
    ms = frame.evaluate("() => document.body.dataset.wrMs || null")
    return float(ms) / 1000 if ms else None


class _App:
    """One version of the app (this checkout or an unpacked baseline) with its own server."""

    def __init__(self, label: str, root: Path, env: dict) -> None:
        self.label, self.root, self.env = label, root, env

    def server(self, log: Path, *, launcher: bool = True):
        """The app's server as users start it (``wijkradar app``), or ``streamlit run``."""
        from tests.appserver import launcher_command, running_app

        env = dict(self.env)
        if self.root != ROOT:  # the baseline's packages win over the editable install
            env["PYTHONPATH"] = str(self.root)
        command = None
        if launcher and (self.root / "wijkradar" / "launch.py").is_file():
            command = launcher_command
        return running_app(
            env, log, cwd=self.root, app=self.root / "app.py", timeout=180, command=command
        )


def _unpack(ref: str, into: Path) -> Path:
    """The tree of git ``ref`` in ``into`` (``git archive``), with this checkout's Leaflet."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    return into


def _expected_fills(settings, ks: list[int]) -> dict[int, list[str]]:
    """The fill of every buurt path for each class count, from the app's own functions."""
    from wijkradar import load_gemeente
    from wijkradar.profiles import resolve_profile
    from wijkradar.render.maps import map_geometry, map_values, value_payload
    from wijkradar.scoring import score_gemeente

    data = load_gemeente("GM0307", settings=settings)
    scores = score_gemeente(data, resolve_profile("kansrijke-wijk", settings), seed=1, draws=0)
    geometry = map_geometry(data.buurten)
    mv = map_values(scores, data, "score")
    out = {}
    for k in ks:
        b = value_payload(geometry, mv, scores=scores, k=k)["buurten"]
        out[k] = [b["styles"][i]["fillColor"] for i in b["style"]]
    return out


def _sessions(base: str, n: int) -> list[float]:
    """``n`` new browser sessions open the Kaart page at once; seconds to a painted map."""
    from playwright.async_api import async_playwright

    from tests.appserver import CHROMIUM_ARGS

    async def one(browser, times: list[float]) -> None:
        context = await browser.new_context(viewport={"width": 1200, "height": 900})
        page = await context.new_page()
        t0 = time.perf_counter()
        await page.goto(base + KAART, wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_FRAME)
        await frame.locator("path.wr-buurt").nth(144).wait_for(state="attached", timeout=300_000)
        times.append(time.perf_counter() - t0)
        await context.close()

    async def run() -> list[float]:
        times: list[float] = []
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            await asyncio.gather(*(one(browser, times) for _ in range(n)))
            await browser.close()
        return times

    # in its own thread: the caller's sync Playwright already runs an event loop here
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _measure_app(app: _App, settings, fills: dict, results: list, *, cold_runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.appserver import CHROMIUM_ARGS

    tag = f"[{app.label}]"
    cold, warm, concurrent = [], [], []
    first: dict[tuple[bool, bool], list[float]] = {}  # (launcher, server up a while): seconds
    rss1 = rss5 = wall = float("nan")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for attempt in range(cold_runs):  # `streamlit run`, and a first visitor who comes later
            for launcher, later in ((False, False), (False, True), (True, True)):
                log = settings.data_dir / f"bench-{app.label}-{launcher}-{later}-{attempt}.log"
                t0 = time.perf_counter()
                with app.server(log, launcher=launcher) as base:
                    if later:  # the visitor comes once the server has been up a while
                        time.sleep(LATER_S)
                        t0 = time.perf_counter()
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.goto(base + KAART, wait_until="domcontentloaded")
                    _wait_painted(page)
                    first.setdefault((launcher, later), []).append(time.perf_counter() - t0)
                    page.close()
        for attempt in range(cold_runs):
            t0 = time.perf_counter()
            with app.server(settings.data_dir / f"bench-{app.label}-{attempt}.log") as base:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(base + KAART, wait_until="domcontentloaded")
                _wait_painted(page)
                cold.append(time.perf_counter() - t0)
                page.close()
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                t1 = time.perf_counter()
                page.goto(base + KAART, wait_until="domcontentloaded")
                _wait_painted(page)
                warm.append(time.perf_counter() - t1)
                if attempt == cold_runs - 1:  # the last server: interactions and sessions
                    port = int(base.rsplit(":", 1)[1])
                    rss1 = _rss_mb(port)
                    _interactions(app, page, fills, results, tag)
                    t2 = time.perf_counter()
                    concurrent = _sessions(base, 5)
                    wall = time.perf_counter() - t2
                    rss5 = _rss_mb(port)
                page.close()
        browser.close()
    _row(
        results,
        f"{tag} cold server start -> first map painted",
        cold,
        target=TARGETS["cold"],
        note="wijkradar app (make run, the container)",
    )
    _row(
        results,
        f"{tag}   idem, streamlit run app.py",
        first[(False, False)],
        note="no preload of the default view",
    )
    for launcher, how in ((True, "wijkradar app"), (False, "streamlit run app.py")):
        _row(
            results,
            f"{tag} first visitor, server up {LATER_S:.0f} s -> painted",
            first[(launcher, True)],
            note=how,
        )
    _row(results, f"{tag} second visitor -> map painted", warm, target=TARGETS["warm"])
    _row(
        results,
        f"{tag} 5 concurrent sessions -> map painted",
        concurrent,
        note=f"all 5 painted after {wall:.1f} s wall",
    )
    for name, mb, target in (
        ("server RSS after 1 session", rss1, TARGETS["rss1"]),
        ("server RSS after 5 more sessions", rss5, TARGETS["rss5"]),
    ):
        results.append({"name": f"{tag} {name}", "rss_mb": mb, "target": target})
        print(f"{tag + ' ' + name:<48} {mb:8.0f} MB  {target}", flush=True)


def _interactions(app: _App, page, fills: dict, results: list, tag: str) -> None:
    """Class-count changes on Kaart and (live map only) weight changes on Methode."""
    live = app.label == "live map"
    _wait_fills(page, fills[5])
    slider = page.locator('input[type="range"][aria-label="Klassen"]')
    total, inside = [], []
    k = 5
    for step in range(8):
        key, k = ("ArrowLeft", k - 1) if step % 2 == 0 else ("ArrowRight", k + 1)
        slider.focus()
        t0 = time.perf_counter()
        page.keyboard.press(key)
        _wait_fills(page, fills[k])
        total.append(time.perf_counter() - t0)
        if live:
            inside.append(_browser_ms(_map_frame(page)) or float("nan"))
    _row(results, f"{tag} class change -> map repainted (Kaart)", total[1:], note="5<->4")
    if inside:
        _row(results, f"{tag}   of which in the browser", inside[1:], target=TARGETS["weight"])
    if not live:
        return
    page.goto(page.url.replace("/?", "/methode?", 1), wait_until="domcontentloaded")
    frame = _map_frame(page)
    frame.locator("path.wr-buurt").nth(144).wait_for(state="attached", timeout=180_000)
    frame.locator("body[data-wr-versie]").wait_for(state="attached", timeout=180_000)
    slider = page.locator('input[type="range"][aria-label="Domein Sociaal"]')
    total, inside = [], []
    for _ in range(8):  # every step a new weight: re-scored, never a cache hit
        version = frame.evaluate("() => document.body.dataset.wrVersie")
        slider.focus()
        t0 = time.perf_counter()
        page.keyboard.press("ArrowRight")
        frame.wait_for_function(
            "(v) => document.body.dataset.wrVersie !== v", arg=version, timeout=180_000
        )
        total.append(time.perf_counter() - t0)
        inside.append(_browser_ms(frame) or float("nan"))
    _row(
        results,
        f"{tag} weight slider -> re-scored map repainted",
        total[1:],
        note="Methode, Amersfoort, incl. re-scoring 1000 draws",
    )
    _row(
        results,
        f"{tag}   of which in the browser (Amersfoort)",
        inside[1:],
        target=TARGETS["weight"],
    )


def _national_restyle(shared: Path, results: list, national_geometry) -> None:
    """The national map on the component page: first paint, then restyles (new values)."""
    import json

    import numpy as np
    import pandas as pd
    from playwright.sync_api import sync_playwright

    from models import score_buurten
    from tests.appserver import CHROMIUM_ARGS
    from tests.national import national_frame
    from wijkradar.profiles import shipped_profile
    from wijkradar.render.livemap import live_args, live_geometry
    from wijkradar.render.maps import FRONTEND_DIR, MapValues, map_geometry

    geo = national_geometry(shared)
    frame = national_frame(shared)
    joined = geo.join(frame, how="left")
    geometry = map_geometry(
        joined.assign(buurtnaam=joined["statnaam"])[["buurtnaam", "wijkcode", "geometry"]],
        tolerance=150.0,
    )
    profile = shipped_profile("kansrijke-wijk")
    scores = score_buurten(joined.drop(columns="geometry"), profile, seed=1, draws=0)
    live = live_geometry(geometry, labels=False)
    leaflet = ROOT / "node_modules" / "leaflet" / "dist"
    rng = np.random.default_rng(1)

    folder = Path(tempfile.mkdtemp())
    geometry_file = folder / f"{live.key}.json"  # fetched by the page, as the app serves it
    geometry_file.write_text(live.text, encoding="utf-8")

    def args(values: pd.Series, k: int) -> dict:
        mv = MapValues(
            title="Prioriteitsscore",
            unit="0-100",
            frame=pd.DataFrame(
                {
                    "value": values,
                    "status": np.where(values.notna(), "waarde", "geen_score"),
                    "label": values.round(1).astype(str),
                },
                index=values.index,
            ),
        )
        return live_args(
            live,
            geometry,
            mv,
            geometry_url=geometry_file.as_uri(),
            leaflet_js=(leaflet / "leaflet.js").as_uri(),
            leaflet_css=(leaflet / "leaflet.css").as_uri(),
            wijken=False,
            labels=False,
            k=k,
        )

    score = scores["score"].reindex(geometry.index)
    first = args(score, 5)
    restyles = [
        args(score + rng.normal(0, 5, len(score)) * score.notna(), 5 + i % 3) for i in range(6)
    ]
    # as Streamlit does: JSON text parsed in the page, then posted to the component
    post = "(a) => window.postMessage({type: 'streamlit:render', args: JSON.parse(a)}, '*')"
    wait = "(v) => document.body.dataset.wrVersie === v"
    paint, total, inside = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[*CHROMIUM_ARGS, "--allow-file-access-from-files"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((FRONTEND_DIR / "index.html").as_uri())
        t0 = time.perf_counter()
        page.evaluate(post, json.dumps(first))
        page.wait_for_function(wait, arg=first["version"], timeout=300_000)
        paint.append(time.perf_counter() - t0)
        n = page.locator("path.wr-buurt").count()
        for a in restyles:
            text = json.dumps(a)
            size = len(text)
            t0 = time.perf_counter()
            page.evaluate(post, text)
            page.wait_for_function(wait, arg=a["version"], timeout=300_000)
            total.append(time.perf_counter() - t0)
            inside.append(float(page.evaluate("() => document.body.dataset.wrMs")) / 1000)
        browser.close()
    geometry_file.unlink()
    folder.rmdir()
    _row(results, "[live map] national map first paint (component)", paint, note=f"{n} buurten")
    _row(
        results,
        "[live map] national restyle, new values + classes",
        total,
        target=TARGETS["weight_nl"],
        note=f"message {size / 1e6:.2f} MB JSON (values only)",
    )
    _row(results, "[live map]   of which in the live map", inside, target=TARGETS["weight_nl"])


#: The framework's floor: a Streamlit app that only writes one line of text.
_FLOOR_APP = 'import streamlit as st\n\nst.write("Wijkradar-vloer")\n'


def _streamlit_floor(results: list, *, runs: int = 3) -> None:
    """What Streamlit itself costs a visitor: an app that writes one line, in the same browser.

    The same server start (``streamlit run``, Wijkradar's ``.streamlit/config.toml``), browser,
    viewport and waits as the Kaart rows,
    so the two are comparable: cold start -> the line painted, and a second visitor. The
    difference between these rows and the map rows is what Wijkradar adds.
    """
    from playwright.sync_api import sync_playwright

    from tests.appserver import CHROMIUM_ARGS, running_app

    cold, warm = [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        app = Path(tmp) / "vloer.py"
        app.write_text(_FLOOR_APP, encoding="utf-8")
        (Path(tmp) / ".streamlit").mkdir()  # the same server configuration as Wijkradar's
        (Path(tmp) / ".streamlit" / "config.toml").write_bytes(
            (ROOT / ".streamlit" / "config.toml").read_bytes()
        )
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for attempt in range(runs):
            t0 = time.perf_counter()
            with running_app(
                {}, Path(tmp) / f"vloer-{attempt}.log", cwd=Path(tmp), app=app
            ) as base:
                for samples in (cold, warm):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    if samples is warm:
                        t0 = time.perf_counter()
                    page.goto(base + "/", wait_until="domcontentloaded")
                    page.get_by_text("Wijkradar-vloer").wait_for(timeout=120_000)
                    samples.append(time.perf_counter() - t0)
                    page.close()
        browser.close()
    _row(results, "[streamlit alone] cold server start -> text painted", cold, note="floor")
    _row(results, "[streamlit alone] second visitor -> text painted", warm, note="floor")


def bench_browser(srv, settings, results: list, shared: Path, national_geometry) -> None:
    """All browser-side timings; with ``WIJKRADAR_BENCH_BASELINE`` also for that version.

    ``srv`` is the loopback server, ``settings`` point at it and at a data folder that already
    holds Amersfoort, ``national_geometry(shared)`` loads the national buurt polygons.
    """
    if not Path("/usr/bin/chromium").exists():
        print("browser timings skipped: /usr/bin/chromium not installed")
        return
    env = {
        **srv.env(),
        "WIJKRADAR_DATA_DIR": str(settings.data_dir),
        "WIJKRADAR_HTTP_RETRIES": "0",
    }
    fills = _expected_fills(settings, [3, 4, 5])
    apps = [_App("live map", ROOT, env)]
    baseline = os.environ.get("WIJKRADAR_BENCH_BASELINE")
    with tempfile.TemporaryDirectory() as tmp:
        if baseline:
            apps.insert(0, _App(f"baseline {baseline}", _unpack(baseline, Path(tmp)), env))
        for app in apps:
            _measure_app(app, settings, fills, results, cold_runs=3)
    _streamlit_floor(results)
    _national_restyle(shared, results, national_geometry)


def main() -> int:
    """Only the browser timings (``python bench/browser.py``); results in bench/browser.json."""
    import json

    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from run import national_geometry

    from tests.loopback import LoopbackServer, build_data, shared_data_dir
    from wijkradar.config import Settings
    from wijkradar.pipeline import fetch_gemeente

    shared = shared_data_dir()
    results: list = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        LoopbackServer(build_data(shared), page_size=10_000) as srv,
    ):
        s = Settings.from_env({**srv.env(), "WIJKRADAR_DATA_DIR": tmp})
        fetch_gemeente("GM0307", settings=s)
        bench_browser(srv, s, results, shared, national_geometry)
    (ROOT / "bench" / "browser.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
