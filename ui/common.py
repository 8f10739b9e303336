"""Shared state of the Streamlit pages: URL parameters, loading, scoring (cached).

Everything a user chooses that defines a view lives in the URL query parameters, so a view can
be shared by link and reopened exactly: ``gemeente``, ``jaar``, ``profiel``, ``gewichten``,
``normalisatie``, ``aggregatie``, ``ontbrekend``, ``buurt``, ``kaart``. Only widgets and
rendering live in ``ui/``; logic lives in the packages.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import streamlit as st
import yaml
from streamlit.errors import StreamlitSecretNotFoundError

from geo.errors import GemeenteNotFoundError, SourceError, WijkradarError
from geo.gemeente import cache_path
from geo.sources.tiles import basemap_reachable
from models import (
    ProfileError,
    ScoringProfile,
    buurt_types,
    hotspots,
    need_ranks,
    profile_yaml,
)
from models.profile import parse_profile
from wijkradar import DEFAULT_JAAR, Settings, load_gemeente
from wijkradar.escape import markdown_text as md
from wijkradar.pipeline import LOW_MATCH, fetch_gemeente, list_gemeenten
from wijkradar.profiles import list_profiles, resolve_profile
from wijkradar.render.format import fmt_datetime, plural
from wijkradar.render.maps import map_geometry, top_factors
from wijkradar.render.offline import DOWNLOADS, UnreachableMemory
from wijkradar.scoring import score_gemeente
from wijkradar.validity import fetch_reference, load_reference
from wijkradar.voorbeeld import (
    EXAMPLE_CODE,
    EXAMPLE_JAAR,
    EXAMPLE_PARAM,
    EXAMPLE_PROFILE,
    example_settings,
    install_example_profile,
    load_example,
)
from wijkradar.voorbeeld import banner as example_banner
from wijkradar.voorbeeld import metadata as example_metadata

if TYPE_CHECKING:
    from geo.registry import Registry

DEFAULTS = {"gemeente": "GM0307", "jaar": str(DEFAULT_JAAR), "profiel": "kansrijke-wijk"}
URL_KEYS = (
    "gemeente",
    "jaar",
    "profiel",
    "gewichten",
    "normalisatie",
    "aggregatie",
    "ontbrekend",
    "buurt",
    "kaart",
    # map view: class method, number of classes, palette, basemap, layers, werklijst size
    "klassen",
    "aantal",
    "palet",
    "achtergrond",
    "lagen",
    "top",
    # Verandering (what, from, to), Eigen gebieden (saved or wijkteam area), Andere indexen
    "verandering",
    "van",
    "naar",
    "gebied",
    "index",
)
SEED = 42
DRAWS = 1000
YEARS = list(range(2019, 2026))


def is_example() -> bool:
    """Whether the view is the voorbeeldgemeente (``?gemeente=voorbeeld``)."""
    return str(st.session_state.get("url_gemeente") or "").casefold() == EXAMPLE_PARAM


def settings() -> Settings:
    """Settings from the environment (cheap; cache keys below include them).

    The voorbeeldgemeente uses its own data folder, so it never mixes with real data.
    """
    s = Settings.from_env()
    return example_settings(s) if is_example() else s


@st.cache_resource(show_spinner=False)
def unreachable() -> UnreachableMemory:
    """Sources that failed recently (per process): no new wait on every page switch."""
    return UnreachableMemory()


def _cfg() -> str:
    """Cache-key fragment: cached results never cross data folders or source URLs."""
    return settings().model_dump_json()


def static_dir() -> Path:
    """The app's ``static/`` folder (Streamlit serves it at ``/app/static``).

    Streamlit serves the ``static/`` folder next to the main script: the project root in a
    checkout, ``wijkradar/_app`` in an installed wheel (Leaflet already there, see setup.py).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    main = Path(ctx.main_script_path) if ctx else Path(__file__).resolve().parents[1] / "app.py"
    return main.resolve().parent / "static"


def static_url() -> str:
    """URL path of the static folder, honouring ``server.baseUrlPath``."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static" if base else "/app/static"


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


def login_configured() -> bool:
    """Whether ``secrets.toml`` configures a login (``[auth]``, for ``st.login``)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return False


def editor_name() -> str:
    """Who edits the registry (for the audit trail); empty when editing is not allowed.

    With a login configured only signed-in users may edit, under their account name;
    otherwise the user types a name in the sidebar.
    """
    with st.sidebar:
        if login_configured():
            if not getattr(st.user, "is_logged_in", False):
                st.caption("Log in om het register te bewerken.")
                if st.button("Inloggen"):
                    st.login()
                return ""
            name = str(st.user.get("email") or st.user.get("name") or "")
            st.caption(f"Ingelogd als {md(name)}")
            if st.button("Uitloggen"):
                st.logout()
            return name
        name = st.text_input(
            "Uw naam (voor het logboek)", key="editor_name", help="Wie wijzigt wat, wanneer."
        )
        return name.strip()[:100]


