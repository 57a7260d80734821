"""The stock-and-flow diagram draws the model's structure (``ffsim.core.structure``)."""

from __future__ import annotations

from ffsim.core.structure import FLOWS, OUTSIDE, STOCKS
from ffsim.teaching.diagram import (
    CLOUDS,
    NOTES,
    STOCK_FLOW_LINKS,
    STOCK_FLOW_NODES,
    stock_flow_mermaid,
)


def test_the_diagram_draws_every_stock_and_flow_of_the_structure_but_the_counting_ones():
    drawn_stocks = [n.id for n in STOCK_FLOW_NODES if n.shape == "stock"]
    assert set(drawn_stocks) == {s.name for s in STOCKS.values() if not s.counts}
    drawn = [link.flow for link in STOCK_FLOW_LINKS]
    assert drawn == [f.name for f in FLOWS.values() if not any(STOCKS[e].counts for e in f.ends)], (
        "drawn in the order of the structure's table"
    )
    for link in STOCK_FLOW_LINKS:
        flow = FLOWS[link.flow]
        for node, end in ((link.source, flow.source), (link.target, flow.destination)):
            assert node == (CLOUDS[flow.name].id if end == OUTSIDE else end), flow.name
        assert link.dashed == (flow.unit != "persons/month"), flow.name
    with_outside = {f for f in drawn if OUTSIDE in (FLOWS[f].source, FLOWS[f].destination)}
    assert set(CLOUDS) == with_outside
    assert all(c.shape == "cloud" for c in CLOUDS.values())
    assert set(NOTES) <= set(drawn_stocks)
    nodes = {n.id for n in STOCK_FLOW_NODES}
    assert len(nodes) == len(STOCK_FLOW_NODES)
    text = stock_flow_mermaid()
    for node in nodes:
        assert f"    {node}" in text
