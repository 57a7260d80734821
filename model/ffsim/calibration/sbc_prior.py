"""Exact draws from the calibration's prior, prior constraints included, for simulation-based
calibration.

The prior the calibration uses is the product of each free parameter's truncated prior
(``calibration/config.toml``) and the prior constraints on outputs
(:mod:`ffsim.calibration.constraints`): ``p(theta) = prod_i p_i(theta_i) * exp(sum_c -z_c^2/2)``
up to a constant. Each constraint's factor is at most 1, so rejection sampling is exact: draw
from the parameters' priors, run the model and keep a draw with probability equal to the product
of the constraints' factors.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr, ndtri

from ffsim.calibration.config import FreeParameter
from ffsim.calibration.problem import Problem

BATCH = 64
"""Prior draws simulated together while looking for one the constraints accept."""

MAX_BATCHES = 1000
"""Batches tried before giving up: the constraints then exclude almost all the prior."""


def draw_parameter_prior(f: FreeParameter, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws from one free parameter's truncated prior, in the parameter's units.

    Flat priors are uniform in the value (``uniform``) or its log (``loguniform``); ``normal``
    is a normal in the value and ``lognormal`` a normal in its log, each truncated to
    ``[lower, upper]``, as :meth:`FreeParameter.log_prior` reads them.
    """
    if f.prior in ("uniform", "loguniform"):
        return f.from_unit(rng.random(n))
    if f.prior == "normal":
        centre, spread, lo, hi = float(f.mean), float(f.sd), f.lower, f.upper  # type: ignore[arg-type]
    else:
        centre, spread = math.log(float(f.median)), float(f.sigma_log)  # type: ignore[arg-type]
        lo, hi = math.log(f.lower), math.log(f.upper)
    # inverse CDF of the normal truncated to [lo, hi] (scipy's truncnorm.rvs is far slower)
    pa, pb = ndtr((lo - centre) / spread), ndtr((hi - centre) / spread)
    x = centre + spread * ndtri(pa + (pb - pa) * rng.random(n))
    value = x if f.prior == "normal" else np.exp(x)
    return np.clip(value, f.lower, f.upper)


def draw_prior(problem: Problem, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """One exact draw ``theta`` (k,) from the problem's prior, and how many draws it took.

    Raises
    ------
    RuntimeError
        When no draw in ``MAX_BATCHES * BATCH`` passes the prior constraints.
    """
    free = problem.config.free
    tried = 0
    for _ in range(MAX_BATCHES):
        theta = np.stack([draw_parameter_prior(f, rng, BATCH) for f in free], axis=-1)
        if problem.config.constraint:
            log_keep = problem.log_constraints(problem.run(theta))
        else:
            log_keep = np.zeros(BATCH)
        accepted = np.flatnonzero(np.log(rng.random(BATCH)) < log_keep)
        if accepted.size:
            return theta[accepted[0]], tried + int(accepted[0]) + 1
        tried += BATCH
    raise RuntimeError(
        f"no prior draw in {tried} passed the prior constraints: they exclude almost all of the "
        "parameters' prior"
    )
