"""The stock-and-flow diagram of the XMILE file (``<views>``), laid out from the diagram's one
description, :mod:`ffsim.teaching.diagram`.

The description says which stocks and clouds the diagram draws and which flow joins which
(:data:`~ffsim.teaching.diagram.STOCK_FLOW_NODES`, :data:`~ffsim.teaching.diagram.STOCK_FLOW_LINKS`,
read from the model's structure); Mermaid lays it out left to right on the Model page, and this
module lays out the same graph the same way for tools that need coordinates (Stella, Vensim):

- each stock or cloud goes one column to the right of the first node that flows into it (a
  flow back to an earlier node does not move it), in the row of that node or the next free row
  below; a group of stocks no flow reaches starts below everything placed;
- the stocks the diagram leaves out (the counting stocks) are laid out the same way below it,
  each with its flow from a cloud;
- each flow is drawn with right angles: along its source's row, then down or up to its
  destination (a flow back to the left goes under both);
- every auxiliary of the file (the equations' auxiliaries, the parameters, drivers and
  constants) is placed on a grid below them, each in the free cell nearest to the variables
  that use it (users first, so a parameter sits near the auxiliary it feeds), and a connector
  is drawn from every variable an equation names to the variable it defines.

Nothing is written by hand here: a new stock or flow of the structure appears in the view as it
appears in the diagram.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ffsim.core.structure import FLOWS, OUTSIDE
from ffsim.teaching.diagram import DRAWN_FLOWS, STOCK_FLOW_LINKS, STOCK_FLOW_NODES

STOCK_WIDTH, STOCK_HEIGHT = 90.0, 45.0
COLUMN, ROW = 190.0, 120.0
"""Size of a stock, and the distance between columns and between rows of the diagram."""
AUX_COLUMN, AUX_ROW = 95.0, 60.0
"""The grid of auxiliaries below the stocks and flows."""
MARGIN = 80.0

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Placed:
    """A node of the stock-and-flow graph at its centre; ``stock`` is False for a cloud."""

    x: float
    y: float
    stock: bool


def _links() -> list[tuple[str, str, str]]:
    """Every flow as (source node, destination node, flow name): the diagram's drawn flows
    first, in its order, then the flows it leaves out, each outside end a cloud of its own.
    """
    out = [(link.source, link.target, link.flow) for link in STOCK_FLOW_LINKS]
    drawn = {f.name for f in DRAWN_FLOWS}
    for flow in FLOWS.values():
        if flow.name in drawn:
            continue
        source, target = (
            f"cloud {flow.name}" if end == OUTSIDE else end
            for end in (flow.source, flow.destination)
        )
        out.append((source, target, flow.name))
    return out


def layout() -> tuple[dict[str, Placed], dict[str, list[tuple[float, float]]]]:
    """Centres of the stocks and clouds (by node id) and the points of every flow (by name)."""
    links = _links()
    stocks = {n.id for n in STOCK_FLOW_NODES if n.shape == "stock"}
    stocks |= {end for s, d, _ in links for end in (s, d) if not end.startswith("cloud ")}
    clouds = {n.id for n in STOCK_FLOW_NODES if n.shape == "cloud"}
    order = list(dict.fromkeys(end for s, d, _ in links for end in (s, d)))
    column: dict[str, int] = {}
    row: dict[str, int] = {}
    taken: set[tuple[int, int]] = set()
    for node in order:
        before = [s for s, d, _ in links if d == node and s in column]
        if before:
            col, wanted = column[before[0]] + 1, row[before[0]]
        else:
            col, wanted = 0, max(row.values(), default=-1) + 1
        while (col, wanted) in taken:
            wanted += 1
        column[node], row[node] = col, wanted
        taken.add((col, wanted))
    placed = {
        node: Placed(
            MARGIN + column[node] * COLUMN,
            MARGIN + row[node] * ROW,
            node in stocks and node not in clouds,
        )
        for node in order
    }
    return placed, {
        name: _points(placed[s], placed[d], _port(s, d, links, placed)) for s, d, name in links
    }


def _port(
    source: str, target: str, links: list[tuple[str, str, str]], placed: dict[str, Placed]
) -> float:
    """Where along its source's bottom (or top) edge a flow to another row leaves, from the
    left: the flows of one source to other rows on its right get ports side by side, the one
    going farthest leftmost, so that no two share a segment or cross.
    """
    a = placed[source]
    turning = [d for s, d, _ in links if s == source and placed[d].x > a.x and placed[d].y != a.y]
    if target not in turning:
        return 0.0
    turning.sort(key=lambda d: -abs(placed[d].y - a.y))
    width = STOCK_WIDTH if a.stock else 0.0
    return -width / 2 + width * (turning.index(target) + 1) / (len(turning) + 1)


def _points(a: Placed, b: Placed, port: float) -> list[tuple[float, float]]:
    """A flow's points from node ``a`` to node ``b``, at right angles: leaving a stock at its
    edge (at ``port`` from its centre when it turns to another row), arriving at the edge of a
    stock (a cloud is its centre).
    """
    a_w, a_h = (STOCK_WIDTH / 2, STOCK_HEIGHT / 2) if a.stock else (0.0, 0.0)
    b_w, b_h = (STOCK_WIDTH / 2, STOCK_HEIGHT / 2) if b.stock else (0.0, 0.0)
    if b.x > a.x and b.y == a.y:
        return [(a.x + a_w, a.y), (b.x - b_w, b.y)]
    if b.x > a.x:
        sign = 1.0 if b.y > a.y else -1.0
        return [(a.x + port, a.y + sign * a_h), (a.x + port, b.y), (b.x - b_w, b.y)]
    if b.x == a.x:
        sign = 1.0 if b.y > a.y else -1.0
        return [(a.x, a.y + sign * a_h), (b.x, b.y - sign * b_h)]
    below = max(a.y, b.y) + ROW / 2
    return [(a.x, a.y + a_h), (a.x, below), (b.x, below), (b.x, b.y + b_h)]


def _valve(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Where a flow's valve and name sit: the middle of its longest segment."""
    (x0, y0), (x1, y1) = max(
        itertools.pairwise(points), key=lambda s: abs(s[1][0] - s[0][0]) + abs(s[1][1] - s[0][1])
    )
    return (x0 + x1) / 2, (y0 + y1) / 2


