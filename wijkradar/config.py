"""Typed configuration from environment variables; the real public endpoints are the defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, field_validator

if TYPE_CHECKING:
    from geo.limits import FileLimits

__all__ = ["Settings", "ENV_VARS", "BASEMAPS", "PDOK_BRT_URL", "OSM_URL", "default_data_dir"]

ENV_VARS = {
    "cbs_odata_url": "WIJKRADAR_CBS_ODATA_URL",
    "cbs_dataderden_url": "WIJKRADAR_CBS_DATADERDEN_URL",
    "pdok_url": "WIJKRADAR_PDOK_URL",
    "data_dir": "WIJKRADAR_DATA_DIR",
    "http_timeout": "WIJKRADAR_HTTP_TIMEOUT",
    "http_retries": "WIJKRADAR_HTTP_RETRIES",
    "http_backoff": "WIJKRADAR_HTTP_BACKOFF",
    "http_max_bytes": "WIJKRADAR_HTTP_MAX_BYTES",
    "http_deadline": "WIJKRADAR_HTTP_DEADLINE",
    "http_cache_days": "WIJKRADAR_HTTP_CACHE_DAYS",
    "fetch_workers": "WIJKRADAR_FETCH_WORKERS",
    "basemap": "WIJKRADAR_BASEMAP",
    "basemap_url": "WIJKRADAR_BASEMAP_URL",
    "osm_url": "WIJKRADAR_OSM_URL",
    "leaflet_dir": "WIJKRADAR_LEAFLET_DIR",
    "locatieserver_url": "WIJKRADAR_PDOK_LOCATIESERVER_URL",
    "database_url": "WIJKRADAR_DATABASE_URL",
    "import_max_bytes": "WIJKRADAR_IMPORT_MAX_BYTES",
    "file_max_kaart_bytes": "WIJKRADAR_FILE_MAX_KAART_BYTES",
    "file_max_csv_bytes": "WIJKRADAR_FILE_MAX_CSV_BYTES",
    "file_max_xlsx_bytes": "WIJKRADAR_FILE_MAX_XLSX_BYTES",
    "file_max_xlsx_unpacked_bytes": "WIJKRADAR_FILE_MAX_XLSX_UNPACKED_BYTES",
    "file_max_kerncijfers_bytes": "WIJKRADAR_FILE_MAX_KERNCIJFERS_BYTES",
    "file_max_gezondheid_bytes": "WIJKRADAR_FILE_MAX_GEZONDHEID_BYTES",
    "file_max_kwb_bytes": "WIJKRADAR_FILE_MAX_KWB_BYTES",
    "file_max_rows": "WIJKRADAR_FILE_MAX_ROWS",
    "file_max_features": "WIJKRADAR_FILE_MAX_FEATURES",
    "file_read_seconds": "WIJKRADAR_FILE_READ_SECONDS",
}

#: The PDOK BRT-Achtergrondkaart (Dutch government standard basemap), Web Mercator tiles.
PDOK_BRT_URL = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
)
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#: Leaflet in an installed wheel (package data, see setup.py) ...
PACKAGED_LEAFLET_DIR = Path(__file__).resolve().parent / "vendor" / "leaflet"
#: ... and where ``npm ci`` puts it in a source checkout (see package.json).
CHECKOUT_LEAFLET_DIR = Path(__file__).resolve().parents[1] / "node_modules" / "leaflet" / "dist"
DEFAULT_LEAFLET_DIR = (
    PACKAGED_LEAFLET_DIR
    if (PACKAGED_LEAFLET_DIR / "leaflet.js").is_file()
    else CHECKOUT_LEAFLET_DIR
)
BASEMAPS = ("pdok", "osm", "geen")
#: The folder this package was loaded from sits in a source checkout when its parent holds
#: Wijkradar's pyproject.toml (an editable install or PYTHONPATH); not in a wheel install.
_CHECKOUT = Path(__file__).resolve().parents[1]


def _is_checkout(root: Path) -> bool:
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return 'name = "wijkradar"' in text


def default_data_dir(*, checkout: Path | None = None) -> Path:
    """The data folder when ``WIJKRADAR_DATA_DIR`` is not set, always absolute.

    From a source checkout (editable install, ``make run``, notebooks) it is the checkout's
    ``data`` folder, whatever the current working directory: Jupyter starts kernels in
    ``notebooks/``, the app runs from the repository root, and both must see the same
    profiles. An installed package uses the per-user data folder of the platform
    (``~/.local/share/wijkradar`` on Linux, via platformdirs). Never the working directory.

    Parameters
    ----------
    checkout : Path, optional
        The folder to test for a checkout (default: the parent of this package).

    Returns
    -------
    Path
        The absolute data folder.

    Examples
    --------
    >>> default_data_dir().is_absolute()
    True
    """
    root = _CHECKOUT if checkout is None else checkout
    if _is_checkout(root):
        return root / "data"
    from platformdirs import user_data_path

    return user_data_path("wijkradar", appauthor=False)


class Settings(BaseModel):
    """Where Wijkradar fetches from and keeps its files.

    Each field is read from its ``WIJKRADAR_*`` environment variable (:data:`ENV_VARS`,
    :meth:`from_env`); the fields not listed below are described where they are declared.

    Attributes
    ----------
    cbs_odata_url, cbs_dataderden_url, pdok_url : str
        Roots of CBS OData (opendata and dataderden) and PDOK.
    data_dir : Path
        The data folder (cache, own profiles, SQLite registry).
    http_timeout, http_retries, http_backoff : float, int, float
        Seconds per connect/read, extra attempts, first wait between attempts.
    http_deadline : float
        Seconds one request may take in total.
    basemap : {"pdok", "osm", "geen"}
        The map's background.
    basemap_url, osm_url : str
        Tile URL templates of the PDOK and OpenStreetMap basemaps.
    leaflet_dir : Path
        Where Leaflet's files are.
    locatieserver_url : str
        The PDOK Locatieserver, for geocoding addresses.
    database_url : str
        SQLAlchemy URL of the registry; empty for SQLite in the data folder.
    import_max_bytes : int
        Largest registry import file.
    file_max_csv_bytes, file_max_xlsx_bytes, file_max_xlsx_unpacked_bytes : int
        Caps per file type, like ``file_max_kaart_bytes`` (unpacked: an xlsx's zip content).
    file_max_kerncijfers_bytes, file_max_gezondheid_bytes, file_max_kwb_bytes : int
        Caps per table kind, checked once the header row tells the kind.
    file_max_rows, file_max_features : int
        Most table rows; most features in a geodata layer.
    file_read_seconds : float
        Seconds allowed to read one geodata or Excel file (in a child process).

    Examples
    --------
    >>> Settings.from_env({}).cbs_odata_url
    'https://opendata.cbs.nl/ODataApi/odata'
    """

    cbs_odata_url: str = "https://opendata.cbs.nl/ODataApi/odata"
    cbs_dataderden_url: str = "https://dataderden.cbs.nl/ODataApi/odata"
    pdok_url: str = "https://service.pdok.nl"
    data_dir: Path = Field(default_factory=default_data_dir)
    http_timeout: float = Field(30.0, gt=0)
    http_retries: int = Field(3, ge=0, le=10)
    http_backoff: float = Field(1.0, ge=0)
    #: Largest HTTP response body (decompressed) and the most seconds one request may take,
    #: retries and redirects included.
    http_max_bytes: int = Field(100_000_000, gt=0)
    http_deadline: float = Field(300.0, gt=0)
    #: Days a source's answer is reused from the disk cache (``data/cache/http``) before it
    #: is asked again; 0 asks every time. A refresh (``fetch --vernieuw``) always asks.
    http_cache_days: float = Field(7.0, ge=0)
    #: Sources of one gemeente fetched at the same time (PDOK, CBS, RIVM); 1 = one by one.
    fetch_workers: int = Field(4, ge=1, le=8)
    basemap: str = Field("pdok", pattern="^(pdok|osm|geen)$")
    basemap_url: str = PDOK_BRT_URL
    osm_url: str = OSM_URL
    leaflet_dir: Path = DEFAULT_LEAFLET_DIR
    locatieserver_url: str = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
    database_url: str = ""
    import_max_bytes: int = Field(20_000_000, gt=0)
    #: Caps for ``--van`` files and the app's file import (``geo.limits.FileLimits``; the
    #: same defaults, kept equal by tests/test_security.py). Per kind, checked before parsing.
    file_max_kaart_bytes: int = Field(500_000_000, gt=0)
    file_max_csv_bytes: int = Field(200_000_000, gt=0)
    file_max_xlsx_bytes: int = Field(50_000_000, gt=0)
    file_max_xlsx_unpacked_bytes: int = Field(500_000_000, gt=0)
    file_max_kerncijfers_bytes: int = Field(100_000_000, gt=0)
    file_max_gezondheid_bytes: int = Field(200_000_000, gt=0)
    file_max_kwb_bytes: int = Field(100_000_000, gt=0)
    file_max_rows: int = Field(500_000, gt=0)
    file_max_features: int = Field(50_000, gt=0)
    file_read_seconds: float = Field(120.0, gt=0)

    @field_validator(
        "cbs_odata_url",
        "cbs_dataderden_url",
        "pdok_url",
        "basemap_url",
        "osm_url",
        "locatieserver_url",
    )
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # A relative WIJKRADAR_DATA_DIR is taken relative to where it was read, once; every
        # later use (another cwd in a notebook kernel or a subprocess) sees the same folder.
        return value.expanduser().absolute()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``WIJKRADAR_*`` environment variables.

        Parameters
        ----------
        environ : mapping of str to str, optional
            The environment to read; ``os.environ`` when not given. Empty values are ignored.
        """
        env = os.environ if environ is None else environ
        values = {field: env[var] for field, var in ENV_VARS.items() if env.get(var)}
        return cls.model_validate(values)

    def tile_url(self, basemap: str | None = None) -> str | None:
        """Tile URL template of ``basemap`` (default: the configured one); None for 'geen'.

        Parameters
        ----------
        basemap : {"pdok", "osm", "geen"}, optional
            The basemap; the configured one when not given.

        Returns
        -------
        str or None
            The ``{z}/{x}/{y}`` URL template, or None for ``geen`` (no basemap).
        """
        choice = basemap or self.basemap
        return {"pdok": self.basemap_url, "osm": self.osm_url}.get(choice)

    @property
    def registry_url(self) -> str:
        """``database_url`` or the default SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'registry.sqlite').resolve()}"

    @property
    def file_limits(self) -> FileLimits:
        """The caps for ``--van`` files and the app's file import."""
        from geo.limits import FileLimits

        return FileLimits(
            kaart_bytes=self.file_max_kaart_bytes,
            csv_bytes=self.file_max_csv_bytes,
            xlsx_bytes=self.file_max_xlsx_bytes,
            xlsx_unpacked_bytes=self.file_max_xlsx_unpacked_bytes,
            kerncijfers_bytes=self.file_max_kerncijfers_bytes,
            gezondheid_bytes=self.file_max_gezondheid_bytes,
            kwb_bytes=self.file_max_kwb_bytes,
            max_rows=self.file_max_rows,
            max_features=self.file_max_features,
            read_seconds=self.file_read_seconds,
        )

    @property
    def cache_dir(self) -> Path:
        """Folder of the per-gemeente cache files."""
        return self.data_dir / "cache"
