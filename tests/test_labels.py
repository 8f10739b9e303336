"""Method tables have one shape ({id: implementation}) and their Dutch labels live in ui/."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

import models
from models import ProfileError, impute, pick_method
from models.access import two_step_fca
from ui import labels
from wijkradar.render import maps

TABLES = {
    "NORMALISERS": (models.NORMALISERS, labels.NORMALISERS),
    "AGGREGATIONS": (models.AGGREGATIONS, labels.AGGREGATIONS),
    "MISSING_POLICIES": (models.MISSING_POLICIES, labels.MISSING_POLICIES),
    "WEIGHTINGS": (models.WEIGHTINGS, labels.WEIGHTINGS),
    "SPATIAL_WEIGHTS": (models.SPATIAL_WEIGHTS, labels.SPATIAL_WEIGHTS),
    "SCHEMES": (maps.SCHEMES, labels.SCHEMES),
    "PALETTES": (maps.PALETTES, labels.PALETTES),
}


@pytest.mark.parametrize(("methods", "names"), TABLES.values(), ids=list(TABLES))
def test_every_method_has_a_dutch_label_and_nothing_else(methods, names):
    assert list(names) == list(methods)
    assert all(isinstance(n, str) and n for n in names.values())
    # the method table holds what the method does, not the text people read
    assert not any(isinstance(impl, str | tuple) for impl in methods.values())


@pytest.mark.parametrize(
    "field",
    ["normalisation", "aggregation", "weighting", "missing"],
)
def test_profile_ids_are_exactly_the_table_ids(field):
    """The ids in profile YAML (and the URL) are the keys of the tables, unchanged."""
    from typing import get_args

    table = {
        "normalisation": models.NORMALISERS,
        "aggregation": models.AGGREGATIONS,
        "weighting": models.WEIGHTINGS,
        "missing": models.MISSING_POLICIES,
    }[field]
    allowed = get_args(models.ScoringProfile.model_fields[field].annotation)
    assert set(allowed) == set(table)


def test_the_front_door_names_the_unknown_id_and_the_known_ones():
    assert pick_method(models.NORMALISERS, "zscore", "normalisatie") is models.NORMALISERS["zscore"]
    with pytest.raises(
        ValueError, match="afstandsverval 'stap' is onbekend; kies uit: gaussian, step"
    ):
        two_step_fca(gpd.GeoDataFrame(), pd.DataFrame(), decay="stap")
    with pytest.raises(
        ProfileError, match="aanpak voor ontbrekende waarden 'mediaan' is onbekend; kies uit"
    ):
        impute(pd.DataFrame({"a": [1.0, None]}), ["a"], "mediaan")


def test_every_audit_action_the_registry_writes_has_a_dutch_label():
    """The Initiatieven log shows ``actie`` in Dutch: a new action code needs a label."""
    import re
    from pathlib import Path

    import geo.registry

    source = (Path(geo.registry.__file__).parent / "_store.py").read_text(encoding="utf-8")
    written = set(re.findall(r'_audit\(\s*conn,\s*user,\s*"(\w+)"', source))
    written |= set(re.findall(r'"actie": "(\w+)"', source))
    assert written == set(labels.AUDIT_ACTIONS)
