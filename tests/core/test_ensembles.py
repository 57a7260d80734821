"""The right-hand side is vectorized over an ensemble axis; ensembles equal single runs."""

from __future__ import annotations

import numpy as np
from conftest import drivers_constant

from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.rhs import initial_state, rhs
from ffsim.core.simulate import DEFAULT_SETTINGS, driver_table, simulate, simulate_ensemble


def _params(n: int) -> list[Parameters]:
    rng = np.random.default_rng(7)
    return [
        Parameters(combat_mortality=float(rng.uniform(0, 0.05)), network_strength=float(x))
        for x in rng.uniform(0, 3, n)
    ]


def test_rhs_on_an_ensemble_equals_rhs_on_each_member():
    params = _params(5)
    packed = np.stack([p.pack() for p in params], axis=1)
    d = driver_table(DEFAULT_DRIVERS, DEFAULT_SETTINGS)[100]
    y = initial_state(packed, d, len(REGION_IDS)) * np.linspace(0.5, 2.0, 5)
    together = rhs(y, packed, d)
    for b in range(5):
        np.testing.assert_array_equal(together[:, b], rhs(y[:, b], packed[:, b], d[:, 0]))


def test_rhs_is_pure():
    p = Parameters().pack()
    d = driver_table(DEFAULT_DRIVERS, DEFAULT_SETTINGS)[200][:, 0].copy()
    y = initial_state(p[:, None], d[:, None], len(REGION_IDS))[:, 0]
    copies = (y.copy(), p.copy(), d.copy())
    first = rhs(y, p, d)
    second = rhs(y, p, d)
    np.testing.assert_array_equal(first, second)
    for before, after in zip(copies, (y, p, d), strict=True):
        np.testing.assert_array_equal(before, after)


def test_ensemble_members_equal_single_runs():
    params = _params(70)  # more than two batches, with a partial last batch
    ensemble = simulate_ensemble(np.stack([p.pack() for p in params]))
    for e in (0, 31, 32, 69):
        np.testing.assert_allclose(
            ensemble.states[e], simulate(params[e]).states, rtol=1e-12, atol=1e-9
        )


def test_ensemble_with_a_driver_set_per_member():
    drivers = [drivers_constant(border_closure=v) for v in (0.0, 0.5, 1.0)]
    sealing = Parameters(border_stop_max=1.0)  # a closure index of 1 stops every crossing
    packed = np.tile(sealing.pack(), (3, 1))
    ensemble = simulate_ensemble(packed, drivers)
    for e, d in enumerate(drivers):
        np.testing.assert_allclose(
            ensemble.states[e], simulate(sealing, drivers=d).states, rtol=1e-12, atol=1e-9
        )
    assert ensemble.member(2).flow("arrivals").max() == 0.0
