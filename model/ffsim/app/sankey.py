"""The ledger chart: everyone who set out, and where they are at the end of the run (a Sankey
diagram). Its node labels come from ``ffsim.core.variables``. Pure function, no Streamlit.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ffsim.app.chart_parts import PALETTE, REGION_NAMES, title_layout
from ffsim.core.results import Result
from ffsim.core.variables import VARIABLES

LEDGER_LINKS: tuple[tuple[str, str], ...] = (
    ("cumulative_departures", "stopped"),
    ("cumulative_departures", "in_transit"),
    ("cumulative_departures", "cumulative_arrivals"),
    ("cumulative_arrivals", "in_theatre"),
    ("cumulative_arrivals", "returned"),
    ("cumulative_arrivals", "killed"),
    ("cumulative_arrivals", "moved_on"),
)
"""The people ledger as links between stocks: everyone who set out is stopped (at home), in
transit or arrived (the stopped who set out again are in transit or arrived); everyone who
arrived is in theatre, returned, killed or moved on."""


NODE_COLOURS = {
    "cumulative_departures": PALETTE[0],
    "stopped": PALETTE[2],
    "in_transit": PALETTE[4],
    "cumulative_arrivals": PALETTE[1],
    "in_theatre": PALETTE[7],
    "returned": PALETTE[3],
    "killed": PALETTE[5],
    "moved_on": PALETTE[6],
}
"""Each node's colour (mid tones, readable on light and dark pages); a link takes its target's
colour, half-transparent, so that no label sits on a grey band."""

SANKEY_HEIGHT = 420
"""Pixels: the height of the ledger chart."""


NODE_PLACES: dict[str, tuple[float, float]] = {
    "cumulative_departures": (0.001, 0.45),
    "cumulative_arrivals": (0.4, 0.4),
    "stopped": (0.4, 0.86),
    "in_transit": (0.4, 0.98),
    "in_theatre": (0.999, 0.05),
    "returned": (0.999, 0.25),
    "killed": (0.999, 0.6),
    "moved_on": (0.999, 0.74),
}
"""Where each node's centre is (share of the width, of the height from the top): three
columns (set out; arrived, stopped, in transit; where the arrived are), each label at least
0.1 of the height from every label of its own and the next column, so that no two labels meet
whatever the counts (the browser test measures it at 1280 and 390 px)."""


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def ledger_sankey(result: Result, region: str = "total") -> go.Figure:
    """Everyone who set out, and where they are at the end of the run.

    Node labels are the plain headings of ``ffsim.core.variables`` with the count, thousands
    separated (a line each); the nodes sit at fixed places (:data:`NODE_PLACES`) with colours
    (:data:`NODE_COLOURS`), the links in their target's colour.
    """
    nodes = list(dict.fromkeys(name for link in LEDGER_LINKS for name in link))
    end = {name: float(result.stock(name, region)[-1]) for name in nodes}
    x = [NODE_PLACES[n][0] for n in nodes]
    y = [NODE_PLACES[n][1] for n in nodes]
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={
                "label": [f"{VARIABLES[name].heading}<br>{end[name]:,.0f}" for name in nodes],
                "pad": 24,
                "thickness": 14,
                "x": x,
                "y": y,
                "color": [NODE_COLOURS[name] for name in nodes],
                "line": {"width": 0},
                "hovertemplate": "%{label}<extra></extra>",
            },
            link={
                "source": [nodes.index(a) for a, _ in LEDGER_LINKS],
                "target": [nodes.index(b) for _, b in LEDGER_LINKS],
                "value": [end[b] for _, b in LEDGER_LINKS],
                "color": [_rgba(NODE_COLOURS[b], 0.35) for _, b in LEDGER_LINKS],
                "hovertemplate": "%{source.label} → %{target.label}<extra></extra>",
            },
            textfont={"size": 13},
        )
    )
    where = REGION_NAMES.get(region, "all regions")
    heading = title_layout(f"Where everyone who set out is at {result.dates[-1]:%Y-%m} ({where})")
    fig.update_layout(
        title=heading["title"],
        height=SANKEY_HEIGHT,
        margin={"t": heading["margin_top"], "b": 10, "l": 10, "r": 10},
    )
    return fig
