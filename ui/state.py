"""The view's state in the URL: query parameters, settings and the profile they describe.

Everything a user chooses that defines a view lives in the URL query parameters, so a view can
be shared by link and reopened exactly: ``gemeente``, ``jaar``, ``profiel``, ``gewichten``,
``normalisatie``, ``aggregatie``, ``ontbrekend``, ``buurt``, ``kaart`` and the map, page and
area choices below. The session keeps them as ``url_<key>``; :func:`publish` writes them back.
"""

from __future__ import annotations

import math

import streamlit as st

from models import ProfileError, ScoringProfile
from models.profile import parse_profile
from wijkradar import DEFAULT_JAAR, Settings
from wijkradar.escape import markdown_text as md
from wijkradar.profiles import resolve_profile
from wijkradar.voorbeeld import EXAMPLE_PARAM, EXAMPLE_PROFILE, example_settings

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
# the profile's changes in the URL: they apply to one profile only
PROFILE_KEYS = ("gewichten", "normalisatie", "aggregatie", "ontbrekend")


def is_example() -> bool:
    """Whether the view is the voorbeeldgemeente (``?gemeente=voorbeeld``)."""
    return str(st.session_state.get("url_gemeente") or "").casefold() == EXAMPLE_PARAM


def settings() -> Settings:
    """Settings from the environment (cheap; cache keys include them).

    The voorbeeldgemeente uses its own data folder, so it never mixes with real data.
    """
    s = Settings.from_env()
    return example_settings(s) if is_example() else s


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


def use_profile(name: str) -> None:
    """Switch the view to profile ``name``; the previous profile's changes no longer apply."""
    put("profiel", name)
    for key in PROFILE_KEYS:
        put(key, None)


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
