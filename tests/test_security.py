"""Issue #14: hostile input through every output context, exports, secrets, numbers, limits.

Each test names the numbered problem of the issue it guards. The hostile corpus lives in
``tests/hostile.py``; map rendering is covered in ``test_maps.py``, the real browser in
``test_browser.py``.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from geo import mask_secrets
from geo.registry import Registry, RegistryError, parse_amount, validate_records
from geo.registry_files import read_registry_file
from tests.hostile import FORMULAS
from wijkradar.export import ranking_csv, table_csv, write_table


# -- 4. formula injection in exports ------------------------------------------------------------
def _formula_cells(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_4_table_exports_neutralise_formulas(tmp_path):
    frame = pd.DataFrame({"naam": FORMULAS, "getal": range(len(FORMULAS))})
    frame["negatief"] = -2.5
    back = pd.read_csv(io.BytesIO(table_csv(frame)), dtype=object, keep_default_na=False)
    assert _formula_cells(back["naam"]) == []
    assert list(back["naam"]) == ["'" + f for f in FORMULAS]
    assert set(back["negatief"]) == {"-2.5"}  # numbers stay numbers
    xlsx = write_table(frame, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # strings, never formulas
    assert _formula_cells(c.value for c in cells if c.data_type == "s") == []
    csv = write_table(frame, tmp_path / "t.csv")
    assert _formula_cells(pd.read_csv(csv, dtype=object)["naam"]) == []
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        write_table(frame, tmp_path / "t.txt")


def test_4_ranking_csv_neutralises_buurt_and_wijk_names():
    table = pd.DataFrame(
        {"buurtnaam": FORMULAS, "wijknaam": list(reversed(FORMULAS)), "score": 1.0},
        index=pd.Index([f"BU0000000{i}" for i in range(len(FORMULAS))], name="buurtcode"),
    )
    back = pd.read_csv(io.BytesIO(ranking_csv(table)), dtype=object)
    assert _formula_cells(back["buurtnaam"]) == [] and _formula_cells(back["wijknaam"]) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_4_registry_export_is_formula_safe_and_round_trips(tmp_path, suffix):
    from wijkradar import Settings
    from wijkradar.registry import export_file

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    with Registry(url) as reg:
        for i, name in enumerate(FORMULAS):
            reg.save(
                "initiatief",
                {"id": f"F{i}", "naam": name, "thema": "overig", "status": "lopend"},
                user="t",
            )
        out = export_file(
            Settings(data_dir=tmp_path, database_url=url), "initiatief", tmp_path / f"e{suffix}"
        )
        if suffix == ".xlsx":
            sheet = openpyxl.load_workbook(out).active
            cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
            assert all(c.data_type != "f" for c in cells)
            assert _formula_cells(c.value for c in cells) == []
        else:
            assert _formula_cells(pd.read_csv(out, dtype=object)["naam"]) == []
        frame, _first = read_registry_file(out, max_bytes=10**6)
        # the ' added by the export is removed again on import: names round-trip exactly
        assert sorted(frame["naam"]) == sorted(reg.table("initiatief")["naam"])


# -- 5. secrets in messages ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "postgres://wijkradar:Geheim123@db.example:5432/wijkradar",
        "postgresql://wijkradar:Geheim123@127.0.0.1:1/wijkradar",
        "postgresql+nodriver://wijkradar:Geheim123@db/w",
        "wijkradar:Geheim123@db/wijkradar",
        "postgresql+psycopg://wijkradar:Geheim123@127.0.0.1:1/wijkradar",
    ],
)
def test_5_database_url_password_never_in_messages(url):
    with pytest.raises(RegistryError) as info:
        Registry(url).close()
    assert "Geheim123" not in str(info.value)


def test_5_mask_secrets():
    assert (
        mask_secrets("a postgresql+psycopg://u:p%40ss@h/db b")
        == "a postgresql+psycopg://u:***@h/db b"
    )
    assert "abc" not in mask_secrets("host=h password=abc user=u")
    assert mask_secrets("https://example.org/a:b") == "https://example.org/a:b"


# -- 9. amounts ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 2.000", 2000.0),
        ("€2.000,-", 2000.0),
        ("1.500,50", 1500.5),
        ("2,000.00", 2000.0),
        ("1,000,000", 1_000_000.0),
        ("1.234.567", 1_234_567.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("0,500", 0.5),
        ("2 000,50", 2000.5),
        ("EUR 350", 350.0),
        ("1500", 1500.0),
        (1500, 1500.0),
    ],
)
def test_9_amounts_are_parsed_exactly(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["2,000", "1.5.3", "12,50.1", "twee", "1e3", "€", "2.000.5"])
def test_9_ambiguous_or_malformed_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_9_bad_amount_gives_a_row_report_not_a_wrong_number():
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "naam": ["a", "b", "c"],
            "thema": "overig",
            "status": "lopend",
            "subsidie": ["€ 2.000", "2,000", "1.500,50"],
        }
    )
    records, errors = validate_records("initiatief", frame)
    assert records[0]["subsidie"] == 2000.0 and records[2]["subsidie"] == 1500.5
    assert [(e.row, e.field) for e in errors] == [(3, "subsidie")]
    assert "dubbelzinnig" in errors[0].message
