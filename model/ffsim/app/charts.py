"""Chart builders of the Explore, Compare and Learn pages: results in, plotly figures out.

Stocks and flows by region with the posterior band, scenarios overlaid and their differences,
and the bars of an attribution. No Streamlit here. The ledger chart is in
``ffsim.app.sankey``, the calibration charts in ``ffsim.app.calibration_charts`` and
the forecast charts in ``ffsim.app.forecast_charts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ffsim.app.chart_parts import (
    BAND_FILL,
    BASELINE_COLOUR,
    LEGEND,
    MARGIN,
    PLOT_FRACTION,
    REGION_COLOURS,
    REGION_NAMES,
    axis_layout,
    band_traces,
    figure_traces,
    layout,
    legend_rows,
    series,
    title_layout,
    variable_title,
    variable_unit,
)

# The Forecasts page (model/ffsim/app/pages/forecasts_page.py) reads these through this module.
from ffsim.core.results import Result

CHART_VARIABLES = (
    "in_theatre",
    "cumulative_departures",
    "cumulative_arrivals",
    "returned",
    "killed",
    "moved_on",
    "intercepted",
    "departures",
    "arrivals",
)
"""The stocks and flows the app offers to chart, in the order it lists them."""

VARIABLE_TITLES: dict[str, str] = {name: variable_title(name) for name in CHART_VARIABLES}
"""Chart title of each variable the app offers (``ffsim.core.variables``)."""


def regional_figure(
    result: Result,
    baseline: Result,
    variable: str,
    band: np.ndarray | None = None,
    figures: Sequence[Any] = (),
    legend: bool = False,
) -> go.Figure:
    """Regions stacked, the baseline total dashed, and the posterior 90% band of the total.

    Parameters
    ----------
    result, baseline
        The run shown and the reference run drawn on every chart.
    variable
        A stock or a flow (``ffsim.core.variables``).
    band
        Optional (2, n_months) 5% and 95% of the total over posterior draws.
    figures
        Reported figures (``Observation``) to mark: of those dated within the run, the world
        totals drawn on ``variable``'s chart, fitted ones and validation ones each in their
        style (``chart_parts.figure_traces``). The Explore page passes the fitted figures its
        score counts and the validation figures.
    legend
        Whether the chart shows its own legend (eleven entries, which would take a third of
        the chart): by default not, and the Explore page draws its grid's one legend above the
        charts (``ffsim.app.legend``).

    This figure is redrawn seven times on every slider move, so it is built from plain dicts
    without plotly's per-property validation (``_validate=False``: half the build time,
    benchmarks/app_speed.py); a test validates its output through the public constructor.
    """
    dates = [d.isoformat() for d in result.dates]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": dates,
            "y": series(result, variable, region),
            "name": REGION_NAMES.get(region, region),
            "mode": "lines",
            "stackgroup": "regions",
            "line": {"width": 0.5, "color": REGION_COLOURS[i % len(REGION_COLOURS)]},
        }
        for i, region in enumerate(result.regions)
    ]
    if band is not None:
        data += band_traces(dates, band, "90% posterior band (all regions)", BAND_FILL)
    data.append(
        {
            "type": "scatter",
            "x": dates,
            "y": series(baseline, variable),
            "name": "Baseline, all regions",
            "mode": "lines",
            "line": {"dash": "dash", "color": BASELINE_COLOUR, "width": 2},
        }
    )
    first, last = result.dates[0].replace(day=1), result.dates[-1]
    data += figure_traces(
        [o for o in figures if first <= o.ref_start and o.ref_end <= last], variable
    )
    axes = axis_layout()
    axes["yaxis"]["title"] = {"text": variable_unit(variable)}
    heading = title_layout(variable_title(variable))
    fig_layout = {
        "title": heading["title"],
        **axes,
        "hoverlabel": {"namelength": -1},
        "hovermode": "x unified",
        "legend": LEGEND,
        "showlegend": legend,
        "margin": {**MARGIN, "t": heading["margin_top"]},
        "height": 380,
    }
    return go.Figure({"data": data, "layout": fig_layout}, _validate=False)


def overlay_figure(
    results: Mapping[str, Result], variable: str, bands: Mapping[str, np.ndarray] | None = None
) -> go.Figure:
    """One line per scenario (totals), with each scenario's posterior band if given."""
    fig = go.Figure()
    for name, result in results.items():
        dates = list(result.dates)
        if bands and name in bands:
            fig.add_traces(
                band_traces(
                    [d.isoformat() for d in dates],
                    bands[name],
                    f"{name}: 90%",
                    BAND_FILL,
                    legend=False,
                )
            )
        fig.add_trace(go.Scatter(x=dates, y=series(result, variable), name=name, mode="lines"))
    title = variable_title(variable)
    return _fit_plot(layout(fig, title, variable_unit(variable)), title_layout(title)["margin_top"])


AXIS_ROOM = 66
"""Pixels below a plot for its tick labels and axis title (or above the legend at the foot)."""

COLUMN_WIDTH = 360
"""Pixels of width a legend at a chart's foot is reckoned for: a chart of a two-column grid at
1280 px is wider, a phone's chart about as wide."""


def _fit_plot(fig: go.Figure, top: int) -> go.Figure:
    """Make ``fig`` tall enough that its plot takes :data:`~ffsim.app.chart_parts.PLOT_FRACTION`
    of it, with its title ``top`` pixels high and its legend (if shown) wrapped at
    :data:`COLUMN_WIDTH`.
    """
    names = [t.name for t in fig.data if t.showlegend is not False and t.name]
    shown = fig.layout.showlegend if fig.layout.showlegend is not None else len(names) > 1
    legend = 22 * legend_rows(names, COLUMN_WIDTH) if shown and names else 0
    overhead = top + AXIS_ROOM + legend
    fig.update_layout(height=max(fig.layout.height or 0, int(overhead / (1 - PLOT_FRACTION)) + 30))
    return fig


def difference_figure(results: Mapping[str, Result], variable: str) -> go.Figure:
    """Each scenario minus the first, over time (totals)."""
    names = list(results)
    first = series(results[names[0]], variable)
    fig = go.Figure()
    for name in names[1:]:
        fig.add_trace(
            go.Scatter(
                x=list(results[name].dates),
                y=series(results[name], variable) - first,
                name=name,
                mode="lines",
            )
        )
    return _fit_plot(
        layout(fig, f"Difference from {names[0]}", variable_unit(variable)),
        title_layout(f"Difference from {names[0]}")["margin_top"],
    )


def attribution_figure(labels: Sequence[str], values: Sequence[float], title: str) -> go.Figure:
    """Horizontal bars: the contribution of each component or flow."""
    fig = go.Figure(go.Bar(x=list(values), y=list(labels), orientation="h"))
    heading = title_layout(title)
    fig.update_layout(
        title=heading["title"],
        height=120 + 40 * len(labels),
        margin={**MARGIN, "t": heading["margin_top"]},
        xaxis={"title": {"text": "persons"}, "automargin": True, "tickformat": ",~r"},
        yaxis={"automargin": True},
        showlegend=False,
        bargap=0.6 if len(labels) < 3 else 0.2,  # one bar in a chart of two thirds: not a block
    )
    return _fit_plot(fig, heading["margin_top"])
