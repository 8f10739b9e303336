"""Kaart: choropleth of the priority score, a domain score or a single indicator."""

from __future__ import annotations

from datetime import date

import streamlit as st

from models import coverage_summary
from ui import cached, common, labels, state
from ui.a11y import SKIP_TARGET, skip_link
from ui.livemap import live_map
from ui.mapsetup import map_setup
from wijkradar.dataversion import data_version, data_version_label
from wijkradar.escape import markdown_text as md
from wijkradar.render.format import fmt_date, fmt_datetime, fmt_percent
from wijkradar.render.maps import (
    PALETTES,
    SCHEMES,
    build_map,
    cluster_summary,
    map_table,
    map_values,
    standalone_html,
)

v = common.scored_view("Kaart")
cov = coverage_summary(v.scores)
st.caption(
    f"{md(v.data.gemeentenaam)} ({md(v.data.gemeentecode)}), indeling {v.data.jaar}, "
    f"profiel {md(v.profile.name)}. Dekking: {fmt_percent(cov['dekking'])} van het gewicht "
    "rust op gepubliceerde cijfers van de buurten zelf"
    + (" (onder 50%: de score zegt hier weinig)." if cov["onder_drempel"] else ".")
)

domain_cols = [c for c in v.scores.columns if c.startswith("domein__")]
options = ["score", *domain_cols, *v.data.indicator_ids]


def _label(col: str) -> str:
    if col == "score":
        return "Prioriteitsscore"
    if col.startswith("domein__"):
        return f"Domein: {col.removeprefix('domein__')}"
    return f"Indicator: {v.label(col)}"


wanted = state.get("kaart", "score")
BASEMAPS = {"pdok": "PDOK BRT-Achtergrondkaart", "osm": "OpenStreetMap", "geen": "Geen"}
LAYERS = {"wijken": "Wijkgrenzen", "namen": "Namen", "clusters": "Clusters", "typen": "Buurttypen"}
state.init_widget("kaart_schema", "klassen", SCHEMES, "quantiles")
state.init_widget("kaart_k", "aantal", range(3, 8), 5)
state.init_widget("kaart_palet", "palet", PALETTES, "ylorrd")
state.init_widget("kaart_basemap", "achtergrond", BASEMAPS, state.settings().basemap)
_layers = state.get("lagen")
_on = {"wijken", "namen"} if _layers is None else set(_layers.split(","))
for _name in LAYERS:
    st.session_state.setdefault(f"kaart_laag_{_name}", _name in _on)

with st.container(horizontal=True):
    column = st.selectbox(
        "Toon", options, index=options.index(wanted) if wanted in options else 0, format_func=_label
    )
    scheme = st.selectbox(
        "Klassenindeling", list(SCHEMES), format_func=labels.SCHEMES.get, key="kaart_schema"
    )
    k = st.slider("Klassen", 3, 7, key="kaart_k")
    palette = st.selectbox(
        "Kleuren", list(PALETTES), format_func=labels.PALETTES.get, key="kaart_palet"
    )
    basemap = st.selectbox(
        "Achtergrond", list(BASEMAPS), format_func=BASEMAPS.get, key="kaart_basemap"
    )
with st.container(horizontal=True):
    show_wijken = st.checkbox("Wijkgrenzen", key="kaart_laag_wijken")
    show_names = st.checkbox("Namen van wijken en buurten", key="kaart_laag_namen")
    show_hot = st.checkbox(
        "Clusters van hoge en lage scores",
        key="kaart_laag_clusters",
        help="Buurten met een hoge score die naast elkaar liggen (en zo ook lage scores).",
    )
    show_types = st.checkbox("Buurttypen", key="kaart_laag_typen")
names = v.data.buurten["buurtnaam"].astype(str)
wijknamen = v.data.buurten.get("wijknaam", names).astype(str)
if st.session_state.get("kaart_zoek") not in names.index:
    st.session_state.pop("kaart_zoek", None)  # a buurt of another gemeente
