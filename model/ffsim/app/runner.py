"""Cached model work for the app: runs, posterior bands, the fit score, the vintages' forecasts.
Keys are JSON text (or a file's path and modification time). Runs and bands follow the
scenario's ``[settings]`` (span and step), as ``ffsim run`` does; every cached computation that
can take more than a moment shows a spinner saying what it does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import streamlit as st

from ffsim.calibration.baseline import active_artifact, read_artifact
from ffsim.calibration.fit_count import fit_count
from ffsim.calibration.forecast import (
    Vintage,
    forecast_vintage,
    posterior_result,
    vintages,
)
from ffsim.calibration.likelihood import log_likelihood, z_score
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import (
    Observation,
    Statement,
    fitted,
    load_observations,
    load_validation,
    statements,
)
from ffsim.calibration.predictive import QUANTILES, FigureForecast
from ffsim.calibration.uncertainty import band
from ffsim.core.drivers import Drivers
from ffsim.core.outputs import Selection
from ffsim.core.parameters import Parameters
from ffsim.core.results import Result
from ffsim.core.simulate import DEFAULT_SETTINGS, Settings, simulate, simulate_outputs
from ffsim.resources import SBC_PATH, shown
from ffsim.scenarios.compare import posterior_members
from ffsim.scenarios.scenario import Scenario, baseline_scenario

BAND_DRAWS = 300
"""Posterior draws behind every band in the app: all the artifact stores (300). The ensemble
stores only the totals the bands show (``BAND_SELECTION``), which keeps a slider move within its
time budget (benchmarks/app_speed.py, README "Speed")."""

BAND_VARIABLES = (
    "in_theatre",
    "cumulative_arrivals",
    "cumulative_departures",
    "departures",
    "arrivals",
    "returned",
    "killed",
)

BAND_SELECTION = Selection.of(BAND_VARIABLES)
"""What the bands' ensemble stores: the world totals of ``BAND_VARIABLES``, every month."""


def _keys(scenario: Scenario) -> tuple[str, str, str]:
    return (
        scenario.parameters.model_dump_json(),
        scenario.drivers.model_dump_json(),
        scenario.settings.model_dump_json(),
    )


def artifact_key() -> str:
    """The active artifact and its modification time: part of the key of what uses its draws."""
    path = active_artifact()
    return f"{path}@{modified(path)}"


@st.cache_data(max_entries=256, show_spinner="Running the model...")
def _run(params_json: str, drivers_json: str, settings_json: str) -> Result:
    return simulate(
        Parameters.model_validate_json(params_json),
        Drivers.model_validate_json(drivers_json),
        Settings.model_validate_json(settings_json),
    )


def run(scenario: Scenario) -> Result:
    """The scenario's run at its own parameters, over its own span and step (cached)."""
    return _run(*_keys(scenario))


def reference(scenario: Scenario) -> Result:
    """The calibrated baseline over ``scenario``'s span and step: what its run is set against."""
    return run(replace(baseline_scenario(), settings=scenario.settings))


@st.cache_data(max_entries=128, show_spinner="Running the posterior draws for the bands...")
def _bands(
    params_json: str, drivers_json: str, settings_json: str, artifact_key: str
) -> dict[str, np.ndarray]:
    params = Parameters.model_validate_json(params_json)
    drivers = Drivers.model_validate_json(drivers_json)
    available = len(artifact()["posterior_sample"]["values"])
    members = posterior_members(params, min(BAND_DRAWS, available))
    settings = Settings.model_validate_json(settings_json)
    ensemble = simulate_outputs(members, BAND_SELECTION, drivers, settings)
    return {v: band(ensemble, v, "total", (0.05, 0.95)) for v in BAND_VARIABLES}


def bands(scenario: Scenario) -> dict[str, np.ndarray]:
    """5% and 95% over posterior draws, for the totals of ``BAND_VARIABLES`` (cached)."""
    return _bands(*_keys(scenario), artifact_key())


