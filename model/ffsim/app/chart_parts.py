"""Pieces shared by the chart builders: a variable's series and unit, the common layout
(margins, wrapped titles, a legend at the foot), colours that read in light and dark mode, the
shaded posterior band and the marks of reported figures (the one legend of a group of charts is
:mod:`ffsim.app.legend`).
Pure functions, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ffsim.core.drivers import months_since
from ffsim.core.regions import REGIONS
from ffsim.core.results import Result
from ffsim.core.variables import VARIABLES

REGION_NAMES = {r.id: r.name for r in REGIONS}
"""Display name of each source region."""

MARGIN = {"t": 50, "b": 40, "l": 10, "r": 10}
"""Margins (pixels) of most charts: room at the bottom for the year labels, which plotly's
automatic margins (``automargin`` on both axes) widen further if they need."""

LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#0e1117"
"""The page backgrounds of Streamlit's light and dark themes: every colour a chart sets itself
is chosen to read on both (``contrast_ratio``; tests/app/test_chart_legibility.py)."""

BASELINE_COLOUR = "#9467bd"
"""The dashed calibrated baseline: a mid-tone violet, at least 3:1 against both backgrounds
(black vanished in dark mode)."""

NEUTRAL_COLOUR = "#808080"
"""Marks drawn without a meaning of their own (reported values, reference lines): a mid grey
that reads on both backgrounds, where black or white vanishes on one."""

BAND_FILL = "rgba(128,128,128,0.30)"
"""The shading of a posterior band: mid grey, half-transparent, visible over white and over
#0e1117 (a light grey band vanished in dark mode)."""

PALETTE = (
    "#1f77b4",
    "#d9730d",
    "#2ca02c",
    "#159aab",
    "#8a8b17",
    "#a0675a",
    "#d45fb0",
    "#d62728",
    "#9467bd",
)
"""Plotly's palette with its light colours (orange, cyan, olive, pink) and dark brown toned to
mid tones: every colour at least 3:1 against both backgrounds."""

REGION_COLOURS = PALETTE[:7]
"""The colour of each source region, in the order of ``ffsim.core.regions.REGIONS``: the
palette without its red (the reported figures) and violet (the baseline)."""

TICK_FORMAT = ",~r"
"""Axis numbers: thousands separated, significant digits, no trailing zeros (25,000; 0.5)."""

PLOT_FRACTION = 2 / 3
"""The least share of a chart's height its plot area takes (the rest: title, legend, axes)."""


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


HOVER_FORMAT = ",.4~r"
"""How a hover shows a value: four significant digits, thousands separated, no exponent
(25,350; 120.1; 0.6744), rather than every digit of the float."""


LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "font": {"size": 11},
}
"""A compact horizontal legend at the foot of the chart (placed in the chart's own box, not the
plot's, so that it never meets the title or the axis labels however many rows it wraps to;
plotly's automatic margin makes room for it)."""

TITLE_WIDTH = 40
"""Characters of a title line: a longer title is wrapped (plotly never wraps one, and a phone's
chart is about 45 characters of title wide)."""


def wrap(text: str, width: int = TITLE_WIDTH) -> str:
    """``text`` in lines of at most ``width`` characters (a longer word on a line of its own),
    joined by plotly's ``<br>``.
    """
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


LABEL_WIDTH = 30
"""Characters of a line of a row's label on a chart of horizontal rows (the calibration's
figures, the tornado's inputs): a longer label wraps, so that a phone's chart keeps room for
its plot and its labels stay inside it."""


def axis_labels(labels: Sequence[str], width: int = LABEL_WIDTH) -> list[str]:
    """The rows' labels wrapped to ``width`` characters a line (:func:`wrap`)."""
    return [wrap(label, width) for label in labels]


def row_height(rows: Sequence[str], least: int = 28) -> int:
    """Pixels of a row that holds the tallest of ``rows`` (lines of about 15 px), at least
    ``least``.
    """
    return max(least, 8 + 15 * max((r.count("<br>") + 1 for r in rows), default=1))


