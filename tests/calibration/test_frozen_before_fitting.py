"""Frozen before fitting: every shipped artifact records the hashes of the data, the set-up and
the priors it was fitted with, and they are today's. A change to a reading, a sigma, a prior or
a setting without a new calibration fails here (the CHANGELOG names each change of a reading)."""

from __future__ import annotations

import datetime as dt

import pytest

from ffsim.calibration.baseline import BASELINE_PATH, read_artifact
from ffsim.calibration.config import load_config
from ffsim.calibration.observations import data_hash
from ffsim.resources import VINTAGE_DIR, shown

SHIPPED = [BASELINE_PATH, *sorted(VINTAGE_DIR.glob("as-of-*.json"))]
CONFIG = load_config()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_artifact_was_fitted_to_todays_data_set_up_and_priors(path):
    artifact = read_artifact(path)
    prov = artifact["provenance"]
    where = shown(path)
    assert prov["data_sha256"] == data_hash(), f"{where}: data/observations.csv changed since"
    assert prov["config_sha256"] == CONFIG.sha256, f"{where}: calibration/config.toml changed"
    as_of = dt.date.fromisoformat(artifact["as_of"])
    vintage = CONFIG.as_of(as_of)
    assert prov["priors_sha256"] == vintage.priors_sha256, f"{where}: its priors changed"
    assert artifact["config"]["free"] == [f.model_dump(mode="json") for f in vintage.free]


def test_the_hashes_see_a_change_of_a_prior_and_not_of_a_comment():
    wider = CONFIG.free[0].model_copy(update={"upper": CONFIG.free[0].upper * 2})
    changed = CONFIG.model_copy(update={"free": (wider, *CONFIG.free[1:])})
    assert changed.sha256 != CONFIG.sha256 and changed.priors_sha256 != CONFIG.priors_sha256
    # The same set-up read from a file with other comments has the same hash.
    assert load_config().sha256 == CONFIG.sha256
