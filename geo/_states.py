"""Value states: why a cell holds the value (or NaN) it holds.

Missing, suppressed and imputed values are different things and stay apart from loading to
the map legend.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "PRESENT",
    "SUPPRESSED",
    "MISSING",
    "WIJK",
    "IMPUTED",
    "NOT_PUBLISHED",
    "STATES",
    "STATE_LABELS",
    "state_dtype",
]

PRESENT = "aanwezig"
"""The source published a value for this buurt."""
SUPPRESSED = "onderdrukt"
"""The source has the buurt but published no value ('.', null, -99995, -99997)."""
MISSING = "ontbreekt"
"""The source has no row for the buurt (e.g. another boundary year) and no wijk fallback."""
WIJK = "wijkwaarde"
"""No buurt row in the source; the value of the buurt's wijk is used instead."""
IMPUTED = "geimputeerd"
"""Filled in by the scoring's missing-value policy (gemeente mean, ...)."""
NOT_PUBLISHED = "niet_gepubliceerd"
"""The column is empty for the whole gemeente in every table tried: the source has not
published it (yet), e.g. income and poverty in the first release of a Kerncijfers table.
Not a privacy suppression of this buurt."""

STATES = (PRESENT, SUPPRESSED, MISSING, WIJK, IMPUTED, NOT_PUBLISHED)

STATE_LABELS = {
    PRESENT: "aanwezig",
    SUPPRESSED: "onderdrukt door bron",
    MISSING: "ontbreekt",
    WIJK: "geschat uit wijkwaarde",
    IMPUTED: "aangevuld met gemeentegemiddelde",
    NOT_PUBLISHED: "nog niet gepubliceerd",
}

state_dtype = pd.CategoricalDtype(list(STATES))
