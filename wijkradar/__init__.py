"""Wijkradar: prevention priority per buurt for Dutch municipalities.

The application layer: configuration, the pipeline that wires sources -> joins -> scoring,
and the ``wijkradar`` command line. Notebooks and the Streamlit app use this API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.gemeente import GemeenteData

    from .analysis import (
        SavedProfile,
        data_caveats,
        indicator_coverage,
        save_profile_for_app,
        sensitivity_gemeente,
    )
    from .batch import run_batch
    from .config import Settings, default_data_dir
    from .dataversion import data_version
    from .defaults import DEFAULT_JAAR
    from .errors import (
        CacheError,
        DataFormatError,
        GemeenteNotFoundError,
        ProfileError,
        SourceError,
        WijkradarError,
    )
    from .pipeline import build_from_files, fetch_gemeente, load_gemeente
    from .profiles import list_profiles, resolve_profile
    from .render.export import read_scores
    from .render.geopackage import write_geopackage
    from .scoring import score_gemeente
    from .validity import load_reference, validate_gemeente

# The public names are imported on first use (PEP 562), so that ``wijkradar --help`` and
# ``wijkradar app`` do not load pandas and geopandas before they need them.
_EXPORTS = {
    "CacheError": "wijkradar.errors",
    "DataFormatError": "wijkradar.errors",
    "GemeenteNotFoundError": "wijkradar.errors",
    "ProfileError": "wijkradar.errors",
    "SourceError": "wijkradar.errors",
    "WijkradarError": "wijkradar.errors",
    "GemeenteData": "geo.gemeente",
    "Settings": "wijkradar.config",
    "default_data_dir": "wijkradar.config",
    "SavedProfile": "wijkradar.analysis",
    "data_caveats": "wijkradar.analysis",
    "indicator_coverage": "wijkradar.analysis",
    "save_profile_for_app": "wijkradar.analysis",
    "sensitivity_gemeente": "wijkradar.analysis",
    "data_version": "wijkradar.dataversion",
    "write_geopackage": "wijkradar.render.geopackage",
    "read_scores": "wijkradar.render.export",
    "DEFAULT_JAAR": "wijkradar.defaults",
    "build_from_files": "wijkradar.pipeline",
    "fetch_gemeente": "wijkradar.pipeline",
    "load_gemeente": "wijkradar.pipeline",
    "list_profiles": "wijkradar.profiles",
    "resolve_profile": "wijkradar.profiles",
    "run_batch": "wijkradar.batch",
    "score_gemeente": "wijkradar.scoring",
    "load_reference": "wijkradar.validity",
    "validate_gemeente": "wijkradar.validity",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'wijkradar' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


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
    "ProfileError",
    "default_data_dir",
    "data_caveats",
    "indicator_coverage",
    "save_profile_for_app",
    "SavedProfile",
    "sensitivity_gemeente",
    "data_version",
    "write_geopackage",
    "read_scores",
]

__version__ = "0.1.0"
