"""Composite prevention-priority score with Monte Carlo rank uncertainty.

Pure functions: DataFrames in, DataFrames out, randomness only through ``seed``.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ._methods import pick_method
from ._normalise import NORMALISERS, fit_normaliser
from .errors import ProfileError
from .profile import ScoringProfile

__all__ = [
    "score_buurten",
    "impute",
    "pca_weights",
    "AGGREGATIONS",
    "MISSING_POLICIES",
    "WEIGHTINGS",
    "effective_weights",
    "point_ranks",
]


def _same(x):
    return x


def _pct_rank(x: np.ndarray) -> np.ndarray:
    """Average rank / number of values, per column (pandas ``rank(pct=True)``); NaN stays NaN.

    In numpy: one stable sort per column, tie groups from the sorted values, no DataFrame.
    """
    n = x.shape[0]
    nan = np.isnan(x)
    order = np.argsort(x, axis=0, kind="stable")  # NaN last
    xs = np.take_along_axis(x, order, axis=0)
    start = np.ones(x.shape, dtype=bool)
    start[1:] = xs[1:] != xs[:-1]  # a new tie group begins
    end = np.ones(x.shape, dtype=bool)
    end[:-1] = start[1:]
    pos = np.arange(n, dtype=float)[:, None]
    first = np.maximum.accumulate(np.where(start, pos, 0.0), axis=0)
    last = np.minimum.accumulate(np.where(end, pos, float(n))[::-1], axis=0)[::-1]
    out = np.empty(x.shape)
    count = np.maximum((~nan).sum(axis=0), 1)  # a column without values stays NaN
    np.put_along_axis(out, order, ((first + last) / 2.0 + 1.0) / count, axis=0)
    out[nan] = np.nan
    return out


def _exponential(x: np.ndarray) -> np.ndarray:
    """The IMD's exponential transform of the ranks (column-wise: per draw)."""
    r = _pct_rank(x)
    return -23.0 * np.log(1.0 - r * _EXP_C) / 100.0


@dataclass(frozen=True)
class Aggregation:
    """How domain scores in [0, 1] combine: the weighted mean of ``forward``, then ``inverse``."""

    forward: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]


#: Aggregations of domain scores (id -> implementation; labels in the app).
AGGREGATIONS: dict[str, Aggregation] = {
    "arithmetic": Aggregation(_same, _same),  # compensating
    "geometric": Aggregation(
        lambda x: np.log(0.01 + 0.99 * x), lambda m: (np.exp(m) - 0.01) / 0.99
    ),  # partly compensating
    "exponential": Aggregation(_exponential, _same),  # IMD, not compensating
}


def _fill_gemeente_mean(data: pd.DataFrame) -> pd.DataFrame:
    return data.fillna(data.mean())


def _wijkcodes(buurtcodes) -> np.ndarray:
    """``WK`` + the gemeente and wijk digits of each buurtcode (``BU03070102`` -> ``WK030701``).

    The same rule as :func:`geo.join.wijkcode_of`, which ``models`` may not import (it only
    depends on the error root in ``geo``).
    """
    return np.array(["WK" + str(c)[2:8] for c in buurtcodes], dtype=object)


def _fill_wijk_mean(data: pd.DataFrame) -> pd.DataFrame:
    """The mean of the wijk (``WK`` + code[2:8]), else of the gemeente."""
    wijk = _wijkcodes(data.index)
    return data.fillna(data.groupby(wijk).transform("mean")).fillna(data.mean())


def _fill_nothing(data: pd.DataFrame) -> pd.DataFrame:
    """Fill nothing: the indicator is left out for the buurt and the others re-weighted."""
    return data.copy()


#: Missing-value policies (id -> function filling a frame of indicator values).
MISSING_POLICIES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "gemeente_mean": _fill_gemeente_mean,
    "wijk_mean": _fill_wijk_mean,
    "drop": _fill_nothing,
}

QUALITY = {"aanwezig": 1.0, "wijkwaarde": 0.5}
_EXP_C = 1.0 - np.exp(-100.0 / 23.0)


