"""Streamlit pages of the Wijkradar app (widgets and rendering only)."""
