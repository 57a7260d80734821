"""Calibration: parameter recovery from synthetic figures, and reproduction of the artifact."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model.baseline import BASELINE_PATH, baseline_parameters, read_artifact
from model.calibrate import Calibrator, Problem
from model.calibrate_cli import run_calibration
from model.calibration_config import ARTICLES_ONLY_CONFIG, DEFAULT_CONFIG, load_config
from model.check import check_artifact
from model.likelihood import z_score
from model.measures import measure
from model.observations import DEFAULT_PATH, fitted, load_observations
from model.parameters import Parameters
from model.simulate import simulate


@pytest.fixture(scope="module")
def twin():
    """Synthetic point figures computed from known parameters, then calibrated (reduced run).

    With the flat priors of the articles-only set-up, so that the best fit is the likelihood's
    and must reproduce noise-free figures.
    """
    config = load_config(ARTICLES_ONLY_CONFIG)
    config = config.model_copy(
        update={
            "optimizer": config.optimizer.model_copy(update={"n_starts": 3}),
            "sampler": config.sampler.model_copy(update={"steps": 900, "burn": 450, "keep": 400}),
        }
    )
    real = fitted(load_observations())
    base = Parameters()
    problem = Problem(config, real, base)
    rng = np.random.default_rng(11)
    u_true = 0.25 + 0.5 * rng.random(len(config.free))
    theta_true = problem.theta(u_true)
    values = problem.model_values(theta_true[None])[0]
    synthetic = tuple(
        o.model_copy(update={"form": "point", "value": float(v), "low": None, "high": None})
        for o, v in zip(real, values, strict=True)
        if v > 0
    )
    problem = Problem(config, synthetic, base)
    cal = Calibrator(problem, seed=3).fit()
    return problem, cal, theta_true


def test_twin_best_fit_reproduces_the_synthetic_figures(twin):
    problem, cal, _ = twin
    z = problem.z(problem.model_values(cal.best_theta_[None]))[0]
    assert np.max(np.abs(z)) < 0.25


def test_twin_recovers_the_true_parameters_within_their_intervals(twin):
    problem, cal, theta_true = twin
    lo, hi = np.quantile(cal.sample_theta_, [0.05, 0.95], axis=0)
    inside = (theta_true >= lo) & (theta_true <= hi)
    # With noise-free figures the truth is a mode; 90% intervals should nearly all cover it.
    assert inside.mean() >= 0.85, dict(zip(problem.config.names, inside, strict=True))


def test_twin_pins_down_the_well_informed_parameters(twin):
    problem, cal, theta_true = twin
    names = problem.config.names
    u_true, u_best = problem.unit(theta_true), cal.best_unit_
    for name in ("radicalisation_rate.tunisia", "radicalisation_rate.united_kingdom"):
        i = names.index(name)
        assert abs(u_best[i] - u_true[i]) < 0.1, name


def test_shipped_baseline_reproduces_its_fit_table():
    # The stored best-fit parameters, simulated afresh, give the stored model values and z.
    artifact = read_artifact(BASELINE_PATH)
    result = simulate(baseline_parameters())
    by_id = {o.id: o for o in fitted(load_observations())}
    for row in artifact["observations"]:
        obs = by_id[row["id"]]
        value = float(measure(result, obs))
        assert value == pytest.approx(row["model_value"], rel=1e-9, abs=1e-9), row["id"]
        assert float(z_score(np.array(value), obs)) == pytest.approx(row["z"], abs=1e-9)
        assert row["within"] == (abs(row["z"]) <= 1.0)
        assert row["model_p05"] <= row["model_p95"]
    fit = artifact["fit"]
    counted = [r for r in artifact["observations"] if r["counted"]]
    assert fit["n_within"] == sum(r["within"] for r in counted)
    assert fit["n_fitted"] == len(counted)


def test_shipped_artifact_has_every_part_the_users_need():
    artifact = read_artifact(BASELINE_PATH)
    for key in ("parameters", "observations", "fit", "posterior_sample", "provenance"):
        assert key in artifact
    for name, p in artifact["parameters"].items():
        assert p["p05"] <= p["p50"] <= p["p95"], name
    sample = artifact["posterior_sample"]
    assert len(sample["values"]) >= 200 and len(sample["values"][0]) == len(sample["names"])
    prov = artifact["provenance"]
    for key in ("data_sha256", "code_version", "git_commit", "seed", "packages", "wall_time_s"):
        assert key in prov


def test_full_calibration_reproduces_the_shipped_artifact():
    # The same run as `ffsim calibrate --check`: identical on the same packages and platform,
    # else the best fit within 1e-4 relative and the posterior within Monte Carlo error.
    shipped = read_artifact(BASELINE_PATH)
    new = json.loads(
        json.dumps(run_calibration(DEFAULT_CONFIG, DEFAULT_PATH, None, progress=lambda s: None))
    )
    report = check_artifact(shipped, new)
    assert report.passed, "\n".join([report.headline(), *report.summary, *report.differences[:20]])
