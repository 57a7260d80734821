"""The posterior sampler samples what it is given: on a target known exactly (the shipped
priors alone, independent truncated normals in 50 dimensions), its draws have the target's
spread and its 90% intervals hold 90% of the target's own draws.

Simulation-based calibration found that emcee's ``DESnookerMove`` (3.1.6) does not: its draws
were 0.82 times too narrow, at any chain length (``ffsim.calibration.calibrate.sampler_moves``).
The second test keeps that finding checkable: the same check fails it.
"""

from __future__ import annotations

import emcee
import numpy as np
import pytest
from small_setups import tiny

from ffsim.calibration.calibrate import sampler_moves
from ffsim.calibration.config import DEFAULT_CONFIG, load_config
from ffsim.calibration.problem import Problem
from ffsim.calibration.sbc_prior import draw_parameter_prior
from ffsim.core.parameters import Parameters

CONFIG = load_config(DEFAULT_CONFIG)
FREE = CONFIG.free
K = len(FREE)


def _prior_only() -> Problem:
    return Problem(CONFIG, (), Parameters())


def _target(problem: Problem):
    def log_density(u: np.ndarray) -> np.ndarray:
        inside = np.all((u >= 0) & (u <= 1), axis=1)
        out = np.full(u.shape[0], -np.inf)
        out[inside] = problem.log_prior_unit(u[inside])
        return out

    return log_density


def _exact_unit_draws(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([f.to_unit(draw_parameter_prior(f, rng, n)) for f in FREE])


def _chain(moves, steps: int, burn: int, seed: int) -> np.ndarray:
    """The shipped sampler's set-up on the prior alone: 100 walkers started in a ball of
    1e-3 about the prior's mode, as the calibration starts them about the posterior mode."""
    rng = np.random.default_rng(seed)
    centre = np.array(
        [f.to_unit(np.clip(f.mean if f.prior == "normal" else f.median, f.lower, f.upper))
         for f in FREE]
    )  # fmt: skip
    start = np.clip(centre + 1e-3 * rng.standard_normal((100, K)), 0, 1)
    sampler = emcee.EnsembleSampler(100, K, _target(_prior_only()), vectorize=True, moves=moves)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(start, steps)
    return sampler.get_chain()[burn:].reshape(-1, K)


def _spread_and_coverage(draws: np.ndarray) -> tuple[float, float]:
    exact = _exact_unit_draws(20_000, seed=7)
    ratio = float(np.median(draws.std(axis=0) / exact.std(axis=0)))
    low, high = np.percentile(draws, [5, 95], axis=0)
    outside = float(np.mean((exact < low) | (exact > high)))
    return ratio, outside


def test_the_calibration_sampler_samples_a_known_50_dimensional_target():
    ratio, outside = _spread_and_coverage(_chain(sampler_moves(), 3000, 1000, seed=1))
    # measured: 1.003 and 0.099 here (0.998 and 0.101 with the shipped 12,000 steps)
    assert 0.93 < ratio < 1.07, ratio
    assert 0.075 < outside < 0.125, outside


@pytest.mark.slow  # a second chain: `make test-slow`, run once by CI
def test_the_same_check_fails_emcees_snooker_move():
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    ratio, outside = _spread_and_coverage(_chain(moves, 3000, 1000, seed=1))
    assert ratio < 0.9 and outside > 0.15, (ratio, outside)  # measured 0.811 and 0.193


# --- the chain grows until it is 50 autocorrelation times long, or reaches max_steps ------------


def _tiny(max_steps):
    from ffsim.calibration.observations import fitted, load_observations

    config = tiny(CONFIG, max_steps)
    return Problem(config, fitted(load_observations()), Parameters())


@pytest.mark.slow  # three small calibrations: `make test-slow`, run once by CI
def test_without_max_steps_the_chain_is_exactly_steps_long():
    from ffsim.calibration.calibrate import Calibrator

    cal = Calibrator(_tiny(None), 5).fit(tensions=False)
    assert cal.chain_unit_.shape[0] == 80 - 20


@pytest.mark.slow  # three small calibrations: `make test-slow`, run once by CI
def test_a_short_chain_is_extended_until_it_holds_enough_autocorrelation_times(monkeypatch):
    import ffsim.calibration.calibrate as calibrate

    monkeypatch.setattr(calibrate, "TAU_MULTIPLE", 25)  # smaller numbers: a quick test
    monkeypatch.setattr(calibrate, "EXTENSION", 40)
    said: list[str] = []
    cal = calibrate.Calibrator(_tiny(4000), 5, progress=lambda t, d=None: said.append(t))
    cal.fit(tensions=False)
    kept = cal.chain_unit_.shape[0]
    assert kept > 80 - 20 and (kept - 60) % 40 == 0  # extended, in whole extensions
    assert kept >= 25 * np.max(cal.autocorr_time_)  # it holds now
    shorter = calibrate._autocorr_time(cal.chain_unit_[: kept - 40])
    assert kept - 40 < 25 * np.max(shorter)  # and did not before the last extension
    assert any("autocorrelation times, under 25: 40 more" in t for t in said)


@pytest.mark.slow  # three small calibrations: `make test-slow`, run once by CI
def test_the_chain_stops_at_max_steps_even_if_short(monkeypatch):
    import ffsim.calibration.calibrate as calibrate

    monkeypatch.setattr(calibrate, "EXTENSION", 40)
    cal = calibrate.Calibrator(_tiny(150), 5).fit(tensions=False)
    assert cal.chain_unit_.shape[0] == 150 - 20  # 80, then 40, then the 30 left
    assert cal.chain_unit_.shape[0] < 50 * np.max(cal.autocorr_time_)


def test_max_steps_below_steps_is_refused_naming_both():
    from ffsim.calibration.config import SamplerSettings

    with pytest.raises(ValueError, match="max_steps = 100 must be at least steps = 200"):
        SamplerSettings(steps=200, burn=10, max_steps=100)
