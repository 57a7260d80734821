"""Estimation: bounded multi-start optimisation, then an emcee posterior sample.

Free parameters are mapped to the unit cube, where every prior is uniform (uniform in the value
or in its logarithm), so the posterior is the likelihood restricted to the cube and the best fit
is the maximum-likelihood point inside the prior box. Ensembles of parameter sets are simulated
in one call: the finite-difference gradient (k + 1 members) and each emcee move (half the
walkers).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import emcee
import numpy as np
from scipy.optimize import minimize

from model.calibration_config import CalibrationConfig
from model.drivers import DEFAULT_DRIVERS, Drivers
from model.likelihood import log_likelihood, z_score
from model.measures import measure
from model.observations import Observation
from model.parameters import Parameters
from model.simulate import DEFAULT_SETTINGS, Settings, simulate_ensemble

Progress = Callable[[str], None]

FD_STEP = 1e-6
"""Forward-difference step in the unit cube for the optimiser's gradient."""


@dataclass(frozen=True)
class Problem:
    """The calibration problem: a model, its fixed parameters, free parameters and data."""

    config: CalibrationConfig
    observations: tuple[Observation, ...]
    base: Parameters
    drivers: Drivers = DEFAULT_DRIVERS
    settings: Settings = DEFAULT_SETTINGS

    def packed(self, theta: np.ndarray) -> np.ndarray:
        """Full packed parameter vectors (E, n_params) for free values ``theta`` (E, k)."""
        theta = np.atleast_2d(theta)
        out = np.tile(self.base.pack(), (theta.shape[0], 1))
        out[:, [f.packed_index() for f in self.config.free]] = theta
        return out

    def theta(self, u: np.ndarray) -> np.ndarray:
        """Free-parameter values for unit-cube points ``u`` (..., k)."""
        u = np.asarray(u, dtype=float)
        return np.stack([f.from_unit(u[..., i]) for i, f in enumerate(self.config.free)], axis=-1)

    def unit(self, theta: np.ndarray) -> np.ndarray:
        """Unit-cube points for free-parameter values (..., k)."""
        theta = np.asarray(theta, dtype=float)
        return np.stack([f.to_unit(theta[..., i]) for i, f in enumerate(self.config.free)], axis=-1)

    def model_values(self, theta: np.ndarray) -> np.ndarray:
        """Model value of every observation for each parameter set: shape (E, n_obs)."""
        result = simulate_ensemble(self.packed(theta), self.drivers, self.settings)
        return np.stack([measure(result, o) for o in self.observations], axis=-1)

    def z(self, values: np.ndarray) -> np.ndarray:
        """Standardised residuals (E, n_obs) of model values (E, n_obs)."""
        return np.stack(
            [z_score(values[:, i], o) for i, o in enumerate(self.observations)], axis=-1
        )

    def log_posterior_unit(self, u: np.ndarray) -> np.ndarray:
        """Log posterior (up to a constant) at unit-cube points ``u`` (E, k); -inf outside."""
        u = np.atleast_2d(u)
        inside = np.all((u >= 0.0) & (u <= 1.0), axis=1)
        out = np.full(u.shape[0], -np.inf)
        if inside.any():
            values = self.model_values(self.theta(u[inside]))
            out[inside] = log_likelihood(self.z(values))
        return out


def optimise(problem: Problem, u0: np.ndarray, max_iter: int) -> tuple[np.ndarray, float, int]:
    """Maximise the likelihood in the unit cube from ``u0`` (L-BFGS-B).

    The gradient is a forward difference computed with the k + 1 points as one ensemble.
    Returns the end point, its log-likelihood and the number of iterations.
    """

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        k = u.shape[0]
        step = np.where(u + FD_STEP <= 1.0, FD_STEP, -FD_STEP)
        points = np.tile(u, (k + 1, 1))
        points[np.arange(1, k + 1), np.arange(k)] += step
        values = -problem.log_posterior_unit(points)
        return float(values[0]), (values[1:] - values[0]) / step

    res = minimize(
        objective,
        u0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 1.0)] * u0.shape[0],
        options={"maxiter": max_iter},
    )
    return res.x, -float(res.fun), int(res.nit)


