"""What every page works on: the loaded and scored gemeente of the sidebar's choice.

A page opens with ``v = common.scored_view("Titel")``. The sidebar is drawn once by
``app.py`` (:mod:`ui.sidebar`); the URL state is :mod:`ui.state`, cached calls are
:mod:`ui.cached`, writes and the audit trail :mod:`ui.editing`, messages :mod:`ui.messages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from geo.errors import WijkradarError
from geo.registry import RegistryError
from models import ProfileError, ScoringProfile, profile_yaml
from ui import sidebar
from ui.cached import load, registry, score
from ui.editing import LOGIN_NEEDED, log_write, try_save, writer
from ui.messages import load_failed, match_messages
from ui.state import current_profile, is_example, settings
from ui.uploads import saved_uploads
from wijkradar.escape import markdown_text as md
from wijkradar.pipeline import fetch_gemeente
from wijkradar.render.format import fmt_datetime
from wijkradar.render.offline import DOWNLOADS
from wijkradar.voorbeeld import banner as example_banner

if TYPE_CHECKING:
    from geo.registry import Registry


@dataclass
class View:
    """What every page works on."""

    data: object
    profile: ScoringProfile
    yaml_text: str
    scores: pd.DataFrame | None

    @property
    def key(self) -> tuple[str, int, str, str]:
        d = self.data
        return d.gemeentecode, d.jaar, self.yaml_text, d.created

    def factors(self) -> pd.Series:
        from wijkradar.render.maps import top_factors  # folium: only pages that show factors

        return top_factors(self.scores, self.data.catalogue)

    def label(self, indicator: str) -> str:
        cat = self.data.catalogue
        return str(cat.loc[indicator, "label"]) if indicator in cat.index else indicator

    def buurt_options(self) -> list[str]:
        names = self.data.buurten["buurtnaam"].astype(str)
        return sorted(names.index, key=lambda c: (names[c].casefold(), c))

    def buurt_name(self, code: str) -> str:
        return f"{self.data.buurten.loc[code, 'buurtnaam']} ({code})"


def view() -> View | None:
    """Load and score the sidebar's choice; Dutch errors (naming the source) otherwise."""
    gm, jaar, _ = sidebar.selection()
    if not gm:
        st.info("Kies links een gemeente.")
        return None
    try:
        data = load(gm, jaar)
    except WijkradarError as exc:
        load_failed(exc, gm, jaar)
        import_files(gm, jaar)
        return None
    if is_example():
        st.info(md(example_banner()))
    elif data.from_cache:
        st.caption(f"Gegevens uit de cache van {md(fmt_datetime(data.created))}.")
    for text in match_messages(data):
        st.warning(md(text))
    try:
        profile = current_profile()
    except ProfileError as exc:  # e.g. a saved profile in the data folder that no longer parses
        st.error(f"Het profiel kan niet worden gelezen: {md(exc)}")
        return None
    text = profile_yaml(profile)
    try:
        scores = score(data.gemeentecode, data.jaar, text, data.created)
    except ProfileError as exc:
        st.error(f"Het profiel past niet bij deze gegevens: {md(exc)}")
        scores = None
    notes = [] if scores is None else scores.attrs.get("warnings", [])
    if notes:
        with st.sidebar.expander(f"Opmerkingen bij de score ({len(notes)}): wat is weggelaten"):
            for note in notes:
                st.caption(md(note))
    return View(data=data, profile=profile, yaml_text=text, scores=scores)


def scored_view(title: str, *, need_scores: bool = True) -> View:
    """The page's title and view; stops the page when there is nothing to show.

    Parameters
    ----------
    title
        The page title (``st.title``).
    need_scores
        Stop also when the profile does not fit the data (no scores). Pages that work on the
        registry or the profile itself pass False and get ``View.scores`` None then.
    """
    st.title(title)
    v = view()
    if v is None or (need_scores and v.scores is None):
        st.stop()
    assert v is not None  # st.stop() does not return
    return v


def registry_or_stop() -> Registry:
    """The registry, checked; stops the page with a Dutch message when it is not reachable."""
    try:
        reg = registry()
        reg.ping()
    except RegistryError as exc:
        st.error(f"Het register is niet bereikbaar: {md(exc)}")
        st.stop()
    return reg


def import_files(gm: str, jaar: int) -> None:
    """The ``--van`` file import, for when the sources are blocked."""
    with st.expander("Bestanden importeren (als de bronnen geblokkeerd zijn)", expanded=True):
        st.write(
            "Wijk- en buurtkaart (GeoPackage/GeoJSON), StatLine-CSV of kwb-xlsx en de "
            "RIVM-export. De buurtgrenzen zijn verplicht. Hier downloadt u ze:"
        )
        st.markdown("\n".join(f"- [{d.titel}]({d.url}): {d.wat}" for d in DOWNLOADS))
        uploads = st.file_uploader(
            "Bestanden",
            accept_multiple_files=True,
            type=["gpkg", "geojson", "json", "csv", "xlsx"],
        )
        may_write = writer() is not None
        if not may_write:
            st.info(LOGIN_NEEDED)
        if uploads and st.button("Importeren", disabled=not may_write) and may_write:
            with saved_uploads(uploads) as paths:
                done, _ = try_save(
                    lambda: fetch_gemeente(gm, jaar=jaar, settings=settings(), files=paths),
                    failed="Import mislukt, er is niets opgeslagen",
                    errors=(WijkradarError,),
                )
            if done:
                names = [p.name for p in paths]
                log_write("import", "gemeente", f"{gm}-{jaar}", {"bestanden": names})
                st.success("Bestanden geïmporteerd.")
                st.rerun()
