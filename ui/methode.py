"""Methode: the chosen profile, weights as sliders (live re-scoring), load/save profile YAML."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st
import yaml

from models import (
    AGGREGATIONS,
    MISSING_POLICIES,
    NORMALISER_LABELS,
    ProfileError,
    parse_profile,
    profile_yaml,
    save_profile,
)
from ui import common
from ui.a11y import dutch_frame

st.title("Methode")
v = common.view()
if v is None:
    st.stop()
data = v.data
base = common.base_profile()
profile = v.profile

st.markdown(
    f"""
**Profiel {base.name}.** {base.description}

Wijkradar zet elke indicator om naar een schaal waarop *hoger = meer nood* (indicatoren waar
een hogere waarde gunstig is, zoals ervaren gezondheid, worden omgedraaid). Per domein worden
de indicatoren gewogen gemiddeld tot een domeinscore (0-100); de domeinscores samen vormen de
prioriteitsscore. Buurten met minder dan {base.min_population} inwoners krijgen geen score en
tonen geen cijfers. De onzekerheid van de rang komt uit {common.DRAWS} Monte-Carlotrekkingen:
de gewichten variëren rond de gekozen waarden, de normalisatie wisselt en de
gezondheidscijfers variëren binnen hun 95%-marges. Een buurt is *robuust* als hij in ten minste
90% van de trekkingen in de top {base.top_k} staat.
"""
)

st.header("Gewichten", anchor=False)
st.caption("Gewichten zijn relatief: ze worden binnen elk domein en over de domeinen op 1 gezet.")
key = re.sub(r"\W", "_", base.name)
if st.button("Gewichten en methode terugzetten naar het profiel"):
    for name in list(st.session_state):
        if str(name).startswith(f"m_{key}_"):
            del st.session_state[name]
    for param in ("gewichten", "normalisatie", "aggregatie", "ontbrekend"):
        common.put(param, None)
    st.rerun()

current = {d.name: d for d in profile.domains}
domain_w: dict[str, float] = {}
ind_w: dict[str, float] = {}
cols = st.columns(len(base.domains))
for col, dom in zip(cols, base.domains, strict=True):
    with col:
        cur = current[dom.name]
        domain_w[dom.name] = st.slider(
            f"Domein {dom.name}", 0.0, 3.0, float(cur.weight), 0.1, key=f"m_{key}_d_{dom.name}"
        )
        cur_ind = {i.id: i.weight for i in cur.indicators}
        for ind in dom.indicators:
            ind_w[ind.id] = st.slider(
                v.label(ind.id),
                0.0,
                3.0,
                float(cur_ind.get(ind.id, ind.weight)),
                0.1,
                key=f"m_{key}_i_{ind.id}",
            )

st.header("Methode", anchor=False)
chosen = {}
for col, (field, label, choices) in zip(
    st.columns(3),
    [
        ("normalisation", "Normalisatie", NORMALISER_LABELS),
        ("aggregation", "Aggregatie", AGGREGATIONS),
        ("missing", "Ontbrekende waarden", MISSING_POLICIES),
    ],
    strict=True,
):
    chosen[field] = col.selectbox(
        label,
        list(choices),
        index=list(choices).index(getattr(profile, field)),
        format_func=choices.get,
        key=f"m_{key}_{field}",
    )
normalisation, aggregation, missing = (
    chosen["normalisation"],
    chosen["aggregation"],
    chosen["missing"],
)

base_d = {d.name: d.weight for d in base.domains}
base_i = {i.id: i.weight for d in base.domains for i in d.indicators}
changed_d = {k: w for k, w in domain_w.items() if abs(w - base_d[k]) > 1e-9}
changed_i = {k: w for k, w in ind_w.items() if abs(w - base_i[k]) > 1e-9}
common.put("gewichten", common.encode_weights(changed_d, changed_i) or None)
common.put("normalisatie", None if normalisation == base.normalisation else normalisation)
common.put("aggregatie", None if aggregation == base.aggregation else aggregation)
common.put("ontbrekend", None if missing == base.missing else missing)
common.publish()

try:
    live = common.current_profile()
    live_text = profile_yaml(live)
    live_scores = common.score(data.gemeentecode, data.jaar, live_text, data.created)
except (ProfileError, ValueError) as exc:
    st.error(f"Met deze keuzes kan niet worden gescoord: {exc}")
    st.stop()

st.header("Resultaat", anchor=False)
base_scores = common.score(data.gemeentecode, data.jaar, profile_yaml(base), data.created)
top = live_scores.sort_values("rank").head(15)
preview = pd.DataFrame(
    {
        "Buurt": top["buurtnaam"],
        "Score": top["score"].round(1),
        "Rang": top["rank"].astype("Int64"),
        "Rang in het profiel": base_scores["rank"].reindex(top.index).astype("Int64"),
        "Robuust": top["robust"],
    }
)
st.dataframe(dutch_frame(preview), width="stretch")
for w in live_scores.attrs.get("warnings", []):
    st.caption(w)

st.header("Profiel opslaan of laden", anchor=False)
st.caption(
    "Dezelfde YAML-bestanden als in de notebooks (map profiles in de datamap). Opgeslagen "
    "profielen verschijnen in de profielkeuze links; een eigen profiel met de naam van een "
    "meegeleverd profiel vervangt dat."
)
s1, s2 = st.columns(2)
with s1:
    new_name = st.text_input(
        "Naam van het nieuwe profiel", value=f"{base.name}-aangepast", key="m_save_name"
    )
    valid = re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", new_name or "") is not None
    if not valid:
        st.caption("Gebruik kleine letters, cijfers en streepjes.")
    renamed = live.model_copy(update={"name": new_name}) if valid else live
    st.download_button(
        "Download profiel (YAML)",
        profile_yaml(renamed),
        file_name=f"{renamed.name}.yaml",
        mime="application/x-yaml",
        on_click="ignore",
    )
    if st.button("Opslaan in de datamap", disabled=not valid):
        save_profile(renamed, common.settings().data_dir / "profiles" / f"{new_name}.yaml")
        common.put("profiel", new_name)
        for param in ("gewichten", "normalisatie", "aggregatie", "ontbrekend"):
            common.put(param, None)
        st.rerun()
with s2:
    upload = st.file_uploader("Profiel laden (YAML)", type=["yaml", "yml"], key="m_upload")
    if upload is not None and st.button("Profiel gebruiken"):
        try:
            raw = yaml.safe_load(upload.getvalue().decode("utf-8"))
            loaded = parse_profile(raw, source=upload.name)
            loaded.validate_ids(data.catalogue.index)
            if re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", loaded.name) is None:
                raise ProfileError(f"profielnaam {loaded.name!r}: gebruik a-z, 0-9 en '-'")
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            st.error(f"{upload.name} is geen leesbaar YAML-bestand: {exc}")
        except ProfileError as exc:
            st.error(f"Profiel niet geladen: {exc}")
        else:
            save_profile(loaded, common.settings().data_dir / "profiles" / f"{loaded.name}.yaml")
            common.put("profiel", loaded.name)
            for param in ("gewichten", "normalisatie", "aggregatie", "ontbrekend"):
                common.put(param, None)
            st.rerun()

with st.expander("Profiel als YAML"):
    st.code(live_text, language="yaml")

st.header("Bronnen en perioden", anchor=False)
st.dataframe(common.provenance_table(data), hide_index=True, width="stretch")
cat = data.catalogue[["label", "domain", "unit", "kind", "tabel", "periode"]].rename(
    columns={
        "label": "Indicator",
        "domain": "Domein",
        "unit": "Eenheid",
        "kind": "Soort",
        "tabel": "Tabel",
        "periode": "Periode",
    }
)
st.dataframe(cat, width="stretch")
