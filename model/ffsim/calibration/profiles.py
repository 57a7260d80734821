"""Profile likelihoods: whether the figures identify the strength of each feedback loop.

For one parameter held at each value of a grid, every other free parameter is re-optimised
(the posterior mode given that value, from the shipped mode), and the profile records the
best log posterior without the held parameter's own prior. Where the profile falls by more
than :data:`CHI2_HALF_95` from its maximum, the figures (with the other priors and the
constraints) exclude the value at about 95% (Wilks: twice the drop is chi-square with one
degree of freedom). A loop whose strength the profile leaves flat over the whole range is not
identified: two settings fit equally well, and the model's future under them may differ.

    .venv/bin/python -m ffsim.calibration.profiles     # about ten minutes on two cores
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ffsim.calibration.config import CalibrationConfig, FreeParameter
from ffsim.calibration.optimise import optimise
from ffsim.calibration.problem import Problem
from ffsim.core.parameters import SPECS_BY_NAME, Parameters

CHI2_HALF_95 = 1.92
"""Half the 95% quantile of chi-square with one degree of freedom (3.84 / 2)."""

LOOPS: dict[str, tuple[str, str]] = {
    "appeal_territory": ("success breeds recruitment", "R"),
    "network_strength": ("the network of friends and family", "R"),
    "strength_half": ("the spiral of decline", "B"),
    "border_stop_max": ("the border: arrivals stopped", "policy"),
    "exit_blocking": ("the border: exits blocked", "policy"),
    "retry_propensity": ("the stopped try again: a blocked pool, not a drained one", "stock"),
}
"""The parameter that sets the strength of each loop or policy effect: its name and kind
(R reinforcing, B balancing, a policy effect of the border's double action, or the stock of the
stopped: whether those stopped set out again)."""


@dataclass(frozen=True)
class ProfilePoint:
    """The best fit with one parameter held at ``value``."""

    value: float
    log_posterior: float
    """Best log posterior of the other parameters (likelihood, their priors, constraints)."""


def held_problem(
    problem: Problem, name: str, value: float
) -> tuple[Problem, tuple[FreeParameter, ...]]:
    """The problem with parameter ``name`` held at ``value``, and its free parameters.

    A free parameter leaves the free set (its prior with it); a fixed one changes its value in
    the base parameters.
    """
    config = problem.config
    free = tuple(f for f in config.free if f.name != name)
    held: CalibrationConfig = config.model_copy(update={"free": free})
    base = problem.base.with_overrides({name: value})
    return Problem(held, problem.observations, base, problem.drivers, problem.settings), free


def held_fit(
    problem: Problem, mode: np.ndarray, name: str, value: float, max_iter: int = 400
) -> tuple[dict[str, float], float]:
    """The best fit with ``name`` held at ``value``, optimised from ``mode`` (parameter units,
    one value per free parameter of ``problem``): the other free parameters' values (dotted
    names for regions) and the best log posterior without the held parameter's own prior.
    """
    if name not in SPECS_BY_NAME or SPECS_BY_NAME[name].regional:
        raise ValueError(f"{name}: allowed: a global parameter of the schema")
    names = problem.config.names
    held, free = held_problem(problem, name, float(value))
    start = np.array([mode[names.index(f.name)] for f in free])
    u, log_posterior, _ = optimise(held, np.clip(held.unit(start), 0.0, 1.0), max_iter)
    theta = held.theta(u)
    return {f.name: float(theta[i]) for i, f in enumerate(free)}, float(log_posterior)


def profile(
    problem: Problem, mode: np.ndarray, name: str, values: Sequence[float], max_iter: int = 400
) -> list[ProfilePoint]:
    """The profile of ``name`` over ``values``, each optimised from ``mode`` (parameter units,
    one value per free parameter of ``problem``).
    """
    return [
        ProfilePoint(float(v), held_fit(problem, mode, name, float(v), max_iter)[1]) for v in values
    ]


def baseline_problem(path: Path | None = None) -> tuple[Problem, np.ndarray]:
    """The baseline's problem (the artifact at ``path``, the active one by default), with its own
    set-up (the figures, priors and constraints published by its date, ``as_of``) and its best fit
    as the base, and that best fit's free values.
    """
    from ffsim.calibration.baseline import read_artifact
    from ffsim.calibration.config import load_config
    from ffsim.calibration.observations import load_observations
    from ffsim.calibration.vintages import rows_as_of

    artifact = read_artifact(path)
    as_of = dt.date.fromisoformat(artifact["as_of"])
    config = load_config().as_of(as_of)
    baseline = Parameters().with_overrides(artifact["best_fit_parameters"])
    packed = baseline.pack()
    mode = np.array([packed[f.packed_index()] for f in config.free])
    return Problem(config, rows_as_of(load_observations(), as_of), baseline), mode


def likelihood_interval(points: list[ProfilePoint]) -> tuple[float, float, bool, bool]:
    """The values whose profile is within :data:`CHI2_HALF_95` of the best, as (low, high),
    and whether the profile drops below that on the low side and on the high side.
    """
    best = max(p.log_posterior for p in points)
    inside = [p.value for p in points if best - p.log_posterior <= CHI2_HALF_95]
    low_cut = points[0].log_posterior < best - CHI2_HALF_95
    high_cut = points[-1].log_posterior < best - CHI2_HALF_95
    return min(inside), max(inside), low_cut, high_cut


def verdict(low_cut: bool, high_cut: bool) -> str:
    """Identified (both ends excluded), bounded on one side, or not identified (flat)."""
    if low_cut and high_cut:
        return "identified"
    if low_cut:
        return "bounded below only"
    if high_cut:
        return "bounded above only"
    return "not identified"


def grid(name: str, n: int = 7) -> np.ndarray:
    """``n`` values over the schema's range of ``name`` (logarithmic for ``strength_half``)."""
    spec = SPECS_BY_NAME[name]
    if name == "strength_half":
        return np.geomspace(spec.lower, spec.upper, n)
    return np.linspace(spec.lower, spec.upper, n)


def main() -> None:  # pragma: no cover - a long run; the parts are tested
    """Print the profile of every loop's parameter on the shipped calibration (Markdown)."""
    problem, mode = baseline_problem()
    baseline = problem.base
    print("| loop | parameter | kind | mode | values within 1.92 of the best | verdict |")
    print("|---|---|---|---|---|---|")
    for name, (loop, kind) in LOOPS.items():
        points = profile(problem, mode, name, list(grid(name)))
        low, high, low_cut, high_cut = likelihood_interval(points)
        at_mode = getattr(baseline, name)
        drops = ", ".join(f"{p.value:.3g}: {p.log_posterior:.2f}" for p in points)
        print(
            f"| {loop} | `{name}` | {kind} | {at_mode:.3g} | {low:.3g} to {high:.3g} | "
            f"{verdict(low_cut, high_cut)} |  <!-- {drops} -->",
            flush=True,
        )


if __name__ == "__main__":  # pragma: no cover
    main()
