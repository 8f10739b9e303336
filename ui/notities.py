"""Buurtnotities: search, read, add, edit and download local knowledge per buurt."""

from __future__ import annotations

import streamlit as st

from ui import common, downloads, editing
from ui.notities_blok import SOORT_LABELS, note_form, notes_display
from wijkradar.escape import markdown_text
from wijkradar.notes import FLAG_LABEL, NOTITIE_SOORTEN, notes_csv, notes_for_buurten
from wijkradar.render.format import fmt_date, plural

v = common.scored_view("Buurtnotities", need_scores=False)
reg = common.registry_or_stop()
user = editing.editor_name()
codes = set(v.data.buurten.index)
names = v.data.buurten["buurtnaam"].astype(str).to_dict()

st.write(
    "Lokale kennis van buurtnetwerkers en wijkteams: waarnemingen, gesprekken en signalen dat "
    "de cijfers niet kloppen met wat men ziet. Notities staan in het register "
    f"({markdown_text(v.data.gemeentenaam)}), met logboek; alleen wie zijn naam invult of "
    "inlogt kan ze toevoegen of wijzigen."
)
c1, c2, c3 = st.columns([3, 1, 1])
query = c1.text_input("Zoeken", placeholder="woord, buurtnaam of buurtcode", key="nt_zoek")
only_flagged = c2.checkbox("Alleen signalen", key="nt_signaal", help=FLAG_LABEL)
since = c3.date_input("Vanaf", value=None, format="DD-MM-YYYY", key="nt_vanaf")
notes = notes_for_buurten(
    reg, codes, query=query, names=names, only_flagged=only_flagged, since=since or None
)
st.caption(
    f"{plural(len(notes), 'notitie', 'notities')} gevonden"
    + (f" voor '{markdown_text(query)}'" if query.strip() else "")
    + f", waarvan {plural(int(notes['cijfers_kloppen_niet'].sum()), 'signaal', 'signalen')}."
)
if not notes.empty:
    st.dataframe(notes_display(notes, names), hide_index=True, width="stretch")
    downloads.csv_download(
        "Download notities (CSV)",
        notes_csv(notes, names),
        f"buurtnotities-{v.data.gemeentecode}.csv",
    )

st.subheader("Notitie toevoegen")
code = st.selectbox("Buurt", v.buurt_options(), format_func=v.buurt_name, key="nt_buurt")
note_form(reg, code, codes, user, key="nt_nieuw", heading=None)

if not notes.empty:
    st.subheader("Notitie wijzigen of verwijderen")
    ids = notes["id"].tolist()
    by_id = notes.set_index("id")
    chosen = st.selectbox(
        "Notitie",
        ids,
        format_func=lambda i: (
            f"{fmt_date(by_id.loc[i, 'datum'])} · {names.get(by_id.loc[i, 'buurtcode'], '')} · "
            f"{str(by_id.loc[i, 'tekst'])[:60]}"
        ),
        key="nt_kies",
    )
    row = reg.get("buurtnotitie", chosen)
    if row is None:
        st.info("Deze notitie is intussen verwijderd.")
    else:
        # the version this user saw: saving over a newer version is refused (no lost update)
        seen_key = f"nt_versie_{chosen}"
        seen = int(st.session_state.setdefault(seen_key, int(row["version"])))
        # widget state starts from the version seen and is keyed by it: another session's
        # change neither resets what this user typed nor slips past the version check
        keys = {f: f"nt_{f}_{chosen}_{seen}" for f in ("tekst", "soort", "flag")}
        st.session_state.setdefault(keys["tekst"], row["tekst"])
        st.session_state.setdefault(keys["soort"], row["soort"])
        st.session_state.setdefault(keys["flag"], bool(row["cijfers_kloppen_niet"]))
        with st.form("nt_wijzig"):
            tekst = st.text_area("Notitie", max_chars=5000, key=keys["tekst"])
            soort = st.selectbox(
                "Soort",
                NOTITIE_SOORTEN,
                format_func=lambda s: SOORT_LABELS.get(s, s),
                key=keys["soort"],
            )
            flag = st.checkbox(f"Signaal: {FLAG_LABEL}", key=keys["flag"])
            b1, b2 = st.columns(2)
            save = b1.form_submit_button("Wijziging opslaan", disabled=not user)
            remove = b2.form_submit_button("Verwijderen", disabled=not user)
        if save or remove:
            if save:
                record = {**row, "tekst": tekst, "soort": soort, "cijfers_kloppen_niet": flag}
                done, _ = editing.try_save(
                    lambda: reg.save(
                        "buurtnotitie", record, user=user, version=seen, buurtcodes=codes
                    ),
                    failed="Niet opgeslagen",
                )
            else:
                done, _ = editing.try_save(
                    lambda: reg.delete("buurtnotitie", chosen, user=user, version=seen),
                    failed="Niet verwijderd",
                )
            # saved, or refused: read the current version again (what was typed stays)
            st.session_state.pop(seen_key, None)
            if done:
                st.rerun()
