"""The ``ffsim run`` command: the tidy CSV, the summary, and one-line errors for bad input."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import ffsim
from ffsim.cli.main import main
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import LEDGER

REQUIRED = {
    "in_transit",
    "in_theatre",
    "returned",
    "killed",
    "moved_on",
    "intercepted",
    "departures",
    "arrivals",
    "cumulative_departures",
}


@pytest.fixture(scope="module")
def default_csv(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("run") / "x.csv"
    assert main(["run", "--out", str(out)]) == 0
    return pd.read_csv(out)


def test_csv_is_tidy_with_every_region_and_required_variable(default_csv):
    assert list(default_csv.columns) == ["date", "region", "variable", "value"]
    assert set(default_csv["region"]) == {"total", *REGION_IDS}
    assert set(default_csv["variable"]) >= REQUIRED
    dates = sorted(set(default_csv["date"]))
    assert dates[0] == "2012-01-31" and dates[-1] == "2018-12-31" and len(dates) == 84
    assert not default_csv.duplicated(["date", "region", "variable"]).any()


def test_csv_keeps_the_people_ledger_for_every_region_and_month(default_csv):
    wide = default_csv.pivot_table(index=["date", "region"], columns="variable", values="value")
    where_now = wide[list(LEDGER)].sum(axis=1)
    np.testing.assert_allclose(wide["cumulative_departures"], where_now, rtol=1e-7, atol=1e-5)


@pytest.fixture(scope="module")
def banded_csv(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("run") / "bands.csv"
    assert main(["run", "--draws", "40", "--out", str(out)]) == 0
    return pd.read_csv(out)


def test_draws_add_posterior_quantile_columns_to_the_same_rows(banded_csv, default_csv):
    assert list(banded_csv.columns) == ["date", "region", "variable", "value", "p05", "p50", "p95"]
    pd.testing.assert_frame_equal(banded_csv[list(default_csv.columns)], default_csv)
    assert not banded_csv[["p05", "p50", "p95"]].isna().any().any()
    # Bands have width: the draws differ (a stock that starts at zero may stay at zero).
    assert (banded_csv["p95"] - banded_csv["p05"]).max() > 0


def test_draws_quantiles_are_ordered_everywhere(banded_csv):
    assert (banded_csv["p05"] <= banded_csv["p50"]).all()
    assert (banded_csv["p50"] <= banded_csv["p95"]).all()


def test_draws_keep_the_people_ledger_for_the_value_column(banded_csv):
    wide = banded_csv.pivot_table(index=["date", "region"], columns="variable", values="value")
    where_now = wide[list(LEDGER)].sum(axis=1)
    np.testing.assert_allclose(wide["cumulative_departures"], where_now, rtol=1e-7, atol=1e-5)


def test_draws_follow_a_scenario(tmp_path):
    scenario = tmp_path / "closed.toml"
    scenario.write_text(
        'name = "closed"\n[parameters]\nborder_stop_max = 1.0\n'
        '[drivers]\nborder_closure = [{date = "2012-01-01", value = 1.0}]\n'
    )
    out = tmp_path / "closed.csv"
    assert main(["run", str(scenario), "--draws", "5", "--out", str(out)]) == 0
    arrivals = pd.read_csv(out).query("variable == 'arrivals'")
    assert arrivals[["value", "p05", "p50", "p95"]].max().max() == 0.0


@pytest.mark.parametrize("value", ["0", str(10**6), "abc", "-3", "2.5"])
def test_bad_draws_exit_2_naming_the_option_and_the_range(tmp_path, capsys, value):
    out = tmp_path / "x.csv"
    assert main(["run", "--draws", value, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ffsim: error: --draws {value}: allowed a whole number from 1 to ")
    assert err.count("\n") == 1 and not out.exists()


def test_draws_without_out_say_where_the_bands_go(capsys):
    assert main(["run", "--draws", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "posterior bands (p05, p50, p95 over 3 draws) are written only with --out"
    )


def test_summary_table_lists_every_region(capsys):
    assert main(["run"]) == 0
    text = capsys.readouterr().out
    for region in ("total", *REGION_IDS):
        assert f"\n{region} " in text


def test_a_scenario_file_changes_the_run(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'name = "closed"\n[parameters]\nborder_stop_max = 1.0\n'
        '[drivers]\nborder_closure = [{date = "2012-01-01", value = 1.0}]\n'
    )
    out = tmp_path / "s.csv"
    assert main(["run", str(scenario), "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    arrivals = frame.query("region == 'total' and variable == 'arrivals'")["value"]
    assert arrivals.max() == 0.0


BAD_FILES = {
    "bad_toml.toml": "name = \n",
    "unknown_key.toml": "nmae = 'x'\n",
    "out_of_range.toml": "[parameters]\ncombat_mortality = 3.0\n",
    "wrong_type.toml": "[parameters]\ncombat_mortality = 'high'\n",
    "bad_date.toml": "[drivers]\npay = [{date = 2015-02-30, value = 10.0}]\n",
    "not_table.toml": "parameters = 3\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_scenario_gives_one_line_error_and_exit_2(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_text(BAD_FILES[name])
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ffsim: error: ") and err.count("\n") == 1
    assert name in err


def test_binary_and_oversized_files_are_refused(tmp_path, capsys):
    junk = tmp_path / "junk.toml"
    junk.write_bytes(bytes(range(256)) * 4)
    assert main(["run", str(junk)]) == 2
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 1_100_000)
    assert main(["run", str(big)]) == 2
    err = capsys.readouterr().err
    assert "not a UTF-8 text file" in err and "at most 1000000" in err


def test_missing_file_and_unwritable_output_are_refused(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert main(["run", "--out", str(tmp_path / "no" / "dir.csv")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("ffsim: error: ") for line in err)


def test_the_installed_command_exits_2_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[parameters]\ntransit_time = 0\n")
    for args in (["run", str(bad)], ["run", "--bogus"], ["fly"]):
        proc = subprocess.run(
            [sys.executable, "-m", "ffsim", *args], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr
        assert proc.stderr.startswith("ffsim: error: ") and proc.stderr.count("\n") == 1


@pytest.mark.slow  # several processes at once: `make test-slow` (fast-tier budget, README)
def test_the_console_script_and_python_m_give_the_same_run_and_exit_codes(tmp_path):
    """Both go through ``ffsim.cli.entry``: the same output, files and codes as ``main``."""
    from pathlib import Path

    script = Path(sys.executable).with_name("ffsim")
    assert script.is_file(), "the console script is installed beside the interpreter"
    outputs = []
    for command in ([str(script)], [sys.executable, "-m", "ffsim"]):
        out = tmp_path / f"{len(outputs)}.csv"
        proc = subprocess.run([*command, "run", "--out", str(out)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        bad = subprocess.run([*command, "run", "--draws", "0"], capture_output=True, text=True)
        assert bad.returncode == 2 and bad.stderr.startswith("ffsim: error: --draws 0")
        stdout = proc.stdout.replace(str(out), "OUT").replace(f"{out.name}.json", "OUT.json")
        outputs.append((stdout, out.read_bytes()))
    assert outputs[0] == outputs[1]


def test_the_process_entry_tunes_the_collector_and_exits_with_the_code(monkeypatch, capsys):
    import gc

    from ffsim.cli import entry

    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["ffsim", "run", "--draws", "x"])
    try:
        with pytest.raises(SystemExit) as stop:
            entry.main()
        assert stop.value.code == 2
        assert gc.get_threshold() == entry.GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert capsys.readouterr().err.startswith("ffsim: error: --draws x")


def test_the_readme_scenario_example_is_valid_and_runs(tmp_path, default_csv):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    example = re.search(r"```toml\n(.*?)```", readme, flags=re.S)
    assert example, "README has no TOML example"
    path = tmp_path / "example.toml"
    path.write_text(example.group(1))
    out = tmp_path / "example.csv"
    assert main(["run", str(path), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["date", "region", "variable", "value"]
    # The numbers are the library's run of the scenario the example describes.
    from ffsim.core.simulate import simulate
    from ffsim.scenarios.scenario import load_scenario

    scenario = load_scenario(path)
    assert scenario.parameters.combat_mortality == 0.012
    assert scenario.parameters.radicalisation_rate.france == 30.0
    expected = simulate(scenario.parameters, scenario.drivers, scenario.settings).tidy()
    expected["date"] = expected["date"].astype(str)
    pd.testing.assert_frame_equal(table, expected, check_exact=False, rtol=1e-7, atol=1e-5)

    # ... and what its name says: a border closed earlier and more prevention at home mean fewer
    # arrivals and more people stopped than in the run of the reported drivers.
    def at_end(frame: pd.DataFrame, variable: str) -> float:
        rows = frame[(frame["region"] == "total") & (frame["variable"] == variable)]
        return float(rows.sort_values("date")["value"].iloc[-1])

    assert at_end(table, "cumulative_arrivals") < at_end(default_csv, "cumulative_arrivals")
    assert at_end(table, "intercepted") > at_end(default_csv, "intercepted")


def test_run_out_writes_a_sidecar_that_says_where_the_numbers_came_from(tmp_path, capsys):
    import hashlib
    import json

    from ffsim.resources import BASELINE_PATH, SCENARIO_DIR
    from ffsim.scenarios.scenario import load_scenario

    scenario = SCENARIO_DIR / "no_air_campaign.toml"
    out = tmp_path / "run.csv"
    assert main(["run", str(scenario), "--out", str(out), "--draws", "5"]) == 0
    side = json.loads((tmp_path / "run.csv.json").read_text())
    assert side["ffsim_version"] == ffsim.__version__
    assert side["scenario_sha256"] == load_scenario(scenario).content_hash()
    assert side["artifact"] == "calibration/baseline.json"
    assert side["artifact_sha256"] == hashlib.sha256(BASELINE_PATH.read_bytes()).hexdigest()
    assert side["posterior_draws"] == 5
    assert side["columns"] == out.read_text().splitlines()[0].split(",")
