"""Wijkradar Streamlit app (Dutch UI): navigation and the sidebar; pages live in ``ui/``."""

from __future__ import annotations

import streamlit as st

from ui import sidebar, state
from ui.a11y import dutch_document
from wijkradar.errors import WijkradarError, error_message
from wijkradar.escape import markdown_text

st.set_page_config(layout="wide")

PAGES = [
    st.Page("ui/kaart.py", title="Kaart", default=True),
    st.Page("ui/ranglijst.py", title="Ranglijst"),
    st.Page("ui/werklijst.py", title="Werklijst"),
    st.Page("ui/buurtprofiel.py", title="Buurtprofiel"),
    st.Page("ui/vergelijken.py", title="Vergelijken"),
    st.Page("ui/verandering.py", title="Verandering"),
    st.Page("ui/indexen.py", title="Andere indexen"),
    st.Page("ui/initiatieven.py", title="Initiatieven en wijkteams"),
    st.Page("ui/notities.py", title="Buurtnotities"),
    st.Page("ui/gebieden.py", title="Eigen gebieden"),
    st.Page("ui/methode.py", title="Methode"),
    st.Page("ui/uitleg.py", title="Uitleg"),
]

page = st.navigation(PAGES)
# one title per page (WCAG 2.4.2): "Kaart · Wijkradar", "Ranglijst · Wijkradar", ...
st.set_page_config(page_title=f"{page.title} · Wijkradar")
dutch_document()
# the URL into the session, then the sidebar, drawn once for every page
state.bootstrap()
sidebar.draw()
state.publish()
try:
    page.run()
except WijkradarError as exc:  # the edge: a data or input problem shows its Dutch message only
    st.error(f"Dit kan nu niet worden getoond: {markdown_text(error_message(exc))}")
