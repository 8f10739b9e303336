"""Change over time: per indicator between two periods, significance, fixed legends, rank shifts.

Pure functions on the long trend frame that the pipeline keeps for the health monitor
(``code, period, indicator, value`` and, where the source publishes 95% bounds,
``lower``/``upper``). The same functions work for every boundary year: a buurt whose code
does not exist in one of the two periods has no change (``status`` says which side is
missing), it is never matched by name or position.

Significance rule (documented for users on the Verandering page): a change counts as
*significant* only when both periods have 95% bounds and the two intervals do not overlap
(``lower_end > upper_start`` or ``upper_end < lower_start``). This is conservative: two
95% intervals that just touch correspond to a difference test at roughly the 0.5% level
(Schenker & Gentleman 2001), so some real changes are called *not significant*; none is
called significant on the strength of the point estimates alone. Without bounds the
significance is unknown (``<NA>``), never ``False``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "TREND_COLUMNS",
    "CHANGE_STATUS",
    "periods_of",
    "trend_wide",
    "change_between",
    "significant_change",
    "change_bins",
    "rank_shifts",
]

TREND_COLUMNS = ["code", "period", "indicator", "value"]
#: ``status`` of a change: both periods, only one, or neither.
CHANGE_STATUS = {
    "beide": "waarde in beide jaren",
    "alleen_start": "geen waarde in het eindjaar",
    "alleen_eind": "geen waarde in het beginjaar (andere indeling of niet gepubliceerd)",
    "geen": "geen waarde in beide jaren",
}


def periods_of(trend: pd.DataFrame, indicator: str | None = None) -> list[str]:
    """The periods (``'2016'``, ``'2020'``, ...) in ``trend``, optionally for one indicator.

    Parameters
    ----------
    trend : DataFrame or None
        Long trend table with ``period`` and ``indicator`` columns.
    indicator : str, optional
        Only the periods of this indicator.

    Returns
    -------
    list of str
        The sorted periods; empty for an empty or missing trend.
    """
    if trend is None or trend.empty:
        return []
    sub = trend if indicator is None else trend[trend["indicator"] == indicator]
    return sorted({str(p) for p in sub["period"].dropna()})


def trend_wide(
    trend: pd.DataFrame, indicator: str, codes: Iterable[str] | None = None, *, what: str = "value"
) -> pd.DataFrame:
    """One indicator as a table code x period of ``what`` (``value``, ``lower``, ``upper``).

    Missing combinations are NaN. Returns an empty frame when ``what`` is not in the trend.

    Parameters
    ----------
    trend : DataFrame
        Long trend table: ``code``, ``period``, ``indicator`` and ``what``.
    indicator : str
        The indicator id.
    codes : iterable of str, optional
        Rows to return, in this order (missing codes get NaN); all codes in the trend when
        not given.
    what : {"value", "lower", "upper"}
        The column to spread.

    Returns
    -------
    DataFrame
        Indexed by ``code``, one float column per period (as str); empty when ``what`` is not
        in the trend.
    """
    sub = trend[trend["indicator"] == indicator]
    if what not in sub.columns or sub.empty:
        index = pd.Index(list(codes) if codes is not None else [], name="code")
        return pd.DataFrame(index=index, dtype=float)
    wide = sub.pivot_table(index="code", columns="period", values=what, aggfunc="first")
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.astype(float)
    if codes is not None:
        wide = wide.reindex(pd.Index(list(codes), name="code"))
    return wide


def significant_change(
    lower_start: pd.Series | float,
    upper_start: pd.Series | float,
    lower_end: pd.Series | float,
    upper_end: pd.Series | float,
) -> pd.Series:
    """Whether the 95% intervals of two periods do not overlap (``<NA>`` without bounds).

    Parameters
    ----------
    lower_start, upper_start : Series or float
        The 95% bounds in the first period.
    lower_end, upper_end : Series or float
        The 95% bounds in the second period.

    Returns
    -------
    Series of boolean
        True where the intervals do not overlap, False where they do, ``<NA>`` where a bound
        is missing.

    Examples
    --------
    >>> significant_change(pd.Series([10.0, 10.0, 10.0]), pd.Series([14.0, 14.0, np.nan]),
    ...                    pd.Series([15.0, 13.0, 15.0]), pd.Series([19.0, 17.0, 19.0])).tolist()
    [True, False, <NA>]
    """
    frame = pd.DataFrame(
        {"ls": lower_start, "us": upper_start, "le": lower_end, "ue": upper_end}
    ).astype(float)
    apart = (frame["le"] > frame["us"]) | (frame["ue"] < frame["ls"])
    known = frame.notna().all(axis=1)
    out = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    out[known] = apart[known]
    return out


def change_between(
    trend: pd.DataFrame,
    indicator: str,
    start: str,
    end: str,
    codes: Sequence[str] | pd.Index,
) -> pd.DataFrame:
    """Change of ``indicator`` from period ``start`` to ``end`` for ``codes``.

    Parameters
    ----------
    trend : DataFrame
        Long trend table: ``code``, ``period``, ``indicator``, ``value`` and, where published,
        ``lower`` and ``upper`` (95% bounds).
    indicator : str
        The indicator id.
    start, end : str
        The two periods, e.g. ``'2016'`` and ``'2024'``.
    codes : sequence of str or Index
        The buurtcodes to report, in this order.

    Returns
    -------
    DataFrame
        Indexed like ``codes``: ``start``, ``end`` (values), ``verandering`` (end - start,
        NaN unless both exist), ``lower_start``, ``upper_start``, ``lower_end``,
        ``upper_end`` (NaN without bounds), ``significant`` (nullable boolean, see the
        module docstring) and ``status`` (a key of :data:`CHANGE_STATUS`).
    """
    index = pd.Index(list(codes), name="code")
    start, end = str(start), str(end)
    values = trend_wide(trend, indicator, index)
    lower = trend_wide(trend, indicator, index, what="lower")
    upper = trend_wide(trend, indicator, index, what="upper")

    def col(frame: pd.DataFrame, period: str) -> pd.Series:
        if period in frame.columns:
            return frame[period].astype(float)
        return pd.Series(np.nan, index=index, dtype=float)

    out = pd.DataFrame(
        {
            "start": col(values, start),
            "end": col(values, end),
            "lower_start": col(lower, start),
            "upper_start": col(upper, start),
            "lower_end": col(lower, end),
            "upper_end": col(upper, end),
        },
        index=index,
    )
    out["verandering"] = out["end"] - out["start"]
    out["significant"] = significant_change(
        out["lower_start"], out["upper_start"], out["lower_end"], out["upper_end"]
    )
    has_s, has_e = out["start"].notna(), out["end"].notna()
    out["status"] = np.select(
        [has_s & has_e, has_s & ~has_e, ~has_s & has_e],
        ["beide", "alleen_start", "alleen_eind"],
        default="geen",
    )
    out.loc[out["verandering"].isna(), "significant"] = pd.NA
    return out


def _nice_ceiling(value: float) -> float:
    """The smallest readable number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) >= ``value``."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        candidate = step * 10.0**exponent
        if candidate >= value - 1e-12:
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover


