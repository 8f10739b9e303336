"""The indicator catalogue: every figure Wijkradar loads, with label, unit, direction and source.

Each indicator knows how to find itself in each source format: the OData topic *name stem*
(``AantalInwoners`` matches ``AantalInwoners_5`` in 2024 and ``AantalInwoners_5`` or any other
suffix in other years), the snake_case column of the CBS Wijk- en buurtkaart, and the short code
of the CBS ``kwb-YYYY.xlsx`` download. Counts are turned into shares where the catalogue says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

import pandas as pd

__all__ = ["Indicator", "Ratio", "INDICATORS", "indicator_table", "by_source", "get_indicator"]


@dataclass(frozen=True)
class Ratio:
    """A derived figure: ``numerator / denominator * factor``."""

    numerator: str
    denominator: str
    factor: float = 100.0


Spec = str | Ratio | None


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue.

    Attributes
    ----------
    id : str
        Stable identifier used as column name everywhere (``pct_hh_laag_inkomen``).
    label : str
        Dutch label for the UI.
    domain : str
        Thematic domain (Dutch): Gezondheid, Bestaanszekerheid, Sociaal, Jeugd en gezin, ...
    unit : str
        Unit shown in the UI ("%", "per 1.000 inwoners", "km", ...).
    direction : {"hoger_slechter", "hoger_beter", "neutraal"}
        Whether a higher value means more need.
    source : {"kerncijfers", "gezondheid"}
        Which source family delivers it.
    kind : {"registratie", "modelschatting"}
        Register count (CBS) or small-area estimate from a survey model (RIVM/GGD).
    odata, kaart, kwb : str or Ratio or None
        How to find or derive it in OData topics, the Wijk- en buurtkaart and kwb xlsx.
    wijk_fallback : bool
        Whether the wijk value may stand in for an unmatched buurt (rates yes, counts no).
    """

    id: str
    label: str
    domain: str
    unit: str
    direction: Literal["hoger_slechter", "hoger_beter", "neutraal"]
    source: Literal["kerncijfers", "gezondheid"]
    kind: Literal["registratie", "modelschatting"]
    odata: Spec = None
    kaart: Spec = None
    kwb: Spec = None
    wijk_fallback: bool = True
    aliases: tuple[str, ...] = field(default_factory=tuple)


def _k(id_, label, domain, unit, direction, odata, kaart, kwb, *, fallback=True):
    return Indicator(
        id_,
        label,
        domain,
        unit,
        direction,
        "kerncijfers",
        "registratie",
        odata,
        kaart,
        kwb,
        fallback,
    )


def _g(id_, label, domain, stem, direction="hoger_slechter", aliases=()):
    return Indicator(
        id_,
        label,
        domain,
        "%",
        direction,
        "gezondheid",
        "modelschatting",
        stem,
        None,
        None,
        True,
        tuple(aliases),
    )


