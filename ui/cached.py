"""Cached calls of the Streamlit pages: loading, scoring and the slow analyses.

Streamlit caching (``st.cache_data``/``st.cache_resource``) lives here and nowhere in the
packages, so notebooks and the CLI run without Streamlit. Every cache key includes the
settings (:func:`_cfg`), so cached results never cross data folders or source URLs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import streamlit as st
import yaml

from geo.errors import SourceError, WijkradarError
from geo.gemeente import cache_path
from geo.sources.tiles import basemap_reachable
from geo.web import simplify_for_web
from models import buurt_types, hotspots, need_ranks
from models.profile import parse_profile
from ui.state import is_example, settings
from ui.uploads import saved_uploads
from wijkradar import Settings, load_gemeente
from wijkradar.change import score_periods as _score_periods
from wijkradar.pipeline import fetch_gemeente, list_gemeenten
from wijkradar.render.offline import UnreachableMemory
from wijkradar.scoring import score_gemeente
from wijkradar.validity import fetch_reference, load_reference
from wijkradar.voorbeeld import load_example

if TYPE_CHECKING:
    from geo.registry import Registry

SEED = 42
DRAWS = 1000


@st.cache_resource(show_spinner=False)
def unreachable() -> UnreachableMemory:
    """Sources that failed recently (per process): no new wait on every page switch."""
    return UnreachableMemory()


def _cfg() -> str:
    """Cache-key fragment: cached results never cross data folders or source URLs."""
    return settings().model_dump_json()


@st.cache_data(ttl=600, show_spinner=False)
def basemap_ok(tile_url: str) -> bool:
    """Whether the basemap answers (checked at most every 10 minutes)."""
    return basemap_reachable(tile_url)


@st.cache_resource(show_spinner=False)
def _registry(url: str) -> Registry:
    from geo.registry import Registry  # SQLAlchemy: loaded by the pages that use the registry

    return Registry(url)


def registry() -> Registry:
    """The registry of the current settings (one connection pool per database)."""
    s = settings()
    if not s.database_url:
        s.data_dir.mkdir(parents=True, exist_ok=True)
    return _registry(s.registry_url)


def gemeenten(jaar: int) -> pd.Series | None:
    """Gemeente names by code, or None when PDOK and the cached list are both unavailable.

    A failure is remembered for a few minutes (not cached for a day), so the list comes
    back by itself once PDOK answers again.
    """
    key = ("gemeenten", jaar, _cfg())
    if unreachable().failure(key):
        return None
    try:
        return _gemeenten(jaar, _cfg())
    except WijkradarError as exc:
        unreachable().remember(key, exc)
        return None


@st.cache_data(show_spinner=False, max_entries=8, ttl=24 * 3600)
def _gemeenten(jaar: int, cfg: str) -> pd.Series:
    return list_gemeenten(jaar, settings=settings())


@st.cache_data(show_spinner="Gegevens laden...", max_entries=16)
def _load_cached(gm: str, jaar: int, stamp: float, cfg: str):
    return load_gemeente(gm, jaar=jaar, settings=settings())


def load(gm: str, jaar: int):
    """The gemeente from the cache; fetched first (with a progress bar) when not cached."""
    path = cache_path(settings().data_dir, gm, jaar)
    if is_example() and not path.exists():
        load_example(Settings.from_env())  # from the shipped snapshot, no network
    key = ("gemeente", gm, jaar, _cfg())
    if not path.exists():
        remembered = unreachable().failure(key)
        if remembered is not None:
            raise remembered[1]
        bar = st.progress(0.0, text=f"{gm} ophalen bij de bronnen...")
        try:
            fetch_gemeente(
                gm,
                jaar=jaar,
                settings=settings(),
                progress=lambda f, step: bar.progress(min(max(f, 0.0), 1.0), text=step),
            )
        except SourceError as exc:
            unreachable().remember(key, exc)
            raise
        finally:
            bar.empty()
    return _load_cached(gm, jaar, path.stat().st_mtime if path.exists() else 0.0, _cfg())


def load_retry_in(gm: str, jaar: int) -> float:
    """Seconds until :func:`load` asks the sources for ``gm`` again (0: no wait)."""
    return unreachable().retry_in(("gemeente", gm, jaar, _cfg()))


@st.cache_data(show_spinner="Buurten scoren...", max_entries=64)
def score(gm: str, jaar: int, yaml_text: str, created: str) -> pd.DataFrame:
    """Scores of the gemeente under the profile given as YAML (the cache key)."""
    data = load(gm, jaar)
    profile = parse_profile(yaml.safe_load(yaml_text), source="profiel")
    return score_gemeente(data, profile, seed=SEED, draws=DRAWS)


@st.cache_data(ttl=24 * 3600, show_spinner="SES-WOA ophalen...", max_entries=16)
def _reference_cbs(gm: str, cfg: str) -> tuple[pd.DataFrame, list[str]]:
    return fetch_reference(gm, settings=settings())


def reference(gm: str, upload=None) -> tuple[pd.DataFrame | None, list[str]]:
    """SES-WOA/Leefbaarometer per buurt: the uploaded file, else SES-WOA from CBS (cached).

    A failed fetch is remembered for a few minutes (not cached); the voorbeeldgemeente, which
    works offline, asks for a file instead.
    """
    if upload is not None:
        with saved_uploads([upload]) as paths:
            try:
                return load_reference(gm, settings=settings(), files=paths)
            except WijkradarError as exc:
                return None, [f"Bestand niet gelezen: {exc}"]
    if is_example():
        return None, ["Voorbeeldgemeente: upload een SES-WOA- of Leefbaarometerbestand."]
    key = ("ses-woa", gm, _cfg())
    if unreachable().failure(key):
        return None, ["SES-WOA (CBS 86092NED) was zojuist niet bereikbaar."]
    try:
        return _reference_cbs(gm, _cfg())
    except SourceError as exc:
        unreachable().remember(key, exc)
        return None, [f"SES-WOA niet opgehaald: {exc}"]


@st.cache_data(show_spinner=False, max_entries=16)
def geometry(gm: str, jaar: int, created: str) -> gpd.GeoDataFrame:
    """Coverage-simplified WGS84 buurt polygons for the map."""
    return simplify_for_web(load(gm, jaar).buurten)


@st.cache_data(show_spinner="Hotspots berekenen...", max_entries=16)
def hotspot_table(gm: str, jaar: int, yaml_text: str, created: str) -> pd.DataFrame:
    """Local Moran's I of the score (999 permutations, FDR)."""
    data = load(gm, jaar)
    scores = score(gm, jaar, yaml_text, created)
    frame = gpd.GeoDataFrame(
        {"score": scores["score"]}, geometry=data.buurten.geometry, crs=data.buurten.crs
    )
    return hotspots(frame, "score", permutations=999, seed=SEED)


