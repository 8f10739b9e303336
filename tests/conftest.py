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