def writer() -> str | None:
    """Who may change data or profiles, for the audit trail; None when that is not allowed.

    With a login configured only signed-in users may write (profile save/upload, file
    import, fetching again, registry edits). Without one anyone may, under the name typed in
    the sidebar (or "app (geen naam)").
    """
    if login_configured():
        if not getattr(st.user, "is_logged_in", False):
            return None
        return str(st.user.get("email") or st.user.get("name") or "ingelogd")[:100]
    return str(st.session_state.get("editor_name") or "").strip()[:100] or "app (geen naam)"


LOGIN_NEEDED = "Log in om dit te doen; zonder inloggen kunt u alleen kijken."


def log_write(action: str, entity: str, key: str | None, after: dict | None = None) -> None:
    """Add an app write to the registry's audit trail (who, what, when)."""
    from wijkradar.registry import audit

    audit(
        settings(),
        user=writer() or "onbekend",
        action=action,
        entity=entity,
        key=key,
        after=after,
        registry=registry(),
    )


# -- URL state --------------------------------------------------------------------------------
def bootstrap() -> None:
    """Copy the URL parameters into the session once, when a session starts."""
    ss = st.session_state
    if ss.get("_wr_init"):
        return
    for key in URL_KEYS:
        if key in st.query_params:
            ss[f"url_{key}"] = st.query_params[key]
    if str(ss.get("url_gemeente") or "").casefold() == EXAMPLE_PARAM:
        ss.setdefault("url_profiel", EXAMPLE_PROFILE)  # the profile that fits the snapshot
    for key, value in DEFAULTS.items():
        ss.setdefault(f"url_{key}", value)
    ss["_wr_init"] = True


def get(key: str, default: str | None = None) -> str | None:
    """The current value of URL parameter ``key``."""
    value = st.session_state.get(f"url_{key}")
    return default if value in (None, "") else str(value)


def put(key: str, value: object | None) -> None:
    """Set URL parameter ``key`` (None or '' removes it)."""
    st.session_state[f"url_{key}"] = None if value in (None, "") else str(value)


def publish() -> None:
    """Write the session's URL parameters to the address bar."""
    wanted = {k: get(k) for k in URL_KEYS if get(k) is not None}
    current = {k: st.query_params.get(k) for k in st.query_params}
    if wanted != current:
        st.query_params.from_dict(wanted)


def init_widget(widget_key: str, param: str, allowed, default) -> None:
    """Give widget ``widget_key`` its value from URL parameter ``param`` once per session.

    Values not in ``allowed`` fall back to ``default``; later changes by the user win.
    """
    if widget_key in st.session_state:
        return
    raw = get(param)
    value: object = raw
    if raw is not None and isinstance(default, int) and not isinstance(default, bool):
        try:
            value = int(raw)
        except ValueError:
            value = None
    st.session_state[widget_key] = value if value in allowed else default


def share_url() -> str:
    """The address of the current view, with every setting as a URL parameter."""
    from urllib.parse import urlencode

    base = str(getattr(st.context, "url", "") or "").split("?", 1)[0]
    query = urlencode({k: get(k) for k in URL_KEYS if get(k) is not None})
    return f"{base}?{query}" if query else base


def share_link() -> None:
    """A 'copy link' button and the link itself, for sending this exact view to a colleague."""
    from wijkradar.escape import script_json

    url = share_url()
    with st.popover("Link naar deze weergave"):
        st.caption(
            "Deze link opent precies deze weergave: gemeente, jaar, profiel, gewichten, "
            "kaartkeuze, klassen, kleuren, lagen en de gekozen buurt."
        )
        st.iframe(
            "<button id='c' style='font:14px system-ui,sans-serif;padding:6px 12px;"
            "border:1px solid #888;border-radius:6px;background:#fff;cursor:pointer'>"
            "Kopieer link</button><span id='s' role='status' style='font:13px system-ui;"
            "margin-left:8px'></span><script>var u=" + script_json(url) + ";"
            "document.getElementById('c').onclick=function(){function ok(){"
            "document.getElementById('s').textContent='Gekopieerd';}"
            "function old(){var t=document.createElement('textarea');t.value=u;"
            "document.body.appendChild(t);t.select();document.execCommand('copy');t.remove();ok();}"
            "if(navigator.clipboard){navigator.clipboard.writeText(u).then(ok,old);}else{old();}};"
            "</script>",
            height=44,
        )
        st.code(url, language=None, wrap_lines=True)


def encode_weights(domains: dict[str, float], indicators: dict[str, float]) -> str:
    """``d.Gezondheid:1,eenzaam:0.5`` (domain weights prefixed with ``d.``)."""
    parts = [f"d.{k}:{v:g}" for k, v in domains.items()]
    parts += [f"{k}:{v:g}" for k, v in indicators.items()]
    return ",".join(parts)


