"""The ``wijkradar`` command line: every argument parser, and the thin commands behind them.

The work is done by the services (:mod:`wijkradar.pipeline`, :mod:`wijkradar.scoring`,
:mod:`wijkradar.batch`, :mod:`wijkradar.registry`, :mod:`wijkradar.validity`,
:mod:`wijkradar.launch`); they load pandas, geopandas, SQLAlchemy or Streamlit, so they are
imported inside the functions. ``wijkradar --help`` is built from :data:`COMMANDS` alone
(``tests/test_install.py`` checks the table against the full parser).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .defaults import DEFAULT_JAAR, DEFAULT_PROFILE
from .escape import terminal_text

if TYPE_CHECKING:
    from geo.gemeente import GemeenteData

    from .config import Settings

__all__ = ["main", "build_parser", "COMMANDS"]

#: sub-command -> (function that registers it, as "module:function"; its one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "fetch": ("wijkradar.cli:add_fetch_parser", "fetch, join and cache one gemeente"),
    "score": ("wijkradar.cli:add_score_parser", "score the buurten of a gemeente"),
    "batch": (
        "wijkradar.cli:add_batch_parser",
        "fetch and score many gemeenten, one GeoParquet each",
    ),
    "valideer": (
        "wijkradar.cli:add_validate_parser",
        "validity report: score vs SES-WOA/Leefbaarometer, direction check, coverage",
    ),
    "import": (
        "wijkradar.cli:add_registry_parsers",
        "import initiatives, wijkteams or locations",
    ),
    "export": ("wijkradar.cli:add_registry_parsers", "export a registry table"),
    "gaps": ("wijkradar.cli:add_registry_parsers", "buurten with high need and little nearby"),
    "app": ("wijkradar.cli:add_app_parser", "start the app (Streamlit) from this installation"),
}


def _registrar(command: str) -> Callable[[argparse._SubParsersAction], None]:
    module, _, function = COMMANDS[command][0].partition(":")
    return getattr(importlib.import_module(module), function)


def _top_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog="wijkradar", description="Prevention priority per buurt (CBS, RIVM, PDOK)."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    return parser, parser.add_subparsers(dest="command", required=True)


def build_parser(commands: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs).

    Parameters
    ----------
    commands : sequence of str, optional
        Register only these sub-commands (and import only their modules); default all.

    Returns
    -------
    argparse.ArgumentParser
        The ``wijkradar`` parser.
    """
    parser, sub = _top_parser()
    done: set[str] = set()
    for command in COMMANDS if commands is None else commands:
        registrar = COMMANDS[command][0]
        if registrar not in done:  # one function may register several commands
            done.add(registrar)
            _registrar(command)(sub)
    return parser


def _listing_parser() -> argparse.ArgumentParser:
    """The top level only: names and help of the sub-commands, no module imported."""
    parser, sub = _top_parser()
    for command, (_, help_text) in COMMANDS.items():
        sub.add_parser(command, help=help_text, add_help=False)
    return parser


def _old_spelling(parser: Any, flag: str, **kwargs: Any) -> None:
    """Accept a flag's old (English) spelling without listing it in ``--help``.

    User-facing flags are Dutch (README, "Ontwikkelen"); the old spelling keeps scripts working.
    """
    parser.add_argument(flag, help=argparse.SUPPRESS, **kwargs)


