"""Scoring a loaded gemeente with a profile: the service behind the app, the CLI and notebooks."""

from __future__ import annotations

import numbers

import pandas as pd

from geo.indicators import INDICATORS, indicator_table
from models import ScoringProfile, profile_yaml, score_buurten
from models.reach import reach_table

from .dataversion import data_version

__all__ = ["MAX_DRAWS", "check_draws", "checked_profile", "score_gemeente"]

#: Most Monte Carlo draws per run: 10,000 already pins kans_top to about +/-1 percent point,
#: and every draw costs memory for every buurt.
MAX_DRAWS = 10_000


def checked_profile(data, profile: ScoringProfile) -> ScoringProfile:
    """The profile as :func:`score_gemeente` scores it.

    Checked against the catalogue (directions filled in, conflicts noted) and without the
    domains that have no data.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    profile : ScoringProfile
        The profile as chosen.

    Returns
    -------
    ScoringProfile
        The profile as scored.
    """
    # the whole catalogue: an indicator these data lack is left out with a note, not an error
    catalogue = pd.concat([data.catalogue, indicator_table().drop(index=data.catalogue.index)])
    profile, _ = profile.check_catalogue(catalogue, on_conflict="warn")
    frame = data.indicators()
    return profile.without_empty_domains(frame.columns[frame.notna().any()])


def check_draws(draws: object) -> int:
    """``draws`` as an int in 0 .. :data:`MAX_DRAWS`, or ``ValueError`` saying what is allowed.

    Parameters
    ----------
    draws : object
        The requested number of Monte Carlo draws.

    Returns
    -------
    int
        The number of draws.
    """
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral):
        raise ValueError(f"draws {draws!r} is not a whole number")
    if not 0 <= int(draws) <= MAX_DRAWS:
        raise ValueError(
            f"draws {draws} is not allowed: use 0 (no Monte Carlo) up to {MAX_DRAWS:,} draws"
        )
    return int(draws)


def score_gemeente(
    data, profile: ScoringProfile, *, seed: int = 42, draws: int = 1000
) -> pd.DataFrame:
    """Score a loaded :class:`~geo.gemeente.GemeenteData`; identity columns first.

    The profile is first checked against the data's indicator catalogue (unknown ids and
    neutral indicators used as need raise :class:`~models.ProfileError`; a direction the
    profile does not state is taken from the catalogue, a conflicting one is reported). The
    profile's reach columns (``bereik__*``, ``bereik_aantal__*``) follow the scores.
    ``attrs["warnings"]`` also holds the profile's notes (what moved from need to reach).

    Parameters
    ----------
    data : GemeenteData
        A loaded gemeente (:func:`~wijkradar.pipeline.load_gemeente`).
    profile : ScoringProfile
        The profile to score with.
    seed : int
        Seed of the Monte Carlo analysis; the same seed gives the same result.
    draws : int
        Monte Carlo draws (0: point estimates only), at most :data:`MAX_DRAWS`.

    Returns
    -------
    DataFrame
        Identity columns (names, wijk), the columns of :func:`models.score_buurten`, then the
        reach columns; ``attrs["warnings"]`` lists what was left out or changed.

    Raises
    ------
    ValueError
        ``draws`` outside 0 .. :data:`MAX_DRAWS`.
    """
    check_draws(draws)
    profile = checked_profile(data, profile)
    frame = data.indicators()
    result = score_buurten(
        frame,
        profile,
        seed=seed,
        draws=draws,
        states=data.states,
        lower=data.lower,
        upper=data.upper,
        known_ids=[ind.id for ind in INDICATORS],
    )
    ident = pd.DataFrame(data.buurten[["buurtnaam", "wijkcode", "wijknaam"]])
    reach = reach_table(frame, profile, hidden=result["te_klein"])
    out = ident.join(result).join(reach)
    out.attrs = dict(result.attrs)  # join drops attrs: keep warnings and top_k
    out.attrs["warnings"] = [*profile.notes, *result.attrs.get("warnings", [])]
    out.attrs["reach"] = list(profile.reach)
    out.attrs.update(data_version=data_version(data), profile_yaml=profile_yaml(profile))
    return out
