"""Need vs reach, the strict profile API, the validity report and the national exclusion rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.errors import DataFormatError
from geo.indicators import INDICATORS
from geo.reference import read_reference_file
from models import (
    ProfileError,
    ScoringProfile,
    effective_weights,
    impact_ranking,
    merge_profiles,
    national_ranks,
    parse_profile,
    profile_yaml,
    reach_filter,
    score_buurten,
    validity_report,
)
from models.profile import COMPOSITION
from wijkradar import cli, load_reference, score_gemeente, validate_gemeente
from wijkradar.pipeline import fetch_gemeente
from wijkradar.profiles import shipped_profile, shipped_profiles

UTRECHT = "nelleke20_buurten_provincie_utrecht_2022codes_ses_woa_leefbaarometer_nabijheid.csv"

# The default profile as shipped before need and reach were split (composition as need).
OLD_DEFAULT = {
    "name": "kansrijke-wijk-oud",
    "min_observed_share": 0,  # as before #13: every buurt scored, however thin its data
    "domains": [
        {
            "name": "Gezondheid",
            "indicators": [
                {"id": "gezondheid_goed", "direction": "hoger_beter"},
                {"id": "angst_depressie"},
                {"id": "overgewicht", "weight": 0.5},
                {"id": "ernstig_overgewicht", "weight": 0.5},
                {"id": "roker"},
                {"id": "beperkt_gezondheid"},
            ],
        },
        {
            "name": "Bestaanszekerheid",
            "indicators": [
                {"id": "moeite_rondkomen"},
                {"id": "pct_hh_laag_inkomen"},
                {"id": "pct_hh_sociaal_minimum"},
                {"id": "bijstand_per_1000"},
            ],
        },
        {
            "name": "Sociaal",
            "indicators": [
                {"id": "eenzaam"},
                {"id": "ernstig_eenzaam"},
                {"id": "mantelzorger", "weight": 0.5},
            ],
        },
        {
            "name": "Jeugd en gezin",
            "indicators": [
                {"id": "pct_0_15"},
                {"id": "pct_hh_met_kinderen"},
                {"id": "pct_jeugdzorg"},
            ],
        },
    ],
}


def _prof(**kw) -> ScoringProfile:
    base = {
        "name": "t",
        "domains": [
            {"name": "G", "indicators": [{"id": "a"}, {"id": "b", "weight": 2}]},
            {"name": "S", "indicators": [{"id": "c"}]},
        ],
    }
    return parse_profile({**base, **kw})


# -- need vs reach ------------------------------------------------------------------------------
def test_old_profile_moves_composition_to_reach_with_a_dutch_note():
    p = parse_profile(OLD_DEFAULT)
    assert "pct_0_15" not in p.indicator_ids and "pct_hh_met_kinderen" not in p.indicator_ids
    assert p.reach == ["pct_0_15", "pct_hh_met_kinderen"]
    assert p.domain_names[-1] == "Jeugd en gezin"  # pct_jeugdzorg (need) stays
    assert len(p.notes) == 1 and "Verplaatst van nood naar bereik" in p.notes[0]
    assert "kinderen 0-15 jaar" in p.notes[0] and "Jeugd en gezin" in p.notes[0]
    # saved again, the profile has its reach section and no note
    again = parse_profile(__import__("yaml").safe_load(profile_yaml(p)))
    assert again.reach == p.reach and again.notes == []
    assert "notes" not in profile_yaml(p)


def test_domain_of_composition_only_is_dropped_and_all_composition_refused():
    raw = {
        "name": "x",
        "domains": [
            {"name": "G", "indicators": [{"id": "eenzaam"}]},
            {"name": "Bevolking", "indicators": [{"id": "pct_65plus"}]},
        ],
    }
    p = parse_profile(raw)
    assert p.domain_names == ["G"] and p.reach == ["pct_65plus"]
    assert "Domein Bevolking had daarna geen indicator meer" in p.notes[0]
    with pytest.raises(ProfileError, match="alleen samenstellingsindicatoren"):
        parse_profile({"name": "y", "domains": [raw["domains"][1]]})


def test_need_and_reach_overlap_refused():
    with pytest.raises(ProfileError, match="zowel bij nood .* als bij bereik"):
        _prof(reach=["a"])


def test_shipped_profiles_hold_need_only():
    assert shipped_profiles()
    for name in shipped_profiles():
        p = shipped_profile(name)
        assert not set(p.indicator_ids) & set(COMPOSITION), name
        assert p.notes == [], f"{name} still needs migrating: {p.notes}"
        assert p.reach, f"{name} has no reach section"


def test_reach_impact_and_filter():
    scores = pd.DataFrame({"score": [80.0, 40.0, np.nan]}, index=["BU1", "BU2", "BU3"])
    people = pd.Series([100.0, 400.0, 50.0], index=scores.index)
    imp = impact_ranking(scores, people=people)
    assert imp["impact"].tolist()[:2] == [80.0, 160.0]
    assert imp["impact_rang"].tolist()[:2] == [2.0, 1.0] and np.isnan(imp["impact_rang"].iloc[2])
    reach = pd.DataFrame({"bereik__pct_0_15": [10.0, 30.0, np.nan]}, index=scores.index)
    assert reach_filter(reach, "bereik__pct_0_15", quantile=0.5).tolist() == [False, True, False]
    with pytest.raises(ProfileError, match="beschikbaar: bereik__pct_0_15"):
        reach_filter(reach, "bereik__pct_65plus")


# -- strict profile API (#21) -------------------------------------------------------------------
def test_with_weights_refuses_unknown_names():
    p = _prof()
    with pytest.raises(ProfileError, match=r"onbekende indicator\(en\) eenzam; bekend: a, b, c"):
        p.with_weights({"eenzam": 5})
    with pytest.raises(ProfileError, match=r"onbekend\(e\) domein\(en\) sociaal; bekend: G, S"):
        p.with_weights({}, domain_weights={"sociaal": 3})
    assert p.with_weights({"a": 3}, domain_weights={"S": 2}).domains[1].weight == 2


def test_check_catalogue_directions_and_neutral():
    cat = pd.DataFrame(
        {"direction": ["hoger_beter", "hoger_slechter", "hoger_slechter", "neutraal"]},
        index=["a", "b", "c", "inwoners"],
    )
    fixed, notes = _prof().check_catalogue(cat)
    assert fixed.domains[0].indicators[0].direction == "hoger_beter"  # taken, not defaulted
    assert "richting 'hoger_beter' uit de indicatorcatalogus overgenomen" in notes[0]
    explicit = _prof(
        domains=[{"name": "G", "indicators": [{"id": "a", "direction": "hoger_slechter"}]}]
    )
    kept, notes = explicit.check_catalogue(cat)
    assert kept.domains[0].indicators[0].direction == "hoger_slechter"
    assert "richting tegen de catalogus in" in notes[0]
    with pytest.raises(ProfileError, match="richting tegen de catalogus in: a:"):
        explicit.check_catalogue(cat, on_conflict="raise")
    neutral = _prof(domains=[{"name": "G", "indicators": [{"id": "inwoners"}]}])
    with pytest.raises(ProfileError, match="inwoners beschrijft de bevolking, niet de nood"):
        neutral.check_catalogue(cat)
    with pytest.raises(ProfileError, match="onbekende indicator.*zzz; bekend: a, b, c"):
        _prof(domains=[{"name": "G", "indicators": [{"id": "zzz"}]}]).check_catalogue(cat)


def test_effective_weights_after_dropping_empty_indicators():
    p = _prof()
    assert effective_weights(p).round(3).tolist() == [0.167, 0.333, 0.5]
    data = pd.DataFrame({"a": [1.0, 2.0], "b": [np.nan, np.nan], "c": [1.0, 3.0]})
    w = effective_weights(p, data)
    assert w.round(3).tolist() == [0.5, 0.0, 0.5] and w.sum() == pytest.approx(1.0)


def test_merge_and_rename():
    a = _prof(name="a", reach=["pct_0_15"])
    b = parse_profile(
        {"name": "b", "domains": [{"name": "S", "indicators": [{"id": "d"}]}], "reach": ["x"]}
    )
    with pytest.raises(ProfileError, match="domein.*S staan in"):
        merge_profiles(a, b)
    m = a.merge(b.rename(domains={"S": "S2"}), name="ab")
    assert m.name == "ab" and m.domain_names == ["G", "S", "S2"]
    assert m.reach == ["pct_0_15", "x"] and m.normalisation == a.normalisation
    with pytest.raises(ProfileError, match=r"onbekend\(e\) domein\(en\) Q; bekend: S"):
        a.merge(b, domains=["Q"])
    with pytest.raises(ProfileError, match="onbekend\\(e\\) domein"):
        a.rename(domains={"nope": "x"})


def test_concentration_is_documented():
    field = ScoringProfile.model_fields["concentration"]
    assert "Dirichlet" in (field.description or "")
    assert "concentration" in (ScoringProfile.__doc__ or "")


# -- reference files ----------------------------------------------------------------------------
def test_utrecht_file_zeros_are_missing(shared):
    ref = read_reference_file(shared / "kerncijfers" / UTRECHT)
    ams = ref[ref.index.str.startswith("BU0307")]
    assert len(ams) == 145
    assert ams["ses_woa"].notna().sum() == 108  # 37 zeros are missing upstream
    assert (ref["ses_woa"] != 0).all() and ams["ses_woa"].min() == pytest.approx(-0.55)
    assert any("= 0 als onbekend" in n for n in ref.attrs["opmerkingen"])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "bu_code,lbm\nBU03070100,4.2\nBU03070101,veel\n",
            r"rij 3, veld lbm: 'veel' is geen getal",
        ),
        ("bu_code,lbm\nGM0307,4.2\n", r"rij 2, veld bu_code: 'GM0307' is geen buurtcode"),
        ("a,b\n1,2\n", "geen SES-WOA- of Leefbaarometerkolommen herkend"),
        ("WijkenEnBuurten,GemiddeldeScore_31\nBU03070100,0.1\n", "GemiddeldeScore_29"),
    ],
    ids=["not-a-number", "no-buurtcode", "unknown-columns", "no-total-score"],
)
def test_reference_file_errors_name_file_row_field(tmp_path, text, match):
    path = tmp_path / "ref.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=match) as err:
        read_reference_file(path)
    assert "ref.csv" in str(err.value)


def test_leefbaarometer_and_statline_files(tmp_path):
    lbm = tmp_path / "lbm.csv"
    lbm.write_text("bu_code;lbm\nBU03070100;4,21\nBU03070101;\n", encoding="utf-8")
    out = read_reference_file(lbm)
    assert out.loc["BU03070100", "leefbaarometer"] == pytest.approx(4.21)
    assert np.isnan(out.loc["BU03070101", "leefbaarometer"])
    ses = tmp_path / "ses.csv"
    ses.write_text(
        "WijkenEnBuurten,Perioden,GemiddeldeScore_29\n"
        "BU03070100,2021JJ00,0.1\nBU03070100,2022JJ00,0.2\nBU03070101,2022JJ00,.\n"
        "WK030701  ,2022JJ00,0.3\n",
        encoding="utf-8",
    )
    out = read_reference_file(ses)
    assert out.index.tolist() == ["BU03070100"]  # latest period, buurten with a value only
    assert out.loc["BU03070100", "ses_woa"] == pytest.approx(0.2)


# -- correlation figures on the shared Utrecht-province data (pinned with tolerances) -------------
@pytest.fixture(scope="module")
def amersfoort(loopback_data, tmp_path_factory):
    from tests.conftest import settings_for
    from tests.loopback import LoopbackServer

    with LoopbackServer(loopback_data) as srv:
        s = settings_for(srv, tmp_path_factory.mktemp("v"))
        data = fetch_gemeente("GM0307", settings=s)
        ref, notes = load_reference("GM0307", settings=s)  # 86092NED from the loopback
    return data, ref, notes


def test_default_profile_meets_target_on_amersfoort(amersfoort):
    data, ref, notes = amersfoort
    assert ref["ses_woa"].notna().sum() == 108 and "ses_welvaart" not in ref  # null sub-scores
    assert "86092NED" in notes[0]
    profile = shipped_profile("kansrijke-wijk")
    report, scores = validate_gemeente(data, profile, reference=ref)
    assert report.rho_score == pytest.approx(-0.93, abs=0.02)
    assert report.meets_target and report.flagged == []
    main = report.correlations.set_index(["onderdeel", "referentie"])
    assert main.loc[("score", "ses_woa"), "n"] == 108
    assert main.loc[("Gezondheid", "ses_woa"), "rho"] == pytest.approx(-0.92, abs=0.02)
    # income and bijstand rest on wijk values for most buurten (CBS publishes income only for
    # >= 2,500 persons; bijstand here from the wijk counts), so the own-value share is lower
    assert 0.75 < report.coverage["dekking"] <= 0.85
    # left out: jeugdzorg (the whole domain), poverty, bottom-40% and Wmo (not published here)
    assert report.coverage["weggelaten_gewicht"] == pytest.approx(0.39375)
    assert scores["dekking"].between(0, 1).all() or scores["dekking"].dropna().between(0, 1).all()


def test_wrong_profile_is_flagged_on_amersfoort(amersfoort):
    """Composition as need (bypassing the migration) runs against deprivation: flagged."""
    data, ref, _ = amersfoort
    wrong = _with_domain(
        parse_profile(OLD_DEFAULT), "Jeugd en gezin", ["pct_0_15", "pct_hh_met_kinderen"]
    )
    frame = data.indicators()
    known = [i.id for i in INDICATORS]  # old ids the 2024 data lack are left out, not typos
    scores = score_buurten(frame, wrong, draws=0, states=data.states, known_ids=known)
    report = validity_report(scores, ref.reindex(scores.index))
    assert report.flagged == ["Jeugd en gezin"]
    main = report.correlations.set_index(["onderdeel", "referentie"])
    assert main.loc[("Jeugd en gezin", "ses_woa"), "rho"] == pytest.approx(0.46, abs=0.03)
    assert report.rho_score == pytest.approx(-0.82, abs=0.02)  # issue #19: -0.82 with it
    assert not report.meets_target
    # a health indicator explicitly turned the wrong way is flagged too
    flipped = _prof(
        domains=[
            {"name": "Sociaal", "indicators": [{"id": "eenzaam"}]},
            {
                "name": "Gezondheid",
                "indicators": [{"id": "gezondheid_goed", "direction": "hoger_slechter"}],
            },
        ]
    )
    report = validity_report(score_buurten(frame, flipped, draws=0), ref)
    assert report.flagged == ["Gezondheid"]
    assert (
        "loopt tegen achterstand in"
        in report.directions.set_index("onderdeel").loc["Gezondheid", "oordeel"]
    )


def _with_domain(profile: ScoringProfile, name: str, ids: list[str]) -> ScoringProfile:
    """A profile with composition indicators as need, built without the migration."""
    from models.profile import Domain, IndicatorWeight

    domains = [d for d in profile.domains if d.name != name]
    domains.append(
        Domain.model_construct(
            name=name, weight=1.0, indicators=[IndicatorWeight(id=i) for i in ids]
        )
    )
    return ScoringProfile.model_construct(
        **{**parse_profile(OLD_DEFAULT).model_dump(), "domains": domains, "reach": []}
    )


def test_province_figures_and_national_exclusion(shared):
    """The 686 Utrecht-province buurten with SES-WOA in the national frame (issue #19)."""
    from tests.national import national_frame

    nl = national_frame(shared)
    ref = read_reference_file(shared / "kerncijfers" / UTRECHT)
    base = parse_profile(OLD_DEFAULT)
    wrong = _with_domain(base, "Jeugd en gezin", ["pct_0_15", "pct_hh_met_kinderen"])
    r_wrong = score_buurten(nl, wrong, draws=0)
    rep = validity_report(r_wrong, ref)
    assert rep.rho_score == pytest.approx(-0.67, abs=0.02)
    assert rep.flagged == ["Jeugd en gezin"]
    need = base.without_empty_domains(nl.columns[nl.notna().any()])
    assert "Jeugd en gezin" not in need.domain_names
    rep_need = validity_report(score_buurten(nl, need, draws=0), ref)
    assert rep_need.rho_score == pytest.approx(-0.83, abs=0.02)
    assert rep_need.flagged == []
    # national ranks leave out gemeenten whose score rests on under 50% observed values
    ranks = national_ranks(score_buurten(nl, need, draws=0))
    per_gm = ranks.groupby("gemeentecode")["lage_dekking"].first()
    assert per_gm["GM0034"] and not per_gm["GM0307"]
    assert ranks.loc[ranks["lage_dekking"], "nationale_rang"].isna().all()


def test_national_exclusion_rule_on_a_small_fixture():
    idx = ["BU00010001", "BU00010002", "BU00020001", "BU00020002", "BU00030001"]
    scores = pd.DataFrame(
        {
            "score": [95.0, 90.0, 80.0, 70.0, np.nan],
            "dekking": [0.4, 0.55, 0.9, 0.8, np.nan],  # GM0001: mean 0.475 < 0.5
        },
        index=idx,
    )
    out = national_ranks(scores)
    assert out["dekking_gemeente"].round(3).tolist()[:4] == [0.475, 0.475, 0.85, 0.85]
    assert out["lage_dekking"].tolist() == [True, True, False, False, True]
    assert out["nationale_rang"].tolist()[:4] == [pytest.approx(np.nan, nan_ok=True)] * 2 + [
        1.0,
        2.0,
    ]
    both = national_ranks(scores, include_low=True)
    assert both["nationale_rang"].tolist()[:4] == [1.0, 2.0, 3.0, 4.0]
    assert both["lage_dekking"].tolist()[:2] == [True, True]  # still marked
    assert national_ranks(scores, min_coverage=0.4)["nationale_rang"].iloc[0] == 1.0


# -- service and CLI ----------------------------------------------------------------------------
def test_score_gemeente_reach_columns_and_notes(amersfoort):
    data, _, _ = amersfoort
    out = score_gemeente(data, parse_profile(OLD_DEFAULT), seed=1, draws=0)
    assert "bereik__pct_0_15" in out and "bereik_aantal__pct_hh_met_kinderen" in out
    assert "domein__Jeugd en gezin" not in out  # pct_jeugdzorg has no 2024 data: left out
    assert any("Verplaatst van nood naar bereik" in w for w in out.attrs["warnings"])
    assert any("Domein Jeugd en gezin heeft" in w for w in out.attrs["warnings"])
    small = out["te_klein"]
    assert out.loc[small, "bereik__pct_0_15"].isna().all()  # disclosure rule holds for reach
    kids = out.loc[~small, "bereik_aantal__pct_0_15"].dropna()
    expected = (data.buurten["pct_0_15"] / 100 * data.buurten["inwoners"]).round()
    assert (kids == expected.reindex(kids.index)).all()


def test_cli_valideer(server, tmp_path, monkeypatch, capsys, shared):
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    out = tmp_path / "v.csv"
    assert cli.main(["valideer", "--gemeente", "GM0307", "--uit", str(out)]) == 0
    text = capsys.readouterr().out
    assert "score vs SES-WOA: rho = -0.93 (meets the target" in text
    assert set(pd.read_csv(out)["onderdeel"]) == {
        "score",
        "Gezondheid",
        "Bestaanszekerheid",
        "Sociaal",
    }
    ref = str(shared / "kerncijfers" / UTRECHT)
    assert cli.main(["valideer", "--gemeente", "GM0307", "--referentie", ref]) == 0
    assert "Leefbaarometer" in capsys.readouterr().out
    assert cli.main(["score", "--gemeente", "GM0307", "--trekkingen", "0", "--uit", str(out)]) == 0
    # income and bijstand mostly from wijk values in the 2024 layout (see above)
    assert "dekking: 78% van het gewicht van de score rust op gemeten waarden\n" in (
        capsys.readouterr().out
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    assert cli.main(["valideer", "--gemeente", "GM0307", "--referentie", str(bad)]) == 1
    assert "bad.csv: geen SES-WOA" in capsys.readouterr().err


def test_coverage_on_map_tooltips_and_exports(amersfoort, tmp_path):
    from wijkradar.render.export import ranking_table, write_scores
    from wijkradar.render.maps import build_map, map_geometry, map_values

    data, _, _ = amersfoort
    scores = score_gemeente(data, shipped_profile("kansrijke-wijk"), seed=1, draws=0)
    html = (
        build_map(map_geometry(data.buurten), map_values(scores, data, "score"), scores=scores)
        .get_root()
        .render()
    )
    assert "Dekking (gewicht op waargenomen cijfers)" in html and '"dekking":[' in html
    table = ranking_table(data, scores)
    assert {"dekking", "bereik__pct_0_15", "bereik_aantal__pct_65plus"} <= set(table.columns)
    out = pd.read_csv(write_scores(scores, data, tmp_path / "s.csv"), index_col="buurtcode")
    small = out["te_klein"].astype(bool)
    assert out.loc[~small & out["score"].notna(), "dekking"].between(0, 1).all()
    assert out.loc[small, ["dekking", "bereik__pct_0_15"]].isna().all().all()
    from wijkradar.werklijst import worklist, worklist_csv, worklist_html

    rows = worklist(data, scores, None, top=5)
    assert rows["dekking"].str.fullmatch(r"\d+%").all()
    assert "Dekking (gewicht op waargenomen cijfers)" in worklist_csv(rows).decode("utf-8")
    assert "dekking " + rows["dekking"].iloc[0] in worklist_html(rows, data, profile_name="k")


def test_cli_batch_marks_and_excludes_low_coverage(server, tmp_path, monkeypatch, capsys):
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    out = tmp_path / "batch"
    argv = ["batch", "--gemeenten", "GM0307", "GM0034", "--trekkingen", "0", "--uit", str(out)]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    summary = pd.read_csv(out / "batch.csv", index_col="gemeentecode")
    nat = pd.read_csv(out / "nationaal.csv", index_col="buurtcode")
    assert set(nat["gemeentecode"]) == {"GM0307", "GM0034"} and len(nat) == 145 + 238
    versions = nat.groupby("gemeentecode")["dataversie"].unique()  # which data, per gemeente
    for gm, labels in versions.items():
        assert len(labels) == 1 and labels[0].startswith(f"{gm} indeling ")
    for gm, row in summary.iterrows():
        assert row["lage_dekking"] == (row["dekking"] < 0.5)
        ranked = nat.loc[nat["gemeentecode"] == gm, "nationale_rang"]
        assert ranked.isna().all() if row["lage_dekking"] else ranked.notna().any()
        if row["lage_dekking"]:
            assert f"{gm} niet in de landelijke rangen" in text
    assert cli.main([*argv, "--ook-lage-dekking"]) == 0
    nat = pd.read_csv(out / "nationaal.csv", index_col="buurtcode")
    assert nat.loc[nat["score"].notna(), "nationale_rang"].notna().all()


def test_unstated_direction_survives_saving_and_strict_refuses_composition(tmp_path):
    from wijkradar.profiles import load_profile, save_profile

    p = parse_profile(
        {"name": "n", "domains": [{"name": "G", "indicators": [{"id": "gezondheid_goed"}]}]}
    )
    assert "direction" not in profile_yaml(p)  # not written: still taken from the catalogue
    again = load_profile(save_profile(p.with_weights({"gezondheid_goed": 2}), tmp_path / "n.yaml"))
    fixed, notes = again.check_catalogue({"gezondheid_goed": "hoger_beter"})
    assert fixed.domains[0].indicators[0].direction == "hoger_beter" and notes
    old = parse_profile(OLD_DEFAULT)
    cat = {i: "hoger_slechter" for i in [*old.indicator_ids, *old.reach]}
    cat["gezondheid_goed"] = "hoger_beter"
    assert old.check_catalogue(cat)[0].reach == ["pct_0_15", "pct_hh_met_kinderen"]
    with pytest.raises(
        ProfileError, match=r"pct_0_15, pct_hh_met_kinderen zegt wie er woont.*'reach'"
    ):
        old.check_catalogue(cat, on_conflict="raise")


def test_ses_woa_source_failure_degrades(server, tmp_path):
    from tests.conftest import settings_for

    s = settings_for(server, tmp_path / "d", retries=0)
    server.inject("86092NED/TypedDataSet", "badjson", times=1)
    ref, notes = load_reference("GM0307", settings=s)
    assert ref is None and notes[0].startswith("SES-WOA niet opgehaald: CBS SES-WOA 86092NED")
    ref, notes = load_reference("GM0034", settings=s)  # no SES-WOA rows for Almere here
    assert ref is not None and ref.empty and "gaf geen buurtscores voor GM0034" in notes[-1]
