"""Registry wiring for the app, the CLI and notebooks: open, import, export, coverage, gaps."""

from __future__ import annotations

import getpass
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.io import atomic_write
from geo.registry import (
    ENTITIES,
    THEMES,
    ConflictError,
    ImportRejected,
    ImportReport,
    Registry,
    RegistryError,
    location_warnings,
    read_registry_file,
    write_registry_file,
)
from geo.sources import geocode
from models import ProfileError, ScoringProfile
from models.access import active_initiatives, coverage_table, find_gaps, two_step_fca

from .config import Settings
from .escape import spreadsheet_frame
from .pipeline import DEFAULT_JAAR, load_gemeente, make_client
from .profiles import save_profile, shipped_profiles
from .render.format import fmt_number

__all__ = [
    "audit",
    "save_user_profile",
    "open_registry",
    "make_geocoder",
    "import_file",
    "export_file",
    "GapAnalysis",
    "analyse_gaps",
    "restore_backup",
    "write_backup",
    "os_user",
    "EditResult",
    "save_table_edits",
    "buurt_wijkteam",
]


def os_user() -> str:
    """The OS user name (for the audit trail of CLI changes).

    Returns
    -------
    str
        The user name, or ``onbekend``.
    """
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"


def open_registry(settings: Settings) -> Registry:
    """The registry of ``settings`` (SQLite in the data folder unless a database URL is set).

    Parameters
    ----------
    settings : Settings
        Where the registry is (``database_url`` or the data folder).

    Returns
    -------
    Registry
        The open, migrated registry (use it as a context manager to close it).
    """
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Registry(settings.registry_url)


def audit(
    settings: Settings,
    *,
    user: str,
    action: str,
    entity: str,
    key: str | None = None,
    after: dict | None = None,
    registry: Registry | None = None,
) -> None:
    """Log a write outside the registry tables (profile saved, gemeente fetched or imported).

    Parameters
    ----------
    settings : Settings
        Where the registry is (``database_url`` or the data folder).
    user : str
        Who did it.
    action : str
        What was done, e.g. ``profiel`` or ``fetch``.
    entity : str
        What kind of thing, e.g. ``profiel`` or ``gemeente``.
    key : str, optional
        Which one, e.g. the profile name or gemeentecode.
    after : dict, optional
        Details of the result, as JSON-ready data.
    registry : Registry, optional
        An open registry to use; otherwise the one of ``settings`` is opened and closed.
    """
    if registry is not None:
        registry.record(user=user, action=action, entity=entity, key=key, after=after)
        return
    with open_registry(settings) as reg:
        reg.record(user=user, action=action, entity=entity, key=key, after=after)


def save_user_profile(
    profile: ScoringProfile, settings: Settings, *, user: str, registry: Registry | None = None
) -> Path:
    """Save ``profile`` in the data folder's ``profiles/`` and log it in the audit trail.

    Shipped profiles cannot be replaced this way: a user profile with a shipped name would
    silently change the scores of every user, the CLI and ``batch``.

    Parameters
    ----------
    profile : ScoringProfile
        The profile to save (its name is the file name).
    settings : Settings
        Gives the data folder and the registry.
    user : str
        Who saves, for the audit trail.
    registry : Registry, optional
        An open registry to use; otherwise the one of ``settings`` is opened and closed.

    Returns
    -------
    Path
        The YAML file written.

    Raises
    ------
    ProfileError
        The name is that of a shipped profile.
    """
    if profile.name in shipped_profiles():
        raise ProfileError(
            f"'{profile.name}' is een meegeleverd profiel en kan niet worden overschreven; "
            "kies een andere naam"
        )
    path = settings.data_dir / "profiles" / f"{profile.name}.yaml"
    before = path.read_bytes() if path.exists() else None
    save_profile(profile, path)
    try:
        audit(
            settings,
            user=user,
            action="profiel",
            entity="profiel",
            key=profile.name,
            after={"bestand": path.name, "vervangen": before is not None},
            registry=registry,
        )
    except Exception:
        # no write without an audit line: put the previous file back
        if before is None:
            path.unlink(missing_ok=True)
        else:
            with atomic_write(path) as tmp:
                tmp.write_bytes(before)
        raise
    return path


#: Columns the registry keeps itself: never compared or written back from an edited table.
_BOOKKEEPING = ("version", "gewijzigd_door")


