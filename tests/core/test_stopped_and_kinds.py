"""The stopped stay at home and may set out again; fighters are the arrivals less the women and
minors (issue 22, items 4 and 5).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ffsim.calibration.measures import measure, outputs_read
from ffsim.calibration.observations import Observation
from ffsim.core.drivers import DEFAULT_DRIVERS
from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.simulate import simulate


def _border(open_after: str) -> object:
    """Open until 2014, sealed from 2015 to ``open_after``, open again after it."""
    knots = [
        {"date": "2012-01-01", "value": 0.0},
        {"date": "2014-12-01", "value": 0.0},
        {"date": "2015-01-01", "value": 1.0},
        {"date": open_after, "value": 1.0},
        {"date": "2017-01-01", "value": 0.0},
    ]
    return DEFAULT_DRIVERS.with_overrides(
        {"border_closure": knots, "prevention": [{"date": "2012-01-01", "value": 0.0}]}
    )


def test_with_no_second_attempts_everyone_stopped_stays_stopped():
    result = simulate(Parameters(retry_propensity=0.0))
    for region in ("total", *REGION_IDS):
        np.testing.assert_allclose(
            result.stock("stopped", region), result.stock("intercepted", region), rtol=1e-9
        )


def test_second_attempts_take_people_out_of_the_stopped_stock():
    result = simulate(Parameters(retry_propensity=1.0))
    stopped, stops = result.stock("stopped"), result.stock("intercepted")
    assert np.all(stopped <= stops + 1e-9)
    assert stopped[-1] < 0.9 * stops[-1]


def test_a_blocked_pool_pushes_through_when_the_border_opens_and_a_drained_one_does_not():
    # The same closure of 2015-2016, then an open border in 2017: people stopped in 2015-2016
    # who may try again arrive in 2017; if no one tries twice, they do not.
    drivers = _border("2016-12-01")
    params = {"border_stop_max": 1.0, "border_deterrence": 0.0}
    blocked = simulate(Parameters(retry_propensity=1.0, **params), drivers)
    drained = simulate(Parameters(retry_propensity=0.0, **params), drivers)
    months = [d.strftime("%Y") for d in blocked.dates]
    in_2017 = slice(months.index("2017"), months.index("2018"))
    sealed = slice(months.index("2015") + 1, months.index("2017") - 1)  # Feb 2015 to Nov 2016
    assert blocked.flow("arrivals")[sealed].max() == pytest.approx(0.0, abs=1e-9)
    assert blocked.stock("stopped")[months.index("2017") - 1] > 1000.0
    gain = blocked.flow("arrivals")[in_2017].sum() / drained.flow("arrivals")[in_2017].sum()
    assert gain > 1.2


def test_fighters_are_the_arrivals_less_the_women_and_minors():
    shares = dict.fromkeys(REGION_IDS, 0.4)
    flat = Parameters(women_minors_share=shares, women_minors_early=1.0, women_minors_mid=1.0)
    result = simulate(flat)
    arrived = result.stock("cumulative_arrivals")
    np.testing.assert_allclose(result.stock("fighters_arrived"), 0.6 * arrived, rtol=1e-9)
    none = simulate(Parameters(women_minors_share=dict.fromkeys(REGION_IDS, 0.0)))
    np.testing.assert_allclose(
        none.stock("fighters_arrived"), none.stock("cumulative_arrivals"), rtol=1e-12
    )


def test_the_share_of_women_and_minors_rises_in_three_periods():
    share = dict.fromkeys(REGION_IDS, 0.5)
    result = simulate(Parameters(women_minors_share=share, women_minors_early=0.2))
    fighters = np.diff(result.stock("fighters_arrived"))
    arrivals = np.diff(result.stock("cumulative_arrivals"))
    months = [d.strftime("%Y-%m") for d in result.dates]
    kept = {m: fighters[months.index(m) - 1] / arrivals[months.index(m) - 1] for m in months[1:]}
    assert kept["2013-06"] == pytest.approx(1.0 - 0.5 * 0.2)  # before the caliphate
    mid = Parameters().women_minors_mid
    assert kept["2015-01"] == pytest.approx(1.0 - 0.5 * mid)  # its first year
    assert kept["2016-01"] == pytest.approx(1.0 - 0.5)  # from mid-2015


def _figure(population: str, measure_name: str = "cumulative_arrivals") -> Observation:
    return Observation(
        id="made_up",
        source_file="none.txt",
        outlet="none",
        published=dt.date(2016, 1, 1),
        ref_start=dt.date(2015, 1, 1),
        ref_end=dt.date(2015, 12, 31),
        region="total",
        quantity=measure_name,
        measure=measure_name,
        value=1000.0,
        form="point",
        groups="isis_only",
        population=population,
        sigma_log=0.3,
        use="fit",
        note="a made-up figure",
    )


@pytest.mark.parametrize("name", ["cumulative_arrivals", "arrivals_per_month", "in_theatre"])
def test_a_count_of_fighters_is_read_without_the_women_and_minors(name):
    result = simulate(Parameters())
    fighters, travellers = _figure("fighters", name), _figure("travellers", name)
    ratio = float(measure(result, fighters) / measure(result, travellers))
    t = len([d for d in result.dates if d <= dt.date(2015, 12, 31)]) - 1
    if name == "arrivals_per_month":
        expected = float(
            np.diff(result.stock("fighters_arrived"))[t - 11 : t].sum()
            / np.diff(result.stock("cumulative_arrivals"))[t - 11 : t].sum()
        )
        assert ratio == pytest.approx(expected, rel=0.02)
    else:
        expected = float(
            result.stock("fighters_arrived")[t] / result.stock("cumulative_arrivals")[t]
        )
        assert ratio == pytest.approx(expected, rel=1e-6)
    assert 0.5 < ratio < 0.95
    assert {o.name for o in outputs_read(fighters)} >= {"fighters_arrived"}
