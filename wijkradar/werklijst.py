"""Werklijst: a shortlist of buurten for buurtnetwerkers to take along.

Per buurt: rank and its 90% interval, the three strongest reasons in plain words (the
indicators that add most to the score, with the buurt's and the gemeente's value), the
wijkteam, the initiatives running within 1 km, the nearest informatiewinkel or wijkcentrum,
and an empty column for notes. Output as a printable A4 HTML page (no scripts, no external
requests) and as a CSV that opens in Excel.

Examples
--------
>>> rows = worklist(data, scores, tables, top=10)  # doctest: +SKIP
>>> html = worklist_html(rows, data, profile_name="kansrijke-wijk")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from models.access import active_initiatives

from .dataversion import data_version, data_version_label
from .escape import html_text
from .notes import notes_digest
from .render.export import table_csv
from .render.format import (
    fmt_date,
    fmt_datetime,
    fmt_distance,
    fmt_number,
    fmt_percent,
    fmt_rank,
    fmt_value,
    plural,
)
from .render.report import is_robust

__all__ = [
    "RADIUS_M",
    "MEETING_PLACES",
    "reasons",
    "worklist",
    "worklist_csv",
    "worklist_html",
    "CSV_COLUMNS",
]

#: Initiatives within this distance of the buurt's centre count as nearby.
RADIUS_M = 1000.0
#: Location kinds a buurtnetwerker can send people to.
MEETING_PLACES = ("informatiewinkel", "wijkcentrum")
CSV_COLUMNS = {
    "rang": "Rang",
    "interval": "Rang (90%-interval)",
    "buurtcode": "Buurtcode",
    "buurt": "Buurt",
    "wijk": "Wijk",
    "score": "Score",
    "robuust": "Robuust",
    "dekking": "Dekking (gewicht op waargenomen cijfers)",
    "reden_1": "Reden 1",
    "reden_2": "Reden 2",
    "reden_3": "Reden 3",
    "wijkteam": "Wijkteam",
    "initiatieven": "Initiatieven binnen 1 km",
    "ontmoetingspunt": "Dichtstbijzijnde informatiewinkel/wijkcentrum",
    "buurtnotities": "Buurtnotities (register)",
    "notities": "Notities",
    "dataversie": "Dataversie",
}


def reasons(data, scores: pd.DataFrame, code: str, n: int = 3) -> list[str]:
    """The ``n`` indicators adding most to the buurt's score, in plain words.

    Each reason names the indicator, the buurt's value and the gemeente's value, e.g.
    ``"Eenzaam: 28,1% (gemeente 20,0%)"``. A value the buurt has no figure for (filled in
    by the profile's missing-value rule) or took from its wijk says so.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.
    scores : DataFrame
        Scoring output with ``bijdrage__<indicator>`` columns, indexed by buurtcode.
    code : str
        The buurtcode.
    n : int, default 3
        How many reasons.

    Returns
    -------
    list of str
        Up to ``n`` Dutch reasons, strongest first; empty for a buurt under the minimum
        population.
    """
    cols = [c for c in scores.columns if c.startswith("bijdrage__")]
    if not cols or bool(scores.loc[code].get("te_klein", False)):
        return []
    contrib = scores.loc[code, cols].astype(float)
    contrib = contrib[contrib > 0].sort_values(ascending=False).head(n)
    cat = data.catalogue
    out = []
    for col in contrib.index:
        ind = col.removeprefix("bijdrage__")
        label = str(cat.loc[ind, "label"]) if ind in cat.index else ind
        unit = str(cat.loc[ind, "unit"]) if ind in cat.index else ""
        value = data.buurten[ind].get(code) if ind in data.buurten.columns else None
        state = str(data.states[ind].get(code, "")) if ind in data.states.columns else ""
        ref = data.reference
        gem = ref.loc["gemeente", ind] if ind in ref.columns and "gemeente" in ref.index else None
        if value is None or pd.isna(value):
            shown = "geen cijfer voor de buurt, ingevuld volgens het profiel"
        else:
            shown = fmt_value(value, unit)
            if state == "wijkwaarde":
                shown += ", geschat uit de wijk"
        compare = "" if gem is None or pd.isna(gem) else f"; gemeente {fmt_value(gem, unit)}"
        out.append(f"{label}: {shown}{compare}")
    return out


def _centroids(buurten) -> pd.DataFrame:
    rd = buurten.to_crs(28992) if buurten.crs and buurten.crs.to_epsg() != 28992 else buurten
    c = rd.geometry.centroid
    return pd.DataFrame({"x": c.x, "y": c.y}, index=buurten.index)


def _nearby(ini: pd.DataFrame, code: str, cx: float, cy: float, radius_m: float) -> list[str]:
    """Active initiatives in the buurt or within ``radius_m`` of its centre, nearest first."""
    if ini.empty:
        return []
    dist = np.hypot(ini["x"].astype(float) - cx, ini["y"].astype(float) - cy)
    inside = (ini["buurtcode"].astype(object) == code).to_numpy()
    near = ini.assign(_d=dist.to_numpy(), _in=inside)
    near = near[inside | (dist <= radius_m).to_numpy()]
    near = near.assign(_k=np.where(near["_in"], 0.0, near["_d"]))
    out = []
    for rec in near.sort_values("_k").to_dict("records"):
        where = "in de buurt" if rec["_in"] else fmt_distance(rec["_d"])
        out.append(f"{rec['naam']} ({rec['thema']}, {where})")
    return out


def worklist(
    data,
    scores: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame] | None,
    *,
    top: int | None = 10,
    codes: Sequence[str] | None = None,
    radius_m: float = RADIUS_M,
) -> pd.DataFrame:
    """The worklist rows: the ``top`` ranked buurten, or the buurten in ``codes``.

    Parameters
    ----------
    data : GemeenteData
        Buurten (with geometry), catalogue, states and reference values.
    scores : DataFrame
        Output of the scorer (``rang``, ``rang_laag``, ``rang_hoog``, ``bijdrage__*``).
    tables : mapping, optional
        Registry tables by entity (:meth:`geo.registry.Registry.tables`); None when the
        registry is not available (the registry columns then say so).
    top : int, optional
        Number of best-ranked buurten (ignored when ``codes`` is given).
    codes : sequence of str, optional
        A selection of buurtcodes (e.g. from the map or the Ranglijst); shown by rank.
    radius_m : float
        Initiatives within this distance of the buurt's centre (or in the buurt) count.

    Returns
    -------
    DataFrame
        Indexed by buurtcode, ordered by rank, with the keys of :data:`CSV_COLUMNS`;
        ``redenen`` and ``initiatieven_lijst`` hold lists for the HTML page.
    """
    scored = scores[~scores["te_klein"].astype(bool) & scores["rang"].notna()]
    if codes is not None:
        unknown = [c for c in codes if c not in scores.index]
        if unknown:
            raise KeyError(f"buurtcodes not in this gemeente: {', '.join(unknown)}")
        chosen = scored[scored.index.isin(list(codes))].sort_values("rang")
    else:
        chosen = scored.sort_values("rang").head(int(top or 10))
    centres = _centroids(data.buurten)
    version = data_version_label(scores.attrs.get("data_version") or data_version(data))
    registry = tables is not None
    ini = pd.DataFrame()
    team_of: dict = {}
    team_name: dict = {}
    places = pd.DataFrame(columns=["naam", "soort", "x", "y"])
    note_text: dict = {}
    if tables is not None and "buurtnotitie" in tables:
        note_text = notes_digest(tables["buurtnotitie"], chosen.index)
    if tables is not None:
        ini = active_initiatives(tables["initiatief"])
        tw = tables["wijkteam_buurt"]
        team_of = tw.set_index("buurtcode")["wijkteam_id"].to_dict() if not tw.empty else {}
        teams = tables["wijkteam"]
        team_name = teams.set_index("id")["naam"].astype(str).to_dict() if not teams.empty else {}
        loc = tables["locatie"]
        if not loc.empty:
            places = loc[loc["soort"].isin(MEETING_PLACES)].dropna(subset=["x", "y"])
    rows = []
    for code, row in chosen.iterrows():
        cx, cy = centres.loc[code, "x"], centres.loc[code, "y"]
        why = reasons(data, scores, str(code))
        if not registry:
            team = near_text = "register niet bereikbaar"
            near: list[str] = []
        else:
            team_id = team_of.get(code)
            team = team_name.get(team_id, str(team_id)) if team_id else "geen wijkteam toegewezen"
            near = _nearby(ini, str(code), cx, cy, radius_m) if not ini.empty else []
            near_text = "; ".join(near) if near else "geen lopende initiatieven binnen 1 km"
        if registry and not places.empty:
            d = np.hypot(places["x"].astype(float) - cx, places["y"].astype(float) - cy)
            best = places.iloc[int(np.argmin(d.to_numpy()))]
            place = f"{best['naam']} ({best['soort']}, {fmt_distance(float(d.min()))})"
        else:
            place = "register niet bereikbaar" if not registry else "geen in het register"
        rows.append(
            {
                "buurtcode": code,
                "rang": int(row["rang"]),
                "interval": fmt_rank(row["rang"], row.get("rang_laag"), row.get("rang_hoog")),
                "buurt": str(data.buurten.loc[code, "buurtnaam"]),
                "wijk": str(data.buurten["wijknaam"].get(code, ""))
                if "wijknaam" in data.buurten
                else "",
                "score": fmt_number(row["score"]),
                "robuust": "ja" if is_robust(row.get("robuust_top")) else "nee",
                "dekking": fmt_percent(row.get("dekking")),
                "reden_1": why[0] if len(why) > 0 else "",
                "reden_2": why[1] if len(why) > 1 else "",
                "reden_3": why[2] if len(why) > 2 else "",
                "redenen": why,
                "wijkteam": team,
                "initiatieven": near_text,
                "initiatieven_lijst": near,
                "ontmoetingspunt": place,
                "buurtnotities": note_text.get(code, "geen")
                if registry
                else "register niet bereikbaar",
                "notities": "",
                "dataversie": version,  # which data, on every row
            }
        )
    columns = ["buurtcode", *[c for c in CSV_COLUMNS if c != "buurtcode"]]
    frame = pd.DataFrame(rows, columns=[*columns, "redenen", "initiatieven_lijst"])
    return frame.set_index("buurtcode", drop=False)


def worklist_csv(rows: pd.DataFrame) -> bytes:
    """The worklist as CSV (UTF-8 with BOM for Excel), formula-safe, with Dutch headings.

    Parameters
    ----------
    rows : DataFrame
        From :func:`worklist`.

    Returns
    -------
    bytes
        The CSV, UTF-8 with BOM.
    """
    table = rows[list(CSV_COLUMNS)].rename(columns=CSV_COLUMNS)
    return b"\xef\xbb\xbf" + table_csv(table)


_CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font: 10pt/1.4 system-ui, sans-serif; color: #212121; margin: 1.5em; }
h1 { font-size: 16pt; margin: 0 0 2px 0; }
.meta { color: #424242; margin: 0 0 10px 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #9e9e9e; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eeeeee; }
td.nr { white-space: nowrap; }
td.notes { width: 18%; }
ul { margin: 0; padding-left: 1.1em; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.uitleg { color: #424242; font-size: 9pt; margin-top: 10px; }
@media print { body { margin: 0; } }
"""


def _list_html(items: Sequence[str], empty: str) -> str:
    if not items:
        return html_text(empty)
    return "<ul>" + "".join(f"<li>{html_text(i)}</li>" for i in items) + "</ul>"


def worklist_html(
    rows: pd.DataFrame,
    data,
    *,
    profile_name: str,
    title: str | None = None,
    made: date | None = None,
) -> str:
    """A printable A4 (landscape) page: one row per buurt and an empty notes column.

    Self-contained: inline CSS, no scripts, no external requests; every text is escaped.

    Parameters
    ----------
    rows : DataFrame
        From :func:`worklist`.
    data : GemeenteData
        The gemeente (name, code, indeling year, data date).
    profile_name : str
        The profile, named in the header.
    title : str, optional
        The heading; ``Werklijst <gemeente>: N buurten`` when not given.
    made : date, optional
        The date printed as *gemaakt op*; today when not given.

    Returns
    -------
    str
        The HTML document.
    """
    esc = html_text
    heading = title or f"Werklijst {data.gemeentenaam}: {plural(len(rows), 'buurt', 'buurten')}"
    meta = (
        f"{data.gemeentenaam} ({data.gemeentecode}) · indeling {data.jaar} · profiel "
        f"{profile_name} · gegevens van {fmt_datetime(data.created)} · gemaakt op "
        f"{fmt_date(made or date.today())}"
    )
    if "dataversie" in rows and len(rows):
        meta += f" · dataversie {rows['dataversie'].iloc[0]}"
    head = (
        "<tr><th>Rang</th><th>Buurt</th><th>Waarom hoog (sterkste redenen)</th>"
        "<th>Wijkteam</th><th>Initiatieven binnen 1 km</th>"
        "<th>Dichtstbijzijnde informatiewinkel / wijkcentrum</th><th>Notities</th></tr>"
    )
    body = []
    for rec in rows.to_dict("records"):
        body.append(
            "<tr>"
            f"<td class='nr'><b>{esc(rec['rang'])}</b><br>90%: "
            f"{esc(rec['interval'].partition('(90%: ')[2].rstrip(')') or '–')}</td>"
            f"<td><b>{esc(rec['buurt'])}</b><br>{esc(rec['buurtcode'])}<br>wijk {esc(rec['wijk'])}"
            f"<br>score {esc(rec['score'])}{' · robuust' if rec['robuust'] == 'ja' else ''}"
            f"<br>dekking {esc(rec['dekking'])}"
            + (
                f"<br><small>buurtnotities: {esc(rec['buurtnotities'])}</small>"
                if rec["buurtnotities"] not in ("geen", "register niet bereikbaar")
                else ""
            )
            + "</td>"
            f"<td>{_list_html(rec['redenen'], 'geen score')}</td>"
            f"<td>{esc(rec['wijkteam'])}</td>"
            f"<td>{_list_html(rec['initiatieven_lijst'], rec['initiatieven'])}</td>"
            f"<td>{esc(rec['ontmoetingspunt'])}</td>"
            "<td class='notes'></td></tr>"
        )
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>{esc(heading)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{esc(heading)}</h1><p class='meta'>{esc(meta)}</p>"
        f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
        "<p class='uitleg'>Rang 1 = hoogste prioriteit binnen de gemeente. Het 90%-interval "
        "laat zien hoe zeker die plek is: bij andere redelijke gewichten en "
        "meetonzekerheid valt de rang meestal binnen die grenzen. 'Robuust' = in minstens 90% "
        "van de doorrekeningen bij de top. De redenen zijn de indicatoren die het meest "
        "bijdragen aan de score, met de waarde van de buurt en van de hele gemeente. "
        "Gezondheidscijfers zijn schattingen uit een enquête, geen tellingen. 'Dekking' is het "
        "deel van het gewicht dat op gepubliceerde cijfers van de buurt zelf rust (niet "
        "ingevuld, niet van de wijk); bij een lage dekking zegt de score minder.</p>"
        "</body></html>"
    )
