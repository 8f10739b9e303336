"""Shared fixtures: the loopback CBS/RIVM/PDOK server and settings pointing at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.loopback import LoopbackServer, build_data, shared_data_dir
from wijkradar.config import Settings

SHARED = shared_data_dir()


def _require_shared() -> Path:
    if not (SHARED / "PROVENANCE.md").is_file():
        pytest.skip(
            f"real open data not found at {SHARED} (../shared/data); "
            "set WIJKRADAR_SHARED_DATA to run this test"
        )
    return SHARED


@pytest.fixture(scope="session")
def shared() -> Path:
    """Path of ../shared/data; skips when absent."""
    return _require_shared()


@pytest.fixture(scope="session")
def loopback_data(shared):
    return build_data(shared)


@pytest.fixture
def server(loopback_data):
    with LoopbackServer(loopback_data, page_size=100) as srv:
        yield srv


def settings_for(srv: LoopbackServer, data_dir: Path, **kw) -> Settings:
    return Settings(
        cbs_odata_url=srv.odata_url,
        cbs_dataderden_url=srv.dataderden_url,
        pdok_url=srv.pdok_url,
        data_dir=data_dir,
        http_timeout=kw.pop("timeout", 5),
        http_retries=kw.pop("retries", 2),
        http_backoff=0.0,
        **kw,
    )


@pytest.fixture
def settings(server, tmp_path) -> Settings:
    return settings_for(server, tmp_path / "data")


# -- the Streamlit app (AppTest) against the loopback sources --------------------------------
def app_env_of(srv: LoopbackServer, data_dir: Path) -> dict[str, str]:
    """Environment of an app run on loopback ``srv`` with its own data folder, no retries."""
    return {**srv.env(), "WIJKRADAR_DATA_DIR": str(data_dir), "WIJKRADAR_HTTP_RETRIES": "0"}


@pytest.fixture(scope="module")
def app_env(loopback_data, tmp_path_factory):
    """One loopback server and data folder per test module (the first test fills the cache)."""
    with LoopbackServer(loopback_data) as srv:
        yield app_env_of(srv, tmp_path_factory.mktemp("appdata"))


@pytest.fixture
def fresh_app(loopback_data, tmp_path):
    """A loopback server of its own and an empty data folder: (server, environment).

    For tests that break a source (``srv.inject``) and must not share a cache.
    """
    with LoopbackServer(loopback_data) as srv:
        yield srv, app_env_of(srv, tmp_path / "d")


# -- small map and worklist frames -----------------------------------------------------------
@pytest.fixture
def fake_leaflet(tmp_path) -> Settings:
    """Settings whose Leaflet folder holds a tiny stand-in (no npm needed)."""
    folder = tmp_path / "leaflet"
    (folder / "images").mkdir(parents=True)
    (folder / "leaflet.js").write_text("/* @preserve\n * Leaflet 1.9.4 */\nwindow.L={};")
    (folder / "leaflet.css").write_text(".leaflet-control-layers-toggle{url(images/layers.png)}")
    (folder / "images" / "layers.png").write_bytes(b"\x89PNG fake")
    return Settings(leaflet_dir=folder, data_dir=tmp_path / "data")


def add_indicator(data, ind: str, values, *, label: str, domain: str, unit: str, **meta) -> None:
    """Add indicator ``ind`` (all values published) to a test gemeente ``data``, in place.

    ``meta`` overrides the catalogue defaults ``direction="hoger_beter"``,
    ``kind="registratie"``, ``tabel="85984NED"``, ``periode="2022"``.
    """
    data.buurten[ind] = values
    data.states[ind] = "aanwezig"
    data.catalogue.loc[ind] = {
        "label": label,
        "domain": domain,
        "unit": unit,
        "direction": "hoger_beter",
        "kind": "registratie",
        "tabel": "85984NED",
        "periode": "2022",
        **meta,
    }
