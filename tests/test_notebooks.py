"""The analyst notebooks run top to bottom against the loopback sources, and hand their
profile to the app unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
APP = str(ROOT / "app.py")


def test_notebooks_exist_and_are_stripped():
    names = [p.name for p in NOTEBOOKS]
    assert {
        "01-indicatoren-verkennen.ipynb",
        "02-scoring-verfijnen.ipynb",
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
        assert "._" not in code.replace("._odata", "x"), f"{path.name}: only public API"


@pytest.fixture(scope="module")
def notebook_env(loopback_data, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("nbdata")
    with LoopbackServer(loopback_data) as srv:
        yield {**srv.env(), "WIJKRADAR_DATA_DIR": str(data_dir), "MPLBACKEND": "Agg"}


def _execute(path: Path, env: dict[str, str], monkeypatch, workdir: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, notebook_env, monkeypatch, tmp_path):
    _execute(path, notebook_env, monkeypatch, tmp_path)


def test_profile_from_notebook_02_gives_the_same_ranks_in_the_app(
    notebook_env, monkeypatch, tmp_path
):
    _execute(ROOT / "notebooks" / "02-scoring-verfijnen.ipynb", notebook_env, monkeypatch, tmp_path)
    data_dir = Path(notebook_env["WIJKRADAR_DATA_DIR"])
    name = "kansrijke-wijk-sociaal"
    assert (data_dir / "profiles" / f"{name}.yaml").is_file()
    notebook = pd.read_csv(data_dir / "exports" / f"{name}-notebook.csv", index_col="buurtcode")

    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["gemeente"] = "GM0307"
    at.query_params["profiel"] = name
    at.run()
    at.switch_page("ui/methode.py")
    at.run()
    assert not at.exception
    assert [s.value for s in at.sidebar.selectbox if s.label == "Scoringsprofiel"] == [name]
    assert not at.error
    sociaal = [s for s in at.slider if s.label == "Domein Sociaal"]
    assert sociaal and sociaal[0].value == 2.0
    preview = at.dataframe[0].value  # the Methode page's top of the ranking
    assert len(preview) == 15
    for code, rank in preview["Rang"].items():
        assert notebook.loc[code, "rank"] == rank

    at.switch_page("ui/ranglijst.py")
    at.run()
    app_ranks = at.dataframe[0].value["rank"]
    pd.testing.assert_series_equal(
        app_ranks.sort_index(), notebook["rank"].sort_index(), check_names=False
    )
