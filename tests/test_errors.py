"""The one error hierarchy: every deliberate error is a WijkradarError; edges show Dutch text."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

import geo
import models
import wijkradar
import wijkradar.errors
from geo.errors import DataFormatError, WijkradarError
from geo.web import simplify_for_web
from models.access import coverage_table, two_step_fca
from models.errors import ProfileError

PACKAGES = ("geo", "models", "wijkradar")


def _modules():
    for name in PACKAGES:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if info.name.rpartition(".")[2] == "__main__":
                continue
            yield importlib.import_module(info.name)


def test_every_error_class_of_the_project_is_a_wijkradar_error():
    classes = {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for module in _modules()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__.split(".")[0] in PACKAGES
    }
    # the hierarchy spans the five former homes of error classes
    assert {
        "geo.errors.SourceError",
        "geo.errors.DataFormatError",
        "models.errors.ProfileError",
        "geo.sources._http.NotFound",
        "wijkradar.render.assets.AssetError",
    } <= set(classes)
    assert any(name.endswith("RegistryError") for name in classes)
    outside = sorted(n for n, cls in classes.items() if not issubclass(cls, WijkradarError))
    assert not outside, f"not part of the WijkradarError hierarchy: {outside}"
    # ... and the edges can import every one of them from wijkradar.errors
    exported = {getattr(wijkradar.errors, n) for n in wijkradar.errors.__all__}
    missing = sorted(n for n, cls in classes.items() if cls not in exported)
    assert not missing, f"not re-exported by wijkradar.errors: {missing}"


def test_profile_error_is_a_project_error_and_a_value_error():
    assert issubclass(ProfileError, WijkradarError)
    assert issubclass(ProfileError, ValueError)
    assert models.ProfileError is ProfileError


def test_the_edges_get_the_whole_hierarchy_from_one_place():
    for name in wijkradar.errors.__all__:
        value = getattr(wijkradar.errors, name)
        if inspect.isclass(value):
            assert issubclass(value, WijkradarError), name
    for name in ("WijkradarError", "SourceError", "DataFormatError", "GemeenteNotFoundError"):
        assert getattr(wijkradar.errors, name) is getattr(geo, name)
    assert wijkradar.errors.ProfileError is ProfileError
    assert wijkradar.errors.WijkradarError is wijkradar.WijkradarError


@pytest.fixture
def no_crs():
    return gpd.GeoDataFrame(
        {"buurtnaam": ["A"], "inwoners": [100.0]},
        geometry=[box(0, 0, 1000, 1000)],
        index=pd.Index(["BU00010001"], name="buurtcode"),
    )


def test_a_layer_without_crs_is_the_same_error_everywhere(no_crs):
    supply = pd.DataFrame({"x": [500.0], "y": [500.0], "fte": [1.0]})
    calls = [
        lambda: simplify_for_web(no_crs),
        lambda: two_step_fca(no_crs, supply, capacity="fte"),
        lambda: coverage_table(no_crs),
    ]
    messages = set()
    for call in calls:
        with pytest.raises(DataFormatError, match="geen coördinatenstelsel") as info:
            call()
        messages.add(str(info.value))
    assert messages == {
        "buurten: geen coördinatenstelsel (CRS); stel het in (EPSG:28992 voor RD New)"
    }


@pytest.mark.parametrize(
    "profile,dutch",
    [
        ("kapot.yaml", "ongeldig profiel: name: verplicht veld ontbreekt"),
        ("bestaat-niet", "profiel 'bestaat-niet' niet gevonden; beschikbaar:"),
    ],
    ids=["invalid-yaml-profile", "unknown-name"],
)
def test_the_cli_shows_a_bad_profile_in_dutch_without_class_name(
    tmp_path, monkeypatch, capsys, profile, dutch
):
    from wijkradar import cli

    (tmp_path / "kapot.yaml").write_text("naam: kapot\nindicatoren:\n  eenzaam: 2\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "data"))
    argv = ["score", "--gemeente", "GM0307", "--profiel", profile, "--uit", "s.csv"]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("fout: ") and dutch in err and err.count("\n") == 1
    assert "ProfileError" not in err and "Traceback" not in err and "Field required" not in err
