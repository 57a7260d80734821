"""The posterior mode from one start: bounded L-BFGS-B, then Newton steps.

The optimiser works in the unit cube of a :class:`~ffsim.calibration.problem.Problem`. Its
gradient is a central finite difference (one-sided at a bound of the cube); the polish uses a
finite-difference Hessian, so that every start reaches the same point. The 2k + 1 points of a
gradient and the stencil of a Hessian are each simulated as one ensemble.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ffsim.calibration.problem import Problem

FD_STEP = 1e-6
"""Central-difference step in the unit cube for the optimiser's gradient."""

HESSIAN_STEP = 1e-4
"""Finite-difference step in the unit cube for the Hessian of the Newton polish."""

POLISH_STEPS = 12
"""Most Newton steps after L-BFGS-B; each costs one ensemble of about 2 k**2 members."""


def optimise(problem: Problem, u0: np.ndarray, max_iter: int) -> tuple[np.ndarray, float, int]:
    """Find the posterior mode in the unit cube from ``u0``: L-BFGS-B, then Newton steps.

    The gradient is a central difference computed with the 2k + 1 points as one ensemble.
    Returns the end point, its log posterior and the number of L-BFGS-B iterations.
    """
    k = u0.shape[0]

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        # Central differences, one-sided where a bound of the cube is within the step.
        up, down = np.minimum(FD_STEP, 1.0 - u), np.minimum(FD_STEP, u)
        points = np.tile(u, (2 * k + 1, 1))
        points[np.arange(1, k + 1), np.arange(k)] += up
        points[np.arange(k + 1, 2 * k + 1), np.arange(k)] -= down
        values = -problem.log_posterior_unit(np.clip(points, 0.0, 1.0))
        return float(values[0]), (values[1 : k + 1] - values[k + 1 :]) / (up + down)

    res = minimize(
        objective,
        u0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 1.0)] * k,
        options={"maxiter": max_iter, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 30},
    )
    u, value = polish(problem, np.clip(res.x, 0.0, 1.0))
    return u, value, int(res.nit)


def polish(problem: Problem, u: np.ndarray) -> tuple[np.ndarray, float]:
    """Newton steps on the log posterior from ``u``, with a finite-difference Hessian.

    Coordinates at a bound of the cube whose gradient points outward stay fixed. A step is
    halved until it improves the log posterior; the polish stops when no step does, or when a
    step moves no coordinate by more than 1e-9. Returns the point and its log posterior.
    """
    k = u.shape[0]
    h = HESSIAN_STEP
    best = float(problem.log_posterior_unit(u[None])[0])
    for _ in range(POLISH_STEPS):
        c = np.clip(u, h, 1.0 - h)  # the stencil stays inside the cube
        eye = np.eye(k) * h
        plus, minus = c + eye, c - eye
        pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
        pp = np.array([c + eye[i] + eye[j] for i, j in pairs]).reshape(-1, k)
        mm = np.array([c - eye[i] - eye[j] for i, j in pairs]).reshape(-1, k)
        f = problem.log_posterior_unit(np.vstack([c[None], plus, minus, pp, mm]))
        f0, fp, fm = f[0], f[1 : k + 1], f[k + 1 : 2 * k + 1]
        fpp, fmm = f[2 * k + 1 : 2 * k + 1 + len(pairs)], f[2 * k + 1 + len(pairs) :]
        grad = (fp - fm) / (2 * h)
        hess = np.diag((fp - 2 * f0 + fm) / h**2)
        for n, (i, j) in enumerate(pairs):
            # f(x+hi+hj) + f(x-hi-hj) = 2 f0 + h^2 (Hii + Hjj + 2 Hij) + O(h^4)
            hess[i, j] = hess[j, i] = (
                (fpp[n] + fmm[n] - 2 * f0) / h**2 - hess[i, i] - hess[j, j]
            ) / 2.0
        free = ~(((u <= 0.0) & (grad < 0)) | ((u >= 1.0) & (grad > 0)))
        if not free.any():
            break
        sub = -hess[np.ix_(free, free)]
        eigval, eigvec = np.linalg.eigh(sub)
        eigval = np.maximum(eigval, 1e-6 * max(1.0, float(np.abs(eigval).max())))
        step = np.zeros(k)
        step[free] = eigvec @ ((eigvec.T @ grad[free]) / eigval)
        for _half in range(30):
            trial = np.clip(u + step, 0.0, 1.0)
            value = float(problem.log_posterior_unit(trial[None])[0])
            if value >= best:
                break
            step /= 2.0
        else:
            break
        moved = float(np.max(np.abs(trial - u)))
        u, best = trial, value
        if moved < 1e-9:
            break
    return u, best
