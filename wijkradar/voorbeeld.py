r"""Voorbeeldgemeente: a small snapshot of real open data that works with no network at all.

The snapshot is Amersfoort (GM0307), indeling 2024, in the same file formats a user downloads
for the ``--van`` import (CBS Wijk- en buurtkaart as GeoJSON, a StatLine CSV of the CBS
Kerncijfers, the RIVM/GGD health-monitor export). It ships with the package
(``wijkradar/voorbeeld/``, under 1 MB) together with ``bron.json``: sources, licence
(CC BY 4.0), the date of the snapshot and how it was made.

Open it in the app with ``?gemeente=voorbeeld``; in Python with :func:`load_example`. It is
built into its own data folder (``<datamap>/voorbeeld``), so it never mixes with a real
Amersfoort fetched from the sources.

Rebuild it from the downloaded files with::

    python -m wijkradar.voorbeeld --kaart buurten_2024.gpkg \
        --kerncijfers 85984NED.csv --gezondheid 50090NED_untyped.csv [--uit wijkradar/voorbeeld]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import CacheError, DataFormatError
from geo.gemeente import GemeenteData, cache_path, read_cache, write_cache
from geo.io import atomic_write

from .config import Settings
from .pipeline import build_from_files
from .render.format import fmt_date

__all__ = [
    "EXAMPLE_PARAM",
    "EXAMPLE_CODE",
    "EXAMPLE_JAAR",
    "EXAMPLE_PROFILE",
    "install_example_profile",
    "snapshot_dir",
    "metadata",
    "example_settings",
    "load_example",
    "build_snapshot",
    "banner",
]

#: The value of the ``gemeente`` URL parameter that opens the example.
EXAMPLE_PARAM = "voorbeeld"
EXAMPLE_CODE = "GM0307"
EXAMPLE_JAAR = 2024
FILES = {
    "kaart": "buurten_GM0307_2024.geojson",
    "kerncijfers": "kerncijfers_85984NED_GM0307.csv",
    "gezondheid": "gezondheid_50090NED_GM0307_18plus.csv",
}
META = "bron.json"
#: The profile that fits the snapshot's indicators (copied into the example's data folder).
EXAMPLE_PROFILE = "voorbeeld"
PROFILE_FILE = "profiel.yaml"
#: Raw StatLine columns kept from the Kerncijfers export (the rest is not CBS data).
KERN_COLUMNS = [
    "WijkenEnBuurten",
    "Gemeentenaam_1",
    "SoortRegio_2",
    "Codering_3",
    "AantalInwoners_5",
    "Bevolkingsdichtheid_34",
    "GemiddeldeHuishoudensgrootte_33",
    "HuishoudensMetKinderen_32",
    "HuishoudensTotaal_29",
    "MateVanStedelijkheid_122",
    "k_0Tot15Jaar_8",
    "k_15Tot25Jaar_9",
    "k_25Tot45Jaar_10",
    "k_45Tot65Jaar_11",
    "k_65JaarOfOuder_12",
]
#: The 18+ age group of the health monitor (``Leeftijd`` code of 50090NED).
ADULTS = "20300"


def snapshot_dir() -> Path:
    """The folder of the shipped snapshot (package data).

    Returns
    -------
    Path
        ``wijkradar/voorbeeld`` of the installed package.
    """
    return Path(str(resources.files("wijkradar") / "voorbeeld"))


def metadata(folder: Path | None = None) -> dict:
    """Sources, licence and date of the snapshot (``bron.json``).

    Parameters
    ----------
    folder : Path, optional
        The snapshot folder; :func:`snapshot_dir` when not given.

    Returns
    -------
    dict
        The parsed ``bron.json``.
    """
    path = (folder or snapshot_dir()) / META
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFormatError(f"{path}: voorbeeldgemeente niet leesbaar ({exc})") from None


def banner(meta: dict | None = None) -> str:
    """One line that marks the example everywhere it is shown.

    Parameters
    ----------
    meta : dict, optional
        The snapshot's ``bron.json``; read when not given.

    Returns
    -------
    str
        The Dutch banner text (plain text; escape it for its context).
    """
    meta = meta or metadata()
    return (
        f"Voorbeeld, momentopname van {fmt_date(meta['momentopname'])}: {meta['gemeente']} "
        f"met open data van {meta['bronnen_kort']} ({meta['licentie']}). Niet actueel; haal "
        "voor echt werk de gegevens bij de bronnen op."
    )


def example_settings(settings: Settings | None = None) -> Settings:
    """``settings`` with its own data folder for the example (``<datamap>/voorbeeld``).

    Parameters
    ----------
    settings : Settings, optional
        The base settings; from the environment when not given.

    Returns
    -------
    Settings
        A copy whose data folder is ``<datamap>/voorbeeld``.
    """
    settings = settings or Settings.from_env()
    return settings.model_copy(update={"data_dir": settings.data_dir / EXAMPLE_PARAM})


def install_example_profile(settings: Settings | None = None) -> Path:
    """Put the example's own profile (``voorbeeld``) into the example's profile folder.

    Parameters
    ----------
    settings : Settings, optional
        The base settings; from the environment when not given.

    Returns
    -------
    Path
        The profile file (rewritten only when it differs from the shipped one).
    """
    s = example_settings(settings)
    target = s.data_dir / "profiles" / f"{EXAMPLE_PROFILE}.yaml"
    source = snapshot_dir() / PROFILE_FILE
    if not target.is_file() or target.read_bytes() != source.read_bytes():
        with atomic_write(target) as tmp:
            tmp.write_bytes(source.read_bytes())
    return target


def load_example(settings: Settings | None = None) -> GemeenteData:
    """The example gemeente, built from the shipped snapshot on first use; no network.

    Parameters
    ----------
    settings : Settings, optional
        Only the data folder is used; the example goes into its ``voorbeeld`` subfolder.

    Returns
    -------
    GemeenteData
        Amersfoort from the snapshot, named ``... (voorbeeld)``, with the snapshot's sources
        and date as provenance.

    Examples
    --------
    >>> data = load_example()  # doctest: +SKIP
    >>> data.gemeentenaam, len(data.buurten)  # doctest: +SKIP
    ('Amersfoort (voorbeeld)', 145)
    """
    s = example_settings(settings)
    install_example_profile(settings)
    path = cache_path(s.data_dir, EXAMPLE_CODE, EXAMPLE_JAAR)
    folder = snapshot_dir()
    meta = metadata(folder)
    try:
        cached = read_cache(path)
        if cached.gemeentenaam.endswith("(voorbeeld)"):
            return cached
    except CacheError:
        pass
    data = build_from_files([folder / f for f in FILES.values()], EXAMPLE_CODE, jaar=EXAMPLE_JAAR)
    data.gemeentenaam = f"{data.gemeentenaam} (voorbeeld)"
    stamp = f"momentopname {meta['momentopname']}"
    for prov in data.provenance:
        prov["url"] = meta["bestanden"].get(Path(str(prov.get("url", ""))).name, {}).get("bron", "")
        prov["opgehaald"] = meta["momentopname"]
        prov.setdefault("opmerkingen", [])
        prov["opmerkingen"] = [*prov["opmerkingen"], f"voorbeeld, {stamp}", meta["licentie"]]
    data.warnings.insert(0, banner(meta))
    write_cache(data, path)
    return read_cache(path)


# -- building the snapshot from downloaded files ------------------------------------------------
def _codes(frame: pd.DataFrame, column: str, gemeente: str) -> pd.Series:
    code = frame[column].astype(str).str.strip()
    number = gemeente[2:]
    return code.isin([gemeente, "NL00", "NL01"]) | code.str.match(rf"^(BU|WK){number}\d*$")


def build_snapshot(
    kaart: str | Path,
    kerncijfers: str | Path,
    gezondheid: str | Path,
    out_dir: str | Path,
    *,
    gemeente: str = EXAMPLE_CODE,
    snapshot_date: date | None = None,
) -> list[Path]:
    """Cut the example out of the downloaded files and write it to ``out_dir``.

    Parameters
    ----------
    kaart : path
        CBS Wijk- en buurtkaart (GeoPackage/GeoJSON, layer with ``buurtcode``) holding the
        gemeente, in EPSG:28992.
    kerncijfers : path
        StatLine CSV of 85984NED (Kerncijfers wijken en buurten 2024) with raw topic keys.
    gezondheid : path
        RIVM/GGD 50090NED UntypedDataSet export (CSV); only 18+ is kept.
    out_dir : path
        Where the three files and ``bron.json`` go.
    gemeente : str
        The gemeentecode to cut out (Amersfoort by default).
    snapshot_date : date, optional
        The date recorded as ``momentopname``; today when not given.

    Returns
    -------
    list of Path
        The files written (all rows of ``gemeente``, its wijken, and NL).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    geo = gpd.read_file(kaart, layer="buurten") if str(kaart).endswith(".gpkg") else None
    if geo is None:
        geo = gpd.read_file(kaart)
    geo = geo[geo["gemeentecode"].astype(str).str.strip() == gemeente]
    if geo.empty:
        raise DataFormatError(f"{kaart}: geen buurten van {gemeente}")
    keep = [c for c in ("buurtcode", "buurtnaam", "wijkcode", "wijknaam") if c in geo]
    geo = geo[[*keep, "gemeentecode", "gemeentenaam", "geometry"]].to_crs(28992)
    geo = geo.set_geometry(geo.geometry.set_precision(1.0))  # whole metres, as CBS publishes
    written = [out / FILES["kaart"]]
    written[0].unlink(missing_ok=True)
    geo.sort_values("buurtcode").to_file(written[0], driver="GeoJSON")

    kern = pd.read_csv(kerncijfers, dtype=str, keep_default_na=False)
    kern = kern.loc[_codes(kern, "WijkenEnBuurten", gemeente), KERN_COLUMNS]
    written.append(out / FILES["kerncijfers"])
    kern.to_csv(written[-1], index=False)

    health = pd.read_csv(gezondheid, dtype=str, keep_default_na=False)
    health = health[_codes(health, "WijkenEnBuurten", gemeente)]
    health = health[health["Leeftijd"].str.strip() == ADULTS]
    health = health.drop(columns=[c for c in ("bronbestand",) if c in health])
    written.append(out / FILES["gezondheid"])
    health.to_csv(written[-1], index=False)

    meta = {
        "gemeente": f"{str(geo['gemeentenaam'].iloc[0]).strip()} ({gemeente})",
        "jaar": EXAMPLE_JAAR,
        "momentopname": (snapshot_date or date.today()).isoformat(),
        "licentie": "CC BY 4.0",
        "bronnen_kort": "CBS, RIVM/GGD'en en PDOK",
        "bestanden": {
            FILES["kaart"]: {
                "bron": "https://www.cbs.nl/nl-nl/dossier/nederland-regionaal/"
                "geografische-data/wijk-en-buurtkaart-2024",
                "titel": "CBS Wijk- en buurtkaart 2024 (gegeneraliseerd, via PDOK)",
                "rijen": int(len(geo)),
            },
            FILES["kerncijfers"]: {
                "bron": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/85984NED",
                "titel": "CBS Kerncijfers wijken en buurten 2024 (85984NED)",
                "rijen": int(len(kern)),
            },
            FILES["gezondheid"]: {
                "bron": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/50090NED",
                "titel": "RIVM/GGD'en/CBS Gezondheid per wijk en buurt 2012/2016/2020 (50090NED),"
                " 18 jaar en ouder",
                "rijen": int(len(health)),
            },
        },
        "naamsvermelding": "Bron: CBS, RIVM/GGD'en/CBS en PDOK/Kadaster, CC BY 4.0. "
        "Bewerkt door Wijkradar (uitsnede van één gemeente).",
        "gemaakt_met": "python -m wijkradar.voorbeeld --kaart ... --kerncijfers ... "
        "--gezondheid ...",
        "invoer": {
            "kaart": Path(kaart).name,
            "kerncijfers": Path(kerncijfers).name,
            "gezondheid": Path(gezondheid).name,
        },
    }
    written.append(out / META)
    written[-1].write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m wijkradar.voorbeeld``: rebuild the snapshot from downloaded files."""
    parser = argparse.ArgumentParser(
        prog="python -m wijkradar.voorbeeld",
        description="Bouw de voorbeeldgemeente uit gedownloade CBS/RIVM-bestanden.",
    )
    parser.add_argument("--kaart", required=True, help="CBS Wijk- en buurtkaart 2024 (.gpkg)")
    parser.add_argument("--kerncijfers", required=True, help="StatLine-CSV van 85984NED")
    parser.add_argument("--gezondheid", required=True, help="RIVM-export van 50090NED (CSV)")
    parser.add_argument("--gemeente", default=EXAMPLE_CODE)
    parser.add_argument("--uit", default=str(snapshot_dir()), help="doelmap")
    args = parser.parse_args(argv)
    try:
        files = build_snapshot(
            args.kaart, args.kerncijfers, args.gezondheid, args.uit, gemeente=args.gemeente
        )
    except (DataFormatError, OSError, KeyError, ValueError) as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 1
    total = sum(f.stat().st_size for f in files)
    print(f"voorbeeldgemeente geschreven naar {args.uit}: {len(files)} bestanden, {total:,} bytes")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