def title_layout(text: str) -> dict[str, Any]:
    """A chart's title, wrapped (:func:`wrap`), and the top margin its lines need."""
    lines = wrap(text).count("<br>") + 1
    return {"title": {"text": wrap(text)}, "margin_top": 30 + 22 * lines}


def axis_layout() -> dict[str, Any]:
    """Both axes: automatic margins (tick labels never clipped) and separated numbers."""
    return {
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True, "tickformat": TICK_FORMAT, "hoverformat": HOVER_FORMAT},
    }


def layout(fig: go.Figure, title: str, yaxis: str, height: int = 380) -> go.Figure:
    """Apply the common layout: title, y-axis title, unified hover with rounded values and
    whole trace names, the title wrapped, a compact legend at the foot, margins for the year
    labels.
    """
    heading = title_layout(title)
    fig.update_layout(
        title=heading["title"],
        hoverlabel_namelength=-1,
        hovermode="x unified",
        legend=LEGEND,
        margin={**MARGIN, "t": heading["margin_top"]},
        height=height,
        **axis_layout(),
    )
    fig.update_yaxes(title_text=yaxis)
    return fig


LEGEND_WIDTH = 560
"""Pixels of width a chart's own legend is reckoned for (a chart of a two-column grid at
1280 px)."""


def legend_rows(names: list[str], width: int = LEGEND_WIDTH) -> int:
    """Rows a horizontal legend of ``names`` wraps to at ``width`` pixels: an entry is about
    40 px of symbol and gaps and 6.5 px a character (plotly's legend at 11-12 px type).
    """
    rows, used = 1, 0.0
    for name in names:
        entry = 40 + 6.5 * len(name)
        if used and used + entry > width:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


