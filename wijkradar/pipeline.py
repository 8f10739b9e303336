"""Wiring sources -> joins -> one :class:`~geo.gemeente.GemeenteData`, with the cache."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pandas as pd

from geo import SourceData, now_iso, state_dtype
from geo.datasets import kerncijfers_table, validate_gemeentecode
from geo.errors import CacheError, DataFormatError, GemeenteNotFoundError, SourceError
from geo.gemeente import GemeenteData, cache_path, read_cache, write_cache
from geo.indicators import indicator_table
from geo.io import atomic_write, read_source_file
from geo.join import join_source, normalise_buurten, wijkcode_of
from geo.limits import FileLimits
from geo.sources import (
    HttpClient,
    ResponseCache,
    fetch_health,
    fetch_kerncijfers,
    fetch_wfs_features,
)

from .config import Settings
from .defaults import DEFAULT_JAAR

__all__ = [
    "fetch_gemeente",
    "load_gemeente",
    "build_from_files",
    "assemble",
    "make_client",
    "list_gemeenten",
    "DEFAULT_JAAR",
    "Progress",
    "LOW_MATCH",
    "indicator_summary",
    "geometry_provenance",
]

#: Called with (fraction done 0..1, Dutch description of the step) while fetching.
Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _step: str) -> None:
    return None


log = logging.getLogger(__name__)
LOW_MATCH = 0.9


def geometry_provenance(
    geometry: pd.DataFrame, dropped: int, *, tabel: str, titel: str, jaar: int, url: str
) -> dict[str, object]:
    """The provenance entry of the buurt geometry, from PDOK or from a local kaart file.

    Parameters
    ----------
    geometry : GeoDataFrame
        The normalised buurten (:func:`geo.join.normalise_buurten`).
    dropped : int
        Waterbuurten normalising left out (:func:`geo.join.normalise_buurten`).
    tabel, titel : str
        The layer or table, and a title a user recognises (layer name or file name).
    jaar : int
        The indeling year.
    url : str
        Where the geometry came from: the WFS URL or the file's absolute path.

    Returns
    -------
    dict
        ``bron`` (``"geometrie"``), ``tabel``, ``titel``, ``periode``, ``url``,
        ``opgehaald`` and ``opmerkingen`` (notes about the geometry in Dutch).
    """
    return {
        "bron": "geometrie",
        "tabel": tabel,
        "titel": titel,
        "periode": str(jaar),
        "url": url,
        "opgehaald": now_iso(),
        "opmerkingen": _geometry_notes(geometry, dropped),
    }


def _geometry_notes(geometry: pd.DataFrame, water: int) -> list[str]:
    """Provenance notes on buurten left out of the geometry (water, no area)."""
    notes = [f"{water} waterbuurten weggelaten"] if water else []
    no_area = geometry.attrs.get("zonder_vlak") or []
    if no_area:
        shown = ", ".join(no_area[:5]) + (" ..." if len(no_area) > 5 else "")
        notes.append(f"{len(no_area)} buurten zonder geldig vlak weggelaten ({shown})")
    return notes


def make_client(settings: Settings, *, refresh: bool = False) -> HttpClient:
    """An HTTP client configured from ``settings``, with the response cache of the data folder.

    Parameters
    ----------
    settings : Settings
        The configuration.
    refresh : bool, default False
        Ask every server again (the cache is renewed, not read).

    Returns
    -------
    HttpClient
        The client.
    """
    cache = ResponseCache(
        settings.data_dir / "cache" / "http",
        ttl=settings.http_cache_days * 86400.0,
        refresh=refresh,
    )
    return HttpClient(
        timeout=settings.http_timeout,
        retries=settings.http_retries,
        backoff=settings.http_backoff,
        max_bytes=settings.http_max_bytes,
        deadline=settings.http_deadline,
        cache=cache,
    )


def assemble(
    geometry: pd.DataFrame,
    sources: Sequence[SourceData],
    *,
    gemeentecode: str,
    gemeentenaam: str,
    jaar: int,
    extra_provenance: Sequence[dict] = (),
) -> GemeenteData:
    """Join every source onto the normalised buurt geometry and collect the reports.

    Parameters
    ----------
    geometry : DataFrame
        The normalised buurten (:func:`geo.join.normalise_buurten`), indexed by buurtcode.
    sources : sequence of SourceData
        The fetched or read sources, newest first; an indicator already taken from an earlier
        source is not taken again.
    gemeentecode : str
        ``GM`` + four digits.
    gemeentenaam : str
        The gemeente's name.
    jaar : int
        The indeling year.
    extra_provenance : sequence of dict
        Provenance records added to those of the sources (e.g. the geometry's).

    Returns
    -------
    GemeenteData
        Buurten with every indicator, their states, bounds, match reports, catalogue,
        gemeente/NL reference values and the trend.
    """
    idx = geometry.index
    buurten = geometry.copy()
    states_parts: list[pd.DataFrame] = []
    lower_parts: list[pd.DataFrame] = []
    upper_parts: list[pd.DataFrame] = []
    reports: list[dict[str, Any]] = []
    catalogue = indicator_table()
    cat_rows = []
    seen: set[str] = set()
    reference = pd.DataFrame(index=["gemeente", "nederland"])
    trend_parts = []
    for src in sources:
        new_cols = [c for c in src.values.columns if c not in seen]
        if not new_cols:
            continue
        sub = SourceData(
            src.name,
            src.table,
            src.title,
            src.period,
            src.url,
            src.values[new_cols],
            src.states[new_cols],
            lower=None if src.lower is None else src.lower.reindex(columns=new_cols),
            upper=None if src.upper is None else src.upper.reindex(columns=new_cols),
            periods=src.periods,
            tables=src.tables,
        )
        values, states, bounds, report = join_source(idx, sub)
        seen.update(new_cols)
        for col in new_cols:
            buurten[col] = values[col]
        states_parts.append(states)
        lower_parts.append(
            bounds.get("lower", pd.DataFrame(index=idx, columns=new_cols, dtype=float))
        )
        upper_parts.append(
            bounds.get("upper", pd.DataFrame(index=idx, columns=new_cols, dtype=float))
        )
        reports.append(report)
        for col in new_cols:
            row = catalogue.loc[col].to_dict()
            row.update(id=col, tabel=src.table_of(col), periode=src.period_of(col))
            cat_rows.append(row)
        gm = src.values.reindex([gemeentecode])[new_cols]
        nl_codes = [c for c in src.values.index if str(c).startswith("NL")]
        nl = src.values.reindex(nl_codes[:1])[new_cols] if nl_codes else None
        for col in new_cols:
            reference.loc["gemeente", col] = gm[col].iloc[0]
            reference.loc["nederland", col] = nl[col].iloc[0] if nl is not None else float("nan")
        if src.trend is not None and not src.trend.empty:
            wijken = set(wijkcode_of(idx))
            keep = src.trend["code"].isin(set(idx) | wijken | {gemeentecode}) | src.trend[
                "code"
            ].str.startswith("NL")
            trend_parts.append(src.trend[keep & src.trend["indicator"].isin(new_cols)])
    states = (pd.concat(states_parts, axis=1) if states_parts else pd.DataFrame(index=idx)).astype(
        state_dtype
    )
    lower = pd.concat(lower_parts, axis=1) if lower_parts else pd.DataFrame(index=idx)
    upper = pd.concat(upper_parts, axis=1) if upper_parts else pd.DataFrame(index=idx)
    match = pd.DataFrame(
        reports,
        columns=[
            "bron",
            "tabel",
            "periode",
            "buurten",
            "op_buurtcode",
            "via_wijk",
            "ontbreekt",
            "aandeel_op_buurtcode",
        ],
    )
    warnings = []
    for rep in reports:
        if float(rep["aandeel_op_buurtcode"]) < LOW_MATCH:
            warnings.append(
                f"{rep['tabel']} ({rep['periode']}): maar {rep['op_buurtcode']} van de "
                f"{rep['buurten']} buurtcodes passen op de indeling {jaar}; {rep['via_wijk']} "
                f"krijgen de wijkwaarde, {rep['ontbreekt']} hebben geen waarde"
            )
    cat = (
        pd.DataFrame(cat_rows).set_index("id")
        if cat_rows
        else catalogue.iloc[0:0].assign(tabel=[], periode=[])
    )
    trend = (
        pd.concat(trend_parts, ignore_index=True)
        if trend_parts
        else pd.DataFrame(columns=["code", "period", "indicator", "value"])
    )
    provenance = [src.provenance() for src in sources] + list(extra_provenance)
    return GemeenteData(
        gemeentecode=gemeentecode,
        gemeentenaam=gemeentenaam,
        jaar=jaar,
        buurten=buurten,
        states=states,
        lower=lower.astype(float),
        upper=upper.astype(float),
        catalogue=cat,
        provenance=provenance,
        match=match,
        reference=reference.astype(float),
        trend=trend,
        warnings=warnings,
        created=now_iso(),
    )


def indicator_summary(data: GemeenteData) -> pd.DataFrame:
    """Per indicator: source table, period and how many buurten have which value state.

    Parameters
    ----------
    data : GemeenteData
        The loaded gemeente.

    Returns
    -------
    DataFrame
        Indexed by indicator id; columns ``tabel``, ``periode`` and one count per state
        (``aanwezig``, ``wijkwaarde``, ``onderdrukt``, ``niet_gepubliceerd``, ``ontbreekt``).
    """
    rows = []
    for ind in data.indicator_ids:
        counts = data.states[ind].astype(str).value_counts()
        row: dict[str, object] = {
            "indicator": ind,
            "tabel": str(data.catalogue.loc[ind, "tabel"]),
            "periode": str(data.catalogue.loc[ind, "periode"]),
        }
        for state in ("aanwezig", "wijkwaarde", "onderdrukt", "niet_gepubliceerd", "ontbreekt"):
            row[state] = int(counts.get(state, 0))
        rows.append(row)
    columns = ["indicator", "tabel", "periode", "aanwezig", "wijkwaarde", "onderdrukt"]
    columns += ["niet_gepubliceerd", "ontbreekt"]
    return pd.DataFrame(rows, columns=columns).set_index("indicator")


#: The independent requests of one gemeente, in the order their errors are reported.
_SOURCES = ("buurten", "wijken", "kerncijfers", "gezondheid")
_DONE = {
    "buurten": "Buurtgrenzen binnen (PDOK)",
    "wijken": "Wijkgrenzen binnen (PDOK)",
    "kerncijfers": "Kerncijfers binnen (CBS)",
    "gezondheid": "Gezondheidsmonitor binnen (RIVM/CBS)",
}


def _fetch_sources(
    settings: Settings, client: HttpClient, gm: str, jaar: int, progress: Progress
) -> dict[str, Any]:
    """PDOK buurten and wijken, CBS Kerncijfers and the RIVM monitor, at the same time.

    They do not depend on each other, so ``settings.fetch_workers`` threads fetch them
    through one client (its limits hold per request: byte cap, deadline, same-host links).
    Progress is reported from the calling thread only. When sources fail, the error of the
    first one in :data:`_SOURCES` order is raised, as when they were fetched one by one.
    """
    calls: dict[str, Callable[[], Any]] = {
        "buurten": lambda: fetch_wfs_features(
            client, settings.pdok_url, jaar, "buurten", gemeentecode=gm
        ),
        "wijken": lambda: fetch_wfs_features(
            client, settings.pdok_url, jaar, "wijken", gemeentecode=gm
        ),
        "kerncijfers": lambda: fetch_kerncijfers(client, settings.cbs_odata_url, gm, jaar),
        "gezondheid": lambda: fetch_health(client, settings.cbs_dataderden_url, gm, jaar=jaar),
    }
    results: dict[str, Any] = {}
    errors: dict[str, BaseException] = {}
    progress(0.05, "Bronnen ophalen: PDOK (grenzen), CBS (kerncijfers), RIVM (gezondheid)")
    if settings.fetch_workers <= 1:
        for i, name in enumerate(_SOURCES):
            results[name] = calls[name]()  # one by one: the first error stops the fetch
            progress(0.05 + 0.8 * (i + 1) / len(_SOURCES), _DONE[name])
        return results
    with ThreadPoolExecutor(
        max_workers=min(settings.fetch_workers, len(calls)), thread_name_prefix="wr-fetch"
    ) as pool:
        futures = {pool.submit(calls[name]): name for name in _SOURCES}
        for done, future in enumerate(as_completed(futures), start=1):
            name = futures[future]
            try:
                results[name] = future.result()
            except Exception as exc:  # noqa: BLE001 (re-raised below, in source order)
                errors[name] = exc
            progress(0.05 + 0.8 * done / len(_SOURCES), _DONE[name])
    buurten = results.get("buurten")
    if buurten is not None and buurten[0].empty:
        return results  # an unknown gemeente: the caller says so, as when fetched one by one
    for name in _SOURCES:
        if name in errors:
            raise errors[name]
    return results


def _from_network(
    settings: Settings, client: HttpClient, gm: str, jaar: int, progress: Progress = _no_progress
) -> GemeenteData:
    kerncijfers_table(jaar)  # fail early on an unknown year
    fetched = _fetch_sources(settings, client, gm, jaar, progress)
    buurten_raw, wfs_url = fetched["buurten"]
    if buurten_raw.empty:
        raise GemeenteNotFoundError(
            f"gemeente {gm} heeft geen buurten in PDOK wijkenbuurten {jaar}; controleer de code "
            "(de CBS-lijst van gemeenten verandert elk jaar)"
        )
    wijken_raw, _ = fetched["wijken"]
    wijknamen = None
    if not wijken_raw.empty and {"wijkcode", "wijknaam"} <= set(wijken_raw.columns):
        wijknamen = wijken_raw.set_index(wijken_raw["wijkcode"].astype(str).str.strip())["wijknaam"]
    geometry, dropped = normalise_buurten(
        buurten_raw, gemeentecode=gm, jaar=jaar, wijknamen=wijknamen
    )
    kern, health = fetched["kerncijfers"], fetched["gezondheid"]
    progress(0.9, "Bronnen koppelen")
    naam = str(geometry["gemeentenaam"].iloc[0])
    geo_prov = geometry_provenance(
        geometry,
        dropped,
        tabel=f"wijkenbuurten:{jaar}",
        titel=f"CBS Wijken en buurten {jaar} (PDOK WFS)",
        jaar=jaar,
        url=wfs_url,
    )
    return assemble(
        geometry,
        [kern, health],
        gemeentecode=gm,
        gemeentenaam=naam,
        jaar=jaar,
        extra_provenance=[geo_prov],
    )


def build_from_files(
    files: Sequence[str | Path],
    gemeentecode: str,
    *,
    jaar: int = DEFAULT_JAAR,
    limits: FileLimits | None = None,
) -> GemeenteData:
    """Build the same result as a fetch from local files (``wijkradar fetch --van``).

    One file must hold the buurt geometry (CBS Wijk- en buurtkaart); the others add
    Kerncijfers (StatLine CSV, kwb xlsx) and the health monitor (RIVM export).

    Parameters
    ----------
    files : sequence of str or Path
        The files, in order of preference (the first source of an indicator wins).
    gemeentecode : str
        The gemeente, e.g. ``"GM0307"``.
    jaar : int
        Indeling year.
    limits : FileLimits, optional
        Size, row, feature and time caps per file (``Settings.file_limits``); default
        :class:`~geo.limits.FileLimits`.

    Returns
    -------
    GemeenteData
        Buurt geometry with the joined indicators, states and provenance.

    Raises
    ------
    DataFormatError, GemeenteNotFoundError
        A file is unreadable or over a limit, or holds no buurten of the gemeente.
    """
    gm = validate_gemeentecode(gemeentecode)
    geometry_frames, sources = [], []
    for f in files:
        fs = read_source_file(f, jaar=jaar, limits=limits)
        if fs.geometry is not None:
            geometry_frames.append(fs)
        if fs.data is not None:
            sources.append(fs.data)
    if not geometry_frames:
        raise DataFormatError(
            "geen van de --van-bestanden bevat buurtgrenzen; voeg de CBS Wijk- en buurtkaart toe "
            "(GeoPackage of GeoJSON met een kolom 'buurtcode')"
        )
    kaart = geometry_frames[0]
    geometry, dropped = normalise_buurten(kaart.geometry, gemeentecode=gm, jaar=jaar)
    if geometry.empty:
        raise GemeenteNotFoundError(f"{kaart.path}: geen buurten van {gm} in dit bestand")
    naam = str(geometry["gemeentenaam"].iloc[0])
    geo_prov = geometry_provenance(
        geometry,
        dropped,
        tabel="Wijk- en buurtkaart",
        titel=kaart.path.name,
        jaar=jaar,
        url=str(kaart.path.resolve()),
    )
    return assemble(
        geometry,
        sources,
        gemeentecode=gm,
        gemeentenaam=naam,
        jaar=jaar,
        extra_provenance=[geo_prov],
    )


def fetch_gemeente(
    gemeentecode: str,
    *,
    jaar: int = DEFAULT_JAAR,
    settings: Settings | None = None,
    files: Sequence[str | Path] | None = None,
    client: HttpClient | None = None,
    progress: Progress | None = None,
    refresh: bool = False,
) -> GemeenteData:
    """Fetch (or read from ``files``), join and cache one gemeente.

    The sources are fetched in parallel (``settings.fetch_workers``). A source's answer that
    is younger than ``settings.http_cache_days`` comes from the response cache without a
    request, unless ``refresh`` (then every server is asked again). What was sent and
    received is in ``fetch_stats`` of the result (requests, bytes, answers from the cache).

    When a source fails and a cache exists, the cached data is returned with a warning
    saying which source failed and how old the cache is.

    Parameters
    ----------
    gemeentecode : str
        The gemeente, e.g. ``"GM0307"``.
    jaar : int
        Indeling year.
    settings : Settings, optional
        Source URLs, HTTP and file limits, data folder (default from the environment).
    files : sequence of str or Path, optional
        Read these local files instead of the network (:func:`build_from_files`).
    client : HttpClient, optional
        The HTTP client (default one made from ``settings``).
    progress : callable, optional
        Called with (fraction done, Dutch step) while fetching.
    refresh : bool
        Ask every server again instead of using young answers from the response cache.

    Returns
    -------
    GemeenteData
        The joined gemeente, also written to the cache; or the cached one with a warning and
        ``failed_source`` when a source failed.

    Raises
    ------
    GemeenteNotFoundError, SourceError, DataFormatError
        With a one-line message; the cache is never left half-written.
    """
    settings = settings or Settings.from_env()
    progress = progress or _no_progress
    gm = validate_gemeentecode(gemeentecode)
    path = cache_path(settings.data_dir, gm, jaar)
    if files:
        progress(0.1, "Bestanden lezen")
        data = build_from_files(files, gm, jaar=jaar, limits=settings.file_limits)
    else:
        client = client or make_client(settings, refresh=refresh)
        try:
            data = _from_network(settings, client, gm, jaar, progress)
        except SourceError as exc:
            try:
                cached = read_cache(path)
            except CacheError:
                raise exc from None
            cached.warnings.insert(
                0, f"bron niet bereikbaar ({exc}); de cache van {cached.created} wordt gebruikt"
            )
            cached.failed_source = exc.source or "onbekende bron"
            cached.fetch_stats = client.stats.as_dict()
            return cached
        data.fetch_stats = client.stats.as_dict()
    progress(0.95, "Cache schrijven")
    write_cache(data, path)
    progress(1.0, "Klaar")
    return data


def load_gemeente(
    gemeentecode: str,
    *,
    jaar: int = DEFAULT_JAAR,
    settings: Settings | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> GemeenteData:
    """The gemeente from the cache when present (fast), otherwise fetched and cached.

    Parameters
    ----------
    gemeentecode : str
        The gemeente, e.g. ``"GM0307"``.
    jaar : int
        Indeling year.
    settings : Settings, optional
        Source URLs, data folder and limits (default from the environment).
    refresh : bool
        Fetch again even when a cache exists.
    progress : callable, optional
        Called with (fraction done, Dutch step) while fetching.

    Returns
    -------
    GemeenteData
        The gemeente, from the cache or freshly fetched.
    """
    settings = settings or Settings.from_env()
    gm = validate_gemeentecode(gemeentecode)
    if not refresh:
        try:
            return read_cache(cache_path(settings.data_dir, gm, jaar))
        except CacheError:
            pass
    return fetch_gemeente(gm, jaar=jaar, settings=settings, progress=progress, refresh=refresh)


def list_gemeenten(
    jaar: int = DEFAULT_JAAR, *, settings: Settings | None = None, client: HttpClient | None = None
) -> pd.Series:
    """Names of the gemeenten of ``jaar`` indexed by code (PDOK ``gemeenten`` layer, no geometry).

    The list is cached in the data folder; when PDOK is unreachable the cached list is used
    and, without one, the :class:`SourceError` is raised.

    Parameters
    ----------
    jaar : int
        The indeling year.
    settings : Settings, optional
        The configuration; from the environment when not given.
    client : HttpClient, optional
        The HTTP client; :func:`make_client` when not given.

    Returns
    -------
    Series
        ``gemeentenaam`` indexed by ``gemeentecode``, sorted by name.
    """
    settings = settings or Settings.from_env()
    path = settings.data_dir / "cache" / f"gemeenten_{jaar}.json"
    try:
        frame, _ = fetch_wfs_features(
            client or make_client(settings),
            settings.pdok_url,
            jaar,
            "gemeenten",
            properties=["gemeentecode", "gemeentenaam", "water"],
        )
    except SourceError as exc:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise exc from None
        return pd.Series(cached, name="gemeentenaam").rename_axis("gemeentecode")
    if "water" in frame.columns:
        frame = frame[frame["water"].astype(str).str.upper() != "JA"]
    codes = frame["gemeentecode"].astype(str).str.strip()
    names = frame["gemeentenaam"].astype(str).str.strip()
    series = (
        pd.Series(names.to_numpy(), index=codes.to_numpy(), name="gemeentenaam")
        .rename_axis("gemeentecode")
        .loc[lambda s: ~s.index.duplicated()]
        .sort_values(key=lambda s: s.str.casefold())
    )
    try:
        with atomic_write(path) as tmp:
            tmp.write_text(json.dumps(series.to_dict(), ensure_ascii=False), encoding="utf-8")
    except OSError as exc:  # a read-only data folder: the list works, it is just not kept
        log.warning("gemeente list not cached in %s: %s", path.parent, exc)
    return series
