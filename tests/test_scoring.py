"""Scoring engine on small hand-made frames, plus the real Amersfoort data."""

import numpy as np
import pandas as pd
import pytest

from models import (
    NORMALISERS,
    ProfileError,
    ScoringProfile,
    compare_profiles,
    impute,
    parse_profile,
    score_buurten,
)
from wijkradar.profiles import load_profile, save_profile

CODES = [f"BU09990{w}0{b}" for w in (1, 2) for b in range(1, 6)]


@pytest.fixture
def frame():
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "inwoners": [1000, 800, 50, 1200, 900, 700, np.nan, 1500, 600, 1100],
            "eenzaam": rng.uniform(20, 60, 10),
            "gezond": rng.uniform(60, 85, 10),
            "rondkomen": [10, 12, 30, np.nan, 15, 18, 20, 9, 25, 11],
        },
        index=pd.Index(CODES, name="buurtcode"),
    )


def profile(**kw):
    base = {
        "name": "test",
        "domains": [
            {"name": "Sociaal", "indicators": [{"id": "eenzaam"}]},
            {"name": "Gezondheid", "indicators": [{"id": "gezond", "direction": "hoger_beter"}]},
            {"name": "Geld", "indicators": [{"id": "rondkomen"}]},
        ],
    }
    base.update(kw)
    return ScoringProfile.model_validate(base)


@pytest.mark.parametrize("name", list(NORMALISERS), ids=list(NORMALISERS))
def test_normalisers_map_to_unit_interval_and_keep_order(name):
    x = np.array([1.0, 5.0, 3.0, np.nan, 100.0, -50.0])
    f = NORMALISERS[name](x)
    y = f(x)
    assert np.isnan(y[3])
    finite = ~np.isnan(x)
    assert ((y[finite] >= 0) & (y[finite] <= 1)).all()
    order = np.argsort(x[finite])
    assert (np.diff(y[finite][order]) >= 0).all()


def test_zscore_is_capped_at_three():
    x = np.r_[np.zeros(99), 1000.0]
    assert NORMALISERS["zscore"](x)(np.array([1000.0]))[0] == pytest.approx(1.0)


def test_direction_and_index(frame):
    result = score_buurten(frame, profile(), draws=0)
    assert result.index.equals(frame.index)
    one = profile(
        domains=[{"name": "G", "indicators": [{"id": "gezond", "direction": "hoger_beter"}]}]
    )
    r = score_buurten(frame, one, draws=0)
    scored = r["score"].dropna().index
    best_health = frame.loc[scored, "gezond"].idxmax()
    assert r.loc[best_health, "rang"] == r["rang"].max()  # healthiest = least need


def test_small_and_unknown_population_get_reasons(frame):
    r = score_buurten(frame, profile(), draws=0)
    assert np.isnan(r.loc[CODES[2], "score"])
    assert r.loc[CODES[2], "reden"] == "geen score: minder dan 100 inwoners"
    assert r.loc[CODES[6], "reden"] == "geen score: aantal inwoners onbekend"
    assert (r["score"].notna() | (r["reden"] != "")).all()


@pytest.mark.parametrize("policy", ["gemeente_mean", "wijk_mean", "drop"])
def test_missing_policies_flag_and_lower_confidence(frame, policy):
    r = score_buurten(frame, profile(missing=policy), draws=0)
    code = CODES[3]  # rondkomen missing
    assert r.loc[code, "zekerheid"] == pytest.approx(2 / 3)
    if policy == "drop":
        assert r.loc[code, "n_geimputeerd"] == 0
        assert np.isnan(r.loc[code, "domein__Geld"])
        # re-weighted over the two remaining domains
        assert r.loc[code, "score"] == pytest.approx(
            (r.loc[code, "domein__Sociaal"] + r.loc[code, "domein__Gezondheid"]) / 2
        )
    else:
        assert r.loc[code, "n_geimputeerd"] == 1
        assert r.loc[code, "geimputeerd"] == "rondkomen"


def test_wijk_mean_uses_wijk_neighbours():
    df = pd.DataFrame(
        {"x": [1.0, 3.0, np.nan, 100.0]},
        index=["BU09990101", "BU09990102", "BU09990103", "BU09990201"],
    )
    filled, mask = impute(df, ["x"], "wijk_mean")
    assert filled.loc["BU09990103", "x"] == pytest.approx(2.0)
    assert mask.loc["BU09990103", "x"] and mask.sum().sum() == 1


def test_contributions_sum_to_score(frame):
    r = score_buurten(frame, profile(), draws=0)
    contrib = r.filter(like="bijdrage__").sum(axis=1)
    scored = r["score"].notna()
    np.testing.assert_allclose(contrib[scored], r.loc[scored, "score"], rtol=1e-9)


