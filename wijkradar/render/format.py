"""Dutch formatting of numbers, percentages, money, dates, plurals and rank intervals.

The one place where Wijkradar turns values into Dutch text for people: the app, the exports,
the printable profile, the worklist and the command line all use these functions, so a number
reads the same everywhere (``12.345,6``, ``12,5%``, ``€ 1.234``, ``1 december 2026``,
``3 problemen``). Locale data comes from Babel (CLDR ``nl_NL``).

Missing values (None, NaN, NA) are shown as an en dash ``–`` by every function.

Examples
--------
>>> fmt_number(12345.678)
'12.345,7'
>>> fmt_percent(0.125, 1)
'12,5%'
>>> fmt_date("2026-12-01")
'1 december 2026'
>>> plural(3, "probleem", "problemen")
'3 problemen'
>>> fmt_rank(3, 1, 7)
'3 (90%: 1–7)'
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal

__all__ = [
    "LOCALE",
    "MISSING",
    "is_missing",
    "decimals_for",
    "fmt_number",
    "fmt_count",
    "fmt_signed",
    "fmt_percent",
    "fmt_euro",
    "fmt_distance",
    "fmt_value",
    "fmt_date",
    "fmt_datetime",
    "fmt_bool",
    "plural",
    "fmt_rank",
    "fmt_list",
]

LOCALE = "nl_NL"
#: What every function shows for a missing value.
MISSING = "–"
_MONTHS_TZ = "Europe/Amsterdam"


def is_missing(value: object) -> bool:
    """Whether ``value`` is None, NaN, infinite or pandas NA (not: an empty string or zero).

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    bool
        True for None, NaN, infinity and pandas NA.

    Examples
    --------
    >>> is_missing(float("nan")), is_missing(None), is_missing(0)
    (True, True, False)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, Real):
        return not math.isfinite(float(value))
    return False


def decimals_for(unit: str) -> int:
    """Decimals to show for a unit: none for counts, one otherwise.

    Parameters
    ----------
    unit : str
        A unit of the indicator catalogue, e.g. ``aantal`` or ``%``.

    Returns
    -------
    int
        0 or 1.

    Examples
    --------
    >>> decimals_for("aantal"), decimals_for("%")
    (0, 1)
    """
    return 0 if unit == "aantal" else 1


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _rounded(number: float, decimals: int) -> Decimal:
    """Round half up on the shortest decimal form (84,95 -> 85,0), as people expect."""
    quantum = Decimal(1).scaleb(-max(decimals, 0))
    return Decimal(repr(number)).quantize(quantum, rounding=ROUND_HALF_UP)


def fmt_number(value: object, decimals: int = 1) -> str:
    """A number with decimal comma and thousands dot, rounded to ``decimals``.

    Parameters
    ----------
    value : object
        Any real number (numpy scalars included); missing values give ``–``.
    decimals : int
        Digits after the comma (always shown, so columns line up).

    Returns
    -------
    str
        E.g. ``1.234,5``, or ``–``.

    Examples
    --------
    >>> fmt_number(1234.5), fmt_number(84.94, 1), fmt_number(3, 0), fmt_number(None)
    ('1.234,5', '84,9', '3', '–')
    """
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    text = _babel_decimal(_rounded(number, decimals), format=_pattern(decimals), locale=LOCALE)
    # -0,0 after rounding reads as a different number than 0,0
    return text.lstrip("-") if text.lstrip("-").strip("0.,") == "" else text


def fmt_signed(value: object, decimals: int = 1) -> str:
    """A change: like :func:`fmt_number`, with ``+`` before a rise.

    Parameters
    ----------
    value
        Any real number; missing values give ``–``.
    decimals
        Digits after the comma.

    Returns
    -------
    str
        ``+1,5``, ``-0,3``, ``0,0`` or ``–``.

    Examples
    --------
    >>> fmt_signed(1.46), fmt_signed(-0.3), fmt_signed(0.0), fmt_signed(None)
    ('+1,5', '-0,3', '0,0', '–')
    """
    if is_missing(value):
        return MISSING
    return ("+" if float(value) > 0 else "") + fmt_number(value, decimals)  # type: ignore[arg-type]


