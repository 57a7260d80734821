"""Chart builders of the Calibration page: every reported figure against the model, the
standardised residuals, and each estimated parameter's posterior. Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ffsim.app.chart_parts import LEGEND, NEUTRAL_COLOUR, axis_labels, row_height, wrap
from ffsim.calibration.figure_labels import figure_label

TIGHT_MARGIN = {"t": 40, "b": 40, "l": 10, "r": 10}
"""Margins (pixels) of the calibration charts."""

ZERO_TEXT = "0 (drawn at the axis floor)"
"""What the hover says of a model value of 0, which a log axis cannot show."""

MODEL_BAND_COLOUR = "#4a90c8"
"""The model's 90% posterior band on the fit chart: a lighter blue than the best fit's dots
(and at least 3:1 on light and dark backgrounds), apart from the grey of what was
reported (plotly draws every error bar dark grey unless told)."""

MEASURE_WORDS = {
    "cumulative_arrivals": "everyone who has arrived",
    "cumulative_departures": "everyone who has set out",
    "in_theatre": "foreign fighters in theatre",
    "returned": "returned",
    "killed": "killed",
    "arrivals_per_month": "arrivals per month",
    "arrivals_total": "arrivals over the period",
    "arrivals_peak_month": "arrivals in the highest month",
    "departures_per_month": "departures per month",
    "arrivals_ratio": "ratio of arrivals in two periods",
    "in_theatre_fall_from_peak": "fall from the peak in theatre",
    "killed_all_fighters_total": "all fighters killed",
    "fighting_abroad": "fighting abroad",
}
"""A reported figure's measure in words, for the hover (the identifier never shown)."""

FORM_WORDS = {
    "value": "a value",
    "roughly": "a rough value",
    "range": "a range",
    "lower_bound": "a lower bound",
    "upper_bound": "an upper bound",
}


def axis_floor(values: Sequence[float]) -> float:
    """Where a log axis draws a 0: a third of the smallest positive value (1 if none)."""
    positive = [v for v in values if v > 0]
    return min(positive) / 3 if positive else 1.0


def figure_labels(observations: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each figure's plain label (``ffsim.calibration.figure_labels``), its identifier added
    where two labels would coincide (one axis row each).
    """
    labels = [
        figure_label(
            o["region"], o["measure"], o.get("quantity", ""), o["ref_start"], o["date"], o["form"]
        )
        for o in observations
    ]
    return [
        f"{label} [{o['id']}]" if labels.count(label) > 1 else label
        for label, o in zip(labels, observations, strict=True)
    ]


def fit_figure(observations: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Every reported figure (range or bound as an interval) against the model, log scale.

    Hover text gives the figure's identifier, the article, the date and what was counted.
    """
    ids = figure_labels(observations)
    # A bound is marked at the bound, with a one-sided interval of a factor 3 showing its
    # direction; a range at its geometric middle; a value at itself.
    mid, lo, hi = [], [], []
    for o in observations:
        low, high = o["reported_low"], o["reported_high"]
        if high is None:  # lower bound
            m, a, b = low, low, low * 3
        elif low == 0:  # upper bound
            m, a, b = high, high / 3, high
        else:
            m, a, b = float(np.sqrt(low * high)), low, high
        mid.append(m)
        lo.append(a)
        hi.append(b)
    hover = [
        f"{label}<br>{o['outlet']}, {o['published']}<br>"
        f"refers to {o['ref_start']} to {o['date']}<br>"
        f"{MEASURE_WORDS.get(o['measure'], o['measure'])}, "
        f"{FORM_WORDS.get(o['form'], o['form'])}, sigma {o['sigma_log']}"
        for label, o in zip(ids, observations, strict=True)
    ]
    rows = axis_labels(ids)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=mid,
            y=rows,
            mode="markers",
            name="reported (value, range or bound)",
            marker={"symbol": "line-ns-open", "size": 14, "color": NEUTRAL_COLOUR},
            error_x={
                "color": NEUTRAL_COLOUR,
                "type": "data",
                "symmetric": False,
                "array": [h - m for h, m in zip(hi, mid, strict=True)],
                "arrayminus": [m - a for m, a in zip(mid, lo, strict=True)],
            },
            hovertext=hover,
            hoverinfo="text+x",
        )
    )
    # A model value of 0 (or a band reaching 0) has no place on a log axis: it is drawn at the
    # axis floor, below every positive value, with an open marker and a hover that says so.
    floor = axis_floor(
        [*lo, *(v for o in observations for v in (o["model_value"], o["model_p05"]))]
    )
    model = [max(o["model_value"], floor) for o in observations]
    zero = [o["model_value"] <= 0 for o in observations]
    fig.add_trace(
        go.Scatter(
            x=model,
            y=rows,
            mode="markers",
            name="model: best fit and 90% posterior band",
            marker={
                "size": 9,
                "color": ["#1f77b4" if o["within"] else "#d62728" for o in observations],
                "symbol": ["circle-open" if z else "circle" for z in zero],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "color": MODEL_BAND_COLOUR,
                "thickness": 3,
                "array": [
                    max(o["model_p95"], floor) - m for o, m in zip(observations, model, strict=True)
                ],
                "arrayminus": [
                    m - max(o["model_p05"], floor) for o, m in zip(observations, model, strict=True)
                ],
            },
            hovertext=[
                f"{h}<br>model: {ZERO_TEXT if z else format(o['model_value'], ',.4g')}"
                for h, z, o in zip(hover, zero, observations, strict=True)
            ],
            hoverinfo="text",
        )
    )
    fig.update_xaxes(type="log", title="value (log scale)", automargin=True)
    fig.update_yaxes(automargin=True)
    fig.update_layout(
        height=140 + row_height(rows) * len(rows),
        margin=TIGHT_MARGIN,
        title="Reported figures against the model",
        legend=LEGEND,
    )
    return fig


