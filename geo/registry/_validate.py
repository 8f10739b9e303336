"""Checking import rows: parse texts, dates, flags, amounts, buurtcodes and coordinates."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pandas as pd

from ._errors import RowError
from ._geocode import _to_rd
from ._schema import AUTO_KEY_PREFIX, ENTITIES, GENERATED, VERSION_HEADER, _key, new_key
from ._vocab import MAX_GEBIED_BUURTEN


# -- validation -------------------------------------------------------------------------------
def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text_value = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text_value, fmt).date()
        except ValueError:
            continue
    raise ValueError("geen geldige datum; gebruik JJJJ-MM-DD of DD-MM-JJJJ")


_TRUE = {"ja", "j", "true", "waar", "1", "x", "yes", "y"}
_FALSE = {"nee", "n", "false", "onwaar", "0", "no"}


def _parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text_value = str(value).strip().lower()
    if text_value in _TRUE:
        return True
    if text_value in _FALSE:
        return False
    raise ValueError("geen ja/nee; gebruik ja of nee")


def _is_buurtcode(code: str) -> bool:
    return len(code) == 10 and code.startswith("BU") and code[2:].isdigit()


def parse_buurtcodes(value: Any) -> list[str]:
    """Buurtcodes from a list or a text separated by spaces, commas, semicolons or ``+``.

    Parameters
    ----------
    value : list or str
        Buurtcodes, or one text with several.

    Returns
    -------
    list of str
        The codes upper-cased, sorted and without duplicates.

    Raises
    ------
    ValueError
        When a part is not a buurtcode (``BU`` + 8 digits) or there is none (Dutch message).
    """
    if isinstance(value, str):
        parts = value.replace(",", " ").replace(";", " ").replace("+", " ").split()
    else:
        parts = [str(v) for v in value]
    codes = sorted({p.strip().upper() for p in parts if p.strip()})
    bad = [c for c in codes if not _is_buurtcode(c)]
    if bad:
        raise ValueError(f"geen buurtcode (BU + 8 cijfers): {', '.join(bad[:5])}")
    if not codes:
        raise ValueError("geen buurtcodes")
    return codes


_AMBIGUOUS = re.compile(r"[1-9]\d{0,2},\d{3}")  # 2,000: two thousand or two?
_AMOUNT_FORMATS = [
    # (pattern, thousands separator, decimal separator); the first match wins
    (re.compile(r"\d+"), "", ""),
    (re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"), ".", ","),  # Dutch: 2.000, 1.500,50
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"), ",", "."),  # international: 2,000.00
    (re.compile(r"\d+,\d+"), "", ","),  # decimal comma: 12,5
    (re.compile(r"\d+\.\d+"), "", "."),  # decimal point: 12.5
    (re.compile(r"[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?:[,.]\d+)?"), " ", ""),  # 2 000,50
]
_CURRENCY = re.compile(r"^(?:€|eur(?:o)?\b)\s*|\s*(?:€|eur(?:o)?)$", re.IGNORECASE)


def parse_amount(value: Any) -> float:
    """A number from a file cell in Dutch or international notation, or ``ValueError``.

    ``€ 2.000`` and ``2.000`` are 2000 (Dutch thousands dots), ``1.500,50`` is 1500.5,
    ``2,000.00`` and ``1,000,000`` are international, ``12,5`` and ``12.5`` are 12.5. A
    notation that could mean two things (``2,000``: 2 or 2000?) is refused, never guessed.

    Parameters
    ----------
    value : str or number
        The cell.

    Returns
    -------
    float
        The amount.

    Examples
    --------
    >>> [parse_amount(v) for v in ("€ 2.000", "1.500,50", "2,000.00", "12,5", 7)]
    [2000.0, 1500.5, 2000.0, 12.5, 7.0]
    """
    if isinstance(value, bool):
        raise ValueError("geen getal")
    if isinstance(value, int | float):
        return float(value)
    raw = _CURRENCY.sub("", str(value).strip()).strip()
    sign = -1.0 if raw.startswith("-") else 1.0
    raw = re.sub(r",-+$", "", raw.lstrip("+-").strip())  # € 2.000,- (no cents)
    if _AMBIGUOUS.fullmatch(raw):
        raise ValueError(
            "dubbelzinnig getal: duizendtallen of decimalen? Schrijf bijvoorbeeld 2000, 2.000 "
            "of 2,0"
        )
    for pattern, thousands, decimal in _AMOUNT_FORMATS:
        if pattern.fullmatch(raw):
            text = raw
            if thousands == " ":
                text = re.sub(r"[ \u00a0\u202f]", "", text).replace(",", ".")
            else:
                if thousands:
                    text = text.replace(thousands, "")
                if decimal:
                    text = text.replace(decimal, ".")
            return sign * float(text)
    raise ValueError("geen getal; schrijf bijvoorbeeld 2000, 2.000, 1.500,50 of 12,5")


def _parse_number(value: Any) -> float:
    number = parse_amount(value)
    if not math.isfinite(number):
        raise ValueError("geen eindig getal")
    if number < 0:
        raise ValueError("mag niet negatief zijn")
    return number


def validate_records(
    entity: str,
    frame: pd.DataFrame,
    *,
    first_row: int = 2,
    buurtcodes: Iterable[str] | None = None,
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Check and convert rows for ``entity``.

    Coordinates come from ``x``/``y`` (RD New or WGS84, detected and checked against the
    Netherlands' extent) or ``lon``/``lat``. ``first_row`` is the file row number of the first
    record (2 for a CSV/Excel sheet with a header row, 1 for GeoJSON features).

    Parameters
    ----------
    entity : str
        A key of ``ENTITIES``: the fields and their types.
    frame : DataFrame
        The rows as read (:func:`read_registry_file`).
    first_row : int
        File row number of the first record (2 for a CSV/Excel sheet with a header row, 1 for
        GeoJSON features), for the messages.
    buurtcodes : iterable of str, optional
        The gemeente's buurtcodes; other codes are errors.

    Returns
    -------
    records : list of dict
        The converted rows; use them only when ``errors`` is empty.
    errors : list of RowError
        Row, field, value and Dutch message per problem.
    """
    spec = ENTITIES[entity]
    errors: list[RowError] = []
    columns = {str(c).strip().lower(): c for c in frame.columns}
    key = _key(entity)
    # an empty id is generated (AUTO_KEY_PREFIX), so the column itself may be left out too
    missing = [
        f
        for f, s in spec.fields.items()
        if s.required and f not in columns and not (f == key and entity in AUTO_KEY_PREFIX)
    ]
    if missing:
        return [], [
            RowError(1, f, "", f"verplichte kolom ontbreekt (kolommen: {', '.join(columns)})")
            for f in missing
        ]
    known = set(spec.fields) | {"x", "y", "lon", "lat", VERSION_HEADER, "version"}
    for extra in sorted(set(columns) - known):
        errors.append(RowError(1, extra, "", f"onbekende kolom; toegestaan: {', '.join(known)}"))
    codes = set(buurtcodes) if buurtcodes is not None else None
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for i, row in enumerate(frame.to_dict("records")):
        rownr = first_row + i
        get = {name: row[col] for name, col in columns.items()}
        rec: dict[str, Any] = {}
        for name, fs in spec.fields.items():
            value = get.get(name)
            shown = "" if _blank(value) else str(value)[:80]
            if _blank(value):
                if name == key and entity in AUTO_KEY_PREFIX:
                    rec[name] = new_key(entity)
                    rec[GENERATED] = True
                    continue
                if fs.required:
                    errors.append(RowError(rownr, name, shown, "verplicht veld is leeg"))
                rec[name] = False if fs.kind == "flag" else None
                continue
            try:
                if fs.kind == "text":
                    v = str(value).strip()
                    if isinstance(value, float) and value.is_integer():
                        v = str(int(value))
                    if len(v) > fs.max_len:
                        raise ValueError(f"te lang ({len(v)} tekens, maximaal {fs.max_len})")
                    rec[name] = v
                elif fs.kind == "choice":
                    v = str(value).strip().lower()
                    if v not in fs.choices:
                        raise ValueError(f"onbekende waarde; kies uit: {', '.join(fs.choices)}")
                    rec[name] = v
                elif fs.kind == "number":
                    rec[name] = _parse_number(value)
                elif fs.kind == "date":
                    rec[name] = _parse_date(value)
                elif fs.kind == "code":
                    v = str(value).strip().upper()
                    if not _is_buurtcode(v):
                        raise ValueError("geen buurtcode (BU + 8 cijfers)")
                    if codes is not None and v not in codes:
                        raise ValueError("buurtcode komt niet voor in deze gemeente en dit jaar")
                    rec[name] = v
                elif fs.kind == "flag":
                    rec[name] = _parse_flag(value)
                elif fs.kind == "codes":
                    members = parse_buurtcodes(value)
                    if len(members) > MAX_GEBIED_BUURTEN:
                        raise ValueError(
                            f"te veel buurten ({len(members)}, maximaal {MAX_GEBIED_BUURTEN})"
                        )
                    unknown = [c for c in members if codes is not None and c not in codes]
                    if unknown:
                        raise ValueError(
                            "buurtcode(s) komen niet voor in deze gemeente en dit jaar: "
                            + ", ".join(unknown[:5])
                        )
                    rec[name] = " ".join(members)
            except ValueError as exc:
                errors.append(RowError(rownr, name, shown, str(exc)))
        if rec.get("startdatum") and rec.get("einddatum") and rec["einddatum"] < rec["startdatum"]:
            errors.append(
                RowError(rownr, "einddatum", str(rec["einddatum"]), "ligt vóór de startdatum")
            )
        if spec.point:
            x, y = get.get("x", get.get("lon")), get.get("y", get.get("lat"))
            rec["x"] = rec["y"] = None
            if not _blank(x) or not _blank(y):
                try:
                    fx, fy = _parse_coordinate(x), _parse_coordinate(y)
                    rd = _to_rd(fx, fy)
                    if rd is None:
                        raise ValueError(
                            "ligt buiten Nederland (verwacht RD New of WGS84 lengte/breedte)"
                        )
                    rec["x"], rec["y"] = rd
                except ValueError as exc:
                    errors.append(RowError(rownr, "x/y", f"{x}, {y}", str(exc)))
        k = rec.get(key)
        if k is not None:
            if k in seen:
                errors.append(
                    RowError(rownr, key, str(k), f"dubbele sleutel (ook in rij {seen[k]})")
                )
            seen[k] = rownr
        # files exported before the Dutch header have ``version``: read both
        version = get.get(VERSION_HEADER, get.get("version"))
        if not _blank(version):
            try:
                rec["version"] = int(float(str(version)))
            except (TypeError, ValueError):
                errors.append(RowError(rownr, VERSION_HEADER, str(version), "geen geheel getal"))
        records.append(rec)
    return records, errors


def _parse_coordinate(value: Any) -> float:
    if _blank(value):
        raise ValueError("x en y moeten allebei gevuld zijn")
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError("coördinaat is geen getal") from None
    if not math.isfinite(number):
        raise ValueError("coördinaat is geen eindig getal")
    return number
