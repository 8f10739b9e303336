"""Buurtprofiel: one buurt against the gemeente and NL, why it ranks high, trends, sources."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.registry import RegistryError
from ui import common
from wijkradar.escape import markdown_text as md
from wijkradar.format import fmt_count, fmt_number, fmt_percent
from wijkradar.report import (
    CAVEATS,
    buurt_profile_html,
    buurt_trend,
    contributions,
    indicator_profile,
    nearby_initiatives,
)


def trend_chart(wide: pd.DataFrame) -> alt.FacetChart:
    """One small chart per indicator, titled with its name, with markers on every period.

    Lines that differ only by colour cannot be told apart (WCAG 1.4.1); small multiples label
    each line directly. The marks are left out of the accessibility tree (``aria=False``):
    the chart has a text description and the same numbers are in the table below it.
    """
    long = (
        wide.rename_axis("Periode")
        .reset_index()
        .melt(id_vars="Periode", var_name="Indicator", value_name="Waarde")
    )
    names = ", ".join(str(c) for c in wide.columns)
    return (
        alt.Chart(long, description=f"Trend per periode van: {names}.")
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=50, aria=False), aria=False)
        .encode(
            x=alt.X("Periode:O", title=None),
            y=alt.Y("Waarde:Q", title=None, scale=alt.Scale(zero=False)),
            tooltip=["Indicator", "Periode", alt.Tooltip("Waarde:Q", format=".1f")],
        )
        .properties(width=220, height=120)
        .facet(
            facet=alt.Facet("Indicator:N", title=None, header=alt.Header(labelLimit=260)),
            columns=3,
        )
        .resolve_scale(y="independent")
    )


st.title("Buurtprofiel")
v = common.view()
if v is None or v.scores is None:
    st.stop()
data, scores = v.data, v.scores

options = v.buurt_options()
wanted = common.get("buurt")
if wanted not in options:
    wanted = str(scores["rank"].idxmin())
code = st.selectbox("Buurt", options, index=options.index(wanted), format_func=v.buurt_name)
common.put("buurt", code)
common.publish()

row = scores.loc[code]
small = bool(row["te_klein"])
st.header(md(v.buurt_name(code)), anchor=False)
st.caption(
    f"Wijk {md(data.buurten.loc[code, 'wijknaam'])} · {md(data.gemeentenaam)} · "
    f"indeling {data.jaar}"
)
if small:
    st.warning(
        f"Geen score: {md(row['reden'])}. Voor buurten met zo weinig inwoners toont Wijkradar geen "
        "cijfers (onthullingsbeheersing)."
    )
else:
    top_k = scores.attrs.get("top_k", v.profile.top_k)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Score (0-100)", fmt_number(row["score"]))
    c2.metric(
        "Rang",
        f"{int(row['rank'])} van {int(scores['rank'].max())}",
        help="1 = hoogste nood",
    )
    if pd.notna(row["rank_low"]):
        c3.metric("90%-interval van de rang", f"{int(row['rank_low'])}–{int(row['rank_high'])}")
        c4.metric(
            f"Kans in top {top_k}",
            f"{fmt_number(100 * row['p_top_k'], 0)}%",
            help="Robuust" if row["robust"] is True else "Niet robuust",
        )
    if "dekking" in row.index and pd.notna(row["dekking"]):
        st.caption(
            f"Dekking: {fmt_percent(row['dekking'])} van het gewicht van het profiel rust op "
            "gepubliceerde cijfers van deze buurt (niet ingevuld, niet van de wijk)."
        )
    reach = [c for c in scores.columns if c.startswith("bereik__")]
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
        st.info(
            f"{int(row['n_geimputeerd'])} indicator(en) ingevuld volgens het profiel "
            f"({md(row['geimputeerd'])}); dat verlaagt de betrouwbaarheid "
            f"({fmt_number(row['confidence'], 2)})."
        )
    left, right = st.columns(2)
    with left:
        st.subheader("Domeinscores", anchor=False)
        domains = {
            c.removeprefix("domein__"): row[c] for c in scores.columns if c.startswith("domein__")
        }
        st.bar_chart(pd.Series(domains, name="score"), horizontal=True)
    with right:
        st.subheader("Waarom hoog: bijdrage per indicator (punten van de score)", anchor=False)
        st.bar_chart(
            contributions(data, scores, code).head(10).rename("punten"),
            horizontal=True,
            sort="-punten",  # largest contribution first, not alphabetical
        )

st.subheader("Indicatoren: buurt, gemeente en Nederland", anchor=False)
st.dataframe(indicator_profile(data, scores, code), hide_index=True, width="stretch")

if not small:
    st.subheader("Trend in de gezondheidsmonitor", anchor=False)
    wide, note = buurt_trend(data, code)
    if note:
        st.caption(md(note))
    if wide.empty:
        st.write("Geen monitorgegevens voor deze buurtcode.")
    else:
        st.altair_chart(trend_chart(wide), width="stretch")
        with st.expander("Trend als tabel"):
            st.dataframe(
                wide.map(lambda x: fmt_number(x, 1)).rename_axis("Periode"), width="stretch"
            )

st.subheader("In en rond de buurt", anchor=False)
nearby = None
try:
    reg = common.registry()
    nearby = nearby_initiatives(reg.table("initiatief"), data.buurten, code, radius_m=1000)
    team = reg.table("wijkteam_buurt").set_index("buurtcode")["wijkteam_id"].get(code)
    teams = reg.table("wijkteam").set_index("id")
    if team is not None and team in teams.index:
        st.write(f"Wijkteam: {md(teams.loc[team, 'naam'])} ({teams.loc[team, 'fte']:g} fte)")
    else:
        st.write("Geen wijkteam toegewezen in het register.")
    if nearby.empty:
        st.write("Geen lopende of toegekende initiatieven binnen 1 km.")
    else:
        st.dataframe(nearby, hide_index=True, width="stretch")
except RegistryError as exc:
    st.caption(f"Register niet bereikbaar: {md(exc)}")

with st.expander("Bronnen en kanttekeningen"):
    st.dataframe(common.provenance_table(data), hide_index=True, width="stretch")
    for c in CAVEATS:
        st.markdown(f"- {c}")

st.download_button(
    "Printbaar buurtprofiel (HTML)",
    buurt_profile_html(data, scores, code, profile_name=v.profile.name, nearby=nearby),
    file_name=f"buurtprofiel-{code}.html",
    mime="text/html",
    on_click="ignore",
)
