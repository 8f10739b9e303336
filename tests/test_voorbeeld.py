"""Voorbeeldgemeente (shipped snapshot, no network) and first-start helpers."""

from __future__ import annotations

import json

import pytest

from wijkradar import Settings
from wijkradar.render.offline import DOWNLOADS, UnreachableMemory
from wijkradar.voorbeeld import (
    FILES,
    banner,
    build_snapshot,
    load_example,
    metadata,
    snapshot_dir,
)

#: Every source points at a closed port: nothing may be fetched.
OFFLINE = {
    "cbs_odata_url": "http://127.0.0.1:9/odata",
    "cbs_dataderden_url": "http://127.0.0.1:9/dataderden",
    "pdok_url": "http://127.0.0.1:9/pdok",
}


def test_snapshot_is_small_attributed_and_dated():
    folder = snapshot_dir()
    files = [folder / f for f in FILES.values()] + [folder / "bron.json"]
    assert all(f.is_file() for f in files)
    assert sum(f.stat().st_size for f in files) <= 1_000_000
    meta = metadata()
    assert meta["licentie"] == "CC BY 4.0"
    assert "CBS" in meta["naamsvermelding"] and "RIVM" in meta["naamsvermelding"]
    assert set(meta["bestanden"]) == set(FILES.values())
    assert all(b["bron"].startswith("https://") for b in meta["bestanden"].values())
    text = banner(meta)
    assert text.startswith("Voorbeeld, momentopname van ") and "CC BY 4.0" in text


def test_example_loads_without_network(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data", **OFFLINE)
    data = load_example(settings)
    assert data.gemeentenaam == "Amersfoort (voorbeeld)"
    assert data.gemeentecode == "GM0307" and data.jaar == 2024
    assert len(data.buurten) == 145
    assert {"inwoners", "eenzaam", "gezondheid_goed"} <= set(data.indicator_ids)
    assert data.warnings[0].startswith("Voorbeeld, momentopname van")
    assert all("CC BY 4.0" in p["opmerkingen"] for p in data.provenance)
    assert all(str(p["url"]).startswith("https://") for p in data.provenance)
    # it lives in its own data folder, apart from a real Amersfoort
    assert (tmp_path / "data" / "voorbeeld").is_dir()
    assert not list((tmp_path / "data").glob("cache/*"))
    again = load_example(settings)  # from the cache now
    assert again.created == data.created


def test_snapshot_is_rebuilt_exactly_from_the_downloaded_files(shared, tmp_path):
    written = build_snapshot(
        shared / "geo" / "cbs_buurten_2024_gegeneraliseerd_GM0307_GM0034.gpkg",
        shared / "kerncijfers" / "cbs_85984NED_2024_buurten_subset_plus_politie_47018NED_NL.csv",
        shared / "gezondheid" / "rivm_cbs_50090NED_2012_2016_2020_GM0307_GM0034_untyped_raw.csv",
        tmp_path,
    )
    shipped = snapshot_dir()
    for path in written[:-1]:
        assert path.read_bytes() == (shipped / path.name).read_bytes(), path.name
    fresh, ours = json.loads(written[-1].read_text()), metadata()
    fresh.pop("momentopname"), ours.pop("momentopname")
    assert fresh == ours


def test_downloads_are_real_links():
    assert len(DOWNLOADS) == 3
    assert all(d.url.startswith("https://") for d in DOWNLOADS)
    titles = " ".join(d.titel for d in DOWNLOADS)
    assert "Wijk- en buurtkaart" in titles and "StatLine" in titles and "50090NED" in titles


def test_unreachable_memory_forgets_after_ttl():
    now = [0.0]
    memory = UnreachableMemory(ttl=300, clock=lambda: now[0])
    assert memory.failure("k") is None and memory.retry_in("k") == 0
    memory.remember("k", OSError("weg"))
    now[0] = 120.0
    assert memory.retry_in("k") == pytest.approx(180.0)
    assert isinstance(memory.failure("k")[1], OSError)  # type: ignore[index]
    now[0] = 301.0
    assert memory.failure("k") is None
    memory.remember("k", OSError("weg"))
    memory.forget()
    assert memory.failure("k") is None
