"""Chart builders of the Forecasts page: a vintage's posterior bands with the reported figures
marked, and the strip of later figures against the vintage's posterior predictive. Pure
functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ffsim.app.chart_parts import (
    LEGEND,
    NEUTRAL_COLOUR,
    band_traces,
    layout,
    legend_rows,
    title_layout,
    wrap,
)
from ffsim.core.variables import PERSONS

FORECAST_COLORS = {
    "fitted": NEUTRAL_COLOUR,
    "inside": "#1f77b4",
    "outside": "#d62728",
}
"""Colour of a reported figure on the forecast charts: fitted by the vintage, or a later figure
whose 90% predictive interval meets (inside) or misses (outside) what it reports."""

FORECAST_STATUS_NAMES = {
    "fitted": "fitted by this vintage",
    "inside": "later figure, inside its 90% predictive interval",
    "outside": "later figure, outside its 90% predictive interval",
}

STRIP_LABEL_WIDTH = 32
"""Characters of a line of a figure's name on the strip's axis: a longer name is wrapped, so
that the names leave room for the plot on a phone."""

STRIP_AXIS_ROOM = 60
"""Pixels below the strip's rows for its tick labels and axis title."""

STRIP_LEGEND_WIDTH = 330
"""Pixels of width the strip's legend rows are reckoned for: a phone's, so that the legend at
the foot never runs into the axis title (on a wider screen it leaves a little room)."""

_BAND_SYMBOLS = {"lower_bound": "triangle-up", "upper_bound": "triangle-down"}
_STRIP_SYMBOLS = {"lower_bound": "triangle-right", "upper_bound": "triangle-left"}


def reported_position(low: float, high: float | None, form: str) -> tuple[float, float, float]:
    """Where a reported figure is drawn: (position, lowest, highest value it allows).

    A value is drawn at itself, a range at its geometric middle with its ends, a lower bound at
    the bound (``high`` is ``None`` or infinite) and an upper bound at the bound (``low`` 0).
    """
    if high is None or not np.isfinite(high):
        return low, low, low
    if form == "upper_bound" or low <= 0:
        return high, high, high
    if form == "range":
        return float(np.sqrt(low * high)), low, high
    return low, low, high


def forecast_band_figure(
    dates: Sequence[str],
    band: np.ndarray,
    title: str,
    vintage_date: str,
    marks: Sequence[Mapping[str, Any]] = (),
    legend: bool = False,
) -> go.Figure:
    """A vintage's posterior bands over time, its date, and the reported figures on the chart.

    Parameters
    ----------
    dates
        Month-end dates (ISO text), one per column of ``band``.
    band
        (5, n_months): the 5%, 25%, 50%, 75% and 95% of the model value over posterior draws.
    title
        Chart title.
    vintage_date
        ISO date of the vintage, drawn as a vertical line.
    marks
        Reported figures: ``id``, ``date`` (ISO), ``reported_low``, ``reported_high`` (``None``
        for a lower bound), ``form``, ``status`` (a key of :data:`FORECAST_STATUS_NAMES`) and
        ``hover`` (text). A range is drawn with its ends, a lower bound as an upward triangle and
        an upper bound as a downward one. One trace per status.
    legend
        Whether the chart shows its own legend: by default not, and the Forecasts page draws
        the one legend of its grid of these charts above them (``ffsim.app.legend``).
    """
    x = list(dates)
    fig = go.Figure()
    fig.add_traces(band_traces(x, band[[0, 4]], "90% posterior band", "rgba(31,119,180,0.25)"))
    fig.add_traces(band_traces(x, band[[1, 3]], "50% posterior band", "rgba(31,119,180,0.45)"))
    fig.add_trace(
        go.Scatter(x=x, y=band[2], name="posterior median", mode="lines", line={"color": "#1f77b4"})
    )
    for status, name in FORECAST_STATUS_NAMES.items():
        chosen = [m for m in marks if m["status"] == status]
        if not chosen:
            continue
        where = [
            reported_position(m["reported_low"], m["reported_high"], m["form"]) for m in chosen
        ]
        fig.add_trace(
            go.Scatter(
                x=[m["date"] for m in chosen],
                y=[w[0] for w in where],
                name=name,
                mode="markers",
                marker={
                    "color": FORECAST_COLORS[status],
                    "size": 11,
                    "symbol": [_BAND_SYMBOLS.get(m["form"], "circle") for m in chosen],
                    "line": {"width": 0},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [w[2] - w[0] for w in where],
                    "arrayminus": [w[0] - w[1] for w in where],
                    "color": FORECAST_COLORS[status],
                },
                text=[m["id"] for m in chosen],
                hovertext=[m["hover"] for m in chosen],
                hoverinfo="text",
            )
        )
    fig.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=vintage_date,
        x1=vintage_date,
        y0=0,
        y1=1,
        line={"color": NEUTRAL_COLOUR, "dash": "dot", "width": 1.5},
    )
    fig.add_annotation(
        x=vintage_date,
        y=1,
        xref="x",
        yref="paper",
        text=f"vintage {vintage_date}",
        showarrow=False,
        xanchor="left",
        yanchor="top",
    )
    layout(fig, title, PERSONS)
    fig.update_layout(hovermode="closest", showlegend=legend)
    return fig