def change_bins(
    trend: pd.DataFrame,
    indicator: str,
    codes: Sequence[str] | pd.Index,
    *,
    classes: int = 6,
) -> list[float]:
    """Symmetric class bounds around 0 that hold for *every* pair of periods of ``indicator``.

    The bound is the largest absolute change between any two periods among ``codes``,
    rounded up to a readable number, so a map of 2016->2024 and one of 2020->2024 share one
    legend and colours mean the same change. ``classes`` (even) classes of equal width.

    Parameters
    ----------
    trend : DataFrame
        Long trend table: ``code``, ``period``, ``indicator``, ``value``.
    indicator : str
        The indicator id.
    codes : sequence of str or Index
        The buurtcodes whose changes set the bound.
    classes : int, default 6
        Number of classes; even and at least 2.

    Returns
    -------
    list of float
        ``classes + 1`` bounds from ``-top`` to ``top`` through 0.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["a", "a", "a"], "period": ["2012", "2016", "2020"],
    ...                   "indicator": "x", "value": [10.0, 12.0, 17.0]})
    >>> change_bins(t, "x", ["a"], classes=4)
    [-8.0, -4.0, 0.0, 4.0, 8.0]
    """
    if classes < 2 or classes % 2:
        raise ValueError(f"classes must be an even number >= 2, got {classes}")
    wide = trend_wide(trend, indicator, codes)
    arr = wide.to_numpy(dtype=float)
    biggest = 0.0
    if arr.size and arr.shape[1] > 1:
        diffs = arr[:, :, None] - arr[:, None, :]
        finite = diffs[np.isfinite(diffs)]
        biggest = float(np.abs(finite).max()) if finite.size else 0.0
    top = _nice_ceiling(biggest)
    step = top / (classes // 2)
    return [round(-top + i * step, 10) for i in range(classes + 1)]


def rank_shifts(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Rank and score of each buurt under two runs of the same profile (e.g. two years).

    Parameters
    ----------
    before, after : DataFrame
        Outputs of :func:`models.scoring.score_buurten`: ``score``, ``rang`` and ``te_klein``.
        Buurten are matched on code only.

    Returns
    -------
    DataFrame
        Indexed by the union of codes: ``score_voor``, ``rang_voor``, ``score_na``,
        ``rang_na``, ``verschuiving`` (``rang_voor - rang_na``: positive means the buurt moved
        up the priority list, NaN unless scored in both) and ``status`` (``beide``,
        ``alleen_voor``, ``alleen_na``).
    """

    def scored(frame: pd.DataFrame) -> pd.DataFrame:
        keep = ~frame["te_klein"].astype(bool) if "te_klein" in frame else frame["rang"].notna()
        return frame.loc[keep & frame["rang"].notna(), ["score", "rang"]]

    b, a = scored(before), scored(after)
    out = pd.DataFrame(index=b.index.union(a.index))
    out["score_voor"] = b["score"].astype(float)
    out["rang_voor"] = b["rang"].astype(float)
    out["score_na"] = a["score"].astype(float)
    out["rang_na"] = a["rang"].astype(float)
    out["verschuiving"] = out["rang_voor"] - out["rang_na"]
    in_b, in_a = out["rang_voor"].notna(), out["rang_na"].notna()
    out["status"] = np.select([in_b & in_a, in_b], ["beide", "alleen_voor"], default="alleen_na")
    return out