@st.cache_data(show_spinner="Buurttypen bepalen...", max_entries=16)
def type_table(
    gm: str, jaar: int, yaml_text: str, created: str, k: int = 5
) -> tuple[pd.Series, pd.DataFrame]:
    """k-means buurt types on percentile ranks (higher = more need) of the profile's indicators."""
    data = load(gm, jaar)
    scores = score(gm, jaar, yaml_text, created)
    profile = parse_profile(yaml.safe_load(yaml_text), source="profiel")
    keep = ~scores["te_klein"].astype(bool)
    ranks = need_ranks(data.indicators(), profile, keep=keep)
    if len(ranks) < 3 or ranks.empty:
        return pd.Series(dtype=float), pd.DataFrame()
    labels = data.catalogue["label"].to_dict()
    return buurt_types(ranks, k=k, seed=SEED, labels=labels)


@st.cache_data(show_spinner="Scores per monitorjaar herberekenen...", max_entries=16)
def score_periods(gm: str, jaar: int, yaml_text: str, created: str, periods: tuple[str, ...]):
    """The score recomputed with the health figures of each monitor year in ``periods``."""
    data = load(gm, jaar)
    profile = parse_profile(yaml.safe_load(yaml_text), source="profiel")
    return _score_periods(data, profile, periods, seed=SEED)
