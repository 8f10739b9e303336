"""Registry wiring for the app, the CLI and notebooks: open, import, export, coverage, gaps."""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.registry import (
    ENTITIES,
    THEMES,
    ImportReport,
    Registry,
    RegistryError,
    read_registry_file,
    write_registry_file,
)
from geo.sources import geocode
from models import ProfileError, ScoringProfile
from models.access import active_initiatives, coverage_table, find_gaps, two_step_fca

from .config import Settings
from .dataversion import data_version_label
from .escape import spreadsheet_frame
from .pipeline import DEFAULT_JAAR, load_gemeente, make_client
from .profiles import DEFAULT_PROFILE, resolve_profile, save_profile, shipped_profiles
from .render.export import write_table
from .render.format import fmt_number
from .render.templates import columns_text
from .scoring import score_gemeente

__all__ = [
    "audit",
    "save_user_profile",
    "open_registry",
    "make_geocoder",
    "import_file",
    "export_file",
    "GapAnalysis",
    "analyse_gaps",
    "add_registry_parsers",
    "os_user",
]


def os_user() -> str:
    """The OS user name (for the audit trail of CLI changes)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"


def open_registry(settings: Settings) -> Registry:
    """The registry of ``settings`` (SQLite in the data folder unless a database URL is set)."""
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
    """Log a write outside the registry tables (profile saved, gemeente fetched or imported)."""
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
            path.write_bytes(before)
        raise
    return path


#: Time-out of one address look-up (seconds).
GEOCODE_TIMEOUT_S = 5.0


def make_geocoder(settings: Settings, client=None):
    """Address -> (x, y) in RD New through the PDOK Locatieserver (None when not found)."""
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
    """Write the rows of ``entity`` to CSV, Excel or GeoJSON."""
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
    """Coverage per buurt, access scores and the gap list of one gemeente."""

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


# -- CLI --------------------------------------------------------------------------------------
def add_registry_parsers(sub: argparse._SubParsersAction) -> None:
    """Register ``import``, ``export`` and ``gaps``."""
    imp = sub.add_parser(
        "import",
        help="import initiatives, wijkteams or locations",
        description="Importeer een CSV (UTF-8 of Windows-1252, ',' of ';'), Excel- of "
        "GeoJSON-bestand in het register. Een bestand met een fout wordt helemaal geweigerd.",
        epilog="kolommen per soort (* = verplicht; een lege id krijgt een nieuw id; x/y in RD "
        "New of WGS84, of een adres):\n" + "\n".join(f"  {e}: {columns_text(e)}" for e in ENTITIES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = imp.add_mutually_exclusive_group(required=True)
    what.add_argument("--soort", choices=list(ENTITIES))
    what.add_argument("--all", action="store_true", help="restore a backup from export --all")
    imp.add_argument("bestand", help=".csv (UTF-8), .xlsx or .geojson; .json with --all")
    imp.add_argument("--gemeente", help="check buurtcodes and assign points to its buurten")
    imp.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    imp.add_argument("--vervang", action="store_true", help="delete rows not in the file")
    imp.add_argument(
        "--ja", action="store_true", help="with --vervang: also when the file has no rows"
    )
    imp.set_defaults(func=_cmd_import)

    exp = sub.add_parser("export", help="export a registry table")
    what = exp.add_mutually_exclusive_group(required=True)
    what.add_argument("--soort", choices=list(ENTITIES))
    what.add_argument("--all", action="store_true", help="back up the whole registry (JSON)")
    exp.add_argument("bestand", help=".csv, .xlsx or .geojson; .json with --all")
    exp.set_defaults(func=_cmd_export)

    gaps = sub.add_parser("gaps", help="buurten with high need and little nearby")
    gaps.add_argument("--gemeente", required=True)
    gaps.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    gaps.add_argument("--profiel", default=DEFAULT_PROFILE)
    gaps.add_argument("--afstand", type=float, default=1500.0, help="catchment in metres")
    gaps.add_argument("--uit", required=True, help=".csv or .xlsx")
    gaps.set_defaults(func=_cmd_gaps)


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    if args.all:
        dump = json.loads(Path(args.bestand).read_text(encoding="utf-8"))
        tables = dump.get("tables") if isinstance(dump, dict) else None
        rows = sum(len(v) for k, v in (tables or {}).items() if k in ENTITIES and v)
        if args.vervang and rows == 0 and not args.ja:
            raise RegistryError(
                f"{Path(args.bestand).name}: the backup holds no rows; --vervang would empty "
                "the registry. Nothing was changed (add --ja if that is really intended)"
            )
        with open_registry(settings) as reg:
            counts = reg.restore(dump, user=os_user(), replace=args.vervang)
        print("teruggezet: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return 0
    report = import_file(
        settings,
        args.soort,
        args.bestand,
        user=os_user(),
        gemeente=args.gemeente,
        jaar=args.jaar,
        replace=args.vervang,
        confirm_empty=args.ja,
    )
    print(
        f"{report.source}: {report.added} nieuw, {report.updated} bijgewerkt "
        f"({report.geocoded} adressen opgezocht, {report.assigned} aan een buurt gekoppeld) "
        f"in {args.soort}"
    )
    for note in report.notes:
        print(f"opmerking: {note}")
    return 0


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    if args.all:
        out = Path(args.bestand)
        with open_registry(settings) as reg:
            dump = reg.dump()
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(out)
        rows = {k: len(v) for k, v in dump["tables"].items()}
        print(f"reservekopie van het register geschreven naar {out}: {rows}")
        return 0
    path = export_file(settings, args.soort, args.bestand)
    print(f"{args.soort}: geschreven naar {path}")
    return 0


def _cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    data = load_gemeente(args.gemeente, jaar=args.jaar, settings=settings)
    scores = score_gemeente(data, resolve_profile(args.profiel, settings), seed=42, draws=0)
    with open_registry(settings) as reg:
        result = analyse_gaps(data, scores, reg.tables(), catchment_m=args.afstand)
    out = Path(args.uit)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(f"--uit {out}: use .csv or .xlsx")
    version = data_version_label(scores.attrs["data_version"])
    write_table(result.gaps.assign(dataversie=version), out)  # which data, on every row
    print(f"{data.gemeentecode} {data.gemeentenaam}: {len(result.gaps)} gaten -> {out}")
    return 0
