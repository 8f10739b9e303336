"""Scoring profiles: which need indicators, grouped in domains, with which weights and methods.

A profile separates **need** from **reach**. Need indicators (health, bestaanszekerheid,
social, youth need) form the score. Reach indicators describe *who* lives in a buurt
(children 0-15, households with children, 65+, one-person households): they are shown next to
the score, can filter a ranking and size an "impact" view (need x people concerned), but are
never mixed into the need score. Profiles saved before this split keep working: composition
indicators found in a need domain are moved to ``reach`` and :attr:`ScoringProfile.notes`
says so (in Dutch, for the app).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from .errors import ProfileError

__all__ = [
    "IndicatorWeight",
    "Domain",
    "ScoringProfile",
    "COMPOSITION",
    "parse_profile_yaml",
    "parse_profile",
    "profile_yaml",
    "merge_profiles",
]

Direction = Literal["hoger_slechter", "hoger_beter"]

#: Population-composition shares: who lives in a buurt, not how much need there is. They
#: belong in a profile's ``reach``, never in a need domain. Per id: the count column the share
#: is taken of (to turn it into a number of people for the impact view) and a Dutch label of
#: the group. Ids follow the catalogue of ``geo.indicators``.
COMPOSITION: dict[str, tuple[str, str]] = {
    "pct_0_15": ("inwoners", "kinderen 0-15 jaar"),
    "pct_hh_met_kinderen": ("huishoudens", "huishoudens met kinderen"),
    "pct_65plus": ("inwoners", "inwoners van 65 jaar en ouder"),
    "pct_eenpersoonshuishoudens": ("huishoudens", "eenpersoonshuishoudens"),
}


class IndicatorWeight(BaseModel):
    """One need indicator inside a domain.

    ``direction`` says whether a higher value means more need (``hoger_slechter``, the
    default) or less (``hoger_beter``). When the profile does not state it, the catalogue's
    direction is taken by :meth:`ScoringProfile.check_catalogue`.

    Attributes
    ----------
    id : str
        The indicator id of the catalogue.
    weight : float
        Its relative weight within the domain (>= 0).
    direction : {"hoger_slechter", "hoger_beter"}
        Whether a higher value means more need.
    """

    id: str
    weight: float = Field(1.0, ge=0)
    direction: Direction = "hoger_slechter"

    @property
    def direction_explicit(self) -> bool:
        """Whether the direction was given (not the default)."""
        return "direction" in self.model_fields_set

    @model_serializer(mode="wrap")
    def _keep_unstated_direction(self, handler: SerializerFunctionWrapHandler) -> dict:
        # A direction the profile did not state is not written (YAML, copies), so it is still
        # taken from the catalogue after saving and loading instead of becoming an explicit
        # 'hoger_slechter' that would run e.g. good health the wrong way.
        out = handler(self)
        if not self.direction_explicit:
            out.pop("direction", None)
        return out


class Domain(BaseModel):
    """A group of need indicators that together form one domain score.

    Attributes
    ----------
    name : str
        The domain's name, e.g. ``Gezondheid``.
    weight : float
        Its relative weight (>= 0).
    indicators : list of IndicatorWeight
        Its need indicators.
    """

    name: str
    weight: float = Field(1.0, ge=0)
    indicators: list[IndicatorWeight]

    @field_validator("indicators")
    @classmethod
    def _not_empty(cls, v: list[IndicatorWeight]) -> list[IndicatorWeight]:
        if not v:
            raise ValueError("een domein heeft minstens één indicator nodig")
        return v


class ScoringProfile(BaseModel):
    """A complete, reproducible scoring recipe (saved as YAML in ``data/profiles/``).

    Attributes
    ----------
    name : str
        The profile's name (also its file name).
    description : str
        What the profile is for, in Dutch.
    jaar : int or None
        The indeling year the profile was written for (informative).
    domains : list of Domain
        Need indicators grouped in domains. Weights are relative: they are normalised to sum
        to 1 within each domain and across domains.
    reach : list of str
        Composition indicators shown next to the score (see :data:`COMPOSITION`); not scored.
    normalisation : {"percentile", "zscore", "minmax"}
        How indicator values are made comparable.
    aggregation : {"arithmetic", "geometric", "exponential"}
        How indicators and domains are combined.
    weighting : {"manual", "equal", "pca"}
        Where the weights come from.
    missing : str
        Policy for values that are absent after loading: ``gemeente_mean`` fills the mean of
        the other buurten, ``wijk_mean`` the mean of the other buurten in the same wijk (then
        the gemeente mean), ``drop`` leaves the indicator out for that buurt and re-weights the
        rest. Every filled cell is flagged.
    min_population : int
        Buurten with fewer inhabitants get no score and show no figures.
    top_k : int
        The size of the top list for the Monte Carlo probabilities and *robuust*.
    concentration : float
        Concentration of the Dirichlet distribution from which the Monte Carlo analysis draws
        weights around the chosen ones. Higher means draws stay closer to the chosen weights
        (narrower rank intervals, more buurten counted ``robuust_top``); 50 lets a weight of 0.25
        vary roughly between 0.15 and 0.37 (90% of draws). Lower it to test how much the
        ranking depends on the exact weights.
    vary_normalisation : bool
        Whether the Monte Carlo analysis also draws the normalisation at random.
    notes : list of str
        Dutch notes from loading (what moved from need to reach); not saved.
    moved_to_reach : list of str
        Composition indicators found in a need domain and moved to ``reach`` on loading; not
        saved.
    """

    name: str
    description: str = ""
    jaar: int | None = None
    domains: list[Domain]
    reach: list[str] = Field(default_factory=list)
    normalisation: Literal["percentile", "zscore", "minmax"] = "percentile"
    aggregation: Literal["arithmetic", "geometric", "exponential"] = "arithmetic"
    weighting: Literal["manual", "equal", "pca"] = "manual"
    missing: Literal["gemeente_mean", "wijk_mean", "drop"] = "gemeente_mean"
    min_population: int = Field(100, ge=0)
    #: Buurten whose observed values (own or wijk value, not filled in) carry less than this
    #: share of the weight get no score ("geen score (te weinig gegevens)").
    min_observed_share: float = Field(0.5, ge=0, le=1)
    top_k: int = Field(10, ge=1)
    concentration: float = Field(
        50.0,
        gt=0,
        allow_inf_nan=False,
        description="Dirichlet concentration of the Monte Carlo weight draws (higher = closer "
        "to the chosen weights, narrower rank intervals, more robust buurten).",
    )
    vary_normalisation: bool = True
    notes: list[str] = Field(default_factory=list, exclude=True)
    moved_to_reach: list[str] = Field(default_factory=list, exclude=True)

    @model_validator(mode="after")
    def _need_only(self) -> ScoringProfile:
        self._move_composition_to_reach()
        if sum(d.weight for d in self.domains) <= 0:
            raise ValueError(
                "de domeingewichten tellen op tot 0; geef minstens één domein een gewicht > 0"
            )
        for d in self.domains:
            if sum(i.weight for i in d.indicators) <= 0:
                raise ValueError(f"de indicatorgewichten van domein {d.name!r} tellen op tot 0")
        ids = [i.id for d in self.domains for i in d.indicators]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(
                f"indicator(en) {', '.join(sorted(dup))} staan in meer dan één domein; "
                "gebruik elke indicator één keer"
            )
        names = [d.name for d in self.domains]
        if len(set(names)) != len(names):
            raise ValueError("domeinnamen moeten uniek zijn")
        both = sorted(set(ids) & set(self.reach))
        if both:
            raise ValueError(
                f"indicator(en) {', '.join(both)} staan zowel bij nood (in een domein) als bij "
                "bereik (reach); gebruik elke indicator in één van de twee"
            )
        if len(set(self.reach)) != len(self.reach):
            raise ValueError("reach noemt een indicator twee keer")
        return self

    def _move_composition_to_reach(self) -> None:
        """Move composition shares out of the need domains (profiles from before the split)."""
        moved: dict[str, list[str]] = {}
        kept: list[Domain] = []
        dropped: list[str] = []
        for d in self.domains:
            comp = [i.id for i in d.indicators if i.id in COMPOSITION]
            if not comp:
                kept.append(d)
                continue
            moved[d.name] = comp
            rest = [i for i in d.indicators if i.id not in COMPOSITION]
            if rest:
                kept.append(d.model_copy(update={"indicators": rest}))
            else:
                dropped.append(d.name)
        if not moved:
            return
        for ids in moved.values():
            for i in ids:
                self.moved_to_reach.append(i)
                if i not in self.reach:
                    self.reach.append(i)
        if not kept:
            raise ValueError(
                "het profiel heeft alleen samenstellingsindicatoren "
                f"({', '.join(i for ids in moved.values() for i in ids)}); die zeggen wie er "
                "woont, niet hoeveel nood er is: zet nood-indicatoren in een domein"
            )
        self.domains = kept
        where = "; ".join(
            f"{', '.join(COMPOSITION[i][1] for i in ids)} (domein {name})"
            for name, ids in moved.items()
        )
        note = (
            f"Verplaatst van nood naar bereik: {where}. Dit zijn samenstellingscijfers: ze "
            "zeggen wie er woont, niet hoeveel nood er is. Ze staan nu naast de score en tellen "
            "niet meer mee in de score."
        )
        if dropped:
            note += f" Domein {', '.join(dropped)} had daarna geen indicator meer en is weggelaten."
        self.notes.append(note)

    @property
    def indicator_ids(self) -> list[str]:
        """Every need indicator id of the profile, in order."""
        return [i.id for d in self.domains for i in d.indicators]

    @property
    def domain_names(self) -> list[str]:
        """The domain names, in order."""
        return [d.name for d in self.domains]

    def validate_ids(self, known: Iterable[str]) -> None:
        """Raise :class:`ProfileError` if the profile names an indicator not in ``known``.

        Parameters
        ----------
        known : iterable of str
            The indicator ids of the catalogue.
        """
        known = set(known)
        unknown = [i for i in [*self.indicator_ids, *self.reach] if i not in known]
        if unknown:
            raise ProfileError(
                f"profiel {self.name!r}: onbekende indicator(en) {', '.join(unknown)}; "
                f"bekend: {', '.join(sorted(known))}"
            )

    def check_catalogue(
        self, catalogue: Mapping[str, str] | Any, *, on_conflict: str = "warn"
    ) -> tuple[ScoringProfile, list[str]]:
        """Check the profile against the indicator catalogue; return (profile, messages).

        Parameters
        ----------
        catalogue : mapping or DataFrame
            Indicator id -> direction (``hoger_slechter``, ``hoger_beter``, ``neutraal``), or a
            frame indexed by id with a ``direction`` column (``GemeenteData.catalogue``).
        on_conflict : {"warn", "raise"}
            What to do when the profile states a direction against the catalogue's.

        Returns
        -------
        profile : ScoringProfile
            A copy in which indicators without a stated direction take the catalogue's.
        messages : list of str
            Dutch notes: directions taken from the catalogue, conflicts (with ``warn``).

        Raises
        ------
        ProfileError
            Unknown ids (the message lists the known ones), a neutral indicator used as need
            (such as ``inwoners``), or with ``on_conflict="raise"``: a direction conflict, or a
            composition indicator that was in a need domain (moved to reach on loading).

        Examples
        --------
        >>> p = ScoringProfile(name="t", domains=[{"name": "G", "indicators": [{"id": "g"}]}])
        >>> fixed, notes = p.check_catalogue({"g": "hoger_beter"})
        >>> fixed.domains[0].indicators[0].direction
        'hoger_beter'
        """
        if on_conflict not in ("warn", "raise"):
            raise ProfileError(f"on_conflict {on_conflict!r} onbekend; kies 'warn' of 'raise'")
        directions = _directions(catalogue)
        self.validate_ids(directions)
        if self.moved_to_reach and on_conflict == "raise":
            raise ProfileError(
                f"profiel {self.name!r}: {', '.join(self.moved_to_reach)} zegt wie er woont, "
                "niet hoeveel nood er is, en kan geen nood-indicator zijn; zet het onder 'reach'"
            )
        neutral = [i for i in self.indicator_ids if directions[i] == "neutraal"]
        if neutral:
            raise ProfileError(
                f"profiel {self.name!r}: {', '.join(neutral)} beschrijft de bevolking, niet de "
                "nood, en kan geen nood-indicator zijn; zet het onder 'reach' of laat het weg"
            )
        messages: list[str] = []
        conflicts: list[str] = []
        data = self.model_dump()
        for d_raw, d in zip(data["domains"], self.domains, strict=True):
            for i_raw, ind in zip(d_raw["indicators"], d.indicators, strict=True):
                expected = directions[ind.id]
                if ind.direction == expected:
                    continue
                if not ind.direction_explicit:
                    i_raw["direction"] = expected
                    messages.append(
                        f"{ind.id}: richting '{expected}' uit de indicatorcatalogus overgenomen "
                        "(het profiel gaf geen richting)"
                    )
                else:
                    conflicts.append(
                        f"{ind.id}: het profiel zegt '{ind.direction}', de catalogus '{expected}'"
                    )
        if conflicts and on_conflict == "raise":
            raise ProfileError(
                f"profiel {self.name!r}: richting tegen de catalogus in: {'; '.join(conflicts)}"
            )
        messages += [f"Let op, richting tegen de catalogus in: {c}" for c in conflicts]
        fixed = ScoringProfile.model_validate(data)
        fixed.notes = [*self.notes, *messages]
        return fixed, messages

    def without_empty_domains(self, with_data: Iterable[str]) -> ScoringProfile:
        """A copy without the domains none of whose indicators has data (a Dutch note each).

        ``with_data`` are the indicator ids that have at least one value. A saved profile keeps
        working when a source stops publishing a domain's figures; the note says what is left
        out. When no domain has data the profile is returned unchanged (the scoring then says
        which domains lack data).

        Parameters
        ----------
        with_data : iterable of str
            The indicator ids that have at least one value.

        Returns
        -------
        ScoringProfile
            A new profile without the empty domains, or this profile when nothing (or
            everything) is empty.
        """
        have = set(with_data)
        empty = [d.name for d in self.domains if not any(i.id in have for i in d.indicators)]
        if not empty or len(empty) == len(self.domains):
            return self
        data = self.model_dump()
        data["domains"] = [d for d in data["domains"] if d["name"] not in empty]
        out = parse_profile(data, source=f"profiel {self.name!r}")
        out.notes = [
            *self.notes,
            *(
                f"Domein {name} heeft voor deze gemeente en dit jaar geen gegevens en telt niet "
                "mee; de andere domeinen zijn herwogen."
                for name in empty
            ),
        ]
        return out

    def with_weights(
        self, weights: Mapping[str, float], *, domain_weights: Mapping[str, float] | None = None
    ) -> ScoringProfile:
        """A copy with indicator (and optionally domain) weights replaced.

        Parameters
        ----------
        weights : mapping of str to float
            Indicator id -> new weight (>= 0); indicators not named keep theirs.
        domain_weights : mapping of str to float, optional
            Domain name -> new weight; domains not named keep theirs.

        Returns
        -------
        ScoringProfile
            A new, validated profile.

        Raises
        ------
        ProfileError
            When ``weights`` names an indicator, or ``domain_weights`` a domain, that is not in
            the profile (the message lists the known names), or a weight is negative.
        """
        domain_weights = dict(domain_weights or {})
        bad_i = sorted(set(weights) - set(self.indicator_ids))
        bad_d = sorted(set(domain_weights) - set(self.domain_names))
        problems = []
        if bad_i:
            problems.append(
                f"onbekende indicator(en) {', '.join(bad_i)}; "
                f"bekend: {', '.join(self.indicator_ids)}"
            )
        if bad_d:
            problems.append(
                f"onbekend(e) domein(en) {', '.join(bad_d)}; bekend: {', '.join(self.domain_names)}"
            )
        if problems:
            raise ProfileError(f"profiel {self.name!r}: " + "; ".join(problems))
        data = self.model_dump()
        for d in data["domains"]:
            if d["name"] in domain_weights:
                d["weight"] = float(domain_weights[d["name"]])
            for ind in d["indicators"]:
                if ind["id"] in weights:
                    ind["weight"] = float(weights[ind["id"]])
        return parse_profile(data, source=f"profiel {self.name!r}")

    def rename(
        self, name: str | None = None, *, domains: Mapping[str, str] | None = None
    ) -> ScoringProfile:
        """A copy with another profile name and/or domains renamed (old -> new).

        Parameters
        ----------
        name : str, optional
            The new profile name; unchanged when not given.
        domains : mapping of str to str, optional
            Old domain name -> new domain name.

        Returns
        -------
        ScoringProfile
            A new, validated profile.

        Raises
        ------
        ProfileError
            When ``domains`` names a domain the profile does not have.
        """
        domains = dict(domains or {})
        bad = sorted(set(domains) - set(self.domain_names))
        if bad:
            raise ProfileError(
                f"profiel {self.name!r}: onbekend(e) domein(en) {', '.join(bad)}; "
                f"bekend: {', '.join(self.domain_names)}"
            )
        data = self.model_dump()
        if name is not None:
            data["name"] = name
        for d in data["domains"]:
            d["name"] = domains.get(d["name"], d["name"])
        return parse_profile(data, source=f"profiel {data['name']!r}")

    def merge(
        self,
        other: ScoringProfile,
        *,
        name: str | None = None,
        domains: Iterable[str] | None = None,
        description: str | None = None,
    ) -> ScoringProfile:
        """Add domains of ``other`` to this profile (all, or those named in ``domains``).

        Methods (normalisation, aggregation, missing, ...) come from this profile; reach is the
        union. See :func:`merge_profiles`.

        Parameters
        ----------
        other : ScoringProfile
            The profile whose domains are added.
        name : str, optional
            Name of the result; this profile's name when not given.
        domains : iterable of str, optional
            Domains of ``other`` to add; all when not given.
        description : str, optional
            Description of the result.

        Returns
        -------
        ScoringProfile
            A new, validated profile.
        """
        return merge_profiles(self, other, name=name, domains=domains, description=description)


def _directions(catalogue: Mapping[str, str] | Any) -> dict[str, str]:
    if hasattr(catalogue, "columns") and "direction" in catalogue.columns:
        column: Any = catalogue["direction"]
        return {str(k): str(v) for k, v in column.items()}
    if isinstance(catalogue, Mapping):
        return {str(k): str(v) for k, v in catalogue.items()}
    raise ProfileError(
        "de catalogus moet indicator-id -> richting geven, of een tabel met een kolom "
        "'direction' zijn"
    )


def merge_profiles(
    base: ScoringProfile,
    other: ScoringProfile,
    *,
    name: str | None = None,
    domains: Iterable[str] | None = None,
    description: str | None = None,
) -> ScoringProfile:
    """Combine the domains of two profiles into a new one.

    Parameters
    ----------
    base : ScoringProfile
        Its domains, methods and settings are kept.
    other : ScoringProfile
        Domains to add (all, or only those named in ``domains``).
    name : str, optional
        Of the new profile; default ``"<base>+<other>"``.
    domains : iterable of str, optional
        The domains of ``other`` to add (default all).
    description : str, optional
        Of the new profile.

    Returns
    -------
    ScoringProfile
        A new profile; ``base`` and ``other`` are unchanged.

    Raises
    ------
    ProfileError
        When a domain name or an indicator is in both (rename the domain first with
        :meth:`ScoringProfile.rename`), or ``domains`` names a domain ``other`` lacks.

    Examples
    --------
    >>> a = ScoringProfile(name="a", domains=[{"name": "G", "indicators": [{"id": "g"}]}])
    >>> b = ScoringProfile(name="b", domains=[{"name": "S", "indicators": [{"id": "s"}]}])
    >>> merge_profiles(a, b).domain_names
    ['G', 'S']
    """
    wanted = list(domains) if domains is not None else other.domain_names
    bad = sorted(set(wanted) - set(other.domain_names))
    if bad:
        raise ProfileError(
            f"profiel {other.name!r}: onbekend(e) domein(en) {', '.join(bad)}; "
            f"bekend: {', '.join(other.domain_names)}"
        )
    clash = sorted(set(wanted) & set(base.domain_names))
    if clash:
        raise ProfileError(
            f"domein(en) {', '.join(clash)} staan in {base.name!r} en in {other.name!r}; "
            "hernoem er eerst één (profile.rename(domains={...}))"
        )
    data = base.model_dump()
    extra = [d.model_dump() for d in other.domains if d.name in wanted]
    data["domains"] = [*data["domains"], *extra]
    data["reach"] = list(dict.fromkeys([*base.reach, *other.reach]))
    data["name"] = name or f"{base.name}+{other.name}"
    if description is not None:
        data["description"] = description
    return parse_profile(data, source=f"merge of {base.name!r} and {other.name!r}")


def parse_profile_yaml(text: str, *, source: str = "profile") -> ScoringProfile:
    """Validate a profile from its YAML text.

    Parameters
    ----------
    text : str
        The YAML.
    source : str
        Where it came from (file name), for the messages.

    Returns
    -------
    ScoringProfile
        The validated profile.

    Raises
    ------
    ProfileError
        When the text is not YAML or not a valid profile (the message names ``source``
        and lists the fields).
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: geen geldige YAML ({' '.join(str(exc).split())})") from None
    return parse_profile(raw, source=source)


