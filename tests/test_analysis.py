"""Analyst helpers: caveats, coverage per indicator, and the profile hand-off to the app."""

from pathlib import Path

import pytest

from models import ProfileError, parse_profile
from wijkradar import (
    data_caveats,
    default_data_dir,
    indicator_coverage,
    load_gemeente,
    save_profile_for_app,
)
from wijkradar.profiles import list_profiles, resolve_profile

ROOT = Path(__file__).resolve().parents[1]


def test_caveats_and_coverage_of_amersfoort(settings):
    data = load_gemeente("GM0307", settings=settings)
    caveats = data_caveats(data)
    # the 2024-indeling monitor matches every code; what CBS has not published is said
    assert any("pct_armoede: not published (yet)" in c for c in caveats)
    assert any(c.startswith("gezondheid (50150NED, 2024): ") for c in caveats)  # a remark
    cov = indicator_coverage(data)
    assert list(cov.index) == data.indicator_ids
    states = [c for c in cov.columns if c not in ("label", "tabel", "periode", "buurten")]
    counts = [c for c in states if c != "aandeel_aanwezig"]
    assert (cov[counts].sum(axis=1) == 145).all()
    assert cov.loc["eenzaam", "aanwezig"] == (data.states["eenzaam"] == "aanwezig").sum()
    assert cov.loc["eenzaam", "wijkwaarde"] > 0
    assert cov.loc["eenzaam", "tabel"] == "50150NED"
    assert cov.loc["eenzaam", "aandeel_aanwezig"] == round(cov.loc["eenzaam", "aanwezig"] / 145, 3)


def test_saved_profile_says_where_and_that_the_app_sees_it(settings):
    prof = resolve_profile("kansrijke-wijk", settings)
    mine = parse_profile({**prof.model_dump(), "name": "mijn-profiel"})
    saved = save_profile_for_app(mine, settings, user="analist")
    assert saved.path == (settings.data_dir / "profiles" / "mijn-profiel.yaml").resolve()
    assert saved.path.is_file() and saved.listed
    assert list_profiles(settings)["mijn-profiel"].resolve() == saved.path
    assert not saved.default_data_dir  # a test folder, not the checkout's data/
    text = str(saved)
    assert str(saved.path) in text
    assert f"WIJKRADAR_DATA_DIR={settings.data_dir}" in text and str(default_data_dir()) in text
    from wijkradar.registry import open_registry

    with open_registry(settings) as reg:  # audited like a save from the app
        log = reg.audit_log(limit=5)
    assert (log["gebruiker"] == "analist").any() and (log["entiteit"] == "profiel").any()
    with pytest.raises(ProfileError, match="meegeleverd profiel"):
        save_profile_for_app(prof, settings)  # a shipped name is refused


def test_saved_profile_in_the_default_folder(tmp_path, monkeypatch):
    import wijkradar.analysis as analysis
    from wijkradar.config import Settings

    settings = Settings(data_dir=tmp_path / "data")
    monkeypatch.setattr(analysis, "default_data_dir", lambda: tmp_path / "data")
    prof = parse_profile(
        {"name": "x-y", "domains": [{"name": "S", "indicators": [{"id": "eenzaam"}]}]}
    )
    saved = save_profile_for_app(prof, settings)
    assert saved.listed and saved.default_data_dir
    assert "De app ziet het:" in str(saved) and "standaard datamap" in str(saved)


def test_sensitivity_of_a_gemeente_starts_from_the_scored_profile(settings):
    from wijkradar import score_gemeente, sensitivity_gemeente

    data = load_gemeente("GM0307", settings=settings)
    prof = resolve_profile("kansrijke-wijk", settings)
    ranks = sensitivity_gemeente(
        data, prof, seed=0, normalisations=["percentile"], aggregations=["arithmetic"]
    )
    basis = ranks[ranks["basis"]].set_index("buurtcode")["rang"]
    scored = score_gemeente(data, prof, seed=0, draws=0)["rang"].dropna()
    assert basis.sort_index().tolist() == scored.sort_index().tolist()
    assert ranks["ontbrekend"].nunique() == 3


def test_coverage_has_a_column_for_every_state_the_data_has():
    from types import SimpleNamespace

    import pandas as pd

    states = pd.DataFrame(
        {"a": ["aanwezig", "nog niet gepubliceerd", "onderdrukt", "aanwezig"]},
        index=[f"BU0999000{i}" for i in range(4)],
    ).astype(pd.CategoricalDtype(["aanwezig", "onderdrukt", "nog niet gepubliceerd"]))
    catalogue = pd.DataFrame({"label": ["A"], "tabel": ["T"], "periode": ["2024"]}, index=["a"])
    data = SimpleNamespace(states=states, indicator_ids=["a"], catalogue=catalogue)
    cov = indicator_coverage(data)
    assert list(cov.columns) == [
        "label",
        "tabel",
        "periode",
        "aanwezig",
        "onderdrukt",
        "nog niet gepubliceerd",
        "buurten",
        "aandeel_aanwezig",
    ]
    assert cov.loc["a", "nog niet gepubliceerd"] == 1 and cov.loc["a", "aandeel_aanwezig"] == 0.5
