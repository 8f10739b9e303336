"""Download buttons the pages share: CSV files and the import templates."""

from __future__ import annotations

import streamlit as st

from wijkradar.render.templates import import_columns, template_csv


def csv_download(label: str, data: str | bytes, file_name: str, *, key: str | None = None) -> None:
    """A download button for a CSV file (no rerun on click)."""
    st.download_button(
        label, data, file_name=file_name, mime="text/csv", on_click="ignore", key=key
    )


def import_template(entity: str, label: str, *, key: str) -> None:
    """The columns of an import file for ``entity`` and its CSV template."""
    st.dataframe(import_columns(entity), hide_index=True, width="stretch")
    csv_download(label, template_csv(entity), f"sjabloon-{entity}.csv", key=key)
