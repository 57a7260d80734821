"""Bad input is refused with a message naming the field, the value and what is allowed."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.errors import InputError
from ffsim.core.parameters import PARAMETER_SPECS, Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.simulate import Settings

SCALARS = [s for s in PARAMETER_SPECS if not s.regional]
REGIONAL = [s for s in PARAMETER_SPECS if s.regional]


def _outside(spec):
    span = spec.upper - spec.lower
    return spec.lower - 0.01 * span - 1e-6, spec.upper + 0.01 * span + 1e-6


@pytest.mark.parametrize("spec", SCALARS, ids=lambda s: s.name)
def test_every_scalar_parameter_bound_is_enforced(spec):
    Parameters().with_overrides({spec.name: spec.lower})
    Parameters().with_overrides({spec.name: spec.upper})
    for bad in _outside(spec):
        with pytest.raises(InputError) as info:
            Parameters().with_overrides({spec.name: bad})
        message = str(info.value)
        assert f"parameters.{spec.name} = {bad!r}" in message
        assert f"[{spec.lower:g}, {spec.upper:g}]" in message
        with pytest.raises(ValidationError):
            Parameters(**{spec.name: bad})


@pytest.mark.parametrize("spec", REGIONAL, ids=lambda s: s.name)
@pytest.mark.parametrize("region", REGION_IDS)
def test_every_regional_parameter_bound_is_enforced(spec, region):
    for bad in _outside(spec):
        with pytest.raises(InputError) as info:
            Parameters().with_overrides({spec.name: {region: bad}})
        assert f"parameters.{spec.name}.{region} = {bad!r}" in str(info.value)
        assert f"[{spec.lower:g}, {spec.upper:g}]" in str(info.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, "ten", None, [1.0]])
def test_non_numbers_are_refused(bad):
    with pytest.raises(InputError, match=r"parameters\.combat_mortality"):
        Parameters().with_overrides({"combat_mortality": bad})


def test_unknown_parameter_and_unknown_region_are_refused_with_the_allowed_names():
    with pytest.raises(InputError) as info:
        Parameters().with_overrides({"combat_mortalty": 0.01})
    assert "parameters.combat_mortalty: unknown name" in str(info.value)
    assert "combat_mortality" in str(info.value)
    with pytest.raises(InputError) as info:
        Parameters().with_overrides({"radicalisation_rate": {"atlantis": 1.0}})
    assert "parameters.radicalisation_rate.atlantis: unknown name" in str(info.value)
    assert "france" in str(info.value)


def test_every_problem_is_reported_not_just_the_first():
    with pytest.raises(InputError) as info:
        Parameters().with_overrides({"combat_mortality": 9.0, "transit_time": -1.0})
    assert len(str(info.value).splitlines()) == 2


def test_parameters_are_frozen_and_hashable():
    p = Parameters()
    with pytest.raises(ValidationError):
        p.combat_mortality = 0.02  # type: ignore[misc]
    assert hash(p) == hash(Parameters())
    assert hash(p) != hash(Parameters(combat_mortality=0.02))


def test_partial_regional_override_keeps_other_regions():
    p = Parameters().with_overrides({"radicalisation_rate": {"france": 99.0}})
    assert p.radicalisation_rate.france == 99.0
    assert p.radicalisation_rate.tunisia == Parameters().radicalisation_rate.tunisia


def test_every_parameter_and_driver_knot_carries_unit_description_and_source():
    for spec in PARAMETER_SPECS:
        assert spec.unit and spec.description and spec.source, spec.name
        assert spec.lower <= (min(spec.default.values()) if spec.regional else spec.default)
        assert (max(spec.default.values()) if spec.regional else spec.default) <= spec.upper
    for name, series in DEFAULT_DRIVERS:
        assert series.unit and series.description, name
        for knot in series.knots:
            assert knot.source, (name, knot.date)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"pay": [{"date": "2013-01-01", "value": 5000}]}, "drivers.pay: knots[0].value = 5000"),
        (
            {
                "territory": [
                    {"date": "2014-01-01", "value": 0.1},
                    {"date": "2013-01-01", "value": 0.2},
                ]
            },
            "drivers.territory: knot dates must be strictly increasing",
        ),
        ({"territory": []}, "drivers.territory.knots"),
        ({"territory": [{"date": "2014-13-01", "value": 0.1}]}, "drivers.territory.knots.0.date"),
        ({"weather": [{"date": "2014-01-01", "value": 0.1}]}, "drivers.weather: unknown driver"),
        ({"border_closure": [{"date": "2014-01-01", "value": -0.5}]}, "allowed range [0, 2]"),
    ],
)
def test_bad_driver_series_are_refused(overrides, expected):
    with pytest.raises(InputError) as info:
        DEFAULT_DRIVERS.with_overrides(overrides)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"dt": 0.3}, "must be 1/n of a month"),
        ({"dt": 0.0}, "greater than 0"),
        ({"start": "2015-01", "end": "2014-01"}, "is before start 2015-01"),
        ({"start": "2012"}, "YYYY-MM in ASCII digits"),
    ],
)
def test_bad_settings_are_refused(kwargs, expected):
    with pytest.raises(ValidationError, match=expected):
        Settings(**kwargs)
