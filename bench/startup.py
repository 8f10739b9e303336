"""Start-up benchmark (issue #16, target 2): what the CLI, the packages and each page import.

Every figure comes from a fresh interpreter (a child process), because an import is paid
once per process: in this process everything is loaded already. For each case the child
times the imports alone with ``time.perf_counter`` and reports the modules it loaded and its
peak RSS; the command-line cases are timed as whole processes (spawn to exit), which is
what a user waits for. A page is measured by running the imports at the top of its file
(the page body needs a Streamlit session): that is what a visit to that page adds to the
server's cold start, on top of Streamlit itself (the ``streamlit`` case).

Run alone with ``python bench/startup.py`` or through ``make bench`` (bench/run.py).
"""

from __future__ import annotations

import ast
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["run", "HEAVY"]

#: Modules worth naming when a case loads them (the import chain of the old ui.common).
HEAVY = (
    "pandas",
    "geopandas",
    "sqlalchemy",
    "requests",
    "folium",
    "mapclassify",
    "scipy.stats",
    "matplotlib",
    "libpysal",
    "esda",
    "sklearn",
    "pydantic",
)

_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
exec(compile({code!r}, "<bench>", "exec"))
seconds = time.perf_counter() - t0
heavy = [h for h in {heavy!r} if h in sys.modules]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("@@" + json.dumps({{"s": seconds, "heavy": heavy, "modules": len(sys.modules), "mb": peak}}))
"""


def _child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; its import time, heavy modules and peak RSS."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(code=code, heavy=HEAVY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.rpartition("@@")[2])


def _process(args: list[str]) -> float:
    """Wall time of a whole process, spawn to exit."""
    t0 = time.perf_counter()
    subprocess.run(args, cwd=ROOT, capture_output=True, timeout=300, check=False)
    return time.perf_counter() - t0


def page_imports(path: Path) -> str:
    """The import statements at the top level of a page file, as code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = [
        ast.unparse(node)
        for node in tree.body
        if isinstance(node, ast.Import)
        or (isinstance(node, ast.ImportFrom) and node.module != "__future__")
    ]
    return "\n".join(lines)


def pages() -> list[Path]:
    """The page files app.py navigates to, in its order."""
    names = re.findall(r"""["'](ui/\w+\.py)["']""", (ROOT / "app.py").read_text(encoding="utf-8"))
    return [ROOT / n for n in dict.fromkeys(names)]


def _row(name: str, runs: list[dict], *, target: str = "", note: str = "") -> dict:
    times = [r["s"] for r in runs]
    last = runs[-1]
    row = {
        "name": name,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "repeat": len(runs),
        "target": target,
        "note": note,
        "modules": last.get("modules"),
        "peak_mb": round(last["mb"]) if "mb" in last else None,
        "heavy": last.get("heavy", []),
    }
    heavy = ",".join(row["heavy"]) or "-"
    size = f"{row['peak_mb']:4d} MB" if row["peak_mb"] is not None else "       "
    print(
        f"{name:<48} {row['median_s']:8.3f} s  [{row['min_s']:.3f}-{row['max_s']:.3f}]  "
        f"{target:<12} {size}  {note or heavy}",
        flush=True,
    )
    return row


def run(repeat: int = 3) -> list[dict]:
    """Measure every case ``repeat`` times; returns result rows for bench/results.json."""
    results = []
    exe = sys.executable
    sys.path.insert(0, str(ROOT))
    from wijkradar.cli import COMMANDS  # light: the table of sub-commands only

    processes = [("process: wijkradar --help", [exe, "-m", "wijkradar", "--help"], "< 0.3 s")]
    for command in COMMANDS:  # each builds its own parser; none loads pandas (test_imports)
        args = [exe, "-m", "wijkradar", command, "--help"]
        processes.append((f"process: wijkradar {command} --help", args, "< 0.3 s"))
    processes.append(("process: python -c pass (interpreter alone)", [exe, "-c", "pass"], ""))
    for name, args, target in processes:
        runs = [{"s": _process(args)} for _ in range(repeat)]
        results.append(_row(name, runs, target=target, note="spawn to exit"))
    cases = {
        "import wijkradar.cli": "import wijkradar.cli",
        "wijkradar score --help: its imports": (
            "from wijkradar.cli import main\ntry:\n    main(['score', '--help'])\n"
            "except SystemExit:\n    pass"
        ),
        "import geo": "import geo",
        "import models": "import models",
        "models: every public name": "import models\nfor n in models.__all__: getattr(models, n)",
        "import streamlit (the server itself)": "import streamlit",
        "app.py imports": page_imports(ROOT / "app.py"),
    }
    for path in pages():  # each includes what app.py imports (shared by every page)
        cases[f"page {path.stem}: its imports"] = page_imports(path)
    for name, code in cases.items():
        runs = [_child(code) for _ in range(repeat)]
        results.append(_row(name, runs))
    return results


if __name__ == "__main__":
    run()
