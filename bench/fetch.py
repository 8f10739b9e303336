"""Fetch benchmark (issue #16, target 6): requests, bytes and wall time per ``fetch_gemeente``.

Against the loopback CBS/RIVM/PDOK server (real formats from ../shared/data; 10,000 rows per
OData page like the ODataApi) with an EMULATED latency of ``LATENCY`` seconds per request
(the loopback answers in microseconds; the real services take far longer, so the parallel
gain here is a lower bound). For Amersfoort and Almere:

- cold, one source after the other (``WIJKRADAR_FETCH_WORKERS=1``), as before;
- cold, sources in parallel (the default);
- warm: a second fetch within the TTL of the response cache (0 requests expected);
- ``--vernieuw``: every source asked again;
- the bytes a client without ``$select`` receives for the same requests (the loopback then
  answers every column), overall and for the health table.

Besides the wall time of the whole fetch (sources, join, cache write) each row shows the
*sources phase*: until every source is in and parsed (the progress step "Bronnen koppelen").

Run alone with ``python bench/fetch.py`` or through ``make bench`` (bench/run.py).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.loopback import LoopbackServer, build_data, shared_data_dir  # noqa: E402
from wijkradar.config import Settings  # noqa: E402
from wijkradar.pipeline import fetch_gemeente  # noqa: E402

__all__ = ["run", "LATENCY", "loopback_settings"]

#: Seconds the loopback waits before each answer (emulated network latency).
LATENCY = 0.2
GEMEENTEN = {"GM0307": "Amersfoort", "GM0034": "Almere"}


def loopback_settings(srv: LoopbackServer, data_dir: Path, workers: int = 4) -> Settings:
    """Settings pointing at the loopback server, with their own data folder."""
    return Settings(
        cbs_odata_url=srv.odata_url,
        cbs_dataderden_url=srv.dataderden_url,
        pdok_url=srv.pdok_url,
        data_dir=data_dir,
        fetch_workers=workers,
    )


def _once(srv: LoopbackServer, settings: Settings, gm: str, *, refresh: bool = False) -> dict:
    first = len(srv.sent)
    marks: dict[str, float] = {}

    def progress(_fraction: float, step: str) -> None:
        marks.setdefault(step, time.perf_counter())

    t0 = time.perf_counter()
    data = fetch_gemeente(gm, settings=settings, refresh=refresh, progress=progress)
    wall = time.perf_counter() - t0
    # the sources phase: from the first request until every source is in and parsed
    # (progress says "Bronnen koppelen" when the join starts)
    sources = marks.get("Bronnen koppelen", t0 + wall) - t0
    sent = srv.sent[first:]
    health = sum(n for path, n in sent if "50150NED/TypedDataSet" in path)
    return {**data.fetch_stats, "wall_s": wall, "sources_s": sources, "health_bytes": health}


def _row(name: str, runs: list[dict], note: str = "") -> dict:
    walls = [r["wall_s"] for r in runs]
    sources = statistics.median(r["sources_s"] for r in runs)
    row = {
        "name": name,
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "repeat": len(runs),
        "sources_median_s": sources,
        "requests": runs[-1]["requests"],
        "bytes": runs[-1]["bytes"],
        "cached": runs[-1]["cached"],
        "health_bytes": runs[-1]["health_bytes"],
        "note": note,
    }
    print(
        f"{name:<48} {row['median_s']:8.3f} s  [{row['min_s']:.3f}-{row['max_s']:.3f}]  "
        f"sources {sources:6.3f} s  {row['requests']:>3} requests {row['bytes'] / 1e3:>8.1f} kB  "
        f"{row['cached']:>3} from cache  {note}",
        flush=True,
    )
    return row


def run(shared: Path | None = None, *, repeat: int = 3, latency: float = LATENCY) -> list[dict]:
    """Measure cold/warm/refresh and sequential/parallel fetches; return result rows."""
    shared = shared or shared_data_dir()
    rows: list[dict] = []
    data = build_data(shared)
    with (
        tempfile.TemporaryDirectory() as tmp,
        LoopbackServer(data, page_size=10_000, delay=latency) as srv,
    ):
        base = Path(tmp)
        for gm, name in GEMEENTEN.items():
            lat = f"loopback, {latency * 1e3:.0f} ms emulated latency per request"
            seq = [
                _once(srv, loopback_settings(srv, base / f"seq{gm}{i}", 1), gm)
                for i in range(repeat)
            ]
            rows.append(_row(f"fetch {name}: cold, one by one", seq, lat))
            par = [
                _once(srv, loopback_settings(srv, base / f"par{gm}{i}", 4), gm)
                for i in range(repeat)
            ]
            rows.append(_row(f"fetch {name}: cold, parallel", par, lat))
            warm_settings = loopback_settings(srv, base / f"par{gm}0", 4)
            warm = [_once(srv, warm_settings, gm) for _ in range(repeat)]
            rows.append(_row(f"fetch {name}: warm (within TTL)", warm, "target: 0 requests"))
            again = [_once(srv, warm_settings, gm, refresh=True) for _ in range(repeat)]
            rows.append(_row(f"fetch {name}: --vernieuw", again, "every source asked again"))
            srv.honour_select = False
            try:
                full = [_once(srv, loopback_settings(srv, base / f"full{gm}", 4), gm)]
            finally:
                srv.honour_select = True
            base_row = _row(f"fetch {name}: cold, without $select", full, "baseline bytes")
            rows.append(base_row)
            sel = par[-1]
            saved = 1 - sel["bytes"] / full[-1]["bytes"]
            saved_h = 1 - sel["health_bytes"] / full[-1]["health_bytes"]
            speed = statistics.median(r["sources_s"] for r in seq) / statistics.median(
                r["sources_s"] for r in par
            )
            print(
                f"  {name}: $select saves {saved:.0%} of all bytes, {saved_h:.0%} of the health "
                f"table ({full[-1]['health_bytes'] / 1e3:.0f} -> {sel['health_bytes'] / 1e3:.0f}"
                f" kB); sources phase {speed:.1f}x faster in parallel than one by one; warm fetch "
                f"{warm[-1]['requests']} requests"
            )
            rows[-4]["bytes_saved_by_select"] = saved
            rows[-4]["health_bytes_saved_by_select"] = saved_h
            rows[-4]["speedup_vs_sequential"] = speed
    return rows


if __name__ == "__main__":
    run()
