"""Posterior predictive bands: built from the stored draws, and consistent with the artifact."""

from __future__ import annotations

import numpy as np
import pytest

from model.baseline import read_artifact
from model.measures import measure
from model.observations import fitted, load_observations
from model.uncertainty import band, posterior_ensemble


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
