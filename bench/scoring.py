"""Scoring CPU against a plain numpy baseline, and peak memory, each in a clean child process.

``python bench/scoring.py [--no-64k]`` (also part of ``make bench``). Every figure comes from
a fresh ``python -c`` child so that nothing the parent did counts:

- CPU: the child runs with one BLAS/OpenMP thread and ``workers=1`` and reports *process* CPU
  time (``time.process_time``), not wall time, of :func:`models.score_buurten` and of
  ``bench/scoring_baseline.py`` on the same frame, alternating, median of the repeats.
- Memory: the peak resident set of the child's own address space (``VmHWM`` in
  ``/proc/self/status``, reset by ``exec``). ``ru_maxrss`` is not used: Linux carries it over
  ``fork`` and ``exec``, so a child of a big parent reports the parent's peak.

Cases: Amersfoort (GM0307's buurten of the national frame), all NL (``tests/national.py``),
both with 1,000 draws and the health values varied within (synthetic) 95% bounds, and a
64,000-buurt frame (NL tiled four times, values jittered) with 1,000 and 10,000 draws for
memory (the peak must not grow with the draws). The
national pipeline (load + join + score 1,000 draws + local Moran) is measured the same way.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Shared prelude of every child: paths, the frame builders and the peak-memory reader.
PRELUDE = """
import json, os, sys, time
sys.path[:0] = [{root!r}, {bench!r}]
import numpy as np
np.seterr(all="ignore")

def peak_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

def profile():
    import yaml
    from models import ScoringProfile
    text = (__import__("pathlib").Path({root!r}) / "models" / "profiles" / "kansrijke-wijk.yaml")
    return ScoringProfile.model_validate(yaml.safe_load(text.read_text(encoding="utf-8")))

def frame(case):
    import pandas as pd
    from geo.indicators import by_source
    from tests.loopback import shared_data_dir
    from tests.national import national_frame
    nl = national_frame(shared_data_dir())
    if case == "amersfoort":
        nl = nl[nl.index.str.startswith("BU0307")]
    elif case == "64k":
        rng = np.random.default_rng(0)
        parts = []
        for i in range(4):
            part = nl.copy()
            part.index = [f"BU{{i}}{{c[3:]}}" for c in nl.index]
            num = part.columns[part.dtypes == float].drop("inwoners", errors="ignore")
            part[num] = part[num] * rng.normal(1.0, 0.02, (len(part), len(num)))
            parts.append(part)
        nl = pd.concat(parts).iloc[:64000]
    health = [c for c in nl.columns if c in {{i.id for i in by_source("gezondheid")}}]
    lower = nl[health] - 2.0
    return nl, lower, lower + 4.0
"""

CPU_CHILD = """
from models import score_buurten
from scoring_baseline import baseline_scores
nl, lower, upper = frame({case!r})
p = profile()
kw = dict(seed=1, draws={draws}, lower=lower, upper=upper)
times = {{"scoring": [], "baseline": [], "wall_scoring": []}}
for _ in range({repeat}):
    t0, w0 = time.process_time(), time.perf_counter()
    ours = score_buurten(nl, p, workers=1, **kw)
    times["scoring"].append(time.process_time() - t0)
    times["wall_scoring"].append(time.perf_counter() - w0)
    t0 = time.process_time()
    base = baseline_scores(nl, p, **kw)
    times["baseline"].append(time.process_time() - t0)
ours = ours.loc[base.index]
agree = {{
    "n": len(base),
    "score_max_abs_diff": float((ours["score"] - base["score"]).abs().max()),
    "corr_rank_low": float(np.corrcoef(ours["rang_laag"], base["rang_laag"])[0, 1]),
    "corr_rank_high": float(np.corrcoef(ours["rang_hoog"], base["rang_hoog"])[0, 1]),
    "p_top_k_max_abs_diff": float((ours["kans_top"] - base["kans_top"]).abs().max()),
}}
print(json.dumps({{"times": times, "agree": agree}}))
"""

MEMORY_CHILD = """
nl, lower, upper = frame({case!r})
p = profile()
if {baseline!r}:
    from scoring_baseline import baseline_scores as run
    kw = {{}}
else:
    from models import score_buurten as run
    kw = {{"workers": {workers!r}}}
before = peak_mb()
start = rss_mb()
w0, c0 = time.perf_counter(), time.process_time()
out = run(nl, p, seed=1, draws={draws}, lower=lower, upper=upper, **kw)
print(json.dumps({{"peak_mb": peak_mb(), "before_peak_mb": before, "before_rss_mb": start,
                  "wall_s": time.perf_counter() - w0, "cpu_s": time.process_time() - c0,
                  "n": len(nl)}}))
"""

PIPELINE_CHILD = """
import geopandas as gpd
from models import score_buurten
from models.spatial import hotspots
from tests.loopback import shared_data_dir
from tests.national import national_frame, national_geometry
sh = shared_data_dir()
geo = national_geometry(sh)
nl = national_frame(sh)
after_load = peak_mb()
j = geo.join(nl, how="left")
del geo, nl
after_join = peak_mb()
s = score_buurten(j.drop(columns="geometry"), profile(), seed=1, draws=1000)
after_score = peak_mb()
g = gpd.GeoDataFrame({{"score": s["score"]}}, geometry=j.geometry, crs=j.crs)
hotspots(g, "score", permutations=999, seed=1)
print(json.dumps({{"peak_mb": peak_mb(), "after_load": after_load, "after_join": after_join,
                  "after_score": after_score}}))
