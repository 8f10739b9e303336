"""Eigen gebieden (custom areas): stored areas, wijkteam areas, and an area's profile.

An area pools buurten: a programme area ("Liendert + Kruiskamp + Schuilenburg + De Koppel")
stored in the registry table ``gebied``, or the buurten of a wijkteam (``wijkteam_buurt``).
:func:`area_profile` gives the population-weighted indicators, score and change of the area
next to the gemeente and NL (pooling rules and disclosure in :mod:`models.areas`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from geo.registry import Registry, parse_buurtcodes
from models.areas import aggregate_indicators, aggregate_score, aggregate_trend
from models.change import periods_of, trend_wide

from .render.format import decimals_for, fmt_number, fmt_percent

__all__ = [
    "Area",
    "AreaProfile",
    "stored_areas",
    "wijkteam_areas",
    "save_area",
    "area_profile",
    "area_indicator_table",
    "area_trend_table",
    "describe_members",
]


@dataclass(frozen=True)
class Area:
    """A named pool of buurten; ``bron`` is ``register``, ``wijkteam`` or ``selectie``.

    Attributes
    ----------
    id : str
        The area's id (``wijkteam:<id>`` for a wijkteam's buurten).
    naam : str
        Its name.
    soort : str
        One of :data:`geo.registry.GEBIED_SOORTEN`.
    buurtcodes : tuple of str
        The member buurten.
    bron : str
        Where it comes from: ``register``, ``wijkteam`` or ``selectie``.
    version : int or None
        The registry version, for saving an update.
    """

    id: str
    naam: str
    soort: str
    buurtcodes: tuple[str, ...]
    bron: str = "register"
    version: int | None = None


def stored_areas(table: pd.DataFrame) -> list[Area]:
    """The areas of the registry table ``gebied`` (sorted by name).

    Parameters
    ----------
    table : DataFrame
        Rows of the ``gebied`` table.

    Returns
    -------
    list of Area
        One area per row, ``bron="register"``.
    """
    out = []
    for rec in table.to_dict("records"):
        out.append(
            Area(
                id=str(rec["id"]),
                naam=str(rec["naam"]),
                soort=str(rec["soort"]),
                buurtcodes=tuple(parse_buurtcodes(rec["buurtcodes"])),
                bron="register",
                version=int(rec["version"]) if pd.notna(rec.get("version")) else None,
            )
        )
    return sorted(out, key=lambda a: (a.naam.casefold(), a.id))


def wijkteam_areas(wijkteams: pd.DataFrame, toewijzing: pd.DataFrame) -> list[Area]:
    """One area per wijkteam with at least one buurt assigned (``wijkteam_buurt``).

    Parameters
    ----------
    wijkteams : DataFrame
        Rows of the ``wijkteam`` table.
    toewijzing : DataFrame
        Rows of the ``wijkteam_buurt`` table.

    Returns
    -------
    list of Area
        ``Wijkteam <naam>`` areas, ``bron="wijkteam"``, sorted by name.
    """
    if wijkteams.empty or toewijzing.empty:
        return []
    names = wijkteams.set_index("id")["naam"].astype(str)
    out = []
    for team, rows in toewijzing.groupby("wijkteam_id"):
        out.append(
            Area(
                id=f"wijkteam:{team}",
                naam=f"Wijkteam {names.get(team, team)}",
                soort="wijkteamgebied",
                buurtcodes=tuple(sorted(rows["buurtcode"].astype(str))),
                bron="wijkteam",
            )
        )
    return sorted(out, key=lambda a: a.naam.casefold())


def _area_id(naam: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", naam.casefold()).strip("-")[:40] or "gebied"
    return f"G-{slug}"


def save_area(
    registry: Registry,
    *,
    naam: str,
    soort: str,
    buurtcodes: Iterable[str],
    user: str,
    known: Iterable[str] | None = None,
    area_id: str | None = None,
    version: int | None = None,
    notities: str | None = None,
) -> dict[str, Any]:
    """Store an area (new, or an update of ``area_id`` read at ``version``); audited.

    Parameters
    ----------
    registry : Registry
        The open registry.
    naam : str
        The area's name.
    soort : str
        One of :data:`geo.registry.GEBIED_SOORTEN`.
    buurtcodes : iterable of str
        The member buurten.
    user : str
        Who saves, for the audit trail.
    known : iterable of str, optional
        The gemeente's buurtcodes, to check the members against.
    area_id : str, optional
        The id of the area to update; None for a new area (an id is made from the name).
    version : int, optional
        The version that was read, for an update.
    notities : str, optional
        Free text.

    Returns
    -------
    dict
        The ``gebied`` row as stored.

    Raises
    ------
    geo.registry.ImportRejected
        Invalid name, soort or buurtcodes (codes are checked against ``known``).
    geo.registry.ConflictError
        Someone changed the area since ``version`` was read.
    """
    codes = list(buurtcodes)
    new_id = area_id or _area_id(naam)
    if area_id is None:
        taken = set(registry.table("gebied")["id"])
        base, n = new_id, 2
        while new_id in taken:
            new_id, n = f"{base}-{n}", n + 1
    record = {
        "id": new_id,
        "naam": naam,
        "soort": soort,
        "buurtcodes": " ".join(codes),
        "notities": notities,
    }
    return registry.save("gebied", record, user=user, version=version, buurtcodes=known)


@dataclass
class AreaProfile:
    """What :func:`area_profile` computes for one area.

    Attributes
    ----------
    area : Area
        The area.
    indicators : DataFrame
        Pooled indicators (:func:`models.areas.aggregate_indicators`).
    score, gemeente_score : dict of str to float
        Pooled score of the area and of the whole gemeente
        (:func:`models.areas.aggregate_score`).
    inwoners, inwoners_gedekt : float
        Inhabitants of all members and of the members above the minimum population.
    buurten_te_klein : int
        Members under the minimum population.
    missing_codes : list of str
        Member codes the gemeente's data do not have (another indeling).
    """

    area: Area
    indicators: pd.DataFrame
    score: dict[str, float]
    gemeente_score: dict[str, float]
    inwoners: float
    inwoners_gedekt: float
    buurten_te_klein: int
    missing_codes: list[str] = field(default_factory=list)


def area_profile(data, scores: pd.DataFrame, area: Area, *, min_population: int) -> AreaProfile:
    """Pooled indicators and score of ``area`` (buurtcodes not in ``data`` are reported).

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    scores : DataFrame
        Scoring output of the gemeente, indexed by buurtcode.
    area : Area
        The area.
    min_population : int
        The profile's minimum population (per buurt and for the area).

    Returns
    -------
    AreaProfile
        Pooled indicators, the area's and the gemeente's pooled score, inhabitants (all and
        covered), members under the minimum and the codes not in ``data``.
    """
    present = [c for c in area.buurtcodes if c in data.buurten.index]
    missing = [c for c in area.buurtcodes if c not in data.buurten.index]
    values = pd.DataFrame(data.buurten.drop(columns="geometry"))
    units = data.catalogue["unit"].astype(str).to_dict()
    excluded = scores["te_klein"].astype(bool) if "te_klein" in scores else None
    table = aggregate_indicators(
        values,
        data.states,
        units,
        present,
        min_population=min_population,
        excluded=excluded,
    )
    population = values["inwoners"]
    score = aggregate_score(scores, population, present, min_population=min_population)
    gm = aggregate_score(scores, population, values.index, min_population=min_population)
    return AreaProfile(
        area=area,
        indicators=table,
        score=score,
        gemeente_score=gm,
        inwoners=float(table.attrs.get("inwoners", 0.0)),
        inwoners_gedekt=float(table.attrs.get("inwoners_gedekt", 0.0)),
        buurten_te_klein=int(table.attrs.get("buurten_te_klein", 0)),
        missing_codes=missing,
    )


def area_indicator_table(prof: AreaProfile, data) -> pd.DataFrame:
    """Dutch display table: the area next to the gemeente and NL, with coverage and method.

    Parameters
    ----------
    prof : AreaProfile
        The area's pooled figures (:func:`area_profile`).
    data : GemeenteData
        The gemeente (catalogue and gemeente/NL reference values).

    Returns
    -------
    DataFrame
        One row per indicator with Dutch headings: ``Indicator``, ``Domein``, ``Gebied``,
        ``Gemeente``, ``Nederland``, ``Eenheid``, ``Dekking``, ``Samengevoegd`` and
        ``Opmerking`` (values as Dutch text, ``–`` where none is shown).
    """
    cat = data.catalogue
    ref = data.reference
    method_labels = {
        "som": "som",
        "inwoners": "gewogen naar inwoners",
        "huishoudens": "gewogen naar huishoudens",
    }
    rows = []
    for ind, row in prof.indicators.iterrows():
        unit = str(cat.loc[ind, "unit"])
        dec = decimals_for(unit)
        note = str(row["reden"])
        if row["getoond"] and row["aandeel_wijkwaarde"] > 0:
            note = f"{fmt_percent(row['aandeel_wijkwaarde'])} uit wijkwaarden"
        rows.append(
            {
                "Indicator": cat.loc[ind, "label"],
                "Domein": cat.loc[ind, "domain"],
                "Gebied": fmt_number(row["waarde"], dec) if row["getoond"] else "–",
                "Gemeente": fmt_number(ref.loc["gemeente", ind], dec) if ind in ref else "–",
                "Nederland": fmt_number(ref.loc["nederland", ind], dec) if ind in ref else "–",
                "Eenheid": unit,
                "Dekking": fmt_percent(row["dekking"]) if row["getoond"] else "–",
                "Samengevoegd": method_labels.get(str(row["methode"]), str(row["methode"])),
                "Opmerking": note,
            }
        )
    return pd.DataFrame(rows)


def area_trend_table(
    data,
    area: Area,
    indicator: str,
    *,
    min_population: int,
    excluded: pd.Series | None = None,
) -> pd.DataFrame:
    """Per period: the area (pooled), the gemeente and NL for one trend indicator.

    The area pools only members with a value in every period
    (:func:`models.areas.aggregate_trend`).

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    area : Area
        The area.
    indicator : str
        A trend (monitor) indicator id.
    min_population : int
        The profile's minimum population.
    excluded : Series of bool, optional
        Buurten left out anyway (``te_klein`` of the scoring output).

    Returns
    -------
    DataFrame
        Indexed by period: ``Gebied``, ``Gemeente``, ``Nederland`` (floats, NaN where
        absent).
    """
    trend = data.trend
    periods = periods_of(trend, indicator)
    present = [c for c in area.buurtcodes if c in data.buurten.index]
    pooled = aggregate_trend(
        trend,
        indicator,
        data.buurten["inwoners"],
        present,
        min_population=min_population,
        excluded=excluded,
    )
    nl_codes = sorted({c for c in trend["code"].astype(str) if c.startswith("NL")})
    refs = trend_wide(trend, indicator, [data.gemeentecode, *nl_codes[:1]])
    out = pd.DataFrame(index=pd.Index(periods, name="periode"))
    out["Gebied"] = pooled["waarde"].reindex(periods).astype(float)
    out["Gemeente"] = (
        refs.loc[data.gemeentecode].reindex(periods).astype(float)
        if data.gemeentecode in refs.index
        else float("nan")
    )
    out["Nederland"] = (
        refs.loc[nl_codes[0]].reindex(periods).astype(float) if nl_codes else float("nan")
    )
    out.attrs["buurten"] = int(pooled["buurten"].iloc[0]) if len(pooled) else 0
    return out


def describe_members(area: Area, names: Mapping[str, str]) -> str:
    """``Liendert-Noord, Liendert-Zuid en 2 andere`` style summary of an area's buurten.

    Parameters
    ----------
    area : Area
        The area.
    names : mapping of str to str
        Buurtcode -> buurt name (the code when absent).

    Returns
    -------
    str
        Up to six names, or five and ``en N andere``.
    """
    shown = [names.get(c, c) for c in area.buurtcodes]
    if len(shown) <= 6:
        return ", ".join(shown)
    return f"{', '.join(shown[:5])} en {len(shown) - 5} andere"
