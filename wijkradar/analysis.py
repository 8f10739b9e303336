"""Helpers for analysts (notebooks): caveats of the data, coverage, and the profile hand-off.

The notebooks print what the app shows in captions: the warnings of loading, the remarks
of each source and how many buurten have an observed value per indicator; and when they save
a profile, where it went and whether the app will list it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models import ScoringProfile, sensitivity_ranks

from .config import Settings, default_data_dir
from .profiles import list_profiles
from .scoring import checked_profile

__all__ = [
    "data_caveats",
    "indicator_coverage",
    "save_profile_for_app",
    "SavedProfile",
    "saved_profile",
    "sensitivity_gemeente",
]


def data_caveats(data) -> list[str]:
    """Every caveat of a loaded gemeente as one list of Dutch-labelled lines.

    The warnings of loading (e.g. the health monitor matching 126 of 145 buurtcodes) and
    the remarks each source carries in its provenance (e.g. no 95% bounds), prefixed with
    the source and table.

    Parameters
    ----------
    data : GemeenteData
        A loaded gemeente (:func:`~wijkradar.pipeline.load_gemeente`).

    Returns
    -------
    list of str
        ``laden: ...`` for each loading warning, then ``<bron> (<tabel>, <periode>): ...`` for
        each source remark.
    """
    lines = [f"laden: {w}" for w in data.warnings]
    for p in data.provenance:
        for remark in p.get("opmerkingen", []) or []:
            where = f"{p.get('bron', '')} ({p.get('tabel', '')}, {p.get('periode', '')})"
            lines.append(f"{where}: {remark}")
    return lines


def indicator_coverage(data) -> pd.DataFrame:
    """Per indicator: source, period, and how many buurten have each value state.

    Parameters
    ----------
    data : GemeenteData
        A loaded gemeente (:func:`~wijkradar.pipeline.load_gemeente`).

    Returns
    -------
    DataFrame
        Indexed by indicator id: ``label``, ``tabel``, ``periode``, one count column per
        state (``aanwezig``, ``onderdrukt``, ``ontbreekt``, ``wijkwaarde``, ... as the data
        has them), ``buurten`` (the total) and ``aandeel_aanwezig`` (0-1: observed for this
        buurt by the source itself).
    """
    states = data.states[data.indicator_ids]
    counts = states.apply(lambda c: c.astype(str).value_counts()).T.fillna(0).astype(int)
    counts = counts.drop(columns=["nan"], errors="ignore")
    if isinstance(states.dtypes.iloc[0] if len(states.columns) else None, pd.CategoricalDtype):
        order = [str(c) for c in states.dtypes.iloc[0].categories]
        counts = counts.reindex(columns=order, fill_value=0)
    counts = counts.loc[:, (counts > 0).any()]
    meta = data.catalogue.reindex(data.indicator_ids)[["label", "tabel", "periode"]]
    out = meta.join(counts)
    out["buurten"] = len(states)
    present = counts.get("aanwezig", pd.Series(0, index=counts.index))
    out["aandeel_aanwezig"] = (present / max(len(states), 1)).round(3)
    out.index.name = "indicator"
    return out


@dataclass(frozen=True)
class SavedProfile:
    """Where :func:`save_profile_for_app` wrote a profile and whether the app lists it.

    Attributes
    ----------
    name : str
        The profile's name.
    path : Path
        The YAML file written.
    data_dir : Path
        The data folder it was written to.
    listed : bool
        Whether the app (with these settings) lists the profile under this name.
    default_data_dir : bool
        Whether that folder is the default data folder (the one the app uses without
        ``WIJKRADAR_DATA_DIR``).
    """

    name: str
    path: Path
    data_dir: Path
    listed: bool
    default_data_dir: bool

    def __str__(self) -> str:
        lines = [f"Profiel {self.name!r} bewaard in {self.path}"]
        if not self.listed:
            lines.append(
                "De app ziet het NIET: een ander bestand met dezelfde naam gaat voor; "
                "kies een andere naam."
            )
        elif self.default_data_dir:
            lines.append(
                f"De app ziet het: {self.data_dir} is de standaard datamap, dus de app "
                "(zonder WIJKRADAR_DATA_DIR) toont het in de profielkeuze."
            )
        else:
            lines.append(
                f"De app ziet het als die met WIJKRADAR_DATA_DIR={self.data_dir} draait; "
                f"zonder die instelling gebruikt de app {default_data_dir()}."
            )
        return "\n".join(lines)


def save_profile_for_app(
    profile: ScoringProfile, settings: Settings, *, user: str | None = None
) -> SavedProfile:
    """Save ``profile`` for the app and check that the app sees it.

    Saves as the app's Methode page does (:func:`wijkradar.registry.save_user_profile`:
    ``<data_dir>/profiles/<name>.yaml``, shipped names refused, a line in the audit trail under
    ``user``, by default the OS user), then looks the name up in the app's profile list.

    Parameters
    ----------
    profile : ScoringProfile
        The profile; its name becomes the file name.
    settings : Settings
        The data folder (and registry for the audit line) of the app.
    user : str, optional
        Name in the audit trail (default the OS user).

    Returns
    -------
    SavedProfile
        The absolute path, the data folder, whether the profile list of the app (same
        settings) resolves the name to this file, and whether the folder is the default data
        folder (the one an app started without ``WIJKRADAR_DATA_DIR`` uses). Its ``str``
        says this in Dutch.

    Raises
    ------
    ProfileError
        The name is that of a shipped profile.
    """
    from .registry import os_user, save_user_profile

    return saved_profile(
        profile.name, save_user_profile(profile, settings, user=user or os_user()), settings
    )


def saved_profile(name: str, path: Path, settings: Settings) -> SavedProfile:
    """Whether the app (same ``settings``) lists the profile ``name`` saved at ``path``.

    Parameters
    ----------
    name : str
        The profile's name.
    path : Path
        Where it was saved.
    settings : Settings
        The settings the app runs with (its data folder).

    Returns
    -------
    SavedProfile
        The name, path and data folder, whether the app lists it, and whether the data folder
        is the default one.
    """
    path = Path(path).resolve()
    found = list_profiles(settings).get(name)
    return SavedProfile(
        name=name,
        path=path,
        data_dir=settings.data_dir,
        listed=isinstance(found, Path) and found.resolve() == path,
        default_data_dir=settings.data_dir.resolve() == default_data_dir().resolve(),
    )


def sensitivity_gemeente(data, profile: ScoringProfile, *, seed: int, **grid) -> pd.DataFrame:
    """:func:`models.sensitivity_ranks` of a loaded gemeente, with the profile as scored.

    The profile is first checked as :func:`~wijkradar.scoring.score_gemeente` does
    (directions from the catalogue, empty domains left out), so the basis scenario ranks
    exactly as the score results. ``grid`` takes the options of ``sensitivity_ranks``
    (``weights``, ``normalisations``, ``missing``, ``aggregations``, ``random_weights``).

    Parameters
    ----------
    data : GemeenteData
        A loaded gemeente (:func:`~wijkradar.pipeline.load_gemeente`).
    profile : ScoringProfile
        The profile, as scored.
    seed : int
        Seed of the random scenarios.
    **grid
        Options of ``sensitivity_ranks``: ``weights``, ``normalisations``, ``missing``,
        ``aggregations``, ``random_weights``.

    Returns
    -------
    DataFrame
        What :func:`models.sensitivity_ranks` returns: the ranks of every buurt per scenario.
    """
    return sensitivity_ranks(data.indicators(), checked_profile(data, profile), seed=seed, **grid)
