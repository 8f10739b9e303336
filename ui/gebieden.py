"""Eigen gebieden: pool buurten into an area and see its figures next to the gemeente and NL."""

from __future__ import annotations

import streamlit as st

from geo.registry import GEBIED_SOORTEN
from models.change import periods_of
from ui import common, editing, state
from wijkradar.areas import (
    Area,
    area_indicator_table,
    area_profile,
    area_trend_table,
    describe_members,
    save_area,
    stored_areas,
    wijkteam_areas,
)
from wijkradar.escape import markdown_text as md
from wijkradar.render.format import fmt_count, fmt_number, fmt_percent, plural

v = common.scored_view("Eigen gebieden")
codes = set(v.data.buurten.index)
names = v.data.buurten["buurtnaam"].astype(str).to_dict()
min_pop = int(v.profile.min_population)

reg = common.registry_or_stop()
tables = reg.tables()
user = editing.editor_name()

st.write(
    "Voeg buurten samen tot één gebied, zoals een wijkteamgebied of een programmagebied, en "
    "bekijk de cijfers van het gebied als geheel naast de gemeente en Nederland. Percentages "
    "worden gewogen naar inwoners (of huishoudens), aantallen opgeteld."
)
saved = [a for a in stored_areas(tables["gebied"]) if set(a.buurtcodes) & codes]
teams = [
    a
    for a in wijkteam_areas(tables["wijkteam"], tables["wijkteam_buurt"])
    if set(a.buurtcodes) & codes
]
sources = ["Nieuw gebied (buurten kiezen)"]
if saved:
    sources.insert(0, "Opgeslagen gebied")
if teams:
    sources.append("Wijkteamgebied")
wanted = state.get("gebied")
if "gb_bron" not in st.session_state and wanted:
    if any(a.id == wanted for a in saved):
        st.session_state["gb_bron"] = "Opgeslagen gebied"
        st.session_state["gb_opgeslagen"] = next(i for i, a in enumerate(saved) if a.id == wanted)
    elif any(a.id == wanted for a in teams):
        st.session_state["gb_bron"] = "Wijkteamgebied"
        st.session_state["gb_team"] = next(i for i, a in enumerate(teams) if a.id == wanted)
for key, found in (("gb_opgeslagen", saved), ("gb_team", teams)):
    if int(st.session_state.get(key, 0) or 0) >= len(found):
        st.session_state.pop(key, None)  # the list got shorter (an area was deleted)
source = st.radio("Gebied", sources, horizontal=True, key="gb_bron")

area: Area | None = None
if source == "Opgeslagen gebied":
    chosen = st.selectbox(
        "Opgeslagen gebied",
        range(len(saved)),
        format_func=lambda i: f"{saved[i].naam} ({len(saved[i].buurtcodes)} buurten)",
        key="gb_opgeslagen",
    )
    area = saved[chosen]
    if st.button("Dit gebied verwijderen", disabled=not user, key="gb_verwijder"):
        done, _ = editing.try_save(
            lambda: reg.delete("gebied", area.id, user=user, version=int(area.version or 0)),
            failed="Niet verwijderd",
        )
        if done:
            st.rerun()
elif source == "Wijkteamgebied":
    chosen = st.selectbox(
        "Wijkteam", range(len(teams)), format_func=lambda i: teams[i].naam, key="gb_team"
    )
    area = teams[chosen]
else:
    members = st.multiselect(
        "Buurten",
        v.buurt_options(),
        format_func=v.buurt_name,
        key="gb_buurten",
        placeholder="Kies twee of meer buurten",
    )
    if members:
        area = Area("selectie", "Eigen selectie", "overig", tuple(sorted(members)), "selectie")
        with st.form("gb_opslaan"):
            st.header("Gebied opslaan in het register", anchor=False)
            c1, c2 = st.columns([3, 1])
            naam = c1.text_input("Naam van het gebied", max_chars=200)
            soort = c2.selectbox("Soort", GEBIED_SOORTEN)
            go = st.form_submit_button("Gebied opslaan", disabled=not user)
        if not user:
            st.caption("Vul links uw naam in (of log in) om een gebied op te slaan.")
        elif go:
            done, _ = editing.try_save(
                lambda: save_area(
                    reg, naam=naam, soort=soort, buurtcodes=members, user=user, known=codes
                ),
                failed="Niet opgeslagen",
            )
            if done:
                st.success("Gebied opgeslagen.")

