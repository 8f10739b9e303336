"""Containers passed between the readers, the sources and the join."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

__all__ = ["SourceData", "now_iso"]


def now_iso() -> str:
    """Current UTC time as ISO 8601, seconds precision.

    Returns
    -------
    str
        E.g. ``2026-12-02T06:20:01+00:00``.
    """
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class SourceData:
    """Indicator values of one source for every region level it delivered.

    ``values`` and ``states`` are indexed by CBS region code (``BU…``, ``WK…``, ``GM…``,
    ``NL…``) in that source's own boundary year. ``lower``/``upper`` hold 95% interval bounds
    where the source publishes them (health monitor). ``trend`` is a long frame
    ``code, period, indicator, value`` over all periods the source has.

    Attributes
    ----------
    name : str
        The source's name, e.g. ``CBS Kerncijfers``.
    table : str
        The table id, e.g. ``85984NED``.
    title : str
        The table's title.
    period : str
        The period of the values (e.g. ``2024``).
    url : str
        Where the values came from (an OData URL or a file).
    values, states : DataFrame
        Indicator values and their states, indexed by region code.
    lower, upper : DataFrame or None
        95% interval bounds where published.
    trend : DataFrame or None
        All periods, long: ``code``, ``period``, ``indicator``, ``value``.
    fetched_at : str
        When the values were fetched or read (ISO time).
    notes : list of str
        Dutch notes on the source (e.g. topics not found).
    """

    name: str
    table: str
    title: str
    period: str
    url: str
    values: pd.DataFrame
    states: pd.DataFrame
    lower: pd.DataFrame | None = None
    upper: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    fetched_at: str = field(default_factory=now_iso)
    notes: list[str] = field(default_factory=list)
    #: Per indicator: the period its values refer to, where it differs from ``period``.
    periods: dict[str, str] = field(default_factory=dict)
    #: Per indicator: the table its values came from, where it differs from ``table``.
    tables: dict[str, str] = field(default_factory=dict)

    def period_of(self, indicator: str) -> str:
        """The period of one indicator's values.

        Parameters
        ----------
        indicator : str
            The indicator id.

        Returns
        -------
        str
            Its own period, or the source's period when it has none of its own.
        """
        return self.periods.get(indicator, self.period)

    def table_of(self, indicator: str) -> str:
        """The table one indicator's values came from.

        Parameters
        ----------
        indicator : str
            The indicator id.

        Returns
        -------
        str
            Its own table id, or the source's table when it has none of its own.
        """
        return self.tables.get(indicator, self.table)

    def provenance(self) -> dict[str, Any]:
        """Provenance record shown by the CLI and the app.

        Returns
        -------
        dict
            ``bron``, ``tabel``, ``titel``, ``periode``, ``url``, ``opgehaald`` and
            ``opmerkingen`` (a list).
        """
        return {
            "bron": self.name,
            "tabel": self.table,
            "titel": self.title,
            "periode": self.period,
            "url": self.url,
            "opgehaald": self.fetched_at,
            "opmerkingen": list(self.notes),
        }
