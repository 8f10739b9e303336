"""Comparing the rankings of several scoring profiles."""

from __future__ import annotations

import pandas as pd

__all__ = ["compare_profiles"]


def compare_profiles(results: dict[str, pd.DataFrame], *, k: int = 10) -> dict[str, object]:
    """Rank correlation, rank shifts and the buurten in the top k under every profile.

    Parameters
    ----------
    results : dict
        Profile name -> output of :func:`models.scoring.score_buurten` (same index).

    Returns
    -------
    dict
        ``spearman`` (DataFrame of pairwise Spearman correlations of scores), ``ranks``
        (DataFrame of ranks per profile plus ``verschuiving`` = max - min rank), and
        ``robuust_top`` (list of buurtcodes in the top k of every profile).
    """
    if len(results) < 2:
        raise ValueError("compare at least two profiles")
    ranks = pd.DataFrame({name: r["rank"] for name, r in results.items()})
    scores = pd.DataFrame({name: r["score"] for name, r in results.items()})
    spearman = scores.corr(method="spearman")
    ranks["verschuiving"] = ranks.max(axis=1) - ranks.min(axis=1)
    in_top = pd.DataFrame({name: r["rank"] <= k for name, r in results.items()})
    top = list(in_top.index[in_top.all(axis=1)])
    return {"spearman": spearman, "ranks": ranks, "robuust_top": top}
