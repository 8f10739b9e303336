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


def trend_chart(wide: pd.DataFrame) -> alt.Chart:
    """One line per indicator over the monitor years; the legend lists every series."""
    long = wide.reset_index(names="Jaar").melt("Jaar", var_name="Indicator", value_name="%")
    long = long.dropna(subset=["%"])
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("Jaar:O", title=None),
            y=alt.Y("%:Q", title="% van de volwassenen"),
            color=alt.Color(
                "Indicator:N",
                legend=alt.Legend(
                    orient="bottom", columns=2, labelLimit=0, symbolLimit=0, title=None
                ),
            ),
            tooltip=["Jaar", "Indicator", alt.Tooltip("%:Q", format=".1f")],
        )
        .properties(height=320)
    )


def trend_band_chart(long: pd.DataFrame) -> alt.LayerChart:
    """Monitor trend per indicator: a line with points and, where published, the 95% band.

    ``long`` has ``indicator``, ``periode``, ``waarde``, ``ondergrens``, ``bovengrens``
    (:func:`wijkradar.change.buurt_trend_long`).
    """
    base = alt.Chart(long).encode(
        x=alt.X("periode:O", title="Monitorjaar"),
        color=alt.Color(
            "indicator:N",
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=0, symbolLimit=0, title=None),
        ),
    )
    band = (
        base.transform_filter("isValid(datum.ondergrens) && isValid(datum.bovengrens)")
        .mark_area(opacity=0.18)
        .encode(y=alt.Y("ondergrens:Q", title="% van de volwassenen"), y2="bovengrens:Q")
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("waarde:Q", title="% van de volwassenen", scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("indicator:N", title="Indicator"),
            alt.Tooltip("periode:O", title="Jaar"),
            alt.Tooltip("waarde:Q", title="Waarde", format=".1f"),
            alt.Tooltip("ondergrens:Q", title="95% ondergrens", format=".1f"),
            alt.Tooltip("bovengrens:Q", title="95% bovengrens", format=".1f"),
        ],
    )
    return alt.layer(band, line).properties(height=320)
