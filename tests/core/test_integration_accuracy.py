"""Integration accuracy: step-size convergence and agreement with scipy's solve_ivp."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import rel_diff

from ffsim.core.parameters import PARAMETER_SPECS, Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import FLOWS, STOCKS
from ffsim.core.simulate import Settings, simulate, simulate_reference


def monthly_outputs(result) -> np.ndarray:
    """Every monthly stock and flow, every region and the total, as one vector."""
    regions = ("total", *REGION_IDS)
    parts = [result.stock(s, r) for s in STOCKS for r in regions]
    parts += [result.flow(f, r) for f in FLOWS for r in regions]
    parts += [result.stock("local_in_theatre"), result.stock("local_killed")]
    return np.concatenate(parts)


def random_params(seed: int) -> Parameters:
    rng = np.random.default_rng(seed)
    values: dict[str, object] = {}
    for spec in PARAMETER_SPECS:
        draw = lambda s=spec: float(rng.uniform(s.lower, s.upper))  # noqa: E731
        values[spec.name] = {r: draw() for r in REGION_IDS} if spec.regional else draw()
    return Parameters(**values)


CASES = [Parameters(), random_params(1), random_params(2), random_params(3)]


@pytest.mark.parametrize("params", CASES, ids=["default", "random1", "random2", "random3"])
def test_halving_dt_changes_no_monthly_output_by_more_than_0_1_percent(params):
    coarse = monthly_outputs(simulate(params, settings=Settings(dt=0.25)))
    fine = monthly_outputs(simulate(params, settings=Settings(dt=0.125)))
    assert rel_diff(coarse, fine) <= 1e-3


@pytest.mark.parametrize("params", CASES[:3], ids=["default", "random1", "random2"])
def test_rk4_agrees_with_solve_ivp(params):
    shipped = monthly_outputs(simulate(params))
    reference = monthly_outputs(simulate_reference(params, rtol=1e-8, atol=1e-8))
    assert rel_diff(shipped, reference) <= 1e-3


def test_rk4_converges_at_fourth_order_on_smooth_drivers():
    # With constant drivers the right-hand side is smooth, so halving dt should cut the error
    # against a very fine run by about 2**4 = 16 once dt is small enough.
    from conftest import drivers_constant

    drivers = drivers_constant(
        territory=0.5, pay=800.0, air_campaign=0.3, border_closure=0.2, prevention=0.1
    )
    # Measured on the default parameters: ratios 25.0, 19.9, 17.8 for dt = 1/2, 1/4, 1/8.
    ref = monthly_outputs(simulate(drivers=drivers, settings=Settings(dt=1 / 128)))
    err = [
        np.max(np.abs(monthly_outputs(simulate(drivers=drivers, settings=Settings(dt=h))) - ref))
        for h in (1 / 8, 1 / 16)
    ]
    assert 14.0 < err[0] / err[1] < 20.0
