"""Pure chart builders: results in, plotly figures out. No Streamlit here."""

from __future__ import annotations

import plotly.graph_objects as go

from model.regions import REGIONS
from model.results import Result

REGION_NAMES = {r.id: r.name for r in REGIONS}

VARIABLE_TITLES = {
    "in_theatre": "Foreign fighters in theatre",
    "cumulative_departures": "Everyone who has set out (cumulative)",
    "returned": "Returned (cumulative)",
    "killed": "Killed (cumulative)",
    "moved_on": "Moved on to other theatres (cumulative)",
    "intercepted": "Intercepted or prevented (cumulative)",
    "departures": "Departures per month",
    "arrivals": "Arrivals per month",
}


def _series(result: Result, variable: str, region: str):  # noqa: ANN202
    if variable in ("departures", "arrivals"):
        return result.flow(variable, region)
    return result.stock(variable, region)


def regional_figure(result: Result, baseline: Result, variable: str) -> go.Figure:
    """One line per source region, stacked, with the baseline total as a dashed line.

    Parameters
    ----------
    result
        The run shown.
    baseline
        The reference run (default or calibrated parameters), drawn on every chart.
    variable
        A stock (persons at month end) or ``departures``/``arrivals`` (persons per month).
    """
    fig = go.Figure()
    dates = list(result.dates)
    for region in result.regions:
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=_series(result, variable, region),
                name=REGION_NAMES.get(region, region),
                mode="lines",
                stackgroup="regions",
                line={"width": 0.5},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=_series(baseline, variable, "total"),
            name="Baseline, all regions",
            mode="lines",
            line={"dash": "dash", "color": "black", "width": 2},
        )
    )
    unit = "persons per month" if variable in ("departures", "arrivals") else "persons"
    fig.update_layout(
        title=VARIABLE_TITLES.get(variable, variable),
        yaxis_title=unit,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15},
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        height=380,
    )
    return fig
