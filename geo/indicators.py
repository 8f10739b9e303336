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
    """A derived figure: ``numerator / denominator * factor``.

    Attributes
    ----------
    numerator, denominator : str
        Source topics (key stems).
    factor : float
        100 for a percentage, 1,000 for per mille.
    """

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
    aliases : tuple of str
        Other topic name stems of the same figure in other tables (renamed keys).
    titles : tuple of str
        ``DataProperties`` titles of the figure (any table); matched after normalising case,
        spaces and punctuation, so a renamed key is still found by its title.
    until : int, optional
        Last Kerncijfers table year that publishes it (the household poverty measures end
        with 2023); the value is then shown with the table and period it came from.
    suppression : str
        The source's rule for leaving values out (shown in the README and the app).
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
    titles: tuple[str, ...] = field(default_factory=tuple)
    until: int | None = None
    suppression: str = ""


_SUPPRESS_KWB = "CBS: '.' bij te weinig inwoners; aantallen per wijk/buurt afgerond op 5"
_SUPPRESS_WONING = "CBS: '.' bij te weinig woningen"
_SUPPRESS_NABIJ = "CBS: '.' bij te weinig inwoners of adressen"
_SUPPRESS_INKOMEN = "CBS: alleen bij minstens 2.500 personen in particuliere huishoudens"
_SUPPRESS_LAAGSTE40 = "CBS: alleen bij minstens 100 personen (huishoudens) met inkomen"
_SUPPRESS_ZORG = "CBS: afgerond op 5; 0-7 geheim"
_SUPPRESS_RIVM = "RIVM: modelschatting; niet gepubliceerd bij te weinig inwoners"


def _k(
    id_,
    label,
    domain,
    unit,
    direction,
    odata,
    kaart,
    kwb,
    *,
    fallback=True,
    aliases=(),
    until=None,
    suppression=_SUPPRESS_KWB,
):
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
        tuple(aliases),
        (),
        until,
        suppression,
    )


