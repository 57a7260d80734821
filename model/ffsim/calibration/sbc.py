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

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.config import CalibrationConfig
from ffsim.calibration.observations import Observation
from ffsim.calibration.problem import Problem
from ffsim.calibration.sbc_artifact import made_on
from ffsim.calibration.sbc_figures import fitted_as_sbc_reads, simulate_figures
from ffsim.calibration.sbc_prior import draw_prior
from ffsim.calibration.sbc_ranks import choose_draws, rank_of, ranks_of, thin
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


def run_replication(task: Replication) -> dict[str, Any]:
    """Run one replication; return its ranks and what they rest on (JSON-able).

    The seed gives, through numpy's ``SeedSequence``, four independent streams: the prior draw,
    the figures' reporting errors and readings, the calibration's seed, and the ties of ranks.
    The posterior draws ranked among are the chain thinned by its longest autocorrelation time
    (every walker), ``draws`` of them evenly spread (:func:`~ffsim.calibration.sbc_ranks.thin`,
    :func:`~ffsim.calibration.sbc_ranks.choose_draws`).
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
    tau = max(1.0, float(np.max(cal.autocorr_time_)))
    k = len(task.config.free)
    pool = thin(cal.chain_unit_, tau).reshape(-1, k)  # every walker, every ceil(tau) steps
    draws = problem.theta(choose_draws(pool, task.draws))
    ll_draws = problem.log_likelihood_values(problem.model_values(draws))
    ll_true = float(problem.log_likelihood_values(problem.model_values(theta_true[None]))[0])
    ranks = {
        f.name: int(r)
        for f, r in zip(task.config.free, ranks_of(theta_true, draws, pick_rng), strict=True)
    }
    # a large log-likelihood at the truth ranks high: the rank of -ll would be its mirror
    ranks[LOG_LIKELIHOOD] = rank_of(ll_true, ll_draws, pick_rng)
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
        "made_on": made_on(),
    }
