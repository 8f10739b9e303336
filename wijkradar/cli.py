"""The ``wijkradar`` command line."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from geo._errors import mask_secrets
from geo.gemeente import GemeenteData, cache_path

from .config import Settings
from .escape import terminal_text
from .format import fmt_number, fmt_percent, plural
from .pipeline import DEFAULT_JAAR, fetch_gemeente
from .registry import add_registry_parsers
from .scoring_cli import add_batch_parser, add_score_parser
from .validity import add_validate_parser

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="wijkradar", description="Prevention priority per buurt (CBS, RIVM, PDOK)."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser("fetch", help="fetch, join and cache one gemeente")
    fetch.add_argument("--gemeente", required=True, help="gemeente code, e.g. GM0307")
    fetch.add_argument(
        "--jaar", type=int, default=DEFAULT_JAAR, help=f"indeling year (default {DEFAULT_JAAR})"
    )
    fetch.add_argument(
        "--from",
        dest="files",
        nargs="+",
        metavar="FILE",
        help="build from local files instead of the network",
    )
    fetch.set_defaults(func=_cmd_fetch)

    add_score_parser(sub)
    add_batch_parser(sub)
    add_validate_parser(sub)
    add_registry_parsers(sub)
    return parser


def print_summary(data: GemeenteData, *, seconds: float, settings: Settings) -> None:
    """The short report after a fetch."""
    out = sys.stdout
    src = "uit de cache" if data.from_cache else "bij de bronnen opgehaald"
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
            f"{fmt_percent(row.match_rate, 1):>7}",
            file=out,
        )
    for prov in data.provenance:
        print(f"  {prov['bron']}: {prov['titel']} [{prov['periode']}] {prov['url']}", file=out)
    for warning in data.warnings:
        print(f"waarschuwing: {warning}", file=out)
    print(f"cache: {cache_path(settings.data_dir, data.gemeentecode, data.jaar)}", file=out)


def _cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    start = time.perf_counter()
    data = fetch_gemeente(args.gemeente, jaar=args.jaar, settings=settings, files=args.files)
    print_summary(data, seconds=time.perf_counter() - start, settings=settings)
    return 0


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


def _one_line(exc: BaseException) -> str:
    """The message of ``exc`` on one line, secrets masked; plain words for common OS errors."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"schijf vol bij het schrijven van {exc.filename or ''}: maak ruimte vrij".strip()
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return f"kan {exc.filename or ''} niet schrijven: {exc.strerror} (controleer de rechten)"
    if isinstance(exc, RecursionError):
        return "invoer is te diep genest"
    if isinstance(exc, MemoryError):
        return "te weinig geheugen voor deze invoer"
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, KeyError):
        text = f"niet gevonden: {text}"
    return mask_secrets(" ".join(text.split()))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wijkradar`` console script; returns the exit code."""
    with _terminal_safe():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
    except Exception as exc:  # one line, never a traceback (unless --debug)
        if args.debug:
            raise
        print(f"fout: {_one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
