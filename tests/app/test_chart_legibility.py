"""Every chart builder of the explorer draws a legible figure: a plot at least two thirds of the
chart's height, margins for the tick labels, numbers thousands separated, plain names only
(never an identifier of ``ffsim.core.variables``, the parameter schema or the levers), and
colours that read on Streamlit's light and dark backgrounds. Pure builders, no browser: the
browser test (tests/app/test_browser.py) measures the drawn charts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest

from ffsim.app import calibration_charts, chart_parts, charts, sankey
from ffsim.app.forecast_charts import forecast_band_figure, forecast_strip_figure
from ffsim.app.legend import legend_entries, legend_html, symbol_svg
from ffsim.app.sbc_charts import sbc_ecdf_figure
from ffsim.app.sensitivity_charts import sobol_figure, tornado_figure
from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.observations import load_observations, load_validation
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.simulate import simulate
from ffsim.core.variables import VARIABLES
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.sensitivity import SobolResult, TornadoBar

INTERNAL_IDS = sorted(
    {*VARIABLES, *(s.name for s in PARAMETER_SPECS), *LEVER_SPECS},
    key=len,
    reverse=True,
)
"""Identifiers a user never reads: every variable, parameter and lever name (those without an
underscore are plain words, "killed", "pool", and are not looked for)."""

ID_PATTERN = re.compile(r"\b(" + "|".join(i for i in INTERNAL_IDS if "_" in i) + r")\b")


@pytest.fixture(scope="module")
def figures() -> dict[str, go.Figure]:
    """One figure of every builder, from the shipped baseline and its artifact."""
    result = simulate()
    band = np.vstack([result.stock("in_theatre") * 0.8, result.stock("in_theatre") * 1.2])
    reported = (*load_observations(), *load_validation())
    artifact = read_artifact()
    observations = artifact["observations"][:12]
    names = [s.name for s in PARAMETER_SPECS if s.category == "assumption"][:3]
    sobol = SobolResult(
        (names[0], f"{names[1]}", "radicalisation_rate.france"),
        (dt.date(2013, 12, 31), dt.date(2014, 12, 31)),
        np.array([[0.1, 0.5, 0.2], [0.2, 0.4, 0.1]]),
        np.array([[0.2, 0.6, 0.3], [0.3, 0.5, 0.2]]),
        np.zeros((2, 3)),
        8,
    )
    dates = [d.isoformat() for d in result.dates]
    quantiles = np.vstack([result.stock("in_theatre") * f for f in (0.6, 0.8, 1.0, 1.2, 1.4)])
    marks = [
        {"id": "a", "date": "2015-03-31", "reported_low": 20000.0, "reported_high": 30000.0,
         "form": "range", "status": "inside", "hover": "Europe, in theatre"},
    ]  # fmt: skip
    rows = [
        {"label": "World: in theatre, Dec 2015", "p05": 10.0, "p25": 20.0, "p50": 30.0,
         "p75": 40.0, "p95": 50.0, "reported_low": 35.0, "reported_high": 35.0,
         "form": "value", "inside_90": True, "reported": "35"},
    ]  # fmt: skip
    grid = charts.regional_figure(result, result, "in_theatre", band, reported)
    return {
        "regional": charts.regional_figure(
            result, result, "in_theatre", band, reported, legend=True
        ),
        "regional_in_grid": grid,
        "overlay": charts.overlay_figure({"Baseline": result, "Mine": result}, "arrivals"),
        "difference": charts.difference_figure({"Baseline": result, "Mine": result}, "arrivals"),
        "attribution": charts.attribution_figure(["Border closure: timing"], [120.0], "t"),
        "sankey": sankey.ledger_sankey(result),
        "fit": calibration_charts.fit_figure(observations),
        "residuals": calibration_charts.residual_figure(observations),
        "posterior": calibration_charts.posterior_figure(
            np.linspace(0.01, 0.05, 50), "Departure rate from the pool", (0.001, 0.3), 0.02, True
        ),
        "forecast_band": forecast_band_figure(dates, quantiles, "In theatre", "2015-06-30", marks),
        "forecast_strip": forecast_strip_figure(rows),
        "tornado": tornado_figure(
            100.0,
            [TornadoBar("departure_rate", "parameter", 0.01, 0.05, 80.0, 140.0)],
            "Foreign fighters in theatre",
            "persons",
        ),
        "sobol": sobol_figure(sobol, "total", "Total index", legend=False),
        "sbc": sbc_ecdf_figure(
            {f"Parameter {i}": np.random.default_rng(i).integers(0, 100, 200) for i in range(5)}
            | {"Shifted": np.random.default_rng(9).integers(0, 60, 200)},
            99,
        ),
    }


def user_text(fig: go.Figure) -> Iterator[str]:
    """Every text of the figure a user reads: titles, axis titles, annotations, trace names,
    hover texts and templates, text labels, Sankey node labels."""
    spec = json.loads(fig.to_json())
    layout = spec["layout"]

    def title(v: Any) -> str:
        return v.get("text", "") if isinstance(v, dict) else (v or "")

    yield title(layout.get("title"))
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            yield title(value.get("title"))
    yield from (a.get("text", "") for a in layout.get("annotations", []))
    for trace in spec["data"]:
        yield trace.get("name", "")
        for key in ("hovertemplate", "hovertext", "text"):
            value = trace.get(key, "")
            yield from value if isinstance(value, list) else [value]
        yield from trace.get("node", {}).get("label", [])
        yield trace.get("node", {}).get("hovertemplate", "")
        yield trace.get("link", {}).get("hovertemplate", "")


def colours(fig: go.Figure) -> Iterator[str]:
    """Every colour the figure sets itself (traces, shapes), as written."""

    def walk(node: Any, key: str = "") -> Iterator[str]:
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, key)
        elif isinstance(node, str) and "color" in key.lower():
            yield node

    spec = json.loads(fig.to_json())
    yield from walk(spec["data"])
    yield from walk(spec["layout"].get("shapes", []))


def _rgb(colour: str) -> tuple[tuple[int, int, int], float]:
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)), 1.0  # type: ignore[return-value]
    parts = [p.strip() for p in colour[colour.index("(") + 1 : -1].split(",")]
    alpha = float(parts[3]) if len(parts) == 4 else 1.0
    return (int(parts[0]), int(parts[1]), int(parts[2])), alpha


def _over(colour: str, background: str) -> str:
    """``colour`` (with its alpha) laid over ``background``, as #rrggbb."""
    (r, g, b), a = _rgb(colour)
    (br, bg, bb), _ = _rgb(background)
    mix = [round(a * c + (1 - a) * d) for c, d in zip((r, g, b), (br, bg, bb), strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mix)


BACKGROUNDS = (chart_parts.LIGHT_BACKGROUND, chart_parts.DARK_BACKGROUND)


def test_no_chart_shows_an_internal_name(figures):
    for name, fig in figures.items():
        leaks = {m for text in user_text(fig) for m in ID_PATTERN.findall(str(text))}
        assert not leaks, f"{name} shows {sorted(leaks)}"


def test_the_identifier_check_finds_an_identifier():
    assert ID_PATTERN.findall("in_theatre at radicalisation_rate.france") == [
        "in_theatre",
        "radicalisation_rate",
    ]


def test_every_colour_reads_on_light_and_dark_backgrounds(figures):
    for name, fig in figures.items():
        for colour in colours(fig):
            assert colour.lower() not in {"black", "white", "#000000", "#ffffff"}, name
            if not colour.startswith(("#", "rgb")):
                continue
            _, alpha = _rgb(colour)
            if alpha == 0:
                continue  # a hollow marker's fill
            for background in BACKGROUNDS:
                ratio = chart_parts.contrast_ratio(_over(colour, background), background)
                # a line or mark 3:1 (WCAG non-text contrast); a shaded band or link visibly apart
                least = 3.0 if alpha == 1 else 1.2
                assert ratio >= least, f"{name}: {colour} on {background}: {ratio:.2f}"


def test_the_contrast_ratio_is_wcags():
    assert chart_parts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert chart_parts.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    black_on_dark = chart_parts.contrast_ratio("#000000", chart_parts.DARK_BACKGROUND)
    assert black_on_dark < 1.2  # the old dashed baseline, vanished in dark mode


LEGEND_ROW = 20
"""Pixels of a row of a horizontal legend (plotly's, at 11-12 px type)."""


def legend_rows(fig: go.Figure, width: int = chart_parts.LEGEND_WIDTH) -> int:
    """The rows the legend of ``fig`` takes at ``width`` pixels (none if hidden)."""
    if getattr(fig.layout, "showlegend", None) is False:
        return 0
    shown = [t.name for t in fig.data if getattr(t, "showlegend", False) is not False and t.name]
    if len(shown) <= 1 and fig.layout.showlegend is not True:
        return 0  # plotly draws no legend for one trace
    return chart_parts.legend_rows(shown, width)


@pytest.mark.parametrize(
    "name",
    [
        "regional_in_grid",
        "overlay",
        "difference",
        "forecast_band",
        "sobol",
        "tornado",
        "fit",
        "residuals",
        "forecast_strip",
        "sankey",
        "sbc",
    ],
)
def test_the_plot_takes_at_least_two_thirds_of_each_chart(figures, name):
    """Height less the margins and the legend, at a grid column's width, of every chart as the
    app draws it (a chart of a grid without its legend, which the grid draws once)."""
    fig = figures[name]
    height = fig.layout.height
    margin = fig.layout.margin
    legend = LEGEND_ROW * legend_rows(fig)
    plot = height - margin.t - margin.b - legend
    assert plot / height >= chart_parts.PLOT_FRACTION, (name, plot, height, legend)


def test_a_grid_chart_hides_its_legend_and_the_group_draws_one_in_html(figures):
    grid = figures["regional_in_grid"]
    assert grid.layout.showlegend is False
    text = legend_html(grid)
    names = re.findall(r"<span>([^<]*)</span></span>", text)
    assert "Baseline, all regions" in names and "90% posterior band (all regions)" in names
    assert len(names) == len(set(names)) == len(list(legend_entries(grid)))
    # every entry flows: a wrapping line of entries, never a box of fixed height
    assert "flex-wrap:wrap" in text and not re.search(r"[;\"](max-)?height:", text)
    assert not ID_PATTERN.findall(text)


def test_the_legend_draws_each_trace_as_it_is_drawn():
    line = {"name": "a", "mode": "lines", "line": {"color": "#9467bd", "dash": "dash", "width": 2}}
    band = {"name": "b", "fill": "tonexty", "fillcolor": "rgba(31,119,180,0.2)"}
    mark = {
        "name": "c",
        "mode": "markers",
        "marker": {"symbol": ["diamond"], "color": "#808080", "size": 11},
    }
    hollow = {
        "name": "d",
        "mode": "markers",
        "marker": {"color": "rgba(0,0,0,0)", "line": {"color": "#808080", "width": 2}},
    }
    assert 'stroke-dasharray="6,3"' in symbol_svg(line) and 'stroke="#9467bd"' in symbol_svg(line)
    assert "<rect" in symbol_svg(band) and "rgba(31,119,180,0.2)" in symbol_svg(band)
    assert "<line" not in symbol_svg(band)
    diamond = symbol_svg(mark)
    assert "<path" in diamond and "<line" not in diamond and 'fill="#808080"' in diamond
    assert 'stroke="#808080"' in symbol_svg(hollow)
    opened = {"name": "f", "mode": "markers", "marker": {"symbol": "circle-open", "color": "#111"}}
    assert 'fill="none" stroke="#111"' in symbol_svg(opened)
    stacked = {"name": "e", "mode": "lines", "stackgroup": "r", "line": {"color": "#1f77b4"}}
    assert 'fill="#1f77b4" fill-opacity="0.5"' in symbol_svg(stacked)


def test_the_legend_escapes_names():
    fig = go.Figure(go.Scatter(x=[1], y=[1], name="<b>x</b> & 'y'"))
    text = legend_html(fig)
    assert "<b>" not in text and "&lt;b&gt;x&lt;/b&gt; &amp; &#x27;y&#x27;" in text
    # markdown's emphasis and maths are written as character references
    fig = go.Figure(go.Scatter(x=[1], y=[1], name="pay *in* $ per_month"))
    text = legend_html(fig)
    assert "pay &#42;in&#42; &#36; per&#95;month" in text and "$" not in text


@pytest.mark.parametrize(
    "name", ["regional", "overlay", "difference", "forecast_band", "sobol", "tornado", "sbc"]
)
def test_axes_leave_room_for_their_tick_labels(figures, name):
    fig = figures[name]
    assert fig.layout.margin.b >= 30, name  # a year label is about 15 px below the axis
    assert fig.layout.xaxis.automargin is True and fig.layout.yaxis.automargin is True, name


@pytest.mark.parametrize("name", ["regional", "overlay", "difference", "attribution", "tornado"])
def test_counts_are_thousands_separated(figures, name):
    fig = figures[name]
    axis = fig.layout.xaxis if name in {"attribution", "tornado"} else fig.layout.yaxis
    assert axis.tickformat and "," in axis.tickformat, name


def test_the_sankey_labels_are_plain_counts_at_places_apart(figures):
    node = figures["sankey"].data[0].node
    assert all(re.search(r"<br>[\d,]+$", label) for label in node.label)
    assert all(not re.search(r"\d{4}", label.split("<br>")[1]) for label in node.label)  # 1,234
    columns = sorted(set(node.x))
    for x in columns:
        same = sorted(y for xi, y in zip(node.x, node.y, strict=True) if xi == x)
        assert all(b - a >= 0.1 for a, b in itertools.pairwise(same)), x
    # the middle column's labels (right of their nodes) face the last column's (left of theirs)
    middle = [y for xi, y in zip(node.x, node.y, strict=True) if xi == columns[1]]
    last = [y for xi, y in zip(node.x, node.y, strict=True) if xi == columns[2]]
    assert min(abs(a - b) for a in middle for b in last) >= 0.1


@pytest.mark.parametrize("which", ["stock_flow", "loops"])
def test_the_diagrams_shown_name_their_nodes_and_arrows_plainly(which):
    """The Model and Learn pages draw the teaching diagrams with plain labels; the node ids
    (which links and highlights use) stay as they are."""
    from ffsim.teaching.diagram import loop_mermaid, stock_flow_mermaid
    from ffsim.teaching.plain_names import plain_diagram

    raw = stock_flow_mermaid(("in_theatre",)) if which == "stock_flow" else loop_mermaid()
    shown = plain_diagram(raw)
    labels = re.findall(r'"([^"]*)"', shown)
    assert labels and not [label for label in labels if "_" in label]
    assert re.sub(r'"[^"]*"', "", shown) == re.sub(r'"[^"]*"', "", raw)  # ids untouched
    if which == "stock_flow":
        assert '"in_theatre"' in raw and '"in theatre"' in shown  # what changed
