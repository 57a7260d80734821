"""The one legend of a group of charts, as HTML that wraps at the page's width.

A grid of charts drawn with the same traces hides each chart's legend and shows one legend
above them, so that every chart keeps its height for its plot. The legend is HTML, not a chart:
a plotly legend has the height its figure is given, and a figure is laid out before the page's
width is known, so on a narrow screen a plotly legend scrolls and hides entries (measured in a
browser: 5 of 11 at 390 px on Explore, 2 of 8 at 1280 px under the Sobol indices). HTML entries
flow onto as many lines as the width needs, and each entry draws its trace's own line, marker
or band. Pure functions, no Streamlit.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go

DASHES = {
    "solid": "",
    "dot": "2,3",
    "dash": "6,3",
    "longdash": "10,3",
    "dashdot": "6,3,2,3",
    "longdashdot": "10,3,2,3",
}
"""plotly's named dashes as SVG ``stroke-dasharray`` (pixels)."""

SYMBOL_WIDTH, SYMBOL_HEIGHT = 28, 14
"""Pixels of each entry's symbol."""

_MID = SYMBOL_HEIGHT / 2


def _first(value: Any) -> Any:
    """A style value that plotly allows per point (a list): the first point's."""
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


POLYGONS = {
    "diamond": ((0, -1), (1, 0), (0, 1), (-1, 0)),
    "square": ((-1, -1), (1, -1), (1, 1), (-1, 1)),
    "triangle-up": ((0, -1), (1, 1), (-1, 1)),
    "triangle-down": ((0, 1), (1, -1), (-1, -1)),
    "triangle-right": ((1, 0), (-1, -1), (-1, 1)),
    "triangle-left": ((-1, 0), (1, -1), (1, 1)),
}
"""plotly's marker symbols drawn as polygons: their corners in half-sizes from the centre (y
down, as in SVG); any other symbol is drawn as a circle."""


def _marker_path(symbol: str, x: float, size: float) -> str:
    """SVG path of a plotly marker ``symbol`` of ``size`` pixels centred at (``x``, middle)."""
    r = size / 2
    base = symbol.removesuffix("-open").removesuffix("-dot")
    corners = POLYGONS.get(base)
    if corners is None:
        return f"M{x - r},{_MID}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    return "M" + "L".join(f"{x + dx * r},{_MID + dy * r}" for dx, dy in corners) + "Z"


def symbol_svg(trace: dict[str, Any]) -> str:
    """The legend symbol of a trace (plotly's JSON of it), as an inline SVG: a filled band's or
    a stacked area's square, a line with its dash and width, a marker with its shape, fill and
    outline, or a line with a marker on it.
    """
    parts: list[str] = []
    line = trace.get("line") or {}
    marker = trace.get("marker") or {}
    mode = trace.get("mode") or "lines"
    # a stacked area is filled by plotly with its line's colour at half opacity
    fill = trace.get("fill") or ("tonexty" if trace.get("stackgroup") else "none")
    if fill != "none":
        colour = trace.get("fillcolor") or line.get("color") or "#808080"
        opacity = "" if trace.get("fillcolor") else ' fill-opacity="0.5"'
        edge = line.get("color")
        stroke = f' stroke="{edge}"' if edge and float(line.get("width") or 0) > 0 else ""
        parts.append(
            f'<rect x="3" y="2" width="{SYMBOL_WIDTH - 6}" height="{SYMBOL_HEIGHT - 4}" '
            f'fill="{colour}"{opacity}{stroke}/>'
        )
    elif "lines" in mode:
        colour = line.get("color") or marker.get("color") or "#808080"
        width = min(float(line.get("width") or 2), 8.0)
        dash = DASHES.get(str(line.get("dash") or "solid"), "")
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="1" y1="{_MID}" x2="{SYMBOL_WIDTH - 1}" y2="{_MID}" stroke="{colour}" '
            f'stroke-width="{width}"{dashed}/>'
        )
    if "markers" in mode and fill == "none":
        outline = marker.get("line") or {}
        colour = _first(marker.get("color")) or line.get("color") or "#808080"
        edge = _first(outline.get("color"))
        edge_width = float(_first(outline.get("width")) or 0)
        size = min(float(_first(marker.get("size")) or 8), SYMBOL_HEIGHT - 2)
        symbol = str(_first(marker.get("symbol")) or "circle")
        if symbol.endswith("-open"):  # plotly draws an open symbol as its outline in its colour
            colour, edge, edge_width = "none", colour, max(edge_width, 1.5)
        stroke = f' stroke="{edge}" stroke-width="{edge_width}"' if edge and edge_width else ""
        parts.append(
            f'<path d="{_marker_path(symbol, SYMBOL_WIDTH / 2, size)}" fill="{colour}"{stroke}/>'
        )
    return (
        f'<svg width="{SYMBOL_WIDTH}" height="{SYMBOL_HEIGHT}" '
        f'viewBox="0 0 {SYMBOL_WIDTH} {SYMBOL_HEIGHT}" aria-hidden="true">'
        + "".join(parts)
        + "</svg>"
    )


def legend_entries(*figures: go.Figure) -> Iterator[dict[str, Any]]:
    """Every trace that ``figures`` would show in a legend, once by name, as plotly's JSON."""
    seen: set[str] = set()
    for trace in (t for figure in figures for t in figure.data):
        if trace.showlegend is False or not trace.name or trace.name in seen:
            continue
        seen.add(trace.name)
        yield trace.to_plotly_json()


MARKDOWN_ACTIVE = "\\`*_~[]$#|"
"""Characters that Streamlit's markdown (which shows the legend) would read as formatting or
maths even inside HTML: a name's are written as character references."""


def legend_text(name: str) -> str:
    """A trace name as HTML text that markdown leaves alone."""
    return "".join(f"&#{ord(c)};" if c in MARKDOWN_ACTIVE else html.escape(c) for c in name)


def legend_html(*figures: go.Figure) -> str:
    """The one legend of ``figures`` as one line of HTML: each entry its symbol and its name
    (escaped, for HTML and for markdown), the entries wrapping onto as many lines as the width
    needs.
    """
    items = "".join(
        '<span class="ffsim-legend-entry" role="listitem" style="display:inline-flex;'
        'align-items:center;gap:6px">'
        f"{symbol_svg(entry)}<span>{legend_text(str(entry['name']))}</span></span>"
        for entry in legend_entries(*figures)
    )
    return (
        '<div class="ffsim-legend" role="list" aria-label="Legend of the charts below" '
        'style="display:flex;flex-wrap:wrap;gap:4px 18px;font-size:0.8rem;line-height:1.5;'
        f'margin-bottom:0.5rem">{items}</div>'
    )
