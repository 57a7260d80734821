"""The single description of the model's diagrams, and the Mermaid text generated from it.

docs/model.md, the app's Model page and the Learn page's lessons all draw from here. The
stock-and-flow diagram draws the model's structure (``ffsim.core.structure``): its stocks and
flows come from there, and only how they are drawn (clouds, notes) is written here. Elements
can be highlighted: stocks or variables by id, flows and causal links by the id of the node
they leave and enter, loops by their id.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from ffsim.core.structure import FLOWS, OUTSIDE, PERSONS_PER_MONTH, STOCKS, Flow


@dataclass(frozen=True)
class Node:
    """A stock, cloud or variable of a diagram."""

    id: str
    label: str
    shape: str = "stock"  # "stock" (box), "cloud" (source or sink), "variable" (rounded)


@dataclass(frozen=True)
class Link:
    """An arrow between two nodes: a flow (solid) or an influence (dashed).

    ``flow`` names the flow of the model's structure (``ffsim.core.structure.FLOWS``) that the
    arrow draws, as its equations and its XMILE export name it.
    """

    source: str
    target: str
    label: str = ""
    dashed: bool = False
    flow: str = ""


CLOUDS: dict[str, Node] = {
    "radicalisation": Node("radicalisation_source", "radicalisation", "cloud"),
    "disengagement": Node("left_pool", "leave the pool", "cloud"),
    "local_joining": Node("local_source", "local recruitment", "cloud"),
    "local_exits": Node("local_left", "leave the ranks", "cloud"),
    "perception_adjustment": Node("territory_driver", "territory driver", "cloud"),
}
"""How the outside end of each drawn flow that has one is drawn, by the flow's name."""

NOTES: dict[str, str] = {
    "pool": "would-be recruits",
    "local_in_theatre": "theatre, all regions",
}
"""Words written under a stock's name on the stock-and-flow diagram."""

DRAWN_FLOWS: tuple[Flow, ...] = tuple(
    f for f in FLOWS.values() if not any(STOCKS[end].counts for end in f.ends)
)
"""The flows of the structure that the diagram draws, in its order: all but the counting ones
(the counting stocks are not drawn)."""


def _end(flow: Flow, end: str) -> Node:
    """The node of one end of a drawn flow: its stock, or its cloud."""
    if end == OUTSIDE:
        return CLOUDS[flow.name]
    note = NOTES.get(end)
    return Node(end, f"{end}<br>({note})" if note else end)


STOCK_FLOW_LINKS: tuple[Link, ...] = tuple(
    Link(
        _end(f, f.source).id,
        _end(f, f.destination).id,
        f.label.replace("\n", "<br>"),
        dashed=f.unit != PERSONS_PER_MONTH,  # an information delay moves no one
        flow=f.name,
    )
    for f in DRAWN_FLOWS
)
"""Every drawn flow as an arrow, from :data:`ffsim.core.structure.FLOWS`."""

STOCK_FLOW_NODES: tuple[Node, ...] = tuple(
    dict.fromkeys(_end(f, end) for f in DRAWN_FLOWS for end in (f.source, f.destination))
)
"""The stocks and clouds of the drawn flows, in the order their arrows first reach them."""

LOOP_NODES: tuple[Node, ...] = (
    Node("territory", "territory held (driver)", "variable"),
    Node("perceived", "perceived territory", "variable"),
    Node("momentum", "momentum", "variable"),
    Node("pay", "pay (driver)", "variable"),
    Node("strength", "fighters in theatre<br>(foreign + local)", "variable"),
    Node("appeal", "appeal", "variable"),
    Node("departures", "departures", "variable"),
    Node("pool", "pool", "variable"),
    Node("arrivals", "arrivals", "variable"),
    Node("in_theatre", "in theatre (region)", "variable"),
    Node("network", "network share", "variable"),
    Node("deaths", "deaths", "variable"),
    Node("air", "air campaign (driver)", "variable"),
    Node("returns", "returns", "variable"),
    Node("border", "border closure (driver)", "variable"),
    Node("stopped", "stopped, back home (region)", "variable"),
)