@pytest.mark.parametrize("agg", ["arithmetic", "geometric", "exponential"])
@pytest.mark.parametrize("norm", ["percentile", "zscore", "minmax"])
def test_monotonic_worsening_never_lowers_score(frame, agg, norm):
    prof = profile(aggregation=agg, normalisation=norm)
    base = score_buurten(frame, prof, draws=0)
    worse = frame.copy()
    worse.loc[CODES[0], "eenzaam"] += 15
    after = score_buurten(worse, prof, draws=0)
    assert after.loc[CODES[0], "score"] >= base.loc[CODES[0], "score"] - 1e-9


def test_seed_reproduces_and_intervals_hold(frame):
    a = score_buurten(frame, profile(top_k=3), seed=7, draws=300)
    b = score_buurten(frame, profile(top_k=3), seed=7, draws=300)
    pd.testing.assert_frame_equal(a, b)
    s = a["score"].notna()
    assert (a.loc[s, "rang_laag"] <= a.loc[s, "rang"]).all()
    assert (a.loc[s, "rang"] <= a.loc[s, "rang_hoog"]).all()
    assert ((a.loc[s, "kans_top"] >= 0) & (a.loc[s, "kans_top"] <= 1)).all()
    assert a.loc[s, "kans_top"].sum() == pytest.approx(3, abs=0.5)  # ~k buurten in top k


def test_bounds_widen_rank_intervals(frame):
    prof = profile(vary_normalisation=False, concentration=1e6)
    lower = frame[["eenzaam"]] - 20
    upper = frame[["eenzaam"]] + 20
    narrow = score_buurten(frame, prof, seed=1, draws=200)
    wide = score_buurten(frame, prof, seed=1, draws=200, lower=lower, upper=upper)
    width = lambda r: (r["rang_hoog"] - r["rang_laag"]).sum()  # noqa: E731
    assert width(wide) > width(narrow)


def test_pca_weighting_reports_variance(frame):
    prof = profile(
        weighting="pca",
        domains=[
            {
                "name": "Alles",
                "indicators": [
                    {"id": "eenzaam"},
                    {"id": "gezond", "direction": "hoger_beter"},
                    {"id": "rondkomen"},
                ],
            }
        ],
    )
    r = score_buurten(frame, prof, draws=0)
    assert 0 < r.attrs["pca_explained_variance"] <= 1


def test_profile_validation_errors(frame):
    with pytest.raises(ProfileError, match="onbekende indicator.*nope"):
        score_buurten(
            frame, profile(domains=[{"name": "X", "indicators": [{"id": "nope"}]}]), draws=0
        )
    with pytest.raises(ProfileError, match="indicatorgewichten van domein 'X' tellen op tot 0"):
        parse_profile(
            {
                "name": "z",
                "domains": [{"name": "X", "indicators": [{"id": "eenzaam", "weight": 0}]}],
            }
        )
    nothing = frame.assign(eenzaam=np.nan, gezond=np.nan, rondkomen=np.nan)
    with pytest.raises(ProfileError, match="geen indicator van enig domein heeft gegevens"):
        score_buurten(nothing, profile(), draws=0)


def test_empty_domain_is_dropped_with_a_note_and_weights_renormalised(frame):
    empty = frame.assign(rondkomen=np.nan)
    r = score_buurten(empty, profile(), draws=0)
    assert r["score"].notna().sum() == 8
    assert "domein__Geld" not in r.columns
    notes = " ".join(r.attrs["warnings"])
    assert "indicator rondkomen heeft geen waarden" in notes
    assert "domein Geld heeft geen indicator met gegevens; weggelaten" in notes
    # two equally weighted domains remain: the score is their mean
    expected = (r["domein__Sociaal"] + r["domein__Gezondheid"]) / 2
    assert np.allclose(r["score"].dropna(), expected.dropna())


def test_indicator_absent_from_data_degrades_typo_raises(frame):
    prof = profile(
        domains=[
            {"name": "Sociaal", "indicators": [{"id": "eenzaam"}, {"id": "wmo_per_1000"}]},
            {"name": "Geld", "indicators": [{"id": "pct_armoede"}]},
        ]
    )
    known = {"eenzaam", "wmo_per_1000", "pct_armoede"}
    r = score_buurten(frame, prof, draws=0, known_ids=known)
    notes = " ".join(r.attrs["warnings"])
    assert "indicator wmo_per_1000 zit niet in deze gegevens" in notes
    assert "domein Geld heeft geen indicator" in notes
    assert r["score"].notna().sum() == 8
    typo = profile(domains=[{"name": "S", "indicators": [{"id": "eenzam"}]}])
    with pytest.raises(ProfileError, match="onbekende indicator.*eenzam"):
        score_buurten(frame, typo, draws=0, known_ids=known)


