"""Andere indexen: need ranks, disagreement with reasons; real SES-WOA 2022 for Amersfoort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.indices import disagreement, need_ranks_pair
from tests import test_areas as _area_tests

amersfoort = _area_tests.amersfoort
UTRECHT = "nelleke20_buurten_provincie_utrecht_2022codes_ses_woa_leefbaarometer_nabijheid.csv"


def _scores() -> pd.DataFrame:
    idx = [f"BU{i:08d}" for i in range(6)]
    return pd.DataFrame(
        {
            "score": [90.0, 80.0, 50.0, 40.0, 20.0, np.nan],
            "te_klein": [False] * 5 + [True],
            "bijdrage__eenzaam": [40.0, 10.0, 20.0, 20.0, 10.0, np.nan],
            "bijdrage__inkomen": [10.0, 50.0, 10.0, 5.0, 5.0, np.nan],
        },
        index=idx,
    )


def test_need_ranks_turn_the_other_index_around_and_drop_missing():
    s = _scores()
    ref = pd.Series([-0.5, -0.4, 0.0, 0.1, np.nan, -0.9], index=s.index)  # higher = better off
    pair = need_ranks_pair(s["score"], ref)
    assert list(pair.index) == list(s.index[:4])  # NaN in either is left out
    assert pair["rang_referentie"].tolist() == [1.0, 0.75, 0.5, 0.25]
    assert pair["verschil"].abs().max() == 0.0


def test_disagreement_names_the_indicators_that_explain_it():
    s = _scores()
    # the index calls BU0 well off (Wijkradar: most need) and BU3 worst off
    ref = pd.Series([0.5, -0.4, 0.0, -0.6, 0.2, -0.9], index=s.index)
    out = disagreement(s, ref, top=2, explain=1)
    assert list(out.index) == ["BU00000000", "BU00000003"]
    assert out.loc["BU00000000", "richting"] == "wijkradar_hoger"
    # BU0's eenzaam contribution is 40 against a mean of 20: +20 points
    assert out.loc["BU00000000", "verklaring"] == [("eenzaam", pytest.approx(20.0))]
    assert out.loc["BU00000003", "richting"] == "wijkradar_lager"
    ((name, dev),) = out.loc["BU00000003", "verklaring"]
    assert name == "inkomen" and dev < 0
    assert "BU00000005" not in disagreement(s, ref, top=10).index  # too small: never shown


def test_real_ses_woa_and_leefbaarometer_for_amersfoort(amersfoort, shared):
    """The real SES-WOA 2022 and Leefbaarometer values of the 145 Amersfoort buurten."""
    from geo.reference import read_reference_file
    from models.validity import correlations

    _data, scores, _profile, _ = amersfoort
    ref = read_reference_file(shared / "kerncijfers" / UTRECHT)
    ref = ref[ref.index.str.startswith("BU0307")]
    assert len(ref) == 145
    # zeros in this file are missing upstream: read as unknown, never as a score of 0
    assert (ref["ses_woa"] == 0).sum() == 0 and ref["ses_woa"].notna().sum() == 108
    small = scores["te_klein"].astype(bool)
    corr = correlations(scores[~small], ref).set_index(["onderdeel", "referentie"])
    assert corr.loc[("score", "ses_woa"), "n"] == 108
    assert corr.loc[("score", "ses_woa"), "rho"] == pytest.approx(-0.93, abs=0.03)
    assert corr.loc[("score", "leefbaarometer"), "rho"] == pytest.approx(-0.72, abs=0.05)
    top = disagreement(scores, ref["ses_woa"], top=10)
    assert len(top) == 10 and top["verschil"].abs().is_monotonic_decreasing
    for direction, reasons in zip(top["richting"], top["verklaring"], strict=True):
        assert reasons, "every disagreement is explained by at least one indicator"
        signs = {np.sign(d) for _i, d in reasons}
        assert signs == ({1.0} if direction == "wijkradar_hoger" else {-1.0})
