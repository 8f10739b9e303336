"""Initiatieven en wijkteams: the registry on the map, editing, import, gaps and the log."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import SourceError, WijkradarError
from geo.registry import (
    ENTITIES,
    LOCATIE_SOORTEN,
    REGISTRY_FORMATS,
    STATUSES,
    THEMES,
    ImportRejected,
)
from ui import cached, common, downloads, editing, labels, state, uploads
from ui.a11y import SKIP_TARGET, skip_link
from ui.mapsetup import map_setup
from wijkradar.escape import markdown_text as md
from wijkradar.registry import analyse_gaps, import_file, save_table_edits
from wijkradar.render.export import table_csv
from wijkradar.render.format import fmt_datetime, plural
from wijkradar.render.maps import add_registry_layers, build_map, map_table, map_values

v = common.scored_view("Initiatieven en wijkteams", need_scores=False)  # v.scores may be None

reg = common.registry_or_stop()

user = editing.editor_name()
tables = reg.tables()
codes = set(v.data.buurten.index)
ini_here = tables["initiatief"]
st.caption(
    f"{len(ini_here)} initiatieven, {len(tables['wijkteam'])} wijkteams, "
    f"{len(tables['locatie'])} locaties in het register ({reg.engine.dialect.name})."
)


def save_summary(added: list[str], updated: list[str], deleted: list[str]) -> str:
    """``Opgeslagen: 1 nieuw (INI-3f9a1c2b Koffie), 2 bijgewerkt (...)``."""
    parts = [
        f"{len(items)} {word} ({', '.join(items)})"
        for items, word in ((added, "nieuw"), (updated, "bijgewerkt"), (deleted, "verwijderd"))
        if items
    ]
    return f"Opgeslagen: {'; '.join(parts)}." if parts else ""


def show_flash(flash: dict) -> None:
    """The confirmation of the last save or import, with its warnings."""
    text = md(flash["text"])
    if flash.get("problems"):
        st.warning(f"{text} {plural(flash['problems'], 'wijziging', 'wijzigingen')} niet.")
    else:
        st.success(text)
    for w in flash.get("warnings", []):
        st.warning(md(w))


if "ini_flash" in st.session_state:
    show_flash(st.session_state.pop("ini_flash"))

tab_kaart, tab_ini, tab_team, tab_loc, tab_import, tab_gaten, tab_log = st.tabs(
    ["Kaart", "Initiatieven", "Wijkteams", "Locaties", "Importeren", "Gaten", "Logboek"]
)

#: Where the map's data are as text (keyboard and screen-reader route, WCAG 1.1.1).
ROUTE = (
    "De scores staan ook in de Ranglijst; initiatieven, wijkteams en locaties staan als tabel "
    "in de tabbladen hiernaast."
)
with tab_kaart:
    setup = None
    if v.scores is None:
        st.info("Zonder score voor dit profiel is er geen kaart; de tabellen werken wel.")
    else:
        setup = map_setup()
    if setup is not None:
        geometry = cached.geometry(v.data.gemeentecode, v.data.jaar, v.data.created)
        mv = map_values(v.scores, v.data, "score")
        fmap = build_map(
            geometry,
            mv,
            scores=v.scores,
            factors=v.factors(),
            route=ROUTE,
            **setup.leaflet,
            **setup.tiles,
        )
        add_registry_layers(
            fmap,
            geometry,
            initiatieven=tables["initiatief"],
            locaties=tables["locatie"],
            wijkteams=tables["wijkteam"],
            toewijzing=tables["wijkteam_buurt"],
        )
        skip_link()
        st_folium(fmap, height=560, use_container_width=True, returned_objects=[], key="reg_kaart")
        st.caption(ROUTE)
        st.subheader("Tabel bij de kaart", anchor=SKIP_TARGET)
        st.dataframe(
            map_table(mv, v.data.buurten["buurtnaam"], scores=v.scores),
            hide_index=True,
            width="stretch",
            height=360,
        )


def _editor(entity: str, frame: pd.DataFrame, column_config: dict, key: str) -> None:
    """A table editor; changed rows are saved one by one with their version (no lost update)."""
    shown = frame.drop(columns=["gewijzigd"], errors="ignore")
    edited = st.data_editor(
        shown,
        column_config={
            **column_config,
            "version": st.column_config.NumberColumn("versie", disabled=True),
            "gewijzigd_door": st.column_config.TextColumn("gewijzigd door", disabled=True),
        },
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=key,
    )
    if not st.button("Wijzigingen opslaan", key=f"{key}_opslaan", disabled=not user):
        return
    result = save_table_edits(reg, entity, shown, edited, user=user, buurten=v.data.buurten)
    for action, row_key, exc in result.failures:
        if action == "verwijderen":
            st.error(f"Niet verwijderd: {md(exc)}")
        elif isinstance(exc, ImportRejected):
            st.error(f"Niet opgeslagen ({md(row_key or 'nieuwe rij')}):")
            st.dataframe(exc.report(), hide_index=True)
        else:
            st.error(f"Niet opgeslagen: {md(exc)}")
    summary = save_summary(result.added, result.updated, result.deleted)
    if not summary:
        st.info("Er was niets gewijzigd.")
        return
    flash = {"text": summary, "warnings": result.warnings, "problems": len(result.failures)}
    if result.failures:
        show_flash(flash)  # keep the errors above on screen
    else:
        st.session_state["ini_flash"] = flash
        st.rerun()  # the tables, counts and map show the change


with tab_ini:
    if not user:
        st.info("Vul links uw naam in om te kunnen bewerken (voor het logboek).")
    _editor(
        "initiatief",
        tables["initiatief"],
        {
            "thema": st.column_config.SelectboxColumn("thema", options=list(THEMES)),
            "status": st.column_config.SelectboxColumn("status", options=list(STATUSES)),
            "subsidie": st.column_config.NumberColumn("subsidie (€)", min_value=0.0),
            "startdatum": st.column_config.DateColumn("start"),
            "einddatum": st.column_config.DateColumn("einde"),
        },
        "ed_ini",
    )
with tab_team:
    _editor("wijkteam", tables["wijkteam"], {}, "ed_team")
    st.header("Buurten per wijkteam", anchor=False)
    _editor("wijkteam_buurt", tables["wijkteam_buurt"], {}, "ed_tw")
with tab_loc:
    _editor(
        "locatie",
        tables["locatie"],
        {"soort": st.column_config.SelectboxColumn("soort", options=list(LOCATIE_SOORTEN))},
        "ed_loc",
    )

with tab_import:
    st.write(
        "CSV (`,` of `;`; UTF-8, of Windows-1252 zoals Excel het opslaat), Excel (.xlsx) of "
        "GeoJSON. Coördinaten in RD New of WGS84; "
        "adressen zonder coördinaten worden opgezocht bij de PDOK Locatieserver en elk punt "
        "krijgt zijn buurt. Een bestand met één fout wordt helemaal geweigerd: er wordt dan "
        "niets opgeslagen."
    )
    entity = st.selectbox(
        "Soort", list(ENTITIES), format_func=lambda e: ENTITIES[e].label, key="imp_soort"
    )
    st.header(f"Kolommen voor {md(ENTITIES[entity].label)}", anchor=False)
    downloads.import_template(
        entity, f"Sjabloon downloaden ({ENTITIES[entity].label}, CSV)", key="imp_sjabloon"
    )
    upload = st.file_uploader(
        "Bestand", type=[s.lstrip(".") for s in REGISTRY_FORMATS], key="imp_bestand"
    )
    replace = st.checkbox("Rijen die niet in het bestand staan verwijderen", key="imp_vervang")
    if upload is not None and st.button("Importeren", disabled=not user, key="imp_go"):
        with uploads.saved_uploads([upload]) as (path,):
            try:
                report = import_file(
                    state.settings(),
                    entity,
                    path,
                    user=user,
                    gemeente=v.data.gemeentecode,
                    jaar=v.data.jaar,
                    replace=replace,
                    registry=reg,
                )
            except ImportRejected as exc:
                st.error(
                    f"{md(upload.name)} is geweigerd; er is niets opgeslagen. "
                    f"{plural(len(exc.errors), 'probleem', 'problemen')}:"
                )
                st.dataframe(exc.report(), hide_index=True, width="stretch")
            except SourceError as exc:
                st.error(
                    f"Bron niet bereikbaar: {md(exc.source)}; er is niets opgeslagen. {md(exc)}"
                )
            except WijkradarError as exc:
                st.error(f"Import mislukt; er is niets opgeslagen: {md(exc)}")
            else:
                text = (
                    f"{upload.name} geïmporteerd in {ENTITIES[entity].label}: "
                    f"{report.added} nieuw, {report.updated} bijgewerkt"
                    + (f", {report.removed} verwijderd" if report.removed else "")
                    + f" ({plural(report.geocoded, 'adres', 'adressen')} opgezocht, "
                    f"{plural(report.assigned, 'punt', 'punten')} aan een buurt gekoppeld)."
                )
                st.session_state["ini_flash"] = {"text": text, "warnings": report.notes}
                st.rerun()  # the counts and tables show the import

with tab_gaten:
    if v.scores is None:
        st.info("Gaten worden bepaald met de score; kies een profiel dat bij deze gegevens past.")
    else:
        afstand = st.slider("Bereik (meter)", 250, 5000, 1500, 250, key="gap_afstand")
        band = st.slider(
            "Topgroep prioriteit (aandeel buurten)", 0.05, 0.5, 0.2, 0.05, key="gap_band"
        )
        result = analyse_gaps(v.data, v.scores, tables, catchment_m=float(afstand), top_band=band)
        st.markdown(
            f"**{len(result.gaps)} gaten**: buurten in de topgroep met weinig aanbod in de "
            "buurt, en buurten met een hoge waarde op een thema zonder lopend initiatief "
            f"binnen {afstand} m."
        )
        st.dataframe(result.gaps, hide_index=True, width="stretch")
        downloads.csv_download(
            "Download gatenlijst (CSV)", table_csv(result.gaps), f"gaten-{v.data.gemeentecode}.csv"
        )
        with st.expander("Dekking per buurt"):
            cov = v.data.buurten[["buurtnaam"]].join(result.coverage)
            st.dataframe(cov, width="stretch")

with tab_log:
    log = reg.audit_log(limit=300)
    log["tijd"] = log["tijd"].map(fmt_datetime)  # Dutch time, not ISO
    log["actie"] = log["actie"].map(lambda a: labels.AUDIT_ACTIONS.get(a, a))
    st.dataframe(log, hide_index=True, width="stretch")
