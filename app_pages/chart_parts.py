"""Pieces shared by the chart builders: a variable's series and unit, the common layout, and the
shaded posterior band. Pure functions, no Streamlit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from ffsim.core.regions import REGIONS
from ffsim.core.results import Result
from ffsim.core.variables import VARIABLES

REGION_NAMES = {r.id: r.name for r in REGIONS}
"""Display name of each source region."""

MARGIN = {"t": 50, "b": 10, "l": 10, "r": 10}
"""Margins (pixels) of most charts."""


def series(result: Result, variable: str, region: str = "total") -> np.ndarray:
    """A stock (persons at month end) or a flow (persons per month), by its kind in
    ``ffsim.core.variables``.
    """
    if VARIABLES[variable].kind == "flow":
        return result.flow(variable, region)
    return result.stock(variable, region)


def variable_title(variable: str) -> str:
    """A chart title for ``variable`` (``ffsim.core.variables``)."""
    return VARIABLES[variable].title


def variable_unit(variable: str) -> str:
    """The unit of ``variable``'s values, for an axis title."""
    return VARIABLES[variable].unit


def layout(fig: go.Figure, title: str, yaxis: str, height: int = 380) -> go.Figure:
    """Apply the common layout: title, y-axis title, unified hover, legend below."""
    fig.update_layout(
        title=title,
        yaxis_title=yaxis,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15},
        margin=MARGIN,
        height=height,
    )
    return fig


def band_traces(
    x: list[str], band: np.ndarray, name: str, color: str, legend: bool = True
) -> list[dict[str, Any]]:
    """Two traces that shade between the 5% and 95% rows of ``band`` (an upper edge, then a
    lower edge filled up to it).
    """
    edge = {"type": "scatter", "x": x, "mode": "lines", "line": {"width": 0}}
    return [
        {**edge, "y": band[1], "showlegend": False, "hoverinfo": "skip", "name": "95%"},
        {
            **edge,
            "y": band[0],
            "fill": "tonexty",
            "fillcolor": color,
            "name": name,
            "showlegend": legend,
            "hoverinfo": "x+y" if legend else "skip",
        },
    ]