def _missing(value) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _blank(value) -> bool:
    return _missing(value) or not str(value).strip()


def _same(a, b) -> bool:
    return (_missing(a) and _missing(b)) or bool(a == b)


@dataclass
class EditResult:
    """What :func:`save_table_edits` did: ids saved, warnings, and what failed and why.

    ``failures`` holds ``(action, key, error)`` with action ``"opslaan"`` or
    ``"verwijderen"``, key None for a new row, in the order they happened.

    Attributes
    ----------
    added, updated, deleted : list of str
        The rows saved new, saved changed and deleted (``"INI-1 Koffie"``).
    warnings : list of str
        Dutch warnings, e.g. rows without a location.
    failures : list of tuple
        ``(action, key, error)`` of the rows that were not saved or deleted.
    """

    added: list[str]
    updated: list[str]
    deleted: list[str]
    warnings: list[str]
    failures: list[tuple[str, object, Exception]]


def save_table_edits(
    registry: Registry,
    entity: str,
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    user: str,
    buurten: pd.DataFrame | None = None,
) -> EditResult:
    """Save the rows of ``entity`` changed from ``before`` to ``after`` (a table editor's).

    Every changed row is saved on its own with the version that was read, so a row changed by
    someone else in the meantime is refused (no lost update) and the others still save. Rows
    left out of ``after`` are deleted; a row without a key gets one from the registry; a fully
    empty new row is ignored.

    Parameters
    ----------
    registry : Registry
        Where the rows are.
    entity : str
        One of ``geo.registry.ENTITIES``.
    before, after : DataFrame
        The table as read (with ``version``) and as edited.
    user : str
        Who changes it (audit trail).
    buurten : DataFrame, optional
        The gemeente's buurten (indexed by buurtcode): buurtcodes are checked against them
        and points outside them are warned about.

    Returns
    -------
    EditResult
        Saved and deleted ids (``"INI-1 Koffie"``), Dutch warnings and the failures
        (:class:`ConflictError`, :class:`ImportRejected`) per row.
    """
    keycol = list(ENTITIES[entity].table.primary_key.columns)[0].name
    read = before.set_index(keycol) if not before.empty else before
    codes = set(buurten.index) if buurten is not None else None
    out = EditResult([], [], [], [], [])
    edited = after.to_dict("records")
    for rec in edited:
        key = rec.get(keycol)
        if _blank(key):
            if all(_blank(v) for c, v in rec.items() if c not in _BOOKKEEPING):
                continue  # an empty new row
            key = None  # the registry makes up an id
        old = read.loc[key].to_dict() if key in read.index else None
        if old is not None and all(
            _same(old.get(c), rec.get(c)) for c in rec if c not in (keycol, *_BOOKKEEPING)
        ):
            continue
        record = {k: v for k, v in rec.items() if k not in _BOOKKEEPING}
        try:
            row = registry.save(
                entity,
                record,
                user=user,
                version=None if old is None else int(rec["version"]),
                buurtcodes=codes if "buurtcode" in record else None,
            )
        except (ConflictError, ImportRejected) as exc:
            out.failures.append(("opslaan", key, exc))
            continue
        name = f"{row[keycol]}" + (f" {row['naam']}" if row.get("naam") else "")
        (out.updated if old is not None else out.added).append(name)
        out.warnings += location_warnings(entity, [row], buurten=buurten, rows=False)
    for key in set(read.index) - {r.get(keycol) for r in edited}:
        try:
            registry.delete(entity, key, user=user, version=int(read.loc[key, "version"]))
        except ConflictError as exc:
            out.failures.append(("verwijderen", key, exc))
        else:
            out.deleted.append(str(key))
    return out


def buurt_wijkteam(registry: Registry, buurtcode: str) -> dict | None:
    """The wijkteam buurt ``buurtcode`` is assigned to (``wijkteam_buurt``), or None.

    Parameters
    ----------
    registry : Registry
        The open registry.
    buurtcode : str
        The buurt.

    Returns
    -------
    dict or None
        The wijkteam's row (``id``, ``naam``, ``fte``, ...), None when the buurt has no
        wijkteam or its wijkteam is not in the register.
    """
    team = registry.table("wijkteam_buurt").set_index("buurtcode")["wijkteam_id"].get(buurtcode)
    teams = registry.table("wijkteam").set_index("id")
    if team is None or team not in teams.index:
        return None
    return {"id": team, **teams.loc[team].to_dict()}


