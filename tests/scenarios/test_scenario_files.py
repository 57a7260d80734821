"""Scenario files: shipped ones load and run, malformed ones are refused clearly, hashes are
stable, levers act as documented, and attributions add up."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ffsim.cli.main import main
from ffsim.core.errors import InputError
from ffsim.core.simulate import simulate
from ffsim.scenarios.attribution import BALANCES, explain
from ffsim.scenarios.compare import compare
from ffsim.scenarios.levers import Levers
from ffsim.scenarios.scenario import (
    SCENARIO_DIR,
    baseline_scenario,
    check_scenario_file,
    load_scenario,
    parse_scenario,
)
from ffsim.scenarios.sensitivity import sobol, tornado

SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))


def test_at_least_seven_scenarios_ship_each_with_question_and_motivation():
    assert len(SHIPPED) >= 7
    for path in SHIPPED:
        s = load_scenario(path)
        assert len(s.description) > 80 and len(s.motivation) > 40, path.name


def test_every_shipped_scenario_validates_and_runs():
    scenarios = [load_scenario(p) for p in SHIPPED]
    c = compare(scenarios, draws=20)
    for outcome, best in c.best.items():
        assert np.all(np.isfinite(best)), outcome
    assert len(set(c.hashes)) == len(SHIPPED)  # every scenario is a different model input
    assert main(["validate", *map(str, SHIPPED)]) == 0


def test_as_reported_is_the_calibrated_baseline():
    a = load_scenario(SCENARIO_DIR / "as_reported.toml")
    b = baseline_scenario()
    assert a.content_hash() == b.content_hash()
    np.testing.assert_array_equal(
        simulate(a.parameters, a.drivers).states,
        simulate().states * 0 + simulate(b.parameters, b.drivers).states,
    )


def test_default_levers_change_nothing():
    b = baseline_scenario()
    assert b.drivers == b.raw_drivers and b.levers == Levers()


def test_border_closed_earlier_cuts_arrivals_and_returns_alike():
    base = load_scenario(SCENARIO_DIR / "as_reported.toml")
    early = load_scenario(SCENARIO_DIR / "border_closed_year_earlier.toml")
    c = compare([base, early], draws=50)
    for outcome in ("cumulative_arrivals", "returned"):
        assert c.best[outcome][1] < c.best[outcome][0], outcome
        assert c.difference(outcome)[1, 2] < 0, outcome  # the whole 90% interval is below zero


def test_compare_differences_are_paired():
    s = load_scenario(SCENARIO_DIR / "no_air_campaign.toml")
    c = compare([s, s], draws=30)
    for outcome in c.draws:
        np.testing.assert_array_equal(c.difference(outcome), 0.0)


def test_hash_is_stable_across_runs_key_order_and_base_chains(tmp_path):
    one = 'name = "x"\n[levers]\nborder_closure_shift = -12\nprevention_shift = -12\n'
    two = 'name = "y"\n[levers]\nprevention_shift = -12\nborder_closure_shift = -12\n'
    h1, h2 = parse_scenario(one).content_hash(), parse_scenario(two).content_hash()
    assert h1 == h2 == parse_scenario(one).content_hash()
    via_base = load_scenario(SCENARIO_DIR / "early_response.toml").content_hash()
    assert via_base == h1
    assert parse_scenario('name = "z"\n[levers]\nprevention_shift = -11\n').content_hash() != h1


def test_shipped_hashes_do_not_change_between_processes():
    code = (
        "from ffsim.scenarios.scenario import load_scenario;"
        "print(load_scenario('scenarios/territory_held.toml').content_hash())"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.stdout.strip() == load_scenario(SCENARIO_DIR / "territory_held.toml").content_hash()


MALFORMED = {
    "invalid_toml": ("name = \n", "not valid TOML"),
    "empty": ("", "name: missing"),
    "wrong_type": (
        'name = "x"\n[levers]\nborder_closure_shift = "soon"\n',
        "levers.border_closure_shift",
    ),
    "lever_float_shift": (
        'name = "x"\n[levers]\nborder_closure_shift = 1.5\n',
        "levers.border_closure_shift",
    ),
    "unknown_key": ('name = "x"\nbsae = "baseline"\n', "bsae: unknown key"),
    "unknown_lever": (
        'name = "x"\n[levers]\nborder_closure = 1\n',
        "levers.border_closure: unknown name",
    ),
    "out_of_range": ('name = "x"\n[levers]\nair_campaign_strength = 3\n', "allowed range"),
    "param_out_of_range": (
        'name = "x"\n[parameters]\ntransit_time = 99\n',
        "parameters.transit_time = 99",
    ),
    "lever_as_parameter": (
        'name = "x"\n[parameters]\ncounter_messaging = 0.5\n',
        "set it under [levers]",
    ),
    "bad_date": (
        'name = "x"\n[drivers]\npay = [{date = "2015-02-30", value = 1.0}]\n',
        "drivers.pay",
    ),
    "bad_dates_order": (
        'name = "x"\n[drivers]\npay = [{date = 2016-01-01, value = 1.0},'
        " {date = 2015-01-01, value = 2.0}]\n",
        "strictly increasing",
    ),
    "missing_base": (
        'name = "x"\nbase = "nowhere"\n',
        "base = 'nowhere': no scenario nowhere.toml",
    ),
    "path_base": ('name = "x"\nbase = "../etc/passwd"\n', "must be a scenario name"),
    "table_not_table": ('name = "x"\nlevers = 5\n', "levers = 5: must be a table"),
    "name_not_string": ("name = 5\n", "name = 5: must be a non-empty string"),
    "bad_settings": ('name = "x"\n[settings]\ndt = 0.3\n', "settings.dt"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_scenarios_get_clear_errors_from_library_and_cli(tmp_path, capsys, case):
    text, expected = MALFORMED[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    scenario, problems = check_scenario_file(path)
    assert scenario is None and any(expected in p for p in problems), problems
    assert all(str(path) in p or p.startswith(str(path)) for p in problems)
    with pytest.raises(InputError):
        load_scenario(path)
    assert main(["validate", str(path)]) == 1
    assert expected in capsys.readouterr().out
    assert main(["run", str(path)]) == 2


def test_every_problem_in_a_file_is_listed(tmp_path, capsys):
    path = tmp_path / "many.toml"
    path.write_text(
        'nmae = "x"\n[levers]\nair_campaign_strength = 3\n[parameters]\ntransit_time = 99\n'
    )
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    for expected in ("nmae: unknown key", "name: missing", "air_campaign_strength", "transit_time"):
        assert expected in out


def test_cyclic_bases_are_refused(tmp_path):
    (tmp_path / "a.toml").write_text('name = "a"\nbase = "b"\n')
    (tmp_path / "b.toml").write_text('name = "b"\nbase = "a"\n')
    scenario, problems = check_scenario_file(tmp_path / "a.toml")
    assert scenario is None and any("cyclic base (a -> b -> a)" in p for p in problems)
    (tmp_path / "self.toml").write_text('name = "s"\nbase = "self"\n')
    assert any("cyclic" in p for p in check_scenario_file(tmp_path / "self.toml")[1])


def test_an_invalid_base_is_reported_through_the_child(tmp_path):
    (tmp_path / "parent.toml").write_text('name = "p"\n[levers]\nprevention_strength = 9\n')
    (tmp_path / "child.toml").write_text('name = "c"\nbase = "parent"\n')
    _, problems = check_scenario_file(tmp_path / "child.toml")
    assert any("base 'parent' is invalid" in p for p in problems)
    assert any("prevention_strength" in p for p in problems)


def test_enormous_binary_and_nul_files_are_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text('name = "x"\n# ' + "x" * 1_100_000)
    junk = tmp_path / "junk.toml"
    junk.write_bytes(bytes(range(256)) * 8)
    nul = tmp_path / "nul.toml"
    nul.write_text('name = "x\x00"\n')
    assert "at most 1000000 (1 MB) allowed" in check_scenario_file(big)[1][0]
    assert "not a UTF-8 text file" in check_scenario_file(junk)[1][0]
    assert "NUL" in check_scenario_file(nul)[1][0]
    assert main(["validate", str(big), str(junk), str(nul)]) == 1


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("as_reported", "early_response", "in_theatre"),
        ("as_reported", "territory_held", "cumulative_arrivals"),
        ("no_border_tightening", "returns_encouraged", "returned"),
        ("as_reported", "no_air_campaign", "killed"),
    ],
)
def test_attributions_sum_to_the_total_difference(a, b, outcome):
    e = explain(
        load_scenario(SCENARIO_DIR / f"{a}.toml"),
        load_scenario(SCENARIO_DIR / f"{b}.toml"),
        outcome,
    )
    assert sum(e.shapley) == pytest.approx(e.total, rel=1e-9, abs=1e-6)
    assert sum(e.flows.values()) == pytest.approx(e.total, rel=1e-6, abs=1e-6)
    assert e.interaction == pytest.approx(e.total - sum(e.one_at_a_time))
    assert set(e.flows) == {*BALANCES[outcome], "initial stock"}


def test_shapley_of_a_single_component_is_the_whole_difference():
    a = load_scenario(SCENARIO_DIR / "as_reported.toml")
    b = load_scenario(SCENARIO_DIR / "returns_encouraged.toml")
    e = explain(a, b, "returned", date=dt.date(2016, 12, 31))
    assert e.components == ("levers.reintegration_offer",)
    assert e.shapley[0] == pytest.approx(e.total) and e.interaction == pytest.approx(0.0, abs=1e-6)
    assert e.total > 0


def test_tornado_covers_every_free_parameter_and_lever():
    value, bars = tornado(baseline_scenario(), "in_theatre", "total", dt.date(2016, 6, 30))
    names = {b.name for b in bars}
    assert set(Levers.model_fields) <= names and len(names) == len(bars)
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    closed = next(b for b in bars if b.name == "border_closure_shift")
    assert closed.low_output < value < closed.high_output  # earlier closure, fewer in theatre


def test_sobol_indices_are_sane():
    s = sobol(baseline_scenario(), "in_theatre", "total", every=24, n=64)
    assert s.total.shape == (len(s.dates), len(s.names))
    assert np.all(s.total > -0.1) and np.all(s.first_order < 1.1)
    assert np.all(s.total.sum(axis=1) >= 0.9)  # total indices cover at least all the variance


def test_sobol_runs_split_over_workers_give_the_same_indices():
    """The runs go out in chunks, one per worker's share (``ffsim.core.executor``); chunked or
    whole, the indices are identical."""
    from ffsim.core.executor import SerialExecutor

    class FourWorkers(SerialExecutor):
        @property
        def workers(self) -> int:
            return 4

    whole = sobol(baseline_scenario(), "in_theatre", "total", every=24, n=64)
    split = sobol(
        baseline_scenario(), "in_theatre", "total", every=24, n=64, executor=FourWorkers()
    )
    assert np.array_equal(whole.total, split.total)
    assert np.array_equal(whole.first_order, split.first_order)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_writing_a_scenario_as_toml_round_trips(path):
    from ffsim.scenarios.scenario_io import scenario_to_toml

    s = load_scenario(path)
    again = parse_scenario(scenario_to_toml(s, name="copy"))
    assert again.content_hash() == s.content_hash()
    assert again.name == "copy"


@pytest.mark.parametrize("draws", [200, 300])
def test_the_baseline_lies_inside_its_own_90_percent_interval_for_every_outcome(draws):
    # What `ffsim compare` and the Compare page show: best fit (p05 to p95 of the draws).
    from ffsim.scenarios.compare import OUTCOMES
    from ffsim.scenarios.scenario import baseline_scenario

    c = compare([baseline_scenario()], draws=draws)
    for outcome in OUTCOMES:
        lo, _, hi = c.quantiles(outcome)[0]
        assert lo <= c.best[outcome][0] <= hi, (outcome, lo, c.best[outcome][0], hi)


def test_a_knot_a_lever_moved_says_so_in_its_source():
    """A shifted or rescaled knot keeps its report and names what the lever did, so that an
    export (XMILE, the Model page) never dates a report to a month it was not made for.
    """
    from ffsim.core.drivers import DEFAULT_DRIVERS
    from ffsim.scenarios.levers import reshape

    reported = DEFAULT_DRIVERS.border_closure
    assert reshape(reported, 0, 1.0) is reported
    moved = reshape(reported, -12, 0.5)
    for before, after in zip(reported.knots, moved.knots, strict=True):
        assert after.source.startswith(before.source)
        assert f"the knot {before.date}: {before.value:g}" in after.source
        assert "moved -12 months" in after.source and "scaled x0.5" in after.source