@st.cache_data(max_entries=1, show_spinner="Reading the reported figures...")
def _observations() -> tuple[tuple[Observation, ...], tuple[Statement, ...]]:
    """The fitted figures, and the statements read in several ways among them."""
    rows = fitted(load_observations())
    return rows, statements(rows)


class FitScore(NamedTuple):
    """A run scored against the fitted figures, as the calibration scores its mode."""

    within: int
    """Counted figures the run meets within one sigma."""
    counted: int
    """Figures that count (``ffsim.calibration.fit_count``)."""
    log_likelihood: float
    """The calibration's log-likelihood of the run (mixtures over readings)."""
    figures: tuple[Observation, ...]
    """The counted figures themselves, in the order of data/observations.csv."""


@st.cache_data(max_entries=256, show_spinner="Scoring the run against the reported figures...")
def _fit(params_json: str, drivers_json: str, settings_json: str) -> FitScore:
    result = _run(params_json, drivers_json, settings_json)
    rows, readings = _observations()
    z = np.array([float(z_score(measure(result, o), o)) for o in rows])
    count = fit_count(z, readings)
    return FitScore(
        count.n_within,
        count.n_fitted,
        float(log_likelihood(z, readings)),
        tuple(rows[i] for i in count.rows),
    )


def fit_score(scenario: Scenario) -> FitScore:
    """The scenario's run scored against the fitted figures (cached).

    What counts is what the calibration counts (``ffsim.calibration.fit_count``): every figure
    read one way, and of a statement read in several ways the rows of its most probable
    reading, here at this run's residuals; at the calibrated baseline this is the artifact's
    ``n_within`` of ``n_fitted``. The log-likelihood is the calibration's
    (``ffsim.calibration.likelihood.log_likelihood``): a statement read in several ways counts
    as a mixture of its readings. The figures are dated within the calibration's span, so the
    fit is computed over that span (at the scenario's step), whatever span the scenario's
    settings give its run.
    """
    span = DEFAULT_SETTINGS.model_copy(update={"dt": scenario.settings.dt})
    return _fit(
        scenario.parameters.model_dump_json(),
        scenario.drivers.model_dump_json(),
        span.model_dump_json(),
    )


@st.cache_data(max_entries=2, show_spinner="Reading the calibration artifact...")
def _artifact(path: str, mtime: int) -> dict:
    return read_artifact(Path(path))


def artifact() -> dict:
    """The active calibration artifact (read again when its file changes)."""
    path = active_artifact()
    return _artifact(str(path), modified(path))


@st.cache_data(max_entries=2, show_spinner="Reading the simulation-based calibration...")
def _sbc(path: str, mtime: int) -> dict:
    return json.loads(Path(path).read_text("utf-8"))


def sbc_summary() -> dict:
    """The shipped SBC run's summary (``calibration/sbc/summary.json``, read again when it
    changes); an :class:`OSError` or :class:`ValueError` when it is missing or unreadable.
    """
    path = SBC_PATH  # a module attribute, so that a test can point it elsewhere
    return _sbc(str(path), modified(path))


# --- vintages and their forecasts (the Forecasts page) ----------------------------------------

FORECAST_VARIABLES = ("cumulative_arrivals", "returned", "in_theatre", "killed")
"""Stocks whose world totals the Forecasts page draws with each vintage's posterior bands."""

VINTAGE_SELECTION = Selection.of(FORECAST_VARIABLES)
"""What a vintage's posterior ensemble stores for the Forecasts page's bands."""


class ArtifactError(Exception):
    """A vintage's calibration artifact is missing or cannot be used; the message names it."""


def _shown(path: Path) -> str:
    """A path as the page names it: a shipped file as the repository names it."""
    return shown(path)


