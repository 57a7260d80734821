"""The direction of each flow's response to its drivers, at the level of the right-hand side.

A table of (flow, driver, expected sign), each checked by a finite difference of ``rhs`` at
fixed states: more momentum or success means more departures, a tighter border fewer arrivals
and more interceptions, a stronger air campaign more deaths, and so on (docs/model.md, the
causal diagram). The signs come from the model's story, not from its formulas: a flipped sign
anywhere in the kernel changes a direction here, whatever the calibrated numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.core import layout
from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.rhs import rhs
from ffsim.core.simulate import simulate

N_REGIONS = len(REGION_IDS)
FRANCE = REGION_IDS.index("france")
STEP = 1e-4
"""Relative step of the finite differences."""


def _regional(stock: str) -> int:
    return layout.regional_index(FRANCE, layout.REGIONAL_STOCK_NAMES.index(stock))


def _global(stock: str) -> int:
    return layout.global_index(N_REGIONS, layout.GLOBAL_STOCK_NAMES.index(stock))


# Flows read off the derivative: each accumulator's rate of change is the flow into it.
FLOWS = {
    "departures": lambda dy: dy[_regional("cumulative_departures")],
    "arrivals": lambda dy: dy[_regional("cumulative_arrivals")],
    "intercepted": lambda dy: dy[_regional("intercepted")],
    "entering_transit_net": lambda dy: dy[_regional("in_transit")],
    "deaths": lambda dy: dy[_regional("killed")],
    "returns": lambda dy: dy[_regional("returned")],
    "onward": lambda dy: dy[_regional("moved_on")],
    "pool_change": lambda dy: dy[_regional("pool")],
    "local_deaths": lambda dy: dy[_global("local_killed")],
    "local_change": lambda dy: dy[_global("local_in_theatre")],
    "perceived_change": lambda dy: dy[_global("perceived_territory")],
}


def _input(name: str) -> tuple[str, str]:
    return ("input", name)


def _param(name: str) -> tuple[str, str]:
    return ("param", name)


def _regional_param(name: str) -> tuple[str, str]:
    return ("regional_param", name)


def _state(name: str) -> tuple[str, str]:
    return ("state", name)


def _where(driver: tuple[str, str]) -> tuple[str, int]:
    """The array (state, parameters or inputs) and position of a driver."""
    kind, name = driver
    if kind == "input":
        return "input", layout.INPUT_NAMES.index(name)
    if kind == "param":
        return "param", layout.GLOBAL_PARAMETERS.index(name)
    if kind == "regional_param":
        block = layout.REGIONAL_PARAMETERS.index(name)
        return "param", layout.regional_parameter_index(N_REGIONS, block, FRANCE)
    if name in layout.GLOBAL_STOCK_NAMES:
        return "state", _global(name)
    return "state", _regional(name)


# (flow, driver, expected sign): +1 more, -1 fewer, 0 unaffected at that instant.
DIRECTIONS = [
    # recruitment: success, momentum, pay, network, appeal
    ("departures", _input("territory"), +1),  # gains above what is perceived: momentum
    ("departures", _param("momentum_sensitivity"), +1),  # (at a state of rising territory)
    ("departures", _input("pay"), +1),
    ("departures", _param("appeal_territory"), +1),
    ("departures", _param("appeal_base"), +1),
    ("departures", _param("departure_rate"), +1),
    ("departures", _param("network_strength"), +1),
    ("departures", _param("counter_messaging"), -1),
    ("departures", _state("pool"), +1),
    ("departures", _state("in_theatre"), +1),  # network and strength
    ("departures", _state("local_in_theatre"), +1),  # strength of the group
    ("departures", _param("strength_half"), -1),
    ("departures", _input("border_closure"), -1),  # deterrence
    ("departures", _param("border_deterrence"), -1),
    ("departures", _input("prevention"), 0),  # prevention stops people, not intentions
    ("departures", _input("air_campaign"), 0),
    # the journey: the border and prevention at home
    ("arrivals", _input("border_closure"), -1),
    ("arrivals", _state("in_transit"), +1),
    ("arrivals", _param("transit_time"), -1),
    ("arrivals", _input("prevention"), 0),
    ("intercepted", _input("border_closure"), +1),
    ("intercepted", _input("prevention"), +1),
    ("intercepted", _param("transit_time"), -1),  # a slower journey: fewer stopped per month
    ("entering_transit_net", _input("prevention"), -1),
    # deaths: the air campaign and ground offensives
    ("deaths", _input("air_campaign"), +1),
    ("deaths", _input("territory_loss"), +1),
    ("deaths", _param("air_lethality"), +1),
    ("deaths", _param("ground_lethality"), +1),
    ("deaths", _param("foreign_death_rate"), +1),
    ("deaths", _state("in_theatre"), +1),
    ("deaths", _input("border_closure"), 0),
    ("local_deaths", _input("air_campaign"), +1),
    ("local_deaths", _param("combat_mortality"), +1),
    ("local_deaths", _state("local_in_theatre"), +1),
    # leaving theatre: desertion, exits blocked by the border, programmes for returnees
    ("returns", _state("perceived_territory"), -1),  # losses drive desertion
    ("returns", _input("border_closure"), -1),
    ("returns", _param("exit_blocking"), -1),
    ("returns", _param("reintegration_offer"), +1),
    ("returns", _param("return_rate"), +1),
    ("returns", _param("desertion_sensitivity"), +1),
    ("returns", _regional_param("return_propensity"), +1),
    ("returns", _input("air_campaign"), 0),
    ("onward", _state("perceived_territory"), -1),
    ("onward", _input("border_closure"), -1),
    ("onward", _param("onward_rate"), +1),
    # the pool, local fighters, perception
    ("pool_change", _regional_param("radicalisation_rate"), +1),
    ("pool_change", _param("pool_exit_rate"), -1),
    ("pool_change", _param("departure_rate"), -1),
    ("local_change", _input("territory"), +1),
    ("local_change", _param("local_recruitment"), +1),
    ("local_change", _param("local_exit_rate"), -1),
    ("perceived_change", _input("territory"), +1),
    ("perceived_change", _state("perceived_territory"), -1),
]


def _inputs(territory: float) -> np.ndarray:
    """Inputs at one instant, every driver strictly inside its range."""
    d = np.zeros(layout.N_INPUTS)
    d[layout.TERRITORY] = territory
    d[layout.PAY] = 700.0
    d[layout.AIR_CAMPAIGN] = 0.5
    d[layout.BORDER_CLOSURE] = 0.4
    d[layout.PREVENTION] = 0.1
    d[layout.INPUT_NAMES.index("calendar_time")] = 36.0
    d[layout.INPUT_NAMES.index("territory_loss")] = 0.3
    return d


@pytest.fixture(scope="module")
def states() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(state, parameters, inputs) at a few months of a default run, every stock positive, with
    territory above what is perceived (gains: the momentum effect above 1)."""
    params = Parameters(onward_rate=0.01, reintegration_offer=0.2, counter_messaging=0.2)
    result = simulate(params)
    p = params.pack()
    out = []
    for month in (30, 45, 60):
        y = result.states[month].copy()
        perceived = y[_global("perceived_territory")]
        y[_global("perceived_territory")] = min(max(perceived, 0.3), 0.7)
        d = _inputs(y[_global("perceived_territory")] + 0.2)
        assert np.all(y[: layout.global_index(N_REGIONS, 0)].reshape(N_REGIONS, -1)[:, :3] > 0)
        out.append((y, p, d))
    return out


