"""Wijkradar: prevention priority per buurt for Dutch municipalities.

The application layer: configuration, the pipeline that wires sources -> joins -> scoring,
and the ``wijkradar`` command line. Notebooks and the Streamlit app use this API.
"""

from geo._errors import (
    CacheError,
    DataFormatError,
    GemeenteNotFoundError,
    SourceError,
    WijkradarError,
)
from geo.gemeente import GemeenteData

from .analysis import (
    SavedProfile,
    data_caveats,
    indicator_coverage,
    save_user_profile,
    sensitivity_gemeente,
)
from .config import Settings, default_data_dir
from .dataversion import data_version
from .geopackage import write_geopackage
from .pipeline import DEFAULT_JAAR, build_from_files, fetch_gemeente, load_gemeente
from .scoring_cli import list_profiles, resolve_profile, run_batch, score_gemeente
from .validity import load_reference, validate_gemeente

__all__ = [
    "Settings",
    "GemeenteData",
    "fetch_gemeente",
    "load_gemeente",
    "build_from_files",
    "DEFAULT_JAAR",
    "score_gemeente",
    "resolve_profile",
    "list_profiles",
    "run_batch",
    "load_reference",
    "validate_gemeente",
    "WijkradarError",
    "SourceError",
    "DataFormatError",
    "GemeenteNotFoundError",
    "CacheError",
    "default_data_dir",
    "data_caveats",
    "indicator_coverage",
    "save_user_profile",
    "SavedProfile",
    "sensitivity_gemeente",
    "data_version",
    "write_geopackage",
]

__version__ = "0.1.0"
