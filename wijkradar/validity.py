"""The standing validity report: ``wijkradar valideer``, notebook 05 and the Methode page.

How well does the score of a profile measure need in a gemeente? Spearman correlation of the
score and each domain with CBS SES-WOA (86092NED, fetched from the configured CBS OData base
URL, or read from a file) and a user-supplied Leefbaarometer; per domain the direction check;
the share of the score that rests on observed values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo.errors import SourceError
from geo.reference import read_reference_file
from geo.sources.seswoa import fetch_ses_woa
from models import ScoringProfile
from models.scoring import effective_weights
from models.validity import TARGET_RHO, ValidityReport, validity_report

from .config import Settings
from .pipeline import make_client
from .scoring import score_gemeente

__all__ = [
    "load_reference",
    "fetch_reference",
    "validate_gemeente",
    "report_lines",
]


def load_reference(
    gemeentecode: str, *, settings: Settings, files: Sequence[str | Path] = ()
) -> tuple[pd.DataFrame | None, list[str]]:
    """Reference indices per buurt: from ``files`` when given, else SES-WOA from CBS.

    Parameters
    ----------
    gemeentecode : str
        The gemeente, e.g. ``"GM0307"``.
    settings : Settings
        Source URLs and HTTP limits for SES-WOA from CBS.
    files : sequence of str or Path
        SES-WOA/Leefbaarometer files (see :func:`geo.reference.read_reference_file`); empty: fetch
        SES-WOA from CBS.

    Returns
    -------
    frame : DataFrame or None
        Indexed by buurtcode (``ses_woa``, sub-scores, ``leefbaarometer``); None when the
        source is unreachable and no file was given.
    notes : list of str
        Dutch notes: where the figures came from, zeros read as unknown, failures.

    Raises
    ------
    DataFormatError
        A file that cannot be read (the message names file, row and field).
    """
    notes: list[str] = []
    if files:
        frames = []
        for f in files:
            ref = read_reference_file(f, limits=settings.file_limits)
            notes.append(
                f"{ref.attrs.get('bron', 'bestand')}: {ref.attrs.get('tabel', Path(f).name)}, "
                f"periode {ref.attrs.get('periode', 'onbekend')}, {len(ref)} buurten"
            )
            notes += ref.attrs.get("opmerkingen", [])
            frames.append(ref)
        out = frames[0]
        for extra in frames[1:]:
            out = out.combine_first(extra)
        digits = gemeentecode[2:]
        return out[out.index.str[2:6] == digits], notes
    try:
        return fetch_reference(gemeentecode, settings=settings)
    except SourceError as exc:
        return None, [f"SES-WOA niet opgehaald: {exc}"]


def fetch_reference(gemeentecode: str, *, settings: Settings) -> tuple[pd.DataFrame, list[str]]:
    """SES-WOA of the gemeente's buurten from CBS ``86092NED`` and Dutch notes.

    Parameters
    ----------
    gemeentecode : str
        ``GM`` + four digits.
    settings : Settings
        Gives the CBS OData URL and the HTTP settings.

    Returns
    -------
    reference : DataFrame
        SES-WOA per buurtcode (:func:`geo.reference.ses_from_rows`).
    notes : list of str
        Dutch lines on the table, period and coverage.

    Raises
    ------
    SourceError
        When CBS cannot be reached or answers badly (see :func:`load_reference` for a version
        that returns None instead).
    """
    ref = fetch_ses_woa(make_client(settings), settings.cbs_odata_url, gemeentecode)
    notes = []
    notes.append(
        f"CBS SES-WOA {ref.attrs.get('tabel')} (periode {ref.attrs.get('periode') or 'onbekend'}),"
        f" {ref['ses_woa'].notna().sum() if 'ses_woa' in ref else 0} buurten met een score"
    )
    notes += ref.attrs.get("opmerkingen", [])
    return ref, notes


def validate_gemeente(
    data, profile: ScoringProfile, *, reference: pd.DataFrame | None, seed: int = 42
) -> tuple[ValidityReport, pd.DataFrame]:
    """Score the gemeente (point estimate) and build its validity report.

    Parameters
    ----------
    data : GemeenteData
        A loaded gemeente (:func:`~wijkradar.pipeline.load_gemeente`).
    profile : ScoringProfile
        The profile to score with.
    reference : DataFrame or None
        Reference indices per buurtcode (:func:`load_reference`); None: coverage only.
    seed : int
        Seed of the scoring (a point estimate: no draws).

    Returns
    -------
    report : ValidityReport
        Correlations, direction flags, coverage and the profile weight without data.
    scores : DataFrame
        The scores, with ``dekking`` per buurt.
    """
    scores = score_gemeente(data, profile, seed=seed, draws=0)
    ref = None
    if reference is not None:  # buurten under the minimum population show no figure at all
        ref = reference.reindex(scores.index)
        ref.loc[scores["te_klein"].astype(bool)] = float("nan")
    report = validity_report(scores, ref)
    nominal = effective_weights(profile)
    used = effective_weights(profile, data.indicators())
    left_out = float(nominal[used.reindex(nominal.index).fillna(0) == 0].sum())
    report.coverage["weggelaten_gewicht"] = left_out
    if left_out > 0:
        report.notes.append(
            f"{left_out:.0%} van het profielgewicht heeft geen gegevens voor deze gemeente en "
            "dit jaar en telt niet mee"
        )
    return report, scores


def report_lines(report: ValidityReport, *, gemeente: str, profile: str) -> list[str]:
    """The report as plain text lines (for the terminal).

    Parameters
    ----------
    report : ValidityReport
        The validity report.
    gemeente : str
        The gemeente, for the heading.
    profile : str
        The profile's name, for the heading.

    Returns
    -------
    list of str
        The lines, without line ends.
    """
    cov = report.coverage
    lines = [
        f"validity of profile {profile!r} in {gemeente}",
        f"coverage: {cov['dekking']:.0%} of the score's weight rests on observed values "
        f"(mean over {cov['buurten']} scored buurten; {cov['buurten_onder']} buurten under 50%)",
    ]
    table = report.correlations
    if not table.empty:
        lines.append(f"{'part':<24} {'reference':<26} {'n':>4} {'rho':>7}")
        for row in table.itertuples(index=False):
            rho = f"{row.rho:+.2f}" if pd.notna(row.rho) else "   -"
            part, label = str(row.onderdeel)[:24], str(row.label)[:26]
            lines.append(f"{part:<24} {label:<26} {row.n:>4} {rho:>7}")
    if pd.notna(report.rho_score):
        verdict = "meets" if report.meets_target else "does NOT meet"
        lines.append(
            f"score vs SES-WOA: rho = {report.rho_score:+.2f} ({verdict} the target rho <= "
            f"{TARGET_RHO:+.2f})"
        )
    for row in report.directions.itertuples(index=False):
        if row.tegen_richting:
            lines.append(f"FLAG {row.onderdeel}: {row.oordeel}")
    lines += [f"opmerking: {n}" for n in report.notes]
    return lines
