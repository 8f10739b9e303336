"""Change over time: per-buurt change, the significance rule, fixed legends and rank shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.change import change_between, change_bins, periods_of, rank_shifts, significant_change


def _trend(bounds: bool = True) -> pd.DataFrame:
    rows = [
        # code, period, value, lower, upper
        ("BU1", "2016", 20.0, 17.0, 23.0),
        ("BU1", "2020", 30.0, 27.0, 33.0),  # +10, intervals apart: significant
        ("BU2", "2016", 20.0, 15.0, 25.0),
        ("BU2", "2020", 24.0, 19.0, 29.0),  # +4, intervals overlap: not significant
        ("BU3", "2020", 40.0, 35.0, 45.0),  # no 2016 row (other indeling)
        ("BU4", "2016", 10.0, np.nan, np.nan),
        ("BU4", "2020", 5.0, np.nan, np.nan),  # no bounds: unknown
        ("BU1", "2012", 14.0, 11.0, 17.0),
    ]
    frame = pd.DataFrame(rows, columns=["code", "period", "value", "lower", "upper"])
    frame.insert(2, "indicator", "eenzaam")
    return frame if bounds else frame.drop(columns=["lower", "upper"])


def test_change_status_and_significance():
    out = change_between(_trend(), "eenzaam", "2016", "2020", ["BU1", "BU2", "BU3", "BU4", "BU5"])
    assert out["verandering"].tolist()[:2] == [10.0, 4.0]
    assert out["significant"].tolist() == [True, False, pd.NA, pd.NA, pd.NA]
    assert out["status"].tolist() == ["beide", "beide", "alleen_eind", "beide", "geen"]
    assert np.isnan(out.loc["BU3", "verandering"])
    assert list(out.index) == ["BU1", "BU2", "BU3", "BU4", "BU5"]  # index kept


def test_without_bounds_significance_is_unknown_never_false():
    out = change_between(_trend(bounds=False), "eenzaam", "2016", "2020", ["BU1", "BU2"])
    assert out["significant"].isna().all()
    assert out["verandering"].tolist() == [10.0, 4.0]


def test_touching_intervals_are_not_significant():
    sig = significant_change(
        pd.Series([10.0]), pd.Series([14.0]), pd.Series([14.0]), pd.Series([18.0])
    )
    assert sig.tolist() == [False]


def test_legend_is_the_same_for_every_pair_of_years():
    t = _trend()
    bins = change_bins(t, "eenzaam", ["BU1", "BU2", "BU3", "BU4"])
    # largest change between any two periods: BU1 2012 -> 2020 = 16, rounded up to 20
    assert bins == [-20.0, -13.3333333333, -6.6666666667, 0.0, 6.6666666667, 13.3333333333, 20.0]
    assert periods_of(t) == ["2012", "2016", "2020"]
    with pytest.raises(ValueError, match="even number"):
        change_bins(t, "eenzaam", ["BU1"], classes=5)


def test_rank_shifts_match_on_code_and_keep_small_buurten_out():
    before = pd.DataFrame(
        {"score": [90.0, 50.0, 10.0], "rang": [1, 2, 3], "te_klein": [False, False, False]},
        index=["A", "B", "C"],
    )
    after = pd.DataFrame(
        {"score": [40.0, 80.0, np.nan], "rang": [2, 1, np.nan], "te_klein": [False, False, True]},
        index=["A", "B", "D"],
    )
    out = rank_shifts(before, after)
    assert out.loc["B", "verschuiving"] == 1 and out.loc["A", "verschuiving"] == -1
    assert out.loc["C", "status"] == "alleen_voor" and np.isnan(out.loc["C", "verschuiving"])
    assert "D" not in out.index  # too small in the later year: no rank at all


def test_score_change_map_values_keep_small_and_missing_apart():
    from wijkradar.change import score_change_map_values

    shifts = pd.DataFrame(
        {
            "rang_voor": [1.0, 2.0, 3.0],
            "rang_na": [2.0, 1.0, np.nan],
            "verandering": [-12.5, 4.0, np.nan],
        },
        index=["A", "B", "C"],
    )
    scores = pd.DataFrame({"te_klein": [False, False, False, True]}, index=["A", "B", "C", "E"])
    mv = score_change_map_values(shifts, scores, pd.Index(["A", "B", "C", "E", "F"]), 2016, 2020)
    frame = mv.frame
    assert frame["status"].tolist() == ["waarde", "waarde", "ontbreekt", "geen_score", "geen_score"]
    assert frame.loc["A", "label"] == "-12,5 punten (rang 1 → 2)"
    assert frame.loc["B", "label"] == "+4,0 punten (rang 2 → 1)"
    assert frame.loc["C", "label"] == "geen score"
    assert frame.loc["E", "label"] == "geen score (te weinig inwoners)"
    assert np.isnan(frame.loc["E", "value"]) and mv.title == "Verandering van de score 2016–2020"


# -- the service on real Amersfoort data (loopback built from ../shared/data) -------------------
from tests import test_areas as _area_tests  # noqa: E402

amersfoort = _area_tests.amersfoort


def test_data_for_period_takes_that_years_values_with_the_wijk_fallback(amersfoort):
    from wijkradar.change import data_for_period, trend_indicators

    data, _scores, _profile, _ = amersfoort
    assert "eenzaam" in trend_indicators(data)
    old = data_for_period(data, "2016")
    t = data.trend[(data.trend["indicator"] == "eenzaam") & (data.trend["period"] == "2016")]
    own = t.set_index("code")["value"]
    code = next(c for c in data.buurten.index if c in own.index)
    assert old.buurten.loc[code, "eenzaam"] == own[code]
    assert str(old.states.loc[code, "eenzaam"]) == "aanwezig"
    # a buurtcode of 2024 that the 2016 monitor does not know takes its wijk's 2016 value
    missing = [c for c in data.buurten.index if c not in own.index]
    with_wijk = [c for c in missing if "WK" + c[2:8] in own.index]
    assert with_wijk, "expected buurten that are new since 2016"
    c = with_wijk[0]
    assert old.buurten.loc[c, "eenzaam"] == own["WK" + c[2:8]]
    assert str(old.states.loc[c, "eenzaam"]) == "wijkwaarde"
    # kerncijfers stay those of the data's year; the original is untouched
    assert old.buurten["inwoners"].equals(data.buurten["inwoners"])
    # the original data keep the newest monitor year
    t20 = data.trend[(data.trend["indicator"] == "eenzaam") & (data.trend["period"] == "2020")]
    assert data.buurten.loc[code, "eenzaam"] == t20.set_index("code")["value"][code]


def test_score_change_between_monitor_years(amersfoort):
    from wijkradar.change import score_change, score_periods

    data, scores, profile, _ = amersfoort
    by_period = score_periods(data, profile, ["2016", "2020"])
    shifts, bins = score_change(by_period, "2016", "2020")
    both = shifts[shifts["status"] == "beide"]
    assert len(both) > 100
    assert (both["verschuiving"] == both["rang_voor"] - both["rang_na"]).all()
    assert bins[0] == -bins[-1] and bins[0] <= -both["verandering"].abs().max()
    # the same buurten are too small in every year: never ranked
    small = scores.index[scores["te_klein"].astype(bool)]
    assert not shifts.index.isin(small).any()


def test_buurt_trend_long_carries_bounds_and_hides_small_buurten(amersfoort):
    from wijkradar.change import buurt_trend_long

    data, scores, _profile, _ = amersfoort
    code = str(scores["rang"].idxmin())
    long = buurt_trend_long(data, code, scores)
    assert set(long["periode"]) == {"2012", "2016", "2020", "2022", "2024"}  # 50150NED
    assert long["ondergrens"].isna().all()  # the shared extract publishes no bounds
    small = str(scores.index[scores["te_klein"].astype(bool)][0])
    assert buurt_trend_long(data, small, scores).empty
    bounded = data.trend.assign(lower=data.trend["value"] - 2, upper=data.trend["value"] + 2)
    with_bounds = buurt_trend_long(
        type("D", (), {"trend": bounded, "catalogue": data.catalogue})(), code
    )
    width = with_bounds["bovengrens"] - with_bounds["ondergrens"]
    assert width.to_numpy() == pytest.approx(np.full(len(width), 4.0))


def test_bounds_reach_the_trend_and_decide_significance(shared, tmp_path):
    """With 95% bounds in the source (SYNTHETIC +/-2 points in the loopback), the trend keeps
    them per period, through the cache, and only non-overlapping intervals are significant."""
    from tests.conftest import settings_for
    from tests.loopback import LoopbackServer, build_data
    from wijkradar.change import indicator_change
    from wijkradar.pipeline import fetch_gemeente, load_gemeente
    from wijkradar.profiles import resolve_profile
    from wijkradar.scoring import score_gemeente

    with LoopbackServer(build_data(shared, synthetic_bounds=2.0)) as srv:
        settings = settings_for(srv, tmp_path)
        fetch_gemeente("GM0307", settings=settings)
    data = load_gemeente("GM0307", settings=settings)  # from the cache
    assert {"lower", "upper"} <= set(data.trend.columns)
    scores = score_gemeente(data, resolve_profile("kansrijke-wijk", settings), draws=0)
    periods = periods_of(data.trend, "eenzaam")
    ch = indicator_change(data, scores, "eenzaam", periods[-2], periods[-1])
    both = ch[ch["status"] == "beide"]
    assert len(both) > 50 and both["significant"].notna().all()
    clear = (both["verandering"].abs() - 4).abs() > 0.05  # not on the touching edge
    expected = both["verandering"].abs() > 4
    assert (both.loc[clear, "significant"].astype(bool) == expected[clear]).all()
