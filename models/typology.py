"""Buurt types: k-means on normalised indicators, described by their strongest indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["buurt_types"]


def need_ranks(frame: pd.DataFrame, profile, *, keep: pd.Series | None = None) -> pd.DataFrame:
    """Percentile ranks (0-1, higher = more need) of the profile's indicators.

    The input of :func:`buurt_types`: indicators where higher is better are flipped, rows not
    in ``keep`` (e.g. buurten under the minimum population) and rows or columns without
    values are dropped.
    """
    ids = [i for i in profile.indicator_ids if i in frame.columns]
    values = frame[ids] if keep is None else frame.loc[keep.reindex(frame.index).fillna(False), ids]
    ranks = values.astype(float).rank(pct=True)
    for d in profile.domains:
        for ind in d.indicators:
            if ind.id in ranks.columns and ind.direction == "hoger_beter":
                ranks[ind.id] = 1.0 - ranks[ind.id]
    return ranks.dropna(axis=1, how="all").dropna()


def buurt_types(
    normalised: pd.DataFrame,
    *,
    k: int = 5,
    seed: int = 0,
    labels: dict[str, str] | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Cluster buurten into ``k`` types.

    Parameters
    ----------
    normalised : DataFrame
        Need-oriented values in [0, 1] (e.g. percentile ranks), indexed by buurtcode. Rows
        with missing values get no type.
    labels : dict, optional
        Indicator id -> Dutch label for the descriptions.

    Returns
    -------
    types : Series
        Type number (1..k) per buurt, NaN where not typed.
    description : DataFrame
        Per type: ``aantal`` and ``omschrijving`` ("hoog: ..., laag: ...").
    """
    from sklearn.cluster import KMeans

    x = normalised.dropna()
    k = max(1, min(k, len(x)))
    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x.to_numpy())
    # number types by decreasing mean need so type 1 is the most burdened
    centres = pd.DataFrame(km.cluster_centers_, columns=x.columns)
    order = centres.mean(axis=1).sort_values(ascending=False).index
    relabel = {old: new + 1 for new, old in enumerate(order)}
    types = pd.Series(np.nan, index=normalised.index)
    types.loc[x.index] = [relabel[c] for c in km.labels_]
    mean = x.mean()
    rows = []
    for old in order:
        diff = (centres.loc[old] - mean).sort_values()
        name = (labels or {}).get
        high = [name(i, i) for i in diff.index[::-1][:2] if diff[i] > 0.05]
        low = [name(i, i) for i in diff.index[:2] if diff[i] < -0.05]
        text = (
            "; ".join(
                p
                for p in (
                    "hoog: " + ", ".join(high) if high else "",
                    "laag: " + ", ".join(low) if low else "",
                )
                if p
            )
            or "gemiddeld op alles"
        )
        rows.append(
            {"type": relabel[old], "aantal": int((km.labels_ == old).sum()), "omschrijving": text}
        )
    return types, pd.DataFrame(rows).set_index("type")
