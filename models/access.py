"""Coverage and gaps: what already happens in and near each buurt (pure functions).

All distances are straight-line metres in RD New (EPSG:28992) from the buurt centroid.
Inputs are plain frames (as returned by :class:`geo.registry.Registry.table`); outputs are
indexed by buurtcode like the buurten frame.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import missing_crs

from ._methods import pick_method

__all__ = [
    "ACTIVE_STATUSES",
    "active_initiatives",
    "THEME_INDICATORS",
    "DECAYS",
    "coverage_table",
    "two_step_fca",
    "find_gaps",
]

#: Initiatives that count as "happening" (granted or running).
ACTIVE_STATUSES = ("toegekend", "lopend")
#: Which indicators show a need that an initiative theme answers (for thematic gaps).
THEME_INDICATORS = {
    "eenzaamheid/ontmoeting": ("eenzaam", "ernstig_eenzaam"),
    "geldzorgen": ("moeite_rondkomen", "pct_hh_laag_inkomen", "pct_hh_sociaal_minimum"),
    "gezondheid/bewegen": ("overgewicht", "beperkt_gezondheid", "gezondheid_goed"),
    "jeugd en gezin": ("pct_jeugdzorg",),
    "mantelzorg": ("mantelzorger",),
}


def _gaussian(d: np.ndarray, d0: float) -> np.ndarray:
    """Gaussian decay, 1 at distance 0 and 0 at the catchment edge d0 (Dai 2010)."""
    edge = math.exp(-0.5)
    w = (np.exp(-0.5 * (d / d0) ** 2) - edge) / (1.0 - edge)
    return np.where(d <= d0, w, 0.0)


def _step(d: np.ndarray, d0: float) -> np.ndarray:
    return (d <= d0).astype(float)


#: Distance decays for the 2SFCA (id -> function(distances, catchment); one method-table shape).
DECAYS = {"gaussian": _gaussian, "step": _step}


def _centroids(buurten: gpd.GeoDataFrame) -> np.ndarray:
    if buurten.crs is None:
        raise missing_crs("buurten")
    rd = buurten.to_crs(28992) if buurten.crs.to_epsg() != 28992 else buurten
    c = rd.geometry.centroid
    return np.column_stack([c.x.to_numpy(), c.y.to_numpy()])


def _points(frame: pd.DataFrame) -> np.ndarray:
    if frame is None or frame.empty:
        return np.empty((0, 2))
    xy = frame[["x", "y"]].astype(float)
    return xy.dropna().to_numpy()


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0 or len(b) == 0:
        return np.empty((len(a), len(b)))
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))


def active_initiatives(initiatieven: pd.DataFrame | None) -> pd.DataFrame:
    """The initiatives that count as happening (:data:`ACTIVE_STATUSES`).

    Parameters
    ----------
    initiatieven : DataFrame or None
        Registry initiatives with a ``status`` column; None or empty for none.

    Returns
    -------
    DataFrame
        The rows whose status is in :data:`ACTIVE_STATUSES`; an empty frame with the columns
        ``thema``, ``status``, ``buurtcode``, ``x`` and ``y`` when there are none.
    """
    if initiatieven is None or initiatieven.empty:
        return pd.DataFrame(columns=["thema", "status", "buurtcode", "x", "y"])
    return initiatieven[initiatieven["status"].isin(ACTIVE_STATUSES)]


def coverage_table(
    buurten: gpd.GeoDataFrame,
    *,
    initiatieven: pd.DataFrame | None = None,
    locaties: pd.DataFrame | None = None,
    wijkteams: pd.DataFrame | None = None,
    toewijzing: pd.DataFrame | None = None,
    need: pd.Series | None = None,
    themes: Iterable[str] = (),
) -> pd.DataFrame:
    """Per buurt: initiatives (per 1,000 inhabitants, by theme), distances and wijkteam load.

    Parameters
    ----------
    buurten : GeoDataFrame
        Indexed by buurtcode with ``inwoners``; any CRS (converted to RD New).
    initiatieven, locaties, wijkteams, toewijzing : DataFrame
        Registry tables. Active initiatives (:data:`ACTIVE_STATUSES`) count in the buurt of their
        ``buurtcode``.
    need : Series, optional
        Priority score (0-100) per buurt, for the priority-weighted wijkteam load.
    themes : iterable of str, optional
        The initiative themes to count per 1,000 inhabitants (the registry passes its
        ``THEMES``); one ``per_1000__<thema>`` column each, also when no initiative has it.

    Returns
    -------
    DataFrame
        ``initiatieven``, ``initiatieven_per_1000``, ``per_1000__<thema>``,
        ``afstand_ontmoetingspunt_m`` (nearest informatiewinkel or wijkcentrum),
        ``afstand_huisarts_m``, ``wijkteam_id``, ``afstand_wijkteam_m``,
        ``wijkteam_inwoners_per_fte`` and ``wijkteam_nood_per_fte``.
    """
    index = buurten.index
    inw = buurten["inwoners"].astype(float)
    out = pd.DataFrame(index=index)
    act = active_initiatives(initiatieven)
    counts = act.groupby("buurtcode").size() if not act.empty else pd.Series(dtype=float)
    out["initiatieven"] = counts.reindex(index).fillna(0).astype(int)
    per = 1000.0 / inw.where(inw > 0)
    out["initiatieven_per_1000"] = out["initiatieven"] * per
    for thema in themes:
        sub = act[act["thema"] == thema] if not act.empty else act
        n = sub.groupby("buurtcode").size() if not sub.empty else pd.Series(dtype=float)
        out[f"per_1000__{thema}"] = n.reindex(index).fillna(0) * per
    centroids = _centroids(buurten)
    loc = locaties if locaties is not None else pd.DataFrame(columns=["soort", "x", "y"])
    for column, kinds in (
        ("afstand_ontmoetingspunt_m", ("informatiewinkel", "wijkcentrum")),
        ("afstand_huisarts_m", ("huisarts",)),
    ):
        pts = _points(loc[loc["soort"].isin(kinds)]) if not loc.empty else np.empty((0, 2))
        d = _distances(centroids, pts)
        out[column] = d.min(axis=1) if d.shape[1] else np.nan
    out["wijkteam_id"] = None
    out["afstand_wijkteam_m"] = np.nan
    out["wijkteam_inwoners_per_fte"] = np.nan
    out["wijkteam_nood_per_fte"] = np.nan
    if toewijzing is not None and not toewijzing.empty and wijkteams is not None:
        team = toewijzing.set_index("buurtcode")["wijkteam_id"].reindex(index)
        out["wijkteam_id"] = team
        teams = wijkteams.set_index("id")
        tx = team.map(teams["x"]).astype(float).to_numpy()
        ty = team.map(teams["y"]).astype(float).to_numpy()
        out["afstand_wijkteam_m"] = np.hypot(centroids[:, 0] - tx, centroids[:, 1] - ty)
        load = inw.groupby(team).sum()
        fte = teams["fte"].astype(float)
        out["wijkteam_inwoners_per_fte"] = team.map(load / fte.where(fte > 0))
        if need is not None:
            weighted = (inw * need.reindex(index).fillna(0) / 100.0).groupby(team).sum()
            out["wijkteam_nood_per_fte"] = team.map(weighted / fte.where(fte > 0))
    return out


def two_step_fca(
    buurten: gpd.GeoDataFrame,
    supply: pd.DataFrame,
    *,
    capacity: str | None = None,
    catchment_m: float = 1500.0,
    decay: str = "gaussian",
) -> pd.Series:
    """Two-step floating catchment area access per buurt (supply per 1,000 inhabitants).

    Step 1: each supply point's capacity is divided by the decay-weighted population within
    ``catchment_m``. Step 2: each buurt sums the ratios of the points within reach, weighted by
    the same decay. Buurten with nothing in reach get 0.

    Parameters
    ----------
    buurten : GeoDataFrame
        Buurt polygons in RD New with ``inwoners``, indexed by buurtcode.
    supply : DataFrame
        ``x``, ``y`` in RD New and, if ``capacity`` is given, that column (e.g. ``fte``);
        otherwise every point has capacity 1 (e.g. initiatives).
    capacity : str, optional
        Column of ``supply`` with each point's capacity.
    catchment_m : float, default 1500
        Catchment radius in metres (> 0).
    decay : {"gaussian", "step"}
        Distance decay within the catchment (a key of :data:`DECAYS`).

    Returns
    -------
    Series
        Access per buurt (supply per 1,000 inhabitants within reach), named ``toegang``,
        indexed like ``buurten``; 0 where nothing is in reach.
    """
    weight = pick_method(DECAYS, decay, "afstandsverval")
    if catchment_m <= 0:
        raise ValueError(f"catchment_m must be > 0, got {catchment_m}")
    pop = buurten["inwoners"].astype(float).fillna(0.0).to_numpy()
    sup = supply.dropna(subset=["x", "y"]) if supply is not None else pd.DataFrame()
    if sup.empty:
        return pd.Series(0.0, index=buurten.index, name="toegang")
    cap = sup[capacity].astype(float).to_numpy() if capacity else np.ones(len(sup))
    w = weight(_distances(_centroids(buurten), _points(sup)), catchment_m)
    demand = (pop[:, None] * w).sum(axis=0)
    ratio = np.where(demand > 0, cap / np.where(demand > 0, demand, 1.0), 0.0)
    access = (w * ratio[None, :]).sum(axis=1) * 1000.0
    return pd.Series(access, index=buurten.index, name="toegang")


def find_gaps(
    buurten: gpd.GeoDataFrame,
    scores: pd.DataFrame,
    *,
    initiatieven: pd.DataFrame | None,
    access: pd.Series,
    catchment_m: float = 1500.0,
    top_band: float = 0.2,
    low_access_quantile: float = 0.25,
    labels: Mapping[str, str] | None = None,
    number: Callable[[float, int], str] | None = None,
) -> pd.DataFrame:
    """Buurten with high need and little nearby: the list for buurtnetwerkers.

    ``number(value, decimals)`` formats the figures in the explanation (the application
    passes its Dutch formatter, :func:`wijkradar.render.format.fmt_number`).

    A buurt is a gap when it is in the priority top band (``rang`` within the best
    ``top_band`` share of scored buurten) and its ``access`` is in the lowest
    ``low_access_quantile``, or when an indicator of a theme is in the top band of the
    gemeente and no active initiative of that theme lies within ``catchment_m``. The
    explanation names the indicators in the top band, by ``labels`` (id -> Dutch label).

    Parameters
    ----------
    buurten : GeoDataFrame
        The buurten, indexed by buurtcode, with ``buurtnaam`` when known.
    scores : DataFrame
        Scoring output indexed by buurtcode (score, rank, ``te_klein`` and the normalised
        indicator columns).
    initiatieven : DataFrame or None
        Registry initiatives (``thema``, ``status``, ``x``, ``y`` in RD New); only active ones
        count (:func:`active_initiatives`).
    access : Series
        Access per buurtcode, e.g. from :func:`two_step_fca`; higher is better.
    catchment_m : float, default 1500
        Distance in metres within which an initiative of a theme counts as nearby.
    top_band : float, default 0.2
        Share of the scored buurten that forms the priority top band.
    low_access_quantile : float, default 0.25
        Quantile of access (over the scored buurten) at or below which access is low.
    labels : mapping of str to str, optional
        Indicator id -> Dutch label for the explanation; the id when absent.
    number : callable, optional
        ``number(value, decimals) -> str`` to format figures; plain ``f"{value:.{d}f}"`` when
        not given.

    Returns
    -------
    DataFrame
        One row per (buurt, reason): ``buurtcode``, ``buurtnaam``, ``rang``, ``soort``
        ('toegang' or the theme) and ``toelichting`` (Dutch).
    """
    fmt = number or (lambda v, d: f"{v:.{d}f}")
    scored = scores["score"].notna() & ~scores.get("te_klein", pd.Series(False, index=scores.index))
    n = int(scored.sum())
    cutoff = max(1, math.ceil(top_band * n))
    top = scored & (scores["rang"] <= cutoff)
    acc = access.reindex(scores.index)
    low = acc <= acc[scored].quantile(low_access_quantile)
    names = buurten["buurtnaam"] if "buurtnaam" in buurten else pd.Series("", index=buurten.index)
    rows = []
    for code in scores.index[top & low]:
        rows.append(
            {
                "buurtcode": code,
                "buurtnaam": names.get(code, ""),
                "rang": scores.loc[code, "rang"],
                "soort": "toegang",
                "toelichting": (
                    f"rang {int(scores.loc[code, 'rang'])} (top {cutoff}) en weinig aanbod in de "
                    f"buurt (toegang {fmt(acc[code], 2)} per 1.000 inwoners)"
                ),
            }
        )
    act = active_initiatives(initiatieven)
    centroids = pd.DataFrame(_centroids(buurten), index=buurten.index, columns=["x", "y"])
    for thema, indicators in THEME_INDICATORS.items():
        present = [i for i in indicators if i in buurten.columns]
        if not present:
            continue
        values = buurten.loc[scored[scored].index, present].astype(float).dropna(axis=1, how="all")
        if values.empty:
            continue
        higher_better = {"gezondheid_goed"}
        ranks = pd.concat(
            [
                (1 - values[c].rank(pct=True)) if c in higher_better else values[c].rank(pct=True)
                for c in values.columns
            ],
            axis=1,
        )
        in_band = ranks >= 1 - top_band
        high = ranks.index[in_band.any(axis=1)]
        pts = _points(act[act["thema"] == thema]) if not act.empty else np.empty((0, 2))
        d = _distances(centroids.loc[high].to_numpy(), pts)
        nearby = (d <= catchment_m).sum(axis=1) if d.shape[1] else np.zeros(len(high))
        for code, k in zip(high, nearby, strict=True):
            if k == 0:
                rows.append(
                    {
                        "buurtcode": code,
                        "buurtnaam": names.get(code, ""),
                        "rang": scores.loc[code, "rang"],
                        "soort": thema,
                        "toelichting": (
                            "hoge waarde voor "
                            + ", ".join(
                                (labels or {}).get(c, c)
                                for c in values.columns[in_band.loc[code].to_numpy()]
                            )
                            + f" en geen lopend initiatief '{thema}' binnen "
                            f"{fmt(catchment_m, 0)} m"
                        ),
                    }
                )
    gaps = pd.DataFrame(rows, columns=["buurtcode", "buurtnaam", "rang", "soort", "toelichting"])
    return gaps.sort_values(["rang", "soort"], na_position="last").reset_index(drop=True)
