"""Cached model work for the app: runs, posterior bands, the fit score. Keys are JSON text."""

from __future__ import annotations

import numpy as np
import streamlit as st

from model.baseline import read_artifact
from model.compare import posterior_members
from model.drivers import Drivers
from model.likelihood import z_score
from model.measures import measure
from model.observations import fitted, load_observations
from model.parameters import Parameters
from model.results import FLOWS, Result
from model.scenario import Scenario
from model.simulate import DEFAULT_SETTINGS, simulate, simulate_ensemble

BAND_DRAWS = 100
"""Posterior draws behind every band in the app (the artifact stores 300; 100 keeps a slider
move within its time budget, benchmarks/app_speed.py)."""

BAND_VARIABLES = (
    "in_theatre",
    "cumulative_departures",
    "departures",
    "arrivals",
    "returned",
    "killed",
)


@st.cache_data(max_entries=256, show_spinner=False)
def _run(params_json: str, drivers_json: str) -> Result:
    return simulate(
        Parameters.model_validate_json(params_json),
        Drivers.model_validate_json(drivers_json),
        DEFAULT_SETTINGS,
    )


def run(scenario: Scenario) -> Result:
    """The scenario's run at its own parameters (cached)."""
    return _run(scenario.parameters.model_dump_json(), scenario.drivers.model_dump_json())


@st.cache_data(max_entries=128, show_spinner=False)
def _bands(params_json: str, drivers_json: str) -> dict[str, np.ndarray]:
    params = Parameters.model_validate_json(params_json)
    drivers = Drivers.model_validate_json(drivers_json)
    members = posterior_members(params, BAND_DRAWS)
    ensemble = simulate_ensemble(members, drivers, DEFAULT_SETTINGS)
    out = {}
    for v in BAND_VARIABLES:
        values = ensemble.flow(v) if v in FLOWS else ensemble.stock(v)
        out[v] = np.quantile(values, [0.05, 0.95], axis=0)
    return out


def bands(scenario: Scenario) -> dict[str, np.ndarray]:
    """5% and 95% over posterior draws, for the totals of ``BAND_VARIABLES`` (cached)."""
    return _bands(scenario.parameters.model_dump_json(), scenario.drivers.model_dump_json())


@st.cache_data(max_entries=1, show_spinner=False)
def _observations() -> tuple:
    return fitted(load_observations())


@st.cache_data(max_entries=256, show_spinner=False)
def _fit(params_json: str, drivers_json: str) -> tuple[int, int, float]:
    result = _run(params_json, drivers_json)
    z = np.array([float(z_score(measure(result, o), o)) for o in _observations()])
    return int(np.sum(np.abs(z) <= 1.0)), len(z), float(-0.5 * np.sum(z**2))


def fit_score(scenario: Scenario) -> tuple[int, int, float]:
    """(figures within one sigma, figures fitted, log-likelihood) of the scenario's run."""
    return _fit(scenario.parameters.model_dump_json(), scenario.drivers.model_dump_json())


@st.cache_data(max_entries=1, show_spinner=False)
def artifact() -> dict:
    """The shipped calibration artifact."""
    return read_artifact()
