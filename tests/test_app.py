"""AppTest smoke tests of the Streamlit page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.loopback import LoopbackServer

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _env(monkeypatch, server, tmp_path):
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("WIJKRADAR_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("WIJKRADAR_HTTP_RETRIES", "0")


def test_app_loads_amersfoort_and_scores(server, tmp_path, monkeypatch):
    _env(monkeypatch, server, tmp_path)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["gemeente"] = "GM0307"
    at.query_params["profiel"] = "eenzaamheid"
    at.run()
    assert not at.exception
    assert "Amersfoort (GM0307)" in at.subheader[0].value
    ranking = at.dataframe[0].value
    assert len(ranking) == 145 and "Score" in ranking.columns
    assert at.selectbox[0].value == "eenzaamheid"
    assert (
        at.query_params["profiel"] == ["eenzaamheid"] or at.query_params["profiel"] == "eenzaamheid"
    )


def test_app_says_which_source_failed(loopback_data, tmp_path, monkeypatch):
    with LoopbackServer(loopback_data) as srv:
        srv.inject("/", "500", times=10_000)
        _env(monkeypatch, srv, tmp_path)
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["gemeente"] = "GM0034"
        at.run()
    assert not at.exception
    assert any("Bron niet bereikbaar: PDOK" in e.value for e in at.error)


@pytest.mark.parametrize(
    "code,text", [("GM9999", "Onbekende gemeente"), ("Amersfoort", "Onbekende gemeente")]
)
def test_app_unknown_gemeente(server, tmp_path, monkeypatch, code, text):
    _env(monkeypatch, server, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["gemeente"] = code
    at.run()
    assert not at.exception
    assert any(text in e.value for e in at.error)
