"""Comparing the rankings of several scoring profiles."""

from __future__ import annotations

import pandas as pd

__all__ = ["compare_profiles", "indicator_correlations"]


def compare_profiles(results: dict[str, pd.DataFrame], *, k: int = 10) -> dict[str, object]:
    """Rank correlation, rank shifts and the buurten in the top k under every profile.

    Parameters
    ----------
    results : dict
        Profile name -> output of :func:`models.scoring.score_buurten` (same index).
    k : int
        Size of the top for ``robuust_top``.

    Returns
    -------
    dict
        ``spearman`` (DataFrame of pairwise Spearman correlations of scores), ``ranks``
        (DataFrame of ranks per profile plus ``verschuiving`` = max - min rank), and
        ``robuust_top`` (list of buurtcodes in the top k of every profile).
    """
    if len(results) < 2:
        raise ValueError("compare at least two profiles")
    ranks = pd.DataFrame({name: r["rang"] for name, r in results.items()})
    scores = pd.DataFrame({name: r["score"] for name, r in results.items()})
    spearman = scores.corr(method="spearman")
    ranks["verschuiving"] = ranks.max(axis=1) - ranks.min(axis=1)
    in_top = pd.DataFrame({name: r["rang"] <= k for name, r in results.items()})
    top = list(in_top.index[in_top.all(axis=1)])
    return {"spearman": spearman, "ranks": ranks, "robuust_top": top}


def indicator_correlations(
    frame: pd.DataFrame, *, method: str = "spearman", min_n: int = 10
) -> pd.DataFrame:
    """Pairwise correlations of the columns with the number of buurten behind each.

    Each pair uses the buurten where both values are known, so n differs per pair (income
    per inwoner is published for 6 of 145 Amersfoort buurten). Pairs with fewer than
    ``min_n`` buurten get no correlation.

    Parameters
    ----------
    frame : DataFrame
        One column per indicator, one row per buurt.
    method : str
        ``spearman`` (rank) or ``pearson``, as in :meth:`pandas.Series.corr`.
    min_n : int
        Fewest buurten with both values for a correlation.

    Returns
    -------
    DataFrame
        Tidy, one row per pair (a < b in column order): ``a``, ``b``, ``r`` (NaN when
        n < ``min_n`` or a column is constant) and ``n``; strongest ``|r|`` first.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1, 2, 3, 4], "y": [2, 4, 6, None], "z": [4, 3, 2, 1]})
    >>> indicator_correlations(df, min_n=3).values.tolist()
    [['x', 'y', 1.0, 3], ['x', 'z', -1.0, 4], ['y', 'z', -1.0, 3]]
    """
    known = frame.notna().astype(int)
    n = known.T @ known
    r = frame.corr(method=method, min_periods=min_n)  # type: ignore[arg-type]
    cols = list(frame.columns)
    rows = [
        {"a": a, "b": b, "r": float(r.loc[a, b]), "n": int(n.loc[a, b])}
        for i, a in enumerate(cols)
        for b in cols[i + 1 :]
    ]
    out = pd.DataFrame(rows, columns=["a", "b", "r", "n"])
    order = out["r"].abs().sort_values(ascending=False, na_position="last", kind="stable").index
    return out.loc[order].reset_index(drop=True)