def _number(x: float) -> str:
    return f"{x:g}"


def add_view(model: ET.Element, variables: ET.Element) -> None:
    """Append ``<views>`` to ``model``: one ``stock_flow`` view holding every stock, flow and
    auxiliary of ``variables`` (as written, regions as arrays) and a connector for every name
    an equation uses.
    """
    nodes, points = layout()
    written = {v.get("name", ""): v.tag for v in variables}
    views = ET.SubElement(model, "views")
    view = ET.SubElement(views, "view", {"type": "stock_flow"})
    where: dict[str, tuple[float, float]] = {}
    for name, tag in written.items():
        if tag == "stock":
            spot = nodes[name]
            where[name] = (spot.x, spot.y)
            ET.SubElement(
                view,
                "stock",
                {
                    "name": name,
                    "x": _number(spot.x),
                    "y": _number(spot.y),
                    "width": _number(STOCK_WIDTH),
                    "height": _number(STOCK_HEIGHT),
                },
            )
        elif tag == "flow":
            pts = points[name]
            where[name] = _valve(pts)
            x, y = where[name]
            node = ET.SubElement(view, "flow", {"name": name, "x": _number(x), "y": _number(y)})
            pts_node = ET.SubElement(node, "pts")
            for x, y in pts:
                ET.SubElement(pts_node, "pt", {"x": _number(x), "y": _number(y)})
    top = max(y for _, y in where.values()) + ROW
    uses = {v.get("name", ""): _uses(v, written) for v in variables}
    users: dict[str, list[str]] = {name: [] for name in written}
    for user, used in uses.items():
        for name in used:
            users[name].append(user)
    auxes = [n for n, tag in written.items() if tag == "aux"]
    width = max(x for x, _ in where.values())
    free = {
        (MARGIN + i * AUX_COLUMN, top + j * AUX_ROW)
        for i in range(int(width // AUX_COLUMN) + 1)
        for j in range(len(auxes))
    }
    for name in reversed(auxes):  # the users of an auxiliary are placed before it
        near = [where[u] for u in users[name] if u in where]
        x = sum(p[0] for p in near) / len(near) if near else MARGIN
        y = max(p[1] for p in near) if near else top
        cell = min(free, key=lambda c: (abs(c[0] - x) + abs(c[1] - y), c))
        free.discard(cell)
        where[name] = cell
    for name in auxes:
        x, y = where[name]
        ET.SubElement(view, "aux", {"name": name, "x": _number(x), "y": _number(y)})
    uid = 0
    for v in variables:
        target = v.get("name", "")
        for source in _uses(v, written):
            if source == target:
                continue
            uid += 1
            (x0, y0), (x1, y1) = where[source], where[target]
            angle = math.degrees(math.atan2(y0 - y1, x1 - x0)) % 360.0
            connector = ET.SubElement(view, "connector", {"uid": str(uid), "angle": f"{angle:.4g}"})
            ET.SubElement(connector, "from").text = source
            ET.SubElement(connector, "to").text = target


def _uses(variable: ET.Element, written: dict[str, str]) -> list[str]:
    """The variables a variable's equations name (in order, once each); the stocks and flows
    of the file are in ``written``. A stock's flows are drawn as pipes, not connectors.
    """
    texts = [e.text or "" for e in variable.iter() if e.tag == "eqn"]
    names = (m.group() for text in texts for m in _NAME.finditer(text))
    return list(dict.fromkeys(n for n in names if n in written))