state.put("gebied", area.id if area is not None and area.bron != "selectie" else None)
state.publish()
if area is None:
    st.info("Kies een gebied of een paar buurten.")
    st.stop()

prof = area_profile(v.data, v.scores, area, min_population=min_pop)
st.header(md(area.naam), anchor=False)
st.caption(
    f"{plural(len(area.buurtcodes), 'buurt', 'buurten')}: {md(describe_members(area, names))}"
)
if prof.missing_codes:
    st.warning(
        f"{plural(len(prof.missing_codes), 'buurtcode bestaat', 'buurtcodes bestaan')} niet in "
        f"de indeling {v.data.jaar} en {'telt' if len(prof.missing_codes) == 1 else 'tellen'} niet "
        f"mee: {md(', '.join(prof.missing_codes[:10]))}."
    )
if prof.buurten_te_klein:
    st.info(
        f"{plural(prof.buurten_te_klein, 'buurt heeft', 'buurten hebben')} minder dan {min_pop} "
        "inwoners: hun cijfers tellen niet mee in de percentages en de score (onthullings"
        "beheersing); hun inwoners wel in het totaal."
    )

s, g = prof.score, prof.gemeente_score
c1, c2, c3, c4 = st.columns(4)
c1.metric("Inwoners", fmt_count(prof.inwoners))
c2.metric(
    "Score van het gebied (0-100)",
    fmt_number(s["score"]),
    help="Gemiddelde van de buurtscores, gewogen naar inwoners. Een landelijke score bestaat "
    "niet: de score vergelijkt buurten binnen de gemeente.",
)
c3.metric("Gemeente (gewogen gemiddelde)", fmt_number(g["score"]))
c4.metric(
    "Rang van de buurten",
    "–" if s["buurten_gescoord"] == 0 else f"{int(s['rang_min'])}–{int(s['rang_max'])}",
)
notes = [f"{fmt_percent(s['dekking'])} van de inwoners woont in een buurt met een score"]
if s["aandeel_ingevuld"] > 0:
    notes.append(
        f"bij {fmt_percent(s['aandeel_ingevuld'])} daarvan zijn ontbrekende waarden ingevuld "
        "volgens het profiel"
    )
st.caption("; ".join(notes) + ".")
if prof.inwoners_gedekt < min_pop:
    st.warning(
        f"Minder dan {min_pop} inwoners in buurten met cijfers: het gebied toont geen "
        "indicatoren (onthullingsbeheersing)."
    )

st.subheader("Indicatoren: gebied, gemeente en Nederland", anchor=False)
st.dataframe(area_indicator_table(prof, v.data), hide_index=True, width="stretch")

st.subheader("Verandering in de gezondheidsmonitor", anchor=False)
health = [i for i in v.data.indicator_ids if len(periods_of(v.data.trend, i)) >= 2]
if not health:
    st.write("Geen monitorgegevens over meerdere jaren voor deze gemeente.")
else:
    ind = st.selectbox("Indicator", health, format_func=v.label, key="gb_trend")
    table = area_trend_table(
        v.data,
        area,
        ind,
        min_population=min_pop,
        excluded=v.scores["te_klein"].astype(bool),
    )
    if table["Gebied"].notna().any():
        st.caption(
            f"Gebied: {plural(table.attrs['buurten'], 'buurt', 'buurten')} met een waarde in "
            "elk jaar, gewogen naar het huidige aantal inwoners. Zonder betrouwbaarheids"
            "intervallen voor het gebied is niet te zeggen of een verschil significant is."
        )
    else:
        st.caption(
            "Geen waarde voor het gebied: te weinig inwoners in buurten met een waarde in "
            "elk jaar (andere buurtindeling in oudere jaren of te kleine buurten)."
        )
    st.line_chart(table)
    shown = table.copy()
    first, last = shown.index[0], shown.index[-1]
    delta = shown.loc[last] - shown.loc[first]
    shown = shown.map(fmt_number)
    shown.loc[f"verandering {first}–{last}"] = delta.map(fmt_number)
    st.dataframe(shown, width="stretch")
