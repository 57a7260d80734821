"""The table of the model's structure: its flows connect its stocks, and the layout, the reported
variables and the people ledger are the table's."""

from __future__ import annotations

from collections import Counter

import hypothesis.strategies as st
from hypothesis import given

from ffsim.core import layout
from ffsim.core.results import LEDGER
from ffsim.core.structure import (
    FLOWS,
    OUTSIDE,
    PEOPLE_LEDGER,
    PERSONS,
    STOCKS,
    boundary,
    downstream,
    stock_names,
)
from ffsim.core.variables import VARIABLES, names


def test_every_flow_runs_between_stocks_or_the_outside():
    assert not set(FLOWS) & set(STOCKS), "a name is both a stock and a flow"
    for flow in FLOWS.values():
        assert {flow.source, flow.destination} <= {*STOCKS, OUTSIDE}, flow.name
        assert flow.source != flow.destination, flow.name
        assert flow.ends, f"{flow.name} runs from the outside to the outside"
        assert flow.label and flow.doc, flow.name


def test_each_stock_is_filled_and_drained_by_the_flows_that_end_there():
    for stock in STOCKS.values():
        assert set(stock.inflows) == {f.name for f in FLOWS.values() if f.destination == stock.name}
        assert set(stock.outflows) == {f.name for f in FLOWS.values() if f.source == stock.name}
        assert len(set(stock.inflows)) == len(stock.inflows), stock.name
        assert len(set(stock.outflows)) == len(stock.outflows), stock.name
    ins = Counter(f for s in STOCKS.values() for f in s.inflows)
    outs = Counter(f for s in STOCKS.values() for f in s.outflows)
    for flow in FLOWS.values():
        assert ins[flow.name] == (flow.destination != OUTSIDE), flow.name
        assert outs[flow.name] == (flow.source != OUTSIDE), flow.name


def test_a_flow_moves_its_stocks_unit_per_month_within_one_region_or_the_theatre():
    for flow in FLOWS.values():
        ends = [STOCKS[name] for name in flow.ends]
        assert {s.regional for s in ends} == {flow.regional}, flow.name
        assert {f"{s.unit}/month" for s in ends} == {flow.unit}, flow.name


@given(st.sets(st.sampled_from(sorted(STOCKS))))
def test_a_group_of_stocks_changes_only_by_the_flows_that_cross_its_edge(group):
    # Summing the stocks' inflows less outflows, the flows inside the group cancel.
    net: Counter[str] = Counter()
    for name in group:
        net.update(STOCKS[name].inflows)
        net.subtract(STOCKS[name].outflows)
    entering, leaving = boundary(tuple(group))
    expected = Counter(entering)
    expected.subtract(leaving)
    assert +net == +expected and -net == -expected


def test_the_ledger_is_the_stocks_downstream_of_the_pool_which_no_one_leaves():
    # Everyone who left the pool for a stock is in one of these, and none of them has an outflow
    # to the outside: their sum is everyone who has set out (checked on runs in
    # test_conservation.py).
    assert LEDGER == PEOPLE_LEDGER == downstream("pool")
    entering, leaving = boundary(LEDGER)
    assert leaving == ()
    assert entering == tuple(f for f in STOCKS["pool"].outflows if FLOWS[f].destination != OUTSIDE)
    assert STOCKS["cumulative_departures"].counts == "departures"
    for name in LEDGER:
        stock = STOCKS[name]
        assert stock.regional and stock.unit == PERSONS and not stock.counts, name


def test_people_enter_and_leave_a_region_only_from_and_to_the_outside():
    # The ledger of a region's people: the sum of its stocks of people plus what has left them
    # for the outside equals what has come in from the outside (and the initial stocks).
    people = tuple(
        s.name for s in STOCKS.values() if s.regional and s.unit == PERSONS and not s.counts
    )
    assert people == ("pool", *LEDGER)
    entering, leaving = boundary(people)
    assert entering and all(FLOWS[f].source == OUTSIDE for f in entering)
    assert all(FLOWS[f].destination == OUTSIDE for f in leaving)


def test_a_counting_stock_is_filled_by_one_counting_flow_and_drains_nothing():
    for stock in STOCKS.values():
        if stock.counts:
            assert stock.inflows == (f"{stock.counts}_counted",) and stock.outflows == ()
            assert FLOWS[stock.inflows[0]].source == OUTSIDE
        else:
            assert not stock.closed_form, f"{stock.name}: only a counting stock is closed-form"


def test_the_layout_names_the_tables_stocks_in_its_order():
    assert (*layout.REGIONAL_STOCK_NAMES, *layout.GLOBAL_STOCK_NAMES) == tuple(STOCKS)
    assert stock_names(regional=True) == layout.REGIONAL_STOCK_NAMES
    assert stock_names(regional=False) == layout.GLOBAL_STOCK_NAMES
    closed = tuple(n for n in layout.REGIONAL_STOCK_NAMES if STOCKS[n].closed_form)
    assert closed == layout.CLOSED_FORM_STOCK_NAMES
    assert layout.REGIONAL_STOCK_NAMES[layout.N_REGIONAL_STOCKS :] == closed


def test_the_reported_stocks_are_the_tables_with_its_labels():
    reported = [s for s in STOCKS.values() if s.reported]
    for regional in (True, False):
        table = tuple(s.name for s in reported if s.regional == regional)
        assert names("stock", regional)[: len(table)] == table
        extra = names("stock", regional)[len(table) :]
        assert not set(extra) & set(STOCKS), "a stock of the structure reported out of order"
    for stock in reported:
        v = VARIABLES[stock.name]
        assert (v.label, v.title, v.unit, v.regional) == (
            stock.label,
            stock.title,
            stock.unit,
            stock.regional,
        )
    assert not {s.name for s in STOCKS.values() if not s.reported} & set(VARIABLES)


def test_a_reported_flow_is_the_change_of_a_regional_stock_that_only_fills():
    for name in names("flow"):
        stock = STOCKS[VARIABLES[name].accumulates]
        assert stock.regional and stock.inflows and not stock.outflows, name
