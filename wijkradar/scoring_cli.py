"""``wijkradar score``: score a gemeente with a profile and write CSV or GeoPackage."""

from __future__ import annotations

import argparse
import numbers
import time
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import yaml

from geo.errors import WijkradarError
from geo.indicators import INDICATORS, indicator_table
from models import (
    ProfileError,
    ScoringProfile,
    load_profile,
    parse_profile,
    profile_yaml,
    score_buurten,
)
from models.reach import reach_table
from models.validity import coverage_summary, national_ranks

from .config import Settings
from .dataversion import data_version, data_version_label
from .export import write_scores, write_table
from .format import fmt_number, fmt_percent, fmt_rank
from .pipeline import DEFAULT_JAAR, list_gemeenten, load_gemeente

__all__ = [
    "add_score_parser",
    "add_batch_parser",
    "run_batch",
    "resolve_profile",
    "list_profiles",
    "score_gemeente",
    "checked_profile",
    "shipped_profiles",
    "shipped_profile",
]

DEFAULT_PROFILE = "kansrijke-wijk"
#: Most Monte Carlo draws per run: 10,000 already pins p_top_k to about +/-1 percent point,
#: and every draw costs memory for every buurt.
MAX_DRAWS = 10_000


def shipped_profiles() -> dict[str, Traversable]:
    """Profile name -> YAML resource of the profiles shipped as package data (``models/profiles``).

    Read through :mod:`importlib.resources`, so they are found in a git checkout, an editable
    install and an installed wheel alike.
    """
    folder = files("models") / "profiles"
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml") and entry.is_file()
    }


def _load(entry: Traversable | Path) -> ScoringProfile:
    with as_file(entry) as path:
        return load_profile(path)


def shipped_profile(name: str) -> ScoringProfile:
    """Load a shipped profile by name (ignoring user profiles of the same name)."""
    shipped = shipped_profiles()
    if name not in shipped:
        raise ProfileError(
            f"shipped profile {name!r} not found; available: {', '.join(sorted(shipped))}"
        )
    return _load(shipped[name])


def list_profiles(settings: Settings) -> dict[str, Traversable | Path]:
    """Profile name -> file: user profiles (``data_dir/profiles``) override shipped ones by name."""
    found: dict[str, Traversable | Path] = dict(shipped_profiles())
    user = settings.data_dir / "profiles"
    if user.is_dir():
        for path in sorted(user.glob("*.yaml")):
            found[path.stem] = path
    return found


def resolve_profile(name_or_path: str, settings: Settings) -> ScoringProfile:
    """Load a profile by name (see :func:`list_profiles`) or by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_profile(path)
    profiles = list_profiles(settings)
    if name_or_path not in profiles:
        raise ProfileError(
            f"profile {name_or_path!r} not found; available: "
            f"{', '.join(sorted(profiles)) or '(none)'}"
        )
    return _load(profiles[name_or_path])


#: Largest profile YAML accepted from an upload (shipped profiles are about 3 kB).
MAX_PROFILE_BYTES = 200_000
#: Deepest nesting of mappings/lists in a profile YAML (a profile needs 4).
MAX_PROFILE_DEPTH = 12


def parse_profile_upload(data: bytes, *, source: str) -> ScoringProfile:
    """A profile from uploaded YAML bytes, within size, nesting and alias limits.

    The YAML event stream is checked first (iteratively, so nesting cannot exhaust the
    stack, and without building anything): anchors/aliases are refused (no "billion laughs")
    and so is nesting deeper than :data:`MAX_PROFILE_DEPTH`.

    Raises
    ------
    ProfileError
        Too large, not UTF-8, not YAML, too deep, aliases, or not a valid profile; the
        message is Dutch and names ``source``.
    """
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(
            f"{source}: {len(data):,} bytes is te groot voor een profiel "
            f"(maximaal {MAX_PROFILE_BYTES:,})"
        )
    try:
        text = data.decode("utf-8")
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ProfileError(f"{source}: YAML-ankers en -aliassen (&, *) zijn niet nodig")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_PROFILE_DEPTH:
                    raise ProfileError(f"{source}: YAML is te diep genest voor een profiel")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        raw = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise ProfileError(f"{source}: geen UTF-8-tekst") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: geen leesbaar YAML ({' '.join(str(exc).split())})") from None
    return parse_profile(raw, source=source)


def checked_profile(data, profile: ScoringProfile) -> ScoringProfile:
    """The profile as :func:`score_gemeente` scores it.

    Checked against the catalogue (directions filled in, conflicts noted) and without the
    domains that have no data.
    """
    # the whole catalogue: an indicator these data lack is left out with a note, not an error
    catalogue = pd.concat([data.catalogue, indicator_table().drop(index=data.catalogue.index)])
    profile, _ = profile.check_catalogue(catalogue, on_conflict="warn")
    frame = data.indicators()
    return profile.without_empty_domains(frame.columns[frame.notna().any()])


def check_draws(draws: object) -> int:
    """``draws`` as an int in 0 .. :data:`MAX_DRAWS`, or ``ValueError`` saying what is allowed."""
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral):
        raise ValueError(f"draws {draws!r} is not a whole number")
    if not 0 <= int(draws) <= MAX_DRAWS:
        raise ValueError(
            f"draws {draws} is not allowed: use 0 (no Monte Carlo) up to {MAX_DRAWS:,} draws"
        )
    return int(draws)


def score_gemeente(
    data, profile: ScoringProfile, *, seed: int = 42, draws: int = 1000
) -> pd.DataFrame:
    """Score a loaded :class:`~geo.gemeente.GemeenteData`; identity columns first.

    The profile is first checked against the data's indicator catalogue (unknown ids and
    neutral indicators used as need raise :class:`~models.ProfileError`; a direction the
    profile does not state is taken from the catalogue, a conflicting one is reported). The
    profile's reach columns (``bereik__*``, ``bereik_aantal__*``) follow the scores.
    ``attrs["warnings"]`` also holds the profile's notes (what moved from need to reach).

    Raises
    ------
    ValueError
        ``draws`` outside 0 .. :data:`MAX_DRAWS`.
    """
    check_draws(draws)
    profile = checked_profile(data, profile)
    frame = data.indicators()
    result = score_buurten(
        frame,
        profile,
        seed=seed,
        draws=draws,
        states=data.states,
        lower=data.lower,
        upper=data.upper,
        known_ids=[ind.id for ind in INDICATORS],
    )
    ident = pd.DataFrame(data.buurten[["buurtnaam", "wijkcode", "wijknaam"]])
    reach = reach_table(frame, profile, hidden=result["te_klein"])
    out = ident.join(result).join(reach)
    out.attrs = dict(result.attrs)  # join drops attrs: keep warnings and top_k
    out.attrs["warnings"] = [*profile.notes, *result.attrs.get("warnings", [])]
    out.attrs["reach"] = list(profile.reach)
    out.attrs.update(data_version=data_version(data), profile_yaml=profile_yaml(profile))
    return out


def add_score_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``score`` sub-command."""
    p = sub.add_parser("score", help="score the buurten of a gemeente")
    p.add_argument("--gemeente", required=True)
    p.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    p.add_argument("--profiel", default=DEFAULT_PROFILE, help="profile name or YAML path")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--uit", required=True, help="output file: .csv or .gpkg")
    p.set_defaults(func=_cmd_score)


