"""Selected outputs: the same numbers as the full state, into buffers that can be reused."""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.calibration.measures import measure, outputs_read
from ffsim.calibration.observations import fitted, load_observations
from ffsim.core import layout
from ffsim.core.outputs import TOTAL, Output, Selection
from ffsim.core.parameters import Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import FLOWS, STOCKS, THEATRE_STOCKS
from ffsim.core.simulate import Settings, simulate, simulate_ensemble, simulate_outputs


def _members(n: int, seed: int) -> np.ndarray:
    """``n`` packed parameter sets: the defaults with every value scaled by 0.9 to 1.1.

    Some may leave the schema's bounds (nothing here validates them): both paths integrate the
    same numbers, and that is all these tests compare.
    """
    rng = np.random.default_rng(seed)
    base = Parameters().pack()
    return base * rng.uniform(0.9, 1.1, (n, base.size))


PARAMETER_SETS = [_members(5, seed) for seed in (1, 2, 3)]


@pytest.mark.parametrize("packed", PARAMETER_SETS)
@pytest.mark.parametrize("region", ["total", "france", "tunisia", "rest_of_world"])
def test_every_stock_and_flow_agrees_with_the_full_state(packed: np.ndarray, region: str) -> None:
    full = simulate_ensemble(packed)
    names = (*STOCKS, *FLOWS)
    selected = simulate_outputs(packed, Selection.of(names, region))
    assert selected.values.shape == (5, len(full.dates) + 1, len(selected.selection.channels()))
    for name in STOCKS:
        np.testing.assert_allclose(
            selected.stock(name, region), full.stock(name, region), rtol=1e-12
        )
    for name in FLOWS:
        np.testing.assert_allclose(selected.flow(name, region), full.flow(name, region), rtol=1e-12)


@pytest.mark.parametrize("months", [(1,), (6, 7, 8), (12, 24, 36, 48, 60, 72), (84,)])
def test_selected_months_agree_with_the_same_months_of_the_full_state(months: tuple) -> None:
    packed = PARAMETER_SETS[0]
    full = simulate_ensemble(packed)
    selection = Selection(
        (
            Output("in_theatre"),
            Output("departures", ("france", "united_kingdom")),
            Output("radicalisation", ("tunisia",)),
            *(Output(n) for n in THEATRE_STOCKS),
        ),
        months,
    )
    selected = simulate_outputs(packed, selection)
    i = [m - 1 for m in months]
    assert selected.month_dates == tuple(full.dates[m] for m in i)
    np.testing.assert_allclose(
        selected.stock("in_theatre"), full.stock("in_theatre")[:, i], rtol=1e-12
    )
    group = ("france", "united_kingdom")
    np.testing.assert_allclose(
        selected.regional_sum(layout.CUM_DEPARTURES, group),
        full.regional_sum(layout.CUM_DEPARTURES, group)[:, list(selected.boundaries)],
        rtol=1e-12,
    )
    assert set(selected.boundaries) == set(months) | {m - 1 for m in months}
    np.testing.assert_allclose(
        selected.flow("radicalisation", "tunisia"),
        full.flow("radicalisation", "tunisia")[:, i],
        rtol=1e-12,
    )
    for name in THEATRE_STOCKS:
        np.testing.assert_allclose(selected.stock(name), full.stock(name)[:, i], rtol=1e-12)


def test_a_region_group_is_the_sum_of_its_regions_as_the_measures_take_it() -> None:
    packed = PARAMETER_SETS[1]
    full = simulate_ensemble(packed)
    europe = ("france", "united_kingdom", "other_europe")
    selected = simulate_outputs(packed, Selection((Output("in_theatre", europe),)))
    expected = sum(full.stock("in_theatre", r) for r in europe)
    np.testing.assert_allclose(
        selected.regional_sum(layout.IN_THEATRE, europe)[:, 1:], expected, rtol=1e-12
    )


def test_the_calibration_measures_read_the_same_values_from_selected_outputs() -> None:
    rows = fitted(load_observations())
    packed = PARAMETER_SETS[2]
    full = simulate_ensemble(packed)
    selection = Selection(tuple(dict.fromkeys(o for obs in rows for o in outputs_read(obs))))
    selected = simulate_outputs(packed, selection)
    assert selected.values.nbytes < full.states.nbytes / 2
    for obs in rows:
        np.testing.assert_allclose(measure(selected, obs), measure(full, obs), rtol=1e-12)


