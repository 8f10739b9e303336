"""Sensitivity grid: tidy frames, the basis scenario, top-k overlap and rank shifts."""

import numpy as np
import pandas as pd
import pytest

from models import (
    ProfileError,
    buurt_stability,
    parse_profile,
    score_buurten,
    sensitivity_analysis,
    sensitivity_ranks,
    summarise_sensitivity,
    weight_grid,
)

CODES = [f"BU0999{i:04d}" for i in range(40)]


@pytest.fixture
def frame():
    rng = np.random.default_rng(7)
    f = pd.DataFrame(
        {
            "inwoners": rng.integers(50, 3000, len(CODES)).astype(float),
            "eenzaam": rng.uniform(20, 60, len(CODES)),
            "rondkomen": rng.uniform(5, 30, len(CODES)),
            "gezond": rng.uniform(60, 85, len(CODES)),
        },
        index=pd.Index(CODES, name="buurtcode"),
    )
    f.iloc[::7, 2] = np.nan  # some missing values, so the missing-value policies differ
    return f


@pytest.fixture
def profile():
    return parse_profile(
        {
            "name": "t",
            "top_k": 5,
            "domains": [
                {"name": "Sociaal", "weight": 2, "indicators": [{"id": "eenzaam"}]},
                {"name": "Geld", "indicators": [{"id": "rondkomen"}]},
                {
                    "name": "Gezondheid",
                    "indicators": [{"id": "gezond", "direction": "hoger_beter"}],
                },
            ],
        }
    )


def test_weight_grid_varies_one_domain_at_a_time(profile):
    grid = weight_grid(profile, factors=(0.5, 2), leave_one_out=True)
    assert grid["profiel"] == {"Sociaal": 2.0, "Geld": 1.0, "Gezondheid": 1.0}
    assert grid["gelijk"] == {"Sociaal": 1.0, "Geld": 1.0, "Gezondheid": 1.0}
    assert grid["Geld x2"] == {"Sociaal": 2.0, "Geld": 2.0, "Gezondheid": 1.0}
    assert grid["zonder Sociaal"]["Sociaal"] == 0.0
    assert len(grid) == 2 + 3 * 2 + 3


def test_ranks_are_tidy_and_the_basis_matches_score_buurten(frame, profile):
    ranks = sensitivity_ranks(frame, profile, seed=0)
    assert ranks["scenario"].nunique() == len(weight_grid(profile)) * 27
    assert set(ranks.columns) >= {"scenario", "gewichten", "buurtcode", "score", "rang", "basis"}
    basis = ranks[ranks["basis"]]
    assert basis["scenario"].nunique() == 1
    direct = score_buurten(frame, profile, draws=0)
    pd.testing.assert_series_equal(
        basis.set_index("buurtcode")["rang"],
        direct["rang"].dropna().rename_axis("buurtcode"),
        check_names=False,
    )
    # every scenario ranks the same scored buurten 1..n without ties
    for _, part in ranks.groupby("scenario"):
        assert sorted(part["rang"]) == list(range(1, len(part) + 1))


def test_summary_overlap_and_shifts(frame, profile):
    ranks = sensitivity_ranks(
        frame, profile, seed=0, normalisations=["percentile", "zscore"], missing=["drop"]
    )
    summary = summarise_sensitivity(ranks, k=5)
    first = summary.iloc[0]
    assert first["basis"] and first["top_k_overlap"] == 5 and first["rank_shift_max"] == 0
    assert first["spearman"] == pytest.approx(1.0)
    assert summary["top_k_overlap"].between(0, 5).all()
    assert (summary["top_k_overlap_share"] == summary["top_k_overlap"] / 5).all()
    # shifts recomputed by hand for one scenario
    row = summary.iloc[-1]
    basis = ranks[ranks["basis"]].set_index("buurtcode")["rang"]
    other = ranks[ranks["scenario"] == row["scenario"]].set_index("buurtcode")["rang"]
    shift = (other - basis.reindex(other.index)).abs()
    assert row["rank_shift_max"] == shift.max()
    assert row["rank_shift_mean"] == pytest.approx(shift.mean())
    top_b, top_o = set(basis.index[basis <= 5]), set(other.index[other <= 5])
    assert row["top_k_overlap"] == len(top_b & top_o)
    assert summary["rank_shift_max"].max() > 0  # the choices do matter on this frame


def test_random_weights_depend_on_the_seed_only(frame, profile):
    kw = dict(normalisations=["percentile"], missing=["gemeente_mean"], aggregations=["arithmetic"])
    a = sensitivity_analysis(frame, profile, seed=1, weights={}, random_weights=4, **kw)
    b = sensitivity_analysis(frame, profile, seed=1, weights={}, random_weights=4, **kw)
    c = sensitivity_analysis(frame, profile, seed=2, weights={}, random_weights=4, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert list(a["gewichten"]) == ["profiel"] + [f"willekeurig 0{i}" for i in range(1, 5)]
    assert not a["rank_shift_mean"].equals(c["rank_shift_mean"])


def test_buurt_stability(frame, profile):
    ranks = sensitivity_ranks(frame, profile, seed=0, aggregations=["arithmetic"])
    stab = buurt_stability(ranks, k=5)
    assert (stab["rang_min"] <= stab["rang_basis"]).all()
    assert (stab["rang_basis"] <= stab["rang_max"]).all()
    assert stab["aandeel_top_k"].between(0, 1).all()
    assert stab.iloc[0]["rang_basis"] == 1
    n = ranks["scenario"].nunique()
    assert (stab["scenarios"] == n).all()


def test_unknown_method_names_the_allowed_ones(frame, profile):
    with pytest.raises(ProfileError, match="'mediaan' onbekend; kies uit percentile"):
        sensitivity_ranks(frame, profile, seed=0, normalisations=["mediaan"])
