"""Reach: who lives in a buurt (composition), kept apart from need.

A need score says how much need there is; reach says how many people it concerns. Reach is
shown next to the score, can filter a ranking ("buurten met veel kinderen") and sizes the
optional impact view (need x people concerned), the way published deprivation indices use
population only after the index to size the effort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ProfileError
from .profile import COMPOSITION, ScoringProfile

__all__ = ["reach_table", "impact_ranking", "reach_filter", "REACH_PREFIX", "COUNT_PREFIX"]

REACH_PREFIX = "bereik__"
COUNT_PREFIX = "bereik_aantal__"


def reach_table(
    frame: pd.DataFrame, profile: ScoringProfile, *, hidden: pd.Series | None = None
) -> pd.DataFrame:
    """Reach columns of the profile: the share and the number of people per buurt.

    Parameters
    ----------
    frame : DataFrame
        Indicator values indexed by buurtcode (the reach ids and their count columns).
    profile : ScoringProfile
        Its ``reach`` list says which columns.
    hidden : Series of bool, optional
        Buurten whose figures may not be shown (population under the minimum): NaN there.

    Returns
    -------
    DataFrame
        Indexed like ``frame``: ``bereik__<id>`` (the share as published) and, where the
        count it refers to is known (:data:`~models.profile.COMPOSITION`),
        ``bereik_aantal__<id>`` (share x count, rounded to whole people).
    """
    out = pd.DataFrame(index=frame.index)
    for rid in profile.reach:
        if rid not in frame.columns:
            continue
        share = frame[rid].astype(float)
        out[REACH_PREFIX + rid] = share
        base = COMPOSITION.get(rid, (None, ""))[0]
        if base and base in frame.columns:
            out[COUNT_PREFIX + rid] = (share / 100.0 * frame[base].astype(float)).round()
    if hidden is not None and len(out.columns):
        out.loc[hidden.reindex(out.index).fillna(True).astype(bool)] = np.nan
    return out


def impact_ranking(
    scores: pd.DataFrame, *, people: pd.Series, top_k: int | None = None
) -> pd.DataFrame:
    """The impact view: need x number of people concerned, ranked.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`~models.scoring.score_buurten` (``score`` 0-100).
    people : Series
        Number of people concerned per buurt (inwoners, or a reach count such as the number of
        children); indexed like ``scores``.
    top_k : int, optional
        Also mark the ``top_k`` highest impact buurten in a boolean ``impact_top`` column.

    Returns
    -------
    DataFrame
        ``impact`` (score / 100 x people: "need-weighted people") and ``impact_rang`` (1 =
        most), indexed like ``scores``. Buurten without a score or a count get NaN. The need
        score itself is unchanged: this is a separate view, never mixed into it.
    """
    if "score" not in scores.columns:
        raise ProfileError(
            "de scores hebben geen kolom 'score'; geef de uitkomst van score_buurten"
        )
    people = people.reindex(scores.index).astype(float)
    impact = scores["score"].astype(float) / 100.0 * people
    out = pd.DataFrame({"impact": impact.round(1)}, index=scores.index)
    out["impact_rang"] = impact.rank(ascending=False, method="first")
    if top_k is not None:
        out["impact_top"] = out["impact_rang"] <= top_k
    return out


def reach_filter(reach: pd.DataFrame, column: str, *, quantile: float = 0.75) -> pd.Series:
    """Buurten where a reach share is high: at or above the gemeente's ``quantile``.

    Parameters
    ----------
    reach : DataFrame
        Reach shares per buurt (e.g. ``bereik__pct_0_15``).
    column : str
        The share to filter on.
    quantile : float
        The gemeente quantile a buurt must reach (0.75: the top quarter).

    Returns
    -------
    Series
        Boolean per buurt ("buurten met veel kinderen" for ``bereik__pct_0_15``); buurten
        without a value are False.
    """
    if column not in reach.columns:
        raise ProfileError(
            f"bereikkolom {column!r} niet gevonden; beschikbaar: {', '.join(reach.columns)}"
        )
    values = reach[column]
    threshold = values.quantile(quantile)
    return (values >= threshold).fillna(False).astype(bool)
