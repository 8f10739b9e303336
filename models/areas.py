"""Eigen gebieden: population-weighted indicators, score and change for a pool of buurten.

Pure functions. The same disclosure rule as for single buurten applies twice:

* a member buurt under the minimum population contributes **no** indicator value and no score
  to the area (otherwise its value could be recovered by comparing two areas that differ only
  by that buurt); its inhabitants are counted in the area's population (counts are published
  by CBS for every buurt) and reported as *not covered*;
* an area whose covered inhabitants are fewer than the minimum shows no indicator at all.

How each unit is pooled:

* ``aantal`` (counts): summed over the members with a value;
* ``% van huishoudens``: weighted by the number of households;
* ``klasse ...`` (e.g. stedelijkheid): not pooled (a class has no average);
* everything else (shares of inhabitants, per 1,000 inhabitants, survey estimates, money per
  inhabitant, distances): weighted by the number of inhabitants. For shares of another
  population (``% van jongeren``, ``% van woningen``, WOZ per woning) this is an
  approximation; the ``methode`` column says which weight was used.

Missing and suppressed values are left out and the ``dekking`` column gives the share of the
area's weight that has a value; values taken from the wijk (state ``wijkwaarde``) are used
but their share is reported (``aandeel_wijkwaarde``). Imputed values never enter: imputation
happens only inside scoring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .change import periods_of, trend_wide

__all__ = [
    "pool_method",
    "aggregate_indicators",
    "aggregate_score",
    "aggregate_trend",
]

NOT_POOLED = "niet samen te voegen"


def pool_method(unit: str) -> str:
    """How an indicator of ``unit`` is pooled: ``som``, ``huishoudens``, ``inwoners`` or not.

    Parameters
    ----------
    unit : str
        The indicator's unit from the catalogue (``aantal``, ``%``, ``% huishoudens``,
        ``klasse ...``).

    Returns
    -------
    str
        ``som`` (counts are summed), ``huishoudens`` or ``inwoners`` (weighted mean by that
        weight), or :data:`NOT_POOLED` for classes.
    """
    unit = (unit or "").strip().lower()
    if unit == "aantal":
        return "som"
    if unit.startswith("klasse"):
        return NOT_POOLED
    if "huishoudens" in unit:
        return "huishoudens"
    return "inwoners"


def _members(values: pd.DataFrame, members: Iterable[str]) -> pd.Index:
    wanted = pd.Index(list(dict.fromkeys(members)), name=values.index.name)
    missing = wanted.difference(values.index)
    if len(missing):
        raise KeyError(f"buurtcodes not in the data: {', '.join(missing[:5])}")
    return wanted


def aggregate_indicators(
    values: pd.DataFrame,
    states: pd.DataFrame,
    units: Mapping[str, str],
    members: Iterable[str],
    *,
    min_population: int,
    population: str = "inwoners",
    households: str = "huishoudens",
    excluded: pd.Series | None = None,
) -> pd.DataFrame:
    """Pool the indicators of ``members`` into one value per indicator.

    Parameters
    ----------
    values, states : DataFrame
        Indicator values and their states, indexed by buurtcode (``population`` and, when
        present, ``households`` columns among them).
    units : mapping
        Indicator id -> unit (decides the pooling, see :func:`pool_method`).
    members : iterable of str
        The buurtcodes of the area.
    min_population : int
        The profile's minimum population (per buurt and for the area as a whole).
    population : str, default "inwoners"
        Column of ``values`` with the inhabitants (weights of shares of inhabitants).
    households : str, default "huishoudens"
        Column of ``values`` with the households (weights of shares of households).
    excluded : Series of bool, optional
        Buurten that get no figures anyway (``te_klein`` of the scoring output); buurten
        under ``min_population`` or with unknown population are always excluded.

    Returns
    -------
    DataFrame
        Indexed by indicator: ``waarde``, ``methode``, ``dekking`` (0-1 share of the weight
        with a value), ``buurten_met_waarde``, ``aandeel_wijkwaarde``, ``getoond`` (False when
        hidden by the disclosure rule or not poolable) and ``reden``. ``attrs`` hold
        ``inwoners`` (all members), ``inwoners_gedekt`` (members above the minimum),
        ``buurten`` and ``buurten_te_klein``.

    Examples
    --------
    >>> v = pd.DataFrame({"inwoners": [1000.0, 3000.0], "huishoudens": [500.0, 1000.0],
    ...                   "eenzaam": [10.0, 20.0]}, index=["BU1", "BU2"])
    >>> s = pd.DataFrame("aanwezig", index=v.index, columns=v.columns)
    >>> out = aggregate_indicators(v, s, {"inwoners": "aantal", "eenzaam": "%"}, ["BU1", "BU2"],
    ...                            min_population=100)
    >>> float(out.loc["eenzaam", "waarde"]), float(out.loc["inwoners", "waarde"])
    (17.5, 4000.0)
    """
    idx = _members(values, members)
    pop = pd.to_numeric(values.loc[idx, population], errors="coerce").astype(float)
    small = pop.isna() | (pop < min_population)
    if excluded is not None:
        small |= excluded.reindex(idx).fillna(True).astype(bool)
    covered = idx[~small.to_numpy()]
    hh = (
        pd.to_numeric(values.loc[idx, households], errors="coerce").astype(float)
        if households in values.columns
        else pd.Series(np.nan, index=idx)
    )
    total_covered = float(pop.loc[covered].sum())
    area_hidden = total_covered < min_population
    rows = []
    for ind, unit in units.items():
        if ind not in values.columns:
            continue
        method = pool_method(unit)
        state = (
            states.loc[idx, ind].astype(str)
            if ind in states.columns
            else pd.Series("aanwezig", index=idx)
        )
        val = pd.to_numeric(values.loc[idx, ind], errors="coerce").astype(float)
        usable = val.notna() & ~state.isin(["onderdrukt", "ontbreekt"])
        row: dict[str, object] = {"indicator": ind, "methode": method}
        if method == "som":
            # counts are published for every buurt: all members, the small ones included
            have = usable
            weight = pd.Series(1.0, index=idx)
            value = float(val[have].sum()) if have.any() else np.nan
            base = idx
        else:
            base = covered
            weight = (hh if method == "huishoudens" else pop).reindex(idx)
            have = usable & weight.notna() & (weight > 0) & ~small
            wsum = float(weight[have].sum())
            value = float((val[have] * weight[have]).sum() / wsum) if wsum > 0 else np.nan
        all_weight = float(weight.reindex(base).fillna(0).sum())
        row["dekking"] = float(weight[have].sum()) / all_weight if all_weight > 0 else 0.0
        row["buurten_met_waarde"] = int(have.sum())
        wijk = have & (state == "wijkwaarde")
        row["aandeel_wijkwaarde"] = (
            float(weight[wijk].sum() / weight[have].sum()) if have.any() else 0.0
        )
        reden = ""
        if method == NOT_POOLED:
            value, reden = np.nan, "klassen zijn niet samen te voegen"
        elif method != "som" and area_hidden:
            value, reden = np.nan, f"minder dan {min_population} inwoners in buurten met cijfers"
        elif np.isnan(value):
            reden = "geen waarden in de buurten van dit gebied"
        row["waarde"] = value
        row["getoond"] = not np.isnan(value)
        row["reden"] = reden
        rows.append(row)
    out = pd.DataFrame(rows).set_index("indicator") if rows else pd.DataFrame()
    out.attrs.update(
        inwoners=float(pop.sum()),
        inwoners_gedekt=total_covered,
        buurten=len(idx),
        buurten_te_klein=int(small.sum()),
    )
    return out


def aggregate_score(
    scores: pd.DataFrame,
    population: pd.Series,
    members: Iterable[str],
    *,
    min_population: int,
) -> dict[str, float]:
    """Population-weighted mean score of the scored members, with its coverage.

    Parameters
    ----------
    scores : DataFrame
        Scoring output indexed by buurtcode (``score``, ``rang``, ``te_klein`` and, when present,
        ``n_geimputeerd``).
    population : Series
        Inhabitants per buurtcode (the weights).
    members : iterable of str
        The buurtcodes of the area.
    min_population : int
        Fewest inhabitants in scored members for the area to get a score.

    Returns
    -------
    dict of str to float
        ``score`` (NaN when fewer than ``min_population`` inhabitants live in scored members),
        ``dekking`` (share of the members' inhabitants in scored buurten),
        ``aandeel_ingevuld`` (share of the scored inhabitants whose buurt score used imputed
        values), ``rang_min``/``rang_max`` (best and worst rank among the members) and
        ``buurten_gescoord``.
    """
    idx = pd.Index(list(dict.fromkeys(members)))
    sub = scores.reindex(idx)
    pop = pd.to_numeric(population.reindex(idx), errors="coerce").astype(float)
    ok = sub["score"].notna() & ~sub["te_klein"].fillna(True).astype(bool) & pop.gt(0)
    wsum = float(pop[ok].sum())
    total = float(pop.fillna(0).sum())
    imputed = (
        sub["n_geimputeerd"].fillna(0).astype(float) > 0
        if "n_geimputeerd" in sub
        else pd.Series(False, index=idx)
    )
    score = float((sub.loc[ok, "score"] * pop[ok]).sum() / wsum) if wsum > 0 else np.nan
    if wsum < min_population:
        score = np.nan
    return {
        "score": score,
        "dekking": wsum / total if total > 0 else 0.0,
        "aandeel_ingevuld": float(pop[ok & imputed].sum() / wsum) if wsum > 0 else 0.0,
        "rang_min": float(sub.loc[ok, "rang"].min()) if ok.any() else np.nan,
        "rang_max": float(sub.loc[ok, "rang"].max()) if ok.any() else np.nan,
        "buurten_gescoord": int(ok.sum()),
    }


def aggregate_trend(
    trend: pd.DataFrame,
    indicator: str,
    population: pd.Series,
    members: Iterable[str],
    *,
    min_population: int,
    excluded: pd.Series | None = None,
) -> pd.DataFrame:
    """Population-weighted value of ``indicator`` for the area in every period of the trend.

    Only members with a value in **every** period are pooled, so a change is not an artefact
    of buurten entering or leaving (a buurtcode missing in an older monitor, a suppressed
    value). Weights are today's inhabitants.

    Parameters
    ----------
    trend : DataFrame
        Long trend table: ``code``, ``period``, ``indicator``, ``value``.
    indicator : str
        The indicator id to pool.
    population : Series
        Today's inhabitants per buurtcode (the weights).
    members : iterable of str
        The buurtcodes of the area.
    min_population : int
        Members under it are left out, and the area needs this many pooled inhabitants.
    excluded : Series of bool, optional
        Buurten left out anyway (``te_klein`` of the scoring output).

    Returns
    -------
    DataFrame
        Indexed by period: ``waarde`` and ``buurten`` (members pooled); empty when fewer than
        ``min_population`` inhabitants live in the pooled members.
    """
    idx = pd.Index(list(dict.fromkeys(members)), name="code")
    periods = periods_of(trend, indicator)
    pop = pd.to_numeric(population.reindex(idx), errors="coerce").astype(float)
    small = pop.isna() | (pop < min_population)
    if excluded is not None:
        small |= excluded.reindex(idx).fillna(True).astype(bool)
    wide = trend_wide(trend, indicator, idx).reindex(columns=periods)
    complete = wide.notna().all(axis=1) & ~small & pop.gt(0)
    if not periods or not complete.any() or float(pop[complete].sum()) < min_population:
        return pd.DataFrame(columns=["waarde", "buurten"], index=pd.Index([], name="period"))
    w = pop[complete]
    pooled = wide.loc[complete].mul(w, axis=0).sum() / float(w.sum())
    out = pd.DataFrame({"waarde": pooled.astype(float), "buurten": int(complete.sum())})
    out.index.name = "period"
    return out