def _response(flow: str, driver: tuple[str, str], y, p, d) -> float:
    kind, i = _where(driver)
    arrays = {"state": y, "param": p, "input": d}
    base = FLOWS[flow](rhs(y, p, d))
    bumped = {k: a.copy() for k, a in arrays.items()}
    h = STEP * max(abs(arrays[kind][i]), 1e-3)
    bumped[kind][i] += h
    moved = FLOWS[flow](rhs(bumped["state"], bumped["param"], bumped["input"]))
    return (moved - base) / max(abs(base), 1e-12)


@pytest.mark.parametrize(
    ("flow", "driver", "sign"),
    DIRECTIONS,
    ids=[
        f"{flow}-{name}-{({1: 'up', -1: 'down', 0: 'none'})[sign]}"
        for flow, (_, name), sign in DIRECTIONS
    ],
)
def test_each_flow_moves_with_its_drivers_in_the_stated_direction(states, flow, driver, sign):
    for y, p, d in states:
        change = _response(flow, driver, y, p, d)
        if sign == 0:
            assert change == 0.0, (flow, driver, change)
        else:
            assert np.sign(change) == sign and abs(change) > 1e-9, (flow, driver, change)


def test_momentum_cuts_both_ways():
    """Gains raise departures above the flat-territory level, losses lower them: the effect of
    momentum changes sign with the trend, and a steeper response widens the gap both ways."""
    params = Parameters()
    result = simulate(params)
    y = result.states[40].copy()
    y[_global("perceived_territory")] = 0.5
    departures = {}
    for sensitivity in (1.0, 3.0):
        p = Parameters(momentum_sensitivity=sensitivity).pack()
        for name, territory in (("losing", 0.3), ("flat", 0.5), ("gaining", 0.7)):
            departures[(sensitivity, name)] = FLOWS["departures"](rhs(y, p, _inputs(territory)))
    for s in (1.0, 3.0):
        assert departures[(s, "losing")] < departures[(s, "flat")] < departures[(s, "gaining")]
    assert departures[(3.0, "gaining")] > departures[(1.0, "gaining")]
    assert departures[(3.0, "losing")] < departures[(1.0, "losing")]
    # flat territory: no momentum, whatever the sensitivity
    assert departures[(3.0, "flat")] == pytest.approx(departures[(1.0, "flat")], rel=1e-12)