def add_batch_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``batch`` sub-command (server deployments: precompute every gemeente)."""
    p = sub.add_parser("batch", help="fetch and score many gemeenten, one GeoParquet each")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--gemeenten", nargs="+", metavar="GM", help="gemeente codes")
    what.add_argument("--alle", action="store_true", help="every gemeente of the year (PDOK)")
    p.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    p.add_argument("--profiel", default=DEFAULT_PROFILE)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--uit", required=True, help="output folder")
    p.add_argument(
        "--ook-lage-dekking",
        action="store_true",
        help="also rank gemeenten under 50%% observed in the national ranking (still marked)",
    )
    p.set_defaults(func=_cmd_batch)


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
            tmp = path.with_name(path.name + ".tmp")
            gdf.to_parquet(tmp)
            tmp.replace(path)
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
                result[["buurtnaam", "score", "rank", "dekking"]].assign(
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


def _cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    check_draws(args.draws)
    codes = (
        list(list_gemeenten(args.jaar, settings=settings).index) if args.alle else args.gemeenten
    )
    table = run_batch(
        codes,
        settings=settings,
        jaar=args.jaar,
        profile=resolve_profile(args.profiel, settings),
        out_dir=Path(args.uit),
        seed=args.seed,
        draws=args.draws,
        include_low=args.ook_lage_dekking,
    )
    failed = table[table["status"] != "ok"]
    print(f"{len(table) - len(failed)} van {len(table)} gemeenten geschreven naar {args.uit}")
    if "lage_dekking" in table:
        low = table[table["lage_dekking"].fillna(False).astype(bool)]
        what = "gemarkeerd" if args.ook_lage_dekking else "niet in de landelijke rangen"
        for row in low.itertuples():
            print(
                f"lage dekking ({fmt_percent(row.dekking)} gemeten, onder 50%): "
                f"{row.gemeentecode} {what}"
            )
    for row in failed.itertuples():
        print(f"mislukt: {row.gemeentecode}: {row.status}")
    return 1 if len(failed) else 0


def _cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    check_draws(args.draws)  # before anything is fetched or loaded
    out = Path(args.uit)
    if out.suffix.lower() not in (".csv", ".gpkg"):
        raise ValueError(f"--uit {out}: use a .csv or .gpkg file name")
    profile = resolve_profile(args.profiel, settings)
    data = load_gemeente(args.gemeente, jaar=args.jaar, settings=settings)
    result = score_gemeente(data, profile, seed=args.seed, draws=args.draws)
    write_scores(result, data, out)
    scored = result["score"].notna().sum()
    print(
        f"{data.gemeentecode} {data.gemeentenaam}: {scored} van {len(result)} buurten gescoord "
        f"met profiel '{profile.name}' (seed {args.seed}, {args.draws} trekkingen) -> {out}"
    )
    cov = coverage_summary(result)
    print(
        f"dekking: {fmt_percent(cov['dekking'])} van het gewicht van de score rust op "
        "gemeten waarden"
        + (" (onder 50%: de score zegt hier weinig)" if cov["onder_drempel"] else "")
    )
    for w in result.attrs.get("warnings", []):
        print(f"opmerking: {w}")
    top = result.sort_values("rank").head(5)
    for code, row in top.iterrows():
        print(
            f"  {int(row['rank']):>3}  {code}  {row['buurtnaam']:<30} "
            f"{fmt_number(row['score'], 1):>5}  "
            f"{fmt_rank(row['rank'], row['rank_low'], row['rank_high'])}"
        )
    return 0