def fmt_count(value: object) -> str:
    """A whole number with a thousands dot (``15.887``).

    Parameters
    ----------
    value : object
        Any real number (numpy scalars included); missing values give ``–``.

    Returns
    -------
    str
        E.g. ``15.887``, or ``–``.
    """
    return fmt_number(value, 0)


def fmt_percent(value: object, decimals: int = 0, *, fraction: bool = True) -> str:
    """A percentage: ``value`` is a fraction (0.125) unless ``fraction=False`` (12.5).

    Parameters
    ----------
    value : object
        Any real number (numpy scalars included); missing values give ``–``.
    decimals : int
        Digits after the comma.
    fraction : bool
        ``value`` is a fraction (0.125 is 12.5%); False: already a percentage.

    Returns
    -------
    str
        E.g. ``12,5%``, or ``–``.

    Examples
    --------
    >>> fmt_percent(0.9), fmt_percent(12.5, 1, fraction=False)
    ('90%', '12,5%')
    """
    if is_missing(value):
        return MISSING
    number = float(value) * (100.0 if fraction else 1.0)  # type: ignore[arg-type]
    return f"{fmt_number(number, decimals)}%"


def fmt_euro(value: object, decimals: int = 0) -> str:
    """An amount in euro (``€ 1.234`` or with cents ``€ 1.234,50``).

    Parameters
    ----------
    value : object
        Any real number (numpy scalars included); missing values give ``–``.
    decimals : int
        0 for whole euros, 2 for cents.

    Returns
    -------
    str
        E.g. ``€ 1.234,50``, or ``–``.

    Examples
    --------
    >>> fmt_euro(1234.5), fmt_euro(1234.5, 2)
    ('€ 1.235', '€ 1.234,50')
    """
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    return _babel_currency(
        _rounded(number, decimals),
        "EUR",
        format="¤ " + _pattern(decimals),
        locale=LOCALE,
        currency_digits=False,
    )


def fmt_distance(metres: object) -> str:
    """A distance: whole metres below 1 km, kilometres with one decimal above.

    Parameters
    ----------
    metres : object
        A distance in metres; missing values give ``–``.

    Returns
    -------
    str
        E.g. ``671 m`` or ``1,2 km``.

    Examples
    --------
    >>> fmt_distance(671.0), fmt_distance(1234)
    ('671 m', '1,2 km')
    """
    if is_missing(metres):
        return MISSING
    m = float(metres)  # type: ignore[arg-type]
    if m < 1000:
        return f"{fmt_number(m, 0)} m"
    return f"{fmt_number(m / 1000, 1)} km"


def fmt_value(value: object, unit: str) -> str:
    """An indicator value with its unit as people read it.

    Units are those of the indicator catalogue: ``%``/``% van ...`` give ``28,1%``,
    ``aantal`` a whole number, ``x 1.000 euro`` an amount in euro, ``km`` a distance in
    kilometres, anything else the number followed by the unit.

    Parameters
    ----------
    value : object
        Any real number (numpy scalars included); missing values give ``–``.
    unit : str
        The indicator's unit in the catalogue.

    Returns
    -------
    str
        E.g. ``28,1%``, ``€ 31.200`` or ``12,3 per 1.000 inwoners``.

    Examples
    --------
    >>> fmt_value(28.14, "% van huishoudens"), fmt_value(31.2, "x 1.000 euro")
    ('28,1%', '€ 31.200')
    >>> fmt_value(1234, "aantal"), fmt_value(12.3, "per 1.000 inwoners"), fmt_value(0.8, "km")
    ('1.234', '12,3 per 1.000 inwoners', '0,8 km')
    """
    if is_missing(value):
        return MISSING
    unit = str(unit or "").strip()
    if unit.startswith("%"):
        return f"{fmt_number(value, 1)}%"
    if unit == "aantal":
        return fmt_count(value)
    if unit == "x 1.000 euro":
        return fmt_euro(float(value) * 1000)  # type: ignore[arg-type]
    number = fmt_number(value, decimals_for(unit))
    return f"{number} {unit}" if unit and unit != "0-100" else number


def _to_datetime(value: object) -> date | datetime | None:
    if is_missing(value) or value == "":
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime | date):
        return value
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(text) <= 10:
        return parsed.date()
    return parsed


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(ZoneInfo(_MONTHS_TZ))
    except ZoneInfoNotFoundError:  # no tz database (e.g. Windows without tzdata)
        return moment


