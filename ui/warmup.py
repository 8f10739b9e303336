"""Server start-up: load the app's modules and the default view while Streamlit boots.

``wijkradar app`` (:func:`wijkradar.launch.run_app`) runs :func:`preload` in a background
thread of the server process, so the first visitor does not wait for it:

1. the modules ``app.py`` and the default page (Kaart) import: pandas, geopandas, folium, the
   pages' helpers (about 2 s of a cold start), while Streamlit starts its server and the
   browser loads Streamlit's frontend;
2. a garbage-collector freeze of those long-lived objects (``gc.freeze``): Streamlit runs a
   full collection after every script run (``runner.postScriptGC``), which otherwise walks
   every object of every loaded module each time (about 0.1 s per rerun);
3. the caches of the view a visitor without a link gets (default gemeente, year and profile):
   the gemeente list, the loaded and scored gemeente (with its Monte Carlo intervals), the
   map geometry and the live map's geometry file. Only from the data folder's cache: nothing
   is fetched from the sources at start-up.

Everything goes through the same cached functions as a page, with the same arguments, so a
visitor's script run finds these entries. A failure is logged and otherwise ignored: the
visitor's own run then does the work, as without the preload.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import threading
import time
from pathlib import Path

__all__ = ["preload", "page_modules"]

log = logging.getLogger(__name__)

#: Name of the preload thread (its "missing ScriptRunContext" warnings are expected).
THREAD_NAME = "wijkradar-preload"
_APP = Path(__file__).resolve().parents[1]
#: Streamlit's logger of "missing ScriptRunContext" (expected outside a script run).
_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def page_modules(*scripts: Path) -> list[str]:
    """The modules imported at the top level of ``scripts`` (page files, ``app.py``), in order.

    Parameters
    ----------
    *scripts : Path
        Python files of the app (read, not executed).

    Returns
    -------
    list of str
        Absolute module names, without duplicates (``from x import y`` gives ``x``, and
        ``x.y`` too when that is a module).
    """
    names: list[str] = []
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                if node.module == "__future__":
                    continue
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(names))


def _default_pages(app: Path) -> list[Path]:
    """``app.py`` and the page it opens by default (``st.Page(..., default=True)``)."""
    tree = ast.parse(app.read_text(encoding="utf-8"))
    pages = [app]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and any(
                k.arg == "default" and isinstance(k.value, ast.Constant) and k.value.value
                for k in node.keywords
            )
        ):
            pages.append(app.parent / str(node.args[0].value))
    return pages


def _import_all(names: list[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # ``from x import function``: x.function is not a module
            continue
        except Exception:  # noqa: BLE001 - the visitor's own run imports it again
            log.debug("preload: import %s failed", name, exc_info=True)


def _wait_for_runtime(timeout: float) -> bool:
    """Until Streamlit's runtime (and with it the shared cache storage) exists."""
    from streamlit import runtime

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if runtime.exists():
            return True
        time.sleep(0.05)
    return False


def _warm_default_view() -> None:
    """Fill the caches of the default view, as :func:`ui.common.view` and the Kaart page do."""
    from geo.gemeente import cache_path
    from models import profile_yaml
    from ui import cached, livemap, state
    from wijkradar import Settings
    from wijkradar.profiles import resolve_profile

    settings = Settings.from_env()  # a visitor without a link: not the voorbeeldgemeente
    gm, jaar = state.DEFAULTS["gemeente"], int(state.DEFAULTS["jaar"])
    cached.gemeenten(jaar)
    url = settings.tile_url(settings.basemap)
    if url:
        cached.basemap_ok(url)
    if not cache_path(settings.data_dir, gm, jaar).exists():
        return  # nothing is fetched at start-up
    data = cached.load(gm, jaar)
    text = profile_yaml(resolve_profile(state.DEFAULTS["profiel"], settings))
    cached.score(data.gemeentecode, data.jaar, text, data.created)
    livemap.warm(data)


class _PreloadThreadFilter(logging.Filter):
    """Drop Streamlit's "missing ScriptRunContext" warnings of the preload thread only."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD_NAME


def preload(app: Path = _APP / "app.py", *, timeout: float = 120.0) -> None:
    """Import the default page's modules, freeze them for the GC, warm the default view.

    Runs in a background thread of the server (:func:`wijkradar.launch.run_app`); see the
    module docstring. Never raises.

    Parameters
    ----------
    app : Path
        The app's main script (its pages are found next to it).
    timeout : float
        Seconds to wait for Streamlit's runtime before giving up on warming the caches.
    """
    started = time.perf_counter()
    logging.getLogger(_CONTEXT_LOGGER).addFilter(_PreloadThreadFilter())
    try:
        if not _wait_for_runtime(timeout):  # the server first: the browser can start
            return
        _import_all(page_modules(*_default_pages(app)))
        gc.collect()
        gc.freeze()  # module-level objects live as long as the server
        imported = time.perf_counter() - started
        _warm_default_view()
        log.info(
            "preload: modules in %.1f s, default view ready after %.1f s",
            imported,
            time.perf_counter() - started,
        )
    except Exception:  # noqa: BLE001 - a visitor's run does the work then
        log.warning("preload of the default view failed", exc_info=True)


def start(app: Path = _APP / "app.py") -> threading.Thread:
    """Run :func:`preload` in a daemon thread; returns the thread."""
    thread = threading.Thread(target=preload, args=(app,), name=THREAD_NAME, daemon=True)
    thread.start()
    return thread
