"""Buurtnotities widgets shared by the Buurtprofiel and Buurtnotities pages (Streamlit only)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from geo.registry import Registry
from ui.editing import try_save
from wijkradar.escape import markdown_text
from wijkradar.notes import FLAG_LABEL, NOTITIE_SOORTEN, add_note, notes_for_buurten
from wijkradar.render.format import fmt_date, fmt_datetime, plural

SOORT_LABELS = {
    "observatie": "Observatie",
    "gesprek": "Gesprek (met bewoners of partners)",
    "signaal": "Signaal",
    "overig": "Overig",
}


def notes_display(notes: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Notes as a Dutch table (st.dataframe shows text as text, never as markup)."""
    names = names or {}
    return pd.DataFrame(
        {
            "Datum": notes["datum"].map(fmt_date),
            "Buurt": notes["buurtcode"].map(lambda c: f"{names.get(c, '')} ({c})"),
            "Soort": notes["soort"].map(lambda s: SOORT_LABELS.get(s, s)),
            "Cijfers kloppen niet": notes["cijfers_kloppen_niet"].map(
                lambda f: "ja" if f else "nee"
            ),
            "Notitie": notes["tekst"],
            "Door": notes["gewijzigd_door"],
            "Laatst gewijzigd": notes["gewijzigd"].map(fmt_datetime),
        }
    )


#: Notes shown in full on the Buurtprofiel; older ones are in a table below them.
SHOWN = 10


def show_note(rec: dict) -> None:
    """One note as a card: date, kind, author and the flag as caption, the text as plain text."""
    with st.container(border=True):
        meta = [fmt_date(rec["datum"]), SOORT_LABELS.get(rec["soort"], rec["soort"])]
        if rec.get("gewijzigd_door"):
            meta.append(f"door {rec['gewijzigd_door']}")
        if rec.get("cijfers_kloppen_niet"):
            meta.append(f"signaal: {FLAG_LABEL}")
        st.caption(markdown_text(" · ".join(meta)))
        st.text(rec["tekst"])  # plain text: never Markdown or HTML


def note_form(
    reg: Registry,
    code: str,
    codes: set[str],
    user: str,
    *,
    key: str,
    heading: str | None = "Notitie toevoegen",
) -> None:
    """Form to add a note to buurt ``code``; disabled without an editor (login rules).

    ``heading`` is a real (h3) heading over the form; ``None`` when the page has one already.
    """
    with st.form(key, clear_on_submit=True):
        if heading:
            st.subheader(heading, anchor=False)
        c1, c2 = st.columns(2)
        datum = c1.date_input("Datum", value=date.today(), format="DD-MM-YYYY")
        soort = c2.selectbox("Soort", NOTITIE_SOORTEN, format_func=lambda s: SOORT_LABELS.get(s, s))
        tekst = st.text_area("Notitie", max_chars=5000, placeholder="Wat ziet of hoort u?")
        flag = st.checkbox(
            f"Signaal: {FLAG_LABEL}",
            help="Zet dit aan als de cijfers van Wijkradar niet passen bij wat u in de buurt ziet.",
        )
        sent = st.form_submit_button("Notitie opslaan", disabled=not user)
    if not user:
        st.caption("Vul links uw naam in (of log in) om een notitie toe te voegen.")
        return
    if sent:
        done, _ = try_save(
            lambda: add_note(
                reg,
                buurtcode=code,
                datum=datum if isinstance(datum, date) else date.today(),
                soort=soort,
                tekst=tekst,
                cijfers_kloppen_niet=flag,
                user=user,
                buurtcodes=codes,
            ),
            failed="Niet opgeslagen",
        )
        if done:
            st.success("Notitie opgeslagen.")


def buurt_notes(reg: Registry, code: str, name: str, codes: set[str], user: str) -> None:
    """The notes of one buurt, newest first, with the add form."""
    notes = notes_for_buurten(reg, [code])
    flagged = int(notes["cijfers_kloppen_niet"].sum()) if not notes.empty else 0
    if notes.empty:
        st.write("Nog geen notities voor deze buurt.")
    else:
        st.caption(
            f"{plural(len(notes), 'notitie', 'notities')}, "
            f"{plural(flagged, 'signaal', 'signalen')} '{FLAG_LABEL}'."
        )
        if flagged:
            st.warning(
                f"{markdown_text(name)}: {plural(flagged, 'notitie zegt', 'notities zeggen')} "
                f"dat de cijfers niet kloppen met wat men ziet. Lees ze voordat u conclusies trekt."
            )
        for rec in notes.head(SHOWN).to_dict("records"):
            show_note(rec)
        if len(notes) > SHOWN:
            with st.expander(f"Alle {len(notes)} notities"):
                st.dataframe(
                    notes_display(notes, {code: name}).drop(columns=["Buurt"]),
                    hide_index=True,
                    width="stretch",
                )
    note_form(reg, code, codes, user, key=f"note_{code}")