def forecast_strip_figure(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Forest plot of later figures: each one's predictive 50% and 90% intervals and what was
    reported, on a log axis.

    ``rows`` are :meth:`ffsim.calibration.forecast.FigureForecast.as_dict` dictionaries with a
    ``label`` (the figure's name on the axis) and ``reported`` (what was reported, as text)
    added. The 90% interval is blue when it meets what the figure reports, red when it misses.
    Reported values are diamonds, ranges grey bars, lower bounds right-pointing triangles and
    upper bounds left-pointing ones. Values at or below zero (a difference's interval can cross
    zero) are drawn at the left edge of the axis, and the hover says so.
    """
    labels = [wrap(r["label"], STRIP_LABEL_WIDTH) for r in rows]
    positive = [
        v
        for r in rows
        for v in (r["p05"], r["p95"], r["reported_low"], r["reported_high"])
        if v is not None and np.isfinite(v) and v > 0
    ]
    floor = min(positive) / 2 if positive else 1.0

    def clip(v: float) -> float:
        return v if v > floor else floor

    def segments(pick: Sequence[Mapping[str, Any]], a: str, b: str) -> tuple[list, list]:
        xs: list[Any] = []
        ys: list[Any] = []
        for r in pick:
            xs += [clip(r[a]), clip(r[b]), None]
            label = wrap(r["label"], STRIP_LABEL_WIDTH)
            ys += [label, label, None]
        return xs, ys

    fig = go.Figure()
    for inside, color, name in (
        (True, FORECAST_COLORS["inside"], "90% predictive interval, meets the figure"),
        (False, FORECAST_COLORS["outside"], "90% predictive interval, misses the figure"),
    ):
        pick = [r for r in rows if bool(r["inside_90"]) == inside]
        if pick:
            xs, ys = segments(pick, "p05", "p95")
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=name,
                    line={"color": color, "width": 2},
                    hoverinfo="skip",
                )
            )
    xs, ys = segments(rows, "p25", "p75")
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            name="50% predictive interval",
            line={"color": "rgba(128,128,128,0.45)", "width": 9},
            hoverinfo="skip",
        )
    )
    hover = [
        f"{r['label']}<br>{r.get('outlet', '')}<br>predictive median {r['p50']:,.4g}; "
        f"50%: {r['p25']:,.4g} to {r['p75']:,.4g}; 90%: {r['p05']:,.4g} to {r['p95']:,.4g}"
        + ("<br>(the interval extends to zero or below)" if r["p05"] <= floor else "")
        for r in rows
    ]
    fig.add_trace(
        go.Scatter(
            x=[clip(r["p50"]) for r in rows],
            y=labels,
            mode="markers",
            name="predictive median",
            marker={
                "color": "rgba(0,0,0,0)",
                "size": 8,
                "line": {"color": NEUTRAL_COLOUR, "width": 2},
            },
            hovertext=hover,
            hoverinfo="text",
        )
    )
    ranges = [r for r in rows if r["form"] == "range"]
    if ranges:
        xs, ys = segments(ranges, "reported_low", "reported_high")
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name="reported range",
                line={"color": NEUTRAL_COLOUR, "width": 4},
                hoverinfo="skip",
            )
        )
    where = [reported_position(r["reported_low"], r["reported_high"], r["form"]) for r in rows]
    fig.add_trace(
        go.Scatter(
            x=[clip(w[0]) for w in where],
            y=labels,
            mode="markers",
            name="reported (value, range, bound)",
            marker={
                "color": NEUTRAL_COLOUR,
                "size": 11,
                "symbol": [_STRIP_SYMBOLS.get(r["form"], "diamond") for r in rows],
            },
            hovertext=[
                f"{r['label']}<br>{r.get('outlet', '')}<br>reported: {r['reported']}" for r in rows
            ],
            hoverinfo="text",
        )
    )
    # every row as tall as the most lines of a name; the plot exactly the rows (the axis's
    # range is the rows', so no band is left empty above or below them), or for a few rows at
    # least twice what the title, the axis and the legend at the foot take, and the legend
    # once more (two thirds of the chart however its rows wrap)
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    heading = title_layout("Later figures against the vintage's posterior predictive")
    names = [t.name for t in fig.data if t.showlegend is not False and t.name]
    legend = 22 * legend_rows(names, STRIP_LEGEND_WIDTH) + 10
    top, bottom = heading["margin_top"], STRIP_AXIS_ROOM + legend
    rows_height = len(rows) * (16 * lines + 10)
    height = max(rows_height, 2 * (top + bottom) + 3 * legend) + top + bottom
    fig.update_xaxes(
        type="log", title="value (log scale)", nticks=6, side="bottom", automargin=True
    )
    fig.update_yaxes(range=[len(rows) - 0.5, -0.5], automargin=True)
    fig.update_layout(
        title=heading["title"],
        height=height,
        margin={"t": top, "b": bottom, "l": 10, "r": 10},
        legend={**LEGEND, "xref": "container"},  # from the chart's edge, not the plot's: the
        hovermode="closest",  # names on the axis take half a phone's width
    )
    return fig