def add_fetch_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``fetch`` sub-command."""
    fetch = sub.add_parser("fetch", help=COMMANDS["fetch"][1])
    fetch.add_argument("--gemeente", required=True, help="gemeente code, e.g. GM0307")
    fetch.add_argument(
        "--jaar", type=int, default=DEFAULT_JAAR, help=f"indeling year (default {DEFAULT_JAAR})"
    )
    fetch.add_argument(
        "--van",
        dest="files",
        nargs="+",
        metavar="FILE",
        help="build from local files instead of the network",
    )
    _old_spelling(fetch, "--from", dest="files", nargs="+")
    fetch.add_argument(
        "--vernieuw",
        action="store_true",
        help="ask every source again, also when its cached answer is younger than "
        "WIJKRADAR_HTTP_CACHE_DAYS (default 7 days)",
    )
    fetch.set_defaults(func=_cmd_fetch)


def print_summary(data: GemeenteData, *, seconds: float, settings: Settings) -> None:
    """The short report after a fetch."""
    from geo.gemeente import cache_path

    from .pipeline import indicator_summary
    from .render.format import fmt_number, fmt_percent, plural

    out = sys.stdout
    src = "uit de cache" if data.from_cache else "bij de bronnen opgehaald"
    if not data.from_cache and data.fetch_stats and not data.fetch_stats.get("requests"):
        src = "uit de bewaarde antwoorden van de bronnen"
    print(
        f"{data.gemeentecode} {data.gemeentenaam}, indeling {data.jaar}: "
        f"{plural(len(data.buurten), 'buurt', 'buurten')}, "
        f"{plural(len(data.indicator_ids), 'indicator', 'indicatoren')} "
        f"({src}, {fmt_number(seconds, 1)} s)",
        file=out,
    )
    print(
        f"{'bron':<12} {'tabel':<22} {'periode':<9} {'buurtcode':>10} {'via wijk':>9} "
        f"{'ontbreekt':>9} {'match':>7}",
        file=out,
    )
    for row in data.match.itertuples(index=False):
        print(
            f"{row.bron:<12} {str(row.tabel)[:22]:<22} {str(row.periode):<9} "
            f"{row.op_buurtcode:>4}/{row.buurten:<5} {row.via_wijk:>9} {row.ontbreekt:>9} "
            f"{fmt_percent(row.aandeel_op_buurtcode, 1):>7}",
            file=out,
        )
    for prov in data.provenance:
        print(f"  {prov['bron']}: {prov['titel']} [{prov['periode']}] {prov['url']}", file=out)
    summary = indicator_summary(data)
    print(
        f"{'indicator':<30} {'tabel':<9} {'periode':<7} {'waarde':>6} {'wijk':>5} "
        f"{'onderdr.':>8} {'niet-gepubl.':>12} {'ontbreekt':>9}",
        file=out,
    )
    for ind, row in summary.iterrows():
        print(
            f"{str(ind):<30} {row['tabel'][:9]:<9} {row['periode'][:7]:<7} {row['aanwezig']:>6} "
            f"{row['wijkwaarde']:>5} {row['onderdrukt']:>8} {row['niet_gepubliceerd']:>12} "
            f"{row['ontbreekt']:>9}",
            file=out,
        )
    for warning in data.warnings:
        print(f"waarschuwing: {warning}", file=out)
    print(f"cache: {cache_path(settings.data_dir, data.gemeentecode, data.jaar)}", file=out)


def _cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from .pipeline import fetch_gemeente

    start = time.perf_counter()
    data = fetch_gemeente(
        args.gemeente, jaar=args.jaar, settings=settings, files=args.files, refresh=args.vernieuw
    )
    print_summary(data, seconds=time.perf_counter() - start, settings=settings)
    if data.fetch_stats:
        print(fetch_stats_line(data.fetch_stats, settings=settings))
    if data.failed_source:  # a source failed and the cache was used: nothing was written
        return 0
    from .errors import error_message
    from .registry import audit, os_user

    # the same audit line as the app's "Opnieuw ophalen" and file import (ui/common.py)
    key = f"{data.gemeentecode}-{data.jaar}"
    try:
        if args.files:
            files = {"bestanden": [os.path.basename(str(f)) for f in args.files]}
            audit(
                settings, user=os_user(), action="import", entity="gemeente", key=key, after=files
            )
        else:
            audit(settings, user=os_user(), action="ophalen", entity="gemeente", key=key)
    except Exception as exc:
        print(
            f"fout: de cache is bijgewerkt, maar het logboek niet: {error_message(exc)}",
            file=sys.stderr,
        )
        return 1
    return 0


def add_score_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``score`` sub-command."""
    p = sub.add_parser("score", help="score the buurten of a gemeente")
    p.add_argument("--gemeente", required=True)
    p.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    p.add_argument("--profiel", default=DEFAULT_PROFILE, help="profile name or YAML path")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--trekkingen", dest="draws", type=int, default=1000, help="Monte Carlo draws")
    _old_spelling(p, "--draws", dest="draws", type=int)
    p.add_argument("--uit", required=True, help="output file: .csv or .gpkg")
    p.set_defaults(func=_cmd_score)


