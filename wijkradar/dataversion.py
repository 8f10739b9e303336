"""The data version of a loaded gemeente: which source tables and periods, when, which content.

Recorded in score results (``attrs["data_version"]``) and in every score export, so a file
found on a shared drive months later says which data it was computed from.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import shapely

__all__ = ["data_version", "content_hash", "data_version_label"]


def content_hash(data) -> str:
    """SHA-256 of the content of a :class:`~geo.gemeente.GemeenteData`.

    Covers the buurtcodes, every indicator value, its state and 95% bounds, and the
    geometry (WKB). The hash does not depend on column order or on whether the data came
    from the sources or from the cache.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.

    Returns
    -------
    str
        The hex digest.
    """
    ids = sorted(data.indicator_ids)
    index = data.buurten.index.astype(str)
    order = index.argsort()
    h = hashlib.sha256()
    h.update(f"{data.gemeentecode}|{data.jaar}|{','.join(ids)}\n".encode())
    no_bounds = pd.DataFrame(index=data.buurten.index, columns=ids, dtype=float)
    parts = {
        "values": pd.DataFrame(data.buurten[ids]).astype(float),
        "states": data.states.reindex(columns=ids).astype(str),
        "lower": getattr(data, "lower", no_bounds).reindex(columns=ids).astype(float),
        "upper": getattr(data, "upper", no_bounds).reindex(columns=ids).astype(float),
    }
    for name, frame in parts.items():
        frame = frame.set_axis(index).iloc[order]
        h.update(name.encode())
        h.update(frame.to_csv(float_format="%.17g", lineterminator="\n").encode("utf-8"))
    geoms = data.buurten.geometry.to_numpy()[order]
    for wkb in shapely.to_wkb(geoms, hex=True, output_dimension=2, byte_order=1):
        h.update((wkb or "").encode("ascii"))
        h.update(b"\n")
    return h.hexdigest()


def data_version(data) -> dict[str, Any]:
    """Source tables, periods, fetch times and the content hash of a loaded gemeente.

    Parameters
    ----------
    data : GemeenteData
        A loaded gemeente (:func:`~wijkradar.pipeline.load_gemeente`).

    Returns
    -------
    dict
        ``gemeentecode``, ``gemeentenaam``, ``jaar`` (indeling), ``opgehaald`` (when the
        data was assembled), ``bronnen`` (per source: bron, tabel, periode, opgehaald) and
        ``inhoud_sha256`` (see :func:`content_hash`). JSON-serialisable.
    """
    return {
        "gemeentecode": data.gemeentecode,
        "gemeentenaam": data.gemeentenaam,
        "jaar": int(data.jaar),
        "opgehaald": getattr(data, "created", ""),
        "bronnen": [
            {k: str(p.get(k, "")) for k in ("bron", "tabel", "periode", "opgehaald")}
            for p in data.provenance
        ],
        "inhoud_sha256": content_hash(data),
    }


def data_version_label(version: dict[str, Any]) -> str:
    """One line for a caption or a CSV column: tables with periods, fetch date, short hash.

    Parameters
    ----------
    version : dict
        A data version (:func:`data_version`): ``gemeentecode``, ``jaar``, ``bronnen``,
        ``opgehaald`` and ``inhoud_sha256``.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> data_version_label({"gemeentecode": "GM0307", "jaar": 2024, "opgehaald": "2026-12-01T10:00:00+00:00",
    ...     "bronnen": [{"tabel": "85984NED", "periode": "2024"}], "inhoud_sha256": "ab" * 32})
    'GM0307 indeling 2024; 85984NED (2024); opgehaald 2026-12-01; inhoud ababababababab'
    """  # noqa: E501
    tables = ", ".join(f"{b.get('tabel', '')} ({b.get('periode', '')})" for b in version["bronnen"])
    fetched = str(version.get("opgehaald", ""))[:10] or "onbekend"
    return (
        f"{version['gemeentecode']} indeling {version['jaar']}; {tables}; "
        f"opgehaald {fetched}; inhoud {version['inhoud_sha256'][:14]}"
    )
