"""Verandering: change per indicator and of the score between two monitor years."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from models import ProfileError
from models.change import change_bins, periods_of
from ui import cached, common, downloads, state
from ui.a11y import SKIP_TARGET, skip_link
from ui.mapsetup import map_setup
from wijkradar.change import (
    change_colours,
    change_map_values,
    indicator_change,
    score_change,
    score_change_map_values,
    significance_text,
    trend_indicators,
)
from wijkradar.escape import markdown_text as md
from wijkradar.render.export import table_csv
from wijkradar.render.format import decimals_for, fmt_number, fmt_signed, plural
from wijkradar.render.maps import build_map

SCORE = "score"
RULE = (
    "Significant betekent hier: de 95%-betrouwbaarheidsintervallen van beide jaren overlappen "
    "niet. Dat is een strenge toets (ongeveer een 0,5%-niveau): een echte verandering kan als "
    "'niet significant' te boek staan, maar niets heet significant op grond van alleen de "
    "puntschattingen. Zonder intervallen in de bron is de significantie onbekend."
)


v = common.scored_view("Verandering")

inds = trend_indicators(v.data)
if not inds:
    st.info(
        "De gezondheidsmonitor heeft voor deze gemeente maar één jaar; verandering is niet te "
        "berekenen."
    )
    st.stop()

state.init_widget("vr_wat", "verandering", [SCORE, *inds], SCORE)
what = st.selectbox(
    "Wat",
    [SCORE, *inds],
    format_func=lambda i: (
        "Prioriteitsscore (herberekend per monitorjaar)" if i == SCORE else v.label(i)
    ),
    key="vr_wat",
)
periods = periods_of(v.data.trend) if what == SCORE else periods_of(v.data.trend, what)
state.init_widget("vr_van", "van", periods[:-1], periods[0])
if st.session_state.get("vr_van") not in periods[:-1]:
    st.session_state["vr_van"] = periods[0]
c1, c2 = st.columns(2)
start = c1.selectbox("Van", periods[:-1], key="vr_van")
later = [p for p in periods if p > start]
state.init_widget("vr_naar", "naar", later, later[-1])
if st.session_state.get("vr_naar") not in later:
    st.session_state["vr_naar"] = later[-1]
end = c2.selectbox("Naar", later, key="vr_naar")
state.put("verandering", None if what == SCORE else what)
state.put("van", start)
state.put("naar", end)
state.publish()

setup = map_setup()
if setup is None:
    st.stop()
geometry = cached.geometry(v.data.gemeentecode, v.data.jaar, v.data.created)
names = v.data.buurten["buurtnaam"].astype(str)

if what == SCORE:
    in_trend = [i for i in v.profile.indicator_ids if i in inds]
    if not in_trend:
        st.info(
            f"Profiel {md(v.profile.name)} gebruikt geen indicatoren uit de gezondheidsmonitor; "
            "herberekend per monitorjaar verandert de score niet. Kies een indicator."
        )
        st.stop()
    try:
        by_period = cached.score_periods(*v.key, tuple(periods))
    except ProfileError as exc:
        st.error(f"Herberekenen lukt niet met dit profiel: {md(exc)}")
        st.stop()
    shifts, bins = score_change(by_period, start, end)
    st.caption(
        f"Beide scores zijn herberekend met profiel {md(v.profile.name)}: de gezondheidscijfers "
        f"van {start} en van {end}, de CBS-kerncijfers van {v.data.jaar} (oudere kerncijfers op "
        "deze buurtindeling zijn er niet). De score is relatief binnen de gemeente: een stijging "
        "betekent dat de buurt ten opzichte van de andere buurten meer nood kreeg."
    )
    mv = score_change_map_values(shifts, v.scores, v.data.buurten.index, start, end)
    small = mv.frame["status"] == "geen_score"
    colours = change_colours(True, len(bins) - 1)
    fmap = build_map(
        geometry,
        mv,
        scores=v.scores,
        fixed_bins=bins,
        fixed_colours=colours,
        **setup.leaflet,
        **setup.tiles,
    )
    skip_link()
    st_folium(fmap, height=560, use_container_width=True, returned_objects=[], key="vr_kaart")
    both = shifts[(shifts["status"] == "beide") & shifts.index.isin(v.data.buurten.index[~small])]
    st.header(f"Rangverschuivingen {start} → {end} (1 = hoogste nood)", anchor=SKIP_TARGET)
    if both.empty:
        st.write("Geen buurten met een score in beide jaren.")
    else:
        rho = both["score_voor"].corr(both["score_na"], method="spearman")
        st.caption(
            f"{plural(len(both), 'buurt', 'buurten')} met een score in beide jaren; "
            f"Spearman-correlatie van de scores {fmt_number(rho, 2)}."
        )
        table = pd.DataFrame(
            {
                "Buurt": [f"{names[c]} ({c})" for c in both.index],
                f"Rang {start}": both["rang_voor"].astype(int).to_numpy(),
                f"Rang {end}": both["rang_na"].astype(int).to_numpy(),
                "Verschuiving": both["verschuiving"].astype(int).to_numpy(),
                f"Score {start}": both["score_voor"].map(fmt_number).to_numpy(),
                f"Score {end}": both["score_na"].map(fmt_number).to_numpy(),
                "Verandering score": both["verandering"].map(lambda x: fmt_signed(x, 1)).to_numpy(),
            }
        ).sort_values("Verschuiving", key=lambda s: -s.abs(), kind="stable")
        st.dataframe(table, hide_index=True, width="stretch")
        downloads.csv_download(
            "Download rangverschuivingen (CSV)",
            table_csv(table),
            f"verandering-score-{v.data.gemeentecode}-{start}-{end}.csv",
        )
    st.stop()

cat = v.data.catalogue.loc[what]
unit = str(cat["unit"])
change_unit = "procentpunt" if unit.startswith("%") else unit
dec = decimals_for(unit)
higher_is_worse = str(cat["direction"]) != "hoger_beter"
ch = indicator_change(v.data, v.scores, what, start, end)
shown_codes = ch.index[ch["status"] != "te_klein"]
bins = change_bins(v.data.trend, what, shown_codes)
mv = change_map_values(
    ch,
    title=f"Verandering {cat['label']} {start}–{end}",
    unit=change_unit,
    higher_is_worse=higher_is_worse,
)
mv.note = "Rood = verslechterd, blauw = verbeterd; één legenda voor alle jaren"
fmap = build_map(
    geometry,
    mv,
    scores=v.scores,
    fixed_bins=bins,
    fixed_colours=change_colours(higher_is_worse, len(bins) - 1),
    **setup.leaflet,
    **setup.tiles,
)
skip_link()
st_folium(fmap, height=560, use_container_width=True, returned_objects=[], key="vr_kaart")

valid = ch[ch["verandering"].notna()]
n_small = int((ch["status"] == "te_klein").sum())
n_apart = int(ch["status"].isin(["alleen_start", "alleen_eind", "geen"]).sum())
sig = valid["significant"]
n_up = int(((valid["verandering"] > 0) & sig.fillna(False)).sum())
n_down = int(((valid["verandering"] < 0) & sig.fillna(False)).sum())
n_unknown = int(sig.isna().sum())
st.caption(
    f"{plural(len(valid), 'buurt', 'buurten')} met een waarde in {start} en {end}: "
    f"{n_up} significant gestegen, {n_down} significant gedaald"
    + (f", {n_unknown} zonder intervallen (significantie onbekend)" if n_unknown else "")
    + f". Niet te vergelijken: {n_apart} buurten zonder waarde in een van beide jaren, "
    f"{n_small} met te weinig inwoners."
)
with st.expander("Wanneer heet een verandering significant?"):
    st.write(RULE)

status_text = {
    "beide": "",
    "alleen_start": f"geen waarde in {end}",
    "alleen_eind": f"geen waarde in {start} (andere buurtindeling of niet gepubliceerd)",
    "geen": "geen waarde in beide jaren",
    "te_klein": "niet getoond: te weinig inwoners",
}


def _interval(lo: float, hi: float) -> str:
    return "–" if pd.isna(lo) or pd.isna(hi) else f"{fmt_number(lo, dec)}–{fmt_number(hi, dec)}"


table = (
    pd.DataFrame(
        {
            "Buurt": [f"{names[c]} ({c})" for c in ch.index],
            str(start): ch["start"].map(lambda x: fmt_number(x, dec)).to_numpy(),
            f"95% {start}": [
                _interval(a, b) for a, b in zip(ch["lower_start"], ch["upper_start"], strict=True)
            ],
            str(end): ch["end"].map(lambda x: fmt_number(x, dec)).to_numpy(),
            f"95% {end}": [
                _interval(a, b) for a, b in zip(ch["lower_end"], ch["upper_end"], strict=True)
            ],
            f"Verandering ({change_unit})": ch["verandering"]
            .map(lambda x: fmt_signed(x, dec))
            .to_numpy(),
            "Significant": [
                significance_text(s) if st_ == "beide" else "–"
                for s, st_ in zip(ch["significant"], ch["status"], strict=True)
            ],
            "Opmerking": ch["status"].map(status_text).to_numpy(),
            "_sort": ch["verandering"].abs().fillna(-1).to_numpy(),
        }
    )
    .sort_values("_sort", ascending=False, kind="stable")
    .drop(columns="_sort")
)
st.header("Tabel bij de kaart", anchor=SKIP_TARGET)
st.dataframe(table, hide_index=True, width="stretch")
downloads.csv_download(
    "Download verandering (CSV)",
    table_csv(table),
    f"verandering-{what}-{v.data.gemeentecode}-{start}-{end}.csv",
)
