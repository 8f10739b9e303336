"""The server start-up preload (ui/warmup.py) and how ``wijkradar app`` starts it."""

from __future__ import annotations

from pathlib import Path

from tests.appserver import ROOT
from ui.warmup import _default_pages, page_modules
from wijkradar.launch import start_preload


def test_default_pages_are_the_main_script_and_the_kaart_page():
    assert _default_pages(ROOT / "app.py") == [ROOT / "app.py", ROOT / "ui" / "kaart.py"]


def test_page_modules_are_what_the_default_page_imports(tmp_path):
    names = page_modules(*_default_pages(ROOT / "app.py"))
    assert {"streamlit", "ui.sidebar", "ui.livemap", "wijkradar.render.maps"} <= set(names)
    assert "__future__" not in names
    assert len(names) == len(set(names))
    script = tmp_path / "page.py"
    script.write_text(
        "from __future__ import annotations\nimport json, os.path\nfrom ui import common\n"
        "from .x import y\ndef f():\n    import pandas\n",
        encoding="utf-8",
    )
    # top level only (a function's import is not preloaded), relative imports skipped
    assert page_modules(script) == ["json", "os.path", "ui", "ui.common"]


def test_launcher_preloads_only_an_app_that_has_the_preload(tmp_path):
    script = tmp_path / "app.py"
    script.write_text("", encoding="utf-8")
    assert start_preload(script) is False
    assert (Path(ROOT) / "ui" / "warmup.py").is_file()
