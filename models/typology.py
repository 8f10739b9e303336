"""Buurt types: k-means on normalised indicators, described by their strongest indicators."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["buurt_types", "need_ranks", "buurt_type_diagnostics"]


def need_ranks(frame: pd.DataFrame, profile, *, keep: pd.Series | None = None) -> pd.DataFrame:
    """Percentile ranks (0-1, higher = more need) of the profile's indicators.

    The input of :func:`buurt_types`: indicators where higher is better are flipped, rows not
    in ``keep`` (e.g. buurten under the minimum population) and rows or columns without
    values are dropped.

    Parameters
    ----------
    frame : DataFrame
        Indicator values per buurt.
    profile : ScoringProfile
        Its indicators and their direction (higher is worse or better).
    keep : Series, optional
        Boolean per buurt; rows that are False (e.g. under the minimum population) are dropped.

    Returns
    -------
    DataFrame
        Percentile ranks in [0, 1] per indicator, higher = more need, for the kept buurten.
    """
    ids = [i for i in profile.indicator_ids if i in frame.columns]
    values = frame[ids] if keep is None else frame.loc[keep.reindex(frame.index).fillna(False), ids]
    ranks = values.astype(float).rank(pct=True)
    for d in profile.domains:
        for ind in d.indicators:
            if ind.id in ranks.columns and ind.direction == "hoger_beter":
                ranks[ind.id] = 1.0 - ranks[ind.id]
    return ranks.dropna(axis=1, how="all").dropna()


def _kmeans(x: pd.DataFrame, k: int, seed: int):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x.to_numpy())


def buurt_type_diagnostics(
    normalised: pd.DataFrame, *, ks: Iterable[int] = range(2, 11), seed: int = 0
) -> pd.DataFrame:
    """Measures for choosing the number of buurt types k (elbow and silhouette).

    Runs the same k-means as :func:`buurt_types` (same ``seed``) for every k in ``ks``.

    Parameters
    ----------
    normalised : DataFrame
        The input of :func:`buurt_types` (rows with missing values are left out).
    ks : iterable of int
        The k values to try; values outside 2..n-1 are skipped (silhouette needs them).
    seed : int
        Seed of k-means.

    Returns
    -------
    DataFrame
        Indexed by ``k``: ``inertia`` (within-type sum of squares; look for the elbow),
        ``silhouette`` (mean silhouette, -1..1, higher = better separated types),
        ``calinski_harabasz`` (higher = better), ``davies_bouldin`` (lower = better) and
        ``kleinste_type`` (buurten in the smallest type). ``attrs["k_silhouette"]`` is the
        k with the highest silhouette.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(np.vstack([rng.normal(c, 0.05, (20, 2)) for c in (0.2, 0.5, 0.8)]))
    >>> buurt_type_diagnostics(x, ks=range(2, 6)).attrs["k_silhouette"]
    3
    """
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    x = normalised.dropna()
    rows = []
    for k in ks:
        if not 2 <= k < len(x):
            continue
        km = _kmeans(x, k, seed)
        arr = x.to_numpy()
        rows.append(
            {
                "k": k,
                "inertia": float(km.inertia_),
                "silhouette": float(silhouette_score(arr, km.labels_)),
                "calinski_harabasz": float(calinski_harabasz_score(arr, km.labels_)),
                "davies_bouldin": float(davies_bouldin_score(arr, km.labels_)),
                "kleinste_type": int(np.bincount(km.labels_).min()),
            }
        )
    if not rows:
        raise ValueError(f"no k in {list(ks)} fits {len(x)} buurten; use 2 <= k < {len(x)}")
    out = pd.DataFrame(rows).set_index("k")
    out.attrs["k_silhouette"] = int(out["silhouette"].idxmax())
    return out


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
    k : int
        Number of types.
    seed : int
        Seed of the k-means clustering, for reproducible types.
    labels : dict, optional
        Indicator id -> Dutch label for the descriptions.

    Returns
    -------
    types : Series
        Type number (1..k) per buurt, NaN where not typed.
    description : DataFrame
        Per type: ``aantal`` and ``omschrijving`` ("hoog: ..., laag: ...").
    """
    x = normalised.dropna()
    k = max(1, min(k, len(x)))
    km = _kmeans(x, k, seed)
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
