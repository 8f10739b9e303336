"""Scoring: profiles, normalisation, weighting, aggregation, uncertainty, hotspots, types.

Pure functions, frames in and frames out. :class:`ProfileError` is imported at once (it needs
only :mod:`geo.errors`); every other public name on first use (PEP 562, through
``lazy_loader``), so ``from models import ProfileError`` does not load pandas, pydantic or
geopandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

from .errors import ProfileError

if TYPE_CHECKING:
    from ._methods import pick_method
    from ._normalise import NORMALISERS
    from .compare import compare_profiles, indicator_correlations
    from .profile import (
        COMPOSITION,
        ScoringProfile,
        merge_profiles,
        parse_profile,
        parse_profile_yaml,
        profile_yaml,
    )
    from .reach import impact_ranking, reach_filter, reach_table
    from .scoring import (
        AGGREGATIONS,
        MISSING_POLICIES,
        WEIGHTINGS,
        effective_weights,
        impute,
        pca_weights,
        point_ranks,
        score_buurten,
    )
    from .sensitivity import (
        buurt_stability,
        sensitivity_analysis,
        sensitivity_ranks,
        summarise_sensitivity,
        weight_grid,
    )
    from .spatial import SPATIAL_WEIGHTS, gi_star, hotspots, spatial_weights
    from .typology import buurt_type_diagnostics, buurt_types, need_ranks
    from .validity import (
        MIN_COVERAGE,
        TARGET_RHO,
        ValidityReport,
        correlations,
        coverage_summary,
        direction_check,
        national_ranks,
        validity_report,
    )

__all__ = [
    "ProfileError",
    "NORMALISERS",
    "pick_method",
    "AGGREGATIONS",
    "MISSING_POLICIES",
    "WEIGHTINGS",
    "ScoringProfile",
    "parse_profile",
    "parse_profile_yaml",
    "profile_yaml",
    "merge_profiles",
    "COMPOSITION",
    "reach_table",
    "reach_filter",
    "impact_ranking",
    "correlations",
    "direction_check",
    "coverage_summary",
    "validity_report",
    "ValidityReport",
    "national_ranks",
    "TARGET_RHO",
    "MIN_COVERAGE",
    "score_buurten",
    "impute",
    "pca_weights",
    "effective_weights",
    "point_ranks",
    "compare_profiles",
    "indicator_correlations",
    "hotspots",
    "gi_star",
    "spatial_weights",
    "SPATIAL_WEIGHTS",
    "buurt_types",
    "need_ranks",
    "buurt_type_diagnostics",
    "weight_grid",
    "sensitivity_ranks",
    "summarise_sensitivity",
    "sensitivity_analysis",
    "buurt_stability",
]

__getattr__, _, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "_methods": ["pick_method"],
        "_normalise": ["NORMALISERS"],
        "compare": ["compare_profiles", "indicator_correlations"],
        "profile": [
            "COMPOSITION",
            "ScoringProfile",
            "merge_profiles",
            "parse_profile",
            "parse_profile_yaml",
            "profile_yaml",
        ],
        "reach": ["impact_ranking", "reach_filter", "reach_table"],
        "scoring": [
            "AGGREGATIONS",
            "MISSING_POLICIES",
            "WEIGHTINGS",
            "effective_weights",
            "impute",
            "pca_weights",
            "point_ranks",
            "score_buurten",
        ],
        "sensitivity": [
            "buurt_stability",
            "sensitivity_analysis",
            "sensitivity_ranks",
            "summarise_sensitivity",
            "weight_grid",
        ],
        "spatial": ["SPATIAL_WEIGHTS", "gi_star", "hotspots", "spatial_weights"],
        "typology": ["buurt_type_diagnostics", "buurt_types", "need_ranks"],
        "validity": [
            "MIN_COVERAGE",
            "TARGET_RHO",
            "ValidityReport",
            "correlations",
            "coverage_summary",
            "direction_check",
            "national_ranks",
            "validity_report",
        ],
    },
)


def __dir__() -> list[str]:
    return list(__all__)
