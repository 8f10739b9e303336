"""Wijkradar Streamlit app (Dutch UI): navigation only; pages live in ``ui/``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Wijkradar", layout="wide")

# The pages are in ui/ beside this file in a checkout; an installed wheel runs the copy ui/app.py
# (see setup.py), whose own folder holds them.
UI = Path(__file__).resolve().parent
UI = UI / "ui" if (UI / "ui" / "kaart.py").is_file() else UI
PAGES = [
    st.Page(UI / "kaart.py", title="Kaart", default=True),
    st.Page(UI / "ranglijst.py", title="Ranglijst"),
    st.Page(UI / "werklijst.py", title="Werklijst"),
    st.Page(UI / "buurtprofiel.py", title="Buurtprofiel"),
    st.Page(UI / "vergelijken.py", title="Vergelijken"),
    st.Page(UI / "initiatieven.py", title="Initiatieven en wijkteams"),
    st.Page(UI / "methode.py", title="Methode"),
]

st.navigation(PAGES).run()
