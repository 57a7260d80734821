"""Invariants: the people ledger holds and no stock is ever negative, for any parameters."""

from __future__ import annotations

import numpy as np
from conftest import driver_sets, parameter_sets
from hypothesis import given

from ffsim.core import layout
from ffsim.core.parameters import PARAMETER_SPECS, Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import LEDGER, STOCKS
from ffsim.core.simulate import simulate, simulate_ensemble


def assert_ledger(result, rtol: float = 1e-9) -> None:
    for region in ("total", *REGION_IDS):
        departed = result.stock("cumulative_departures", region)
        where_now = sum(result.stock(s, region) for s in LEDGER)
        err = np.abs(departed - where_now)
        assert np.all(err <= rtol * np.abs(departed) + 1e-12), (region, float(err.max()))


ROUNDING = 1e-9
"""Persons: a stock may dip below zero by less than this. A stock drained for years by a fast
outflow (the stopped, with every one of them trying again each month) falls to about 1e-64
persons, and an RK4 step whose rate rises within the step can overshoot such a remnant to a
value of the same size below zero (hypothesis found -5.4e-65 persons once); that is rounding,
not a negative stock."""


def assert_non_negative(result) -> None:
    for region in ("total", *REGION_IDS):
        for name in STOCKS:
            values = result.stock(name, region)
            assert values.min() >= -ROUNDING, (name, region, float(values.min()))
    for name in ("local_in_theatre", "local_killed"):
        assert result.stock(name).min() >= -ROUNDING, name


@given(parameter_sets(), driver_sets())
def test_people_ledger_holds_for_any_parameters(params, drivers):
    # Everyone who set out is somewhere: in transit, in theatre, returned, killed, moved on or
    # intercepted. cumulative_departures is integrated as its own stock, so this can fail.
    assert_ledger(simulate(params, drivers))


@given(parameter_sets(), driver_sets())
def test_no_stock_is_ever_negative(params, drivers):
    result = simulate(params, drivers)
    assert np.all(np.isfinite(result.states))
    assert_non_negative(result)


def _at_bounds(pick_upper: np.ndarray) -> Parameters:
    values: dict[str, object] = {}
    for spec, upper in zip(PARAMETER_SPECS, pick_upper, strict=True):
        bound = spec.upper if upper else spec.lower
        values[spec.name] = {rid: bound for rid in REGION_IDS} if spec.regional else bound
    return Parameters(**values)


def test_every_parameter_at_either_bound_keeps_stocks_non_negative():
    # All-lower, all-upper, and 200 random corners of the parameter box, as one ensemble.
    rng = np.random.default_rng(20261121)
    corners = [np.zeros(len(PARAMETER_SPECS), bool), np.ones(len(PARAMETER_SPECS), bool)]
    corners += list(rng.random((200, len(PARAMETER_SPECS))) < 0.5)
    packed = np.stack([_at_bounds(c).pack() for c in corners])
    ensemble = simulate_ensemble(packed)
    assert np.all(np.isfinite(ensemble.states))
    for e in range(len(corners)):
        member = ensemble.member(e)
        assert_non_negative(member)
        assert_ledger(member)


def test_flows_are_non_negative_and_accumulate_to_stocks(default_params):
    result = simulate(default_params)
    for name in ("departures", "arrivals", "interceptions", "deaths", "returns", "onward_moves"):
        assert result.flow(name).min() >= 0.0, name
    killed = result.initial("killed") + np.cumsum(result.flow("deaths"))
    np.testing.assert_allclose(killed, result.stock("killed"), rtol=1e-12)


def test_regions_sum_to_total(default_params):
    result = simulate(default_params)
    for name in STOCKS:
        by_region = sum(result.stock(name, r) for r in REGION_IDS)
        np.testing.assert_allclose(by_region, result.stock(name, "total"), rtol=1e-12)


def test_state_layout_matches_region_count():
    assert layout.n_state(len(REGION_IDS)) == simulate().states.shape[1]
