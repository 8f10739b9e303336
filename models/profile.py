"""Scoring profiles: which indicators, grouped in domains, with which weights and methods."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from ._errors import ProfileError

__all__ = ["IndicatorWeight", "Domain", "ScoringProfile", "load_profile", "save_profile"]

Direction = Literal["hoger_slechter", "hoger_beter"]


class IndicatorWeight(BaseModel):
    """One indicator inside a domain."""

    id: str
    weight: float = Field(1.0, ge=0)
    direction: Direction = "hoger_slechter"


class Domain(BaseModel):
    """A group of indicators that together form one domain score."""

    name: str
    weight: float = Field(1.0, ge=0)
    indicators: list[IndicatorWeight]

    @field_validator("indicators")
    @classmethod
    def _not_empty(cls, v: list[IndicatorWeight]) -> list[IndicatorWeight]:
        if not v:
            raise ValueError("a domain needs at least one indicator")
        return v


class ScoringProfile(BaseModel):
    """A complete, reproducible scoring recipe (saved as YAML in ``data/profiles/``).

    Weights are relative: they are normalised to sum to 1 within each domain and across
    domains. ``missing`` is the policy for values that are absent after loading:
    ``gemeente_mean`` fills the mean of the other buurten, ``wijk_mean`` the mean of the
    other buurten in the same wijk (then the gemeente mean), ``drop`` leaves the indicator
    out for that buurt and re-weights the rest. Every filled cell is flagged.
    """

    name: str
    description: str = ""
    jaar: int | None = None
    domains: list[Domain]
    normalisation: Literal["percentile", "zscore", "minmax"] = "percentile"
    aggregation: Literal["arithmetic", "geometric", "exponential"] = "arithmetic"
    weighting: Literal["manual", "equal", "pca"] = "manual"
    missing: Literal["gemeente_mean", "wijk_mean", "drop"] = "gemeente_mean"
    min_population: int = Field(100, ge=0)
    #: Buurten whose observed values (own or wijk value, not filled in) carry less than this
    #: share of the weight get no score ("geen score (te weinig gegevens)").
    min_observed_share: float = Field(0.5, ge=0, le=1)
    top_k: int = Field(10, ge=1)
    concentration: float = Field(50.0, gt=0)
    vary_normalisation: bool = True

    @model_validator(mode="after")
    def _weights_usable(self) -> ScoringProfile:
        if sum(d.weight for d in self.domains) <= 0:
            raise ValueError("domain weights sum to 0; give at least one domain a weight > 0")
        for d in self.domains:
            if sum(i.weight for i in d.indicators) <= 0:
                raise ValueError(f"indicator weights of domain {d.name!r} sum to 0")
        ids = [i.id for d in self.domains for i in d.indicators]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(
                f"indicator(s) {', '.join(sorted(dup))} appear in more than one "
                "domain; use each indicator once"
            )
        names = [d.name for d in self.domains]
        if len(set(names)) != len(names):
            raise ValueError("domain names must be unique")
        return self

    @property
    def indicator_ids(self) -> list[str]:
        """Every indicator id of the profile, in order."""
        return [i.id for d in self.domains for i in d.indicators]

    def validate_ids(self, known: set[str] | list[str]) -> None:
        """Raise :class:`ProfileError` if the profile names an indicator not in ``known``."""
        unknown = [i for i in self.indicator_ids if i not in set(known)]
        if unknown:
            raise ProfileError(
                f"profile {self.name!r}: unknown indicator id(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )

    def with_weights(
        self, weights: dict[str, float], *, domain_weights: dict[str, float] | None = None
    ) -> ScoringProfile:
        """A copy with indicator (and optionally domain) weights replaced."""
        data = self.model_dump()
        for d in data["domains"]:
            if domain_weights and d["name"] in domain_weights:
                d["weight"] = float(domain_weights[d["name"]])
            for ind in d["indicators"]:
                if ind["id"] in weights:
                    ind["weight"] = float(weights[ind["id"]])
        return ScoringProfile.model_validate(data)


def load_profile(path: str | Path) -> ScoringProfile:
    """Read a profile YAML.

    Raises
    ------
    ProfileError
        When the file is missing, not YAML, or not a valid profile (the message lists fields).
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile file {path} not found") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML ({exc})") from None
    return parse_profile(raw, source=str(path))


def parse_profile(raw: object, *, source: str = "profile") -> ScoringProfile:
    """Validate a profile from a mapping (as loaded from YAML or sent by the app)."""
    try:
        return ScoringProfile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'profile'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ProfileError(f"{source}: invalid profile: {problems}") from None


def profile_yaml(profile: ScoringProfile) -> str:
    """The YAML text of a profile."""
    return yaml.safe_dump(profile.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def save_profile(profile: ScoringProfile, path: str | Path) -> Path:
    """Write a profile YAML (atomically)."""
    import os
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(profile_yaml(profile))
    os.replace(tmp, path)
    return path