def modified(path: Path) -> int:
    """Modification time (ns) of ``path``, -1 when it is missing: part of the cache key, so a
    recomputed artifact is read again.
    """
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def vintage_artifact(path: Path, as_of: dt.date) -> dict[str, Any]:
    """Read the calibration artifact of the vintage ``as_of``.

    Raises
    ------
    ArtifactError
        Naming the file, when it is missing, is not JSON, or lacks the posterior draws.
    """
    shown = _shown(path)
    if not path.exists():
        raise ArtifactError(
            f"The calibration artifact of the vintage {as_of}, {shown}, is missing. Compute it "
            f"with `ffsim calibrate --as-of {as_of} --out {shown}`."
        )
    try:
        artifact = read_artifact(path)
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError included
        raise ArtifactError(f"{shown} cannot be read as a calibration artifact: {exc}") from None
    sample = artifact.get("posterior_sample") if isinstance(artifact, dict) else None
    missing = [
        key
        for key in ("posterior_sample", "best_fit_parameters", "config")
        if not isinstance(artifact, dict) or key not in artifact
    ]
    if not missing and not (isinstance(sample, dict) and sample.get("values")):
        missing = ["posterior_sample.values"]
    if missing:
        raise ArtifactError(
            f"{shown} is not a usable calibration artifact: it has no {', '.join(missing)}. "
            f"Compute it again with `ffsim calibrate --as-of {as_of} --out {shown}`."
        )
    return artifact


_BAD_CONTENT = (KeyError, TypeError, ValueError, IndexError, AttributeError)
"""What a corrupt artifact raises when its draws are simulated."""


@st.cache_data(max_entries=1, show_spinner="Reading the reported figures...")
def all_observations() -> tuple[Observation, ...]:
    """Every row of data/observations.csv."""
    return load_observations()


@st.cache_data(max_entries=1, show_spinner="Reading the validation figures...")
def validation() -> tuple[Observation, ...]:
    """Every row of data/validation.csv (never fitted)."""
    return load_validation()


def _vintage(as_of: str) -> Vintage:
    return next(v for v in vintages(all_observations()) if v.date.isoformat() == as_of)


@st.cache_data(
    max_entries=8, show_spinner="Simulating the vintage's posterior draws (one run per draw)..."
)
def _vintage_bands(as_of: str, path: str, mtime: int) -> dict[str, Any]:
    artifact = vintage_artifact(Path(path), dt.date.fromisoformat(as_of))
    try:
        result = posterior_result(artifact, VINTAGE_SELECTION)
    except _BAD_CONTENT as exc:
        raise ArtifactError(
            f"{_shown(Path(path))}: its posterior draws cannot be run: {exc!r}"
        ) from None
    return {
        "dates": [d.isoformat() for d in result.dates],
        "draws": int(result.stock("in_theatre").shape[0]),
        "bands": {v: band(result, v, "total", QUANTILES) for v in FORECAST_VARIABLES},
    }


def vintage_bands(as_of: str) -> dict[str, Any]:
    """Month-end ``dates``, the number of ``draws``, and ``bands``: for each of
    :data:`FORECAST_VARIABLES`, the world total's quantiles (at ``QUANTILES``) over the
    vintage's posterior draws (cached).

    Raises
    ------
    ArtifactError
        When the vintage's artifact is missing or corrupt.
    """
    path = _vintage(as_of).path
    return _vintage_bands(as_of, str(path), modified(path))


@st.cache_data(
    max_entries=8, show_spinner="Scoring every later figure against the vintage's forecast..."
)
def _vintage_forecasts(as_of: str, path: str, mtime: int) -> list[FigureForecast]:
    v = _vintage(as_of)
    artifact = vintage_artifact(Path(path), v.date)
    try:
        return forecast_vintage(v, all_observations(), validation(), artifact)
    except _BAD_CONTENT as exc:
        raise ArtifactError(
            f"{_shown(Path(path))}: its posterior draws cannot be run: {exc!r}"
        ) from None


def vintage_forecasts(as_of: str) -> list[FigureForecast]:
    """Every figure published after the vintage ``as_of``, scored against its posterior
    predictive (cached).

    Raises
    ------
    ArtifactError
        When the vintage's artifact is missing or corrupt.
    """
    path = _vintage(as_of).path
    return _vintage_forecasts(as_of, str(path), modified(path))