#: Time-out of one address look-up (seconds).
GEOCODE_TIMEOUT_S = 5.0


def make_geocoder(settings: Settings, client=None):
    """Address -> (x, y) in RD New through the PDOK Locatieserver (None when not found).

    Parameters
    ----------
    settings : Settings
        Gives the Locatieserver URL and the HTTP settings.
    client : HttpClient, optional
        The HTTP client; one with a single try and a short time-out when not given.

    Returns
    -------
    callable
        ``lookup(address) -> (x, y) or None``.
    """
    # one try per address with a short time-out: an unreachable Locatieserver must not hold
    # the import for minutes; the import reports the rows it could not look up
    client = client or make_client(
        settings.model_copy(
            update={
                "http_retries": 0,
                "http_timeout": min(settings.http_timeout, GEOCODE_TIMEOUT_S),
            }
        )
    )

    def lookup(address: str) -> tuple[float, float] | None:
        found = geocode(client, settings.locatieserver_url, address)
        return None if found is None else (found.x, found.y)

    return lookup


def import_file(
    settings: Settings,
    entity: str,
    path: str | Path,
    *,
    user: str,
    gemeente: str | None = None,
    jaar: int = DEFAULT_JAAR,
    replace: bool = False,
    confirm_empty: bool = False,
    registry: Registry | None = None,
) -> ImportReport:
    """Read, validate, geocode, assign buurten and write one file in one transaction.

    With ``gemeente`` the buurtcodes are checked against that gemeente's buurten and points
    get their buurt by point-in-polygon.

    Parameters
    ----------
    settings : Settings
        Where the registry is (``database_url`` or the data folder).
    entity : str
        A key of :data:`geo.registry.ENTITIES`.
    path : str or Path
        ``.csv``, ``.xlsx`` or ``.geojson``.
    user : str
        Who imports, for the audit trail.
    gemeente : str, optional
        Gemeentecode whose buurten the rows are checked against.
    jaar : int
        The indeling year of those buurten.
    replace : bool, default False
        Delete the rows the file does not contain.
    confirm_empty : bool, default False
        With ``replace``, allow a file without rows to empty the table.
    registry : Registry, optional
        An open registry to use; otherwise the one of ``settings`` is opened and closed.

    Returns
    -------
    ImportReport
        What was added, updated, removed, geocoded and assigned, with notes (the encoding
        when the file was not UTF-8).
    """
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}; choose from {', '.join(ENTITIES)}")
    frame, first_row = read_registry_file(path, max_bytes=settings.import_max_bytes)
    buurten = load_gemeente(gemeente, jaar=jaar, settings=settings).buurten if gemeente else None
    reg = registry or open_registry(settings)
    try:
        report = reg.import_records(
            entity,
            frame,
            user=user,
            source=Path(path).name,
            first_row=first_row,
            buurten=buurten,
            geocoder=make_geocoder(settings),
            replace=replace,
            confirm_empty=confirm_empty,
        )
        encoding = frame.attrs.get("encoding")
        if encoding and encoding != "UTF-8":
            report.notes.insert(0, f"gelezen als {encoding} (geen UTF-8)")
        return report
    finally:
        if registry is None:
            reg.close()


def export_file(
    settings: Settings, entity: str, path: str | Path, *, registry: Registry | None = None
) -> Path:
    """Write the rows of ``entity`` to CSV, Excel or GeoJSON.

    Parameters
    ----------
    settings : Settings
        Where the registry is (``database_url`` or the data folder).
    entity : str
        A key of :data:`geo.registry.ENTITIES`.
    path : str or Path
        ``.csv``, ``.xlsx`` or ``.geojson``.
    registry : Registry, optional
        An open registry to use; otherwise the one of ``settings`` is opened and closed.

    Returns
    -------
    Path
        The file written.
    """
    if registry is not None:
        table = registry.table(entity)
    else:
        with open_registry(settings) as reg:
            table = reg.table(entity)
    if Path(path).suffix.lower() in (".csv", ".xlsx"):
        table = spreadsheet_frame(table)  # formulas are neutralised; import strips the '
    return write_registry_file(table, entity, path)


