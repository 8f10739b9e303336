"""Werklijst for buurtnetwerkers: rows, reasons, registry columns, printable HTML and CSV."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from tests.conftest import add_indicator
from tests.test_maps import EVIL, _data_and_scores
from wijkradar.dataversion import data_version, data_version_label
from wijkradar.escape import html_text
from wijkradar.werklijst import CSV_COLUMNS, reasons, worklist, worklist_csv, worklist_html


def _fixture():
    data, scores = _data_and_scores()
    data.created = "2026-12-01T09:30:00+00:00"
    codes = list(data.buurten.index)
    # a second contribution so the reasons have an order
    add_indicator(
        data,
        "inkomen",
        np.linspace(20, 40, len(codes)),
        label="Gemiddeld inkomen per inwoner",
        domain="Inkomen",
        unit="x 1.000 euro",
    )
    data.reference["inkomen"] = [31.2, 33.0]
    scores["bijdrage__inkomen"] = scores["score"] / 2
    centres = data.buurten.geometry.centroid
    top = scores.sort_values("rang").index[0]
    tables = {
        "initiatief": pd.DataFrame(
            [
                {  # at the centre of the top buurt
                    "id": "i1",
                    "naam": f"Koffie {EVIL}",
                    "thema": "eenzaamheid/ontmoeting",
                    "status": "lopend",
                    "buurtcode": top,
                    "x": centres[top].x,
                    "y": centres[top].y,
                },
                {  # 700 m away, in no buurt of the gemeente
                    "id": "i2",
                    "naam": "Schuldhulp",
                    "thema": "geldzorgen",
                    "status": "toegekend",
                    "buurtcode": None,
                    "x": centres[top].x + 700,
                    "y": centres[top].y,
                },
                {  # far away
                    "id": "i3",
                    "naam": "Ver weg",
                    "thema": "overig",
                    "status": "lopend",
                    "buurtcode": None,
                    "x": centres[top].x + 5000,
                    "y": centres[top].y,
                },
                {  # finished: does not count
                    "id": "i4",
                    "naam": "Afgerond",
                    "thema": "overig",
                    "status": "afgerond",
                    "buurtcode": top,
                    "x": centres[top].x,
                    "y": centres[top].y,
                },
            ]
        ),
        "wijkteam": pd.DataFrame(
            [{"id": "T1", "naam": "Wijkteam Noord", "fte": 3.0, "x": None, "y": None}]
        ),
        "wijkteam_buurt": pd.DataFrame({"buurtcode": codes[:5], "wijkteam_id": "T1"}),
        "locatie": pd.DataFrame(
            [
                {
                    "id": "L1",
                    "soort": "wijkcentrum",
                    "naam": "Het Middelpunt",
                    "x": centres[top].x + 300,
                    "y": centres[top].y,
                },
                {
                    "id": "L2",
                    "soort": "huisarts",
                    "naam": "Huisarts",
                    "x": centres[top].x,
                    "y": centres[top].y,
                },
            ]
        ),
    }
    return data, scores, tables, top


def test_reasons_in_plain_words():
    data, scores, _tables, top = _fixture()
    why = reasons(data, scores, top)
    assert len(why) == 2
    assert why[0].startswith("Eenzaam: ") and "%; gemeente 20,0%" in why[0]
    assert why[1].startswith("Gemiddeld inkomen per inwoner: € ")
    assert "gemeente € 31.200" in why[1]
    small = list(data.buurten.index)[0]
    assert reasons(data, scores, small) == []  # no score, no reasons


def test_worklist_rows_for_the_top_n():
    data, scores, tables, top = _fixture()
    rows = worklist(data, scores, tables, top=3)
    assert list(rows["rang"]) == [1, 2, 3]
    assert rows.index[0] == top
    first = rows.iloc[0]
    assert first["interval"] == "1 (90%: 0–2)"
    assert first["reden_1"].startswith("Eenzaam")
    # the top buurt is not in the first five codes: no wijkteam
    assert first["wijkteam"] == "geen wijkteam toegewezen"
    assert first["initiatieven_lijst"] == [
        f"Koffie {EVIL} (eenzaamheid/ontmoeting, in de buurt)",
        "Schuldhulp (geldzorgen, 700 m)",
    ]
    assert first["ontmoetingspunt"] == "Het Middelpunt (wijkcentrum, 300 m)"
    assert first["notities"] == ""


def test_worklist_selection_and_wijkteam():
    data, scores, tables, _top = _fixture()
    codes = list(data.buurten.index)
    rows = worklist(data, scores, tables, codes=[codes[1], codes[4], codes[0]])
    # the unscored buurt 0 is left out; the rest come by rank
    assert list(rows.index) == [codes[4], codes[1]]
    assert set(rows["wijkteam"]) == {"Wijkteam Noord"}
    with pytest.raises(KeyError, match="BU9"):
        worklist(data, scores, tables, codes=["BU99999999"])


def test_worklist_without_registry_says_so():
    data, scores, _tables, _top = _fixture()
    rows = worklist(data, scores, None, top=2)
    assert set(rows["wijkteam"]) == {"register niet bereikbaar"}
    assert set(rows["ontmoetingspunt"]) == {"register niet bereikbaar"}


def test_printable_page_and_csv():
    data, scores, tables, _top = _fixture()
    rows = worklist(data, scores, tables, top=3)
    page = worklist_html(rows, data, profile_name="kansrijke-wijk")
    assert "<script" not in page and EVIL not in page and "Koffie &lt;img" in page
    assert "size: A4 landscape" in page
    assert "Werklijst Testgemeente: 3 buurten" in page
    assert "gegevens van 1 december 2026, 10:30" in page
    assert page.count("<td class='notes'></td>") == 3
    raw = worklist_csv(rows)
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == list(CSV_COLUMNS.values())
    assert len(table) == 4
    assert table[1][list(CSV_COLUMNS).index("notities")] == ""
    # the data version (tables, periods, fetch date, content hash) on every row and the page
    label = data_version_label(scores.attrs.get("data_version") or data_version(data))
    assert {r[list(CSV_COLUMNS).index("dataversie")] for r in table[1:]} == {label}
    assert "dataversie " + html_text(label) in page
    # a name starting with '=' is not a formula in Excel
    data.buurten.loc[rows.index[0], "buurtnaam"] = "=HYPERLINK(1)"
    again = worklist_csv(worklist(data, scores, tables, top=1)).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in again
