"""The table-edit service behind 'Wijzigingen opslaan' and the buurt's wijkteam, no Streamlit."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.registry import ConflictError, ImportRejected, Registry
from wijkradar.registry import buurt_wijkteam, save_table_edits


@pytest.fixture
def reg(tmp_path):
    with Registry(f"sqlite:///{tmp_path / 'registry.sqlite'}") as r:
        for i, naam in enumerate(["Koffie in de wijk", "Samen koken", "Geldcafé"], start=1):
            r.save(
                "initiatief",
                {
                    "id": f"IB-{i}",
                    "naam": naam,
                    "thema": "eenzaamheid/ontmoeting",
                    "status": "lopend",
                    "x": 155_100.0,
                    "y": 463_100.0,
                },
                user="t",
            )
        yield r


def _shown(reg, entity="initiatief"):
    """The table as the page shows it in the editor."""
    return reg.table(entity).drop(columns=["gewijzigd"], errors="ignore")


def test_changed_rows_are_saved_new_rows_get_an_id_and_removed_rows_go(reg):
    before = _shown(reg)
    after = before.copy()
    after.loc[after["id"] == "IB-1", "naam"] = "Koffie en thee"
    after = after[after["id"] != "IB-3"]
    new = {c: None for c in after.columns} | {
        "naam": "Buurtkamer",
        "thema": "geldzorgen",
        "status": "aangevraagd",
    }
    empty = {c: None for c in after.columns}
    after = pd.concat([after, pd.DataFrame([new, empty])], ignore_index=True)

    result = save_table_edits(reg, "initiatief", before, after, user="anna")

    assert result.failures == []
    assert result.updated == ["IB-1 Koffie en thee"]  # IB-2 is unchanged: not saved again
    assert len(result.added) == 1 and result.added[0].endswith(" Buurtkamer")
    assert result.added[0].startswith("INI")  # the registry made up the id
    assert result.deleted == ["IB-3"]
    table = reg.table("initiatief").set_index("id")
    assert table.loc["IB-1", "naam"] == "Koffie en thee"
    assert table.loc["IB-1", "gewijzigd_door"] == "anna"
    assert table.loc["IB-2", "version"] == before.set_index("id").loc["IB-2", "version"]
    assert "IB-3" not in table.index and len(table) == 3  # the empty row was ignored


def test_a_row_changed_meanwhile_is_refused_and_the_others_still_save(reg):
    before = _shown(reg)
    row = reg.get("initiatief", "IB-1")
    reg.save("initiatief", {**row, "naam": "Ander"}, user="bram", version=row["version"])
    after = before.copy()
    after.loc[after["id"] == "IB-1", "status"] = "afgerond"
    after.loc[after["id"] == "IB-2", "status"] = "afgerond"
    after.loc[after["id"] == "IB-3", "status"] = "bestaat-niet"

    result = save_table_edits(reg, "initiatief", before, after, user="anna")

    assert result.updated == ["IB-2 Samen koken"]
    kinds = {key: (action, type(exc)) for action, key, exc in result.failures}
    assert kinds == {
        "IB-1": ("opslaan", ConflictError),
        "IB-3": ("opslaan", ImportRejected),
    }
    assert reg.get("initiatief", "IB-1")["naam"] == "Ander"  # bram's change is not lost
    assert reg.get("initiatief", "IB-3")["status"] == "lopend"


def test_a_stale_delete_is_refused(reg):
    before = _shown(reg)
    row = reg.get("initiatief", "IB-2")
    reg.save("initiatief", {**row, "naam": "Ander"}, user="bram", version=row["version"])
    result = save_table_edits(
        reg, "initiatief", before, before[before["id"] != "IB-2"], user="anna"
    )
    assert result.deleted == []
    assert [(a, k, type(e)) for a, k, e in result.failures] == [
        ("verwijderen", "IB-2", ConflictError)
    ]
    assert reg.get("initiatief", "IB-2") is not None


def test_points_outside_the_gemeente_are_warned_about(reg):
    buurten = gpd.GeoDataFrame(
        {"buurtnaam": ["Ver weg"]},
        geometry=[box(100_000, 400_000, 100_100, 400_100)],
        index=pd.Index(["BU00000001"], name="buurtcode"),
        crs=28992,
    )
    before = _shown(reg)
    after = before.copy()
    after.loc[after["id"] == "IB-1", "naam"] = "Verhuisd"
    result = save_table_edits(reg, "initiatief", before, after, user="anna", buurten=buurten)
    assert result.updated == ["IB-1 Verhuisd"]
    assert len(result.warnings) == 1 and "Verhuisd" in result.warnings[0]


def test_buurt_wijkteam(reg):
    assert buurt_wijkteam(reg, "BU03070000") is None
    reg.save("wijkteam", {"id": "WT1", "naam": "Wijkteam Noord", "fte": 4.5}, user="t")
    reg.save("wijkteam_buurt", {"buurtcode": "BU03070000", "wijkteam_id": "WT1"}, user="t")
    team = buurt_wijkteam(reg, "BU03070000")
    assert team is not None and team["naam"] == "Wijkteam Noord" and team["fte"] == 4.5
    assert buurt_wijkteam(reg, "BU03070001") is None
