"""Buurtnotities: dated local knowledge per buurt (observations, conversations, signals).

Buurtnetwerkers and wijkteams add notes to a buurt; a note can carry the flag *cijfers
kloppen niet met wat we zien* (the figures contradict what we see). Notes live in the
registry (table ``buurtnotitie``: audit trail, versions, login rules and backups as for every
registry table). This module is the service the app, the CLI and the Werklijst share.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from geo.registry import NOTITIE_SOORTEN, Registry

from .escape import spreadsheet_frame

__all__ = [
    "NOTE_COLUMNS",
    "NOTITIE_SOORTEN",
    "FLAG_LABEL",
    "new_note_id",
    "add_note",
    "notes_for_buurten",
    "search_notes",
    "notes_summary",
    "notes_csv",
    "notes_digest",
]

#: The flag as users see it.
FLAG_LABEL = "cijfers kloppen niet met wat we zien"
#: Columns of :func:`notes_for_buurten`, newest note first.
NOTE_COLUMNS = [
    "id",
    "buurtcode",
    "datum",
    "soort",
    "cijfers_kloppen_niet",
    "tekst",
    "gewijzigd_door",
    "gewijzigd",
    "version",
]


def new_note_id() -> str:
    """A new unique note id (``N-`` + 12 hex digits).

    Returns
    -------
    str
        ``N-`` and 12 random hex digits.
    """
    return f"N-{uuid.uuid4().hex[:12]}"


def add_note(
    registry: Registry,
    *,
    buurtcode: str,
    datum: date,
    soort: str,
    tekst: str,
    user: str,
    cijfers_kloppen_niet: bool = False,
    buurtcodes: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Store a new note (audited under ``user``) and return it as saved.

    Parameters
    ----------
    registry : Registry
        The open registry.
    buurtcode : str
        The buurt the note is about.
    datum : date
        The date of the observation or conversation.
    soort : str
        One of :data:`geo.registry.NOTITIE_SOORTEN`.
    tekst : str
        The note (plain text, at most 5,000 characters).
    user : str
        The author, for ``gewijzigd_door`` and the audit trail.
    cijfers_kloppen_niet : bool, default False
        The flag "the figures do not match what we see".
    buurtcodes : iterable of str, optional
        The gemeente's buurtcodes, to check ``buurtcode`` against.

    Returns
    -------
    dict
        The note as stored (with ``id`` and ``version``).

    Raises
    ------
    geo.registry.ImportRejected
        When a field is invalid (empty text, unknown soort, unknown buurtcode, ...).
    """
    record = {
        "id": new_note_id(),
        "buurtcode": buurtcode,
        "datum": datum,
        "soort": soort,
        "cijfers_kloppen_niet": bool(cijfers_kloppen_niet),
        "tekst": tekst,
    }
    return registry.save("buurtnotitie", record, user=user, buurtcodes=buurtcodes)


def _fold(text: object) -> str:
    """Lower case without accents, for searching (``Één`` matches ``een``)."""
    norm = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in norm if not unicodedata.combining(c)).casefold()


def _sorted(notes: pd.DataFrame) -> pd.DataFrame:
    out = notes.reindex(columns=NOTE_COLUMNS)
    if out.empty:
        return out.reset_index(drop=True)
    out["cijfers_kloppen_niet"] = out["cijfers_kloppen_niet"].fillna(False).astype(bool)
    return out.sort_values(["datum", "gewijzigd", "id"], ascending=False).reset_index(drop=True)


def search_notes(
    notes: pd.DataFrame,
    query: str | None = None,
    *,
    names: Mapping[str, str] | None = None,
    only_flagged: bool = False,
    since: date | None = None,
) -> pd.DataFrame:
    """Notes whose text, soort, buurtcode, buurt name or author contain every word of ``query``.

    Matching ignores case and accents. ``names`` maps buurtcode to buurt name so a search for
    "Liendert" finds the notes of that buurt even when the text does not name it.

    Parameters
    ----------
    notes : DataFrame
        Rows of the ``buurtnotitie`` table.
    query : str, optional
        Words that must all occur; every note when empty.
    names : mapping of str to str, optional
        Buurtcode -> buurt name, searched too.
    only_flagged : bool, default False
        Only notes with the flag *cijfers kloppen niet*.
    since : date, optional
        Only notes dated on or after this day.

    Returns
    -------
    DataFrame
        The matching notes, newest first.

    Examples
    --------
    >>> notes = pd.DataFrame({"id": ["a", "b"], "buurtcode": ["BU03070001"] * 2,
    ...     "datum": [date(2025, 1, 2)] * 2, "soort": ["gesprek", "observatie"],
    ...     "cijfers_kloppen_niet": [False, True], "tekst": ["Veel eenzame ouderen", "Café dicht"],
    ...     "gewijzigd_door": ["an"] * 2, "gewijzigd": [None] * 2, "version": [1, 1]})
    >>> search_notes(notes, "cafe")["id"].tolist()
    ['b']
    """
    out = _sorted(notes)
    if out.empty:
        return out
    if only_flagged:
        out = out[out["cijfers_kloppen_niet"]]
    if since is not None:
        out = out[pd.to_datetime(out["datum"]).dt.date >= since]
    words = [_fold(w) for w in (query or "").split() if w.strip()]
    if words and not out.empty:
        names = names or {}
        haystack = (
            out["tekst"].astype(str)
            + " "
            + out["soort"].astype(str)
            + " "
            + out["buurtcode"].astype(str)
            + " "
            + out["buurtcode"].map(lambda c: names.get(c, "")).astype(str)
            + " "
            + out["gewijzigd_door"].fillna("").astype(str)
            + " "
            + out["cijfers_kloppen_niet"].map(lambda f: FLAG_LABEL if f else "")
        ).map(_fold)
        keep = pd.Series(True, index=out.index)
        for word in words:
            keep &= haystack.str.contains(word, regex=False)
        out = out[keep]
    return out.reset_index(drop=True)


