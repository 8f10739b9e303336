"""Limits for reading uploaded and ``--from`` files, so one file cannot tie up the server.

Sizes are checked before parsing; an ``.xlsx`` is inspected as a zip archive first (zip
bombs), read in streaming mode with a row cap and a time limit; JSON/YAML that is nested too
deeply is refused instead of ending in a ``RecursionError``.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from .errors import DataFormatError

__all__ = [
    "MAX_ROWS",
    "PARSE_SECONDS",
    "XLSX_MAX_RATIO",
    "check_xlsx_archive",
    "Deadline",
]

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
