"""Buurtprofiel: one buurt against the gemeente and NL, why it ranks high, trends, sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.registry import RegistryError
from ui import cached, common, editing, messages, state
from ui.charts import bar_chart, trend_band_chart
from ui.notities_blok import buurt_notes
from wijkradar.change import buurt_trend_long
from wijkradar.escape import markdown_text as md
from wijkradar.registry import buurt_wijkteam
from wijkradar.render.format import fmt_count, fmt_list, fmt_number, fmt_percent, plural
from wijkradar.render.report import (
    CAVEATS,
    buurt_profile_html,
    buurt_trend,
    contributions,
    imputed_labels,
    indicator_profile,
    is_robust,
    nearby_display,
    nearby_initiatives,
)

v = common.scored_view("Buurtprofiel")

options = v.buurt_options()
wanted = state.get("buurt")
if wanted not in options:
    wanted = str(v.scores["rang"].idxmin())
code = st.selectbox("Buurt", options, index=options.index(wanted), format_func=v.buurt_name)
state.put("buurt", code)
state.publish()

row = v.scores.loc[code]
small = bool(row["te_klein"])
st.header(md(v.buurt_name(code)), anchor=False)
st.caption(
    f"Wijk {md(v.data.buurten.loc[code, 'wijknaam'])} · {md(v.data.gemeentenaam)} · "
    f"indeling {v.data.jaar}"
)
if small:
    st.warning(
        f"Geen score: {md(row['reden'])}. Voor buurten met zo weinig inwoners toont Wijkradar geen "
        "cijfers (onthullingsbeheersing)."
    )
else:
    top_k = v.scores.attrs.get("top_k", v.profile.top_k)
    robust = is_robust(row["robuust_top"])
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Score (0-100)", fmt_number(row["score"]))
    c2.metric(
        "Rang",
        f"{int(row['rang'])} van {int(v.scores['rang'].max())}",
        help="1 = hoogste nood",
    )
    if pd.notna(row["rang_laag"]):
        c3.metric(
            "90%-interval van de rang",
            f"{int(row['rang_laag'])}–{int(row['rang_hoog'])}",
            help="Bij andere redelijke gewichten en meetonzekerheid valt de rang meestal binnen "
            "deze grenzen.",
        )
        c4.metric(
            f"Kans in top {top_k}",
            f"{fmt_number(100 * row['kans_top'], 0)}%",
            help=(
                f"Robuust: in minstens 90% van de doorrekeningen in de top {top_k}."
                if robust
                else f"Niet robuust: in minder dan 90% van de doorrekeningen in de top {top_k}."
            ),
        )
    if "dekking" in row.index and pd.notna(row["dekking"]):
        st.caption(
            f"Dekking: {fmt_percent(row['dekking'])} van het gewicht van het profiel rust op "
            "gepubliceerde cijfers van deze buurt (niet ingevuld, niet van de wijk)."
        )
    reach = [c for c in v.scores.columns if c.startswith("bereik__")]
    if reach:
        parts = []
        for col in reach:
            rid = col.removeprefix("bereik__")
            count = row.get(f"bereik_aantal__{rid}")
            share = fmt_percent(row[col], 0, fraction=False)
            amount = f"{fmt_count(count)} ({share})" if pd.notna(count) else share
            parts.append(f"{md(v.label(rid))}: {amount}")
        st.caption("Bereik (wie er woont, telt niet mee in de score): " + "; ".join(parts))
    if row["n_geimputeerd"]:
        filled = imputed_labels(v.data, row["geimputeerd"])
        st.info(
            f"{plural(int(row['n_geimputeerd']), 'indicator', 'indicatoren')} zonder cijfer "
            f"voor deze buurt, ingevuld volgens het profiel ({md(fmt_list(filled))}); dat "
            f"verlaagt de betrouwbaarheid ({fmt_percent(row['zekerheid'])})."
        )
    left, right = st.columns(2)
    with left:
        st.subheader("Domeinscores", anchor=False)
        domains = {
            c.removeprefix("domein__"): row[c] for c in v.scores.columns if c.startswith("domein__")
        }
        st.altair_chart(bar_chart(pd.Series(domains), value="score", label="Domein"))
    with right:
        st.subheader("Waarom hoog: bijdrage per indicator (punten van de score)", anchor=False)
        st.altair_chart(bar_chart(contributions(v.data, v.scores, code).head(10), value="punten"))

st.subheader("Indicatoren: buurt, gemeente en Nederland", anchor=False)
st.dataframe(indicator_profile(v.data, v.scores, code), hide_index=True, width="stretch")

if not small:
    st.subheader("Trend in de gezondheidsmonitor", anchor=False)
    wide, note = buurt_trend(v.data, code)
    if note:
        st.caption(md(note))
    long = buurt_trend_long(v.data, code, v.scores)
    if wide.empty or long.empty:
        st.write("Geen monitorgegevens voor deze buurtcode.")
    else:
        in_profile = [
            v.label(i) for i in v.profile.indicator_ids if v.label(i) in set(long["indicator"])
        ]
        options = sorted(long["indicator"].unique())
        picked = st.multiselect(
            "Indicatoren in de trend",
            options,
            default=(in_profile or options)[:4],
            placeholder="Kies indicatoren",
            key="bp_trend",
        )
        st.altair_chart(
            trend_band_chart(long[long["indicator"].isin(picked)]),
            width="stretch",
            alt=f"Trend in de gezondheidsmonitor van {v.buurt_name(code)}",
        )
        if long["ondergrens"].notna().any():
            st.caption("De band is het 95%-betrouwbaarheidsinterval van de schatting.")
        else:
            st.caption(
                "De bron publiceert voor deze jaren geen 95%-intervallen; er is daarom geen band."
            )
        st.page_link("ui/verandering.py", label="Verandering per buurt op de kaart")

st.subheader("In en rond de buurt", anchor=False)
nearby = None
try:
    reg = cached.registry()
    nearby = nearby_initiatives(reg.table("initiatief"), v.data.buurten, code, radius_m=1000)
    team = buurt_wijkteam(reg, code)
    if team is not None:
        st.write(f"Wijkteam: {md(team['naam'])} ({fmt_number(team['fte'], 1)} fte)")
    else:
        st.write("Geen wijkteam toegewezen in het register.")
    if nearby.empty:
        st.write("Geen lopende of toegekende initiatieven binnen 1 km.")
    else:
        st.dataframe(nearby_display(nearby), hide_index=True, width="stretch")
except RegistryError as exc:
    st.caption(f"Register niet bereikbaar: {md(exc)}")

st.subheader("Buurtnotities", anchor=False)
try:
    buurt_notes(
        cached.registry(),
        code,
        str(v.data.buurten.loc[code, "buurtnaam"]),
        set(v.data.buurten.index),
        editing.editor_name(),
    )
except RegistryError as exc:
    st.caption(f"Register niet bereikbaar: {md(exc)}")

with st.expander("Bronnen en kanttekeningen"):
    st.dataframe(messages.provenance_table(v.data), hide_index=True, width="stretch")
    for c in CAVEATS:
        st.markdown(f"- {c}")

st.download_button(
    "Printbaar buurtprofiel (HTML)",
    buurt_profile_html(v.data, v.scores, code, profile_name=v.profile.name, nearby=nearby),
    file_name=f"buurtprofiel-{code}.html",
    mime="text/html",
    on_click="ignore",
)
