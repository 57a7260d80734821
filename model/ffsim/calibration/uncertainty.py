"""Posterior predictive bands for any model output, from the draws stored in the artifact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.config import CalibrationConfig
from ffsim.core.drivers import DEFAULT_DRIVERS, Drivers
from ffsim.core.outputs import Outputs, Selection
from ffsim.core.parameters import Parameters
from ffsim.core.results import FLOWS, Result
from ffsim.core.simulate import DEFAULT_SETTINGS, Settings, simulate_ensemble, simulate_outputs


def posterior_packed(base: Parameters, artifact: dict[str, Any]) -> np.ndarray:
    """Packed parameter vectors (draws, n_params): ``base`` with each posterior draw applied.

    Parameters the calibration did not estimate keep their values in ``base``, so a scenario's
    changes to them carry over to every draw.
    """
    sample = artifact["posterior_sample"]
    free = {f.name: f for f in CalibrationConfig.model_validate(artifact["config"]).free}
    packed = np.tile(base.pack(), (len(sample["values"]), 1))
    values = np.asarray(sample["values"], dtype=float)
    for j, name in enumerate(sample["names"]):
        packed[:, free[name].packed_index()] = values[:, j]
    return packed


def first_draws(params: Parameters, n: int, artifact: dict[str, Any]) -> np.ndarray:
    """Packed parameters (n, n_params): the first ``n`` stored posterior draws under ``params``.

    As in :func:`posterior_packed`, parameters the calibration did not estimate keep their
    values in ``params``. Parameters in which ``params`` differs from the artifact's best fit
    (those a scenario sets itself) override the draws, as in ``ffsim compare`` and the app.
    """
    members = posterior_packed(params, artifact)[:n]
    own = params.pack()
    changed = own != Parameters.model_validate(artifact["best_fit_parameters"]).pack()
    members[:, changed] = own[changed]
    return members


def posterior_ensemble(
    base: Parameters | None = None,
    drivers: Drivers = DEFAULT_DRIVERS,
    settings: Settings = DEFAULT_SETTINGS,
    path: Path | None = None,
) -> Result:
    """Simulate every stored posterior draw (one ensemble call)."""
    return simulate_ensemble(_all_draws(base, path), drivers, settings)


def posterior_outputs(
    selection: Selection,
    base: Parameters | None = None,
    drivers: Drivers = DEFAULT_DRIVERS,
    settings: Settings = DEFAULT_SETTINGS,
    path: Path | None = None,
) -> Outputs:
    """Simulate every stored posterior draw, keeping only the outputs ``selection`` names."""
    return simulate_outputs(_all_draws(base, path), selection, drivers, settings)


def _all_draws(base: Parameters | None, path: Path | None) -> np.ndarray:
    """Every stored posterior draw of the artifact at ``path`` (the active one by default) as
    packed members around ``base`` (its best fit by default).
    """
    artifact = read_artifact(path)
    base = base or Parameters.model_validate(artifact["best_fit_parameters"])
    return posterior_packed(base, artifact)


def band(
    ensemble: Result | Outputs,
    variable: str,
    region: str = "total",
    quantiles: tuple[float, ...] = (0.05, 0.95),
) -> np.ndarray:
    """Quantiles over the members of a stock or flow: shape (len(quantiles), n_months), the
    months being those the ensemble reports (every month of a ``Result``).
    """
    values = (
        ensemble.flow(variable, region) if variable in FLOWS else ensemble.stock(variable, region)
    )
    return np.quantile(values, quantiles, axis=0)
