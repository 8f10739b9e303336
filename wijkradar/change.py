"""Verandering (change over time): per indicator and for the score, between two monitor years.

Works on the trend the pipeline keeps (``GemeenteData.trend``: every health-monitor period,
with 95% bounds when the source publishes them). With 50090NED/50120NED older periods use
older buurt boundaries, so some buurten have no value there (reported, never guessed); with
50150NED every period is on the indeling of the data and every buurt matches.

The score of an earlier monitor year is *re-scored* with the same profile: the health
indicators take their values of that year (a buurt without a row takes its wijk's value, as
in the join, state ``wijkwaarde``), the CBS Kerncijfers stay those of the data's year (the
Kerncijfers of older years are on older boundaries and not part of the cache). The page says
so next to every re-scored result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo import MISSING, PRESENT, WIJK
from geo.join import wijkcode_of
from models import ScoringProfile
from models.change import change_between, change_bins, periods_of, rank_shifts, trend_wide

from .render.format import decimals_for, fmt_signed
from .scoring import score_gemeente

if TYPE_CHECKING:
    from .render.maps import MapValues

__all__ = [
    "DIVERGING",
    "trend_indicators",
    "indicator_change",
    "change_map_values",
    "change_colours",
    "data_for_period",
    "score_periods",
    "score_change",
    "score_change_map_values",
    "significance_text",
    "buurt_trend_long",
]

#: ColorBrewer RdBu (colour-blind safe), worsening (red) to improving (blue), 6 classes.
DIVERGING = ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"]


def trend_indicators(data) -> list[str]:
    """Indicators of ``data`` with at least two periods in the trend (catalogue order).

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.

    Returns
    -------
    list of str
        Indicator ids.
    """
    trend = data.trend
    return [i for i in data.indicator_ids if len(periods_of(trend, i)) >= 2]


def significance_text(value: object) -> str:
    """Dutch text for a nullable significance flag.

    Parameters
    ----------
    value : object
        True, False, or missing (``<NA>``, None, NaN).

    Returns
    -------
    str
        ``significant``, ``niet significant`` or ``onbekend (geen 95%-intervallen)``.
    """
    if value is pd.NA or value is None or (isinstance(value, float) and np.isnan(value)):
        return "onbekend (geen 95%-intervallen)"
    return "significant" if bool(value) else "niet significant"


def indicator_change(
    data, scores: pd.DataFrame, indicator: str, start: str, end: str
) -> pd.DataFrame:
    """Change of ``indicator`` per buurt of ``data`` from ``start`` to ``end``.

    Buurten under the minimum population (``te_klein`` in ``scores``) get no values at all
    (status ``te_klein``), as everywhere else in Wijkradar.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    scores : DataFrame
        Scoring output (``te_klein``), indexed by buurtcode.
    indicator : str
        A trend indicator id.
    start, end : str
        The two periods.

    Returns
    -------
    DataFrame
        :func:`models.change.change_between` per buurtcode, with ``buurtnaam`` first.
    """
    out = change_between(data.trend, indicator, start, end, data.buurten.index)
    out.index.name = "buurtcode"
    small = scores["te_klein"].reindex(out.index).fillna(True).astype(bool)
    value_cols = [c for c in out.columns if c not in ("status", "significant")]
    out.loc[small, value_cols] = np.nan
    out.loc[small, "significant"] = pd.NA
    out.loc[small, "status"] = "te_klein"
    out.insert(0, "buurtnaam", data.buurten["buurtnaam"].astype(str))
    return out


def change_colours(higher_is_worse: bool, n: int = 6) -> list[str]:
    """Colours for ``n`` change classes from the most negative to the most positive change.

    Red marks a change for the worse, blue one for the better, whatever the indicator's
    direction (for ``hoger_beter`` indicators a decrease is the worrying change).

    Parameters
    ----------
    higher_is_worse : bool
        Whether an increase of the indicator is the worrying change.
    n : int, default 6
        Number of classes.

    Returns
    -------
    list of str
        ``n`` hex colours, most negative change first.
    """
    base = DIVERGING if n == 6 else _ramp(n)
    return base[::-1] if higher_is_worse else list(base)


def _ramp(n: int) -> list[str]:
    idx = np.linspace(0, len(DIVERGING) - 1, n).round().astype(int)
    return [DIVERGING[i] for i in idx]


def change_map_values(
    change: pd.DataFrame, *, title: str, unit: str, higher_is_worse: bool
) -> MapValues:
    """:class:`MapValues` of a change frame (``verandering``, ``significant``, ``status``).

    Parameters
    ----------
    change : DataFrame
        From :func:`indicator_change` or :func:`score_change`.
    title : str
        The map title.
    unit : str
        The indicator's unit (sets the decimals).
    higher_is_worse : bool
        Whether an increase is the worrying change.

    Returns
    -------
    MapValues
        The change per buurt with its status and a Dutch tooltip label.
    """
    value = change["verandering"].astype(float)
    status = pd.Series("waarde", index=change.index, dtype=object)
    status[value.isna()] = "ontbreekt"
    status[change["status"] == "te_klein"] = "geen_score"
    decimals = decimals_for(unit)
    label = pd.Series("", index=change.index, dtype=object)
    for code in change.index:
        if status[code] == "geen_score":
            label[code] = "geen cijfers (te weinig inwoners)"
        elif status[code] == "ontbreekt":
            label[code] = "geen waarde in een van beide jaren"
        else:
            v = value[code]
            label[code] = (
                f"{fmt_signed(v, decimals)} ({significance_text(change.loc[code, 'significant'])})"
            )
    frame = pd.DataFrame({"value": value, "status": status, "label": label})
    from .render.maps import MapValues  # folium: only when a map is drawn

    return MapValues(title=title, unit=unit, frame=frame, higher_is_worse=higher_is_worse)


def data_for_period(data, period: str):
    """A copy of ``data`` whose trend indicators hold their values of ``period``.

    A buurt without a row in that period takes its wijk's value (state ``wijkwaarde``), or
    none (``ontbreekt``); 95% bounds come along when the trend has them.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    period : str
        A monitor period, e.g. ``'2016'``.

    Returns
    -------
    GemeenteData
        A copy; indicators without that period keep today's values.
    """
    period = str(period)
    buurten = data.buurten.copy()
    states = data.states.copy()
    lower = data.lower.copy()
    upper = data.upper.copy()
    codes = buurten.index
    wijk = wijkcode_of(codes)
    for ind in trend_indicators(data):
        if period not in periods_of(data.trend, ind):
            continue

        def pick(what: str, ind: str = ind) -> tuple[pd.Series, pd.Series]:
            wide = trend_wide(data.trend, ind, what=what)
            col = wide[period] if period in wide.columns else pd.Series(dtype=float)
            own = col.reindex(codes)
            via = pd.Series(col.reindex(wijk).to_numpy(), index=codes)
            return own, via

        own, via = pick("value")
        value = own.fillna(via)
        state = pd.Series(MISSING, index=codes, dtype=object)
        state[own.isna() & via.notna()] = WIJK
        state[own.notna()] = PRESENT
        buurten[ind] = value.astype(float)
        states[ind] = pd.Categorical(state, dtype=data.states[ind].dtype)
        for what, target in (("lower", lower), ("upper", upper)):
            b_own, b_via = pick(what)
            target[ind] = b_own.fillna(b_via).astype(float)
    return dataclasses.replace(data, buurten=buurten, states=states, lower=lower, upper=upper)


def score_periods(
    data, profile: ScoringProfile, periods: Sequence[str], *, seed: int = 42
) -> dict[str, pd.DataFrame]:
    """The profile's scores (no Monte Carlo) with the health values of each period.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    profile : ScoringProfile
        The profile to score with.
    periods : sequence of str
        The monitor periods.
    seed : int, default 42
        Random seed (no draws are made; kept for a reproducible call).

    Returns
    -------
    dict of str to DataFrame
        Period -> scoring output with that period's health values.
    """
    return {
        str(p): score_gemeente(data_for_period(data, str(p)), profile, seed=seed, draws=0)
        for p in periods
    }


def score_change(
    by_period: dict[str, pd.DataFrame], start: str, end: str, *, classes: int = 6
) -> tuple[pd.DataFrame, list[float]]:
    """Score and rank change from ``start`` to ``end`` and a legend fixed over all periods.

    Parameters
    ----------
    by_period : dict of str to DataFrame
        Scoring output per period (:func:`score_periods`).
    start, end : str
        The two periods.
    classes : int, default 6
        Number of legend classes (even).

    Returns
    -------
    shifts : DataFrame
        :func:`models.change.rank_shifts` of the two periods plus ``verandering`` (score
        change).
    bins : list of float
        The class bounds, from the score changes between any two periods.
    """
    shifts = rank_shifts(by_period[str(start)], by_period[str(end)])
    shifts["verandering"] = shifts["score_na"] - shifts["score_voor"]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "code": s.index,
                    "period": p,
                    "indicator": "score",
                    "value": s["score"].where(~s["te_klein"].astype(bool)).to_numpy(dtype=float),
                }
            )
            for p, s in by_period.items()
        ],
        ignore_index=True,
    )
    bins = change_bins(long, "score", shifts.index, classes=classes)
    return shifts, bins


def score_change_map_values(
    shifts: pd.DataFrame, scores: pd.DataFrame, codes: pd.Index, start: str, end: str
) -> MapValues:
    """:class:`MapValues` of the score change from ``start`` to ``end`` (see :func:`score_change`).

    Parameters
    ----------
    shifts
        The first result of :func:`score_change`.
    scores
        The scores of the current view (``te_klein`` says which buurten show no score).
    codes
        The buurtcodes of the gemeente (the map's index).
    start, end
        The two monitor periods.

    Returns
    -------
    MapValues
        ``value`` the score change (none for small buurten), ``status`` ``waarde``,
        ``ontbreekt`` or ``geen_score``, and a Dutch label with the rank before and after.
    """
    change = shifts["verandering"].reindex(codes)
    status = pd.Series("waarde", index=codes, dtype=object)
    status[change.isna()] = "ontbreekt"
    small = scores["te_klein"].reindex(codes).fillna(True).astype(bool)
    status[small] = "geen_score"
    change = change.where(~small)
    label = pd.Series("geen score", index=codes, dtype=object)
    label[status == "geen_score"] = "geen score (te weinig inwoners)"
    for code in codes[status == "waarde"]:
        r0, r1 = shifts.loc[code, "rang_voor"], shifts.loc[code, "rang_na"]
        label[code] = f"{fmt_signed(change[code], 1)} punten (rang {int(r0)} → {int(r1)})"
    from .render.maps import MapValues

    return MapValues(
        title=f"Verandering van de score {start}–{end}",
        unit="punten",
        frame=pd.DataFrame({"value": change, "status": status, "label": label}),
        higher_is_worse=True,
        note="Rood = meer nood dan de andere buurten, blauw = minder; één legenda voor alle jaren",
    )


def buurt_trend_long(data, code: str, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The buurt's trend (every monitor indicator and period) with bounds, long format.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    code : str
        The buurtcode.
    scores : DataFrame, optional
        Scoring output; a buurt marked ``te_klein`` gets no trend.

    Returns
    -------
    DataFrame
        Columns ``indicator`` (label), ``periode``, ``waarde``, ``ondergrens``,
        ``bovengrens``, sorted by indicator and period; empty for a buurt under the minimum
        population or without trend rows.
    """
    cols = ["indicator", "periode", "waarde", "ondergrens", "bovengrens"]
    if scores is not None and bool(scores["te_klein"].get(code, True)):
        return pd.DataFrame(columns=cols)
    own = data.trend[data.trend["code"] == code]
    if own.empty:
        return pd.DataFrame(columns=cols)
    labels = data.catalogue["label"].to_dict()
    return pd.DataFrame(
        {
            "indicator": own["indicator"].map(lambda i: labels.get(i, i)).to_numpy(),
            "periode": own["period"].astype(str).to_numpy(),
            "waarde": own["value"].astype(float).to_numpy(),
            "ondergrens": (own["lower"].astype(float).to_numpy() if "lower" in own else np.nan),
            "bovengrens": (own["upper"].astype(float).to_numpy() if "upper" in own else np.nan),
        }
    ).sort_values(["indicator", "periode"], ignore_index=True)
