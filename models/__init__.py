"""Scoring: profiles, normalisation, weighting, aggregation, uncertainty, hotspots, types."""

from ._errors import ProfileError
from ._normalise import NORMALISER_LABELS, NORMALISERS
from .compare import compare_profiles, correlations
from .profile import ScoringProfile, load_profile, parse_profile, profile_yaml, save_profile
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
    "score_buurten",
    "impute",
    "pca_weights",
    "effective_weights",
    "point_ranks",
    "compare_profiles",
    "correlations",
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
