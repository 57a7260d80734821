"""The ledger chart: everyone who set out, and where they are at the end of the run (a Sankey
diagram). Its node labels come from ``ffsim.core.variables``. Pure function, no Streamlit.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ffsim.app.chart_parts import MARGIN, REGION_NAMES
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


def ledger_sankey(result: Result, region: str = "total") -> go.Figure:
    """Everyone who set out, and where they are at the end of the run."""
    nodes = list(dict.fromkeys(name for link in LEDGER_LINKS for name in link))
    end = {name: float(result.stock(name, region)[-1]) for name in nodes}
    fig = go.Figure(
        go.Sankey(
            node={
                "label": [f"{VARIABLES[name].heading}: {end[name]:,.0f}" for name in nodes],
                "pad": 12,
            },
            link={
                "source": [nodes.index(a) for a, _ in LEDGER_LINKS],
                "target": [nodes.index(b) for _, b in LEDGER_LINKS],
                "value": [end[b] for _, b in LEDGER_LINKS],
            },
        )
    )
    where = REGION_NAMES.get(region, "all regions")
    fig.update_layout(
        title=f"Where everyone who set out is at {result.dates[-1]:%Y-%m} ({where})",
        height=380,
        margin=MARGIN,
    )
    return fig
