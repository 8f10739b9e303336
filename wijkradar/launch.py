"""``wijkradar app``: start the Streamlit app from the installed package, from any folder.

The app's main script is ``app.py`` with the pages in ``ui/`` of a source checkout or editable
install, and their copy in ``wijkradar/_app/`` of an installed wheel (``setup.py`` puts it
there, with ``static/`` and ``.streamlit/config.toml`` beside it, as Streamlit expects). The
script is located by file, not imported: the application layer does not import the pages.
Streamlit is imported only when the app starts, so ``wijkradar --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from geo.errors import WijkradarError

__all__ = [
    "AppNotFoundError",
    "run_app",
    "start_preload",
    "app_script",
    "streamlit_argv",
    "DEFAULT_PORT",
    "DEFAULT_ADDRESS",
]

DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "127.0.0.1"


class AppNotFoundError(WijkradarError):
    """The app's main script is not where the installation should have put it."""


def app_script() -> Path:
    """Path of the Streamlit main script of this installation.

    Returns
    -------
    Path
        ``wijkradar/_app/app.py`` of an installed wheel, else ``app.py`` of the checkout.

    Raises
    ------
    AppNotFoundError
        When neither exists with its ``ui`` folder (a broken installation).
    """
    here = Path(__file__).resolve().parent
    candidates = (here / "_app" / "app.py", here.parent / "app.py")
    for script in candidates:
        if script.is_file() and (script.parent / "ui").is_dir():
            return script
    looked = " and ".join(str(c) for c in candidates)
    raise AppNotFoundError(
        f"de app ontbreekt in deze installatie (gezocht: {looked}); installeer Wijkradar "
        "opnieuw (pip install --force-reinstall wijkradar-<versie>.whl)"
    )


def streamlit_argv(script: Path, *, port: int, address: str) -> list[str]:
    """Arguments for ``streamlit`` that run ``script`` as a server without a browser.

    Parameters
    ----------
    script : Path
        The main script (see :func:`app_script`).
    port : int
        TCP port to listen on.
    address : str
        Address to bind: ``127.0.0.1`` for one user, ``0.0.0.0`` in a container.

    Returns
    -------
    list of str
        ``["streamlit", "run", script, "--server.port", ...]``.
    """
    return [
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.enableStaticServing",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def start_preload(script: Path) -> bool:
    """Start the app's preload (``ui/warmup.py`` next to ``script``) in a background thread.

    The thread imports what the default page needs and fills the caches of the default
    view while Streamlit starts its server, so the first visitor does not wait for it (see
    ``ui/warmup.py``). The app's folder goes first on ``sys.path``, as Streamlit puts it
    for the app, so the pages find the modules already imported.

    Parameters
    ----------
    script : Path
        The app's main script (:func:`app_script`).

    Returns
    -------
    bool
        Whether the preload was started (False when the app has no ``ui/warmup.py``).
    """
    folder = script.resolve().parent
    if not (folder / "ui" / "warmup.py").is_file():
        return False
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    import importlib

    warmup = importlib.import_module("ui.warmup")
    warmup.start(script.resolve())
    return True


def run_app(*, port: int, address: str, data_dir: Path | None = None, preload: bool = True) -> int:
    """Run the Streamlit app until it stops; the exit code.

    ``data_dir`` defaults to ``WIJKRADAR_DATA_DIR``, else
    :func:`~wijkradar.config.default_data_dir`.

    Parameters
    ----------
    port : int
        The port to listen on.
    address : str
        The address to listen on (``127.0.0.1``: this computer only).
    data_dir : Path, optional
        The data folder; created when missing.
    preload : bool
        Import the pages' modules and warm the default view in the background while the
        server starts (:func:`start_preload`).

    Returns
    -------
    int
        Streamlit's exit code.

    Raises
    ------
    WijkradarError
        ``data_dir`` is a file.
    """
    script = app_script()
    if data_dir is not None:
        data_dir = data_dir.expanduser().resolve()
    elif os.environ.get("WIJKRADAR_DATA_DIR"):
        data_dir = Path(os.environ["WIJKRADAR_DATA_DIR"]).expanduser().resolve()
    else:
        from .config import default_data_dir

        data_dir = default_data_dir()
    if data_dir.exists() and not data_dir.is_dir():
        raise WijkradarError(f"--data-map {data_dir} is een bestand, geen map")
    data_dir.mkdir(parents=True, exist_ok=True)
    # the app and every Streamlit worker read the settings from the environment
    os.environ["WIJKRADAR_DATA_DIR"] = str(data_dir)
    print(f"Wijkradar: http://{address}:{port} (datamap {data_dir})", flush=True)

    from streamlit.web import cli as streamlit_cli

    if preload:
        start_preload(script)
    sys.argv = streamlit_argv(script, port=port, address=address)
    try:
        streamlit_cli.main(prog_name="streamlit")
    except SystemExit as exc:  # click ends with SystemExit, also on success
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
