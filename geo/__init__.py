"""Spatial data: sources, readers, joins on buurtcode, cache.

The error hierarchy (:mod:`geo.errors`) is imported at once: it needs nothing but the
standard library. Every other public name is imported on first use (PEP 562, through
``lazy_loader``), so ``import geo`` or ``import geo.errors`` does not load pandas or
geopandas before they are needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

from .errors import (
    CacheError,
    DataFormatError,
    GemeenteNotFoundError,
    SourceError,
    WijkradarError,
    mask_secrets,
    missing_crs,
)

if TYPE_CHECKING:
    from ._model import SourceData, now_iso
    from ._odata import (
        SENTINELS,
        map_indicators,
        normalise_title,
        rows_to_frame,
        stem_map,
        to_number,
    )
    from ._states import (
        IMPUTED,
        MISSING,
        NOT_PUBLISHED,
        PRESENT,
        STATE_LABELS,
        STATES,
        SUPPRESSED,
        WIJK,
        state_dtype,
    )
    from .gemeente import GemeenteData, cache_path, read_cache, write_cache
    from .indicators import INDICATORS, Indicator, by_source, get_indicator, indicator_table

__all__ = [
    # errors (geo.errors)
    "WijkradarError",
    "SourceError",
    "DataFormatError",
    "GemeenteNotFoundError",
    "CacheError",
    "mask_secrets",
    "missing_crs",
    # value states
    "PRESENT",
    "SUPPRESSED",
    "MISSING",
    "WIJK",
    "IMPUTED",
    "NOT_PUBLISHED",
    "STATES",
    "STATE_LABELS",
    "state_dtype",
    # what a source delivered
    "SourceData",
    "now_iso",
    # CBS OData rows -> frames
    "SENTINELS",
    "rows_to_frame",
    "to_number",
    "stem_map",
    "map_indicators",
    "normalise_title",
    # one gemeente, cached
    "GemeenteData",
    "read_cache",
    "write_cache",
    "cache_path",
    # the indicator catalogue
    "INDICATORS",
    "Indicator",
    "get_indicator",
    "indicator_table",
    "by_source",
]

__getattr__, _, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "_model": ["SourceData", "now_iso"],
        "_odata": [
            "SENTINELS",
            "rows_to_frame",
            "to_number",
            "stem_map",
            "map_indicators",
            "normalise_title",
        ],
        "_states": [
            "PRESENT",
            "SUPPRESSED",
            "MISSING",
            "WIJK",
            "IMPUTED",
            "NOT_PUBLISHED",
            "STATES",
            "STATE_LABELS",
            "state_dtype",
        ],
        "gemeente": ["GemeenteData", "read_cache", "write_cache", "cache_path"],
        "indicators": ["INDICATORS", "Indicator", "get_indicator", "indicator_table", "by_source"],
    },
)


def __dir__() -> list[str]:
    return list(__all__)
