"""Wijkradar next to another index (SES-WOA, Leefbaarometer): where they disagree, and why.

Pure functions. The other index runs the other way (higher = better off), so it is turned
into a *need rank* first: both the Wijkradar score and the index become percentile ranks in
0-1 over the buurten that have both, with 1 = most need. Their difference is the
disagreement: positive means Wijkradar sees more need than the other index.

The explanation uses the score's own decomposition: per buurt, each indicator's contribution
(``bijdrage__*``, points of the score) minus that indicator's mean contribution over the
compared buurten. For a buurt that Wijkradar ranks higher, the indicators with the largest
positive deviation explain why; for one it ranks lower, those with the largest negative
deviation. The other index's own composition is not known to Wijkradar and is not guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["need_ranks_pair", "disagreement"]


def need_ranks_pair(
    score: pd.Series, reference: pd.Series, *, reference_higher_is_better: bool = True
) -> pd.DataFrame:
    """Percentile need ranks (0-1, 1 = most need) of the score and the reference index.

    Only buurten with both values are kept. Ties get their average rank.

    Parameters
    ----------
    score : Series
        The Wijkradar score per buurtcode (higher = more need).
    reference : Series
        The other index per buurtcode.
    reference_higher_is_better : bool, default True
        Whether a higher reference value means less need.

    Returns
    -------
    DataFrame
        Indexed by the buurtcodes with both values: ``score``, ``referentie``, ``rang_score``,
        ``rang_referentie`` and ``verschil`` (score rank minus reference rank).

    Examples
    --------
    >>> s = pd.Series([10.0, 50.0, 90.0], index=["a", "b", "c"])
    >>> r = pd.Series([0.3, 0.1, np.nan], index=["a", "b", "c"])
    >>> need_ranks_pair(s, r).round(2).to_dict("list")
    {'score': [10.0, 50.0], 'referentie': [0.3, 0.1], 'rang_score': [0.5, 1.0], 'rang_referentie': [0.5, 1.0], 'verschil': [0.0, 0.0]}
    """  # noqa: E501
    pair = pd.concat({"score": score, "referentie": reference}, axis=1, join="inner").dropna()
    need_ref = -pair["referentie"] if reference_higher_is_better else pair["referentie"]
    pair["rang_score"] = pair["score"].rank(pct=True)
    pair["rang_referentie"] = need_ref.rank(pct=True)
    pair["verschil"] = pair["rang_score"] - pair["rang_referentie"]
    return pair


def disagreement(
    scores: pd.DataFrame,
    reference: pd.Series,
    *,
    reference_higher_is_better: bool = True,
    top: int = 10,
    explain: int = 3,
) -> pd.DataFrame:
    """The ``top`` buurten where the score and the reference disagree most, with reasons.

    Parameters
    ----------
    scores : DataFrame
        Scoring output: ``score``, ``te_klein`` and ``bijdrage__<indicator>`` columns.
    reference : Series
        The other index per buurtcode (NaN where unknown; never 0 for unknown).
    reference_higher_is_better : bool, default True
        Whether a higher reference value means less need (SES-WOA, Leefbaarometer).
    top, explain : int
        Buurten to return; indicators named per buurt.

    Returns
    -------
    DataFrame
        Indexed by buurtcode, largest absolute ``verschil`` first: ``score``, ``referentie``,
        ``rang_score``, ``rang_referentie``, ``verschil`` (see the module docstring),
        ``richting`` (``wijkradar_hoger`` or ``wijkradar_lager``) and ``verklaring``: a list
        of (indicator id, deviation in points) pairs. Buurten under the minimum population
        (``te_klein``) are left out.
    """
    keep = ~scores["te_klein"].astype(bool) if "te_klein" in scores else scores["score"].notna()
    pair = need_ranks_pair(
        scores.loc[keep, "score"],
        reference,
        reference_higher_is_better=reference_higher_is_better,
    )
    cols = [c for c in scores.columns if c.startswith("bijdrage__")]
    contrib = scores.loc[pair.index, cols].astype(float).fillna(0.0)
    deviation = contrib - contrib.mean()
    deviation.columns = [c.removeprefix("bijdrage__") for c in cols]
    order = pair["verschil"].abs().sort_values(ascending=False, kind="stable").index[:top]
    out = pair.loc[order].copy()
    out["richting"] = np.where(out["verschil"] >= 0, "wijkradar_hoger", "wijkradar_lager")
    reasons = []
    for code, row in out.iterrows():
        dev = deviation.loc[code]
        picked = (
            dev[dev > 0].sort_values(ascending=False)
            if row["verschil"] >= 0
            else dev[dev < 0].sort_values()
        )
        reasons.append([(str(k), float(v)) for k, v in picked.head(explain).items()])
    out["verklaring"] = reasons
    return out
