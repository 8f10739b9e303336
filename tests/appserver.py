"""Start the real Streamlit app on 127.0.0.1 (for browser tests and the load benchmark)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
#: Chromium flags for a machine without network (see the env docs).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launcher_command(port: int) -> list[str]:
    """``wijkradar app`` of this interpreter on 127.0.0.1:``port``, as users start the app."""
    return [sys.executable, "-m", "wijkradar", "app", "--poort", str(port), "--adres", "127.0.0.1"]


@contextlib.contextmanager
def running_app(
    env: Mapping[str, str],
    log_path: Path,
    *,
    timeout: float = 60,
    command: Callable[[int], list[str]] | None = None,
    cwd: Path = ROOT,
    inherit_env: bool = True,
    app: Path = ROOT / "app.py",
) -> Iterator[str]:
    """Run the app with ``env`` added; yield its base URL; stop it after.

    By default ``streamlit run app.py`` of this checkout (``app`` names another main script); ``command(port)`` gives another
    command line (e.g. ``wijkradar app`` of an installed wheel), ``inherit_env=False`` runs it
    with ``env`` alone.
    """
    port = free_port()
    if command is None:
        argv = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ]
    else:
        argv = command(port)
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **env} if inherit_env else dict(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if requests.get(f"{base}/_stcore/health", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = log_path.read_text(errors="replace")
                    raise RuntimeError(f"streamlit did not start:\n{out[-3000:]}")
                time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
