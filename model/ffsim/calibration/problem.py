"""The calibration problem: free parameters in the unit cube, the model run and the log posterior.

Free parameters are mapped to the unit cube, linearly in the value or in its logarithm, where
every prior's log density is 0 (flat) or a quadratic (normal in the value or in its log). The
log posterior is the log-likelihood (with mixtures over the readings of a statement) plus the
log prior, which includes the prior constraints on outputs (``ffsim.calibration.constraints``).
Each call simulates its whole batch of parameter sets as one ensemble.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ffsim.calibration.config import CalibrationConfig
from ffsim.calibration.likelihood import log_likelihood, z_score
from ffsim.calibration.measures import measure, outputs_read
from ffsim.calibration.observations import Observation, Statement, statements
from ffsim.core.drivers import DEFAULT_DRIVERS, Drivers
from ffsim.core.outputs import Outputs, Selection
from ffsim.core.parameters import Parameters
from ffsim.core.simulate import DEFAULT_SETTINGS, Settings, simulate_outputs


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
        out = np.tile(self._base_packed, (theta.shape[0], 1))
        out[:, self._free_columns] = theta
        return out

    @cached_property
    def _base_packed(self) -> np.ndarray:
        packed = self.base.pack()
        packed.setflags(write=False)
        return packed

    @cached_property
    def _free_columns(self) -> list[int]:
        """Each free parameter's position in ``Parameters.pack()``."""
        return [f.packed_index() for f in self.config.free]

    def theta(self, u: np.ndarray) -> np.ndarray:
        """Free-parameter values for unit-cube points ``u`` (..., k)."""
        u = np.asarray(u, dtype=float)
        return np.stack([f.from_unit(u[..., i]) for i, f in enumerate(self.config.free)], axis=-1)

    def unit(self, theta: np.ndarray) -> np.ndarray:
        """Unit-cube points for free-parameter values (..., k)."""
        theta = np.asarray(theta, dtype=float)
        return np.stack([f.to_unit(theta[..., i]) for i, f in enumerate(self.config.free)], axis=-1)

    @cached_property
    def selection(self) -> Selection:
        """What each run stores: the trajectories the figures' measures and the prior
        constraints read, nothing else.
        """
        read = [o for obs in self.observations for o in outputs_read(obs)]
        read += [o for c in self.config.constraint for o in c.outputs()]
        return Selection(tuple(dict.fromkeys(read)))

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        """Statements whose rows are alternative readings (mixtures in the likelihood)."""
        return statements(self.observations)

    def log_prior_unit(self, u: np.ndarray) -> np.ndarray:
        """Log prior density (up to a constant) at unit-cube points ``u`` (E, k)."""
        return self.log_prior(self.theta(u))

    def log_prior(self, theta: np.ndarray) -> np.ndarray:
        """Log prior density (up to a constant) of free values ``theta`` (E, k), the unit cube's
        density: the same as :meth:`log_prior_unit` at ``self.unit(theta)``.
        """
        return np.sum([f.log_prior(theta[..., i]) for i, f in enumerate(self.config.free)], axis=0)

    def log_likelihood_values(self, values: np.ndarray) -> np.ndarray:
        """Log-likelihood (E,) of model values (E, n_obs)."""
        return log_likelihood(self.z(values), self.statements)

    def run(self, theta: np.ndarray) -> Outputs:
        """The runs of parameter sets ``theta`` (E, k): the outputs of :attr:`selection`."""
        return simulate_outputs(self.packed(theta), self.selection, self.drivers, self.settings)

    def values_of(self, result: Outputs) -> np.ndarray:
        """Model value of every observation in ``result``: shape (E, n_obs)."""
        return np.stack([measure(result, o) for o in self.observations], axis=-1)

    def model_values(self, theta: np.ndarray) -> np.ndarray:
        """Model value of every observation for each parameter set: shape (E, n_obs)."""
        return self.values_of(self.run(theta))

    def log_constraints(self, result: Outputs) -> np.ndarray:
        """Log density (E,) of the prior constraints on outputs (0 without constraints)."""
        total = np.zeros(result.values.shape[0])
        for c in self.config.constraint:
            total = total + c.log_density(result)
        return total

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
            theta = self.theta(u[inside])  # mapped once, for the run and for the prior
            result = self.run(theta)
            out[inside] = (
                self.log_likelihood_values(self.values_of(result))
                + self.log_prior(theta)
                + self.log_constraints(result)
            )
        return out
