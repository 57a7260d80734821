"""The symbolic equations are the model's structure (``ffsim.core.structure``) with expressions."""

from __future__ import annotations

from ffsim.core.regions import REGION_IDS
from ffsim.core.structure import FLOWS, STOCKS
from ffsim.exchange.equations import COUNTERS, equations


def test_the_equations_have_the_tables_stocks_and_flows_with_their_connections():
    eqs = equations(REGION_IDS)
    stocks = {e.name: e for e in eqs if e.kind == "stock"}
    flows = {e.name: e for e in eqs if e.kind == "flow"}
    assert tuple(stocks) == tuple(STOCKS)
    assert set(flows) == set(FLOWS)
    for name, eq in stocks.items():
        stock = STOCKS[name]
        assert (eq.inflows, eq.outflows) == (stock.inflows, stock.outflows), name
        assert (eq.units, eq.regional, eq.doc) == (
            stock.unit,
            stock.regional,
            stock.documentation,
        ), name
    for name, eq in flows.items():
        flow = FLOWS[name]
        assert (eq.units, eq.regional, eq.doc) == (flow.unit, flow.regional, flow.doc), name
    assert {s.name: s.counts for s in STOCKS.values() if s.counts} == COUNTERS
