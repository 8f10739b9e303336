"""Real-browser tests for issue 15: Werklijst of Amersfoort, the voorbeeldgemeente offline,
labels and the buurt search on the map.
"""

from __future__ import annotations

import time

import pytest

from tests.appserver import running_app
from tests.loopback import LoopbackServer
from tests.test_app_users import UNREACHABLE, seed_registry
from tests.test_browser import ARTIFACTS, LIVE_MAP, _offsite, _require_browser  # noqa: F401
from tests.test_browser import browser as browser  # noqa: F401 (fixture)
from wijkradar import Settings, load_gemeente
from wijkradar.profiles import resolve_profile
from wijkradar.scoring import score_gemeente
from wijkradar.werklijst import reasons


@pytest.fixture(scope="module")
def seeded_app(loopback_data, tmp_path_factory):
    """The app on loopback sources, with Amersfoort cached and a filled registry."""
    data_dir = tmp_path_factory.mktemp("appdata_werklijst")
    with LoopbackServer(loopback_data) as srv:
        env = {**srv.env(), "WIJKRADAR_DATA_DIR": str(data_dir), "WIJKRADAR_HTTP_RETRIES": "0"}
        settings = Settings.from_env(env)
        data = load_gemeente("GM0307", settings=settings)
        scores = score_gemeente(
            data, resolve_profile("kansrijke-wijk", settings), seed=42, draws=1000
        )
        seeded = seed_registry(settings, data, scores, top=3)
        try:
            with running_app(env, data_dir / "streamlit.log") as base:
                yield base, data, scores, seeded
        except RuntimeError as exc:
            pytest.fail(str(exc))


def test_werklijst_top10_amersfoort(seeded_app, browser):  # noqa: F811
    base, data, scores, seeded = seeded_app
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{base}/werklijst?gemeente=GM0307&top=10", wait_until="domcontentloaded")
    sheet = page.frame_locator('iframe[srcdoc*="Werklijst Amersfoort"]')
    sheet.locator("tbody tr").first.wait_for(timeout=180_000)
    rows = sheet.locator("tbody tr")
    assert rows.count() == 10
    top10 = list(scores.sort_values("rang").index[:10])
    assert "Werklijst Amersfoort: 10 buurten" in sheet.locator("h1").inner_text()
    for i, code in enumerate(top10):
        text = rows.nth(i).inner_text()
        assert data.buurten.loc[code, "buurtnaam"] in text and code in text
        # the strongest reason, in words, with the gemeente's value
        why = reasons(data, scores, code)
        assert why and why[0].split(":")[0] in text
        assert "Wijkteam Amersfoort-Noord" in text
        assert "Wijkcentrum De Kubus" in text
    first = rows.nth(0).inner_text()
    assert "Buurtkamer 0 (eenzaamheid/ontmoeting, in de buurt)" in first
    assert sheet.locator("td.notes").count() == 10
    # both downloads are offered on the page
    assert page.get_by_text("Printbare werklijst (HTML, A4)").count() == 1
    assert page.get_by_text("Werklijst als CSV (Excel)").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "werklijst-GM0307.png"), full_page=True)
    assert _offsite(requested) == []
    assert seeded["best"][0] == top10[0]
    page.close()


def test_kaart_labels_and_search(seeded_app, browser):  # noqa: F811
    base, data, _scores, _seeded = seeded_app
    code = str(data.buurten.index[20])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/?gemeente=GM0307", wait_until="domcontentloaded")
    frame = page.frame_locator(LIVE_MAP).first
    frame.locator("path.wr-buurt").first.wait_for(timeout=180_000)
    time.sleep(1.0)
    # zoomed out on the gemeente: wijk names, no buurt names
    wijk_labels = frame.locator(".wr-label-wijk").all_inner_texts()
    assert len(wijk_labels) == data.buurten["wijkcode"].nunique()
    assert frame.locator(".wr-label-buurt").count() == 0
    # search a buurt: the map zooms to it, outlines it and shows buurt names
    search = page.get_by_label("Zoek een buurt")
    search.click()
    name = str(data.buurten.loc[code, "buurtnaam"])
    search.fill(name)
    page.get_by_role("option", name=f"{name} (wijk {data.buurten.loc[code, 'wijknaam']})").click()
    # the live map stays: the same frame outlines the buurt and zooms to it
    frame.locator("path.wr-gezocht").first.wait_for(timeout=180_000)
    frame.locator(".wr-label-buurt").first.wait_for(timeout=120_000)
    assert name in frame.locator(".wr-label-buurt").all_inner_texts()
    assert page.locator(LIVE_MAP).count() == 1
    page.screenshot(path=str(ARTIFACTS / "kaart-zoeken-GM0307.png"), full_page=True)
    page.close()


def test_example_gemeente_map_with_every_source_unreachable(browser, tmp_path):  # noqa: F811
    env = {**UNREACHABLE, "WIJKRADAR_DATA_DIR": str(tmp_path / "d")}
    with running_app(env, tmp_path / "streamlit.log") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{base}/?gemeente=voorbeeld", wait_until="domcontentloaded")
        frame = page.frame_locator(LIVE_MAP).first
        frame.locator("path.wr-buurt").nth(144).wait_for(state="attached", timeout=180_000)
        assert frame.locator("path.wr-buurt").count() == 145
        assert page.get_by_text("Voorbeeld, momentopname van").first.is_visible()
        assert page.get_by_text("CC BY 4.0").first.is_visible()
        legend = frame.locator(".wr-legend").first.inner_text()
        assert "Prioriteitsscore" in legend
        page.screenshot(path=str(ARTIFACTS / "voorbeeldgemeente-offline.png"), full_page=True)
        page.close()
    assert _offsite(requested) == []
