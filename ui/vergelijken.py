"""Vergelijken: two to four buurten side by side, and two scoring profiles side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models import ProfileError, compare_profiles, profile_yaml
from ui import cached, common, state
from ui.a11y import dutch_frame
from wijkradar.escape import markdown_text as md
from wijkradar.profiles import list_profiles, resolve_profile
from wijkradar.render.format import fmt_number
from wijkradar.render.report import indicator_profile

v = common.scored_view("Vergelijken")

st.header("Buurten naast elkaar", anchor=False)
options = v.buurt_options()
default = [str(c) for c in v.scores.sort_values("rang").index[:2]]
chosen = st.multiselect(
    "Kies twee tot vier buurten",
    options,
    default=default,
    max_selections=4,
    format_func=v.buurt_name,
    placeholder="Kies buurten",
    key="vg_buurten",
)
if len(chosen) < 2:
    st.info("Kies minstens twee buurten.")
else:
    summary = {}
    for code in chosen:
        row = v.scores.loc[code]
        col = {
            "Score": fmt_number(row["score"]),
            "Rang": "–" if pd.isna(row["rang"]) else str(int(row["rang"])),
            "Rang (90%-interval)": "–"
            if pd.isna(row["rang_laag"])
            else f"{int(row['rang_laag'])}–{int(row['rang_hoog'])}",
        }
        for c in v.scores.columns:
            if c.startswith("domein__"):
                col[f"Domein {c.removeprefix('domein__')}"] = fmt_number(row[c])
        prof = indicator_profile(v.data, v.scores, code)
        col.update(dict(zip(prof["Indicator"].astype(str), prof["Buurt"], strict=True)))
        summary[v.buurt_name(code)] = col
    table = pd.DataFrame(summary)
    ref = indicator_profile(v.data, v.scores, chosen[0])
    table["Gemeente"] = pd.Series(dict(zip(ref["Indicator"], ref["Gemeente"], strict=True)))
    table["Nederland"] = pd.Series(dict(zip(ref["Indicator"], ref["Nederland"], strict=True)))
    st.dataframe(table.fillna(""), width="stretch", height=640)

st.header("Profielen naast elkaar", anchor=False)
profiles = sorted(list_profiles(state.settings()))
others = [p for p in profiles if p != v.profile.name]
second = st.multiselect(
    f"Vergelijk '{md(v.profile.name)}' met",
    others,
    default=others[:1],
    placeholder="Kies profielen",
    key="vg_profielen",
)
if second:
    results = {v.profile.name: v.scores}
    for name in second:
        try:
            text = profile_yaml(resolve_profile(name, state.settings()))
            results[name] = cached.score(v.data.gemeentecode, v.data.jaar, text, v.data.created)
        except ProfileError as exc:
            st.warning(
                f"Profiel '{md(name)}' past niet bij deze gegevens en is overgeslagen: {md(exc)}"
            )
if second and len(results) > 1:
    k = st.slider("Top k", 3, 30, int(v.profile.top_k), key="vg_k")
    cmp = compare_profiles(results, k=k)
    st.subheader("Rangcorrelatie (Spearman) van de scores", anchor=False)
    st.dataframe(cmp["spearman"].map(lambda r: fmt_number(r, 2)), width="stretch")
    ranks = cmp["ranks"].copy()
    ranks.insert(0, "Buurt", v.data.buurten["buurtnaam"].reindex(ranks.index))
    ranks = ranks.sort_values("verschuiving", ascending=False)
    st.subheader("Rangverschuivingen", anchor=False)
    st.caption("Grootste eerst; 'verschuiving' = hoogste − laagste rang.")
    st.dataframe(dutch_frame(ranks, 0), width="stretch", height=360)
    top = cmp["robuust_top"]
    st.subheader(f"In de top {k} onder elk gekozen profiel ({len(top)})", anchor=False)
    if top:
        st.dataframe(
            pd.DataFrame({"Buurt": v.data.buurten["buurtnaam"].reindex(top)}), width="stretch"
        )
    else:
        st.write("Geen buurt staat onder elk profiel in de top.")
