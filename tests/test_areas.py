"""Eigen gebieden: pooling rules, disclosure, trend pooling; checked against real Amersfoort data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.areas import aggregate_indicators, aggregate_score, aggregate_trend, pool_method
from wijkradar.areas import (
    Area,
    area_indicator_table,
    area_profile,
    area_trend_table,
    save_area,
    stored_areas,
    wijkteam_areas,
)

IDX = pd.Index(["BU1", "BU2", "BU3"], name="buurtcode")
UNITS = {
    "inwoners": "aantal",
    "eenzaam": "%",
    "pct_laag": "% van huishoudens",
    "stedelijkheid": "klasse 1-5",
}


def _frame(**cols):
    values = pd.DataFrame(
        {
            "inwoners": [1000.0, 3000.0, 40.0],
            "huishoudens": [800.0, 1200.0, 20.0],
            "eenzaam": [10.0, 20.0, 90.0],
            "pct_laag": [50.0, 10.0, 90.0],
            "stedelijkheid": [1.0, 2.0, 3.0],
            **cols,
        },
        index=IDX,
    )
    states = pd.DataFrame("aanwezig", index=IDX, columns=values.columns)
    return values, states


@pytest.mark.parametrize(
    ("unit", "method"),
    [
        ("aantal", "som"),
        ("% van huishoudens", "huishoudens"),
        ("klasse 1-5", "niet samen te voegen"),
        ("%", "inwoners"),
        ("per 1.000 inwoners", "inwoners"),
    ],
)
def test_pool_method_by_unit(unit, method):
    assert pool_method(unit) == method


def test_pooling_weights_and_the_small_buurt_rule():
    values, states = _frame()
    out = aggregate_indicators(values, states, UNITS, IDX, min_population=100)
    # BU3 (40 inhabitants) contributes no rate; counts include it
    assert out.loc["eenzaam", "waarde"] == pytest.approx((10 * 1000 + 20 * 3000) / 4000)
    assert out.loc["pct_laag", "waarde"] == pytest.approx((50 * 800 + 10 * 1200) / 2000)
    assert out.loc["inwoners", "waarde"] == 4040
    assert np.isnan(out.loc["stedelijkheid", "waarde"]) and not out.loc["stedelijkheid", "getoond"]
    assert out.attrs["buurten_te_klein"] == 1 and out.attrs["inwoners_gedekt"] == 4000
    # an area of only the small buurt shows no rate at all
    tiny = aggregate_indicators(values, states, UNITS, ["BU3"], min_population=100)
    assert not tiny.loc["eenzaam", "getoond"] and "minder dan 100" in tiny.loc["eenzaam", "reden"]
    assert tiny.loc["inwoners", "waarde"] == 40


def test_missing_suppressed_and_wijk_values_are_reported_not_hidden():
    values, states = _frame()
    values.loc["BU2", "eenzaam"] = np.nan
    states.loc["BU2", "eenzaam"] = "onderdrukt"
    states.loc["BU1", "pct_laag"] = "wijkwaarde"
    out = aggregate_indicators(values, states, UNITS, ["BU1", "BU2"], min_population=100)
    assert out.loc["eenzaam", "waarde"] == 10.0
    assert out.loc["eenzaam", "dekking"] == pytest.approx(1000 / 4000)
    assert out.loc["pct_laag", "aandeel_wijkwaarde"] == pytest.approx(800 / 2000)
    with pytest.raises(KeyError, match="BU9"):
        aggregate_indicators(values, states, UNITS, ["BU9"], min_population=100)


def test_area_score_and_trend_pool_only_complete_buurten():
    scores = pd.DataFrame(
        {
            "score": [80.0, 40.0, np.nan],
            "rang": [1.0, 2.0, np.nan],
            "te_klein": [False, False, True],
            "n_geimputeerd": [1, 0, 0],
        },
        index=IDX,
    )
    pop = pd.Series([1000.0, 3000.0, 40.0], index=IDX)
    s = aggregate_score(scores, pop, IDX, min_population=100)
    assert s["score"] == pytest.approx(50.0) and s["aandeel_ingevuld"] == pytest.approx(0.25)
    assert (s["rang_min"], s["rang_max"], s["buurten_gescoord"]) == (1.0, 2.0, 2)
    trend = pd.DataFrame(
        {
            "code": ["BU1", "BU1", "BU2", "BU3", "BU3"],
            "period": ["2016", "2020", "2020", "2016", "2020"],
            "indicator": "eenzaam",
            "value": [10.0, 12.0, 30.0, 50.0, 60.0],
        }
    )
    pooled = aggregate_trend(trend, "eenzaam", pop, IDX, min_population=100)
    # BU2 lacks 2016 and BU3 is too small: only BU1 is pooled, in both years
    assert pooled["waarde"].tolist() == [10.0, 12.0] and pooled["buurten"].iloc[0] == 1
    assert aggregate_trend(trend, "eenzaam", pop, ["BU3"], min_population=100).empty


def test_stored_and_wijkteam_areas():
    table = pd.DataFrame(
        {
            "id": ["G-b", "G-a"],
            "naam": ["Zuid", "Noord"],
            "soort": ["overig", "programmagebied"],
            "buurtcodes": ["BU03070001", "BU03070002 BU03070003"],
            "version": [1, 2],
        }
    )
    areas = stored_areas(table)
    assert [a.naam for a in areas] == ["Noord", "Zuid"] and areas[0].version == 2
    teams = pd.DataFrame({"id": ["T1"], "naam": ["Oost"]})
    assign = pd.DataFrame({"buurtcode": ["BU2", "BU1"], "wijkteam_id": ["T1", "T1"]})
    (team,) = wijkteam_areas(teams, assign)
    assert team.naam == "Wijkteam Oost" and team.buurtcodes == ("BU1", "BU2")


@pytest.fixture(scope="module")
def amersfoort(loopback_data, tmp_path_factory):
    from tests.conftest import settings_for
    from tests.loopback import LoopbackServer
    from wijkradar.pipeline import fetch_gemeente
    from wijkradar.profiles import resolve_profile
    from wijkradar.scoring import score_gemeente

    with LoopbackServer(loopback_data) as srv:
        settings = settings_for(srv, tmp_path_factory.mktemp("areas"))
        data = fetch_gemeente("GM0307", settings=settings)
    profile = resolve_profile("kansrijke-wijk", settings)
    return data, score_gemeente(data, profile, seed=42, draws=0), profile, settings


def test_whole_gemeente_pooled_matches_the_published_gemeente_value(amersfoort):
    """Real data: pooling all buurten of Amersfoort reproduces the RIVM gemeente estimate."""
    data, scores, profile, _ = amersfoort
    area = Area("alles", "Amersfoort", "overig", tuple(data.buurten.index))
    table = area_trend_table(
        data, area, "eenzaam", min_population=profile.min_population, excluded=scores["te_klein"]
    )
    assert list(table.index) == ["2012", "2016", "2020"]
    assert (table["Gebied"] - table["Gemeente"]).abs().max() < 0.5
    prof = area_profile(data, scores, area, min_population=profile.min_population)
    assert prof.score["score"] == pytest.approx(prof.gemeente_score["score"])
    assert prof.inwoners == pytest.approx(data.buurten["inwoners"].sum())


def test_programme_area_liendert_kruiskamp_schuilenburg(amersfoort):
    data, scores, profile, _ = amersfoort
    names = data.buurten["buurtnaam"]
    codes = tuple(names.index[names.str.contains("Liendert|Kruiskamp|Schuilenburg")])
    assert len(codes) == 8
    area = Area("p", "Liendert + Kruiskamp + Schuilenburg", "programmagebied", codes)
    prof = area_profile(data, scores, area, min_population=profile.min_population)
    pop = data.buurten.loc[list(codes), "inwoners"]
    ones = data.buurten.loc[list(codes), "eenzaam"]
    assert prof.indicators.loc["eenzaam", "waarde"] == pytest.approx((ones * pop).sum() / pop.sum())
    assert prof.indicators.loc["inwoners", "waarde"] == pop.sum()
    # the programme area has more need than the gemeente as a whole
    assert prof.score["score"] > prof.gemeente_score["score"]
    shown = area_indicator_table(prof, data).set_index("Indicator")
    assert shown.loc[
        "Eenzaam", "Gebied"
    ] == f"{prof.indicators.loc['eenzaam', 'waarde']:.1f}".replace(".", ",")
    assert shown.loc["Mate van stedelijkheid (1 = zeer sterk)", "Gebied"] == "–"


def test_save_area_gives_unique_ids_and_checks_codes(tmp_path):
    from geo.registry import ImportRejected, Registry

    with Registry(f"sqlite:///{tmp_path / 'r.sqlite'}") as reg:
        known = ["BU03071000", "BU03071004"]
        first = save_area(reg, naam="Liendert", soort="programmagebied", buurtcodes=known, user="a")
        second = save_area(reg, naam="Liendert", soort="overig", buurtcodes=known[:1], user="b")
        assert (first["id"], second["id"]) == ("G-liendert", "G-liendert-2")
        with pytest.raises(ImportRejected, match="komen niet voor"):
            save_area(
                reg, naam="X", soort="overig", buurtcodes=["BU03079999"], user="a", known=known
            )
        assert reg.audit_log()["entiteit"].eq("gebied").sum() == 2
