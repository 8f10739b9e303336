"""Kaart: choropleth of the priority score, a domain score or a single indicator."""

from __future__ import annotations

import shapely
import streamlit as st
from streamlit_folium import st_folium

from ui import common
from ui.a11y import SKIP_TARGET, skip_link
from wijkradar.assets import AssetError, install_static
from wijkradar.maps import (
    PALETTES,
    SCHEMES,
    build_map,
    map_table,
    map_values,
    standalone_html,
)

st.title("Kaart")
v = common.view()
if v is None or v.scores is None:
    st.stop()
data, scores = v.data, v.scores
st.caption(
    f"{data.gemeentenaam} ({data.gemeentecode}), indeling {data.jaar}, profiel {v.profile.name}"
)

domain_cols = [c for c in scores.columns if c.startswith("domein__")]
options = ["score", *domain_cols, *data.indicator_ids]


def _label(col: str) -> str:
    if col == "score":
        return "Prioriteitsscore"
    if col.startswith("domein__"):
        return f"Domein: {col.removeprefix('domein__')}"
    return f"Indicator: {v.label(col)}"


wanted = common.get("kaart", "score")
with st.container(horizontal=True):
    column = st.selectbox(
        "Toon", options, index=options.index(wanted) if wanted in options else 0, format_func=_label
    )
    scheme = st.selectbox(
        "Klassenindeling", list(SCHEMES), format_func=lambda s: SCHEMES[s][0], key="kaart_schema"
    )
    k = st.slider("Klassen", 3, 7, 5, key="kaart_k")
    palette = st.selectbox(
        "Kleuren", list(PALETTES), format_func=lambda p: PALETTES[p][0], key="kaart_palet"
    )
    basemap = st.selectbox(
        "Achtergrond",
        ["pdok", "osm", "geen"],
        index=["pdok", "osm", "geen"].index(common.settings().basemap),
        format_func={
            "pdok": "PDOK BRT-Achtergrondkaart",
            "osm": "OpenStreetMap",
            "geen": "Geen",
        }.get,
        key="kaart_basemap",
    )
common.put("kaart", None if column == "score" else column)
common.publish()
with st.container(horizontal=True):
    show_wijken = st.checkbox("Wijkgrenzen", value=True, key="kaart_wijken")
    show_hot = st.checkbox("Hotspots (lokale Moran)", value=False, key="kaart_hot")
    show_types = st.checkbox("Buurttypen", value=False, key="kaart_typen")

settings = common.settings()
try:
    install_static(settings, common.static_dir())
except (AssetError, OSError) as exc:
    st.error(f"De kaart kan niet worden getekend: Leaflet is niet geïnstalleerd ({exc}).")
    st.stop()
base = common.static_url()
tile_url = settings.tile_url(basemap)
if tile_url and not common.basemap_ok(tile_url):
    st.info("De achtergrondkaart is niet bereikbaar; de buurten worden zonder achtergrond getoond.")
    tile_url = None

mv = map_values(scores, data, column)
hot = common.hotspot_table(*v.key) if show_hot else None
types = common.type_table(*v.key)[0] if show_types else None
geometry = common.geometry(data.gemeentecode, data.jaar, data.created)
fmap = build_map(
    geometry,
    mv,
    scores=scores,
    factors=v.factors(),
    scheme=scheme,
    k=k,
    palette=palette,
    tile_url=tile_url,
    basemap=basemap,
    wijken=show_wijken,
    hotspots=hot,
    types=types,
    leaflet_js=f"{base}/vendor/leaflet/leaflet.js",
    leaflet_css=f"{base}/vendor/leaflet/leaflet.css",
)
skip_link()
# Only the clicked point comes back from the browser: no geometry round trip.
state = st_folium(
    fmap,
    height=620,
    use_container_width=True,
    returned_objects=["last_clicked"],
    key="wijkradar_kaart",
)
selected = None
clicked = (state or {}).get("last_clicked")
if clicked:
    point = shapely.Point(clicked["lng"], clicked["lat"])
    hit = geometry[geometry.geometry.contains(point)]
    if not hit.empty:
        selected = str(hit.index[0])

# The keyboard and screen-reader route to the map: the same values, classes and states as a
# table; choosing a row selects the buurt, as a click on the map does.
st.subheader("Tabel bij de kaart", anchor=SKIP_TARGET)
st.caption(
    "Dezelfde gegevens als de kaart, hoogste waarde eerst. Kies een rij om de buurt te "
    "selecteren (met het toetsenbord: Tab tot in de tabel, pijltjestoetsen, dan Shift+spatie)."
)
table = map_table(mv, data.buurten["buurtnaam"], scores=scores, scheme=scheme, k=k)
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
    common.put("buurt", selected)
    common.publish()
    st.success(f"Geselecteerd: {v.buurt_name(selected)}")
    st.page_link("ui/buurtprofiel.py", label="Open het buurtprofiel")

if hot is not None:
    st.caption(
        f"Globale Moran's I van de score: {hot.attrs.get('moran_i', float('nan')):.2f} "
        f"(p = {hot.attrs.get('moran_p', float('nan')):.3f}, 999 permutaties); "
        "lokale hotspots met FDR-correctie."
    )
if types is not None:
    st.dataframe(common.type_table(*v.key)[1], width="stretch")
st.download_button(
    "Kaart downloaden (HTML, werkt offline)",
    # the same map, with Leaflet inlined instead of linked (st_folium has already used it)
    data=standalone_html(fmap, settings, table=table),
    file_name=f"wijkradar-kaart-{data.gemeentecode}-{column}.html",
    mime="text/html",
    on_click="ignore",
)
