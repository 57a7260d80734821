"""Simulation-based calibration (SBC) of the whole calibration pipeline: one replication.

A replication draws "true" parameters from the prior (constraints included,
:mod:`ffsim.calibration.sbc_prior`), simulates every fitted figure through the observation model
(:mod:`ffsim.calibration.sbc_figures`), calibrates on those figures with the shipped set-up
(optimiser starts, emcee sampler, its settings and priors), thins the posterior chain by its
autocorrelation time, and ranks each true value among ``draws`` posterior draws (Talts, Betancourt,
Simpson, Vehtari & Gelman 2018, arXiv:1804.06788). It also ranks the log-likelihood of the
simulated figures at the true parameters among its values at the draws, a test quantity that
sees the parameters jointly (Modrák, Moon, Kim, Bürkner, Huurre, Faltejsková, Gelman & Vehtari
2023, Bayesian Analysis). If the inference is right, every rank is uniform on ``0..draws``.

A replication depends only on its task (the set-up, the figures' template and its own seed), so
that it gives the same ranks wherever it runs: serially, on a process pool or on a Dask cluster
(:mod:`ffsim.core.executor`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.config import CalibrationConfig
from ffsim.calibration.observations import Observation
from ffsim.calibration.problem import Problem
from ffsim.calibration.sbc_figures import fitted_as_sbc_reads, simulate_figures
from ffsim.calibration.sbc_prior import draw_prior
from ffsim.core.parameters import Parameters

LOG_LIKELIHOOD = "log_likelihood"
"""The name of the joint test quantity among the ranked quantities."""


@dataclass(frozen=True)
class Replication:
    """Everything one replication depends on (picklable: it travels to the workers)."""

    index: int
    seed: int
    config: CalibrationConfig
    observations: tuple[Observation, ...]
    draws: int = 99
    """Posterior draws each true value is ranked among (ranks run 0..draws)."""


def _thinned(chain: np.ndarray, tau: float) -> np.ndarray:
    """The chain (steps, walkers, k) kept every ``ceil(tau)`` steps, flattened (n, k)."""
    step = max(1, math.ceil(tau))
    kept = chain[::-1][::step][::-1]  # count back from the last step
    return kept.reshape(-1, chain.shape[-1])


def rank_among(true_value: float, draws: np.ndarray, rng: np.random.Generator) -> int:
    """How many ``draws`` lie below ``true_value``, ties split at random (0..len(draws))."""
    below = int(np.sum(draws < true_value))
    ties = int(np.sum(draws == true_value))
    return below + (int(rng.integers(0, ties + 1)) if ties else 0)


def run_replication(task: Replication) -> dict[str, Any]:
    """Run one replication; return its ranks and what they rest on (JSON-able).

    The seed gives, through numpy's ``SeedSequence``, four independent streams: the prior draw,
    the figures' reporting errors and readings, the calibration's seed, and the choice of
    posterior draws and ties.
    """
    start = time.perf_counter()
    streams = np.random.SeedSequence(task.seed).spawn(4)
    prior_rng, figures_rng, pick_rng = (np.random.default_rng(s) for s in streams[:3])
    cal_seed = int(streams[3].generate_state(1)[0])
    template = fitted_as_sbc_reads(task.observations)
    base = Parameters()
    prior_problem = Problem(task.config, template, base)
    theta_true, prior_tries = draw_prior(prior_problem, prior_rng)
    values = prior_problem.model_values(theta_true[None])[0]
    figures = simulate_figures(template, values, figures_rng)
    problem = Problem(task.config, figures, base)
    cal = Calibrator(problem, cal_seed).fit(tensions=False)
    tau = float(np.max(cal.autocorr_time_))
    pool = _thinned(cal.chain_unit_, tau)
    if pool.shape[0] < task.draws:
        raise RuntimeError(
            f"replication {task.index}: {pool.shape[0]} draws after thinning by tau = {tau:.0f}, "
            f"fewer than the {task.draws} to rank among: run the sampler longer"
        )
    picks = pick_rng.choice(pool.shape[0], size=task.draws, replace=False)
    draws = problem.theta(pool[picks])
    ll_draws = problem.log_likelihood_values(problem.model_values(draws))
    ll_true = float(problem.log_likelihood_values(problem.model_values(theta_true[None]))[0])
    ranks = {
        f.name: rank_among(float(theta_true[i]), draws[:, i], pick_rng)
        for i, f in enumerate(task.config.free)
    }
    # a large log-likelihood at the truth ranks high: the rank of -ll would be its mirror
    ranks[LOG_LIKELIHOOD] = rank_among(ll_true, ll_draws, pick_rng)
    return {
        "index": task.index,
        "seed": task.seed,
        "draws": task.draws,
        "ranks": ranks,
        "theta_true": {f.name: float(theta_true[i]) for i, f in enumerate(task.config.free)},
        "prior_draws_tried": prior_tries,
        "figures": len(figures),
        "autocorr_time_max": tau,
        "thinned_pool": int(pool.shape[0]),
        "acceptance_fraction": cal.acceptance_fraction_,
        "best_log_posterior": float(cal.best_log_likelihood_),
        "seconds": time.perf_counter() - start,
    }
