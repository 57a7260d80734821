"""Extreme-condition tests (Sterman, Business Dynamics, ch. 21): the model behaves sensibly when
a driver or parameter is pushed to the edge of its range."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import drivers_constant

from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.simulate import simulate

ZERO_BY_REGION = dict.fromkeys(REGION_IDS, 0.0)


def test_no_radicalisation_and_nobody_in_theatre_means_nobody_travels():
    params = Parameters(radicalisation_rate=ZERO_BY_REGION, initial_in_theatre=0.0)
    result = simulate(params)
    for region in ("total", *REGION_IDS):
        assert result.stock("cumulative_departures", region).max() == 0.0
        assert result.flow("arrivals", region).max() == 0.0
        assert result.stock("in_theatre", region).max() == 0.0


def test_border_fully_closed_means_no_arrivals():
    # The stop probability is border_stop_max x the closure index: 1 x 1 seals the border.
    result = simulate(Parameters(border_stop_max=1.0), drivers_constant(border_closure=1.0))
    assert result.flow("arrivals").max() == 0.0
    assert result.flow("departures").sum() > 0.0  # people still set out and are stopped
    np.testing.assert_allclose(
        result.stock("cumulative_arrivals"), result.initial("cumulative_arrivals"), rtol=0
    )


def test_zero_combat_mortality_means_no_local_deaths():
    result = simulate(Parameters(combat_mortality=0.0))
    assert result.stock("local_killed").max() == 0.0
    assert result.stock("killed").max() > 0.0  # foreign deaths have their own base hazard


def test_zero_death_rates_mean_no_deaths_whatever_the_fighting():
    result = simulate(
        Parameters(combat_mortality=0.0, foreign_death_rate=0.0005, air_lethality=5.0),
        drivers_constant(air_campaign=1.0),
    )
    assert result.stock("local_killed").max() == 0.0
    # the foreign hazard is at its lower bound, 0.0005 x (1 + 5 + ground) a month: small, not 0
    assert 0.0 < result.stock("killed")[-1] < 0.5 * result.stock("cumulative_arrivals")[-1]


def test_ground_offensives_kill_only_when_territory_is_retaken():
    held = drivers_constant(territory=1.0)
    no_ground = simulate(Parameters(ground_lethality=0.0), held)
    ground = simulate(Parameters(ground_lethality=5.0), held)
    np.testing.assert_allclose(ground.stock("killed"), no_ground.stock("killed"), rtol=1e-12)
    lost = simulate(Parameters(ground_lethality=5.0))
    assert lost.stock("killed")[-1] > simulate(Parameters(ground_lethality=0.0)).stock("killed")[-1]


def test_without_the_wars_salience_only_success_draws_recruits():
    # Salience midpoint at the far end: before the group holds territory almost nobody leaves.
    late = simulate(Parameters(salience_midpoint=36.0, salience_width=1.0, early_wave_lead=0.0))
    early = simulate(Parameters(salience_midpoint=0.0, salience_width=1.0))
    w = slice(0, 12)  # 2012
    assert late.flow("departures")[w].sum() < 0.2 * early.flow("departures")[w].sum()


def test_early_wave_regions_leave_earlier():
    # Without the success term, the war's salience alone sets the timing.
    p = Parameters(
        early_wave_lead=24.0, salience_midpoint=30.0, salience_width=2.0, appeal_territory=0.0
    )
    r = simulate(p)
    share_2013 = (
        r.flow("departures", "france")[12:24].sum() / r.stock("cumulative_departures", "france")[-1]
    )
    late_2013 = (
        r.flow("departures", "united_states")[12:24].sum()
        / r.stock("cumulative_departures", "united_states")[-1]
    )
    assert share_2013 > 2 * late_2013


def test_no_appeal_means_no_departures():
    result = simulate(Parameters(appeal_base=0.0, appeal_territory=0.0))
    assert result.flow("departures").max() == 0.0


def test_border_stop_probability_is_capped_at_a_sealed_border():
    # 0.6 x an index of 2 would be 1.2: the probability stops at 1, and no one arrives.
    capped = simulate(Parameters(border_stop_max=0.6), drivers_constant(border_closure=2.0))
    sealed = simulate(Parameters(border_stop_max=1.0), drivers_constant(border_closure=1.0))
    assert capped.flow("arrivals").max() == 0.0
    np.testing.assert_allclose(capped.states, sealed.states, rtol=1e-12)


def test_prevention_at_home_acts_per_region():
    shares = dict.fromkeys(REGION_IDS, 0.5) | {"tunisia": 0.0}
    drivers = drivers_constant(prevention=1.0, border_closure=0.0)
    result = simulate(Parameters(prevention_share=shares), drivers)
    departed = result.flow("departures", "france").sum()
    assert result.stock("intercepted", "tunisia").max() == 0.0  # no prevention, an open border
    np.testing.assert_allclose(
        result.flow("interceptions", "france").sum(), 0.5 * departed, rtol=1e-9
    )


def test_full_prevention_at_home_means_everyone_who_sets_out_is_intercepted():
    # Each region's share stopped is prevention_share x the index, at most 1: 0.5 x 2 is all.
    full = dict.fromkeys(REGION_IDS, 0.5)
    result = simulate(Parameters(prevention_share=full), drivers_constant(prevention=2.0))
    assert result.flow("arrivals").max() == 0.0
    departed_in_run = result.stock("cumulative_departures") - result.initial(
        "cumulative_departures"
    )
    np.testing.assert_allclose(result.stock("intercepted"), departed_in_run, rtol=1e-9)


def test_sealed_exits_mean_no_returns_and_no_onward_moves():
    result = simulate(
        Parameters(exit_blocking=1.0, border_stop_max=1.0), drivers_constant(border_closure=1.0)
    )
    assert result.stock("returned").max() == 0.0
    assert result.stock("moved_on").max() == 0.0


def test_zero_return_rate_means_no_returns():
    assert simulate(Parameters(return_rate=0.0)).stock("returned").max() == 0.0


def test_no_territory_removes_the_groups_pull_and_local_recruitment():
    drivers = drivers_constant(territory=0.0)
    low = simulate(Parameters(appeal_territory=0.0), drivers)
    high = simulate(Parameters(appeal_territory=4.0), drivers)
    np.testing.assert_allclose(low.states, high.states, rtol=1e-12)
    local = high.stock("local_in_theatre")
    assert np.all(np.diff(local) <= 0.0)  # no recruitment: local fighters only leave


def test_full_counter_messaging_equals_no_network_effect():
    a = simulate(Parameters(counter_messaging=1.0))
    b = simulate(Parameters(network_strength=0.0))
    np.testing.assert_allclose(a.states, b.states, rtol=1e-12)


@pytest.mark.parametrize("stock", ["cumulative_arrivals", "returned"])
def test_border_closure_cuts_both_ways(stock):
    # Closing the border lowers arrivals, and it lowers returns as well (DOMAIN.md).
    loose = simulate(drivers=drivers_constant(border_closure=0.2)).stock(stock)[-1]
    tight = simulate(drivers=drivers_constant(border_closure=0.6)).stock(stock)[-1]
    assert tight < loose


def test_stronger_air_campaign_kills_more_and_leaves_fewer_in_theatre():
    weak = simulate(drivers=drivers_constant(air_campaign=0.0))
    strong = simulate(drivers=drivers_constant(air_campaign=1.0))
    assert strong.stock("killed_all_fighters")[-1] > weak.stock("killed_all_fighters")[-1]
    assert strong.stock("in_theatre")[-1] < weak.stock("in_theatre")[-1]


def test_constant_drivers_and_no_group_lead_to_pool_equilibrium():
    # With only the base appeal, no network and constant drivers, every pool settles where
    # inflow and outflows balance. Checked by what an equilibrium is, not by its formula: the
    # pool stops changing; it is proportional to the region's radicalisation rate (the hazards
    # of leaving the pool are shared by all regions); it lies below the pre-war level where
    # disengagement was the only way out; and a faster way out means a smaller pool.
    from ffsim.core.simulate import Settings

    drivers = drivers_constant(territory=0.0, border_closure=0.0, prevention=0.0)
    long_run = Settings(end="2030-12")
    params = Parameters(network_strength=0.0, appeal_territory=0.0)
    result = simulate(params, drivers, long_run)
    pools = {r: result.stock("pool", r) for r in REGION_IDS}
    for region, pool in pools.items():
        assert abs(pool[-1] - pool[-13]) <= 1e-3 * pool[-1], region  # settled: 0.1% a year
        assert pool[-1] < result.initial("pool", region), region
    rates = params.radicalisation_rate
    for region in REGION_IDS:
        assert pools[region][-1] / pools["france"][-1] == pytest.approx(
            getattr(rates, region) / rates.france, rel=1e-3
        )
    faster = simulate(params.model_copy(update={"departure_rate": 0.1}), drivers, long_run)
    assert faster.stock("pool", "france")[-1] < pools["france"][-1]


def test_without_radicalisation_the_first_fighters_are_still_all_counted():
    # initial_in_theatre is split by radicalisation rates; with none anywhere, evenly: either
    # way the regions together start with initial_in_theatre fighters in theatre.
    result = simulate(Parameters(radicalisation_rate=ZERO_BY_REGION, initial_in_theatre=700.0))
    assert result.initial("in_theatre") == pytest.approx(700.0, rel=1e-12)
    shares = [result.initial("in_theatre", r) for r in REGION_IDS]
    assert shares == pytest.approx([700.0 / len(REGION_IDS)] * len(REGION_IDS), rel=1e-12)
