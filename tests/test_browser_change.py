"""Real-browser tests of the issue-18 pages (headless chromium, offline, hostile user text)."""

from __future__ import annotations

from datetime import date

from tests import test_browser as _browser_tests
from tests.hostile import HOSTILE_NAME

# the chromium and app-server fixtures of the browser tests
browser = _browser_tests.browser
app_server = _browser_tests.app_server
ARTIFACTS = _browser_tests.ARTIFACTS
_offsite = _browser_tests._offsite

CODE = "BU03071000"  # Liendert-Noord


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    dialogs: list[str] = []
    requested: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url, wait_until="domcontentloaded")
    return page, dialogs, requested


def _main_text(page, expected: str, timeout: int = 180_000) -> str:
    page.get_by_text(expected, exact=False).first.wait_for(timeout=timeout)
    return page.locator("section.stMain, [data-testid='stMain']").first.inner_text()


def test_notes_and_areas_show_user_text_as_text(app_server, browser):
    from geo.registry import Registry
    from wijkradar.areas import save_area
    from wijkradar.notes import add_note

    base, _srv, settings = app_server
    with Registry(settings.registry_url) as reg:
        add_note(
            reg,
            buurtcode=CODE,
            datum=date(2025, 11, 20),
            soort="gesprek",
            tekst=HOSTILE_NAME,
            cijfers_kloppen_niet=True,
            user="<b>buurtnetwerker</b>",
        )
        save_area(
            reg,
            naam="Liendert {{ 7*7 }} <img src=x onerror=alert(3)>",
            soort="programmagebied",
            buurtcodes=[CODE, "BU03071004", "BU03070700"],
            user="browser-test",
        )

    page, dialogs, requested = _open(browser, f"{base}/buurtprofiel?gemeente=GM0307&buurt={CODE}")
    text = _main_text(page, "Buurtnotities")
    page.get_by_text("</script><script>alert(1)</script>", exact=False).first.wait_for(
        timeout=60_000
    )
    text = page.locator("body").inner_text()
    assert "cijfers niet kloppen" in text
    assert page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "buurtnotities-profiel.png"), full_page=True)
    assert dialogs == [] and _offsite(requested) == []
    page.close()

    page, dialogs, requested = _open(browser, f"{base}/notities?gemeente=GM0307")
    _main_text(page, "notitie gevonden")
    search = page.get_by_label("Zoeken")
    search.fill("koffie")
    search.press("Enter")
    page.get_by_text("voor 'koffie'", exact=False).first.wait_for(timeout=60_000)
    assert "1 notitie gevonden" in page.locator("body").inner_text()
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == [] and _offsite(requested) == []
    page.close()

    page, dialogs, requested = _open(browser, f"{base}/gebieden?gemeente=GM0307")
    text = _main_text(page, "Indicatoren: gebied, gemeente en Nederland")
    assert "Liendert {{ 7*7 }}" in text and "49" not in text.split("Liendert", 1)[1][:12]
    assert "Gewogen" in text or "gewogen naar inwoners" in text
    assert page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "eigen-gebieden.png"), full_page=True)
    assert dialogs == [] and _offsite(requested) == []
    page.close()


def test_verandering_map_has_a_fixed_diverging_legend(app_server, browser):
    base, _srv, _settings = app_server
    page, dialogs, requested = _open(browser, f"{base}/verandering?gemeente=GM0307")
    frame = page.frame_locator(_browser_tests.MAP_FRAME)
    frame.locator("path.wr-buurt").first.wait_for(state="attached", timeout=180_000)
    legend = frame.locator(".wr-legend").inner_text()
    assert "Verandering van de score" in legend and "één legenda voor alle jaren" in legend
    assert "geen score (te weinig inwoners)" in legend
    fills = frame.locator("path.wr-buurt").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"
    )
    assert len(fills) == 145
    from wijkradar.change import DIVERGING
    from wijkradar.render.maps import NO_SCORE_FILL

    used = set(fills) - {NO_SCORE_FILL, "#ffffff"}  # white: no value in one of the years
    assert used and used <= set(DIVERGING), "only the red-blue diverging classes are used"
    page.screenshot(path=str(ARTIFACTS / "verandering-GM0307.png"), full_page=True)
    assert dialogs == [] and _offsite(requested) == []
    page.close()


def test_andere_indexen_scatter_and_table(app_server, browser):
    base, _srv, _settings = app_server
    page, dialogs, requested = _open(browser, f"{base}/indexen?gemeente=GM0307")
    _main_text(page, "Waar Wijkradar en de index het het minst eens zijn")
    # the metric row can paint after the heading below it on a loaded machine: wait for it
    text = _main_text(page, "Spearman-correlatie", timeout=60_000)
    assert "Spearman" in text and "-0,9" in text, text[:1500]
    page.locator(".vega-embed").first.wait_for(timeout=60_000)
    assert page.locator(".vega-embed canvas, .vega-embed svg").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "andere-indexen-GM0307.png"), full_page=True)
    assert dialogs == [] and _offsite(requested) == []
    page.close()
