"""One chunk of experiments run as one ensemble call, and the outcomes recorded of each run.

A chunk (:class:`Chunk`) carries everything its outcomes depend on (packed parameters, lever
settings, drivers, settings), so :func:`evaluate` is a pure function of it and may run in any
process or on any cluster worker (:mod:`ffsim.core.executor`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ffsim.core.drivers import Drivers
from ffsim.core.outputs import Outputs
from ffsim.core.results import Result
from ffsim.core.simulate import Settings, simulate_outputs
from ffsim.core.variables import label
from ffsim.scenarios.compare import OUTCOME_SELECTION, OUTCOMES, outcomes
from ffsim.scenarios.levers import Levers, apply_levers


@dataclass(frozen=True)
class Chunk:
    """Experiments run together: row ``i`` runs ``packed[i]`` with the drivers
    ``raw_drivers[driver_index[i]]`` reshaped by ``levers[i]`` (values in the order of
    :class:`Levers`' fields).
    """

    packed: np.ndarray
    levers: tuple[tuple[float, ...], ...]
    raw_drivers: tuple[Drivers, ...]
    driver_index: tuple[int, ...]
    settings: Settings


def outcome_labels(settings: Settings) -> dict[str, str]:
    """Every outcome recorded of an experiment, with its plain label: the comparison's outcomes
    (``ffsim.scenarios.compare``) and the number in theatre at the end of each full year.
    """
    years = {f"in_theatre_{d.year}": d for d in settings.month_ends() if d.month == 12}
    return {
        **OUTCOMES,
        **{name: f"{label('in_theatre')}, end of {d.year}" for name, d in years.items()},
    }


def recorded(result: Result | Outputs) -> dict[str, np.ndarray]:
    """The outcomes of every member of an ensemble (see :func:`outcome_labels`)."""
    out = outcomes(result)
    theatre = result.stock("in_theatre")
    dates = result.month_dates if isinstance(result, Outputs) else result.dates
    for i, d in enumerate(dates):
        if d.month == 12:
            out[f"in_theatre_{d.year}"] = theatre[..., i]
    return out


def evaluate(chunk: Chunk) -> dict[str, np.ndarray]:
    """The outcomes of every experiment of ``chunk``, each an array in row order."""
    names = tuple(Levers.model_fields)
    reshaped: dict[tuple[int, tuple[float, ...]], Drivers] = {}
    drivers = []
    for k, values in zip(chunk.driver_index, chunk.levers, strict=True):
        key = (k, values)
        if key not in reshaped:
            levers = Levers.model_validate(dict(zip(names, values, strict=True)))
            reshaped[key] = apply_levers(chunk.raw_drivers[k], levers)
        drivers.append(reshaped[key])
    result = simulate_outputs(chunk.packed, OUTCOME_SELECTION, drivers, chunk.settings)
    return recorded(result)
