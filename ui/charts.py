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
