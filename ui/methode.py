"""Methode: the chosen profile, weights as sliders (live re-scoring), load/save profile YAML."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from models import (
    AGGREGATIONS,
    MISSING_POLICIES,
    NORMALISERS,
    ProfileError,
    profile_yaml,
)
from models.validity import TARGET_RHO
from ui import cached, common, editing, labels, messages, state
from ui.a11y import dutch_frame
from ui.livemap import live_map
from ui.mapsetup import map_setup
from wijkradar.analysis import saved_profile
from wijkradar.escape import markdown_text as md
from wijkradar.profiles import parse_profile_upload
from wijkradar.registry import save_user_profile
from wijkradar.render.format import fmt_count, fmt_number, fmt_percent
from wijkradar.render.maps import map_values, top_factors
from wijkradar.render.report import bounds_text, is_robust
from wijkradar.validity import validate_gemeente

v = common.scored_view("Methode", need_scores=False)
base = state.base_profile()
profile = v.profile

st.markdown(
    f"""
**Profiel {md(base.name)}.** {md(base.description)}

Wijkradar zet elke indicator om naar een schaal waarop *hoger = meer nood* (indicatoren waar
een hogere waarde gunstig is, zoals ervaren gezondheid, worden omgedraaid). Per domein worden
de indicatoren gewogen gemiddeld tot een domeinscore (0-100); de domeinscores samen vormen de
prioriteitsscore. Buurten met minder dan {base.min_population} inwoners krijgen geen score en
tonen geen cijfers. De onzekerheid van de rang komt uit {cached.DRAWS} Monte-Carlotrekkingen:
de gewichten variëren rond de gekozen waarden en de normalisatie wisselt. {bounds_text(v.data)}
Een buurt is *robuust* als hij in ten minste 90% van de trekkingen in de top {base.top_k} staat.
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
        state.put(param, None)
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
for col, (field, label, methods, names) in zip(
    st.columns(3),
    [
        ("normalisation", "Normalisatie", NORMALISERS, labels.NORMALISERS),
        ("aggregation", "Aggregatie", AGGREGATIONS, labels.AGGREGATIONS),
        ("missing", "Ontbrekende waarden", MISSING_POLICIES, labels.MISSING_POLICIES),
    ],
    strict=True,
):
    chosen[field] = col.selectbox(
        label,
        list(methods),
        index=list(methods).index(getattr(profile, field)),
        format_func=names.get,
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
state.put("gewichten", state.encode_weights(changed_d, changed_i) or None)
state.put("normalisatie", None if normalisation == base.normalisation else normalisation)
state.put("aggregatie", None if aggregation == base.aggregation else aggregation)
state.put("ontbrekend", None if missing == base.missing else missing)
state.publish()

try:
    live = state.current_profile()
    live_text = profile_yaml(live)
    live_scores = cached.score(v.data.gemeentecode, v.data.jaar, live_text, v.data.created)
except (ProfileError, ValueError) as exc:
    st.error(f"Met deze keuzes kan niet worden gescoord: {md(exc)}")
    st.stop()

st.header("Resultaat", anchor=False)
base_scores = cached.score(v.data.gemeentecode, v.data.jaar, profile_yaml(base), v.data.created)
top = live_scores.sort_values("rang").head(15)
preview = pd.DataFrame(
    {
        "Buurt": top["buurtnaam"],
        "Score": top["score"].map(fmt_number),
        "Rang": top["rang"].astype("Int64"),
        "Rang in het profiel": base_scores["rang"].reindex(top.index).astype("Int64"),
        "Robuust": top["robuust_top"].map(lambda r: "ja" if is_robust(r) else "nee"),
    }
)
st.dataframe(dutch_frame(preview), width="stretch")
for w in live_scores.attrs.get("warnings", []):
    st.caption(md(w))

# The live map follows the sliders: the browser keeps the map and only restyles it.
setup = map_setup()
clicked = (
    live_map(
        v.data,
        map_values(live_scores, v.data, "score"),
        setup,
        key="methode_kaart",
        scores=live_scores,
        factors=top_factors(live_scores, v.data.catalogue),
        labels=False,
        height=480,
        route="De 15 hoogste scores staan in de tabel hierboven, alle buurten op de pagina "
        "Ranglijst.",
    )
    if setup
    else None
)
if clicked:
    state.put("buurt", clicked)
    state.publish()
    st.caption(f"Geselecteerd: {md(v.buurt_name(clicked))}")

st.subheader("Nood en bereik", anchor=False)
st.markdown(
    "De score meet **nood** (gezondheid, bestaanszekerheid, sociaal, jeugd). Wie er woont "
    "(kinderen, gezinnen, ouderen, alleenstaanden) is **bereik**: het staat naast de score, "
    "kan de ranglijst filteren en schaalt de impactweergave (nood x aantal mensen), maar telt "
    "nooit mee in de nood. Zo doen gepubliceerde indexen het ook: eerst nood meten, daarna "
    "met het aantal mensen de inzet bepalen."
)
if base.reach:
    st.caption("Bereik in dit profiel: " + ", ".join(md(v.label(r)) for r in base.reach))
for note in base.notes:
    st.info(md(note))

st.subheader("Hoe goed klopt de score?", anchor=False)
st.markdown(
    "Een nood-score hoort samen te gaan met een lage sociaal-economische status. Wijkradar "
    "vergelijkt de score en elk domein met de SES-WOA-score van het CBS (tabel 86092NED) en, "
    "als u die aanlevert, met de Leefbaarometer (Spearman-rangcorrelatie; negatief = goed). "
    "Een domein dat de verkeerde kant op loopt meet waarschijnlijk iets anders dan nood."
)
ref_upload = st.file_uploader(
    "Eigen SES-WOA- of Leefbaarometerbestand (CSV)", type=["csv", "json"], key="m_referentie"
)
ref_frame, ref_notes = cached.reference(v.data.gemeentecode, ref_upload)
report, _ = validate_gemeente(v.data, live, reference=ref_frame)
cov = report.coverage
k1, k2, k3 = st.columns(3)
k1.metric(
    "Dekking",
    fmt_percent(cov["dekking"]),
    help="Deel van het gewicht dat op gepubliceerde cijfers van de buurt zelf rust, "
    "gemiddeld over de buurten met een score.",
)
k2.metric("Buurten onder 50% dekking", fmt_count(cov["buurten_onder"]))
k3.metric(
    "Rho met SES-WOA",
    "–" if pd.isna(report.rho_score) else fmt_number(report.rho_score, 2),
    help=f"Doel voor het standaardprofiel: {fmt_number(TARGET_RHO, 2)} of lager.",
)
for note in [*ref_notes, *report.notes]:
    st.caption(md(note))
if not report.correlations.empty:
    shown = report.correlations.assign(
        rho=report.correlations["rho"].map(lambda r: fmt_number(r, 2))
    )[["onderdeel", "label", "n", "rho"]].rename(
        columns={"onderdeel": "Onderdeel", "label": "Vergeleken met", "n": "Buurten"}
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    for row in report.directions.itertuples(index=False):
        if row.tegen_richting:
            st.warning(f"{md(row.onderdeel)}: {md(row.oordeel)}")

st.header("Profiel opslaan of laden", anchor=False)
st.caption(
    "Dezelfde YAML-bestanden als in de notebooks (map profiles in de datamap). Opgeslagen "
    "profielen verschijnen in de profielkeuze links. Meegeleverde profielen kunnen niet "
    "worden overschreven: kies een eigen naam."
)


def _save_profile(profile):
    """The profile into the data folder's ``profiles/``, audited under the writer's name."""
    return save_user_profile(
        profile, state.settings(), user=editing.writer() or "", registry=cached.registry()
    )


may_write = editing.writer() is not None
if not may_write:
    st.info(editing.LOGIN_NEEDED)
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
    saved_text = st.session_state.pop("m_saved_text", None)  # survives the rerun below
    if saved_text:
        st.success("  \n".join(md(line) for line in saved_text.splitlines()))
    if st.button("Opslaan in de datamap", disabled=not valid or not may_write) and may_write:
        done, path = editing.try_save(
            lambda: _save_profile(renamed), failed="Profiel niet opgeslagen"
        )
        if done:  # where it went and whether the app lists it, as in the notebook
            st.session_state["m_saved_text"] = str(saved_profile(new_name, path, state.settings()))
            state.use_profile(new_name)
            st.rerun()
with s2:
    upload = st.file_uploader("Profiel laden (YAML)", type=["yaml", "yml"], key="m_upload")
    if upload is not None and st.button("Profiel gebruiken", disabled=not may_write) and may_write:
        try:
            # size, nesting and alias limits before anything is built (issue #14)
            loaded = parse_profile_upload(upload.getvalue(), source=upload.name)
            loaded.check_catalogue(v.data.catalogue)  # unknown ids, neutral indicators as need
            if re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", loaded.name) is None:
                raise ProfileError(f"profielnaam {loaded.name!r}: gebruik a-z, 0-9 en '-'")
        except ProfileError as exc:
            st.error(f"Profiel niet geladen: {md(exc)}")
        else:
            done, _ = editing.try_save(
                lambda: _save_profile(loaded), failed="Profiel niet opgeslagen"
            )
            if done:
                state.use_profile(loaded.name)
                st.rerun()

with st.expander("Profiel als YAML"):
    st.code(live_text, language="yaml")

st.header("Bronnen en perioden", anchor=False)
st.dataframe(messages.provenance_table(v.data), hide_index=True, width="stretch")
cat = v.data.catalogue[["label", "domain", "unit", "kind", "tabel", "periode"]].rename(
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
