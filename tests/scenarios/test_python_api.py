"""The Python API (issue 24): ``ffsim.simulate()`` is the calibrated baseline and takes a
Scenario or a scenario's name; results and comparisons as wide DataFrames; notebook displays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ffsim
from ffsim.calibration.baseline import baseline_parameters
from ffsim.cli.main import main
from ffsim.core import simulate as core
from ffsim.core.results import FLOWS, STOCKS, THEATRE_STOCKS
from ffsim.resources import SCENARIO_DIR


def test_simulate_with_no_argument_is_the_calibrated_baseline():
    baseline = ffsim.simulate()
    calibrated = core.simulate(baseline_parameters())
    defaults = core.simulate(ffsim.Parameters())
    np.testing.assert_array_equal(baseline.states, calibrated.states)
    assert abs(baseline.stock("in_theatre")[-1] - defaults.stock("in_theatre")[-1]) > 100
    assert baseline.name == ffsim.baseline_scenario().name


def test_simulate_takes_a_scenario_its_name_its_file_or_parameters():
    scenario = ffsim.load_scenario(SCENARIO_DIR / "early_response.toml")
    expected = core.simulate(scenario.parameters, scenario.drivers, scenario.settings)
    for given in (scenario, "early_response", SCENARIO_DIR / "early_response.toml"):
        result = ffsim.simulate(given)
        np.testing.assert_array_equal(result.states, expected.states)
        assert result.name == scenario.name
    np.testing.assert_array_equal(
        ffsim.simulate(scenario.parameters).states, core.simulate(scenario.parameters).states
    )
    short = ffsim.Settings(end="2014-12")
    assert len(ffsim.simulate("early_response", settings=short).dates) == 36


def test_simulate_refuses_an_unknown_name_and_bad_draws_plainly():
    with pytest.raises(ffsim.InputError, match=r"early_responze: does not exist.*early_response"):
        ffsim.simulate("early_responze")
    for draws in (-1, 1.5, True, 10**9):
        with pytest.raises(ffsim.InputError, match="draws = "):
            ffsim.simulate(draws=draws)
    with pytest.raises(TypeError, match="allowed: a Scenario"):
        ffsim.simulate(3)  # type: ignore[arg-type]


def test_to_pandas_is_wide_with_month_end_dates():
    result = ffsim.simulate()
    table = result.to_pandas()
    assert isinstance(table.index, pd.DatetimeIndex) and table.index.name == "date"
    assert [d.date() for d in table.index] == list(result.dates)
    assert list(table.columns) == [*STOCKS, *FLOWS, *THEATRE_STOCKS]
    np.testing.assert_array_equal(table["in_theatre"], result.stock("in_theatre"))
    np.testing.assert_array_equal(table["departures"], result.flow("departures"))
    france = result.to_pandas("france")
    assert list(france.columns) == [*STOCKS, *FLOWS]
    np.testing.assert_array_equal(france["returned"], result.stock("returned", "france"))
    every = result.to_pandas(region=None)
    assert list(every.columns.names) == ["region", "column"]
    assert set(every.columns.get_level_values(0)) == {"total", *ffsim.REGION_IDS}
    np.testing.assert_array_equal(every[("tunisia", "killed")], result.stock("killed", "tunisia"))
    with pytest.raises(KeyError, match="unknown region 'atlantis'"):
        result.to_pandas("atlantis")


def test_to_pandas_adds_the_posterior_quantiles_of_ffsim_run_draws(tmp_path):
    result = ffsim.simulate("no_air_campaign", draws=7)
    table = result.to_pandas()
    assert list(table.columns[:4]) == ["pool", "pool_p05", "pool_p50", "pool_p95"]
    assert (table["in_theatre_p05"] <= table["in_theatre_p95"]).all()
    out = tmp_path / "run.csv"
    assert main(["run", "no_air_campaign", "--draws", "7", "--out", str(out)]) == 0
    tidy = pd.read_csv(out)
    rows = tidy[(tidy["region"] == "total") & (tidy["variable"] == "in_theatre")]
    for column in ("p05", "p50", "p95"):
        np.testing.assert_allclose(table[f"in_theatre_{column}"], rows[column], atol=5e-7)
    np.testing.assert_allclose(table["in_theatre"], rows["value"], atol=5e-7)
    bands = result.posterior.to_pandas(quantiles={"p10": 0.1})
    assert list(bands.columns[:2]) == ["pool_p10", "in_transit_p10"]


def test_comparison_to_pandas_is_the_table_of_compare_out(tmp_path):
    comparison = ffsim.compare(["baseline", "no_air_campaign"], draws=5)
    table = comparison.to_pandas()
    assert list(table.index) == list(comparison.names) and table.index.name == "scenario"
    assert list(table.columns.names) == ["outcome", "statistic"]
    out = tmp_path / "c.csv"
    assert main(["compare", "baseline", "no_air_campaign", "--draws", "5", "--out", str(out)]) == 0
    tidy = pd.read_csv(out)
    wide = tidy.pivot_table(index="scenario", columns=["outcome", "statistic"], values="value")
    for (outcome, statistic), column in table.items():
        np.testing.assert_allclose(
            column.to_numpy(), wide.loc[list(table.index), (outcome, statistic)].to_numpy()
        )


def test_notebook_displays_are_compact_summaries():
    result = ffsim.simulate("no_air_campaign", draws=5)
    shown = result._repr_html_()
    assert "No air campaign" in shown and "5 draws" in shown and "5% to 95%" in shown
    assert f"{result.stock('in_theatre')[-1]:,.0f}" in shown
    assert len(shown) < 3000 and "array" not in repr(result)
    assert "5% to 95%" not in ffsim.simulate()._repr_html_()
    comparison = ffsim.compare(["baseline", "no_air_campaign"], draws=5)
    html = comparison._repr_html_()
    assert "No air campaign" in html and f"{comparison.best['killed'][1]:,.0f}" in html
