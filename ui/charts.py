"""Charts shared by pages (Altair, rendered by Streamlit; data only, no user text as markup)."""

from __future__ import annotations

import altair as alt
import pandas as pd


def trend_band_chart(long: pd.DataFrame) -> alt.LayerChart:
    """Monitor trend per indicator: a line with points and, where published, the 95% band.

    ``long`` has ``indicator``, ``periode``, ``waarde``, ``ondergrens``, ``bovengrens``
    (:func:`wijkradar.change.buurt_trend_long`).
    """
    base = alt.Chart(long).encode(
        x=alt.X("periode:O", title="Monitorjaar"),
        color=alt.Color("indicator:N", title="Indicator", legend=alt.Legend(orient="bottom")),
    )
    band = (
        base.transform_filter("isValid(datum.ondergrens) && isValid(datum.bovengrens)")
        .mark_area(opacity=0.18)
        .encode(y=alt.Y("ondergrens:Q", title="%"), y2="bovengrens:Q")
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("waarde:Q", title="%", scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("indicator:N", title="Indicator"),
            alt.Tooltip("periode:O", title="Jaar"),
            alt.Tooltip("waarde:Q", title="Waarde", format=".1f"),
            alt.Tooltip("ondergrens:Q", title="95% ondergrens", format=".1f"),
            alt.Tooltip("bovengrens:Q", title="95% bovengrens", format=".1f"),
        ],
    )
    return alt.layer(band, line).properties(height=320)