def add_batch_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``batch`` sub-command (server deployments: precompute every gemeente)."""
    p = sub.add_parser("batch", help="fetch and score many gemeenten, one GeoParquet each")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--gemeenten", nargs="+", metavar="GM", help="gemeente codes")
    what.add_argument("--alle", action="store_true", help="every gemeente of the year (PDOK)")
    p.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    p.add_argument("--profiel", default=DEFAULT_PROFILE)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--trekkingen", dest="draws", type=int, default=1000, help="Monte Carlo draws")
    _old_spelling(p, "--draws", dest="draws", type=int)
    p.add_argument("--uit", required=True, help="output folder")
    p.add_argument(
        "--ook-lage-dekking",
        action="store_true",
        help="also rank gemeenten under 50%% observed in the national ranking (still marked)",
    )
    p.set_defaults(func=_cmd_batch)


def _cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from .batch import run_batch
    from .pipeline import list_gemeenten
    from .profiles import resolve_profile
    from .render.format import fmt_percent
    from .scoring import check_draws

    check_draws(args.draws)
    codes = (
        list(list_gemeenten(args.jaar, settings=settings).index) if args.alle else args.gemeenten
    )
    table = run_batch(
        codes,
        settings=settings,
        jaar=args.jaar,
        profile=resolve_profile(args.profiel, settings),
        out_dir=Path(args.uit),
        seed=args.seed,
        draws=args.draws,
        include_low=args.ook_lage_dekking,
    )
    failed = table[table["status"] != "ok"]
    print(f"{len(table) - len(failed)} van {len(table)} gemeenten geschreven naar {args.uit}")
    if "lage_dekking" in table:
        low = table[table["lage_dekking"].fillna(False).astype(bool)]
        what = "gemarkeerd" if args.ook_lage_dekking else "niet in de landelijke rangen"
        for row in low.itertuples():
            print(
                f"lage dekking ({fmt_percent(row.dekking)} gemeten, onder 50%): "
                f"{row.gemeentecode} {what}"
            )
    for row in failed.itertuples():
        print(f"mislukt: {row.gemeentecode}: {row.status}")
    return 1 if len(failed) else 0


def _cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    from models.validity import coverage_summary

    from .pipeline import load_gemeente
    from .profiles import resolve_profile
    from .render.export import write_scores
    from .render.format import fmt_number, fmt_percent, fmt_rank
    from .scoring import check_draws, score_gemeente

    check_draws(args.draws)  # before anything is fetched or loaded
    out = Path(args.uit)
    if out.suffix.lower() not in (".csv", ".gpkg"):
        raise ValueError(f"--uit {out}: use a .csv or .gpkg file name")
    profile = resolve_profile(args.profiel, settings)
    data = load_gemeente(args.gemeente, jaar=args.jaar, settings=settings)
    result = score_gemeente(data, profile, seed=args.seed, draws=args.draws)
    write_scores(result, data, out)
    scored = result["score"].notna().sum()
    print(
        f"{data.gemeentecode} {data.gemeentenaam}: {scored} van {len(result)} buurten gescoord "
        f"met profiel '{profile.name}' (seed {args.seed}, {args.draws} trekkingen) -> {out}"
    )
    cov = coverage_summary(result)
    print(
        f"dekking: {fmt_percent(cov['dekking'])} van het gewicht van de score rust op "
        "gemeten waarden"
        + (" (onder 50%: de score zegt hier weinig)" if cov["onder_drempel"] else "")
    )
    for w in result.attrs.get("warnings", []):
        print(f"opmerking: {w}")
    top = result.sort_values("rang").head(5)
    for code, row in top.iterrows():
        print(
            f"  {int(row['rang']):>3}  {code}  {row['buurtnaam']:<30} "
            f"{fmt_number(row['score'], 1):>5}  "
            f"{fmt_rank(row['rang'], row['rang_laag'], row['rang_hoog'])}"
        )
    return 0


def fetch_stats_line(stats: dict[str, Any], *, settings: Settings) -> str:
    """One Dutch line: requests sent, bytes received, answers reused from the cache.

    Examples
    --------
    >>> from wijkradar.config import Settings
    >>> fetch_stats_line({"requests": 9, "bytes": 412_000, "cached": 0, "cached_bytes": 0},
    ...                  settings=Settings.from_env({}))
    'netwerk: 9 verzoeken, 412 kB ontvangen; 0 antwoorden uit de cache (geldig 7 dagen)'
    """
    from .render.format import fmt_number, plural

    line = (
        f"netwerk: {plural(int(stats.get('requests', 0)), 'verzoek', 'verzoeken')}, "
        f"{fmt_number(int(stats.get('bytes', 0)) / 1000, 0)} kB ontvangen; "
        f"{plural(int(stats.get('cached', 0)), 'antwoord', 'antwoorden')} uit de cache "
        f"(geldig {fmt_number(settings.http_cache_days, 0)} dagen)"
    )
    if stats.get("oldest_cached"):
        line += f", oudste van {stats['oldest_cached']}"
    return line


def add_validate_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``valideer`` sub-command."""
    p = sub.add_parser("valideer", help=COMMANDS["valideer"][1])
    p.add_argument("--gemeente", required=True)
    p.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    p.add_argument("--profiel", default=DEFAULT_PROFILE, help="profile name or YAML path")
    p.add_argument(
        "--referentie",
        nargs="+",
        metavar="FILE",
        help="SES-WOA (86092NED export) and/or Leefbaarometer CSV; default: SES-WOA from CBS",
    )
    p.add_argument("--uit", help="write the correlation table as CSV")
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from geo.errors import WijkradarError
    from geo.io import atomic_write

    from .escape import spreadsheet_frame
    from .pipeline import load_gemeente
    from .profiles import resolve_profile
    from .validity import load_reference, report_lines, validate_gemeente

    profile = resolve_profile(args.profiel, settings)
    data = load_gemeente(args.gemeente, jaar=args.jaar, settings=settings)
    reference, notes = load_reference(
        data.gemeentecode, settings=settings, files=args.referentie or ()
    )
    report, _ = validate_gemeente(data, profile, reference=reference)
    report.notes[:0] = notes
    for line in report_lines(
        report, gemeente=f"{data.gemeentecode} {data.gemeentenaam}", profile=profile.name
    ):
        print(terminal_text(line))
    if args.uit:
        out = Path(args.uit)
        with atomic_write(out) as tmp:
            spreadsheet_frame(report.correlations).to_csv(tmp, index=False)
        print(f"geschreven: {out}")
    if reference is None and not args.referentie:
        raise WijkradarError(
            "no reference index: SES-WOA could not be fetched; pass --referentie FILE"
        )
    return 0


