"""Spatial data: sources, readers, joins on buurtcode, cache."""

from ._errors import (
    CacheError,
    DataFormatError,
    GemeenteNotFoundError,
    SourceError,
    WijkradarError,
    mask_secrets,
)
from ._states import IMPUTED, MISSING, PRESENT, STATE_LABELS, SUPPRESSED, WIJK
from .gemeente import GemeenteData, read_cache, write_cache
from .indicators import INDICATORS, Indicator, get_indicator, indicator_table

__all__ = [
    "WijkradarError",
    "SourceError",
    "DataFormatError",
    "GemeenteNotFoundError",
    "CacheError",
    "mask_secrets",
    "PRESENT",
    "SUPPRESSED",
    "MISSING",
    "WIJK",
    "IMPUTED",
    "STATE_LABELS",
    "GemeenteData",
    "read_cache",
    "write_cache",
    "INDICATORS",
    "Indicator",
    "get_indicator",
    "indicator_table",
]
