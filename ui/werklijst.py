"""Werklijst: a shortlist of buurten for buurtnetwerkers (printable A4 page and CSV)."""

from __future__ import annotations

import streamlit as st

from geo.registry import RegistryError
from ui import cached, common, downloads, state
from wijkradar.escape import markdown_text as md
from wijkradar.render.format import plural
from wijkradar.werklijst import CSV_COLUMNS, worklist, worklist_csv, worklist_html

v = common.scored_view("Werklijst")
st.caption(
    "Een lijst om mee te nemen: per buurt de rang, waarom de buurt hoog staat, het wijkteam, "
    "de initiatieven in de buurt en het dichtstbijzijnde informatiepunt, met ruimte voor "
    "aantekeningen."
)

n_scored = int((~v.scores["te_klein"].astype(bool) & v.scores["rang"].notna()).sum())
state.init_widget("wl_top", "top", range(1, n_scored + 1), min(10, n_scored))
# another gemeente: keep the chosen number within range and drop buurten of the old one
st.session_state["wl_top"] = max(1, min(int(st.session_state["wl_top"]), max(n_scored, 1)))
st.session_state["wl_keuze"] = [
    c for c in st.session_state.get("wl_keuze", []) if c in v.data.buurten.index
]
with st.container(horizontal=True):
    top = st.number_input(
        "Aantal buurten (de hoogste in de ranglijst)",
        min_value=1,
        max_value=max(n_scored, 1),
        step=1,
        key="wl_top",
    )
    chosen = st.multiselect(
        "Of kies zelf buurten",
        v.buurt_options(),
        format_func=v.buurt_name,
        placeholder="Kies buurten (leeg = de hoogste in de ranglijst)",
        key="wl_keuze",
    )
state.put("top", None if int(top) == 10 else int(top))
state.publish()

tables = None
try:
    tables = cached.registry().tables()
except RegistryError as exc:
    st.warning(
        f"Het register is niet bereikbaar ({md(exc)}); wijkteams, initiatieven en locaties "
        "ontbreken in de werklijst."
    )
rows = worklist(v.data, v.scores, tables, top=int(top), codes=chosen or None)
if rows.empty:
    st.info("Geen buurten met een score in deze keuze.")
    st.stop()

st.header(plural(len(rows), "buurt", "buurten"), anchor=False)
shown = rows[[c for c in CSV_COLUMNS if c not in ("buurtcode", "notities")]].rename(
    columns=CSV_COLUMNS
)
st.dataframe(shown, hide_index=True, width="stretch")
name = f"werklijst-{v.data.gemeentecode}-{v.profile.name}-{len(rows)}"
with st.container(horizontal=True):
    st.download_button(
        "Printbare werklijst (HTML, A4)",
        worklist_html(rows, v.data, profile_name=v.profile.name),
        file_name=f"{name}.html",
        mime="text/html",
        on_click="ignore",
    )
    downloads.csv_download("Werklijst als CSV (Excel)", worklist_csv(rows), f"{name}.csv")
with st.expander("Voorbeeld van de printbare werklijst", expanded=True):
    # in its own frame, so the page's print styles stay out of the app
    st.iframe(worklist_html(rows, v.data, profile_name=v.profile.name), height=640)
