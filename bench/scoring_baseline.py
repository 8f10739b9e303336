"""A plain vectorised numpy implementation of the scoring, the yardstick of ``bench/scoring.py``.

It implements the same profile semantics as :func:`models.score_buurten` for what the benchmark
scores (manual or equal weights, ``gemeente_mean`` or ``drop`` missing policy, any
normalisation and aggregation, health values varied within their 95% bounds, filled-in values
drawn from the observed ones, Dirichlet weights, the normaliser drawn per draw) and returns the
score and the Monte Carlo rank statistics (``rang_laag``, ``rang_hoog``, ``kans_top``). It is
written the way one would write it directly in numpy: every draw of a chunk as one
``(n, p, c)`` block, einsum for the weighted sums, ``argsort`` for the ranks, all ranks kept and
``np.percentile`` at the end. It shares only the fitted normalisers (``models.NORMALISERS``,
the definition of the normalisation, including the tabulated percentile transform for large
frames) and draws its own random numbers, so its intervals agree with the scoring's within
Monte Carlo error, not to the bit. It does none of the bookkeeping the scoring adds
(contributions, confidence, coverage, reasons, names of filled-in indicators): the ratio in
``bench/scoring.py`` therefore flatters the baseline, not the scoring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models import NORMALISERS, ScoringProfile

EXP_C = 1.0 - np.exp(-100.0 / 23.0)


def _prepare(frame: pd.DataFrame, profile: ScoringProfile, lower, upper):
    pop = frame["inwoners"].astype(float)
    scored = frame.index[(pop >= profile.min_population) & pop.notna()]
    sub = frame.reindex(index=scored)
    ids, dom_of, w, W = [], [], [], []
    for d in profile.domains:
        usable = [i for i in d.indicators if i.id in sub and sub[i.id].notna().any()]
        total = sum(i.weight for i in usable)
        if not usable or total <= 0:
            continue
        for i in usable:
            ids.append(i.id)
            dom_of.append(len(W))
            w.append(1.0 / len(usable) if profile.weighting == "equal" else i.weight / total)
        W.append(1.0 if profile.weighting == "equal" else d.weight)
    if profile.weighting not in ("manual", "equal") or profile.missing == "wijk_mean":
        raise NotImplementedError("baseline: manual/equal weights, gemeente_mean/drop only")
    dom_of_a, w_a, W_a = np.array(dom_of), np.array(w), np.array(W) / sum(W)
    values = sub[ids].to_numpy(dtype=float)
    observed = ~np.isnan(values)
    # buurten whose observed values carry too little of the weight get no score
    share = (observed * (W_a[dom_of_a] * w_a)).sum(axis=1)
    keep = share >= profile.min_observed_share - 1e-9
    scored, values, observed = scored[keep], values[keep], observed[keep]
    direction = {i.id: i.direction for d in profile.domains for i in d.indicators}
    sign = np.array([-1.0 if direction[i] == "hoger_beter" else 1.0 for i in ids])
    raw = values * sign
    if profile.missing == "gemeente_mean":
        raw = np.where(observed, raw, np.nanmean(raw, axis=0))
    sd = np.zeros_like(raw)
    if lower is not None and upper is not None:
        lo = lower.reindex(index=scored, columns=ids).to_numpy(dtype=float)
        hi = upper.reindex(index=scored, columns=ids).to_numpy(dtype=float)
        width = (hi - lo) / (2 * 1.959964)
        sd = np.where(np.isfinite(width) & (width > 0) & observed, width, 0.0)
    filled = ~observed & ~np.isnan(raw)
    return scored, raw, observed, filled, sd, dom_of_a, w_a, W_a


def _aggregate(dom: np.ndarray, W: np.ndarray, how: str) -> np.ndarray:
    """Domain scores (n, D, c) and weights (D, c) -> scores (n, c), empty domains re-weighted."""
    ok = ~np.isnan(dom)
    if how == "geometric":
        dom = np.log(0.01 + 0.99 * dom)
    elif how == "exponential":
        r = (np.argsort(np.argsort(dom, axis=0), axis=0) + 1) / ok.sum(axis=0)
        dom = np.where(ok, -23.0 * np.log(1.0 - r * EXP_C) / 100.0, np.nan)
    Wb = np.where(ok, W[None], 0.0)
    out = np.nansum(dom * Wb, axis=1) / Wb.sum(axis=1)
    return (np.exp(out) - 0.01) / 0.99 if how == "geometric" else out


def _domains(xn: np.ndarray, w: np.ndarray, dom_of: np.ndarray, n_dom: int) -> np.ndarray:
    """Normalised values (p, n, c) and weights (p, c) -> domain scores (n, D, c)."""
    out = np.empty((xn.shape[1], n_dom, xn.shape[2]))
    for k in range(n_dom):
        x = xn[dom_of == k]
        ok = ~np.isnan(x)
        num = np.einsum("pnc,pc->nc", np.where(ok, x, 0.0), w[dom_of == k])
        den = np.einsum("pnc,pc->nc", ok, w[dom_of == k])
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, k] = np.where(den > 0, num / den, np.nan)
    return out


def baseline_scores(
    frame: pd.DataFrame,
    profile: ScoringProfile,
    *,
    seed: int,
    draws: int,
    lower: pd.DataFrame | None = None,
    upper: pd.DataFrame | None = None,
    chunk: int = 50,
) -> pd.DataFrame:
    """Score, rang_laag, rang_hoog and kans_top of every scored buurt (the baseline)."""
    scored, raw, observed, filled, sd, dom_of, w, W = _prepare(frame, profile, lower, upper)
    n, p = raw.shape
    n_dom = len(W)
    names = list(NORMALISERS) if profile.vary_normalisation else [profile.normalisation]
    fits = {m: [NORMALISERS[m](raw[:, j]) for j in range(p)] for m in names}
    if profile.normalisation not in fits:
        fits[profile.normalisation] = [NORMALISERS[profile.normalisation](x) for x in raw.T]
    point = {m: np.column_stack([f(raw[:, j]) for j, f in enumerate(fs)]) for m, fs in fits.items()}
    xn = point[profile.normalisation].T[:, :, None]
    score = _aggregate(_domains(xn, w[:, None], dom_of, n_dom), W[:, None], profile.aggregation)
    out = pd.DataFrame({"score": score[:, 0] * 100.0}, index=scored)
    if draws == 0:
        return out
    rng = np.random.default_rng(seed)
    varied = np.flatnonzero(sd.any(axis=0) | filled.any(axis=0))
    pools = [raw[observed[:, j], j] for j in range(p)]
    ranks = np.empty((n, draws), dtype=np.float32)
    for start in range(0, draws, chunk):
        c = min(chunk, draws - start)
        norms = rng.choice(names, size=c)
        wd = np.zeros((p, c))
        for k in range(n_dom):
            m = dom_of == k
            wd[m] = rng.dirichlet(profile.concentration * w[m], size=c).T if m.sum() > 1 else 1.0
        Wd = rng.dirichlet(profile.concentration * W, size=c).T if n_dom > 1 else np.ones((1, c))
        x = np.stack([point[m].T for m in norms], axis=2)  # (p, n, c)
        for j in varied:
            v = raw[:, j, None] + sd[:, j, None] * rng.standard_normal((n, c))
            rows = filled[:, j]
            if rows.any() and pools[j].size >= 2:
                v[rows] = rng.choice(pools[j], size=(int(rows.sum()), c))
            for m in names:
                cols = norms == m
                if cols.any():
                    f = fits[m][j]
                    x[j][:, cols] = getattr(f, "fast", f)(v[:, cols])
        s = _aggregate(_domains(x, wd, dom_of, n_dom), Wd, profile.aggregation)
        order = np.argsort(np.where(np.isnan(s), np.inf, -s), axis=0)
        r = np.empty((n, c), dtype=np.float32)
        np.put_along_axis(r, order, np.arange(1, n + 1, dtype=np.float32)[:, None], axis=0)
        r[np.isnan(s)] = n + 1
        ranks[:, start : start + c] = r
    lo, hi = np.percentile(ranks, [5, 95], axis=1)
    out["rang_laag"] = np.floor(lo)
    out["rang_hoog"] = np.ceil(hi)
    out["kans_top"] = (ranks <= profile.top_k).mean(axis=1)
    return out
