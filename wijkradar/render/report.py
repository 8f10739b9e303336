"""Buurt profile: indicator table, contributions, trends, and a printable HTML file.

The HTML profile is one self-contained file (inline CSS and an inline SVG outline of the buurt,
no scripts, no external requests), so it opens offline and prints on A4. Every text that comes
from data is escaped with :func:`wijkradar.escape.html_text`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from geo import STATE_LABELS
from models.access import active_initiatives

from ..dataversion import data_version, data_version_label
from ..escape import html_text
from .format import (
    decimals_for,
    fmt_date,
    fmt_datetime,
    fmt_distance,
    fmt_number,
    fmt_percent,
)

__all__ = [
    "indicator_profile",
    "contributions",
    "buurt_trend",
    "buurt_profile_html",
    "nearby_initiatives",
    "is_robust",
    "bounds_text",
    "imputed_labels",
    "nearby_display",
    "KIND_LABELS",
    "CAVEATS",
]

KIND_LABELS = {
    "registratie": "registratie (telling)",
    "modelschatting": "modelschatting uit enquête",
}
CAVEATS = [
    "Gezondheidscijfers per buurt (RIVM/GGD-gezondheidsmonitor) zijn modelschattingen uit een "
    "enquête, geen tellingen: ze geven de verwachte waarde voor een buurt met deze "
    "bevolkingssamenstelling, met onzekerheid (een 95%-marge waar de bron die publiceert).",
    "Kerncijfers van het CBS zijn registratiecijfers; kleine aantallen worden door het CBS "
    "onderdrukt ('.').",
    "De gezondheidsmonitor is van een ander jaar dan de buurtindeling; buurten die sindsdien "
    "zijn veranderd krijgen de waarde van hun wijk ('geschat uit wijkwaarde').",
    "De score is relatief: hij vergelijkt buurten binnen deze gemeente.",
]


def bounds_text(data) -> str:
    """What the uncertainty analysis does with the health figures, honest about the bounds.

    The RIVM tables give 95% bounds only in some years (``Marges`` feed); without them the
    health values are not varied, and the text says so instead of claiming otherwise.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.

    Returns
    -------
    str
        One Dutch paragraph.
    """
    lower = getattr(data, "lower", None)
    with_bounds = [] if lower is None else [c for c in lower.columns if lower[c].notna().any()]
    if with_bounds:
        labels = data.catalogue["label"].to_dict()
        names = ", ".join(str(labels.get(c, c)) for c in with_bounds[:4])
        more = f" en {len(with_bounds) - 4} meer" if len(with_bounds) > 4 else ""
        return (
            "De gezondheidscijfers met een 95%-marge in de bron variëren binnen die marge "
            f"({names}{more})."
        )
    return (
        "De gezondheidstabel van deze gegevens publiceert geen 95%-marges; de onzekerheid van "
        "die schattingen zit daarom niet in het interval (het interval is dus eerder te smal "
        "dan te breed)."
    )


def is_robust(value: object) -> bool:
    """The one truth of the ``robuust_top`` column (numpy, pandas nullable or plain booleans).

    Missing (no score) counts as not robust. Use this, never ``value is True``.

    Parameters
    ----------
    value : object
        A cell of the ``robuust_top`` column.

    Returns
    -------
    bool
        True for a true value; False for false, missing or unreadable.
    """
    try:
        return bool(value) and not pd.isna(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def imputed_labels(data, imputed: object) -> list[str]:
    """Indicator names for the ``geimputeerd`` column (comma-separated ids).

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    imputed : object
        A cell of the ``geimputeerd`` column.

    Returns
    -------
    list of str
        Dutch labels of the imputed indicators.
    """
    labels = data.catalogue["label"].to_dict()
    ids = [i.strip() for i in str(imputed or "").split(",") if i.strip()]
    return [str(labels.get(i, i)) for i in ids]


def _hidden(scores: pd.DataFrame, code: str) -> bool:
    return bool(scores["te_klein"].get(code, True))


def indicator_profile(data, scores: pd.DataFrame, code: str) -> pd.DataFrame:
    """Every indicator of the buurt against the gemeente and NL (nothing if too small).

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    scores : DataFrame
        Output of ``score_gemeente``.
    code : str
        The buurtcode.

    Returns
    -------
    DataFrame
        One row per indicator: the buurt's value and state beside the gemeente and NL; a
        buurt under the minimum population shows "niet getoond".
    """
    cat = data.catalogue
    rows = []
    hide = _hidden(scores, code)
    for ind in data.indicator_ids:
        state = str(data.states.loc[code, ind]) if ind in data.states.columns else "ontbreekt"
        value = data.buurten.loc[code, ind]
        decimals = decimals_for(str(cat.loc[ind, "unit"]))
        if hide:
            shown, status = "niet getoond", "te weinig inwoners"
        elif state in ("onderdrukt", "ontbreekt") or pd.isna(value):
            shown, status = "–", STATE_LABELS.get(state, state)
        else:
            shown, status = fmt_number(float(value), decimals), STATE_LABELS.get(state, state)
        ref = data.reference
        rows.append(
            {
                "indicator": ind,
                "Indicator": cat.loc[ind, "label"],
                "Domein": cat.loc[ind, "domain"],
                "Buurt": shown,
                "Status": status,
                "Gemeente": fmt_number(ref.loc["gemeente", ind], decimals) if ind in ref else "–",
                "Nederland": fmt_number(ref.loc["nederland", ind], decimals) if ind in ref else "–",
                "Eenheid": cat.loc[ind, "unit"],
                "Soort": KIND_LABELS.get(str(cat.loc[ind, "kind"]), str(cat.loc[ind, "kind"])),
                "Bron": f"{cat.loc[ind, 'tabel']} ({cat.loc[ind, 'periode']})",
            }
        )
    return pd.DataFrame(rows).set_index("indicator")


def contributions(data, scores: pd.DataFrame, code: str) -> pd.Series:
    """Points each indicator adds to the buurt's score (sorted, largest first).

    Contributions that rest on a filled-in value are labelled "(aangevuld met
    gemeentegemiddelde)", those from the wijk's value "(geschat uit wijkwaarde)": the buurt's
    own figure is not known there.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    scores : DataFrame
        Output of ``score_gemeente``.
    code : str
        The buurtcode.

    Returns
    -------
    Series
        Points per indicator label, largest first.
    """
    cols = [c for c in scores.columns if c.startswith("bijdrage__")]
    values = scores.loc[code, cols].astype(float)
    ids = [c.removeprefix("bijdrage__") for c in cols]
    labels = data.catalogue["label"].to_dict()
    imputed = set(str(scores.loc[code].get("geimputeerd", "") or "").split(","))
    names = []
    for i in ids:
        name = str(labels.get(i, i))
        if i in imputed:
            name += f" ({STATE_LABELS['geimputeerd']})"
        elif i in data.states.columns and str(data.states.loc[code, i]) == "wijkwaarde":
            name += f" ({STATE_LABELS['wijkwaarde']})"
        names.append(name)
    values.index = names
    return values.dropna().sort_values(ascending=False)


def buurt_trend(data, code: str) -> tuple[pd.DataFrame, str]:
    """Health-monitor values of the buurt per period (wide) and a note on missing years.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    code : str
        The buurtcode.

    Returns
    -------
    trend : DataFrame
        One row per period, one column per health indicator (Dutch labels).
    note : str
        Which years have no figures (empty when none are missing).
    """
    trend = data.trend
    own = trend[trend["code"] == code]
    periods = sorted(trend["period"].unique())
    missing = [p for p in periods if p not in set(own["period"])]
    note = ""
    if missing:
        note = (
            f"Buurtcode {code} bestaat niet in de monitor van {', '.join(missing)} "
            "(andere buurtindeling); die jaren ontbreken hier."
        )
    if own.empty:
        return pd.DataFrame(), note
    labels = data.catalogue["label"].to_dict()
    wide = own.pivot_table(index="period", columns="indicator", values="value", aggfunc="first")
    return wide.rename(columns=labels), note


def nearby_initiatives(
    initiatieven: pd.DataFrame, buurten, code: str, *, radius_m: float = 1000.0
) -> pd.DataFrame:
    """Active initiatives in the buurt or within ``radius_m`` of its centroid, nearest first.

    Parameters
    ----------
    initiatieven : DataFrame
        The registry's initiatives (RD coordinates ``x``, ``y``).
    buurten : GeoDataFrame
        The gemeente's buurten.
    code : str
        The buurtcode.
    radius_m : float
        Distance from the buurt's centroid, in metres.

    Returns
    -------
    DataFrame
        The active initiatives with their distance, nearest first.
    """
    cols = ["naam", "thema", "status", "organisatie", "afstand_m"]
    if initiatieven is None or initiatieven.empty:
        return pd.DataFrame(columns=cols)
    act = active_initiatives(initiatieven).copy()
    c = buurten.to_crs(28992).geometry.loc[code].centroid
    dist = np.hypot(act["x"].astype(float) - c.x, act["y"].astype(float) - c.y)
    act["afstand_m"] = dist.round(0)
    inside = act["buurtcode"] == code
    act.loc[inside & act["afstand_m"].isna(), "afstand_m"] = 0.0
    near = act[inside | (act["afstand_m"] <= radius_m)]
    return near.sort_values("afstand_m")[cols].reset_index(drop=True)


#: Column headings of :func:`nearby_initiatives` for people.
NEARBY_LABELS = {
    "naam": "Initiatief",
    "thema": "Thema",
    "status": "Status",
    "organisatie": "Organisatie",
    "afstand_m": "Afstand",
}


def nearby_display(nearby: pd.DataFrame) -> pd.DataFrame:
    """:func:`nearby_initiatives` for display: Dutch headings, distance as ``671 m``.

    Parameters
    ----------
    nearby : DataFrame
        Output of :func:`nearby_initiatives`.

    Returns
    -------
    DataFrame
        The same rows with Dutch headings.
    """
    out = nearby.copy()
    out["afstand_m"] = [
        "in de buurt" if d == 0 else fmt_distance(d) for d in out["afstand_m"].astype(float)
    ]
    out = out.astype(object).where(out.notna(), "")
    return out.rename(columns=NEARBY_LABELS)


def _svg_outline(data, code: str, size: int = 260) -> str:
    """Inline SVG of the gemeente's buurten with this buurt highlighted (RD New, no scripts)."""
    geo = data.buurten.geometry
    minx, miny, maxx, maxy = geo.total_bounds
    scale = size / max(maxx - minx, maxy - miny, 1.0)

    def path(geom) -> str:
        parts = []
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            if poly.is_empty or not hasattr(poly, "exterior"):
                continue
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                if len(xy) < 4:  # a ring needs three distinct points and the closing one
                    continue
                pts = " ".join(
                    f"{(x - minx) * scale:.1f},{(maxy - y) * scale:.1f}" for x, y in xy[:-1, :2]
                )
                parts.append(f"M{pts}Z")
        return " ".join(parts)

    simple = geo.simplify(15)
    shapes = [
        f'<path d="{path(g)}" fill="{"#d7301f" if c == code else "#eeeeee"}" '
        f'stroke="#757575" stroke-width="0.5" fill-rule="evenodd"/>'
        for c, g in simple.items()
        if g is not None
    ]
    w, h = (maxx - minx) * scale, (maxy - miny) * scale
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
        f'viewBox="0 0 {w:.0f} {h:.0f}" role="img" aria-label="Ligging van de buurt">'
        + "".join(shapes)
        + "</svg>"
    )


