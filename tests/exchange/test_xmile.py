"""The XMILE export, checked by an independent engine (PySD) and against the kernel."""

from __future__ import annotations

import datetime as dt
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pysd
import pytest

from ffsim.calibration.baseline import baseline_parameters
from ffsim.cli.main import main
from ffsim.core import layout
from ffsim.core.drivers import DEFAULT_DRIVERS, EPOCH, months_since
from ffsim.core.euler import simulate_euler
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import Result
from ffsim.core.rhs import rhs
from ffsim.exchange.equations import CONSTANTS, COUNTERS, equations, evaluate
from ffsim.exchange.xmile import NAMESPACE, element_name, write_xmile
from ffsim.scenarios.scenario import Scenario, baseline_scenario, load_scenario
from ffsim.teaching.diagram import STOCK_FLOW_LINKS

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
TOLERANCE = 1e-6
"""Largest relative difference allowed between PySD and ffsim's Euler (one person floor)."""

ALL_STOCKS = (*layout.REGIONAL_STOCK_NAMES, *layout.GLOBAL_STOCK_NAMES)


def _ffsim_stock(result: Result, name: str, region: str | None) -> np.ndarray:
    """Stock ``name`` at month boundaries 0..n from ffsim's result (one region or theatre)."""
    if region is not None:
        return result.regional_sum(layout.REGIONAL_STOCK_NAMES.index(name), (region,))
    if name == "perceived_territory":
        nr = len(result.regions)
        return result.states[:, layout.global_index(nr, layout.PERCEIVED_TERRITORY)]
    return result.theatre(name)


