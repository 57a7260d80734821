"""Profile likelihoods (``ffsim.calibration.profiles``) on a small problem: three free
parameters against every fitted figure, so that each optimisation takes seconds."""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.config import load_config
from ffsim.calibration.observations import fitted, load_observations
from ffsim.calibration.problem import Problem
from ffsim.calibration.profiles import (
    CHI2_HALF_95,
    ProfilePoint,
    grid,
    likelihood_interval,
    profile,
    verdict,
)
from ffsim.core.parameters import Parameters

KEEP = ("departure_rate", "pool_exit_rate", "appeal_territory")


@pytest.fixture(scope="module")
def small():
    config = load_config()
    config = config.model_copy(
        update={
            "free": tuple(f for f in config.free if f.name in KEEP),
            "optimizer": config.optimizer.model_copy(update={"n_starts": 1}),
        }
    )
    problem = Problem(config, fitted(load_observations()), Parameters())
    cal = Calibrator(problem, config.seed).fit_point()
    return problem, cal.best_theta_


def test_the_profile_at_the_mode_is_the_best_fit_without_the_held_prior(small):
    problem, mode = small
    i = problem.config.names.index("appeal_territory")
    at_mode = profile(problem, mode, "appeal_territory", [mode[i]])[0]
    held_prior = problem.config.free[i].log_prior(np.array(mode[i]))
    best = problem.log_posterior_unit(problem.unit(mode)[None])[0]
    # Re-optimising the others from the mode cannot do worse than the mode itself.
    assert at_mode.log_posterior >= best - float(held_prior) - 1e-6


def test_the_profile_falls_away_from_the_mode(small):
    problem, mode = small
    # A departure rate a tenth of the mode's cannot carry the reported flows, whatever the rest.
    points = profile(problem, mode, "departure_rate", [0.1 * mode[0]])
    i = problem.config.names.index("departure_rate")
    assert i == 0
    at_mode = profile(problem, mode, "departure_rate", [mode[i]])[0]
    assert all(p.log_posterior < at_mode.log_posterior - CHI2_HALF_95 for p in points)


def test_a_fixed_parameter_can_be_profiled_and_regional_ones_are_refused(small):
    problem, mode = small
    points = profile(problem, mode, "strength_half", [1000.0, 100000.0])
    assert len(points) == 2 and all(np.isfinite(p.log_posterior) for p in points)
    with pytest.raises(ValueError, match="global parameter"):
        profile(problem, mode, "return_propensity", [1.0])


def test_interval_and_verdict():
    flat = [ProfilePoint(v, -10.0) for v in (0.0, 1.0, 2.0)]
    assert likelihood_interval(flat) == (0.0, 2.0, False, False)
    assert verdict(False, False) == "not identified"
    peaked = [ProfilePoint(0.0, -15.0), ProfilePoint(1.0, -10.0), ProfilePoint(2.0, -13.0)]
    assert likelihood_interval(peaked) == (1.0, 1.0, True, True)
    assert verdict(True, True) == "identified"
    assert verdict(True, False) == "bounded below only"
    assert grid("strength_half", 3)[1] == pytest.approx(10000.0)