def fmt_date(value: object) -> str:
    """A date in words: ``1 december 2026`` (dates, datetimes and ISO strings).

    Text that is not an ISO date is returned unchanged, so a source's own period label
    (``2022``) passes through.

    Parameters
    ----------
    value : object
        A date, datetime or ISO string; other text passes through.

    Returns
    -------
    str
        E.g. ``1 december 2026``.

    Examples
    --------
    >>> fmt_date(date(2026, 12, 1)), fmt_date("2026-12-01T23:30:00+00:00")
    ('1 december 2026', '2 december 2026')
    """
    parsed = _to_datetime(value)
    if parsed is None:
        return MISSING if is_missing(value) or value == "" else str(value)
    if isinstance(parsed, datetime):
        parsed = _local(parsed).date()
    return _babel_date(parsed, format="long", locale=LOCALE)


def fmt_datetime(value: object) -> str:
    """A moment in words with the Dutch clock time: ``1 december 2026, 14:05``.

    Aware timestamps (the registry and cache store UTC) are shown in Dutch time.

    Parameters
    ----------
    value : object
        A datetime, timestamp or ISO string; aware ones are shown in Dutch time.

    Returns
    -------
    str
        E.g. ``1 december 2026, 14:05``.

    Examples
    --------
    >>> fmt_datetime("2026-12-01T13:05:00+00:00")
    '1 december 2026, 14:05'
    """
    parsed = _to_datetime(value)
    if parsed is None:
        return MISSING if is_missing(value) or value == "" else str(value)
    if not isinstance(parsed, datetime):
        return fmt_date(parsed)
    local = _local(parsed)
    return f"{fmt_date(local.date())}, {local:%H:%M}"


def fmt_bool(value: object) -> str:
    """``ja`` or ``nee`` for any truthy/falsy value (numpy booleans included).

    Parameters
    ----------
    value : object
        Anything truthy or falsy.

    Returns
    -------
    str
        ``ja`` or ``nee``.
    """
    if is_missing(value):
        return MISSING
    return "ja" if bool(value) else "nee"


def plural(n: object, singular: str, plural_form: str, *, decimals: int = 0) -> str:
    """``1 probleem``, ``3 problemen``, ``1.200 buurten``: the count with the right noun.

    Parameters
    ----------
    n : object
        The count.
    singular : str
        The noun for one.
    plural_form : str
        The noun for any other number.
    decimals : int
        Digits after the comma of the count.

    Returns
    -------
    str
        The count and the noun, e.g. ``3 problemen``.

    Examples
    --------
    >>> plural(1, "rij", "rijen"), plural(0, "rij", "rijen"), plural(2500, "buurt", "buurten")
    ('1 rij', '0 rijen', '2.500 buurten')
    """
    if is_missing(n):
        return f"{MISSING} {plural_form}"
    count = float(n)  # type: ignore[arg-type]
    word = singular if count == 1 else plural_form
    return f"{fmt_number(count, decimals)} {word}"


def fmt_rank(rank: object, low: object = None, high: object = None) -> str:
    """A rank with its 90% interval: ``3 (90%: 1–7)``; just ``3`` without an interval.

    Parameters
    ----------
    rank : object
        The rank; missing gives ``–``.
    low, high : object, optional
        The bounds of its 90% interval.

    Returns
    -------
    str
        E.g. ``3 (90%: 1–7)`` or ``3``.

    Examples
    --------
    >>> fmt_rank(3.0, 1, 7), fmt_rank(12), fmt_rank(None)
    ('3 (90%: 1–7)', '12', '–')
    """
    if is_missing(rank):
        return MISSING
    text = fmt_count(rank)
    if is_missing(low) or is_missing(high):
        return text
    return f"{text} (90%: {fmt_count(low)}–{fmt_count(high)})"


def fmt_list(items: list[str] | tuple[str, ...], *, last: str = "en") -> str:
    """Items as Dutch text: ``a, b en c``.

    Parameters
    ----------
    items : list or tuple of str
        The items.
    last : str
        The word before the last item.

    Returns
    -------
    str
        E.g. ``a, b en c``; empty for no items.

    Examples
    --------
    >>> fmt_list(["a", "b", "c"]), fmt_list(["a"]), fmt_list([])
    ('a, b en c', 'a', '')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
