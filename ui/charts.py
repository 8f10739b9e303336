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


def trend_chart(wide: pd.DataFrame) -> alt.FacetChart:
    """One small chart per indicator, titled with its full name, with a marker on every year.

    Nine lines that differ only by colour cannot be told apart (WCAG 1.4.1) and a long legend
    gets cut off; small multiples label each line directly. The marks are left out of the
    accessibility tree (``aria=False``): the chart has a text description, and the page shows
    the same numbers as a table.
    """
    long = wide.reset_index(names="Jaar").melt("Jaar", var_name="Indicator", value_name="%")
    long = long.dropna(subset=["%"])
    names = ", ".join(str(c) for c in wide.columns)
    return (
        alt.Chart(long, description=f"Trend per jaar (% van de volwassenen) van: {names}.")
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=50, aria=False), aria=False)
        .encode(
            x=alt.X("Jaar:O", title=None),
            y=alt.Y("%:Q", title="% van de volwassenen", scale=alt.Scale(zero=False)),
            tooltip=["Jaar", "Indicator", alt.Tooltip("%:Q", format=".1f")],
        )
        .properties(width=220, height=120)
        .facet(
            facet=alt.Facet("Indicator:N", title=None, header=alt.Header(labelLimit=0)),
            columns=3,
        )
        .resolve_scale(y="independent")
    )
