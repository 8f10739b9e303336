"""Limits for reading uploaded and ``--van`` files, so one file cannot tie up the server.

Sizes are checked before parsing; an ``.xlsx`` is inspected as a zip archive first (zip
bombs), read in streaming mode with a row cap and a time limit; JSON/YAML that is nested too
deeply is refused instead of ending in a ``RecursionError``. Readers that cannot be
interrupted from a thread (GDAL, openpyxl) run in a child process that is killed when its
time is up (:func:`call_with_time_limit`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
import time
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from .errors import DataFormatError

__all__ = [
    "MAX_ROWS",
    "PARSE_SECONDS",
    "XLSX_MAX_RATIO",
    "check_xlsx_archive",
    "Deadline",
    "FileLimits",
    "FILE_KINDS",
    "call_with_time_limit",
]

T = TypeVar("T")
MB = 1_000_000

#: Most rows (or GeoJSON features) one registry file may hold.
MAX_ROWS = 250_000
#: Most seconds spent parsing one file.
PARSE_SECONDS = 60.0
#: An .xlsx whose content is packed more than this many times is refused (a zip bomb; real
#: spreadsheets pack 5-20 times).
XLSX_MAX_RATIO = 100


def check_xlsx_archive(path: Path, *, max_unpacked: int) -> None:
    """Refuse an .xlsx that is no zip, unpacks too far or packs suspiciously well.

    The :class:`DataFormatError` message is Dutch and names the file.

    Parameters
    ----------
    path : Path
        The .xlsx file.
    max_unpacked : int
        Largest total unpacked size in bytes.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise DataFormatError(f"{path.name}: geen geldig Excel-bestand (.xlsx)") from None
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > max_unpacked:
        raise DataFormatError(
            f"{path.name}: uitgepakt {unpacked:,} bytes, meer dan de limiet van "
            f"{max_unpacked:,} (zip-bom?)"
        )
    if unpacked > 1_000_000 and unpacked / packed > XLSX_MAX_RATIO:
        raise DataFormatError(
            f"{path.name}: pakt uit tot {unpacked / packed:.0f} keer zijn grootte; dat doet "
            "geen gewoon Excel-bestand (zip-bom?)"
        )


class Deadline:
    """Raise a Dutch :class:`DataFormatError` once ``seconds`` have passed.

    Parameters
    ----------
    name : str
        The file name, for the message.
    seconds : float, optional
        The time allowed; :data:`PARSE_SECONDS` when not given.

    Examples
    --------
    >>> d = Deadline("bestand.xlsx", 60)
    >>> d.check()  # well within the minute
    """

    def __init__(self, name: str, seconds: float | None = None) -> None:
        self.name = name
        self.seconds = PARSE_SECONDS if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def check(self) -> None:
        """Raise when the time is up."""
        if time.monotonic() > self.end:
            raise DataFormatError(
                f"{self.name}: inlezen duurt langer dan {self.seconds:g} s; het bestand is te "
                "groot of te ingewikkeld. Splits het of sla het op als CSV"
            )


#: The kinds of source file a size cap exists for, with their Dutch name for messages. The
#: first three follow from the suffix; the last three from the header row of a table.
FILE_KINDS: dict[str, str] = {
    "kaart": "kaartbestand (GeoPackage, GeoJSON, Shapefile, GeoParquet)",
    "csv": "CSV-bestand",
    "xlsx": "Excel-bestand",
    "kerncijfers": "StatLine/OData-export (Kerncijfers)",
    "gezondheid": "RIVM-export (Gezondheidsmonitor)",
    "kwb": "kwb-download (Kerncijfers wijken en buurten)",
}


def _size_nl(n: int) -> str:
    """``n`` bytes for a Dutch message: ``1,5 MB`` or ``12.345 bytes``."""
    if n >= MB:
        return f"{n / MB:.1f} MB".replace(".", ",")
    return f"{n:,} bytes".replace(",", ".")


