"""How well does the score measure need? Correlation with external indices, coverage, direction.

Pure functions: the score frame of :func:`~models.scoring.score_buurten` and a reference frame
(SES-WOA, Leefbaarometer; indexed by buurtcode) in, tidy frames out.

* **Convergent validity**: Spearman correlation of the score and of every domain score with
  CBS's socio-economic status score SES-WOA and, where supplied, the Leefbaarometer. Both run
  the other way round (higher = better off), so a need score should correlate *negatively*.
* **Direction check**: a domain whose correlation is positive runs against deprivation (for
  example population composition mistaken for need) and is flagged.
* **Coverage**: the share of the profile's weight that rests on observed values (column
  ``dekking`` of the scores), per buurt and per gemeente.
* **National exclusion rule**: in a multi-gemeente frame, gemeenten under a minimum coverage
  (default 50%) are marked and left out of the national ranks unless asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "REFERENCES",
    "TARGET_RHO",
    "MIN_COVERAGE",
    "correlations",
    "direction_check",
    "coverage_summary",
    "ValidityReport",
    "validity_report",
    "national_ranks",
]

#: External indices a need score is checked against: column -> (Dutch label, expected sign).
#: All are "higher = better off", so a need score should correlate negatively.
REFERENCES: dict[str, tuple[str, int]] = {
    "ses_woa": ("SES-WOA totaalscore", -1),
    "ses_welvaart": ("SES-WOA welvaart", -1),
    "ses_opleiding": ("SES-WOA opleidingsniveau", -1),
    "ses_arbeidsverleden": ("SES-WOA arbeidsverleden", -1),
    "leefbaarometer": ("Leefbaarometer", -1),
}
#: Target for the default profile: Spearman rho with SES-WOA at or below this value.
TARGET_RHO = -0.85
#: Gemeenten under this coverage are left out of national ranks by default.
MIN_COVERAGE = 0.5
#: Fewer matched buurten than this give no correlation (too unstable to show).
MIN_N = 10


def _score_columns(scores: pd.DataFrame) -> list[str]:
    return ["score", *[c for c in scores.columns if c.startswith("domein__")]]


def correlations(
    scores: pd.DataFrame, reference: pd.DataFrame, *, min_n: int = MIN_N
) -> pd.DataFrame:
    """Spearman correlation of the score and each domain with each reference index.

    Parameters
    ----------
    scores : DataFrame
        ``score`` and ``domein__*`` columns indexed by buurtcode.
    reference : DataFrame
        Reference columns (see :data:`REFERENCES`; other numeric columns are used too, with
        expected sign -1) indexed by buurtcode. Missing values must be NaN, not 0.
    min_n : int
        Pairs needed for a correlation; fewer give NaN.

    Returns
    -------
    DataFrame
        One row per (onderdeel, referentie): ``onderdeel`` ("score" or the domain name),
        ``referentie``, ``label``, ``n`` (buurten with both values), ``rho``, ``p`` (two-sided),
        ``verwacht`` (expected sign).

    Examples
    --------
    >>> s = pd.DataFrame({"score": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    >>> r = pd.DataFrame({"ses_woa": [0.5, 0.4, 0.3, 0.2, 0.1, 0, -0.1, -0.2, -0.3, -0.4]})
    >>> correlations(s, r)[["onderdeel", "n", "rho"]].to_dict("records")
    [{'onderdeel': 'score', 'n': 10, 'rho': -1.0}]
    """
    from scipy.stats import spearmanr

    rows = []
    refs = [c for c in reference.columns if pd.api.types.is_numeric_dtype(reference[c])]
    for col in _score_columns(scores):
        for ref in refs:
            pair = pd.concat([scores[col], reference[ref]], axis=1, join="inner").dropna()
            n = len(pair)
            rho = p = float("nan")
            if n >= min_n and pair.iloc[:, 0].nunique() > 1 and pair.iloc[:, 1].nunique() > 1:
                res = spearmanr(pair.iloc[:, 0], pair.iloc[:, 1])
                rho, p = float(res.statistic), float(res.pvalue)
            label, sign = REFERENCES.get(ref, (ref, -1))
            rows.append(
                {
                    "onderdeel": col.removeprefix("domein__"),
                    "referentie": ref,
                    "label": label,
                    "n": n,
                    "rho": round(rho, 3) if np.isfinite(rho) else rho,
                    "p": p,
                    "verwacht": sign,
                }
            )
    return pd.DataFrame(
        rows, columns=["onderdeel", "referentie", "label", "n", "rho", "p", "verwacht"]
    )


def direction_check(corr: pd.DataFrame, *, reference: str | None = None) -> pd.DataFrame:
    """Flag domains (and the score) that run against deprivation.

    Parameters
    ----------
    corr : DataFrame
        Output of :func:`correlations`.
    reference : str, optional
        Which reference decides (default: ``ses_woa`` when present, else the first one).

    Returns
    -------
    DataFrame
        Per ``onderdeel``: ``rho``, ``n``, ``tegen_richting`` (True when the correlation has
        the wrong sign: the part measures something else than need, e.g. composition) and a
        Dutch ``oordeel``.
    """
    if corr.empty:
        return pd.DataFrame(columns=["onderdeel", "referentie", "rho", "n", "tegen_richting"])
    refs = list(dict.fromkeys(corr["referentie"]))
    ref = reference or ("ses_woa" if "ses_woa" in refs else refs[0])
    sub = corr[corr["referentie"] == ref].copy()
    wrong = np.sign(sub["rho"]) == -sub["verwacht"]
    sub["tegen_richting"] = wrong & sub["rho"].notna()
    label = REFERENCES.get(ref, (ref, -1))[0]

    def verdict(row: pd.Series) -> str:
        if not np.isfinite(row["rho"]):
            return f"te weinig buurten met {label} (n = {row['n']})"
        if row["tegen_richting"]:
            return (
                f"loopt tegen achterstand in (rho = {row['rho']:+.2f} met {label}): meet dit "
                "domein nood, of wie er woont?"
            )
        size = abs(row["rho"])
        strength = "sterk" if size >= 0.7 else "matig" if size >= 0.4 else "zwak"
        return f"{strength} in de verwachte richting (rho = {row['rho']:+.2f})"

    sub["oordeel"] = sub.apply(verdict, axis=1)
    return sub[["onderdeel", "referentie", "rho", "n", "tegen_richting", "oordeel"]].reset_index(
        drop=True
    )


def coverage_summary(scores: pd.DataFrame, *, min_coverage: float = MIN_COVERAGE) -> dict:
    """Coverage of a gemeente: how much of the score rests on observed values.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`~models.scoring.score_buurten` (with its ``dekking`` column).
    min_coverage : float
        Observed share of the weight under which a buurt or the gemeente is flagged.

    Returns
    -------
    dict
        ``dekking`` (mean over scored buurten of the observed share of the weight),
        ``buurten`` (scored), ``buurten_onder`` (scored buurten under ``min_coverage``),
        ``onder_drempel`` (the gemeente's coverage is under ``min_coverage``).
    """
    scored = scores["score"].notna()
    cov = scores.loc[scored, "dekking"].astype(float) if "dekking" in scores else pd.Series()
    mean = float(cov.mean()) if len(cov) else float("nan")
    return {
        "dekking": mean,
        "buurten": int(scored.sum()),
        "buurten_onder": int((cov < min_coverage).sum()),
        "onder_drempel": bool(not np.isfinite(mean) or mean < min_coverage),
    }


@dataclass
class ValidityReport:
    """The standing validity report of one scoring (see :func:`validity_report`).

    Attributes
    ----------
    correlations : DataFrame
        Per part (score, domains) and reference: ``n`` and Spearman's ``rho``.
    directions : DataFrame
        Per part: whether it runs against deprivation (``tegen_richting``) and the verdict.
    coverage : dict
        Mean coverage over the scored buurten and how many are under 50%.
    rho_score : float
        Rho of the score against SES-WOA (NaN without it).
    target : float
        The target rho (at most this, as the score measures need).
    notes : list of str
        Dutch notes (references missing, buurten compared).
    """

    correlations: pd.DataFrame
    directions: pd.DataFrame
    coverage: dict
    rho_score: float
    target: float = TARGET_RHO
    notes: list[str] = field(default_factory=list)

    @property
    def meets_target(self) -> bool | None:
        """Whether rho(score, SES-WOA) <= target; None when it could not be computed."""
        return None if not np.isfinite(self.rho_score) else self.rho_score <= self.target

    @property
    def flagged(self) -> list[str]:
        """Domains (or 'score') that run against deprivation."""
        d = self.directions
        return [] if d.empty else list(d.loc[d["tegen_richting"], "onderdeel"])

    def summary(self) -> pd.DataFrame:
        """One row per onderdeel with rho per reference (wide), for display.

        Returns
        -------
        DataFrame
            Indexed by ``onderdeel``, one column of rho per ``referentie``; empty without
            correlations.
        """
        if self.correlations.empty:
            return pd.DataFrame()
        return self.correlations.pivot(index="onderdeel", columns="referentie", values="rho")


def validity_report(
    scores: pd.DataFrame, reference: pd.DataFrame | None, *, min_n: int = MIN_N
) -> ValidityReport:
    """Correlations, direction flags and coverage of one scoring.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`~models.scoring.score_buurten`.
    reference : DataFrame or None
        SES-WOA and/or Leefbaarometer per buurtcode (NaN where unknown); None gives a report
        with coverage only.
    min_n : int
        Fewest buurten with both values for a correlation.

    Returns
    -------
    ValidityReport
        Correlations with the reference indices, direction flags and coverage.
    """
    notes: list[str] = []
    if reference is None or reference.empty:
        corr = correlations(scores, pd.DataFrame(index=scores.index), min_n=min_n)
        notes.append("geen referentie-index (SES-WOA of Leefbaarometer) beschikbaar")
    else:
        corr = correlations(scores, reference, min_n=min_n)
    dirs = direction_check(corr)
    main = corr[(corr["onderdeel"] == "score") & (corr["referentie"] == "ses_woa")]
    rho = float(main["rho"].iloc[0]) if len(main) else float("nan")
    if len(main) and not np.isfinite(rho):
        notes.append(f"te weinig buurten met SES-WOA (n = {int(main['n'].iloc[0])})")
    return ValidityReport(corr, dirs, coverage_summary(scores), rho, notes=notes)


def national_ranks(
    scores: pd.DataFrame,
    *,
    gemeente: pd.Series | None = None,
    min_coverage: float = MIN_COVERAGE,
    include_low: bool = False,
) -> pd.DataFrame:
    """National ranks that leave out gemeenten whose score rests on too few observed values.

    Parameters
    ----------
    scores : DataFrame
        ``score`` and ``dekking`` per buurt, indexed by buurtcode (a national or multi-gemeente
        frame).
    gemeente : Series, optional
        Gemeentecode per buurt; default ``"GM" + code[2:6]``.
    min_coverage : float
        Gemeenten whose mean coverage over scored buurten is below this are marked.
    include_low : bool
        Rank them anyway (still marked).

    Returns
    -------
    DataFrame
        Indexed like ``scores``: ``gemeentecode``, ``dekking_gemeente``, ``lage_dekking``
        (the gemeente is under ``min_coverage``) and ``nationale_rang`` (1 = highest score;
        NaN for excluded gemeenten and buurten without a score).

    Examples
    --------
    >>> s = pd.DataFrame({"score": [90.0, 80, 70], "dekking": [0.2, 0.9, 0.9]},
    ...                  index=["BU00010001", "BU00020001", "BU00020002"])
    >>> national_ranks(s)["nationale_rang"].tolist()
    [nan, 1.0, 2.0]
    """
    gm = (
        gemeente.reindex(scores.index)
        if gemeente is not None
        else pd.Series(["GM" + str(c)[2:6] for c in scores.index], index=scores.index)
    )
    scored = scores["score"].notna()
    cov = scores["dekking"].astype(float).where(scored)
    per_gm = cov.groupby(gm).mean()
    out = pd.DataFrame({"gemeentecode": gm}, index=scores.index)
    out["dekking_gemeente"] = gm.map(per_gm)
    out["lage_dekking"] = ~(out["dekking_gemeente"] >= min_coverage)
    ranked = scores["score"].where(scored & (include_low | ~out["lage_dekking"]))
    out["nationale_rang"] = ranked.rank(ascending=False, method="first")
    return out
