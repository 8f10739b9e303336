"""Errors of the registry and of its imports (one row problem: :class:`RowError`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import DataFormatError, WijkradarError


class RegistryError(WijkradarError):
    """The registry database cannot be used (unreachable, newer schema, ...)."""


class ConflictError(RegistryError):
    """Someone else changed the row since it was read (optimistic concurrency)."""


@dataclass(frozen=True)
class RowError:
    """One problem in an import file: 1-based ``row`` as the user sees it, and the field.

    Attributes
    ----------
    row : int
        1-based row as the user sees it in the file (0: the file as a whole).
    field : str
        The column.
    value : str
        The bad value as read.
    message : str
        What is wrong, in Dutch.
    """

    row: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        where = "bestand" if self.row == 0 else f"rij {self.row}"
        value = f" (waarde: '{self.value}')" if self.value else ""
        return f"{where}, veld '{self.field}': {self.message}{value}"


class ImportRejected(DataFormatError):
    """An import file was rejected as a whole; :attr:`errors` lists every problem found.

    Parameters
    ----------
    source : str
        The file (or record) that was rejected, for the message.
    errors : list of RowError
        Every problem found.
    limit : int, default 5
        How many problems the message names; :meth:`report` has all of them.
    """

    def __init__(self, source: str, errors: list[RowError], *, limit: int = 5) -> None:
        shown = "; ".join(str(e) for e in errors[:limit])
        more = f" (en {len(errors) - limit} meer)" if len(errors) > limit else ""
        n = f"{len(errors)} {'fout' if len(errors) == 1 else 'fouten'}"
        super().__init__(f"{source}: import geweigerd, er is niets opgeslagen. {n}: {shown}{more}")
        self.source = source
        self.errors = errors

    def report(self) -> pd.DataFrame:
        """The errors as a table (rij, veld, waarde, probleem).

        Returns
        -------
        DataFrame
            One row per problem: ``rij`` (``hele bestand`` for the file as a whole), ``veld``,
            ``waarde`` and ``probleem``.
        """
        return pd.DataFrame(
            [
                {
                    "rij": "hele bestand" if e.row == 0 else e.row,
                    "veld": e.field,
                    "waarde": e.value,
                    "probleem": e.message,
                }
                for e in self.errors
            ],
            columns=["rij", "veld", "waarde", "probleem"],
        )