@dataclass
class GapAnalysis:
    """Coverage per buurt, access scores and the gap list of one gemeente.

    Attributes
    ----------
    coverage : DataFrame
        Per buurt: initiatives, distances, wijkteam load and the access scores.
    gaps : DataFrame
        The gap list (:func:`models.access.find_gaps`).
    """

    coverage: pd.DataFrame
    gaps: pd.DataFrame


def analyse_gaps(
    data,
    scores: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    *,
    catchment_m: float = 1500.0,
    top_band: float = 0.2,
) -> GapAnalysis:
    """Coverage, 2SFCA access (wijkteam FTE and initiatives) and the gaps of a gemeente.

    ``tables`` are the registry tables by entity, as :meth:`Registry.tables` returns them.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente (buurten with ``inwoners`` and the catalogue).
    scores : DataFrame
        Scoring output of the gemeente, indexed by buurtcode.
    tables : mapping of str to DataFrame
        The registry tables by entity, as :meth:`Registry.tables` returns them.
    catchment_m : float, default 1500
        Catchment of the initiatives in metres (twice that for the wijkteams).
    top_band : float, default 0.2
        Share of the scored buurten that forms the priority top band.

    Returns
    -------
    GapAnalysis
        ``coverage`` per buurt (with ``toegang_wijkteam`` and ``toegang_initiatieven``) and
        the ``gaps`` list.
    """
    buurten = data.buurten
    ini = tables["initiatief"]
    teams = tables["wijkteam"]
    cov = coverage_table(
        buurten,
        initiatieven=ini,
        locaties=tables["locatie"],
        wijkteams=teams,
        toewijzing=tables["wijkteam_buurt"],
        need=scores["score"],
        themes=THEMES,
    )
    active = active_initiatives(ini)
    cov["toegang_wijkteam"] = two_step_fca(
        buurten, teams, capacity="fte", catchment_m=catchment_m * 2
    )
    cov["toegang_initiatieven"] = two_step_fca(buurten, active, catchment_m=catchment_m)
    gaps = find_gaps(
        buurten,
        scores,
        initiatieven=ini,
        access=cov["toegang_initiatieven"],
        catchment_m=catchment_m,
        top_band=top_band,
        labels=data.catalogue["label"].to_dict(),
        number=fmt_number,
    )
    return GapAnalysis(coverage=cov, gaps=gaps)


def restore_backup(
    settings: Settings,
    path: str | Path,
    *,
    user: str,
    replace: bool = False,
    confirm_empty: bool = False,
) -> dict[str, int]:
    """Restore a registry backup (``export --reservekopie``, JSON); rows restored per table.

    Parameters
    ----------
    settings : Settings
        Where the registry is (``database_url`` or the data folder).
    path : str or Path
        The JSON file written by ``export --reservekopie``.
    user : str
        Who restores, for the audit trail.
    replace : bool, default False
        Replace the rows of a non-empty registry (``--vervang``).
    confirm_empty : bool, default False
        With ``replace``, allow a backup without rows (``--ja``).

    Returns
    -------
    dict of str to int
        Rows restored per table.

    Raises
    ------
    RegistryError
        ``replace`` with a backup that holds no rows, unless ``confirm_empty``: that would
        empty the registry. Nothing is changed then.
    """
    path = Path(path)
    dump = json.loads(path.read_text(encoding="utf-8"))
    tables = dump.get("tables") if isinstance(dump, dict) else None
    rows = sum(len(v) for k, v in (tables or {}).items() if k in ENTITIES and v)
    if replace and rows == 0 and not confirm_empty:
        raise RegistryError(
            f"{path.name}: de reservekopie heeft geen rijen; --vervang zou het register "
            "leegmaken. Er is niets gewijzigd (geef --ja als dat echt de bedoeling is)"
        )
    with open_registry(settings) as reg:
        return reg.restore(dump, user=user, replace=replace)


def write_backup(settings: Settings, path: str | Path) -> dict[str, int]:
    """Write the whole registry as a JSON backup (atomically); rows written per table.

    Parameters
    ----------
    settings : Settings
        Where the registry is (``database_url`` or the data folder).
    path : str or Path
        The JSON file to write.

    Returns
    -------
    dict of str to int
        Rows written per table (audit trail included).
    """
    out = Path(path)
    with open_registry(settings) as reg:
        dump = reg.dump()
    with atomic_write(out) as tmp:
        tmp.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    return {k: len(v) for k, v in dump["tables"].items()}
