"""Priors: each family's log density against scipy.stats, with the config's stated parameters.

The calibration works in the unit cube, linear in the value (``uniform``, ``normal``) or in its
logarithm (``loguniform``, ``lognormal``), so a prior's log density there is scipy's density of
the value plus, for the log-scaled ones, the Jacobian ``log(value)``; up to a constant, which
differences between points remove. A prior twice as wide, or centred elsewhere, fails here.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

from ffsim.calibration.config import (
    ARTICLES_ONLY_CONFIG,
    CalibrationConfig,
    FreeParameter,
    load_config,
)
from ffsim.calibration.observations import load_observations
from ffsim.calibration.problem import Problem
from ffsim.core.parameters import Parameters

CONFIGS = {"config": load_config(), "articles_only": load_config(ARTICLES_ONLY_CONFIG)}


def scipy_log_density(f: FreeParameter, x: np.ndarray) -> np.ndarray:
    """Log density of the prior in the unit interval (up to a constant), from scipy.stats,
    truncated to the prior's bounds as the config says."""
    if f.prior == "uniform":
        return stats.uniform(f.lower, f.upper - f.lower).logpdf(x)
    if f.prior == "loguniform":
        return stats.loguniform(f.lower, f.upper).logpdf(x) + np.log(x)
    if f.prior == "normal":
        a, b = (f.lower - f.mean) / f.sd, (f.upper - f.mean) / f.sd
        return stats.truncnorm(a, b, loc=f.mean, scale=f.sd).logpdf(x)
    # lognormal: median and sigma of the log, as scipy's lognorm spells them (s, scale)
    return stats.lognorm(s=f.sigma_log, scale=f.median).logpdf(x) + np.log(x)


def _grid(f: FreeParameter) -> np.ndarray:
    return f.from_unit(np.linspace(0.0, 1.0, 41))


def _all_free() -> list[tuple[str, FreeParameter]]:
    return [(f"{key}:{f.name}", f) for key, c in CONFIGS.items() for f in c.free]


@pytest.mark.parametrize(("label", "free"), _all_free(), ids=[k for k, _ in _all_free()])
def test_each_prior_is_its_family_with_the_stated_parameters(label, free):
    x = _grid(free)
    ours = free.log_prior(x)
    theirs = scipy_log_density(free, x)
    assert np.all(np.isfinite(theirs)), label
    np.testing.assert_allclose(ours - ours[20], theirs - theirs[20], rtol=1e-9, atol=1e-9)


def test_every_prior_family_is_shipped_or_checked_here():
    kinds = {f.prior for c in CONFIGS.values() for f in c.free}
    assert {"uniform", "normal", "lognormal"} <= kinds  # and loguniform in the next test


@pytest.mark.parametrize(
    "entry",
    [
        {"prior": "uniform", "lower": 0.5, "upper": 2.5},
        {"prior": "loguniform", "lower": 0.01, "upper": 1.0},
        {"prior": "normal", "lower": 0.0, "upper": 3.0, "mean": 0.7, "sd": 0.4},
        {"prior": "lognormal", "lower": 0.05, "upper": 3.0, "median": 0.3, "sigma_log": 0.5},
    ],
    ids=lambda e: e["prior"],
)
def test_each_family_off_centre_against_scipy(entry):
    # Narrow and off-centre, so that a wrong spread or centre moves the density a lot.
    dated = (
        {"evidence_published": dt.date(2015, 1, 1)} if "mean" in entry or "median" in entry else {}
    )
    free = FreeParameter(name="network_strength", source="test", **entry, **dated)
    x = _grid(free)
    ours, theirs = free.log_prior(x), scipy_log_density(free, x)
    np.testing.assert_allclose(ours - ours[0], theirs - theirs[0], rtol=1e-9, atol=1e-9)


def test_the_problems_log_prior_is_the_sum_of_the_scipy_densities():
    config = CONFIGS["config"]
    problem = Problem(config, load_observations(), Parameters())
    u = np.random.default_rng(3).random((20, len(config.free)))
    theta = problem.theta(u)
    theirs = sum(scipy_log_density(f, theta[:, i]) for i, f in enumerate(config.free))
    ours = problem.log_prior_unit(u)
    np.testing.assert_allclose(ours - ours[0], theirs - theirs[0], rtol=1e-9, atol=1e-9)


def test_weakly_informative_priors_follow_the_rule_the_config_states():
    # calibration/config.toml: "centred in the plausible range with sd a quarter of the range"
    # (in the value, or in its log for scales over orders of magnitude).
    config: CalibrationConfig = CONFIGS["config"]
    weak = [f for f in config.free if f.source.startswith("weakly informative")]
    assert weak
    for f in weak:
        if f.prior == "normal":
            assert f.mean == pytest.approx((f.lower + f.upper) / 2, rel=1e-3), f.name
            assert f.sd == pytest.approx((f.upper - f.lower) / 4, rel=1e-3), f.name
        else:
            assert f.prior == "lognormal", f.name
            assert f.median == pytest.approx(math.sqrt(f.lower * f.upper), rel=1e-3), f.name
            assert f.sigma_log == pytest.approx(math.log(f.upper / f.lower) / 4, rel=1e-3), f.name
