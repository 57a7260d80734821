"""Fixed-step fourth-order Runge-Kutta over an ensemble, compiled with numba.

A thin layer: it steps the right-hand side and records the states at the end of each month.
Driver values come from a table sampled every half step, so each Runge-Kutta stage sees the
exact piecewise-linear driver value at its time. Members are stepped together in batches (the
right-hand side's column layout), and batches run in parallel.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ffsim.core.jit import kernel
from ffsim.core.rhs import N_FACTORS, initial_state, rhs_into

BATCH = 8
"""Members stepped together. Small enough that the ensembles of calibration (22 to 24 members)
and of the app's bands split across both cores; larger batches were no faster (README)."""


@kernel()
def integrate_batch(
    p: np.ndarray,
    table: np.ndarray,
    dt: float,
    steps_per_month: int,
    n_months: int,
    n_regions: int,
    out: np.ndarray,
) -> None:
    """Integrate the B members of ``p`` (n_params, B) into ``out`` (B, n_months + 1, n_state).

    ``table`` holds the drivers at every half step, shape (rows, 5, B or 1): row ``k`` is time
    ``k * dt / 2`` months after the start. ``out`` receives the states at months 0..n_months.
    """
    n_members = p.shape[1]
    y = initial_state(p, table[0], n_regions)
    n = y.shape[0]
    k1 = np.empty((n, n_members))
    k2 = np.empty((n, n_members))
    k3 = np.empty((n, n_members))
    k4 = np.empty((n, n_members))
    tmp = np.empty((n, n_members))
    work = np.empty((N_FACTORS, n_members))
    half = 0.5 * dt
    sixth = dt / 6.0
    for b in range(n_members):
        out[b, 0] = y[:, b]
    size = n * n_members
    yf = y.reshape(size)  # flat views: the element-wise updates below vectorize
    k1f = k1.reshape(size)
    k2f = k2.reshape(size)
    k3f = k3.reshape(size)
    k4f = k4.reshape(size)
    tmpf = tmp.reshape(size)
    for month in range(n_months):
        for sub in range(steps_per_month):
            i = 2 * (month * steps_per_month + sub)
            rhs_into(y, p, table[i], k1, work)
            for j in range(size):
                tmpf[j] = yf[j] + half * k1f[j]
            rhs_into(tmp, p, table[i + 1], k2, work)
            for j in range(size):
                tmpf[j] = yf[j] + half * k2f[j]
            rhs_into(tmp, p, table[i + 1], k3, work)
            for j in range(size):
                tmpf[j] = yf[j] + dt * k3f[j]
            rhs_into(tmp, p, table[i + 2], k4, work)
            for j in range(size):
                yf[j] += sixth * (k1f[j] + 2.0 * k2f[j] + 2.0 * k3f[j] + k4f[j])
        for b in range(n_members):
            out[b, month + 1] = y[:, b]


@kernel(parallel=True)
def integrate_ensemble(
    p: np.ndarray,
    table: np.ndarray,
    dt: float,
    steps_per_month: int,
    n_months: int,
    n_regions: int,
    out: np.ndarray,
) -> None:
    """Integrate E members: ``p`` (n_params, E), ``table`` (rows, 5, E or 1).

    Writes the states into ``out``, shape (E, n_months + 1, n_state). Batches of ``BATCH``
    members run in parallel threads. ``out`` is allocated by the caller with numpy, whose large
    allocations ask the kernel for huge pages: on this kind of machine first-touch page faults
    of a numba-allocated result cost more than the integration itself (benchmarks/).
    """
    n_members = p.shape[1]
    shared = table.shape[2] == 1
    n_batches = (n_members + BATCH - 1) // BATCH
    for c in prange(n_batches):
        lo = c * BATCH
        hi = min(lo + BATCH, n_members)
        pb = np.ascontiguousarray(p[:, lo:hi])
        tb = table if shared else np.ascontiguousarray(table[:, :, lo:hi])
        integrate_batch(pb, tb, dt, steps_per_month, n_months, n_regions, out[lo:hi])
