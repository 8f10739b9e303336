"""The server start-up preload (ui/warmup.py) and how ``wijkradar app`` starts it."""

from __future__ import annotations

import time
from pathlib import Path

from tests.appserver import ROOT, launcher_command, running_app
from tests.conftest import app_env_of
from tests.loopback import LoopbackServer
from ui.warmup import _default_pages, page_modules
from wijkradar import Settings
from wijkradar.launch import start_preload
from wijkradar.pipeline import fetch_gemeente


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


def test_wijkradar_app_prepares_the_default_view_at_start(loopback_data, tmp_path):
    """The server itself (``wijkradar app``) loads, scores and draws GM0307 before a visit."""
    with LoopbackServer(loopback_data) as srv:
        env = app_env_of(srv, tmp_path / "data")
        fetch_gemeente("GM0307", settings=Settings.from_env(env))
        log = tmp_path / "app.log"
        with running_app(env, log, command=launcher_command, timeout=120):
            deadline = time.monotonic() + 120
            while "voorbereid" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
    text = log.read_text(errors="replace")
    assert "standaardweergave GM0307 (2024) klaar" in text, text[-2000:]
    assert "Traceback" not in text
    assert "missing ScriptRunContext" not in text  # the preload thread's own, filtered


def test_wijkradar_app_does_not_fetch_at_start(loopback_data, tmp_path):
    with LoopbackServer(loopback_data) as srv:
        env = app_env_of(srv, tmp_path / "data")
        log = tmp_path / "app.log"
        with running_app(env, log, command=launcher_command, timeout=120):
            deadline = time.monotonic() + 120
            while "voorbereid" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
    assert "GM0307 (2024) staat nog niet in de cache" in log.read_text(errors="replace")
    assert not list((tmp_path / "data").rglob("*.parquet"))
