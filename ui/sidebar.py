"""The sidebar, drawn once per run by ``app.py``: year, gemeente, profile, login or name.

:func:`draw` keeps the choice in the URL state (:mod:`ui.state`); pages read it with
:func:`selection`.
"""

from __future__ import annotations

import streamlit as st

from geo.errors import WijkradarError
from ui.cached import gemeenten, unreachable
from ui.editing import LOGIN_NEEDED, identity_widget, log_write, writer
from ui.state import DEFAULTS, PROFILE_KEYS, get, is_example, publish, put, settings, use_profile
from wijkradar import DEFAULT_JAAR, Settings
from wijkradar.escape import markdown_text as md
from wijkradar.pipeline import fetch_gemeente
from wijkradar.profiles import list_profiles
from wijkradar.voorbeeld import (
    EXAMPLE_CODE,
    EXAMPLE_JAAR,
    EXAMPLE_PARAM,
    EXAMPLE_PROFILE,
    install_example_profile,
)
from wijkradar.voorbeeld import banner as example_banner
from wijkradar.voorbeeld import metadata as example_metadata

YEARS = list(range(2019, 2026))
_CHOICE = "_wr_keuze"  # session key of this run's (gemeentecode or None, jaar, profiel)


def _gemeente_widget(jaar: int) -> str | None:
    names = gemeenten(jaar)
    wanted = (get("gemeente") or DEFAULTS["gemeente"]).strip()
    if names is None or names.empty:
        st.caption(
            "De lijst met gemeenten is niet bereikbaar (PDOK); typ de CBS-code of open de "
            "voorbeeldgemeente."
        )
        return st.text_input("Gemeentecode", value=wanted, help="Bijvoorbeeld GM0307").strip()
    codes = list(names.index)
    by_name = {str(v).casefold(): k for k, v in names.items()}
    code = wanted.upper() if wanted.upper() in names.index else by_name.get(wanted.casefold())
    if code is None:
        st.error(
            f"Onbekende gemeente: '{md(wanted)}' staat niet in de CBS-lijst van {jaar}. "
            "Kies een gemeente uit de lijst."
        )
    choice = st.selectbox(
        f"Gemeente ({len(codes)})",
        codes,
        index=codes.index(code) if code else None,
        format_func=lambda c: f"{names[c]} ({c})",
        placeholder="Kies een gemeente",
    )
    return choice


def open_example() -> None:
    """Switch to the voorbeeldgemeente with its own profile."""
    put("gemeente", EXAMPLE_PARAM)
    put("profiel", EXAMPLE_PROFILE)
    for key in ("buurt", *PROFILE_KEYS, "kaart"):
        put(key, None)
    publish()
    st.rerun()


def _example_sidebar() -> tuple[str, int]:
    """The voorbeeldgemeente in the sidebar: clearly marked, with a way back."""
    install_example_profile(Settings.from_env())
    meta = example_metadata()
    st.info(md(example_banner(meta)))
    st.caption(md(meta.get("naamsvermelding", "")))
    if st.button("Andere gemeente kiezen"):
        for key in ("gemeente", "profiel"):
            put(key, DEFAULTS[key])
        put("buurt", None)
        st.rerun()
    return EXAMPLE_CODE, EXAMPLE_JAAR


def draw() -> tuple[str | None, int, str]:
    """Gemeente, year and profile choice; returns (gemeentecode or None, jaar, profiel)."""
    with st.sidebar:
        st.header("Wijkradar", anchor=False)
        example = is_example()
        try:
            jaar_default = int(get("jaar", DEFAULTS["jaar"]))
        except ValueError:
            jaar_default = DEFAULT_JAAR
        if example:
            gm, jaar = _example_sidebar()
        else:
            jaar = st.selectbox(
                "Indelingsjaar",
                YEARS,
                index=YEARS.index(jaar_default)
                if jaar_default in YEARS
                else YEARS.index(DEFAULT_JAAR),
            )
            gm = _gemeente_widget(jaar)
        profiles = sorted(list_profiles(settings()))
        wanted = get("profiel", DEFAULTS["profiel"])
        if wanted not in profiles:
            st.warning(f"Profiel '{md(wanted)}' bestaat niet; het standaardprofiel wordt gebruikt.")
            wanted = DEFAULTS["profiel"]
        profiel = st.selectbox(
            "Scoringsprofiel",
            profiles,
            index=profiles.index(wanted),
            help="Meegeleverde en eigen profielen uit de datamap (ook die uit notebooks).",
        )
        if profiel != get("profiel"):
            use_profile(profiel)  # the previous profile's weight and method changes go
        if not example:
            if gm and gm != get("gemeente"):
                put("buurt", None)
            put("gemeente", gm)
            put("jaar", jaar)
        may_write = writer() is not None
        refresh = st.button(
            "Opnieuw ophalen bij de bronnen",
            disabled=not gm or not may_write or example,
            help=None if may_write else LOGIN_NEEDED,
        )
        if not example and st.button(
            "Voorbeeldgemeente openen",
            help="Amersfoort als momentopname van open data; werkt zonder netwerk.",
        ):
            open_example()
        identity_widget()
    if refresh and gm and may_write:
        unreachable().forget()
        try:
            fresh = fetch_gemeente(gm, jaar=jaar, settings=settings(), refresh=True)
            if fresh.failed_source:
                st.error(
                    f"Bron niet bereikbaar: {md(fresh.failed_source)}. De gegevens uit de cache "
                    f"van {md(fresh.created)} blijven in gebruik."
                )
            else:
                log_write("ophalen", "gemeente", f"{gm}-{jaar}")
                st.toast("Gegevens opnieuw opgehaald.")
        except WijkradarError as exc:
            st.error(f"Opnieuw ophalen mislukt; de vorige gegevens blijven staan: {md(exc)}")
    st.session_state[_CHOICE] = (gm, jaar, profiel)
    return gm, jaar, profiel


def selection() -> tuple[str | None, int, str]:
    """This run's choice in the sidebar: (gemeentecode or None, jaar, profiel)."""
    return st.session_state[_CHOICE]