def test_one_member_of_an_ensemble_is_the_single_run() -> None:
    params = Parameters()
    selected = simulate_outputs(params.pack()[None], Selection.of(("killed", "returns")))
    one = simulate(params)
    np.testing.assert_allclose(selected.stock("killed")[0], one.stock("killed"), rtol=1e-12)
    np.testing.assert_allclose(selected.flow("returns")[0], one.flow("returns"), rtol=1e-12)


def test_a_reused_buffer_receives_the_new_run_and_matches_a_fresh_one() -> None:
    selection = Selection.of(("in_theatre", "arrivals"), "total", (12, 24, 36))
    settings = Settings()
    buffer = np.full(selection.shape(5, settings.n_months), np.nan)
    first = simulate_outputs(PARAMETER_SETS[0], selection, out=buffer)
    assert first.values is buffer and not np.isnan(buffer).any()
    second = simulate_outputs(PARAMETER_SETS[1], selection, out=buffer)
    assert second.values is buffer
    fresh = simulate_outputs(PARAMETER_SETS[1], selection)
    assert fresh.values is not buffer
    np.testing.assert_array_equal(second.stock("in_theatre"), fresh.stock("in_theatre"))
    np.testing.assert_array_equal(second.flow("arrivals"), fresh.flow("arrivals"))
    # The earlier Outputs shares the buffer, so it now reads the second run (documented).
    np.testing.assert_array_equal(first.stock("in_theatre"), fresh.stock("in_theatre"))


def test_a_buffer_of_the_wrong_shape_or_type_is_refused_with_what_is_allowed() -> None:
    selection = Selection.of(("in_theatre",))
    shape = selection.shape(5, Settings().n_months)
    for bad in (
        np.empty((4, *shape[1:])),
        np.empty(shape, dtype=np.float32),
        np.empty(shape)[:, ::-1],
    ):
        with pytest.raises(
            ValueError,
            match=rf"allowed: a writable C-contiguous float64 array of shape \({shape[0]}",
        ):
            simulate_outputs(PARAMETER_SETS[0], selection, out=bad)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Selection.of(("in_theatr",)), r"unknown output 'in_theatr'; allowed: pool, "),
        (lambda: Selection.of(("peak_in_theatre",)), r"unknown output 'peak_in_theatre'; allowed:"),
        (
            lambda: Selection((Output("in_theatre", ("atlantis",)),)),
            r"unknown region 'atlantis'; allowed: france",
        ),
        (
            lambda: Selection((Output("local_killed", ("france",)),)),
            r"theatre stock.*allowed: the total only",
        ),
        (
            lambda: Selection.of(("in_theatre",), months=(3, 2)),
            r"months \(3, 2\); allowed: increasing whole",
        ),
        (lambda: Selection.of(("in_theatre",), months=(0,)), r"months \(0,\); allowed"),
        (lambda: Selection(()), r"at least one output; allowed: pool"),
    ],
)
def test_bad_outputs_name_the_value_and_what_is_allowed(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_a_month_beyond_the_run_and_an_output_not_stored_are_named() -> None:
    with pytest.raises(ValueError, match=r"month 100 is beyond the run; allowed: 1 to 84"):
        simulate_outputs(PARAMETER_SETS[0], Selection.of(("in_theatre",), months=(100,)))
    selected = simulate_outputs(PARAMETER_SETS[0], Selection.of(("in_theatre",)))
    with pytest.raises(
        KeyError, match=r"killed over every region was not stored; stored: in_theatre"
    ):
        selected.stock("killed")
    with pytest.raises(KeyError, match=r"unknown region 'atlantis'"):
        selected.stock("in_theatre", "atlantis")


def test_cumulative_radicalisation_is_closed_form_and_not_in_the_state() -> None:
    assert "cumulative_radicalisation" in layout.CLOSED_FORM_STOCK_NAMES
    assert layout.n_state(len(REGION_IDS)) == len(REGION_IDS) * layout.N_REGIONAL_STOCKS + 3
    params = Parameters()
    result = simulate(params)
    rates = [getattr(params.radicalisation_rate, r) for r in REGION_IDS]
    np.testing.assert_allclose(result.flow("radicalisation"), sum(rates), rtol=1e-12)
    np.testing.assert_allclose(result.flow("radicalisation", "france"), rates[0], rtol=1e-12)
    assert result.initial("cumulative_radicalisation") == 0.0
    assert TOTAL == ()