def add_registry_parsers(sub: argparse._SubParsersAction) -> None:
    """Register ``import``, ``export`` and ``gaps``."""
    from geo.registry import IMPORT_KINDS  # the fields only: no SQLAlchemy

    from .render.templates import columns_text

    imp = sub.add_parser(
        "import",
        help=COMMANDS["import"][1],
        description="Importeer een CSV (UTF-8 of Windows-1252, ',' of ';'), Excel- of "
        "GeoJSON-bestand in het register. Een bestand met een fout wordt helemaal geweigerd.",
        epilog="kolommen per soort (* = verplicht; een lege id krijgt een nieuw id; x/y in RD "
        "New of WGS84, of een adres):\n"
        + "\n".join(f"  {e}: {columns_text(e)}" for e in IMPORT_KINDS),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = imp.add_mutually_exclusive_group(required=True)
    what.add_argument("--soort", choices=list(IMPORT_KINDS))
    what.add_argument(
        "--reservekopie",
        dest="backup",
        action="store_true",
        help="restore a backup from export --reservekopie",
    )
    _old_spelling(what, "--all", dest="backup", action="store_true")
    imp.add_argument("bestand", help=".csv (UTF-8), .xlsx or .geojson; .json with --reservekopie")
    imp.add_argument("--gemeente", help="check buurtcodes and assign points to its buurten")
    imp.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    imp.add_argument("--vervang", action="store_true", help="delete rows not in the file")
    imp.add_argument(
        "--ja", action="store_true", help="with --vervang: also when the file has no rows"
    )
    imp.set_defaults(func=_cmd_import)

    exp = sub.add_parser("export", help=COMMANDS["export"][1])
    what = exp.add_mutually_exclusive_group(required=True)
    what.add_argument("--soort", choices=list(IMPORT_KINDS))
    what.add_argument(
        "--reservekopie",
        dest="backup",
        action="store_true",
        help="back up the whole registry (JSON)",
    )
    _old_spelling(what, "--all", dest="backup", action="store_true")
    exp.add_argument("bestand", help=".csv, .xlsx or .geojson; .json with --reservekopie")
    exp.set_defaults(func=_cmd_export)

    gaps = sub.add_parser("gaps", help=COMMANDS["gaps"][1])
    gaps.add_argument("--gemeente", required=True)
    gaps.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    gaps.add_argument("--profiel", default=DEFAULT_PROFILE)
    gaps.add_argument("--afstand", type=float, default=1500.0, help="catchment in metres")
    gaps.add_argument("--uit", required=True, help=".csv or .xlsx")
    gaps.set_defaults(func=_cmd_gaps)


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from .registry import import_file, os_user, restore_backup

    if args.backup:
        counts = restore_backup(
            settings, args.bestand, user=os_user(), replace=args.vervang, confirm_empty=args.ja
        )
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
    from .registry import export_file, write_backup

    if args.backup:
        rows = write_backup(settings, args.bestand)
        print(f"reservekopie van het register geschreven naar {args.bestand}: {rows}")
        return 0
    path = export_file(settings, args.soort, args.bestand)
    print(f"{args.soort}: geschreven naar {path}")
    return 0


def _cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    from .dataversion import data_version_label
    from .pipeline import load_gemeente
    from .profiles import resolve_profile
    from .registry import analyse_gaps, open_registry
    from .render.export import write_table
    from .scoring import score_gemeente

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


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1-65535")
    return port


def add_app_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``app`` sub-command."""
    from .launch import DEFAULT_ADDRESS, DEFAULT_PORT

    p = sub.add_parser(
        "app",
        help=COMMANDS["app"][1],
        description="Start the Wijkradar app; open the printed address in a browser. "
        "Stop it with Ctrl+C.",
    )
    p.add_argument(
        "--poort", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    p.add_argument(
        "--data-map",
        type=Path,
        metavar="DIR",
        help="data folder: cache, own profiles, registry (default: WIJKRADAR_DATA_DIR, else "
        "data/ of a checkout or the per-user data folder of an installation)",
    )
    p.add_argument(
        "--adres",
        default=DEFAULT_ADDRESS,
        help=f"address to listen on (default {DEFAULT_ADDRESS}: this computer only; "
        "0.0.0.0 in a container)",
    )
    p.set_defaults(func=_cmd_app)


def _cmd_app(args: argparse.Namespace, _settings: object = None) -> int:
    from .launch import run_app

    return run_app(port=args.poort, address=args.adres, data_dir=args.data_map)


class _TerminalSafe:
    """A text stream that shows control characters from data as escapes (``ESC`` as x1b)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_text(text, newlines=True))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _terminal_safe() -> Iterator[None]:
    """Everything printed (names from sources and users included) is terminal-safe."""
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TerminalSafe(old[0]), _TerminalSafe(old[1])  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = old


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wijkradar`` console script; returns the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments without the program name; ``sys.argv[1:]`` when not given.

    Returns
    -------
    int
        0 on success, 1 after an error (one Dutch line on stderr), 2 for a usage error,
        130 when interrupted.
    """
    with _terminal_safe():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    if command is None or command not in COMMANDS:
        # --help, no command or an unknown one: answered from the table; argparse exits
        _listing_parser().parse_args(argv)
        return 2
    parser = build_parser([command])
    args = parser.parse_args(argv)
    from .config import Settings
    from .errors import error_message

    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env()
        return int(args.func(args, settings))
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        # point stdout at devnull so the interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("fout: afgebroken", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, never a class name or traceback (unless --debug):
        # a WijkradarError (bad input, data or source) says in Dutch what to fix; OS errors get
        # plain words; anything else is a bug, and still one line
        if args.debug:
            raise
        print(f"fout: {error_message(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