INDICATORS: tuple[Indicator, ...] = (
    # --- CBS Kerncijfers wijken en buurten -------------------------------------------------
    _k(
        "inwoners",
        "Aantal inwoners",
        "Bevolking",
        "aantal",
        "neutraal",
        "AantalInwoners",
        "aantal_inwoners",
        "a_inw",
        fallback=False,
    ),
    _k(
        "huishoudens",
        "Aantal huishoudens",
        "Bevolking",
        "aantal",
        "neutraal",
        "HuishoudensTotaal",
        "aantal_huishoudens",
        "a_hh",
        fallback=False,
    ),
    _k(
        "pct_0_15",
        "Kinderen 0-15 jaar",
        "Jeugd en gezin",
        "% van inwoners",
        "hoger_slechter",
        Ratio("k_0Tot15Jaar", "AantalInwoners"),
        "percentage_personen_0_tot_15_jaar",
        Ratio("a_00_14", "a_inw"),
    ),
    _k(
        "pct_65plus",
        "Inwoners 65 jaar en ouder",
        "Bevolking",
        "% van inwoners",
        "neutraal",
        Ratio("k_65JaarOfOuder", "AantalInwoners"),
        "percentage_personen_65_jaar_en_ouder",
        Ratio("a_65_oo", "a_inw"),
    ),
    _k(
        "pct_hh_met_kinderen",
        "Huishoudens met kinderen",
        "Jeugd en gezin",
        "% van huishoudens",
        "hoger_slechter",
        Ratio("HuishoudensMetKinderen", "HuishoudensTotaal"),
        "percentage_huishoudens_met_kinderen",
        Ratio("a_hh_m_k", "a_hh"),
    ),
    _k(
        "pct_eenpersoonshuishoudens",
        "Eenpersoonshuishoudens",
        "Sociaal",
        "% van huishoudens",
        "hoger_slechter",
        Ratio("Eenpersoonshuishoudens", "HuishoudensTotaal"),
        "percentage_eenpersoonshuishoudens",
        Ratio("a_1p_hh", "a_hh"),
    ),
    _k(
        "pct_hh_laag_inkomen",
        "Huishoudens met een laag inkomen",
        "Bestaanszekerheid",
        "% van huishoudens",
        "hoger_slechter",
        "HuishoudensMetEenLaagInkomen",
        "percentage_huishoudens_met_laag_inkomen",
        "p_hh_li",
    ),
    _k(
        "pct_hh_sociaal_minimum",
        "Huishoudens onder of rond het sociaal minimum",
        "Bestaanszekerheid",
        "% van huishoudens",
        "hoger_slechter",
        "HuishOnderOfRondSociaalMinimum",
        "percentage_huishoudens_onder_of_rond_sociaal_minimum",
        "p_hh_osm",
    ),
    _k(
        "bijstand_per_1000",
        "Personen met bijstand",
        "Bestaanszekerheid",
        "per 1.000 inwoners",
        "hoger_slechter",
        Ratio("PersonenPerSoortUitkeringBijstand", "AantalInwoners", 1000.0),
        Ratio("aantal_personen_met_een_alg_bijstandsuitkering_tot", "aantal_inwoners", 1000.0),
        Ratio("a_soz_wb", "a_inw", 1000.0),
    ),
    _k(
        "inkomen_per_inwoner",
        "Gemiddeld inkomen per inwoner",
        "Bestaanszekerheid",
        "x 1.000 euro",
        "hoger_beter",
        "GemiddeldInkomenPerInwoner",
        "gemiddeld_inkomen_per_inwoner",
        "g_ink_pi",
    ),
    _k(
        "woz_waarde",
        "Gemiddelde WOZ-waarde van woningen",
        "Wonen",
        "x 1.000 euro",
        "hoger_beter",
        "GemiddeldeWOZWaardeVanWoningen",
        "gemiddelde_woningwaarde",
        "g_wozbag",
    ),
    _k(
        "pct_huurwoningen",
        "Huurwoningen",
        "Wonen",
        "% van woningen",
        "hoger_slechter",
        "HuurwoningenTotaal",
        "percentage_huurwoningen",
        "p_huurw",
    ),
    _k(
        "afstand_huisarts",
        "Afstand tot huisartsenpraktijk",
        "Voorzieningen",
        "km",
        "hoger_slechter",
        "AfstandTotHuisartsenpraktijk",
        "huisartsenpraktijk_gemiddelde_afstand_in_km",
        "g_afs_hp",
    ),
    _k(
        "stedelijkheid",
        "Mate van stedelijkheid (1 = zeer sterk)",
        "Bevolking",
        "klasse 1-5",
        "neutraal",
        "MateVanStedelijkheid",
        "stedelijkheid_adressen_per_km2",
        "ste_mvs",
    ),
    _k(
        "pct_jeugdzorg",
        "Jongeren met jeugdzorg in natura",
        "Jeugd en gezin",
        "% van jongeren",
        "hoger_slechter",
        "PercentageJongerenMetJeugdzorg",
        "percentage_jongeren_met_jeugdzorg_in_natura",
        "p_jz_tn",
    ),
    _k(
        "wmo_per_1000",
        "Wmo-cliënten",
        "Sociaal",
        "per 1.000 inwoners",
        "hoger_slechter",
        "WmoClientenRelatief",
        "aantal_wmo_clienten_per_1000_inwoners",
        "p_wmo_t",
    ),
    # --- RIVM/GGD Gezondheidsmonitor (18+) --------------------------------------------------
    _g(
        "gezondheid_goed",
        "Ervaren gezondheid goed of zeer goed",
        "Gezondheid",
        "ErvarenGezondheidGoedZeerGoed",
        "hoger_beter",
    ),
    _g("overgewicht", "Overgewicht", "Gezondheid", "Overgewicht"),
    _g("ernstig_overgewicht", "Ernstig overgewicht", "Gezondheid", "ErnstigOvergewicht"),
    _g("roker", "Rookt", "Gezondheid", "Roker"),
    _g(
        "angst_depressie",
        "Matig of hoog risico op angst of depressie",
        "Gezondheid",
        "MatigHoogRisicoOpAngstOfDepressie",
    ),
    _g(
        "beperkt_gezondheid", "Beperkt vanwege gezondheid", "Gezondheid", "BeperktVanwegeGezondheid"
    ),
    _g("eenzaam", "Eenzaam", "Sociaal", "Eenzaam"),
    _g(
        "ernstig_eenzaam", "Ernstig of zeer ernstig eenzaam", "Sociaal", "ErnstigZeerErnstigEenzaam"
    ),
    _g("mantelzorger", "Geeft mantelzorg", "Sociaal", "Mantelzorger"),
    _g("moeite_rondkomen", "Moeite met rondkomen", "Bestaanszekerheid", "MoeiteMetRondkomen"),
)

_BY_ID = {ind.id: ind for ind in INDICATORS}


def get_indicator(indicator_id: str) -> Indicator:
    """Return the catalogue entry for ``indicator_id``.

    Raises
    ------
    KeyError
        With the list of known ids when the id is unknown.
    """
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        raise KeyError(
            f"unknown indicator {indicator_id!r}; known: {', '.join(sorted(_BY_ID))}"
        ) from None


def by_source(source: str) -> list[Indicator]:
    """Indicators delivered by one source family (``"kerncijfers"`` or ``"gezondheid"``)."""
    return [ind for ind in INDICATORS if ind.source == source]


def indicator_table() -> pd.DataFrame:
    """The catalogue as a DataFrame indexed by indicator id (without source mappings)."""
    rows = []
    for ind in INDICATORS:
        d = asdict(ind)
        rows.append({k: d[k] for k in ("id", "label", "domain", "unit", "direction", "kind")})
    return pd.DataFrame(rows).set_index("id")
