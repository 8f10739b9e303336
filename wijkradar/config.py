"""Typed configuration from environment variables; the real public endpoints are the defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

__all__ = ["Settings", "ENV_VARS"]

ENV_VARS = {
    "cbs_odata_url": "WIJKRADAR_CBS_ODATA_URL",
    "cbs_dataderden_url": "WIJKRADAR_CBS_DATADERDEN_URL",
    "pdok_url": "WIJKRADAR_PDOK_URL",
    "data_dir": "WIJKRADAR_DATA_DIR",
    "http_timeout": "WIJKRADAR_HTTP_TIMEOUT",
    "http_retries": "WIJKRADAR_HTTP_RETRIES",
    "http_backoff": "WIJKRADAR_HTTP_BACKOFF",
}


class Settings(BaseModel):
    """Where Wijkradar fetches from and keeps its files.

    Examples
    --------
    >>> Settings.from_env({}).cbs_odata_url
    'https://opendata.cbs.nl/ODataApi/odata'
    """

    cbs_odata_url: str = "https://opendata.cbs.nl/ODataApi/odata"
    cbs_dataderden_url: str = "https://dataderden.cbs.nl/ODataApi/odata"
    pdok_url: str = "https://service.pdok.nl"
    data_dir: Path = Path("data")
    http_timeout: float = Field(30.0, gt=0)
    http_retries: int = Field(3, ge=0, le=10)
    http_backoff: float = Field(1.0, ge=0)

    @field_validator("cbs_odata_url", "cbs_dataderden_url", "pdok_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``WIJKRADAR_*`` environment variables."""
        env = os.environ if environ is None else environ
        values = {field: env[var] for field, var in ENV_VARS.items() if env.get(var)}
        return cls(**values)

    @property
    def cache_dir(self) -> Path:
        """Folder of the per-gemeente cache files."""
        return self.data_dir / "cache"
