"""Pure chart builders: results in, plotly figures out. No Streamlit here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ffsim.core.regions import REGIONS
from ffsim.core.results import FLOWS, Result

REGION_NAMES = {r.id: r.name for r in REGIONS}

VARIABLE_TITLES = {
    "in_theatre": "Foreign fighters in theatre",
    "cumulative_departures": "Everyone who has set out (cumulative)",
    "cumulative_arrivals": "Everyone who has arrived (cumulative)",
    "returned": "Returned (cumulative)",
    "killed": "Killed (cumulative)",
    "moved_on": "Moved on to other theatres (cumulative)",
    "intercepted": "Intercepted or prevented (cumulative)",
    "departures": "Departures per month",
    "arrivals": "Arrivals per month",
}


def series(result: Result, variable: str, region: str = "total") -> np.ndarray:
    """A stock (persons at month end) or a flow (persons per month)."""
    return result.flow(variable, region) if variable in FLOWS else result.stock(variable, region)


def _unit(variable: str) -> str:
    return "persons per month" if variable in FLOWS else "persons"


def _layout(fig: go.Figure, title: str, yaxis: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=title,
        yaxis_title=yaxis,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15},
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        height=height,
    )
    return fig


def band_traces(
    x: list[str], band: np.ndarray, name: str, color: str, legend: bool = True
) -> list[dict[str, Any]]:
    """Two traces that shade between the 5% and 95% rows of ``band`` (an upper edge, then a
    lower edge filled up to it)."""
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


def regional_figure(
    result: Result, baseline: Result, variable: str, band: np.ndarray | None = None
) -> go.Figure:
    """Regions stacked, the baseline total dashed, and the posterior 90% band of the total.

    Parameters
    ----------
    result, baseline
        The run shown and the reference run drawn on every chart.
    variable
        A stock or ``departures``/``arrivals``.
    band
        Optional (2, n_months) 5% and 95% of the total over posterior draws.

    This figure is redrawn six times on every slider move, so it is built from plain dicts
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
            "line": {"width": 0.5},
        }
        for region in result.regions
    ]
    if band is not None:
        data += band_traces(dates, band, "90% posterior band (all regions)", "rgba(60,60,60,0.15)")
    data.append(
        {
            "type": "scatter",
            "x": dates,
            "y": series(baseline, variable),
            "name": "Baseline, all regions",
            "mode": "lines",
            "line": {"dash": "dash", "color": "black", "width": 2},
        }
    )
    layout = {
        "title": {"text": VARIABLE_TITLES.get(variable, variable)},
        "yaxis": {"title": {"text": _unit(variable)}},
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.15},
        "margin": {"t": 50, "b": 10, "l": 10, "r": 10},
        "height": 380,
    }
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def ledger_sankey(result: Result, region: str = "total") -> go.Figure:
    """Everyone who set out, and where they are at the end of the run."""
    nodes = [
        ("Set out", "cumulative_departures"),
        ("Stopped (home or border)", "intercepted"),
        ("Still in transit", "in_transit"),
        ("Reached Syria or Iraq", "cumulative_arrivals"),
        ("In theatre", "in_theatre"),
        ("Returned", "returned"),
        ("Killed", "killed"),
        ("Moved on", "moved_on"),
    ]
    end = [float(result.stock(key, region)[-1]) for _, key in nodes]
    links = [(0, 1), (0, 2), (0, 3), (3, 4), (3, 5), (3, 6), (3, 7)]  # the people ledger
    fig = go.Figure(
        go.Sankey(
            node={
                "label": [f"{label}: {v:,.0f}" for (label, _), v in zip(nodes, end, strict=True)],
                "pad": 12,
            },
            link={
                "source": [a for a, _ in links],
                "target": [b for _, b in links],
                "value": [end[b] for _, b in links],
            },
        )
    )
    where = REGION_NAMES.get(region, "all regions")
    fig.update_layout(
        title=f"Where everyone who set out is at {result.dates[-1]:%Y-%m} ({where})",
        height=380,
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
    )
    return fig


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
                    "rgba(100,100,100,0.12)",
                    legend=False,
                )
            )
        fig.add_trace(go.Scatter(x=dates, y=series(result, variable), name=name, mode="lines"))
    return _layout(fig, VARIABLE_TITLES.get(variable, variable), _unit(variable))


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
    return _layout(fig, f"Difference from {names[0]}", _unit(variable))


def attribution_figure(labels: Sequence[str], values: Sequence[float], title: str) -> go.Figure:
    """Horizontal bars: the contribution of each component or flow."""
    fig = go.Figure(go.Bar(x=list(values), y=list(labels), orientation="h"))
    fig.update_layout(
        title=title,
        height=120 + 40 * len(labels),
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        xaxis_title="persons",
    )
    return fig


