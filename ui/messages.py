"""Dutch messages about the data: load failures, poorly matching sources, provenance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import GemeenteNotFoundError, SourceError, WijkradarError
from ui.cached import load_retry_in, unreachable
from ui.sidebar import open_example
from wijkradar.escape import markdown_text as md
from wijkradar.pipeline import LOW_MATCH
from wijkradar.render.format import fmt_datetime, plural


def load_failed(exc: WijkradarError, gm: str, jaar: int) -> None:
    """Say why gemeente ``gm`` could not be loaded, naming the source, and offer a way on."""
    if isinstance(exc, GemeenteNotFoundError):
        st.error(f"Onbekende gemeente: {md(exc)}")
        return
    if not isinstance(exc, SourceError):
        st.error(f"De gegevens konden niet worden geladen: {md(exc)}")
        return
    st.error(
        f"Bron niet bereikbaar: {md(exc.source or 'onbekende bron')}. Er is nog geen cache "
        "voor deze gemeente. Importeer de bestanden hieronder, open de voorbeeldgemeente "
        "of probeer het later opnieuw."
    )
    wait = load_retry_in(gm, jaar)
    if wait:
        minutes = plural(max(1, round(wait / 60)), "minuut", "minuten")
        st.caption(
            f"Wijkradar probeert de bronnen over {minutes} vanzelf opnieuw, zodat u niet "
            "bij elke pagina hoeft te wachten."
        )
    with st.container(horizontal=True):
        if st.button("Nu opnieuw proberen"):
            unreachable().forget()
            st.rerun()
        if st.button("Voorbeeldgemeente openen (werkt zonder netwerk)"):
            open_example()
    with st.expander("Technische details"):
        st.code(str(exc))


def match_messages(data) -> list[str]:
    """Dutch notes on sources whose buurtcodes match the indeling badly."""
    out = []
    for rep in data.match.to_dict("records"):
        if rep["aandeel_op_buurtcode"] < LOW_MATCH:
            out.append(
                f"{source_title(data, rep)} ({rep['periode']}): {rep['op_buurtcode']} van de "
                f"{rep['buurten']} buurtcodes komen voor in de indeling {data.jaar}; "
                f"{rep['via_wijk']} buurten krijgen de wijkwaarde, {rep['ontbreekt']} hebben "
                "geen waarde."
            )
    return out


def source_title(data, rep: dict) -> str:
    """A source's name for people (its title), not a table id like ``50120NED``."""
    for p in data.provenance:
        if p.get("tabel") == rep.get("tabel") and p.get("titel"):
            return f"{p['titel']} ({rep['tabel']})"
    return str(rep.get("tabel", ""))


def provenance_table(data) -> pd.DataFrame:
    """Sources with their periods, for display."""
    rows = [
        {
            "Bron": p.get("titel", ""),
            "Tabel": p.get("tabel", ""),
            "Periode": p.get("periode", ""),
            "Opgehaald": fmt_datetime(p.get("opgehaald", "")),
            "Opmerkingen": "; ".join(p.get("opmerkingen", []) or []),
        }
        for p in data.provenance
    ]
    return pd.DataFrame(rows)
