"""Registry of the external datasets Wijkradar reads: table ids per year, licence, attribution.

Extend ``KERNCIJFERS_TABLES`` when CBS publishes a new year; nothing else needs to change because
columns are mapped by name, not by their ``_NN`` suffix.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import GemeenteNotFoundError

__all__ = [
    "Dataset",
    "KERNCIJFERS_TABLES",
    "HEALTH_TABLES",
    "PDOK_WIJKENBUURTEN",
    "kerncijfers_table",
    "validate_gemeentecode",
]


@dataclass(frozen=True)
class Dataset:
    """Description of one external table or service.

    Attributes
    ----------
    id : str
        The table or service id, e.g. ``85984NED``.
    title : str
        The title as published.
    publisher : str
        Who publishes it (CBS, RIVM, PDOK).
    licence : str
        Its licence, e.g. ``CC BY 4.0``.
    periods : str
        The periods it covers.
    """

    id: str
    title: str
    publisher: str
    licence: str
    periods: str


KERNCIJFERS_TABLES: dict[int, Dataset] = {
    year: Dataset(
        table,
        f"Kerncijfers wijken en buurten {year}",
        "CBS",
        "CC BY 4.0",
        str(year),
    )
    for year, table in {
        2019: "84583NED",
        2020: "84799NED",
        2021: "85039NED",
        2022: "85318NED",
        2023: "85618NED",
        2024: "85984NED",
        2025: "86165NED",
    }.items()
}

HEALTH_TABLES: tuple[Dataset, ...] = (
    Dataset(
        "50150NED",
        "Gezondheid per wijk en buurt; 2012/2016/2020/2022/2024 (indeling 2024)",
        "RIVM / GGD'en / CBS",
        "CC BY 4.0",
        "2012-2024",
    ),
    Dataset(
        "50120NED",
        "Gezondheid per wijk en buurt; 2012/2016/2020/2022 (indeling 2022)",
        "RIVM / GGD'en / CBS",
        "CC BY 4.0",
        "2012-2022",
    ),
    Dataset(
        "50090NED",
        "Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020)",
        "RIVM / GGD'en / CBS",
        "CC BY 4.0",
        "2012-2020",
    ),
)
"""Tried in this order; the first table the server knows is used."""

PDOK_WIJKENBUURTEN = Dataset(
    "wijkenbuurten",
    "CBS Wijken en buurten (PDOK WFS)",
    "CBS / PDOK",
    "CC BY 4.0",
    "per jaar",
)


def kerncijfers_table(jaar: int) -> Dataset:
    """Return the Kerncijfers table of ``jaar``.

    Parameters
    ----------
    jaar : int
        The indeling year, e.g. 2024.

    Returns
    -------
    Dataset
        The registered table of that year.

    Raises
    ------
    ValueError
        When no table is registered for that year, listing the years that are.
    """
    try:
        return KERNCIJFERS_TABLES[jaar]
    except KeyError:
        years = ", ".join(str(y) for y in sorted(KERNCIJFERS_TABLES))
        raise ValueError(
            f"jaar {jaar} has no Kerncijfers wijken en buurten table; available: {years}"
        ) from None


def validate_gemeentecode(code: str) -> str:
    """Normalise and check a gemeente code (``GM`` + 4 digits); return it upper-cased.

    Parameters
    ----------
    code : str
        ``GM0307``, ``gm0307`` or just the four digits ``0307``.

    Returns
    -------
    str
        The code as ``GM`` + four digits.

    Raises
    ------
    GemeenteNotFoundError
        When the code does not have the CBS form.
    """
    norm = str(code).strip().upper()
    if len(norm) == 4 and norm.isdigit():
        norm = "GM" + norm
    if not (len(norm) == 6 and norm.startswith("GM") and norm[2:].isdigit()):
        raise GemeenteNotFoundError(
            f"gemeentecode {code!r} is ongeldig; gebruik 'GM' en vier cijfers, bijvoorbeeld GM0307"
        )
    return norm