def test_unpublished_indicator_note_names_the_reason(frame):
    states = pd.DataFrame("aanwezig", index=frame.index, columns=["eenzaam", "gezond"])
    states["rondkomen"] = "niet_gepubliceerd"
    r = score_buurten(frame.assign(rondkomen=np.nan), profile(), draws=0, states=states)
    assert any(
        "rondkomen is door de bron (nog) niet gepubliceerd" in w for w in r.attrs["warnings"]
    )


def _filled_in_frame():
    """20 buurten; buurt BU09990101 has its own value for only one of two indicators."""
    rng = np.random.default_rng(5)
    codes = [f"BU0999{w:02d}{b:02d}" for w in range(1, 5) for b in range(1, 6)]
    frame = pd.DataFrame(
        {
            "inwoners": 1000.0,
            "a": rng.uniform(0, 100, 20),
            "b": rng.uniform(0, 100, 20),
        },
        index=pd.Index(codes, name="buurtcode"),
    )
    frame.loc[codes[0], ["a", "b"]] = [99.0, 97.0]  # clearly the highest need
    return frame


def test_filled_in_buurt_gets_a_wider_interval_and_is_never_robust():
    frame = _filled_in_frame()
    prof = ScoringProfile.model_validate(
        {
            "name": "t",
            "top_k": 3,
            "domains": [{"name": "D", "indicators": [{"id": "a"}, {"id": "b"}]}],
        }
    )
    observed = score_buurten(frame, prof, seed=3, draws=400)
    holed = frame.copy()
    holed.loc[holed.index[0], "b"] = np.nan  # 50% of the weight filled in (gemeente mean)
    filled = score_buurten(holed, prof, seed=3, draws=400)
    code = frame.index[0]
    width = lambda r: r.loc[code, "rang_hoog"] - r.loc[code, "rang_laag"]  # noqa: E731
    assert filled.loc[code, "aandeel_aangevuld"] == pytest.approx(0.5)
    assert width(filled) > width(observed)
    assert bool(observed.loc[code, "robuust_top"]) is True
    assert bool(filled.loc[code, "robuust_top"]) is False


def test_minimum_observed_share_leaves_thin_buurten_unscored():
    frame = _filled_in_frame()
    frame.loc[frame.index[1], ["a", "b"]] = [np.nan, np.nan]
    frame.loc[frame.index[2], "a"] = np.nan
    prof = ScoringProfile.model_validate(
        {
            "name": "t",
            "min_observed_share": 0.6,
            "domains": [{"name": "D", "indicators": [{"id": "a"}, {"id": "b"}]}],
        }
    )
    r = score_buurten(frame, prof, draws=0)
    assert r.loc[frame.index[1], "reden"] == "geen score (te weinig gegevens)"
    assert r.loc[frame.index[2], "reden"] == "geen score (te weinig gegevens)"
    assert pd.isna(r.loc[frame.index[2], "score"])
    assert r["score"].notna().sum() == 18
    assert any("2 buurt(en) zonder score" in w for w in r.attrs["warnings"])
    lenient = score_buurten(frame, prof.model_copy(update={"min_observed_share": 0.5}), draws=0)
    assert lenient["score"].notna().sum() == 19


def test_profile_yaml_roundtrip(tmp_path):
    prof = profile(aggregation="geometric")
    path = save_profile(prof, tmp_path / "p.yaml")
    assert load_profile(path) == prof
    path.write_text("name: [unclosed")
    with pytest.raises(ProfileError, match="geen geldige YAML"):
        load_profile(path)


def test_compare_profiles(frame):
    a = score_buurten(frame, profile(), draws=0)
    b = score_buurten(frame, profile(aggregation="geometric"), draws=0)
    cmp = compare_profiles({"a": a, "b": b}, k=3)
    assert cmp["spearman"].loc["a", "b"] > 0.5
    assert set(cmp["robuust_top"]) <= set(a.index[a["rang"] <= 3])


def test_shipped_profiles_load():
    from geo.indicators import INDICATORS
    from wijkradar.profiles import shipped_profile, shipped_profiles

    names = set(shipped_profiles())
    assert {"kansrijke-wijk", "eenzaamheid", "geldzorgen"} <= names
    for name in names:
        prof = shipped_profile(name)
        assert prof.name == name
        prof.validate_ids({i.id for i in INDICATORS})


def test_user_profile_overrides_shipped_by_name(tmp_path):
    from wijkradar.config import Settings
    from wijkradar.profiles import list_profiles, resolve_profile, shipped_profile

    settings = Settings(data_dir=tmp_path)
    shipped = shipped_profile("eenzaamheid")
    assert resolve_profile("eenzaamheid", settings) == shipped
    own = shipped.model_copy(update={"description": "eigen versie van de GGD"})
    save_profile(own, tmp_path / "profiles" / "eenzaamheid.yaml")
    save_profile(own.model_copy(update={"name": "eigen"}), tmp_path / "profiles" / "eigen.yaml")
    assert {"eenzaamheid", "eigen", "kansrijke-wijk"} <= set(list_profiles(settings))
    assert resolve_profile("eenzaamheid", settings).description == "eigen versie van de GGD"
    assert resolve_profile("kansrijke-wijk", settings) == shipped_profile("kansrijke-wijk")
    with pytest.raises(ProfileError, match="niet gevonden; beschikbaar: .*eigen"):
        resolve_profile("bestaat-niet", settings)