LOOP_LINKS: tuple[Link, ...] = (
    Link("territory", "perceived", "+"),
    Link("territory", "momentum", "+ (trend)"),
    Link("perceived", "appeal", "+"),
    Link("momentum", "appeal", "+"),
    Link("pay", "appeal", "+"),
    Link("strength", "appeal", "+"),
    Link("appeal", "departures", "+"),
    Link("departures", "pool", "-"),
    Link("pool", "departures", "+"),
    Link("departures", "arrivals", "+"),
    Link("arrivals", "in_theatre", "+"),
    Link("in_theatre", "strength", "+"),
    Link("in_theatre", "network", "+"),
    Link("network", "departures", "+"),
    Link("in_theatre", "deaths", "+"),
    Link("deaths", "in_theatre", "-"),
    Link("air", "deaths", "+"),
    Link("in_theatre", "returns", "+"),
    Link("returns", "in_theatre", "-"),
    Link("border", "arrivals", "-"),
    Link("border", "returns", "-"),
    Link("border", "departures", "- (deterrence)"),
    Link("perceived", "returns", "- (desertion)"),
    Link("border", "stopped", "+"),
    Link("departures", "stopped", "+ (stopped at home)"),
    Link("stopped", "departures", "+ (try again)"),
)

LOOPS: dict[str, tuple[str, ...]] = {
    "R1": ("in_theatre", "strength", "appeal", "departures", "arrivals", "in_theatre"),
    "R2": ("in_theatre", "network", "departures", "arrivals", "in_theatre"),
    "B1": ("departures", "pool", "departures"),
    "B2": ("in_theatre", "deaths", "in_theatre"),
    "B3": ("in_theatre", "returns", "in_theatre"),
}
"""Feedback loops as closed paths of nodes of the causal loop diagram."""

LOOP_NAMES: dict[str, str] = {
    "R1": "success breeds recruitment / spiral of decline (reinforcing)",
    "R2": "network effect (reinforcing)",
    "B1": "depletion of the pool (balancing)",
    "B2": "attrition (balancing)",
    "B3": "return and desertion (balancing)",
}

HIGHLIGHT = "fill:#ffe082,stroke:#bf360c,stroke-width:3px"


def _shape(node: Node) -> str:
    if node.shape == "cloud":
        return f'{node.id}(("{node.label}"))'
    if node.shape == "variable":
        return f'{node.id}("{node.label}")'
    return f'{node.id}["{node.label}"]'


def _render(
    nodes: Iterable[Node],
    links: tuple[Link, ...],
    direction: str,
    highlight: Iterable[str],
    tags: dict[str, str] | None = None,
) -> str:
    marked = set(highlight)
    lines = [f"flowchart {direction}"]
    lines += [f"    {_shape(n)}" for n in nodes]
    for link in links:
        arrow = "-.->" if link.dashed else "-->"
        text = link.label
        tag = (tags or {}).get(f"{link.source}>{link.target}")
        if tag:
            text = f"{text} {tag}" if text else tag
        label = f'|"{text}"|' if text else ""
        lines.append(f"    {link.source} {arrow}{label} {link.target}")
    chosen_nodes = sorted(n.id for n in nodes if n.id in marked)
    if chosen_nodes:
        lines.append(f"    classDef highlight {HIGHLIGHT}")
        lines.append(f"    class {','.join(chosen_nodes)} highlight")
    for i, link in enumerate(links):
        if f"{link.source}>{link.target}" in marked:
            lines.append(f"    linkStyle {i} stroke:#bf360c,stroke-width:4px")
    return "\n".join(lines) + "\n"


def stock_flow_mermaid(highlight: Iterable[str] = ()) -> str:
    """The stock-and-flow diagram; ``highlight`` holds node ids and ``source>target`` flows."""
    return _render(STOCK_FLOW_NODES, STOCK_FLOW_LINKS, "LR", highlight)


def loop_mermaid(highlight: Iterable[str] = ()) -> str:
    """The causal loop diagram; ``highlight`` holds node ids, ``source>target`` links or loops."""
    marked = set(highlight)
    for loop_id, path in LOOPS.items():
        if loop_id in marked:
            marked |= set(path)
            marked |= {f"{a}>{b}" for a, b in itertools.pairwise(path)}
    return _render(LOOP_NODES, LOOP_LINKS, "LR", marked, loop_tags())


def loop_tags() -> dict[str, str]:
    """Where each loop's name is written on the causal loop diagram: ``source>target`` of the
    first link of its path that no other loop runs through, to the loop's id (``R1``, ``B2``).
    """
    uses: dict[str, int] = {}
    for path in LOOPS.values():
        for a, b in itertools.pairwise(path):
            uses[f"{a}>{b}"] = uses.get(f"{a}>{b}", 0) + 1
    tags = {}
    for loop_id, path in LOOPS.items():
        own = next(f"{a}>{b}" for a, b in itertools.pairwise(path) if uses[f"{a}>{b}"] == 1)
        tags[own] = loop_id
    return tags
