"""Shared test set-up: hypothesis profiles and strategies derived from the parameter schema."""

from __future__ import annotations

import os

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from ffsim.core.compile_notice import warm_up
from ffsim.core.drivers import DEFAULT_DRIVERS, Drivers
from ffsim.core.parameters import PARAMETER_SPECS, Parameters
from ffsim.core.regions import REGION_IDS

settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# `make test` asks for "dev" and `make test-slow` for "ci" (the property tests run in both: a
# quick search in the fast tier, the thorough one once in CI's slow tier); a bare pytest takes
# "ci" in CI and "dev" elsewhere.
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(scope="session", autouse=True)
def _compiled_kernels() -> None:
    """The kernels compiled (or loaded from the cache) before any test, in each test process:
    the command line's compile notice (``ffsim.core.compile_notice``) is then part of no test's
    output, whether the cache was warm or not.
    """
    warm_up()


def _value(lower: float, upper: float) -> st.SearchStrategy[float]:
    # Bounds themselves are drawn often: they are where trouble hides.
    return st.one_of(
        st.sampled_from([lower, upper]),
        st.floats(lower, upper, allow_nan=False, allow_infinity=False),
    )


@st.composite
def parameter_sets(draw: st.DrawFn) -> Parameters:
    """Any parameter set within the documented bounds."""
    values: dict[str, object] = {}
    for spec in PARAMETER_SPECS:
        if spec.regional:
            values[spec.name] = {rid: draw(_value(spec.lower, spec.upper)) for rid in REGION_IDS}
        else:
            values[spec.name] = draw(_value(spec.lower, spec.upper))
    return Parameters(**values)


@st.composite
def driver_sets(draw: st.DrawFn) -> Drivers:
    """Drivers with the default knot dates and any values within each driver's bounds."""
    overrides = {}
    for name, series in DEFAULT_DRIVERS:
        overrides[name] = [
            {"date": k.date, "value": draw(_value(series.lower, series.upper))}
            for k in series.knots
        ]
    return DEFAULT_DRIVERS.with_overrides(overrides)


def drivers_constant(**values: float) -> Drivers:
    """Default drivers with the named ones held constant at ``values``."""
    return DEFAULT_DRIVERS.with_overrides(
        {name: [{"date": "2012-01-01", "value": v}] for name, v in values.items()}
    )


@pytest.fixture(scope="session")
def default_params() -> Parameters:
    return Parameters()


def rel_diff(a: np.ndarray, b: np.ndarray, floor: float = 1.0) -> float:
    """Largest relative difference, with ``floor`` persons as the smallest denominator."""
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))
