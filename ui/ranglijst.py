"""Ranglijst: all buurten with score, rank interval and robustness; filters and downloads."""

from __future__ import annotations

import streamlit as st

from models import impact_ranking, reach_filter
from ui import common
from wijkradar.escape import markdown_text
from wijkradar.export import ranking_csv, ranking_gpkg, ranking_table

st.title("Ranglijst")
v = common.view()
if v is None or v.scores is None:
    st.stop()
data, scores = v.data, v.scores
top_k = scores.attrs.get("top_k", v.profile.top_k)
table = ranking_table(data, scores)

with st.container(horizontal=True):
    wijken = st.multiselect(
        "Wijk",
        sorted(table["wijknaam"].dropna().unique()),
        placeholder="Alle wijken",
        key="rl_wijk",
    )
    use_types = st.checkbox("Buurttypen tonen", value=False, key="rl_typen_aan")
types = None
if use_types:
    types, described = common.type_table(*v.key)
    table["type"] = types.reindex(table.index)
    chosen = st.multiselect(
        "Type",
        list(described.index),
        format_func=lambda t: f"Type {t}: {described.loc[t, 'omschrijving']}",
        placeholder="Alle typen",
        key="rl_type",
    )
    if chosen:
        table = table[table["type"].isin(chosen)]
if wijken:
    table = table[table["wijknaam"].isin(wijken)]
only_scored = st.toggle("Alleen buurten met een score", value=False, key="rl_alleen")
if only_scored:
    table = table[table["score"].notna()]

# reach: who lives there, next to the need score (never mixed into it)
reach_cols = [c for c in table.columns if c.startswith("bereik__")]
reach_names = {c: v.label(c.removeprefix("bereik__")) for c in reach_cols}
count_cols = {
    f"bereik_aantal__{c.removeprefix('bereik__')}": reach_names[c]
    for c in reach_cols
    if f"bereik_aantal__{c.removeprefix('bereik__')}" in table.columns
}
impact_note = ""
if reach_cols:
    with st.container(horizontal=True):
        many = st.selectbox(
            "Alleen buurten met veel ...",
            [None, *reach_cols],
            format_func=lambda c: "(geen filter)" if c is None else reach_names[c].lower(),
            key="rl_bereik",
            help="Het kwart van de buurten met het hoogste aandeel in de gemeente.",
        )
        people = st.selectbox(
            "Impactweergave: nood x aantal mensen",
            [None, "inwoners", *count_cols],
            format_func=lambda c: (
                "uit (rangschikken op nood)"
                if c is None
                else "inwoners"
                if c == "inwoners"
                else count_cols[c].lower()
            ),
            key="rl_impact",
            help="Rangschikt op score x aantal betrokken mensen. De nood-score zelf verandert "
            "niet; dit is een aparte weergave om de inzet te schalen.",
        )
    if many:
        keep = reach_filter(scores[reach_cols], many)
        table = table[keep.reindex(table.index).fillna(False).astype(bool)]
    if people:
        counts = (
            data.buurten["inwoners"].where(~scores["te_klein"].astype(bool))
            if people == "inwoners"
            else scores[people]
        )
        imp = impact_ranking(scores, people=counts)
        table = table.join(imp).sort_values(["impact_rang", "rank"], na_position="last")
        impact_note = (
            " Impactweergave: gesorteerd op score x aantal "
            f"{'inwoners' if people == 'inwoners' else markdown_text(count_cols[people].lower())}."
        )

st.caption(
    f"{len(table)} buurten. Rang 1 = hoogste nood. Het interval is het 90%-interval van de rang "
    f"over {common.DRAWS} Monte-Carlotrekkingen; 'robuust' = in {'≥'}90% van de trekkingen in "
    f"de top {top_k}. Buurten onder {v.profile.min_population} inwoners krijgen geen score en "
    "tonen geen cijfers. 'Dekking' is het deel van het gewicht dat op gepubliceerde cijfers van "
    "de buurt zelf rust (niet ingevuld, niet van de wijk)." + impact_note
)
column_config = {
    "buurtnaam": st.column_config.TextColumn("Buurt"),
    "wijknaam": st.column_config.TextColumn("Wijk"),
    "score": st.column_config.NumberColumn("Score", format="%.1f"),
    "rank": st.column_config.NumberColumn("Rang", format="%d"),
    "rank_low": st.column_config.NumberColumn("Rang (90%: hoog)", format="%d"),
    "rank_high": st.column_config.NumberColumn("Rang (90%: laag)", format="%d"),
    "p_top_k": st.column_config.ProgressColumn(
        f"Kans top {top_k}", min_value=0.0, max_value=1.0, format="percent"
    ),
    "robust": st.column_config.CheckboxColumn("Robuust"),
    "confidence": st.column_config.NumberColumn("Betrouwbaarheid", format="%.2f"),
    "dekking": st.column_config.ProgressColumn(
        "Dekking", min_value=0.0, max_value=1.0, format="percent"
    ),
    "impact": st.column_config.NumberColumn("Impact (score x mensen)", format="%.0f"),
    "impact_rang": st.column_config.NumberColumn("Impactrang", format="%d"),
    "reden": st.column_config.TextColumn("Toelichting"),
}
for col in table.columns:
    if col.startswith("domein__"):
        column_config[col] = st.column_config.NumberColumn(
            col.removeprefix("domein__"), format="%.1f"
        )
for col, name in reach_names.items():
    column_config[col] = st.column_config.NumberColumn(f"Bereik: {name} (%)", format="%.1f")
for col, name in count_cols.items():
    column_config[col] = st.column_config.NumberColumn(f"Aantal: {name}", format="%d")
st.dataframe(table, column_config=column_config, width="stretch", height=560)

st.page_link("ui/werklijst.py", label="Werklijst maken voor buurtnetwerkers (printbaar en CSV)")
name = f"wijkradar-{data.gemeentecode}-{data.jaar}-{v.profile.name}"
with st.container(horizontal=True):
    st.download_button(
        "Download CSV",
        ranking_csv(table),
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    st.download_button(
        "Download GeoPackage",
        ranking_gpkg(data, table),
        file_name=f"{name}.gpkg",
        mime="application/geopackage+sqlite3",
        on_click="ignore",
    )
