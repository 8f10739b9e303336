"""Spatial statistics on scores: local Moran and Getis-Ord Gi* hotspots with FDR control."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._methods import pick_method

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "contiguity_weights",
    "spatial_weights",
    "hotspots",
    "gi_star",
    "QUADRANTS",
    "SPATIAL_WEIGHTS",
]

QUADRANTS = {1: "hoog-hoog", 2: "laag-hoog", 3: "laag-laag", 4: "hoog-laag"}


def _points(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.set_geometry(frame.representative_point())


def _contiguity(kind: str):
    """Queen or Rook contiguity; an island is linked to its nearest buurt."""

    def build(frame: gpd.GeoDataFrame, k: int):
        from libpysal import weights

        w = getattr(weights, kind).from_dataframe(frame, use_index=True)
        if w.islands:
            knn = weights.KNN.from_dataframe(_points(frame), k=1, use_index=True)
            w = weights.attach_islands(w, knn)
        return w

    return build


def _nearest(frame: gpd.GeoDataFrame, k: int):
    """The ``k`` nearest buurten by representative point."""
    from libpysal import weights

    return weights.KNN.from_dataframe(_points(frame), k=min(k, len(frame) - 1), use_index=True)


#: Neighbour definitions for the hotspot statistics (id -> builder of libpysal weights;
#: labels in the app).
SPATIAL_WEIGHTS = {
    "queen": _contiguity("Queen"),
    "rook": _contiguity("Rook"),
    "knn": _nearest,
}


def contiguity_weights(frame: gpd.GeoDataFrame):
    """Queen contiguity, with each island linked to its nearest neighbour (row-standardised).

    Parameters
    ----------
    frame : GeoDataFrame
        Buurt polygons, indexed by buurtcode.

    Returns
    -------
    libpysal.weights.W
        Row-standardised queen weights (see :func:`spatial_weights`).
    """
    return spatial_weights(frame, "queen")


def spatial_weights(frame: gpd.GeoDataFrame, kind: str = "queen", *, k: int = 6):
    """Row-standardised spatial weights of the buurten in ``frame`` (libpysal ``W``).

    Parameters
    ----------
    frame : GeoDataFrame
        The buurten (polygons), indexed by buurtcode.
    kind : str
        ``queen`` (shared edge or corner), ``rook`` (shared edge) or ``knn`` (the ``k``
        nearest buurten by representative point). With contiguity, a buurt without a
        neighbour (an island) is linked to its nearest buurt.
    k : int
        Neighbours for ``knn``.

    Returns
    -------
    libpysal.weights.W
        Row-standardised weights on the index of ``frame``.
    """
    build = pick_method(SPATIAL_WEIGHTS, kind, "ruimtelijke gewichten")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = build(frame, k)
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


def _inputs(frame: gpd.GeoDataFrame, column: str, weights: str):
    """The buurten with a value, their weights and values; weights None when under 4."""
    valid = frame[frame[column].notna()]
    if len(valid) < 4:
        return valid, None, None
    return valid, spatial_weights(valid, weights), valid[column].to_numpy(dtype=float)


def _local_frame(index: pd.Index, valid: pd.Index, values: dict) -> pd.DataFrame:
    """Columns of a local statistic on ``valid`` rows; the first two are float, NaN elsewhere."""
    out = pd.DataFrame(index=index, columns=list(values))
    for col, v in values.items():
        if v is not None:
            out.loc[valid, col] = v
    for col in list(values)[:2]:
        out[col] = out[col].astype(float)
    return out


def hotspots(
    frame: gpd.GeoDataFrame,
    column: str = "score",
    *,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    fdr: bool = True,
    weights: str = "queen",
) -> pd.DataFrame:
    """Local Moran's I of ``column`` with permutation p-values and quadrant labels.

    Buurten without a value are left out of the weights and get no label. ``attrs`` carries
    the global Moran's I and its permutation p-value.

    Parameters
    ----------
    frame : GeoDataFrame
        Buurten with polygons (contiguity) and the ``column`` to test.
    column : str
        The values, e.g. ``score``; buurten without a value are left out.
    permutations : int
        Conditional permutations for the pseudo p-values.
    seed : int
        Seed of the permutations, for reproducible p-values.
    alpha : float
        Significance level (of the false discovery rate when ``fdr``).
    fdr : bool
        Benjamini-Hochberg over all buurten instead of each p-value on its own.
    weights : str
        A key of :data:`SPATIAL_WEIGHTS`: ``queen`` (default), ``rook`` or ``knn``.

    Returns
    -------
    DataFrame
        Indexed like ``frame``: ``local_i``, ``p_sim``, ``significant``, ``kwadrant``
        (hoog-hoog, laag-laag, hoog-laag, laag-hoog or 'niet significant').
    """
    from esda.moran import Moran, Moran_Local

    columns = ["local_i", "p_sim", "significant", "kwadrant"]
    valid, w, y = _inputs(frame, column, weights)
    if w is None:
        out = _local_frame(frame.index, valid.index, dict.fromkeys(columns))
        out.attrs.update(moran_i=float("nan"), moran_p=float("nan"))
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # keep_simulations=False: the n x permutations matrix of simulated local I's is not
        # needed for p_sim (it was the pipeline's largest array: 84 MB nationally)
        lisa = Moran_Local(y, w, permutations=permutations, seed=seed, keep_simulations=False)
        glob = Moran(y, w, permutations=permutations)
    sig = _fdr(lisa.p_sim, alpha) if fdr else lisa.p_sim <= alpha
    labels = np.where(sig, [QUADRANTS[q] for q in lisa.q], "niet significant")
    out = _local_frame(
        frame.index,
        valid.index,
        dict(zip(columns, [lisa.Is, lisa.p_sim, sig, labels], strict=True)),
    )
    out.attrs.update(moran_i=float(glob.I), moran_p=float(glob.p_sim))
    return out


def gi_star(
    frame: gpd.GeoDataFrame,
    column: str = "score",
    *,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    fdr: bool = True,
    weights: str = "queen",
) -> pd.DataFrame:
    """Getis-Ord Gi* of ``column``: clusters of high (hotspot) or low values (coldspot).

    Gi* compares the sum over a buurt and its neighbours (the buurt itself included) with
    the gemeente; unlike local Moran it has no outlier classes. p-values by conditional
    permutation (esda ``G_Local`` with ``star=True``), then Benjamini-Hochberg over all
    buurten when ``fdr``. Buurten without a value are left out and get no class.

    Parameters
    ----------
    frame : GeoDataFrame
        Buurten with polygons (contiguity) and the ``column`` to test.
    column : str
        The values, e.g. ``score``; buurten without a value are left out.
    permutations : int
        Conditional permutations for the pseudo p-values.
    seed : int
        Seed of the permutations, for reproducible p-values.
    alpha : float
        Significance level (of the false discovery rate when ``fdr``).
    fdr : bool
        Benjamini-Hochberg over all buurten instead of each p-value on its own.
    weights : str
        A key of :data:`SPATIAL_WEIGHTS`: ``queen`` (default), ``rook`` or ``knn``.

    Returns
    -------
    DataFrame
        Indexed like ``frame``: ``gi_z`` (standardised Gi*), ``p_sim``, ``significant`` and
        ``klasse`` (``hotspot``, ``coldspot`` or ``niet significant``).
    """
    from esda.getisord import G_Local

    columns = ["gi_z", "p_sim", "significant", "klasse"]
    valid, w, y = _inputs(frame, column, weights)
    if w is None:
        return _local_frame(frame.index, valid.index, dict.fromkeys(columns))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = G_Local(y, w, transform="R", permutations=permutations, star=True, seed=seed)
    sig = _fdr(g.p_sim, alpha) if fdr else g.p_sim <= alpha
    z = np.asarray(g.Zs, dtype=float)
    labels = np.where(sig, np.where(z > 0, "hotspot", "coldspot"), "niet significant")
    return _local_frame(
        frame.index, valid.index, dict(zip(columns, [z, g.p_sim, sig, labels], strict=True))
    )