def impute(
    frame: pd.DataFrame, columns: list[str], policy: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing values of ``columns`` by ``policy``; return (filled, imputed mask).

    ``wijk_mean`` groups buurten by wijk (``WK`` + code[2:8]) and falls back to the mean of
    all buurten; ``drop`` fills nothing. The index is unchanged.

    Parameters
    ----------
    frame : DataFrame
        Indicator values indexed by buurtcode.
    columns : list of str
        The indicators to fill.
    policy : str
        A key of ``MISSING_POLICIES``, e.g. ``wijk_mean`` or ``drop``.

    Returns
    -------
    filled : DataFrame
        ``frame`` with the missing values of ``columns`` filled.
    imputed : DataFrame
        Boolean, True where a value was filled.
    """
    fill = pick_method(
        MISSING_POLICIES, policy, "aanpak voor ontbrekende waarden", error=ProfileError
    )
    data = frame[columns].astype(float)
    filled = fill(data)
    mask = data.isna() & filled.notna()
    return filled, mask


def pca_weights(normalised: pd.DataFrame) -> tuple[pd.Series, float]:
    """Indicator weights from the first principal component (squared loadings, sum 1).

    Returns the weights and the share of variance the component explains.

    Parameters
    ----------
    normalised : DataFrame
        Normalised indicator values (buurten x indicators).

    Returns
    -------
    weights : Series
        Weight per indicator, summing to 1.
    explained : float
        Share of the variance the first component explains.
    """
    from sklearn.decomposition import PCA

    x = normalised.dropna(axis=0, how="any")
    if len(x) < 3 or x.shape[1] < 2:
        return pd.Series(1.0 / normalised.shape[1], index=normalised.columns), float("nan")
    x = (x - x.mean()) / x.std(ddof=0).replace(0, 1)
    pca = PCA(n_components=1).fit(x.to_numpy())
    load = pd.Series(pca.components_[0] ** 2, index=normalised.columns)
    return load / load.sum(), float(pca.explained_variance_ratio_[0])


#: A weighting: (indicator weights within their domains, domain weights, domain of each
#: indicator, the normalised indicators on demand) -> (indicator weights, domain weights,
#: share of variance explained or None).
Weighting = Callable[
    [np.ndarray, np.ndarray, np.ndarray, Callable[[], pd.DataFrame]],
    tuple[np.ndarray, np.ndarray, float | None],
]


def _manual_weights(w, W, dom_of, normalised):
    """The profile's own weights."""
    return w, W, None


def _equal_weights(w, W, dom_of, normalised):
    """Every domain the same weight, every indicator the same within its domain."""
    w = w.copy()
    for k in range(len(W)):
        members = np.flatnonzero(dom_of == k)
        w[members] = 1.0 / len(members)
    return w, np.full(len(W), 1.0 / len(W)), None


def _pca_weight_table(w, W, dom_of, normalised):
    """Indicator weights within each domain from the first principal component."""
    pw, explained = pca_weights(normalised())
    w = w.copy()
    for k in range(len(W)):
        members = np.flatnonzero(dom_of == k)
        vals = pw.iloc[members].to_numpy()
        w[members] = vals / vals.sum() if vals.sum() > 0 else 1.0 / len(members)
    return w, W, explained


#: Weightings (id -> implementation; labels in the app).
WEIGHTINGS: dict[str, Weighting] = {
    "manual": _manual_weights,
    "equal": _equal_weights,
    "pca": _pca_weight_table,
}


@dataclass
class _Prepared:
    ids: list[str]
    domains: list[str]
    dom_of: np.ndarray  # (p,) domain index per indicator
    w: np.ndarray  # (p,) indicator weight within its domain (sums to 1 per domain)
    W: np.ndarray  # (D,) domain weights (sum 1)
    raw: np.ndarray  # (n, p) need-oriented raw values after imputation (NaN = dropped)
    imputed: pd.DataFrame
    donors: dict[int, list[tuple[np.ndarray, np.ndarray]]]  # j -> [(rows, donor values)]
    observed: np.ndarray  # (n, p) value observed (own or wijk value), not filled in
    quality: np.ndarray  # (n, p)
    sd: np.ndarray | None  # (n, p) sd of health values where bounds are known
    index: pd.Index
    warnings: list[str]
    explained: float | None

    @cached_property
    def complete(self) -> bool:
        """Every buurt has a (possibly filled-in) value for every indicator."""
        return not bool(np.isnan(self.raw).any())


def effective_weights(profile: ScoringProfile, data: pd.DataFrame | None = None) -> pd.Series:
    """Weight of each indicator in the total score (domain x indicator, sum 1).

    Parameters
    ----------
    profile : ScoringProfile
        Domains, indicators and weights.
    data : DataFrame, optional
        Indicator values indexed by buurtcode. When given, indicators without any value are
        dropped first and the weights re-normalised, as the scoring does; a domain left without
        indicators drops out. Without it: the nominal weights of the profile.

    Returns
    -------
    Series
        Weight per indicator of the profile, summing to 1 (0 for indicators dropped).

    Examples
    --------
    >>> import pandas as pd
    >>> from models.profile import ScoringProfile
    >>> p = ScoringProfile(name="t", domains=[
    ...     {"name": "A", "indicators": [{"id": "a"}, {"id": "b"}]},
    ...     {"name": "B", "indicators": [{"id": "c"}]}])
    >>> effective_weights(p).round(2).tolist()
    [0.25, 0.25, 0.5]
    >>> df = pd.DataFrame({"a": [1.0, 2.0], "b": [float("nan")] * 2, "c": [3.0, 1.0]})
    >>> effective_weights(p, df).round(2).tolist()
    [0.5, 0.0, 0.5]
    """

    def usable(i_id: str) -> bool:
        return data is None or (i_id in data.columns and bool(data[i_id].notna().any()))

    weights = {
        d.name: (d.weight, {i.id: i.weight if usable(i.id) else 0.0 for i in d.indicators})
        for d in profile.domains
    }
    total = sum(dw for dw, inds in weights.values() if sum(inds.values()) > 0)
    out = {}
    for dw, inds in weights.values():
        s = sum(inds.values())
        for i_id, w in inds.items():
            out[i_id] = dw / total * w / s if s > 0 and total > 0 else 0.0
    return pd.Series(out, dtype=float)


def _reason_missing(ind_id: str, frame: pd.DataFrame, states: pd.DataFrame | None) -> str:
    """Dutch reason why an indicator has no values in this data."""
    if ind_id not in frame.columns:
        return "zit niet in deze gegevens"
    if states is not None and ind_id in states.columns:
        st = states[ind_id].astype(str)
        if len(st) and (st == "niet_gepubliceerd").all():
            return "is door de bron (nog) niet gepubliceerd"
    return "heeft geen waarden voor deze buurten"


def _prepare(
    frame, profile, scored, states, lower, upper, known_ids=None, *, notes=True
) -> _Prepared:
    """Usable indicators and weights, imputed values and their donors.

    Indicators the data lack (column absent or all empty) are left out and their weight is
    re-distributed within the domain; a domain left empty is dropped and the domain weights
    re-normalised, each with a Dutch note. Raises only when nothing is left, or for an id that
    neither the data nor ``known_ids`` (the catalogue) know: that is a typo.
    """
    profile.validate_ids(set(frame.columns) | set(known_ids or ()))
    warnings: list[str] = []
    sub = frame.reindex(index=scored)
    domains, dom_of, ids, w = [], [], [], []
    for d in profile.domains:
        usable = [i for i in d.indicators if i.id in sub.columns and sub[i.id].notna().any()]
        for i in d.indicators:
            if i not in usable:
                why = _reason_missing(i.id, sub, states)
                warnings.append(
                    f"indicator {i.id} {why}; weggelaten uit domein {d.name}, het gewicht gaat "
                    "naar de andere indicatoren van dat domein"
                )
        if not usable or sum(i.weight for i in usable) <= 0:
            warnings.append(
                f"domein {d.name} heeft geen indicator met gegevens; weggelaten, de andere "
                "domeinen wegen naar verhouding zwaarder"
            )
            continue
        s = sum(i.weight for i in usable)
        domains.append(d.name)
        for i in usable:
            ids.append(i.id)
            dom_of.append(len(domains) - 1)
            w.append(i.weight / s)
    if not domains:
        raise ProfileError(
            f"profiel {profile.name!r}: geen indicator van enig domein heeft gegevens voor deze "
            "gemeente en dit jaar; kies andere indicatoren of een ander jaar"
        )
    dweights = {d.name: d.weight for d in profile.domains}
    W = np.array([dweights[name] for name in domains], dtype=float)
    if W.sum() <= 0:
        raise ProfileError(
            f"profiel {profile.name!r}: de domeinen met gegevens hebben allemaal gewicht 0"
        )
    W = W / W.sum()
    direction = {i.id: i.direction for d in profile.domains for i in d.indicators}
    filled, mask = impute(sub, ids, profile.missing)
    observed = sub[ids].notna().to_numpy()
    sign = np.array([-1.0 if direction[i] == "hoger_beter" else 1.0 for i in ids])
    raw = filled.to_numpy() * sign
    w_arr = np.array(w)
    weigh = pick_method(WEIGHTINGS, profile.weighting, "weging", error=ProfileError)
    w_arr, W, explained = weigh(
        w_arr,
        W,
        np.array(dom_of),
        lambda: pd.DataFrame(
            {
                c: fit_normaliser(profile.normalisation, raw[:, j])(raw[:, j])
                for j, c in enumerate(ids)
            },
            index=scored,
        ),
    )
    if explained is not None:
        warnings.append(f"PCA weights: first component explains {explained:.0%} of variance")
    if states is not None:
        st = states.reindex(index=scored, columns=ids).astype(object)
        quality = st.apply(lambda c: c.map(QUALITY)).fillna(0.0).to_numpy(dtype=float)
    else:
        quality = sub[ids].notna().to_numpy(dtype=float)
    quality = np.where(mask.to_numpy(), 0.0, quality)
    sd = None
    if lower is not None and upper is not None:
        lo = lower.reindex(index=scored, columns=ids).to_numpy(dtype=float)
        hi = upper.reindex(index=scored, columns=ids).to_numpy(dtype=float)
        width = (hi - lo) / (2 * 1.959964)
        width = np.where(np.isfinite(width) & (width > 0) & ~mask.to_numpy(), width, 0.0)
        if width.any():
            sd = width
    return _Prepared(
        ids,
        domains,
        np.array(dom_of),
        w_arr,
        W,
        raw,
        mask,
        _donors(raw, mask.to_numpy(), pd.Index(scored), profile.missing),
        observed,
        quality,
        sd,
        pd.Index(scored),
        warnings,
        explained,
    )


def _donors(
    raw: np.ndarray, imputed: np.ndarray, index: pd.Index, policy: str
) -> dict[int, list[tuple[np.ndarray, np.ndarray]]]:
    """Per column: groups of filled-in rows and the observed values they were filled from.

    ``gemeente_mean`` fills from all observed buurten; ``wijk_mean`` from the observed buurten
    of the same wijk (the gemeente where the wijk has none). The Monte Carlo draws filled-in
    values from these donors, so a buurt scored mostly from filled-in values gets a wide
    interval instead of the false certainty of the mean.
    """
    out: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    wijk = _wijkcodes(index)
    for j in map(int, np.flatnonzero(imputed.any(axis=0))):
        obs = ~np.isnan(raw[:, j]) & ~imputed[:, j]
        rows = np.flatnonzero(imputed[:, j])
        if obs.sum() < 2:
            continue
        groups: list[tuple[np.ndarray, np.ndarray]] = []
        if policy == "wijk_mean":
            rest = []
            for wk in np.unique(wijk[rows]):
                members = rows[wijk[rows] == wk]
                pool = raw[obs & (wijk == wk), j]
                if pool.size >= 2:
                    groups.append((members, pool))
                else:
                    rest.append(members)
            if rest:
                groups.append((np.concatenate(rest), raw[obs, j]))
        else:
            groups.append((rows, raw[obs, j]))
        out[j] = groups
    return out


def _aggregate(dom: np.ndarray, W: np.ndarray, how: str) -> np.ndarray:
    """Combine domain scores (D, n, c) in [0, 1] with weights W (D, c) into (n, c) in [0, 1].

    Domains without a value for a buurt are left out and the other weights re-normalised.
    """
    agg = pick_method(AGGREGATIONS, how, "aggregatie", error=ProfileError)
    acc = np.zeros(dom.shape[1:])
    den = np.zeros(dom.shape[1:])
    for k in range(dom.shape[0]):
        x = dom[k]
        ok = ~np.isnan(x)
        x = agg.forward(x)
        acc += np.where(ok, x, 0.0) * W[k]
        den += ok * W[k]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, acc / den, np.nan)
    return agg.inverse(out)