@dataclass(frozen=True)
class FileLimits:
    """Limits for one source file read with ``wijkradar fetch --van`` or the app's import.

    A file is refused before it is parsed: first on the cap of its suffix (``kaart_bytes``
    for GeoPackage/GeoJSON/Shapefile/GeoParquet, ``csv_bytes``, ``xlsx_bytes``), then, once
    the header row tells which table it is, on the cap of that kind (``kerncijfers_bytes``,
    ``gezondheid_bytes``, ``kwb_bytes``) before the body is read. The defaults are about
    twice to four times the largest real national file of each kind (see the README,
    "Security: text is data, limits"); ``wijkradar.config.Settings`` sets them from
    ``WIJKRADAR_FILE_*`` variables.

    Attributes
    ----------
    kaart_bytes : int
        Largest geodata file (the whole-NL Wijk- en buurtkaart is some 200-300 MB).
    csv_bytes, xlsx_bytes : int
        Largest table file per suffix, before its kind is known.
    xlsx_unpacked_bytes : int
        Largest unpacked size of an ``.xlsx`` (zip bombs).
    kerncijfers_bytes, gezondheid_bytes, kwb_bytes : int
        Largest StatLine/OData export, RIVM export and kwb download.
    max_rows : int
        Most data rows of one table.
    max_features : int
        Most features of one geodata layer.
    read_seconds : float
        Most seconds reading one geodata or Excel file may take.

    Examples
    --------
    >>> FileLimits().kaart_bytes
    500000000
    """

    kaart_bytes: int = 500 * MB
    csv_bytes: int = 200 * MB
    xlsx_bytes: int = 50 * MB
    xlsx_unpacked_bytes: int = 500 * MB
    kerncijfers_bytes: int = 100 * MB
    gezondheid_bytes: int = 200 * MB
    kwb_bytes: int = 100 * MB
    max_rows: int = 500_000
    max_features: int = 50_000
    read_seconds: float = 120.0

    def check_size(self, path: Path, kind: str) -> None:
        """Refuse ``path`` when it is larger than the cap of ``kind``.

        Parameters
        ----------
        path : Path
            The file; only its size is read.
        kind : str
            One of :data:`FILE_KINDS`.

        Raises
        ------
        DataFormatError
            In Dutch, naming the file, its size, the cap and the setting that raises it.
        """
        cap = getattr(self, f"{kind}_bytes")
        size = path.stat().st_size
        if size > cap:
            raise DataFormatError(
                f"{path}: {_size_nl(size)} is groter dan de limiet van {_size_nl(cap)} voor "
                f"een {FILE_KINDS[kind]}; er is niets ingelezen. Splits het bestand of laat "
                f"de beheerder WIJKRADAR_FILE_MAX_{kind.upper()}_BYTES verhogen"
            )

    def check_rows(self, path: Path, rows: int) -> None:
        """Refuse a table of more than ``max_rows`` data rows.

        Parameters
        ----------
        path : Path
            The file, for the message.
        rows : int
            Data rows read (readers read at most ``max_rows + 1``).

        Raises
        ------
        DataFormatError
            In Dutch, naming the file and the cap.
        """
        if rows > self.max_rows:
            cap = f"{self.max_rows:,}".replace(",", ".")
            raise DataFormatError(
                f"{path}: meer dan {cap} rijen; er is niets ingelezen. Splits het bestand of "
                "laat de beheerder WIJKRADAR_FILE_MAX_ROWS verhogen"
            )


#: Modules the fork server imports once, so each reading child starts in milliseconds (the
#: fork server is a process of its own: this does not load GDAL into the app's process).
_PRELOAD = ["geo.io", "pyogrio", "openpyxl"]
_CONTEXT: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where the platform has it (safe in a threaded server), else ``spawn``.

    Never plain ``fork``: forking the multi-threaded Streamlit server can deadlock.
    """
    global _CONTEXT
    if _CONTEXT is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _CONTEXT = ctx
        else:  # pragma: no cover - Windows
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT


_START_LOCK = threading.Lock()


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    """Start a child without running the parent's ``__main__`` script in it again.

    multiprocessing re-imports the main script in a ``spawn``/``forkserver`` child. Under
    Streamlit that is the page script (``app.py``), which must not run there; the reader
    needs nothing from it. So the child is started while ``__main__`` is an empty module.
    """
    with _START_LOCK:
        main = sys.modules.get("__main__")
        stub = types.ModuleType("__main__")
        sys.modules["__main__"] = stub
        try:
            yield
        finally:
            if main is not None and sys.modules.get("__main__") is stub:
                sys.modules["__main__"] = main


def _child(conn: Connection, name: str, func: Callable[..., Any], args: tuple) -> None:
    """Run ``func(*args)`` and send ``(True, result)`` or ``(False, Dutch message)``."""
    try:
        result: tuple[bool, Any] = (True, func(*args))
    except DataFormatError as exc:
        result = (False, str(exc))
    except RecursionError:
        result = (False, f"{name}: het bestand is te diep genest")
    except MemoryError:
        result = (False, f"{name}: te weinig geheugen om het bestand in te lezen")
    except Exception as exc:  # readers wrap their own errors; this is the last resort
        result = (False, f"{name}: kan niet worden gelezen: {exc}")
    try:
        conn.send(result)
    except Exception as exc:  # a result that cannot be pickled
        conn.send((False, f"{name}: het resultaat kon niet worden doorgegeven: {exc}"))
    finally:
        conn.close()


def call_with_time_limit(func: Callable[..., T], *args: Any, seconds: float, name: str) -> T:
    """``func(*args)`` run in a child process that is killed after ``seconds``.

    GDAL and openpyxl cannot be interrupted from a thread, so a file that takes too long
    (huge, or a GeoPackage view that never ends) is read in a child process. The caller
    has written nothing yet, so when the time is up nothing is half-written.

    Parameters
    ----------
    func : callable
        A module-level function (it is pickled to the child); its result must pickle.
    *args
        Its arguments (picklable).
    seconds : float
        Time limit.
    name : str
        The file, for messages.

    Returns
    -------
    object
        What ``func`` returned.

    Raises
    ------
    DataFormatError
        In Dutch, naming ``name``: the time is up, the child died (memory), or ``func``
        raised (its :class:`DataFormatError` message is kept).
    """
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(  # type: ignore[attr-defined]
        target=_child, args=(sender, name, func, args), name="wijkradar-lezen", daemon=True
    )
    with _without_main():
        proc.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise DataFormatError(
                f"{name}: inlezen duurt langer dan {seconds:g} s en is afgebroken; het bestand "
                "is te groot of te ingewikkeld. Er is niets opgeslagen. Vereenvoudig of splits "
                "het bestand, of laat de beheerder WIJKRADAR_FILE_READ_SECONDS verhogen"
            )
        try:
            ok, payload = receiver.recv()
        except EOFError:
            proc.join(5)
            raise DataFormatError(
                f"{name}: het inlezen stopte onverwacht (code {proc.exitcode}); te weinig "
                "geheugen? Er is niets opgeslagen"
            ) from None
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()  # GDAL does not stop on a polite request either
        proc.join()
    if not ok:
        raise DataFormatError(payload)
    return payload
