"""Posterior predictive bands: built from the stored draws, and consistent with the artifact."""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import fitted, load_observations
from ffsim.calibration.uncertainty import band, posterior_ensemble


@pytest.fixture(scope="module")
def ensemble():
    return posterior_ensemble()


def test_bands_are_ordered_and_cover_every_month(ensemble):
    for variable in ("in_theatre", "cumulative_departures", "arrivals"):
        lo, mid, hi = band(ensemble, variable, "total", (0.05, 0.5, 0.95))
        assert lo.shape == (len(ensemble.dates),)
        assert np.all(lo <= mid) and np.all(mid <= hi)
    assert np.any(hi > lo)  # the draws differ: the band has width


def test_bands_reproduce_the_artifacts_predictive_intervals(ensemble):
    by_id = {o.id: o for o in fitted(load_observations())}
    for row in read_artifact()["observations"]:
        values = measure(ensemble, by_id[row["id"]])
        lo, hi = np.quantile(values, [0.05, 0.95])
        assert lo == pytest.approx(row["model_p05"], rel=1e-9)
        assert hi == pytest.approx(row["model_p95"], rel=1e-9)


def test_first_draws_apply_the_posterior_under_a_scenarios_own_parameters():
    from ffsim.calibration.config import CalibrationConfig
    from ffsim.calibration.uncertainty import first_draws
    from ffsim.core.parameters import PARAMETER_SPECS, Parameters

    artifact = read_artifact()
    best = Parameters.model_validate(artifact["best_fit_parameters"])
    free = CalibrationConfig.model_validate(artifact["config"]).free
    names = artifact["posterior_sample"]["names"]
    estimated = {f.name.partition(".")[0] for f in free}
    fixed = next(s for s in PARAMETER_SPECS if not s.regional and s.name not in estimated)
    own = free[0]
    base, _, region = own.name.partition(".")
    current = best.pack()

    def inside(lower: float, upper: float, col: int) -> float:
        # A value within the bounds that differs from the best fit's.
        a, b = lower + 0.3 * (upper - lower), lower + 0.7 * (upper - lower)
        return a if a != current[col] else b

    probe = fixed.upper if getattr(best, fixed.name) != fixed.upper else fixed.lower
    fixed_col = np.flatnonzero(best.with_overrides({fixed.name: probe}).pack() != current)
    value = inside(own.lower, own.upper, own.packed_index())
    params = best.with_overrides(
        {
            fixed.name: inside(fixed.lower, fixed.upper, int(fixed_col[0])),
            base: {region: value} if region else value,
        }
    )
    members = first_draws(params, 7, artifact)
    draws = np.asarray(artifact["posterior_sample"]["values"])[:7]
    assert members.shape == (7, best.pack().size)
    changed = np.flatnonzero(params.pack() != best.pack())
    assert len(changed) == 2 and own.packed_index() in changed
    for col in changed:  # the scenario's own values, in every draw
        assert np.all(members[:, col] == params.pack()[col])
    for f in free[1:]:  # every other estimated parameter follows the draws
        assert np.array_equal(members[:, f.packed_index()], draws[:, names.index(f.name)])
