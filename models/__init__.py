"""Scoring: profiles, normalisation, weighting, aggregation, uncertainty, hotspots, types."""

from ._errors import ProfileError
from ._normalise import NORMALISER_LABELS, NORMALISERS
from .compare import compare_profiles
from .profile import (
    COMPOSITION,
    ScoringProfile,
    load_profile,
    merge_profiles,
    parse_profile,
    profile_yaml,
    save_profile,
)
from .reach import impact_ranking, reach_filter, reach_table
from .scoring import (
    AGGREGATIONS,
    MISSING_POLICIES,
    WEIGHTINGS,
    effective_weights,
    impute,
    pca_weights,
    score_buurten,
)
from .spatial import hotspots
from .typology import buurt_types, need_ranks
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
    "NORMALISER_LABELS",
    "AGGREGATIONS",
    "MISSING_POLICIES",
    "WEIGHTINGS",
    "ScoringProfile",
    "load_profile",
    "parse_profile",
    "profile_yaml",
    "save_profile",
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
    "compare_profiles",
    "hotspots",
    "buurt_types",
    "need_ranks",
]
