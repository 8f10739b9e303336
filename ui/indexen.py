"""Andere indexen: Wijkradar next to CBS SES-WOA and the Leefbaarometer."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from models.indices import disagreement, need_ranks_pair
from models.validity import REFERENCES, correlations
from ui import cached, common, downloads, state
from wijkradar.escape import markdown_text as md
from wijkradar.render.export import table_csv
from wijkradar.render.format import fmt_count, fmt_number, fmt_percent, fmt_signed, plural

v = common.scored_view("Andere indexen")

st.write(
    "Hoe verhoudt de Wijkradar-score zich tot andere indexen? De SES-WOA-score van het CBS "
    "(tabel 86092NED, indeling 2024) wordt opgehaald; een Leefbaarometerbestand of een andere "
    "SES-WOA-editie kunt u zelf uploaden (CSV met buurtcode en score). Beide indexen lopen "
    "andersom (hoger = beter af), dus een negatieve correlatie betekent dat ze het eens zijn."
)
upload = st.file_uploader(
    "Leefbaarometer- of SES-WOA-bestand (CSV of JSON)", type=["csv", "json"], key="ix_bestand"
)
ref, notes = cached.reference(v.data.gemeentecode, upload)
for note in notes:
    st.caption(md(note))
if ref is None or ref.empty:
    st.info("Geen andere index beschikbaar; upload een bestand.")
    st.stop()

usable = [c for c in ref.columns if pd.api.types.is_numeric_dtype(ref[c]) and ref[c].notna().any()]
if not usable:
    st.info("Het bestand bevat geen scores per buurt.")
    st.stop()
state.init_widget("ix_index", "index", usable, usable[0])
if st.session_state.get("ix_index") not in usable:
    st.session_state["ix_index"] = usable[0]
column = st.selectbox(
    "Index", usable, format_func=lambda c: REFERENCES.get(c, (c, -1))[0], key="ix_index"
)
state.put("index", None if column == usable[0] else column)
state.publish()
label = REFERENCES.get(column, (column, -1))[0]
series = ref[column].astype(float)
matched = series.index.intersection(v.data.buurten.index)
small = v.scores["te_klein"].astype(bool)
shown_ref = series.reindex(v.data.buurten.index).where(~small)
st.caption(
    f"{fmt_count(series.notna().sum())} buurten met een waarde voor {md(label)}; "
    f"{fmt_count(len(matched))} van de {fmt_count(len(v.data.buurten))} buurtcodes van de "
    f"indeling {v.data.jaar} gevonden (een oudere editie gebruikt een oudere indeling). Buurten "
    f"met minder dan {v.profile.min_population} inwoners tellen niet mee."
)

corr = correlations(v.scores[~small], pd.DataFrame({column: shown_ref}))
row = corr[corr["onderdeel"] == "score"].iloc[0]
pair = need_ranks_pair(v.scores.loc[~small, "score"], shown_ref)
c1, c2, c3 = st.columns(3)
c1.metric(
    "Spearman-correlatie",
    "–" if pd.isna(row["rho"]) else fmt_number(row["rho"], 2),
    help="Rangcorrelatie van de Wijkradar-score met de index; -1 = volledig eens.",
)
c2.metric("Buurten vergeleken", fmt_count(row["n"]))
close = (pair["verschil"].abs() <= 0.2).mean() if len(pair) else float("nan")
c3.metric(
    "Eens binnen 20 procentpunt rang",
    fmt_percent(close),
    help="Aandeel buurten waarvan de rang (als percentiel) bij beide minder dan 0,2 verschilt.",
)
if len(pair) < 10:
    st.warning("Te weinig buurten met beide scores voor een betrouwbare vergelijking.")
    st.stop()

top = disagreement(v.scores, shown_ref, top=10)
names = v.data.buurten["buurtnaam"].astype(str)
plot = pair.assign(
    buurt=[names[c] for c in pair.index],
    code=list(pair.index),
    label=[names[c] if c in top.index else "" for c in pair.index],
    groep=["grootste verschil" if c in top.index else "overige buurten" for c in pair.index],
)
base = alt.Chart(plot).encode(
    x=alt.X("referentie:Q", title=f"{label} (hoger = beter af)", scale=alt.Scale(zero=False)),
    y=alt.Y("score:Q", title="Wijkradar-score (hoger = meer nood)"),
)
points = base.mark_circle(size=60).encode(
    color=alt.Color("groep:N", title=None, legend=alt.Legend(orient="bottom")),
    tooltip=[
        alt.Tooltip("buurt:N", title="Buurt"),
        alt.Tooltip("code:N", title="Code"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
        alt.Tooltip("referentie:Q", title=label, format=".3f"),
    ],
)
texts = base.mark_text(align="left", dx=6, dy=-4, fontSize=11).encode(text="label:N")
st.altair_chart(
    alt.layer(points, texts).properties(height=460),
    width="stretch",
    alt=f"Spreidingsdiagram van de Wijkradar-score tegen {label} per buurt",
)

st.header("Waar Wijkradar en de index het het minst eens zijn", anchor=False)
st.caption(
    "Rang als percentiel (1 = meeste nood). De verklaring noemt de indicatoren die in deze buurt "
    "het meest boven (of onder) hun gemiddelde bijdrage aan de score liggen; waarom de andere "
    "index anders uitkomt, kan Wijkradar niet zien."
)
labels = v.data.catalogue["label"].to_dict()


def _why(items: list[tuple[str, float]]) -> str:
    parts = [f"{labels.get(i, i)} ({fmt_signed(d, 1)} punten)" for i, d in items]
    return "; ".join(parts) or "–"


table = pd.DataFrame(
    {
        "Buurt": [f"{names[c]} ({c})" for c in top.index],
        "Score": top["score"].map(fmt_number).to_numpy(),
        label: top["referentie"].map(lambda x: fmt_number(x, 3)).to_numpy(),
        "Rang Wijkradar": top["rang_score"].map(fmt_percent).to_numpy(),
        f"Rang {label}": top["rang_referentie"].map(fmt_percent).to_numpy(),
        "Wie ziet meer nood": [
            "Wijkradar" if r == "wijkradar_hoger" else label for r in top["richting"]
        ],
        "Verklaring (Wijkradar-indicatoren)": [_why(x) for x in top["verklaring"]],
    }
)
st.dataframe(table, hide_index=True, width="stretch")
downloads.csv_download(
    "Download vergelijking (CSV)",
    table_csv(table),
    f"andere-index-{column}-{v.data.gemeentecode}.csv",
)
st.caption(
    f"{plural(int((top['richting'] == 'wijkradar_hoger').sum()), 'buurt', 'buurten')} waar "
    f"Wijkradar meer nood ziet dan {md(label)}, "
    f"{plural(int((top['richting'] == 'wijkradar_lager').sum()), 'buurt', 'buurten')} minder."
)