def decode_weights(text: str | None) -> tuple[dict[str, float], dict[str, float]]:
    """Inverse of :func:`encode_weights`; malformed parts are ignored."""
    domains: dict[str, float] = {}
    indicators: dict[str, float] = {}
    for part in (text or "").split(","):
        key, sep, value = part.rpartition(":")
        if not sep or not key:
            continue
        try:
            number = max(0.0, float(value))
        except ValueError:
            continue
        if not math.isfinite(number):  # ?gewichten=d.Sociaal:inf or nan
            continue
        if key.startswith("d."):
            domains[key[2:]] = number
        else:
            indicators[key] = number
    return domains, indicators


# -- profiles ---------------------------------------------------------------------------------
def base_profile() -> ScoringProfile:
    """The named profile of the URL (user profiles in the data folder included)."""
    return resolve_profile(get("profiel", DEFAULTS["profiel"]), settings())


def current_profile() -> ScoringProfile:
    """The named profile with the weight and method changes of the URL applied."""
    profile = base_profile()
    domains, indicators = decode_weights(get("gewichten"))
    known_d = {d.name for d in profile.domains}
    known_i = set(profile.indicator_ids)
    domains = {k: v for k, v in domains.items() if k in known_d}
    indicators = {k: v for k, v in indicators.items() if k in known_i}
    try:
        if domains or indicators:
            profile = profile.with_weights(indicators, domain_weights=domains)
        update = {
            field: get(param)
            for field, param in (
                ("normalisation", "normalisatie"),
                ("aggregation", "aggregatie"),
                ("missing", "ontbrekend"),
            )
            if get(param)
        }
        if update:
            profile = parse_profile({**profile.model_dump(), **update}, source="URL")
    except (ValueError, ProfileError) as exc:
        st.warning(f"De aanpassingen in de link zijn ongeldig en genegeerd: {md(exc)}")
        return base_profile()
    return profile


# -- loading and scoring (cached) -------------------------------------------------------------
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
    return map_geometry(load(gm, jaar).buurten)


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
        return top_factors(self.scores, self.data.catalogue)

    def label(self, indicator: str) -> str:
        cat = self.data.catalogue
        return str(cat.loc[indicator, "label"]) if indicator in cat.index else indicator

    def buurt_options(self) -> list[str]:
        names = self.data.buurten["buurtnaam"].astype(str)
        return sorted(names.index, key=lambda c: (names[c].casefold(), c))

    def buurt_name(self, code: str) -> str:
        return f"{self.data.buurten.loc[code, 'buurtnaam']} ({code})"


# -- the sidebar ------------------------------------------------------------------------------
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
    for key in ("buurt", "gewichten", "normalisatie", "aggregatie", "ontbrekend", "kaart"):
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


def sidebar() -> tuple[str | None, int, str]:
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
            # another profile: the weight and method changes of the previous one no longer apply
            for key in ("gewichten", "normalisatie", "aggregatie", "ontbrekend"):
                put(key, None)
        if not example:
            if gm and gm != get("gemeente"):
                put("buurt", None)
            put("gemeente", gm)
            put("jaar", jaar)
        put("profiel", profiel)
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
    return gm, jaar, profiel


def view() -> View | None:
    """Load and score the current selection; Dutch errors (naming the source) otherwise."""
    bootstrap()
    gm, jaar, _ = sidebar()
    publish()
    if not gm:
        st.info("Kies links een gemeente.")
        return None
    data = None
    try:
        data = load(gm, jaar)
    except GemeenteNotFoundError as exc:
        st.error(f"Onbekende gemeente: {md(exc)}")
    except SourceError as exc:
        st.error(
            f"Bron niet bereikbaar: {md(exc.source or 'onbekende bron')}. Er is nog geen cache "
            "voor deze gemeente. Importeer de bestanden hieronder, open de voorbeeldgemeente "
            "of probeer het later opnieuw."
        )
        wait = unreachable().retry_in(("gemeente", gm, jaar, _cfg()))
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
    except WijkradarError as exc:
        st.error(f"De gegevens konden niet worden geladen: {md(exc)}")
    if data is None:
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


@contextlib.contextmanager
def saved_uploads(uploads) -> Iterator[list[Path]]:
    """The uploaded files written to a temporary folder (under their own base names)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for up in uploads:
            path = Path(tmp) / Path(up.name).name
            path.write_bytes(up.getvalue())
            paths.append(path)
        yield paths


def import_files(gm: str, jaar: int) -> None:
    """The ``--from`` file import, for when the sources are blocked."""
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
                try:
                    fetch_gemeente(gm, jaar=jaar, settings=settings(), files=paths)
                except WijkradarError as exc:
                    st.error(f"Import mislukt, er is niets opgeslagen: {md(exc)}")
                else:
                    log_write(
                        "import", "gemeente", f"{gm}-{jaar}", {"bestanden": [p.name for p in paths]}
                    )
                    st.success("Bestanden geïmporteerd.")
                    st.rerun()


def match_messages(data) -> list[str]:
    """Dutch notes on sources whose buurtcodes match the indeling badly."""
    out = []
    for rep in data.match.to_dict("records"):
        if rep["match_rate"] < LOW_MATCH:
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
