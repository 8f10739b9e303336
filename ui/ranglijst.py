"""Ranglijst: all buurten with score, rank interval and robustness; filters and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import common
from wijkradar.export import ranking_csv, ranking_gpkg, ranking_table
from wijkradar.format import fmt_bool, fmt_number, fmt_rank

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
        key="rl_wijk",
        placeholder="Alle wijken",
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
        key="rl_type",
        placeholder="Alle typen",
    )
    if chosen:
        table = table[table["type"].isin(chosen)]
if wijken:
    table = table[table["wijknaam"].isin(wijken)]
only_scored = st.toggle("Alleen buurten met een score", value=False, key="rl_alleen")
if only_scored:
    table = table[table["score"].notna()]

st.caption(
    f"{len(table)} buurten. Rang 1 = hoogste nood. Het interval is het 90%-interval van de rang "
    f"over {common.DRAWS} Monte-Carlotrekkingen; 'robuust' = in {'≥'}90% van de trekkingen in "
    f"de top {top_k}. Buurten onder {v.profile.min_population} inwoners krijgen geen score en "
    "tonen geen cijfers."
)
# Shown as Dutch text (decimal comma), which is also what a screen reader reads; "Rang" stays
# a number so the table sorts by it. The downloads below keep the plain numbers.
shown = table.copy()
for col in shown.columns:
    if col in ("rank", "rank_low", "rank_high", "p_top_k"):
        continue
    if pd.api.types.is_float_dtype(shown[col]):
        decimals = 2 if col == "confidence" else 1
        shown[col] = table[col].map(lambda x, d=decimals: fmt_number(x, d))
shown["interval"] = [
    fmt_rank(r, lo, hi) if pd.notna(lo) else "–"
    for r, lo, hi in zip(table["rank"], table["rank_low"], table["rank_high"], strict=True)
]
shown["p_top_k"] = (100 * table["p_top_k"]).round()
shown = shown.drop(columns=["rank_low", "rank_high"])
if "robust" in shown:
    shown["robust"] = table["robust"].map(fmt_bool)
order = ["buurtnaam", "wijknaam", "score", "rank", "interval"]
shown = shown[[*order, *[c for c in shown.columns if c not in order]]]
column_config = {
    "buurtnaam": st.column_config.TextColumn("Buurt"),
    "wijknaam": st.column_config.TextColumn("Wijk"),
    "score": st.column_config.TextColumn("Score"),
    "rank": st.column_config.NumberColumn("Rang", format="%d"),
    "interval": st.column_config.TextColumn("Rang (90%-interval)"),
    "p_top_k": st.column_config.ProgressColumn(
        f"Kans top {top_k}", min_value=0, max_value=100, format="%d%%"
    ),
    "robust": st.column_config.TextColumn("Robuust"),
    "confidence": st.column_config.TextColumn("Betrouwbaarheid"),
    "reden": st.column_config.TextColumn("Toelichting"),
}
for col in shown.columns:
    if col.startswith("domein__"):
        column_config[col] = st.column_config.TextColumn(col.removeprefix("domein__"))
st.dataframe(shown, column_config=column_config, width="stretch", height=560)

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