def _g(id_, label, domain, stem, direction="hoger_slechter", aliases=(), titles=()):
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
        tuple(titles),
        None,
        _SUPPRESS_RIVM,
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
        "Bevolking",
        "% van inwoners",
        "neutraal",
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
        "Bevolking",
        "% van huishoudens",
        "neutraal",
        Ratio("HuishoudensMetKinderen", "HuishoudensTotaal"),
        "percentage_huishoudens_met_kinderen",
        Ratio("a_hh_m_k", "a_hh"),
    ),
    _k(
        "pct_eenpersoonshuishoudens",
        "Eenpersoonshuishoudens",
        "Bevolking",
        "% van huishoudens",
        "neutraal",
        Ratio("Eenpersoonshuishoudens", "HuishoudensTotaal"),
        "percentage_eenpersoonshuishoudens",
        Ratio("a_1p_hh", "a_hh"),
    ),
    # New CBS/SCP/Nibud poverty measure, from the 2024 table (85984NED) on.
    _k(
        "pct_armoede",
        "Personen in armoede",
        "Bestaanszekerheid",
        "% van personen",
        "hoger_slechter",
        "PersonenInArmoede",
        None,
        None,
        suppression=_SUPPRESS_LAAGSTE40,
    ),
    _k(
        "pct_tot25_boven_armoedegrens",
        "Personen tot 25% boven de armoedegrens",
        "Bestaanszekerheid",
        "% van personen",
        "hoger_slechter",
        "PersonenTot25BovenArmoedegrens",
        None,
        None,
        suppression=_SUPPRESS_LAAGSTE40,
    ),
    _k(
        "pct_laagste40_personen",
        "Personen met een inkomen in de laagste 40%",
        "Bestaanszekerheid",
        "% van personen",
        "hoger_slechter",
        "k_40PersonenMetLaagsteInkomen",
        None,
        None,
        suppression=_SUPPRESS_LAAGSTE40,
    ),
    _k(
        "pct_laagste40_huishoudens",
        "Huishoudens met een inkomen in de laagste 40%",
        "Bestaanszekerheid",
        "% van huishoudens",
        "hoger_slechter",
        "k_40HuishoudensMetLaagsteInkomen",
        None,
        None,
        suppression=_SUPPRESS_LAAGSTE40,
    ),
    # Household poverty measures of the tables up to 2023; gone from 2024 on.
    _k(
        "pct_hh_laag_inkomen",
        "Huishoudens met een laag inkomen (t/m tabel 2023)",
        "Bestaanszekerheid",
        "% van huishoudens",
        "hoger_slechter",
        "HuishoudensMetEenLaagInkomen",
        "percentage_huishoudens_met_laag_inkomen",
        "p_hh_li",
        until=2023,
        suppression=_SUPPRESS_LAAGSTE40,
    ),
    _k(
        "pct_hh_sociaal_minimum",
        "Huishoudens onder of rond het sociaal minimum (t/m tabel 2023)",
        "Bestaanszekerheid",
        "% van huishoudens",
        "hoger_slechter",
        "HuishOnderOfRondSociaalMinimum",
        "percentage_huishoudens_onder_of_rond_sociaal_minimum",
        "p_hh_osm",
        until=2023,
        suppression=_SUPPRESS_LAAGSTE40,
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
        suppression=_SUPPRESS_INKOMEN,
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
        suppression=_SUPPRESS_WONING,
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
        suppression=_SUPPRESS_WONING,
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
        suppression=_SUPPRESS_NABIJ,
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
        suppression=_SUPPRESS_NABIJ,
    ),
    _k(
        "pct_jeugdzorg",
        "Jongeren met jeugdzorg",
        "Jeugd en gezin",
        "% van jongeren",
        "hoger_slechter",
        "PercentageJongerenMetJeugdzorg",
        "percentage_jongeren_met_jeugdzorg_in_natura",
        "p_jz_tn",
        suppression=_SUPPRESS_ZORG,
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
        suppression=_SUPPRESS_ZORG,
    ),
    # --- RIVM/GGD Gezondheidsmonitor (18+) --------------------------------------------------
    # Stems: 50090NED (indeling 2020) first, then the renamed 50150NED keys (indeling 2024);
    # titles: DataProperties titles seen for these topics (normalised before matching).
    _g(
        "gezondheid_goed",
        "Ervaren gezondheid goed of zeer goed",
        "Gezondheid",
        "ErvarenGezondheidGoedZeerGoed",
        "hoger_beter",
        aliases=("GoedErvarenGezondheid",),
        titles=("(Zeer) goed ervaren gezondheid", "Ervaren gezondheid (zeer) goed"),
    ),
    _g(
        "langdurige_aandoening",
        "Eén of meer langdurige aandoeningen",
        "Gezondheid",
        "EenOfMeerLangdurigeAandoeningen",
        titles=("Eén of meer langdurige aandoeningen",),
    ),
    _g(
        "overgewicht",
        "Overgewicht",
        "Gezondheid",
        "Overgewicht",
        titles=("Overgewicht",),
    ),
    _g(
        "ernstig_overgewicht",
        "Ernstig overgewicht (obesitas)",
        "Gezondheid",
        "ErnstigOvergewicht",
        aliases=("ErnstigOvergewichtObesitas",),
        titles=("Ernstig overgewicht", "Ernstig overgewicht (obesitas)", "Obesitas"),
    ),
    _g(
        "roker",
        "Rookt",
        "Gezondheid",
        "Roker",
        aliases=("RooktTabak",),
        titles=("Roker", "Rookt", "Rookt tabak"),
    ),
    _g(
        "angst_depressie",
        "Matig of hoog risico op angst of depressie (t/m 2020)",
        "Gezondheid",
        "MatigHoogRisicoOpAngstOfDepressie",
        titles=("Matig of hoog risico op angststoornis of depressie",),
    ),
    _g(
        "hoog_risico_angst_depressie",
        "Hoog risico op angststoornis of depressie",
        "Gezondheid",
        "HoogRisicoOpAngstOfDepressie",
        aliases=("HoogRisicoAngststoornisOfDepressie",),
        titles=(
            "Hoog risico op angststoornis of depressie",
            "Hoog risico op angst of depressie",
        ),
    ),
    _g(
        "veel_stress",
        "(Heel) veel stress in de afgelopen 4 weken",
        "Gezondheid",
        "HeelVeelStressInAfgelopen4Weken",
        aliases=("HeelVeelStressAfg4Weken",),
        titles=("(Heel) veel stress in afgelopen 4 weken", "Heel veel stress in afgelopen 4 weken"),
    ),
    _g(
        "suicidegedachten",
        "Suïcidegedachten in de afgelopen 12 maanden",
        "Gezondheid",
        "SuicideGedachtenDeLaatste12Maanden",
        titles=("Suïcidegedachten in de laatste 12 maanden",),
    ),
    _g(
        "beperkt_gezondheid",
        "Beperkt vanwege gezondheid",
        "Gezondheid",
        "BeperktVanwegeGezondheid",
        titles=("Beperkt vanwege gezondheid",),
    ),
    _g(
        "eenzaam",
        "Eenzaam",
        "Sociaal",
        "Eenzaam",
        titles=("Eenzaam",),
    ),
    _g(
        "ernstig_eenzaam",
        "Sterk (ernstig of zeer ernstig) eenzaam",
        "Sociaal",
        "ErnstigZeerErnstigEenzaam",
        aliases=("SterkEenzaam",),
        titles=("(Zeer) ernstig eenzaam", "Ernstig of zeer ernstig eenzaam", "Sterk eenzaam"),
    ),
    _g("mantelzorger", "Geeft mantelzorg", "Sociaal", "Mantelzorger", titles=("Mantelzorger",)),
    _g(
        "moeite_rondkomen",
        "Moeite met rondkomen",
        "Bestaanszekerheid",
        "MoeiteMetRondkomen",
        titles=("Moeite met rondkomen",),
    ),
)

_BY_ID = {ind.id: ind for ind in INDICATORS}


def get_indicator(indicator_id: str) -> Indicator:
    """Return the catalogue entry for ``indicator_id``.

    Parameters
    ----------
    indicator_id : str
        An id of :data:`INDICATORS`, e.g. ``"eenzaam"``.

    Returns
    -------
    Indicator
        The catalogue entry.

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
    """Indicators delivered by one source family (``"kerncijfers"`` or ``"gezondheid"``).

    Parameters
    ----------
    source : str
        ``"kerncijfers"`` or ``"gezondheid"``.

    Returns
    -------
    list of Indicator
        In catalogue order.
    """
    return [ind for ind in INDICATORS if ind.source == source]


def indicator_table() -> pd.DataFrame:
    """The catalogue as a DataFrame indexed by indicator id (without source mappings).

    Returns
    -------
    DataFrame
        Indexed by id: ``label``, ``domain``, ``unit``, ``direction``, ``kind`` and
        ``suppression``.
    """
    rows = []
    for ind in INDICATORS:
        d = asdict(ind)
        rows.append(
            {k: d[k] for k in ("id", "label", "domain", "unit", "direction", "kind", "suppression")}
        )
    return pd.DataFrame(rows).set_index("id")
