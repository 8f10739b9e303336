"""Scoring profiles as files: the shipped ones, the user's own, uploads and saving.

:mod:`models.profile` validates profiles and turns them into YAML text and back; this module
does the file work around it (reading, writing atomically, finding profiles by name).
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from geo.io import atomic_write
from models import ProfileError, ScoringProfile, parse_profile, parse_profile_yaml, profile_yaml

from .config import Settings
from .defaults import DEFAULT_PROFILE

__all__ = [
    "DEFAULT_PROFILE",
    "MAX_PROFILE_BYTES",
    "MAX_PROFILE_DEPTH",
    "load_profile",
    "save_profile",
    "shipped_profiles",
    "shipped_profile",
    "list_profiles",
    "resolve_profile",
    "parse_profile_upload",
]

#: Largest profile YAML accepted from an upload (shipped profiles are about 3 kB).
MAX_PROFILE_BYTES = 200_000
#: Deepest nesting of mappings/lists in a profile YAML (a profile needs 4).
MAX_PROFILE_DEPTH = 12


def load_profile(path: str | Path) -> ScoringProfile:
    """Read a profile YAML.

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    ScoringProfile
        The validated profile.

    Raises
    ------
    ProfileError
        When the file is missing, not YAML, or not a valid profile (the message lists fields).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"profielbestand {path} niet gevonden") from None
    return parse_profile_yaml(text, source=str(path))


def save_profile(profile: ScoringProfile, path: str | Path) -> Path:
    """Write a profile YAML (atomically).

    Parameters
    ----------
    profile : ScoringProfile
        The profile.
    path : str or Path
        The YAML file to write.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    with atomic_write(path) as tmp:
        tmp.write_text(profile_yaml(profile), encoding="utf-8")
    return path


def shipped_profiles() -> dict[str, Traversable]:
    """Profile name -> YAML resource of the profiles shipped as package data (``models/profiles``).

    Read through :mod:`importlib.resources`, so they are found in a git checkout, an editable
    install and an installed wheel alike.

    Returns
    -------
    dict of str to Traversable
        Profile name -> YAML resource, sorted by file name.
    """
    folder = files("models") / "profiles"
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml") and entry.is_file()
    }


def _load(entry: Traversable | Path) -> ScoringProfile:
    with as_file(entry) as path:
        return load_profile(path)


def shipped_profile(name: str) -> ScoringProfile:
    """Load a shipped profile by name (ignoring user profiles of the same name).

    Parameters
    ----------
    name : str
        The profile's name, e.g. ``kansrijke-wijk``.

    Returns
    -------
    ScoringProfile
        The validated profile.
    """
    shipped = shipped_profiles()
    if name not in shipped:
        raise ProfileError(
            f"meegeleverd profiel {name!r} niet gevonden; beschikbaar: {', '.join(sorted(shipped))}"
        )
    return _load(shipped[name])


def list_profiles(settings: Settings) -> dict[str, Traversable | Path]:
    """Profile name -> file: user profiles (``data_dir/profiles``) override shipped ones by name.

    Parameters
    ----------
    settings : Settings
        Its data folder holds the user profiles.

    Returns
    -------
    dict
        Profile name -> YAML file (a package resource for shipped ones).
    """
    found: dict[str, Traversable | Path] = dict(shipped_profiles())
    user = settings.data_dir / "profiles"
    if user.is_dir():
        for path in sorted(user.glob("*.yaml")):
            found[path.stem] = path
    return found


def resolve_profile(name_or_path: str, settings: Settings) -> ScoringProfile:
    """Load a profile by name (see :func:`list_profiles`) or by path.

    Parameters
    ----------
    name_or_path : str
        A profile name or the path of a YAML file.
    settings : Settings
        Its data folder holds the user profiles.

    Returns
    -------
    ScoringProfile
        The validated profile.
    """
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_profile(path)
    profiles = list_profiles(settings)
    if name_or_path not in profiles:
        raise ProfileError(
            f"profiel {name_or_path!r} niet gevonden; beschikbaar: "
            f"{', '.join(sorted(profiles)) or '(geen)'}"
        )
    return _load(profiles[name_or_path])


def parse_profile_upload(data: bytes, *, source: str) -> ScoringProfile:
    """A profile from uploaded YAML bytes, within size, nesting and alias limits.

    The YAML event stream is checked first (iteratively, so nesting cannot exhaust the
    stack, and without building anything): anchors/aliases are refused (no "billion laughs")
    and so is nesting deeper than :data:`MAX_PROFILE_DEPTH`.

    Parameters
    ----------
    data : bytes
        The uploaded file.
    source : str
        The file name, for messages.

    Returns
    -------
    ScoringProfile
        The validated profile.

    Raises
    ------
    ProfileError
        Too large, not UTF-8, not YAML, too deep, aliases, or not a valid profile; the
        message is Dutch and names ``source``.
    """
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(
            f"{source}: {len(data):,} bytes is te groot voor een profiel "
            f"(maximaal {MAX_PROFILE_BYTES:,})"
        )
    try:
        text = data.decode("utf-8")
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ProfileError(f"{source}: YAML-ankers en -aliassen (&, *) zijn niet nodig")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_PROFILE_DEPTH:
                    raise ProfileError(f"{source}: YAML is te diep genest voor een profiel")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        raw = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise ProfileError(f"{source}: geen UTF-8-tekst") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: geen leesbaar YAML ({' '.join(str(exc).split())})") from None
    return parse_profile(raw, source=source)
