"""Explain a difference between two scenarios: by the component that changed, and by flow.

Components are the levers, assumption parameters and world drivers in which the scenarios
differ. Every combination of them is simulated (one ensemble call) and each component receives
its Shapley value: its average marginal effect over all orders of adding components. Shapley
values sum exactly to the total difference; the one-at-a-time effects and the interaction
(total minus their sum) are reported too. The flow decomposition uses the stock's balance:
a stock at a date is its start plus its inflows minus its outflows since.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from ffsim.calibration.measures import regional_sum, time_at, value_at
from ffsim.core import layout
from ffsim.core.errors import InputError
from ffsim.core.outputs import Outputs
from ffsim.core.results import Result
from ffsim.core.simulate import simulate, simulate_ensemble
from ffsim.scenarios.levers import Levers
from ffsim.scenarios.scenario import Scenario

MAX_COMPONENTS = 10
"""At most 2**10 combinations are simulated."""

BALANCES: dict[str, dict[str, tuple[int, int]]] = {
    "in_theatre": {
        "arrivals": (layout.CUM_ARRIVALS, +1),
        "deaths": (layout.KILLED, -1),
        "returns": (layout.RETURNED, -1),
        "onward_moves": (layout.MOVED_ON, -1),
    },
    "cumulative_departures": {"departures": (layout.CUM_DEPARTURES, +1)},
    "cumulative_arrivals": {"arrivals": (layout.CUM_ARRIVALS, +1)},
    "killed": {"deaths": (layout.KILLED, +1)},
    "returned": {"returns": (layout.RETURNED, +1)},
    "moved_on": {"onward_moves": (layout.MOVED_ON, +1)},
    "intercepted": {"interceptions": (layout.INTERCEPTED, +1)},
}
"""For each explainable stock: the flows that change it, as (accumulating stock, sign)."""


def components(a: Scenario, b: Scenario) -> list[str]:
    """Names of what differs: ``levers.x``, ``parameters.x``, ``drivers.x``."""
    if a.settings != b.settings:
        raise InputError("the two scenarios have different settings; explain needs the same span")
    out = [
        f"levers.{n}" for n in Levers.model_fields if getattr(a.levers, n) != getattr(b.levers, n)
    ]
    out += [
        f"parameters.{n}"
        for n in type(a.assumptions).model_fields
        if getattr(a.assumptions, n) != getattr(b.assumptions, n)
    ]
    out += [f"drivers.{n}" for n, series in a.raw_drivers if series != getattr(b.raw_drivers, n)]
    return out


def mix(a: Scenario, b: Scenario, take: set[str]) -> Scenario:
    """Scenario ``a`` with the components named in ``take`` taken from ``b``."""
    levers = {
        n: getattr(b.levers if f"levers.{n}" in take else a.levers, n) for n in Levers.model_fields
    }
    params = {
        n: getattr(b.assumptions if f"parameters.{n}" in take else a.assumptions, n)
        for n in type(a.assumptions).model_fields
    }
    drivers = {
        n: getattr(b.raw_drivers if f"drivers.{n}" in take else a.raw_drivers, n)
        for n, _ in a.raw_drivers
    }
    return replace(
        a,
        levers=Levers(**levers),
        assumptions=type(a.assumptions)(**params),
        raw_drivers=a.raw_drivers.model_copy(update=drivers),
    )


def stock_at(result: Result | Outputs, outcome: str, region: str, date: dt.date) -> np.ndarray:
    """Regional stock ``outcome`` at the end of ``date`` (one value per member)."""
    regions = result.regions if region == "total" else (region,)
    index = layout.REGIONAL_STOCK_NAMES.index(outcome)
    return value_at(regional_sum(result, index, regions), time_at(result, date))


@dataclass(frozen=True)
class Explanation:
    """How a difference in one outcome between scenarios ``a`` and ``b`` arises."""

    outcome: str
    region: str
    date: dt.date
    value_a: float
    value_b: float
    components: tuple[str, ...]
    shapley: tuple[float, ...]
    one_at_a_time: tuple[float, ...]
    flows: dict[str, float]

    @property
    def total(self) -> float:
        """The whole difference, B minus A."""
        return self.value_b - self.value_a

    @property
    def interaction(self) -> float:
        """Total difference minus the sum of one-at-a-time effects."""
        return self.total - sum(self.one_at_a_time)


def explain(
    a: Scenario,
    b: Scenario,
    outcome: str = "in_theatre",
    region: str = "total",
    date: dt.date | None = None,
) -> Explanation:
    """Attribute ``outcome(b) - outcome(a)`` to components and to flows (best-fit parameters)."""
    if outcome not in BALANCES:
        raise InputError(f"outcome {outcome!r}: allowed {', '.join(BALANCES)}")
    names = components(a, b)
    if len(names) > MAX_COMPONENTS:
        raise InputError(
            f"{len(names)} components differ; at most {MAX_COMPONENTS} can be attributed"
        )
    n = len(names)
    coalitions = [frozenset(c) for r in range(n + 1) for c in itertools.combinations(names, r)]
    mixed = [mix(a, b, set(c)) for c in coalitions]
    result = simulate_ensemble(
        np.stack([m.parameters.pack() for m in mixed]), [m.drivers for m in mixed], a.settings
    )
    date = date or result.dates[-1]
    values = stock_at(result, outcome, region, date)
    v = dict(zip(coalitions, values, strict=True))
    shapley = []
    for name in names:
        others = [x for x in names if x != name]
        phi = 0.0
        for r in range(len(others) + 1):
            weight = math.factorial(r) * math.factorial(n - r - 1) / math.factorial(n)
            for c in itertools.combinations(others, r):
                s = frozenset(c)
                phi += weight * (v[s | {name}] - v[s])
        shapley.append(float(phi))
    empty, full = frozenset[str](), frozenset(names)
    oat = tuple(float(v[frozenset({x})] - v[empty]) for x in names)

    ra, rb = (
        simulate(a.parameters, a.drivers, a.settings),
        simulate(b.parameters, b.drivers, b.settings),
    )
    flows = {}
    regions = ra.regions if region == "total" else (region,)
    t = time_at(ra, date)
    for flow, (index, sign) in BALANCES[outcome].items():
        change = [
            value_at(regional_sum(r, index, regions), t) - regional_sum(r, index, regions)[0]
            for r in (ra, rb)
        ]
        flows[flow] = float(sign * (change[1] - change[0]))
    start = [
        regional_sum(r, layout.REGIONAL_STOCK_NAMES.index(outcome), regions)[0] for r in (ra, rb)
    ]
    flows["initial stock"] = float(start[1] - start[0])
    return Explanation(
        outcome,
        region,
        date,
        float(v[empty]),
        float(v[full]),
        tuple(names),
        tuple(shapley),
        oat,
        flows,
    )