def notes_for_buurten(
    source: Registry | pd.DataFrame,
    buurtcodes: Iterable[str] | None = None,
    *,
    query: str | None = None,
    names: Mapping[str, str] | None = None,
    only_flagged: bool = False,
    since: date | None = None,
) -> pd.DataFrame:
    """The notes of ``buurtcodes`` (all buurten when None), newest first.

    Parameters
    ----------
    source : Registry or DataFrame
        The registry, or its ``buurtnotitie`` table as :meth:`Registry.table` returns it.
    buurtcodes : iterable of str, optional
        Restrict to these buurten (e.g. the buurten of a Werklijst).
    query, names, only_flagged, since
        As in :func:`search_notes`.

    Returns
    -------
    DataFrame
        Columns :data:`NOTE_COLUMNS`; ``gewijzigd_door`` is who wrote or last changed the note.
    """
    notes = source.table("buurtnotitie") if isinstance(source, Registry) else source
    if buurtcodes is not None:
        wanted = set(buurtcodes)
        notes = notes[notes["buurtcode"].isin(wanted)]
    return search_notes(notes, query, names=names, only_flagged=only_flagged, since=since)


def notes_summary(notes: pd.DataFrame) -> pd.DataFrame:
    """Per buurt: number of notes, number flagged, date and text of the latest note.

    Parameters
    ----------
    notes : DataFrame
        Rows of the ``buurtnotitie`` table.

    Returns
    -------
    DataFrame
        Indexed by buurtcode with columns ``notities``, ``signalen`` (flag set),
        ``laatste_datum`` and ``laatste_notitie``; buurten without notes are absent (join with
        ``how="left"``).
    """
    cols = ["notities", "signalen", "laatste_datum", "laatste_notitie"]
    ordered = _sorted(notes)
    if ordered.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="buurtcode"))
    grouped = ordered.groupby("buurtcode", sort=True)
    out = pd.DataFrame(
        {
            "notities": grouped.size(),
            "signalen": grouped["cijfers_kloppen_niet"].sum().astype(int),
            "laatste_datum": grouped["datum"].first(),
            "laatste_notitie": grouped["tekst"].first(),
        }
    )
    out.index.name = "buurtcode"
    return out[cols]


def notes_csv(notes: pd.DataFrame, names: Mapping[str, str] | None = None) -> bytes:
    """Notes as a UTF-8 CSV for spreadsheets (Dutch headers, formula prefixes neutralised).

    Parameters
    ----------
    notes : DataFrame
        Rows of the ``buurtnotitie`` table.
    names : mapping of str to str, optional
        Buurtcode -> buurt name, for the ``buurt`` column.

    Returns
    -------
    bytes
        The CSV, UTF-8.
    """
    names = names or {}
    frame = pd.DataFrame(
        {
            "buurtcode": notes["buurtcode"],
            "buurt": notes["buurtcode"].map(lambda c: names.get(c, "")),
            "datum": notes["datum"].astype(str),
            "soort": notes["soort"],
            FLAG_LABEL: notes["cijfers_kloppen_niet"].map(lambda f: "ja" if f else "nee"),
            "tekst": notes["tekst"],
            "door": notes["gewijzigd_door"],
        }
    )
    return spreadsheet_frame(frame).to_csv(index=False).encode("utf-8")


def notes_digest(
    notes: pd.DataFrame, buurtcodes: Iterable[str], *, max_chars: int = 160
) -> dict[str, str]:
    """Per buurtcode one line for lists (Werklijst): count, signals and the latest note.

    ``"3 notities, 1 signaal (cijfers kloppen niet); laatste 20-11-2025: <tekst>"``; buurten
    without notes are absent. Plain text: escape it for the output context.

    Parameters
    ----------
    notes : DataFrame
        Rows of the ``buurtnotitie`` table.
    buurtcodes : iterable of str
        The buurten to summarise.
    max_chars : int, default 160
        The latest note's text is cut to this length (with an ellipsis).

    Returns
    -------
    dict of str to str
        Buurtcode -> the line, for the buurten with notes.
    """
    summary = notes_summary(notes_for_buurten(notes, buurtcodes))
    out = {}
    for code, row in summary.iterrows():
        n, flags = int(row["notities"]), int(row["signalen"])
        text = str(row["laatste_notitie"]).replace("\n", " ").strip()
        if len(text) > max_chars:
            text = text[: max_chars - 1].rstrip() + "…"
        datum = pd.Timestamp(row["laatste_datum"]).strftime("%d-%m-%Y")
        parts = [f"{n} {'notitie' if n == 1 else 'notities'}"]
        if flags:
            parts.append(
                f"{flags} {'signaal' if flags == 1 else 'signalen'} (cijfers kloppen niet)"
            )
        out[str(code)] = f"{', '.join(parts)}; laatste {datum}: {text}"
    return out
