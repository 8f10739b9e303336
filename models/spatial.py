"""Spatial statistics on scores: local Moran hotspots with FDR control, global Moran's I."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["contiguity_weights", "hotspots", "QUADRANTS"]

QUADRANTS = {1: "hoog-hoog", 2: "laag-hoog", 3: "laag-laag", 4: "hoog-laag"}


def contiguity_weights(frame: gpd.GeoDataFrame):
    """Queen contiguity, with each island linked to its nearest neighbour (row-standardised)."""
    from libpysal import weights

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = weights.Queen.from_dataframe(frame, use_index=True)
        if w.islands:
            knn = weights.KNN.from_dataframe(
                frame.set_geometry(frame.representative_point()), k=1, use_index=True
            )
            w = weights.attach_islands(w, knn)
    w.transform = "r"
    return w


def _fdr(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini-Hochberg: which p-values are significant at false discovery rate alpha."""
    order = np.argsort(p)
    ranked = p[order] * len(p) / (np.arange(len(p)) + 1)
    passed = ranked <= alpha
    sig = np.zeros(len(p), dtype=bool)
    if passed.any():
        sig[order[: np.flatnonzero(passed).max() + 1]] = True
    return sig


def hotspots(
    frame: gpd.GeoDataFrame,
    column: str = "score",
    *,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    fdr: bool = True,
) -> pd.DataFrame:
    """Local Moran's I of ``column`` with permutation p-values and quadrant labels.

    Buurten without a value are left out of the weights and get no label. ``attrs`` carries
    the global Moran's I and its permutation p-value.

    Returns
    -------
    DataFrame
        Indexed like ``frame``: ``local_i``, ``p_sim``, ``significant``, ``kwadrant``
        (hoog-hoog, laag-laag, hoog-laag, laag-hoog or 'niet significant').
    """
    from esda.moran import Moran, Moran_Local

    valid = frame[frame[column].notna()]
    out = pd.DataFrame(index=frame.index, columns=["local_i", "p_sim", "significant", "kwadrant"])
    if len(valid) < 4:
        out.attrs.update(moran_i=float("nan"), moran_p=float("nan"))
        return out
    w = contiguity_weights(valid)
    y = valid[column].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lisa = Moran_Local(y, w, permutations=permutations, seed=seed)
        glob = Moran(y, w, permutations=permutations)
    sig = _fdr(lisa.p_sim, alpha) if fdr else lisa.p_sim <= alpha
    labels = np.where(sig, [QUADRANTS[q] for q in lisa.q], "niet significant")
    out.loc[valid.index, "local_i"] = lisa.Is
    out.loc[valid.index, "p_sim"] = lisa.p_sim
    out.loc[valid.index, "significant"] = sig
    out.loc[valid.index, "kwadrant"] = labels
    out["local_i"] = out["local_i"].astype(float)
    out["p_sim"] = out["p_sim"].astype(float)
    out.attrs.update(moran_i=float(glob.I), moran_p=float(glob.p_sim))
    return out
