"""Parsing of CBS OData rows (TypedDataSet and UntypedDataSet) into indicator frames.

No network here: the same functions read HTTP responses, StatLine CSV exports and the RIVM
Excel exports of the UntypedDataSet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._states import NOT_PUBLISHED, PRESENT, SUPPRESSED, state_dtype
from .errors import DataFormatError, SourceError
from .indicators import Indicator, Ratio, by_source

__all__ = [
    "SENTINELS",
    "rows_to_frame",
    "to_number",
    "stem_map",
    "map_indicators",
    "mark_unpublished",
    "normalise_title",
    "health_frames",
    "topic_keys",
]

HEALTH_AGE_18PLUS = "20300"
"""``Leeftijd`` code of the health monitor for adults (18+)."""
POINT_ESTIMATE = "MW00000"
"""``Marges`` code of the point estimate."""

SENTINELS = (-99995.0, -99997.0)
"""Negative sentinels of the CBS Wijk- en buurtkaart; both mean 'not published'."""

_SUFFIX = re.compile(r"_\d+$")
_KEY_COLUMNS = (
    "ID",
    "WijkenEnBuurten",
    "Gemeentenaam_1",
    "SoortRegio_2",
    "Codering_3",
    "Perioden",
    "Marges",
    "Leeftijd",
)


def to_number(values: pd.Series) -> pd.Series:
    """Convert OData values to float: JSON numbers, padded strings, ``'.'`` and sentinels.

    ``None``, ``'.'``, empty strings and the sentinels -99995/-99997 become NaN. Any other
    string that is not a number raises :class:`DataFormatError` naming the value.

    Parameters
    ----------
    values : Series
        One OData topic column.

    Returns
    -------
    Series
        Floats, NaN where the source published no value.
    """
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype("float64")
    else:
        text = values.astype("object").map(lambda v: v.strip() if isinstance(v, str) else v)
        text = text.map(lambda v: np.nan if v in ("", ".", None) else v)
        out = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = out.isna() & text.notna()
        if bad.any():
            first = text[bad].iloc[0]
            raise DataFormatError(
                f"kolom {values.name!r}, rij {bad.idxmax()}: waarde {first!r} is geen getal, "
                "'.' of leeg"
            )
    infinite = np.isinf(out.to_numpy())
    if infinite.any():  # 'Infinity' or 1e999 is no count a source can mean
        first = values[infinite].iloc[0]
        raise DataFormatError(
            f"kolom {values.name!r}, rij {values.index[infinite][0]}: waarde {first!r} is geen "
            "eindig getal"
        )
    return out.mask(out.isin(SENTINELS))


def rows_to_frame(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Turn OData rows into a frame with stripped codes.

    Key columns (``WijkenEnBuurten``, ``Perioden``, ``Marges``, ...) are stripped of their
    space padding. Topics are left as they are; :func:`map_indicators` converts the ones it
    uses with :func:`to_number`, so unrelated text columns never cause an error.

    Parameters
    ----------
    rows : sequence of mapping or DataFrame
        The ``value`` rows of an OData response.

    Returns
    -------
    DataFrame
        One row per OData row, key columns stripped.
    """
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if "WijkenEnBuurten" not in frame.columns:
        raise DataFormatError(
            "de OData-rijen hebben geen kolom 'WijkenEnBuurten'; kolommen: "
            + ", ".join(map(str, frame.columns[:12]))
        )
    for col in frame.columns:
        if col in _KEY_COLUMNS or col.startswith(("Gemeentenaam", "SoortRegio", "Codering")):
            frame[col] = (
                frame[col]
                .astype("object")
                .map(lambda v: v.strip() if isinstance(v, str) else v)
                .astype("string")
            )
    empty = frame["WijkenEnBuurten"].isna() | (frame["WijkenEnBuurten"].fillna("") == "")
    if empty.any():
        first = int(empty.to_numpy().argmax()) + 1
        raise DataFormatError(
            f"gegevensrij {first}: veld 'WijkenEnBuurten' is leeg ({int(empty.sum())} zulke "
            "rijen); elke rij heeft een gebiedscode nodig (BU/WK/GM/NL)"
        )
    frame["WijkenEnBuurten"] = frame["WijkenEnBuurten"].astype(str)
    return frame