"""


def child(code: str, *, timeout: int = 3600, **fmt) -> dict:
    """Run ``PRELUDE + code`` in a fresh interpreter on one thread; the JSON it printed last."""
    bench = str(ROOT / "bench")
    source = PRELUDE.format(root=str(ROOT), bench=bench) + code.format(**fmt)
    one = dict.fromkeys(
        ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"), "1"
    )
    out = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **one},
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.3f} s [{min(values):.3f}-{max(values):.3f}]"


def bench_cpu(results: list[dict], case: str, *, draws: int = 1000, repeat: int = 5) -> None:
    """CPU time of the scoring vs the numpy baseline on one core (same child, alternating)."""
    got = child(CPU_CHILD, case=case, draws=draws, repeat=repeat)
    t = got["times"]
    ratios = [a / b for a, b in zip(t["scoring"], t["baseline"], strict=True)]
    ratio = statistics.median(t["scoring"]) / statistics.median(t["baseline"])
    row = {
        "name": f"scoring CPU {case}, {draws} draws, health bounds: scoring / numpy baseline",
        "cpu_scoring_s": t["scoring"],
        "cpu_baseline_s": t["baseline"],
        "wall_scoring_s": t["wall_scoring"],
        "ratio": ratio,
        "ratio_spread": [min(ratios), max(ratios)],
        "target": "<= 1.2x",
        "agreement": got["agree"],
    }
    results.append(row)
    print(f"scoring CPU {case} ({got['agree']['n']} buurten x {draws} draws, one core)")
    print(f"  scoring   CPU {_spread(t['scoring'])}   wall {_spread(t['wall_scoring'])}")
    print(f"  baseline  CPU {_spread(t['baseline'])}")
    print(
        f"  ratio {ratio:.2f}x [{min(ratios):.2f}-{max(ratios):.2f}] (target <= 1.2x); "
        f"agreement: score max diff {got['agree']['score_max_abs_diff']:.1e}, "
        f"corr rang_laag {got['agree']['corr_rank_low']:.4f}, "
        f"rang_hoog {got['agree']['corr_rank_high']:.4f}, "
        f"kans_top max diff {got['agree']['p_top_k_max_abs_diff']:.3f}",
        flush=True,
    )


def bench_memory(
    results: list[dict], case: str, draws: int, *, baseline: bool = False, workers: int = 1
) -> None:
    """Peak RSS of a clean child that scores ``case`` (or runs the baseline)."""
    who = "baseline" if baseline else f"scoring ({workers} worker{'s' * (workers > 1)})"
    got = child(MEMORY_CHILD, case=case, draws=draws, baseline=baseline, workers=workers)
    row = {
        "name": f"peak memory {who}, {case} x {draws} draws",
        **got,
        "scoring_increment_mb": got["peak_mb"] - got["before_rss_mb"],
        "target": "< 1 GB" if case == "64k" else "",
    }
    results.append(row)
    print(
        f"  {who:<22} {case:>10} x {draws:>6} draws: peak {got['peak_mb']:6.0f} MB "
        f"(frame loaded: {got['before_rss_mb']:4.0f} MB; +{row['scoring_increment_mb']:4.0f} MB "
        f"while scoring) CPU {got['cpu_s']:6.1f} s, wall {got['wall_s']:6.1f} s",
        flush=True,
    )


def bench_pipeline_peak(results: list[dict]) -> None:
    """Peak RSS of a clean process: load + join NL, score 1,000 draws, local Moran."""
    got = child(PIPELINE_CHILD)
    results.append(
        {"name": "peak memory, national pipeline in a clean process", **got, "target": "< 400 MB"}
    )
    print(
        f"national pipeline peak (clean process) {got['peak_mb']:6.0f} MB (target < 400 MB); "
        f"after load {got['after_load']:.0f}, join {got['after_join']:.0f}, "
        f"score {got['after_score']:.0f} MB",
        flush=True,
    )


def run(shared: Path | None = None, *, big: bool = True) -> list[dict]:
    """Run the scoring benchmarks (the children read ``shared``); return the result rows."""
    if shared is not None:
        os.environ["WIJKRADAR_SHARED_DATA"] = str(shared)
    results: list[dict] = []
    bench_cpu(results, "amersfoort", repeat=7)
    bench_cpu(results, "nl", repeat=5)
    print("peak memory in clean child processes")
    for baseline in (False, True):
        bench_memory(results, "amersfoort", 1000, baseline=baseline)
        bench_memory(results, "nl", 1000, baseline=baseline)
    if big:  # the rank statistics do not grow with the draws: the peak stays flat
        for draws in (1_000, 10_000):
            bench_memory(results, "64k", draws)
        flat = [r["peak_mb"] for r in results[-2:]]
        results.append(
            {
                "name": "peak memory 64k buurten, 10,000 / 1,000 draws",
                "ratio": flat[1] / flat[0],
                "target": "flat (O(n + chunk))",
            }
        )
        print(f"  64k peak 10,000 / 1,000 draws: {flat[1] / flat[0]:.2f}x (flat: 1.0x)", flush=True)
    bench_pipeline_peak(results)
    return results


if __name__ == "__main__":
    run(big="--no-64k" not in sys.argv)  # prints; bench/run.py writes results.json
