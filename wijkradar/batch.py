"""``batch``: fetch and score many gemeenten, one GeoParquet each, and a national ranking."""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import WijkradarError
from geo.io import atomic_write
from models import ScoringProfile
from models.validity import coverage_summary, national_ranks

from .config import Settings
from .dataversion import data_version_label
from .pipeline import load_gemeente
from .render.export import write_table
from .scoring import check_draws, score_gemeente

__all__ = ["run_batch"]


def run_batch(
    codes: list[str],
    *,
    settings: Settings,
    jaar: int,
    profile: ScoringProfile,
    out_dir: Path,
    seed: int = 42,
    draws: int = 1000,
    include_low: bool = False,
) -> pd.DataFrame:
    """Score each gemeente and write ``{code}_{jaar}_{profiel}.parquet`` (GeoParquet, RD New).

    One failing gemeente does not stop the others; the returned table (also written as
    ``batch.csv``) says per gemeente what happened and its coverage (``dekking``: the mean
    share of the score's weight resting on observed values). ``nationaal.csv`` lists every
    buurt with a ``nationale_rang`` over all gemeenten; gemeenten under 50% coverage are
    marked (``lage_dekking``) and left out of that rank unless ``include_low``. Scores are
    normalised within each gemeente, so the national rank orders relative need.

    Parameters
    ----------
    codes : list of str
        Gemeentecodes, e.g. ``["GM0307", "GM0034"]``.
    settings : Settings
        Sources, data folder and limits.
    jaar : int
        Indeling year.
    profile : ScoringProfile
        The profile every gemeente is scored with.
    out_dir : Path
        Folder of the output files (created).
    seed : int
        Seed of the Monte Carlo analysis.
    draws : int
        Monte Carlo draws per gemeente (0: point estimates only).
    include_low : bool
        Also rank gemeenten under 50% coverage nationally.

    Returns
    -------
    DataFrame
        One row per gemeente: ``gemeentecode``, ``status`` (``ok`` or ``fout: ...``),
        ``buurten``, ``bestand``, ``dekking``, ``seconden`` and ``lage_dekking``.
    """
    check_draws(draws)  # once, before any gemeente is fetched
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    national: list[pd.DataFrame] = []
    for code in codes:
        start = time.perf_counter()
        try:
            data = load_gemeente(code, jaar=jaar, settings=settings)
            result = score_gemeente(data, profile, seed=seed, draws=draws)
            gdf = gpd.GeoDataFrame(
                result.join(data.buurten[["geometry"]]), geometry="geometry", crs=data.buurten.crs
            )
            version = data_version_label(result.attrs["data_version"])
            gdf["dataversie"] = version
            gdf.attrs = {}
            path = out_dir / f"{data.gemeentecode}_{jaar}_{profile.name}.parquet"
            with atomic_write(path) as tmp:
                gdf.to_parquet(tmp)
            cov = coverage_summary(result)
            rows.append(
                {
                    "gemeentecode": code,
                    "status": "ok",
                    "buurten": len(gdf),
                    "bestand": path.name,
                    "dekking": round(cov["dekking"], 3),
                }
            )
            national.append(
                result[["buurtnaam", "score", "rang", "dekking"]].assign(
                    gemeentecode=data.gemeentecode, dataversie=version
                )
            )
        except (WijkradarError, ValueError, OSError) as exc:
            rows.append({"gemeentecode": code, "status": f"fout: {exc}", "buurten": 0})
        rows[-1]["seconden"] = round(time.perf_counter() - start, 2)
    table = pd.DataFrame(rows)
    if national:
        frame = pd.concat(national)
        ranks = national_ranks(frame, gemeente=frame["gemeentecode"], include_low=include_low)
        frame = frame.join(ranks[["dekking_gemeente", "lage_dekking", "nationale_rang"]])
        frame.index.name = "buurtcode"
        write_table(frame.sort_values("nationale_rang"), out_dir / "nationaal.csv", index=True)
        low = frame.groupby("gemeentecode")["lage_dekking"].first()
        table["lage_dekking"] = table["gemeentecode"].map(low)
    write_table(table, out_dir / "batch.csv")
    return table
