"""Sensitivity analysis of the ranking: how much do the choices of a profile matter.

The composite-indicator practice of the JRC/OECD Handbook: re-score under a grid of
alternative weights, normalisations, missing-value policies and aggregations, and report per
scenario how many of the top k stay in the top k and how far buurten move. Pure functions:
DataFrames in, tidy DataFrames out; randomness (random weight sets) only through ``seed``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._normalise import NORMALISERS
from .errors import ProfileError
from .profile import ScoringProfile
from .scoring import AGGREGATIONS, MISSING_POLICIES, score_buurten

__all__ = [
    "weight_grid",
    "sensitivity_ranks",
    "summarise_sensitivity",
    "sensitivity_analysis",
    "buurt_stability",
    "SCENARIO_COLUMNS",
]

#: The columns that describe a scenario in the tidy frames.
SCENARIO_COLUMNS = ["scenario", "gewichten", "normalisatie", "ontbrekend", "aggregatie", "basis"]
_BASE = "profiel"


def weight_grid(
    profile: ScoringProfile,
    *,
    factors: Sequence[float] = (0.5, 2.0),
    equal: bool = True,
    leave_one_out: bool = False,
) -> dict[str, dict[str, float]]:
    """Named sets of domain weights around the profile's own.

    Parameters
    ----------
    profile : ScoringProfile
        The profile whose domain weights are varied.
    factors : sequence of float
        Each domain's weight is multiplied by each factor in turn (one domain at a time).
    equal : bool
        Add equal domain weights (``"gelijk"``).
    leave_one_out : bool
        Add one set per domain with that domain's weight 0 (``"zonder <domein>"``).

    Returns
    -------
    dict
        Name -> {domain name: weight}; the first entry, ``"profiel"``, is the profile's.

    Examples
    --------
    >>> p = ScoringProfile(name="t", domains=[
    ...     {"name": "A", "weight": 2, "indicators": [{"id": "a"}]},
    ...     {"name": "B", "indicators": [{"id": "b"}]}])
    >>> list(weight_grid(p, factors=[2]))
    ['profiel', 'gelijk', 'A x2', 'B x2']
    """
    base = {d.name: float(d.weight) for d in profile.domains}
    grid = {_BASE: dict(base)}
    if equal:
        grid["gelijk"] = {name: 1.0 for name in base}
    for name in base:
        for f in factors:
            if f < 0:
                raise ProfileError(f"gewichtsfactor {f} is negatief; gebruik factoren > 0")
            grid[f"{name} x{f:g}"] = {**base, name: base[name] * float(f)}
        if leave_one_out and len(base) > 1 and sum(w for n, w in base.items() if n != name) > 0:
            grid[f"zonder {name}"] = {**base, name: 0.0}
    return grid


def _random_weights(
    profile: ScoringProfile, n: int, rng: np.random.Generator
) -> dict[str, dict[str, float]]:
    names = [d.name for d in profile.domains]
    base = np.array([d.weight for d in profile.domains], dtype=float)
    pos = base > 0
    out = {}
    for i in range(n):
        w = np.zeros(len(base))
        w[pos] = rng.dirichlet(profile.concentration * base[pos] / base[pos].sum())
        out[f"willekeurig {i + 1:02d}"] = dict(zip(names, map(float, w), strict=True))
    return out


def _check(values: Sequence[str], allowed: Mapping[str, object], what: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ProfileError(
            f"{what} {', '.join(map(repr, unknown))} onbekend; kies uit {', '.join(allowed)}"
        )
    return list(values)


def sensitivity_ranks(
    frame: pd.DataFrame,
    profile: ScoringProfile,
    *,
    seed: int,
    weights: Mapping[str, Mapping[str, float]] | None = None,
    normalisations: Sequence[str] | None = None,
    missing: Sequence[str] | None = None,
    aggregations: Sequence[str] | None = None,
    random_weights: int = 0,
    population_column: str = "inwoners",
) -> pd.DataFrame:
    """Score and rank every buurt under every scenario of the grid (long, tidy frame).

    The grid is the product of the weight sets, normalisations, missing-value policies and
    aggregations. The scenario with the profile's own choices is always included and marked
    ``basis``. Scenarios are point estimates (no Monte Carlo), ranked with the tie rule of
    :func:`models.scoring.point_ranks` (score, then buurtcode).

    Parameters
    ----------
    frame : DataFrame
        Indicator values indexed by buurtcode, as for :func:`models.score_buurten`.
    profile : ScoringProfile
        The profile under study.
    seed : int
        Seed of the random weight sets (the same seed gives the same frame).
    weights : mapping, optional
        Name -> {domain: weight}; default :func:`weight_grid` of the profile. Weight sets
        only take effect with the profile's ``weighting: manual``.
    normalisations, missing, aggregations : sequence of str, optional
        Methods to try; default all of ``NORMALISERS``, ``MISSING_POLICIES``,
        ``AGGREGATIONS``.
    random_weights : int
        Extra weight sets drawn from a Dirichlet around the profile's domain weights
        (concentration ``profile.concentration``), named ``willekeurig 01`` ...
    population_column : str
        Column of ``frame`` with the number of inhabitants (the minimum population rule).

    Returns
    -------
    DataFrame
        One row per scenario and scored buurt: ``scenario`` (a readable id),
        ``gewichten``, ``normalisatie``, ``ontbrekend``, ``aggregatie``, ``basis`` (bool),
        ``buurtcode``, ``score`` and ``rang``.
    """
    grid = dict(weight_grid(profile) if weights is None else weights)
    grid.setdefault(_BASE, {d.name: float(d.weight) for d in profile.domains})
    grid.update(_random_weights(profile, random_weights, np.random.default_rng(seed)))
    norms = _check(normalisations or list(NORMALISERS), NORMALISERS, "normalisation")
    miss = _check(missing or list(MISSING_POLICIES), MISSING_POLICIES, "missing policy")
    aggs = _check(aggregations or list(AGGREGATIONS), AGGREGATIONS, "aggregation")
    base = (_BASE, profile.normalisation, profile.missing, profile.aggregation)
    combos = list(itertools.product(grid, norms, miss, aggs))
    if base not in combos:
        combos.insert(0, base)
    parts = []
    for wname, norm, pol, agg in combos:
        variant = profile.with_weights({}, domain_weights=dict(grid[wname])).model_copy(
            update={"normalisation": norm, "missing": pol, "aggregation": agg}
        )
        result = score_buurten(frame, variant, draws=0, population_column=population_column)
        scored = result[result["score"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "scenario": f"{wname} | {norm} | {pol} | {agg}",
                    "gewichten": wname,
                    "normalisatie": norm,
                    "ontbrekend": pol,
                    "aggregatie": agg,
                    "basis": (wname, norm, pol, agg) == base,
                    "buurtcode": scored.index.astype(str),
                    "score": scored["score"].to_numpy(),
                    "rang": scored["rang"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def summarise_sensitivity(ranks: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """Per scenario: agreement with the basis scenario (top-k overlap, rank shifts).

    Parameters
    ----------
    ranks : DataFrame
        Output of :func:`sensitivity_ranks`.
    k : int
        Size of the top (e.g. the profile's ``top_k``).

    Returns
    -------
    DataFrame
        One row per scenario (basis first): the scenario columns, ``n`` (buurten scored in
        both), ``spearman`` (rank correlation with the basis), ``top_k_overlap`` (how many
        of the basis top k are in this scenario's top k), ``top_k_overlap_share`` (that
        divided by k), ``rank_shift_mean``, ``rank_shift_median``, ``rank_shift_max``
        (absolute rank changes) and ``grootste_verschuiving`` (buurtcode of the largest).
    """
    basis = ranks[ranks["basis"]].set_index("buurtcode")["rang"]
    if basis.empty:
        raise ValueError("ranks has no basis scenario; use the output of sensitivity_ranks")
    top = set(basis.index[basis <= k])
    rows = []
    for _, part in ranks.groupby("scenario", sort=False):
        r = part.set_index("buurtcode")["rang"]
        common = basis.index.intersection(r.index)
        shift = (r[common] - basis[common]).abs()
        mine = set(r.index[r <= k])
        first = part.iloc[0]
        rows.append(
            {
                **{c: first[c] for c in SCENARIO_COLUMNS},
                "n": len(common),
                "spearman": float(r[common].corr(basis[common], method="spearman")),
                "top_k_overlap": len(top & mine),
                "top_k_overlap_share": len(top & mine) / k,
                "rank_shift_mean": float(shift.mean()),
                "rank_shift_median": float(shift.median()),
                "rank_shift_max": float(shift.max()),
                "grootste_verschuiving": str(shift.idxmax()) if len(shift) else "",
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values("basis", ascending=False, kind="stable").reset_index(drop=True)


def buurt_stability(ranks: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """Per buurt: its basis rank, the range of its rank over all scenarios, share in top k.

    Parameters
    ----------
    ranks : DataFrame
        Output of :func:`sensitivity_ranks`.
    k : int
        Size of the top for ``aandeel_top_k``.

    Returns
    -------
    DataFrame
        Indexed by buurtcode, sorted by basis rank: ``rang_basis``, ``rang_min``,
        ``rang_mediaan``, ``rang_max``, ``aandeel_top_k`` (0-1, share of scenarios with rank
        <= k) and ``scenarios`` (how many scenarios scored the buurt).
    """
    g = ranks.groupby("buurtcode")["rang"]
    out = pd.DataFrame(
        {
            "rang_basis": ranks[ranks["basis"]].set_index("buurtcode")["rang"],
            "rang_min": g.min(),
            "rang_mediaan": g.median(),
            "rang_max": g.max(),
            "aandeel_top_k": g.apply(lambda r: float((r <= k).mean())),
            "scenarios": g.size(),
        }
    )
    return out.sort_values(["rang_basis", "rang_mediaan"], na_position="last")


def sensitivity_analysis(
    frame: pd.DataFrame,
    profile: ScoringProfile,
    *,
    seed: int,
    k: int | None = None,
    **grid: object,
) -> pd.DataFrame:
    """Re-score under a grid of choices and summarise per scenario (one call).

    ``summarise_sensitivity(sensitivity_ranks(frame, profile, seed=seed, **grid), k=k)``;
    ``k`` defaults to the profile's ``top_k``. See those functions for the grid options
    and the columns.

    Parameters
    ----------
    frame : DataFrame
        Indicator values indexed by buurtcode, as for :func:`models.score_buurten`.
    profile : ScoringProfile
        The profile under study.
    seed : int
        Seed of the random weight sets.
    k : int, optional
        Size of the top to compare (default ``profile.top_k``).
    **grid
        The options of :func:`sensitivity_ranks`: ``weights``, ``normalisations``, ``missing``,
        ``aggregations``, ``random_weights``, ``population_column``.

    Returns
    -------
    DataFrame
        One row per scenario, as :func:`summarise_sensitivity` returns.

    Examples
    --------
    >>> import pandas as pd
    >>> p = ScoringProfile(name="t", domains=[
    ...     {"name": "A", "indicators": [{"id": "a"}]}, {"name": "B", "indicators": [{"id": "b"}]}])
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 1, 2, 3], "inwoners": 500},
    ...                   index=["BU1", "BU2", "BU3", "BU4"])
    >>> out = sensitivity_analysis(df, p, seed=0, k=2, normalisations=["percentile"],
    ...                            missing=["gemeente_mean"], aggregations=["arithmetic"])
    >>> out["gewichten"].tolist()
    ['profiel', 'gelijk', 'A x0.5', 'A x2', 'B x0.5', 'B x2']
    >>> out["top_k_overlap"].tolist()
    [2, 2, 2, 1, 1, 2]
    """
    ranks = sensitivity_ranks(frame, profile, seed=seed, **grid)  # type: ignore[arg-type]
    return summarise_sensitivity(ranks, k=k or profile.top_k)
