"""Wijkradar Streamlit app (Dutch UI). Only widgets and rendering; logic lives in the packages."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from geo._errors import GemeenteNotFoundError, SourceError, WijkradarError
from geo._states import STATE_LABELS
from models import ProfileError
from wijkradar import DEFAULT_JAAR, Settings, load_gemeente
from wijkradar.pipeline import fetch_gemeente
from wijkradar.scoring_cli import list_profiles, resolve_profile, score_gemeente

st.set_page_config(page_title="Wijkradar", layout="wide")
settings = Settings.from_env()


@st.cache_data(show_spinner="Gegevens laden...", max_entries=16)
def _load(gemeentecode: str, jaar: int, refresh: bool):
    return load_gemeente(gemeentecode, jaar=jaar, settings=settings, refresh=refresh)


@st.cache_data(show_spinner="Buurten scoren...", max_entries=32)
def _score(gemeentecode: str, jaar: int, profiel: str, created: str):
    data = _load(gemeentecode, jaar, False)
    return score_gemeente(data, resolve_profile(profiel, settings), seed=42, draws=500)


params = st.query_params
st.title("Wijkradar")
st.caption("Preventieprioriteit per buurt uit CBS-kerncijfers en de RIVM/GGD-gezondheidsmonitor.")

with st.sidebar:
    gemeente = st.text_input(
        "Gemeentecode",
        value=params.get("gemeente", "GM0307"),
        help="CBS-code, bijvoorbeeld GM0307 (Amersfoort) of GM0034 (Almere)",
    )
    jaar = st.number_input(
        "Indelingsjaar",
        min_value=2019,
        max_value=2025,
        value=int(params.get("jaar", DEFAULT_JAAR)),
        step=1,
    )
    profielen = sorted(list_profiles(settings))
    gekozen = params.get("profiel", "kansrijke-wijk")
    profiel = st.selectbox(
        "Scoringsprofiel", profielen, index=profielen.index(gekozen) if gekozen in profielen else 0
    )
    vernieuwen = st.button("Opnieuw ophalen bij de bronnen")
st.query_params.update({"gemeente": gemeente, "jaar": str(jaar), "profiel": profiel})

data = None
try:
    if vernieuwen:
        _load.clear()
        fetch_gemeente(gemeente, jaar=int(jaar), settings=settings)
    data = _load(gemeente.strip().upper(), int(jaar), False)
except GemeenteNotFoundError as exc:
    st.error(f"Onbekende gemeente: {exc}")
except SourceError as exc:
    st.error(
        f"Bron niet bereikbaar: {exc.source or 'onbekende bron'}. Er is nog geen cache "
        "voor deze gemeente. Importeer de bestanden hieronder of probeer het later opnieuw."
    )
    with st.expander("Technische details"):
        st.code(str(exc))
except WijkradarError as exc:
    st.error(f"De gegevens konden niet worden geladen: {exc}")

with st.expander("Bestanden importeren (als de bronnen geblokkeerd zijn)"):
    st.write(
        "Wijk- en buurtkaart (GeoPackage/GeoJSON), StatLine-CSV of kwb-xlsx en de "
        "RIVM-export. De buurtgrenzen zijn verplicht."
    )
    uploads = st.file_uploader(
        "Bestanden",
        accept_multiple_files=True,
        type=["gpkg", "geojson", "json", "csv", "xlsx", "parquet"],
    )
    if uploads and st.button("Importeren"):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for up in uploads:
                p = Path(tmp) / Path(up.name).name
                p.write_bytes(up.getvalue())
                paths.append(p)
            try:
                fetch_gemeente(gemeente, jaar=int(jaar), settings=settings, files=paths)
                _load.clear()
                st.success("Bestanden geïmporteerd.")
                st.rerun()
            except WijkradarError as exc:
                st.error(f"Import mislukt, er is niets opgeslagen: {exc}")

if data is not None:
    st.subheader(f"{data.gemeentenaam} ({data.gemeentecode}), indeling {data.jaar}")
    if data.from_cache:
        st.info(f"Gegevens uit de cache van {data.created}.")
    for w in data.warnings:
        st.warning(w)
    try:
        scores = _score(data.gemeentecode, data.jaar, profiel, data.created)
    except ProfileError as exc:
        st.error(f"Het profiel past niet bij deze gegevens: {exc}")
        scores = None
    if scores is not None:
        table = scores[
            [
                "buurtnaam",
                "wijknaam",
                "score",
                "rank",
                "rank_low",
                "rank_high",
                "p_top_k",
                "robust",
                "confidence",
                "reden",
            ]
        ].sort_values("rank")
        table = table.rename(
            columns={
                "buurtnaam": "Buurt",
                "wijknaam": "Wijk",
                "score": "Score",
                "rank": "Rang",
                "rank_low": "Rang (laag)",
                "rank_high": "Rang (hoog)",
                "p_top_k": f"Kans top {scores.attrs.get('top_k', 10)}",
                "robust": "Robuust",
                "confidence": "Betrouwbaarheid",
                "reden": "Toelichting",
            }
        )
        st.dataframe(table, use_container_width=True)
    st.markdown("**Matchrapport van de bronnen**")
    st.dataframe(data.match.rename(columns={"match_rate": "match"}), hide_index=True)
    counts = data.states.apply(lambda c: c.value_counts()).T.fillna(0).astype(int)
    st.markdown("**Status van de waarden per indicator**")
    st.dataframe(counts.rename(columns=STATE_LABELS))
    st.markdown("**Herkomst**")
    st.dataframe(pd.DataFrame(data.provenance), hide_index=True)
