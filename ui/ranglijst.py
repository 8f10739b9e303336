"""Ranglijst: all buurten with score, rank interval and robustness; filters and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models import impact_ranking, reach_filter
from ui import cached, common, downloads
from wijkradar.escape import markdown_text
from wijkradar.render.export import ranking_csv, ranking_gpkg, ranking_table
from wijkradar.render.format import fmt_bool, fmt_number, fmt_rank

v = common.scored_view("Ranglijst")
top_k = v.scores.attrs.get("top_k", v.profile.top_k)
table = ranking_table(v.data, v.scores)

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
    types, described = cached.type_table(*v.key)
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
        keep = reach_filter(v.scores[reach_cols], many)
        table = table[keep.reindex(table.index).fillna(False).astype(bool)]
    if people:
        counts = (
            v.data.buurten["inwoners"].where(~v.scores["te_klein"].astype(bool))
            if people == "inwoners"
            else v.scores[people]
        )
        imp = impact_ranking(v.scores, people=counts)
        table = table.join(imp).sort_values(["impact_rang", "rang"], na_position="last")
        impact_note = (
            " Impactweergave: gesorteerd op score x aantal "
            f"{'inwoners' if people == 'inwoners' else markdown_text(count_cols[people].lower())}."
        )

st.caption(
    f"{len(table)} buurten. Rang 1 = hoogste nood. Het interval is het 90%-interval van de rang "
    f"over {cached.DRAWS} Monte-Carlotrekkingen; 'robuust' = in {'≥'}90% van de trekkingen in "
    f"de top {top_k}. Buurten onder {v.profile.min_population} inwoners krijgen geen score en "
    "tonen geen cijfers. 'Dekking' is het deel van het gewicht dat op gepubliceerde cijfers van "
    "de buurt zelf rust (niet ingevuld, niet van de wijk)." + impact_note
)
# Score, domain scores and reliability are shown as Dutch text (decimal comma), which is also
# what a screen reader reads; "Rang" orders the same way and stays a number, so the table still
# sorts. Reach, counts and impact stay numbers (people sort and filter on them). The downloads
# below keep the plain numbers.
as_text = ["score", "zekerheid", *[c for c in table.columns if c.startswith("domein__")]]
shown = table.copy()
for col in as_text:
    decimals = 2 if col == "zekerheid" else 1
    shown[col] = table[col].map(lambda x, d=decimals: fmt_number(x, d))
shown["interval"] = [
    fmt_rank(r, lo, hi) if pd.notna(lo) else "–"
    for r, lo, hi in zip(table["rang"], table["rang_laag"], table["rang_hoog"], strict=True)
]
shown["kans_top"] = (100 * table["kans_top"]).round()
shown = shown.drop(columns=["rang_laag", "rang_hoog"])
if "robuust_top" in shown:
    shown["robuust_top"] = table["robuust_top"].map(fmt_bool)
order = ["buurtnaam", "wijknaam", "score", "rang", "interval"]
shown = shown[[*order, *[c for c in shown.columns if c not in order]]]
column_config = {
    "buurtnaam": st.column_config.TextColumn("Buurt"),
    "wijknaam": st.column_config.TextColumn("Wijk"),
    "score": st.column_config.TextColumn("Score"),
    "rang": st.column_config.NumberColumn("Rang", format="%d"),
    "interval": st.column_config.TextColumn("Rang (90%-interval)"),
    "kans_top": st.column_config.ProgressColumn(
        f"Kans top {top_k}", min_value=0, max_value=100, format="%d%%"
    ),
    "robuust_top": st.column_config.TextColumn("Robuust"),
    "zekerheid": st.column_config.TextColumn("Betrouwbaarheid"),
    "dekking": st.column_config.ProgressColumn(
        "Dekking", min_value=0.0, max_value=1.0, format="percent"
    ),
    "impact": st.column_config.NumberColumn("Impact (score x mensen)", format="%.0f"),
    "impact_rang": st.column_config.NumberColumn("Impactrang", format="%d"),
    "reden": st.column_config.TextColumn("Toelichting"),
}
for col in shown.columns:
    if col.startswith("domein__"):
        column_config[col] = st.column_config.TextColumn(col.removeprefix("domein__"))
for col, name in reach_names.items():
    column_config[col] = st.column_config.NumberColumn(f"Bereik: {name} (%)", format="%.1f")
for col, name in count_cols.items():
    column_config[col] = st.column_config.NumberColumn(f"Aantal: {name}", format="%d")
st.dataframe(shown, column_config=column_config, width="stretch", height=560)

st.page_link("ui/werklijst.py", label="Werklijst maken voor buurtnetwerkers (printbaar en CSV)")
name = f"wijkradar-{v.data.gemeentecode}-{v.data.jaar}-{v.profile.name}"
with st.container(horizontal=True):
    downloads.csv_download("Download CSV", ranking_csv(table), f"{name}.csv")
    st.download_button(
        "Download GeoPackage",
        ranking_gpkg(v.data, table),
        file_name=f"{name}.gpkg",
        mime="application/geopackage+sqlite3",
        on_click="ignore",
    )
