"""Chart builders of the Sensitivity page: a tornado of one-at-a-time settings and the Sobol
indices over time. Results of ``ffsim.scenarios.sensitivity`` in, plotly figures out; no
Streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ffsim.app.chart_parts import (
    LEGEND,
    MARGIN,
    NEUTRAL_COLOUR,
    PALETTE,
    REGION_NAMES,
    TICK_FORMAT,
    axis_labels,
    axis_layout,
    row_height,
    title_layout,
)
from ffsim.core.parameters import SPECS_BY_NAME
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.sensitivity import SobolResult, TornadoBar

SOBOL_TOP = 8
"""Inputs drawn on the Sobol charts: those with the largest total index at any date."""

SOBOL_COLOURS = PALETTE[:8]
"""The colour of each input on both Sobol charts (by its rank), so that the two share one
legend."""


def input_label(name: str) -> str:
    """The plain label of a parameter (``name`` or ``name.region``) or a lever; else the name."""
    field, _, region = name.partition(".")
    if name in LEVER_SPECS:
        return LEVER_SPECS[name].label
    spec = SPECS_BY_NAME.get(field)
    if spec is None or not spec.label:
        return name
    return f"{spec.label} ({REGION_NAMES.get(region, region)})" if region else spec.label


def _setting(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def tornado_figure(base: float, bars: Sequence[TornadoBar], title: str, unit: str) -> go.Figure:
    """Horizontal bars from the base value to the output at each input's low and high setting,
    the largest swing on top.
    """
    labels = axis_labels([input_label(b.name) for b in bars])
    fig = go.Figure()
    for side, colour in (("low", "#4c78a8"), ("high", "#e15759")):
        outputs = [getattr(b, f"{side}_output") for b in bars]
        settings = [getattr(b, f"{side}_setting") for b in bars]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[v - base for v in outputs],
                base=base,
                orientation="h",
                name=f"{side} setting",
                marker_color=colour,
                customdata=[[_setting(s), o] for s, o in zip(settings, outputs, strict=True)],
                hovertemplate="%{y}<br>setting %{customdata[0]}: %{customdata[1]:,.0f}"
                f"<extra>{side}</extra>",
            )
        )
    fig.add_vline(x=base, line_color=NEUTRAL_COLOUR, line_width=1)
    heading = title_layout(title)
    fig.update_layout(
        title=heading["title"],
        barmode="overlay",
        xaxis={"title": {"text": unit}, "automargin": True, "tickformat": TICK_FORMAT},
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": labels,
            "automargin": True,
        },
        height=max(380, row_height(labels, 22) * len(bars) + 120),
        margin={**MARGIN, "t": heading["margin_top"]},
        legend=LEGEND,
    )
    return fig


def top_inputs(result: SobolResult, top: int = SOBOL_TOP) -> list[int]:
    """Columns of the ``top`` inputs with the largest total index at any date, largest first."""
    return [int(j) for j in np.argsort(-result.total.max(axis=0), kind="stable")[:top]]


def sobol_figure(
    result: SobolResult, which: str, title: str, top: int = SOBOL_TOP, legend: bool = True
) -> go.Figure:
    """A line per input (the ``top`` by total index) of its ``which`` index ("first_order" or
    "total") at each date, each input in its colour (:data:`SOBOL_COLOURS`) on both charts.
    ``legend=False`` hides the legend: the Sensitivity page draws the pair's one legend above
    them (``ffsim.app.legend``).
    """
    values = getattr(result, which)
    x = [f"{d:%Y-%m}" for d in result.dates]
    fig = go.Figure()
    for rank, j in enumerate(top_inputs(result, top)):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=values[:, j],
                mode="lines+markers",
                name=input_label(result.names[j]),
                line={"color": SOBOL_COLOURS[rank % len(SOBOL_COLOURS)]},
            )
        )
    heading = title_layout(title)
    fig.update_layout(
        title=heading["title"],
        hovermode="x unified",
        height=380,
        margin={**MARGIN, "t": heading["margin_top"]},
        legend=LEGEND,
        showlegend=legend,
        **axis_layout(),
    )
    fig.update_yaxes(
        title_text="index",
        range=[0, max(1.0, float(np.nanmax(values, initial=0.0)))],
        tickformat=".2~f",
    )
    return fig