@pytest.mark.parametrize("border", [0.0, 0.3, 1.0])
def test_the_mean_time_in_transit_is_the_transit_time_whatever_the_border(states, border):
    # docs/model.md: transit_time is the mean time from leaving home to crossing; the border
    # decides only how the journey ends (arrived or stopped), not how long it lasts.
    y, p, d = states[0]
    d = d.copy()
    d[layout.PREVENTION] = 0.0  # everyone intercepted is then stopped at the border
    d[layout.BORDER_CLOSURE] = border
    dy = rhs(y, p, d)
    leaving = FLOWS["arrivals"](dy) + FLOWS["intercepted"](dy)
    in_transit = y[_regional("in_transit")]
    transit_time = p[layout.GLOBAL_PARAMETERS.index("transit_time")]
    assert leaving == pytest.approx(in_transit / transit_time, rel=1e-12)


def test_the_early_wave_changes_only_timing(states):
    # docs/model.md: early_wave is the share of the early-wave lead in a region's salience; with
    # no lead it changes nothing at any instant.
    y, _, d = states[0]
    index = layout.regional_parameter_index(
        N_REGIONS, layout.REGIONAL_PARAMETERS.index("early_wave"), FRANCE
    )
    p = Parameters(early_wave_lead=0.0).pack()
    flows = []
    for share in (0.0, 0.5, 1.0):
        p[index] = share
        flows.append(rhs(y, p, d))
    np.testing.assert_allclose(flows[1], flows[0], rtol=1e-12)
    np.testing.assert_allclose(flows[2], flows[0], rtol=1e-12)


def test_departure_rate_is_the_share_of_the_pool_leaving_a_month_at_unit_appeal(states):
    # docs/model.md: departure_rate is the fraction of the pool setting out per month when the
    # appeal and network multipliers are 1: the war fully salient (long after its midpoint),
    # appeal_base 1, no success term, no network, an open border.
    y, _, d = states[0]
    d = d.copy()
    d[layout.INPUT_NAMES.index("calendar_time")] = 400.0
    d[layout.BORDER_CLOSURE] = 0.0
    params = Parameters(appeal_base=1.0, appeal_territory=0.0, network_strength=0.0)
    dy = rhs(y, params.pack(), d)
    for r in range(N_REGIONS):
        pool = y[layout.regional_index(r, layout.POOL)]
        departures = dy[layout.regional_index(r, layout.CUM_DEPARTURES)]
        assert departures == pytest.approx(params.departure_rate * pool, rel=1e-12), REGION_IDS[r]