class Calibrator:
    """Best fit and posterior sample for a :class:`Problem`.

    Parameters
    ----------
    problem
        What to fit.
    seed
        Seed of every random choice (start points, walkers, moves); stored as given.
    progress
        Called with a line of text at each stage; ``None`` for silence.

    Attributes set by :meth:`fit`
    ------------------------------
    best_unit_, best_theta_ : the best fit, in the unit cube and in parameter units
    best_log_likelihood_ : its log-likelihood
    starts_ : (start point, end point, log-likelihood, iterations) of each optimiser run
    chain_unit_ : emcee chain after burn-in, (steps - burn, walkers, k)
    sample_theta_ : ``keep`` posterior draws, evenly spaced over the flattened chain
    acceptance_fraction_ : mean acceptance fraction of the walkers
    autocorr_time_ : integrated autocorrelation time of each parameter (steps)
    """

    def __init__(self, problem: Problem, seed: int, progress: Progress | None = None) -> None:
        self.problem = problem
        self.seed = seed
        self.progress = progress

    def _say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def fit(self) -> Calibrator:
        """Run the multi-start optimisation, then the posterior sampler."""
        return self.fit_point()._sample()

    def fit_point(self) -> Calibrator:
        """Run only the multi-start optimisation (sets ``best_*`` and ``starts_``)."""
        self._rng = np.random.default_rng(self.seed)
        rng = self._rng
        cfg = self.problem.config
        k = len(cfg.free)
        default_theta = np.array([self.problem.base.pack()[f.packed_index()] for f in cfg.free])
        starts = [np.clip(self.problem.unit(default_theta), 0.0, 1.0)]
        starts += list(rng.random((cfg.optimizer.n_starts - 1, k)))
        self.starts_ = []
        for i, u0 in enumerate(starts):
            u, ll, nit = optimise(self.problem, u0, cfg.optimizer.max_iter)
            self.starts_.append((u0, u, ll, nit))
            self._say(
                f"optimiser start {i + 1}/{len(starts)}: log-likelihood {ll:.3f} "
                f"after {nit} iterations"
            )
        best = max(self.starts_, key=lambda s: s[2])
        self.best_unit_ = best[1]
        self.best_theta_ = self.problem.theta(best[1])
        self.best_log_likelihood_ = best[2]
        return self

    def _sample(self) -> Calibrator:
        rng, cfg = self._rng, self.problem.config
        k = len(cfg.free)
        s = cfg.sampler
        walkers = np.clip(self.best_unit_ + 1e-3 * rng.standard_normal((s.walkers, k)), 0, 1)
        sampler = emcee.EnsembleSampler(
            s.walkers,
            k,
            self.problem.log_posterior_unit,
            vectorize=True,
            moves=[(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)],
        )
        sampler.random_state = np.random.RandomState(self.seed).get_state()
        report_every = max(1, s.steps // 10)
        for i, _ in enumerate(sampler.sample(walkers, iterations=s.steps), start=1):
            if i % report_every == 0 or i == s.steps:
                self._say(f"sampler: step {i}/{s.steps}")
        self.chain_unit_ = sampler.get_chain()[s.burn :]
        self.acceptance_fraction_ = float(np.mean(sampler.acceptance_fraction))
        # Integrated autocorrelation time per parameter (steps), on the kept chain; emcee logs
        # a warning when the chain is under 50 tau, which the artifact reports as numbers.
        emcee_logger = logging.getLogger("emcee")
        level = emcee_logger.level
        emcee_logger.setLevel(logging.ERROR)
        try:
            self.autocorr_time_ = emcee.autocorr.integrated_time(self.chain_unit_, quiet=True)
        finally:
            emcee_logger.setLevel(level)
        flat = self.chain_unit_.reshape(-1, k)
        picks = np.linspace(0, flat.shape[0] - 1, s.keep).round().astype(int)
        self.sample_unit_ = flat[picks]
        self.sample_theta_ = self.problem.theta(self.sample_unit_)
        # The sampler may find a better point than the optimiser; the best fit is the best seen.
        sample_ll = self.problem.log_posterior_unit(self.sample_unit_)
        if sample_ll.max() > self.best_log_likelihood_:
            j = int(sample_ll.argmax())
            self.best_unit_ = self.sample_unit_[j]
            self.best_theta_ = self.sample_theta_[j]
            self.best_log_likelihood_ = float(sample_ll[j])
            self._say(f"sampler improved the best fit: log-likelihood {sample_ll[j]:.3f}")
        self.tensions_ = self._tensions()
        return self

    def _tensions(self) -> list[dict[str, Any]]:
        """What each misfit costs the rest of the data, and how declared conflicts resolve.

        For every figure outside one sigma at the best fit, the fit is repeated without it
        (from the best fit); the gain in the other figures' log-likelihood measures how hard
        the rest of the data pulls against it, and the figures that move most are named.
        """
        problem, cfg = self.problem, self.problem.config
        obs = problem.observations
        z = problem.z(problem.model_values(self.best_theta_[None]))[0]
        out: list[dict[str, Any]] = []
        for i in np.flatnonzero(np.abs(z) > 1.0):
            rest = replace(problem, observations=obs[:i] + obs[i + 1 :])
            u, ll_rest, _ = optimise(rest, self.best_unit_.copy(), cfg.optimizer.max_iter)
            z_new = problem.z(problem.model_values(problem.theta(u)[None]))[0]
            ll_before = float(-0.5 * (np.sum(z**2) - z[i] ** 2))
            moved = np.argsort(-(np.abs(z) - np.abs(z_new)))
            out.append(
                {
                    "kind": "misfit",
                    "id": obs[i].id,
                    "z_at_best_fit": float(z[i]),
                    "z_when_left_out": float(z_new[i]),
                    "gain_in_rest_log_likelihood": float(ll_rest - ll_before),
                    "figures_that_improve_most": [
                        {
                            "id": obs[j].id,
                            "z_at_best_fit": float(z[j]),
                            "z_when_left_out": float(z_new[j]),
                        }
                        for j in moved[:3]
                        if j != i and abs(z_new[j]) < abs(z[j]) - 0.05
                    ],
                }
            )
            self._say(f"tension: {obs[i].id} z={z[i]:+.2f}, rest gains {ll_rest - ll_before:.3f}")
        ids = [o.id for o in obs]
        for i, o in enumerate(obs):
            if o.conflicts_with and o.conflicts_with in ids and o.id < o.conflicts_with:
                j = ids.index(o.conflicts_with)
                out.append(
                    {
                        "kind": "declared_conflict",
                        "a": o.id,
                        "b": o.conflicts_with,
                        "z_a": float(z[i]),
                        "z_b": float(z[j]),
                        "both_within": bool(abs(z[i]) <= 1 and abs(z[j]) <= 1),
                    }
                )
        return out

    def best_parameters(self) -> Parameters:
        """The full parameter set at the best fit."""
        overrides: dict[str, object] = {}
        for f, value in zip(self.problem.config.free, self.best_theta_, strict=True):
            base, _, region = f.name.partition(".")
            if region:
                overrides.setdefault(base, {})[region] = float(value)  # type: ignore[index]
            else:
                overrides[base] = float(value)
        return self.problem.base.with_overrides(overrides)
