"""The analyst notebooks run top to bottom against the loopback sources with an image backend,
every plot cell draws a figure, and the profile of notebook 02 reaches the app.

Executed copies are saved to ``tests/artifacts/notebooks/`` (git-ignored) for a look at the
figures. Notebook 02 runs as Jupyter runs it: the kernel starts in ``notebooks/`` and
``WIJKRADAR_DATA_DIR`` is not set. So that this writes nothing into this checkout's ``data/``,
it runs in a copy of the checkout; the app is then started from the copy's root, also without
``WIJKRADAR_DATA_DIR``, and must list the profile.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = ROOT / "tests" / "artifacts" / "notebooks"
NB02 = "02-scoring-verfijnen.ipynb"
PROFILE = "kansrijke-wijk-sociaal"
#: The image backend of Jupyter itself: figures become image/png outputs.
INLINE = "module://matplotlib_inline.backend_inline"
#: A code cell that draws: creates a figure or plots a (Geo)DataFrame.
PLOT = re.compile(r"plt\.subplots\(|\.plot\(|\.plot\.\w+\(|\.imshow\(")


def test_notebooks_exist_and_are_stripped():
    names = [p.name for p in NOTEBOOKS]
    assert {
        "01-indicatoren-verkennen.ipynb",
        NB02,
        "03-dekking-en-gaten.ipynb",
        "04-hotspots-en-typen.ipynb",
        "05-validiteit.ipynb",
    } == set(names)
    for path in NOTEBOOKS:
        book = json.loads(path.read_text(encoding="utf-8"))
        first = book["cells"][0]
        assert first["cell_type"] == "markdown" and "Doel:" in "".join(first["source"])
        for cell in book["cells"]:
            assert not cell.get("outputs") and not cell.get("execution_count"), (
                f"{path.name}: outputs not stripped (run `make lint`)"
            )
        code = "\n".join("".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code")
        assert "def " not in code, f"{path.name}: notebooks import the package, no copied functions"
        assert "._" not in code, f"{path.name}: only public API"
        assert PLOT.search(code), f"{path.name}: no figure at all?"


def _execute(path: Path, env: dict[str, str | None], monkeypatch, workdir: Path):
    import nbformat
    from nbclient import NotebookClient

    for k, v in env.items():
        if v is None:
            monkeypatch.delenv(k, raising=False)
        else:
            monkeypatch.setenv(k, v)
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(book, ARTIFACTS / path.name)
    return book


@pytest.fixture(scope="module")
def loopback_env(loopback_data):
    with LoopbackServer(loopback_data) as srv:
        yield {**srv.env(), "MPLBACKEND": INLINE}


def _checkout_copy(dest: Path) -> Path:
    """A copy of the checkout with the code, the app and the notebooks, without data."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "cache", "*.sqlite*", "exports")
    for name in ("wijkradar", "geo", "models", "ui", "notebooks", ".streamlit", "data"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=skip)
    for name in ("app.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    if (ROOT / "node_modules").exists():
        (dest / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    return dest


@pytest.fixture(scope="module")
def executed(loopback_env, tmp_path_factory):
    """Every notebook executed once: 02 in a checkout copy, the others with a data folder."""
    mp = pytest.MonkeyPatch()
    books = {}
    try:
        data_dir = tmp_path_factory.mktemp("nbdata")
        for path in NOTEBOOKS:
            if path.name == NB02:
                continue
            env = {**loopback_env, "WIJKRADAR_DATA_DIR": str(data_dir)}
            books[path.name] = _execute(path, env, mp, path.parent)
        copy = _checkout_copy(tmp_path_factory.mktemp("checkout"))
        env = {
            **loopback_env,
            "WIJKRADAR_DATA_DIR": None,  # as in a fresh Jupyter session
            "PYTHONPATH": str(copy),  # the kernel and the CLI it starts import the copy
        }
        books[NB02] = _execute(copy / "notebooks" / NB02, env, mp, copy / "notebooks")
        books["checkout"] = copy
        books["data_dir"] = data_dir
    finally:
        mp.undo()
    return books


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_every_plot_cell_draws_a_figure(path, executed):
    book = executed[path.name]
    plots = [c for c in book.cells if c.cell_type == "code" and PLOT.search(c.source)]
    assert plots
    for cell in plots:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert images, f"{path.name}: no figure from cell\n{cell.source[:300]}"
    for cell in book.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"
            text = out.get("text", "")
            assert "Traceback" not in text, text


def _stdout(book) -> str:
    return "".join(
        o.get("text", "")
        for c in book.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("output_type") == "stream"
    )


def test_notebooks_print_caveats_coverage_and_n(executed, loopback_env):
    from wijkradar import Settings, data_caveats, load_gemeente

    env = {k: v for k, v in loopback_env.items() if k.startswith("WIJKRADAR_")}
    settings = Settings.from_env({**env, "WIJKRADAR_DATA_DIR": str(executed["data_dir"])})
    caveats = data_caveats(load_gemeente("GM0307", settings=settings))  # the notebooks' cache
    assert len(caveats) >= 2
    for name in NOTEBOOKS:  # data.warnings and the provenance remarks, in every notebook
        if name.name in ("01-indicatoren-verkennen.ipynb", NB02, "03-dekking-en-gaten.ipynb"):
            out = _stdout(executed[name.name])
            for line in caveats:
                assert line in out, f"{name.name} does not print: {line}"
    nb01 = executed["01-indicatoren-verkennen.ipynb"]
    out = _stdout(nb01)
    # data_caveats: what CBS has not published (yet) for Amersfoort in the 2024 table
    assert "pct_armoede: not published (yet)" in out
    assert "publishes no 95% bounds" in out  # a provenance remark
    html = "".join(
        o.get("data", {}).get("text/html", "") for c in nb01.cells for o in c.get("outputs", [])
    )
    assert "aandeel_aanwezig" in html  # the coverage table
    assert "<th>n</th>" in html  # the correlation table shows n
    nb02 = _stdout(executed[NB02])
    assert "Buurten met rang <= 10: 10" in nb02
    out04 = _stdout(executed["04-hotspots-en-typen.ipynb"])
    assert all(line in out04 for line in caveats)
    assert re.search(r"\d{3} scenario's, n = 1[0-4]\d buurten", nb02)  # the sensitivity grid
    for name in ("03-dekking-en-gaten.ipynb", "04-hotspots-en-typen.ipynb"):
        assert "pct_armoede: not published (yet)" in _stdout(executed[name])


_APP_SCRIPT = """
import json, sys
import pandas as pd
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=180)
at.query_params["gemeente"] = "GM0307"
at.query_params["profiel"] = sys.argv[2]
at.run()
at.switch_page("ui/methode.py")
at.run()
box = [s for s in at.sidebar.selectbox if s.label == "Scoringsprofiel"]
out = {
    "exception": [str(e.value) for e in at.exception],
    "error": [str(e.value) for e in at.error],
    "options": list(box[0].options) if box else [],
    "value": box[0].value if box else None,
    "sociaal": [s.value for s in at.slider if s.label == "Domein Sociaal"],
    "preview": at.dataframe[0].value["Rang"].astype(float).to_dict() if at.dataframe else {},
}
at.switch_page("ui/ranglijst.py")
at.run()
out["ranks"] = at.dataframe[0].value["rang"].astype(float).to_dict() if at.dataframe else {}
print("RESULT" + json.dumps(out))
"""


def test_profile_of_notebook_02_is_listed_by_the_app_without_data_dir(executed, loopback_env):
    copy: Path = executed["checkout"]
    saved = copy / "data" / "profiles" / f"{PROFILE}.yaml"
    assert saved.is_file(), "notebook 02 did not save into the checkout's data folder"
    assert not (copy / "notebooks" / "data").exists(), "saved relative to the kernel's cwd"
    printed = _stdout(executed[NB02])
    assert str(saved) in printed and "De app ziet het:" in printed

    env = {k: v for k, v in os.environ.items() if k != "WIJKRADAR_DATA_DIR"}
    env.update({k: v for k, v in loopback_env.items() if v is not None})
    env.update(PYTHONPATH=str(copy), WIJKRADAR_HTTP_RETRIES="0")
    proc = subprocess.run(
        [sys.executable, "-c", _APP_SCRIPT, str(copy / "app.py"), PROFILE],
        cwd=copy,  # the app runs from the repository root
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.split("RESULT", 1)[1])
    assert not result["exception"] and not result["error"], result
    assert PROFILE in result["options"] and result["value"] == PROFILE
    assert result["sociaal"] == [2.0]

    # and the app ranks exactly as the notebook did
    notebook = pd.read_csv(copy / "data" / "exports" / f"{PROFILE}-notebook.csv")
    nb_ranks = notebook.set_index("buurtcode")["rang"]
    assert len(result["preview"]) == 15
    for code, rank in result["preview"].items():
        assert nb_ranks[code] == rank
    app_ranks = pd.Series(result["ranks"], dtype=float)
    pd.testing.assert_series_equal(
        app_ranks.sort_index(), nb_ranks.reindex(app_ranks.index).sort_index(), check_names=False
    )


def test_geopackage_of_notebook_02_reads_back(executed):
    import pyogrio

    gpkg = executed["checkout"] / "data" / "exports" / f"{PROFILE}.gpkg"
    layers = [name for name, _ in pyogrio.list_layers(gpkg)]
    assert layers == ["scores", "indicatoren", "bronnen", "catalogus", "metadata"]
    meta = pyogrio.read_dataframe(gpkg, layer="metadata").set_index("sleutel")["waarde"]
    assert f"name: {PROFILE}" in meta["profiel_yaml"]
    assert len(meta["inhoud_sha256"]) == 64