def fit_figure(observations: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Every reported figure (range or bound as an interval) against the model, log scale.

    Hover text gives the article, the date and what was counted.
    """
    ids = [o["id"] for o in observations]
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
        f"{o['outlet']}, {o['published']}<br>refers to {o['ref_start']} to {o['date']}<br>"
        f"{o['measure']} ({o['region']}), {o['form']}, sigma {o['sigma_log']}"
        for o in observations
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=mid,
            y=ids,
            mode="markers",
            name="reported (value, range or bound)",
            marker={"symbol": "line-ns-open", "size": 14, "color": "black"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [h - m for h, m in zip(hi, mid, strict=True)],
                "arrayminus": [m - a for m, a in zip(mid, lo, strict=True)],
            },
            hovertext=hover,
            hoverinfo="text+x",
        )
    )
    model = [o["model_value"] for o in observations]
    fig.add_trace(
        go.Scatter(
            x=model,
            y=ids,
            mode="markers",
            name="model: best fit and 90% posterior band",
            marker={
                "size": 9,
                "color": ["#1f77b4" if o["within"] else "#d62728" for o in observations],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [o["model_p95"] - o["model_value"] for o in observations],
                "arrayminus": [o["model_value"] - o["model_p05"] for o in observations],
            },
            hovertext=hover,
            hoverinfo="text+x",
        )
    )
    fig.update_xaxes(type="log", title="value (log scale)")
    fig.update_layout(
        height=140 + 28 * len(ids),
        margin={"t": 40, "b": 10, "l": 10, "r": 10},
        title="Reported figures against the model",
        legend={"orientation": "h"},
    )
    return fig


def residual_figure(observations: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Standardised residual z of every figure; |z| <= 1 is within one sigma."""
    fig = go.Figure(
        go.Bar(
            x=[o["z"] for o in observations],
            y=[o["id"] for o in observations],
            orientation="h",
            marker={"color": ["#1f77b4" if o["within"] else "#d62728" for o in observations]},
        )
    )
    fig.add_vline(x=-1, line_dash="dot")
    fig.add_vline(x=1, line_dash="dot")
    fig.update_layout(
        title="Standardised residuals (z)",
        height=140 + 28 * len(observations),
        margin={"t": 40, "b": 10, "l": 10, "r": 10},
    )
    return fig


def posterior_figure(
    values: np.ndarray, name: str, prior: tuple[float, float], best: float, log: bool
) -> go.Figure:
    """Histogram of a parameter's posterior draws over its prior range, best fit marked."""
    x = np.log10(values) if log else values
    lo, hi = (np.log10(prior[0]), np.log10(prior[1])) if log else prior
    fig = go.Figure(
        go.Histogram(x=x, nbinsx=30, xbins={"start": lo, "end": hi, "size": (hi - lo) / 30})
    )
    fig.add_vline(x=np.log10(best) if log else best, line_color="red")
    fig.update_layout(
        title=name,
        height=220,
        margin={"t": 40, "b": 10, "l": 10, "r": 10},
        xaxis_title=("log10 " if log else "") + "value",
        xaxis_range=[lo, hi],
        showlegend=False,
    )
    return fig


# --- forecasts: a vintage's bands and its later figures ----------------------------------------

FORECAST_COLORS = {
    "fitted": "black",
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
    """
    x = list(dates)
    fig = go.Figure()
    fig.add_traces(band_traces(x, band[[0, 4]], "90% posterior band", "rgba(31,119,180,0.15)"))
    fig.add_traces(band_traces(x, band[[1, 3]], "50% posterior band", "rgba(31,119,180,0.30)"))
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
                    "line": {"width": 1, "color": "white"},
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
        line={"color": "black", "dash": "dot", "width": 1.5},
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
    fig.update_layout(hovermode="closest")
    return _layout(fig, title, "persons")


def forecast_strip_figure(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Forest plot of later figures: each one's predictive 50% and 90% intervals and what was
    reported, on a log axis.

    ``rows`` are :meth:`ffsim.calibration.forecast.FigureForecast.as_dict` dictionaries with a
    ``label`` (the figure's name on the axis) and ``reported`` (what was reported, as text)
    added. The 90% interval is blue when it meets what the figure reports, red when it misses.
    Reported values are diamonds, ranges black bars, lower bounds right-pointing triangles and
    upper bounds left-pointing ones. Values at or below zero (a difference's interval can cross
    zero) are drawn at the left edge of the axis, and the hover says so.
    """
    labels = [r["label"] for r in rows]
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
            ys += [r["label"], r["label"], None]
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
            line={"color": "rgba(90,90,90,0.55)", "width": 9},
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
            marker={"color": "white", "size": 8, "line": {"color": "black", "width": 1}},
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
                line={"color": "black", "width": 4},
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
                "color": "black",
                "size": 11,
                "symbol": [_STRIP_SYMBOLS.get(r["form"], "diamond") for r in rows],
            },
            hovertext=[
                f"{r['label']}<br>{r.get('outlet', '')}<br>reported: {r['reported']}" for r in rows
            ],
            hoverinfo="text",
        )
    )
    height = 200 + 26 * len(rows)
    top, bottom = 50, 110
    fig.update_xaxes(type="log", title="value (log scale)", dtick=1, side="bottom")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(
        title="Later figures against the vintage's posterior predictive",
        height=height,
        margin={"t": top, "b": bottom, "l": 10, "r": 10},
        # below the axis title, whatever the number of rows
        legend={"orientation": "h", "y": -60 / (height - top - bottom), "yanchor": "top"},
        hovermode="closest",
    )
    return fig