def residual_figure(observations: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Standardised residual z of every figure; |z| <= 1 is within one sigma."""
    rows = axis_labels(figure_labels(observations))
    fig = go.Figure(
        go.Bar(
            x=[o["z"] for o in observations],
            y=rows,
            hovertext=[f"z = {o['z']:.2f}" for o in observations],
            orientation="h",
            marker={"color": ["#1f77b4" if o["within"] else "#d62728" for o in observations]},
        )
    )
    fig.add_vline(x=-1, line_dash="dot", line_color=NEUTRAL_COLOUR)
    fig.add_vline(x=1, line_dash="dot", line_color=NEUTRAL_COLOUR)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    fig.update_layout(
        title="Standardised residuals (z)",
        height=140 + row_height(rows) * len(rows),
        margin=TIGHT_MARGIN,
    )
    return fig


POSTERIOR_TITLE_WIDTH = 30
"""Characters of a line of a posterior chart's title (a third of the page at 1280 px)."""


def posterior_figure(
    values: np.ndarray, label: str, prior: tuple[float, float], best: float, log: bool
) -> go.Figure:
    """Histogram of a parameter's posterior draws over its prior range, best fit marked;
    ``label`` is the parameter's plain label, the chart's title.
    """
    x = np.log10(values) if log else values
    lo, hi = (np.log10(prior[0]), np.log10(prior[1])) if log else prior
    fig = go.Figure(
        go.Histogram(x=x, nbinsx=30, xbins={"start": lo, "end": hi, "size": (hi - lo) / 30})
    )
    fig.add_vline(x=np.log10(best) if log else best, line_color="red")
    fig.update_xaxes(automargin=True)
    lines = wrap(label, POSTERIOR_TITLE_WIDTH)
    top = 22 + 18 * (lines.count("<br>") + 1)
    fig.update_layout(
        title={"text": lines, "font": {"size": 14}},
        # the plot two thirds of the height: about 65 px below it for the ticks and axis title
        height=3 * (top + 70),
        margin={**TIGHT_MARGIN, "t": top},
        xaxis_title=("log10 " if log else "") + "value",
        xaxis_range=[lo, hi],
        showlegend=False,
    )
    return fig
