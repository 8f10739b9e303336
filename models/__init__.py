"""Scoring: profiles, normalisation, weighting, aggregation, uncertainty, hotspots, types."""

from ._errors import ProfileError
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
