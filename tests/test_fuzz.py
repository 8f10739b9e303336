"""Property-based fuzzing of the importers: every input ends in a clear error or a correct import.

Never another exception type (a traceback in the UI), never a partial write. The number of
cases per property is set by ``FUZZ_EXAMPLES`` (default 500: 3,000 cases in all).
"""

from __future__ import annotations

import json
import os
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import DataFormatError
from geo.io import read_source_file
from geo.registry import STATUSES, THEMES, ImportRejected, Registry, read_registry_file

N = int(os.environ.get("FUZZ_EXAMPLES", "500"))
FUZZ = settings(
    max_examples=N,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADER = ["id", "naam", "thema", "status", "startdatum", "x", "y", "notities"]

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "nan", "inf", "-inf", "1e309", "NaN", "0", "-1", "NULL", "'; drop table x"]
    ),
    st.sampled_from(list(THEMES) + list(STATUSES)),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["155000", "463000", "5.38", "52.15", "2024-01-01", "31-12-2024", "2024-13-45"]
    ),
    st.text(alphabet="<>\"'&;=/\\", max_size=20),
)
row = st.lists(cell, min_size=len(HEADER), max_size=len(HEADER))


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    r = Registry(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'r.sqlite'}")
    yield r
    r.close()


def _state(reg):
    return reg.table("initiatief").to_json(date_format="iso"), len(reg.audit_log())


def _try_import(reg, path):
    before = _state(reg)
    try:
        frame, first = read_registry_file(path, max_bytes=200_000)
        report = reg.import_records(
            "initiatief", frame, user="fuzz", source=path.name, first_row=first
        )
    except ImportRejected as exc:
        assert exc.errors and str(exc)
        assert _state(reg) == before
        return None
    assert report.added + report.updated == len(frame)
    return report


@FUZZ
@given(rows=st.lists(row, max_size=8), sep=st.sampled_from([",", ";"]))
def test_fuzz_csv_import(reg, tmp_path, rows, sep):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / "f.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    _try_import(reg, path)


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".geojson"]))
def test_fuzz_raw_bytes(reg, tmp_path, data, suffix):
    path = tmp_path / f"raw{suffix}"
    path.write_bytes(data)
    _try_import(reg, path)


coordinate = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**12), 10**12),
    st.text(max_size=5),
    st.none(),
)
feature = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "geometry": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["Point", "Polygon", "LineString", "Bogus"]),
                    "coordinates": st.lists(coordinate, max_size=3),
                }
            ),
        ),
        "properties": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"id": cell, "naam": cell, "thema": cell, "status": cell},
                optional={"notities": cell, "startdatum": cell},
            ),
        ),
    }
)


@FUZZ
@given(features=st.lists(feature, max_size=6), crs=st.sampled_from([None, "EPSG:28992", "x"]))
def test_fuzz_geojson_import(reg, tmp_path, features, crs):
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / "f.geojson"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    _try_import(reg, path)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(
            ["WijkenEnBuurten", "Perioden", "Marges", "gwb_code_10", "AantalInwoners_5", "x"]
        ),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    rows=st.lists(st.lists(cell, min_size=5, max_size=5), max_size=5),
)
def test_fuzz_from_file_readers(tmp_path, header, rows):
    """The ``--van`` CSV readers: a DataFormatError or a frame, never another exception."""
    lines = [";".join(header)] + [";".join(r[: len(header)]) for r in rows]
    path = tmp_path / "statline.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = read_source_file(path, jaar=2024)
        except DataFormatError as exc:
            assert str(path.name) in str(exc) or "statline" in str(exc)
            return
    assert source.data is not None or source.geometry is not None
    if source.data is not None:
        assert isinstance(source.data.values, pd.DataFrame)


ring_point = st.tuples(
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([5.38, 155_000.0])),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([52.15, 463_000.0])),
)
polygon = st.one_of(
    st.none(),
    st.just({"type": "Polygon", "coordinates": []}),  # empty
    st.just(  # self-intersecting bow tie in RD New
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [155000, 463000],
                    [156000, 464000],
                    [156000, 463000],
                    [155000, 464000],
                    [155000, 463000],
                ]
            ],
        }
    ),
    st.lists(ring_point, min_size=0, max_size=6).map(
        lambda pts: {"type": "Polygon", "coordinates": [[list(p) for p in pts]]}
    ),
)
kaart_feature = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "geometry": polygon,
        "properties": st.fixed_dictionaries(
            {"buurtcode": st.sampled_from(["BU03070000", "BU0307", "", "WK030700", "x"])},
            optional={
                "buurtnaam": cell,
                "gemeentecode": st.sampled_from(["GM0307", "GM0034", ""]),
                "aantalInwoners": cell,
            },
        ),
    }
)


@FUZZ
@given(
    features=st.lists(kaart_feature, max_size=5),
    crs=st.sampled_from([None, "EPSG:28992", "EPSG:4326", "EPSG:3857"]),
)
def test_fuzz_from_kaart_geojson(tmp_path, features, crs):
    """``--van`` kaart files with empty, self-intersecting, NaN or wrongly projected polygons."""
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / "kaart.geojson"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = read_source_file(path, jaar=2024)
        except DataFormatError as exc:
            assert "kaart.geojson" in str(exc)
            return
    assert source.geometry is not None and source.geometry.crs is not None


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=200).map(lambda b: b"SQLite format 3\x00" + b),  # broken GeoPackage
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),  # broken xlsx
    ),
    suffix=st.sampled_from([".gpkg", ".xlsx", ".csv", ".geojson", ".json"]),
)
def test_fuzz_from_raw_bytes(tmp_path, data, suffix):
    """``--van`` with corrupt GeoPackage, Excel, CSV and JSON bytes: always a DataFormatError."""
    path = tmp_path / f"bron{suffix}"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = read_source_file(path, jaar=2024)
        except DataFormatError as exc:
            assert "bron" in str(exc)
            return
    assert source.data is not None or source.geometry is not None