def _table_html(frame: pd.DataFrame) -> str:
    esc = html_text
    head = "".join(f"<th>{esc(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def buurt_profile_html(
    data, scores: pd.DataFrame, code: str, *, profile_name: str, nearby: pd.DataFrame | None = None
) -> str:
    """A printable, self-contained HTML profile of one buurt.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    scores : DataFrame
        Output of ``score_gemeente``.
    code : str
        The buurtcode.
    profile_name : str
        The profile the scores come from, for the header.
    nearby : DataFrame, optional
        Output of :func:`nearby_initiatives`.

    Returns
    -------
    str
        The HTML document (styles inline; prints on A4).
    """
    esc = html_text
    row = scores.loc[code]
    naam = str(data.buurten.loc[code, "buurtnaam"])
    wijk = str(data.buurten.loc[code, "wijknaam"]) if "wijknaam" in data.buurten else ""
    hide = _hidden(scores, code)
    top_k = scores.attrs.get("top_k", 10)
    version = scores.attrs.get("data_version") or data_version(data)  # which data
    parts = [
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>",
        f"<title>Buurtprofiel {esc(naam)} ({esc(code)})</title>",
        "<style>body{font:11pt/1.45 system-ui,sans-serif;margin:2em;color:#212121}"
        "h1{font-size:18pt;margin:0}h2{font-size:13pt;margin-top:1.4em;border-bottom:1px solid"
        " #bdbdbd}table{border-collapse:collapse;width:100%;font-size:9.5pt}td,th{border:1px "
        "solid #e0e0e0;padding:2px 5px;text-align:left}.bar{background:#d7301f;height:10px}"
        ".kpi{display:inline-block;margin-right:2em}.kpi b{font-size:15pt;display:block}"
        "@media print{body{margin:1cm}h2{break-after:avoid}}</style></head><body>",
        f"<h1>{esc(naam)}</h1><p>{esc(code)} · wijk {esc(wijk)} · {esc(data.gemeentenaam)} "
        f"({esc(data.gemeentecode)}) · indeling {data.jaar} · profiel {esc(profile_name)}</p>",
        f"<p>dataversie {esc(data_version_label(version))}</p>",
        _svg_outline(data, code),
    ]
    if hide:
        parts.append(
            f"<p><strong>Geen score.</strong> {esc(str(row['reden']))}. Voor buurten met zo "
            "weinig inwoners worden geen cijfers getoond.</p>"
        )
    else:
        rank = (
            f"{int(row['rang'])} (90%-interval {int(row['rang_laag'])}–{int(row['rang_hoog'])})"
            if pd.notna(row["rang_laag"])
            else f"{int(row['rang'])}"
        )
        parts.append(
            f"<div><span class='kpi'>Score<b>{fmt_number(row['score'])}</b></span>"
            f"<span class='kpi'>Rang<b>{esc(rank)}</b></span>"
            f"<span class='kpi'>Kans top {top_k}<b>{fmt_number(100 * row['kans_top'], 0)}%</b>"
            f"</span><span class='kpi'>Robuust<b>{'ja' if is_robust(row['robuust_top']) else 'nee'}"
            "</b></span>"
            + (
                f"<span class='kpi'>Dekking<b>{fmt_percent(row['dekking'])}</b></span>"
                if "dekking" in row.index
                else ""
            )
            + "</div>"
        )
        if "dekking" in row.index:
            parts.append(
                "<p>Dekking: het deel van het gewicht van het profiel dat op gepubliceerde "
                "cijfers van deze buurt rust (niet ingevuld, niet van de wijk).</p>"
            )
        domains = {c.removeprefix("domein__"): row[c] for c in scores if c.startswith("domein__")}
        parts.append("<h2>Domeinscores (0-100)</h2><table>")
        for name, value in domains.items():
            width = 0 if pd.isna(value) else max(0.0, min(100.0, float(value)))
            parts.append(
                f"<tr><td style='width:30%'>{esc(name)}</td><td>{fmt_number(value)}</td>"
                f"<td style='width:50%'><div class='bar' style='width:{width:.0f}%'></div>"
                "</td></tr>"
            )
        parts.append("</table><h2>Waarom hoog: bijdrage aan de score</h2><table>")
        for label, value in contributions(data, scores, code).head(8).items():
            parts.append(f"<tr><td>{esc(str(label))}</td><td>{fmt_number(value)} punten</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Indicatoren</h2>")
    parts.append(_table_html(indicator_profile(data, scores, code).reset_index(drop=True)))
    if not hide:
        wide, note = buurt_trend(data, code)
        parts.append("<h2>Trend gezondheidsmonitor</h2>")
        if note:
            parts.append(f"<p>{esc(note)}</p>")
        if not wide.empty:
            table = wide.T.map(lambda v: fmt_number(v)).reset_index(names="Indicator")
            parts.append(_table_html(table))
    if nearby is not None:
        parts.append("<h2>Initiatieven in en rond de buurt (1 km)</h2>")
        parts.append(_table_html(nearby_display(nearby)) if not nearby.empty else "<p>Geen.</p>")
    parts.append("<h2>Bronnen en kanttekeningen</h2><ul>")
    for p in data.provenance:
        parts.append(
            f"<li>{esc(str(p.get('titel', '')))} ({esc(str(p.get('tabel', '')))}, periode "
            f"{esc(str(p.get('periode', '')))}, opgehaald "
            f"{esc(fmt_datetime(p.get('opgehaald', '')))})</li>"
        )
    parts.append("</ul><ul>")
    parts.extend(f"<li>{esc(c)}</li>" for c in CAVEATS)
    parts.append(
        f"</ul><p style='color:#757575'>Gemaakt met Wijkradar op {fmt_date(date.today())}."
        "</p></body></html>"
    )
    return "".join(parts)