def test_result_does_not_depend_on_worker_threads(frame):
    lower, upper = frame[["eenzaam"]] - 5, frame[["eenzaam"]] + 5
    kw = {"seed": 3, "draws": 230, "chunk": 40, "lower": lower, "upper": upper}
    one = score_buurten(frame, profile(top_k=3), workers=1, **kw)
    two = score_buurten(frame, profile(top_k=3), workers=2, **kw)
    pd.testing.assert_frame_equal(one, two)


def test_tabulated_percentile_matches_the_exact_transform():
    rng = np.random.default_rng(5)
    x = np.round(rng.gamma(2.0, 10.0, 5000), 1)  # many ties, skewed, like survey percentages
    f = NORMALISERS["percentile"](x)
    assert hasattr(f, "fast")  # large n: the Monte Carlo uses the table
    a = np.concatenate([x + rng.normal(0, 2, x.size), [np.nan, x.min() - 5, x.max() + 5]])
    exact, fast = f(a), f.fast(a)
    assert np.isnan(fast[-3]) and fast[-2] == pytest.approx(exact[-2], abs=1e-4)
    assert fast.dtype == np.float32
    assert np.nanmax(np.abs(exact - fast)) < 2e-3
    assert not hasattr(NORMALISERS["percentile"](x[:100]), "fast")  # small n stays exact


def _tied_frame(n=30):
    # three values only: large groups of buurten with exactly the same score
    codes = [f"BU0999{i:04d}" for i in range(n)][::-1]  # index not sorted by code
    return pd.DataFrame(
        {"inwoners": 500, "eenzaam": [float(i % 3) for i in range(n)], "gezond": 70.0},
        index=pd.Index(codes, name="buurtcode"),
    )


@pytest.mark.parametrize("draws", [0, 200], ids=["point", "monte-carlo"])
def test_rank_ties_are_broken_so_top_k_has_k_buurten(draws):
    frame = _tied_frame()
    prof = parse_profile(
        {"name": "t", "domains": [{"name": "S", "indicators": [{"id": "eenzaam"}]}], "top_k": 10}
    )
    out = score_buurten(frame, prof, draws=draws, seed=3)
    assert out["score"].duplicated().sum() == 27  # 3 distinct scores for 30 buurten
    assert sorted(out["rang"]) == list(range(1, 31))
    assert (out["rang"] <= 10).sum() == 10
    # the rule: score descending, then kans_top descending, then buurtcode ascending
    ordered = out.assign(code=out.index).sort_values(
        ["score", "kans_top", "code"], ascending=[False, False, True]
    )
    assert ordered["rang"].tolist() == list(range(1, 31))
    pd.testing.assert_index_equal(out.index, frame.index)


def test_point_ranks_tie_rule():
    from models import point_ranks

    s = pd.Series(
        [50.0, 80.0, 50.0, 50.0 + 1e-12, np.nan], index=["BU3", "BU1", "BU2", "BU0", "BU9"]
    )
    assert point_ranks(s).tolist()[:4] == [4.0, 1.0, 3.0, 2.0]  # BU0 < BU2 < BU3 by code
    p = pd.Series([0.9, 1.0, 0.1, 0.5, np.nan], index=s.index)
    assert point_ranks(s, p).tolist()[:4] == [2.0, 1.0, 4.0, 3.0]
    assert np.isnan(point_ranks(s, p)["BU9"])


def test_indicator_correlations_report_n_per_pair_and_drop_thin_pairs():
    from models import indicator_correlations

    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    df = pd.DataFrame({"a": x, "b": -x + rng.normal(0, 0.1, 50), "c": rng.normal(size=50)})
    df.loc[df.index[6:], "c"] = np.nan  # published for 6 buurten only, like income
    out = indicator_correlations(df, min_n=10).set_index(["a", "b"])
    assert out.loc[("a", "b"), "n"] == 50 and out.loc[("a", "b"), "r"] < -0.9
    assert out.loc[("a", "c"), "n"] == 6 and np.isnan(out.loc[("a", "c"), "r"])
    assert indicator_correlations(df, min_n=5).set_index(["a", "b"]).loc[
        ("a", "c"), "r"
    ] == pytest.approx(df[["a", "c"]].dropna().corr(method="spearman").iloc[0, 1])
