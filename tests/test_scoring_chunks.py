"""Monte Carlo in chunks: streamed rank statistics equal the all-draws ones, memory is bounded."""

import numpy as np
import pandas as pd
import pytest

import models.scoring as scoring
from models import ScoringProfile, score_buurten


def _frame(n=40, seed=2):
    rng = np.random.default_rng(seed)
    codes = [f"BU0999{i // 10:02d}{i % 10:02d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "inwoners": rng.integers(200, 3000, n).astype(float),
            "eenzaam": rng.uniform(20, 60, n),
            "gezond": rng.uniform(60, 85, n),
            "rondkomen": rng.uniform(5, 30, n),
        },
        index=pd.Index(codes, name="buurtcode"),
    )
    frame.iloc[::7, 3] = np.nan  # filled in, then drawn from donors in the Monte Carlo
    return frame


def _profile(**kw):
    return ScoringProfile.model_validate(
        {
            "name": "t",
            "top_k": 5,
            "domains": [
                {"name": "A", "indicators": [{"id": "eenzaam"}, {"id": "rondkomen"}]},
                {"name": "B", "indicators": [{"id": "gezond", "direction": "hoger_beter"}]},
            ],
            **kw,
        }
    )


@pytest.mark.parametrize(
    ("n", "draws", "chunk", "cells"),
    [
        (30, 1, 1, None),
        (30, 7, 3, None),
        (25, 100, 100, None),
        (25, 230, 40, None),
        (60, 999, 17, None),
        (12, 2000, 500, None),
        (25, 230, 40, 8),  # passes: bins of 4, then one rank wide
        (60, 999, 17, 8),  # three passes
        (61, 300, 300, 16),
        (1100, 120, 50, None),  # two passes with the default cells
        (70_000, 5, 2, None),  # ranks beyond uint16
    ],
)
def test_streamed_rank_statistics_equal_numpy_on_all_draws(n, draws, chunk, cells):
    rng = np.random.default_rng(n + draws)
    ranks = np.column_stack([rng.permutation(n).astype(np.float32) + 1 for _ in range(draws)])
    ranks[3, rng.random(draws) < 0.3] = np.nan  # sometimes no score
    ranks[5] = np.nan  # never a score
    ranks[7] = 2.0  # always the same rank
    stats = scoring._RankStats(n, draws, k=4, cells=cells)
    passes = 0
    while not stats.done:
        for start in range(0, draws, chunk):
            stats.add(ranks[:, start : start + chunk])
        stats.end_pass()
        passes += 1
    lo, hi, ptop = stats.result()
    width = n + 1
    for level in range(passes):  # as many passes as bins of that many cells need
        width = -(-width // min(width, stats.cells if level == 0 else stats.cells // 4))
    assert width == 1 and passes >= 1
    assert passes == 1 or n + 1 > stats.cells
    assert stats.count_dtype == np.min_scalar_type(draws)

    full = np.where(np.isnan(ranks), n + 1, ranks)  # what the unchunked code did
    want_lo, want_hi = np.percentile(full, [5, 95], axis=1)
    never = np.isnan(ranks).all(axis=1)  # row 5, and row 3 when it has no score at all
    want_lo[never] = want_hi[never] = np.nan
    np.testing.assert_array_equal(lo, want_lo)  # to the bit, NaN where never scored
    np.testing.assert_array_equal(hi, want_hi)
    np.testing.assert_array_equal(ptop, (full <= 4).mean(axis=1))


def test_rank_statistics_refuse_a_missing_pass_or_draw():
    ranks = np.arange(1, 21, dtype=np.float32)[:, None].repeat(10, axis=1)
    stats = scoring._RankStats(20, 10, k=3, cells=16)
    stats.add(ranks[:, :5])
    with pytest.raises(ValueError, match="5 of 10 draws"):
        stats.end_pass()
    stats.add(ranks[:, 5:])
    assert not stats.end_pass()  # 21 values in bins of 2: a second pass is needed
    with pytest.raises(ValueError, match="another pass"):
        stats.result()
    stats.add(ranks)
    assert stats.end_pass()
    np.testing.assert_array_equal(stats.result()[0], np.arange(1, 21))
    with pytest.raises(ValueError, match="every pass"):
        stats.add(ranks)


def test_chunked_scoring_equals_all_ranks_at_once(monkeypatch):
    """The statistics of a chunked run equal those of all its draws' ranks kept at once."""
    seen: list[np.ndarray] = []
    add = scoring._RankStats.add

    def spy(self, ranks):
        seen.append(ranks.copy())
        add(self, ranks)

    monkeypatch.setattr(scoring._RankStats, "add", spy)
    frame = _frame()
    lower, upper = frame[["eenzaam"]] - 4, frame[["eenzaam"]] + 4
    out = score_buurten(frame, _profile(), seed=4, draws=300, chunk=32, lower=lower, upper=upper)
    assert [r.shape[1] for r in seen] == [32] * 9 + [12]
    ranks = np.concatenate(seen, axis=1)
    scored = out["score"].notna().to_numpy()
    full = np.where(np.isnan(ranks), scored.sum() + 1, ranks)
    lo, hi = np.percentile(full, [5, 95], axis=1)
    np.testing.assert_array_equal(out.loc[scored, "rang_laag"], np.floor(lo))
    np.testing.assert_array_equal(out.loc[scored, "rang_hoog"], np.ceil(hi))
    np.testing.assert_array_equal(out.loc[scored, "kans_top"], (full <= 5).mean(axis=1))


@pytest.mark.parametrize("workers", [1, 2])
def test_replayed_passes_give_the_one_pass_result(monkeypatch, workers):
    """Few cells (five passes over replayed draws, on threads or not) = one pass, exactly."""
    frame = _frame(n=90)
    lower, upper = frame[["eenzaam"]] - 4, frame[["eenzaam"]] + 4
    kw = {"seed": 5, "draws": 250, "chunk": 30, "lower": lower, "upper": upper}
    one_pass = score_buurten(frame, _profile(), workers=1, **kw)
    passes: list[int] = []
    end_pass = scoring._RankStats.end_pass

    def spy(self):
        passes.append(self.level)
        return end_pass(self)

    monkeypatch.setattr(scoring, "_RANK_CELLS", 8)
    monkeypatch.setattr(scoring._RankStats, "end_pass", spy)
    replayed = score_buurten(frame, _profile(), workers=workers, **kw)
    # up to 91 values: 8 bins of 12 ranks, then 2 bins per order statistic: 6, 3, 2, 1 wide
    assert passes == [0, 1, 2, 3, 4]
    pd.testing.assert_frame_equal(replayed, one_pass)


@pytest.mark.parametrize("policy", ["gemeente_mean", "drop"])
def test_complete_data_shortcut_equals_the_general_path(policy):
    """The one-pass arithmetic score of complete data equals domain scores + aggregation."""
    frame = _frame(n=50)
    prof = _profile(missing=policy)
    scored = frame.index[frame["inwoners"] >= prof.min_population]
    lower, upper = frame[["gezond"]] - 3, frame[["gezond"]] + 3
    prep = scoring._prepare(frame, prof, scored, None, lower, upper)
    names = list(scoring.NORMALISERS)
    fits = {m: [scoring.NORMALISERS[m](x) for x in prep.raw.T] for m in names}
    xn = {
        m: np.column_stack([f(x) for f, x in zip(fs, prep.raw.T, strict=True)])
        for m, fs in fits.items()
    }

    def chunk(aggregation, **kw):
        rng = np.random.default_rng(9)
        profile = prof.model_copy(update={"aggregation": aggregation})
        return scoring._mc_chunk(prep, profile, rng, 64, names, fits, xn, **kw)

    assert prep.complete == (policy == "gemeente_mean")
    fast = chunk("arithmetic")
    general = chunk("arithmetic", general=True)
    assert fast.shape == general.shape == (len(prep.index), 64)
    np.testing.assert_allclose(fast, general, rtol=2e-6, atol=2e-6)


def test_memory_is_bounded_by_the_chunk_not_the_draws(monkeypatch):
    """10x the draws: the same chunk arrays and the same rank counts; passes replay the draws."""
    frame = _frame(n=200)
    made: list[scoring._RankStats] = []
    shapes: list[tuple[int, int]] = []
    init, add = scoring._RankStats.__init__, scoring._RankStats.add
    cells: dict[int, list[int]] = {}

    def spy_init(self, *a, **kw):
        init(self, *a, **kw)
        made.append(self)

    def spy_add(self, ranks):
        shapes.append(ranks.shape)
        cells.setdefault(self.draws, []).append(self.counts.size)
        add(self, ranks)

    monkeypatch.setattr(scoring, "_RANK_CELLS", 64)  # 200 buurten: two passes
    monkeypatch.setattr(scoring._RankStats, "__init__", spy_init)
    monkeypatch.setattr(scoring._RankStats, "add", spy_add)
    for draws in (1_000, 10_000):
        shapes.clear()
        score_buurten(frame, _profile(), seed=1, draws=draws, chunk=100, workers=1)
        assert {s[1] for s in shapes} == {100}  # every chunk is (n, 100), whatever the draws
        assert len(shapes) == 2 * draws // 100  # two passes over the same draws
        stats = made[-1]
        assert stats.done and stats.count_dtype == np.uint16
        # per buurt: the cells (plus one bin for values outside), never the draws
        assert max(cells[draws]) <= stats.n * (64 + 4)
    assert max(cells[10_000]) == max(cells[1_000])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_percentile_ranks_equal_pandas(dtype):
    """The exponential aggregation ranks in numpy exactly as pandas ``rank(pct=True)`` did."""
    rng = np.random.default_rng(3)
    x = np.round(rng.uniform(0, 1, (300, 40)), 2).astype(dtype)  # many ties
    x[rng.random(x.shape) < 0.1] = np.nan
    x[:, 5] = np.nan  # a draw without values
    x[:, 6] = 0.5  # all tied
    want = pd.DataFrame(x).rank(pct=True, method="average").to_numpy()
    np.testing.assert_array_equal(scoring._pct_rank(x), want)