def stem_map(columns: Iterable[str]) -> dict[str, list[str]]:
    """Map each topic name stem (``AantalInwoners``) to the columns that carry it.

    Parameters
    ----------
    columns : iterable of str
        Topic column names (``AantalInwoners_5``).

    Returns
    -------
    dict of str to list of str
        Stem -> the columns with that stem, in order.
    """
    out: dict[str, list[str]] = {}
    for col in columns:
        out.setdefault(_SUFFIX.sub("", str(col)), []).append(str(col))
    return out


def normalise_title(title: object) -> str:
    """A DataProperties title reduced to lower-case letters and digits (``é`` -> ``e``).

    ``"(Zeer) goed ervaren gezondheid "`` and ``"(zeer) Goed ervaren gezondheid"`` compare
    equal; paraphrases with other words do not.

    Parameters
    ----------
    title : object
        A title (``None`` counts as empty).

    Returns
    -------
    str
        Lower-case ASCII letters and digits only.
    """
    import unicodedata

    text = unicodedata.normalize("NFKD", str(title or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _title_map(properties: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    """Normalised topic title -> key, from DataProperties rows (Topic entries only)."""
    out: dict[str, str] = {}
    for row in properties or ():
        key = str(row.get("Key") or "").strip()
        if not key or str(row.get("Type", "Topic")) not in ("Topic", ""):
            continue
        out.setdefault(normalise_title(row.get("Title")), key)
    return out


def _resolve(stems: dict[str, list[str]], stem: str) -> str | None:
    cols = stems.get(stem)
    if not cols:
        return None
    if len(cols) > 1:
        raise DataFormatError(
            f"onderwerp {stem!r} is niet eenduidig: {', '.join(cols)}; wijs het expliciet toe"
        )
    return cols[0]


def _locate(
    ind: Indicator,
    stems: dict[str, list[str]],
    titles: dict[str, str],
    *,
    attr: str,
    by_stem: bool,
) -> str | tuple[str, str, float] | None:
    """The column (or numerator, denominator, factor) that carries ``ind``; None if absent.

    Candidates in order: the ``attr`` mapping, the catalogue's aliases, then the key whose
    ``DataProperties`` title is one of the indicator's titles.
    """
    spec = getattr(ind, attr)
    candidates: list[str | Ratio] = [spec] if spec is not None else []
    candidates += list(ind.aliases)
    columns = {c for cols in stems.values() for c in cols}
    for title in ind.titles if attr == "odata" else ():
        key = titles.get(normalise_title(title))
        if key is not None and key in columns:
            candidates.append(_SUFFIX.sub("", key) if by_stem else key)
    for cand in candidates:
        if isinstance(cand, Ratio):
            num = _resolve(stems, cand.numerator)
            den = _resolve(stems, cand.denominator)
            if num is not None and den is not None:
                return num, den, cand.factor
            continue
        col = _resolve(stems, cand)
        if col is not None:
            return col
    return None


def topic_keys(
    properties: Sequence[Mapping[str, Any]],
    indicators: Sequence[Indicator],
    *,
    extra_stems: Sequence[str] = (),
) -> list[str]:
    """The topic keys of a table that :func:`map_indicators` reads for ``indicators``.

    For an OData ``$select``: from the table's ``DataProperties`` rows (``Key``, ``Title``,
    ``Type``), the keys found the same way as :func:`map_indicators` finds them (name stem,
    aliases, titles), plus the keys whose stem is in ``extra_stems`` (e.g.
    ``IndelingswijzigingGemeenteWijkBuurt``). Dimension keys are not included.

    Examples
    --------
    >>> from geo.indicators import by_source
    >>> props = [{"Key": "AantalInwoners_5", "Title": "Aantal inwoners", "Type": "Topic"},
    ...          {"Key": "Mannen_6", "Title": "Mannen", "Type": "Topic"}]
    >>> topic_keys(props, [i for i in by_source("kerncijfers") if i.id == "inwoners"])
    ['AantalInwoners_5']
    """
    keys = [
        str(r.get("Key") or "").strip()
        for r in properties
        if str(r.get("Type", "Topic")) in ("Topic", "") and str(r.get("Key") or "").strip()
    ]
    stems = stem_map(keys)
    titles = _title_map(properties)
    wanted: dict[str, None] = {}
    for ind in indicators:
        found = _locate(ind, stems, titles, attr="odata", by_stem=True)
        for col in found[:2] if isinstance(found, tuple) else (found,):
            if col is not None:
                wanted[col] = None
    for stem in extra_stems:
        for col in stems.get(stem, []):
            wanted[col] = None
    return list(wanted)


def map_indicators(
    frame: pd.DataFrame,
    indicators: Sequence[Indicator],
    *,
    attr: str = "odata",
    by_stem: bool = True,
    properties: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute indicator columns from a source frame (one row per region).

    A topic is found by its name stem (``attr`` mapping, then the catalogue's aliases), and
    else by its ``DataProperties`` title (the catalogue's ``titles``), so a key renamed in a
    new table is still found when its title is known.

    Parameters
    ----------
    frame : DataFrame
        Source rows, indexed by region code.
    indicators : sequence of Indicator
        What to compute.
    attr : {"odata", "kaart", "kwb"}
        Which mapping of the catalogue to use.
    by_stem : bool
        Match OData topics by name stem (suffix ``_NN`` ignored); otherwise exact names.
    properties : sequence of dict, optional
        The table's ``DataProperties`` rows (``Key``, ``Title``), for matching by title.

    Returns
    -------
    values : DataFrame
        Indexed like ``frame``, one column per indicator the source carries.
    states : DataFrame
        Same shape; ``aanwezig`` where a value exists, ``onderdrukt`` where the row exists but
        the value was not published.
    """
    stems = stem_map(frame.columns) if by_stem else {c: [c] for c in frame.columns}
    titles = _title_map(properties)
    values: dict[str, pd.Series] = {}
    for ind in indicators:
        found = _locate(ind, stems, titles, attr=attr, by_stem=by_stem)
        if isinstance(found, tuple):
            num, den, factor = found
            n, d = _number(frame, num), _number(frame, den)
            values[ind.id] = (n / d.where(d > 0) * factor).astype("float64")
        elif found is not None:
            values[ind.id] = _number(frame, found)
    out = pd.DataFrame(values, index=frame.index)
    states = pd.DataFrame(
        np.where(out.notna(), PRESENT, SUPPRESSED), index=out.index, columns=out.columns
    ).astype(state_dtype)
    return out, states


def _number(frame: pd.DataFrame, col: str) -> pd.Series:
    return to_number(frame[col].rename(col))


def mark_unpublished(values: pd.DataFrame, states: pd.DataFrame) -> list[str]:
    """Set the state of columns without any value to ``niet_gepubliceerd``; return their ids.

    A column that is empty for every region the source returned (the gemeente, its wijken and
    buurten) was not published (yet); that is not a privacy suppression of single buurten.
    """
    empty = [c for c in values.columns if values[c].isna().all()]
    if empty and len(values):
        states[empty] = NOT_PUBLISHED
        states[empty] = states[empty].astype(state_dtype)
    return empty


def health_frames(
    frame: pd.DataFrame,
    marges: dict[str, str],
    jaar: int | None,
    *,
    properties: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[str, dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Split parsed health rows into point/lower/upper frames, plus the trend.

    Each indicator takes the newest period up to ``jaar`` in which it has a value for any of
    the returned regions (the gemeente, its wijken and buurten): a topic the monitor did not
    ask (or publish) in the newest survey comes from the one before, labelled with its own
    period. An indicator without a value in any period keeps its column, all NaN, with the
    state ``niet_gepubliceerd``.

    Returns ``(period, frames, point_states, trend, periods)``: the newest period used,
    ``frames`` with keys point/lower/upper, and the period of each indicator.
    """
    indicators = by_source("gezondheid")
    if "Leeftijd" in frame.columns:
        frame = frame[frame["Leeftijd"] == HEALTH_AGE_18PLUS]
    periods = sorted(p for p in frame["Perioden"].dropna().unique() if re.match(r"\d{4}", str(p)))
    frame = frame[frame["Perioden"].isin(periods)]
    if jaar is not None:
        eligible = [p for p in periods if int(p[:4]) <= jaar]
        periods_used = eligible or periods
    else:
        periods_used = periods
    if not periods_used:
        raise SourceError(
            "de gezondheidsrijen hebben geen Perioden zoals 2020JJ00; is dit een tabel "
            "50150NED/50120NED/50090NED?",
            source="RIVM",
        )
    point_key = marges.get("point", POINT_ESTIMATE)

    def pick(p: str, marge: str) -> pd.DataFrame:
        sub = frame[(frame["Perioden"] == p) & (frame["Marges"] == marge)]
        return sub.drop_duplicates("WijkenEnBuurten").set_index("WijkenEnBuurten")

    per_period = {
        p: map_indicators(pick(p, point_key), indicators, attr="odata", properties=properties)[0]
        for p in periods
    }
    regions = pd.Index(sorted(set().union(*(v.index for v in per_period.values()))), name="code")
    columns = [ind.id for ind in indicators if any(ind.id in v for v in per_period.values())]
    chosen: dict[str, str] = {}
    for col in columns:
        for p in reversed(periods_used):
            v = per_period[p]
            local = v.index.to_series().str.match(r"(BU|WK|GM)")
            if col in v and v.loc[local.to_numpy(), col].notna().any():
                chosen[col] = p
                break
    values = pd.DataFrame(index=regions, columns=columns, dtype=float)
    frames: dict[str, pd.DataFrame] = {}
    bounds = {w: values.copy() for w in ("lower", "upper") if w in marges}
    for col, p in chosen.items():
        values[col] = per_period[p][col].reindex(regions)
        for which, target in bounds.items():
            b = map_indicators(pick(p, marges[which]), indicators, properties=properties)[0]
            if col in b:
                target[col] = b[col].reindex(regions)
    states = pd.DataFrame(
        np.where(values.notna(), PRESENT, SUPPRESSED), index=regions, columns=columns
    ).astype(state_dtype)
    mark_unpublished(values, states)
    frames["point"] = values
    for which, target in bounds.items():
        if target.notna().any().any():
            frames[which] = target
    trend_parts = []
    for p in periods:
        v = per_period[p]
        if v.empty:
            continue
        long = (
            v.rename_axis("code")
            .reset_index()
            .melt(id_vars="code", var_name="indicator", value_name="value")
        )
        long.insert(1, "period", p[:4])
        # the 95% bounds of every period, where published (change over time, trend bands)
        for which in ("lower", "upper"):
            if which not in marges:
                continue
            b = map_indicators(pick(p, marges[which]), indicators, properties=properties)[0]
            if b.empty:
                continue
            b_long = (
                b.rename_axis("code")
                .reset_index()
                .melt(id_vars="code", var_name="indicator", value_name=which)
            )
            long = long.merge(b_long, on=["code", "indicator"], how="left")
        trend_parts.append(long.dropna(subset=["value"]))
    trend = (
        pd.concat(trend_parts, ignore_index=True)
        if trend_parts
        else pd.DataFrame(columns=["code", "period", "indicator", "value"])
    )
    newest = max(chosen.values()) if chosen else periods_used[-1]
    return newest[:4], frames, states, trend, {c: p[:4] for c, p in chosen.items()}
