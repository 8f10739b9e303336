"""Uitleg: a user guide in plain Dutch (score, interval, robuust, sources, own data)."""

from __future__ import annotations

import streamlit as st

from geo.errors import DataFormatError
from geo.registry import ENTITIES
from ui import downloads
from wijkradar.render.offline import DOWNLOADS, RETRY_AFTER_S
from wijkradar.voorbeeld import banner as example_banner

st.title("Uitleg")

st.header("Wat is de score?")
st.markdown(
    """
De **prioriteitsscore** (0 tot 100) zegt in welke buurten van **deze gemeente** preventie het
meest nodig lijkt, volgens de cijfers die het gekozen profiel belangrijk vindt: bijvoorbeeld
eenzaamheid, geldzorgen of ervaren gezondheid. Een hogere score betekent: op deze cijfers
staat de buurt er minder goed voor dan de andere buurten van de gemeente.

De score is **geen** oordeel over de mensen in een buurt, **geen** meting van wat daar al
gebeurt en **geen** vergelijking met andere gemeenten. Hij is relatief: de buurt met score 80
staat er niet "twee keer zo slecht" voor als een buurt met 40, hij staat hoger in de rij.
Gebruik de score om te kiezen waar u eerst gaat kijken en praten, niet als eindoordeel.

Buurten met minder inwoners dan het profiel vraagt (meestal 100) krijgen geen score en Wijkradar
laat hun cijfers niet zien: bij zo weinig mensen zijn cijfers onbetrouwbaar en soms tot
personen te herleiden.
"""
)

st.header("Rang, interval en 'robuust'")
st.markdown(
    """
- **Rang**: 1 is de buurt met de hoogste score. De rang verschuift als u andere gewichten
  kiest of als de cijfers een beetje anders zouden zijn.
- **90%-interval** (bijvoorbeeld *3 (90%: 1–7)*): Wijkradar rekent de score duizend keer door
  met andere redelijke gewichten, een andere manier van schalen en, waar de bron marges
  geeft, gezondheidscijfers binnen die marges. In 90 van de 100 doorrekeningen valt de rang
  tussen de twee getallen. Een smal interval is een stevige plek; een breed interval
  betekent: deze buurt kan net zo goed wat hoger of lager staan.
- **Robuust**: de buurt staat in minstens 90% van de doorrekeningen in de top (meestal de top
  10). Een robuuste buurt hoort er bij vrijwel elke redelijke keuze bij.
- **Betrouwbaarheid** en **dekking**: hoeveel van de score op echte cijfers van de buurt zelf
  rust. Ontbreekt een cijfer, dan vult Wijkradar het aan (bijvoorbeeld met het gemiddelde van
  de wijk) en dat staat er dan bij: *geschat uit wijkwaarde* of *ingevuld*.
- **Kaartkleuren**: donker is altijd de zorgelijke kant. Bij cijfers waar hoger gunstig is
  (zoals *ervaren gezondheid goed*) is donker dus een lage waarde; de legenda zegt het erbij.
"""
)

st.header("Waar komen de cijfers vandaan?")
st.markdown(
    """
- **CBS Kerncijfers wijken en buurten**: registratiecijfers (tellingen) zoals inwoners,
  huishoudens en inkomen. Kleine aantallen publiceert het CBS niet (*onderdrukt door bron*).
- **RIVM/GGD'en Gezondheid per wijk en buurt** (de gezondheidsmonitor): **schattingen** uit
  een grote enquête, geen tellingen. Per buurt is het de verwachte waarde voor een buurt met
  deze bevolking. Deze tabel komt uit een eerder jaar en soms een andere buurtindeling; buurten
  die sindsdien veranderden, krijgen de waarde van hun wijk.
- **PDOK / CBS Wijk- en buurtkaart**: de grenzen van buurten en wijken.
- **Uw eigen register**: initiatieven, wijkteams en locaties die u zelf invoert of importeert.
  Dat is geen open data; het blijft in uw eigen database.

Alle open data zijn van CBS, RIVM/GGD'en en PDOK/Kadaster onder licentie CC BY 4.0. Op de
pagina *Methode* staat per cijfer de tabel en de periode.
"""
)

st.subheader("Als de bronnen niet bereikbaar zijn")
st.markdown(
    f"""
Blokkeert het netwerk van uw organisatie de bronnen, download de bestanden dan zelf en
importeer ze (op de Kaart verschijnt dan een importknop, of gebruik `wijkradar fetch --van`).
Wijkradar onthoudt een onbereikbare bron {int(RETRY_AFTER_S // 60)} minuten, zodat u niet bij
elke pagina opnieuw hoeft te wachten.
"""
)
st.markdown("\n".join(f"- [{d.titel}]({d.url}): {d.wat}" for d in DOWNLOADS))
st.markdown(
    "Wilt u eerst rondkijken? Open de **voorbeeldgemeente** (knop in de zijbalk, of de link "
    "`?gemeente=voorbeeld`). Die werkt zonder netwerk."
)
try:
    st.caption(example_banner())
except DataFormatError:  # the guide must open even without the snapshot
    st.caption("De voorbeeldgemeente is in deze installatie niet aanwezig.")

st.header("Eigen gegevens importeren")
st.markdown(
    """
Op de pagina *Initiatieven en wijkteams* (tab *Importeren*) of met
`wijkradar import --soort <soort> bestand.csv --gemeente GM0307`. Bestanden: CSV (met `,` of
`;`, UTF-8 of Windows-1252 zoals Excel het opslaat), Excel (.xlsx) of GeoJSON met punten.
Coördinaten mogen in RD New (x/y in meters) of WGS84 (lengte/breedte); een adres zonder
coördinaten zoekt Wijkradar op bij de PDOK Locatieserver. Een bestand met een fout wordt
helemaal geweigerd, met per rij wat er mis is: er wordt dan niets opgeslagen. Een lege `id`
krijgt vanzelf een nieuw id.
"""
)
for entity, spec in ENTITIES.items():
    st.subheader(spec.label.capitalize())
    downloads.import_template(
        entity, f"Sjabloon voor {spec.label} (CSV)", key=f"uitleg_sjabloon_{entity}"
    )
