"""Each policy lever moves its own driver or parameter, and nothing else.

One lever at a time is set away from its default and the scenario compared with the baseline:
only the driver series or parameter the lever names differs, in the stated direction, and a
timing lever moves every date of its own series by whole months while keeping its values.
The expectations are written here from the levers' meaning (docs/scenarios.md), not derived
from ``ffsim.scenarios.levers``: two levers wired to each other's driver fail.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ffsim.core import layout
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario import apply_changes, baseline_scenario

# lever -> (value set, the driver series it reshapes, the parameter it sets)
OWN = {
    "border_closure_shift": (-6, "border_closure", None),
    "border_closure_strength": (0.5, "border_closure", None),
    "prevention_shift": (-6, "prevention", None),
    "prevention_strength": (0.5, "prevention", None),
    "air_campaign_strength": (0.5, "air_campaign", None),
    "reintegration_offer": (0.5, None, "reintegration_offer"),
    "counter_messaging": (0.5, None, "counter_messaging"),
}
TIMING = ("border_closure_shift", "prevention_shift")
START = dt.date(2012, 1, 1)
GRID = np.arange(0.0, 84.0, 1.0 / 30.0)  # about a day, over 2012 to 2018


def _knots(series) -> list[tuple[dt.date, float]]:
    return [(k.date, k.value) for k in series.knots]


def _changed(name: str, value: float):
    base = baseline_scenario()
    scenario = apply_changes(base, {"levers": {name: value}})
    drivers = {
        d for d, series in base.drivers if _knots(series) != _knots(getattr(scenario.drivers, d))
    }
    before, after = base.parameters.model_dump(), scenario.parameters.model_dump()
    parameters = {p for p in before if before[p] != after[p]}
    return base, scenario, drivers, parameters


def test_every_lever_has_an_expectation():
    assert set(OWN) == set(LEVER_SPECS)


@pytest.mark.parametrize("name", list(OWN))
def test_a_lever_changes_only_its_own_driver_or_parameter(name):
    value, driver, parameter = OWN[name]
    base, scenario, drivers, parameters = _changed(name, value)
    assert drivers == ({driver} if driver else set())
    assert parameters == ({parameter} if parameter else set())
    if parameter:
        assert getattr(scenario.parameters, parameter) == value
    # what the kernel reads: only the lever's own column of the inputs differs
    moved = base.drivers.inputs(GRID, START) != scenario.drivers.inputs(GRID, START)
    columns = {layout.INPUT_NAMES[i] for i in np.flatnonzero(moved.any(axis=0))}
    assert columns == ({driver} if driver else set())


def _month(date: dt.date) -> int:
    return date.year * 12 + date.month


@pytest.mark.parametrize("name", TIMING)
@pytest.mark.parametrize("shift", [-6, 7])
def test_a_timing_lever_moves_every_date_of_its_series_and_keeps_the_values(name, shift):
    driver = OWN[name][1]
    base, scenario, _, _ = _changed(name, shift)
    before, after = _knots(getattr(base.drivers, driver)), _knots(getattr(scenario.drivers, driver))
    assert len(before) == len(after)
    for (d0, v0), (d1, v1) in zip(before, after, strict=True):
        assert _month(d1) - _month(d0) == shift, (d0, d1)
        assert v1 == v0
    # the closure (or prevention) reaches half its rise `shift` months earlier or later
    old = getattr(base.drivers, driver).at_months(GRID, START)
    new = getattr(scenario.drivers, driver).at_months(GRID, START)
    half = old[0] + 0.5 * (old.max() - old[0])
    when_old, when_new = GRID[np.argmax(old >= half)], GRID[np.argmax(new >= half)]
    assert when_new - when_old == pytest.approx(shift, abs=0.1)


@pytest.mark.parametrize("name", ["border_closure_strength", "prevention_strength"])
def test_a_weaker_lever_lowers_its_series_and_keeps_its_dates(name):
    driver = OWN[name][1]
    base, scenario, _, _ = _changed(name, 0.5)
    before, after = _knots(getattr(base.drivers, driver)), _knots(getattr(scenario.drivers, driver))
    assert [d for d, _ in before] == [d for d, _ in after]
    assert after[0] == before[0]  # the level before any measure is the reported one
    first = before[0][1]
    for (_, v0), (_, v1) in zip(before[1:], after[1:], strict=True):
        # Lower wherever the reported series has risen above its first level, else unchanged.
        assert v1 < v0 if v0 > first else v1 == v0
    assert any(v0 > first for _, v0 in before[1:])  # the test has knots to see
    _, stronger, _, _ = _changed(name, 1.5)
    upper = getattr(base.drivers, driver).upper
    for (_, v0), (_, v1) in zip(
        before[1:], _knots(getattr(stronger.drivers, driver))[1:], strict=True
    ):
        assert v0 <= v1 <= upper


def test_a_weaker_air_campaign_is_lower_wherever_there_is_one():
    base, scenario, _, _ = _changed("air_campaign_strength", 0.5)
    old = base.drivers.air_campaign.at_months(GRID, START)
    new = scenario.drivers.air_campaign.at_months(GRID, START)
    assert np.all(new <= old) and np.all(new[old > 0] < old[old > 0])
    _, none, _, _ = _changed("air_campaign_strength", 0.0)
    assert none.drivers.air_campaign.at_months(GRID, START).max() == 0.0


def test_every_lever_states_its_meaning_and_a_parameter_lever_takes_the_schemas():
    # module docstring: parameter levers take their default, bounds, unit and description
    # from the parameter schema, which defines them once
    from ffsim.core.parameters import SPECS_BY_NAME

    for name, spec in LEVER_SPECS.items():
        assert spec.description.strip() and spec.label.strip() and spec.unit.strip(), name
        assert spec.lower <= spec.default <= spec.upper, name
    for name in ("reintegration_offer", "counter_messaging"):
        lever, parameter = LEVER_SPECS[name], SPECS_BY_NAME[name]
        assert lever.description == parameter.description
        assert (lever.default, lever.lower, lever.upper) == (
            parameter.default,
            parameter.lower,
            parameter.upper,
        )
        assert (lever.unit, lever.label) == (parameter.unit, parameter.label)
