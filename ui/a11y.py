"""Accessibility helpers for the Streamlit pages (WCAG 2.1 AA).

Streamlit serves its ``index.html`` with ``<html lang="en">`` and has no setting for the
document language. :func:`dutch_document` sets ``lang="nl"`` on the app document with a tiny
script (``st.html`` with ``unsafe_allow_javascript``: the script runs in the app document
itself, not in an iframe) and keeps it there when Streamlit re-renders. The script is a
constant: no user or source text ever reaches it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from wijkradar.render.format import fmt_bool, fmt_number

__all__ = ["dutch_document", "dutch_frame", "skip_link", "SKIP_TARGET"]

#: Element id the "kaart overslaan" link jumps to (the heading of the table below the map).
SKIP_TARGET = "tabel-bij-de-kaart"

_LANG_SCRIPT = """
<script>
(function () {
  var root = document.documentElement;
  function dutch() { if (root.lang !== "nl") { root.lang = "nl"; } }
  dutch();
  if (!window.__wijkradarLang) {
    window.__wijkradarLang = new MutationObserver(dutch);
    window.__wijkradarLang.observe(root, {attributes: true, attributeFilter: ["lang"]});
  }
})();
</script>
"""

_SKIP_HTML = """
<a class="wr-skip" id="{target}-link" href="#{target}">{text}</a>
<script>
(function () {{
  var link = document.getElementById("{target}-link");
  if (!link) {{ return; }}
  link.addEventListener("click", function (event) {{
    var target = document.getElementById("{target}");
    if (!target) {{ return; }}
    event.preventDefault();
    target.setAttribute("tabindex", "-1");
    target.focus();
    target.scrollIntoView();
  }});
}})();
</script>
<style>
.wr-skip {{ display: inline-block; padding: 0.25rem 0; }}
.wr-skip:focus {{ outline: 3px solid #0b5cad; outline-offset: 2px; }}
</style>
"""


def dutch_document() -> None:
    """Mark the app document as Dutch (``<html lang="nl">``, WCAG 3.1.1)."""
    with st.sidebar:
        st.html(_LANG_SCRIPT, unsafe_allow_javascript=True, width="content")


def skip_link(
    text: str = "Kaart overslaan: naar de tabel met dezelfde gegevens",
    *,
    target: str = SKIP_TARGET,
) -> None:
    """A link that moves keyboard focus past the map to the table ``target`` (WCAG 2.4.1).

    Parameters
    ----------
    text : str
        The link text (Dutch).
    target : str
        The ``id`` of the element that gets the focus.
    """
    st.html(_SKIP_HTML.format(target=target, text=text), unsafe_allow_javascript=True)


def dutch_frame(frame: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """``frame`` for display: float columns as Dutch text (``88,2``), booleans as ja/nee.

    A table shows (and a screen reader reads) what this returns instead of raw floats such as
    ``88.24000000000001``; whole-number columns stay numbers so they sort as numbers.

    Parameters
    ----------
    frame : DataFrame
        The table to show.
    decimals : int, default 1
        Decimals of the float columns.

    Returns
    -------
    DataFrame
        A copy with float columns as Dutch text and boolean columns as ``ja``/``nee``.
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_bool_dtype(values) or str(values.dtype) == "boolean":
            out[col] = values.map(fmt_bool)
        elif pd.api.types.is_float_dtype(values):
            out[col] = values.map(lambda x: fmt_number(x, decimals))
    return out