def _luminance(colour: str) -> float:
    text = colour.lstrip("#")
    channels = [int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour: str, background: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21; 3 is the least for lines and
    marks, WCAG 2.1 non-text contrast).
    """
    a, b = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


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
    "cumulative_arrivals": "cumulative_arrivals",
    "cumulative_departures": "cumulative_departures",
    "in_theatre": "in_theatre",
    "returned": "returned",
    "killed": "killed",
    "arrivals_per_month": "arrivals",
    "arrivals_total": "arrivals",
    "arrivals_peak_month": "arrivals",
    "departures_per_month": "departures",
}
"""The chart variable each measure of a reported figure is drawn on: a stock at its date, a
flow over its period at its monthly rate (a total over a period at its monthly average; the
highest month of a period at that month's rate, across the period)."""

NOT_DRAWN = {
    "arrivals_ratio": "ratios of arrivals in two periods",
    "in_theatre_fall_from_peak": "a fall from a peak",
    "killed_all_fighters_total": "fighters killed with the local ones",
    "fighting_abroad": "those fighting abroad (in theatre or moved on)",
}
"""Measures no monthly chart can show (neither a stock at a date nor a flow per month), in
words; the Calibration page shows them."""

MARK_STYLES = {
    "fit": {"name": "Reported figures (counted in the score)", "color": "#d62728", "open": False},
    "validation": {
        "name": "Later figures (validation, never fitted)",
        "color": NEUTRAL_COLOUR,
        "open": True,
    },
}
"""How the figures of each ``use`` are drawn: fitted ones red and filled, the validation
figures (``data/validation.csv``, published later) grey and hollow."""

_SYMBOLS = {"lower_bound": "triangle-up", "upper_bound": "triangle-down"}


def reported_text(o: Any) -> str:
    """What figure ``o`` (``Observation``) reports, in words with its unit, e.g. "at most
    30,000 over the period (2,502 a month on average)".
    """
    low, high = o.reported_low, o.reported_high
    if o.form == "range":
        value = f"{low:,.0f} to {high:,.0f}"
    elif o.form == "lower_bound":
        value = f"at least {low:,.0f}"
    elif o.form == "upper_bound":
        value = f"at most {high:,.0f}"
    else:
        value = f"{'roughly ' if o.form == 'roughly' else ''}{low:,.0f}"
    if o.measure == "arrivals_total":
        return f"{value} over the period ({_mark_value(o):,.0f} a month on average)"
    if o.measure == "arrivals_peak_month":
        return f"{value} in the highest month of the period"
    return f"{value} a month" if o.measure == "arrivals_per_month" else value


def _months(o: Any) -> float:
    """Months from the start of the figure's first day to the end of its last, as
    ``ffsim.calibration.measures`` counts them.
    """
    return months_since(o.ref_start, o.ref_end + dt.timedelta(days=1))


def _mark_value(o: Any) -> float:
    """Where the mark sits: a bound at the bound, a range at its geometric middle, a total over
    a period at its monthly average.
    """
    low, high = o.reported_low, o.reported_high
    mid = high if low == 0 else low if high == float("inf") else (low * high) ** 0.5
    mid /= o.counted_share
    return mid / _months(o) if o.measure == "arrivals_total" else mid


def figure_traces(figures: Sequence[Any], variable: str, region: str = "total") -> list[dict]:
    """Reported figures (``Observation``) drawn where they belong on ``variable``'s chart.

    Only figures of ``region`` (the chart's regions) whose measure is drawn on ``variable``
    (:data:`FIGURE_MEASURES`), of use ``fit`` or ``validation``, each use in its own style
    (:data:`MARK_STYLES`); which fitted figures to pass is the caller's choice. Every figure is
    a mark: a stock at its date, a flow at the middle of its period, with a bar across the
    period at its monthly rate (dotted for the highest month of a period). The mark is a
    triangle pointing the open way for a bound, a diamond with whiskers across a range, a
    diamond for a value.
    """
    out: list[dict] = []
    for use, look in MARK_STYLES.items():
        chosen = [
            o
            for o in figures
            if o.use == use
            and o.region == region
            and FIGURE_MEASURES.get(o.measure or "") == variable
        ]
        if chosen:
            out += _marks(chosen, look)
    return out


def _marks(figures: list[Any], look: dict[str, Any]) -> list[dict]:
    marks: dict[str, list] = {"x": [], "y": [], "lo": [], "hi": [], "text": [], "symbol": []}
    bars: dict[str, dict[str, list]] = {"solid": {}, "dot": {}}
    for o in figures:
        y = _mark_value(o)
        text = f"{o.label}<br>reported: {reported_text(o)}<br>{o.outlet}, {o.published} ({o.id})"
        if o.reading:
            text += f"<br>read as {o.reading} (statement {o.reading_of})"
        if o.use == "validation":
            text += "<br>published later, never fitted"
        if o.population == "fighters":
            text += "<br>counts fighters only: fitted to the model's arrivals less women and minors"
        if o.ref_start == o.ref_end:
            x = o.ref_end
        else:
            x = o.ref_start + (o.ref_end - o.ref_start) / 2
            bar = bars["dot" if o.measure == "arrivals_peak_month" else "solid"]
            bar.setdefault("x", []).extend([o.ref_start.isoformat(), o.ref_end.isoformat(), None])
            bar.setdefault("y", []).extend([y, y, None])
        marks["x"].append(x.isoformat())
        marks["y"].append(y)
        share = o.counted_share
        marks["lo"].append(y - o.reported_low / share if o.form == "range" else 0.0)
        marks["hi"].append(o.reported_high / share - y if o.form == "range" else 0.0)
        marks["text"].append(text)
        symbol = _SYMBOLS.get(o.form, "diamond")
        marks["symbol"].append(f"{symbol}-open" if look["open"] else symbol)
    group = {"legendgroup": look["name"], "name": look["name"]}
    out: list[dict] = [
        {
            "type": "scatter",
            **group,
            "x": marks["x"],
            "y": marks["y"],
            "hovertext": marks["text"],
            "hoverinfo": "text",
            "mode": "markers",
            "marker": {
                "symbol": marks["symbol"],
                "size": 10,
                "color": look["color"],
                "line": {"width": 2, "color": look["color"]},
            },
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": marks["hi"],
                "arrayminus": marks["lo"],
                "color": look["color"],
            },
        }
    ]
    for dash, bar in bars.items():
        if bar:
            out.append(
                {
                    "type": "scatter",
                    **group,
                    "x": bar["x"],
                    "y": bar["y"],
                    "mode": "lines",
                    "line": {"color": look["color"], "width": 3, "dash": dash},
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
    return out
