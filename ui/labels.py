"""Dutch labels of the method tables, for selectboxes and captions.

The tables themselves (``{id: implementation}``) live with their code: normalisations,
missing-value policies, aggregations, weightings and spatial weights in :mod:`models`,
classifications and palettes in :mod:`wijkradar.render.maps`. Each label table here has
exactly the ids of its method table (tested), so a new method cannot appear in the app without
a name.
"""

from __future__ import annotations

NORMALISERS = {
    "percentile": "Percentielrang",
    "zscore": "z-score (afgekapt op ±3)",
    "minmax": "Min-max (afgekapt op P5-P95)",
}
AGGREGATIONS = {
    "arithmetic": "Gewogen gemiddelde (compenserend)",
    "geometric": "Gewogen meetkundig gemiddelde (beperkt compenserend)",
    "exponential": "Exponentiële transformatie (IMD, niet compenserend)",
}
MISSING_POLICIES = {
    "gemeente_mean": "Gemiddelde van de gemeente invullen",
    "wijk_mean": "Gemiddelde van de wijk invullen (anders gemeente)",
    "drop": "Indicator weglaten en herwegen",
}
WEIGHTINGS = {
    "manual": "Handmatig",
    "equal": "Gelijke gewichten",
    "pca": "Eerste hoofdcomponent (PCA)",
}
SPATIAL_WEIGHTS = {
    "queen": "Grenst aan (ook met een hoekpunt)",
    "rook": "Grenst aan (gedeelde rand)",
    "knn": "k dichtstbijzijnde buurten",
}
SCHEMES = {
    "quantiles": "Kwantielen (gelijke aantallen)",
    "natural_breaks": "Natuurlijke grenzen (Fisher-Jenks)",
    "equal_interval": "Gelijke intervallen",
}
PALETTES = {
    "ylorrd": "Geel-oranje-rood",
    "viridis": "Viridis",
    "cividis": "Cividis",
}
#: The registry's audit actions (codes in the database, like the method ids) as users read them.
AUDIT_ACTIONS = {
    "insert": "toegevoegd",
    "update": "gewijzigd",
    "delete": "verwijderd",
    "import": "geïmporteerd",
    "restore": "teruggezet uit reservekopie",
}
