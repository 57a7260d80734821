"""Two settings of a loop that the figures may not tell apart, and what each says of an experiment.

A loop whose strength the profile likelihood leaves flat (``ffsim.calibration.profiles``) is a
hypothesis the figures cannot decide. A lesson shows that honestly: the model is refitted to
every figure of the active calibration (those published by its date) with the loop's parameter
held low and held high (every other free parameter re-optimised from that calibration's mode, as
the profile does), the two fits are compared, and the lesson's experiment is run under each.
Computed at run time (a few seconds a refit, cached per artifact).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ffsim.calibration.baseline import active_artifact, artifact_stamp, read_artifact
from ffsim.calibration.profiles import CHI2_HALF_95
from ffsim.core.results import Result
from ffsim.core.simulate import simulate
from ffsim.scenarios.scenario import Scenario, baseline_scenario


def refit(name: str, value: float) -> tuple[dict[str, float], float]:
    """The best fit to the figures of the active calibration artifact (the shipped baseline
    unless ``--artifact`` chose another; every figure published by its date, with its priors)
    with ``name`` held at ``value``: the free parameters'
    values (dotted names for regions, ``name`` included) and the log posterior without the held
    parameter's own prior (the profile's value at ``value``). Cached per artifact file (its path,
    modification time and size), so a refit is never one of another artifact.
    """
    path = active_artifact()
    return _refits(path, artifact_stamp(path), name, value)


@functools.cache
def _refits(
    path: Path, stamp: tuple[int, int], name: str, value: float
) -> tuple[dict[str, float], float]:
    """:func:`refit` of the artifact at ``path`` as it stood at ``stamp``."""
    return _held_fit(path, name, value)


def _held_fit(path: Path, name: str, value: float) -> tuple[dict[str, float], float]:
    from ffsim.calibration.profiles import baseline_problem, held_fit

    problem, mode = baseline_problem(path)
    values, log_posterior = held_fit(problem, mode, name, value)
    return {**values, name: value}, float(log_posterior)


def run_under(scenario: Scenario, name: str, value: float, changes: str = "") -> Result:
    """``scenario`` run with the refitted parameters of :func:`refit`; the parameters that its
    TOML ``changes`` state keep the scenario's values.
    """
    values, _ = refit(name, value)
    stated = set(tomllib.loads(changes).get("parameters", {}))
    params = scenario.parameters.with_overrides(
        {k: v for k, v in values.items() if k.partition(".")[0] not in stated}
    )
    return simulate(params, scenario.drivers)


def fit_alike(name: str, low: float, high: float) -> bool:
    """Whether the figures cannot tell the two refits apart: their best log posteriors differ by
    less than :data:`~ffsim.calibration.profiles.CHI2_HALF_95`.
    """
    return abs(refit(name, low)[1] - refit(name, high)[1]) < CHI2_HALF_95


def fit_text(name: str, low: float, high: float) -> str:
    """How well the two refits fit: their log posteriors and whether they can be told apart."""
    _, lp_low = refit(name, low)
    _, lp_high = refit(name, high)
    gap = abs(lp_low - lp_high)
    verdict = (
        f"a difference of {gap:.2f}, below the {CHI2_HALF_95} that would tell them apart at "
        "about 95%: the figures fit both about equally well"
        if gap < CHI2_HALF_95
        else f"a difference of {gap:.2f}, enough to tell them apart at about 95%"
    )
    as_of = read_artifact()["as_of"]
    return (
        f"Refitted to every figure of the calibration (those published by {as_of}) with {name} "
        f"held at {low:g} and at {high:g} (every other parameter re-optimised), the best log "
        f"posteriors are {lp_low:.2f} and {lp_high:.2f}, {verdict}"
    )


def disagreement(
    name: str,
    low: float,
    high: float,
    experiment: Scenario,
    changes: str,
    metric: Callable[[Result], np.ndarray],
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The metric of the baseline and the relative change that ``experiment`` (stated by its
    TOML ``changes``) makes, under each refit: ((baseline at low, at high), (change at low, at
    high)).
    """
    out = []
    for value in (low, high):
        b = float(metric(run_under(baseline_scenario(), name, value)))
        e = float(metric(run_under(experiment, name, value, changes)))
        out.append((b, e / b - 1.0 if b else np.inf))
    return (out[0][0], out[1][0]), (out[0][1], out[1][1])
