"""Fixed-step explicit Euler, for comparison with engines that integrate only with Euler.

``ffsim run`` and everything else integrate with RK4 (:mod:`ffsim.core.integrate`). PySD, the
independent engine that runs the model's XMILE export (``ffsim export --xmile``), integrates
every model with Euler whatever the file asks for, so a like-for-like check of the export needs
the same right-hand side stepped with Euler at the same step: :func:`simulate_euler`. Euler is
first order in the step; it is not meant for analysis.
"""

from __future__ import annotations

import numpy as np

from ffsim.core.drivers import Drivers
from ffsim.core.jit import kernel
from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import Result, radicalisation_rates
from ffsim.core.rhs import N_FACTORS, initial_state, rhs_into
from ffsim.core.simulate import DEFAULT_SETTINGS, Settings, single_run_inputs


@kernel()
def euler_batch(
    p: np.ndarray,
    table: np.ndarray,
    dt: float,
    steps_per_month: int,
    n_months: int,
    n_regions: int,
    out: np.ndarray,
) -> None:
    """Integrate the B members of ``p`` (n_params, B) with Euler into ``out``.

    ``table`` is the half-step driver table of :func:`ffsim.core.simulate.driver_table`
    (rows, N_INPUTS, B or 1; row ``k`` is time ``k * dt / 2`` months); Euler reads the rows at
    the start of each step (even rows). ``out`` has shape (B, n_months + 1, n_state) and
    receives the states at months 0..n_months (persons; perceived territory as an index).
    """
    n_members = p.shape[1]
    y = initial_state(p, table[0], n_regions)
    n = y.shape[0]
    slope = np.empty((n, n_members))
    work = np.empty((N_FACTORS, n_members))
    for b in range(n_members):
        out[b, 0] = y[:, b]
    size = n * n_members
    yf = y.reshape(size)
    slope_f = slope.reshape(size)
    for month in range(n_months):
        for sub in range(steps_per_month):
            rhs_into(y, p, table[2 * (month * steps_per_month + sub)], slope, work)
            for j in range(size):
                yf[j] += dt * slope_f[j]
        for b in range(n_members):
            out[b, month + 1] = y[:, b]


def simulate_euler(
    params: Parameters | None = None,
    drivers: Drivers | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Result:
    """Run the model once with fixed-step Euler at ``settings.dt`` (the same Result as
    :func:`ffsim.core.simulate.simulate`, which uses RK4).

    Parameters
    ----------
    params, drivers
        Defaults when omitted.
    settings
        Time span and step (months).
    """
    packed, table, states = single_run_inputs(params, drivers, settings)
    euler_batch(
        packed[:, None],
        table,
        settings.dt,
        settings.steps_per_month,
        settings.n_months,
        len(REGION_IDS),
        states,
    )
    return Result(
        settings.month_ends(), REGION_IDS, states[0], radicalisation_rates(packed, len(REGION_IDS))
    )
