"""External reference indices per buurt: CBS SES-WOA and the Leefbaarometer.

Used to check how well a need score measures need (``models.validity``). Every reader returns
a frame indexed by buurtcode with canonical columns (``ses_woa``, ``ses_welvaart``,
``ses_opleiding``, ``ses_arbeidsverleden``, ``leefbaarometer``), NaN where the source has no
value, and ``attrs`` with ``bron``, ``tabel``, ``periode`` and ``opmerkingen``.

Key names (CBS SES-WOA, table 86092NED "Sociaal-economische status; scores per wijk en buurt,
regio-indeling 2024"): ``GemiddeldeScore_29`` is the total score (confirmed in public code that
pulled 86092NED). The sub-scores welvaart, opleidingsniveau and arbeidsverleden are INFERRED to
be ``GemiddeldeScore_31``, ``_33`` and ``_35`` from public code reading the next edition
(86296NED) with the same layout; they are read when present and skipped otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._odata import rows_to_frame, to_number
from .errors import DataFormatError
from .limits import FileLimits

__all__ = [
    "SES_WOA_TABLE",
    "SES_KEYS",
    "REFERENCE_COLUMNS",
    "ses_from_rows",
    "read_reference_file",
]

SES_WOA_TABLE = "86092NED"
#: Canonical column -> OData key of 86092NED (sub-score keys inferred, see module docstring).
SES_KEYS = {
    "ses_woa": "GemiddeldeScore_29",
    "ses_welvaart": "GemiddeldeScore_31",
    "ses_opleiding": "GemiddeldeScore_33",
    "ses_arbeidsverleden": "GemiddeldeScore_35",
}
REFERENCE_COLUMNS = [*SES_KEYS, "leefbaarometer"]

# The province of Utrecht buurt table in ../shared/data (kwb-2022 + SES-WOA + Leefbaarometer
# 3.0, merged by a third party): code and score columns; its missing values were written as 0.
_MERGED_CODE = "buurt_code"
_MERGED = {"social_economische_score_gemiddeld": "ses_woa", "leefbarometer_score": "leefbaarometer"}
# Leefbaarometer downloads: column names INFERRED (bu_code/lbm in the Leefbaarometer 3.0 CSV
# downloads); a plain 'leefbaarometer' or 'score' column next to a buurtcode column works too.
_LBM_CODES = ("bu_code", "buurtcode", "buurt_code", "code", "wijkenenbuurten")
_LBM_SCORES = ("lbm", "leefbaarometer", "leefbaarometer_score", "leefbarometer_score", "score")
_CODE = re.compile(r"^BU\d{8}$")


def ses_from_rows(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """SES-WOA per buurt from 86092NED ``TypedDataSet`` rows (or a StatLine CSV export).

    Keeps buurten (``BU`` codes) and, per buurt, the latest period with a total score.

    Parameters
    ----------
    rows : sequence of mapping or DataFrame
        ``TypedDataSet`` rows of 86092NED, or a StatLine CSV export read as a frame.

    Returns
    -------
    DataFrame
        Indexed by buurtcode: ``ses_woa`` and the sub-scores the table carries; ``attrs``
        hold ``bron``, ``tabel``, ``periode`` and ``opmerkingen``.
    """
    frame = rows_to_frame(rows)
    total = SES_KEYS["ses_woa"]
    if total not in frame.columns:
        found = [c for c in frame.columns if str(c).startswith("GemiddeldeScore")]
        raise DataFormatError(
            f"SES-WOA: kolom {total} (totaalscore) ontbreekt; gevonden: "
            f"{', '.join(found) or ', '.join(map(str, frame.columns[:10]))}"
        )
    frame = frame[frame["WijkenEnBuurten"].str.startswith("BU")]
    out = pd.DataFrame(index=pd.Index(frame["WijkenEnBuurten"], name="buurtcode"))
    for col, key in SES_KEYS.items():
        if key in frame.columns:
            out[col] = to_number(frame[key].rename(key)).to_numpy()
    periods = frame["Perioden"].to_numpy() if "Perioden" in frame.columns else None
    if periods is not None:
        out["_periode"] = periods
        out = out[out["ses_woa"].notna()].sort_values("_periode")
        out = out[~out.index.duplicated(keep="last")]
        period = ", ".join(sorted(set(out.pop("_periode").astype(str)))) or "onbekend"
    else:
        out = out[~out.index.duplicated(keep="last")]
        period = "onbekend"
    out = out.dropna(axis=1, how="all")
    out.attrs = {
        "bron": "CBS SES-WOA",
        "tabel": SES_WOA_TABLE,
        "periode": period,
        "opmerkingen": [],
    }
    return out


def read_reference_file(path: str | Path, *, limits: FileLimits | None = None) -> pd.DataFrame:
    """Read SES-WOA and/or Leefbaarometer scores per buurt from a file.

    Accepted: a StatLine/OData CSV or JSON export of 86092NED (``WijkenEnBuurten``,
    ``GemiddeldeScore_29``), a Leefbaarometer CSV (buurtcode and score column), or a merged
    buurt table with ``buurt_code``, ``social_economische_score_gemiddeld`` and
    ``leefbarometer_score`` (as in the province of Utrecht table; there 0 means "unknown" and
    becomes NaN).

    Parameters
    ----------
    path : str or Path
        The file (``.csv``, ``.xlsx`` or ``.json``).
    limits : FileLimits, optional
        Size, row and time caps of CSV and Excel files (``Settings.file_limits``); default
        :class:`~geo.limits.FileLimits`.

    Returns
    -------
    DataFrame
        Indexed by buurtcode: ``ses_woa`` (and sub-scores) and/or ``leefbaarometer``.

    Raises
    ------
    DataFormatError
        With a Dutch message naming the file, the row and the field.
    """
    p = Path(path)
    if not p.is_file():
        raise DataFormatError(f"{p}: bestand niet gevonden")
    if p.suffix.lower() == ".json":
        import json

        try:
            payload = json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataFormatError(f"{p}: geen leesbare JSON ({exc})") from None
        rows = payload.get("value") if isinstance(payload, dict) else payload
        if not isinstance(rows, list):
            raise DataFormatError(f"{p}: geen OData-rijen ('value'-lijst) gevonden")
        return _named(ses_from_rows(rows), p)
    from .io import _read_table

    table = _read_table(p, limits or FileLimits(), by_kind=False)
    table.columns = [str(c).strip() for c in table.columns]
    lower = {c.lower(): c for c in table.columns}
    if "WijkenEnBuurten" in table.columns and SES_KEYS["ses_woa"] in table.columns:
        try:
            return _named(ses_from_rows(table), p)
        except DataFormatError as exc:
            raise DataFormatError(f"{p}: {exc}") from None
    if _MERGED_CODE in table.columns and any(c in table.columns for c in _MERGED):
        cols = {src: dst for src, dst in _MERGED.items() if src in table.columns}
        out = _numeric(table, p, _MERGED_CODE, cols)
        zeros = {c: int((out[c] == 0).sum()) for c in out.columns}
        out = out.mask(out == 0)  # 0 is "unknown" in this merged table (CBS '.' became 0)
        out.attrs["opmerkingen"] = [
            f"{n} buurten met {c} = 0 als onbekend gelezen" for c, n in zeros.items() if n
        ]
        out.attrs.update({"bron": "bestand", "tabel": p.name, "periode": "onbekend"})
        return out
    code = next((lower[c] for c in _LBM_CODES if c in lower), None)
    score = next((lower[c] for c in _LBM_SCORES if c in lower), None)
    if code and score:
        out = _numeric(table, p, code, {score: "leefbaarometer"})
        out.attrs.update(
            {"bron": "Leefbaarometer", "tabel": p.name, "periode": "onbekend", "opmerkingen": []}
        )
        return out
    raise DataFormatError(
        f"{p}: geen SES-WOA- of Leefbaarometerkolommen herkend. Verwacht: WijkenEnBuurten + "
        f"{SES_KEYS['ses_woa']} (CBS {SES_WOA_TABLE}), of een buurtcodekolom "
        f"({'/'.join(_LBM_CODES)}) met een scorekolom ({'/'.join(_LBM_SCORES)}). "
        f"Gevonden kolommen: {', '.join(table.columns[:12])}"
    )


def _numeric(table: pd.DataFrame, p: Path, code_col: str, cols: dict[str, str]) -> pd.DataFrame:
    codes = table[code_col].astype("string").str.strip().str.upper()
    bad = ~codes.fillna("").str.match(_CODE)
    # other rows (wijken, gemeenten) are skipped; a code column without a single buurt is wrong
    if bad.all():
        raise DataFormatError(
            f"{p}, rij 2, veld {code_col}: {table[code_col].iloc[0]!r} is geen buurtcode "
            "(BU + 8 cijfers); geen enkele rij heeft een buurtcode"
        )
    out = pd.DataFrame(index=pd.Index(codes[~bad].to_numpy(), name="buurtcode"))
    for src, dst in cols.items():
        text = table.loc[~bad, src].astype("string").str.strip().str.replace(",", ".")
        values = pd.to_numeric(text.replace({"": pd.NA, ".": pd.NA}), errors="coerce")
        wrong = values.isna() & text.notna() & ~text.isin(["", "."])
        if wrong.any():
            i = wrong.to_numpy().argmax()
            raise DataFormatError(
                f"{p}, rij {int(table.index[~bad][i]) + 2}, veld {src}: "
                f"{text.iloc[i]!r} is geen getal"
            )
        out[dst] = values.astype(float).to_numpy()
    out = out[~out.index.duplicated(keep="first")]
    return out.replace([np.inf, -np.inf], np.nan)


def _named(frame: pd.DataFrame, p: Path) -> pd.DataFrame:
    frame.attrs["tabel"] = f"{frame.attrs.get('tabel', '')} ({p.name})"
    return frame
