"""Charts for the pages (Altair): full labels, no truncation, a complete legend."""

from __future__ import annotations

import altair as alt
import pandas as pd


def bar_chart(values: pd.Series, *, value: str, label: str = "Indicator") -> alt.Chart:
    """Horizontal bars, largest first, with every label in full (no "Moeite met rondk…")."""
    frame = pd.DataFrame({label: [str(i) for i in values.index], value: values.to_numpy()})
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=value),
            y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            tooltip=[label, alt.Tooltip(f"{value}:Q", format=".1f")],
        )
        .properties(height=alt.Step(22))
    )


def trend_band_chart(long: pd.DataFrame) -> alt.LayerChart:
    """Monitor trend per indicator: a line with points and, where published, the 95% band.

    ``long`` has ``indicator``, ``periode``, ``waarde``, ``ondergrens``, ``bovengrens``
    (:func:`wijkradar.change.buurt_trend_long`).
    """
    legend = alt.Legend(orient="bottom", columns=2, labelLimit=0, symbolLimit=0, title=None)
    base = alt.Chart(long).encode(
        x=alt.X("periode:O", title="Monitorjaar"),
        color=alt.Color("indicator:N", legend=legend),
    )
    band = (
        base.transform_filter("isValid(datum.ondergrens) && isValid(datum.bovengrens)")
        .mark_area(opacity=0.18, aria=False)
        .encode(y=alt.Y("ondergrens:Q", title="% van de volwassenen"), y2="bovengrens:Q")
    )
    # not by colour alone (WCAG 1.4.1): every indicator has its own marker shape (in the
    # legend too) and line dash. The marks stay out of the accessibility tree (the chart has
    # a text alternative; the numbers are in the indicator table).
    y = alt.Y("waarde:Q", title="% van de volwassenen", scale=alt.Scale(zero=False))
    line = base.mark_line(aria=False).encode(
        y=y, strokeDash=alt.StrokeDash("indicator:N", legend=None)
    )
    points = base.mark_point(filled=True, size=70, opacity=1, aria=False).encode(
        y=y,
        shape=alt.Shape("indicator:N", legend=legend),
        tooltip=[
            alt.Tooltip("indicator:N", title="Indicator"),
            alt.Tooltip("periode:O", title="Jaar"),
            alt.Tooltip("waarde:Q", title="Waarde", format=".1f"),
            alt.Tooltip("ondergrens:Q", title="95% ondergrens", format=".1f"),
            alt.Tooltip("bovengrens:Q", title="95% bovengrens", format=".1f"),
        ],
    )
    return alt.layer(band, line, points).properties(height=320)
