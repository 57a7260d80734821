"""Pieces shared by the chart builders: a variable's series and unit, the common layout, and the
shaded posterior band. Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
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


FIGURE_MEASURES = {
    "in_theatre": "in_theatre",
    "returned": "returned",
    "killed": "killed",
    "cumulative_departures": "cumulative_departures",
    "arrivals_per_month": "arrivals",
    "arrivals_total": "arrivals",
}
"""The chart variable each measure of a reported figure is drawn on (stocks at their dates,
flows per month over their periods)."""

_SYMBOLS = {"lower_bound": "triangle-up", "upper_bound": "triangle-down"}


def figure_traces(figures: Sequence[Any], variable: str, region: str = "total") -> list[dict]:
    """Reported figures (``Observation``) drawn where they belong on ``variable``'s chart: a
    stock as a marker at its date, a flow as a segment at its monthly rate over its period.
    Only figures of ``region`` (the chart's regions), fitted or held out for validation.
    A bound is a triangle pointing the open way; a range its middle, the range as error bars.
    """
    points: dict[str, list] = {"x": [], "y": [], "lo": [], "hi": [], "text": [], "symbol": []}
    segments: dict[str, list] = {"x": [], "y": [], "text": []}
    for o in figures:
        if FIGURE_MEASURES.get(o.measure or "") != variable or o.region != region:
            continue
        if o.use not in ("fit", "validation"):
            continue
        low, high = o.reported_low, o.reported_high
        mid = high if low == 0 else low if high == float("inf") else (low * high) ** 0.5
        months = max((o.ref_end - o.ref_start).days / 30.4375, 1.0)
        per = months if o.measure == "arrivals_total" else 1.0
        text = f"{o.label}<br>reported: {mid / per:,.0f}{' a month' if per != 1 else ''} ({o.id})"
        if VARIABLES[variable].kind == "flow":
            segments["x"] += [o.ref_start.isoformat(), o.ref_end.isoformat(), None]
            segments["y"] += [mid / per, mid / per, None]
            segments["text"] += [text, text, None]
        else:
            points["x"].append(o.ref_end.isoformat())
            points["y"].append(mid)
            points["lo"].append(mid - low if o.form == "range" else 0.0)
            points["hi"].append(high - mid if o.form == "range" else 0.0)
            points["text"].append(text)
            points["symbol"].append(_SYMBOLS.get(o.form, "diamond"))
    style = {"type": "scatter", "name": "Reported figures", "hoverinfo": "text"}
    out: list[dict] = []
    if points["x"]:
        out.append(
            {
                **style,
                "x": points["x"],
                "y": points["y"],
                "hovertext": points["text"],
                "mode": "markers",
                "marker": {"symbol": points["symbol"], "size": 10, "color": "#d62728"},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": points["hi"],
                    "arrayminus": points["lo"],
                },
            }
        )
    if segments["x"]:
        out.append(
            {
                **style,
                "x": segments["x"],
                "y": segments["y"],
                "hovertext": segments["text"],
                "mode": "lines",
                "line": {"color": "#d62728", "width": 4},
            }
        )
    return out