found = st.selectbox(
    "Zoek een buurt",
    v.buurt_options(),
    index=None,
    format_func=lambda c: f"{names[c]} (wijk {wijknamen[c]})",
    placeholder="Typ een buurtnaam",
    key="kaart_zoek",
)
if found:
    state.put("buurt", found)
shown = {
    "wijken": show_wijken,
    "namen": show_names,
    "clusters": show_hot,
    "typen": show_types,
}
state.put("kaart", None if column == "score" else column)
state.put("klassen", None if scheme == "quantiles" else scheme)
state.put("aantal", None if k == 5 else k)
state.put("palet", None if palette == "ylorrd" else palette)
state.put("achtergrond", None if basemap == state.settings().basemap else basemap)
layers = ",".join(n for n, on in shown.items() if on)
state.put("lagen", None if layers == "wijken,namen" else layers or "geen")
state.publish()
with st.container(horizontal=True):
    state.share_link()
    st.page_link("ui/werklijst.py", label="Werklijst maken voor buurtnetwerkers")

settings = state.settings()
mv = map_values(v.scores, v.data, column)
hot = cached.hotspot_table(*v.key) if show_hot else None
types = cached.type_table(*v.key)[0] if show_types else None
table = map_table(mv, v.data.buurten["buurtnaam"], scores=v.scores, scheme=scheme, k=k)
map_options = {
    "scores": v.scores,
    "factors": v.factors(),
    "scheme": scheme,
    "k": k,
    "palette": palette,
    "wijken": show_wijken,
    "hotspots": hot,
    "types": types,
    "labels": show_names,
    "highlight": found,
}
setup = map_setup(basemap)
skip_link()
# The map stays in the browser: a rerun sends only the new classes, colours and texts, and
# only the clicked buurt comes back.
selected = live_map(v.data, mv, setup, key="wijkradar_kaart", **map_options) if setup else None

# The keyboard and screen-reader route to the map: the same values, classes and states as a
# table; choosing a row selects the buurt, as a click on the map does.
st.subheader("Tabel bij de kaart", anchor=SKIP_TARGET)
st.caption(
    "Dezelfde gegevens als de kaart, hoogste waarde eerst. Kies een rij om de buurt te "
    "selecteren (met het toetsenbord: Tab tot in de tabel, pijltjestoetsen, dan Shift+spatie)."
)
event = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=360,
    on_select="rerun",
    selection_mode="single-row",
    key="kaart_tabel",
)
rows = event.selection.rows if event is not None else []
if rows:
    selected = str(table.index[rows[0]])
if selected:
    state.put("buurt", selected)
    state.publish()
    st.success(f"Geselecteerd: {md(v.buurt_name(selected))}")
    st.page_link("ui/buurtprofiel.py", label="Open het buurtprofiel")

if hot is not None:
    st.caption(cluster_summary(hot))
if types is not None:
    st.dataframe(cached.type_table(*v.key)[1], width="stretch")
geometry = cached.geometry(v.data.gemeentecode, v.data.jaar, v.data.created)
details = [
    f"{v.data.gemeentenaam} ({v.data.gemeentecode})",
    f"indeling {v.data.jaar}",
    f"profiel {v.profile.name}",
    f"klassen: {labels.SCHEMES[scheme].lower()}, {k}",
    f"gemaakt op {fmt_date(date.today())}",
    f"gegevens van {fmt_datetime(v.data.created)}",
]
version = data_version_label(v.scores.attrs.get("data_version") or data_version(v.data))


def _offline_html() -> str:
    """The same map with a header, Leaflet inlined: built only when the user downloads it."""
    fmap = build_map(geometry, mv, **map_options, **setup.tiles)
    title = f"{mv.title}: {v.data.gemeentenaam}"
    return standalone_html(
        fmap, settings, title=title, details=details, table=table, data_version=version
    )


if setup:  # without Leaflet there is no map to download either
    st.download_button(
        "Kaart downloaden (HTML, werkt offline)",
        data=_offline_html,
        file_name=f"wijkradar-kaart-{v.data.gemeentecode}-{column}.html",
        mime="text/html",
        on_click="ignore",
    )