def parse_profile(raw: object, *, source: str = "profiel") -> ScoringProfile:
    """Validate a profile from a mapping (as loaded from YAML or sent by the app).

    Parameters
    ----------
    raw : object
        A mapping as loaded from YAML or sent by the app.
    source : str
        Where it came from (file name), for the messages.

    Returns
    -------
    ScoringProfile
        The validated profile.
    """
    try:
        return ScoringProfile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'profiel'}: {_dutch(err)}"
            for err in exc.errors()
        )
        raise ProfileError(f"{source}: ongeldig profiel: {problems}") from None


#: pydantic error types -> Dutch text (``{...}`` filled from the error's context)
_PYDANTIC_NL = {
    "missing": "verplicht veld ontbreekt",
    "string_type": "moet tekst zijn",
    "float_type": "moet een getal zijn",
    "float_parsing": "moet een getal zijn",
    "finite_number": "moet een eindig getal zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet velden met waarden bevatten",
    "model_type": "moet velden met waarden bevatten",
    "model_attributes_type": "moet velden met waarden bevatten",
    "literal_error": "kies uit {expected}",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "less_than_equal": "mag hoogstens {le} zijn",
}


def _dutch(err: Mapping[str, Any]) -> str:
    """One pydantic error in Dutch; our own validators' messages (already Dutch) as they are."""
    ctx = err.get("ctx") or {}
    if err["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = _PYDANTIC_NL.get(err["type"])
    if template is None:
        return str(err["msg"])
    expected = str(ctx.get("expected", "")).replace(" or ", " of ")
    return template.format(**{**{k: str(v) for k, v in ctx.items()}, "expected": expected})


def profile_yaml(profile: ScoringProfile) -> str:
    """The YAML text of a profile.

    Parameters
    ----------
    profile : ScoringProfile
        The profile.

    Returns
    -------
    str
        YAML that :func:`parse_profile_yaml` reads back to the same profile.
    """
    return yaml.safe_dump(profile.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
