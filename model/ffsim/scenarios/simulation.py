"""``ffsim.simulate``: one run of the model from Python, the calibrated baseline by default.

What to run is given the ways the command line takes it, or as objects::

    ffsim.simulate()                         # the calibrated baseline
    ffsim.simulate("early_response")         # a shipped scenario, "baseline", saved:NAME, a file
    ffsim.simulate(ffsim.load_scenario(p))   # a Scenario: its levers applied
    ffsim.simulate(parameters)               # Parameters, with the drivers as reported
    ffsim.simulate("no_air_campaign", draws=200)  # and over 200 posterior draws

The run itself is :func:`ffsim.core.simulate.simulate` (fixed-step RK4); this layer chooses its
inputs and, with ``draws``, runs the calibration's posterior draws under the same inputs, as
``ffsim run --draws`` does, so that :meth:`~ffsim.core.results.Result.to_pandas` can add
posterior quantiles.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np

from ffsim.calibration.baseline import active_artifact, read_artifact
from ffsim.calibration.uncertainty import first_draws
from ffsim.core import simulate as core
from ffsim.core.drivers import DEFAULT_DRIVERS, Drivers
from ffsim.core.errors import InputError
from ffsim.core.parameters import Parameters
from ffsim.core.results import Result
from ffsim.core.simulate import DEFAULT_SETTINGS, Settings
from ffsim.scenarios.scenario import Scenario, baseline_scenario, load_scenario

ScenarioLike = Scenario | Parameters | str | os.PathLike[str] | None
"""What :func:`simulate` runs: a scenario (object, name or file), parameters, or None for the
calibrated baseline."""


def as_scenario(scenario: Scenario | str | os.PathLike[str] | None) -> Scenario:
    """A scenario given as an object, a name or a file (None: the calibrated baseline).

    Raises
    ------
    InputError
        A name that is no shipped scenario and no file (the shipped names are listed), or an
        invalid scenario (every problem is listed).
    """
    if scenario is None:
        return baseline_scenario()
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | os.PathLike):
        return load_scenario(os.fspath(scenario))
    raise TypeError(
        f"scenario: a {type(scenario).__name__}; allowed: a Scenario, a scenario's name or "
        "file, or None for the calibrated baseline"
    )


def simulate(
    scenario: ScenarioLike = None,
    drivers: Drivers | None = None,
    settings: Settings | None = None,
    *,
    draws: int = 0,
) -> Result:
    """Run the model once: the calibrated baseline unless told otherwise.

    Parameters
    ----------
    scenario
        None for the calibrated baseline; a :class:`~ffsim.scenarios.scenario.Scenario`; a
        scenario's name or file as the command line takes it (``"early_response"``,
        ``"baseline"``, ``"saved:NAME"``, a path: a file that exists wins over a shipped name);
        or :class:`~ffsim.core.parameters.Parameters`, run with the drivers as reported.
    drivers, settings
        Replace the scenario's drivers (after its levers) and settings (span and step).
    draws
        Also run the first ``draws`` posterior draws of the calibration (parameters the
        scenario sets itself hold in every draw, as in ``ffsim run --draws``): the result's
        ``posterior`` holds them, and ``to_pandas()`` adds 5%, 50% and 95% columns.

    Raises
    ------
    InputError
        An unknown name, an invalid scenario, or ``draws`` outside 0 to the draws stored.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise InputError(f"draws = {draws!r}: allowed a whole number from 0")
    if isinstance(scenario, Parameters):
        params, own_drivers, own_settings, name = scenario, DEFAULT_DRIVERS, DEFAULT_SETTINGS, ""
    else:
        chosen = as_scenario(scenario)
        params, own_drivers = chosen.parameters, chosen.drivers
        own_settings, name = chosen.settings, chosen.name
    drivers = own_drivers if drivers is None else drivers
    settings = own_settings if settings is None else settings
    members = _posterior_members(params, draws) if draws else None
    result = replace(core.simulate(params, drivers, settings), name=name)
    if members is None:
        return result
    posterior = core.simulate_ensemble(members, drivers, settings)
    return replace(result, posterior=replace(posterior, name=name))


def _posterior_members(params: Parameters, draws: int) -> np.ndarray:
    """The first ``draws`` stored posterior draws under ``params`` (``ffsim run --draws``'s)."""
    path = active_artifact()
    artifact = read_artifact(path)
    stored = len(artifact["posterior_sample"]["values"])
    if draws > stored:
        raise InputError(
            f"draws = {draws}: allowed a whole number from 0 to {stored} (the posterior draws "
            f"stored in {path.name})"
        )
    return first_draws(params, draws, artifact)
