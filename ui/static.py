"""The app's ``static/`` folder (Leaflet), where Streamlit serves it from."""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def static_dir() -> Path:
    """The app's ``static/`` folder (Streamlit serves it at ``/app/static``).

    Streamlit serves the ``static/`` folder next to the main script: the project root in a
    checkout, ``wijkradar/_app`` in an installed wheel (Leaflet already there, see setup.py).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    main = Path(ctx.main_script_path) if ctx else Path(__file__).resolve().parents[1] / "app.py"
    return main.resolve().parent / "static"


def static_url() -> str:
    """URL path of the static folder, honouring ``server.baseUrlPath``."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static" if base else "/app/static"
