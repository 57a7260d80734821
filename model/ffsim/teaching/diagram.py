"""The single description of the model's diagrams, and the Mermaid text generated from it.

docs/model.md, the app's Model page and the Learn page's lessons all draw from here; a test
fails when a stock or flow of the model is missing. Elements can be highlighted: stocks or
variables by id, flows and causal links by the id of the node they leave and enter, loops by
their id.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """A stock, cloud or variable of a diagram."""

    id: str
    label: str
    shape: str = "stock"  # "stock" (box), "cloud" (source or sink), "variable" (rounded)


@dataclass(frozen=True)
class Link:
    """An arrow between two nodes: a flow (solid) or an influence (dashed).

    ``flow`` names the flow of the stock-and-flow diagram that the arrow draws, as the model's
    equations (:mod:`ffsim.exchange.equations`) and its XMILE export name it.
    """

    source: str
    target: str
    label: str = ""
    dashed: bool = False
    flow: str = ""


STOCK_FLOW_NODES: tuple[Node, ...] = (
    Node("radicalisation_source", "radicalisation", "cloud"),
    Node("pool", "pool<br>(would-be recruits)"),
    Node("left_pool", "leave the pool", "cloud"),
    Node("in_transit", "in_transit"),
    Node("intercepted", "intercepted"),
    Node("in_theatre", "in_theatre"),
    Node("killed", "killed"),
    Node("returned", "returned"),
    Node("moved_on", "moved_on"),
    Node("local_source", "local recruitment", "cloud"),
    Node("local_in_theatre", "local_in_theatre<br>(theatre, all regions)"),
    Node("local_killed", "local_killed"),
    Node("local_left", "leave the ranks", "cloud"),
    Node("territory_driver", "territory driver", "cloud"),
    Node("perceived_territory", "perceived_territory"),
)

STOCK_FLOW_LINKS: tuple[Link, ...] = (
    Link("radicalisation_source", "pool", "radicalisation", flow="radicalisation"),
    Link("pool", "left_pool", "disengagement", flow="disengagement"),
    Link("pool", "in_transit", "departures x (1 - prevention)", flow="entering_transit"),
    Link(
        "pool",
        "intercepted",
        "departures x prevention<br>(prevented_at_home)",
        flow="prevented_at_home",
    ),
    Link("in_transit", "in_theatre", "arrivals", flow="arrivals"),
    Link("in_transit", "intercepted", "stopped_at_border", flow="stopped_at_border"),
    Link("in_theatre", "killed", "deaths", flow="deaths"),
    Link("in_theatre", "returned", "returns", flow="returns"),
    Link("in_theatre", "moved_on", "onward_moves", flow="onward_moves"),
    Link("local_source", "local_in_theatre", "local recruitment", flow="local_joining"),
    Link("local_in_theatre", "local_killed", "local deaths", flow="local_deaths"),
    Link("local_in_theatre", "local_left", "local exits", flow="local_exits"),
    Link(
        "territory_driver",
        "perceived_territory",
        "information delay",
        dashed=True,
        flow="perception_adjustment",
    ),
)

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
