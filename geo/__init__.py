"""Spatial data: sources, readers, joins on buurtcode, cache."""

from ._errors import (
    CacheError,
    DataFormatError,
    GemeenteNotFoundError,
    SourceError,
    WijkradarError,
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
