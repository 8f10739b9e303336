"""Scoring: profiles, normalisation, weighting, aggregation, uncertainty, hotspots, types."""

from ._errors import ProfileError
from ._normalise import NORMALISER_LABELS, NORMALISERS
from .compare import compare_profiles
from .profile import ScoringProfile, load_profile, parse_profile, profile_yaml, save_profile
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
    "compare_profiles",
    "hotspots",
    "buurt_types",
    "need_ranks",
]