def _scores(
    prep: _Prepared,
    raw: dict[int, np.ndarray],
    norms: list[str],
    w: np.ndarray,
    W: np.ndarray,
    how: str,
    fits: dict[str, list],
    xn: dict[str, np.ndarray],
    sparse: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores (n, c) and domain scores (D, n, c) for c draws.

    ``raw`` maps each perturbed column to its (n, c) drawn values; ``norms`` the normaliser of each
    draw, grouped (draws of one normaliser are adjacent); ``w`` (p, c) indicator weights; ``W``
    (D, c) domain weights; ``xn`` the normalised point values per normaliser (n, p), used for
    every column that is not perturbed. ``sparse`` maps a column to ``(rows, values (r, c))``:
    only those rows vary (filled-in values drawn from their donors); the others keep their
    point value, so the cost grows with the filled-in cells, not with the frame.
    """
    n, p = prep.raw.shape
    c = len(norms)
    D = len(prep.domains)
    # Monte Carlo draws accumulate in float32 (half the memory traffic); the point estimate
    # (c == 1) in float64.
    dt = np.float32 if c > 1 else np.float64
    num = np.zeros((D, n, c), dtype=dt)  # domain-major: contiguous writes per domain
    den = np.zeros((D, n, c), dtype=dt)
    perturbed = np.zeros(p, dtype=bool)
    perturbed[np.array(list(raw), dtype=int)] = True
    for name, sel in _groups(norms):
        X = xn[name]
        present = ~np.isnan(X)
        X0 = np.where(present, X, 0.0)
        for k in range(D):
            m = (prep.dom_of == k) & ~perturbed
            if m.any():
                num[k][:, sel] = X0[:, m] @ w[m, sel]
                den[k][:, sel] = present[:, m].astype(float) @ w[m, sel]
        for j in map(int, np.flatnonzero(perturbed)):
            fit = fits[name][j]
            xj = getattr(fit, "fast", fit)(raw[j][:, sel])
            k = prep.dom_of[j]
            nan = np.isnan(xj)
            if nan.any():
                num[k][:, sel] += np.where(nan, 0.0, xj) * w[j, sel]
                den[k][:, sel] += ~nan * w[j, sel]
            else:  # the common case: imputed values carry no noise and are never NaN
                xj *= w[j, sel].astype(xj.dtype)
                num[k][:, sel] += xj
                den[k][:, sel] += w[j, sel].astype(dt)
        for j, (rows, vals) in (sparse or {}).items():
            fit = fits[name][j]
            delta = getattr(fit, "fast", fit)(vals[:, sel]) - X0[rows, j, None]
            k = prep.dom_of[j]
            num[k][rows, sel] += (delta * w[j, sel]).astype(dt)
    with np.errstate(invalid="ignore", divide="ignore"):
        dom = np.where(den > 0, num / den, np.nan)
    return _aggregate(dom, W, how), dom


def _mc_chunk(prep, profile, rng, c, norm_names, fits, xn, *, general=False) -> np.ndarray:
    """Scores (n, c) of c Monte Carlo draws: weights, normaliser and health values varied.

    ``general`` forces the general path (domain arrays + :func:`_aggregate`) also where the
    shortcut for complete data applies; the tests compare the two.
    """
    n, p = prep.raw.shape
    norms = list(rng.choice(norm_names, size=c))
    w = np.zeros((p, c))
    for kk in range(len(prep.domains)):
        members = np.flatnonzero(prep.dom_of == kk)
        w[members] = _dirichlet(rng, prep.w[members], profile.concentration, c)
    W = _dirichlet(rng, prep.W, profile.concentration, c)
    # group the draws by normaliser (their order does not matter for the statistics)
    group = np.argsort(np.array(norms), kind="stable")
    norms = [norms[g] for g in group]
    w, W = w[:, group], W[:, group]
    raw: dict[int, np.ndarray] = {}
    if prep.sd is not None:
        # float32 noise: the bounds are far coarser than its precision, and it halves the time
        # and memory of the largest arrays; antithetic pairs (z, -z) halve the random numbers
        half = (c + 1) // 2
        for j in map(int, np.flatnonzero(prep.sd.any(axis=0))):
            # value + sd z and value + sd (-z), written straight into place: the same floats
            # as negating and scaling in place, two passes fewer
            z = rng.standard_normal((n, half), dtype=np.float32)
            sd = prep.sd[:, j, None].astype(np.float32)
            noise = np.empty((n, c), dtype=np.float32)
            np.multiply(z, sd, out=noise[:, :half])
            np.multiply(z[:, : c - half], -sd, out=noise[:, half:])
            noise += prep.raw[:, j, None].astype(np.float32)
            raw[j] = noise
    sparse: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for j, groups in prep.donors.items():
        drawn = [rng.choice(pool, size=(rows.size, c)).astype(np.float32) for rows, pool in groups]
        if j in raw:  # health noise too: write the draws into the full column
            for (rows, _pool), vals in zip(groups, drawn, strict=True):
                raw[j][rows] = vals
        else:
            sparse[j] = (
                np.concatenate([rows for rows, _pool in groups]),
                np.concatenate(drawn, axis=0),
            )
    if profile.aggregation == "arithmetic" and prep.complete and not general:
        return _scores_complete(prep, raw, norms, w, W, fits, xn, sparse)
    scores, _ = _scores(prep, raw, norms, w, W, profile.aggregation, fits, xn, sparse)
    return scores


def _groups(norms: list[str]):
    """(normaliser, slice) of each run of adjacent draws with the same normaliser."""
    start = 0
    while start < len(norms):
        stop = start
        while stop < len(norms) and norms[stop] == norms[start]:
            stop += 1
        yield norms[start], slice(start, stop)
        start = stop


def _scores_complete(
    prep: _Prepared,
    raw: dict[int, np.ndarray],
    norms: list[str],
    w: np.ndarray,
    W: np.ndarray,
    fits: dict[str, list],
    xn: dict[str, np.ndarray],
    sparse: dict[int, tuple[np.ndarray, np.ndarray]],
) -> np.ndarray:
    """Arithmetic scores (n, c) of c draws when every buurt has a value for every indicator.

    The same number as :func:`_scores` followed by :func:`_aggregate`, in far fewer passes:
    with no value missing, a domain score is ``sum(w_j x_j) / sum(w_j)`` with the same
    denominator for every buurt, and the score ``sum(W_k dom_k) / sum(W_k)``; so the score is
    one weighted sum of the normalised values with effective weights
    ``w_j W_k / (sum_k(w) sum(W))`` per draw. The columns that do not vary take one matrix
    product per normaliser; each varied column adds one scaled pass. No (D, n, c) domain
    arrays, no NaN masks. Float32 like the other Monte Carlo arrays; the point estimate keeps
    the general float64 path.
    """
    n, p = prep.raw.shape
    c = len(norms)
    dsum = np.zeros((len(prep.domains), c))
    np.add.at(dsum, prep.dom_of, w)
    eff = w * (W / (dsum * W.sum(axis=0)))[prep.dom_of]  # (p, c)
    eff32 = eff.astype(np.float32)
    fixed = np.ones(p, dtype=bool)
    fixed[list(raw)] = False
    score = np.empty((n, c), dtype=np.float32)
    for name, sel in _groups(norms):
        X = xn[name]
        score[:, sel] = X[:, fixed] @ eff[fixed, sel]
        for j, values in raw.items():
            fit = fits[name][j]
            xj = getattr(fit, "fast", fit)(values[:, sel])
            xj *= eff32[j, sel]
            score[:, sel] += xj
        for j, (rows, vals) in sparse.items():
            fit = fits[name][j]
            delta = getattr(fit, "fast", fit)(vals[:, sel]) - X[rows, j, None]
            score[rows, sel] += (delta * eff[j, sel]).astype(np.float32)
    return score


def _dirichlet(rng: np.random.Generator, base: np.ndarray, conc: float, size: int) -> np.ndarray:
    """Draws (len(base), size) from a Dirichlet centred on ``base`` (zeros stay zero)."""
    out = np.zeros((len(base), size))
    pos = base > 0
    if pos.sum() == 1:
        out[pos] = 1.0
        return out
    out[pos] = rng.dirichlet(conc * base[pos] / base[pos].sum(), size=size).T
    return out


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score, per column (NaN scores get NaN).

    Exact ties get distinct ranks in an arbitrary but deterministic order (same input, same
    ranks); sorting each draw as a contiguous row is about twice as fast as a stable column sort.
    """
    key = np.ascontiguousarray(np.where(np.isnan(scores), np.inf, -scores).T)
    order = np.argsort(key, axis=1)
    ranks = np.empty(key.shape, dtype=np.float32)
    np.put_along_axis(
        ranks, order, np.arange(1, key.shape[1] + 1, dtype=np.float32)[None, :], axis=1
    )
    ranks = ranks.T
    ranks[np.isnan(scores)] = np.nan
    return ranks


#: Histogram cells per buurt of the Monte Carlo rank statistics (:class:`_RankStats`): their
#: memory is n x this many counts, whatever the number of draws.
_RANK_CELLS = 1024


class _RankStats:
    """Exact Monte Carlo rank statistics in memory independent of the number of draws.

    The 5th and 95th percentiles are exactly ``np.percentile(ranks, [5, 95], axis=1)`` (linear
    interpolation) over all draws, a draw without a score counting as rank n + 1, and
    ``kans_top`` exactly the share of draws with rank <= k; yet no rank is kept. Each
    percentile needs two neighbouring order statistics of a buurt's N ranks, and ranks are
    integers 1..n + 1, so each order statistic is found by a radix search over repeated passes
    of the same draws (the caller replays them: its seeded chunk streams give the same ranks
    again). Pass 1 counts every buurt's ranks in ``min(n + 1, cells)`` bins and finds the bin
    holding each order statistic; each next pass counts only the ranks inside that bin, in
    ``cells // 4`` finer bins per order statistic, until a bin is one rank wide. Memory:
    about n x ``cells`` counts of the smallest unsigned type that holds ``draws`` (uint16 up
    to 65,535 draws), plus one chunk. Passes: one while n < ``cells`` (every gemeente with
    the default 1,024), two up to ``cells`` x ``cells // 4`` - 1 buurten (262,143), three
    beyond.

    Use: ``add`` the ranks of every chunk, then ``end_pass``; repeat while it returns False;
    then ``result``.
    """

    Q = np.true_divide(np.array([5, 95]), 100)

    def __init__(self, n: int, draws: int, k: int, cells: int | None = None) -> None:
        self.n, self.draws, self.k = n, draws, k
        self.cells = max(8, cells or _RANK_CELLS)
        # np.percentile's 'linear' method: virtual index (N - 1) q, neighbours floor and +1
        virtual = (draws - 1) * self.Q
        below = np.floor(virtual)
        self.gamma = virtual - below
        prev = np.clip(below.astype(np.intp), 0, draws - 1)
        nxt = np.clip(prev + 1, 0, draws - 1)
        pos = sorted({int(x) for x in (*prev, *nxt)})  # the order statistics (ascending)
        self.which = [
            (pos.index(int(a)), pos.index(int(b))) for a, b in zip(prev, nxt, strict=True)
        ]
        self.count_dtype = np.min_scalar_type(draws)  # a count never exceeds the draws
        # per order statistic and buurt: the first value (rank - 1) of the interval searched,
        # and the position of the order statistic among the values inside it
        self.lo = np.zeros((len(pos), n), dtype=np.int64)
        self.need = np.repeat(np.array(pos, dtype=np.int64)[:, None], n, axis=1)
        self.width = n + 1  # values 0..n; n = no score in that draw
        self.level = 0
        self.done = False
        self.top = np.zeros(n, dtype=np.int64)
        self.scored = np.zeros(n, dtype=bool)
        self.seen = 0
        self._start_level()

    def _start_level(self) -> None:
        """Histograms of the next pass: one shared on the first, one per order statistic after."""
        hists = 1 if self.level == 0 else len(self.lo)
        bins = min(self.width, self.cells if self.level == 0 else max(2, self.cells // hists))
        self.sub = -(-self.width // bins)  # values per bin
        self.bins = -(-self.width // self.sub)
        # one extra bin per buurt collects the values outside the interval searched
        self.counts = np.zeros((hists, self.n * (self.bins + 1)), dtype=self.count_dtype)
        self.base = np.arange(self.n, dtype=np.intp) * (self.bins + 1)

    def add(self, ranks: np.ndarray) -> None:
        """Fold in the ranks (n, c) of c draws (float, NaN = no score in that draw)."""
        if self.done:
            raise ValueError("every pass is done")
        by_draw = np.ascontiguousarray(ranks.T)  # (c, n): a view for ranks from _ranks
        nan = np.isnan(by_draw)
        if nan.any():  # no score in that draw: value n (rank n + 1)
            values = np.where(nan, self.n, by_draw - 1).astype(np.intp)
            if self.level == 0:
                self.scored |= ~nan.all(axis=0)
        else:
            values = (by_draw - 1).astype(np.intp)  # 0..n - 1
            self.scored[:] = True
        if self.level == 0:
            self.top += (values < self.k).sum(axis=0)
        for h, counts in enumerate(self.counts):
            if self.level == 0:  # every value lies in the interval: it is all of them
                d = values // self.sub if self.sub > 1 else values.copy()
            else:
                d = values - self.lo[h]
                outside = (d < 0) | (d >= self.width)
                d //= self.sub
                d[outside] = self.bins
            d += self.base
            for draw in d:  # one count per buurt and draw: no index repeats within a draw
                counts[draw] += 1
        self.seen += ranks.shape[1]

    def end_pass(self) -> bool:
        """Close a pass over all the draws; True when no further pass is needed."""
        if self.seen != self.draws:
            raise ValueError(f"{self.seen} of {self.draws} draws folded in")
        step = max(1, (1 << 20) // (self.bins + 1))  # rows at a time: bounded temporaries
        for t in range(len(self.lo)):
            hist = self.counts[0 if self.level == 0 else t].reshape(self.n, self.bins + 1)
            for start in range(0, self.n, step):
                rows = slice(start, start + step)
                cum = np.cumsum(hist[rows, : self.bins], axis=1, dtype=self.count_dtype)
                need = self.need[t, rows]
                # the bin holding the order statistic: the first whose cumulative count
                # exceeds its position
                b = (cum <= need[:, None]).sum(axis=1)
                before = np.take_along_axis(cum, np.maximum(b - 1, 0)[:, None], axis=1)[:, 0]
                self.lo[t, rows] += b * self.sub
                need -= np.where(b > 0, before, 0).astype(np.int64)
        self.width = self.sub
        self.level += 1
        self.seen = 0
        self.done = self.width == 1
        self.counts = np.zeros((0, 0), dtype=self.count_dtype)  # freed before the next level
        if not self.done:
            self._start_level()
        return self.done

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(5th percentile, 95th percentile, kans_top) per buurt; NaN when never scored."""
        if not self.done:
            raise ValueError("the rank statistics need another pass over the draws")
        out = []
        for q, (i, j) in enumerate(self.which):
            a, b = (self.lo[i] + 1).astype(np.float32), (self.lo[j] + 1).astype(np.float32)
            t = self.gamma[q]
            diff = b - a  # as numpy's _lerp, so the result equals np.percentile's to the bit
            value = a + diff * t if t < 0.5 else b - diff * (1 - t)
            value = np.asarray(value, dtype=np.float64)
            value[~self.scored] = np.nan
            out.append(value)
        return out[0], out[1], self.top / self.draws


def point_ranks(score: pd.Series, top_share: pd.Series | None = None) -> pd.Series:
    """Rank 1 = highest score, with ties broken so that every rank is used once.

    The tie rule: a higher ``score`` ranks first; equal scores (to 1e-9 points) are ordered
    by higher ``top_share`` (the ``kans_top`` column, when given), then by buurtcode
    (ascending). So exactly k buurten have a rank <= k. Buurten without a score get NaN.

    Parameters
    ----------
    score : Series
        Scores per buurtcode.
    top_share : Series, optional
        Probability of the top k per buurtcode, the first tie-breaker.

    Returns
    -------
    Series
        Ranks 1..n (float; NaN without a score), indexed like ``score``.

    Examples
    --------
    >>> s = pd.Series([50.0, 80.0, 50.0, None], index=["BU3", "BU1", "BU2", "BU4"])
    >>> point_ranks(s).tolist()
    [3.0, 1.0, 2.0, nan]
    >>> point_ranks(s, pd.Series([0.7, 1.0, 0.2, None], index=s.index)).tolist()
    [2.0, 1.0, 3.0, nan]
    """
    valid = score.dropna()
    key = pd.DataFrame(
        {
            "score": valid.round(9).to_numpy(),
            "p": 0.0
            if top_share is None
            else top_share.reindex(valid.index).fillna(0.0).to_numpy(),
            "code": valid.index.astype(str),
        }
    )
    order = key.sort_values(["score", "p", "code"], ascending=[False, False, True]).index
    ranks = np.empty(len(valid))
    ranks[order.to_numpy()] = np.arange(1, len(valid) + 1, dtype=float)
    return pd.Series(ranks, index=valid.index).reindex(score.index)


def score_buurten(
    frame: pd.DataFrame,
    profile: ScoringProfile,
    *,
    seed: int = 0,
    draws: int = 1000,
    states: pd.DataFrame | None = None,
    lower: pd.DataFrame | None = None,
    upper: pd.DataFrame | None = None,
    top_k: int | None = None,
    population_column: str = "inwoners",
    chunk: int | None = None,
    workers: int | None = None,
    known_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """Score every buurt for prevention priority.

    Parameters
    ----------
    frame : DataFrame
        Indicator values indexed by buurtcode (``inwoners`` needed for the population rule).
    profile : ScoringProfile
        Indicators, weights and methods.
    seed : int
        Seed of the Monte Carlo analysis; the same seed gives the same result.
    draws : int
        Monte Carlo draws (0 skips the uncertainty analysis).
    states : DataFrame, optional
        Value states from loading; ``wijkwaarde`` lowers confidence.
    lower, upper : DataFrame, optional
        95% bounds (health monitor); values are varied within them in the Monte Carlo.
    top_k : int, optional
        k of ``kans_top``; defaults to ``profile.top_k``.
    population_column : str
        Column of ``frame`` with the number of inhabitants (the minimum population rule).
    chunk : int, optional
        Draws computed together; by default all draws at once while n x draws <= 2 million,
        else 50. Memory: about (varied indicators + 4) x n x chunk x 4 bytes per worker, plus
        the rank statistics, n x 1,024 counts of 1-4 bytes, independent of the draws (64,000
        buurten x 10,000 draws: see bench/scoring.py). From 1,024 scored buurten on, the
        draws are computed twice (three times from 262,144): the exact rank percentiles are
        found in passes over the same draws.
    workers : int, optional
        Threads for the Monte Carlo chunks (default: the number of cores, at most 4, for
        frames of 2,000 buurten or more; one otherwise). The result does not depend on it.
    known_ids : collection of str, optional
        Every indicator id that exists (the catalogue). A profile indicator in it but not in
        ``frame`` is left out with a note; an id in neither is a typo and raises.

    Returns
    -------
    DataFrame
        Indexed like ``frame``: ``score`` (0-100), ``rang`` (1 = highest need; ties broken
        by higher ``kans_top``, then buurtcode, see :func:`point_ranks`), ``rang_laag``,
        ``rang_hoog`` (90% interval), ``kans_top``, ``robuust_top``, ``zekerheid`` (0-1),
        ``dekking`` (0-1: share of the weight resting on the buurt's own published values),
        ``n_geimputeerd``, ``geimputeerd``, ``reden`` (why there is no score), ``te_klein``
        (population unknown or under the minimum: show no indicator of this buurt), one
        ``domein__<name>`` column per domain (0-100) and one ``bijdrage__<id>`` per indicator
        (points of the score). ``attrs["warnings"]`` lists what was left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from models.profile import ScoringProfile
    >>> prof = ScoringProfile(name="t", domains=[{"name": "G", "indicators": [{"id": "a"}]}])
    >>> df = pd.DataFrame({"a": [1.0, 3.0, 2.0], "inwoners": [500, 500, 500]},
    ...                   index=["BU1", "BU2", "BU3"])
    >>> score_buurten(df, prof, draws=0)["rang"].tolist()
    [3.0, 1.0, 2.0]
    """
    k = top_k or profile.top_k
    if population_column not in frame.columns:
        raise ProfileError(
            f"de tabel heeft geen kolom {population_column!r}; de regel voor het minimum aantal "
            "inwoners heeft die nodig"
        )
    pop = frame[population_column].astype(float)
    too_small = pop < profile.min_population
    unknown = pop.isna()
    scored = frame.index[~too_small & ~unknown]
    if len(scored) == 0:
        raise ProfileError(f"geen buurt heeft minstens {profile.min_population} inwoners")
    prep = _prepare(frame, profile, scored, states, lower, upper, known_ids)
    # buurten scored mostly from filled-in values get no score: too little data
    effw0 = prep.W[prep.dom_of] * prep.w
    observed_share = pd.Series((prep.observed * effw0).sum(axis=1), index=scored)
    too_thin = observed_share < profile.min_observed_share - 1e-9
    if too_thin.any():
        scored = scored[~too_thin.to_numpy()]
        if len(scored) == 0:
            raise ProfileError(
                f"geen buurt heeft waargenomen waarden voor minstens "
                f"{profile.min_observed_share:.0%} van het gewicht van het profiel; verlaag "
                "min_observed_share of kies andere indicatoren"
            )
        prep = _prepare(frame, profile, scored, states, lower, upper, known_ids)
        prep.warnings.append(
            f"{int(too_thin.sum())} buurt(en) zonder score: minder dan "
            f"{profile.min_observed_share:.0%} van het gewicht rust op waargenomen waarden"
        )
    n, p = prep.raw.shape
    # fit only the normalisers that are used: all of them when the Monte Carlo varies them
    used = list(NORMALISERS) if draws > 0 and profile.vary_normalisation else []
    used = list(dict.fromkeys([profile.normalisation, *used]))
    fits = {name: [NORMALISERS[name](prep.raw[:, j]) for j in range(p)] for name in used}
    xn = {
        name: np.column_stack([f(prep.raw[:, j]) for j, f in enumerate(fs)])
        for name, fs in fits.items()
    }

    # point estimate
    w1 = prep.w[:, None]
    score, dom = _scores(
        prep, {}, [profile.normalisation], w1, prep.W[:, None], profile.aggregation, fits, xn
    )
    score = score[:, 0] * 100.0
    dom = dom[:, :, 0].T * 100.0

    # contributions: share of each indicator in its domain, times the domain weight
    contrib = np.zeros((n, p))
    xnorm = xn[profile.normalisation]
    present = ~np.isnan(xnorm)
    dom_present = ~np.isnan(dom)
    Wb = np.where(dom_present, prep.W[None, :], 0.0)
    Wb = Wb / np.where(Wb.sum(axis=1, keepdims=True) > 0, Wb.sum(axis=1, keepdims=True), 1)
    for j in range(p):
        kk = prep.dom_of[j]
        members = prep.dom_of == kk
        wsum = (present[:, members] * prep.w[members]).sum(axis=1)
        share = np.where(present[:, j], prep.w[j] / np.where(wsum > 0, wsum, 1), 0.0)
        contrib[:, j] = np.where(present[:, j], xnorm[:, j], 0.0) * share * Wb[:, kk] * 100
    if profile.aggregation != "arithmetic":
        total = contrib.sum(axis=1, keepdims=True)
        contrib = contrib * np.where(total > 0, score[:, None] / np.where(total > 0, total, 1), 0)

    out = pd.DataFrame(index=frame.index)
    at = frame.index.get_indexer(scored)  # positions of the scored buurten, found once

    def spread(values: np.ndarray) -> np.ndarray:
        """Values of the scored buurten -> a column of ``out`` (NaN for the others)."""
        full = np.full(len(frame), np.nan)
        full[at] = values
        return full

    out["score"] = spread(score)
    out["rang"] = np.nan  # filled below by the tie rule, once kans_top is known

    if draws > 0:
        norm_names = list(NORMALISERS) if profile.vary_normalisation else [profile.normalisation]
        chunk = chunk or (draws if n * draws <= 2_000_000 else 50)
        starts = list(range(0, draws, chunk))
        # one independent stream per chunk: the same seed gives the same result whatever
        # the number of worker threads or the order in which chunks finish
        streams = np.random.SeedSequence(seed).spawn(len(starts))

        def run_chunk(i: int) -> np.ndarray:
            rng = np.random.default_rng(streams[i])
            c = min(chunk, draws - starts[i])
            return _ranks(_mc_chunk(prep, profile, rng, c, norm_names, fits, xn))

        stats = _RankStats(n, draws, k)
        default = 1 if n < 2000 else (os.cpu_count() or 1)  # threads only pay off on big frames
        n_workers = max(1, min(workers or default, 4, len(starts)))
        # every pass replays the same chunks (same streams, same ranks); one pass while
        # n < 1,024 (any gemeente), two for a national frame (see _RankStats)
        while not stats.done:
            if n_workers == 1:
                for r in map(run_chunk, range(len(starts))):
                    stats.add(r)
            else:  # numpy releases the GIL in the heavy loops: chunks run on all cores
                from threadpoolctl import threadpool_limits

                # one BLAS thread per worker; more would oversubscribe the cores. At most two
                # chunks per worker are in flight, folded in in chunk order: bounded memory.
                with (
                    threadpool_limits(1, user_api="blas"),
                    ThreadPoolExecutor(n_workers) as pool,
                ):
                    ahead: deque = deque()
                    for i in range(len(starts)):
                        ahead.append(pool.submit(run_chunk, i))
                        if len(ahead) >= 2 * n_workers:
                            stats.add(ahead.popleft().result())
                    while ahead:
                        stats.add(ahead.popleft().result())
            stats.end_pass()
        lo, hi, ptop = stats.result()
        out["rang_laag"] = spread(np.floor(lo))
        out["rang_hoog"] = spread(np.ceil(hi))
        out["kans_top"] = spread(ptop)
        out["rang"] = point_ranks(out["score"], out["kans_top"])
        out["robuust_top"] = (out["kans_top"] >= 0.9).astype("boolean")
        out.loc[out["score"].isna(), "robuust_top"] = pd.NA
    else:
        out["rang"] = point_ranks(out["score"])
        out["rang_laag"] = out["rang"]
        out["rang_hoog"] = out["rang"]
        out["kans_top"] = (out["rang"] <= k).astype(float).where(out["rang"].notna())
        out["robuust_top"] = pd.array([pd.NA] * len(out), dtype="boolean")
    effw = np.array([prep.W[prep.dom_of[j]] * prep.w[j] for j in range(p)])
    out["zekerheid"] = spread((prep.quality * effw).sum(axis=1))
    # share of the weight resting on values filled in by the missing-value policy; a buurt
    # scored mostly from filled-in values is never robust, whatever its kans_top
    out["aandeel_aangevuld"] = spread((prep.imputed.to_numpy() * effw).sum(axis=1))
    if draws > 0:
        out.loc[out["aandeel_aangevuld"] >= 0.5, "robuust_top"] = False
    # coverage: the share of the weight that rests on the buurt's own published values
    # (not filled in, not taken from the wijk)
    out["dekking"] = spread(((prep.quality >= 1.0) * effw).sum(axis=1))
    imp = prep.imputed
    out["n_geimputeerd"] = imp.sum(axis=1).reindex(frame.index).fillna(0).astype(int)
    names = pd.Series("", index=imp.index)
    for col in imp.columns:
        names = names.where(~imp[col], names + "," + col)
    out["geimputeerd"] = names.str.lstrip(",").reindex(frame.index).fillna("")
    reden = pd.Series("", index=frame.index)
    reden[unknown] = "geen score: aantal inwoners onbekend"
    reden[too_small] = f"geen score: minder dan {profile.min_population} inwoners"
    thin = too_thin[too_thin].index
    reden[thin] = "geen score (te weinig gegevens)"
    reden[out["score"].isna() & (reden == "")] = "geen score: geen indicatorwaarden"
    out["reden"] = reden
    # Disclosure control: no indicator of these buurten may be shown anywhere.
    out["te_klein"] = (unknown | too_small).reindex(frame.index).fillna(True).astype(bool)
    for kk, name in enumerate(prep.domains):
        out[f"domein__{name}"] = spread(dom[:, kk])
    for j, ind in enumerate(prep.ids):
        out[f"bijdrage__{ind}"] = spread(contrib[:, j])
    out.attrs["warnings"] = prep.warnings
    out.attrs["profile"] = profile.name
    out.attrs["top_k"] = k
    if prep.explained is not None:
        out.attrs["pca_explained_variance"] = prep.explained
    return out
