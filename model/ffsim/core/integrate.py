"""Fixed-step fourth-order Runge-Kutta over an ensemble, compiled with numba.

A thin layer: it steps the right-hand side and records what the caller asks for at month
boundaries. Driver values come from a table sampled every half step, so each Runge-Kutta stage
sees the exact piecewise-linear driver value at its time; the factors that depend only on the
parameters and a row of that table are computed once per row (``row_factors``), and the four
stages evaluate only what depends on the state (``derivatives``). Members are stepped together
in batches (the right-hand side's column layout), and batches run in parallel.

What is recorded is a set of *channels*, each the sum of some rows of the state vector (a stock
of one region, or summed over regions), at chosen month boundaries (``ffsim.core.outputs``).
The full state is the special case of one channel per row at every boundary.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ffsim.core.jit import kernel
from ffsim.core.rhs import N_ROW_FACTORS, N_STATE_FACTORS, derivatives, initial_state, row_factors

BATCH = 8
"""Members stepped together. Small enough that the ensembles of calibration (22 to 24 members)
and of the app's bands split across both cores; larger batches were no faster (README)."""


@kernel()
def record(y: np.ndarray, rows: np.ndarray, out: np.ndarray, k: int) -> None:
    """Write channel sums of the states ``y`` (n_state, B) into ``out[:, k, :]``.

    ``rows`` (n_channels, width) lists the state rows each channel sums, in order, padded with
    -1; the sum runs left to right (as numpy's sum over a short last axis does), so a channel
    equals the same sum taken in numpy from the full state, to the last bit.
    """
    n_members = y.shape[1]
    for b in range(n_members):
        for c in range(rows.shape[0]):
            s = y[rows[c, 0], b]
            for j in range(1, rows.shape[1]):
                r = rows[c, j]
                if r < 0:
                    break
                s += y[r, b]
            out[b, k, c] = s


@kernel()
def integrate_batch(
    p: np.ndarray,
    table: np.ndarray,
    dt: float,
    steps_per_month: int,
    n_months: int,
    n_regions: int,
    rows: np.ndarray,
    boundaries: np.ndarray,
    out: np.ndarray,
) -> None:
    """Integrate the B members of ``p`` (n_params, B) and record channels into ``out``.

    ``table`` holds the inputs at every half step, shape (rows, N_INPUTS, B or 1): row ``k`` is
    time ``k * dt / 2`` months after the start. ``rows`` (n_channels, width, int64) names the
    state rows each channel sums (padded with -1); ``boundaries`` (int64, ascending, each from
    0 to ``n_months``) the month boundaries recorded, 0 being the start. ``out`` has shape
    (B, len(boundaries), n_channels).
    """
    n_members = p.shape[1]
    y = initial_state(p, table[0], n_regions)
    n = y.shape[0]
    k1 = np.empty((n, n_members))
    k2 = np.empty((n, n_members))
    k3 = np.empty((n, n_members))
    k4 = np.empty((n, n_members))
    tmp = np.empty((n, n_members))
    work = np.empty((N_STATE_FACTORS, n_members))
    g_start = np.empty((N_ROW_FACTORS, n_members))  # row factors at the step's start,
    g_mid = np.empty((N_ROW_FACTORS, n_members))  # its middle
    g_end = np.empty((N_ROW_FACTORS, n_members))  # and its end (the next step's start)
    half = 0.5 * dt
    sixth = dt / 6.0
    n_records = boundaries.shape[0]
    k = 0
    if k < n_records and boundaries[k] == 0:
        record(y, rows, out, k)
        k += 1
    size = n * n_members
    yf = y.reshape(size)  # flat views: the element-wise updates below vectorize
    k1f = k1.reshape(size)
    k2f = k2.reshape(size)
    k3f = k3.reshape(size)
    k4f = k4.reshape(size)
    tmpf = tmp.reshape(size)
    row_factors(p, table[0], g_start)
    for month in range(n_months):
        for sub in range(steps_per_month):
            i = 2 * (month * steps_per_month + sub)
            row_factors(p, table[i + 1], g_mid)
            row_factors(p, table[i + 2], g_end)
            derivatives(y, p, g_start, k1, work)
            for j in range(size):
                tmpf[j] = yf[j] + half * k1f[j]
            derivatives(tmp, p, g_mid, k2, work)
            for j in range(size):
                tmpf[j] = yf[j] + half * k2f[j]
            derivatives(tmp, p, g_mid, k3, work)
            for j in range(size):
                tmpf[j] = yf[j] + dt * k3f[j]
            derivatives(tmp, p, g_end, k4, work)
            for j in range(size):
                yf[j] += sixth * (k1f[j] + 2.0 * k2f[j] + 2.0 * k3f[j] + k4f[j])
            g_start, g_end = g_end, g_start
        if k < n_records and boundaries[k] == month + 1:
            record(y, rows, out, k)
            k += 1


@kernel(parallel=True)
def integrate_ensemble(
    p: np.ndarray,
    table: np.ndarray,
    dt: float,
    steps_per_month: int,
    n_months: int,
    n_regions: int,
    rows: np.ndarray,
    boundaries: np.ndarray,
    out: np.ndarray,
) -> None:
    """Integrate E members: ``p`` (n_params, E), ``table`` (rows, N_INPUTS, E or 1).

    Records channels ``rows`` at ``boundaries`` (as :func:`integrate_batch`) into ``out``, shape
    (E, len(boundaries), n_channels). Batches of ``BATCH`` members run in parallel threads.
    ``out`` is allocated by the caller with numpy (or reused from an earlier call): numpy's
    large allocations ask the kernel for huge pages, and on this kind of machine first-touch page
    faults of a numba-allocated result cost more than the integration itself (benchmarks/).
    """
    n_members = p.shape[1]
    shared = table.shape[2] == 1
    n_batches = (n_members + BATCH - 1) // BATCH
    for c in prange(n_batches):
        lo = c * BATCH
        hi = min(lo + BATCH, n_members)
        pb = np.ascontiguousarray(p[:, lo:hi])
        tb = table if shared else np.ascontiguousarray(table[:, :, lo:hi])
        integrate_batch(
            pb, tb, dt, steps_per_month, n_months, n_regions, rows, boundaries, out[lo:hi]
        )
