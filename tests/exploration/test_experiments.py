"""Experiments over levers and uncertainties: EMA Workbench's layout, the schema's bounds, the
posterior draws, and agreement with the comparison's runs."""

from __future__ import annotations

import numpy as np
import pytest

from ffsim.calibration.baseline import baseline_parameters, read_artifact
from ffsim.calibration.uncertainty import posterior_packed
from ffsim.core.errors import InputError
from ffsim.core.executor import SerialExecutor, chunks, task_seeds
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.regions import REGION_IDS
from ffsim.core.simulate import simulate_outputs
from ffsim.exploration.evaluate import recorded
from ffsim.exploration.factors import lever_factors, parameter_factors
from ffsim.exploration.run import DRAW, experiments
from ffsim.exploration.storage import read_experiments, write_experiments
from ffsim.scenarios.compare import OUTCOME_SELECTION, compare
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario import baseline_scenario

SERIAL = SerialExecutor()


def test_every_assumption_and_lever_of_the_schemas_is_a_factor_with_its_bounds():
    factors = parameter_factors()
    expected = set()
    for spec in PARAMETER_SPECS:
        if spec.category == "lever":
            assert spec.name not in factors
            continue
        names = [f"{spec.name}.{r}" for r in REGION_IDS] if spec.regional else [spec.name]
        expected |= set(names)
        for name in names:
            assert (factors[name].lower, factors[name].upper) == (spec.lower, spec.upper)
    assert set(factors) == expected
    assert set(lever_factors()) == set(LEVER_SPECS)


def test_the_table_has_ema_workbench_layout_and_drawn_values_stay_in_bounds():
    result = experiments(
        levers="all",
        uncertainties=["network_strength", "radicalisation_rate.france"],
        n=40,
        executor=SERIAL,
    )
    table = result.experiments
    levers = list(LEVER_SPECS)
    assert list(table.columns) == [
        "network_strength",
        "radicalisation_rate.france",
        *levers,
        "scenario",
        "policy",
        "model",
    ]
    assert len(table) == 40 and set(table["model"]) == {"ffsim"}
    assert all(len(v) == 40 for v in result.outcomes.values())
    for name, f in {**parameter_factors(), **lever_factors()}.items():
        if name in table:
            assert table[name].between(f.lower, f.upper).all(), name
            if f.integer:
                assert (table[name] == table[name].round()).all(), name
    # a Latin hypercube puts one point in each of the n strata of every factor
    u = (table["network_strength"] - parameter_factors()["network_strength"].lower) / (
        parameter_factors()["network_strength"].upper
        - parameter_factors()["network_strength"].lower
    )
    assert sorted((u * 40).astype(int)) == list(range(40))


def test_posterior_scenarios_are_the_artifact_draws_and_run_as_they_do():
    result = experiments(n=12, seed=3, executor=SERIAL)
    artifact = read_artifact()
    sample = artifact["posterior_sample"]
    picked = result.experiments[DRAW].to_numpy()
    values = np.asarray(sample["values"])[picked]
    assert np.array_equal(result.experiments[list(sample["names"])].to_numpy(), values)
    direct = recorded(
        simulate_outputs(
            posterior_packed(baseline_parameters(), artifact)[picked],
            OUTCOME_SELECTION,
            baseline_scenario().drivers,
        )
    )
    for name, v in direct.items():
        assert np.array_equal(result.outcomes[name], v), name


def test_a_policy_without_uncertainty_gives_the_comparison_best_fit():
    result = experiments(
        uncertainties=None, n=1, policies=["baseline", "early_response"], executor=SERIAL
    )
    from ffsim.exploration.run import _policies

    scenarios = [s for _, s in _policies(["baseline", "early_response"])]
    best = compare(scenarios, draws=1).best
    for name, v in best.items():
        np.testing.assert_allclose(result.outcomes[name], v, rtol=1e-12, err_msg=name)
    assert list(result.experiments["policy"]) == ["baseline", "early_response"]


def test_each_scenario_runs_under_every_policy_with_the_same_draw():
    result = experiments(n=8, policies=["baseline", "border_closed_year_earlier"], executor=SERIAL)
    table = result.experiments
    first, second = (
        table[table["policy"] == p] for p in ("baseline", "border_closed_year_earlier")
    )
    assert list(first["scenario"]) == list(second["scenario"]) == list(range(8))
    assert list(first[DRAW]) == list(second[DRAW])
    assert (first["border_closure_shift"] == 0).all()
    assert (second["border_closure_shift"] != 0).all()


def test_bad_requests_are_refused_with_what_is_allowed():
    with pytest.raises(InputError, match="power of two"):
        experiments(n=12, design="sobol", executor=SERIAL)
    with pytest.raises(InputError, match="unknown; allowed"):
        experiments(uncertainties=["no_such_parameter"], n=4, executor=SERIAL)
    with pytest.raises(InputError, match="within"):
        experiments(uncertainties={"network_strength": (-5.0, 1.0)}, n=4, executor=SERIAL)
    with pytest.raises(InputError, match="allowed baseline"):
        experiments(policies=["nowhere"], n=4, executor=SERIAL)
    with pytest.raises(InputError, match="exclude"):
        experiments(levers="all", policies=["baseline"], n=4, executor=SERIAL)


def test_parquet_round_trip_keeps_the_experiments_and_outcomes(tmp_path):
    result = experiments(n=6, policies=["baseline", "early_response"], executor=SERIAL)
    write_experiments(result, tmp_path)
    back = read_experiments(tmp_path)
    assert back.experiments.equals(result.experiments)
    assert back.design == result.design
    assert all(np.array_equal(back.outcomes[k], result.outcomes[k]) for k in result.outcomes)
    (tmp_path / "outcomes.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match="cannot read"):
        read_experiments(tmp_path)


def test_chunks_cover_the_runs_in_order_and_seeds_depend_on_position_only():
    for n in (1, 15, 16, 17, 1000):
        for workers in (1, 2, 7):
            parts = chunks(n, workers)
            assert [i for r in parts for i in r] == list(range(n))
    assert task_seeds(5, 4) == task_seeds(5, 4)
    assert task_seeds(5, 4)[:3] == task_seeds(5, 3)
    assert len(set(task_seeds(5, 100))) == 100


def test_draws_are_picked_with_equal_weight_one_per_stratum():
    from ffsim.exploration.design import draw_indices

    assert draw_indices(np.array([0.0, 0.0999, 0.1, 0.55, 0.999999]), 10).tolist() == [
        0,
        0,
        1,
        5,
        9,
    ]
    available = len(read_artifact()["posterior_sample"]["values"])
    picked = experiments(n=10, executor=SERIAL).experiments[DRAW].to_numpy()
    assert sorted(picked * 10 // available) == list(range(10))


def test_a_parameter_a_policy_sets_overrides_the_posterior_draws():
    from ffsim.exploration.factors import packed_index
    from ffsim.scenarios.scenario import apply_changes

    own = apply_changes(baseline_scenario(), {"parameters": {"network_strength": 0.1}}, "own")
    result = experiments(n=6, policies=[own], executor=SERIAL)
    packed = posterior_packed(baseline_parameters(), read_artifact())[
        result.experiments[DRAW].to_numpy()
    ]
    packed[:, packed_index("network_strength")] = 0.1
    direct = recorded(simulate_outputs(packed, OUTCOME_SELECTION, own.drivers))
    for name, v in direct.items():
        assert np.array_equal(result.outcomes[name], v), name
