"""Dutch formatting: one module for numbers, percentages, money, dates, plurals, ranks."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

import wijkradar.render.format as fmt
from wijkradar.render.format import (
    fmt_bool,
    fmt_count,
    fmt_date,
    fmt_datetime,
    fmt_distance,
    fmt_euro,
    fmt_list,
    fmt_number,
    fmt_percent,
    fmt_rank,
    plural,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12345.678, 1, "12.345,7"),
        (84.94, 1, "84,9"),
        (84.95, 1, "85,0"),  # half up, not banker's rounding
        (0.5, 0, "1"),
        (2.5, 0, "3"),
        (1234567, 0, "1.234.567"),
        (-3.25, 1, "-3,3"),
        (-0.04, 1, "0,0"),  # no "-0,0"
        (np.float64(88.2), 1, "88,2"),
        (np.int64(7), 0, "7"),
        (0.123, 2, "0,12"),
    ],
    ids=[
        "thousands",
        "round-down",
        "half-up",
        "half-up-0",
        "half-up-2.5",
        "million",
        "negative",
        "negative-zero",
        "numpy-float",
        "numpy-int",
        "two-decimals",
    ],
)
def test_fmt_number(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, float("inf")])
def test_missing_values_are_a_dash(missing):
    assert fmt_number(missing) == "–"
    assert fmt_percent(missing) == "–"
    assert fmt_euro(missing) == "–"
    assert fmt_distance(missing) == "–"
    assert fmt_rank(missing) == "–"


def test_percent_and_money():
    assert fmt_percent(0.9) == "90%"
    assert fmt_percent(0.125, 1) == "12,5%"
    assert fmt_percent(12.5, 1, fraction=False) == "12,5%"
    assert fmt_euro(1234.5) == "€ 1.235"
    assert fmt_euro(1234.5, 2) == "€ 1.234,50"
    assert fmt_euro(2_500_000) == "€ 2.500.000"


def test_dates_in_words():
    assert fmt_date(date(2026, 12, 1)) == "1 december 2026"
    assert fmt_date("2026-03-05") == "5 maart 2026"
    assert fmt_date(pd.Timestamp("2026-07-14")) == "14 juli 2026"
    # 23:30 UTC on 1 December is already 2 December in the Netherlands
    assert fmt_date(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == "2 december 2026"
    assert fmt_datetime("2026-12-01T13:05:00+00:00") == "1 december 2026, 14:05"
    assert fmt_datetime("2026-07-01T13:05:00+00:00") == "1 juli 2026, 15:05"  # summer time
    assert fmt_datetime(datetime(2026, 12, 1, 9, 0)) == "1 december 2026, 09:00"
    assert fmt_date("2022") == "2022"  # a period label passes through
    assert fmt_date(None) == "–"


def test_plurals_and_counts():
    assert plural(1, "probleem", "problemen") == "1 probleem"
    assert plural(3, "probleem", "problemen") == "3 problemen"
    assert plural(0, "rij", "rijen") == "0 rijen"
    assert plural(np.int64(1), "buurt", "buurten") == "1 buurt"
    assert plural(15887, "buurt", "buurten") == "15.887 buurten"
    assert fmt_count(15887.0) == "15.887"


def test_rank_interval_distance_bool_list():
    assert fmt_rank(3.0, 1.0, 7.0) == "3 (90%: 1–7)"
    assert fmt_rank(12, None, None) == "12"
    assert fmt_distance(671.0) == "671 m"
    assert fmt_distance(1234) == "1,2 km"
    assert fmt_bool(np.True_) == "ja"
    assert fmt_bool(np.False_) == "nee"
    assert fmt_list(["a", "b", "c"]) == "a, b en c"


def test_docstring_examples_run():
    result = doctest.testmod(fmt)
    assert result.attempted > 10
    assert result.failed == 0


def test_one_definition_of_fmt_number():
    from wijkradar.render import maps, report

    assert maps.fmt_number is fmt.fmt_number
    assert report.fmt_number is fmt.fmt_number