def _pysd_run(path: Path, n_months: int) -> pd.DataFrame:
    """Translate the file with every warning an error, then run it at the month boundaries."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = pysd.read_xmile(str(path))
    with warnings.catch_warnings():
        # PySD's output table calls DataFrame.set_index(inplace=True), deprecated in pandas
        # 3.1: a warning about PySD's own code, raised after the model has run.
        warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
        return model.run(return_timestamps=np.arange(n_months + 1))


def _largest_difference(scenario: Scenario, table: pd.DataFrame, array: bool) -> float:
    """Largest relative difference over every stock, region and month (one person floor)."""
    ref = simulate_euler(scenario.parameters, scenario.drivers, scenario.settings)
    worst = 0.0
    for name in ALL_STOCKS:
        regional = name in layout.REGIONAL_STOCK_NAMES
        for region in REGION_IDS if regional else (None,):
            if region is None:
                column = name
            else:
                column = f"{name}[{element_name(region)}]" if array else f"{name}_{region}"
            theirs = table[column].to_numpy()
            ours = _ffsim_stock(ref, name, region)
            assert theirs.shape == ours.shape, column
            diff = np.abs(theirs - ours) / np.maximum(np.abs(ours), 1.0)
            worst = max(worst, float(diff.max()))
    return worst


@pytest.fixture(scope="module")
def arrayed_baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, pd.DataFrame]:
    scenario = baseline_scenario()
    path = tmp_path_factory.mktemp("xmile") / "baseline.xmile"
    write_xmile(path, scenario.parameters, scenario.drivers, scenario.settings, scenario.name)
    return scenario, _pysd_run(path, scenario.settings.n_months)


def test_pysd_runs_the_arrayed_baseline_as_ffsim_euler(arrayed_baseline):
    scenario, table = arrayed_baseline
    assert _largest_difference(scenario, table, array=True) < TOLERANCE


def test_the_comparison_would_see_a_wrong_parameter(arrayed_baseline):
    scenario, table = arrayed_baseline
    rate = scenario.assumptions.departure_rate
    other = replace(
        scenario,
        assumptions=scenario.assumptions.model_copy(update={"departure_rate": 1.01 * rate}),
    )
    assert _largest_difference(other, table, array=True) > 100 * TOLERANCE


@pytest.mark.parametrize(
    "source",
    # the baseline in the fast tier; every other shipped scenario in `make test-slow`
    [None, *(pytest.param(p, marks=pytest.mark.slow) for p in SCENARIOS)],
    ids=lambda p: p.stem if p else "baseline",
)
def test_pysd_runs_every_scenario_flat_as_ffsim_euler(source, tmp_path):
    scenario = load_scenario(source) if source else baseline_scenario()
    path = tmp_path / "model.xmile"
    write_xmile(path, scenario.parameters, scenario.drivers, scenario.settings, array=False)
    table = _pysd_run(path, scenario.settings.n_months)
    assert _largest_difference(scenario, table, array=False) < TOLERANCE


def _values(y: np.ndarray, t: float, params, start: dt.date) -> dict:
    d = DEFAULT_DRIVERS.inputs(np.array([t]), start)[0]
    values: dict = {"TIME": t, "start_month": months_since(EPOCH, start)}
    values |= {name: v for name, (v, _, _) in CONSTANTS.items()}
    for s in PARAMETER_SPECS:
        v = getattr(params, s.name)
        values[s.name] = v.model_dump() if s.regional else v
    values |= {name: d[i] for i, name in enumerate(layout.DRIVER_NAMES)}
    values["territory_lagged"] = DEFAULT_DRIVERS.territory.at_months(np.array([t - 3.0]), start)[0]
    nr = len(REGION_IDS)
    for k, name in enumerate(layout.REGIONAL_STOCK_NAMES):
        values[name] = {
            g: y[layout.regional_index(i, k)] if k < layout.N_REGIONAL_STOCKS else 0.0
            for i, g in enumerate(REGION_IDS)
        }
    for k, name in enumerate(layout.GLOBAL_STOCK_NAMES):
        values[name] = y[layout.global_index(nr, k)]
    return values


@pytest.mark.parametrize("seed", range(5))
def test_the_equations_are_the_kernel_at_random_states(seed):
    rng = np.random.default_rng(seed)
    params = baseline_parameters()
    start = dt.date(2012, 1, 1)
    nr = len(REGION_IDS)
    y = rng.uniform(0.0, 20_000.0, layout.n_state(nr))
    y[layout.global_index(nr, layout.PERCEIVED_TERRITORY)] = rng.uniform(0.0, 1.0)
    y[layout.regional_index(0, layout.POOL)] = -5.0  # a negative stock feeds no flow
    t = rng.uniform(0.0, 84.0)
    kernel = rhs(y, params.pack(), DEFAULT_DRIVERS.inputs(np.array([t]), start)[0])
    ours = evaluate(equations(REGION_IDS), _values(y, t, params, start), REGION_IDS)
    for k, name in enumerate(layout.REGIONAL_STOCK_NAMES):
        for i, g in enumerate(REGION_IDS):
            mine = ours[f"d_{name}"][g]
            if k < layout.N_REGIONAL_STOCKS:
                theirs = kernel[layout.regional_index(i, k)]
            else:  # closed form in the kernel: a constant inflow, the radicalisation rate
                theirs = params.radicalisation_rate.model_dump()[g]
            assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-9), (name, g)
    for k, name in enumerate(layout.GLOBAL_STOCK_NAMES):
        theirs = kernel[layout.global_index(nr, k)]
        assert ours[f"d_{name}"] == pytest.approx(theirs, rel=1e-12, abs=1e-12), name


def test_every_flow_of_the_diagram_has_an_equation_and_every_stock_is_exported(tmp_path):
    eqs = {e.name: e for e in equations(REGION_IDS)}
    drawn = {link.flow for link in STOCK_FLOW_LINKS if link.flow}
    flows = {n for n, e in eqs.items() if e.kind == "flow"}
    assert flows == drawn | {f"{q}_counted" for q in COUNTERS.values()}
    assert {n for n, e in eqs.items() if e.kind == "stock"} == set(ALL_STOCKS)
    path = tmp_path / "m.xmile"
    scenario = baseline_scenario()
    write_xmile(path, scenario.parameters, scenario.drivers, scenario.settings)
    root = ET.parse(path).getroot()
    ns = {"x": NAMESPACE}
    names = {v.get("name") for v in root.iterfind("x:model/x:variables/*", ns)}
    assert set(ALL_STOCKS) | flows | {s.name for s in PARAMETER_SPECS} <= names
    for variable in root.iterfind("x:model/x:variables/*", ns):
        assert variable.findtext("x:doc", namespaces=ns), variable.get("name")
        assert variable.findtext("x:units", namespaces=ns), variable.get("name")


def test_export_command_writes_the_file(tmp_path, capsys):
    out = tmp_path / "early.xmile"
    scenario = ROOT / "scenarios" / "early_response.toml"
    assert main(["export", "--xmile", str(out), str(scenario)]) == 0
    printed = capsys.readouterr().out
    assert "simulate_euler" in printed
    root = ET.parse(out).getroot()
    assert root.tag == f"{{{NAMESPACE}}}xmile"
    assert (
        root.findtext(f"{{{NAMESPACE}}}header/{{{NAMESPACE}}}name") == load_scenario(scenario).name
    )
    flat = tmp_path / "flat.xmile"
    assert main(["export", "--xmile", str(flat), "--flat"]) == 0
    assert b"pool_france" in flat.read_bytes()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export"], "--xmile"),
        (["export", "--xmile", ""], "a file name is needed"),
        (["export", "--xmile", "{tmp}/missing/m.xmile"], "does not exist"),
        (["export", "--xmile", "{tmp}"], "is a directory"),
        (["export", "--xmile", "{tmp}/m.xmile", "{tmp}/nothing.toml"], "nothing.toml"),
    ],
)
def test_export_command_refuses_bad_arguments(argv, expected, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("ffsim: error:") and expected in err
    assert err.count("\n") == 1
    assert not (tmp_path / "m.xmile").exists()


def test_the_shipped_baseline_file_is_current():
    from ffsim.cli.docs_model import XMILE_FILE, baseline_xmile

    shipped = (ROOT / "docs" / XMILE_FILE).read_bytes()
    assert shipped == baseline_xmile(), f"docs/{XMILE_FILE} is stale: run `make docs`"
